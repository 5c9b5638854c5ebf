"""The domain model: components, dependencies, redundancy groups and the graph file.

Every type is immutable and validated on construction; closed vocabularies are
enums whose errors list the allowed values. Field descriptions double as the
schema documentation (``docs/schema.md``, ``docs/graph.schema.json``).

The timing fields (``cache_ttl``, ``lease_timeout``, ``queue``, ``retry``,
``health_check``, ``recovery_time``) are not used by the static analysis; they
are the parameters the time-based simulation reads, declared now so that graph
files written today keep validating when it lands.
"""

from typing import Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from blast.model.dependency import (
    Buffer,
    Dependency,
    DependencyEntry,
    Fact,
    HealthCheck,
    Queue,
    Retry,
    Timing,
    shared_shorthands,
)
from blast.model.rules import (
    AWS_AZ,
    AWS_REGION,
    AZURE_REGION,
    GCP_REGION,
    GENERIC_REGION,
    REGION_PATTERNS,
    az_problem,
    region_problem,
)
from blast.model.vocabulary import (
    GLOBAL_REGION,
    ID_PATTERN,
    Confidence,
    DependencyType,
    Duration,
    Flag,
    Kind,
    Plane,
    Rate,
    RedundancyMode,
    Scope,
    WholeNumber,
)
from blast.model.vocabulary import Frozen as _Frozen

__all__ = [
    "AWS_AZ",
    "AWS_REGION",
    "AZURE_REGION",
    "GCP_REGION",
    "GENERIC_REGION",
    "GLOBAL_REGION",
    "ID_PATTERN",
    "REGION_PATTERNS",
    "Buffer",
    "Component",
    "Confidence",
    "Dependency",
    "DependencyEntry",
    "DependencyType",
    "Duration",
    "Fact",
    "Flag",
    "GraphDocument",
    "HealthCheck",
    "Kind",
    "Plane",
    "Queue",
    "Rate",
    "RedundancyGroup",
    "RedundancyMode",
    "Retry",
    "Scope",
    "Timing",
    "WholeNumber",
]

_ZONAL, _GLOBAL = Scope.ZONAL, Scope.GLOBAL
"""Looked up once: reading an enum's member costs a quarter of a microsecond each time."""


def _may_restore(data: object) -> bool:
    """Whether a component's raw data may give a dependency an ``attrition`` (only a
    dependency written as a mapping can): a look at the data, cheaper than at the models."""
    if type(data) is not dict:
        return True
    deps = data.get("depends_on")
    if type(deps) is not list:
        return True
    written = [d for d in deps if type(d) is not str]
    return bool(written) and any(type(d) is not dict or "attrition" in d for d in written)


def _check_restore_via(deps: tuple[Dependency, ...]) -> None:
    """``restore_via`` names the target of another dependency, which has a restore rate."""
    targets = {d.target for d in deps}
    for d in deps:
        via = d.attrition.restore_via if d.attrition else None
        if via is not None and (via == d.target or via not in targets):
            raise ValueError(
                f"attrition of the dependency on '{d.target}': restore_via '{via}' must be "
                "the target of another dependency of this component"
            )
        if via is not None and d.attrition and d.attrition.restore_rate is None:
            raise ValueError(
                f"attrition of the dependency on '{d.target}': restore_via needs a restore_rate"
            )


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

    @field_validator("depends_on", mode="wrap")
    @classmethod
    def _shorthands(cls, value: object, handler: ValidatorFunctionWrapHandler) -> object:
        return shared_shorthands(value, handler)

    @field_validator("region")
    @classmethod
    def _check_region(cls, region: str, info: ValidationInfo) -> str:
        problem = region_problem(info.data.get("provider", ""), region)
        if problem is not None:
            raise ValueError(problem)
        return region

    @field_validator("az")
    @classmethod
    def _check_az(cls, az: str | None, info: ValidationInfo) -> str | None:
        if az is None:
            return az
        data = info.data
        problem = az_problem(az, data.get("scope"), data.get("provider", ""), data.get("region"))
        if problem is not None:
            raise ValueError(problem)
        return az

    @model_validator(mode="wrap")
    @classmethod
    def _whole(cls, data: object, handler: "ModelWrapValidatorHandler[Component]") -> "Component":
        """The component's default scope and its checks across fields, in one call (each
        validator costs a component about a microsecond, at 100,000 components a tenth of
        a second): without a region a component is global, a regional one must say where it
        runs; a zonal component has an ``az``, a regional or zonal one a region, and
        ``restore_via`` names another dependency of the component."""
        if isinstance(data, dict) and "scope" not in data:
            region = data.get("region", GLOBAL_REGION)
            data = {**data, "scope": "global" if region == GLOBAL_REGION else "regional"}
        self = handler(data)
        scope = self.scope
        if scope is _ZONAL and not self.az:
            raise ValueError("a zonal component needs an `az`")
        if scope is not _GLOBAL and self.region == GLOBAL_REGION:
            raise ValueError(f"a {scope.value} component needs a `region`")
        if self.depends_on and _may_restore(data):
            _check_restore_via(self.depends_on)
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
    def _check_members(self) -> "RedundancyGroup":
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
