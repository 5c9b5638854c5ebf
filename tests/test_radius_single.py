"""The single-component blast radius (one propagation) against the index, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from blast.analysis.index import build_index
from blast.analysis.radius import blast_radius, single_blast_radius
from blast.errors import UnknownComponentError
from blast.model.graph import Graph
from blast.model.shapes import hub_graph, trace_graph
from blast.model.synthetic import service_graph
from tests.strategies import graphs, random_graph


def assert_same_as_index(graph: Graph, every: int = 1) -> None:
    index = build_index(graph)
    for x in list(graph.components)[::every]:
        assert single_blast_radius(graph, x) == blast_radius(index, x), x


@settings(max_examples=200, deadline=None, derandomize=True)
@given(graphs)
def test_single_radius_equals_index_on_random_graphs(graph):
    assert_same_as_index(graph)


def test_single_radius_equals_index_on_larger_random_graphs():
    for seed in range(10):
        assert_same_as_index(random_graph(seed, n=80, n_groups=15, density=0.04))


@pytest.mark.parametrize(
    "graph",
    [service_graph(1500, seed=2), trace_graph(1500, seed=2), hub_graph(1500, seed=2)],
    ids=["service", "trace", "hubs"],
)
def test_single_radius_equals_index_on_generated_shapes(graph):
    assert_same_as_index(graph, every=13)


def test_unknown_component_is_refused():
    graph = service_graph(50, seed=1)
    with pytest.raises(UnknownComponentError, match="no component named 'nope'"):
        single_blast_radius(graph, "nope")
    with pytest.raises(UnknownComponentError):
        single_blast_radius(graph, next(iter(graph.groups), "grp-none"))
