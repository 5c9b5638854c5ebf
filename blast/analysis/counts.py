"""Single-failure counts and user-facing victims without every blast-radius set.

What ``blast spof`` and ``blast radius`` print by default is bounded: how many
components are SPOFs or degraders, and the first ``--top`` of each list with a
few counts per row. The index's blast-radius sets (``down_of``, ``affected_of``)
answer that, but they are the largest thing the analysis builds (215 M
component-victim pairs affected at 100,000 components on the hub-heavy shape).
Here the same answers come from smaller things:

* ``|down(x)|`` for every ``x``: how often ``x`` occurs in the components' killer
  sets (``v`` is in ``down(x)`` exactly when ``x`` is in ``killers(v)``);
* the user-facing components ``x`` takes down: the transpose of the killer sets of
  the user-facing components only (about 1% of them);
* the user-facing components ``x`` affects: one union pass whose sets hold only
  user-facing components (numbered by id, so that they come out sorted by name);
* ``|affected(x)|`` and what ``x`` delays, for the rows printed and the rows tied
  with them: one breadth-first search per row, a numpy step per level.

Every number is exact; the tests compare the results with the full sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
from pyroaring import BitMap, FrozenBitMap

from blast.analysis.downwave import row_span
from blast.analysis.setpasses import union_closure
from blast.gcpause import gc_paused
from blast.model.graph import ASYNC_EDGE, HARD_EDGE, MEMBER_EDGE

if TYPE_CHECKING:
    from blast.analysis.index import FailureIndex


def down_sets(index: FailureIndex) -> tuple[FrozenBitMap, ...]:
    """What each bit takes down: a union pass over the "failure flows to" graph (the
    reversed hard edges, and for each group an edge from each of its maximal killers;
    see :mod:`blast.analysis.index`)."""
    s = index.structure
    topo, killers = s.topology, index.killers_by_pos
    n, n_comp, bit_of_pos, pos_of_bit = len(s.nodes), s.n_components, s.bit_of_pos, s.pos_of_bit
    with gc_paused():
        flows = [[d for d, kind in row if kind == HARD_EDGE] for row in topo.dependents]
        scc_bits: dict[int, BitMap] = {}  # bits of each cyclic component that holds a group
        for scc in s.order:
            if len(scc) > 1 and any(v >= n_comp for v in scc):
                bits = BitMap(bit_of_pos[v] for v in scc if v < n_comp)
                for v in scc:
                    scc_bits[v] = bits
        for g in range(n_comp, n):
            remaining = BitMap(killers[g])
            if g in scc_bits:  # killers inside g's own cycle may owe their power to g: link each
                for b in remaining & scc_bits[g]:
                    flows[pos_of_bit[b]].append(g)
                remaining -= scc_bits[g]
            while remaining:
                top = remaining.max()
                flows[pos_of_bit[top]].append(g)
                remaining -= killers[pos_of_bit[top]]
        down_pos = union_closure(n, flows, bit_of_pos)
        return tuple(down_pos[v] for v in pos_of_bit)


@dataclass(frozen=True)
class RowDetail:
    """Exact counts of one component's failure that only a walk of its reach gives."""

    affected: int
    """Components down or degraded, itself included (``len(affected_of[b])``)."""
    user_facing_affected: int
    """User-facing ones among them."""
    delayed: int
    """Components delayed and neither down nor degraded."""
    user_facing_delayed: int


