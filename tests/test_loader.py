"""Loading real files: includes (diamonds, order, shared references), defaults, durations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blast.analysis import build_index, cut_sets
from blast.errors import GraphFileError
from blast.loading.loader import load_graph, validate_files
from blast.model import Scope
from blast.model.durations import format_duration, parse_duration

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "tests/data/valid/stack/main.yaml"


def test_includes_merge_once_with_the_named_file_first(monkeypatch):
    monkeypatch.chdir(ROOT)
    graph = load_graph("tests/data/valid/stack/main.yaml")
    assert graph.name == "Split stack"
    assert graph.files[0] == "tests/data/valid/stack/main.yaml"
    assert sorted(graph.files) == sorted(
        f"tests/data/valid/stack/{p}"
        for p in ("main.yaml", "parts/web.yaml", "parts/data.yaml", "parts/base.yaml")
    )
    assert set(graph.components) == {"edge", "web", "orders-a", "orders-b", "dns"}
    assert set(graph.references) == {"runbook", "base-doc"}
    assert graph.groups["orders"].failover_time == 30.0
    found = cut_sets(build_index(graph), "edge")
    assert set(found.spofs) == {"web", "dns"}
    assert ("orders-a", "orders-b") in found.pairs


def test_scope_follows_region_unless_given():
    graph = load_graph(STACK)
    assert graph.components["dns"].scope is Scope.GLOBAL  # no region: global
    assert graph.components["web"].scope is Scope.REGIONAL


def test_the_same_id_in_two_files_is_reported_with_both_places(tmp_path):
    shutil.copytree(STACK.parent, tmp_path / "stack")
    base = tmp_path / "stack" / "parts" / "base.yaml"
    base.write_text(base.read_text() + "  - {id: web, kind: api}\n")
    problems = validate_files([tmp_path / "stack" / "main.yaml"])
    assert len(problems) == 1
    assert "duplicate id 'web' (first defined at" in problems[0].message
    assert problems[0].location.file.endswith("base.yaml")
    assert "web.yaml:3:10)" in problems[0].message  # where `web` stands in that file
    with pytest.raises(GraphFileError):
        load_graph(tmp_path / "stack" / "main.yaml")


def test_a_user_stack_can_include_the_shipped_catalog(tmp_path):
    shutil.copytree(ROOT / "graphs", tmp_path / "graphs")
    mine = tmp_path / "stacks" / "mine.yaml"
    mine.parent.mkdir()
    mine.write_text(
        "include: [../graphs/catalog/aws.yaml]\n"
        "components:\n"
        "  - {id: checkout, kind: app, provider: me, region: us-east-1, user_facing: true,\n"
        "     depends_on: [aws.use1.dynamodb.endpoint, {target: aws.use1.sts, type: soft}]}\n"
    )
    graph = load_graph(mine)
    index = build_index(graph)
    assert "aws.use1.dynamodb.dns-record" in cut_sets(index, "checkout").spofs


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("5m", 300), ("1h30m", 5400), ("1h 30m", 5400), ("250ms", 0.25), (45, 45)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["5 minutes", "-5s", "1x", True, None, float("inf")])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_format_duration_round_trips():
    for seconds in (1, 59, 61, 3600, 5400, 90061):
        assert parse_duration(format_duration(seconds)) == seconds
