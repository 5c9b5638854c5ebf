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

from blast.analysis.index import FailureIndex, solve_killers

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
    me = index.bit.get(component, -1)
    found = [b for b in index.killers(component) if b != me]
    found.sort(key=index.severity_rank.__getitem__)
    return tuple(index.ids[b] for b in found)


def _up_within(start: int, sources: Sequence[FrozenBitMap], within: BitMap) -> BitMap:
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
    s = index.structure
    target = s.position[component]
    killers_target = index.killers(component)
    pool = BitMap()
    below = BitMap()
    if s.groups:  # without redundancy groups, no pair can be minimal
        below = s.below(target)
        member_killers = index.member_killers
        pool = BitMap.union(pool, *[member_killers[g] for g in below & s.groups])
        pool -= killers_target
    candidates = sorted(pool, reverse=True)  # closest to the component first
    total = len(candidates)
    candidates = candidates[:max_candidates]

    rank = s.rank
    base = index.killers_by_pos
    work = list(base) if candidates else base  # scratch copy, restored after each candidate
    pairs: set[tuple[str, str]] = set()
    examined = 0
    for b in candidates:
        if len(pairs) > max_pairs:
            break
        examined += 1
        x = s.pos_of_bit[b]
        between = _up_within(x, s.source_bitmaps, below)
        if target not in between:
            continue
        sccs: dict[int, list[int]] = {}
        for v in between:
            sccs.setdefault(rank[v], []).append(v)
        work[x] = index.everything  # x failed for good; re-solve what lies between
        solve_killers(
            (sorted(sccs[r]) for r in sorted(sccs)),
            s.hard_targets,
            s.n_components,
            s.bit_of_pos,
            s.need,
            work,
            fixed={x},
        )
        partners = BitMap(work[target]) - killers_target
        for v in between:  # undo: the scratch table is the index's own again
            work[v] = base[v]
        partners.discard(b)
        name = index.ids[b]
        for partner in partners:
            other = index.ids[partner]
            pairs.add((name, other) if name < other else (other, name))
    ordered = sorted(pairs)[:max_pairs]
    return CutSets(
        component=component,
        spofs=spofs(index, component),
        pairs=tuple(ordered),
        pairs_complete=examined == total and len(pairs) <= max_pairs,
        candidates_examined=examined,
        candidates_total=total,
    )


__all__ = ["MAX_CANDIDATES", "MAX_PAIRS", "CutSets", "cut_sets", "spofs"]
