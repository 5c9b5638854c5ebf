"""Bounded output at any size, --full streamed, escaped text; defects 12, 13 and 14 of issue 13.

Real YAML files and real ``blast`` runs (subprocess) throughout.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings

from blast.analysis import blast_radius, build_index
from blast.loading.loader import load_graph
from blast.loading.yamlsource import MAX_FILE_BYTES
from blast.model import Component, Scope
from blast.model.graph import Graph
from blast.model.synthetic import service_graph, to_yaml
from tests.strategies import graphs

ROOT = Path(__file__).resolve().parent.parent
CELLS = "tests/data/valid/acme/cells.yaml"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blast(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "blast", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)


def blast_json(*args: str):
    run = blast(*args, "--json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# --- bounded output --------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> str:
    """3,000 components, 30 user-facing: enough for every list to exceed --top."""
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    path.write_text(to_yaml(service_graph(3000, seed=4)), encoding="utf-8")
    return str(path)


def lists(data: object) -> list[list]:
    """Every JSON array in ``data`` that holds ids or objects (not a pair)."""
    found = []
    if isinstance(data, dict):
        for value in data.values():
            found += lists(value)
    elif isinstance(data, list):
        if not (len(data) == 2 and all(isinstance(x, str) for x in data)):
            found.append(data)
        for value in data:
            found += lists(value)
    return found


def test_default_json_and_text_stay_small_and_full_is_complete(big_file):
    graph = load_graph(big_file)
    for args in (["spof"], ["radius"], ["exposure", "--region", "us-east-1"]):
        run = blast(args[0], big_file, *args[1:], "--json")
        assert run.returncode == 0, run.stderr
        data = json.loads(run.stdout)
        assert data["top"] == 20
        assert all(len(items) <= 20 for items in lists(data)), args
        assert len(run.stdout) < 200_000, args  # at most ~top³ ids, whatever the graph size
        text = blast(args[0], big_file, *args[1:])
        assert len(text.stdout.splitlines()) < 600, args  # at most ~top² lines
        assert "--full for all" in text.stdout
        full = blast_json(args[0], big_file, *args[1:], "--full")
        assert full["top"] is None
        for key, total in full["counts"].items():
            if isinstance(full.get(key), list):
                assert len(full[key]) == total, (args, key)
    radius = blast_json("radius", big_file, "--full")
    assert len(radius["components"]) == len(graph.components)
    spof = blast_json("spof", big_file, "--full")
    assert [cs["component"] for cs in spof["cut_sets"]] == list(graph.user_facing)
    assert all(len(s["user_facing_down"]) == s["user_facing_down_count"] for s in spof["spofs"])


def test_top_bounds_every_list_and_full_streams_one_item_per_line(big_file):
    run = blast("spof", big_file, "--top", "3", "--json")
    assert len(run.stdout) < 15_000
    assert len(blast("spof", big_file, "--top", "3").stdout.splitlines()) < 60
    data = json.loads(run.stdout)
    assert all(len(items) <= 3 for items in lists(data))
    assert data["counts"]["spofs"] > 3 and len(data["spofs"]) == 3
    run = blast("radius", big_file, "--json", "--full")
    lines = run.stdout.splitlines()
    rows = [ln for ln in lines if ln.startswith('    {"component":')]
    assert len(rows) == 3000  # written item by item, one per line


# --- defect 12: the per-report candidate budget is an option, and says when it binds -----


def test_candidate_budget_is_exposed_and_reported():
    tight = blast_json("spof", CELLS, "--candidate-budget", "4")
    search = tight["pair_search"]
    assert search["candidates_per_component"] == 2 and search["budget_binds"] is True
    web = next(cs for cs in tight["cut_sets"] if cs["component"] == "acme.web")
    assert web["candidates_examined"] == 2 and web["pairs_complete"] is False
    text = blast("spof", CELLS, "--candidate-budget", "4").stdout
    assert "--candidate-budget 4 shared among 2 user-facing components" in text
    roomy = blast_json("spof", CELLS)
    assert roomy["pair_search"]["budget_binds"] is False
    web = next(cs for cs in roomy["cut_sets"] if cs["component"] == "acme.web")
    assert web["pairs_complete"] is True and web["pairs_count"] == 16


# --- defect 14: user strings never reach the terminal raw ------------------------------


def test_control_characters_in_names_are_escaped_in_text(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(
        'name: "Evil\\e[2J\\nstack"\n'
        "components:\n"
        '  - {id: db, name: "DB\\e[31m red\\r\\nfake: line\\u202e", kind: database}\n'
        '  - {id: web, name: "Web\\ttab", kind: app, user_facing: true, depends_on: [db]}\n',
        encoding="utf-8",
    )
    for args in (["spof"], ["radius", "db"], ["radius"], ["exposure", "--component", "db"]):
        run = blast(args[0], str(path), *args[1:])
        assert run.returncode == 0, run.stderr
        assert "\x1b" not in run.stdout and "\r" not in run.stdout and "\u202e" not in run.stdout
        assert not any(line.startswith("stack") for line in run.stdout.splitlines())
        assert "Evil\\x1b[2J\\nstack" in run.stdout, args
    every = blast("radius", str(path)).stdout
    assert "DB\\x1b[31m red\\r\\nfake: line\\u202e" in every
    assert "Web\\ttab" in every


# --- defect 13: what the docs state is checked against what the code does ---------------


def test_every_size_limit_in_the_docs_is_the_real_one():
    mib = MAX_FILE_BYTES // 2**20
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for figure in re.findall(r"(\d+) MiB", text):
            assert int(figure) == mib, f"{path.name}: {figure} MiB, the limit is {mib} MiB"
        for figure in re.findall(r"\b(\d{1,3}(?:,\d{3}){2,})\b", text):
            if "bytes" in text[text.index(figure) - 80 : text.index(figure) + 80]:
                assert int(figure.replace(",", "")) == MAX_FILE_BYTES, path.name


def test_scope_default_is_what_the_schema_doc_says():
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    row = next(ln for ln in doc.splitlines() if ln.startswith("| `scope` |"))
    default = row.split("|")[3]
    assert "`regional` with a `region`" in default and "else `global`" in default
    assert Component(id="a", kind="app", region="us-east-1").scope is Scope.REGIONAL
    assert Component(id="a", kind="app").scope is Scope.GLOBAL


def test_files_are_listed_each_before_the_files_it_includes():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "each before the files it includes" in doc
    assert "includes first" not in doc
    files = blast_json("validate", "tests/data/valid/stack/main.yaml")["files"]
    expected: list[str] = []

    def read(name: str) -> None:  # depth first, each file once, before what it includes
        if name in expected:
            return
        expected.append(name)
        text = (ROOT / name).read_text(encoding="utf-8")
        for included in re.findall(r"include:\s*\[([^\]]*)\]", text):
            for rel in filter(None, (p.strip() for p in included.split(","))):
                read(str((ROOT / name).parent.joinpath(rel).resolve().relative_to(ROOT)))

    read("tests/data/valid/stack/main.yaml")
    assert len(expected) == 4
    assert files == expected


def hard_view(graph: Graph) -> nx.DiGraph:
    view = nx.DiGraph()
    view.add_nodes_from(graph)
    view.add_nodes_from(graph.groups)
    view.add_edges_from(graph.hard_edges())
    return view


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_dependency_order_is_the_hard_order_the_docs_define(graph):
    """A listed component comes after what it needs through hard edges and membership,
    unless both sit in one hard cycle; soft and async edges do not order."""
    view = hard_view(graph)
    scc = {n: i for i, comp in enumerate(nx.strongly_connected_components(view)) for n in comp}
    index = build_index(graph)
    for x in graph.components:
        radius = blast_radius(index, x)
        for listed in (radius.down, radius.degraded, radius.delayed):
            place = {c: i for i, c in enumerate(listed)}
            for c in listed:
                for needed in nx.descendants(view, c):
                    if needed in place and scc[needed] != scc[c]:
                        assert place[needed] < place[c], (x, c, needed)
