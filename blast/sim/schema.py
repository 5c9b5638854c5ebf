"""The JSON Schema of a scenario file, for editors and other tools.

Generated from :class:`~blast.sim.scenario.ScenarioDocument` like the graph
schema (:mod:`blast.loading.schema`): durations may be strings or seconds, a
``target`` may be a bare component id, times are RFC 3339 date-times (with an
offset). The loader stays the authority. ``docs/scenario.schema.json`` is the
committed copy: ``python -m blast.sim.schema docs/scenario.schema.json``.
"""

from __future__ import annotations

from typing import Any

from blast.loading.schema import _adjust
from blast.model.spec import ID_PATTERN
from blast.schemafile import framed
from blast.schemafile import main as schema_main
from blast.schemafile import schema_text as dumped
from blast.sim.scenario import ScenarioDocument

SCHEMA_ID = "https://blast.invalid/scenario.schema.json"
_BARE_ID = {"type": "string", "pattern": ID_PATTERN, "description": "Id of one component."}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = _adjust(ScenarioDocument.model_json_schema(by_alias=True))
    defs = schema["$defs"]
    defs["Fault"]["properties"]["target"] = {
        "anyOf": [_BARE_ID, {"$ref": "#/$defs/Target"}],
        "description": defs["Fault"]["properties"]["target"].get("description", ""),
    }
    action_target = defs["Action"]["properties"]["target"]
    action_target["anyOf"] = [_BARE_ID, {"$ref": "#/$defs/Target"}, {"type": "null"}]
    for name in ("version", "kind"):
        prop = schema["properties"][name]
        prop["enum"] = [prop["const"]]
    return framed(
        schema,
        schema_id=SCHEMA_ID,
        title="Blast scenario file",
        description=(
            "Faults, operator actions, a horizon and parameter overrides to play out on a "
            "Blast graph. See docs/scenarios.md."
        ),
    )


def schema_text() -> str:
    """The schema as committed: pretty-printed, keys sorted, trailing newline."""
    return dumped(json_schema())


def main(argv: list[str] | None = None) -> int:
    """``python -m blast.sim.schema [PATH]``: write the schema to PATH, or print it."""
    return schema_main("blast.sim.schema", schema_text, argv)


if __name__ == "__main__":
    raise SystemExit(main())
