"""An incident's post-mortem timeline, read from its ``data/`` folder.

The folder holds tidy CSV tables (see ``data/aws-2025-10-20/README.md`` for the
conventions): ``impact_windows.csv`` says when each component was impaired and
``events.csv`` lists timestamped events with ids that a scenario's operator
actions cite. Every problem is reported as ``file:line:column: key: message``
(exit 2), like a graph file's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from blast.errors import BadInputError, Location, Problem

WINDOWS_FILE = "impact_windows.csv"
EVENTS_FILE = "events.csv"
WINDOW_COLUMNS = ("service", "component", "window", "start", "end", "sources", "confirmed")
EVENT_COLUMNS = ("id", "time", "service", "component", "what", "sources", "confirmed")
MAX_TABLE_BYTES = 8 * 1024 * 1024
"""A post-mortem table is a few hundred rows; anything larger is not one."""


class IncidentDataError(BadInputError):
    """Raised when an incident's data folder is missing a table or a row is malformed.

    Carries every problem found, each located at its file, line and column.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class ReferenceWindow:
    """One row of ``impact_windows.csv``: when the post-mortem says a component was impaired.

    ``start`` or ``end`` is ``None`` where the sources give no time. ``window`` is
    ``main`` for a component's whole window, otherwise the name of a sub-window or
    of a second window of the same component.
    """

    service: str
    component: str
    window: str
    start: datetime | None
    end: datetime | None
    sources: tuple[str, ...]
    confirmed: bool
    line: int
    caused_by: tuple[str, ...] = ()
    """Components the post-mortem names as the cause (``caused_by``, ``;``-separated)."""

    @property
    def duration(self) -> timedelta | None:
        """Length of the window, when both ends are given."""
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


@dataclass(frozen=True)
class ReferenceEvent:
    """One row of ``events.csv``; ``time`` is ``None`` for a date-only or untimed event."""

    id: str
    time: datetime | None
    service: str
    component: str
    what: str
    sources: tuple[str, ...]
    confirmed: bool
    line: int


@dataclass(frozen=True)
class IncidentData:
    """The scored tables of one incident, as read from its folder."""

    folder: str
    windows: tuple[ReferenceWindow, ...]
    events: tuple[ReferenceEvent, ...]

    def event_ids(self) -> frozenset[str]:
        """Ids a scenario's operator action may cite."""
        return frozenset(e.id for e in self.events)

    def scored_windows(self) -> tuple[ReferenceWindow, ...]:
        """Windows about one component with at least one timed edge."""
        return tuple(
            w for w in self.windows if w.component and (w.start is not None or w.end is not None)
        )


def event_spans(data: IncidentData) -> tuple[ReferenceWindow, ...]:
    """The whole-event windows (rows without a component), e.g. the post-mortem's own
    endpoints beside the Health Dashboard's, each with its duration."""
    return tuple(w for w in data.windows if not w.component and w.start and w.end)


def load_incident(folder: str | Path) -> IncidentData:
    """Read ``impact_windows.csv`` and ``events.csv`` of ``folder``.

    Raises :class:`IncidentDataError` listing every problem (missing table,
    missing column, malformed time, a time without a UTC offset, an end before
    its start).
    """
    base = Path(folder)
    problems: list[Problem] = []
    windows = tuple(_read_windows(base / WINDOWS_FILE, problems))
    events = tuple(_read_events(base / EVENTS_FILE, problems))
    if problems:
        raise IncidentDataError(problems)
    return IncidentData(folder=str(base), windows=windows, events=events)


def _rows(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> Iterator[_Row]:
    """Rows of a CSV table with their line, after checking the header."""
    where = Location(str(path))
    if not path.is_file():
        problems.append(Problem(where, f"no such table (expected {path.name} in the folder)"))
        return
    raw = path.read_bytes()
    if len(raw) > MAX_TABLE_BYTES:
        problems.append(Problem(where, f"larger than {MAX_TABLE_BYTES // 2**20} MiB"))
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(Location(str(path), line, 1), "not UTF-8 text"))
        return
    lines = text.splitlines()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        problems.append(
            Problem(Location(str(path), 1, 1), f"missing column(s): {', '.join(missing)}")
        )
        return
    start = 2
    for record in reader:
        yield _Row(path, start, lines[start - 1] if start <= len(lines) else "", record, problems)
        start = reader.line_num + 1


@dataclass
class _Row:
    """A CSV record that can locate its fields for error messages."""

    path: Path
    line: int
    text: str
    record: dict[str, str]
    problems: list[Problem]

    def get(self, key: str) -> str:
        return (self.record.get(key) or "").strip()

    def fail(self, key: str, message: str) -> None:
        value = self.get(key)
        column = self.text.find(value) + 1 if value else 1
        self.problems.append(Problem(Location(str(self.path), self.line, column), message, key))

    def time(self, key: str, *, date_only_ok: bool = False) -> datetime | None:
        value = self.get(key)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(key, f"'{value}' is not an ISO 8601 time (e.g. 2025-10-19T23:48-07:00)")
            return None
        if len(value) == 10 and date_only_ok:
            return None
        if parsed.utcoffset() is None:
            self.fail(key, f"'{value}' has no UTC offset (write e.g. -07:00)")
            return None
        return parsed

    def sources(self) -> tuple[str, ...]:
        keys = tuple(k for k in self.get("sources").split(";") if k)
        if not keys:
            self.fail("sources", "every row needs at least one source key")
        return keys

    def flag(self, key: str) -> bool:
        value = self.get(key).lower()
        if value not in {"true", "false"}:
            self.fail(key, f"'{value}' should be true or false")
        return value == "true"


def _read_windows(path: Path, problems: list[Problem]) -> Iterator[ReferenceWindow]:
    for row in _rows(path, WINDOW_COLUMNS, problems):
        start, end = row.time("start"), row.time("end")
        if start and end and end <= start:
            row.fail("end", "the window ends before it starts")
        yield ReferenceWindow(
            service=row.get("service"),
            component=row.get("component"),
            window=row.get("window") or "main",
            start=start,
            end=end,
            sources=row.sources(),
            confirmed=row.flag("confirmed"),
            line=row.line,
            caused_by=tuple(c for c in row.get("caused_by").split(";") if c),
        )


def _read_events(path: Path, problems: list[Problem]) -> Iterator[ReferenceEvent]:
    for row in _rows(path, EVENT_COLUMNS, problems):
        if not row.get("id"):
            row.fail("id", "every event needs an id")
        yield ReferenceEvent(
            id=row.get("id"),
            time=row.time("time", date_only_ok=True),
            service=row.get("service"),
            component=row.get("component"),
            what=row.get("what"),
            sources=row.sources(),
            confirmed=row.flag("confirmed"),
            line=row.line,
        )
