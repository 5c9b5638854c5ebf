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

from collections.abc import Iterable, Sequence

import numpy as np

from blast.model.graph import HARD_EDGE, MEMBER_EDGE, Graph


def row_span(start: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions ``start[r] .. start[r + 1] - 1`` of each of ``rows`` of compressed rows,
    concatenated in order, and each row's size: a gather of many rows in one numpy step."""
    lo = start[rows]
    sizes = start[rows + 1] - lo
    count = int(sizes.sum())
    return np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(count, dtype=np.int64), sizes


_SKIPPED = -1
"""The kind :meth:`DownWave.down` gives the edges an overlay drops: none it follows."""


class DownWave:
    """The reverse edges of ``graph`` as compressed rows, and each group's slack.

    ``start``, ``dependent`` and ``kind`` hold only the hard and membership edges, the
    ones a down wave follows (a fifth of the generated graphs' edges are soft or async),
    in the graph's order; ``every_start``, ``every_dependent`` and ``every_kind`` all
    of them.
    """

    def __init__(self, graph: Graph) -> None:
        edges = graph.edge_arrays
        topo = graph.topology
        self.n_nodes = n = len(topo.nodes)
        self.n_components = topo.n_components
        self.every_start = np.asarray(edges.in_start, dtype=np.int64)[: n + 1]
        self.every_dependent = np.asarray(edges.source, dtype=np.int64)
        self.every_kind = np.asarray(edges.in_kind, dtype=np.int64)
        kept = (self.every_kind == HARD_EDGE) | (self.every_kind == MEMBER_EDGE)
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.every_start))
        self.start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[kept], minlength=n), out=self.start[1:])
        self.dependent, self.kind = self.every_dependent[kept], self.every_kind[kept]
        self.needed = rows[kept]
        self.small_kind = self.kind.astype(np.int8)
        """``kind`` in a byte each (a gather of it moves an eighth of the memory)."""
        """The node each kept reverse edge leaves (its row): a dependency of ``dependent``."""
        out_degree = np.diff(np.asarray(edges.start, dtype=np.int64))[: self.n_nodes]
        self.min_up = np.asarray(topo.min_up, dtype=np.int64)
        """Each node's ``min_up`` (the recovery order reads it too)."""
        # a group falls once more members are down than it can lose: len(members) - min_up
        self.slack = out_degree - self.min_up
        self.slack[: self.n_components] = 0  # components have no member edges into them
        self._user_facing: np.ndarray | None = None

    def user_facing(self, graph: Graph) -> np.ndarray:
        """Whether each position of ``graph`` (the graph of this wave) is a user-facing
        component: found once, for every what-if."""
        if self._user_facing is None:
            facing = np.zeros(self.n_nodes, dtype=bool)
            position = graph.topology.position
            facing[[position[u] for u in graph.user_facing]] = True
            self._user_facing = facing
        return self._user_facing

    def down(
        self,
        failed: Iterable[int],
        *,
        dropped: np.ndarray | None = None,
        extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        added_slack: np.ndarray | None = None,
        leaving: np.ndarray | None = None,
    ) -> np.ndarray:
        """Whether each position is down when ``failed`` fail together (a boolean array).

        The overlay: ``dropped`` flags (by index) the reverse edges of this graph that
        are skipped (their kinds, a byte each, are copied with those edges set to one the
        wave does not follow: no edge list is filtered at each level); ``extra`` holds
        more reverse edges as arrays ``(needed, dependent, kind)``; ``added_slack`` the slack of the
        nodes after this graph's (0 for components). ``leaving``, when the caller has
        it: :meth:`leaving` of the failed positions of this graph (those below
        ``n_nodes``), the first level's edges, shared by the what-ifs of one region.
        """
        n = self.n_nodes
        slack = self.slack if added_slack is None else np.concatenate((self.slack, added_slack))
        total = len(slack)
        down = np.zeros(total, dtype=bool)
        hits = np.zeros(total, dtype=np.int64)
        first = np.zeros(total, dtype=np.int64)  # scratch: where each node last stood in ``fell``
        fresh_now = np.zeros(total, dtype=bool)  # scratch: the frontier, for the extra edges
        down[_positions(failed)] = True
        frontier = np.flatnonzero(down)
        start, dependent, kind = self.start, self.dependent, self.small_kind
        if dropped is not None:  # a dropped edge reads as no kind the wave follows
            kind = kind.copy()
            kind[dropped] = _SKIPPED
        while len(frontier):
            if leaving is not None:  # the first level's edges, found by the caller
                at, leaving = leaving, None
            else:
                at, _ = row_span(start, frontier[frontier < n])
            d, k = dependent[at], kind[at]
            if extra is not None and len(extra[0]):
                fresh_now[frontier] = True
                mine = fresh_now[extra[0]]
                fresh_now[frontier] = False
                d = np.concatenate((d, extra[1][mine]))
                k = np.concatenate((k, extra[2][mine].astype(np.int8)))
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

    def leaving(self, failed: np.ndarray) -> np.ndarray:
        """The reverse hard and membership edges (indices into ``dependent``) of ``failed``
        (distinct positions of this graph) to nodes not among them: a down wave's first
        level from ``failed``. A region event fails most of a large graph, and its first
        level gathers nearly every edge; the what-ifs of one region share it."""
        at, _ = row_span(self.start, failed)
        inside = np.zeros(self.n_nodes, dtype=bool)
        inside[failed] = True
        return at[~inside[self.dependent[at]]]

    def reached(self, starts: Iterable[int], kinds: Sequence[int]) -> np.ndarray:
        """Whether each position is ``starts`` or a dependent of them, directly or not,
        through reverse edges of ``kinds`` (a boolean array): a breadth-first closure."""
        seen = np.zeros(self.n_nodes, dtype=bool)
        seen[_positions(starts)] = True
        frontier = np.flatnonzero(seen)
        start, dependent, kind = self.every_start, self.every_dependent, self.every_kind
        followed = np.zeros(int(kind.max(initial=0)) + 1, dtype=bool)  # a lookup, not np.isin
        followed[[k for k in kinds if k < len(followed)]] = True
        first = np.zeros(self.n_nodes, dtype=np.int64)  # scratch, as in down: no np.unique
        while len(frontier):
            at, _ = row_span(start, frontier)
            d = dependent[at[followed[kind[at]]]]
            d = d[~seen[d]]
            seen[d] = True
            first[d] = np.arange(len(d))
            frontier = d[first[d] == np.arange(len(d))]
        return seen

    def causes(self, starts: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """:func:`~blast.analysis.propagation.spread`'s down wave from ``starts`` (positions,
        in the order their ids sort), causes included: whether each position is down, and
        the position that took it down (``-1`` for none).

        The breadth-first walk is replayed one level at a time. A level's edges come in
        the walk's order (the frontier in queue order, each node's reverse edges in
        order), so a node that falls through a hard edge falls by its first one there; a
        group falls by the member edge that takes its losses past its slack (counted
        across levels); and the next frontier is what fell, in the order of the edges
        that took it down, as the queue would hold it. The tests compare the paths with
        :func:`~blast.analysis.propagation.propagate`'s.
        """
        down, cause, _ = self.walk(starts)
        return down, cause

    def walk(self, starts: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`causes`, and the positions that went down in the order ``spread``'s queue
        holds them (``starts`` first): where its degraded wave begins
        (:mod:`blast.reports.regionevent`).

        A cause is read from the row of the edge that triggered the fall (:attr:`needed`),
        not from the frontier repeated once per edge."""
        n, slack = self.n_nodes, self.slack
        down = np.zeros(n, dtype=bool)
        cause = np.full(n, -1, dtype=np.int64)
        hits = np.zeros(n, dtype=np.int64)
        first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        frontier = np.asarray(starts, dtype=np.int64)
        down[frontier] = True
        levels = [frontier]
        start, dependent, kind, needed = self.start, self.dependent, self.small_kind, self.needed
        while len(frontier):
            at, _ = row_span(start, frontier)
            d, k = dependent[at], kind[at]
            live = ~down[d]
            hard = np.flatnonzero(live & (k == HARD_EDGE))
            # each node by its first hard edge (a component falls at one level only, so
            # ``first`` needs no reset): the edges are in order, so are the first ones
            dh = d[hard]
            order = np.arange(len(hard), dtype=np.int64)
            np.minimum.at(first, dh, order)
            firsts = first[dh] == order
            fell, trigger = dh[firsts], hard[firsts]
            member = np.flatnonzero(live & (k == MEMBER_EDGE))
            if len(member):
                by_group = np.argsort(d[member], kind="stable")  # each group's edges, in order
                groups = d[member][by_group]
                runs = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
                lengths = np.diff(np.r_[runs, len(groups)])
                rank = np.arange(len(groups)) - np.repeat(runs, lengths)
                # the member edge that takes the group's losses past its slack
                falls = np.flatnonzero(rank == np.maximum(slack[groups] - hits[groups], 0))
                hits[groups[runs]] += lengths
                fell = np.concatenate((fell, groups[falls]))
                trigger = np.concatenate((trigger, member[by_group[falls]]))
                # the hard edges' triggers come in order already
                queued = np.argsort(trigger)
                fell, trigger = fell[queued], trigger[queued]
            cause[fell] = needed[at[trigger]]
            down[fell] = True
            frontier = fell
            levels.append(fell)
        return down, cause, np.concatenate(levels)


class KeptWalks:
    """Single-failure walks of one :class:`DownWave` (:meth:`DownWave.walk`), kept by
    position: ``blast report`` counts the blast radius of the SPOFs that can lead with
    them (:func:`~blast.report.top_spofs`), then reads the causes of those it details
    from the same walks instead of walking again (a walk is 0.02 s at 100,000
    components, and bit-parallel walks counted the radii apart before)."""

    def __init__(self, wave: DownWave, pos_of_bit: Sequence[int]) -> None:
        self.wave = wave
        self._pos_of_bit = pos_of_bit
        self._kept: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def count_down(self, bits: list[int]) -> list[int]:
        """How many components each of ``bits`` (an index's component bits) takes down,
        itself included, when it fails alone: each walked once, and kept."""
        found = []
        for b in bits:
            p = self._pos_of_bit[b]
            if p not in self._kept:
                down, cause, _ = self.wave.walk([p])
                self._kept[p] = (down, cause)
            found.append(int(np.count_nonzero(self._kept[p][0][: self.wave.n_components])))
        return found

    def causes(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`DownWave.causes` of ``position`` failing alone: the kept walk (given
        away: the caller may keep it) or a new one."""
        kept = self._kept.pop(position, None)
        return kept if kept is not None else self.wave.causes([position])


def _positions(failed: Iterable[int]) -> np.ndarray:
    """``failed`` as an array of positions (an array is taken as it is, not read one by one)."""
    if isinstance(failed, np.ndarray):
        return failed.astype(np.int64, copy=False)
    return np.fromiter(failed, dtype=np.int64)


def path_of(cause: np.ndarray, nodes: Sequence[str], v: int) -> tuple[str, ...]:
    """The chain of ids from position ``v`` along ``cause`` (:meth:`DownWave.causes`) to a
    failed component: :meth:`~blast.analysis.propagation.Outcome.path`'s."""
    chain = [v]
    while (v := int(cause[v])) >= 0:
        chain.append(v)
    return tuple(nodes[u] for u in chain)
