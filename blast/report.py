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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from blast.analysis.index import FailureIndex, build_index
from blast.analysis.pairgroups import PairGroup, group_pairs
from blast.analysis.spof import MAX_CANDIDATES, MAX_PAIRS, CutSets, cut_sets_of
from blast.analysis.structure import blocks_and_cuts, undirected_view
from blast.gcpause import gc_paused
from blast.model.graph import Graph
from blast.reports.spofrows import (
    ROW_WALKS,
    Degrader,
    Spof,
    _shared_spofs,
    leading_spofs,
    shared_spofs,
    spof_victim_counts,
    top_spofs,
)

CANDIDATE_BUDGET = 4096
"""Default order-2 candidates examined in one report, shared out among user-facing components."""

PAIR_BUDGET = CANDIDATE_BUDGET  # the former name


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
    index.all_killers()  # read them all below: one pass, not one solve per first read
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


__all__ = [
    "CANDIDATE_BUDGET",
    "PAIR_BUDGET",
    "ROW_WALKS",
    "Degrader",
    "Order2Bounds",
    "Spof",
    "SpofReport",
    "leading_spofs",
    "shared_spofs",
    "spof_report",
    "spof_victim_counts",
    "top_spofs",
]
