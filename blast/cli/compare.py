"""``blast simulate … --compare DATA``: the simulated timeline beside the post-mortem's.

Prints, for every timed edge of the incident's ``impact_windows.csv``, the real and
the simulated time, the error in minutes and where the simulated edge came from
(``action-set``, ``fitted``, ``emergent`` or ``missed``), then the median and
maximum absolute error overall and for emergent edges alone, and the event's
spans by each definition beside the simulated one.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from blast.cli.common import emit_json, table
from blast.model.durations import format_duration

if TYPE_CHECKING:
    from blast.model.graph import Graph
    from blast.scoring.compare import Score
    from blast.scoring.reference import IncidentData
    from blast.sim.journal import Journal
    from blast.sim.scenario import ScenarioDocument

TARGET_MAX_MINUTES = 15.0
TARGET_MEDIAN_MINUTES = 5.0
"""The reconstruction's target: every edge within 15 minutes, the median within 5."""


def add_compare_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--compare DIR`` to a command that produces a journal."""
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="score the simulated windows against an incident's data folder "
        "(impact_windows.csv, events.csv), e.g. data/aws-2025-10-20",
    )


def _local(when: datetime | None, zone: Any) -> str:
    return "" if when is None else when.astimezone(zone).strftime("%m-%d %H:%M")


def simulated_span(journal: Journal, data: IncidentData) -> tuple[datetime, datetime] | None:
    """First start and last end of the simulated windows of the components the data scores."""
    from blast.scoring.against import simulated_windows

    scored = {w.component for w in data.scored_windows()}
    windows = [w for w in simulated_windows(journal) if w.component in scored]
    if not windows:
        return None
    return min(w.start for w in windows), max(w.end for w in windows)


def _spans(journal: Journal, data: IncidentData) -> list[dict[str, Any]]:
    from blast.scoring.reference import event_spans

    rows = [
        {"definition": w.service, "start": w.start, "end": w.end, "duration": w.duration}
        for w in event_spans(data)
    ]
    span = simulated_span(journal, data)
    if span is not None:
        start, end = span
        rows.append(
            {"definition": "Simulated", "start": start, "end": end, "duration": end - start}
        )
    return rows


def _duration(delta: timedelta | None) -> str:
    return "" if delta is None else format_duration(delta.total_seconds())


def run_compare(
    args: argparse.Namespace,
    journal: Journal,
    scenario: ScenarioDocument,
    scenario_name: str,
    graph: Graph | None = None,
) -> int:
    """Score ``journal`` (a run of ``graph``) against ``args.compare``; print the table or JSON."""
    from blast.scoring.against import score_journal
    from blast.scoring.reference import load_incident

    data = load_incident(args.compare)
    result = score_journal(journal, scenario, data, scenario_name, graph)
    spans = _spans(journal, data)
    meets = result.meets(TARGET_MAX_MINUTES, TARGET_MEDIAN_MINUTES)
    if args.json:
        emit_json(
            {
                "data": data.folder,
                "scenario": scenario_name,
                **result.to_dict(),
                "target": {
                    "max_abs_error_minutes": TARGET_MAX_MINUTES,
                    "median_abs_error_minutes": TARGET_MEDIAN_MINUTES,
                    "met": meets,
                },
                "spans": [
                    {
                        "definition": s["definition"],
                        "start": s["start"].isoformat(),
                        "end": s["end"].isoformat(),
                        "duration": _duration(s["duration"]),
                    }
                    for s in spans
                ],
            }
        )
        return 0
    _print_score(result, spans, data, meets)
    return 0


def _print_score(
    result: Score, spans: list[dict[str, Any]], data: IncidentData, meets: bool
) -> None:
    zone = result.edges[0].real.tzinfo if result.edges else None
    print(f"\nCompared with {data.folder} (times in the post-mortem's zone, UTC{_offset(zone)})")
    rows = [
        {
            "component": e.component,
            "window": e.window,
            "edge": e.edge,
            "real": _local(e.real, zone),
            "simulated": _local(e.simulated, zone) or "never",
            "error min": "" if e.error_minutes is None else f"{e.error_minutes:+.1f}",
            "origin": e.origin,
        }
        for e in result.edges
    ]
    columns = ["component", "window", "edge", "real", "simulated", "error min", "origin"]
    print(table(rows, columns))
    s = result.summary()
    print(
        f"\n{s['edges']} edges: {s['missed']} missed, {s['fitted_edges']} fitted to, "
        f"{s['emergent_edges']} emergent"
    )
    print(
        f"Absolute error, minutes: median {s['median_abs_error_minutes']}, "
        f"max {s['max_abs_error_minutes']}; emergent only: median "
        f"{s['emergent_median_abs_error_minutes']}, max {s['emergent_max_abs_error_minutes']}"
    )
    verdict = "met" if meets else "not met"
    print(
        f"Target (every edge within {TARGET_MAX_MINUTES:g} min, median within "
        f"{TARGET_MEDIAN_MINUTES:g}, none missed): {verdict}"
    )
    if spans:
        print("\nThe whole event, by definition")
        print(
            table(
                [
                    {
                        "definition": r["definition"],
                        "start": _local(r["start"], zone),
                        "end": _local(r["end"], zone),
                        "duration": _duration(r["duration"]),
                    }
                    for r in spans
                ],
                ["definition", "start", "end", "duration"],
            )
        )


def _offset(zone: Any) -> str:
    if zone is None:
        return ""
    offset = datetime(2000, 1, 1, tzinfo=zone).utcoffset()
    hours = 0 if offset is None else offset.total_seconds() / 3600
    return f"{hours:+03.0f}:00"
