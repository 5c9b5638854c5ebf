"""Killer sets: the set equations the index solves, and those of a few nodes alone.

:func:`solve_killers` solves ``killers(v)`` over strongly connected components in
dependency order (see :mod:`blast.analysis.index`, which calls it for every node).

``killers(v)``, the components whose failure alone takes ``v`` down, depends
only on what ``v`` needs, directly or not (its hard dependencies and, for a
redundancy group, its members). A question about a few nodes (``blast
exposure``'s blind spots: what takes a watcher down together with what it
watches) solves the set equations of :mod:`blast.analysis.index` on that part
of the graph only, and skips the blast radii (the union passes over every
dependent) that the full index also builds.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from typing import Protocol

from pyroaring import BitMap, FrozenBitMap

from blast.analysis.setpasses import EMPTY, at_least, condensation_order
from blast.gcpause import gc_paused
from blast.model.graph import Topology

OPTIMIZE_COPIES = False
"""The ``optimize`` flag of the copies the passes make. pyroaring's default (``True``)
makes each new bitmap look for runs to convert: a scan of every copy (the frozen result
of each component; its accumulator was a second copy until the solve reused one, see
:func:`solve_killers`) that finds almost no runs in killer sets, whose elements are
scattered over the dependency order. A loop of the pass's
copies alone at 100,000 components (hub-heavy shape) took 0.72 s instead of 1.0 s;
``build_index`` as a whole, in-process, 0-10% less CPU (within the noise of a loaded
2-core VM). The sets, and every answer, are the same."""


class KillerTable(Protocol):
    """Where solved killer sets live: a list, or an overlay on one."""

    def __getitem__(self, node: int) -> FrozenBitMap: ...
    def __setitem__(self, node: int, value: FrozenBitMap) -> None: ...


def _frozen(acc: BitMap) -> FrozenBitMap:
    """A frozen copy of ``acc`` that holds no spare room: the accumulator's buffers are
    shrunk first (a copy keeps its source's capacity; without this the index held 100 MB
    more at 100,000 components)."""
    acc.shrink_to_fit()
    return FrozenBitMap(acc, optimize=OPTIMIZE_COPIES)


def _with_bit(bit: int, parts: list[FrozenBitMap]) -> FrozenBitMap:
    """``{bit}`` and the union of ``parts``: a copy of the first ORed in place with the
    others, then frozen. Measured on the generated shapes at 100,000 components, 1.5-2x
    faster than ``FrozenBitMap.union`` (CRoaring's ``or_many``) on these sets, which are
    mostly a few hundred elements each. Copies skip ``optimize`` (see :data:`OPTIMIZE_COPIES`)."""
    if not parts:
        return FrozenBitMap((bit,))
    acc = BitMap(parts[0], optimize=OPTIMIZE_COPIES)
    for part in parts[1:]:
        acc |= part
    acc.add(bit)
    return _frozen(acc)


def solve_killers(
    order: Iterable[Sequence[int]],
    hard_targets: Sequence[Sequence[int]],
    n_components: int,
    bit_of_pos: Sequence[int],
    need: dict[int, int],
    killers: KillerTable,
    fixed: Container[int] = (),
) -> None:
    """Fill ``killers`` for the nodes of ``order`` (strongly connected components, needs first).

    Targets outside ``order`` are read from ``killers`` as they stand; nodes in
    ``fixed`` keep the value they have.

    A component's union skips each hard target whose own bit is already in it: if
    ``c`` is in ``killers(t)``, whatever takes ``c`` down takes ``t`` down (what fails
    with ``c`` is the least closed set holding ``c``, inside any closed set that holds
    it), so ``killers(c)`` is inside ``killers(t)``. At 100,000 components this skips
    213,000 of 432,000 unions on the hub-heavy shape (59,000 of 268,000 on the service
    shape), 5-10% of the pass: most of its time is in the unions that add elements. The
    property holds for every table the solve builds itself; with ``fixed`` nodes (failed
    for good, their set everything) it need not, and nothing is skipped.

    One accumulator serves every component outside a cycle: ``overwrite`` copies the
    first target's set into it, reusing its object and container index, where a new
    ``BitMap`` per component allocated (and later freed) both. At 100,000 components the
    pass took 8%, 4% and 12% less CPU on the hub-heavy, service and trace shapes (paired
    medians of 11 alternated runs; docs/benchmarks.md, fourteenth session); the frozen
    results, and their bytes, are the same.
    """
    skip_known = not fixed

    def solve(v: int) -> FrozenBitMap:
        if v in fixed:
            return killers[v]
        if v < n_components:
            return _with_bit(bit_of_pos[v], [killers[t] for t in hard_targets[v]])
        return _frozen(at_least([killers[t] for t in hard_targets[v]], need[v]))

    acc = BitMap()  # the common case's accumulator, one for all (see the docstring)
    for scc in order:
        if len(scc) == 1:
            v = scc[0]
            targets = hard_targets[v]
            if v not in targets:
                if v in fixed:
                    continue
                if v < n_components and targets:  # the common case, as _with_bit, inlined
                    acc.overwrite(killers[targets[0]])
                    for t in targets[1:]:
                        if skip_known and t < n_components and bit_of_pos[t] in acc:
                            continue  # killers(t) is in acc already (see above)
                        acc |= killers[t]
                    acc.add(bit_of_pos[v])
                    killers[v] = _frozen(acc)
                elif v < n_components:
                    killers[v] = FrozenBitMap((bit_of_pos[v],))
                else:
                    killers[v] = solve(v)
                continue
        members = set(scc)
        if all(v < n_components and v not in fixed for v in scc):
            cycle = BitMap(bit_of_pos[v] for v in scc)  # all hard: each takes all down
            for v in scc:
                for t in hard_targets[v]:
                    if t not in members:
                        cycle |= killers[t]
            shared = _frozen(cycle)
            for v in scc:
                killers[v] = shared
            continue
        for v in scc:
            if v not in fixed:
                killers[v] = EMPTY
        changed = True
        while changed:  # least fixpoint; monotone, so it terminates
            changed = False
            for v in scc:
                new = solve(v)
                if new != killers[v]:
                    killers[v] = new
                    changed = True


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


__all__ = ["KillerTable", "killers_below", "solve_killers"]
