"""The spread in numpy (:mod:`blast.analysis.spreadwave`) against the Python reference,
:func:`~blast.analysis.propagation.spread`: the same severity and cause for every node
and the same order, on random graphs (groups of groups, k-of-n, cycles, soft and async
edges, several failed components) and on the generated shapes; and
:func:`~blast.analysis.propagation.propagate`, which now runs it, against the reference."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis.downwave import DownWave
from blast.analysis.exposure import reached_from_user_facing, reached_mask
from blast.analysis.propagation import STATES, propagate, spread
from blast.analysis.spreadwave import spread_arrays
from blast.model.graph import Graph
from blast.model.shapes import generate
from tests.strategies import graphs, random_graph


def _starts(graph: Graph, failed: list[str]) -> list[int]:
    return [graph.topology.position[f] for f in sorted(set(failed))]


def _same_as_reference(graph: Graph, failed: list[str], wave: DownWave | None = None) -> None:
    starts = _starts(graph, failed)
    state, cause, order = spread(graph.topology, starts)
    got_state, got_cause, got_order = spread_arrays(graph, starts, wave)
    assert got_order.tolist() == order, failed
    assert got_state.tolist() == state, failed
    assert got_cause.tolist() == cause, failed


def _same_outcome(graph: Graph, failed: list[str]) -> None:
    """:func:`propagate` (numpy) equals the outcome built from the reference spread."""
    topo = graph.topology
    state, cause, order = spread(topo, _starts(graph, failed))
    outcome = propagate(graph, failed)
    nodes = topo.nodes
    assert list(outcome.states.items()) == [(nodes[v], STATES[state[v]]) for v in order]
    assert list(outcome.causes.items()) == [
        (nodes[v], nodes[cause[v]]) for v in order if cause[v] >= 0
    ]
    assert outcome.failed == frozenset(failed)


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_equals_reference_on_random_graphs(graph, rng):
    wave = DownWave(graph)
    ids = list(graph.components)
    for failed in [[x] for x in ids] + [rng.sample(ids, min(len(ids), 3))]:
        _same_as_reference(graph, failed, wave)
    _same_outcome(graph, rng.sample(ids, min(len(ids), 2)))


@pytest.mark.parametrize("seed", range(10))
def test_equals_reference_on_larger_random_graphs(seed):
    """Levels where hard, soft, async and membership edges reach the same nodes; nested
    k-of-n groups whose members fall at different levels; many failed at once."""
    graph = random_graph(seed, 300, 60, 0.03)
    wave = DownWave(graph)
    ids = list(graph.components)
    rng = random.Random(seed)
    cases = [ids[i : i + 1] for i in range(0, 300, 7)]
    cases += [rng.sample(ids, k) for k in (0, 2, 5, 20, 60, 150)]
    for failed in cases:
        _same_as_reference(graph, failed, wave)
    _same_outcome(graph, rng.sample(ids, 40))


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
def test_equals_reference_on_generated_shapes(shape):
    """At 10,000 components: a region's failure, a few components, and one each."""
    graph = generate(shape, 10_000, seed=0)
    wave = DownWave(graph)
    rng = random.Random(1)
    ids = list(graph.components)
    for region in sorted(set(graph.columns.regions))[:3]:
        _same_as_reference(graph, _in_region(graph, region), wave)
    for failed in [rng.sample(ids, 5), *([x] for x in rng.sample(ids, 20))]:
        _same_as_reference(graph, failed, wave)
    region_failed = _in_region(graph, "us-east-1")
    assert region_failed
    _same_outcome(graph, region_failed)


def _in_region(graph: Graph, region: str) -> list[str]:
    columns = graph.columns
    return [c for c, r in zip(columns.ids, columns.regions, strict=True) if r == region]


@pytest.mark.parametrize("seed", range(6))
def test_reached_mask_equals_reference(seed):
    graph = random_graph(seed, 200, 30, 0.02)
    reached = reached_from_user_facing(graph)
    mask = reached_mask(graph)
    assert reached is not None and mask is not None
    assert {v for v, node in enumerate(graph.topology.nodes) if node in reached} == {
        v for v, hit in enumerate(mask) if hit
    }


def test_reached_mask_without_user_facing():
    graph = random_graph(0, 20, 2, 0.1)
    graph = Graph.from_parts(
        [c.model_copy(update={"user_facing": False}) for c in graph.components.values()],
        list(graph.groups.values()),
    )
    assert reached_mask(graph) is None
