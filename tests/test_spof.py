"""SPOFs and order-2 cut sets against brute force, and on small hand-built graphs."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis.index import build_index
from blast.analysis.propagation import State, propagate
from blast.analysis.spof import below_all, cut_sets, cut_sets_of, spofs
from blast.model import Component, RedundancyGroup
from blast.model.graph import Graph
from tests.strategies import graphs, random_graph


def brute_force_cuts(graph: Graph, target: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Minimal cut sets of order 1 and 2 by failing every single and every pair."""
    singles = {
        x
        for x in graph.components
        if x != target and propagate(graph, [x]).state(target) is State.DOWN
    }
    pairs = set()
    for a, b in itertools.combinations(sorted(graph.components), 2):
        if target in (a, b) or a in singles or b in singles:
            continue
        if propagate(graph, [a, b]).state(target) is State.DOWN:
            pairs.add((a, b))
    return singles, pairs


def assert_cuts_match(graph: Graph) -> None:
    index = build_index(graph)
    for target in graph.components:
        singles, pairs = brute_force_cuts(graph, target)
        found = cut_sets(index, target, max_candidates=10_000, max_pairs=10_000)
        assert set(found.spofs) == singles, target
        assert set(found.pairs) == pairs, target
        assert found.pairs_complete


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_cut_sets_equal_brute_force(graph):
    assert_cuts_match(graph)


def test_cut_sets_equal_brute_force_on_larger_graphs():
    for seed in range(4):
        assert_cuts_match(random_graph(seed, n=25, n_groups=6, density=0.08))


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(1, 4), st.integers(1, 5))
def test_cut_sets_of_many_components_equal_one_at_a_time(graph, max_candidates, max_pairs):
    """The batch search solves each candidate once for every component that examines it:
    the same answers as one component at a time, bounds and counts included."""
    index = build_index(graph)
    ids = sorted(graph.components)
    batch = cut_sets_of(index, ids, max_candidates=max_candidates, max_pairs=max_pairs)
    single = [cut_sets(index, c, max_candidates=max_candidates, max_pairs=max_pairs) for c in ids]
    assert list(batch) == single


def test_cut_sets_of_every_component_equal_brute_force():
    for seed in range(4):
        graph = random_graph(seed + 10, n=22, n_groups=6, density=0.09)
        ids = sorted(graph.components)
        found = cut_sets_of(build_index(graph), ids, max_candidates=10_000, max_pairs=10_000)
        for target, cs in zip(ids, found, strict=True):
            singles, pairs = brute_force_cuts(graph, target)
            assert (set(cs.spofs), set(cs.pairs), cs.pairs_complete) == (singles, pairs, True)


def shop() -> Graph:
    """checkout needs the API and the orders table, replicated in two regions."""
    return Graph.from_parts(
        [
            Component(id="dns", kind="dns"),
            Component(id="orders-use1", kind="database", depends_on=["dns"]),
            Component(id="orders-usw2", kind="database"),
            Component(id="api", kind="api", depends_on=["orders"]),
            Component(id="checkout", kind="app", user_facing=True, depends_on=["api"]),
        ],
        [RedundancyGroup(id="orders", members=("orders-use1", "orders-usw2"))],
    )


def test_redundancy_removes_spof_and_yields_pairs():
    found = cut_sets(build_index(shop()), "checkout")
    assert found.spofs == ("api",)
    assert found.pairs == (("dns", "orders-usw2"), ("orders-use1", "orders-usw2"))
    assert found.pairs_complete


def test_spofs_are_dominators_when_every_need_is_any_of():
    """With only any-of needs on an acyclic supply graph, SPOFs are exactly dominators."""
    supply = nx.DiGraph(
        (a, b) for a, b in nx.gnp_random_graph(18, 0.25, seed=7, directed=True).edges if a < b
    )
    supply.add_nodes_from(range(18))
    supply.add_edges_from((0, n) for n in range(1, 18) if supply.in_degree(n) == 0)
    components = [Component(id="n0", kind="other")]
    groups = []
    for n in range(1, 18):
        providers = [f"n{p}" for p in supply.predecessors(n) if p != n]
        if len(providers) == 1:
            components.append(Component(id=f"n{n}", kind="other", depends_on=providers))
        elif providers:
            groups.append(RedundancyGroup(id=f"via{n}", members=tuple(providers)))
            components.append(Component(id=f"n{n}", kind="other", depends_on=[f"via{n}"]))
    index = build_index(Graph.from_parts(components, groups))
    idom = nx.immediate_dominators(supply, 0)
    for n in supply:
        if n == 0 or n not in idom:
            continue
        dominators, walk = set(), n
        while walk != 0:
            walk = idom[walk]
            dominators.add(f"n{walk}")
        assert set(spofs(index, f"n{n}")) == dominators, n


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_below_all_is_below_of_each_node(graph):
    """The bit-parallel walks of :func:`below_all` against rustworkx's search per node."""
    index = build_index(graph)
    s = index.structure
    nodes = list(range(len(s.nodes))) * 2  # every node twice: more than one chunk of 64
    assert below_all(index, nodes) == [s.below(v) for v in nodes]


def test_below_all_on_seeded_random_graphs():
    for seed in range(6):
        index = build_index(random_graph(seed, 150, 30, 0.04))
        s = index.structure
        nodes = list(range(len(s.nodes)))
        assert below_all(index, nodes) == [s.below(v) for v in nodes]
