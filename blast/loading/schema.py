"""The JSON Schema of a graph file, for editors (yaml-language-server) and other tools.

Generated from the pydantic models so that it cannot drift from them, then
adjusted where pydantic's output does not describe what a YAML file may hold: a
``depends_on`` entry may be a bare id, a duration a string or a number, and a few
cross-field rules of the validators (zonal needs ``az``, region names by
provider) become ``if``/``then`` clauses. The loader stays the authority; the
schema gives completion and early red squiggles. ``docs/graph.schema.json`` is
its committed copy: ``python -m blast.loading.schema docs/graph.schema.json``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from blast.model import AWS_AZ, GENERIC_REGION, ID_PATTERN, REGION_PATTERNS, GraphDocument
from blast.model.durations import DURATION_PATTERN
from blast.schemafile import framed
from blast.schemafile import main as schema_main
from blast.schemafile import schema_text as dumped

SCHEMA_ID = "https://blast.invalid/graph.schema.json"

_DURATION = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "description": "A duration: 90s, 5m, 1h30m, 2d, 250ms (units ms, s, m, h, d).",
}
_SECONDS = {"type": "number", "minimum": 0, "description": "A duration in seconds."}
_BARE_ID = {
    "type": "string",
    "pattern": ID_PATTERN,
    "description": "Id of a component or group: a hard dependency on it.",
}


def _is_duration(node: dict[str, Any]) -> bool:
    return any(b.get("pattern") == DURATION_PATTERN for b in node.get("anyOf", ()))


def _adjust(node: Any) -> Any:
    """Fix pydantic's output recursively: durations, nested ``anyOf``, property titles."""
    if isinstance(node, list):
        return [_adjust(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _adjust(value) for key, value in node.items()}
    if "anyOf" in node:
        flat: list[Any] = []
        for branch in node["anyOf"]:  # anyOf [anyOf [string, number], null] -> one level
            flat.extend(branch["anyOf"] if set(branch) == {"anyOf"} else [branch])
        node["anyOf"] = flat
        if _is_duration(node):
            node.pop("type", None)  # pydantic adds type: number beside the anyOf
            node["anyOf"] = [_DURATION if b.get("pattern") == DURATION_PATTERN else b for b in flat]
            node["anyOf"] = [_SECONDS if b == {"type": "number"} else b for b in node["anyOf"]]
    for prop in node.get("properties", {}).values():
        prop.pop("title", None)  # "Depends On" and the like say nothing the key does not
    return node


def _any_case(word: str) -> str:
    """A pattern matching ``word`` in any letter case, as the validators compare providers."""
    return "^" + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word) + "$"


def _region_rule(pattern: str) -> dict[str, Any]:
    return {"properties": {"region": {"anyOf": [{"const": "global"}, {"pattern": pattern}]}}}


def _component_rules() -> list[dict[str, Any]]:
    """The validators' cross-field checks that JSON Schema can state."""
    zonal = {"properties": {"scope": {"const": "zonal"}}, "required": ["scope"]}
    has_az = {"properties": {"az": {"type": "string"}}, "required": ["az"]}
    rules: list[dict[str, Any]] = [
        {
            "if": zonal,
            "then": {"properties": {"az": {"type": "string", "minLength": 1}}, "required": ["az"]},
        },
        {"if": has_az, "then": zonal},
    ]
    for provider, pattern in REGION_PATTERNS.items():
        is_provider = {"properties": {"provider": {"pattern": _any_case(provider)}}}
        rules.append(
            {"if": {**is_provider, "required": ["provider"]}, "then": _region_rule(pattern.pattern)}
        )
    known = "|".join(_any_case(p)[1:-1] for p in REGION_PATTERNS)
    other = {
        "not": {"properties": {"provider": {"pattern": f"^({known})$"}}, "required": ["provider"]}
    }
    rules.append({"if": other, "then": _region_rule(GENERIC_REGION.pattern)})
    aws_az = re.sub(r"\(\?P<\w+>", "(", AWS_AZ.pattern)  # no named groups in ECMA-262 regexes
    rules.append(
        {
            "if": {
                "properties": {"provider": {"pattern": _any_case("aws")}},
                "required": ["provider"],
            },
            "then": {"properties": {"az": {"pattern": aws_az}}},
        }
    )
    return rules


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a graph file."""
    schema = _adjust(GraphDocument.model_json_schema())
    component = schema["$defs"]["Component"]
    component["properties"]["depends_on"]["items"] = {
        "anyOf": [_BARE_ID, {"$ref": "#/$defs/Dependency"}]
    }
    component["allOf"] = _component_rules()
    version = schema["properties"]["version"]
    version["enum"] = [version["const"]]  # editors complete enums more readily than consts
    return framed(
        schema,
        schema_id=SCHEMA_ID,
        title="Blast graph file",
        description=(
            "A Blast dependency graph: components, what each depends on (hard, soft, async) "
            "and redundancy groups. See docs/schema.md."
        ),
    )


def schema_text() -> str:
    """The schema as committed: pretty-printed, keys sorted, trailing newline."""
    return dumped(json_schema())


def write_schema(path: str | Path) -> None:
    """Write the schema to ``path`` (see :func:`schema_text`)."""
    Path(path).write_text(schema_text(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m blast.loading.schema [PATH]``: write the schema to PATH, or print it."""
    return schema_main("blast.loading.schema", schema_text, argv)


if __name__ == "__main__":
    raise SystemExit(main())
