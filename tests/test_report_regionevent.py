"""The report's region event in numpy (:mod:`blast.reports.regionevent`) against the
reference: :func:`~blast.analysis.propagation.propagate`'s states and paths for every
node, and :func:`~blast.analysis.exposure.exposure`'s entries and anchored global
services, on random and shipped graphs."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import build_index, propagate
from blast.analysis.downwave import DownWave, path_of
from blast.analysis.exposure import exposure
from blast.analysis.propagation import STATES
from blast.analysis.spreadwave import spread_arrays
from blast.loading.loader import load_graph
from blast.model import Scope
from blast.model.graph import Graph
from blast.reports.recovery import RecoveryWaves
from blast.reports.regionevent import region_event
from tests.strategies import graphs, random_graph

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]
REGIONS = ("r1", "r2", "r3")


def _same_spread(graph: Graph, wave: DownWave, failed: list[str]) -> None:
    """Every node's state and cause chain equal :func:`propagate`'s."""
    topo = graph.topology
    outcome = propagate(graph, failed)
    starts = [topo.position[f] for f in sorted(set(failed))]
    state, cause, _ = spread_arrays(graph, starts, wave)
    for v, node in enumerate(topo.nodes):
        assert STATES[state[v]] is outcome.state(node), (failed, node)
        path = path_of(cause, topo.nodes, v) if state[v] else ()
        assert path == outcome.path(node), (failed, node)


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_spread_equals_propagation_on_random_graphs(graph, rng):
    wave = DownWave(graph)
    ids = list(graph.components)
    for failed in [[x] for x in ids] + [rng.sample(ids, min(len(ids), 3))]:
        _same_spread(graph, wave, failed)


@pytest.mark.parametrize("seed", range(8))
def test_spread_equals_propagation_on_larger_random_graphs(seed):
    """Levels where hard, soft, async and membership edges reach the same nodes, and
    failures of many components at once (a region's)."""
    graph = random_graph(seed, 300, 40, 0.03)
    wave = DownWave(graph)
    ids = list(graph.components)
    rng = random.Random(seed)
    for failed in [ids[i : i + 1] for i in range(0, 300, 11)] + [rng.sample(ids, 60)]:
        _same_spread(graph, wave, failed)


def _with_regions(graph: Graph, seed: int) -> Graph:
    """``graph`` with its components spread over three regions, a fifth of them global."""
    rng = random.Random(seed)
    components = [
        c.model_copy(
            update={
                "region": rng.choice(REGIONS),
                "scope": Scope.GLOBAL if rng.random() < 0.2 else Scope.REGIONAL,
            }
        )
        for c in graph.components.values()
    ]
    return Graph.from_parts(components, list(graph.groups.values()))


def _same_event(graph: Graph, region: str) -> None:
    reference = exposure(graph, region=region)
    wave = DownWave(graph)
    event = region_event(graph, region, wave)
    waves = RecoveryWaves(build_index(graph), wave)  # the ids and id ranks the report has
    ranked = region_event(graph, region, wave, waves.nodes, waves.name_rank)
    assert [(e.component, e.state, e.path) for e in ranked.states] == [
        (e.component, e.state, e.path) for e in event.states
    ]
    assert ranked.anchored_global == event.anchored_global
    assert [(e.component, e.name, e.state, e.path) for e in event.states] == [
        (e.component, e.name, e.state, e.path) for e in reference.exposures
    ]
    assert event.anchored_global == reference.anchored_global
    for state in ("down", "degraded", "delayed", "safe"):
        assert event.count(state) == reference.count(state)
    down = {graph.topology.nodes[v] for v in np.flatnonzero(event.down).tolist()}
    assert down == set(reference.outcome.nodes_in(STATES[3]))


@settings(max_examples=200, deadline=None)
@given(graphs, st.integers(0, 1000))
def test_region_event_equals_exposure_on_random_graphs(graph, seed):
    graph = _with_regions(graph, seed)
    for region in sorted(graph.regions):
        _same_event(graph, region)


@pytest.mark.parametrize("seed", range(6))
def test_region_event_equals_exposure_on_larger_random_graphs(seed):
    graph = _with_regions(random_graph(seed, 300, 40, 0.004 + 0.002 * seed), seed)
    for region in REGIONS:
        _same_event(graph, region)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_region_event_equals_exposure_on_shipped_graphs(path):
    graph = load_graph(path)
    for region in sorted(graph.regions):
        _same_event(graph, region)
