"""How a component or redundancy group derives its state from what it perceives.

The rules of ``docs/simulation.md``, one function each: :func:`inputs` folds the
active faults, held buffers and every perceived dependency into a share of work
that succeeds (with the cause of the worst input), :func:`eval_component` adds
queues, warm-up, ramped recovery and stuck states, and :func:`eval_group` applies
k-of-n redundancy with failover time. They read and write the state arrays of
:class:`blast.sim.engine.Engine` and end in ``Engine.set_state``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from blast.sim import attrition
from blast.sim.clock import EPS
from blast.sim.derivation import member_apart, members_of, share_apart, stretch_start
from blast.sim.edges import ASYNC, HARD, KIND_NAMES, MEMBER
from blast.sim.holds import held_factor, is_held
from blast.sim.journal import Cause
from blast.sim.slots import BRK, BRK_ZERO, FLOATS, GOOD_SINCE, INTS

LOCAL: Final = "automation-disabled"
"""The cause of a degradation that is a loss of margin only: dependents lose no work and
do not perceive it (see ``blast.sim.perception.feed_all``)."""

if TYPE_CHECKING:
    from blast.sim.engine import Engine


Found = tuple[str, int] | None
"""An input that explains a state: (mechanism, edge), or (mechanism, -1 - fault index)."""


def inputs(eng: Engine, v: int) -> tuple[float, bool, bool, Found, Found]:
    """Share, degraded, wrong, the input behind the lowest share and behind a degradation.

    Causes are carried as the edge (or fault) that explains them and made a
    :class:`Cause` by :func:`cause_of` only when the evaluation uses one: most inputs
    of most evaluations explain nothing in the result.
    """
    g, queues = eng.g, eng.queues
    share, degraded, wrong = 1.0, False, False
    worst_factor = 1.0
    # a cause is (mechanism, edge) for an edge, (mechanism, -1 - fault) for a fault
    worst: Found = None
    soft_cause: Found = None
    if eng.faulted[v]:
        for i, (fshare, fwrong, fcontrol, mech) in sorted(eng.active[v].items()):
            if fcontrol:
                degraded = True
                soft_cause = soft_cause or ("control-plane", -1 - i)
                continue
            if fwrong:
                wrong, degraded = True, True
                soft_cause = soft_cause or (mech, -1 - i)
            if fshare < worst_factor - EPS:
                worst, worst_factor = (mech, -1 - i), fshare
            share = min(share, fshare)
    eng.saw_suspect[v] = False
    # every input that lowers the share: edge, factor, whether that is the target's share
    # (a hard edge); a degradation that loses no work follows its cause alone
    contrib: list[tuple[int, float, bool]] = []
    eng.contrib = contrib
    capacity = attrition.capacity_edges(eng, v) if not eng.plain[v] else None
    if capacity is not None:  # edges that act only through its capacity (attrition.py)
        pool_share, short, found = attrition.evaluate(eng, v)
        if short:  # short of capacity explains it before its own backlog does
            degraded = True
            share *= pool_share
            if worst is None or pool_share < worst_factor - EPS:
                worst, worst_factor = found, pool_share
    # its out-edges: numbered in a row from ``first`` unless a reroute added one (edges.py)
    first, n_out = g.span[2 * v], g.span[2 * v + 1]
    if first < 0:
        n_out = len(g.out[v])
    rec, b = eng.per_node, v * INTS  # where it stops reading (blast.sim.slots)
    rec[b + BRK], rec[b + BRK_ZERO] = n_out, 0
    plain, pst, psh, pwr, pctrl = eng.plain[v], eng.pst, eng.psh, eng.pwr, eng.pctrl
    alive, kinds = g.alive, g.kind
    suspect, is_suspect = eng.suspect, eng.is_suspect
    # whether v has a bad stretch its inputs' badness could derive from (supported_by)
    own = eng.bad_from[v] >= 0 or (
        eng.per_node_t[v * FLOATS + GOOD_SINCE] == eng.now and eng.last_bad_from[v] >= 0
    )
    # an input down apart from v that derives partly from v is read past: a later input
    # down that does not derive from v is then the cause, both are recorded (derivation.py)
    zero_apart = worst_apart = False
    for pos in range(n_out):
        e = first + pos if first >= 0 else g.out[v][pos]
        ps, pw, pc = pst[e], pwr[e], pctrl[e]
        if plain:  # no buffers: an edge seen good (or dead) changes nothing
            if ps == 0 and not pw and pc:
                continue
        elif capacity is not None and e in capacity:
            continue
        elif alive[e] and is_held(eng, e):
            held = held_factor(eng, e)
            if held is None:
                continue
            degraded = True
            if held < 1 - EPS:
                contrib.append((e, held, False))
                share *= held
                if worst is None or held < worst_factor - EPS:
                    worst, worst_factor = ("backlog", e), held
            elif soft_cause is None:
                soft_cause = ("backlog", e)
            continue
        k = kinds[e]
        share_e = psh[e]
        if (ps == 0 and not pw and pc and not (k == ASYNC and queues.buffered(e))) or not alive[e]:
            continue
        linear = ps != 0 and not pw and k in (HARD, MEMBER) and not g.control[e]
        untrusted = len(suspect) > 0 and is_suspect[g.dst[e]]
        apart = False
        if own and eng.supported_by(e, v):
            if not (linear and pc) or (untrusted and not eng.trusted(e)):
                continue  # derives from its own badness: ignored whole
            # a partial share: what does not derive from its own still counts (derivation.py)
            share_e = share_apart(eng, eng.pev[e], v, stretch_start(eng, v))
            if share_e >= 1 - EPS:
                continue
            apart = True
            if share_e > EPS:  # down only through v: what is left of it is a partial share
                ps = 1
        elif untrusted and not eng.trusted(e):
            continue
        if not eng.auto[v]:
            dep = g.dep[e]
            if dep is not None and dep.through_failover:
                continue  # its checker acts on it only through failover, which is off
        if pw and ps == 1 and psh[e] >= 1 - EPS and pc and g.wrong_mode[e] == 3:
            continue  # only wrong, and this consumer ignores wrong data
        name = eng.pmech[e] or KIND_NAMES[k]
        factor, deg = 1.0, ps != 0
        if g.control[e]:
            if not pc or ps == 2:
                factor, name = 0.0, "control-plane"
            deg = deg or not pc
        else:
            if pw:
                mode = g.wrong_mode[e]
                if mode == 0:
                    factor, name = 0.0, "wrong-data"
                elif mode == 2:
                    wrong = True
                deg = deg or mode != 3
            if k in (HARD, MEMBER):
                factor *= 0.0 if ps == 2 else share_e
            elif k == ASYNC:
                factor *= queues.async_factor(e)
                if factor < 1 - EPS or queues.buffered(e):
                    deg, name = True, "buffer"
            if ps == 2 and g.withdraw[e]:
                factor, name = 0.0, "withdraw"
        if not deg and factor >= 1 - EPS:
            continue
        degraded = True
        if factor < 1 - EPS:
            contrib.append((e, factor, linear))
            share *= factor
            if (
                worst is None
                or factor < worst_factor - EPS
                or (worst_apart and factor == 0.0 and not apart)
            ):
                worst, worst_factor, worst_apart = (name, e), factor, apart
        elif soft_cause is None:
            soft_cause = (name, e)
        if share <= EPS and worst is not None and worst[0] != "partial":
            if zero_apart or (apart and factor == 0.0):
                zero_apart = True
                if worst_apart:
                    continue  # no input down that does not derive from v yet: read on
            rec[b + BRK] = pos  # the edges after it are not read: their changes change nothing
            rec[b + BRK_ZERO] = int(factor == 0.0 and worst[1] == e)
            break
    return max(0.0, share), degraded, wrong, worst, soft_cause


def cause_of(eng: Engine, found: tuple[str, int]) -> Cause:
    """The :class:`Cause` of an input found by :func:`inputs` (an edge or a fault)."""
    name, e = found
    if e < 0:
        return Cause(name, trigger=eng.plan.faults[-1 - e].fault.id)
    ev = eng.pev[e]
    return Cause(name, eng.g.nodes[eng.g.dst[e]], ev if ev >= 0 else None)


def kept(
    eng: Engine, v: int, state: int, share: float, wrong: bool, control: bool,
    found: tuple[str, int],
) -> bool:  # fmt: skip
    """Whether ``Engine.set_state`` would keep ``v``'s current event, the cause being
    :func:`cause_of` ``found``: the same bad state, share, wrong data and control, and a
    cause with the same mechanism and dependency (its rule, read here without building
    the :class:`Cause`: at 100,000 components about 400,000 evaluations end so, and
    each built one only to compare two of its fields and drop it).
    """
    ev = eng.ev[v]
    if state == 0 or ev < 0:
        return False
    if share != 0.0 and share != 1.0:  # as set_state rounds it
        share = round(share, 9)
    if eng.st[v] != state or eng.sh[v] != share or eng.wr[v] != wrong or eng.ctrl[v] != control:
        return False
    old = eng.causes[ev]
    name, e = found
    if old.mechanism != name:
        return False
    if e < 0:  # a fault: cause_of gives no dependency
        return old.dependency is None
    return old.dependency == eng.g.nodes[eng.g.dst[e]]


def queue_cause(eng: Engine, v: int) -> Cause:
    """Why ``v``'s queue impairs it (``QueueModel.impairs`` said it does)."""
    cause = eng.queues.cause(v)
    assert cause is not None
    return cause


