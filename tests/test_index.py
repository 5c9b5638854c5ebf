"""The bitset index against brute force: fail each component, propagate, compare sets."""

from __future__ import annotations

from hypothesis import given, settings
from pyroaring import FrozenBitMap

from blast.analysis.index import at_least, build_index
from blast.analysis.propagation import State, propagate
from blast.model.graph import Graph
from tests.strategies import graphs, random_graph


def assert_index_matches_brute_force(graph: Graph) -> None:
    index = build_index(graph)
    killers: dict[str, set[str]] = {node: set() for node in graph.digraph}
    for x in graph.components:
        outcome = propagate(graph, [x])
        down = {c for c in graph.components if outcome.state(c) is State.DOWN}
        hit = {c for c in graph.components if outcome.state(c) in (State.DOWN, State.DEGRADED)}
        assert set(index.names(index.down(x))) == down, x
        assert set(index.names(index.affected(x))) == hit, x
        for node in graph.digraph:
            if outcome.state(node) is State.DOWN:
                killers[node].add(x)
    for node, expected in killers.items():
        assert set(index.names(index.killers(node))) == expected, node


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_index_equals_brute_force_on_random_graphs(graph):
    assert_index_matches_brute_force(graph)


def test_index_equals_brute_force_on_larger_random_graphs():
    for seed in range(15):
        assert_index_matches_brute_force(random_graph(seed, n=60, n_groups=12, density=0.05))


def test_at_least_counts_membership():
    sets = [FrozenBitMap([1, 2, 3]), FrozenBitMap([2, 3, 4]), FrozenBitMap([3, 4, 5])]
    assert list(at_least(sets, 1)) == [1, 2, 3, 4, 5]
    assert list(at_least(sets, 2)) == [2, 3, 4]
    assert list(at_least(sets, 3)) == [3]
