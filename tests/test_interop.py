"""Imports and exports, run through the real CLI on the sample files of tests/data/interop.

The samples follow the formats' public documentation: Backstage's descriptor
format (several entities per file, entity references ``[kind:][namespace/]name``),
Jaeger's ``/api/dependencies`` answer (``{"data": [{parent, child, callCount}]}``)
and Zipkin's ``/api/v2/dependencies`` (a bare list of the same links).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pydot
import pytest
import yaml

from blast.analysis import build_index
from blast.interop.export import annotated
from blast.loading.loader import load_graph
from blast.report import shared_spofs

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "interop"
SHOP = ROOT / "graphs" / "examples" / "shop.yaml"
AWS = ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"
CATALOG = [DATA / "catalog-info.yaml", DATA / "catalog-more.yaml"]


def blast(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "blast", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    if check:
        assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("backstage") / "graph.yaml"
    return out, blast("import", "backstage", *CATALOG, "-o", out)


def test_backstage_import_maps_kinds_and_relations(imported):
    out, _ = imported
    assert blast("validate", out).returncode == 0
    graph = load_graph(out)
    c = graph.components
    assert set(c) == {
        "artist-web", "artist-lookup", "artist-lookup-west", "artist-api", "artists-db",
        "artist-images", "playback-web", "playback-cache",
    }  # fmt: skip
    assert c["artist-web"].kind.value == "app" and c["artist-web"].user_facing
    assert c["artist-web"].region == "us-west-2"
    assert c["artist-lookup"].kind.value == "api" and c["artist-lookup"].provider == "aws"
    assert c["artists-db"].kind.value == "database"
    assert c["artist-images"].kind.value == "storage"
    assert c["playback-web"].user_facing  # the blast.io/user-facing annotation
    assert "system:artist-engagement-portal" in c["artist-lookup"].tags
    assert c["artist-web"].provider == "artist-relations"  # owner group:default/artist-relations
    edges = set(graph.edges())
    assert ("artist-web", "artist-api", "hard") in edges  # consumesApis
    assert ("artist-web", "artists-db", "hard") in edges  # dependencyOf, reversed
    assert ("artist-lookup", "artist-images", "hard") in edges  # dependsOn with a namespace
    assert ("playback-web", "artist-api", "hard") in edges  # across files
    # Two components provide the API: a redundancy group of both.
    assert graph.groups["artist-api.providers"].members == ("artist-lookup", "artist-lookup-west")
    assert ("artist-api", "artist-api.providers", "hard") in edges


def test_backstage_import_reports_what_it_could_not_map(imported):
    _, run = imported
    lines = run.stdout.splitlines()
    assert lines[0] == "11 entities read, 8 components written, 6 not mapped"
    text = run.stdout
    info, more = CATALOG[0].relative_to(ROOT), CATALOG[1].relative_to(ROOT)
    assert f"{info}:111:1: component:default/shared-utils: a library is linked in" in text
    assert f"{info}:120:1: group:default/artist-relations: kind Group has no place" in text
    assert (
        f"{info}:31:7: component:default/artist-web: dependsOn 'component:shared-utils' is not "
        "mapped" in text
    )
    assert f"{more}:16:7: component:default/playback-web: dependsOn 'resource:legacy-ldap' is " \
        "not in these files" in text  # fmt: skip
    assert "subcomponentOf 'component:player' is structure, not a dependency" in text
    assert "type 'memcached-cluster' mapped to kind other" in text


def test_backstage_import_then_export_round_trips(imported, tmp_path):
    out, _ = imported
    exported = tmp_path / "g.graphml"
    blast("export", out, "--format", "graphml", "-o", exported)
    back = nx.read_graphml(exported)
    graph = load_graph(out)
    assert set(back.nodes) == set(graph.components) | set(graph.groups)
    assert {(a, b) for a, b, _ in graph.edges()} == set(back.edges)


def test_backstage_bad_entity_is_located(tmp_path):
    bad = tmp_path / "catalog-info.yaml"
    bad.write_text("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  title: x\n")
    run = blast("import", "backstage", bad, check=False)
    assert run.returncode == 2
    assert "catalog-info.yaml:3:1: metadata: missing `metadata.name`" in run.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Component\nmetadata: {name: a\n---\n")
    run = blast("import", "backstage", broken, check=False)
    assert run.returncode == 2 and "broken.yaml:3:1: YAML syntax error" in run.stderr


def test_otel_reconciliation(imported):
    out, _ = imported
    run = blast("import", "otel", DATA / "jaeger-dependencies.json", "--graph", out, "--json")
    data = json.loads(run.stdout)
    assert data["links"] == 6
    assert data["observed_not_declared"] == [
        {"dependent": "artist-lookup", "target": "recommendations", "calls": 87}
    ]
    # The API reaches both providers through its group: both count as declared.
    assert data["matched"] == 5
    assert data["declared_not_observed"] == [
        {"dependent": "artist-lookup", "target": "artist-images"},
        {"dependent": "artist-web", "target": "artists-db"},
    ]
    assert data["unknown_services"] == ["recommendations"]
    text = blast("import", "otel", DATA / "jaeger-dependencies.json", "--graph", out).stdout
    assert "artist-lookup -> recommendations (87 calls)" in text


def test_otel_import_writes_a_valid_graph(tmp_path):
    out = tmp_path / "observed.yaml"
    run = blast("import", "otel", DATA / "zipkin-dependencies.json", "-o", out)
    assert "wrote" in run.stdout
    assert blast("validate", out).returncode == 0
    graph = load_graph(out)
    assert set(graph.edges()) == {
        ("frontend", "checkout", "hard"),
        ("checkout", "payments", "hard"),
    }
    assert all(d.assumed for c in graph.components.values() for d in c.depends_on)


def test_otel_bad_links_are_located():
    run = blast("import", "otel", DATA / "bad-links.json", check=False)
    assert run.returncode == 2
    assert "bad-links.json:3:3: data[1].child: missing required field 'child'" in run.stderr
    assert "bad-links.json:3:32: data[1].callCount:" in run.stderr


@pytest.mark.parametrize("path", [SHOP, AWS], ids=lambda p: p.stem)
def test_graphml_and_json_round_trip(path, tmp_path):
    graph = load_graph(path)
    nodes = set(graph.components) | set(graph.groups)
    edges = {(a, b) for a, b, _ in graph.edges()}
    spofs = {s.component for s in shared_spofs(build_index(graph))}
    gml = tmp_path / "g.graphml"
    blast("export", path, "--format", "graphml", "-o", gml)
    back = nx.read_graphml(gml)
    assert set(back.nodes) == nodes and set(back.edges) == edges
    assert {n for n, a in back.nodes(data=True) if a["spof"]} == spofs
    assert {(a, b, e["type"]) for a, b, e in back.edges(data=True)} == set(graph.edges())
    run = blast("export", path, "--format", "json")
    back = nx.node_link_graph(json.loads(run.stdout), edges="links")
    assert set(back.nodes) == nodes and set(back.edges) == edges
    assert {n for n, a in back.nodes(data=True) if a["spof"]} == spofs
    assert nx.utils.graphs_equal(back, annotated(graph))


def test_dot_parses_and_marks_spofs():
    run = blast("export", SHOP, "--format", "dot")
    (parsed,) = pydot.graph_from_dot_data(run.stdout)
    back = nx.nx_pydot.from_pydot(parsed)
    graph = load_graph(SHOP)
    assert {n.strip('"') for n in back.nodes} == set(graph.components) | set(graph.groups)
    assert {(a.strip('"'), b.strip('"')) for a, b, _ in back.edges} == {
        (a, b) for a, b, _ in graph.edges()
    }
    red = {n.strip('"') for n, a in back.nodes(data=True) if a.get("fillcolor") == '"#fadbd8"'}
    assert red == {s.component for s in shared_spofs(build_index(graph))}


def test_mermaid_lists_every_edge_and_the_spofs():
    text = blast("export", SHOP, "--format", "mermaid").stdout
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    ids = {}
    for line in lines[1:]:
        part = line.strip()
        if part.startswith("n") and ('["' in part or '(["' in part):
            node, label = part.split("[", 1) if '(["' not in part else part.split("(", 1)
            ids[node] = label.strip('[]()"')
    graph = load_graph(SHOP)
    assert set(ids.values()) == set(graph.components) | set(graph.groups)
    arrows = [ln for ln in lines if "-->" in ln or "-.->" in ln or "---" in ln]
    assert len(arrows) == len(list(graph.edges()))
    spof_line = next(ln for ln in lines if ln.strip().endswith(" spof"))
    marked = {ids[n] for n in spof_line.split()[1].split(",")}
    assert marked == {s.component for s in shared_spofs(build_index(graph))}


def test_import_output_is_yaml_on_stdout():
    run = blast("import", "backstage", CATALOG[0])
    data = yaml.safe_load(run.stdout)
    assert data["version"] == 1 and data["components"]
    assert "not mapped" in run.stderr


def test_otel_import_then_reconcile_round_trips(tmp_path):
    """Links imported into a graph reconcile against that graph with nothing left over."""
    out = tmp_path / "observed.yaml"
    blast("import", "otel", DATA / "jaeger-dependencies.json", "-o", out)
    run = blast("import", "otel", DATA / "jaeger-dependencies.json", "--graph", out, "--json")
    data = json.loads(run.stdout)
    assert data["observed_not_declared"] == [] and data["declared_not_observed"] == []
    assert data["unknown_services"] == []
    assert data["matched"] == data["links"] == len(list(load_graph(out).edges()))
