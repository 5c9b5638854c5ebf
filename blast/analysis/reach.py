"""How many of a few marked nodes each node reaches, by levels over a condensation.

``blast spof`` ranks the components whose failure degrades user-facing ones by
how many user-facing components each one affects: the user-facing components
it reaches along "affects" edges (every dependency but async ones, from the
needed node to its dependent). A breadth-first search per user-facing component
(64 at a time, bit-parallel) walks every edge once per search and per level at
which a node gains: 17 searches, 12 M edge steps at 100,000 components. Here
each edge is read once per 512 marked nodes: the strongly connected components
are taken in an order where each comes after everything it affects, a level at
a time (Kahn's algorithm), and a component's words of marks (one bit per marked
node) are the OR of those of what it affects and its own bits: a dynamic
program over the condensation, as for transitive-closure counting (Nuutila,
*Efficient transitive closure computation in large digraphs*, 1995).

The strongly connected components start as those of the hard-dependency graph
the index already solved (:class:`~blast.analysis.index.HardStructure`): hard
edges and memberships are "affects" edges too, so each of them lies inside one
component of the "affects" graph. Soft dependencies can close further cycles;
the components those join are merged (found by rustworkx among the components
the levels could not place, a small part of the graph) and the levels taken
again. Every array pass is a numpy operation on compressed rows the graph
already has (:class:`~blast.model.compact.Edges`): no sort of the edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from blast.analysis.downwave import row_span

WORDS = 8
"""Words of marks (64 marked nodes each) per pass: bounds the gathered rows' memory."""

Rows = tuple[np.ndarray, np.ndarray]
"""Compressed rows ``(start, values)``: row ``i`` is ``values[start[i]:start[i + 1]]``."""


