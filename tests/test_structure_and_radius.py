"""Articulation points against networkx; radius table and exposure against brute force."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings

from blast.analysis import (
    State,
    articulation_points,
    biconnected_components,
    blast_radius,
    build_index,
    exposure,
    propagate,
    radius_table,
)
from blast.model.graph import Graph
from blast.model.synthetic import service_graph
from tests.strategies import graphs, random_graph


def networkx_view(graph: Graph) -> nx.Graph:
    """The undirected view built the slow, obvious way."""
    view = nx.Graph()
    view.add_nodes_from(graph.components)

    def behind(node: str) -> set[str]:
        if node in graph.components:
            return {node}
        return set().union(*(behind(m) for m in graph.groups[node].members))

    for c in graph.components.values():
        for dep in c.depends_on:
            view.add_edges_from((c.id, m) for m in behind(dep.target) if m != c.id)
    return view


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_structure_matches_networkx(graph):
    view = networkx_view(graph)
    assert set(articulation_points(graph)) == set(nx.articulation_points(view))
    expected = sorted(tuple(sorted(b)) for b in nx.biconnected_components(view))
    assert sorted(biconnected_components(graph)) == expected


def test_structure_matches_networkx_on_a_service_graph():
    graph = service_graph(600, seed=3)
    view = networkx_view(graph)
    assert set(articulation_points(graph)) == set(nx.articulation_points(view))


def test_radius_table_counts_equal_brute_force():
    graph = random_graph(11, n=40, n_groups=8, density=0.06)
    table = radius_table(build_index(graph)).set_index("component")
    for x in graph.components:
        outcome = propagate(graph, [x])
        down = {c for c in graph.components if outcome.state(c) is State.DOWN} - {x}
        hit = {c for c in graph.components if outcome.state(c) is State.DEGRADED}
        row = table.loc[x]
        assert (row["down"], row["degraded"]) == (len(down), len(hit)), x
        assert row["user_facing_down"] == sum(graph.components[c].user_facing for c in down)
        assert row["user_facing_degraded"] == sum(graph.components[c].user_facing for c in hit)


def test_blast_radius_lists_what_propagation_finds():
    graph = service_graph(400, seed=5)
    index = build_index(graph)
    for x in list(graph.components)[::37]:
        radius = blast_radius(index, x)
        outcome = propagate(graph, [x])
        assert set(radius.down) == set(outcome.nodes_in(State.DOWN)) - {x} - set(graph.groups)
        assert set(radius.degraded) == set(outcome.nodes_in(State.DEGRADED)) - set(graph.groups)


def test_exposure_paths_explain_each_state():
    graph = service_graph(800, seed=2)
    result = exposure(graph, region="us-east-1")
    failed = set(result.failed)
    assert failed == {c for c, comp in graph.components.items() if comp.region == "us-east-1"}
    assert len(result.exposures) == len(graph.user_facing)
    hard = {(a, b) for a, b in graph.hard_edges()}
    for e in result.exposures:
        if e.state == "safe":
            assert e.path == ()
            continue
        assert e.path[0] == e.component and e.path[-1] in failed
        if e.state == "down":  # a down component is down through hard edges all the way
            assert all(pair in hard for pair in zip(e.path, e.path[1:], strict=False))
