"""Set passes over dependency graphs: strongly connected components in solving order,
reachability as unions of Roaring bitmaps, and bit-sliced counting.

The graph work (Tarjan's algorithm, condensation, topological sort) runs in
rustworkx's native code; the sets are ``pyroaring`` bitmaps, whose unions are
C-fast and stay small when sparse.
"""

from __future__ import annotations

from collections.abc import Sequence

import rustworkx as rx
from pyroaring import BitMap, FrozenBitMap

EMPTY = FrozenBitMap()


def condensation_order(
    n: int, edges: Sequence[tuple[int, int]], *, pointing_at_needs: bool = True
) -> list[list[int]]:
    """Strongly connected components of a graph on ``0..n-1``, in solving order.

    With ``pointing_at_needs`` (an edge ``a -> b`` means ``a`` needs ``b``), the
    component holding ``b`` comes before the one holding ``a``; otherwise (an
    edge ``a -> b`` means ``a`` feeds ``b``) the one holding ``a`` comes first.
    Tarjan's algorithm and the topological sort run in rustworkx (native code).

    Callers pass edges oriented so that hubs have many *incoming* edges: adding
    an edge to a simple ``PyDiGraph`` (and condensing it) scans the source's
    outgoing edges, so a hub with 50,000 outgoing edges makes it quadratic
    (35 s instead of 1.3 s at 100,000 components on the hub-heavy shape).
    """
    return graph_condensation_order(digraph(n, edges), pointing_at_needs=pointing_at_needs)


def digraph(n: int, edges: Sequence[tuple[int, int]]) -> rx.PyDiGraph:
    g = rx.PyDiGraph(multigraph=False)
    g.add_nodes_from(range(n))
    g.extend_from_edge_list(edges)
    return g


def graph_condensation_order(g: rx.PyDiGraph, *, pointing_at_needs: bool = True) -> list[list[int]]:
    """:func:`condensation_order` of an already built graph (node payloads unused)."""
    dag: rx.PyDiGraph = rx.condensation(g)  # type: ignore[assignment]
    order = rx.topological_sort(dag)
    return [sorted(dag[i]) for i in (reversed(order) if pointing_at_needs else order)]


def union_closure(
    n: int,
    successors: Sequence[Sequence[int]],
    own_bit: Sequence[int],
) -> list[FrozenBitMap]:
    """For every node, the bits of all nodes reachable from it (itself included).

    ``own_bit[node]`` is a node's bit, or ``-1`` for nodes that pass through
    without a bit of their own. Members of one strongly connected component
    share one bitmap object.
    """
    edges = [(b, a) for a in range(n) for b in successors[a]]  # hubs: many incoming
    result: list[FrozenBitMap] = [EMPTY] * n
    union = FrozenBitMap.union
    for scc in condensation_order(n, edges, pointing_at_needs=False):
        if len(scc) == 1:
            v = scc[0]
            parts = [result[t] for t in successors[v] if t != v]
        else:
            members = set(scc)
            parts = [result[t] for v in scc for t in successors[v] if t not in members]
        own = [b for v in scc if (b := own_bit[v]) >= 0]
        if own:
            merged = union(FrozenBitMap(own), *parts)
        elif len(parts) == 1:
            merged = parts[0]  # a pass-through node shares its successor's set
        else:
            merged = union(EMPTY, *parts)
        for v in scc:
            result[v] = merged
    return result


def at_least(sets: Sequence[FrozenBitMap], count: int) -> BitMap:
    """Elements present in at least ``count`` of ``sets`` (bit-sliced counting)."""
    if count <= 1:
        return BitMap.union(BitMap(), *sets)
    if count == len(sets):
        return BitMap(BitMap.intersection(*sets))
    levels = [BitMap() for _ in range(count + 1)]  # levels[j]: seen in >= j sets so far
    for s in sets:
        for j in range(count, 1, -1):
            levels[j] |= levels[j - 1] & s
        levels[1] |= s
    return levels[count]
