"""A suspect found still bad on its own wakes only the dependents that ignored it.

Delete-and-rederive (``blast.sim.retraction``) makes a component *suspect* when the
bad stretch its badness came from ends; until it is re-evaluated, its dependents do
not trust what its edge shows (``Engine.trusted``) and read past it. When the
re-evaluation finds it still bad with its event unchanged, those that read past it
must look again. Dependents that did not read it while it was suspect have nothing to
correct: their last evaluation took in its badness (or did not read it). The engine
keeps, per suspect, the edges an evaluation ignored (``Engine.ignored``) and wakes
their dependents alone, in edge order; it used to wake every dependent, and at
100,000 components most of those 1.0 million wake-ups were skipped evaluations
(``docs/benchmarks.md``, "s-still"). The whole runs are checked elsewhere: with and
without the skips (``tests/test_sim_skip.py``) and the properties on random graphs
(``tests/test_sim_properties.py``).
"""

from __future__ import annotations

from hypothesis import given, settings

from blast.model.graph import Graph
from blast.sim import scenario_from_dict, slots
from blast.sim.engine import Engine
from blast.sim.journal import Cause
from blast.sim.plan import make_plan
from tests.simkit import T0, comp, fault
from tests.test_sim_properties import build, cases, scenario


def _down_hub() -> Engine:
    """``x`` down by a fault for the whole run, three components hard on it: run to the
    horizon, so that each dependent has perceived ``x``'s current (bad) event."""
    graph = Graph.from_parts([comp("x"), comp("w1", "x"), comp("w2", "x"), comp("w3", "x")])
    doc = scenario_from_dict(
        {"start": T0, "horizon": "1h", "faults": [fault("f", "x", 0, 120)], "actions": []}
    )
    eng = Engine(make_plan(graph, doc), 0)
    eng.run()
    return eng


def _edge(eng: Engine, dependent: str) -> int:
    v = eng.pos[dependent]
    (e,) = list(eng.g.out[v])
    return e


def _queued(eng: Engine) -> list[tuple[str, str]]:
    """The components queued for evaluation, with their reasons' details."""
    out = []
    while eng.agenda.pop():
        v = eng.agenda.node
        assert v >= 0
        out.append((eng.g.nodes[v], eng.pending_reason(v).detail))
    return out


def test_only_a_dependent_that_read_past_the_suspect_looks_again():
    eng = _down_hub()
    x = eng.pos["x"]
    assert eng.st[x] == 2 and all(eng.st[eng.pos[w]] == 2 for w in ("w1", "w2", "w3"))
    eng.now = 1800.0
    eng.suspect.add(x)
    eng.is_suspect[x] = True
    # w1's evaluation reads x's edge while x is suspect: it shows x's current event,
    # so it is not believed (read past), and the edge is kept for the re-evaluation
    assert not eng.trusted(_edge(eng, "w1"))
    assert list(eng.ignored[x]) == [_edge(eng, "w1")]
    # x re-evaluated: still down by its fault, its event unchanged
    before = len(eng.events)
    eng.per_node[x * slots.INTS + slots.DIRTY] = 1
    eng._eval_event(x, Cause("recovered", "y"))
    assert len(eng.events) == before and eng.st[x] == 2 and not eng.is_suspect[x]
    assert x not in eng.ignored
    assert _queued(eng) == [("w1", "still bad on its own")]


def test_an_edge_showing_an_older_event_is_believed_and_not_kept():
    eng = _down_hub()
    x, e = eng.pos["x"], _edge(eng, "w2")
    eng.now = 1800.0
    eng.suspect.add(x)
    eng.is_suspect[x] = True
    eng.pev[e] = eng.ev[x] - 1  # what w2 sees is not x's current event
    assert eng.trusted(e)
    assert x not in eng.ignored
    eng._eval_event(x, Cause("recovered", "y"))
    assert _queued(eng) == []  # nobody read past x: nobody is woken


@settings(max_examples=60, deadline=None)
@given(cases)
def test_every_kept_edge_is_consumed_by_the_end_of_a_run(case):
    """No suspect keeps a list after the run: each is re-evaluated at the instant it
    became suspect, which consumes its list whatever the outcome."""
    graph = build(case)
    first = next(iter(graph.components))
    eng = Engine(make_plan(graph, scenario(first, 30)), 0, None)
    eng.run()
    assert not eng.suspect
    assert dict(eng.ignored) == {}
