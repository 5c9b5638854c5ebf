"""What dependents perceive of a target's change: the filters on edges, applied.

When a node changes state, every edge into it carries the change to its dependent
through the filters of :mod:`blast.sim.edges` (detection delay, cache TTL, lease
timeout, negative caching, health-check removal and restoration, serve-stale). A
change seen at once is applied here and then; a delayed one is scheduled as a
``perceive`` event that a later change of the same edge supersedes (``ver``).
Applying a perception records what the dependent now sees of the edge, marks that
edge as changed for the dependent when it is read (``slots.DIRTY``, which lets an
evaluation that cannot change anything be skipped) and wakes the dependent.

:func:`feed_all` is the hot path of the engine (one call per state change, one loop
iteration per dependent), so what is the same for every edge into the target is read
once, before the loop.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from librt.vecs import vec
from mypy_extensions import i64

from blast.sim.clock import EPS, P_PERCEIVE
from blast.sim.edges import KIND_NAMES, MEMBER
from blast.sim.evaluation import LOCAL
from blast.sim.skip import same, unfelt
from blast.sim.slots import BRK, BRK_ZERO, CAUSED, DEP, DIRTY, DUE, FLOATS, INTS, UP, VAGUE

if TYPE_CHECKING:
    from blast.sim.engine import Engine


def feed_all(eng: Engine, x: int, edges: vec[i64], *, immediate: bool = False) -> None:
    """Target ``x`` of ``edges`` changed: apply or schedule what each dependent perceives.

    ``immediate`` skips the delays (a rerouted edge shows its new target's state at once).
    """
    g, now = eng.g, eng.now
    st0, sh0, wr0, ctrl0, ev = eng.st[x], eng.sh[x], eng.wr[x], eng.ctrl[x], eng.ev[x]
    if (
        st0 == 1
        and sh0 >= 1 - EPS
        and not wr0
        and ctrl0
        and ev >= 0
        and eng.causes[ev].mechanism == LOCAL
    ):
        st0 = 0  # degraded by a loss of margin only (automation off): nothing is lost
    removing = eng.hc_failover[x] and eng.auto[x]
    check = eng.checks[x] if removing else None
    alive, fmech, fdelay, stale, kind = g.alive, g.fmech, g.fdelay, g.stale, g.kind
    pst, pwr, pctrl, ver, bad_since = eng.pst, eng.pwr, eng.pctrl, eng.ver, eng.bad_since
    psh, pev, pmech, src, opos = eng.psh, eng.pev, eng.pmech, g.src, g.opos
    rec, times = eng.per_node, eng.per_node_t  # the dependent's fields (blast.sim.slots)
    vst, plain, suspect = eng.st, eng.plain, eng.is_suspect  # methods called on eng: native
    todo, resolution = eng.agenda, eng.resolution
    pending_mech = eng.pending_mech
    bad0 = st0 != 0 or wr0 or not ctrl0
    answers = st0 == 1 and sh0 >= 1 - EPS and not wr0 and ctrl0  # renews leases
    # an evaluation due now is pushed at now rounded as Engine.schedule rounds it (once
    # here, not per edge), as the bare node number (Agenda.push_node: no tuple per push)
    due = math.ceil(now / resolution - EPS) * resolution if resolution else now
    for e in edges:
        if not alive[e]:
            continue
        ver[e] += 1
        fm = fmech[e]
        mech = ""
        at = now
        if bad0 and not (answers and fm == "lease"):
            st, sh, wr, ctrl = st0, sh0, wr0, ctrl0
            if bad_since[e] < 0:
                bad_since[e] = now
            delay, mech = fdelay[e], fm
            if removing and (sh < 1 - EPS or st == 2):
                assert check is not None
                hc_delay = check.interval * check.unhealthy_threshold
                if hc_delay >= delay:
                    delay, mech = hc_delay, "health-check"
                st, sh = 2, 0.0
            if not (pst[e] != 0 or pwr[e] or not pctrl[e] or immediate):
                at = max(now, bad_since[e] + delay)
            if stale[e] and st == 2 and kind[e] != MEMBER:
                st, sh, wr, mech = 1, 1.0, False, "serve-stale"
        else:
            # good, or degraded but answering through a lease edge (no lease lapses)
            st, sh, wr, ctrl = (0 if bad0 else st0), sh0, wr0, ctrl0
            bad_since[e] = -1.0
            if pst[e] != 0 or pwr[e] or not pctrl[e]:
                delay = g.neg_ttl[e]
                if delay > 0:
                    mech = "negative-cache"
                if removing:
                    assert check is not None
                    hc = (check.not_ready_time or 0.0) + check.interval * check.healthy_threshold
                    if hc > delay:
                        delay, mech = hc, "health-check"
                if not immediate:
                    at = now + delay
        if at > now:
            if resolution:  # as Engine.schedule does, inlined: one push per delayed edge
                at = math.ceil(at / resolution - EPS) * resolution
            todo.push(at, P_PERCEIVE, "perceive", (e, ver[e], st, sh, wr, ctrl, ev, mech))
            continue
        # most edges: seen at once, applied here as :func:`perceive` would (inlined: hot)
        v = src[e]
        b = v * INTS
        vdown = vst[v] == 2
        felt = not (
            (vdown and rec[b + BRK_ZERO] and unfelt(eng, e, v, st, sh, wr, ctrl))
            or same(eng, e, st, sh, wr, ctrl, mech)
        )
        if st == 0 and fm == "lease" and pmech[e] == "lease" and (pst[e] or pwr[e] or not pctrl[e]):
            dep = g.dep[e]
            if dep and dep.lease_work:
                eng.queues.lease_work(e, dep.lease_work)
        pst[e], psh[e], pwr[e], pctrl[e] = st, sh, wr, ctrl
        pev[e], pmech[e] = ev, mech
        if felt and opos[e] <= rec[b + BRK]:  # read by its last evaluation (the later ones not)
            rec[b + DIRTY] = 1
        if st == 2 and vdown and plain[v] and not suspect[v] and not eng.supported_by(e, v):
            continue
        name = mech or KIND_NAMES[kind[e]]
        if times[v * FLOATS + DUE] == now:  # as Engine.recheck_edge does, inlined
            if not rec[b + VAGUE] or name == "recovered":
                continue
        else:
            times[v * FLOATS + DUE] = now
            todo.push_node(due, v)
        rec[b + CAUSED] = 0  # as Engine.set_pending does, inlined
        pending_mech[v] = name
        rec[b + DEP], rec[b + UP] = x, ev
        rec[b + VAGUE] = int(name == "recovered")


def perceive(
    eng: Engine, e: int, version: int, st: int, sh: float, wr: bool, ctrl: bool, ev: int, mech: str
) -> None:
    """The dependent of ``e`` now sees its target as ``(st, sh, wr, ctrl)`` from event ``ev``."""
    g = eng.g
    if version != eng.ver[e] or not g.alive[e]:
        return
    v = g.src[e]
    felt = not (unfelt(eng, e, v, st, sh, wr, ctrl) or same(eng, e, st, sh, wr, ctrl, mech))
    if eng.pmech[e] == "lease" and st == 0 and (eng.pst[e] != 0 or eng.pwr[e] or not eng.pctrl[e]):
        dep = g.dep[e]
        if dep and dep.lease_work:
            eng.queues.lease_work(e, dep.lease_work)
    eng.pst[e], eng.psh[e], eng.pwr[e], eng.pctrl[e] = st, sh, wr, ctrl
    eng.pev[e], eng.pmech[e] = ev, mech
    if felt and g.opos[e] <= eng.per_node[v * INTS + BRK]:
        eng.per_node[v * INTS + DIRTY] = 1
    # a down component seeing a failure gets no better: nothing can change, unless the
    # failure now derives from its own (round a cycle), which it ignores: it may recover
    if (
        st == 2
        and eng.st[v] == 2
        and eng.plain[v]
        and not eng.is_suspect[v]
        and not eng.supported_by(e, v)
    ):
        return
    now = eng.now
    if eng.per_node_t[v * FLOATS + DUE] == now and not eng.per_node[v * INTS + VAGUE]:
        return  # due already, for a reason at least as precise
    eng.recheck_edge(v, now, mech or KIND_NAMES[g.kind[e]], g.dst[e], ev)
