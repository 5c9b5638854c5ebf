"""``simulate`` leaves its journal in the collector's oldest generation (blast.sim.survivors).

A run allocates with the cyclic collector paused; what survives it (the journal's
events and causes) must not wait in the youngest generation for a collection that
walks all of it. These tests run real scenarios with the collector on, as a library
caller has it, and look at the generations through ``gc.get_objects``.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from blast.sim import survivors
from tests.simkit import comp, fault, run

ROOT = Path(__file__).resolve().parent.parent


def _run_journal():
    return run(
        [comp("db", kind="database"), comp("api", "db"), comp("web", {"target": "api"})],
        [fault("f", "db", 10, 30)],
    )


def _in_generation(objs: list[object], generation: int) -> int:
    ids = {id(o) for o in gc.get_objects(generation=generation)}
    return sum(id(o) in ids for o in objs)


CHECK = """
import gc
from blast.sim.journal import Cause, Event
from tests.test_sim_survivors import _run_journal, _in_generation

gc.enable()
journal = _run_journal()
records = [*journal.events, *(e.cause for e in journal.events)]
assert journal.events and all(isinstance(e, Event) for e in journal.events)
assert all(isinstance(c, Cause) for c in records[len(journal.events):])
if gc.is_tracked(records[0]):  # native records are tracked; pure ones may not be
    assert _in_generation(records, 0) == 0
    assert _in_generation(records, 1) == 0
    assert _in_generation(records, 2) == len(records)
assert gc.get_count()[0] < 100  # not the run's allocations, waiting for a walk
assert gc.get_freeze_count() == 0
print("ok")
"""


def test_the_journal_is_in_the_oldest_generation_and_the_young_count_is_low():
    # a fresh interpreter: this one may hold frozen objects (the dashboard's store
    # freezes its analyses), and then promote rightly does nothing
    out = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_a_process_that_froze_objects_keeps_them_frozen():
    kept = [object() for _ in range(3)] + [[]]
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert survivors.promote() is False
        journal = _run_journal()
        assert gc.get_freeze_count() == frozen  # simulate did not release them either
        assert journal.events
    finally:
        if not frozen_before:  # leave the process as it was (frozen before: it stays so)
            gc.unfreeze()
    assert kept


def test_promote_keeps_cyclic_garbage_collectable():
    class Node:
        def __init__(self) -> None:
            self.me = self

    if gc.get_freeze_count():  # frozen objects of the process: promote leaves them
        assert survivors.promote() is False
        return
    gc.collect()
    Node()  # a cycle, unreachable: young garbage the caller left
    assert survivors.promote() is True
    assert gc.get_freeze_count() == 0
    assert gc.collect() >= 1  # a full collection still frees it
