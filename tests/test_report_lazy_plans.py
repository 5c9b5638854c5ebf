"""Mitigation plans from a lazily read graph (no dependent's model built unless its file
names ``cache_ttl`` or ``plane``) against the same plans from a graph of built models."""

from __future__ import annotations

from pathlib import Path

import pytest

from blast.analysis import build_index
from blast.loading.loader import load_graph
from blast.model.graph import Graph
from blast.model.lazymodels import LazyModels
from blast.report import shared_spofs
from blast.reports.mitigations import plans

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]

# A read-kind SPOF and a control plane, each with dependents that set the field on the edge
# to it, on another edge, on the component, in free text only, or nowhere.
MIXED = """\
name: mixed
components:
  - {id: dns, kind: dns, region: us-east-1}
  - {id: ctl, kind: control-plane, region: us-east-1}
  - id: cached
    kind: app
    region: us-east-1
    depends_on: [{target: dns, cache_ttl: 5m}, ctl]
  - id: cached-elsewhere
    kind: app
    region: us-east-1
    depends_on: [dns, {target: ctl, cache_ttl: 1m}]
  - id: control-side
    kind: app
    region: us-east-1
    plane: control
    depends_on: [dns, ctl]
  - id: data-side
    kind: app
    region: us-east-1
    plane: data
    depends_on: [dns, ctl]
  - id: says-it
    kind: app
    region: us-east-1
    notes: 'no "cache_ttl" and no "plane" here'
    depends_on: [dns, ctl]
  - {id: plain, kind: app, region: us-east-1, depends_on: [dns, ctl]}
"""


def _plans_both_ways(graph: Graph, spofs: tuple[str, ...] = ()) -> int:
    assert isinstance(graph.components, LazyModels)
    built = Graph(
        dict(graph.components.items()), dict(graph.groups.items()), name=graph.name
    )  # every model at hand: _may_set answers True and plans read the models
    lazy_index, built_index = build_index(graph), build_index(built)
    compared = 0
    for spof in spofs or tuple(s.component for s in shared_spofs(built_index)):
        assert plans(lazy_index, spof) == plans(built_index, spof)
        compared += 1
    return compared


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_plans_of_a_lazy_graph_equal_those_of_built_models(path):
    assert _plans_both_ways(load_graph(path))


def test_plans_read_cache_ttl_and_plane_where_the_file_sets_them(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED)
    graph = load_graph(path)
    assert _plans_both_ways(graph, ("dns", "ctl")) == 2
    index = build_index(graph)
    stale = next(p for p in plans(index, "dns") if p.kind == "serve-stale")
    assert stale.touched == ("cached-elsewhere", "control-side", "data-side", "says-it", "plain")
    static = next(p for p in plans(index, "ctl") if p.kind == "static-stability")
    assert static.touched == ("cached", "cached-elsewhere", "data-side", "says-it", "plain")
