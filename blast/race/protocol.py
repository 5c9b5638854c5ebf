"""The DNS Planner/Enactor protocol as a transition system, for exhaustive checking.

The protocol, from the AWS post-event summary and the DAT453 talk (facts in
``reference/dns-race.yaml``): a Planner numbers plans 1, 2, 3, …; each Enactor
loops: it picks the newest plan and checks **once**, at the start, that it is
newer than a plan in effect; it writes the plan endpoint by endpoint, each write
a transaction guarded by that endpoint's lock and rewriting a rollback record
that points at the plan it replaces; then it runs **clean-up**, deleting plans at
least ``threshold`` generations older than the plan it just applied. A deleted
plan in effect empties the endpoint's record, and because the rollback record
then points at a deleted plan, every later write to that endpoint fails.

The state is untimed: any delay (a slow write, a lock lost again and again) is
just an interleaving, so exploring every interleaving covers every timing. Two
granularities, as in the public TLA+ model (will62794/spectacle ``AwsDNSRace.tla``):

* ``atomic=True``: an Enactor's whole run (pick, check, every write, clean-up) is
  one step;
* ``atomic=False``: pick (with the check), take the lock of an endpoint, write it
  (one pair per endpoint), clean up: separate steps.

Differences from the TLA+ model, on purpose: Enactors pick the *newest* plan (the
stated protocol) rather than the head of a FIFO queue, the newer-than check is
modelled, and endpoints, locks and the rollback record exist. Plan 0 is the
bootstrap plan, never deleted (the TLA+ model deletes only plans 1..MAX_PLAN).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from blast.errors import BadInputError


class Fix(Enum):
    """A fix of the race, each a switch (``--fix``)."""

    CAS = "a"
    """Every endpoint write is a compare-and-set on the plan generation: an
    endpoint already at this plan or a newer one is left as it is."""
    CLEANUP_GUARD = "b"
    """Clean-up never deletes a plan in effect on any endpoint, nor anything newer
    than the oldest plan in effect (read and delete in one transaction)."""
    FENCING = "c"
    """Each Enactor run takes a token from a sequencer; an endpoint remembers the
    highest token that wrote it and rejects a write with a lower one, which ends
    that run (no clean-up)."""

    @classmethod
    def parse(cls, text: str | None) -> Fix | None:
        if text is None or text in ("", "none"):
            return None
        for fix in cls:
            if text in (fix.value, fix.name.lower()):
                return fix
        raise BadInputError(f"unknown fix '{text}' (expected one of: a, b, c, none)")


IDLE, WRITING, LOCKED, CLEANUP = 0, 1, 2, 3
"""Enactor program counter: waiting for a plan; before an endpoint's lock;
holding that lock; about to clean up."""


@dataclass(frozen=True)
class Config:
    """A small configuration to explore; defaults are the public TLA+ model's constants.

    ``enactors`` 2, ``max_plan`` 5, ``threshold`` 2 (TLA_SPECTACLE, SPIN_MODEL in
    ``dns-race.yaml``). ``endpoints`` names the records a plan covers.
    """

    enactors: int = 2
    max_plan: int = 5
    threshold: int = 2
    endpoints: tuple[str, ...] = ("regional",)
    atomic: bool = False
    locks: bool = True
    fix: Fix | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.enactors <= 6:
            raise BadInputError(f"enactors must be 1..6 for exhaustive search, not {self.enactors}")
        if not 1 <= self.max_plan <= 12:
            raise BadInputError(f"max_plan must be 1..12, not {self.max_plan}")
        if self.threshold < 1:
            raise BadInputError(f"threshold must be at least 1, not {self.threshold}")
        if not 1 <= len(self.endpoints) <= 4:
            raise BadInputError(f"1..4 endpoints for exhaustive search, not {len(self.endpoints)}")

    def enactor_name(self, e: int) -> str:
        return chr(ord("A") + e)


class Enactor(NamedTuple):
    """One Enactor: program counter, plan of its run, next endpoint, newest plan seen, token."""

    pc: int = IDLE
    plan: int = 0
    at: int = 0
    seen: int = 0
    token: int = 0


class State(NamedTuple):
    """Everything the protocol stores. ``deleted`` is a bit mask of deleted plans.

    Immutable tuples (hashable, cheap to copy): the explorer stores every state.
    """

    latest: int
    deleted: int
    endpoints: tuple[int, ...]
    tokens: tuple[int, ...]
    locks: tuple[int, ...]
    enactors: tuple[Enactor, ...]
    next_token: int = 1

    def is_deleted(self, plan: int) -> bool:
        return bool(self.deleted >> plan & 1)


class Step(NamedTuple):
    """One transition: who (``actor`` -1 = Planner), what, and a sentence for people."""

    actor: int
    kind: str
    endpoint: int
    text: str


def initial(config: Config) -> State:
    """Every endpoint on bootstrap plan 0, no plan generated, every Enactor idle."""
    n = len(config.endpoints)
    return State(
        latest=0,
        deleted=0,
        endpoints=(0,) * n,
        tokens=(0,) * n,
        locks=(-1,) * n,
        enactors=(Enactor(),) * config.enactors,
    )


def empty_endpoints(state: State) -> tuple[int, ...]:
    """Endpoints whose plan in effect was deleted: their record is empty."""
    return tuple(k for k, plan in enumerate(state.endpoints) if state.is_deleted(plan))


def converged(config: Config, state: State) -> bool:
    """Every endpoint holds the newest plan the Planner will ever make, intact."""
    return all(p == config.max_plan for p in state.endpoints) and not empty_endpoints(state)


def _set(items: tuple, index: int, value: object) -> tuple:
    return (*items[:index], value, *items[index + 1 :])


def _cleanup(config: Config, state: State, plan: int) -> tuple[State, list[int]]:
    limit = plan - config.threshold
    if config.fix is Fix.CLEANUP_GUARD:
        limit = min(limit, min(state.endpoints) - 1)
    gone = [p for p in range(1, limit + 1) if not state.is_deleted(p)]
    mask = state.deleted
    for p in gone:
        mask |= 1 << p
    return state._replace(deleted=mask), gone


def _write(config: Config, state: State, e: int, k: int) -> tuple[State, str, bool]:
    """Enactor ``e`` commits its write of endpoint ``k``: (state, what happened, run goes on)."""
    me = state.enactors[e]
    current = state.endpoints[k]
    name = config.endpoints[k]
    if state.is_deleted(me.plan):
        return state, f"finds its plan {me.plan} deleted and abandons the run", False
    if state.is_deleted(current):
        return (
            state,
            (f"cannot write {name}: the rollback record would point at deleted plan {current}"),
            False,
        )
    if config.fix is Fix.FENCING and me.token < state.tokens[k]:
        return state, f"is fenced at {name} (token {me.token} < {state.tokens[k]})", False
    if config.fix is Fix.CAS and me.plan <= current:
        return state, f"leaves {name} at plan {current} (compare-and-set: not newer)", True
    new = state._replace(
        endpoints=_set(state.endpoints, k, me.plan),
        tokens=_set(state.tokens, k, me.token),
    )
    return new, f"writes plan {me.plan} to {name} (rollback record: plan {current})", True


def _release(state: State, k: int, e: int, enactor: Enactor) -> State:
    locks = _set(state.locks, k, -1) if state.locks[k] == e else state.locks
    return state._replace(locks=locks, enactors=_set(state.enactors, e, enactor))


def successors(config: Config, state: State) -> Iterator[tuple[Step, State]]:
    """Every enabled step and the state it leads to, in a fixed order."""
    if state.latest < config.max_plan:
        plan = state.latest + 1
        yield Step(-1, "plan", -1, f"Planner makes plan {plan}"), state._replace(latest=plan)
    for e, me in enumerate(state.enactors):
        who = f"Enactor {config.enactor_name(e)}"
        if me.pc == IDLE and state.latest > me.seen:
            yield _receive(config, state, e, who)
        elif me.pc == WRITING:
            k = me.at
            if not config.locks:
                yield _commit(config, state, e, who, k)
            elif state.locks[k] == -1:
                locked = state._replace(
                    locks=_set(state.locks, k, e),
                    enactors=_set(state.enactors, e, me._replace(pc=LOCKED)),
                )
                text = f"{who} takes the lock of {config.endpoints[k]}"
                yield Step(e, "lock", k, text), locked
        elif me.pc == LOCKED:
            yield _commit(config, state, e, who, me.at)
        elif me.pc == CLEANUP:
            new, gone = _cleanup(config, state, me.plan)
            new = new._replace(enactors=_set(new.enactors, e, me._replace(pc=IDLE)))
            deleted = f"deletes plans {gone}" if gone else "deletes nothing"
            text = f"{who} cleans up after plan {me.plan}: {deleted}"
            yield Step(e, "cleanup", -1, text), new


def _receive(config: Config, state: State, e: int, who: str) -> tuple[Step, State]:
    me = state.enactors[e]
    plan = state.latest
    if plan <= min(state.endpoints):
        skipped = state._replace(enactors=_set(state.enactors, e, me._replace(seen=plan)))
        return Step(e, "skip", -1, f"{who} sees plan {plan}, not newer: skips it"), skipped
    run = Enactor(pc=WRITING, plan=plan, at=0, seen=plan, token=state.next_token)
    new = state._replace(enactors=_set(state.enactors, e, run), next_token=state.next_token + 1)
    in_effect = "/".join(str(p) for p in state.endpoints)
    text = f"{who} picks plan {plan}, checks it is newer than {in_effect} in effect (once)"
    if not config.atomic:
        return Step(e, "pick", -1, text), new
    # Atomic: the whole run in one step.
    parts = [f"{who} applies plan {plan} atomically"]
    for k in range(len(config.endpoints)):
        new, what, goes_on = _write(config, new, e, k)
        parts.append(what)
        if not goes_on:
            idle = new.enactors[e]._replace(pc=IDLE)
            return Step(e, "enact", -1, "; ".join(parts)), new._replace(
                enactors=_set(new.enactors, e, idle)
            )
    new, gone = _cleanup(config, new, plan)
    parts.append(f"deletes plans {gone}" if gone else "deletes nothing")
    idle = new.enactors[e]._replace(pc=IDLE)
    return Step(e, "enact", -1, "; ".join(parts)), new._replace(
        enactors=_set(new.enactors, e, idle)
    )


def _commit(config: Config, state: State, e: int, who: str, k: int) -> tuple[Step, State]:
    me = state.enactors[e]
    new, what, goes_on = _write(config, state, e, k)
    if not goes_on:
        after = me._replace(pc=IDLE)
    elif k + 1 < len(config.endpoints):
        after = me._replace(pc=WRITING, at=k + 1)
    else:
        after = me._replace(pc=CLEANUP)
    return Step(e, "write", k, f"{who} {what}"), _release(new, k, e, after)


def describe(config: Config, state: State) -> dict[str, str]:
    """The state as named fields (for state diffs in counterexamples)."""
    deleted = [p for p in range(config.max_plan + 1) if state.is_deleted(p)]
    out = {
        "planner.latest": str(state.latest),
        "plans.deleted": "{" + ", ".join(map(str, deleted)) + "}",
    }
    for k, name in enumerate(config.endpoints):
        plan = state.endpoints[k]
        out[f"{name}.plan"] = f"{plan} (EMPTY record)" if state.is_deleted(plan) else str(plan)
        if config.locks:
            holder = state.locks[k]
            out[f"{name}.lock"] = "free" if holder < 0 else config.enactor_name(holder)
        if config.fix is Fix.FENCING:
            out[f"{name}.token"] = str(state.tokens[k])
    for e, me in enumerate(state.enactors):
        out[f"enactor.{config.enactor_name(e)}"] = _enactor_text(config, me)
    return out


def _enactor_text(config: Config, me: Enactor) -> str:
    if me.pc == IDLE:
        return f"idle (seen plan {me.seen})"
    where = config.endpoints[me.at]
    token = f", token {me.token}" if config.fix is Fix.FENCING else ""
    if me.pc == WRITING:
        return f"applying plan {me.plan}, next {where}{token}"
    if me.pc == LOCKED:
        return f"applying plan {me.plan}, holds lock of {where}{token}"
    return f"applied plan {me.plan}, clean-up next"
