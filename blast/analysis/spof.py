"""Single points of failure of user-facing components: order-1 and order-2 cut sets.

A *cut set* of a component is a set of components whose joint failure takes it
down; it is *minimal* when no smaller part does. Order-1 minimal cut sets are
its single points of failure (SPOFs): read straight from the
:class:`~blast.analysis.index.FailureIndex`. Redundancy is respected because the
index intersects the killer sets of a group's members.

Order-2 minimal cut sets (pairs) exist only because of redundancy groups: a pair
whose members each leave a group short of one member. For each *candidate* ``x``
(a component that takes down a member of some group below the target but not
the target itself) we fail ``x`` for good and re-solve the killer sets of the
nodes between ``x`` and the target; the new killers of the target pair with
``x``. Candidates and pairs are bounded, and the result says when it was cut
short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyroaring import BitMap, FrozenBitMap

from blast.analysis.index import FailureIndex, HardStructure, solve_killers
from blast.analysis.setpasses import SourceBitmaps

MAX_CANDIDATES = 64
"""Default number of order-2 candidates examined per component."""

MAX_PAIRS = 200
"""Default number of order-2 pairs reported per component."""


@dataclass(frozen=True)
class CutSets:
    """The minimal cut sets of order 1 and 2 of one component."""

    component: str
    spofs: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    pairs_complete: bool
    candidates_examined: int
    candidates_total: int
    spofs_total: int | None = None
    """How many SPOFs there are when ``spofs`` holds only the first ones."""

    @property
    def spof_count(self) -> int:
        """How many SPOFs the component has (``spofs`` may hold only the first)."""
        return len(self.spofs) if self.spofs_total is None else self.spofs_total


def spofs(index: FailureIndex, component: str) -> tuple[str, ...]:
    """Components whose failure alone takes ``component`` down, itself excluded.

    Ordered by how much else each takes down (largest blast radius first), then id.

    Examples
    --------
    >>> from blast.model.graph import Graph
    >>> from blast.model import Component
    >>> from blast.analysis.index import build_index
    >>> g = Graph.from_parts([Component(id="dns", kind="dns"),
    ...                       Component(id="db", kind="database", depends_on=["dns"]),
    ...                       Component(id="app", kind="app", depends_on=["db"])])
    >>> spofs(build_index(g), "app")
    ('dns', 'db')
    """
    killers = index.killers(component)
    me = index.bit.get(component)
    if me is not None and me in killers:
        killers = killers - FrozenBitMap([me])
    return index.by_severity(killers)


def _up_within(start: int, sources: SourceBitmaps, within: BitMap) -> BitMap:
    """Positions reachable from ``start`` along ``sources`` without leaving ``within``.

    Breadth first, one bitmap intersection per visited node: a hub's thousands of
    dependents outside ``within`` cost nothing.
    """
    seen = BitMap([start])
    frontier = [start]
    while frontier:
        fresh = BitMap()
        for v in frontier:
            fresh |= sources[v] & within
        fresh -= seen
        seen |= fresh
        frontier = list(fresh)
    return seen


def cut_sets(
    index: FailureIndex,
    component: str,
    *,
    max_candidates: int = MAX_CANDIDATES,
    max_pairs: int = MAX_PAIRS,
) -> CutSets:
    """Order-1 and order-2 minimal cut sets of ``component``.

    Parameters
    ----------
    index
        The solved single-failure index of the graph.
    component
        The component to protect (usually a user-facing one).
    max_candidates, max_pairs
        Bounds on the order-2 search; ``pairs_complete`` is false when one was hit.

    Returns
    -------
    CutSets
        SPOFs, and pairs ``(a, b)`` with ``a < b``, sorted.
    """
    return cut_sets_of(index, [component], max_candidates=max_candidates, max_pairs=max_pairs)[0]


@dataclass
class _Plan:
    """One component's order-2 search: its candidates, closest to it first."""

    component: str
    target: int
    killers: FrozenBitMap
    below: BitMap
    candidates: list[int]
    total: int


