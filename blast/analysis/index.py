"""Every single-component failure at once, as compressed bitsets.

For each component ``x`` we want *down(x)*, what goes down when ``x`` alone
fails (its blast radius), and *affected(x)*, what goes down or degrades; for each
node ``v`` we want *killers(v)*, the single failures that take ``v`` down (its
order-1 cut sets, i.e. its SPOFs). Calling :func:`~blast.analysis.propagation.propagate`
once per component is quadratic; instead we solve set equations over the
condensation of the graph, in topological order:

* ``killers(c) = {c} ∪ ⋃ killers(t)`` over the hard dependencies ``t`` of a component;
* ``killers(g)`` = the components in at least ``len(members) - min_up + 1`` of
  the members' killer sets (the intersection, for the default ``min_up: 1``);
* inside a strongly connected component, iterate to the least fixpoint.

Blast radii are the transpose of killer sets. They are computed by the same kind
of union pass over the "failure flows to" graph: the reversed hard edges, plus an
edge ``y -> g`` for each *maximal* killer ``y`` of each group ``g`` (every other
killer of ``g`` reaches ``g`` through some maximal one; inside a cycle through
``g``, every killer gets its own edge). Sets are Roaring
bitmaps (``pyroaring``): union is C-fast and sparse sets stay small, which plain
Python integers as bitsets do not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np
import rustworkx as rx
from pyroaring import BitMap, FrozenBitMap

from blast.analysis.hardorder import hard_graph, hard_order
from blast.analysis.killers import KillerTable, solve_killers
from blast.analysis.lazykillers import KillersByName, LazyKillers
from blast.analysis.setpasses import (
    EMPTY,
    SourceBitmaps,
    at_least,
    condensation_order,
    graph_condensation_order,
    occurrences,
    union_closure,
)
from blast.errors import UnknownComponentError
from blast.gcpause import gc_paused
from blast.model.graph import ASYNC_EDGE, HARD_EDGE, MEMBER_EDGE, Graph, Topology
from blast.model.storedorder import StoredOrder

SMALL = 32
"""Sets up to this size are mapped and sorted in Python; larger ones in numpy."""


@dataclass(frozen=True, eq=False)
class HardStructure:
    """The hard-dependency skeleton the index was solved on, for follow-up questions.

    Nodes are positions ``0..n-1`` (components first, then groups); ``order``
    lists the strongly connected components, what is needed first.
    """

    topology: Topology
    order: tuple[tuple[int, ...], ...]
    bit_of_pos: tuple[int, ...]
    pos_of_bit: tuple[int, ...]
    need: dict[int, int]

    @property
    def nodes(self) -> tuple[str, ...]:
        """Node ids by position."""
        return self.topology.nodes

    @property
    def n_components(self) -> int:
        """Positions below this are components; the rest are groups."""
        return self.topology.n_components

    @property
    def position(self) -> dict[str, int]:
        """Node id to position."""
        return self.topology.position

    @property
    def hard_targets(self) -> tuple[tuple[int, ...], ...]:
        """What each node needs for its life: hard dependencies, or a group's members."""
        return self.topology.hard_targets

    @cached_property
    def graph(self) -> rx.PyDiGraph:
        """The hard-dependency graph (:func:`~blast.analysis.hardorder.hard_graph`), built
        when first asked for: the order may come from the graph cache without it."""
        return hard_graph(self.topology)

    @cached_property
    def source_bitmaps(self) -> SourceBitmaps:
        """The reverse of ``hard_targets`` as bitmaps of positions: who each node's failure
        can take down. Bitmaps let a walk stay inside a region at C speed; each is built
        when first asked for (a walk visits a small part of the graph)."""
        return SourceBitmaps(self.topology.dependents, (HARD_EDGE, MEMBER_EDGE))

    @cached_property
    def groups(self) -> FrozenBitMap:
        """Positions of the redundancy groups."""
        return FrozenBitMap(range(self.n_components, len(self.nodes)))

    def below(self, node: int) -> BitMap:
        """Positions ``node`` reaches through hard edges and membership, itself included."""
        found = BitMap(rx.descendants(self.graph, node))
        found.add(node)
        return found

    @cached_property
    def rank(self) -> tuple[int, ...]:
        """Position of each node's strongly connected component in ``order``."""
        rank = [0] * len(self.nodes)
        for i, scc in enumerate(self.order):
            for v in scc:
                rank[v] = i
        return tuple(rank)


