"""The engine's wake-up paths give what ``Engine.recheck`` gives, field for field.

``blast.sim.retraction.recheck_recovered`` wakes a component for a ``recovered``
reason (the loops over what a retraction makes suspect and over a suspect's
dependents), with the time it is queued at computed once per loop
(``retraction.due_now``). Here two engines in the same state take the same random
wake-ups, one through ``Engine.recheck``, the other through the fast path, interleaved
with wake-ups through edges and with evaluations popped from the agenda; their
per-node records, pending reasons and agendas must stay equal (the fast path keeps its
reason as numbers, not as an object: the reasons are compared as ``pending_reason``
builds them). The whole-run check is
``tests/test_sim_skip.py`` (journals with and without the skips, on random graphs).
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from blast.sim import slots
from blast.sim.engine import Engine
from blast.sim.journal import Cause
from blast.sim.plan import make_plan
from blast.sim.retraction import due_now, recheck_recovered
from tests.test_sim_properties import build, cases, scenario

KEPT = (slots.DEP, slots.UP, slots.CAUSED)
"""Where the reason is kept (an object, or its parts) may differ: the reason may not."""


def _state(eng: Engine) -> tuple[object, ...]:
    n = len(eng.g.nodes)
    rec = [x for k, x in enumerate(eng.per_node) if k % slots.INTS not in KEPT]
    due = [v for v in range(n) if eng.per_node_t[v * slots.FLOATS + slots.DUE] >= 0]
    reasons = [(v, eng.pending_reason(v)) for v in due]
    return (rec, list(eng.per_node_t), reasons)


def _drain(eng: Engine) -> list[tuple[float, str, int]]:
    out = []
    while eng.agenda.pop():
        out.append((eng.agenda.t, eng.agenda.kind, eng.agenda.node))
    return out


@settings(max_examples=40, deadline=None)
@given(
    cases,
    st.sampled_from([None, 60.0, 7.5]),
    st.floats(0.0, 5000.0),
    st.integers(0, 2**16),
)
def test_recheck_recovered_is_recheck_with_a_recovered_reason(case, resolution, now, seed):
    graph = build(case)
    plan = make_plan(graph, scenario(next(iter(graph.components)), 10))
    slow, fast = Engine(plan, 0, resolution), Engine(plan, 0, resolution)
    n = len(slow.g.nodes)
    rng = random.Random(seed)
    details = {slots.BACK: "what it needed is back", slots.STILL: "still bad on its own"}
    for eng in (slow, fast):
        eng.now = now
    for _ in range(60):
        v, op = rng.randrange(n), rng.random()
        if op < 0.5:
            dep, up, kind = rng.randrange(n), rng.randrange(-1, 5), rng.choice(list(details))
            slow.recheck(v, now, Cause("recovered", slow.g.nodes[dep], up, detail=details[kind]))
            recheck_recovered(fast, v, due_now(fast), dep, up, kind)
        elif op < 0.8:  # through an edge: a precise reason, or a vague one
            mech = rng.choice(["hard", "recovered", "detection"])
            dep, up = rng.randrange(n), rng.randrange(-1, 5)
            for eng in (slow, fast):
                eng.recheck_edge(v, now, mech, dep, up)
        else:  # an evaluation due now is popped (as _eval_event clears DUE): re-queued next
            for eng in (slow, fast):
                if eng.agenda.pop() and eng.agenda.node >= 0:
                    eng.per_node_t[eng.agenda.node * slots.FLOATS + slots.DUE] = -1.0
        assert _state(slow) == _state(fast)
    assert _drain(slow) == _drain(fast)
