"""The result of a simulation: one immutable, serialisable journal.

Everything the CLI, the reports and the dashboard show is read from a
:class:`Journal`: the state changes with their causes (:class:`Event`), the
queue series of queued components (:class:`QueuePoint`), and what is derived
from them (``state_at``, ``explain``, ``windows``). Time ``t`` is seconds after
``start`` (an aware datetime); the journal renders times, it never recomputes
the simulation. In the spirit of chaostoolkit's ``journal.json``: a run returns
one document, renderers only read it.
"""

from __future__ import annotations

import bisect
import json
import math
import operator
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime, timedelta
from functools import cached_property
from itertools import starmap
from types import FunctionType, MappingProxyType
from typing import Any, TypeVar, cast

import orjson

from blast.jsonalike import SMALLEST_ALIKE, float_alike
from blast.sim.records import Cause, Event, QueuePoint
from blast.sim.windowing import STATES as STATES  # re-exported: the engine reads it here
from blast.sim.windowing import by_component, rows_in_order, window_rows

JOURNAL_VERSION = 1
_T = TypeVar("_T")
_INT64 = range(-(2**63), 2**64)  # the integers orjson writes itself


def _as_json_does(node: dict[Any, Any] | list[Any]) -> None:
    """Make ``node`` (in place) write the same with orjson as with :func:`json.dumps`.

    The two agree on everything a journal holds but three things: a float under 1e-4
    (``json`` writes ``1e-05``, orjson ``0.00001``), a non-finite float (``NaN``,
    ``Infinity``; orjson writes ``null``) and an integer beyond 64 bits (orjson refuses
    it). Those become :class:`orjson.Fragment` s of ``json``'s own text; tuples become
    lists (both write them as arrays).
    """
    items = node.items() if type(node) is dict else enumerate(node)
    for key, value in items:
        kind = type(value)
        if kind is float:
            if not float_alike(value):
                node[key] = orjson.Fragment(json.dumps(value))
        elif kind is int:
            if value not in _INT64:
                node[key] = orjson.Fragment(json.dumps(value))
        elif kind is dict or kind is list:
            _as_json_does(value)
        elif kind is tuple:
            node[key] = value = list(value)
            _as_json_does(value)