@dataclass(frozen=True, eq=False)
class FailureIndex:
    """Single-failure answers for every component, precomputed.

    Bits number components in dependency order (what is needed gets the
    smaller bit), ``ids[bit]`` names them.
    """

    graph: Graph
    ids: tuple[str, ...]
    bit: dict[str, int]
    killers_of: Mapping[str, FrozenBitMap]
    user_facing: FrozenBitMap
    structure: HardStructure

    @cached_property
    def down_of(self) -> tuple[FrozenBitMap, ...]:
        """For each bit, the bits of what goes down when it alone fails (itself included).

        Built on first use (a union pass over every dependent: the largest sets of
        the analysis); counts and user-facing victims come cheaper from
        :mod:`blast.analysis.counts`.
        """
        from blast.analysis.counts import down_sets

        return down_sets(self)

    @cached_property
    def affected_of(self) -> tuple[FrozenBitMap, ...]:
        """For each bit, the bits of what goes down or degrades when it alone fails.

        Built on first use, like :attr:`down_of`.
        """
        with gc_paused():
            s = self.structure
            topo = s.topology
            # Degradation rises along every edge but async ones (those only delay work).
            rising = [[d for d, kind in row if kind != ASYNC_EDGE] for row in topo.dependents]
            affected_pos = union_closure(len(s.nodes), rising, s.bit_of_pos)
            return tuple(affected_pos[v] for v in s.pos_of_bit)

    @cached_property
    def down_counts(self) -> np.ndarray:
        """For each bit, how many components go down when it alone fails (itself
        included): ``len(down_of[b])``, counted without building those sets. A
        component ``x`` is in ``killers(v)`` exactly when ``v`` is in ``down(x)``, so
        the counts are how often each bit occurs in the components' killer sets."""
        if "down_of" in self.__dict__:
            return np.fromiter(map(len, self.down_of), dtype=np.int64, count=len(self.ids))
        return occurrences(self.all_killers()[: self.structure.n_components], len(self.ids))

    def all_killers(self) -> list[FrozenBitMap]:
        """Every killer set solved, as a plain ``list``, from now on also ``killers_by_pos``.

        A command that reads every set (``blast spof``'s counts of every blast radius) reads
        them from a plain list: a :class:`LazyKillers` slot read is a Python call (0.1-0.3 s
        more CPU for ``blast spof`` at 100,000 components, hub-heavy shape)."""
        table = self.killers_by_pos
        if isinstance(table, LazyKillers):
            table.solve_all()
            table = list.copy(table)
            self.__dict__["killers_by_pos"] = table
        return table

    def _bit(self, component: str) -> int:
        try:
            return self.bit[component]
        except KeyError:
            raise UnknownComponentError(f"no component named '{component}'") from None

    def killers(self, node: str) -> FrozenBitMap:
        """Bits of the components whose failure alone takes ``node`` down (itself included)."""
        if node not in self.killers_of:
            raise UnknownComponentError(f"no component or group named '{node}'")
        return self.killers_of[node]

    def down(self, component: str) -> FrozenBitMap:
        """Bits of what goes down when ``component`` alone fails (itself included)."""
        return self.down_of[self._bit(component)]

    def affected(self, component: str) -> FrozenBitMap:
        """Bits of what goes down or degrades when ``component`` alone fails."""
        return self.affected_of[self._bit(component)]

    @cached_property
    def killers_by_pos(self) -> list[FrozenBitMap]:
        """Killer sets indexed by node position (see :class:`HardStructure`)."""
        return [self.killers_of[node] for node in self.structure.nodes]

    @cached_property
    def member_killers(self) -> dict[int, FrozenBitMap]:
        """For each group position, the components that take down at least one member."""
        s, by_pos = self.structure, self.killers_by_pos
        return {
            g: FrozenBitMap.union(EMPTY, *[by_pos[m] for m in s.hard_targets[g]])
            for g in range(s.n_components, len(s.nodes))
        }

    @cached_property
    def severity_rank(self) -> tuple[int, ...]:
        """For each bit, its place when components are sorted by blast radius (largest
        first), then id: a cheap sort key for lists of components."""
        order = np.lexsort((self.name_rank, -self.down_counts))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order), dtype=np.int64)
        return tuple(rank.tolist())

    @cached_property
    def name_rank(self) -> np.ndarray:
        """For each bit, its place when components are sorted by id."""
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order), dtype=np.int64)
        return rank

    @cached_property
    def ids_by_severity(self) -> tuple[str, ...]:
        """Component ids sorted as :attr:`severity_rank` places them."""
        by_rank = [""] * len(self.ids)
        for b, place in enumerate(self.severity_rank):
            by_rank[place] = self.ids[b]
        return tuple(by_rank)

    def by_severity(self, bits: BitMap | FrozenBitMap) -> tuple[str, ...]:
        """Ids of ``bits``, largest blast radius first, then by id.

        The bits' places in :attr:`severity_rank` are looked up and sorted in numpy:
        no Python loop per element.
        """
        if len(bits) <= SMALL:
            by_rank = self.ids_by_severity
            return tuple(by_rank[p] for p in sorted(map(self.severity_rank.__getitem__, bits)))
        rank, names = self._severity_arrays
        places = np.sort(rank[np.frombuffer(bits.to_array(), dtype=np.uint32)])
        return tuple(names[places].tolist())

    @cached_property
    def _severity_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """:attr:`severity_rank` and :attr:`ids_by_severity` as numpy arrays, so that
        :meth:`by_severity` maps and sorts a set without a Python loop per element."""
        return (
            np.asarray(self.severity_rank, dtype=np.int64),
            np.asarray(self.ids_by_severity, dtype=object),
        )

    @cached_property
    def everything(self) -> FrozenBitMap:
        """All component bits (run-length encoded, so tiny)."""
        full = BitMap(range(len(self.ids)))
        full.run_optimize()
        return FrozenBitMap(full)

    def names(self, bits: BitMap | FrozenBitMap) -> list[str]:
        """Component ids of ``bits``, in bit order."""
        ids = self.ids
        return [ids[b] for b in bits]