def cut_sets_of(
    index: FailureIndex,
    components: Sequence[str],
    *,
    max_candidates: int = MAX_CANDIDATES,
    max_pairs: int = MAX_PAIRS,
    spofs_first: int | None = None,
) -> tuple[CutSets, ...]:
    """:func:`cut_sets` of each of ``components``, the same answers, each candidate solved once.

    Components behind the same redundancy groups share most of their candidates
    (on the generated service graphs, 3,500 candidate examinations are 310
    distinct candidates): failing a candidate ``x`` for good and re-solving the
    killer sets above it gives, at every node, a value that depends only on what
    lies below that node, so one re-solve over what lies between ``x`` and every
    component that examines it answers them all.
    """
    s = index.structure
    plans: list[_Plan] = []
    users: dict[int, list[int]] = {}  # candidate bit -> plans that examine it
    member_killers = index.member_killers if s.groups else {}
    targets = [s.position[component] for component in components]
    belows = below_all(index, targets) if s.groups else []
    for i, component in enumerate(components):
        target = targets[i]
        killers_target = index.killers(component)
        pool = BitMap()
        below = BitMap()
        if s.groups:  # without redundancy groups, no pair can be minimal
            below = belows[i]
            pool = BitMap.union(pool, *[member_killers[g] for g in below & s.groups])
            pool -= killers_target
        candidates = sorted(pool, reverse=True)  # closest to the component first
        for b in candidates[:max_candidates]:
            users.setdefault(b, []).append(len(plans))
        plans.append(
            _Plan(component, target, killers_target, below, candidates[:max_candidates], len(pool))
        )
    partners = _partners(index, plans, users)
    first = _first_spofs(index, [p.component for p in plans], spofs_first)
    found = []
    for i, plan in enumerate(plans):
        pairs: set[tuple[str, str]] = set()
        examined = 0
        for b in plan.candidates:
            if len(pairs) > max_pairs:
                break
            examined += 1
            name = index.ids[b]
            for partner in partners.get((i, b), ()):
                other = index.ids[partner]
                pairs.add((name, other) if name < other else (other, name))
        found.append(
            CutSets(
                component=plan.component,
                spofs=spofs(index, plan.component) if first is None else first[i][0],
                pairs=tuple(sorted(pairs)[:max_pairs]),
                pairs_complete=examined == plan.total and len(pairs) <= max_pairs,
                candidates_examined=examined,
                candidates_total=plan.total,
                spofs_total=None if first is None else first[i][1],
            )
        )
    return tuple(found)


def below_all(index: FailureIndex, nodes: Sequence[int]) -> list[BitMap]:
    """:meth:`~blast.analysis.index.HardStructure.below` of each of ``nodes`` (positions):
    what each reaches through hard edges and membership, itself included.

    One bit-parallel walk for 64 nodes at a time, a numpy step per level
    (:meth:`~blast.analysis.counts.FailureCounts._lanes`) along the graph's own rows of
    targets, instead of a rustworkx graph of the hard edges built first (0.15 s at
    100,000 components) and one search per node. The tests compare it with ``below``.
    """
    import numpy as np

    from blast.analysis.counts import FailureCounts
    from blast.model.graph import HARD_EDGE, MEMBER_EDGE

    edges = index.graph.edge_arrays
    n = len(index.structure.nodes)
    kind = np.asarray(edges.kind, dtype=np.int64)
    kept = (kind == HARD_EDGE) | (kind == MEMBER_EDGE)
    sums = np.concatenate(([0], np.cumsum(kept, dtype=np.int64)))
    start = sums[np.asarray(edges.start, dtype=np.int64)][: n + 1]
    needed = np.asarray(edges.target, dtype=np.int64)[kept]
    counts = FailureCounts(index)
    distinct = list(dict.fromkeys(nodes))  # one lane each
    found: dict[int, BitMap] = {}
    for first in range(0, len(distinct), 64):
        chunk = distinct[first : first + 64]
        seen = counts._lanes(np.asarray(chunk, dtype=np.int64), start, needed)
        for k, v in enumerate(chunk):
            lane = np.flatnonzero((seen >> np.uint64(k)) & np.uint64(1)).astype(np.uint32)
            found[v] = BitMap(lane)
    given: set[int] = set()  # a node listed twice gets a copy: each caller owns its set
    result = []
    for v in nodes:
        result.append(found[v] if v not in given else BitMap(found[v]))
        given.add(v)
    return result


