"""Scenario docs stay true: the schema is current, shipped scenarios fit it and validate."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel

from blast.loading.yamlsource import read_yaml
from blast.sim.loader import validate_scenario
from blast.sim.scenario import ScenarioDocument
from blast.sim.schema import json_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_JSON = ROOT / "docs" / "scenario.schema.json"
SCENARIOS_MD = ROOT / "docs" / "scenarios.md"
SHIPPED = sorted((ROOT / "graphs" / "scenarios").glob("*.yaml"))


def plain(path: Path) -> object:
    """The YAML data as JSON would hold it (YAML timestamps become ISO strings)."""
    return json.loads(json.dumps(read_yaml(path).data, default=lambda o: o.isoformat()))


def test_schema_file_is_current():
    assert SCHEMA_JSON.read_text(encoding="utf-8") == schema_text(), (
        "docs/scenario.schema.json is stale; regenerate with: "
        "python -m blast.sim.schema docs/scenario.schema.json"
    )


def test_schema_command_prints_the_schema():
    run = subprocess.run(
        [sys.executable, "-m", "blast.sim.schema"], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == json_schema()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_JSON.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_fit_the_schema_and_validate(path, validator):
    assert [e.message for e in validator.iter_errors(plain(path))] == []
    assert validate_scenario(path) == []


@pytest.mark.parametrize("name", ["bad-mode", "no-faults", "unknown-field"])
def test_schema_rejects_what_the_loader_rejects(name, validator):
    assert not validator.is_valid(plain(ROOT / "tests/data/scenarios/invalid" / f"{name}.yaml"))


def models(root: type[BaseModel] = ScenarioDocument) -> dict[str, type[BaseModel]]:
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


@pytest.mark.parametrize("name", sorted(models()))
def test_every_scenario_field_is_documented(name):
    text = SCENARIOS_MD.read_text(encoding="utf-8")
    heading = re.search(rf"^## `{name}`\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert heading, f"docs/scenarios.md has no section `{name}`"
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", heading.group(1), re.MULTILINE))
    fields = {info.alias or field for field, info in models()[name].model_fields.items()}
    assert rows == fields, f"docs/scenarios.md, section {name}"


def yaml_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", SCENARIOS_MD.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("number", range(len(yaml_examples())))
def test_scenario_examples_validate(number, tmp_path):
    shutil.copytree(ROOT / "graphs", tmp_path / "graphs")  # so `graph: ../examples/...` resolves
    path = tmp_path / "graphs" / "scenarios" / f"example-{number}.yaml"
    path.write_text(yaml_examples()[number], encoding="utf-8")
    assert validate_scenario(path) == [], f"example {number} of docs/scenarios.md"


def test_docs_have_examples():
    assert len(yaml_examples()) >= 3
