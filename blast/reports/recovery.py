"""Recovery order: the waves in which what a SPOF took down can come back.

A component is in wave ``k`` when every hard dependency it lost is back by wave
``k - 1`` (a group is back once ``min_up`` members are); members of a cycle of
hard dependencies share a wave: they can only return together. That is a
longest path over the condensation of the hard graph, restricted to what is
down.

:class:`RecoveryWaves` computes it in one sweep over *layers* fixed once per graph:
the strongly connected components of the hard graph (hard edges and group
memberships) by height, their longest chain of needs down to something that needs
nothing (Kahn's topological sort in rounds, Kahn, "Topological sorting of large
networks", CACM 5(11), 1962, one numpy step per round). Everything a node needs
outside its own cycle lies in a lower layer, so one numpy step per layer gives each
of its nodes its wave from the waves below: a component one after the latest of what
it needs that is down, a group the ``min_up``-th smallest of its members' waves (one
that is up reads -1: it never left), a cycle the latest of its members' (a group in
it reads its members in the cycle as not back). A node that is not down gets no
wave. The layers are the same for every SPOF of the graph, so a SPOF's order costs a
few passes over the edge arrays, where Kahn's rounds on each SPOF's own down set
counted and released every edge again (0.05-0.07 s a SPOF at 100,000 components, a
third of it in Python for the cycles; docs/benchmarks.md, r-detail).
tests/test_report_downwave.py compares the waves with a walk of one strongly
connected component at a time, needs first.

Whole-array passes (every down node raised to what its dependencies say until
nothing changes) were tried before: one pass over the whole graph per wave
(docs/benchmarks.md, r-report).
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import chain, pairwise

import numpy as np

from blast.analysis.downwave import DownWave, row_span
from blast.analysis.index import FailureIndex
from blast.analysis.structure import distinct


def recovery_order(
    index: FailureIndex, spof: str, down: Collection[int] | None = None
) -> tuple[tuple[str, ...], ...]:
    """Waves in which what ``spof`` took down can come back, the SPOF first.

    ``down``, when the caller has it, holds the positions (groups included) down
    when ``spof`` fails alone (:class:`~blast.analysis.downwave.DownWave`). A caller
    with many SPOFs of one graph keeps one :class:`RecoveryWaves`.
    """
    waves = RecoveryWaves(index)
    fell = np.zeros(waves.n_nodes, dtype=bool)
    if down is None:
        fell = waves.wave.down([index.structure.position[spof]])
    else:
        fell[list(down)] = True
    return waves.order(fell)


def _run_starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values of ``keys`` starts (indexes)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def _heights(rank: np.ndarray, source: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
    """Each strongly connected component's height: 0 when it needs nothing outside itself,
    else one more than the highest it needs (``source`` needs ``target``, positions of
    different components; ``rank`` maps positions to components, ``n`` of them)."""
    unit_source, unit_target = rank[source], rank[target]
    pending = np.bincount(unit_source, minlength=n)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(unit_target, minlength=n), out=start[1:])
    needed_by = unit_source[np.argsort(unit_target, kind="stable")]
    height = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(pending == 0)
    level = 0
    while len(frontier):
        height[frontier] = level
        waiting = needed_by[row_span(start, frontier)[0]]
        np.subtract.at(pending, waiting, 1)
        frontier = distinct(waiting[pending[waiting] == 0])
        level += 1
    return height


class _Layer:
    """The nodes of one height and what their waves are read from, as flat arrays.

    ``nodes`` are the layer's components then its groups. A component's wave reads its
    needs outside its cycle, ``needs[cuts[i]:...]`` for the ``i``-th of ``needy`` (the
    components that have any); a group's the members ``members[member_start[j]:...]``
    of the ``j``-th group, ``min_up`` of them. ``cyclic`` indexes the layer's nodes
    that lie on cycles, by cycle (``cycle_cuts`` where each starts).
    """

    __slots__ = (
        "cuts",
        "cycle_cuts",
        "cycle_sizes",
        "cyclic",
        "member_pick",
        "member_start",
        "members",
        "n_components",
        "needs",
        "needy",
        "nodes",
        "owner",
    )

    def __init__(
        self,
        components: np.ndarray,
        groups: np.ndarray,
        need_start: np.ndarray,
        needed: np.ndarray,
        member_start: np.ndarray,
        members: np.ndarray,
        min_up: np.ndarray,
        rank: np.ndarray,
        is_cyclic: np.ndarray,
    ) -> None:
        self.nodes = np.concatenate((components, groups))
        self.n_components = len(components)
        sizes = need_start[components + 1] - need_start[components]
        self.needy = np.flatnonzero(sizes > 0)
        self.needs = needed[row_span(need_start, components)[0]]
        self.cuts = (np.cumsum(sizes) - sizes)[self.needy]
        sizes = member_start[groups + 1] - member_start[groups]
        self.members = members[row_span(member_start, groups)[0]]
        self.owner = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
        self.member_start = np.cumsum(sizes) - sizes
        # the min_up-th smallest member (a group with no member is back at once: wave 0)
        self.member_pick = np.where(sizes > 0, self.member_start + min_up[groups] - 1, -1)
        on_cycle = np.flatnonzero(is_cyclic[self.nodes])
        by_cycle = np.argsort(rank[self.nodes[on_cycle]], kind="stable")
        self.cyclic = on_cycle[by_cycle]
        units = rank[self.nodes[self.cyclic]]
        self.cycle_cuts = (
            np.flatnonzero(np.r_[True, units[1:] != units[:-1]]) if len(units) else units
        )
        self.cycle_sizes = np.diff(np.r_[self.cycle_cuts, len(units)])

    def place(self, level: np.ndarray, down: np.ndarray, span: int) -> None:
        """Give the layer's down nodes their waves in ``level`` (everything below has its
        wave; ``span`` exceeds every wave + 1)."""
        value = np.zeros(len(self.nodes), dtype=np.int64)
        if len(self.needy):
            latest = np.maximum.reduceat(level[self.needs], self.cuts) + 1
            value[self.needy] = np.maximum(latest, 0)
        if len(self.owner):
            key = np.sort(self.owner * span + level[self.members] + 1)
            picked = key[self.member_pick] - self.owner[self.member_pick] * span - 1
            value[self.n_components :] = np.where(self.member_pick >= 0, np.maximum(picked, 0), 0)
        fell = down[self.nodes]
        if len(self.cyclic):  # a cycle comes back at once: the latest of its down members
            shared = np.where(fell[self.cyclic], value[self.cyclic], 0)
            value[self.cyclic] = np.repeat(
                np.maximum.reduceat(shared, self.cycle_cuts), self.cycle_sizes
            )
        level[self.nodes] = np.where(fell, value, -1)


class RecoveryWaves:
    """The recovery order of any set of down nodes of one graph (see the module docstring):
    the layers every SPOF's order reads, built once."""

    def __init__(self, index: FailureIndex, wave: DownWave | None = None) -> None:
        s = index.structure
        self.wave = w = wave or DownWave(index.graph)
        self.n_nodes = n = len(s.nodes)
        self._n_components = n_comp = s.n_components
        rank = np.asarray(s.rank, dtype=np.int64)
        sizes = np.fromiter(map(len, s.order), dtype=np.int64, count=len(s.order))
        # what each node needs outside its own strongly connected component, from the
        # wave's reverse rows of hard and membership edges
        needed = w.needed
        cross = rank[w.dependent] != rank[needed]
        source, needed = w.dependent[cross], needed[cross]
        height = _heights(rank, source, needed, len(s.order))[rank]
        by_source = np.argsort(source, kind="stable")
        need_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(source, minlength=n), out=need_start[1:])
        needed = needed[by_source]
        hard = s.hard_targets
        member_sizes = np.zeros(n, dtype=np.int64)
        member_sizes[n_comp:] = np.fromiter(map(len, hard[n_comp:]), dtype=np.int64)
        member_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(member_sizes, out=member_start[1:])
        members = np.fromiter(chain.from_iterable(hard[n_comp:]), dtype=np.int64)
        min_up = w.min_up
        is_cyclic = sizes[rank] > 1
        by_height = np.argsort(height, kind="stable")
        cuts = np.searchsorted(height[by_height], np.arange(int(height.max(initial=-1)) + 2))
        self._layers = []
        for a, b in pairwise(cuts.tolist()):
            layer = by_height[a:b]
            self._layers.append(
                _Layer(
                    layer[layer < n_comp],
                    layer[layer >= n_comp],
                    need_start,
                    needed,
                    member_start,
                    members,
                    min_up,
                    rank,
                    is_cyclic,
                )
            )
        # components by id: the name ranks the index already has, by position
        name_rank = index.name_rank[np.asarray(s.bit_of_pos[:n_comp], dtype=np.int64)]
        self.name_rank = name_rank
        """Each component's place among the components sorted by id, by position."""
        self._by_name = np.empty(n_comp, dtype=object)
        self.nodes = np.asarray(s.nodes, dtype=object)
        """Every node's id by position, as an array (to look many up at once)."""
        self._by_name[name_rank] = self.nodes[:n_comp]

    def levels(self, down: np.ndarray) -> np.ndarray:
        """Each position's wave when the nodes flagged in ``down`` (a boolean per position,
        groups included: what one failure takes down) are down; -1 for those up."""
        level = np.full(self.n_nodes, -1, dtype=np.int64)
        span = self.n_nodes + 2
        for layer in self._layers:
            layer.place(level, down, span)
        return level

    def order(self, down: np.ndarray) -> tuple[tuple[str, ...], ...]:
        """The waves of the components flagged in ``down``, each sorted by id."""
        return self.waves(down, None)[0]

    def waves(
        self, down: np.ndarray, cap: int | None
    ) -> tuple[tuple[tuple[str, ...], ...], tuple[int, ...]]:
        """:meth:`order`'s waves, each cut to its first ``cap`` ids (all with None), and
        each wave's true size: only the ids kept are looked up."""
        n_comp = self._n_components
        components = np.flatnonzero(down[:n_comp])
        key = self.levels(down)[components] * n_comp + self.name_rank[components]
        key.sort()
        waves = key // n_comp
        places = key - waves * n_comp
        cuts = _run_starts(waves)
        sizes = np.diff(np.r_[cuts, len(key)])
        if cap is not None:
            within = np.arange(len(key)) - np.repeat(cuts, sizes)
            places = places[within < cap]
            kept = np.minimum(sizes, cap)
        else:
            kept = sizes
        names = self._by_name[places].tolist()
        bounds = [0, *np.cumsum(kept).tolist()]
        return tuple(tuple(names[a:b]) for a, b in pairwise(bounds)), tuple(sizes.tolist())
