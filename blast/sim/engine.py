"""The time engine: events for state changes, perception filters on edges.

An agenda (:mod:`blast.sim.agenda`) holds events ordered by ``(time, priority,
sequence)`` (SimPy's ``Environment.schedule`` order): faults and operator actions first,
then what dependents perceive, then re-evaluations, within one instant dependencies
first. Work is proportional to changes, not to components x time steps: a component is
evaluated only when something it perceives changes or a timer of its own fires.

Evaluation is a least fixpoint in time: a component ignores inputs whose
badness is derived from its own current badness (their cause chain reaches its
current event), so mutual dependencies never keep each other down without a
cause once the trigger is gone. Everything else follows the rules of
``docs/simulation.md``; each rule lives in one method below.
"""

from __future__ import annotations

import math
from typing import Any, Final

from librt.vecs import append, vec
from mypy_extensions import i64

from blast.errors import ScenarioError
from blast.sim import agenda, cycles, evaluation, perception, retraction, skip, slots, triggers
from blast.sim.clock import EPS, P_EVAL, P_TRIGGER
from blast.sim.derivation import derives, stretch_start
from blast.sim.edges import Compiled
from blast.sim.journal import STATES, Cause, Event, Journal
from blast.sim.pages import advise as huge_pages
from blast.sim.plan import Plan, journal_of
from blast.sim.queues import QueueModel
from blast.sim.traits import node_traits

MAX_EVALS_PER_INSTANT: Final = 200
"""Evaluations of one component at one instant before the run is declared divergent."""


