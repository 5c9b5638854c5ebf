""":func:`~blast.analysis.propagation.spread` in numpy, one step per level: the same states,
causes and order.

``spread`` walks the reverse edges one node at a time in Python: 0.45 s of ``blast
exposure --region us-east-1`` at 100,000 components, where the region takes most of
the graph down. Its three waves are breadth-first walks, and a breadth-first queue
holds its nodes level by level, so each wave is replayed one level at a time over
compressed rows of the reverse edges (:class:`~blast.analysis.downwave.DownWave`):

* the down wave is :meth:`~blast.analysis.downwave.DownWave.walk`: a node falls by its
  first hard edge of its level (the frontier in queue order, each node's reverse edges
  in order), a redundancy group by the member edge that takes its losses past what it
  can lose (counted across levels), and the next level is what fell, in the order of
  those edges, as the queue holds it;
* the degraded wave walks the queue again from its head: the nodes that are down, in
  queue order, then each level of nodes they degrade through any edge but an async
  one, each by its first such edge of the level;
* the delayed pass reads once the async reverse edges of everything down or degraded,
  in queue order; each node is delayed by its first.

So every state, every cause and the order are ``spread``'s; the tests compare them on
random graphs (groups of groups, k-of-n, cycles, soft and async edges, several
failed components) and on the generated shapes.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from blast.analysis.downwave import DownWave, row_span
from blast.analysis.structure import distinct
from blast.model.graph import ASYNC_EDGE, Graph

_UNSEEN = np.iinfo(np.int64).max
_last: tuple[weakref.ref[Graph], DownWave] | None = None
"""The reverse edges of the last graph spread on: ``blast check`` propagates each
global control plane's failure in turn (a graph is not hashable: one weak reference)."""


def spread_arrays(
    graph: Graph, starts: Sequence[int] | np.ndarray, wave: DownWave | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~blast.analysis.propagation.spread` on ``graph``'s positions, as arrays.

    Parameters
    ----------
    graph
        The dependency graph.
    starts
        Positions of the failed components, distinct, in the order their ids sort.
    wave
        The graph's reverse edges, when the caller has them already.

    Returns
    -------
    tuple of numpy.ndarray
        Each position's severity (an index into
        :data:`~blast.analysis.propagation.STATES`, bytes), the position that explains
        it (``-1`` for none) and the positions reached, in ``spread``'s order.
    """
    if wave is None:
        wave = _wave_of(graph)
    down, cause, order = wave.walk(np.asarray(starts, dtype=np.int64))
    state = down.astype(np.int8) * np.int8(3)
    start, dependent = wave.every_start, wave.every_dependent
    async_edge = _async_edges(wave)
    first = np.full(wave.n_nodes, _UNSEEN, dtype=np.int64)  # scratch: see _firsts
    frontier, reached = order, [order]
    while len(frontier):  # degraded: through any edge but an async one
        at, source = edge_rows(start, frontier)
        d = dependent[at]
        fell, trigger = _firsts(first, d, np.flatnonzero(~async_edge[at] & (state[d] == 0)))
        state[fell], cause[fell] = 2, source[trigger]
        frontier = fell
        reached.append(fell)
    at, source = edge_rows(start, np.concatenate(reached))  # delayed: one pass, no spreading
    d = dependent[at]
    fell, trigger = _firsts(first, d, np.flatnonzero(async_edge[at] & (state[d] == 0)))
    state[fell], cause[fell] = 1, source[trigger]
    reached.append(fell)
    return state, cause, np.concatenate(reached)


def _wave_of(graph: Graph) -> DownWave:
    """``DownWave(graph)``, built once for the graph spread on last."""
    global _last
    if _last is None or _last[0]() is not graph:
        _last = (weakref.ref(graph), DownWave(graph))
    return _last[1]


def _async_edges(wave: DownWave) -> np.ndarray:
    """Whether each reverse edge of ``wave`` is an async one (a byte each)."""
    return np.asarray(wave.every_kind == ASYNC_EDGE)


def edge_rows(start: np.ndarray, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reverse edges of ``frontier`` (indices, in order) and the node each leaves."""
    at, sizes = row_span(start, frontier)
    return at, np.repeat(frontier, sizes)


def below_mask(graph: Graph, starts: Sequence[int]) -> np.ndarray:
    """Whether each position is one of ``starts`` or something they depend on, directly or
    not, through any edge (a boolean array): a breadth-first closure, one numpy step per
    level over the graph's edge arrays (the report's region event and ``blast exposure``
    ask it of the user-facing components, which reach most of a large graph)."""
    edges = graph.edge_arrays
    n = len(graph.topology.nodes)
    start = np.asarray(edges.start, dtype=np.int64)[: n + 1]
    target = np.asarray(edges.target, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    seen[list(starts)] = True
    frontier = np.flatnonzero(seen)
    while len(frontier):
        at, _ = edge_rows(start, frontier)
        t = target[at]
        t = distinct(t[~seen[t]])
        seen[t] = True
        frontier = t
    return seen


def _firsts(first: np.ndarray, d: np.ndarray, hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct nodes of ``d[hit]``, each with its first edge of ``hit``, in that order.

    ``first`` needs no reset: every node hit changes state there and is not hit again."""
    dh = d[hit]
    rank = np.arange(len(hit), dtype=np.int64)
    np.minimum.at(first, dh, rank)
    firsts = first[dh] == rank
    return dh[firsts], hit[firsts]
