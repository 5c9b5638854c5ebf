"""Sentences shared by the HTML and Markdown reports, built from the report's data."""

from __future__ import annotations

from collections.abc import Sequence

from blast.reports.bounded import ReportBlindSpot
from blast.reports.build import Report, Victim

KIND_LABELS = {
    "redundancy": "Redundancy",
    "regional-endpoint": "Regional endpoint",
    "serve-stale": "Serve stale",
    "static-stability": "Static stability",
    "break-cycle": "Break a cycle",
}


def minutes(value: float | None) -> str:
    """``95`` -> ``1 h 35 min``; ``-5`` -> ``-5 min``; ``None`` -> ``–``."""
    if value is None:
        return "–"
    total = round(value)
    sign, total = ("-" if total < 0 else ""), abs(total)
    hours, mins = divmod(total, 60)
    return sign + (f"{hours} h {mins:02d} min" if hours else f"{mins} min")


NO_MINUTES = (
    "Outage minutes are not available: no simulation was run. "
    "`blast report FILE --scenario SCENARIO` simulates one and adds them."
)
"""What a report without a simulation says where minutes would be."""


def simulation_sentence(report: Report) -> str:
    """Where the minutes come from and what the scenario costs users, or that there are none."""
    s = report.summary
    if report.simulation is None or s.region_outage_minutes is None:
        return NO_MINUTES
    return (
        f"Simulated ({report.simulation}): **{minutes(s.region_outage_minutes)}** of "
        "user-facing outage (minutes each user-facing component is down, summed). Each SPOF's "
        "minutes are its outage in that run played alone; each mitigation's are the run played "
        "again with the change."
    )


def saved_text(value: float | None) -> str:
    """A mitigation's simulated delta: ``saves 1 h 00 min``, ``costs 5 min``, or n/a."""
    if value is None:
        return "minutes n/a (no simulation)"
    if value < 0:
        return f"costs {minutes(-value)}"
    return f"saves {minutes(value)}"


def spof_minutes_text(value: float | None) -> str:
    """A SPOF's simulated outage, or that it is not available."""
    if value is None:
        return "outage minutes n/a (no simulation)"
    return f"{minutes(value)} of user-facing outage when it fails as in the simulation"


def path_text(path: tuple[str, ...]) -> str:
    """A dependency path as ``a → b → c (failed)``."""
    if not path:
        return ""
    if len(path) == 1:
        return f"{path[0]} (fails itself)"
    return " → ".join(path) + " (failed)"


def grouped_paths(victims: Sequence[Victim]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Victims that reach the failure the same way, together: ``[(names, rest of path)]``.

    The rest of the path is the path without the victim itself; groups keep the
    order of their first victim, names are sorted.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for v in victims:
        groups.setdefault(v.path[1:], []).append(v.name)
    return [(tuple(sorted(names)), rest) for rest, names in groups.items()]


def plural(n: int, noun: str) -> str:
    """``1 group``, ``2 groups``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def region_sentence(report: Report) -> str:
    s = report.summary
    text = (
        f"A **{report.region}** event takes down **{s.region_down} of {s.user_facing}** "
        f"user-facing components ({s.region_degraded} degraded, {s.region_safe} safe)"
    )
    if s.anchored_global:
        text += f", global services anchored there included ({', '.join(s.anchored_global)})"
    return text + "."


def concentration_sentence(report: Report) -> str:
    s = report.summary
    text = (
        f"Concentration score **{percent(s.concentration)}**: the share of user-facing "
        f"components with a hard (possibly transitive) dependency on {report.region} that no "
        "redundancy covers"
    )
    if s.protected_by_redundancy:
        text += (
            f"; {len(s.protected_by_redundancy)} more reach {report.region} only through "
            f"redundancy ({', '.join(s.protected_by_redundancy)})"
        )
    return text + "."


def blind_spot_sentence(b: ReportBlindSpot) -> str:
    total = b.watched_down_total  # the report may hold only the first ids
    watched = ", ".join(b.watched_down[:5]) + (f" and {total - 5} more" if total > 5 else "")
    where = path_text(b.path)
    if b.cause == "region":
        why = f"the {b.region} event takes it down"
        if len(b.path) == 1:
            where = f"{b.path[0]} (runs in {b.region})"
    else:
        why = f"it shares **{b.shared_dependency}** with them"
        if b.shared_total > 1:
            why += f" (and {b.shared_total - 1} more shared dependencies)"
    return (
        f"**{b.name}** (`{b.watcher}`, {b.kind}) goes dark together with "
        f"{total} of the {b.watched_total} components it watches ({watched}): "
        f"{why}. Path: {where}."
    )


NO_USER_FACING = (
    "No component is marked `user_facing: true`: every count here is against user-facing "
    "components, so mark what end users touch (see docs/schema.md)."
)
