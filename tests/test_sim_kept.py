"""``evaluation.kept`` answers as ``Engine.set_state`` decides, without the cause built.

An evaluation whose result is the state a component already has, for a cause with the
same mechanism and dependency, keeps its event: ``set_state`` adds none.
``eval_component`` asks :func:`blast.sim.evaluation.kept` first and builds the
:class:`Cause` of the input found (``cause_of``) only when it will be used. Here, on
random graphs after a real run (a fault still on at the horizon, so that components are
down or degraded with events of their own), random results (the current one, or one
field changed) and random inputs found (each out-edge with its mechanism, or the
fault) are given to ``kept`` and then to ``set_state`` with the built cause: ``kept``
must be True exactly when ``set_state`` adds no event (for a bad state: only then is it
asked; for a good one it says False). The whole-run checks are the
journals (``/work/wt/jhash.py``, ``tests/test_sim_native.py``, the golden timelines).
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from blast.sim import evaluation
from blast.sim.edges import KIND_NAMES
from blast.sim.engine import Engine
from blast.sim.plan import make_plan
from tests.test_sim_properties import build, cases, scenario


def _found(eng: Engine, v: int, rng: random.Random) -> tuple[str, int]:
    g = eng.g
    old = eng.causes[eng.ev[v]].mechanism
    outs = [e for e in range(len(g.src)) if g.src[e] == v]
    if not outs or rng.random() < 0.2:  # the fault, or any mechanism on it
        return (rng.choice([old, "fault", "hard"]), -1)
    e = rng.choice(outs)
    return (rng.choice([old, eng.pmech[e] or KIND_NAMES[g.kind[e]], "hard", "soft"]), e)


def _check(case, seed: int) -> set[bool]:
    """Random results given to ``kept`` then to ``set_state``; the answers seen."""
    graph = build(case)
    target = sorted(graph.components)[seed % len(graph.components)]
    eng = Engine(make_plan(graph, scenario(target, 10_000, horizon="3h")), 0, 60.0)
    eng.run()
    rng = random.Random(seed)
    n, seen = eng.n_components, set()
    for _ in range(40):
        v = rng.randrange(n)
        if eng.ev[v] < 0:
            continue
        state, share, wrong, control = eng.st[v], eng.sh[v], eng.wr[v], eng.ctrl[v]
        change = rng.randrange(6)
        if change == 1:
            state = rng.choice([s for s in (0, 1, 2) if s != state])
        elif change == 2:
            share = rng.choice([0.0, 0.5, share + 1e-12, 1.0])
        elif change == 3:
            wrong = not wrong
        elif change == 4:
            control = not control
        found = _found(eng, v, rng)
        said = evaluation.kept(eng, v, state, share, wrong, control, found)
        before = len(eng.events)
        eng.set_state(v, state, share, wrong, control, evaluation.cause_of(eng, found))
        if state == 0:  # never asked (a cause is built only for a bad state): it says no
            assert not said
        else:
            assert said == (len(eng.events) == before), (v, state, share, wrong, control, found)
        seen.add(said)
    return seen


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(0, 2**16))
def test_kept_is_what_set_state_decides(case, seed):
    _check(case, seed)


def test_kept_on_seeded_graphs_gives_both_answers():
    rng = random.Random(7)
    seen: set[bool] = set()
    for _ in range(30):
        case = (
            rng.getrandbits(32),
            rng.randint(4, 12),
            rng.randint(0, 3),
            0.3,
            rng.getrandbits(32),
        )
        seen |= _check(case, rng.getrandbits(16))
    assert seen == {True, False}
