"""Blast radius: what goes down, degrades or is delayed when one component fails.

Down and degraded come straight from the :class:`~blast.analysis.index.FailureIndex`;
*delayed* (an async dependency on something down or degraded, see
:mod:`blast.analysis.propagation`) is one async step beyond what is affected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pyroaring import BitMap, FrozenBitMap

from blast.analysis.index import FailureIndex, dependency_order, union_closure
from blast.analysis.propagation import spread
from blast.errors import UnknownComponentError
from blast.gcpause import gc_paused
from blast.model.graph import ASYNC_EDGE, MEMBER_EDGE, Graph

if TYPE_CHECKING:
    import pandas as pd

    from blast.analysis.counts import FailureCounts
    from blast.model.compact import Brief


@dataclass(frozen=True)
class BlastRadius:
    """The consequences of one component failing alone (itself not counted)."""

    component: str
    down: tuple[str, ...]
    degraded: tuple[str, ...]
    user_facing_down: tuple[str, ...]
    user_facing_degraded: tuple[str, ...]
    delayed: tuple[str, ...] = ()
    user_facing_delayed: tuple[str, ...] = ()


def delayed_bits(index: FailureIndex, affected: FrozenBitMap) -> BitMap:
    """Components delayed when ``affected`` (bits) are down or degraded.

    A redundancy group is affected when one of its members is, and async
    dependencies may point at groups, so affected groups are found first.
    """
    topo = index.graph.topology
    s = index.structure
    dependents, n_comp = topo.dependents, topo.n_components
    frontier = [s.pos_of_bit[b] for b in affected]
    seen = set(frontier)
    delayed = BitMap()
    while frontier:
        v = frontier.pop()
        for d, kind in dependents[v]:
            if kind == ASYNC_EDGE:
                delayed.add(s.bit_of_pos[d])
            elif kind == MEMBER_EDGE and d >= n_comp and d not in seen:
                seen.add(d)
                frontier.append(d)
    return delayed - affected


def blast_radius(index: FailureIndex, component: str) -> BlastRadius:
    """What ``component``'s failure takes down, degrades and delays, by id in dependency order.

    Raises
    ------
    UnknownComponentError
        If the graph has no such component.
    """
    down = index.down(component)
    affected = index.affected(component)
    degraded = affected - down
    delayed = delayed_bits(index, affected)
    me = index.bit[component]
    down_others = down - FrozenBitMap([me])
    return BlastRadius(
        component=component,
        down=tuple(index.names(down_others)),
        degraded=tuple(index.names(degraded)),
        user_facing_down=tuple(index.names(down_others & index.user_facing)),
        user_facing_degraded=tuple(index.names(degraded & index.user_facing)),
        delayed=tuple(index.names(delayed)),
        user_facing_delayed=tuple(index.names(delayed & index.user_facing)),
    )


def single_blast_radius(graph: Graph, component: str) -> BlastRadius:
    """:func:`blast_radius` of one component without building the whole index.

    One propagation from ``component`` on positions (a breadth-first search down
    the hard edges, then one up every edge but async ones, then one async step for
    the delayed; :func:`~blast.analysis.propagation.spread`, what
    :func:`~blast.analysis.propagation.propagate` runs)
    gives the same sets as the index; the lists come in the same dependency
    order (:func:`~blast.analysis.index.dependency_order`, native code). The
    index pays for the whole graph's unions, this for one component's reach.

    Raises
    ------
    UnknownComponentError
        If the graph has no such component.
    """
    if component not in graph.components:
        raise UnknownComponentError(f"no component named '{component}'")
    with gc_paused():
        topo = graph.topology
        me = topo.position[component]
        state, _, order = spread(topo, [me])
        stored = graph.compact.order if graph.compact is not None else None
        bit_of_pos = np.asarray(dependency_order(topo, stored)[2], dtype=np.int64)
        reached = np.fromiter(order, dtype=np.int64, count=len(order))
        reached = reached[(reached < topo.n_components) & (reached != me)]
        reached = reached[np.argsort(bit_of_pos[reached])].tolist()  # bits are unique
        nodes, components = topo.nodes, graph.briefs
        lists: dict[int, list[str]] = {3: [], 2: [], 1: []}
        facing: dict[int, list[str]] = {3: [], 2: [], 1: []}
        for v in reached:
            cid = nodes[v]
            lists[state[v]].append(cid)
            if components[cid].user_facing:
                facing[state[v]].append(cid)
        return BlastRadius(
            component=component,
            down=tuple(lists[3]),
            degraded=tuple(lists[2]),
            user_facing_down=tuple(facing[3]),
            user_facing_degraded=tuple(facing[2]),
            delayed=tuple(lists[1]),
            user_facing_delayed=tuple(facing[1]),
        )


RADIUS_COLUMNS = [
    "component",
    "name",
    "kind",
    "region",
    "down",
    "degraded",
    "user_facing_down",
    "user_facing_degraded",
    "delayed",
    "user_facing_delayed",
]


def delay_sets(index: FailureIndex) -> list[FrozenBitMap] | None:
    """For each component bit, the components its failure can delay: every async
    dependent of what it affects (some may be affected too; the delayed are these
    less the affected). None when the graph has no async dependency.

    One union pass over "affects" edges (every reversed edge but async ones), where
    an async edge leads to a bit-only copy of its dependent: the copy adds the
    dependent's bit without passing the failure on. The nodes themselves carry no
    bit (what they affect is :attr:`~blast.analysis.index.FailureIndex.affected_of`
    already), so the sets stay as small as the async edges make them, and nodes
    without async work below them share one empty set.
    """
    topo = index.graph.topology
    s = index.structure
    n = len(topo.nodes)
    successors: list[list[int]] = [[] for _ in range(2 * n)]
    any_async = False
    for v, row in enumerate(topo.dependents):
        out = successors[v]
        for d, kind in row:
            if kind == ASYNC_EDGE:
                out.append(n + d)
                any_async = True
            else:
                out.append(d)
    if not any_async:
        return None
    own = [-1] * n + list(s.bit_of_pos)
    closure = union_closure(2 * n, successors, own)
    return [closure[v] for v in s.pos_of_bit]


RadiusRow = tuple[str, str, str, str, int, int, int, int, int, int]
"""One row of :func:`radius_rows`, in the order of :data:`RADIUS_COLUMNS`."""


ROW_WALKS = 2048
"""Most rows :func:`radius_rows` walks one by one for ``top``; beyond, the full sets."""


def radius_rows(index: FailureIndex, top: int | None = None) -> list[RadiusRow]:
    """Blast-radius counts of every component, largest first: :func:`radius_table`'s rows
    as plain tuples, without importing pandas (about a second of CPU).

    Sorted by user-facing components down, then down, then degraded (largest
    first), then id: every tie is broken by the unique id, so this is the
    table's order exactly. With ``top``, only the first ``top`` rows, the same as
    the full list's: the first two keys are exact counts for every component
    (:class:`~blast.analysis.counts.FailureCounts`, no blast-radius set built), and
    only the rows that can take the first places (those before the ``top``-th
    and those tied with it) are walked for their degraded and delayed counts.
    """
    with gc_paused():
        if top is not None:
            leading_rows = _leading_rows(index, top)
            if leading_rows is not None:
                return leading_rows
        rows = _rows(index, index.graph.briefs, index.user_facing, delay_sets(index))
        rows.sort(key=_row_order)
    return rows if top is None else rows[:top]


def _row_order(r: RadiusRow) -> tuple[int, int, int, str]:
    return (-r[6], -r[4], -r[5], r[0])


def _leading_rows(index: FailureIndex, top: int) -> list[RadiusRow] | None:
    """The first ``top`` rows from counts and one walk per candidate row; None when more
    than :data:`ROW_WALKS` rows tie for those places (then the full sets are cheaper)."""
    from blast.analysis.counts import FailureCounts

    counts = FailureCounts(index)
    victims = counts.victims_down
    uf_down = victims - counts.is_user_facing
    candidates, down = _candidates(counts, uf_down, top)
    if len(candidates) > ROW_WALKS:
        return None
    components = index.graph.briefs
    rows: list[RadiusRow] = []
    bits = candidates.tolist()
    for b, walk in zip(bits, counts.details(bits), strict=True):
        cid = index.ids[b]
        c = components[cid]
        n_down = int(down[b]) - 1
        rows.append(
            (
                cid,
                c.label,
                c.kind.value,
                c.region,
                n_down,
                walk.affected - n_down - 1,
                int(uf_down[b]),
                walk.user_facing_affected - int(victims[b]),
                walk.delayed,
                walk.user_facing_delayed,
            )
        )
    rows.sort(key=_row_order)
    return rows[:top]


def _candidates(
    counts: FailureCounts, uf_down: np.ndarray, top: int
) -> tuple[np.ndarray, Mapping[int, int] | np.ndarray]:
    """The rows that can take the first ``top`` places (by user-facing components down,
    then down: :func:`~blast.analysis.counts.leading`), and the blast radius (``down``,
    itself included) of each.

    Only the rows tied with the ``top``-th on the first key, or before it, can take
    those places; when they are few (:data:`~blast.analysis.leadspofs.DOWN_WALKS`),
    their blast radii come from walks instead of a count of every component's: the
    same rows (the tests compare both ways on random graphs).
    """
    from blast.analysis.counts import leading
    from blast.analysis.leadspofs import DOWN_WALKS

    index = counts.index
    if "down_counts" not in index.__dict__:
        tied = leading([-uf_down], top)
        if len(tied) <= DOWN_WALKS:
            walked = np.asarray(counts.down_counts_of(tied.tolist()), dtype=np.int64)
            kept = leading([-uf_down[tied], -walked], top)
            return tied[kept], dict(zip(tied.tolist(), walked.tolist(), strict=True))
    return leading([-uf_down, -counts.down], top), counts.down


def radius_table(index: FailureIndex) -> pd.DataFrame:
    """Blast-radius counts of every component, largest first.

    Columns: ``component, name, kind, region, down, degraded, user_facing_down,
    user_facing_degraded, delayed, user_facing_delayed`` (counts exclude the
    component itself).
    """
    import pandas as pd  # heavy (about a second): only the table pays for it

    components = index.graph.briefs
    user_facing = index.user_facing
    with gc_paused():
        rows = _rows(index, components, user_facing, delay_sets(index))
    table = pd.DataFrame(rows, columns=RADIUS_COLUMNS)
    return table.sort_values(
        ["user_facing_down", "down", "degraded", "component"],
        ascending=[False, False, False, True],
        ignore_index=True,
    )


def _rows(
    index: FailureIndex,
    components: Mapping[str, Brief],
    user_facing: FrozenBitMap,
    delays: list[FrozenBitMap] | None,
) -> list[RadiusRow]:
    rows = []
    for b, cid in enumerate(index.ids):
        down, affected = index.down_of[b], index.affected_of[b]
        c = components[cid]
        uf_down = down.intersection_cardinality(user_facing)
        uf_hit = affected.intersection_cardinality(user_facing)
        if delays is None:
            delayed = uf_delayed = 0
        else:
            delayed = delays[b].difference_cardinality(affected)
            uf_delayed = (delays[b] & user_facing).difference_cardinality(affected)
        self_uf = 1 if c.user_facing else 0
        rows.append(
            (
                cid,
                c.label,
                c.kind.value,
                c.region,
                len(down) - 1,
                len(affected) - len(down),
                uf_down - self_uf,
                uf_hit - uf_down,
                delayed,
                uf_delayed,
            )
        )
    return rows
