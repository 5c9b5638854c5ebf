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
from functools import partial
from typing import Any

from blast.errors import ScenarioError
from blast.sim import evaluation, triggers
from blast.sim.clock import EPS, P_EVAL, P_PERCEIVE, P_TRIGGER
from blast.sim.edges import KIND_NAMES, MEMBER, Compiled
from blast.sim.journal import STATES, Cause, Event, Journal, Trigger
from blast.sim.plan import Plan
from blast.sim.queues import QueueModel

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

    def wake_later(self, v: int, t: float, reason: Cause) -> None:
        """Re-evaluate ``v`` at a later ``t`` for a timer of its own (warm-up, ramp, failover)."""
        self.schedule(t, P_EVAL, "eval", v, reason)

    @property
    def pos(self) -> dict[str, int]:
        """Index of each node name (built on first use)."""
        pos = self.__dict__.get("_position")
        if pos is None:
            pos = {node: k for k, node in enumerate(self.g.nodes)}
            self.__dict__["_position"] = pos
        return pos

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
            "fault_on": partial(triggers.fault_on, self),
            "fault_off": partial(triggers.fault_off, self),
            "fault_end": partial(triggers.fault_end, self),
            "action": partial(triggers.action, self),
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

    # --- perception -----------------------------------------------------------------

    def feed(self, e: int, *, immediate: bool = False) -> None:
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

    def supported_by(self, e: int, v: int) -> bool:
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
            evaluation.eval_group(self, v, reason)
        else:
            evaluation.eval_component(self, v, reason)
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

    def trusted(self, e: int) -> bool:
        """Whether what edge ``e`` shows may be believed (its target is not being re-derived)."""
        x = self.g.dst[e]
        return x not in self.suspect or self.pev[e] != self.ev[x]

    def set_state(
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
            self.feed(e)
