"""The incident beside the simulation: its data folder, its durations, the error table.

A graph reconstructs an incident when its scenario (or the graph file itself)
names a folder ``data/<incident>/`` that holds ``impact_windows.csv``: the
reconstruction scenario cites its ``events.csv`` rows, the graph's description
says where its timeline data lives. Nothing is keyed on a file name.

From that folder the page shows:

* the event's **durations by definition** (``durations.csv``: each claimed
  figure, the two endpoints it is measured between and what it counts). The
  dashboard computes every duration from the endpoints and says whether it
  agrees with the claim; a figure is never typed into the page;
* the **error table**: every timed edge of the post-mortem's windows beside the
  simulated edge, scored by :func:`blast.scoring.against.score_journal`, the
  same function as ``blast simulate … --compare DIR``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from blast.cli.compare import simulated_span
from blast.errors import BadInputError
from blast.model.durations import format_duration, parse_duration
from blast.model.graph import Graph
from blast.scoring import IncidentData, Score, load_incident
from blast.scoring.against import score_journal
from blast.sim import Journal, ScenarioDocument
from dashboard.store import REPO

DATA_DIR = REPO / "data"
DURATIONS_FILE = "durations.csv"
DURATION_COLUMNS = ("claim", "value", "start", "end", "counts", "sources", "confirmed")
_FOLDER = re.compile(r"\bdata/([A-Za-z0-9][A-Za-z0-9._-]*)")
MAX_SCAN = 256 * 1024
"""Bytes of a graph file searched for its data folder (the header is at the top)."""


def incident_folder(scenario: ScenarioDocument, graph_files: tuple[str, ...]) -> Path | None:
    """The ``data/<incident>/`` folder the scenario or the graph names, if it exists."""
    texts = [*scenario.references.values(), scenario.description]
    for name in graph_files[:1]:
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                texts.append(handle.read(MAX_SCAN))
        except OSError:
            continue
    for text in texts:
        for match in _FOLDER.finditer(text):
            folder = DATA_DIR / match.group(1).rstrip(".")
            if (folder / "impact_windows.csv").is_file():
                return folder
    return None


def scenario_relative(folder: Path) -> str:
    """``folder`` as people name it: relative to the repository when inside it."""
    try:
        return str(folder.resolve().relative_to(REPO))
    except ValueError:
        return str(folder)


@lru_cache(maxsize=8)
def incident(folder: Path) -> IncidentData:
    """The incident's tables (cached per folder)."""
    return load_incident(folder)


@dataclass(frozen=True)
class DurationClaim:
    """One published duration of the event, the endpoints it runs between, what it counts."""

    claim: str
    value: str
    start: datetime
    end: datetime
    counts: str
    sources: tuple[str, ...]
    confirmed: bool
    note: str = ""

    @property
    def computed(self) -> timedelta:
        """``end`` minus ``start``: the figure as the data gives it."""
        return self.end - self.start

    @property
    def agrees(self) -> bool:
        """Whether the computed span is the claimed figure (to the minute)."""
        claimed = parse_duration(self.value)
        return abs(self.computed.total_seconds() - claimed) < 60


@lru_cache(maxsize=8)
def durations(folder: Path) -> tuple[DurationClaim, ...]:
    """``durations.csv`` of ``folder`` (none when the file is absent).

    Raises :class:`BadInputError` naming file, line and column of a bad row.
    """
    path = folder / DURATIONS_FILE
    if not path.is_file():
        return ()
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in DURATION_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise BadInputError(f"{path}:1: missing column(s): {', '.join(missing)}")
    out = []
    for row in reader:
        line = reader.line_num
        try:
            start = datetime.fromisoformat(row["start"])
            end = datetime.fromisoformat(row["end"])
            parse_duration(row["value"])
        except (ValueError, TypeError, BadInputError) as exc:
            raise BadInputError(f"{path}:{line}: bad time or duration: {exc}") from None
        if start.tzinfo is None or end.tzinfo is None or end < start:
            raise BadInputError(f"{path}:{line}: times need an offset, and end after start")
        out.append(
            DurationClaim(
                claim=row["claim"],
                value=row["value"],
                start=start,
                end=end,
                counts=row["counts"],
                sources=tuple(s for s in row["sources"].split(";") if s),
                confirmed=row["confirmed"].strip().lower() == "true",
                note=row.get("note") or "",
            )
        )
    return tuple(out)


def duration_rows(journal: Journal, data: IncidentData, folder: Path) -> list[dict[str, Any]]:
    """Each published duration (computed from its endpoints), then the simulated span.

    Times are in the scenario's zone with UTC beside them; ``agrees`` says whether
    the endpoints give the claimed figure.
    """
    zone = journal.start.tzinfo
    rows = [
        {
            "claim": d.claim,
            "value": d.value,
            "computed": format_duration(d.computed.total_seconds()),
            "agrees": d.agrees,
            "start": _when(d.start, None),
            "end": _when(d.end, None),
            "counts": d.counts,
            "sources": ", ".join(d.sources),
            "confirmed": d.confirmed,
            "note": d.note,
        }
        for d in durations(folder)
    ]
    span = simulated_span(journal, data)
    if span is not None:
        start, end = span
        rows.append(
            {
                "claim": "Simulated (this scenario)",
                "value": "",
                "computed": format_duration((end - start).total_seconds()),
                "agrees": None,
                "start": _when(start, zone),
                "end": _when(end, zone),
                "counts": "First start to last end of the simulated windows of the components "
                "the post-mortem times (the engine's output)",
                "sources": "blast.sim",
                "confirmed": None,
                "note": "",
            }
        )
    return rows


def _when(when: datetime, zone: Any) -> str:
    """``when`` in ``zone`` (``None``: as written, in its own offset), with UTC beside it."""
    local = when if zone is None else when.astimezone(zone)
    return f"{local:%a %H:%M} (UTC{local:%z}) · {when.astimezone(UTC):%H:%M} UTC"


def scored(
    journal: Journal,
    scenario: ScenarioDocument,
    folder: Path,
    name: str,
    graph: Graph | None = None,
) -> Score:
    """The error table of ``journal`` (a run of ``graph``), as ``blast simulate … --compare``."""
    return score_journal(journal, scenario, incident(folder), name, graph)


def error_rows(result: Score, zone: Any) -> list[dict[str, Any]]:
    """One row per scored edge: real and simulated time, error, where the edge came from."""
    rows = []
    for e in result.edges:
        err = e.error_minutes
        rows.append(
            {
                "service": e.service,
                "component": e.component,
                "window": e.window,
                "edge": e.edge,
                "real": e.real.astimezone(zone).strftime("%a %H:%M"),
                "simulated": "—"
                if e.simulated is None
                else e.simulated.astimezone(zone).strftime("%a %H:%M"),
                "error_minutes": None if err is None else round(err, 1),
                "origin": e.origin,
            }
        )
    return rows
