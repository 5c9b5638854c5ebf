"""The first SPOFs of each cut set ranked from a few blast radii
(:func:`blast.analysis.leadspofs.first_by_severity`, what ``blast spof --json`` prints)
against :func:`blast.analysis.spof.spofs`, which sorts every killer by every component's
blast radius, on random graphs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import FrozenBitMap

from blast.analysis.counts import FailureCounts
from blast.analysis.index import build_index
from blast.analysis.leadspofs import first_by_severity
from blast.analysis.spof import cut_sets_of, spofs
from blast.model.graph import Graph
from blast.model.shapes import generate
from tests.strategies import graphs, random_graph


def assert_first_same(graph: Graph, top: int, walks: int = 128) -> None:
    ids = sorted(graph.components)
    index = build_index(graph)
    sets = []
    for c in ids:
        killers = index.killers(c)
        sets.append(killers - FrozenBitMap([index.bit[c]]))
    lean = first_by_severity(FailureCounts(index), sets, top, walks=walks)
    full = build_index(graph)  # a fresh index: every blast radius counted
    assert lean == [spofs(full, c)[:top] for c in ids]


def assert_cut_sets_same(graph: Graph, top: int) -> None:
    ids = sorted(graph.components)
    lean = cut_sets_of(build_index(graph), ids, spofs_first=top)
    full = cut_sets_of(build_index(graph), ids)
    for a, b in zip(lean, full, strict=True):
        assert a.spofs == b.spofs[:top]
        assert a.spof_count == b.spof_count == len(b.spofs)
        assert (a.pairs, a.pairs_complete, a.candidates_examined, a.candidates_total) == (
            b.pairs,
            b.pairs_complete,
            b.candidates_examined,
            b.candidates_total,
        )


@settings(max_examples=200, deadline=None)
@given(graphs, st.integers(1, 12))
def test_first_spofs_of_cut_sets_are_those_of_the_full_sort(graph, top):
    assert_first_same(graph, top)
    assert_first_same(graph, top, walks=0)  # too many to walk: every radius counted
    assert_cut_sets_same(graph, top)


def test_on_seeded_random_graphs_with_groups_and_cycles():
    for seed in range(12):
        graph = random_graph(seed, 120, 25, 0.04)
        for top in (1, 3, 10):
            assert_first_same(graph, top)
            assert_first_same(graph, top, walks=0)
        assert_cut_sets_same(graph, 1 + seed % 7)


def test_on_generated_shapes():
    for shape in ("service", "trace", "hubs"):
        graph = generate(shape, 400, seed=5)
        assert_first_same(graph, 10)
        assert_first_same(graph, 10, walks=0)
        assert_cut_sets_same(graph, 10)