@dataclass(frozen=True, eq=False)
class FailureCounts:
    """Counts per component bit of a :class:`~blast.analysis.index.FailureIndex`, and
    user-facing victims, built from its killer sets (see the module docstring)."""

    index: FailureIndex

    @cached_property
    def down(self) -> np.ndarray:
        """For each bit, how many components it takes down, itself included."""
        return self.index.down_counts

    @cached_property
    def user_facing_ids(self) -> tuple[str, ...]:
        """The user-facing components by id: slot ``j`` of the victim sets is the ``j``-th."""
        return tuple(sorted(self.index.graph.user_facing))

    @cached_property
    def is_user_facing(self) -> np.ndarray:
        """For each bit, 1 when the component is user-facing, else 0."""
        flags = np.zeros(len(self.index.ids), dtype=np.int64)
        flags[np.fromiter(self.index.user_facing, dtype=np.int64)] = 1
        return flags

    @cached_property
    def _victims(self) -> tuple[np.ndarray, np.ndarray]:
        """The user-facing victims of each bit as compressed rows: slots ``slots[start[b]:
        start[b + 1]]`` (ascending, so in id order), itself included when user-facing."""
        index = self.index
        pos, killers = index.structure.position, index.killers_by_pos
        parts = [
            np.frombuffer(killers[pos[u]].to_array(), dtype=np.uint32) for u in self.user_facing_ids
        ]
        sizes = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        bits = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
        # one sorted key per (bit, slot) pair: slots come out ascending within a bit, as a
        # stable argsort by bit gives them, in half the time (an in-place sort of integers)
        m = max(len(parts), 1)
        keys = bits.astype(np.int64) * m
        keys += np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
        keys.sort()
        start = np.zeros(len(index.ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(bits, minlength=len(index.ids)), out=start[1:])
        return start, keys % m

    @cached_property
    def victims_down(self) -> np.ndarray:
        """For each bit, how many user-facing components it takes down, itself included."""
        return np.diff(self._victims[0])

    def victim_ids(self, bit: int) -> tuple[str, ...]:
        """The user-facing components ``bit`` takes down, itself excluded, by id."""
        start, slots = self._victims
        ids, me = self.user_facing_ids, self.index.ids[bit]
        return tuple(x for j in slots[start[bit] : start[bit + 1]].tolist() if (x := ids[j]) != me)

    @cached_property
    def _rising(self) -> list[FrozenBitMap]:
        """The user-facing components each node affects (sets of slots), by position."""
        s = self.index.structure
        n = len(s.nodes)
        with gc_paused():
            rising = [[d for d, kind in row if kind != ASYNC_EDGE] for row in s.topology.dependents]
            own = [-1] * n
            for j, u in enumerate(self.user_facing_ids):
                own[s.position[u]] = j
            return union_closure(n, rising, own)

    @cached_property
    def victims_affected(self) -> np.ndarray:
        """For each bit, how many user-facing components it affects, itself included.

        The user-facing components each component reaches along "affects" edges, counted
        by levels over the condensation, each edge read once per 512 user-facing
        components (:func:`~blast.analysis.reach.level_counts`); the tests compare it
        with the union pass (:attr:`_rising`) that builds a set for every node.
        """
        from blast.analysis.reach import level_counts

        s = self.index.structure
        found = level_counts(s.order, self._needs, self._edges[:2], self._facing_slots_pos)
        return found[np.asarray(s.pos_of_bit, dtype=np.int64)]

    @cached_property
    def _needs(self) -> tuple[np.ndarray, np.ndarray]:
        """The "affects" edges reversed, as compressed rows ``(start, needed)``: for each
        position, what it needs (every dependency but async ones, a group's members),
        from the graph's own rows of targets (no sort)."""
        edges = self.index.graph.edge_arrays
        n = len(self.index.structure.nodes)
        target = np.asarray(edges.target, dtype=np.int64)
        rises = np.asarray(edges.kind, dtype=np.int64) != ASYNC_EDGE
        kept = np.concatenate(([0], np.cumsum(rises, dtype=np.int64)))
        return kept[np.asarray(edges.start, dtype=np.int64)][: n + 1], target[rises]

    @cached_property
    def _walked_facing(self) -> dict[int, np.ndarray]:
        """For bits :meth:`details` walked: the slots of the user-facing components each
        affects (itself included), ascending."""
        return {}

    def degraded_ids(self, bit: int) -> tuple[str, ...]:
        """The user-facing components ``bit`` degrades but does not take down, by id.

        From the walk :meth:`details` made of ``bit`` when it made one, else from the
        union pass :attr:`_rising`.
        """
        start, slots = self._victims
        down = slots[start[bit] : start[bit + 1]]
        walked = self._walked_facing.get(bit)
        ids = self.user_facing_ids
        if walked is not None:
            return tuple(ids[j] for j in np.setdiff1d(walked, down, assume_unique=True).tolist())
        hit = self._rising[self.index.structure.pos_of_bit[bit]]
        hit = hit - FrozenBitMap(down.tolist())
        return tuple(ids[j] for j in hit)

    @cached_property
    def _incoming(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every edge as ``(needed, dependent, kind)`` position arrays, grouped by the
        needed node (each node's dependents in the graph's order)."""
        graph = self.index.graph
        n = len(self.index.structure.nodes)
        if graph.compact is not None or "edge_arrays" in graph.__dict__:
            edges = graph.edge_arrays  # already at hand: the same rows as flat lists
            into = np.asarray(edges.in_start, dtype=np.int64)
            sizes = into[1:] - into[:-1]
            dependent = np.asarray(edges.source, dtype=np.int64)
            kind = np.asarray(edges.in_kind, dtype=np.int64)
        else:
            dependents = self.index.structure.topology.dependents
            sizes = np.fromiter(map(len, dependents), dtype=np.int64, count=n)
            flat = np.fromiter(
                chain.from_iterable(chain.from_iterable(dependents)),
                dtype=np.int64,
                count=2 * int(sizes.sum()),
            )
            dependent, kind = flat[0::2], flat[1::2]
        return np.repeat(np.arange(n, dtype=np.int64), sizes), dependent, kind

    def _rows(self, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``kept`` edges of :attr:`_incoming` as compressed rows ``(start, dependent)``."""
        owner, dependent, _ = self._incoming
        n = len(self.index.structure.nodes)
        start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner[kept], minlength=n), out=start[1:])
        return start, dependent[kept]

    @cached_property
    def _edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The "affects" edges (every dependency but async ones, from the needed node to its
        dependent) as compressed rows ``(start, dependent)``, and the async ones as
        ``(needed, dependent)`` position arrays."""
        owner, dependent, kind = self._incoming
        rises = kind != ASYNC_EDGE
        return *self._rows(rises), owner[~rises], dependent[~rises]

    def _lanes(
        self,
        starts: np.ndarray,
        start: np.ndarray | None = None,
        dependent: np.ndarray | None = None,
        gate: np.ndarray | None = None,
    ) -> np.ndarray:
        """For each position, a word whose bit ``k`` says that it is affected when
        ``starts[k]`` fails (at most 64 starts): one breadth-first search per start, all
        run at once (bit-parallel), one numpy step per level. Each step gathers the rows
        of the nodes that gained bits and merges what every node gains (an OR scattered
        into a word per node; the distinct nodes found without a sort: by a scan of the
        words on a wide level, else by the slot each one's last write landed in), so a
        node is expanded once per level at which it gains. ``start`` and ``dependent``:
        other compressed rows to search (default: the "affects" edges); ``gate``: for each
        position, the lanes in which it may be entered (default: all). A sort by node
        and an OR-reduce per level cost twice as much at 100,000 components."""
        if start is None or dependent is None:
            start, dependent = self._edges[:2]
        n = len(start) - 1
        seen = np.zeros(n, dtype=np.uint64)
        merged = np.zeros(n, dtype=np.uint64)  # what each node gains this level; zero between
        slot = np.zeros(n, dtype=np.int64)
        gained = np.left_shift(np.uint64(1), np.arange(len(starts), dtype=np.uint64))
        seen[starts] = gained
        frontier = starts
        while len(frontier):
            at, sizes = row_span(start, frontier)
            if not len(at):
                break
            to = dependent[at]
            bits = np.repeat(gained, sizes) & ~seen[to]
            if gate is not None:
                bits &= gate[to]
            fresh = bits != 0
            to, bits = to[fresh], bits[fresh]
            if not len(to):
                break
            np.bitwise_or.at(merged, to, bits)
            if len(to) * 4 > n:  # a wide level: scanning every node is cheaper
                frontier = np.flatnonzero(merged)
            else:
                at = np.arange(len(to), dtype=np.int64)
                slot[to] = at  # one of each node's slots wins: that one names it once
                frontier = to[slot[to] == at]
            gained = merged[frontier]
            merged[frontier] = 0
            seen[frontier] |= gained
        return seen

    @cached_property
    def _facing_slots_pos(self) -> np.ndarray:
        """The position of each user-facing component, by slot (id order)."""
        position = self.index.structure.position
        return np.asarray([position[u] for u in self.user_facing_ids], dtype=np.int64)

    @cached_property
    def _user_facing_pos(self) -> np.ndarray:
        s = self.index.structure
        flags = np.zeros(len(s.nodes), dtype=bool)
        flags[[s.position[u] for u in self.user_facing_ids]] = True
        return flags

    @cached_property
    def _flows(self) -> tuple[np.ndarray, np.ndarray]:
        """The edges a failure flows along, as compressed rows ``(start, dependent)``: from a
        hard dependency to its dependent, from a member to its group."""
        kind = self._incoming[2]
        return self._rows((kind == HARD_EDGE) | (kind == MEMBER_EDGE))

    def down_counts_of(self, bits: Sequence[int]) -> list[int]:
        """:attr:`down` of each of ``bits``, from walks of what each takes down, 64 at a
        time (:meth:`_lanes`), when the index has not counted every bit yet.

        A walk enters a component through a hard edge from a node that is down (its
        killer set holds the failed bit's), a group only when the bit is among the group's
        killers (a lane mask per group). A node is down exactly when a chain of down nodes
        along these edges leads to it from the failed component, so the walk finds
        ``down(b)``; the tests compare it with :attr:`down` on random graphs.
        """
        index = self.index
        if "down_counts" in index.__dict__:
            return [int(index.down_counts[b]) for b in bits]
        s = index.structure
        n, n_comp, killers = len(s.nodes), s.n_components, index.killers_by_pos
        start, dependent = self._flows
        walked = sorted(set(bits))
        found: dict[int, int] = {}
        for first in range(0, len(walked), 64):
            chunk = walked[first : first + 64]
            lane = {b: k for k, b in enumerate(chunk)}
            lanes = FrozenBitMap(chunk)
            gate = np.full(n, np.iinfo(np.uint64).max, dtype=np.uint64)
            for g in range(n_comp, n):
                gate[g] = sum(1 << lane[b] for b in killers[g] & lanes)
            starts = np.asarray([s.pos_of_bit[b] for b in chunk], dtype=np.int64)
            seen = self._lanes(starts, start, dependent, gate)
            found.update(zip(chunk, _per_lane(seen[:n_comp]).tolist(), strict=False))
        return [found[b] for b in bits]

    def detail(self, bit: int) -> RowDetail:
        """:meth:`details` of one bit."""
        return self.details([bit])[0]

    def details(self, bits: Sequence[int]) -> list[RowDetail]:
        """Affected and delayed counts of each of ``bits`` failing alone, from walks of
        their reach, 64 at a time (:meth:`_lanes`).

        Affected: what the component reaches along "affects" edges. Delayed: async
        dependents of those (groups included, as
        :func:`~blast.analysis.radius.delayed_bits` finds them) that are not affected.
        """
        s = self.index.structure
        found: list[RowDetail] = []
        facing = self._user_facing_pos
        src, dst = self._edges[2:]
        for first in range(0, len(bits), 64):
            chunk = bits[first : first + 64]
            seen = self._lanes(np.asarray([s.pos_of_bit[b] for b in chunk], dtype=np.int64))
            marks = seen[self._facing_slots_pos]
            for k, b in enumerate(chunk):
                self._walked_facing[b] = np.flatnonzero((marks >> np.uint64(k)) & np.uint64(1))
            affected = _per_lane(seen[: s.n_components])
            affected_uf = _per_lane(seen[: s.n_components][facing[: s.n_components]])
            late = seen[src] & ~seen[dst]  # the lanes in which an async edge delays its end
            fresh = late != 0
            ends, late = dst[fresh], late[fresh]
            by_node = np.argsort(ends, kind="stable")
            ends, late = ends[by_node], late[by_node]
            if len(ends):
                heads = np.flatnonzero(np.concatenate(([True], ends[1:] != ends[:-1])))
                ends, late = ends[heads], np.bitwise_or.reduceat(late, heads)
            delayed, delayed_uf = _per_lane(late), _per_lane(late[facing[ends]])
            found.extend(
                RowDetail(
                    int(affected[k]), int(affected_uf[k]), int(delayed[k]), int(delayed_uf[k])
                )
                for k in range(len(chunk))
            )
        return found

    @property
    def name_rank(self) -> np.ndarray:
        """For each bit, its place when components are sorted by id."""
        return self.index.name_rank


def spof_victims(index: FailureIndex) -> dict[str, int]:
    """Each SPOF (a component that takes down a user-facing component other than itself)
    -> how many user-facing components it takes down, itself excluded, in bit order.

    :func:`blast.report.spof_victim_counts` without its order (most victims, then
    largest blast radius, then id), which needs every component's blast radius:
    for lookups (``blast export``).
    """
    counts = FailureCounts(index)
    others = counts.victims_down - counts.is_user_facing
    bits = np.flatnonzero(others > 0)
    ids = index.ids
    return {ids[b]: n for b, n in zip(bits.tolist(), others[bits].tolist(), strict=True)}


def _per_lane(words: np.ndarray) -> np.ndarray:
    """How many of ``words`` (uint64) have each of the 64 bits set."""
    if not len(words):
        return np.zeros(64, dtype=np.int64)
    bytes_ = np.ascontiguousarray(words, dtype="<u8").view(np.uint8).reshape(len(words), 8)
    return np.unpackbits(bytes_, axis=1, bitorder="little").sum(axis=0, dtype=np.int64)


def leading(keys: list[np.ndarray], top: int) -> np.ndarray:
    """Bits in the order of ``keys`` (most significant first, each ascending) up to the
    ``top``-th and every bit tied with it on all of ``keys``: the candidates for the first
    ``top`` places when a further key breaks those ties."""
    order = np.lexsort(keys[::-1])
    if top <= 0:
        return order[:0]
    if len(order) <= top:
        return order
    last = order[top - 1]
    tied = np.ones(len(order) - top, dtype=bool)
    for key in keys:
        tied &= key[order[top:]] == key[last]
    end = top + (int(np.argmin(tied)) if not tied.all() else len(tied))
    return order[:end]


__all__ = ["FailureCounts", "RowDetail", "down_sets", "leading", "spof_victims"]