def eval_component(eng: Engine, v: int, reason: Cause | None) -> None:
    """Derive component ``v``'s state; ``reason`` None: ``Engine.pending_reason``."""
    share, degraded, wrong, worst_in, soft_in = inputs(eng, v)
    control = not eng.faulted[v] or not any(c for _, _, c, _ in eng.active[v].values())
    stuck_cause: Cause | None = None
    if eng.stuck[v] and share > EPS:  # what it needs is back, but it waits for an operator
        share = 0.0
        stuck_cause = Cause("stuck", detail="does not recover by itself (restart_required)")
    queues = eng.queues
    queue_bad = queue_worst = False  # its queue's cause is built only if it is the one
    if eng.queued[v]:
        share = queues.adjust(v, share)  # a stuck component serves nothing: its queue fills
        if queues.impairs(v):
            queue_bad = degraded = True
            queue_worst = queues.share(v) < 1 - EPS
    state = 2 if share <= EPS else (1 if share < 1 - EPS or degraded or wrong else 0)
    eng.settled[v] = state == 2 and eng.plain[v]
    cause = reason  # None: the reason kept beside (Engine.pending_reason), if it is used
    from_input = False
    found: Found = None  # an input as the cause: made a Cause only if read (see kept)
    if state:  # the worst input explains it, then its own backlog, then a degradation
        if queue_worst:
            cause = queue_cause(eng, v)
        elif stuck_cause is not None:
            cause = stuck_cause
        elif worst_in is not None:
            found, from_input = worst_in, True
        elif queue_bad:  # its own backlog explains it before a still-serving dependency
            cause = queue_cause(eng, v)
        elif soft_in is not None:
            found = soft_in
    if state == 0 and eng.hc_failover[v] and not eng.auto[v]:
        # serves all its work, without its automatic failover: a loss of margin, its own
        state, cause = 1, Cause(LOCAL, detail="automatic health-check failover switched off")
    prev = eng.st[v]
    if prev == 2 and state < 2:
        if found is not None:
            cause, found = cause_of(eng, found), None
        cause = cause or eng.pending_reason(v)
        wait = eng.recovery_time[v]
        # a ramp under way is the recovery itself: its 0% step must not restart the warm-up
        if wait > 0 and eng.auto[v] and eng.ramp_from[v] < 0:
            if eng.rec_at[v] < 0:
                eng.rec_at[v] = eng.now + wait
                eng.rec_reason[v] = cause
                eng.wake_later(v, eng.rec_at[v], Cause("recovery", detail="warm-up"))
                return
            if eng.now < eng.rec_at[v] - EPS:
                return
            why = eng.rec_reason[v] or cause
            cause = Cause(
                "recovery",
                why.dependency,
                why.upstream,
                why.trigger,
                f"warm-up of {wait:g}s over",
            )
        eng.rec_at[v] = -1.0
        if eng.ramp_from[v] < 0:
            eng.ramp_from[v] = eng.now
            eng.ramp_reason[v] = cause
    if state == 2:
        eng.rec_at[v] = -1.0
        eng.ramp_from[v] = -1.0
        if eng.restart_required[v] and not eng.stuck[v]:
            eng.stuck[v] = True
    capped = ramp(eng, v, share) if eng.ramp_from[v] >= 0 else share
    if capped < share - EPS:
        share = capped
        state = 2 if share <= EPS else 1
        if found is not None:
            cause, found = cause_of(eng, found), None
        why = eng.ramp_reason[v] or cause or eng.pending_reason(v)
        cause = Cause(
            "ramp", why.dependency, why.upstream, why.trigger, f"{share:.0%} of capacity back"
        )
    if eng.stuck[v] and state < 2:
        return
    if found is not None:
        if kept(eng, v, state, share, wrong, control, found):
            return  # Engine.set_state would keep its event: no Cause, no inputs list built
        cause = cause_of(eng, found)
    pev, contrib = eng.pev, eng.contrib
    # down through hard inputs (its cause among them): what is down only through a node
    # is then re-derived apart from it as a degradation is (derivation.share_apart)
    down_in = False
    if state == 2 and from_input and worst_in is not None:
        down_in = any(e == worst_in[1] and f == 0.0 and h for e, f, h in contrib)
    also = [(pev[e], f, h) for e, f, h in contrib if pev[e] >= 0] if state == 1 or down_in else None
    eng.set_state(v, state, share, wrong, control, cause, also)


