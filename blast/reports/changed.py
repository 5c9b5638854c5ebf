"""What fails in a changed graph, found without building the changed graph.

A mitigation's what-if (:mod:`blast.reports.whatif`) asks two questions of the
graph with a :class:`~blast.reports.whatif.Change` applied: how many user-facing
components go down when the SPOF fails alone, and in the region event. Applying
the change to a copy and building its failure index answers them, at the price
of the whole graph (its models, its topology, every killer set) for each
mitigation: quadratic over a report, since larger graphs have more SPOF
dependents to move as well. Only the down wave matters for these counts, and it
reads only the reverse hard and membership edges. This module lays the edges
the change touches over the original :class:`~blast.model.graph.Topology` and
walks the down wave of :func:`~blast.analysis.propagation.spread` from the
failed components, so a what-if costs what its failure reaches.

The down set does not depend on the order of the walk (a node is down once a
hard dependency or enough of a group's members are), so new nodes may take any
position. The tests compare every count with the copy's failure index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from blast.model.graph import HARD_EDGE, MEMBER_EDGE, Graph

if TYPE_CHECKING:
    from blast.reports.whatif import Change


class ChangedGraph:
    """The down wave of ``graph`` with ``change`` applied (``graph`` is not copied).

    Use :func:`changed_graph`, which declines the changes this overlay does not
    model (a component or group replaced by one of the same id).
    """

    def __init__(self, graph: Graph, change: Change) -> None:
        topo = graph.topology
        self._graph = graph
        self._base = topo.dependents
        n = len(topo.nodes)
        position = topo.position
        added: dict[str, int] = {}
        self._position, self._added = position, added
        at = self.position
        for c in change.add_components:
            added[c.id] = n + len(added)
        for g in change.add_groups:
            added[g.id] = n + len(added)
        self._n_components = topo.n_components
        self._n_nodes = n
        self._slack: dict[int, int] = {}  # added groups: members they can lose and stay up
        self._min_up = topo.min_up
        self._targets = topo.targets
        # new rows of reverse edges (down wave only: hard and membership)
        new_edges: list[tuple[int, int, int]] = []  # (needed, dependent, kind)
        soften = set(change.soften) | set(change.serve_stale)
        retarget = dict(change.retarget)
        redone: set[int] = set()  # existing nodes whose own edges are rewritten
        nodes, hard_targets = topo.nodes, topo.hard_targets
        for cid in sorted({d for d, _ in (*soften, *retarget)}):
            v = position.get(cid, n)
            if v >= topo.n_components:
                continue
            redone.add(v)
            for t in hard_targets[v]:  # its hard edges, each one kept
                key = (cid, nodes[t])
                if key not in soften:
                    target = retarget.get(key)
                    new_edges.append((t if target is None else at(target), v, HARD_EDGE))
        for c in change.add_components:
            for dep in c.depends_on:
                if dep.type.value == "hard":
                    new_edges.append((at(dep.target), added[c.id], HARD_EDGE))
        for g in change.add_groups:
            self._slack[added[g.id]] = len(g.members) - g.min_up
            for member in g.members:
                new_edges.append((at(member), added[g.id], MEMBER_EDGE))
        # rows that change: built when a walk first reaches them (a hub's row is long)
        self._redone = redone
        self._stale = {t for v in redone for t in topo.targets[v]}
        extra: dict[int, list[tuple[int, int]]] = {}
        for needed, dependent, kind in new_edges:
            extra.setdefault(needed, []).append((dependent, kind))
        self._extra = extra
        self._rows: dict[int, Sequence[tuple[int, int]]] = {}
        self._dirty = self._stale.union(extra)
        self.user_facing = frozenset(
            [position[u] for u in graph.user_facing]
            + [added[c.id] for c in change.add_components if c.user_facing]
        )
        self.added_components = change.add_components

    def position(self, node: str) -> int:
        """The position of a node of the changed graph (added nodes come last)."""
        p = self._position.get(node)
        return p if p is not None else self._added[node]

    def _group_slack(self, g: int) -> int:
        slack = self._slack.get(g)
        if slack is None:
            slack = len(self._targets[g]) - self._min_up[g]
        return slack

    def _row(self, v: int) -> Sequence[tuple[int, int]]:
        """The reverse edges of ``v`` in the changed graph."""
        row = self._rows.get(v)
        if row is None:
            base: Sequence[tuple[int, int]] = self._base[v] if v < self._n_nodes else ()
            if v in self._stale:
                redone = self._redone
                base = [e for e in base if e[0] not in redone]
            row = [*base, *self._extra.get(v, ())]
            self._rows[v] = row
        return row

    def down(self, failed: Iterable[int]) -> set[int]:
        """Positions down when ``failed`` fail together: the down wave of
        :func:`~blast.analysis.propagation.spread` over the changed edges."""
        base, n, dirty = self._base, self._n_nodes, self._dirty
        down = set(failed)
        queue = list(down)
        left: dict[int, int] = {}  # groups hit: members they can still lose
        for v in queue:
            row = self._row(v) if v in dirty or v >= n else base[v]
            for d, kind in row:
                if d in down:
                    continue
                if kind == MEMBER_EDGE:
                    k = left.get(d)
                    k = (self._group_slack(d) if k is None else k) - 1
                    left[d] = k
                    if k >= 0:
                        continue
                elif kind != HARD_EDGE:
                    continue
                down.add(d)
                queue.append(d)
        return down

    def user_facing_down(self, failed: Sequence[str]) -> int:
        """How many user-facing components are down when ``failed`` fail (themselves
        included when user-facing)."""
        return len(self.user_facing.intersection(self.down(map(self.position, failed))))

    def region_components(self, region: str, existing: Sequence[str]) -> list[str]:
        """The changed graph's components in ``region``: ``existing`` (the original
        graph's, :func:`~blast.analysis.exposure.region_components`) and the added ones."""
        return [*existing, *(c.id for c in self.added_components if c.region == region)]


def changed_graph(graph: Graph, change: Change) -> ChangedGraph | None:
    """The overlay of ``change`` on ``graph``, or None when ``change`` replaces a node of
    ``graph`` or adds one id twice (then only a copy of the graph says what it does)."""
    ids = [c.id for c in change.add_components] + [g.id for g in change.add_groups]
    if len(set(ids)) != len(ids):
        return None
    if any(i in graph.components or i in graph.groups for i in ids):
        return None
    return ChangedGraph(graph, change)
