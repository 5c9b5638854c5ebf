"""Recovery order: the waves in which what a SPOF took down can come back.

A component is in wave ``k`` when every hard dependency it lost is back by wave
``k - 1`` (a group is back once ``min_up`` members are); members of a cycle of
hard dependencies share a wave: they can only return together. That is a
longest path over the condensation of the hard graph, restricted to what is
down.

:class:`RecoveryWaves` computes it with Kahn's topological sort (Kahn, "Topological
sorting of large networks", CACM 5(11), 1962) in rounds, one numpy step per round:
each strongly connected component waits for as many edges as it has into the rest
of what is down, and is placed once they are all placed. A hub's failure at
100,000 components is ~100,000 nodes in about 90 waves: a Python walk over every
down node's edges took 0.16-0.25 s a SPOF, the rounds a tenth of that. The few
cycles (strongly connected components of several nodes) are placed one by one in
Python. tests/test_report_downwave.py compares it with a walk of one strongly
connected component at a time, needs first.

Whole-array passes (every down node raised to what its dependencies say until
nothing changes) were tried before: one pass over the whole graph per wave
(docs/benchmarks.md, r-report).
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise

import numpy as np

from blast.analysis.index import FailureIndex
from blast.model.graph import HARD_EDGE, MEMBER_EDGE
from blast.reports.downwave import DownWave


def recovery_order(
    index: FailureIndex, spof: str, down: Collection[int] | None = None
) -> tuple[tuple[str, ...], ...]:
    """Waves in which what ``spof`` took down can come back, the SPOF first.

    ``down``, when the caller has it, holds the positions (groups included) down
    when ``spof`` fails alone (:class:`~blast.reports.downwave.DownWave`). A caller
    with many SPOFs of one graph keeps one :class:`RecoveryWaves`.
    """
    waves = RecoveryWaves(index)
    fell = np.zeros(waves.n_nodes, dtype=bool)
    if down is None:
        fell = waves.wave.down([index.structure.position[spof]])
    else:
        fell[list(down)] = True
    return waves.order(fell)


class RecoveryWaves:
    """The recovery order of any set of down nodes of one graph (see the module docstring):
    the arrays every SPOF's order reads, built once."""

    def __init__(self, index: FailureIndex, wave: DownWave | None = None) -> None:
        s = index.structure
        self.wave = wave or DownWave(index.graph)
        self.n_nodes = n = len(s.nodes)
        self._nodes, self._order, self._n_components = s.nodes, s.order, s.n_components
        self._hard = s.hard_targets
        self._min_up_of = s.topology.min_up
        self._rank = np.asarray(s.rank, dtype=np.int64)
        sizes = np.fromiter(map(len, s.order), dtype=np.int64, count=len(s.order))
        self._cyclic = sizes[self._rank] > 1  # per node: in a cycle of hard dependencies
        edges = index.graph.edge_arrays
        start = np.asarray(edges.start, dtype=np.int64)[: n + 1]
        target = np.asarray(edges.target, dtype=np.int64)
        kind = np.asarray(edges.kind, dtype=np.int64)
        needed = (kind == HARD_EDGE) | (kind == MEMBER_EDGE)
        source = np.repeat(np.arange(n, dtype=np.int64), np.diff(start))
        rank = self._rank
        # what each node needs outside its own strongly connected component, both ways
        needed &= rank[source] != rank[target]
        self._source, self._target = source[needed], target[needed]
        self._needed_by_start = np.zeros(n + 1, dtype=np.int64)
        order = np.argsort(self._target, kind="stable")
        np.cumsum(np.bincount(self._target, minlength=n), out=self._needed_by_start[1:])
        self._needed_by = self._source[order]
        self._start, self._members = start, target  # a group's members: its out-edges
        self._min_up = np.asarray(s.topology.min_up, dtype=np.int64)
        self._names = np.array(s.nodes, dtype=object)
        by_name = sorted(range(s.n_components), key=s.nodes.__getitem__)
        self._name_rank = np.empty(s.n_components, dtype=np.int64)
        self._name_rank[by_name] = np.arange(s.n_components, dtype=np.int64)

    def order(self, down: np.ndarray) -> tuple[tuple[str, ...], ...]:
        """The waves of the components flagged in ``down`` (a boolean per position, groups
        included: what one failure takes down), each sorted by id."""
        rank, cyclic = self._rank, self._cyclic
        source, target = self._source, self._target
        outside = down[source] & down[target]
        # each strongly connected component waits for its edges into the rest of what is down
        pending = np.bincount(rank[source[outside]], minlength=len(self._order))
        level = np.full(self.n_nodes, -1, dtype=np.int64)
        best = np.zeros(self.n_nodes, dtype=np.int64)  # a component: 1 + its needs' last wave
        seen = np.zeros(self.n_nodes, dtype=np.int64)
        ready = np.flatnonzero(down & (pending[rank] == 0))
        frontier = self._with_cycles(ready[~cyclic[ready]], ready[cyclic[ready]], down)
        start, needed_by = self._needed_by_start, self._needed_by
        while len(frontier):
            self._place(frontier, level, best, down)
            lo = start[frontier]
            sizes = start[frontier + 1] - lo
            at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
            came = np.repeat(frontier, sizes)
            d = needed_by[at]
            keep = down[d]
            d, came = d[keep], came[keep]
            np.maximum.at(best, d, level[came] + 1)
            units = rank[d]
            np.subtract.at(pending, units, 1)
            fresh = d[pending[units] == 0]
            seen[fresh] = np.arange(len(fresh))  # distinct without sorting (a scratch array)
            fresh = fresh[seen[fresh] == np.arange(len(fresh))]
            frontier = self._with_cycles(fresh[~cyclic[fresh]], fresh[cyclic[fresh]], down)
        assert (level[down] >= 0).all()
        components = np.flatnonzero(down[: self._n_components])
        waves = level[components]
        placed = np.lexsort((self._name_rank[components], waves))
        components, waves = components[placed], waves[placed]
        cuts = [0, *(np.flatnonzero(np.diff(waves)) + 1).tolist(), len(components)]
        names = self._names[components].tolist()  # 4x faster than a tuple read per position
        return tuple(tuple(names[a:b]) for a, b in pairwise(cuts) if b > a)

    def _with_cycles(self, single: np.ndarray, cyclic: np.ndarray, down: np.ndarray) -> np.ndarray:
        """``single`` and every down node of the cycles ``cyclic``'s nodes are in."""
        if not len(cyclic):
            return single
        ranks = np.unique(self._rank[cyclic]).tolist()
        every = [v for r in ranks for v in self._order[r] if down[v]]
        return np.concatenate((single, np.asarray(every, dtype=np.int64)))

    def _place(
        self, frontier: np.ndarray, level: np.ndarray, best: np.ndarray, down: np.ndarray
    ) -> None:
        """Give the ready nodes ``frontier`` their wave (everything they need has one)."""
        cyclic = self._cyclic[frontier]
        single = frontier[~cyclic]
        components = single[single < self._n_components]
        level[components] = best[components]
        groups = single[single >= self._n_components]
        if len(groups):  # back once min_up members are: the min_up-th smallest member wave
            lo = self._start[groups]
            sizes = self._start[groups + 1] - lo
            at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
            owner = np.repeat(np.arange(len(groups)), sizes)
            waves = level[self._members[at]][np.lexsort((level[self._members[at]], owner))]
            pick = np.cumsum(sizes) - sizes + self._min_up[groups] - 1
            found = waves[np.clip(pick, 0, max(len(waves) - 1, 0))] if len(waves) else pick
            level[groups] = np.where(sizes > 0, np.maximum(found, 0), 0)
        for r in np.unique(self._rank[frontier[cyclic]]).tolist():
            self._place_cycle(self._order[r], level, best, down)

    def _place_cycle(
        self, scc: tuple[int, ...], level: np.ndarray, best: np.ndarray, down: np.ndarray
    ) -> None:
        """One wave for the down nodes of a cycle, as the tests' reference walk places it
        (a group in it reads its members in the cycle as not down)."""
        members = [v for v in scc if down[v]]
        wave = 0
        for v in members:
            if v >= self._n_components:
                member_levels = sorted(level[list(self._hard[v])].tolist())
                need = self._min_up_of[v]
                wave = max(wave, member_levels[need - 1] if member_levels else 0)
            else:
                wave = max(wave, int(best[v]))
        level[members] = wave