def _gather(rows: Rows, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``which`` of ``rows``, concatenated, and each one's size."""
    start, values = rows
    at, sizes = row_span(start, which)
    return values[at], sizes


@dataclass(frozen=True)
class _Level:
    """Components placed together, and what they affect as one gather: ``reached`` (the
    components their members' edges lead to, component by component) is cut at ``cuts``
    for the components of ``full`` (those with at least one such edge)."""

    full: np.ndarray
    reached: np.ndarray
    cuts: np.ndarray


def level_counts(
    order: Sequence[Sequence[int]], needs: Rows, affects: Rows, marked: np.ndarray
) -> np.ndarray:
    """For each node ``0..n-1``, how many of ``marked`` (distinct nodes) it reaches along the
    rows of ``affects`` (row ``v``: the nodes ``v`` affects), itself included. ``needs`` is
    the same edges the other way (row ``v``: the nodes that affect ``v``); ``order`` holds
    strongly connected components that partition the nodes, each lying inside one of the
    graph's (cycles through several are found and merged).
    """
    n = len(affects[0]) - 1
    comp = np.empty(n, dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(order), dtype=np.int64, count=n)
    sizes = np.fromiter(map(len, order), dtype=np.int64, count=len(order))
    comp[flat] = np.repeat(np.arange(len(order), dtype=np.int64), sizes)
    tail = comp[np.repeat(np.arange(n, dtype=np.int64), np.diff(affects[0]))]
    head = comp[affects[1]]
    members: Rows = (np.concatenate(([0], np.cumsum(sizes))), flat)
    core = ~_peel(comp, members, _out_degrees(tail, head, len(sizes)), needs)[0]
    core[core] = ~_peel(comp, members, _out_degrees(head, tail, len(sizes)), affects, core)[0][core]
    if core.any():  # cycles through several components: merge them
        label = _merged(tail, head, core)
        comp, tail, head = label[comp], label[tail], label[head]
        flat = np.argsort(comp, kind="stable")
        sizes = np.bincount(comp)
        members = (np.concatenate(([0], np.cumsum(sizes))), flat)
    placed, levels = _peel(
        comp, members, _out_degrees(tail, head, len(sizes)), needs, None, affects
    )
    assert placed.all(), "merged components leave no cycle"
    found = np.zeros(len(sizes), dtype=np.int64)
    for first in range(0, len(marked), 64 * WORDS):
        found += _pass(levels, len(sizes), comp[marked[first : first + 64 * WORDS]])
    return found[comp]


def _out_degrees(tail: np.ndarray, head: np.ndarray, n_comp: int) -> np.ndarray:
    """How many edges ``tail -> head`` leave each component for another."""
    return np.bincount(tail[tail != head], minlength=n_comp)


def _peel(
    comp: np.ndarray,
    members: Rows,
    waiting: np.ndarray,
    back: Rows,
    within: np.ndarray | None = None,
    record: Rows | None = None,
) -> tuple[np.ndarray, list[_Level]]:
    """Kahn's algorithm a level at a time: a component is placed once ``waiting`` (its edges
    to components not yet placed) is zero; placing one lowers ``waiting`` of the
    components its members' rows of ``back`` lead to. Only components of ``within``
    (default all) are placed. Returns which were placed (all of them unless a cycle runs
    between components) and, with ``record`` (the forward rows), the levels."""
    placed = np.zeros(len(waiting), dtype=bool)
    if within is not None:
        waiting = np.where(within, waiting, -1)
    flags = np.zeros(len(waiting), dtype=bool)
    levels = []
    ready = np.flatnonzero(waiting == 0)
    while len(ready):
        placed[ready] = True
        inside, counts = _gather(members, ready)
        if record is not None:
            reached, per_node = _gather(record, inside)
            per_comp = np.add.reduceat(per_node, np.cumsum(counts) - counts)
            full = per_comp > 0
            levels.append(
                _Level(ready[full], comp[reached], (np.cumsum(per_comp) - per_comp)[full])
            )
        before, per_node = _gather(back, inside)
        before = comp[before]
        before = before[before != np.repeat(comp[inside], per_node)]
        np.subtract.at(waiting, before, 1)
        flags[before[waiting[before] == 0]] = True  # distinct, without a sort
        ready = np.flatnonzero(flags)
        flags[ready] = False
    return placed, levels


def _merged(tail: np.ndarray, head: np.ndarray, core: np.ndarray) -> np.ndarray:
    """A new numbering of the components in which those on a common cycle share one
    number: the strongly connected components among ``core`` (the components on a cycle
    or between two), found by rustworkx (native code) on that part of the graph only."""
    import rustworkx as rx

    left = np.flatnonzero(core)
    local = np.full(len(core), -1, dtype=np.int64)
    local[left] = np.arange(len(left), dtype=np.int64)
    inside = core[tail] & core[head] & (tail != head)
    g = rx.PyDiGraph(multigraph=True)
    g.add_nodes_from(range(len(left)))
    g.add_edges_from_no_data(
        list(zip(local[tail[inside]].tolist(), local[head[inside]].tolist(), strict=True))
    )
    label = np.arange(len(core), dtype=np.int64)
    for scc in rx.strongly_connected_components(g):
        if len(scc) > 1:
            label[left[scc]] = left[scc[0]]
    return _renumbered(label)


def _renumbered(label: np.ndarray) -> np.ndarray:
    """Each of ``label`` (integers from 0 to ``len(label) - 1``) replaced by its rank among the
    distinct values: ``np.unique(label, return_inverse=True)[1]`` by a scatter and a running
    count, without a sort, nor :func:`np.unique`'s import of :mod:`numpy.ma` (0.05-0.1 s
    of CPU on this command's path: nothing else in ``blast spof`` imports it).

    >>> _renumbered(np.array([0, 0, 2, 3, 3])).tolist()
    [0, 0, 1, 2, 2]
    """
    present = np.zeros(len(label), dtype=np.int64)
    present[label] = 1
    return (np.cumsum(present) - 1)[label]


def _pass(levels: list[_Level], n_comp: int, marked: np.ndarray) -> np.ndarray:
    """How many of ``marked`` (components; up to ``64 * WORDS``) each component reaches."""
    words = np.zeros(((len(marked) + 63) // 64, n_comp), dtype=np.uint64)
    lane = np.arange(len(marked), dtype=np.int64)
    for w, row in enumerate(words):
        mine = lane[lane // 64 == w]
        bits = np.left_shift(np.uint64(1), (mine % 64).astype(np.uint64))
        np.bitwise_or.at(row, marked[mine], bits)  # a row of ``words``: ORed in place
    for level in levels:
        if len(level.full):
            for row in words:
                row[level.full] |= np.bitwise_or.reduceat(row[level.reached], level.cuts)
    return np.bitwise_count(words).sum(axis=0, dtype=np.int64)


__all__ = ["WORDS", "Rows", "level_counts"]
