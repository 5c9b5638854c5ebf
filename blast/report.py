"""The SPOF report: one serialisable result that the CLI and later the reports render."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from blast.analysis.index import FailureIndex, build_index
from blast.analysis.spof import MAX_CANDIDATES, MAX_PAIRS, CutSets, cut_sets
from blast.analysis.structure import (
    articulation_points,
    biconnected_components,
    undirected_view,
)
from blast.gcpause import gc_paused
from blast.model.graph import Graph


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

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, with stable keys (see ``docs/cli.md``)."""
        return asdict(self)


def shared_spofs(index: FailureIndex) -> tuple[Spof, ...]:
    """Components that take down user-facing ones, most user-facing victims first."""
    with gc_paused():
        return _shared_spofs(index)


def _shared_spofs(index: FailureIndex) -> tuple[Spof, ...]:
    components = index.graph.components
    found = []
    for b, cid in enumerate(index.ids):
        down = index.down_of[b]
        victims = [index.ids[v] for v in down & index.user_facing if v != b]
        if not victims:
            continue
        c = components[cid]
        found.append(
            Spof(
                component=cid,
                name=c.label,
                kind=c.kind.value,
                region=c.region,
                user_facing_down=tuple(sorted(victims)),
                down=len(down) - 1,
                degraded=len(index.affected_of[b]) - len(down),
            )
        )
    found.sort(key=lambda s: (-len(s.user_facing_down), -s.down, s.component))
    return tuple(found)


PAIR_BUDGET = 4096
"""Order-2 candidates examined in one report, shared out among the user-facing components."""


def spof_report(
    graph: Graph,
    *,
    index: FailureIndex | None = None,
    max_candidates: int = MAX_CANDIDATES,
    max_pairs: int = MAX_PAIRS,
    pair_budget: int = PAIR_BUDGET,
) -> SpofReport:
    """Analyse ``graph``: shared SPOFs, cut sets of each user-facing component, structure.

    The order-2 search examines at most ``max_candidates`` candidates per
    user-facing component and ``pair_budget`` in all, so that a graph with
    thousands of user-facing components still reports in seconds; each
    :class:`CutSets` says whether its pairs are complete.
    """
    index = index or build_index(graph)
    per_component = max(1, min(max_candidates, pair_budget // max(1, len(graph.user_facing))))
    with gc_paused():
        pairs = tuple(
            cut_sets(index, u, max_candidates=per_component, max_pairs=max_pairs)
            for u in graph.user_facing
        )
    view = undirected_view(graph)  # built once for both questions
    blocks = biconnected_components(graph, view)
    return SpofReport(
        graph=graph.name,
        files=graph.files,
        components=len(graph.components),
        groups=len(graph.groups),
        user_facing=graph.user_facing,
        spofs=shared_spofs(index),
        cut_sets=pairs,
        articulation_points=articulation_points(graph, view),
        biconnected_components=len(blocks),
        largest_biconnected_component=len(blocks[0]) if blocks else 0,
    )
