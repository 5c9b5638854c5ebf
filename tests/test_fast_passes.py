"""The faster analysis passes against the versions they replaced and against brute force.

* :func:`~blast.analysis.setpasses.union_closure` (solved in
  :func:`~blast.analysis.setpasses.feeding_order`, rustworkx's strongly connected
  components) against the condensation-ordered version it replaced, kept here
  as ``reference_closure``, and against a breadth-first search from every node;
* the radius table's delayed counts (from :func:`~blast.analysis.radius.delay_sets`)
  against one propagation per component;
* the SPOF report's victim lists (sorted in numpy) and ``by_severity`` against
  plain Python sorts.
"""

from __future__ import annotations

from collections.abc import Sequence

import rustworkx as rx
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import FrozenBitMap

from blast.analysis.index import build_index
from blast.analysis.propagation import State, propagate
from blast.analysis.radius import radius_rows
from blast.analysis.setpasses import EMPTY, feeding_order, union_closure
from blast.model.synthetic import service_graph
from blast.report import shared_spofs
from tests.strategies import graphs


def reference_closure(
    n: int, successors: Sequence[Sequence[int]], own_bit: Sequence[int]
) -> list[FrozenBitMap]:
    """The union pass as it was before (rx.condensation, then a topological sort)."""
    g = rx.PyDiGraph(multigraph=False)
    g.add_nodes_from(range(n))
    g.extend_from_edge_list([(b, a) for a in range(n) for b in successors[a]])
    dag: rx.PyDiGraph = rx.condensation(g)  # type: ignore[assignment]
    result: list[FrozenBitMap] = [EMPTY] * n
    for i in rx.topological_sort(dag):
        scc = sorted(dag[i])
        members = set(scc)
        parts = [result[t] for v in scc for t in successors[v] if t not in members]
        own = [b for v in scc if (b := own_bit[v]) >= 0]
        merged = FrozenBitMap.union(FrozenBitMap(own), *parts)
        for v in scc:
            result[v] = merged
    return result


def reachable(successors: Sequence[Sequence[int]], start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for t in successors[todo.pop()]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


@st.composite
def digraphs(draw: st.DrawFn) -> tuple[int, list[list[int]], list[int]]:
    """Any directed graph on ``0..n-1`` (cycles, self-loops, repeated edges), some nodes
    without a bit of their own."""
    n = draw(st.integers(1, 25))
    successors = [draw(st.lists(st.integers(0, n - 1), max_size=5)) for _ in range(n)]
    own = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    bits = draw(st.permutations(range(n)))
    return n, successors, [bits[v] if own[v] else -1 for v in range(n)]


@settings(max_examples=300, deadline=None)
@given(digraphs())
def test_union_closure_equals_the_previous_pass_and_brute_force(case):
    n, successors, own_bit = case
    fast = union_closure(n, successors, own_bit)
    assert fast == reference_closure(n, successors, own_bit)
    for v in range(n):
        expected = {own_bit[u] for u in reachable(successors, v) if own_bit[u] >= 0}
        assert set(fast[v]) == expected


@settings(max_examples=300, deadline=None)
@given(digraphs())
def test_feeding_order_lists_each_component_after_its_successors(case):
    n, successors, _ = case
    order = feeding_order(n, successors)
    place = {v: i for i, scc in enumerate(order) for v in scc}
    assert sorted(place) == list(range(n))
    for v in range(n):
        for t in successors[v]:
            assert place[t] <= place[v]
            # same place: strongly connected (each reaches the other)
            assert (place[t] == place[v]) == (v in reachable(successors, t))


def brute_force_rows(graph) -> dict[str, tuple[int, int]]:
    """Delayed and user-facing delayed counts of each component, by propagation."""
    out = {}
    for cid in graph.components:
        delayed = [c for c in propagate(graph, [cid]).nodes_in(State.DELAYED) if c != cid]
        delayed = [c for c in delayed if c in graph.components]
        facing = [c for c in delayed if graph.components[c].user_facing]
        out[cid] = (len(delayed), len(facing))
    return out


def assert_delays_match(graph) -> None:
    expected = brute_force_rows(graph)
    for row in radius_rows(build_index(graph)):
        assert (row[8], row[9]) == expected[row[0]]


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_radius_delayed_counts_equal_propagation(graph):
    assert_delays_match(graph)


def test_radius_delayed_counts_equal_propagation_on_a_service_graph():
    assert_delays_match(service_graph(300, seed=9))


def assert_lists_sorted_as_before(graph) -> None:
    index = build_index(graph)
    for spof in shared_spofs(index):
        victims = [index.ids[v] for v in index.down(spof.component) & index.user_facing]
        assert spof.user_facing_down == tuple(sorted(v for v in victims if v != spof.component))
    for node in graph.components:
        bits = index.killers(node)
        expected = sorted(bits, key=lambda b: (-len(index.down_of[b]), index.ids[b]))
        assert index.by_severity(bits) == tuple(index.ids[b] for b in expected)


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_victims_and_severity_order_as_plain_sorts(graph):
    assert_lists_sorted_as_before(graph)


def test_victims_and_severity_order_on_a_service_graph():
    assert_lists_sorted_as_before(service_graph(400, seed=2))
