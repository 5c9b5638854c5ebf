"""The numpy down wave with its causes (:meth:`DownWave.causes`) against
:func:`~blast.analysis.propagation.propagate`: the same down set and, for every node
that goes down, the same dependency path, on random and shipped graphs."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import build_index, propagate
from blast.analysis.downwave import DownWave, path_of
from blast.analysis.exposure import region_components
from blast.analysis.index import FailureIndex
from blast.analysis.propagation import State
from blast.loading.loader import load_graph
from blast.model.graph import ASYNC_EDGE, HARD_EDGE, MEMBER_EDGE, SOFT_EDGE, Graph
from blast.reports.recovery import RecoveryWaves, recovery_order
from tests.strategies import graphs, random_graph

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]


def recovery_order_walk(
    index: FailureIndex, spof: str, down: Collection[int] | None = None
) -> tuple[tuple[str, ...], ...]:
    """:func:`recovery_order` by a walk of the strongly connected components of the hard
    graph, needs first, only those that hold something down: the reference the numpy
    rounds of :class:`RecoveryWaves` are compared with."""
    s = index.structure
    if down is None:
        fell = DownWave(index.graph).down([s.position[spof]])
        down = set(np.flatnonzero(fell).tolist())
    rank, order = s.rank, s.order
    hard, min_up, n_components = s.hard_targets, s.topology.min_up, s.n_components
    # each node's wave, -1 while it has none (not down, or not reached yet): a list read
    # through ``map`` costs a third of a dict's ``get(t, -1)`` per edge
    level = [-1] * len(s.nodes)
    at = level.__getitem__
    placed: list[int] = []
    for i in sorted({rank[v] for v in down}):
        scc = order[i]
        if len(scc) == 1:  # most of them: no cycle to share a wave with
            v = scc[0]
            if v >= n_components:  # a group: back when enough members are
                member_levels = sorted(map(at, hard[v]))
                wave = max(0, member_levels[min_up[v] - 1]) if member_levels else 0
            else:
                # a self-edge, if any, reads -1 here (v has no wave yet): it adds nothing
                wave = max(map(at, hard[v]), default=-1) + 1
            level[v] = wave
            placed.append(v)
            continue
        members = [v for v in scc if v in down]
        inside = set(scc)
        wave = 0
        for v in members:
            if v >= n_components:
                member_levels = sorted(map(at, hard[v]))
                wave = max(wave, member_levels[min_up[v] - 1] if member_levels else 0)
                continue
            for t in hard[v]:
                if t not in inside:
                    wave = max(wave, level[t] + 1)
        for v in members:
            level[v] = wave
        placed.extend(members)
    waves: dict[int, list[str]] = {}
    for v in placed:
        if v < n_components:
            waves.setdefault(level[v], []).append(s.nodes[v])
    return tuple(tuple(sorted(waves[w])) for w in sorted(waves))


def _same_as_propagate(graph: Graph, wave: DownWave, failed: list[str]) -> None:
    topo = graph.topology
    outcome = propagate(graph, failed)
    down, cause = wave.causes([topo.position[f] for f in sorted(set(failed))])
    fell = {topo.nodes[v] for v in np.flatnonzero(down).tolist()}
    assert fell == set(outcome.nodes_in(State.DOWN)), failed
    for node in fell:
        assert path_of(cause, topo.nodes, topo.position[node]) == outcome.path(node), node


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_causes_equal_propagation_on_random_graphs(graph, rng):
    wave = DownWave(graph)
    ids = list(graph.components)
    for failed in [[x] for x in ids] + [rng.sample(ids, min(len(ids), 3))]:
        _same_as_propagate(graph, wave, failed)


@pytest.mark.parametrize("seed", range(8))
def test_causes_equal_propagation_on_larger_random_graphs(seed):
    """Larger graphs with groups: levels where several members and hard edges reach the
    same nodes, the case the replayed order has to get right."""
    graph = random_graph(seed, 300, 40, 0.05)
    wave = DownWave(graph)
    for x in list(graph.components)[::7]:
        _same_as_propagate(graph, wave, [x])


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_causes_equal_propagation_on_shipped_graphs(path):
    graph = load_graph(path)
    wave = DownWave(graph)
    for x in graph.components:
        _same_as_propagate(graph, wave, [x])


def _same_recovery(index, failed: str) -> None:
    assert recovery_order(index, failed) == recovery_order_walk(index, failed), failed


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_recovery_rounds_equal_the_walk_on_random_graphs(graph):
    index = build_index(graph)
    waves = RecoveryWaves(index)
    position = graph.topology.position
    for x in graph.components:
        down = waves.wave.down([position[x]])
        fell = set(np.flatnonzero(down).tolist())
        assert waves.order(down) == recovery_order_walk(index, x, fell), x


@pytest.mark.parametrize("seed", range(12))
def test_recovery_rounds_equal_the_walk_on_larger_random_graphs(seed):
    """Cycles of hard dependencies (a few small ones up to one of 130 nodes), groups in
    them and nested groups."""
    index = build_index(random_graph(seed, 300, 40, 0.003 + 0.0005 * seed))
    for x in list(index.graph.components)[::3]:
        _same_recovery(index, x)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_recovery_rounds_equal_the_walk_on_shipped_graphs(path):
    index = build_index(load_graph(path))
    for x in index.graph.components:
        _same_recovery(index, x)


def _reached_by_walk(graph: Graph, starts: list[int], kinds: tuple[int, ...]) -> set[int]:
    seen, queue = set(starts), list(starts)
    while queue:
        for d, kind in graph.topology.dependents[queue.pop()]:
            if kind in kinds and d not in seen:
                seen.add(d)
                queue.append(d)
    return seen


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_reached_equals_a_walk_of_the_dependents(path):
    graph = load_graph(path)
    wave = DownWave(graph)
    position = graph.topology.position
    for kinds in [(HARD_EDGE, MEMBER_EDGE, ASYNC_EDGE), (HARD_EDGE,), (SOFT_EDGE,)]:
        for region in graph.regions:
            starts = [position[c] for c in region_components(graph, region)]
            found = set(np.flatnonzero(wave.reached(starts, kinds)).tolist())
            assert found == _reached_by_walk(graph, starts, kinds), (region, kinds)


@settings(max_examples=150, deadline=None)
@given(graph=graphs, data=st.data())
def test_reached_equals_a_walk_of_the_dependents_on_random_graphs(graph, data):
    wave = DownWave(graph)
    n = len(graph.topology.nodes)
    starts = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5))
    kinds = data.draw(
        st.sampled_from([(HARD_EDGE, MEMBER_EDGE, ASYNC_EDGE), (HARD_EDGE,), (SOFT_EDGE,)])
    )
    found = set(np.flatnonzero(wave.reached(starts, kinds)).tolist())
    assert found == _reached_by_walk(graph, starts, kinds)
