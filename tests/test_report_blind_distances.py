"""The blind spots' distances (:func:`blast.reports.blindhits.distances`), a walk that
stops once every wanted node is found, against the whole breadth-first walk on random and
shipped graphs: the order of a watcher's shared dependencies reads them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.loading.loader import load_graph
from blast.model.graph import Graph
from blast.reports.blindhits import distances as _distances
from tests.strategies import graphs, random_graph
from tests.test_blind_spots_shared import hops_from  # the whole walk, never cut short

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]


def _same(graph: Graph, rng: random.Random) -> None:
    nodes = graph.topology.nodes
    for start in graph.components:
        every = hops_from(graph, start)
        below = list(every)
        for wanted in (below, rng.sample(below, min(3, len(below))), rng.sample(nodes, 1), []):
            expected = {x: every[x] for x in wanted if x in every}
            assert _distances(graph, start, wanted) == expected, (start, wanted)


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_cut_walk_equals_the_whole_walk_on_random_graphs(graph, rng):
    _same(graph, rng)


@pytest.mark.parametrize("seed", range(4))
def test_cut_walk_equals_the_whole_walk_on_larger_random_graphs(seed):
    _same(random_graph(seed, 200, 30, 0.02), random.Random(seed))


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_cut_walk_equals_the_whole_walk_on_shipped_graphs(path):
    _same(load_graph(path), random.Random(0))
