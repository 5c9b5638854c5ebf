"""The sparse undirected view (group cliques as cycles) against the full one it replaced.

:func:`blast.analysis.structure.undirected_view` replaces each redundancy group's
dependents-times-members clique by one cycle; :func:`former_view` below is the view
as built before (every dependent-needed pair an edge). Both must give the same
articulation points and biconnected components, on seeded random graphs with groups
(groups of groups, cycles of groups, dependents that are members) and on the
generated shapes at 10,000 components.
"""

from __future__ import annotations

import random

import pytest
import rustworkx as rx

from blast.analysis.structure import (
    articulation_points,
    biconnected_components,
    blocks_and_cuts,
    sparse_pairs,
    undirected_view,
    view_pairs,
)
from blast.model import Component, RedundancyGroup
from blast.model.graph import Graph
from blast.model.shapes import generate


def former_view(graph: Graph) -> rx.PyGraph:
    """The undirected view as built before: one edge per distinct dependent-needed pair."""
    topo = graph.topology
    view = rx.PyGraph(multigraph=True)
    view.add_nodes_from(topo.nodes[: topo.n_components])
    low, high = view_pairs(graph)
    view.add_edges_from_no_data(list(zip(low.tolist(), high.tolist(), strict=True)))
    return view


def grouped_graph(seed: int) -> Graph:
    """Components depending on components and on groups; groups of components and of
    groups (cycles allowed), some large enough that their clique becomes a cycle."""
    rng = random.Random(seed)
    n, n_groups = rng.randint(2, 40), rng.randint(1, 8)
    comp_ids = [f"c{i}" for i in range(n)]
    group_ids = [f"g{i}" for i in range(n_groups)]
    groups = []
    for gid in group_ids:
        pool = comp_ids + [g for g in group_ids if g != gid]
        members = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
        groups.append(RedundancyGroup(id=gid, members=tuple(members)))
    components = []
    for cid in comp_ids:
        targets = [t for t in comp_ids + group_ids if t != cid]
        weights = [1 if t in comp_ids else 6 for t in targets]  # groups often
        deps = {rng.choices(targets, weights)[0] for _ in range(rng.randint(0, 3))}
        components.append(Component(id=cid, kind="api", depends_on=sorted(deps)))
    return Graph.from_parts(components, groups)


def assert_same(graph: Graph) -> None:
    sparse, former = undirected_view(graph), former_view(graph)
    assert blocks_and_cuts(sparse) == blocks_and_cuts(former)
    assert articulation_points(graph, sparse) == articulation_points(graph, former)
    assert biconnected_components(graph, sparse) == biconnected_components(graph, former)


@pytest.mark.parametrize("seed", range(400))
def test_sparse_view_answers_as_the_full_view_on_random_grouped_graphs(seed):
    assert_same(grouped_graph(seed))


def test_random_graphs_exercise_the_cycles():
    """Enough of the random graphs have a clique turned into a cycle (fewer edges)."""
    fewer = sum(
        len(sparse_pairs(g)[0]) < len(view_pairs(g)[0]) for g in map(grouped_graph, range(400))
    )
    assert fewer > 50


def test_a_group_shared_by_dependents_becomes_a_cycle():
    """Two dependents of a two-member group: the 4-clique K(2,2) is already a cycle; with
    three members the six pairs become a five-cycle, and no articulation point appears."""
    graph = Graph.from_parts(
        [Component(id=i, kind="api") for i in ("a", "b", "c")]
        + [Component(id=i, kind="app", depends_on=["g"]) for i in ("x", "y")],
        [RedundancyGroup(id="g", members=("a", "b", "c"))],
    )
    assert len(view_pairs(graph)[0]) == 6 and len(sparse_pairs(graph)[0]) == 5
    assert articulation_points(graph) == ()
    assert biconnected_components(graph) == (("a", "b", "c", "x", "y"),)
    assert_same(graph)


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
def test_sparse_view_answers_as_the_full_view_on_generated_shapes(shape):
    assert_same(generate(shape, 10_000, seed=0))
