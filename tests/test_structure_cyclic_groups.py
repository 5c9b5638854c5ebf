"""Articulation points when redundancy groups contain each other in a cycle (issue 13, §4.8).

The oracle expands each group with networkx (every component reachable through
member edges: ``nx.descendants`` on the membership graph) and asks networkx for
the articulation points of that undirected view.
"""

from __future__ import annotations

import random

import networkx as nx
import pytest

from blast.analysis import articulation_points, biconnected_components
from blast.model import Component, RedundancyGroup
from blast.model.graph import Graph


def expanded_view(graph: Graph) -> nx.Graph:
    membership = nx.DiGraph()
    for group in graph.groups.values():
        membership.add_edges_from((group.id, m) for m in group.members)
    view = nx.Graph()
    view.add_nodes_from(graph.components)
    for c in graph.components.values():
        for dep in c.depends_on:
            if dep.target in graph.components:
                behind = {dep.target}
            else:
                behind = {
                    n for n in nx.descendants(membership, dep.target) if n in graph.components
                }
            view.add_edges_from((c.id, m) for m in behind if m != c.id)
    return view


def test_the_example_of_the_issue_has_no_articulation_point():
    graph = Graph.from_parts(
        [
            Component(id="a", kind="api"),
            Component(id="b", kind="api"),
            Component(id="x", kind="app", depends_on=["g2"]),
            Component(id="y", kind="app", depends_on=["g1"]),
        ],
        [
            RedundancyGroup(id="g1", members=("a", "g2")),
            RedundancyGroup(id="g2", members=("g1", "b")),
        ],
    )
    assert articulation_points(graph) == ()
    assert set(articulation_points(graph)) == set(nx.articulation_points(expanded_view(graph)))


def cyclic_graph(seed: int) -> Graph:
    rng = random.Random(seed)
    n, n_groups = rng.randint(2, 12), rng.randint(1, 5)
    comp_ids = [f"c{i}" for i in range(n)]
    group_ids = [f"g{i}" for i in range(n_groups)]
    groups = []
    for gid in group_ids:
        pool = comp_ids + [g for g in group_ids if g != gid]  # any group, cycles included
        groups.append(RedundancyGroup(id=gid, members=tuple(rng.sample(pool, 2))))
    components = []
    for cid in comp_ids:
        targets = [t for t in comp_ids + group_ids if t != cid]
        deps = rng.sample(targets, rng.randint(0, min(3, len(targets))))
        components.append(Component(id=cid, kind="api", depends_on=deps))
    return Graph.from_parts(components, groups)


@pytest.mark.parametrize("seed", range(300))
def test_articulation_points_match_networkx_with_cyclic_groups(seed):
    graph = cyclic_graph(seed)
    view = expanded_view(graph)
    assert set(articulation_points(graph)) == set(nx.articulation_points(view))
    expected = sorted(tuple(sorted(b)) for b in nx.biconnected_components(view))
    assert sorted(biconnected_components(graph)) == expected