def dumps_indented(data: dict[str, Any]) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False)``, byte for byte, ten times faster.

    With ``indent`` the standard library falls back to its pure-Python encoder: at
    10,000 components that was a quarter of a whole ``blast simulate --json`` process
    (1.6 s for 19 MB). orjson writes the same layout (two spaces, ``": "``, UTF-8,
    the same escapes and shortest float reprs) once the few values it writes
    differently are handed over as ``json``'s text (:func:`_as_json_does`); a property
    test compares the two on random documents. ``data`` is changed in place.
    """
    _as_json_does(data)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()


def _direct_init(cls: type[_T]) -> type[_T]:
    """Give a frozen, slotted dataclass an ``__init__`` that sets its slots directly.

    A frozen dataclass's generated ``__init__`` sets each field through
    ``object.__setattr__``, twice as slow; the engine builds an :class:`Event` and a
    :class:`Cause` per state change (half a million at 100,000 components), and with
    ``__slots__`` each takes half the memory of one with a ``__dict__``. This one has
    the same signature and defaults (read from the fields, so added fields follow)
    and gives equal objects; assignment after construction still raises
    ``FrozenInstanceError``.
    """
    params: list[str] = []
    body: list[str] = []
    env: dict[str, Any] = {}
    for f in fields(cast(Any, cls)):
        assert f.default_factory is MISSING, "defaults only: no default_factory here"
        if f.default is MISSING:
            params.append(f.name)
        else:
            env[f"_dflt_{f.name}"] = f.default
            params.append(f"{f.name}=_dflt_{f.name}")
        env[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's descriptor
        body.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n"
    exec(source + "\n".join(body), env)  # as dataclasses builds its own __init__
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


# the slotted records the engine builds compile with it (blast.sim.records); in pure
# Python they get the faster __init__ here (a compiled class has its own, native)
for _record in (Cause, Event, QueuePoint):
    if isinstance(_record.__dict__.get("__init__"), FunctionType):
        _direct_init(_record)


@dataclass(frozen=True)
class Trigger:
    """A fault or action as the engine applied it (``t_end`` for faults that end)."""

    id: str
    kind: str
    t: float
    t_end: float | None
    targets: tuple[str, ...]
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "t": self.t,
            "t_end": self.t_end,
            "targets": list(self.targets),
            "description": self.description,
        }


@dataclass(frozen=True)
class Window:
    """A stretch of time a component was not up: ``end`` is None when still open at the horizon.

    ``severity`` is the worst state inside it, ``min_share`` the lowest share of
    work that succeeded, ``cause`` the cause of the event that opened it.
    """

    component: str
    start: float
    end: float | None
    severity: str
    min_share: float
    cause: Cause
    event: int

    @property
    def duration(self) -> float | None:
        return None if self.end is None else self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "start": self.start,
            "end": self.end,
            "severity": self.severity,
            "min_share": self.min_share,
            "cause": self.cause.to_dict(),
            "event": self.event,
        }


@dataclass(frozen=True)
class Journal:
    """One simulation run: inputs named, every state change with its cause, queue series."""

    graph: str
    scenario: str
    start: datetime
    horizon: float
    seed: int
    components: tuple[str, ...]
    user_facing: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    events: tuple[Event, ...]
    queues: Mapping[str, tuple[QueuePoint, ...]] = field(default_factory=dict)
    buffers: Mapping[tuple[str, str], tuple[QueuePoint, ...]] = field(default_factory=dict)
    """Async buffers that held work, by (caller, target): level as ``backlog``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "queues", MappingProxyType(dict(self.queues)))
        object.__setattr__(self, "buffers", MappingProxyType(dict(self.buffers)))

    @cached_property
    def _by_component(self) -> dict[str, list[Event]]:
        return by_component(self.events)

    def time(self, t: float) -> datetime:
        """The wall-clock time of ``t`` seconds, in the scenario's time zone."""
        return self.start + timedelta(seconds=t)

    def seconds(self, when: datetime) -> float:
        """``when`` as seconds after the start."""
        return (when - self.start).total_seconds()

    def events_of(self, component: str) -> tuple[Event, ...]:
        """The state changes of one component, in time order."""
        return tuple(self._by_component.get(component, ()))

    def event_at(self, component: str, t: float) -> Event | None:
        """The last change of ``component`` at or before ``t``; None when it was always up."""
        events = self._by_component.get(component, [])
        i = bisect.bisect_right([e.t for e in events], t)
        return events[i - 1] if i else None

    def state_at(self, component: str, t: float) -> str:
        """``up``, ``degraded`` or ``down`` at time ``t`` (seconds after the start)."""
        event = self.event_at(component, t)
        return event.state if event else "up"

    def series(self, component: str) -> tuple[tuple[float, str, float], ...]:
        """``(t, state, share_ok)`` at every change of ``component``, starting up at 0."""
        out = [(0.0, "up", 1.0)]
        for e in self._by_component.get(component, ()):
            out.append((e.t, e.state, e.share_ok))
        return tuple(out)

    def explain(self, component: str, t: float) -> tuple[Event, ...]:
        """The chain of causes of ``component``'s state at ``t``, back to a trigger.

        Starts at the component's last change at or before ``t`` and follows
        each event's ``cause.upstream``; empty when the component was up all along.
        """
        event = self.event_at(component, t)
        chain: list[Event] = []
        seen: set[int] = set()
        while event is not None and event.index not in seen:
            chain.append(event)
            seen.add(event.index)
            up = event.cause.upstream
            event = self.events[up] if up is not None else None
        return tuple(chain)

    def windows(self) -> tuple[Window, ...]:
        """Impact windows of every component: maximal stretches not ``up``, in time order.

        Changes undone within the same instant are not observable: of each instant only
        its last event counts, and a window opens at the instant's first event (when that
        one is bad, its cause explains the window). One pass per component, the first
        event of each instant looked up in a table built when a window first opens (a
        scan from the start for each window and ``STATES.index`` per event took 0.9 s
        at 100,000 components). The loops are :mod:`blast.sim.windowing`'s, compiled
        with the engine: 1.2 s -> 0.3 s at 100,000 components (docs/benchmarks.md).
        """
        rows = rows_in_order(self.events, self.components)
        if rows is None:  # times out of order (never from the engine)
            rows = window_rows(self._by_component, self.components)
        return tuple(starmap(Window, rows))

    def to_dict(self) -> dict[str, Any]:
        """The journal as plain data with stable keys (``docs/cli.md`` documents them)."""
        return {
            "version": JOURNAL_VERSION,
            "graph": self.graph,
            "scenario": self.scenario,
            "start": self.start.isoformat(),
            "horizon": self.horizon,
            "seed": self.seed,
            "triggers": [t.to_dict() for t in self.triggers],
            "events": [e.to_dict() for e in self.events],
            "windows": [w.to_dict() for w in self.windows()],
            "queues": [
                {"component": c, "points": [p.to_dict() for p in pts]}
                for c, pts in self.queues.items()
            ],
            "buffers": [
                {"component": c, "target": t, "points": [p.to_dict() for p in pts]}
                for (c, t), pts in self.buffers.items()
            ],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON, indented by two spaces: same journal, same bytes."""
        return self.to_json_bytes().decode()

    def to_json_bytes(self) -> bytes:
        """:meth:`to_json` as UTF-8 bytes, what ``blast simulate --json`` writes.

        orjson writes the whole document in one call, once every number in it is one it
        writes as :func:`json.dumps` does (:func:`_make_numbers_alike`, column by column:
        the journal's floats are times, shares and queue figures; a column with a value
        orjson would write otherwise gets ``json``'s text for that value). When orjson
        still refuses a value, :func:`dumps_indented` walks the whole document. Walking it
        every time was a third of the journal's cost at 10,000 components, and at 100,000
        one queue backlog of 1.3e-05 sent a whole ``blast simulate --json`` down the walk
        (0.6-3.2 s of its 13-17 s; ``docs/benchmarks.md``).
        """
        data = self.to_dict()
        _make_numbers_alike(data)
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            pass  # an integer beyond 64 bits (the seed): json's text for it below
        return (dumps_indented(data) + "\n").encode()


_EVENT_NUMBERS = ("t", "share_ok")
_WINDOW_NUMBERS = ("start", "end", "min_share")
_TRIGGER_NUMBERS = ("t", "t_end")
_POINT_NUMBERS = ("t", "backlog", "arrival", "capacity", "goodput", "delay")


def _column_alike(rows: list[dict[str, Any]], key: str) -> bool:
    """Whether orjson writes the values under ``key`` of every row as ``json`` does: 0, or
    at least 1e-4 and finite in size (None and 0 are dropped by the truth test; a NaN or
    an infinity makes the sum non-finite; a sum that overflows only sends the column
    the slow way)."""
    sizes = [abs(v) for v in map(operator.itemgetter(key), rows) if v]
    return not sizes or (min(sizes) >= SMALLEST_ALIKE and math.isfinite(sum(sizes)))


def _make_column_alike(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Give orjson ``json``'s own text for each float under ``keys`` that it would write
    otherwise (:func:`_as_json_does`' rule), checking each column at C speed first."""
    for key in keys:
        if _column_alike(rows, key):
            continue
        for row in rows:
            value = row[key]
            if type(value) is float and not float_alike(value):
                row[key] = orjson.Fragment(json.dumps(value))


def _make_numbers_alike(data: dict[str, Any]) -> None:
    """Make every float of :meth:`Journal.to_dict`'s document one orjson writes as
    :func:`json.dumps` does (see :func:`_as_json_does`), in place. Its floats are the
    horizon and the columns below; its integers are the seed (orjson refuses one beyond
    64 bits: :meth:`Journal.to_json_bytes` catches it) and event indices (fewer than the
    events)."""
    horizon = data["horizon"]
    if type(horizon) is float and not float_alike(horizon):
        data["horizon"] = orjson.Fragment(json.dumps(horizon))
    points = [p for q in (*data["queues"], *data["buffers"]) for p in q["points"]]
    _make_column_alike(data["events"], _EVENT_NUMBERS)
    _make_column_alike(data["windows"], _WINDOW_NUMBERS)
    _make_column_alike(data["triggers"], _TRIGGER_NUMBERS)
    _make_column_alike(points, _POINT_NUMBERS)
