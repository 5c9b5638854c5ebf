"""``down_path`` (the down wave of a propagation, cut short) against ``propagate``."""

from __future__ import annotations

import itertools

from hypothesis import given, settings

from blast.analysis.propagation import State, down_path, down_paths, down_paths_each, propagate
from tests.strategies import graphs, random_graph


def assert_paths_match(graph, failures) -> None:
    nodes = [*graph.components, *graph.groups]
    for failed in failures:
        outcome = propagate(graph, failed)
        for node in nodes:
            assert down_path(graph, failed, node) == outcome.path(node), (failed, node)
        down = [n for n in nodes if outcome.state(n) is State.DOWN]
        assert down_paths(graph, failed, down) == {n: outcome.path(n) for n in down}
        assert down_paths(graph, failed, nodes) == {n: outcome.path(n) for n in nodes}


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_down_path_equals_propagate_path_for_single_failures(graph):
    assert_paths_match(graph, [[c] for c in graph.components])


def test_down_path_equals_propagate_path_for_pairs_on_larger_graphs():
    for seed in range(3):
        graph = random_graph(seed + 20, n=20, n_groups=6, density=0.1)
        pairs = itertools.combinations(sorted(graph.components), 2)
        assert_paths_match(graph, [list(p) for p in itertools.islice(pairs, 60)])
        through_group = [
            (p, n)
            for p in itertools.islice(itertools.combinations(sorted(graph.components), 2), 60)
            for n, state in propagate(graph, list(p)).states.items()
            if state is State.DOWN and set(down_path(graph, list(p), n)) & set(graph.groups)
        ]
        assert through_group  # groups that fell with two members are on some paths


def assert_waves_match(graph) -> None:
    nodes = [*graph.components, *graph.groups]
    waves = {c: nodes[i % 3 :: 3] for i, c in enumerate(graph.components)}
    expected = {
        c: {n: propagate(graph, [c]).path(n) for n in wanted} for c, wanted in waves.items()
    }
    assert down_paths_each(graph, waves) == expected


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_down_paths_each_equal_propagate_paths(graph):
    assert_waves_match(graph)


def test_down_paths_each_equal_propagate_paths_on_larger_graphs():
    for seed in range(3):
        assert_waves_match(random_graph(seed + 40, n=40, n_groups=8, density=0.08))
