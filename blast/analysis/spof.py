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

from collections import deque
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


class _Overlay:
    """Killer sets re-solved for one hypothesis, over the index's own."""

    def __init__(self, base: dict[int, FrozenBitMap], fallback: list[FrozenBitMap]):
        self.local = base
        self.fallback = fallback

    def __getitem__(self, node: int) -> FrozenBitMap:
        found = self.local.get(node)
        return self.fallback[node] if found is None else found

    def __setitem__(self, node: int, value: FrozenBitMap) -> None:
        self.local[node] = value


def _reach(
    start: int,
    adjacency: Sequence[Sequence[int]],
    within: set[int] | None = None,
) -> set[int]:
    """Nodes reachable from ``start`` (itself included), optionally staying ``within``."""
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in adjacency[queue.popleft()]:
            if nxt not in seen and (within is None or nxt in within):
                seen.add(nxt)
                queue.append(nxt)
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
    below = _reach(target, s.hard_targets)
    pool = BitMap()
    for g in below:
        if g >= s.n_components:
            for m in s.hard_targets[g]:
                pool |= index.killers_by_pos[m]
    pool -= killers_target
    candidates = sorted(pool, reverse=True)  # closest to the component first
    total = len(candidates)
    candidates = candidates[:max_candidates]

    rank = s.rank
    pairs: set[tuple[str, str]] = set()
    examined = 0
    for b in candidates:
        if len(pairs) > max_pairs:
            break
        examined += 1
        x = s.pos_of_bit[b]
        between = _reach(x, s.hard_sources, within=below)
        if target not in between:
            continue
        sccs: dict[int, list[int]] = {}
        for v in between:
            sccs.setdefault(rank[v], []).append(v)
        overlay = _Overlay({x: index.everything}, index.killers_by_pos)
        solve_killers(
            (sorted(sccs[r]) for r in sorted(sccs)),
            s.hard_targets,
            s.n_components,
            s.bit_of_pos,
            s.need,
            overlay,
            fixed={x},
        )
        partners = BitMap(overlay[target]) - killers_target
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
