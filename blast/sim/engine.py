"""The time engine: events for state changes, perception filters on edges.

A heap holds events ordered by ``(time, priority, sequence)`` (SimPy's
``Environment.schedule`` order): faults and operator actions first, then what
dependents perceive, then re-evaluations. Work is proportional to changes, not
to components x time steps: a component is evaluated only when something it
perceives changes or a timer of its own (failover, warm-up, ramp, queue) fires.

Evaluation is a least fixpoint in time: a component ignores inputs whose
badness is derived from its own current badness (their cause chain reaches its
current event), so mutual dependencies never keep each other down without a
cause once the trigger is gone. Everything else follows the rules of
``docs/simulation.md``; each rule lives in one method below.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

from blast.errors import ScenarioError
from blast.sim.edges import ASYNC, HARD, KIND_NAMES, MEMBER, Compiled
from blast.sim.holds import held_factor, is_held
from blast.sim.journal import STATES, Cause, Event, Journal, Trigger
from blast.sim.plan import Plan
from blast.sim.queues import QueueModel
from blast.sim.scenario import ActionKind, FaultMode

P_TRIGGER, P_PERCEIVE, P_EVAL = 0, 1, 2
EPS = 1e-9
MAX_EVALS_PER_INSTANT = 200
"""Evaluations of one component at one instant before the run is declared divergent."""


class Engine:
    """One run of a plan; :meth:`run` returns the journal."""

    def __init__(self, plan: Plan, seed: int, resolution: float | None = None) -> None:
        self.plan = plan
        self.seed = seed
        self.resolution = resolution
        g = self.g = Compiled.of(plan.graph)
        n, n_edges = len(g.nodes), len(g.src)
        self.st = [0] * n
        self.sh = [1.0] * n
        self.wr = [False] * n
        self.ctrl = [True] * n
        self.ev = [-1] * n
        self.active: list[dict[int, tuple[float, bool, bool, str]]] = [{} for _ in range(n)]
        self.stuck = [False] * n
        self.auto = [True] * n
        self.rec_at = [-1.0] * n
        self.rec_reason: list[Cause | None] = [None] * n
        self.ramp_reason: list[Cause | None] = [None] * n
        self.ramp_from = [-1.0] * n
        self.routed_away: list[frozenset[int]] = [frozenset()] * n
        self.failover_at = [-1.0] * n
        self.pst = [0] * n_edges
        self.psh = [1.0] * n_edges
        self.pwr = [False] * n_edges
        self.pctrl = [True] * n_edges
        self.pev = [-1] * n_edges
        self.pmech = [""] * n_edges
        self.bad_since = [-1.0] * n_edges
        self.ver = [0] * n_edges
        self.heap: list[tuple[Any, ...]] = []
        self.seq = 0
        self.pending_eval = [-1.0] * n
        self.pending_reason: list[Cause] = [Cause("recovered")] * n
        self.evals_now: dict[int, int] = {}
        self.now = 0.0
        self.events: list[Event] = []
        self.ev_up: list[int] = []
        self.ev_node: list[int] = []
        self.ev_kids: list[list[int]] = []  # events each event caused
        self.node_events: list[list[int]] = [[] for _ in range(n)]
        self.suspect: set[int] = set()
        self.bad_from = [-1] * n  # first event of each node's current stretch of badness
        self.last_bad_from = [-1] * n  # ... of its last stretch, and when that ended
        self.good_since = [-1.0] * n
        self.fault_ended: set[int] = set()
        self.queues = QueueModel(self)
        comps = g.components
        self.restart_required = [bool(c.timing and c.timing.restart_required) for c in comps]
        self.recovery_time = [(c.timing.recovery_time or 0.0) if c.timing else 0.0 for c in comps]
        self.checks = [c.health_check for c in comps]
        self.plain = [  # components whose evaluation has no timers of its own
            c.queue is None and not any(d.buffer for d in c.depends_on) for c in comps
        ] + [False] * (n - g.n_components)

    # --- scheduling -----------------------------------------------------------------

    def schedule(self, t: float, priority: int, kind: str, *args: Any) -> None:
        """Push an event; with a ``resolution``, times round up to its next multiple."""
        if self.resolution:
            t = math.ceil(t / self.resolution - EPS) * self.resolution
        self.seq += 1
        heapq.heappush(self.heap, (t, priority, self.seq, kind, args))

    def wake(self, v: int, t: float, reason: Cause) -> None:
        """Re-evaluate node ``v`` at ``t`` (once per instant; a precise reason wins)."""
        if self.pending_eval[v] == t:
            if self.pending_reason[v].mechanism == "recovered" and reason.mechanism != "recovered":
                self.pending_reason[v] = reason
            return
        self.pending_eval[v] = t
        self.pending_reason[v] = reason
        self.schedule(t, P_EVAL, "eval", v, None)

    # --- the run --------------------------------------------------------------------

    def run(self) -> Journal:
        plan = self.plan
        for i, pf in enumerate(plan.faults):
            if pf.t_on <= plan.horizon:
                self.schedule(pf.t_on, P_TRIGGER, "fault_on", i)
            if pf.t_off is not None and pf.t_off <= plan.horizon:
                self.schedule(pf.t_off, P_TRIGGER, "fault_end", i)
        for i, pa in enumerate(plan.actions):
            if 0 <= pa.t <= plan.horizon:
                self.schedule(pa.t, P_TRIGGER, "action", i)
        handlers: dict[str, Any] = {
            "fault_on": self._fault_on,
            "fault_off": self._fault_off,
            "fault_end": self._fault_end,
            "action": self._action,
            "perceive": self._perceive,
            "eval": self._eval_event,
        }
        heap = self.heap
        while heap:
            t, _, _, kind, args = heapq.heappop(heap)
            if t > plan.horizon:
                break
            if t != self.now:
                self.now = t
                self.evals_now.clear()
            handlers[kind](*args)
        return self._journal()

    def _journal(self) -> Journal:
        plan, g = self.plan, self.g
        triggers = [
            Trigger(
                pf.fault.id,
                f"fault:{pf.fault.mode.value}",
                pf.t_on,
                pf.t_off,
                pf.targets,
                pf.fault.description,
            )
            for pf in plan.faults
        ] + [
            Trigger(
                pa.action.id,
                f"action:{pa.action.do.value}",
                pa.t,
                None,
                pa.targets,
                pa.action.description,
            )
            for pa in plan.actions
        ]
        return Journal(
            graph=plan.graph.name or (plan.graph.files[0] if plan.graph.files else ""),
            scenario=plan.name,
            start=plan.start,
            horizon=plan.horizon,
            seed=self.seed,
            components=g.nodes,
            user_facing=plan.graph.user_facing,
            triggers=tuple(triggers),
            events=tuple(self.events),
            queues=self.queues.series(),
        )

    # --- triggers -------------------------------------------------------------------

    def _fault_on(self, i: int) -> None:
        if i in self.fault_ended:
            return
        pf = self.plan.faults[i]
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
            v = self._pos[node]
            self.active[v][i] = (share, wrong, control, mech)
            self.wake(v, self.now, reason)
        if f.mode is FaultMode.FLAPPING:
            assert f.bad is not None and f.good is not None
            end = self.now + f.bad
            if pf.t_off is None or end < pf.t_off:
                self.schedule(end, P_TRIGGER, "fault_off", i, self.now + f.bad + f.good)

    @property
    def _pos(self) -> dict[str, int]:
        pos = self.__dict__.get("_position")
        if pos is None:
            pos = {node: k for k, node in enumerate(self.g.nodes)}
            self.__dict__["_position"] = pos
        return pos

    def _clear_fault(self, i: int, reason: Cause) -> None:
        for node in self.plan.faults[i].targets:
            v = self._pos[node]
            if self.active[v].pop(i, None) is not None:
                self.wake(v, self.now, reason)

    def _fault_off(self, i: int, next_on: float) -> None:
        """End of a bad spell of a flapping fault."""
        if i in self.fault_ended:
            return
        pf = self.plan.faults[i]
        self._clear_fault(i, Cause("flapping", trigger=pf.fault.id, detail="good spell"))
        if pf.t_off is None or next_on < pf.t_off:
            self.schedule(next_on, P_TRIGGER, "fault_on", i)

    def _fault_end(self, i: int) -> None:
        self.fault_ended.add(i)
        pf = self.plan.faults[i]
        self._clear_fault(i, Cause("fault-end", trigger=pf.fault.id))

    def _action(self, i: int) -> None:
        pa = self.plan.actions[i]
        a = pa.action
        reason = Cause("action", trigger=a.id, detail=a.description or a.do.value)
        targets = [self._pos[node] for node in pa.targets]
        for v in targets:  # woken first, so that the action is the reason they change
            self.wake(v, self.now, reason)
        if a.do is ActionKind.REPAIR:
            for k, pf in enumerate(self.plan.faults):
                if k not in self.fault_ended and set(pf.targets) & set(pa.targets):
                    hit = [self._pos[x] for x in pf.targets if x in pa.targets]
                    for v in hit:
                        self.active[v].pop(k, None)
                    if set(pf.targets) <= set(pa.targets):
                        self.fault_ended.add(k)
        if a.do in (ActionKind.REPAIR, ActionKind.RESTART):
            for v in targets:
                self.stuck[v] = False
                self.rec_at[v] = -1.0
        if a.do is ActionKind.DISABLE_AUTOMATION or a.do is ActionKind.ENABLE_AUTOMATION:
            for v in targets:
                self.auto[v] = a.do is ActionKind.ENABLE_AUTOMATION
                for e in self.g.into[v]:  # health-check removal follows automation
                    self._feed(e)
        if a.do is ActionKind.REROUTE:
            self._reroute(a, reason)
        self.queues.act(a, targets, reason)

    def _reroute(self, a: Any, reason: Cause) -> None:
        g, rr = self.g, a.reroute
        s, old = self._pos[rr.component], self._pos[rr.source]
        edge = next((e for e in g.out[s] if g.alive[e] and g.dst[e] == old), None)
        if edge is None:
            raise ScenarioError(
                f"action '{a.id}': '{rr.component}' does not depend on '{rr.source}'"
            )
        g.alive[edge] = False
        if rr.to is not None:
            e = g.add_edge(s, self._pos[rr.to], g.kind[edge], g.dep[edge])
            self.pst.append(0)
            self.psh.append(1.0)
            self.pwr.append(False)
            self.pctrl.append(True)
            self.pev.append(-1)
            self.pmech.append("")
            self.bad_since.append(-1.0)
            self.ver.append(0)
            self._feed(e, immediate=True)

    # --- perception -----------------------------------------------------------------

    def _feed(self, e: int, *, immediate: bool = False) -> None:
        """The target of edge ``e`` changed: schedule what the dependent will perceive."""
        g, x, now = self.g, self.g.dst[e], self.now
        if not g.alive[e]:
            return
        st, sh, wr, ctrl = self.st[x], self.sh[x], self.wr[x], self.ctrl[x]
        if g.fmech[e] == "lease" and st == 1 and sh >= 1 - EPS and not wr and ctrl:
            st = 0  # a degraded target that still answers renews leases: none lapses
        bad = st != 0 or wr or not ctrl
        check = self.checks[x] if x < g.n_components else None
        removing = check is not None and check.failover and self.auto[x]
        self.ver[e] += 1
        mech = ""
        if bad:
            if self.bad_since[e] < 0:
                self.bad_since[e] = now
            delay, mech = g.fdelay[e], g.fmech[e]
            if removing and (sh < 1 - EPS or st == 2):
                assert check is not None
                hc_delay = check.interval * check.unhealthy_threshold
                if hc_delay >= delay:
                    delay, mech = hc_delay, "health-check"
                st, sh = 2, 0.0
            perceived_bad = self.pst[e] != 0 or self.pwr[e] or not self.pctrl[e]
            at = now if perceived_bad or immediate else max(now, self.bad_since[e] + delay)
            if g.stale[e] and st == 2 and g.kind[e] != MEMBER:
                st, sh, wr, mech = 1, 1.0, False, "serve-stale"
        else:
            self.bad_since[e] = -1.0
            at = now
            if self.pst[e] != 0 or self.pwr[e] or not self.pctrl[e]:
                delay = g.neg_ttl[e]
                if delay > 0:
                    mech = "negative-cache"
                if removing:
                    assert check is not None
                    hc = (check.not_ready_time or 0.0) + check.interval * check.healthy_threshold
                    if hc > delay:
                        delay, mech = hc, "health-check"
                at = now + delay if not immediate else now
        if at <= now:  # most edges: seen at once, no need to go through the heap
            self._perceive(e, self.ver[e], st, sh, wr, ctrl, self.ev[x], mech)
            return
        self.schedule(
            at, P_PERCEIVE, "perceive", e, self.ver[e], st, sh, wr, ctrl, self.ev[x], mech
        )

    def _perceive(
        self, e: int, version: int, st: int, sh: float, wr: bool, ctrl: bool, ev: int, mech: str
    ) -> None:
        if version != self.ver[e] or not self.g.alive[e]:
            return
        was_bad = self.pst[e] != 0 or self.pwr[e] or not self.pctrl[e]
        dep = self.g.dep[e]
        if was_bad and self.pmech[e] == "lease" and st == 0 and dep and dep.lease_work:
            self.queues.lease_work(e, dep.lease_work)
        self.pst[e], self.psh[e], self.pwr[e], self.pctrl[e] = st, sh, wr, ctrl
        self.pev[e], self.pmech[e] = ev, mech
        v = self.g.src[e]
        if st == 2 and self.st[v] == 2 and self.plain[v] and v not in self.suspect:
            return  # a down component seeing a failure get no better: nothing can change
        x = self.g.dst[e]
        name = mech or KIND_NAMES[self.g.kind[e]]
        self.wake(v, self.now, Cause(name, self.g.nodes[x], ev if ev >= 0 else None))

    def _supported_by(self, e: int, v: int) -> bool:
        """Whether the badness seen through ``e`` derives from ``v``'s current bad stretch."""
        start = self.bad_from[v]
        if start < 0 and self.good_since[v] == self.now:
            start = self.last_bad_from[v]  # bad until this instant: still no reason for itself
        if start < 0:
            return False
        k, up, node = self.pev[e], self.ev_up, self.ev_node
        while k >= start:  # indices fall along a chain: stop before v's bad stretch began
            if node[k] == v:
                return True
            k = up[k]
        return False

    # --- evaluation -----------------------------------------------------------------

    def _eval_event(self, v: int, reason: Cause | None) -> None:
        if reason is None:  # woken through wake(): the reason is kept beside
            reason = self.pending_reason[v]
            self.pending_eval[v] = -1.0
        count = self.evals_now.get(v, 0) + 1
        self.evals_now[v] = count
        if count > MAX_EVALS_PER_INSTANT:
            raise ScenarioError(
                f"the simulation does not settle: '{self.g.nodes[v]}' changed state "
                f"{MAX_EVALS_PER_INSTANT} times at t={self.now:g}s (a zero-delay loop?)"
            )
        was_suspect = v in self.suspect
        self.suspect.discard(v)
        before = len(self.events)
        if v >= self.g.n_components:
            self._eval_group(v, reason)
        else:
            self._eval_component(v, reason)
        if was_suspect and len(self.events) == before and self.st[v]:
            again = Cause("recovered", self.g.nodes[v], self.ev[v], detail="still bad on its own")
            for e in self.g.into[v]:  # still bad on its own: dependents that ignored it look again
                self.wake(self.g.src[e], self.now, again)

    def _retract(self, u: int, since: int) -> None:
        """``u`` got better: whatever is bad through its old states is suspect.

        Delete-and-rederive (DRed) for the least fixpoint: every node whose
        current bad event descends from one of ``u``'s events since ``since``
        (the start of the bad stretch that just improved) is re-evaluated, and
        until then nobody trusts its badness, so stale badness cannot chase
        itself round a cycle.
        """
        reason = Cause("recovered", self.g.nodes[u], self.ev[u], detail="what it needed is back")
        ev, node, kids, st, wr, ctrl = (
            self.ev,
            self.ev_node,
            self.ev_kids,
            self.st,
            self.wr,
            self.ctrl,
        )
        stack = [k for k in self.node_events[u] if since <= k < ev[u]]
        seen: set[int] = set()
        while stack:
            for j in kids[stack.pop()]:
                if j in seen:
                    continue
                seen.add(j)
                stack.append(j)
                w = node[j]
                if ev[w] == j and w not in self.suspect and (st[w] or wr[w] or not ctrl[w]):
                    self.suspect.add(w)
                    self.wake(w, self.now, reason)

    def _trusted(self, e: int) -> bool:
        """Whether what edge ``e`` shows may be believed (its target is not being re-derived)."""
        x = self.g.dst[e]
        return x not in self.suspect or self.pev[e] != self.ev[x]

    def _inputs(self, v: int) -> tuple[float, bool, bool, Cause | None, Cause | None]:
        """Share, degraded, wrong, the cause of the lowest share and of a degradation."""
        g, queues = self.g, self.queues
        share, degraded, wrong = 1.0, False, False
        worst_factor = 1.0
        worst: Cause | None = None
        soft_cause: Cause | None = None
        for i, (fshare, fwrong, fcontrol, mech) in sorted(self.active[v].items()):
            cause = Cause(mech, trigger=self.plan.faults[i].fault.id)
            if fcontrol:
                degraded = True
                soft_cause = soft_cause or Cause("control-plane", trigger=cause.trigger)
                continue
            if fwrong:
                wrong, degraded = True, True
                soft_cause = soft_cause or cause
            if fshare < worst_factor - EPS:
                worst, worst_factor = cause, fshare
            share = min(share, fshare)
        for e in g.out[v]:
            if g.alive[e] and is_held(self, e):
                held = held_factor(self, e)
                if held is None:
                    continue
                degraded = True
                ev = self.pev[e]
                cause = Cause("backlog", g.nodes[g.dst[e]], ev if ev >= 0 else None)
                if held < 1 - EPS:
                    share *= held
                    if worst is None or held < worst_factor - EPS:
                        worst, worst_factor = cause, held
                elif soft_cause is None:
                    soft_cause = cause
                continue
            ps, pw, pc = self.pst[e], self.pwr[e], self.pctrl[e]
            if (ps == 0 and not pw and pc and not (g.kind[e] == ASYNC and queues.buffered(e))) or (
                not g.alive[e] or self._supported_by(e, v) or not self._trusted(e)
            ):
                continue
            k = g.kind[e]
            if pw and ps == 1 and self.psh[e] >= 1 - EPS and pc and g.wrong_mode[e] == 3:
                continue  # only wrong, and this consumer ignores wrong data
            name = self.pmech[e] or KIND_NAMES[k]
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
                    factor *= 0.0 if ps == 2 else self.psh[e]
                elif k == ASYNC:
                    factor *= queues.async_factor(e)
                    if factor < 1 - EPS or queues.buffered(e):
                        deg, name = True, "buffer"
                if g.withdraw[e] and ps == 2:
                    factor, name = 0.0, "withdraw"
            if not deg and factor >= 1 - EPS:
                continue
            degraded = True
            ev = self.pev[e]
            cause = Cause(name, g.nodes[g.dst[e]], ev if ev >= 0 else None)
            if factor < 1 - EPS:
                share *= factor
                if worst is None or factor < worst_factor - EPS:
                    worst, worst_factor = cause, factor
            elif soft_cause is None:
                soft_cause = cause
            if share <= EPS and worst is not None and worst.mechanism != "partial":
                break
        return max(0.0, share), degraded, wrong, worst, soft_cause

    def _eval_component(self, v: int, reason: Cause) -> None:
        share, degraded, wrong, worst, soft_cause = self._inputs(v)
        control = not any(c for _, _, c, _ in self.active[v].values())
        share = self.queues.adjust(v, share)
        qcause = self.queues.cause(v)
        if qcause is not None:
            degraded = True
            if self.queues.share(v) < 1 - EPS:
                worst = qcause
            else:
                soft_cause = soft_cause or qcause
        state = 2 if share <= EPS else (1 if share < 1 - EPS or degraded or wrong else 0)
        cause = (worst or soft_cause or reason) if state else reason
        prev = self.st[v]
        if prev == 2 and state < 2:
            if self.stuck[v]:
                return
            wait = self.recovery_time[v]
            # a ramp under way is the recovery itself: its 0% step must not restart the warm-up
            if wait > 0 and self.auto[v] and self.ramp_from[v] < 0:
                if self.rec_at[v] < 0:
                    self.rec_at[v] = self.now + wait
                    self.rec_reason[v] = cause
                    self.wake_later(v, self.rec_at[v], Cause("recovery", detail="warm-up"))
                    return
                if self.now < self.rec_at[v] - EPS:
                    return
                why = self.rec_reason[v] or cause
                cause = Cause(
                    "recovery",
                    why.dependency,
                    why.upstream,
                    why.trigger,
                    f"warm-up of {wait:g}s over",
                )
            self.rec_at[v] = -1.0
            if self.ramp_from[v] < 0:
                self.ramp_from[v] = self.now
                self.ramp_reason[v] = cause
        if state == 2:
            self.rec_at[v] = -1.0
            self.ramp_from[v] = -1.0
            if self.restart_required[v] and not self.stuck[v]:
                self.stuck[v] = True
        capped = self._ramp(v, share)
        if capped < share - EPS:
            share = capped
            state = 2 if share <= EPS else 1
            why = self.ramp_reason[v] or cause
            cause = Cause(
                "ramp", why.dependency, why.upstream, why.trigger, f"{share:.0%} of capacity back"
            )
        if self.stuck[v] and state < 2:
            return
        self._set(v, state, share, wrong, control, cause)

    def wake_later(self, v: int, t: float, reason: Cause) -> None:
        self.schedule(t, P_EVAL, "eval", v, reason)

    def _ramp(self, v: int, share: float) -> float:
        """Capacity back so far during a ramped recovery (quantised to tenths, or units)."""
        start = self.ramp_from[v]
        timing = self.g.components[v].timing
        if start < 0 or timing is None or timing.recovery_rate is None:
            return share
        units = timing.capacity_units or 100
        steps = min(units, 10)
        per_step = units / steps / timing.recovery_rate * 3600.0
        done = math.floor((self.now - start) / per_step + EPS)
        if done >= steps:
            self.ramp_from[v] = -1.0
            return share
        self.wake_later(v, start + (done + 1) * per_step, Cause("ramp"))
        return min(share, done / steps)

    def _eval_group(self, v: int, reason: Cause) -> None:
        g = self.g
        members = [e for e in g.out[v] if g.alive[e]]
        # a member whose badness derives from this group's own counts as fine (least fixpoint)
        st, sh, wr = {}, {}, {}
        for e in members:
            if self._supported_by(e, v) or not self._trusted(e):
                st[e], sh[e], wr[e] = 0, 1.0, False
            else:
                st[e], sh[e], wr[e] = self.pst[e], self.psh[e], self.pwr[e]
        down = frozenset(e for e in members if st[e] == 2)
        away = self.routed_away[v] & down  # recovered members take traffic again at once
        # with every member down there is nowhere to fail over to: routing stays as it is
        moving = down if len(down) < len(members) else away
        if moving != away and self.auto[v]:
            due = self.failover_at[v]
            if g.failover_time[v] <= 0 or (due >= 0 and self.now >= due - EPS):
                away, self.failover_at[v] = moving, -1.0
            elif due < 0:
                self.failover_at[v] = self.now + g.failover_time[v]
                self.wake_later(v, self.failover_at[v], Cause("failover"))
        elif moving == away:
            self.failover_at[v] = -1.0
        self.routed_away[v] = away
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
                if moving_now and not self.auto[v]:
                    name = "failover-disabled"
                ev = self.pev[pick]
                cause = Cause(name, g.nodes[g.dst[pick]], ev if ev >= 0 else None)
        self._set(v, state, share, wrong, True, cause)

    def _set(
        self, v: int, state: int, share: float, wrong: bool, control: bool, cause: Cause
    ) -> None:
        share = round(share, 9)
        same = (self.st[v], self.sh[v], self.wr[v], self.ctrl[v]) == (state, share, wrong, control)
        if same:
            if state == 0 or self.ev[v] < 0:
                return
            old = self.events[self.ev[v]].cause
            if (old.dependency, old.mechanism) == (cause.dependency, cause.mechanism):
                return
        old_state, old_share, old_wrong, old_control = (
            self.st[v],
            self.sh[v],
            self.wr[v],
            self.ctrl[v],
        )
        index = len(self.events)
        self.events.append(
            Event(index, self.now, self.g.nodes[v], STATES[state], share, wrong, cause)
        )
        upstream = -1 if cause.upstream is None else cause.upstream
        self.ev_up.append(upstream)
        self.ev_node.append(v)
        self.ev_kids.append([])
        self.node_events[v].append(index)
        if upstream >= 0:
            self.ev_kids[upstream].append(index)
        self.st[v], self.sh[v], self.wr[v], self.ctrl[v] = state, share, wrong, control
        self.ev[v] = index
        was_bad = old_state or old_wrong or not old_control
        since = self.bad_from[v]
        if not (state or wrong or not control):
            if since >= 0:
                self.last_bad_from[v], self.good_since[v] = since, self.now
            self.bad_from[v] = -1
        elif not was_bad:
            self.bad_from[v] = index
        better = (
            state < old_state
            or share > old_share + EPS
            or (old_wrong and not wrong)
            or (control and not old_control)
        )
        if was_bad and better:
            self._retract(v, since)
        self.queues.changed(v)
        for e in self.g.into[v]:
            self._feed(e)
