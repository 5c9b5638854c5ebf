"""The journal's records: a cause, a state change, a point of a queue series.

Frozen dataclasses the engine builds by the tens of thousands (an :class:`Event` and a
:class:`Cause` per state change; half a million at 100,000 components), kept apart from
:mod:`blast.sim.journal` so that they are compiled with the engine (mypyc: native
classes, built and read without a dictionary). In pure Python they are slotted and
:mod:`blast.sim.journal` gives them a faster ``__init__`` (``_direct_init``); either
way they behave as dataclasses do (``tests/test_sim_records.py``).

Each writes its own ``__init__``, which a dataclass keeps: mypyc compiles it to a native
constructor that sets the slots directly (the one ``dataclass`` generates is Python,
called through ``type.__call__``: 12% of a compiled 10,000-component run). Its
assignments are to frozen fields, which only compiled code may make (a native
attribute store does not go through the frozen ``__setattr__``); in pure Python
:mod:`blast.sim.journal` replaces it (``_direct_init``) before any record is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Cause:
    """Why a state changed: the mechanism, the dependency and the upstream event.

    ``mechanism`` is one of the names of ``docs/simulation.md`` (``fault``,
    ``hard``, ``soft``, ``async``, ``group``, ``failover``, ``cache``,
    ``negative-cache``, ``lease``, ``detection``, ``health-check``, ``recovery``,
    ``ramp``, ``stuck``, ``queue``, ``collapse``, ``buffer``, ``control-plane``,
    ``wrong-data``, ``withdraw``, ``action``...). ``dependency`` is the node whose
    state explains this one (none for triggers), ``upstream`` the index of that
    node's event, ``trigger`` the id of the fault or action behind a trigger.
    """

    mechanism: str
    dependency: str | None = None
    upstream: int | None = None
    trigger: str | None = None
    detail: str = ""

    def __init__(
        self,
        mechanism: str,
        dependency: str | None = None,
        upstream: int | None = None,
        trigger: str | None = None,
        detail: str = "",
    ) -> None:
        # compiled: a native __init__ (see the module's docstring); pure: replaced
        self.mechanism = mechanism  # type: ignore[misc]
        self.dependency = dependency  # type: ignore[misc]
        self.upstream = upstream  # type: ignore[misc]
        self.trigger = trigger  # type: ignore[misc]
        self.detail = detail  # type: ignore[misc]

    def __reduce__(self) -> tuple[type[Cause], tuple[Any, ...]]:
        # pickled by its fields (a compiled, frozen class cannot be rebuilt slot by slot)
        return (Cause, (self.mechanism, self.dependency, self.upstream, self.trigger, self.detail))

    def to_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "dependency": self.dependency,
            "upstream": self.upstream,
            "trigger": self.trigger,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Event:
    """A component (or redundancy group) entered a state at time ``t``."""

    index: int
    t: float
    component: str
    state: str
    share_ok: float
    wrong: bool
    cause: Cause

    def __init__(
        self,
        index: int,
        t: float,
        component: str,
        state: str,
        share_ok: float,
        wrong: bool,
        cause: Cause,
    ) -> None:
        self.index = index  # type: ignore[misc]
        self.t = t  # type: ignore[misc]
        self.component = component  # type: ignore[misc]
        self.state = state  # type: ignore[misc]
        self.share_ok = share_ok  # type: ignore[misc]
        self.wrong = wrong  # type: ignore[misc]
        self.cause = cause  # type: ignore[misc]

    def __reduce__(self) -> tuple[type[Event], tuple[Any, ...]]:
        # pickled by its fields (a compiled, frozen class cannot be rebuilt slot by slot)
        return (
            Event,
            (self.index, self.t, self.component, self.state, self.share_ok, self.wrong, self.cause),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "t": self.t,
            "component": self.component,
            "state": self.state,
            "share_ok": self.share_ok,
            "wrong": self.wrong,
            "cause": self.cause.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class QueuePoint:
    """A queued component at time ``t``; the backlog is linear until the next point.

    Units: items for ``backlog``, items per second for ``arrival`` (retries
    included), ``capacity`` and ``goodput`` (work finished before its timeout),
    seconds for ``delay`` (the queueing delay, backlog / capacity).
    """

    t: float
    backlog: float
    arrival: float
    capacity: float
    goodput: float
    delay: float

    def __init__(
        self,
        t: float,
        backlog: float,
        arrival: float,
        capacity: float,
        goodput: float,
        delay: float,
    ) -> None:
        self.t = t  # type: ignore[misc]
        self.backlog = backlog  # type: ignore[misc]
        self.arrival = arrival  # type: ignore[misc]
        self.capacity = capacity  # type: ignore[misc]
        self.goodput = goodput  # type: ignore[misc]
        self.delay = delay  # type: ignore[misc]

    def __reduce__(self) -> tuple[type[QueuePoint], tuple[Any, ...]]:
        # pickled by its fields (a compiled, frozen class cannot be rebuilt slot by slot)
        return (
            QueuePoint,
            (self.t, self.backlog, self.arrival, self.capacity, self.goodput, self.delay),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "t": self.t,
            "backlog": self.backlog,
            "arrival": self.arrival,
            "capacity": self.capacity,
            "goodput": self.goodput,
            "delay": self.delay,
        }
