"""What a dependency says: the edge itself (:class:`Dependency`) and the simulation
parameters it and its component may carry (retry, queue, buffer, health check,
timing), plus the public facts a component may cite.

The timing fields are not used by the static analysis; they are the parameters
the time-based simulation reads.
"""

from typing import Literal

from pydantic import ConfigDict, Field, ValidatorFunctionWrapHandler

from blast.model.vocabulary import (
    ID_PATTERN,
    Confidence,
    DependencyType,
    Duration,
    Flag,
    Frozen,
    Plane,
    Rate,
    WholeNumber,
)


class _Frozen(Frozen):
    """The parts of a component: validated inside it, so their own validators are built
    on first use only (``defer_build``). Building one per class when the module is
    imported cost every graph-reading command about 10 ms of start-up (docs/benchmarks.md),
    for validators that loading a graph file never calls."""

    model_config = ConfigDict(defer_build=True)


class Fact(_Frozen):
    """A public fact about a component, with where it comes from and how sure it is.

    Used by the shipped catalogs to carry, per component, what AWS documents
    (for example which region a global service's control plane lives in, and
    what keeps working while it is impaired). Informational: the analyses do
    not read it.
    """

    fact: str = Field(..., min_length=1, description="The fact, in a sentence.")
    confidence: Confidence = Field(
        ...,
        description=(
            "`stated` when the sources say it; `inferred` when it is worked out from what "
            "they say (the fact's text says how)."
        ),
    )
    sources: tuple[str, ...] = Field(
        ..., min_length=1, description="URLs, or keys of the file's `references`."
    )


class Retry(_Frozen):
    """How a dependent retries calls to a dependency (simulation parameter)."""

    attempts: WholeNumber = Field(
        3, ge=1, description="Calls made before giving up, the first included."
    )
    backoff: Duration = Field(1.0, description="Wait before the first retry; doubles after each.")
    jitter: Rate = Field(0.0, ge=0, le=1, description="Random share of each backoff (0 = none).")


class Queue(_Frozen):
    """A component's work queue: what piles up while it cannot work (simulation parameter)."""

    arrival_rate: Rate = Field(
        ..., ge=0, description="Work items arriving per second in normal operation."
    )
    drain_rate: Rate = Field(
        ..., gt=0, description="Work items the component processes per second at full capacity."
    )
    capacity: WholeNumber | None = Field(
        None, ge=1, description="Most items the queue holds; beyond it work is dropped."
    )
    # --- simulation parameters added with the time engine (blast.sim, issue 10) ---
    timeout: Duration | None = Field(
        None,
        description=(
            "Seconds a request waits before its caller gives up; when the queueing delay "
            "exceeds it, the work done is wasted (goodput 0: congestive collapse)."
        ),
    )
    retry_attempts: int | None = Field(
        None,
        ge=1,
        description=(
            "Calls clients make per request while it fails, the first included (retry "
            "amplification); default: the largest `retry.attempts` of its dependents, else 1."
        ),
    )
    retry_backoff: Duration | None = Field(
        None,
        description=(
            "Seconds clients wait before their first retry, doubling after each "
            "(exponential backoff): the n-th retry of a request first tried at t arrives at "
            "t + retry_backoff x (2^n - 1). Default: the `retry.backoff` of the dependent "
            "whose `retry.attempts` is used; 0 (retries at once) when `retry_attempts` is set."
        ),
    )


class HealthCheck(_Frozen):
    """A health checker that removes unhealthy targets (simulation parameter)."""

    interval: Duration = Field(10.0, description="Time between two checks of one target.")
    unhealthy_threshold: WholeNumber = Field(
        3, ge=1, description="Consecutive failures before a target is taken out."
    )
    healthy_threshold: WholeNumber = Field(
        3, ge=1, description="Consecutive successes before a target is put back."
    )
    failover: Flag = Field(
        False, description="Whether failing checks shift traffic away (e.g. AZ DNS failover)."
    )
    # --- simulation parameters added with the time engine (blast.sim, issue 10) ---
    not_ready_time: Duration | None = Field(
        None,
        description=(
            "How long a target that came back keeps failing checks although it works (not "
            "ready, e.g. its network state has not propagated)."
        ),
    )


