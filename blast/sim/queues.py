"""Fluid queues between events: backlog, goodput, congestive collapse, async buffers.

A queued component receives ``arrival_rate`` items per second and serves up to
``drain_rate`` x (the share its dependencies let it work) x (added capacity).
Between two events the rates are constant, so the backlog is linear and the
times it crosses a threshold are closed-form; the engine is woken exactly then.

Congestive collapse (a metastable failure: Bronson et al., "Metastable Failures
in Distributed Systems", HotOS 2021; Huang et al., OSDI 2022): when the
queueing delay ``backlog / capacity`` exceeds the request ``timeout``, every
item served has already been given up by its caller, so goodput is 0, and
callers retry, multiplying arrivals by ``retry_attempts``. If the amplified
arrivals exceed the capacity, the backlog keeps growing after the trigger is
gone; only shedding load (``throttle``), adding capacity or a restart (which
drops the backlog) ends it. Amplified load is also load on the queued
components the collapsed one calls (its hard dependencies).

An async dependency with a ``buffer`` fills at ``fill_rate`` while its target is
perceived down; when full it blocks or errors (the caller is impaired as by a
hard dependency) or drops (the caller degrades); once the target is back it
drains at ``drain_rate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from librt.vecs import vec

from blast.errors import ScenarioError
from blast.sim.backoff import RetryWaves
from blast.sim.clock import EPS
from blast.sim.edges import ASYNC, HARD
from blast.sim.journal import Cause, QueuePoint
from blast.sim.scenario import ActionKind

if TYPE_CHECKING:
    from blast.sim.engine import Engine

_QUEUE = attrgetter("queue")

ITEM_EPS: Final = 1e-6
"""Backlogs below this many items are empty (rounding residues of closed-form crossings)."""


@dataclass
class _Queue:
    arrival: float
    drain: float
    capacity: float | None
    timeout: float | None
    attempts: int
    throttle_default: float | None
    factor: float = 1.0
    throttle: float | None = None
    backlog: float = 0.0
    since: float = 0.0
    rate: float = 0.0  # d backlog / dt since ``since``
    offered: float = 0.0
    serving: float = 0.0
    collapsed: bool = False
    input_share: float = 1.0
    lease_pending: bool = False
    waves: RetryWaves | None = None  # retries with backoff; None: all at once
    relax_rate: float = 0.0  # items/s per second by which a relaxing throttle rises
    relax_since: float = 0.0
    relax_wake: float = -1.0
    limit: float | None = None  # the throttle in force now (``throttle`` while it relaxes)
    points: list[QueuePoint] = field(default_factory=list)  # its series (QueueModel.points)
    # what the last point was computed from, and when (see QueueModel._record)
    seen_t: float = math.nan
    seen: tuple[float, float, float, float, float] = (math.nan,) * 5


@dataclass
class _Buffer:
    size: float
    fill: float
    drain: float
    blocks: bool
    level: float = 0.0
    since: float = 0.0
    rate: float = 0.0


class QueueModel:
    """Queues and async buffers of one run; the engine calls it around each evaluation."""

    __deletable__ = ("engine",)  # mypyc: :meth:`detach` may delete it

    def __init__(self, engine: Engine) -> None:
        # a strong reference (a compiled Engine takes no weak references): the engine
        # drops it when its run ends (:meth:`detach`), so no cycle outlives the run and a
        # finished run is freed at once by reference counting
        self.engine = engine
        g = engine.g
        self.q: dict[int, _Queue] = {}
        self.points: dict[int, list[QueuePoint]] = {}
        for v, queue in enumerate(map(_QUEUE, g.components)):  # C-level reads
            if queue is None:
                continue
            comp = g.components[v]
            callers = [g.dep[e] for e in g.into[v]]
            timeouts = [d.timeout for d in callers if d is not None and d.timeout]
            retries = [d.retry for d in callers if d is not None and d.retry]
            attempts = [r.attempts for r in retries]
            q = queue
            backoff = q.retry_backoff
            if backoff is None and q.retry_attempts is None and retries:
                backoff = max(retries, key=lambda r: r.attempts).backoff
            self.q[v] = _Queue(
                arrival=q.arrival_rate,
                drain=q.drain_rate,
                capacity=float(q.capacity) if q.capacity else None,
                timeout=q.timeout if q.timeout is not None else (max(timeouts, default=None)),
                attempts=q.retry_attempts or max(attempts, default=1),
                throttle_default=comp.timing.throttle_rate if comp.timing else None,
            )
            if backoff and self.q[v].attempts > 1:
                self.q[v].waves = RetryWaves(backoff, self.q[v].attempts)
            self.points[v] = self.q[v].points
        # the same queues by node (an evaluation reads one several times: no int boxed
        # and hashed each time)
        self.at: list[_Queue | None] = [None] * len(g.nodes)
        for v, queued in self.q.items():
            self.at[v] = queued
        self.buffers: dict[int, _Buffer] = {}
        self.buffer_points: dict[int, list[QueuePoint]] = {}
        held: list[bool] = [False] * len(g.dep)
        for e, dep in enumerate(g.dep):
            if g.timer[e] and dep is not None and dep.buffer is not None:
                b = dep.buffer
                self.buffers[e] = _Buffer(b.size, b.fill_rate, b.drain_rate, b.when_full != "drop")
                held[e] = g.kind[e] == ASYNC and b.hold
        # per edge at the start of the run, whether it is async with a holding buffer
        # (edges a reroute adds have no buffer of their own)
        self.held = vec[bool](held)

    # --- queues ---------------------------------------------------------------------

    def _advance(self, q: _Queue, now: float) -> None:
        b = q.backlog + q.rate * (now - q.since)
        if q.capacity is not None:
            b = min(b, q.capacity)
        # a residue of rounding (a millionth of an item) is an empty queue: its "empty"
        # crossing would fall at the same instant and wake the component for ever
        q.backlog, q.since = (0.0 if b < ITEM_EPS else b), now

    def _amplification(self, v: int) -> float:
        """Load multiplier from queued callers whose own arrivals are amplified."""
        g, amp, queued = self.engine.g, 1.0, self.engine.queued
        for e in g.into[v]:
            s = g.src[e]
            if not queued[s]:  # read unboxed: most callers have no queue
                continue
            caller = self.at[s]
            if caller is not None and g.kind[e] == HARD and g.alive[e] and caller.arrival > 0:
                amp = max(amp, caller.offered / caller.arrival)
        return amp

    def adjust(self, v: int, share: float) -> float:
        """Advance ``v``'s queue to now with ``share`` of its capacity; its share of work done."""
        q = self.at[v]
        if q is None:
            return share
        now = self.engine.now
        self._advance(q, now)
        q.input_share = share
        mu = q.drain * q.factor * share
        limit = q.timeout * mu if q.timeout is not None else None
        q.collapsed = limit is not None and q.backlog > limit + EPS
        amp = self._amplification(v)
        fail = 1.0 if q.collapsed else 1.0 - share
        if q.waves is None:
            q.offered = q.arrival * amp * (1.0 + (q.attempts - 1) * fail)
        else:  # retries come back in waves, backoff after each change of the failing share
            q.waves.record(now, fail)
            q.offered = q.arrival * amp * (1.0 + q.waves.retried(now))
            wave = q.waves.next_wave(now)
            if wave is not None:
                self.engine.wake_later(v, wave, Cause("retry", detail="backoff"))
        q.limit = self._relaxed(v, q, now)
        admitted = q.offered if q.limit is None else min(q.offered, q.limit)
        if q.backlog <= EPS and admitted <= mu:
            q.rate, q.serving = 0.0, admitted
        else:
            q.rate, q.serving = admitted - mu, mu
        if q.capacity is not None and q.backlog >= q.capacity - EPS and q.rate > 0:
            q.rate = 0.0
        self._schedule_crossing(v, q, limit)
        self._record(v, q, mu)
        if q.collapsed:
            return 0.0
        return share * (admitted / q.offered if q.offered > EPS else 1.0)

    def _relaxed(self, v: int, q: _Queue, now: float) -> float | None:
        """The throttle in force now; a relaxing one rises linearly and is lifted once it
        admits all that is offered. Wakes ``v`` at each tenth of the offered rate it passes,
        so dependents see the share of admitted work rise in steps (as a ramped recovery)."""
        if q.throttle is None or q.relax_rate <= 0:
            return q.throttle
        limit = q.throttle + q.relax_rate * (now - q.relax_since)
        if limit >= q.offered - EPS:
            q.throttle, q.relax_rate = None, 0.0
            return None
        level = (math.floor(limit / q.offered * 10 + EPS) + 1) / 10 * q.offered
        when = max(now, q.relax_since + (min(level, q.offered) - q.throttle) / q.relax_rate)
        if when != q.relax_wake:
            q.relax_wake = when
            self.engine.wake_later(v, when, Cause("throttle", detail="relaxing"))
        return limit

    def _schedule_crossing(self, v: int, q: _Queue, limit: float | None) -> None:
        now, r, b = self.engine.now, q.rate, q.backlog
        times = []
        if r < -EPS and b > EPS:
            times.append(now + b / -r)  # empty
        if limit is not None and limit > EPS and abs(r) > EPS:
            t = now + (limit - b) / r
            if t > now + EPS:
                times.append(t)
        if q.capacity is not None and r > EPS:
            times.append(now + (q.capacity - b) / r)
        if times:
            self.engine.wake_later(v, min(times), Cause("queue", detail="threshold"))

    def _record(self, v: int, q: _Queue, mu: float) -> None:
        delay = q.backlog / mu if mu > 0 else (0.0 if q.backlog <= EPS else float("inf"))
        goodput = 0.0 if q.collapsed else q.serving
        # at a later instant from the values of the last point computed (the series' last
        # or equal to it), nothing is added: skipped before rounding (a decimal conversion)
        now, seen, skips = self.engine.now, q.seen, self.engine.skipping  # skip.ENABLED
        same = q.backlog == seen[0] and q.offered == seen[1] and mu == seen[2]  # == each
        if skips and now != q.seen_t and same and goodput == seen[3] and delay == seen[4]:
            return
        q.seen_t, q.seen = now, (q.backlog, q.offered, mu, goodput, delay)
        point = QueuePoint(
            self.engine.now,
            round(q.backlog, 6),
            round(q.offered, 6),
            round(mu, 6),
            round(goodput, 6),
            round(delay, 6) if delay != float("inf") else -1.0,
        )
        pts = q.points
        if pts and pts[-1].t == point.t:
            pts[-1] = point
        elif not pts or _differs(pts[-1], point):
            pts.append(point)

    def share(self, v: int) -> float:
        q = self.at[v]
        if q is None:
            return 1.0
        if q.collapsed:
            return 0.0
        if q.limit is not None and q.offered > q.limit + EPS:
            return q.limit / q.offered
        return 1.0

    def impairs(self, v: int) -> bool:
        """Whether :meth:`cause` has a cause for ``v`` (without building its text)."""
        q = self.at[v]
        if q is None:
            return False
        return q.collapsed or (q.limit is not None and q.offered > q.limit + EPS) or q.backlog > EPS

    def cause(self, v: int) -> Cause | None:
        """Why the queue impairs ``v`` now (collapse, throttle, backlog), or None."""
        q = self.at[v]
        if q is None:
            return None
        if q.collapsed:
            return Cause(
                "collapse",
                detail=f"queueing delay over the {q.timeout:g}s timeout; "
                f"arrivals x{q.offered / q.arrival if q.arrival else 1:.3g} with retries",
            )
        if q.limit is not None and q.offered > q.limit + EPS:
            return Cause("throttle", detail=f"admits {q.limit:g}/s of {q.offered:g}/s")
        if q.backlog > EPS:
            return Cause("queue", detail=f"backlog {q.backlog:.0f} items draining")
        return None

    def changed(self, v: int) -> None:
        """``v`` changed state: queued dependencies see its new load."""
        if v not in self.q:
            return
        g = self.engine.g
        for e in g.out[v]:
            if g.kind[e] == HARD and g.dst[e] in self.q and g.alive[e]:
                self.engine.wake(g.dst[e], self.engine.now, Cause("retry", g.nodes[v]))

    def lease_work(self, e: int, items: float) -> None:
        """Leases through edge ``e`` lapsed and come back: their renewal is work for the source."""
        q = self.q.get(self.engine.g.src[e])
        if q is not None and items > 0:
            self._advance(q, self.engine.now)
            q.backlog += items

    def act(self, action: Any, targets: list[int], reason: Cause) -> None:
        """Apply throttle, relax, add-capacity and restart to queues."""
        del reason
        for v in targets:
            q = self.q.get(v)
            if q is None:
                if action.do in (ActionKind.THROTTLE, ActionKind.RELAX, ActionKind.ADD_CAPACITY):
                    raise ScenarioError(
                        f"action '{action.id}': '{self.engine.g.nodes[v]}' has no `queue` "
                        f"(arrival_rate, drain_rate) to {action.do.value}"
                    )
                continue
            self._advance(q, self.engine.now)
            if action.do is ActionKind.THROTTLE:
                rate = action.rate or q.throttle_default
                if rate is None:
                    raise ScenarioError(
                        f"action '{action.id}': give a `rate` (or timing.throttle_rate)"
                    )
                q.throttle, q.relax_rate = rate, 0.0
            elif action.do is ActionKind.RELAX:
                now = self.engine.now
                if action.relax_rate is None or q.throttle is None:
                    q.throttle, q.relax_rate = None, 0.0
                else:  # a gradual relaxation: the throttle rises from where it is now
                    q.throttle += q.relax_rate * (now - q.relax_since)
                    q.relax_rate, q.relax_since = action.relax_rate / 3600.0, now
            elif action.do is ActionKind.ADD_CAPACITY:
                q.factor *= action.factor or 2.0
            elif action.do is ActionKind.RESTART:
                q.backlog = 0.0

    # --- async buffers --------------------------------------------------------------

    def buffered(self, e: int) -> bool:
        b = self.buffers.get(e)
        return b is not None and (b.level > EPS or b.rate > EPS)

    def async_factor(self, e: int) -> float:
        """Share an async edge lets its caller work: 0 while its buffer is full and blocks."""
        b = self.buffers.get(e)
        if b is None:
            return 1.0
        eng = self.engine
        now = eng.now
        b.level = min(b.size, max(0.0, b.level + b.rate * (now - b.since)))
        b.since = now
        down = eng.pst[e] == 2
        b.rate = b.fill if down else -b.drain
        if down and b.level < b.size - EPS:
            eng.wake_later(eng.g.src[e], now + (b.size - b.level) / b.fill, Cause("buffer"))
        elif not down and b.level > EPS:
            eng.wake_later(eng.g.src[e], now + b.level / b.drain, Cause("buffer"))
        elif not down:
            b.rate = 0.0
        full = b.level >= b.size - EPS
        self.record_buffer(e)
        return 0.0 if full and down and b.blocks else 1.0

    def record_buffer(self, e: int) -> None:
        """A point of edge ``e``'s buffer series: its level, filling or draining from now on.

        Units as for queues: items for the level (``backlog``), items per second for
        what flows in (``arrival``) and out (``goodput``), ``capacity`` the drain rate.
        """
        b = self.buffers[e]
        filling, draining = max(b.rate, 0.0), max(-b.rate, 0.0)
        delay = b.level / b.drain if b.drain > 0 else -1.0
        point = QueuePoint(
            self.engine.now,
            round(b.level, 6),
            round(filling, 6),
            round(b.drain, 6),
            round(draining, 6),
            round(delay, 6),
        )
        pts = self.buffer_points.setdefault(e, [])
        if pts and pts[-1].t == point.t:
            pts[-1] = point
        elif not pts or _differs(pts[-1], point):
            pts.append(point)

    def detach(self) -> None:
        """Drop the reference to the engine at the end of its run (no cycle outlives it)."""
        del self.engine

    def series(self) -> dict[str, tuple[QueuePoint, ...]]:
        nodes = self.engine.g.nodes
        return {nodes[v]: tuple(pts) for v, pts in self.points.items() if pts}

    def buffer_series(self) -> dict[tuple[str, str], tuple[QueuePoint, ...]]:
        """Each buffer that ever held work, by (caller, target), in edge order."""
        g = self.engine.g
        return {
            (g.nodes[g.src[e]], g.nodes[g.dst[e]]): tuple(pts)
            for e, pts in sorted(self.buffer_points.items())
            if any(p.backlog > 0 for p in pts)
        }


def _differs(a: QueuePoint, b: QueuePoint) -> bool:
    return (a.backlog, a.arrival, a.capacity, a.goodput, a.delay) != (
        b.backlog,
        b.arrival,
        b.capacity,
        b.goodput,
        b.delay,
    )
