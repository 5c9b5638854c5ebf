"""The SPOF report: one result that the CLI and later the reports render.

Besides the single points of failure (components whose failure alone takes a
user-facing component down), it lists the *degraders*: components whose failure
takes no user-facing component down but degrades some, in their own list, so
that a soft dependency on a fragile service is seen without being called a SPOF.

The order-2 search is bounded twice: ``max_candidates`` per user-facing
component, and ``candidate_budget`` for the whole report, shared out evenly so
that a graph with thousands of user-facing components still reports in seconds.
The report says what each bound came to (``order2``), and each
:class:`~blast.analysis.spof.CutSets` whether its pairs are complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from pyroaring import BitMap, FrozenBitMap

from blast.analysis.index import SMALL, FailureIndex, build_index
from blast.analysis.pairgroups import PairGroup, group_pairs
from blast.analysis.spof import MAX_CANDIDATES, MAX_PAIRS, CutSets, cut_sets_of
from blast.analysis.structure import blocks_and_cuts, undirected_view
from blast.gcpause import gc_paused
from blast.model.graph import Graph
from blast.reports.brief import brief

CANDIDATE_BUDGET = 4096
"""Default order-2 candidates examined in one report, shared out among user-facing components."""

PAIR_BUDGET = CANDIDATE_BUDGET  # the former name


@dataclass(frozen=True)
class Spof:
    """A component whose failure alone takes down at least one user-facing component."""

    component: str
    name: str
    kind: str
    region: str
    user_facing_down: tuple[str, ...]
    down: int
    degraded: int


@dataclass(frozen=True)
class Degrader:
    """A component whose failure takes no user-facing component down but degrades some."""

    component: str
    name: str
    kind: str
    region: str
    user_facing_degraded: tuple[str, ...]
    down: int
    degraded: int


@dataclass(frozen=True)
class Order2Bounds:
    """What the order-2 search was allowed: asked for, and what the budget left."""

    max_candidates: int
    candidate_budget: int
    candidates_per_component: int
    max_pairs: int

    @property
    def budget_binds(self) -> bool:
        """True when the report's budget, not ``max_candidates``, set the per-component bound."""
        return self.candidates_per_component < self.max_candidates