class Timing(_Frozen):
    """A component's own recovery behaviour (simulation parameters)."""

    recovery_time: Duration | None = Field(
        None, description="Time to come back once what it needs is back (warm-up, restart)."
    )
    lease_timeout: Duration | None = Field(
        None, description="How long leases it grants stay valid without renewal."
    )
    throttle_rate: Rate | None = Field(
        None, gt=0, description="Requests per second it admits while operators throttle it."
    )
    # --- simulation parameters added with the time engine (blast.sim, issue 10) ---
    capacity_units: int | None = Field(
        None,
        ge=1,
        description="Units of capacity it has (hosts, servers), for `recovery_rate`; default 100.",
    )
    recovery_rate: float | None = Field(
        None,
        gt=0,
        description=(
            "Units of capacity returned per hour once what it needs is back (ramped recovery); "
            "all at once when unset."
        ),
        allow_inf_nan=False,
    )
    restart_required: bool = Field(
        False,
        description=(
            "Once down it stays down until an operator restarts or repairs it (a stuck "
            "state no automation repairs)."
        ),
    )


class Buffer(_Frozen):
    """The buffer of an async dependency (simulation parameter)."""

    size: float = Field(
        ..., gt=0, description="Items it holds before it is full.", allow_inf_nan=False
    )
    fill_rate: float = Field(
        ...,
        gt=0,
        description="Items per second written to it while the target is down.",
        allow_inf_nan=False,
    )
    drain_rate: float = Field(
        ...,
        gt=0,
        description="Items per second the target takes from it once back.",
        allow_inf_nan=False,
    )
    when_full: Literal["block", "error", "drop"] = Field(
        "block",
        description=(
            "block or error: the caller is impaired as by a hard dependency; drop: work is "
            "lost and the caller only degrades."
        ),
    )
    hold: bool = Field(
        False,
        description=(
            "Work waits unnoticed while the target is down (the caller is not impaired while "
            "it fills); it drains only once the target is fully up, and the caller is "
            "degraded meanwhile: impact that starts with the recovery (a propagation backlog)."
        ),
    )


class Attrition(_Frozen):
    """Capacity a dependent loses while the target is impaired (simulation parameter).

    Wrong health checks terminating instances or removing nodes from service erode a
    fleet's capacity over time; the fleet notices only once the loss exceeds its spare
    capacity (``headroom``), and gets it back at once (nodes merely removed) or only as
    fast as replacements launch (``restore_rate`` through ``restore_via``).
    """

    loss_rate: float = Field(
        ...,
        gt=0,
        description=(
            "Share of the dependent's capacity lost per hour while the target is perceived "
            "impaired (degraded or down)."
        ),
        allow_inf_nan=False,
    )
    headroom: float = Field(
        0.0,
        ge=0,
        lt=1,
        description=(
            "Share of its capacity the dependent can lose unnoticed (spare capacity); it is "
            "impaired only beyond it."
        ),
        allow_inf_nan=False,
    )
    restore_rate: float | None = Field(
        None,
        gt=0,
        description=(
            "Share of capacity per hour put back (replacements), also while the loss goes "
            "on; none: all of it at once when the target is fine again (removed, not "
            "destroyed)."
        ),
        allow_inf_nan=False,
    )
    restore_via: str | None = Field(
        None,
        pattern=ID_PATTERN,
        description=(
            "Target of another dependency of the same component through which capacity is "
            "replaced (instance launches): restore_rate is multiplied by the share of it the "
            "dependent perceives, and that dependency acts on it only this way."
        ),
    )


