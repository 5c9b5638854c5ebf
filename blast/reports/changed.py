"""What fails in a changed graph, found without building the changed graph.

A mitigation's what-if (:mod:`blast.reports.whatif`) asks two questions of the
graph with a :class:`~blast.reports.whatif.Change` applied: how many user-facing
components go down when the SPOF fails alone, and in the region event. Applying
the change to a copy and building its failure index answers them, at the price
of the whole graph (its models, its topology, every killer set) for each
mitigation: quadratic over a report, since larger graphs have more SPOF
dependents to move as well. Only the down wave matters for these counts, and it
reads only the reverse hard and membership edges. This module lays the edges
the change touches over the original graph's and runs the down wave
(:mod:`blast.analysis.downwave`) from the failed components: a few numpy steps
per level, and nothing built per mitigation but the changed edges.

The down set does not depend on the order of the walk (a node is down once a
hard dependency or enough of a group's members are), so new nodes may take any
position. The tests compare every count with the copy's failure index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from blast.analysis.downwave import DownWave, row_span
from blast.analysis.structure import distinct
from blast.model.graph import HARD_EDGE, MEMBER_EDGE, Graph

if TYPE_CHECKING:
    from blast.reports.whatif import Change


class ChangedGraph:
    """The down wave of ``graph`` with ``change`` applied (``graph`` is not copied).

    Use :func:`changed_graph`, which declines the changes this overlay does not
    model (a component or group replaced by one of the same id).
    """

    def __init__(self, graph: Graph, change: Change, wave: DownWave | None = None) -> None:
        topo = graph.topology
        self._wave = wave or DownWave(graph)
        n = len(topo.nodes)
        position = topo.position
        added: dict[str, int] = {}
        self._position, self._added = position, added
        at = self.position
        for c in change.add_components:
            added[c.id] = n + len(added)
        for g in change.add_groups:
            added[g.id] = n + len(added)
        slack = np.zeros(len(added), dtype=np.int64)
        for g in change.add_groups:
            slack[added[g.id] - n] = len(g.members) - g.min_up
        self._slack = slack
        # the changed reverse edges (the down wave reads only hard and membership ones)
        needed: list[int] = []
        dependent: list[int] = []
        kinds: list[int] = []

        def edge(target: int, source: int, kind: int) -> None:
            needed.append(target)
            dependent.append(source)
            kinds.append(kind)

        # the changed hard edges: (dependent, old target), the retargeted ones first, then
        # the softened (an edge both softened and retargeted is softened: listed last)
        old = list(map(itemgetter(0), change.retarget))
        old += change.soften
        old += change.serve_stale
        hint = change.at
        known = None
        if hint is not None and hint.nodes is topo.nodes and len(hint.dependents) == len(old):
            known = hint.dependents
        new = list(map(itemgetter(1), change.retarget))
        self._dropped, moved_to, moved_from = self._drop(old, new, known)
        for c in change.add_components:
            for dep in c.depends_on:
                if dep.type.value == "hard":
                    edge(at(dep.target), added[c.id], HARD_EDGE)
        for g in change.add_groups:
            for member in g.members:
                edge(at(member), added[g.id], MEMBER_EDGE)
        self._extra = (
            np.concatenate((moved_to, np.asarray(needed, dtype=np.int64))),
            np.concatenate((moved_from, np.asarray(dependent, dtype=np.int64))),
            np.concatenate((np.full(len(moved_to), HARD_EDGE), np.asarray(kinds, np.int64))),
        )
        facing = np.zeros(n + len(added), dtype=bool)
        facing[:n] = self._wave.user_facing(graph)
        facing[[added[c.id] for c in change.add_components if c.user_facing]] = True
        self.user_facing = facing
        self.added_components = change.add_components

    def _drop(
        self, old: list[tuple[str, str]], new: list[str], known: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
        """Flag the graph's reverse hard edges that the changed edges ``old`` (``(dependent,
        target)``: the last entry of a pair counts) rewrite (a boolean per reverse edge, or
        None for none), and list the retargeted ones as extra hard edges: their new
        targets' positions and their dependents'. Entry ``i`` of ``old`` moves to
        ``new[i]``; the entries past ``new`` are softened. ``known``: the dependents'
        positions, when the change carries them (:class:`~blast.reports.whatif.Positions`).

        Found with arrays: the ids become positions in C-level passes (the few distinct
        new targets looked up once), and each old target's reverse row is read once (a
        hub's 50,000 dependents all moved to a new group: one row, not 50,000 lists), its
        edges matched to the pairs by a binary search over their sorted keys.
        """
        wave = self._wave
        n, width = wave.n_nodes, np.int64(wave.n_nodes)
        none = np.zeros(0, dtype=np.int64)
        if not old:
            return None, none, none
        count, position = len(old), self._position
        if known is None:
            v = np.fromiter(map(position.get, map(itemgetter(0), old), repeat(n)), np.int64, count)
        else:
            v = known
        t = np.fromiter(map(position.get, map(itemgetter(1), old), repeat(-1)), np.int64, count)
        rows = np.flatnonzero((v < wave.n_components) & (t >= 0))
        if not len(rows):
            return None, none, none
        keys = v[rows] * width + t[rows]
        pair_keys, last = np.unique(keys[::-1], return_index=True)  # sorted, each pair once
        rows = rows[len(rows) - 1 - last]  # the last entry of each pair, in key order
        targets = distinct(t[rows])
        at, sizes = row_span(wave.start, targets)
        edge_keys = wave.dependent[at] * width + np.repeat(targets, sizes)
        pair = np.minimum(np.searchsorted(pair_keys, edge_keys), len(pair_keys) - 1)
        hit = (pair_keys[pair] == edge_keys) & (wave.kind[at] == HARD_EDGE)
        dropped = np.zeros(len(wave.dependent), dtype=bool)
        dropped[at[hit]] = True
        # a retargeted hard edge needs its new target (a soft one, or a softened one, nothing)
        matched = np.zeros(len(pair_keys), dtype=bool)
        matched[pair[hit]] = True
        moved = rows[matched & (rows < len(new))]
        if not len(moved):
            return dropped, none, none
        moved = np.sort(moved)
        names = list(map(new.__getitem__, moved.tolist()))
        found = {x: self.position(x) for x in set(names)}
        to = np.fromiter(map(found.__getitem__, names), np.int64, len(names))
        return dropped, to, v[moved]

    def position(self, node: str) -> int:
        """The position of a node of the changed graph (added nodes come last)."""
        p = self._position.get(node)
        return p if p is not None else self._added[node]

    def down(self, failed: Iterable[int], leaving: np.ndarray | None = None) -> np.ndarray:
        """Whether each position is down when ``failed`` fail together (``leaving``: see
        :meth:`~blast.analysis.downwave.DownWave.down`)."""
        extra = self._extra
        return self._wave.down(
            failed,
            dropped=self._dropped,
            extra=(extra[0], extra[1], extra[2]),
            added_slack=self._slack,
            leaving=leaving,
        )

    def user_facing_down(self, failed: Sequence[str]) -> int:
        """How many user-facing components are down when ``failed`` fail (themselves
        included when user-facing)."""
        return self.user_facing_down_at(list(map(self.position, failed)))

    def user_facing_down_at(self, failed: Iterable[int], leaving: np.ndarray | None = None) -> int:
        """:meth:`user_facing_down` of positions (``leaving``: see :meth:`down`)."""
        return int(np.count_nonzero(self.down(failed, leaving) & self.user_facing))

    def region_at(self, region: str, existing: np.ndarray) -> np.ndarray:
        """The positions of the changed graph's components in ``region``: ``existing`` (the
        original graph's, :func:`~blast.analysis.exposure.region_components`) and the
        added ones."""
        added = [self._added[c.id] for c in self.added_components if c.region == region]
        return np.concatenate((existing, np.asarray(added, dtype=np.int64)))


def changed_graph(
    graph: Graph, change: Change, wave: DownWave | None = None
) -> ChangedGraph | None:
    """The overlay of ``change`` on ``graph``, or None when ``change`` replaces a node of
    ``graph`` or adds one id twice (then only a copy of the graph says what it does)."""
    ids = [c.id for c in change.add_components] + [g.id for g in change.add_groups]
    if len(set(ids)) != len(ids):
        return None
    if any(i in graph.components or i in graph.groups for i in ids):
        return None
    return ChangedGraph(graph, change, wave)
