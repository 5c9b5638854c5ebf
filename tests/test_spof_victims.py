"""The SPOFs' victim counts without their order (:func:`blast.analysis.counts.spof_victims`,
what ``blast export`` marks) against :func:`blast.report.spof_victim_counts` and the full
blast-radius sets, on random graphs."""

from __future__ import annotations

from hypothesis import given, settings

from blast.analysis.counts import spof_victims
from blast.analysis.index import build_index
from blast.model.graph import Graph
from blast.model.shapes import generate
from blast.report import spof_victim_counts
from tests.strategies import graphs, random_graph


def assert_same(graph: Graph) -> None:
    index = build_index(graph)
    found = spof_victims(index)
    assert found == dict(spof_victim_counts(build_index(graph)))
    facing = {index.bit[u] for u in graph.user_facing}
    expected = {}
    for b, down in enumerate(index.down_of):  # the sets themselves
        n = len(set(down) & facing - {b})
        if n:
            expected[index.ids[b]] = n
    assert found == expected


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_spof_victims_are_the_ordered_counts(graph):
    assert_same(graph)


def test_on_seeded_random_graphs_and_generated_shapes():
    for seed in range(8):
        assert_same(random_graph(seed, 120, 25, 0.04))
    for shape in ("service", "trace", "hubs"):
        assert_same(generate(shape, 400, seed=5))
