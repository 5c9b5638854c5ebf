"""``block_sizes`` (what the SPOF report states of biconnected components) against networkx."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings

from blast.analysis.structure import (
    articulation_points,
    biconnected_components,
    block_sizes,
    blocks_and_cuts,
    undirected_pairs_reference,
    undirected_view,
    view_pairs,
)
from blast.model.synthetic import service_graph
from tests.strategies import graphs
from tests.test_structure_and_radius import networkx_view
from tests.test_structure_sparse_view import former_view


def expected_sizes(graph) -> tuple[int, ...]:
    blocks = nx.biconnected_components(networkx_view(graph))
    return tuple(sorted((len(b) for b in blocks), reverse=True))


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_block_sizes_match_networkx(graph):
    view = undirected_view(graph)
    assert block_sizes(view) == expected_sizes(graph)
    assert block_sizes(view) == tuple(len(b) for b in biconnected_components(graph, view))


def test_block_sizes_match_networkx_on_a_service_graph():
    graph = service_graph(600, seed=3)
    sizes = block_sizes(undirected_view(graph))
    assert sizes == expected_sizes(graph)
    assert len(sizes) > 1 and sizes[0] > 2


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_view_pairs_match_the_loop_they_replaced(graph):
    """The numpy pairs of the undirected view against the Python loop that built it."""
    low, high = view_pairs(graph)
    pairs = list(zip(low.tolist(), high.tolist(), strict=True))
    assert pairs == sorted(set(pairs))  # distinct and sorted
    assert set(pairs) == undirected_pairs_reference(graph)
    view = former_view(graph)
    assert sorted(tuple(sorted(e)) for e in view.edge_list()) == pairs


def test_view_pairs_match_the_loop_on_a_service_graph():
    graph = service_graph(800, seed=4)
    low, high = view_pairs(graph)
    assert set(zip(low.tolist(), high.tolist(), strict=True)) == undirected_pairs_reference(graph)


def _cuts_expected(graph) -> tuple[str, ...]:
    return tuple(sorted(nx.articulation_points(networkx_view(graph))))


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_blocks_and_cuts_from_one_search(graph):
    """Articulation points read off the biconnected components (nodes in two or more)
    equal rustworkx's and networkx's own, and the sizes :func:`block_sizes`'s."""
    view = undirected_view(graph)
    sizes, cuts = blocks_and_cuts(view)
    assert sizes == expected_sizes(graph)
    assert cuts == articulation_points(graph, view) == _cuts_expected(graph)


def test_blocks_and_cuts_on_a_service_graph():
    graph = service_graph(900, seed=5)
    view = undirected_view(graph)
    sizes, cuts = blocks_and_cuts(view)
    assert cuts == articulation_points(graph, view) == _cuts_expected(graph)
    assert len(cuts) > 3 and sizes == expected_sizes(graph)