class Engine:
    """One run of a plan; :meth:`run` returns the journal."""

    def __init__(self, plan: Plan, seed: int, resolution: float | None = None) -> None:
        self.plan = plan
        self.seed = seed
        self.resolution = resolution
        g = self.g = Compiled.of(plan.graph)
        self.n_components = g.n_components
        n, n_edges = len(g.nodes), len(g.src)
        self.st = vec[i64]([0] * n)
        self.sh = vec[float]([1.0] * n)
        self.wr = vec[bool]([False] * n)
        self.ctrl = vec[bool]([True] * n)
        self.ev = vec[i64]([-1] * n)
        self.active: list[dict[int, tuple[float, bool, bool, str]]] = [{} for _ in range(n)]
        self.faulted = vec[bool]([False] * n)  # whether active[v] holds any (read unboxed)
        self.stuck = vec[bool]([False] * n)
        self.auto = vec[bool]([True] * n)
        self.rec_at = vec[float]([-1.0] * n)
        self.rec_reason: list[Cause | None] = [None] * n
        self.ramp_reason: list[Cause | None] = [None] * n
        self.ramp_from = vec[float]([-1.0] * n)
        self.routed_away: list[frozenset[int]] = [frozenset()] * n
        self.failover_at = vec[float]([-1.0] * n)
        self.pst, self.psh = vec[i64]([0] * n_edges), vec[float]([1.0] * n_edges)
        self.pwr, self.pctrl = vec[bool]([False] * n_edges), vec[bool]([True] * n_edges)
        self.pev = vec[i64]([-1] * n_edges)
        self.pmech = [""] * n_edges
        self.bad_since = vec[float]([-1.0] * n_edges)
        self.ver = vec[i64]([0] * n_edges)
        self.scc = cycles.components(g)  # also the rank: dependencies first (agenda)
        self.agenda = agenda.Agenda(self.scc)
        # the fields each wake-up and evaluation reads, packed per node (blast.sim.slots):
        # when it is due, why (pending_cause, or, when CAUSED is 0, the parts of a reason
        # seen through an edge: mechanism, dependency node, upstream event; made a Cause
        # only if it runs), evaluations per instant, what its last evaluation read
        self.per_node, self.per_node_t = slots.ints(n), slots.floats(n)
        self.pending_cause: list[Cause | None] = [None] * n
        self.pending_mech = [""] * n
        self.now = 0.0
        self.events: list[Event] = []
        self.causes: list[Cause] = []  # each event's cause, read without reaching the event
        self.ev_up, self.ev_node = vec[i64](), vec[i64]()  # per event, its upstream, its node
        self.ev_kids = vec[vec[i64]]()  # events each event caused
        self.ev_mark, self.retracts = vec[i64](), 0  # events retract reached, by its count
        # per event: its descendants (itself too) that are a node's current bad event
        self.ev_live = vec[i64]()  # retract walks only where this is above 0 (relive)
        self.ev_bad = vec[bool]()  # whether the event is bad (bad, wrong or control lost)
        # the inputs (upstream event, factor) each degraded event took in (see set_state)
        self.ev_also: dict[int, list[tuple[int, float, bool]]] = {}
        self.ev_has_also = vec[bool]()  # per event, whether ev_also holds it (read unboxed)
        self.contrib: list[tuple[int, float, bool]] = []  # ... of the last evaluation, by edge
        self.ev_prev = vec[i64]()  # per event, the node's event before it (-1: none)
        self.suspect: set[int] = set()
        self.is_suspect = vec[bool]([False] * n)  # the same, read by index (hot paths)
        # per suspect node, the edges into it that an evaluation read past (see trusted)
        self.ignored: dict[int, vec[i64]] = {}
        self.bad_from = vec[i64]([-1] * n)  # first event of each node's current stretch of badness
        self.last_bad_from = vec[i64]([-1] * n)  # ... of its last stretch, and when that ended
        self.fault_ended: set[int] = set()
        self.queues = QueueModel(self)
        t = node_traits(g)  # per node, read once from the components' parameters
        self.restart_required, self.recovery_time = t.restart_required, t.recovery_time
        self.checks, self.hc_failover = t.checks, t.hc_failover
        self.plain, self.simple = t.plain, t.simple  # see evaluation.inputs and skip.noop
        self.ramp_step, self.ramp_steps = t.ramp_step, t.ramp_steps  # see evaluation.ramp
        self.queued = vec[bool]([q is not None for q in self.queues.at])
        # a plain component found down by its inputs alone: its own timers cannot change it
        self.settled = vec[bool]([False] * n)
        self.saw_suspect = vec[bool]([False] * n)  # whether its last evaluation read a suspect
        self.skipping = skip.ENABLED  # whether the checks of blast.sim.skip are on
        self.off, self.scc_edges = vec[bool](), -1  # see off_cycle
        self._position: dict[str, int] | None = None  # see pos
        self._attrition: dict[int, list[Any]] | None = None  # built by blast.sim.attrition
        self._capacity_edges: dict[int, frozenset[int]] | None = None  # ... on first use
        # huge pages for the arrays of several MB read at random: blast.sim.pages
        columns: list[object] = [g.src, g.dst, g.kind, g.opos, g.fdelay, g.neg_ttl, g.wrong_mode]
        huge_pages([*columns, self.pst, self.psh, self.pev, self.ver, self.bad_since])
        huge_pages([self.per_node, self.per_node_t])

    # --- scheduling -----------------------------------------------------------------

    def schedule(self, t: float, priority: int, kind: str, *args: Any) -> None:
        """Push an event; with a ``resolution``, times round up to its next multiple."""
        if self.resolution:
            t = math.ceil(t / self.resolution - EPS) * self.resolution
        self.agenda.push(t, priority, kind, args)

    def wake(self, v: int, t: float, reason: Cause) -> None:
        """Re-evaluate node ``v`` at ``t``: something it reads besides its edges changed."""
        self.per_node[v * slots.INTS + slots.DIRTY] = 1
        self.recheck(v, t, reason)

    def recheck(self, v: int, t: float, reason: Cause) -> None:
        """Re-evaluate ``v`` at ``t`` (once per instant; a precise reason wins).

        Unlike :meth:`wake`, this marks nothing as changed: the evaluation is skipped
        when nothing it read has changed since (:func:`blast.sim.skip.noop`).
        """
        rec, b = self.per_node, v * slots.INTS
        if self.per_node_t[v * slots.FLOATS + slots.DUE] == t:
            if rec[b + slots.VAGUE] and reason.mechanism != "recovered":
                self.pending_cause[v] = reason
                rec[b + slots.CAUSED], rec[b + slots.VAGUE] = 1, 0
            return
        self.per_node_t[v * slots.FLOATS + slots.DUE] = t
        self.pending_cause[v] = reason
        rec[b + slots.CAUSED], rec[b + slots.VAGUE] = 1, int(reason.mechanism == "recovered")
        self._push_pending(v, t)

    def recheck_edge(self, v: int, t: float, mech: str, dep: int, upstream: int) -> None:
        """:meth:`recheck` for what ``v`` perceives of node ``dep`` (event ``upstream``, -1:
        none): the cause is kept as its parts, no object built unless the evaluation runs."""
        if self.per_node_t[v * slots.FLOATS + slots.DUE] == t:
            if self.per_node[v * slots.INTS + slots.VAGUE] and mech != "recovered":
                self.set_pending(v, mech, dep, upstream)
            return
        self.per_node_t[v * slots.FLOATS + slots.DUE] = t
        self.set_pending(v, mech, dep, upstream)
        self._push_pending(v, t)

    def set_pending(self, v: int, mech: str, dep: int, upstream: int) -> None:
        """Keep the parts of the reason of ``v``'s pending evaluation (see recheck_edge)."""
        rec, b = self.per_node, v * slots.INTS
        rec[b + slots.CAUSED] = 0  # an old pending_cause is left unread, not dropped (a miss)
        self.pending_mech[v] = mech
        rec[b + slots.DEP], rec[b + slots.UP] = dep, upstream
        rec[b + slots.VAGUE] = int(mech == "recovered")

    def _push_pending(self, v: int, t: float) -> None:
        if self.resolution:  # as schedule does; the reason is kept beside: no tuple per push
            t = math.ceil(t / self.resolution - EPS) * self.resolution
        self.agenda.push_node(t, v)

    def wake_later(self, v: int, t: float, reason: Cause) -> None:
        """Re-evaluate ``v`` at a later ``t`` for a timer of its own (warm-up, ramp, failover)."""
        self.schedule(t, P_EVAL, "eval", v, reason)

    @property
    def pos(self) -> dict[str, int]:
        """Index of each node name (built on first use)."""
        pos = self._position
        if pos is None:
            pos = self._position = {node: k for k, node in enumerate(self.g.nodes)}
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
        todo, horizon = self.agenda, plan.horizon
        while todo.pop():
            t, kind, args = todo.t, todo.kind, todo.args
            if t > horizon:
                break
            self.now = t
            # direct calls, not a table of bound handlers: compiled, they are native calls
            if kind == "perceive":
                e, version, st, sh, wr, ctrl, ev, mech = args
                perception.perceive(self, e, version, st, sh, wr, ctrl, ev, mech)
            elif kind == "eval":
                node = todo.node  # pushed by recheck (its reason kept beside), or a timer
                if node >= 0:
                    self._eval_event(node, None)
                else:
                    self._eval_event(args[0], args[1])
            elif kind == "fault_on":
                triggers.fault_on(self, args[0])
            elif kind == "fault_off":
                triggers.fault_off(self, args[0], args[1])
            elif kind == "fault_end":
                triggers.fault_end(self, args[0])
            else:
                triggers.action(self, args[0])
        journal = journal_of(
            self.plan,
            self.seed,
            self.g.nodes,
            tuple(self.events),
            self.queues.series(),
            self.queues.buffer_series(),
        )
        self.queues.detach()
        return journal

    # --- perception -----------------------------------------------------------------

    def feed(self, e: int, *, immediate: bool = False) -> None:
        """The target of edge ``e`` changed: schedule what the dependent will perceive."""
        perception.feed_all(self, self.g.dst[e], vec[i64]([e]), immediate=immediate)

    def supported_by(self, e: int, v: int) -> bool:
        """Whether the badness seen through ``e`` derives from ``v``'s current bad stretch.

        Never for an edge off every cycle (:mod:`blast.sim.cycles`): no chain is walked.
        """
        g = self.g
        if v == g.src[e] and self.off_cycle(e):
            return False
        start = stretch_start(self, v)
        return start >= 0 and derives(self, self.pev[e], v, start)

    def off_cycle(self, e: int) -> bool:
        """Whether edge ``e`` lies on no dependency cycle (:mod:`blast.sim.cycles`)."""
        g = self.g
        if self.scc_edges != len(g.src):  # the first call, or a reroute added edges
            self.off, self.scc_edges = cycles.off_cycle(g, self.scc), len(g.src)
        return self.off[e]

    # --- evaluation -----------------------------------------------------------------

    def _eval_event(self, v: i64, reason: Cause | None) -> None:
        rec, b, times, bt = self.per_node, v * slots.INTS, self.per_node_t, v * slots.FLOATS
        now = self.now
        if reason is None:  # woken through recheck(): the reason is kept beside (read if run)
            times[bt + slots.DUE] = -1.0
        if times[bt + slots.EVALS_T] != now:
            times[bt + slots.EVALS_T], rec[b + slots.EVALS] = now, 0
        count = rec[b + slots.EVALS] + 1
        rec[b + slots.EVALS] = count
        if count > MAX_EVALS_PER_INSTANT:
            raise ScenarioError(
                f"the simulation does not settle: '{self.g.nodes[v]}' changed state "
                f"{MAX_EVALS_PER_INSTANT} times at t={self.now:g}s (a zero-delay loop?)"
            )
        was_suspect = self.is_suspect[v]
        if was_suspect:
            self.suspect.discard(v)
            self.is_suspect[v] = False
        before = len(self.events)
        if not ((self.simple[v] or self.settled[v]) and skip.noop(self, v)):
            rec[b + slots.DIRTY] = 0
            times[bt + slots.EVAL_T] = self.now
            if v >= self.n_components:
                evaluation.eval_group(self, v, reason or self.pending_reason(v))
            else:  # the reason kept beside is made a Cause only if it is used
                evaluation.eval_component(self, v, reason)
        if was_suspect:
            ignored = self.ignored.pop(v, None)
            if ignored is not None and len(self.events) == before and self.st[v]:
                # still bad on its own: the dependents that read past it while it was
                # suspect (their edges kept by trusted) look again, in edge order; the
                # others took its badness in, or did not read it (tests/test_sim_still.py)
                up, src = self.ev[v], self.g.src
                due, order = retraction.due_now(self), sorted(ignored)
                for e in order:
                    retraction.recheck_recovered(self, src[e], due, v, up, slots.STILL)

    def pending_reason(self, v: int) -> Cause:
        """The reason of ``v``'s evaluation woken through :meth:`recheck` or an edge."""
        rec, b = self.per_node, v * slots.INTS
        caused = rec[b + slots.CAUSED]
        if caused == 1:
            cause = self.pending_cause[v]
            assert cause is not None
            return cause
        if caused:
            return retraction.recovered_reason(self, v, caused)
        up = rec[b + slots.UP]  # seen through an edge: built from its parts now
        return Cause(
            self.pending_mech[v], self.g.nodes[rec[b + slots.DEP]], up if up >= 0 else None
        )

    def trusted(self, e: int) -> bool:
        """Whether what edge ``e`` shows may be believed: not a suspect's current event,
        which is read past, the edge kept (``ignored``) for ``_eval_event``."""
        x = self.g.dst[e]
        if not self.is_suspect[x]:
            return True
        self.saw_suspect[self.g.src[e]] = True
        if self.pev[e] != self.ev[x]:
            return True
        ignored = self.ignored.get(x)  # ignored: it looks again if x stays bad
        self.ignored[x] = append(vec[i64](), e) if ignored is None else append(ignored, e)
        return False

    def set_state(
        self, v: int, state: int, share: float, wrong: bool, control: bool,
        reason: Cause | None, also: list[tuple[int, float, bool]] | None = None,
    ) -> None:  # fmt: skip
        """Record ``v``'s new state; ``also``: its inputs, see :mod:`blast.sim.derivation`.

        ``reason`` None: the reason of the evaluation (:meth:`pending_reason`), made a
        :class:`Cause` only when the state changes.
        """
        if share != 0.0 and share != 1.0:  # round() leaves those two as they are
            share = round(share, 9)
        st, sh, wr, ctrl, ev = self.st, self.sh, self.wr, self.ctrl, self.ev
        old_state, old_share, old_wrong, old_control = st[v], sh[v], wr[v], ctrl[v]
        if (
            old_state == state
            and old_share == share
            and old_wrong == wrong
            and old_control == control
        ):
            if state == 0 or ev[v] < 0:
                return
            cause = reason or self.pending_reason(v)
            old = self.causes[ev[v]]
            if old.dependency == cause.dependency and old.mechanism == cause.mechanism:
                return
        else:
            cause = reason or self.pending_reason(v)
        events = self.events
        index = len(events)
        events.append(Event(index, self.now, self.g.nodes[v], STATES[state], share, wrong, cause))
        self.causes.append(cause)
        upstream = -1 if cause.upstream is None else cause.upstream
        self.ev_up = append(self.ev_up, upstream)
        self.ev_node = append(self.ev_node, v)
        self.ev_kids = append(self.ev_kids, vec[i64]())
        self.ev_mark = append(self.ev_mark, 0)
        self.ev_prev = append(self.ev_prev, ev[v])
        if upstream >= 0:
            self.ev_kids[upstream] = append(self.ev_kids[upstream], index)
        if also:
            self.ev_also[index] = also
        self.ev_has_also = append(self.ev_has_also, bool(also))
        st[v], sh[v], wr[v], ctrl[v] = state, share, wrong, control
        bad = state != 0 or wrong or not control
        self.ev_live = append(self.ev_live, 0)
        self.ev_bad = append(self.ev_bad, bad)
        if index & 0xFFFF == 0xFFFF:  # the event arrays, read at random, as they grow (pages)
            huge_pages([self.ev_up, self.ev_node, self.ev_mark, self.ev_prev, self.ev_live])
        old_ev = ev[v]
        retraction.relive(
            self, old_ev if old_ev >= 0 and self.ev_bad[old_ev] else -1, index if bad else -1
        )
        ev[v] = index
        was_bad = old_state or old_wrong or not old_control
        since = self.bad_from[v]
        if not (state or wrong or not control):
            if since >= 0:
                self.last_bad_from[v] = since
                self.per_node_t[v * slots.FLOATS + slots.GOOD_SINCE] = self.now
            self.bad_from[v] = -1
        elif not was_bad:
            self.bad_from[v] = index
            if self.per_node_t[v * slots.FLOATS + slots.GOOD_SINCE] == self.now:  # supported_by
                self.per_node[v * slots.INTS + slots.DIRTY] = 1
        better = (
            state < old_state
            or share > old_share + EPS
            or (old_wrong and not wrong)
            or (control and not old_control)
        )
        if was_bad and better:
            retraction.retract(self, v, since)
        if self.queued[v]:
            self.queues.changed(v)
        perception.feed_all(self, v, self.g.into[v])
