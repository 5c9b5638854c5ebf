"""Write the JSON Schema of the report: ``python -m blast.reports.schema [PATH]``.

``docs/report.schema.json`` is this output; a test fails when it is stale. The
frame, text and command line are :mod:`blast.schemafile`'s, shared with the
graph and scenario schemas.
"""

from __future__ import annotations

from blast.reports.build import json_schema
from blast.schemafile import main as schema_main
from blast.schemafile import schema_text as dumped


def schema_text() -> str:
    """The schema as the file holds it (two-space indent, keys in model order, newline)."""
    return dumped(json_schema(), sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    """Print the schema, or write it to the path given."""
    return schema_main("blast.reports.schema", schema_text, argv)


if __name__ == "__main__":
    raise SystemExit(main())
