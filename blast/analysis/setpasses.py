"""Set passes over dependency graphs: strongly connected components in solving order,
reachability as unions of Roaring bitmaps, and bit-sliced counting.

The graph work (Tarjan's algorithm, condensation, topological sort) runs in
rustworkx's native code; the sets are ``pyroaring`` bitmaps, whose unions are
C-fast and stay small when sparse.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
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
    # every payload (a list of node payloads) in one call: ``dag[i]`` one by one, and a copy
    # of each, took 0.1 s at 100,000 components
    members: list[list[int]] = dag.nodes()
    return [
        sorted(scc) if len(scc := members[i]) > 1 else scc
        for i in (reversed(order) if pointing_at_needs else order)
    ]


def feeding_order(n: int, successors: Sequence[Sequence[int]]) -> list[list[int]]:
    """Strongly connected components of the graph ``v -> successors[v]``, each after the
    components of all its successors: the order a closure over successors is solved in.

    Any such order gives the same closure, so this uses rustworkx's strongly
    connected components (Kosaraju, native code) on a multigraph, which lists them
    in reverse topological order without building a condensation (0.4 s instead of
    1.6 s at 100,000 components); the order is checked with numpy, and the
    condensation is the fallback if a rustworkx version ever lists them otherwise.
    """
    counts = np.fromiter(map(len, successors), dtype=np.int64, count=n)
    heads = np.fromiter(chain.from_iterable(successors), dtype=np.int64, count=int(counts.sum()))
    tails = np.repeat(np.arange(n, dtype=np.int64), counts)
    g = rx.PyDiGraph(multigraph=True)  # no duplicate-edge scan: hubs stay linear
    g.add_nodes_from(range(n))
    g.add_edges_from_no_data(list(zip(heads.tolist(), tails.tolist(), strict=True)))
    sccs = rx.strongly_connected_components(g)
    comp = np.empty(n, dtype=np.int64)
    sizes = np.fromiter(map(len, sccs), dtype=np.int64, count=len(sccs))
    comp[np.fromiter(chain.from_iterable(sccs), dtype=np.int64, count=n)] = np.repeat(
        np.arange(len(sccs), dtype=np.int64), sizes
    )
    if not np.all(comp[heads] >= comp[tails]):  # pragma: no cover - rustworkx's documented order
        return condensation_order(
            n, list(zip(heads.tolist(), tails.tolist(), strict=True)), pointing_at_needs=False
        )
    return sccs[::-1]


def union_closure(
    n: int,
    successors: Sequence[Sequence[int]],
    own_bit: Sequence[int],
) -> list[FrozenBitMap]:
    """For every node, the bits of all nodes reachable from it (itself included).

    ``own_bit[node]`` is a node's bit, or ``-1`` for nodes that pass through
    without a bit of their own. Members of one strongly connected component
    share one bitmap object. Solved in :func:`feeding_order`; each node's set is
    one multi-way union (CRoaring's ``or_many``). Skipping successors that another
    successor reaches was measured and saves nothing on the generated shapes: the
    time is in the unions of large sparse sets, not in their number.
    """
    result: list[FrozenBitMap] = [EMPTY] * n
    union = FrozenBitMap.union
    for scc in feeding_order(n, successors):
        if len(scc) == 1:
            v = scc[0]
            parts = [result[t] for t in successors[v] if t != v]
            b = own_bit[v]
            if b >= 0:
                result[v] = union(FrozenBitMap((b,)), *parts)
            elif len(parts) == 1:
                result[v] = parts[0]  # a pass-through node shares its successor's set
            else:
                result[v] = union(EMPTY, *parts)
            continue
        members = set(scc)
        parts = [result[t] for v in scc for t in successors[v] if t not in members]
        own = [b for v in scc if (b := own_bit[v]) >= 0]
        if own:
            merged = union(FrozenBitMap(own), *parts)
        elif len(parts) == 1:
            merged = parts[0]
        else:
            merged = union(EMPTY, *parts)
        for v in scc:
            result[v] = merged
    return result


OCCURRENCE_BATCH = 1 << 20
"""Elements counted per bincount in :func:`occurrences`: the 8-byte copy numpy makes of a
batch stays in cache (at 100,000 components, 0.20 s instead of 0.27-0.30 s with 4 M)."""


def occurrences(sets: Iterable[FrozenBitMap], size: int) -> np.ndarray:
    """How many of ``sets`` hold each value below ``size``: a bincount in batches (the
    arrays of about a million elements at a time, never all of them at once). The
    sets' arrays are appended to one ``array.array`` (a copy in C): a numpy view of
    each small array costs more than the counting."""
    counts = np.zeros(size, dtype=np.int64)
    batch = array("I")
    for bits in sets:
        batch.extend(bits.to_array())
        if len(batch) > OCCURRENCE_BATCH:
            counts += np.bincount(np.frombuffer(batch, dtype=np.uint32), minlength=size)
            batch = array("I")
    if batch:
        counts += np.bincount(np.frombuffer(batch, dtype=np.uint32), minlength=size)
    return counts


class SourceBitmaps:
    """For each node, the bitmap of the nodes whose edges of ``kinds`` point at it (from
    ``dependents``, rows of ``(dependent, kind)``), each built when first asked for."""

    def __init__(self, dependents: Sequence[Sequence[tuple[int, int]]], kinds: Iterable[int]):
        self._dependents = dependents
        self._kinds = frozenset(kinds)
        self._built: dict[int, FrozenBitMap] = {}

    def __getitem__(self, node: int) -> FrozenBitMap:
        found = self._built.get(node)
        if found is None:
            kinds = self._kinds
            found = FrozenBitMap(d for d, kind in self._dependents[node] if kind in kinds)
            self._built[node] = found
        return found


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
