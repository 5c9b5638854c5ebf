"""The bitset index against brute force: fail each component, propagate, compare sets."""

from __future__ import annotations

from hypothesis import given, settings
from pyroaring import FrozenBitMap

from blast.analysis import killers
from blast.analysis.index import at_least, build_index
from blast.analysis.propagation import State, propagate
from blast.model import Component, Dependency
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


def _runs(sets: list[FrozenBitMap]) -> int:
    return sum(k.get_statistics()["n_run_containers"] for k in sets)


def test_killer_sets_do_not_depend_on_optimised_copies(monkeypatch):
    """The solve's copies skip pyroaring's run optimisation (``OPTIMIZE_COPIES``): the sets
    are stored differently (arrays, not runs) and are the same sets, on random graphs with
    cycles and (nested, k-of-n) groups and on a chain, whose killer sets are runs."""
    chain = Graph.from_parts(
        [
            Component(id=f"c{i:02d}", kind="app", depends_on=(Dependency(target=f"c{i - 1:02d}"),))
            if i
            else Component(id="c00", kind="app")
            for i in range(40)
        ]
    )
    samples = [random_graph(seed, n=60, n_groups=12, density=0.05) for seed in range(10)]
    for graph in [chain, *samples]:
        monkeypatch.setattr(killers, "OPTIMIZE_COPIES", True)
        optimised = list(build_index(graph).killers_by_pos)  # solved now
        monkeypatch.setattr(killers, "OPTIMIZE_COPIES", False)
        plain = list(build_index(graph).killers_by_pos)
        assert plain == optimised
        assert _runs(plain) <= _runs(optimised)
        if graph is chain:
            assert _runs(plain) == 0 < _runs(optimised)
            assert [len(k) for k in plain] == list(range(1, 41))