@dataclass(frozen=True)
class SpofReport:
    """Everything ``blast spof`` says about a graph."""

    graph: str
    files: tuple[str, ...]
    components: int
    groups: int
    user_facing: tuple[str, ...]
    spofs: tuple[Spof, ...]
    cut_sets: tuple[CutSets, ...]
    articulation_points: tuple[str, ...]
    biconnected_components: int
    largest_biconnected_component: int
    degraders: tuple[Degrader, ...] = ()
    order2: Order2Bounds | None = None
    regions: dict[str, str] | None = None
    spofs_total: int | None = None
    """How many SPOFs there are when ``spofs`` holds only the first ones (None: all)."""
    degraders_total: int | None = None
    """How many degraders there are when ``degraders`` holds only the first ones."""
    cut_sets_total: int | None = None
    """How many user-facing components there are when ``cut_sets`` holds the first ones."""

    @property
    def spof_count(self) -> int:
        """How many components are SPOFs of some user-facing component."""
        return len(self.spofs) if self.spofs_total is None else self.spofs_total

    @property
    def degrader_count(self) -> int:
        """How many components degrade user-facing ones without taking any down."""
        return len(self.degraders) if self.degraders_total is None else self.degraders_total

    def pair_groups(self, cs: CutSets) -> tuple[PairGroup, ...]:
        """The pairs of ``cs`` grouped by shared reason (see :mod:`blast.analysis.pairgroups`)."""
        return group_pairs(cs.pairs, self.regions)

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """Plain data for JSON (see ``docs/cli.md``): every list cut to ``top`` items
        (complete with None), with its total in ``counts``."""
        data = dict(self.json_parts(top))
        for key, value in data.items():
            if isinstance(value, Iterator):
                data[key] = list(value)
        return data

    def json_parts(self, top: int | None) -> Iterator[tuple[str, Any]]:
        """The top-level keys and values; long lists come as lazy iterators."""
        yield "graph", self.graph
        yield "files", list(self.files)
        yield "components", self.components
        yield "groups", self.groups
        yield (
            "counts",
            {
                "user_facing": len(self.user_facing),
                "spofs": self.spof_count,
                "degraders": self.degrader_count,
                "cut_sets": len(self.cut_sets)
                if self.cut_sets_total is None
                else self.cut_sets_total,
                "articulation_points": len(self.articulation_points),
            },
        )
        yield "top", top
        yield (
            "pair_search",
            None
            if self.order2 is None
            else self.order2.__dict__ | {"budget_binds": self.order2.budget_binds},
        )
        yield "user_facing", list(_head(self.user_facing, top))
        yield "spofs", (_spof_dict(s, top) for s in _head(self.spofs, top))
        yield "degraders", (_degrader_dict(d, top) for d in _head(self.degraders, top))
        yield "cut_sets", (self._cut_set_dict(cs, top) for cs in _head(self.cut_sets, top))
        yield "articulation_points", list(_head(self.articulation_points, top))
        yield "biconnected_components", self.biconnected_components
        yield "largest_biconnected_component", self.largest_biconnected_component

    def _cut_set_dict(self, cs: CutSets, top: int | None) -> dict[str, Any]:
        return {
            "component": cs.component,
            "spofs": list(_head(cs.spofs, top)),
            "spofs_count": cs.spof_count,
            "pairs": [list(p) for p in _head(cs.pairs, top)],
            "pairs_count": len(cs.pairs),
            "pair_groups": [
                {
                    "left": list(_head(g.left, top)),
                    "right": list(_head(g.right, top)),
                    "left_count": len(g.left),
                    "right_count": len(g.right),
                    "left_region": g.left_region,
                    "right_region": g.right_region,
                    "pairs": g.size,
                }
                for g in _head(self.pair_groups(cs), top)
            ],
            "pairs_complete": cs.pairs_complete,
            "candidates_examined": cs.candidates_examined,
            "candidates_total": cs.candidates_total,
        }


T = TypeVar("T")


def _head(items: Sequence[T], top: int | None) -> Sequence[T]:
    """The first ``top`` items of ``items`` (all with None)."""
    return items if top is None else items[:top]


def _spof_dict(s: Spof, top: int | None) -> dict[str, Any]:
    victims = s.user_facing_down if top is None else s.user_facing_down[:top]
    return {
        "component": s.component,
        "name": s.name,
        "kind": s.kind,
        "region": s.region,
        "user_facing_down": list(victims),
        "user_facing_down_count": len(s.user_facing_down),
        "down": s.down,
        "degraded": s.degraded,
    }


def _degrader_dict(d: Degrader, top: int | None) -> dict[str, Any]:
    victims = d.user_facing_degraded if top is None else d.user_facing_degraded[:top]
    return {
        "component": d.component,
        "name": d.name,
        "kind": d.kind,
        "region": d.region,
        "user_facing_degraded": list(victims),
        "user_facing_degraded_count": len(d.user_facing_degraded),
        "down": d.down,
        "degraded": d.degraded,
    }


def shared_spofs(index: FailureIndex) -> tuple[Spof, ...]:
    """Components that take down user-facing ones, most user-facing victims first."""
    with gc_paused():
        return _shared_spofs(index)[0]


def _shared_spofs(index: FailureIndex) -> tuple[tuple[Spof, ...], tuple[Degrader, ...]]:
    components = index.graph.briefs
    found, degraders = [], []
    user_facing = index.user_facing
    by_name = _names_sorted(index)
    for b, cid in enumerate(index.ids):
        down = index.down_of[b]
        affected = index.affected_of[b]
        if not affected.intersection_cardinality(user_facing):
            continue
        victims = BitMap(down & user_facing)
        victims.discard(b)
        c = components[cid]
        n_down, n_degraded = len(down) - 1, len(affected) - len(down)
        if victims:
            found.append(
                Spof(cid, c.label, c.kind.value, c.region, by_name(victims), n_down, n_degraded)
            )
            continue
        hit = (affected - down) & user_facing
        if hit:
            degraders.append(
                Degrader(cid, c.label, c.kind.value, c.region, by_name(hit), n_down, n_degraded)
            )
    found.sort(key=lambda s: (-len(s.user_facing_down), -s.down, s.component))
    degraders.sort(key=lambda d: (-len(d.user_facing_degraded), -d.degraded, d.component))
    return tuple(found), tuple(degraders)


