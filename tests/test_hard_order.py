"""The hard-dependency order a cache entry keeps: read back, it is the order a fresh
condensation gives, and the failure index solved with it is the index solved without it
(same bits, same killer sets), on random graphs (cycles, nested k-of-n groups) and the
generated shapes. An order the entry cannot vouch for is ignored, never used."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings

from blast.analysis.hardorder import hard_graph, hard_order, stored_order
from blast.analysis.index import build_index, dependency_order
from blast.analysis.radius import single_blast_radius
from blast.analysis.setpasses import condensation_order, graph_condensation_order
from blast.loading.cachepayload import decode, encode
from blast.model.graph import Graph, Topology
from blast.model.shapes import generate
from blast.model.storedorder import StoredOrder
from tests.strategies import graphs, random_graph


def _reference_order(graph: Graph) -> list[list[int]]:
    """The order as the index computed it before it was stored: a fresh walk of the models,
    a fresh graph, rustworkx's condensation."""
    topo = Topology.of(graph)
    n = len(topo.nodes)
    edges = [(a, b) for a in range(n) for b in topo.hard_targets[a]]
    return condensation_order(n, edges)


def _assert_same_index(graph: Graph) -> None:
    back = decode(encode(graph), [])
    assert back.compact is not None and back.compact.order is not None
    want = _reference_order(graph)
    assert back.compact.order.order(len(back.topology.nodes)) == list(map(tuple, want))
    fresh, stored = build_index(graph), build_index(back)
    assert stored.ids == fresh.ids
    assert stored.structure.order == fresh.structure.order
    assert stored.structure.bit_of_pos == fresh.structure.bit_of_pos
    assert stored.killers_of == fresh.killers_of
    assert stored.down_of == fresh.down_of
    for component in list(graph.components)[:5]:
        assert single_blast_radius(back, component) == single_blast_radius(graph, component)


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_the_stored_order_gives_the_same_index_on_random_graphs(graph):
    _assert_same_index(graph)


@pytest.mark.parametrize("seed", range(12))
def test_the_stored_order_gives_the_same_index_on_larger_random_graphs(seed):
    _assert_same_index(random_graph(seed, 60 + 10 * seed, 4 + seed, 0.04 + 0.01 * (seed % 4)))


@pytest.mark.parametrize(("shape", "n", "seed"), [("service", 700, 1), ("hubs", 900, 2)])
def test_the_stored_order_gives_the_same_index_on_generated_shapes(shape, n, seed):
    _assert_same_index(generate(shape, n, seed=seed))


def test_hard_order_is_the_condensation_of_the_hard_graph():
    graph = random_graph(7, 120, 10, 0.05)
    topo = graph.topology
    assert hard_order(topo) == graph_condensation_order(hard_graph(topo))
    assert hard_order(topo) == _reference_order(graph)
    assert hard_order(topo) is hard_order(topo)  # computed once per topology


def test_an_order_the_entry_cannot_vouch_for_is_ignored():
    """Another rustworkx's order, or one that is not a permutation of the nodes, is not used:
    the index falls back to a fresh condensation and gives the same answers."""
    graph = random_graph(3, 80, 6, 0.06)
    topo = graph.topology
    n = len(topo.nodes)
    good = stored_order(topo)
    assert good.order(n) == list(map(tuple, hard_order(topo)))
    reversed_nodes = array("i", reversed(good.members))
    bad = [
        StoredOrder(good.members, good.sizes, "0.0.0"),  # another rustworkx
        StoredOrder(good.members[:-1], good.sizes, good.rustworkx),  # too short
        StoredOrder(array("i", [0] * n), array("i", [1] * n), good.rustworkx),  # repeats
        StoredOrder(good.members, array("i", [n + 1]), good.rustworkx),  # sizes do not add up
        StoredOrder(good.members, array("i", [0, n]), good.rustworkx),  # an empty component
    ]
    for stored in bad:
        assert stored.order(n) is None
        assert dependency_order(topo, stored) == dependency_order(topo)
    # A permutation with sound sizes is trusted (the entry's checksum vouches for it).
    assert StoredOrder(reversed_nodes, array("i", [1] * n), good.rustworkx).order(n) == [
        (v,) for v in reversed_nodes
    ]
