"""Mitigation plans from a lazily read graph (no dependent's model built unless its file
names ``cache_ttl`` or ``plane``) against the same plans from a graph of built models."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import build_index
from blast.loading.loader import load_graph
from blast.model.graph import HARD_EDGE, Graph
from blast.model.lazymodels import LazyModels
from blast.report import shared_spofs
from blast.reports.mitigations import plans
from blast.reports.whatif import hard_dependents
from tests.strategies import random_graph

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
    )  # every model at hand: no stored JSON to scan and plans read the models
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


NEEDLES = (b'"cache_ttl"', b'"plane"', b'"id"', b'"kind":"app"', b",", b"[", b"]", b"},{", b"zzz")


@pytest.mark.parametrize("path", GRAPHS[:6], ids=lambda p: p.stem)
def test_mentioning_equals_asking_each_stored_model(path, tmp_path):
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(MIXED)
    for graph in (load_graph(path), load_graph(mixed)):
        models = graph.components
        assert isinstance(models, LazyModels)
        for needle in NEEDLES:
            want = {cid for cid in models.ids if needle in models.stored(cid)}
            assert models.mentioning(needle) == want


def _hard_dependents_by_rows(graph: Graph, target: str) -> tuple[str, ...]:
    """hard_dependents as it first read the topology's rows of (dependent, kind) pairs."""
    topo = graph.topology
    rows = topo.dependents[topo.position[target]]
    found = sorted({d for d, kind in rows if kind == HARD_EDGE and d < topo.n_components})
    return tuple(topo.nodes[d] for d in found)


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    n_groups=st.integers(0, 5),
    density=st.floats(0.05, 0.6),
)
def test_hard_dependents_equal_the_topology_rows_on_random_graphs(seed, n, n_groups, density):
    graph = random_graph(seed, n, n_groups, density)
    for node in (*graph.components, *graph.groups):
        assert hard_dependents(graph, node) == _hard_dependents_by_rows(graph, node)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_hard_dependents_equal_the_topology_rows_on_shipped_graphs(path):
    graph = load_graph(path)
    for node in (*graph.components, *graph.groups):
        assert hard_dependents(graph, node) == _hard_dependents_by_rows(graph, node)
