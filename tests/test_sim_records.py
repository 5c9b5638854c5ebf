"""The journal's records and the engine's memory: what the speed work must not change.

``Cause``, ``Event`` and ``QueuePoint`` are slotted frozen dataclasses with a generated
``__init__`` (``blast.sim.journal._direct_init``); they must behave as dataclasses do.
A finished run must be freed by reference counting alone: ``simulate`` pauses the
cyclic collector, so a cycle through the engine would keep a whole run alive. Both hold
for the pure and the compiled engine (``blast/sim/native.py``).
"""

from __future__ import annotations

import dataclasses
import gc
import pickle

import pytest

import blast.sim.engine
from blast.model import Queue
from blast.model.graph import Graph
from blast.sim import Cause, Event, QueuePoint, scenario_from_dict, simulate
from blast.sim.plan import make_plan
from tests.simkit import T0, comp


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


def _engines() -> int:
    """Engines alive in this process (compiled or not, an Engine is tracked by the collector)."""
    return sum(type(o) is blast.sim.engine.Engine for o in gc.get_objects())


def test_a_finished_run_is_freed_without_the_cyclic_collector():
    graph = Graph.from_parts(
        [
            comp("db", kind="database", queue=Queue(arrival_rate=10, drain_rate=15)),
            comp("app", "db"),
        ]
    )
    scenario = scenario_from_dict(
        {
            "start": T0,
            "horizon": "2h",
            "faults": [{"id": "f", "target": "db", "at": T0, "for": "30m"}],
        }
    )
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()  # engines other tests built and never ran (cycles) go first
        before = _engines()
        kept = blast.sim.engine.Engine(make_plan(graph, scenario), 0)
        assert _engines() == before + 1  # the count sees an engine that is alive
        del kept  # never run: its queue model still refers to it, a cycle
        gc.collect()
        journal = simulate(graph, scenario)
        assert _engines() == before  # the run's engine was freed by reference counting alone
    finally:
        if was_enabled:
            gc.enable()
    assert [e.component for e in journal.events][:2] == ["db", "app"]
    assert journal.queues  # the queued component's series survived its engine
