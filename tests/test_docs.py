"""The docs stay true: every field, option and JSON key documented, schema and examples current.

Real files and real ``blast`` runs throughout; when a test here fails, the code
changed and the docs did not (or the other way round). Most failures are fixed by
``python -m blast.docgen`` and ``python -m blast.loading.schema docs/graph.schema.json``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import typing
from enum import Enum
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel

from blast import cli, docgen
from blast.loading.loader import validate_files
from blast.loading.schema import json_schema, schema_text
from blast.loading.yamlsource import read_yaml
from blast.model import GraphDocument

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_MD = ROOT / "docs" / "schema.md"
CLI_MD = ROOT / "docs" / "cli.md"
SCHEMA_JSON = ROOT / "docs" / "graph.schema.json"
SHOP = "graphs/examples/shop.yaml"
GRAPHS = sorted(
    p.relative_to(ROOT)
    for p in (ROOT / "graphs").rglob("*.yaml")
    if "scenarios" not in p.relative_to(ROOT).parts  # scenario files: tests/test_sim_docs.py
)
INVALID = ["unknown-field", "bad-scope", "bad-kind", "bad-dependency-type", "missing-field"]
REGENERATE = "regenerate with: python -m blast.docgen"
_GENERATED = re.compile(r"<!-- (help|json|file|run):(\S+) -->\n.*?<!-- /\1:\2 -->", re.DOTALL)


def section(text: str, heading: str) -> str:
    """The body of the markdown section titled exactly ``heading`` (any level)."""
    match = re.search(rf"^(#+) {re.escape(heading)}\n", text, re.MULTILINE)
    assert match, f"no section '{heading}'"
    level = len(match.group(1))
    end = re.search(rf"^#{{1,{level}}} ", text[match.end() :], re.MULTILINE)
    return text[match.end() : match.end() + end.start() if end else len(text)]


def hand_written(text: str) -> str:
    """``text`` without its generated blocks."""
    return _GENERATED.sub("", text)


def models(root: type[BaseModel] = GraphDocument) -> dict[str, type[BaseModel]]:
    """Every pydantic model reachable from ``root`` through field annotations."""
    found: dict[str, type[BaseModel]] = {}

    def visit(annotation: object) -> None:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if is_model and annotation.__name__ not in found:
            found[annotation.__name__] = annotation
            for info in annotation.model_fields.values():
                visit(info.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return found


def table_rows(body: str) -> dict[str, list[str]]:
    """Rows of the markdown tables in ``body`` whose first cell is one backquoted name."""
    rows = {}
    for line in body.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if cells and (name := re.fullmatch(r"`([a-z_]+)`", cells[0])):
            rows[name.group(1)] = cells
    return rows


# --- docs/schema.md --------------------------------------------------------------------


def model_section(name: str) -> str:
    heading = "Top level: `GraphDocument`" if name == "GraphDocument" else f"`{name}`"
    return section(SCHEMA_MD.read_text(encoding="utf-8"), heading)


@pytest.mark.parametrize("name", sorted(models()))
def test_every_field_is_documented_in_its_section(name):
    model = models()[name]
    rows = table_rows(model_section(name))
    fields = set(model.model_fields)
    assert not fields - set(rows), f"docs/schema.md, section {name}: undocumented fields"
    assert not set(rows) - fields, f"docs/schema.md, section {name}: fields that do not exist"
    for field, info in model.model_fields.items():
        default = rows[field][2]
        assert (default == "required") == info.is_required(), f"{name}.{field}: default {default}"


def test_every_enum_value_is_documented():
    body = section(SCHEMA_MD.read_text(encoding="utf-8"), "Enumerations")
    enums = {
        arg
        for model in models().values()
        for info in model.model_fields.values()
        for arg in (info.annotation, *typing.get_args(info.annotation))
        if isinstance(arg, type) and issubclass(arg, Enum)
    }
    assert len(enums) == 6
    for enum in enums:
        line = next(ln for ln in body.splitlines() if ln.startswith(f"| `{enum.__name__}` |"))
        documented = set(re.findall(r"`([^`]+)`", line)[1:])
        assert documented == {m.value for m in enum}, f"docs/schema.md, enum {enum.__name__}"


def test_schema_file_is_current():
    assert SCHEMA_JSON.read_text(encoding="utf-8") == schema_text(), (
        "docs/graph.schema.json is stale; "
        "regenerate with: python -m blast.loading.schema docs/graph.schema.json"
    )


def test_schema_command_prints_the_schema():
    run = subprocess.run(
        [sys.executable, "-m", "blast.loading.schema"], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == json_schema()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_JSON.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", GRAPHS, ids=str)
def test_shipped_graphs_fit_the_schema(path, validator):
    errors = [e.message for e in validator.iter_errors(read_yaml(ROOT / path).data)]
    assert not errors, f"{path}: {errors}"


def yaml_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", SCHEMA_MD.read_text(encoding="utf-8"), re.DOTALL)


def test_schema_md_has_examples():
    assert len(yaml_examples()) >= 5


@pytest.mark.parametrize("number", range(len(yaml_examples())))
def test_yaml_examples_validate(number, validator, tmp_path):
    # Written beside a copy of graphs/ so that `include: [catalog/aws.yaml]` resolves.
    shutil.copytree(ROOT / "graphs", tmp_path / "graphs")
    path = tmp_path / "graphs" / f"example-{number}.yaml"
    path.write_text(yaml_examples()[number], encoding="utf-8")
    errors = [e.message for e in validator.iter_errors(read_yaml(path).data)]
    assert not errors, f"example {number} of docs/schema.md: {errors}"
    assert validate_files([path]) == [], f"example {number} of docs/schema.md"


@pytest.mark.parametrize("name", INVALID)
def test_invalid_fixtures_are_rejected_by_the_schema(name, validator):
    data = read_yaml(ROOT / "tests" / "data" / "invalid" / f"{name}.yaml").data
    assert not validator.is_valid(data)


def test_schema_accepts_shorthands_and_rejects_what_the_loader_rejects(validator):
    ok = {
        "components": [
            {"id": "db", "kind": "database", "timing": {"recovery_time": "1h30m"}},
            {"id": "app", "kind": "app", "depends_on": ["db", {"target": "db", "timeout": 2}]},
            {"id": "w", "kind": "compute", "provider": "AWS", "region": "us-east-1",
             "scope": "zonal", "az": "us-east-1a"},
        ]
    }  # fmt: skip
    assert validator.is_valid(ok)
    bad = [
        {"id": "x", "kind": "app", "timing": {"recovery_time": "soon"}},
        {"id": "x", "kind": "app", "timing": {"recovery_time": -1}},
        {"id": "x", "kind": "app", "scope": "zonal"},
        {"id": "x", "kind": "app", "az": "a"},
        {"id": "x", "kind": "app", "provider": "aws", "region": "us-east1"},
        {"id": "x", "kind": "app", "provider": "gcp", "region": "us-east-1"},
        {"id": "x", "kind": "app", "depends_on": ["not an id"]},
    ]
    for component in bad:
        assert not validator.is_valid({"components": [component]}), component


# --- docs/cli.md -----------------------------------------------------------------------


@pytest.mark.parametrize("path", docgen.DOCS, ids=lambda p: p.name)
def test_generated_blocks_are_current(path):
    text = path.read_text(encoding="utf-8")
    assert docgen.render(text, require_help=path == CLI_MD) == text, (
        f"{path.relative_to(ROOT)} is stale; {REGENERATE}"
    )


def test_docgen_check_passes():
    run = subprocess.run(
        [sys.executable, "-m", "blast.docgen", "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, f"{run.stderr}; {REGENERATE}"


def option_names(parser) -> list[str]:
    """Option strings and positional metavars of a parser, help excluded."""
    names = []
    for action in parser._actions:
        if action.option_strings:
            names += [o for o in action.option_strings if o not in ("-h", "--help")]
        else:
            names.append(action.metavar or action.dest)
    return names


@pytest.mark.parametrize("name", ["blast", *docgen.commands()])
def test_every_option_is_described_by_hand(name):
    parser = cli.build_parser()
    parser = parser if name == "blast" else docgen.commands(parser)[name]
    heading = "`blast`" if name == "blast" else f"`blast {name}`"
    body = hand_written(section(CLI_MD.read_text(encoding="utf-8"), heading))
    missing = [o for o in option_names(parser) if f"`{o}" not in body]
    assert not missing, f"docs/cli.md, section {heading}: options not described: {missing}"


def keys(data: object) -> set[str]:
    """Every key of every object in ``data``, at any depth."""
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in keys(v)}
    return set()


@pytest.mark.parametrize("name", sorted(docgen.EXAMPLES))
def test_every_json_key_is_documented(name):
    cmd = [sys.executable, "-m", "blast", *docgen.EXAMPLES[name]]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    heading = f"`blast {name} --json`"
    body = hand_written(section(CLI_MD.read_text(encoding="utf-8"), heading))
    rows = table_rows(body)
    assert set(data) <= set(rows), f"docs/cli.md, {heading}: top-level keys not in a table"
    missing = sorted(k for k in keys(data) if f"`{k}`" not in body)
    assert not missing, f"docs/cli.md, {heading}: keys not explained: {missing}"


def test_every_command_has_a_json_section():
    parser = cli.build_parser()
    with_json = [n for n, p in docgen.commands(parser).items() if "--json" in option_names(p)]
    assert sorted(with_json) == sorted(docgen.EXAMPLES)
