"""What faults and operator actions do to the engine's state when they fire.

Each function handles one kind of trigger event of :class:`blast.sim.engine.Engine`:
a fault starting, a flapping fault's good spell, a fault's end, and an operator
action (repair, restart, automation on/off, reroute, and the queue actions that
:class:`blast.sim.queues.QueueModel` handles). They change what is *active* on a
component and wake it; the evaluation (``blast.sim.evaluation``) decides its state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from librt.vecs import append

from blast.errors import ScenarioError
from blast.sim import cycles
from blast.sim.clock import P_TRIGGER
from blast.sim.journal import Cause
from blast.sim.scenario import ActionKind, FaultMode

if TYPE_CHECKING:
    from blast.sim.engine import Engine


def fault_on(eng: Engine, i: int) -> None:
    if i in eng.fault_ended:
        return
    pf = eng.plan.faults[i]
    f = pf.fault
    mech = {
        FaultMode.DOWN: "fault",
        FaultMode.PARTIAL: "partial",
        FaultMode.WRONG: "wrong-data",
        FaultMode.FLAPPING: "flapping",
    }[f.mode]
    wrong = f.mode is FaultMode.WRONG
    share = 1.0 if wrong else 1.0 - f.fraction
    control = f.plane is not None and f.plane.value == "control"
    reason = Cause(mech, trigger=f.id, detail=f.description)
    for node in pf.targets:
        v = eng.pos[node]
        eng.active[v][i] = (share, wrong, control, mech)
        eng.faulted[v] = True
        eng.wake(v, eng.now, reason)
    if f.mode is FaultMode.FLAPPING:
        assert f.bad is not None and f.good is not None
        end = eng.now + f.bad
        if pf.t_off is None or end < pf.t_off:
            eng.schedule(end, P_TRIGGER, "fault_off", i, eng.now + f.bad + f.good)


def clear_fault(eng: Engine, i: int, reason: Cause) -> None:
    for node in eng.plan.faults[i].targets:
        v = eng.pos[node]
        if eng.active[v].pop(i, None) is not None:
            eng.faulted[v] = len(eng.active[v]) > 0
            eng.wake(v, eng.now, reason)


def fault_off(eng: Engine, i: int, next_on: float) -> None:
    """End of a bad spell of a flapping fault."""
    if i in eng.fault_ended:
        return
    pf = eng.plan.faults[i]
    clear_fault(eng, i, Cause("flapping", trigger=pf.fault.id, detail="good spell"))
    if pf.t_off is None or next_on < pf.t_off:
        eng.schedule(next_on, P_TRIGGER, "fault_on", i)


def fault_end(eng: Engine, i: int) -> None:
    eng.fault_ended.add(i)
    pf = eng.plan.faults[i]
    clear_fault(eng, i, Cause("fault-end", trigger=pf.fault.id))


def action(eng: Engine, i: int) -> None:
    pa = eng.plan.actions[i]
    a = pa.action
    reason = Cause("action", trigger=a.id, detail=a.description or a.do.value)
    targets = [eng.pos[node] for node in pa.targets]
    for v in targets:  # woken first, so that the action is the reason they change
        eng.wake(v, eng.now, reason)
    if a.do is ActionKind.REPAIR:
        for k, pf in enumerate(eng.plan.faults):
            if k not in eng.fault_ended and set(pf.targets) & set(pa.targets):
                hit = [eng.pos[x] for x in pf.targets if x in pa.targets]
                for v in hit:
                    eng.active[v].pop(k, None)
                    eng.faulted[v] = len(eng.active[v]) > 0
                if set(pf.targets) <= set(pa.targets):
                    eng.fault_ended.add(k)
    if a.do in (ActionKind.REPAIR, ActionKind.RESTART):
        for v in targets:
            eng.stuck[v] = False
            eng.rec_at[v] = -1.0
    if a.do is ActionKind.DISABLE_AUTOMATION or a.do is ActionKind.ENABLE_AUTOMATION:
        for v in targets:
            eng.auto[v] = a.do is ActionKind.ENABLE_AUTOMATION
            for e in eng.g.into[v]:  # health-check removal follows automation
                eng.feed(e)
    if a.do is ActionKind.REROUTE:
        reroute(eng, a, reason)
    eng.queues.act(a, targets, reason)


def reroute(eng: Engine, a: Any, reason: Cause) -> None:
    g, rr = eng.g, a.reroute
    s, old = eng.pos[rr.component], eng.pos[rr.source]
    edge = next((e for e in g.out[s] if g.alive[e] and g.dst[e] == old), None)
    if edge is None:
        raise ScenarioError(f"action '{a.id}': '{rr.component}' does not depend on '{rr.source}'")
    g.alive[edge] = False
    if rr.to is not None:
        e = g.add_edge(s, eng.pos[rr.to], g.kind[edge], g.dep[edge])
        eng.pst = append(eng.pst, 0)
        eng.psh = append(eng.psh, 1.0)
        eng.pwr = append(eng.pwr, False)
        eng.pctrl = append(eng.pctrl, True)
        eng.pev = append(eng.pev, -1)
        eng.pmech.append("")
        eng.bad_since = append(eng.bad_since, -1.0)
        eng.ver = append(eng.ver, 0)
        # the new edge may put its target after its dependent, or close a cycle: rank anew
        eng.scc = cycles.components(g)  # (blast.sim.agenda: one instant, dependencies first)
        eng.agenda.rank = eng.scc
        eng.feed(e, immediate=True)
