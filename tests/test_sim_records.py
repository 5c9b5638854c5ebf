"""The journal's records and the engine's memory: what the speed work must not change.

``Cause``, ``Event`` and ``QueuePoint`` are slotted frozen dataclasses with a generated
``__init__`` (``blast.sim.journal._direct_init``); they must behave as dataclasses do.
A finished run must be freed by reference counting alone: ``simulate`` pauses the
cyclic collector, so a cycle through the engine would keep a whole run alive.
"""

from __future__ import annotations

import dataclasses
import gc
import pickle
import weakref

import pytest

import blast.sim.engine
from blast.model import Queue
from blast.sim import Cause, Event, QueuePoint
from tests.simkit import comp, fault, run


def test_records_take_arguments_and_defaults_as_dataclasses_do():
    cause = Cause("hard", "db", upstream=3)
    assert (cause.mechanism, cause.dependency, cause.upstream, cause.trigger, cause.detail) == (
        "hard",
        "db",
        3,
        None,
        "",
    )
    assert cause == Cause(mechanism="hard", dependency="db", upstream=3, detail="")
    assert hash(cause) == hash(Cause("hard", "db", 3))
    assert cause != Cause("hard", "db", 4)
    event = Event(0, 60.0, "app", "down", 0.0, False, cause)
    assert dataclasses.asdict(event)["cause"]["upstream"] == 3
    assert dataclasses.replace(event, state="up").state == "up"
    assert pickle.loads(pickle.dumps(event)) == event
    point = QueuePoint(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    assert point.to_dict() == {
        "t": 1.0,
        "backlog": 2.0,
        "arrival": 3.0,
        "capacity": 4.0,
        "goodput": 5.0,
        "delay": 6.0,
    }
    assert repr(cause).startswith("Cause(mechanism='hard', dependency='db', upstream=3")


def test_records_stay_frozen_and_slotted():
    cause = Cause("hard")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cause.mechanism = "soft"  # type: ignore[misc]
    assert not hasattr(cause, "__dict__")
    with pytest.raises(TypeError):
        Cause()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Event(0, 0.0, "app")  # type: ignore[call-arg]


def test_a_finished_run_is_freed_without_the_cyclic_collector(monkeypatch):
    engines: list[weakref.ref] = []
    original = blast.sim.engine.Engine.run

    def run_and_watch(self):
        engines.append(weakref.ref(self))
        return original(self)

    monkeypatch.setattr(blast.sim.engine.Engine, "run", run_and_watch)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        journal = run(
            [
                comp("db", kind="database", queue=Queue(arrival_rate=10, drain_rate=15)),
                comp("app", "db"),
            ],
            [fault("f", "db", 0, 30)],
        )
        assert engines and engines[0]() is None  # freed by reference counting alone
    finally:
        if was_enabled:
            gc.enable()
    assert [e.component for e in journal.events][:2] == ["db", "app"]
    assert journal.queues  # the queued component's series survived its engine
