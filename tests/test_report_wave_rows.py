"""The reports' reads of a :class:`~blast.analysis.downwave.DownWave` the report already built
agree with the reads of the graph's flat edge lists they replace: a SPOF's hard dependents
(:func:`~blast.reports.whatif.hard_dependents_at`), its mitigation plans, and the recovery
layers that take the wave's rows and ``min_up``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from blast.analysis import build_index
from blast.analysis.downwave import DownWave
from blast.model.graph import Graph
from blast.reports.mitigations import plans
from blast.reports.whatif import hard_dependents_at
from tests.strategies import graphs, random_graph


def _same_rows(graph: Graph) -> None:
    wave = DownWave(graph)
    n = len(graph.topology.nodes)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(wave.start))
    assert np.array_equal(wave.needed, rows)  # what the recovery layers read as ``needed``
    assert wave.min_up.tolist() == list(graph.topology.min_up)
    for cid in graph.components:
        assert hard_dependents_at(graph, cid, wave).tolist() == (
            hard_dependents_at(graph, cid).tolist()
        )


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_wave_rows_equal_the_flat_lists_on_random_graphs(graph):
    _same_rows(graph)


@pytest.mark.parametrize("seed", range(6))
def test_wave_rows_equal_the_flat_lists_on_larger_random_graphs(seed):
    _same_rows(random_graph(seed, 300, 30, 0.02))


@pytest.mark.parametrize("seed", range(4))
def test_plans_with_the_wave_equal_plans_without(seed):
    graph = random_graph(seed, 200, 20, 0.03)
    index = build_index(graph)
    wave = DownWave(graph)
    for cid in graph.components:
        assert plans(index, cid, wave) == plans(index, cid)