def _names_sorted(index: FailureIndex) -> Callable[[BitMap | FrozenBitMap], tuple[str, ...]]:
    """A function from bits of user-facing components to their ids in id order: the ids
    are ranked once, and each set is mapped and sorted in numpy."""
    ids = index.ids
    uf = sorted(index.user_facing, key=ids.__getitem__)
    place = np.zeros(len(ids), dtype=np.int64)
    place[uf] = np.arange(len(uf), dtype=np.int64)
    names = np.asarray([ids[b] for b in uf], dtype=object)

    def by_name(bits: BitMap | FrozenBitMap) -> tuple[str, ...]:
        if len(bits) <= SMALL:
            return tuple(sorted([ids[b] for b in bits]))
        places = np.sort(place[np.frombuffer(bits.to_array(), dtype=np.uint32)])
        return tuple(names[places].tolist())

    return by_name


ROW_WALKS = 2048
"""Most degraders :func:`leading_spofs` walks one by one; beyond, the full sets."""


def leading_spofs(
    index: FailureIndex, top: int
) -> tuple[tuple[Spof, ...], tuple[Degrader, ...], int, int] | None:
    """The first ``top`` SPOFs and degraders of :func:`shared_spofs`'s complete lists, and
    how many there are, from :class:`~blast.analysis.counts.FailureCounts`.

    SPOFs sort by user-facing victims and then blast radius, both exact counts for
    every component; degraders by user-facing components degraded, then degraded
    count, which only a walk gives: the degraders that can take the first places
    (those tied with the ``top``-th on the first key, and those before it) are
    walked. None when more than :data:`ROW_WALKS` tie (the full sets are cheaper).
    """
    return _leading(index, top, with_degraders=True)


def top_spofs(
    index: FailureIndex, top: int, count_down: Callable[[list[int]], list[int]] | None = None
) -> tuple[tuple[Spof, ...], int]:
    """The first ``top`` SPOFs of :func:`shared_spofs`'s complete list, and how many
    there are: :func:`leading_spofs` without the degraders (``blast report``).

    ``count_down``, when given, counts the blast radius of the few SPOFs that can take
    the first places (bits; the components each takes down, itself included): see
    :func:`~blast.analysis.leadspofs.first_spofs`."""
    found = _leading(index, top, with_degraders=False, count_down=count_down)
    assert found is not None  # only the degraders' ties can decline
    return found[0], found[2]


def spof_victim_counts(index: FailureIndex) -> tuple[tuple[str, int], ...]:
    """Every SPOF of :func:`shared_spofs` (in its order) with how many user-facing
    components it takes down, itself excluded: from
    :class:`~blast.analysis.counts.FailureCounts`, no blast-radius set built."""
    from blast.analysis.counts import FailureCounts

    counts = FailureCounts(index)
    others = counts.victims_down - counts.is_user_facing
    bits = np.flatnonzero(others > 0)
    order = np.lexsort((counts.name_rank[bits], -counts.down[bits], -others[bits]))
    ids = index.ids
    return tuple((ids[b], int(others[b])) for b in bits[order].tolist())


