"""Delete-and-rederive: what a component's improvement makes suspect, and the counts that bound it.

The engine's evaluation is a least fixpoint in time (see :mod:`blast.sim.engine`):
a component must not stay bad only because of badness that derived from an earlier
state of something that has since improved. When a component ``u`` gets better,
:func:`retract` marks every component whose *current* bad event descends from one of
``u``'s events in the bad stretch that just ended as suspect and re-evaluates it;
until then nobody trusts its badness, so stale badness cannot chase itself round a
cycle. This is the delete step of DRed (Gupta, Mumick and Subrahmanian, "Maintaining
Views Incrementally", SIGMOD 1993), applied to the event tree: each event has one
upstream event (its cause), so the events an improvement can invalidate are a subtree.

:func:`relive` keeps, per event, how many of its descendants (itself included) are
some component's current bad event, so that :func:`retract` walks only subtrees that
still hold current badness. Without it a component bad for hours had the whole
cascade since under it, long recovered, and walked it at each improvement: at 30,000
components 80% of the walk's steps, growing faster than the events.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from librt.vecs import append, pop, vec
from mypy_extensions import i64

from blast.sim.clock import EPS
from blast.sim.journal import Cause
from blast.sim.slots import BACK, CAUSED, DEP, DUE, FLOATS, INTS, UP, VAGUE

if TYPE_CHECKING:
    from blast.sim.engine import Engine


def retract(eng: Engine, u: int, since: int) -> None:
    """``u`` got better: whatever is currently bad through its states since ``since`` is suspect.

    ``since`` is the index of the first event of the bad stretch that just improved.
    Each suspect component is re-checked now, with ``recovered`` as the reason.
    """
    ev, node, kids = eng.ev, eng.ev_node, eng.ev_kids
    up = ev[u]  # the reason, "what it needed is back", kept as its parts (recovered_reason)
    st, wr, ctrl = eng.st, eng.wr, eng.ctrl
    live, prev = eng.ev_live, eng.ev_prev
    mine = vec[i64]()  # u's events from since, before its current one, newest first
    k = prev[ev[u]]
    while k >= 0 and k >= since:
        if live[k]:
            mine = append(mine, k)
        k = prev[k]
    stack = vec[i64]()
    for i in range(len(mine) - 1, -1, -1):  # pushed oldest first, as they were numbered
        stack = append(stack, mine[i])
    eng.retracts += 1
    seen, stamp = eng.ev_mark, eng.retracts  # not a set: a mark per event
    suspect, is_suspect, due = eng.suspect, eng.is_suspect, due_now(eng)
    while len(stack) > 0:
        stack, top = pop(stack)
        for j in kids[top]:
            if seen[j] == stamp or not live[j]:  # nothing under j is anyone's current bad event
                continue
            seen[j] = stamp
            stack = append(stack, j)
            w = node[j]
            if ev[w] == j and not is_suspect[w] and (st[w] or wr[w] or not ctrl[w]):
                suspect.add(w)
                is_suspect[w] = True
                recheck_recovered(eng, w, due, u, up, BACK)


def relive(eng: Engine, gone: int, new: int) -> None:
    """Keep ``eng.ev_live``: a current bad event ``gone`` (-1: none) is replaced by ``new``.

    ``gone``'s ancestors lose one, ``new``'s gain one, up to their first common
    ancestor, where the two cancel (an upstream event is always an earlier one, so the
    higher index steps up first and the chains meet there).
    """
    live, up = eng.ev_live, eng.ev_up
    while gone != new:
        if gone > new:
            live[gone] -= 1
            gone = up[gone]
        else:
            live[new] += 1
            new = up[new]


def due_now(eng: Engine) -> float:
    """``now`` rounded as ``Engine.schedule`` rounds it: where an evaluation due now goes."""
    res = eng.resolution
    return math.ceil(eng.now / res - EPS) * res if res else eng.now


def recheck_recovered(eng: Engine, v: i64, due: float, dep: i64, up: i64, kind: i64) -> None:
    """``Engine.recheck`` of ``v`` at ``now`` for a ``recovered`` reason; ``due``: :func:`due_now`.

    The reason is :func:`recovered_reason` of node ``dep`` at its event ``up``, ``kind``
    ``slots.BACK`` or ``slots.STILL``, kept as those three numbers in ``v``'s record:
    no :class:`Cause` is built (nor its dependency's name read) unless the evaluation
    uses it, and no old pending cause is dropped (a write to the list, and a miss on the
    old object). Such a reason never replaces a pending one, so a component already due
    is one read of its ``DUE``. The loops over what :func:`retract` makes suspect and
    over the dependents that read past a suspect (``Engine._eval_event``), 614,000 calls
    at 100,000 components (2.6 million when a suspect still bad woke all its
    dependents), call this with ``due`` computed once.
    """
    times, bt = eng.per_node_t, v * FLOATS
    if times[bt + DUE] == eng.now:
        return
    times[bt + DUE] = eng.now
    rec, b = eng.per_node, v * INTS
    rec[b + DEP], rec[b + UP], rec[b + CAUSED], rec[b + VAGUE] = dep, up, kind, 1
    eng.agenda.push_node(due, v)


def recovered_reason(eng: Engine, v: int, kind: int) -> Cause:
    """The ``recovered`` reason kept in ``v``'s record by :func:`recheck_recovered`."""
    rec, b = eng.per_node, v * INTS
    dep = eng.g.nodes[rec[b + DEP]]
    if kind == BACK:
        return Cause("recovered", dep, rec[b + UP], detail="what it needed is back")
    return Cause("recovered", dep, rec[b + UP], detail="still bad on its own")
