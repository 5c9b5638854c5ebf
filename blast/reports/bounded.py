"""Bounded report lists: the report's longest lists capped, their true sizes kept beside them.

At 100,000 components a report's complete lists (each detailed SPOF's recovery order,
each mitigation's rewritten edges, each blind spot's watched components and shared
dependencies) made 31-43 MB
of JSON, HTML or Markdown. By default :func:`blast.reports.build.build_report` keeps the
first :data:`LIST_CAP` ids of each such list (the order the analysis gives) and carries the
true sizes (``recovery_wave_sizes``, ``changes_total``, ``watched_down_total``,
``shared_total``), so only
ids are left out, never a count; ``blast report --full`` keeps every id. The analyses
themselves always work on the complete lists (a what-if applies every change): only the
report model is cut.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from blast.reports.blindspots import BlindSpot

LIST_CAP = 50
"""Ids kept per recovery wave, per mitigation's ``changes`` and per blind spot's
``watched_down`` and ``shared`` in a default (not ``--full``) report."""


@dataclass(frozen=True)
class ReportBlindSpot(BlindSpot):
    """A :class:`~blast.reports.blindspots.BlindSpot` as the report holds it:
    ``watched_down`` and ``shared`` possibly capped, ``watched_down_total`` and
    ``shared_total`` their true lengths."""

    watched_down_total: int
    shared_total: int


def head(ids: tuple[str, ...], cap: int | None) -> tuple[str, ...]:
    """The first ``cap`` ids (all of them when ``cap`` is ``None``)."""
    return ids if cap is None or len(ids) <= cap else ids[:cap]


def capped_spot(spot: BlindSpot, cap: int | None) -> ReportBlindSpot:
    """``spot`` with its watched components and shared dependencies cut to ``cap``, their
    counts beside them."""
    values = {f.name: getattr(spot, f.name) for f in fields(spot)}
    values["watched_down"] = head(spot.watched_down, cap)
    values["shared"] = head(spot.shared, cap)
    return ReportBlindSpot(
        **values, watched_down_total=len(spot.watched_down), shared_total=len(spot.shared)
    )


def more(shown: int, total: int) -> int:
    """How many ids a capped list leaves out."""
    return max(total - shown, 0)