def _leading(
    index: FailureIndex,
    top: int,
    *,
    with_degraders: bool,
    count_down: Callable[[list[int]], list[int]] | None = None,
) -> tuple[tuple[Spof, ...], tuple[Degrader, ...], int, int] | None:
    from blast.analysis.counts import FailureCounts, leading
    from blast.analysis.leadspofs import first_spofs

    counts = FailureCounts(index)
    facing = counts.is_user_facing
    victims = counts.victims_down
    others = victims - facing  # itself excluded
    spof_bits = np.flatnonzero(others > 0)
    degrader_bits = candidates = np.zeros(0, dtype=np.int64)
    if with_degraders:
        hit = counts.victims_affected - victims  # degraded user-facing, when none is down
        degrader_bits = np.flatnonzero((others == 0) & (hit > 0))
        candidates = degrader_bits[leading([-hit[degrader_bits]], top)]
        if len(candidates) > ROW_WALKS:
            return None
    first, down = first_spofs(
        counts, others, spof_bits, candidates.tolist(), top, count_down=count_down
    )
    walked = [*first, *candidates.tolist()]
    affected = dict(zip(walked, (w.affected for w in counts.details(walked)), strict=True))
    spofs, degraders = [], []
    for b in walked:
        c = brief(index.graph, cid := index.ids[b])  # not every component's (graph.briefs)
        n_down, n_degraded = int(down[b]) - 1, affected[b] - int(down[b])
        if others[b]:
            victim_ids = counts.victim_ids(b)
            spofs.append(Spof(cid, c.label, c.kind.value, c.region, victim_ids, n_down, n_degraded))
        else:
            hit_ids = counts.degraded_ids(b)
            degraders.append(
                Degrader(cid, c.label, c.kind.value, c.region, hit_ids, n_down, n_degraded)
            )
    degraders.sort(key=lambda d: (-len(d.user_facing_degraded), -d.degraded, d.component))
    return tuple(spofs), tuple(degraders[:top]), len(spof_bits), len(degrader_bits)


def spof_report(
    graph: Graph,
    *,
    index: FailureIndex | None = None,
    max_candidates: int = MAX_CANDIDATES,
    max_pairs: int = MAX_PAIRS,
    candidate_budget: int = CANDIDATE_BUDGET,
    pair_budget: int | None = None,
    top: int | None = None,
    cut_sets_of_first: int | None = None,
) -> SpofReport:
    """Analyse ``graph``: shared SPOFs, degraders, cut sets of each user-facing component,
    structure.

    The order-2 search examines at most ``max_candidates`` candidates per
    user-facing component and ``candidate_budget`` in all (``pair_budget`` is its
    former name); the report's ``order2`` says what that left per component.
    With ``top``, ``spofs`` and ``degraders`` hold only the first ``top`` of each list
    (the same as the complete lists begin with; totals in ``spofs_total`` and
    ``degraders_total``), found from counts without the index's blast-radius sets
    (:func:`leading_spofs`). With ``cut_sets_of_first``, ``cut_sets`` holds the cut
    sets of only the first that many user-facing components (what ``--json`` prints;
    each the same as in the complete report, where the bounds depend on how many
    user-facing components there are in all).
    """
    if pair_budget is not None:
        candidate_budget = pair_budget
    index = index or build_index(graph)
    per_component = max(1, min(max_candidates, candidate_budget // max(1, len(graph.user_facing))))
    with gc_paused():
        searched = graph.user_facing[:cut_sets_of_first]
        pairs = cut_sets_of(
            index,
            searched,
            max_candidates=per_component,
            max_pairs=max_pairs,
            spofs_first=None if cut_sets_of_first is None else top,  # only those printed
        )
        totals: tuple[int | None, int | None] = (None, None)
        found = None if top is None else leading_spofs(index, top)
        if found is None:
            spofs, degraders = _shared_spofs(index)
        else:
            spofs, degraders, totals = found[0], found[1], found[2:]
    view = undirected_view(graph)  # built once for both questions
    blocks, cuts = blocks_and_cuts(view)
    return SpofReport(
        graph=graph.name,
        files=graph.files,
        components=len(graph.components),
        groups=len(graph.groups),
        user_facing=graph.user_facing,
        spofs=spofs,
        cut_sets=pairs,
        articulation_points=cuts,
        biconnected_components=len(blocks),
        largest_biconnected_component=blocks[0] if blocks else 0,
        degraders=degraders,
        order2=Order2Bounds(max_candidates, candidate_budget, per_component, max_pairs),
        regions=dict(zip(graph.columns.ids, graph.columns.regions, strict=True)),
        spofs_total=totals[0],
        degraders_total=totals[1],
        cut_sets_total=None if cut_sets_of_first is None else len(graph.user_facing),
    )
