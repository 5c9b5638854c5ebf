"""Killer sets within one failure's down set: what ``blast exposure``'s blind spots read.

A blind spot of a failure (:func:`~blast.reports.blindspots.blind_spots_in`) only asks
which components *that are down* take a watcher, or what it watches, down alone:
``killers(v) & D`` for ``D`` the failure's down set. Those restricted sets are solved
here on ``D`` alone, not on everything the watchers need
(:func:`~blast.analysis.killers.killers_below`, which the restricted sets equal once
intersected with ``D``).

Why ``D`` is enough. What fails with ``b`` alone is the least closed set holding ``b``;
if ``b`` is in ``D`` (a closed set) it lies inside ``D``. So a node outside ``D`` has no
killer in ``D``, and its restricted set is empty. The set equations (a component's bit
and the union of its needs' sets; a group's elements in at least ``need`` of its
members' sets) commute with intersecting every set with ``D``, so solving them with the
nodes outside ``D`` read as empty gives exactly ``killers(v) & D`` for every ``v`` in
``D`` (the least fixpoint, step by step, restricted).

The solving order is the one the graph cache kept (:class:`~blast.model.storedorder.
StoredOrder`), kept to the nodes solved: a part of the graph closed under needs keeps
the order of its strongly connected components. Without a stored order the part is
condensed on its own, as :func:`~blast.analysis.killers.killers_below` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyroaring import FrozenBitMap

from blast.analysis.killers import solve_killers
from blast.analysis.setpasses import EMPTY, condensation_order
from blast.gcpause import gc_paused
from blast.model.graph import Graph, Topology


class _Restricted(dict[int, FrozenBitMap]):
    """Solved sets by position; a node never solved (outside ``D``) reads as empty."""

    def __missing__(self, node: int) -> FrozenBitMap:
        return EMPTY


def killers_within(
    graph: Graph,
    nodes: Iterable[int],
    down: Sequence[bool],
    whole: Sequence[Sequence[int]] | None = None,
) -> dict[int, FrozenBitMap]:
    """``killers(v) & D``, as bitmaps of *positions*, for ``nodes`` (positions in ``D``)
    and everything in ``D`` they need; ``down[p]`` says whether position ``p`` is in ``D``.

    The same sets as :func:`~blast.analysis.killers.killers_below` intersected with
    ``D`` (see the module docstring); nodes of ``nodes`` outside ``D`` read as empty.
    ``whole`` is the solving order of the whole graph (strongly connected components,
    needs first) to keep to the part solved; by default the one the graph cache kept,
    when the part is at least a quarter of the graph (a smaller part is condensed on
    its own, cheaper than a pass over the whole order).
    """
    topo = graph.topology
    hard_targets, n_comp = topo.hard_targets, topo.n_components
    with gc_paused():
        seen = [v for v in dict.fromkeys(nodes) if down[v]]
        inside = set(seen)
        head = 0
        while head < len(seen):  # everything down below, breadth first
            for t in hard_targets[seen[head]]:
                if t not in inside and down[t]:
                    inside.add(t)
                    seen.append(t)
            head += 1
        stored = graph.compact.order if graph.compact is not None else None
        if whole is None and stored is not None and len(inside) * 4 >= len(topo.nodes):
            whole = stored.order(len(topo.nodes))
        order = _condensed(topo, seen) if whole is None else _kept(topo, whole, inside)
        need = {v: len(topo.targets[v]) - topo.min_up[v] + 1 for v in seen if v >= n_comp}
        table = _Restricted()
        solve_killers(order, hard_targets, n_comp, range(len(topo.nodes)), need, table)
    return table


def _kept(topo: Topology, whole: Sequence[Sequence[int]], inside: set[int]) -> list[Sequence[int]]:
    """The strongly connected components of ``inside`` (closed under needs within ``D``),
    needs first: those of ``whole`` kept to ``inside``. A part closed under needs keeps
    the order; of a cycle only partly down, what is down is condensed again (it need not
    be one cycle)."""
    kept: list[Sequence[int]] = []
    for scc in whole:
        if len(scc) == 1:
            if scc[0] in inside:
                kept.append(scc)
            continue
        part = [v for v in scc if v in inside]
        if len(part) == len(scc):
            kept.append(scc)
        elif part:
            kept.extend(_condensed(topo, part))
    return kept


def _condensed(topo: Topology, part: list[int]) -> list[list[int]]:
    """The strongly connected components of ``part`` (its edges within it), needs first."""
    hard_targets = topo.hard_targets
    local = {v: i for i, v in enumerate(part)}
    edges = [(i, local[t]) for i, v in enumerate(part) for t in hard_targets[v] if t in local]
    return [[part[i] for i in scc] for scc in condensation_order(len(part), edges)]


__all__ = ["killers_within"]
