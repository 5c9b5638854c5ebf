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
        late = {c for c in graph.components if outcome.state(c) is State.DELAYED}
        row = table.loc[x]
        assert (row["down"], row["degraded"], row["delayed"]) == (len(down), len(hit), len(late))
        assert row["user_facing_down"] == sum(graph.components[c].user_facing for c in down)
        assert row["user_facing_degraded"] == sum(graph.components[c].user_facing for c in hit)
        assert row["user_facing_delayed"] == sum(graph.components[c].user_facing for c in late)


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_radius_and_its_table_equal_brute_force_on_random_graphs(graph):
    index = build_index(graph)
    table = radius_table(index).set_index("component")
    for x in graph.components:
        outcome = propagate(graph, [x])
        expected = {
            state: {c for c in graph.components if outcome.state(c) is state} - {x}
            for state in (State.DOWN, State.DEGRADED, State.DELAYED)
        }
        radius = blast_radius(index, x)
        assert set(radius.down) == expected[State.DOWN], x
        assert set(radius.degraded) == expected[State.DEGRADED], x
        assert set(radius.delayed) == expected[State.DELAYED], x
        assert table.loc[x, "delayed"] == len(expected[State.DELAYED]), x


def test_blast_radius_lists_what_propagation_finds():
    graph = service_graph(400, seed=5)
    index = build_index(graph)
    for x in list(graph.components)[::37]:
        radius = blast_radius(index, x)
        outcome = propagate(graph, [x])
        assert set(radius.down) == set(outcome.nodes_in(State.DOWN)) - {x} - set(graph.groups)
        assert set(radius.degraded) == set(outcome.nodes_in(State.DEGRADED)) - set(graph.groups)
        assert set(radius.delayed) == set(outcome.nodes_in(State.DELAYED))


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


def test_delay_does_not_spread_and_a_global_table_stack_stays_up():
    """Replication to the failed region's replica lags; the other region's stack is up."""
    from blast.model import Component, Dependency, DependencyType

    async_ = DependencyType.ASYNC
    graph = Graph.from_parts(
        [
            Component(id="replica-use1", kind="database", region="us-east-1"),
            Component(
                id="replica-usw2",
                kind="database",
                region="us-west-2",
                depends_on=(Dependency(target="replica-use1", type=async_),),
            ),
            Component(id="web", kind="app", user_facing=True, depends_on=["replica-usw2"]),
            Component(
                id="mailer",
                kind="app",
                user_facing=True,
                depends_on=(Dependency(target="web", type=async_),),
            ),
        ]
    )
    outcome = propagate(graph, ["replica-use1"])
    assert outcome.state("replica-usw2") is State.DELAYED
    assert outcome.path("replica-usw2") == ("replica-usw2", "replica-use1")
    assert outcome.state("web") is State.UP  # the delayed replica still answers
    assert outcome.state("mailer") is State.UP
    assert exposure(graph, region="us-east-1").count("safe") == 2
    down_web = propagate(graph, ["web"])
    assert down_web.state("mailer") is State.DELAYED
