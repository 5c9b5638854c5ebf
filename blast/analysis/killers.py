"""Killer sets of a few nodes, without the whole index.

``killers(v)``, the components whose failure alone takes ``v`` down, depends
only on what ``v`` needs, directly or not (its hard dependencies and, for a
redundancy group, its members). A question about a few nodes (``blast
exposure``'s blind spots: what takes a watcher down together with what it
watches) solves the set equations of :mod:`blast.analysis.index` on that part
of the graph only, and skips the blast radii (the union passes over every
dependent) that the full index also builds.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyroaring import FrozenBitMap

from blast.analysis.index import solve_killers
from blast.analysis.setpasses import EMPTY, condensation_order
from blast.gcpause import gc_paused
from blast.model.graph import Topology


def killers_below(topo: Topology, nodes: Iterable[int]) -> dict[int, FrozenBitMap]:
    """Killer sets, as bitmaps of *positions*, of ``nodes`` and of everything they need.

    The same sets as :meth:`~blast.analysis.index.FailureIndex.killers`, numbered by
    position in ``topo`` instead of by bit. Work is proportional to the part of
    the graph below ``nodes`` and the sizes of its killer sets.
    """
    hard_targets, n_comp = topo.hard_targets, topo.n_components
    with gc_paused():
        seen = list(dict.fromkeys(nodes))
        local = {v: i for i, v in enumerate(seen)}
        head = 0
        while head < len(seen):  # everything below, breadth first
            for t in hard_targets[seen[head]]:
                if t not in local:
                    local[t] = len(seen)
                    seen.append(t)
            head += 1
        edges = [(i, local[t]) for i, v in enumerate(seen) for t in hard_targets[v]]
        order = [[seen[i] for i in scc] for scc in condensation_order(len(seen), edges)]
        need = {v: len(topo.targets[v]) - topo.min_up[v] + 1 for v in seen if v >= n_comp}
        table: dict[int, FrozenBitMap] = dict.fromkeys(seen, EMPTY)
        solve_killers(order, hard_targets, n_comp, range(len(topo.nodes)), need, table)
    return table


__all__ = ["killers_below"]
