"""The report's per-SPOF pieces against their references on random graphs: the layered
recovery waves (:class:`~blast.reports.recovery.RecoveryWaves`) capped and whole, for
single and joint failures, against the walk of one strongly connected component at a
time; and the victims' paths (:func:`~blast.reports.victims.paths_of`) against
:func:`~blast.analysis.downwave.path_of`, one chain at a time."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import build_index
from blast.analysis.downwave import DownWave, path_of
from blast.loading.loader import load_graph
from blast.reports.recovery import RecoveryWaves
from blast.reports.victims import paths_of
from tests.strategies import graphs, random_graph
from tests.test_report_downwave import recovery_order_walk

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]


def _capped(waves: tuple[tuple[str, ...], ...], cap: int | None) -> tuple[tuple[str, ...], ...]:
    return waves if cap is None else tuple(w[:cap] for w in waves)


def _same_waves(index, waves: RecoveryWaves, failed: list[str], caps=(None, 1, 2, 3)) -> None:
    """``waves`` on what ``failed`` take down, against the walk; each cap against the
    walk's waves cut, with the true sizes."""
    position = index.graph.topology.position
    down = waves.wave.down([position[x] for x in failed])
    fell = set(np.flatnonzero(down).tolist())
    expected = recovery_order_walk(index, failed[0], fell)
    assert waves.order(down) == expected, failed
    for cap in caps:
        assert waves.waves(down, cap) == (
            _capped(expected, cap),
            tuple(len(w) for w in expected),
        ), (failed, cap)


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_layered_waves_equal_the_walk_on_random_graphs(graph, rng):
    index = build_index(graph)
    waves = RecoveryWaves(index)
    ids = list(graph.components)
    for failed in [[x] for x in ids] + [rng.sample(ids, min(len(ids), 3))]:
        _same_waves(index, waves, failed)


@pytest.mark.parametrize("seed", range(10))
def test_layered_waves_equal_the_walk_on_larger_random_graphs(seed):
    """Cycles of hard dependencies (up to one of 130 nodes), groups in them, nested groups,
    and joint failures of several components."""
    index = build_index(random_graph(seed, 300, 40, 0.003 + 0.0005 * seed))
    waves = RecoveryWaves(index)
    ids = list(index.graph.components)
    rng = random.Random(seed)
    for x in ids[::5]:
        _same_waves(index, waves, [x], caps=(None, 2))
    for k in (2, 5, 20):
        _same_waves(index, waves, rng.sample(ids, k), caps=(None, 4))


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_layered_waves_equal_the_walk_on_shipped_graphs(path):
    index = build_index(load_graph(path))
    waves = RecoveryWaves(index)
    for x in index.graph.components:
        _same_waves(index, waves, [x], caps=(None, 2))


def test_nothing_down_has_no_wave():
    index = build_index(random_graph(3, 50, 5, 0.05))
    waves = RecoveryWaves(index)
    down = np.zeros(waves.n_nodes, dtype=bool)
    assert waves.order(down) == ()
    assert waves.waves(down, 1) == ((), ())
    assert (waves.levels(down) == -1).all()


def _same_paths(graph, wave: DownWave, failed: list[str]) -> None:
    topo = graph.topology
    nodes = np.asarray(topo.nodes, dtype=object)
    down, cause = wave.causes([topo.position[f] for f in sorted(set(failed))])
    fell = np.flatnonzero(down).tolist()
    for targets in (fell, fell[::-1], fell[:1], []):
        expected = [path_of(cause, topo.nodes, v) for v in targets]
        assert paths_of(cause, nodes, targets) == expected, failed


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_paths_equal_one_chain_at_a_time_on_random_graphs(graph, rng):
    wave = DownWave(graph)
    ids = list(graph.components)
    for failed in [[x] for x in ids] + [rng.sample(ids, min(len(ids), 3))]:
        _same_paths(graph, wave, failed)


@pytest.mark.parametrize("seed", range(6))
def test_paths_equal_one_chain_at_a_time_on_larger_random_graphs(seed):
    graph = random_graph(seed, 300, 40, 0.05)
    wave = DownWave(graph)
    for x in list(graph.components)[::11]:
        _same_paths(graph, wave, [x])


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_paths_equal_one_chain_at_a_time_on_shipped_graphs(path):
    graph = load_graph(path)
    wave = DownWave(graph)
    for x in graph.components:
        _same_paths(graph, wave, [x])
