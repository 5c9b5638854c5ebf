"""The domain model: components, dependencies, redundancy groups and the graph file.

Every type is immutable and validated on construction; closed vocabularies are
enums whose errors list the allowed values. Field descriptions double as the
schema documentation (``docs/schema.md``, ``docs/graph.schema.json``).

The timing fields (``cache_ttl``, ``lease_timeout``, ``queue``, ``retry``,
``health_check``, ``recovery_time``) are not used by the static analysis; they
are the parameters the time-based simulation reads, declared now so that graph
files written today keep validating when it lands.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from blast.model.durations import DURATION_PATTERN, parse_duration

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$"
GLOBAL_REGION = "global"

Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DURATION_PATTERN},
                {"type": "number", "minimum": 0},
            ]
        }
    ),
]
"""Seconds; written in files as ``90s``, ``5m``, ``1h30m``, ``2d`` or a number of seconds."""

WholeNumber = Annotated[int, Strict()]
"""An integer as YAML reads it: ``true``, ``"2"`` and ``2.0`` are errors, not 1 and 2."""
Flag = Annotated[bool, Strict()]
"""``true`` or ``false`` (YAML's ``yes``/``no`` too); the string ``"yes"`` is an error."""
Rate = Annotated[float, Strict(), Field(allow_inf_nan=False)]
"""A finite number (an integer is fine); ``.inf``, ``.nan``, ``true`` and ``"2"`` are errors."""


class Kind(StrEnum):
    """What a component is; drives icons and grouping, never failure semantics."""

    DNS = "dns"
    DATABASE = "database"
    CACHE = "cache"
    STORAGE = "storage"
    QUEUE = "queue"
    STREAM = "stream"
    COMPUTE = "compute"
    CONTAINER = "container"
    SERVERLESS = "serverless"
    LOAD_BALANCER = "load-balancer"
    NETWORK = "network"
    CDN = "cdn"
    CONTROL_PLANE = "control-plane"
    IDENTITY = "identity"
    MONITORING = "monitoring"
    WORKFLOW = "workflow"
    ANALYTICS = "analytics"
    API = "api"
    SUPPORT = "support"
    APP = "app"
    STATUS_PAGE = "status-page"
    OTHER = "other"


class Scope(StrEnum):
    """How far a component's failure domain reaches."""

    ZONAL = "zonal"
    REGIONAL = "regional"
    GLOBAL = "global"


class Plane(StrEnum):
    """Control plane (create/change things) or data plane (serve traffic)."""

    CONTROL = "control"
    DATA = "data"


class DependencyType(StrEnum):
    """How a dependency's failure reaches the dependent.

    ``hard``: the dependent is down while the dependency is down.
    ``soft``: the dependent is degraded, never down, because of it.
    ``async``: work queues up while the dependency is down or degraded and drains
    afterwards; statically the dependent is delayed, its own service up.
    """

    HARD = "hard"
    SOFT = "soft"
    ASYNC = "async"


class RedundancyMode(StrEnum):
    """Whether all members serve at once, or standbys take over after a failover."""

    ACTIVE_ACTIVE = "active-active"
    ACTIVE_PASSIVE = "active-passive"


class Confidence(StrEnum):
    """How sure a fact is: said by its source, or worked out from what the source says."""

    STATED = "stated"
    INFERRED = "inferred"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


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

    size: float = Field(..., gt=0, description="Items it holds before it is full.")
    fill_rate: float = Field(
        ..., gt=0, description="Items per second written to it while the target is down."
    )
    drain_rate: float = Field(
        ..., gt=0, description="Items per second the target takes from it once back."
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


def _dependency_shorthand(value: object) -> object:
    """Accept a bare id string as a hard dependency on it."""
    if isinstance(value, str):
        return {"target": value}
    return value


DependencyEntry = Annotated[Dependency, BeforeValidator(_dependency_shorthand)]

AWS_REGION = re.compile(
    r"^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-"
    r"(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d$"
)
AWS_AZ = re.compile(r"^(?P<region>.+-\d)[a-z]$|^[a-z]{2,5}\d+-az\d+$")
GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d$")
AZURE_REGION = re.compile(r"^[a-z]+[0-9]?$")
GENERIC_REGION = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REGION_PATTERNS = {"aws": AWS_REGION, "gcp": GCP_REGION, "azure": AZURE_REGION}


class Component(_Frozen):
    """A thing that can fail: a service, an endpoint, a subsystem, an app."""

    id: str = Field(..., pattern=ID_PATTERN, description="Unique, stable identifier.")
    name: str = Field("", description="Human name; defaults to the id.")
    kind: Kind = Field(..., description="What it is (dns, database, app, ...).")
    provider: str = Field(
        "", description="Who runs it: aws, gcp, azure, or any name (e.g. your company)."
    )
    region: str = Field(
        GLOBAL_REGION,
        description=(
            "Where it runs, e.g. us-east-1; for a global service, the region it is anchored in "
            "(its control plane's home), or `global` when it is anchored nowhere."
        ),
    )
    scope: Scope = Field(
        Scope.REGIONAL,
        description=(
            "Failure domain: zonal, regional or global. Defaults to regional when a region is "
            "given, to global otherwise."
        ),
    )
    az: str | None = Field(None, description="Availability zone, for zonal components.")
    plane: Plane | None = Field(None, description="control or data, where it matters.")
    user_facing: Flag = Field(False, description="True for what end users touch directly.")
    assumed: Flag = Field(
        False, description="True when the component's existence or shape is inferred."
    )
    tags: tuple[str, ...] = Field((), description="Free labels for filtering.")
    notes: str = Field("", description="Free text: what is known, what is assumed and why.")
    sources: tuple[str, ...] = Field(
        (), description="URLs, or keys of the file's `references`, for where facts come from."
    )
    depends_on: tuple[DependencyEntry, ...] = Field(
        (), description="What it needs; a bare id is a hard dependency."
    )
    facts: tuple[Fact, ...] = Field(
        (),
        description=(
            "Optional public facts about it, each with sources and a confidence "
            "(`stated` or `inferred`); informational, not used by the analyses."
        ),
    )
    timing: Timing | None = Field(None, description="Recovery parameters for the simulation.")
    queue: Queue | None = Field(None, description="Its work queue, for the simulation.")
    health_check: HealthCheck | None = Field(
        None, description="Its health checker, for the simulation."
    )

    @model_validator(mode="before")
    @classmethod
    def _default_scope(cls, data: object) -> object:
        """Without a region a component is global: a regional one must say where it runs."""
        if isinstance(data, dict) and "scope" not in data:
            region = data.get("region", GLOBAL_REGION)
            return {**data, "scope": "global" if region == GLOBAL_REGION else "regional"}
        return data

    @field_validator("region")
    @classmethod
    def _check_region(cls, region: str, info: ValidationInfo) -> str:
        provider = str(info.data.get("provider", "")).lower()
        if region == GLOBAL_REGION:
            return region
        pattern = REGION_PATTERNS.get(provider, GENERIC_REGION)
        if not pattern.match(region):
            hint = " (e.g. us-east-1)" if provider == "aws" else ""
            raise ValueError(f"'{region}' is not a valid {provider or 'region'} region name{hint}")
        return region

    @field_validator("az")
    @classmethod
    def _check_az(cls, az: str | None, info: ValidationInfo) -> str | None:
        if az is None:
            return az
        scope = info.data.get("scope")
        if scope is not None and scope is not Scope.ZONAL:
            raise ValueError(f"`az` is set but scope is {scope.value}; use scope: zonal")
        region = info.data.get("region")
        if str(info.data.get("provider", "")).lower() == "aws" and region:
            match = AWS_AZ.match(az)
            if not match or (match.group("region") and match.group("region") != region):
                raise ValueError(
                    f"'{az}' is not an availability zone of {region} "
                    f"(e.g. {region}a, or a zone id like use1-az1)"
                )
        return az

    @model_validator(mode="after")
    def _check_zonal(self) -> Component:
        if self.scope is Scope.ZONAL and not self.az:
            raise ValueError("a zonal component needs an `az`")
        if self.scope is not Scope.GLOBAL and self.region == GLOBAL_REGION:
            raise ValueError(f"a {self.scope.value} component needs a `region`")
        return self

    @property
    def label(self) -> str:
        """The name to show people."""
        return self.name or self.id


class RedundancyGroup(_Frozen):
    """A dependency satisfied by enough of several members (any one, by default)."""

    id: str = Field(..., pattern=ID_PATTERN, description="Unique id, shared with components.")
    name: str = Field("", description="Human name; defaults to the id.")
    members: tuple[str, ...] = Field(
        ..., min_length=2, description="Ids of the components (or groups) that can serve."
    )
    min_up: WholeNumber = Field(
        1, ge=1, description="Members that must be up for the group to be up."
    )
    mode: RedundancyMode = Field(
        RedundancyMode.ACTIVE_ACTIVE, description="active-active or active-passive."
    )
    failover_time: Duration | None = Field(
        None, description="Time for traffic to move to a surviving member."
    )
    notes: str = Field("", description="Free text.")
    sources: tuple[str, ...] = Field((), description="URLs or reference keys.")

    @model_validator(mode="after")
    def _check_members(self) -> RedundancyGroup:
        if self.min_up > len(self.members):
            raise ValueError(
                f"min_up is {self.min_up} but the group has only {len(self.members)} members"
            )
        return self

    @property
    def label(self) -> str:
        """The name to show people."""
        return self.name or self.id


class GraphDocument(_Frozen):
    """One graph file as written: the top level of the YAML."""

    version: Literal[1] = Field(1, description="Schema version of the file; 1.")
    name: str = Field("", description="Title of the graph.")
    description: str = Field("", description="What the graph models.")
    include: tuple[str, ...] = Field(
        (), description="Other graph files to merge in, relative to this file."
    )
    references: dict[str, str] = Field(
        default_factory=dict, description="Source keys to URLs or citations, usable in `sources`."
    )
    components: tuple[Component, ...] = Field((), description="The components.")
    redundancy_groups: tuple[RedundancyGroup, ...] = Field((), description="The groups.")

    @field_validator("version", mode="before")
    @classmethod
    def _whole_version(cls, value: object) -> object:
        """``1.0`` and ``true`` equal 1 in Python; a version is the whole number 1."""
        if type(value) is not int:
            raise ValueError(f"bad value {value!r}; allowed: 1 (a whole number)")
        return value