def ramp(eng: Engine, v: int, share: float) -> float:
    """Capacity back so far during a ramped recovery (quantised to tenths, or units)."""
    start = eng.ramp_from[v]
    per_step = eng.ramp_step[v]
    if start < 0 or per_step < 0:
        return share
    steps: int = eng.ramp_steps[v]
    done = math.floor((eng.now - start) / per_step + EPS)
    if done >= steps:
        eng.ramp_from[v] = -1.0
        return share
    eng.wake_later(v, start + (done + 1) * per_step, Cause("ramp"))
    return min(share, done / steps)


def eval_group(eng: Engine, v: int, reason: Cause) -> None:
    g = eng.g
    members = [e for e in g.out[v] if g.alive[e]]
    # a member whose badness derives from this group's own counts only for the part that
    # does not (least fixpoint, derivation.py): as fine if it is being re-derived
    st, sh, wr = {}, {}, {}
    for e in members:
        if eng.supported_by(e, v):
            if eng.pst[e] == 0 or not eng.trusted(e):
                st[e], sh[e], wr[e] = 0, 1.0, False
            else:
                st[e], sh[e], wr[e] = member_apart(eng, e, v)
        elif not eng.trusted(e):
            st[e], sh[e], wr[e] = 0, 1.0, False
        else:
            st[e], sh[e], wr[e] = eng.pst[e], eng.psh[e], eng.pwr[e]
    down = frozenset(e for e in members if st[e] == 2)
    away = eng.routed_away[v] & down  # recovered members take traffic again at once
    # with every member down there is nowhere to fail over to: routing stays as it is
    moving = down if len(down) < len(members) else away
    if moving != away and eng.auto[v]:
        due = eng.failover_at[v]
        if g.failover_time[v] <= 0 or (due >= 0 and eng.now >= due - EPS):
            away, eng.failover_at[v] = moving, -1.0
        elif due < 0:
            eng.failover_at[v] = eng.now + g.failover_time[v]
            eng.wake_later(v, eng.failover_at[v], Cause("failover"))
    elif moving == away:
        eng.failover_at[v] = -1.0
    eng.routed_away[v] = away
    serving = [e for e in members if e not in away]
    if len(members) - len(down) < g.min_up[v] or not serving:
        share = 0.0
    elif g.passive[v]:
        share = 0.0 if st[serving[0]] == 2 else sh[serving[0]]
    else:
        share = sum(0.0 if st[e] == 2 else sh[e] for e in serving) / len(serving)
    wrong = any(wr[e] for e in serving)
    degraded = any(st[e] or wr[e] for e in members)
    state = 2 if share <= EPS else (1 if share < 1 - EPS or degraded or wrong else 0)
    eng.settled[v] = state == 2 and eng.plain[v]
    cause = reason
    if state:
        # the member that explains it best: one traffic has not left yet, then any down
        # member, then any degraded or wrong one
        ranked = sorted(
            (e for e in members if st[e] or wr[e]),
            key=lambda e: (not (e in down and e not in away), e not in down),
        )
        if ranked:
            pick = ranked[0]
            moving_now = pick in down and pick not in away
            name = "failover" if moving_now and share > EPS else "group"
            if moving_now and not eng.auto[v]:
                name = "failover-disabled"
            ev = eng.pev[pick]
            cause = Cause(name, g.nodes[g.dst[pick]], ev if ev >= 0 else None)
    record = members_of(eng, members, st, sh, away) if state else None
    eng.set_state(v, state, share, wrong, True, cause, record)