class Dependency(_Frozen):
    """An edge: the component needs ``target`` (a component or a redundancy group)."""

    target: str = Field(
        ..., pattern=ID_PATTERN, description="Id of the component or redundancy group needed."
    )
    type: DependencyType = Field(DependencyType.HARD, description="hard, soft or async.")
    purpose: str = Field("", description="What the dependency is used for, in a few words.")
    assumed: Flag = Field(
        False, description="True when the dependency is inferred, not stated by a public source."
    )
    sources: tuple[str, ...] = Field(
        (), description="URLs, or keys of the file's `references`, backing this edge."
    )
    notes: str = Field("", description="Free text.")
    timeout: Duration | None = Field(None, description="Per-call timeout the dependent uses.")
    retry: Retry | None = Field(None, description="Retry policy of the dependent for this call.")
    cache_ttl: Duration | None = Field(
        None, description="How long the dependent keeps serving from cached answers."
    )
    lease_timeout: Duration | None = Field(
        None, description="How long the dependent keeps working on a lease it cannot renew."
    )
    # --- simulation parameters added with the time engine (blast.sim, issue 10) ---
    detection_delay: Duration | None = Field(
        None, description="Time the dependent takes to notice that the dependency fails."
    )
    negative_cache_ttl: Duration | None = Field(
        None,
        description=(
            "How long the dependent keeps a cached failure (an empty DNS answer, a SERVFAIL) "
            "after the dependency is back."
        ),
    )
    serve_stale: bool = Field(
        False,
        description="Whether it keeps serving expired cached answers while the dependency is down.",
    )
    plane: Plane | None = Field(
        None,
        description=(
            "`control` when the dependent needs new capacity from the target (launches, "
            "scaling); `data` (the default) when it uses what exists."
        ),
    )
    lease_work: float | None = Field(
        None,
        ge=0,
        description=(
            "Work items (on the dependent's queue) to re-establish its leases after they lapsed."
        ),
        allow_inf_nan=False,
    )
    buffer: Buffer | None = Field(
        None, description="The buffer of an async dependency: fills while the target is down."
    )
    on_wrong_data: Literal["fail", "degrade", "propagate", "ignore"] = Field(
        "fail",
        description=(
            "What the dependent does with wrong data from the target: fail (down), degrade, "
            "propagate (becomes wrong too) or ignore."
        ),
    )
    withdraw: bool = Field(
        False,
        description=(
            "The dependent withdraws itself from service (self-removal) while it cannot "
            "reach the target, whatever the dependency type."
        ),
    )
    through_failover: bool = Field(
        False,
        description=(
            "The target acts on the dependent only through the dependent's automatic "
            "health-check failover (the target is its health checker): while that automation "
            "is switched off (disable-automation), the dependent does not perceive the target."
        ),
    )
    attrition: Attrition | None = Field(
        None,
        description=(
            "The target acts on the dependent only by eroding its capacity while impaired "
            "(wrong health checks terminating or removing instances): see Attrition."
        ),
    )


_SHORTHAND_MEMO: dict[str, Dependency] = {}
"""Bare id -> its validated :class:`Dependency` (see :func:`shared_shorthands`)."""
_SHORTHAND_MEMO_MAX = 1 << 18


def shared_shorthands(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    """Validate a component's ``depends_on``, each bare id as a hard dependency on it.

    A bare id always validates to the same model (every other field at its
    default), and models are immutable: one instance per id is shared by every
    component that names it. Most dependencies of a large graph are bare ids of
    a few hub services (548,000 of 674,000 at 100,000 components on the hubs
    shape, 55,000 distinct): sharing saves pydantic building each again and
    about 400 MB. The ids already seen are swapped for their model before
    pydantic-core validates the list (a model instance passes as it is), the
    others for ``{"target": id}``: one Python call per component, not per
    dependency. Bounded: the memo is emptied when it grows past
    ``_SHORTHAND_MEMO_MAX`` ids; only valid ids are kept, so an invalid one is
    reported every time, exactly as before (at ``depends_on[i].target``).
    """
    if type(value) is not list and type(value) is not tuple:
        return handler(value)
    memo = _SHORTHAND_MEMO
    entries = list(value)
    fresh: list[int] = []
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            dep = memo.get(entry)
            if dep is None:
                fresh.append(i)
                entries[i] = {"target": entry}
            else:
                entries[i] = dep
    deps = handler(entries)
    if fresh:
        if len(memo) + len(fresh) > _SHORTHAND_MEMO_MAX:
            memo.clear()
        for i in fresh:
            memo[value[i]] = deps[i]
    return deps


DependencyEntry = Dependency
"""An item of ``depends_on``: a :class:`Dependency`, written as a mapping or a bare id
(:func:`shared_shorthands`, the field's validator, turns bare ids into models)."""
