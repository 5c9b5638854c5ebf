"""A discrete-event model of the DNS Planner and Enactors, in simulated seconds.

The same protocol as :mod:`blast.race.protocol` (facts and sources there), now
with time: the Planner makes plan ``g`` at ``g * plan_interval``; every Enactor
wakes when a plan appears (plus a polling jitter), picks the newest plan and
checks once that some endpoint is behind it; then per endpoint it takes the lock
(a lock held longer than ``lock_ttl`` may be taken over, and the slow holder's
batch is then rejected, since the batch deletes and recreates the lock record;
DAT453), writes, releases; then cleans up plans ``threshold`` generations older.
A lost lock is retried after an exponential backoff with jitter, so an Enactor
that loses several times in a row falls behind (DAT453). Per-write latency is a
lognormal body with a Pareto tail: rare writes take far longer than the median.

Events are ordered by (time, sequence number), all randomness comes from the
``rng`` given (SimPy's ``Environment.schedule`` discipline), so a run is a pure
function of its parameters and its generator.

None of the default parameters is public: they are assumptions with a physical
meaning (seconds, generations, probabilities), stated in :class:`RaceParams`,
and the Monte Carlo table varies the two the talk names as causes (latency tail,
lock contention).
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field

from blast.errors import BadInputError
from blast.race.protocol import Fix

WAKE, TOKEN, ATTEMPT, COMMIT, CLEANUP = range(5)


@dataclass(frozen=True)
class RaceParams:
    """Parameters of the timed model (all assumed, none fitted; seconds unless named).

    ``tail_probability``: share of writes in the heavy tail; ``tail_alpha`` and
    ``tail_scale``: Pareto shape and minimum of those writes. ``contention``:
    chance a lock attempt finds the lock held by some other client even when no
    Enactor holds it. ``horizon``: length of one simulated window.
    """

    plan_interval: float = 4.0
    enactors: int = 3
    endpoints: tuple[str, ...] = ("regional", "ipv6", "fips")
    threshold: int = 10
    write_median: float = 0.4
    write_sigma: float = 0.6
    tail_probability: float = 0.01
    tail_alpha: float = 1.2
    tail_scale: float = 4.0
    lock_ttl: float = 10.0
    contention: float = 0.1
    backoff_base: float = 1.0
    backoff_cap: float = 16.0
    poll_jitter: float = 0.5
    horizon: float = 60.0
    fix: Fix | None = None

    def __post_init__(self) -> None:
        positive = ("plan_interval", "write_median", "tail_scale", "lock_ttl", "backoff_base")
        for name in positive:
            if not getattr(self, name) > 0:
                raise BadInputError(f"{name} must be > 0, not {getattr(self, name)}")
        for name in ("tail_probability", "contention"):
            if not 0 <= getattr(self, name) < 1:
                raise BadInputError(f"{name} must be in [0, 1), not {getattr(self, name)}")
        if self.enactors < 1 or not self.endpoints or self.threshold < 1:
            raise BadInputError("need at least one Enactor, one endpoint and threshold >= 1")
        if not 0 < self.horizon <= 86_400 or self.tail_alpha <= 0:
            raise BadInputError("horizon must be in (0, 86400] s and tail_alpha > 0")


@dataclass(frozen=True)
class TraceEvent:
    """Who did what when: ``actor`` is ``Enactor A``…; ``endpoint`` may be empty."""

    t: float
    actor: str
    kind: str
    endpoint: str
    plan: int
    detail: str


@dataclass(frozen=True)
class EndpointState:
    """An endpoint at the end of a run: plan in effect, whether its record is empty."""

    name: str
    plan: int
    empty: bool
    last_writer: str


@dataclass(frozen=True)
class RaceRun:
    """One simulated window: the empty record (if any), counters, final state, trace."""

    empty_at: float | None
    empty_endpoints: tuple[str, ...]
    stale_plan: int | None
    stale_writer: str | None
    deleter: str | None
    stuck_enactors: tuple[str, ...]
    final: tuple[EndpointState, ...]
    latest_plan: int
    writes: int
    extra_ops: int
    plans_applied: int
    run_seconds: float
    lock_losses: int
    max_losses_in_a_row: int
    end: float
    trace: tuple[TraceEvent, ...] = field(default=(), repr=False)


def _name(e: int) -> str:
    return f"Enactor {chr(ord('A') + e)}"


def simulate(
    params: RaceParams, rng: random.Random, *, trace: bool = False, stop_at_empty: bool = True
) -> RaceRun:
    """Play one window of ``params.horizon`` seconds.

    With ``stop_at_empty`` the run ends when a record goes empty (what the Monte
    Carlo needs); without it, it goes on, showing every later write fail.
    """
    p = params
    n, m = len(p.endpoints), p.enactors
    endpoint = [0] * n
    tokens = [0] * n
    writer = [-1] * n
    holder = [-1] * n
    since = [0.0] * n
    deleted_upto = -1
    plan, token, at, seen = [0] * m, [0] * m, [0] * m, [0] * m
    losses, lock_time, run_start = [0] * m, [0.0] * m, [0.0] * m
    stuck = [False] * m
    next_token = 1
    c = {"writes": 0, "extra": 0, "applied": 0, "losses": 0, "max_losses": 0}
    run_seconds = 0.0
    events: list[TraceEvent] = []
    heap: list[tuple[float, int, int, int]] = []
    seq = 0
    empty_at: float | None = None
    empties: tuple[str, ...] = ()
    stale_plan = stale_writer = deleter = None
    log_median = math.log(p.write_median)

    def latency() -> float:
        if rng.random() < p.tail_probability:
            return p.tail_scale * rng.paretovariate(p.tail_alpha)
        return math.exp(log_median + p.write_sigma * rng.gauss(0.0, 1.0))

    def push(t: float, kind: int, e: int) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (t, seq, kind, e))

    def note(t: float, e: int, kind: str, k: int, detail: str) -> None:
        if trace:
            where = p.endpoints[k] if k >= 0 else ""
            events.append(TraceEvent(round(t, 6), _name(e), kind, where, plan[e], detail))

    def back_off(t: float, e: int, k: int, why: str) -> None:
        losses[e] += 1
        c["losses"] += 1
        c["max_losses"] = max(c["max_losses"], losses[e])
        cap = min(p.backoff_cap, p.backoff_base * 2 ** (losses[e] - 1))
        wait = cap / 2 + rng.uniform(0, cap / 2)
        if trace:
            note(t, e, "lock-lost", k, f"{why} ({losses[e]} in a row), retries in {wait:.2f}s")
        push(t + wait, ATTEMPT, e)

    def next_plan_time(t: float) -> float:
        return (math.floor(t / p.plan_interval) + 1) * p.plan_interval

    def idle(t: float, e: int) -> None:
        push(next_plan_time(t) + rng.uniform(0, p.poll_jitter), WAKE, e)

    for e in range(m):
        push(rng.uniform(0, p.poll_jitter), WAKE, e)
    t = 0.0
    while heap:
        t, _, kind, e = heapq.heappop(heap)
        if t > p.horizon:
            t = p.horizon
            break
        if kind == WAKE:
            newest = int(t // p.plan_interval)
            if newest > seen[e] and newest > min(endpoint):
                run_start[e], at[e] = t, 0
                if p.fix is Fix.FENCING:
                    # The sequencer hands out the token and the newest plan in one
                    # step: a token taken apart from the pick does not fence (a slow
                    # token write would fence with a newer token than a newer plan).
                    c["extra"] += 1
                    push(t + latency(), TOKEN, e)
                    continue
                seen[e] = plan[e] = newest
                if trace:
                    note(
                        t,
                        e,
                        "pick",
                        -1,
                        f"picks plan {newest}; newer than {min(endpoint)} in effect",
                    )
                push(t, ATTEMPT, e)
            else:
                seen[e] = newest
                idle(t, e)
        elif kind == TOKEN:
            newest = int(t // p.plan_interval)
            seen[e] = newest
            if newest <= min(endpoint):
                idle(t, e)
                continue
            token[e], next_token, plan[e] = next_token, next_token + 1, newest
            if trace:
                note(t, e, "pick", -1, f"gets fencing token {token[e]} with plan {newest}")
            push(t, ATTEMPT, e)
        elif kind == ATTEMPT:
            k = at[e]
            free = holder[k] < 0 or t - since[k] > p.lock_ttl
            if not free:
                back_off(t, e, k, f"lock held by {_name(holder[k])}")
            elif rng.random() < p.contention:
                back_off(t, e, k, "lock held by another client")
            else:
                if holder[k] >= 0 and trace:
                    note(t, e, "lock-taken", k, f"takes the expired lock from {_name(holder[k])}")
                holder[k], since[k], lock_time[e], losses[e] = e, t, t, 0
                wait = latency()
                if p.fix is Fix.CAS:
                    c["extra"] += 1
                    wait += latency()
                push(t + wait, COMMIT, e)
        elif kind == COMMIT:
            k = at[e]
            if holder[k] != e or since[k] != lock_time[e]:
                back_off(t, e, k, "batch rejected: lock taken over while writing")
                continue
            holder[k] = -1
            old = endpoint[k]
            if plan[e] <= deleted_upto:
                if trace:
                    note(t, e, "abandon", k, f"plan {plan[e]} was deleted; abandons the run")
                push(t, WAKE, e)
                continue
            if old <= deleted_upto:
                stuck[e] = True
                if trace:
                    note(t, e, "write-failed", k, f"rollback record points at deleted plan {old}")
                idle(t, e)
                continue
            if p.fix is Fix.FENCING and token[e] < tokens[k]:
                if trace:
                    note(t, e, "fenced", k, f"token {token[e]} < {tokens[k]}; run ends")
                push(t, WAKE, e)
                continue
            if p.fix is Fix.CAS and plan[e] <= old:
                if trace:
                    note(t, e, "cas-skip", k, f"plan {old} in effect is not older; left as is")
            else:
                endpoint[k], tokens[k], writer[k] = plan[e], token[e], e
                c["writes"] += 1
                stale = " (OLDER than the plan it replaces)" if plan[e] < old else ""
                if trace:
                    note(t, e, "write", k, f"writes plan {plan[e]} over {old}{stale}")
            at[e] += 1
            if at[e] == n:
                push(t + latency(), CLEANUP, e)
            else:
                push(t, ATTEMPT, e)
        else:  # CLEANUP
            limit = plan[e] - p.threshold
            if p.fix is Fix.CLEANUP_GUARD:
                c["extra"] += n
                limit = min(limit, min(endpoint) - 1)
            if limit > deleted_upto:
                if trace:
                    note(t, e, "cleanup", -1, f"deletes plans {deleted_upto + 1}..{limit}")
                deleted_upto = limit
            c["applied"] += 1
            run_seconds += t - run_start[e]
            gone = tuple(k for k in range(n) if endpoint[k] <= deleted_upto)
            if gone and empty_at is None:
                empty_at, empties, deleter = t, tuple(p.endpoints[k] for k in gone), _name(e)
                stale_plan = endpoint[gone[0]]
                stale_writer = _name(writer[gone[0]]) if writer[gone[0]] >= 0 else None
                if trace:
                    note(t, e, "EMPTY", gone[0], f"records now empty: {', '.join(empties)}")
                if stop_at_empty:
                    break
            push(t, WAKE, e)
    final = tuple(
        EndpointState(
            p.endpoints[k],
            endpoint[k],
            endpoint[k] <= deleted_upto,
            _name(writer[k]) if writer[k] >= 0 else "",
        )
        for k in range(n)
    )
    return RaceRun(
        empty_at=empty_at,
        empty_endpoints=empties,
        stale_plan=stale_plan,
        stale_writer=stale_writer,
        deleter=deleter,
        stuck_enactors=tuple(_name(e) for e in range(m) if stuck[e]),
        final=final,
        latest_plan=int(t // p.plan_interval),
        writes=c["writes"],
        extra_ops=c["extra"],
        plans_applied=c["applied"],
        run_seconds=run_seconds,
        lock_losses=c["losses"],
        max_losses_in_a_row=c["max_losses"],
        end=t,
        trace=tuple(events),
    )