def dependency_order(
    topo: Topology, stored: StoredOrder | None = None
) -> tuple[Sequence[Sequence[int]], list[int], list[int]]:
    """The strongly connected components of the hard-dependency graph (needs first), and
    the bit numbering of components that follows that order (``-1`` for groups).

    Bits follow the dependency order, so that a killer's bit is below its victims';
    lists of components come out in bit order. Shared with the single-component
    radius, so that both list components in the same order. ``stored`` is the order
    a graph cache entry kept (:mod:`blast.analysis.hardorder`), used when it is valid.
    """
    n, n_comp = len(topo.nodes), topo.n_components
    order: Sequence[Sequence[int]] | None = stored.order(n) if stored is not None else None
    if order is None:
        order = hard_order(topo)
    flat = np.fromiter(chain.from_iterable(order), dtype=np.int64, count=n)
    comp_at = flat[flat < n_comp]
    bit_of_pos = np.full(n, -1, dtype=np.int64)
    bit_of_pos[comp_at] = np.arange(len(comp_at), dtype=np.int64)
    return order, comp_at.tolist(), bit_of_pos.tolist()


def build_index(graph: Graph) -> FailureIndex:
    """Solve the single-failure set equations for ``graph`` (see the module docstring).

    Runs in time about linear in the total size of the sets it produces.
    """
    with gc_paused():
        return _build_index(graph)


def _build_index(graph: Graph) -> FailureIndex:
    topo = graph.topology
    nodes, pos = topo.nodes, topo.position
    n, n_comp = len(nodes), topo.n_components
    hard_targets, all_targets = topo.hard_targets, topo.targets

    stored = graph.compact.order if graph.compact is not None else None
    order, comp_order, bit_of_pos = dependency_order(topo, stored)
    need = {v: len(all_targets[v]) - topo.min_up[v] + 1 for v in range(n_comp, n)}

    # solved when read (blast.analysis.lazykillers): most commands read a few sets
    killers = LazyKillers(order, hard_targets, n_comp, bit_of_pos, need)

    ids = tuple(map(nodes.__getitem__, comp_order))
    index = FailureIndex(
        graph=graph,
        ids=ids,
        bit=dict(zip(ids, range(len(ids)), strict=True)),
        killers_of=KillersByName(killers, nodes, pos),
        user_facing=FrozenBitMap(bit_of_pos[pos[u]] for u in graph.user_facing),
        structure=HardStructure(
            topology=topo,
            order=tuple(map(tuple, order)),
            bit_of_pos=tuple(bit_of_pos),
            pos_of_bit=tuple(comp_order),
            need=need,
        ),
    )
    index.__dict__["killers_by_pos"] = killers  # the cached property's value, already at hand
    return index


__all__ = [
    "EMPTY",
    "FailureIndex",
    "HardStructure",
    "KillerTable",
    "at_least",
    "build_index",
    "condensation_order",
    "dependency_order",
    "graph_condensation_order",
    "solve_killers",
    "union_closure",
]
