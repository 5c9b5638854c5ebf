"""Write the JSON Schema of the report: ``python -m blast.reports.schema [PATH]``.

``docs/report.schema.json`` is this output; a test fails when it is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from blast.reports.build import json_schema


def schema_text() -> str:
    """The schema as the file holds it (two-space indent, trailing newline)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the schema, or write it to the path given."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
