"""Killer sets of a few nodes (``killers_below``) against the whole index."""

from __future__ import annotations

import random

from hypothesis import given, settings

from blast.analysis.index import build_index
from blast.analysis.killers import killers_below
from tests.strategies import graphs, random_graph


def assert_killers_match(graph, seed: int) -> None:
    index = build_index(graph)
    topo = graph.topology
    everyone = list(range(len(topo.nodes)))
    rng = random.Random(seed)
    for size in (1, 2, len(everyone)):
        asked = rng.sample(everyone, min(size, len(everyone)))
        table = killers_below(topo, asked)
        assert set(asked) <= set(table)
        for v, killers in table.items():
            got = {topo.nodes[b] for b in killers}
            assert got == set(index.names(index.killers(topo.nodes[v]))), topo.nodes[v]


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_killers_below_equal_index_killers(graph):
    assert_killers_match(graph, 0)


def test_killers_below_equal_index_killers_on_larger_graphs():
    for seed in range(4):
        assert_killers_match(random_graph(seed + 30, n=60, n_groups=12, density=0.05), seed)
