"""The down wave of a failure, level by level in numpy: what goes down, not why.

:func:`~blast.analysis.propagation.spread` walks the reverse edges one node at a
time in Python; its first wave (hard edges, and a redundancy group once more
members are down than it can lose) fixes what is *down*. The report asks that
set many times (each mitigation's what-if, twice; each SPOF's recovery order)
on graphs of 100,000 components where a region event takes most of them down.
Here the same wave runs breadth first with one numpy step per level: gather the
reverse edges of the nodes that fell at the last level, mark the hard
dependents, count the membership hits of each group, and let fall the groups
whose hits pass their slack (members they can lose). The down set is the least
fixpoint of those rules, so it does not depend on the order of the walk: the
tests compare it with :func:`~blast.analysis.propagation.propagate`.

A what-if's changed edges (:mod:`blast.reports.changed`) come as an overlay:
reverse edges of the graph to skip (flagged one by one), extra reverse edges,
and new nodes after the graph's own. Each level's new nodes are made distinct
with a scratch array, not ``np.unique``: sorting or hashing them every level
was half the wave.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from blast.model.graph import HARD_EDGE, MEMBER_EDGE, Graph


class DownWave:
    """The reverse edges of ``graph`` as compressed rows, and each group's slack."""

    def __init__(self, graph: Graph) -> None:
        edges = graph.edge_arrays
        topo = graph.topology
        self.n_nodes = len(topo.nodes)
        self.n_components = topo.n_components
        self.start = np.asarray(edges.in_start, dtype=np.int64)
        self.dependent = np.asarray(edges.source, dtype=np.int64)
        self.kind = np.asarray(edges.in_kind, dtype=np.int64)
        out_degree = np.diff(np.asarray(edges.start, dtype=np.int64))[: self.n_nodes]
        # a group falls once more members are down than it can lose: len(members) - min_up
        self.slack = out_degree - np.asarray(topo.min_up, dtype=np.int64)
        self.slack[: self.n_components] = 0  # components have no member edges into them

    def down(
        self,
        failed: Iterable[int],
        *,
        dropped: np.ndarray | None = None,
        extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        added_slack: np.ndarray | None = None,
    ) -> np.ndarray:
        """Whether each position is down when ``failed`` fail together (a boolean array).

        The overlay: ``dropped`` flags (by index) the reverse edges of this graph that
        are skipped; ``extra`` holds more reverse edges as
        arrays ``(needed, dependent, kind)``; ``added_slack`` the slack of the
        nodes after this graph's (0 for components).
        """
        n = self.n_nodes
        slack = self.slack if added_slack is None else np.concatenate((self.slack, added_slack))
        total = len(slack)
        down = np.zeros(total, dtype=bool)
        hits = np.zeros(total, dtype=np.int64)
        first = np.zeros(total, dtype=np.int64)  # scratch: where each node last stood in ``fell``
        fresh_now = np.zeros(total, dtype=bool)  # scratch: the frontier, for the extra edges
        down[np.fromiter(failed, dtype=np.int64)] = True
        frontier = np.flatnonzero(down)
        start, dependent, kind = self.start, self.dependent, self.kind
        while len(frontier):
            own = frontier[frontier < n]
            lo = start[own]
            sizes = start[own + 1] - lo
            count = int(sizes.sum())
            at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(count, dtype=np.int64)
            if dropped is not None:
                at = at[~dropped[at]]
            d, k = dependent[at], kind[at]
            if extra is not None and len(extra[0]):
                fresh_now[frontier] = True
                mine = fresh_now[extra[0]]
                fresh_now[frontier] = False
                d = np.concatenate((d, extra[1][mine]))
                k = np.concatenate((k, extra[2][mine]))
            fresh = ~down[d]
            d, k = d[fresh], k[fresh]
            fell = d[k == HARD_EDGE]
            members = d[k == MEMBER_EDGE]
            if len(members):
                groups, times = np.unique(members, return_counts=True)
                hits[groups] += times
                fell = np.concatenate((fell, groups[hits[groups] > slack[groups]]))
            # distinct without sorting (np.unique hashed or sorted each level: half the wave)
            down[fell] = True
            first[fell] = np.arange(len(fell))
            frontier = fell[first[fell] == np.arange(len(fell))]
        return down
