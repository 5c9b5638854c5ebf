"""Edges of a view: kept one to one between drawn nodes, or bundled between groups.

A view draws *units*: components or groups drawn as themselves, and collapsed
clusters drawn as one box. Every edge of the graph maps to the pair of units
holding its two ends; an edge between two units that are their own node is
drawn as it is, any other becomes part of a *bundle* (one edge per ordered pair
of units, with how many edges it stands for and the strongest dependency type
among them). This pass runs on every click over every edge of the graph (tens of
thousands at 10,000 components), so it is vectorised with numpy over the integer
edge arrays, which are built once per analysed graph.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyroaring import AbstractBitMap

from dashboard.store import Analysed


@lru_cache(maxsize=16)
def edge_arrays(analysed: Analysed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every edge once, as positions: (dependents, targets, kinds), in topology order."""
    rows = analysed.graph.topology.dependents
    count = sum(len(r) for r in rows)
    dep = np.empty(count, dtype=np.int64)
    tgt = np.empty(count, dtype=np.int64)
    kind = np.empty(count, dtype=np.int64)
    i = 0
    for t, row in enumerate(rows):
        for d, k in row:
            dep[i], tgt[i], kind[i] = d, t, k
            i += 1
    for a in (dep, tgt, kind):
        a.setflags(write=False)
    return dep, tgt, kind


def bundle(
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    unit_at: np.ndarray,
    own: np.ndarray,
) -> tuple[list[tuple[int, int, int]], dict[tuple[int, int], list[int]]]:
    """Direct edges ``(unit a, unit b, kind)`` in edge order, and bundles.

    ``unit_at[p]`` is the unit index of node position ``p`` (-1: not drawn);
    ``own[p]`` whether that unit is the node itself. Bundles map ``(a, b)`` to
    ``[edge count, smallest kind]`` (kinds are ordered strongest first), in the
    order of each pair's first edge. Edges inside one unit are dropped.
    """
    dep, tgt, kind = edges
    ua, ub = unit_at[dep], unit_at[tgt]
    keep = (ua >= 0) & (ub >= 0) & (ua != ub)
    ua, ub, kind = ua[keep], ub[keep], kind[keep]
    is_direct = own[dep[keep]] & own[tgt[keep]]
    direct = list(
        zip(ua[is_direct].tolist(), ub[is_direct].tolist(), kind[is_direct].tolist(), strict=True)
    )
    rest = ~is_direct
    ba, bb, bk = ua[rest], ub[rest], kind[rest]
    if not len(ba):
        return direct, {}
    code = ba * (int(unit_at.max()) + 1) + bb
    order = np.argsort(code, kind="stable")
    sorted_code = code[order]
    starts = np.flatnonzero(np.r_[True, sorted_code[1:] != sorted_code[:-1]])
    counts = np.diff(np.r_[starts, len(sorted_code)])
    strongest = np.minimum.reduceat(bk[order], starts)
    first = order[starts]  # stable sort: the first edge of each pair
    by_first = np.argsort(first, kind="stable")
    bundles = {
        (a, b): [n, k]
        for a, b, n, k in zip(
            ba[first[by_first]].tolist(),
            bb[first[by_first]].tolist(),
            counts[by_first].tolist(),
            strongest[by_first].tolist(),
            strict=True,
        )
    }
    return direct, bundles


@lru_cache(maxsize=16)
def _position_of_bit(analysed: Analysed) -> np.ndarray:
    return np.asarray(analysed.index.structure.pos_of_bit, dtype=np.int64)


def per_unit(
    analysed: Analysed, unit_at: np.ndarray, bits: AbstractBitMap, units: int
) -> np.ndarray:
    """How many components of ``bits`` (index bits) each unit holds, by unit index."""
    if not bits:
        return np.zeros(units, dtype=np.int64)
    positions = _position_of_bit(analysed)[np.asarray(bits.to_array(), dtype=np.int64)]
    held = unit_at[positions]
    return np.bincount(held[held >= 0], minlength=units)
