"""Edge-by-edge comparison of simulated impact windows with a post-mortem's.

Each reference window of a component is matched with the *envelope* of the
simulated windows of that component that overlap it (a service impaired twice
within a post-mortem's one window is compared by its first start and last end;
a sub-window is compared with the simulated windows inside it). A reference
window that no simulated window overlaps is compared with the nearest one; a
component that the simulation never impairs is *missed*.

A reference window that names its causes (``caused_by``, declared in the data
beside the times, never fitted) is matched by cause: only the stretches of the
simulated windows attributed to one of the named components count
(:mod:`blast.scoring.attribution`: on each path of impairing dependencies, the
named component closest to the root; the component's own state keeps the
attribution before it, unless a window names the component itself), so a service
impaired first by one cause and then, without a gap, by another is scored per
cause, as the post-mortem tells it (Redshift's queries, down with DynamoDB, then
impaired while host replacement drains; EC2's launches failing through DWFM and
Network Manager after DynamoDB was back). When no stretch is attributed to a named
cause, the windows are matched as above.

Every compared edge is classified:

* ``action-set``: the simulated edge falls in the same minute as an operator
  action of the scenario, so the scenario, not the engine, placed it;
* ``fitted``: a parameter of the scenario was fitted to this very edge (its
  override says ``fitted_to``), so matching it proves nothing;
* ``emergent``: it came out of the engine's mechanisms (propagation, caches,
  leases, backlogs, health checks, ...).

The summary gives the median and maximum absolute error in minutes, overall and
for emergent edges alone: the figure that says whether the mechanisms explain
the outage, not only the actions that ended it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from blast.scoring.reference import ReferenceWindow

Origin = Literal["action-set", "fitted", "emergent", "missed"]
SAME_MINUTE = timedelta(minutes=1)
FAR = timedelta(days=3650)
"""Stands in for an edge the post-mortem does not give, when matching windows."""


@dataclass(frozen=True)
class Segment:
    """A stretch of a simulated window with one cause: the dependency that explains it."""

    start: datetime
    end: datetime
    causes: frozenset[str]


@dataclass(frozen=True)
class SimulatedWindow:
    """A window in which the simulation has ``component`` impaired (not up).

    ``end`` is the horizon when the component is still impaired there; ``open``
    says so. ``segments`` split it at each change of cause (empty: not known).
    """

    component: str
    start: datetime
    end: datetime
    open: bool = False
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class EdgeScore:
    """One start or end of a reference window, beside its simulated counterpart."""

    service: str
    component: str
    window: str
    edge: Literal["start", "end"]
    real: datetime
    simulated: datetime | None
    origin: Origin

    @property
    def error_minutes(self) -> float | None:
        """Simulated minus real, in minutes (negative: the simulation is early)."""
        if self.simulated is None:
            return None
        return (self.simulated - self.real).total_seconds() / 60.0

    def to_dict(self) -> dict[str, object]:
        """Stable JSON keys; times in ISO 8601 with the reference's offset."""
        return {
            "service": self.service,
            "component": self.component,
            "window": self.window,
            "edge": self.edge,
            "real": self.real.isoformat(),
            "simulated": None
            if self.simulated is None
            else self.simulated.astimezone(self.real.tzinfo).isoformat(),
            "error_minutes": None if self.error_minutes is None else round(self.error_minutes, 1),
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Score:
    """The error table and its summary."""

    edges: tuple[EdgeScore, ...]

    def _errors(self, origin: Origin | None = None) -> list[float]:
        return [
            abs(e.error_minutes)
            for e in self.edges
            if e.error_minutes is not None and (origin is None or e.origin == origin)
        ]

    @property
    def missed(self) -> int:
        """Edges the simulation has no counterpart for."""
        return sum(1 for e in self.edges if e.origin == "missed")

    def summary(self) -> dict[str, float | int | None]:
        """Median and maximum absolute error (minutes), overall and emergent-only."""
        overall, emergent = self._errors(), self._errors("emergent")
        return {
            "edges": len(self.edges),
            "missed": self.missed,
            "median_abs_error_minutes": _round(statistics.median(overall) if overall else None),
            "max_abs_error_minutes": _round(max(overall) if overall else None),
            "fitted_edges": sum(1 for e in self.edges if e.origin == "fitted"),
            "emergent_edges": len(emergent),
            "emergent_median_abs_error_minutes": _round(
                statistics.median(emergent) if emergent else None
            ),
            "emergent_max_abs_error_minutes": _round(max(emergent) if emergent else None),
        }

    def meets(self, max_minutes: float, median_minutes: float) -> bool:
        """Whether every edge is within ``max_minutes`` and the median within ``median_minutes``."""
        s = self.summary()
        return (
            self.missed == 0
            and s["max_abs_error_minutes"] is not None
            and float(s["max_abs_error_minutes"]) <= max_minutes
            and float(s["median_abs_error_minutes"] or 0.0) <= median_minutes
        )

    def to_dict(self) -> dict[str, object]:
        return {"edges": [e.to_dict() for e in self.edges], "summary": self.summary()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def score(
    simulated: Iterable[SimulatedWindow],
    reference: Iterable[ReferenceWindow],
    action_times: Iterable[datetime] = (),
    fitted: Iterable[tuple[str, str, str]] = (),
) -> Score:
    """Compare ``simulated`` windows with the timed edges of ``reference``.

    ``fitted`` lists ``(component, window, edge)`` that a fitted parameter was
    chosen to reproduce; those edges are labelled ``fitted``.

    >>> from datetime import datetime, timezone
    >>> t = lambda h, m: datetime(2025, 10, 20, h, m, tzinfo=timezone.utc)
    >>> ref = [ReferenceWindow("S", "s", "main", t(1, 0), t(3, 0), ("pes",), True, 2)]
    >>> result = score([SimulatedWindow("s", t(1, 2), t(2, 50))], ref, [t(2, 50)])
    >>> [(e.edge, e.error_minutes, e.origin) for e in result.edges]
    [('start', 2.0, 'emergent'), ('end', -10.0, 'action-set')]
    """
    by_component: dict[str, list[SimulatedWindow]] = defaultdict(list)
    for window in simulated:
        by_component[window.component].append(window)
    actions = sorted(action_times)
    fitted_edges = set(fitted)
    edges: list[EdgeScore] = []
    for ref in reference:
        if not ref.component:
            continue
        match = _match(ref, _by_cause(ref, by_component.get(ref.component, [])))
        for edge, real in (("start", ref.start), ("end", ref.end)):
            if real is None:
                continue
            sim = None if match is None else (match[0] if edge == "start" else match[1])
            origin: Origin
            if sim is None:
                origin = "missed"
            elif any(abs(sim - a) < SAME_MINUTE for a in actions):
                origin = "action-set"
            elif (ref.component, ref.window, edge) in fitted_edges:
                origin = "fitted"
            else:
                origin = "emergent"
            edges.append(
                EdgeScore(ref.service, ref.component, ref.window, edge, real, sim, origin)  # type: ignore[arg-type]
            )
    return Score(tuple(edges))


def _match(
    ref: ReferenceWindow, candidates: Sequence[SimulatedWindow]
) -> tuple[datetime, datetime | None] | None:
    """The (start, end) of the simulated windows matching ``ref``; ``None`` if none.

    The end is ``None`` when the matched window is still open at the horizon.
    """
    if not candidates or (ref.start is None and ref.end is None):
        return None
    if ref.start is not None:
        lo = ref.start
        hi = ref.end if ref.end is not None else lo + FAR
    else:
        assert ref.end is not None
        lo, hi = ref.end - FAR, ref.end
    overlapping = [w for w in candidates if w.start < hi and w.end > lo]
    if not overlapping:
        nearest = min(candidates, key=lambda w: _gap(w, lo, hi))
        overlapping = [nearest]
    start = min(w.start for w in overlapping)
    last = max(overlapping, key=lambda w: w.end)
    return start, None if last.open else last.end


def _by_cause(ref: ReferenceWindow, windows: Sequence[SimulatedWindow]) -> list[SimulatedWindow]:
    """The runs of segments attributed to a cause ``ref`` names; all windows if none.

    The segments carry the attribution of :mod:`blast.scoring.attribution` (the named
    cause closest to the root, the component's own state apart when a window names it).
    """
    named = set(ref.caused_by)
    if not named:
        return list(windows)
    runs: list[SimulatedWindow] = []
    for w in windows:
        start: datetime | None = None
        end: datetime | None = None
        for seg in (*w.segments, None):
            if seg is not None and seg.causes & named and (end is None or seg.start == end):
                start, end = start or seg.start, seg.end
                continue
            if start is not None and end is not None:
                runs.append(SimulatedWindow(w.component, start, end, w.open and end == w.end))
            start, end = None, None
            if seg is not None and seg.causes & named:
                start, end = seg.start, seg.end
    return runs or list(windows)


def _gap(window: SimulatedWindow, lo: datetime, hi: datetime) -> timedelta:
    if window.end <= lo:
        return lo - window.end
    return window.start - hi