def _first_spofs(
    index: FailureIndex, components: Sequence[str], top: int | None
) -> list[tuple[tuple[str, ...], int]] | None:
    """The first ``top`` :func:`spofs` of each of ``components`` and how many there are;
    None without ``top``."""
    if top is None:
        return None
    from blast.analysis.counts import FailureCounts
    from blast.analysis.leadspofs import first_by_severity

    sets = []
    for component in components:
        killers, me = index.killers(component), index.bit.get(component)
        sets.append(killers - FrozenBitMap([me]) if me is not None and me in killers else killers)
    first = first_by_severity(FailureCounts(index), sets, top)
    return [(ids, len(bits)) for ids, bits in zip(first, sets, strict=True)]


def _partners(
    index: FailureIndex, plans: Sequence[_Plan], users: dict[int, list[int]]
) -> dict[tuple[int, int], BitMap]:
    """For each (plan, candidate bit ``b``): the components that, failed with ``b``, take the
    plan's component down though neither does alone."""
    s = index.structure
    rank, n_comp = s.rank, s.n_components
    base = index.killers_by_pos
    work = list(base) if users else base  # scratch copy, restored after each candidate
    everything = index.everything
    found: dict[tuple[int, int], BitMap] = {}
    for b in sorted(users, reverse=True):
        mine = users[b]
        x = s.pos_of_bit[b]
        within = plans[mine[0]].below
        if len(mine) > 1:
            within = BitMap.union(within, *[plans[i].below for i in mine[1:]])
        between = _up_within(x, s.source_bitmaps, within)
        reached = [i for i in mine if plans[i].target in between]
        if not reached:
            continue
        # x failed for good; re-solve what lies between. What x alone takes down is
        # down whatever else fails: its killer set is everything, known without a union
        # (the least fixpoint of the rest is the same with those values fixed). A node's
        # new set depends only on what lies below it, so one re-solve serves every plan.
        # x takes v down exactly when x is one of v's killers: no blast-radius set needed
        fixed = set()
        sccs: dict[int, list[int]] = {}
        for v in between:
            if v < n_comp and b in base[v]:
                fixed.add(v)
                work[v] = everything
            else:
                sccs.setdefault(rank[v], []).append(v)
        gained = _resolve_gains([sorted(sccs[r]) for r in sorted(sccs)], s, base, work, fixed)
        for v in between:  # undo: the scratch table is the index's own again
            work[v] = base[v]
        for i in reached:
            partners = BitMap(gained.get(plans[i].target, ())) - plans[i].killers
            partners.discard(b)
            if partners:
                found[i, b] = partners
    return found


def _resolve_gains(
    order: list[list[int]],
    s: HardStructure,
    base: Sequence[FrozenBitMap],
    work: list[FrozenBitMap],
    fixed: set[int],
) -> dict[int, FrozenBitMap]:
    """Re-solve the killer sets of ``order`` (strongly connected components, needs first)
    with ``fixed`` failed for good: returns, for each node whose set grew, what it gained.

    A component outside a cycle gains exactly what its hard targets gained, less what
    it already had (its killers are its own bit and the union of its targets'), so a
    union of small gains replaces a union of large killer sets. Groups and cycles are
    solved in full by :func:`~blast.analysis.index.solve_killers` on ``work``, whose
    targets get their full new sets first.
    """
    # No gain is recorded for ``fixed`` nodes (their set is everything, in ``work``): a
    # component needing one hard is down with it, so fixed too; groups read ``work``.
    gains: dict[int, FrozenBitMap] = {}
    hard_targets, n_comp = s.hard_targets, s.n_components
    for scc in order:
        v = scc[0]
        if len(scc) == 1 and v < n_comp and v not in hard_targets[v]:
            parts = [g for t in hard_targets[v] if (g := gains.get(t)) is not None]
            if parts:
                grown = BitMap.union(BitMap(), *parts) - base[v]
                if grown:
                    gains[v] = FrozenBitMap(grown)
            continue
        for u in scc:  # a group or a cycle: its targets' full sets first
            for t in hard_targets[u]:
                g = gains.get(t)
                if g is not None and work[t] is base[t]:
                    work[t] = FrozenBitMap.union(base[t], g)
        solve_killers([scc], hard_targets, n_comp, s.bit_of_pos, s.need, work, fixed=fixed)
        for u in scc:
            if work[u] is not base[u] and work[u] != base[u]:
                gains[u] = FrozenBitMap(work[u] - base[u])
    return gains


__all__ = [
    "MAX_CANDIDATES",
    "MAX_PAIRS",
    "CutSets",
    "below_all",
    "cut_sets",
    "cut_sets_of",
    "spofs",
]
