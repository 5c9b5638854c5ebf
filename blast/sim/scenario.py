"""What a scenario file says: faults, operator actions, a horizon and parameter overrides.

A scenario holds only *inputs*: the triggers (faults), the operator actions at
their public times (each citing its sources) and parameters with a physical
meaning. Impact windows come out of :func:`blast.sim.simulate`, never go in.

Times are ISO 8601 with a UTC offset (``2025-10-19T23:48-07:00``); a time without
an offset is refused, since "11:48 PM" means nothing without a zone. Durations
are written as in graph files (``90s``, ``2h37m``).
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from blast.model.spec import ID_PATTERN, Duration, Plane


class FaultMode(StrEnum):
    """What a fault does to its targets."""

    DOWN = "down"
    PARTIAL = "partial"
    WRONG = "wrong"
    FLAPPING = "flapping"


class ActionKind(StrEnum):
    """What an operator does."""

    REPAIR = "repair"
    RESTART = "restart"
    THROTTLE = "throttle"
    RELAX = "relax"
    DISABLE_AUTOMATION = "disable-automation"
    ENABLE_AUTOMATION = "enable-automation"
    ADD_CAPACITY = "add-capacity"
    REROUTE = "reroute"


def _aware(value: object) -> object:
    """Parse an ISO 8601 time and insist on an offset."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not an ISO 8601 time; write e.g. 2025-10-19T23:48-07:00"
            ) from None
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(
            f"'{value.isoformat()}' has no time zone; add an offset such as -07:00 or Z"
        )
    return value


Time = Annotated[
    datetime,
    BeforeValidator(_aware),
    Field(json_schema_extra={"format": "date-time"}),
]
"""An aware datetime, written ``2025-10-19T23:48:00-07:00``."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Frozen):
    """Where a fault or action applies: one component, or everything matching a place.

    ``component`` names one component (or redundancy group). Otherwise every
    component matching all of ``region``, ``az`` and ``provider`` that are given.
    """

    component: str | None = Field(None, pattern=ID_PATTERN, description="Id of one component.")
    region: str | None = Field(None, description="Every component in this region.")
    az: str | None = Field(None, description="Every component in this availability zone.")
    provider: str | None = Field(None, description="Every component of this provider.")

    @model_validator(mode="after")
    def _one_kind(self) -> "Target":
        places = (self.region, self.az, self.provider)
        if self.component is None and all(p is None for p in places):
            raise ValueError("name a `component`, or a `region`, `az` and/or `provider`")
        if self.component is not None and any(p is not None for p in places):
            raise ValueError("`component` cannot be combined with `region`, `az` or `provider`")
        return self

    def describe(self) -> str:
        """The target as people say it: ``dynamodb`` or ``region us-east-1 (aws)``."""
        if self.component:
            return self.component
        parts = [f"{k} {v}" for k, v in (("region", self.region), ("az", self.az)) if v]
        if self.provider:
            parts.append(f"provider {self.provider}")
        return ", ".join(parts)


def _target_shorthand(value: object) -> object:
    return {"component": value} if isinstance(value, str) else value


TargetEntry = Annotated[Target, BeforeValidator(_target_shorthand)]


class Fault(_Frozen):
    """A trigger: something that breaks at a time, for a while."""

    id: str = Field(..., pattern=ID_PATTERN, description="Name of the fault, cited by causes.")
    target: TargetEntry = Field(
        ..., description="A component id, or a mapping with region / az / provider."
    )
    mode: FaultMode = Field(FaultMode.DOWN, description="down, partial, wrong or flapping.")
    fraction: float = Field(
        1.0,
        gt=0,
        le=1,
        description="Share of work that fails (partial, flapping); 1 means all of it.",
    )
    plane: Plane | None = Field(
        None,
        description="Only this plane fails (`control`: creating capacity); both when unset.",
    )
    at: Time = Field(..., description="When it starts, ISO 8601 with an offset.")
    duration: Duration | None = Field(
        None, alias="for", description="How long it lasts (`for: 2h37m`)."
    )
    until: str | None = Field(
        None, pattern=ID_PATTERN, description="Id of the action that ends it (e.g. a repair)."
    )
    bad: Duration | None = Field(None, description="Flapping: how long each bad spell lasts.")
    good: Duration | None = Field(None, description="Flapping: how long each good spell lasts.")
    description: str = Field("", description="What happened, in a sentence.")
    sources: tuple[str, ...] = Field((), description="URLs or keys of `references`.")

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="after")
    def _check(self) -> "Fault":
        if self.duration is not None and self.until is not None:
            raise ValueError("give `for` or `until`, not both")
        if self.mode is FaultMode.FLAPPING and (self.bad is None or self.good is None):
            raise ValueError("a flapping fault needs `bad` and `good` durations")
        if self.mode is FaultMode.FLAPPING and not (self.bad or 0) > 0:
            raise ValueError("`bad` must be longer than 0s")
        if self.mode is not FaultMode.FLAPPING and (self.bad is not None or self.good is not None):
            raise ValueError("`bad` and `good` are for mode: flapping")
        if self.mode is FaultMode.PARTIAL and self.fraction >= 1:
            raise ValueError("a partial fault needs a `fraction` below 1 (the share that fails)")
        return self


class Reroute(_Frozen):
    """A dependency changed mid-incident: from one target to another, or dropped."""

    component: str = Field(..., pattern=ID_PATTERN, description="The dependent whose edge moves.")
    source: str = Field(
        ..., alias="from", pattern=ID_PATTERN, description="The target it stops using."
    )
    to: str | None = Field(
        None, pattern=ID_PATTERN, description="The target it uses instead; none: bypassed."
    )

    model_config = ConfigDict(frozen=True, extra="forbid")


class FitTarget(_Frozen):
    """An edge of a post-mortem window that a fitted parameter was chosen to reproduce.

    A scorer labels this edge ``fitted``, not ``emergent``: a parameter fitted to an
    edge says nothing about whether the mechanisms explain it.
    """

    component: str = Field(..., pattern=ID_PATTERN, description="Component of the window.")
    window: str = Field("main", description="The window's name in `impact_windows.csv`.")
    edge: Literal["start", "end"] = Field(..., description="`start` or `end`.")


class Action(_Frozen):
    """Something operators did, at the time a public source gives."""

    id: str = Field(..., pattern=ID_PATTERN, description="Name of the action, cited by causes.")
    do: ActionKind = Field(..., description="What was done.")
    at: Time = Field(..., description="When, ISO 8601 with an offset.")
    target: TargetEntry | None = Field(
        None, description="What it acts on (not needed for reroute)."
    )
    rate: float | None = Field(
        None, gt=0, description="throttle: requests per second admitted (default: throttle_rate)."
    )
    factor: float | None = Field(
        None, gt=0, description="add-capacity: the capacity is multiplied by this (default 2)."
    )
    relax_rate: float | None = Field(
        None,
        gt=0,
        description=(
            "relax: the admitted rate rises by this many requests per second each hour, "
            "until the throttle no longer binds (default: lifted at once)."
        ),
    )
    reroute: Reroute | None = Field(None, description="reroute: which edge moves where.")
    fitted_to: tuple[FitTarget, ...] = Field(
        (),
        description=(
            "The post-mortem edges a value of this action (`relax_rate`) was fitted to "
            "(scored as `fitted`)."
        ),
    )
    description: str = Field("", description="What was done, in a sentence.")
    sources: tuple[str, ...] = Field((), description="URLs or keys of `references`.")

    @model_validator(mode="after")
    def _check(self) -> "Action":
        if self.do is ActionKind.REROUTE:
            if self.reroute is None:
                raise ValueError("a reroute needs `reroute: {component, from, to}`")
        elif self.target is None:
            raise ValueError(f"a {self.do.value} action needs a `target`")
        if self.rate is not None and self.do is not ActionKind.THROTTLE:
            raise ValueError("`rate` is for do: throttle")
        if self.factor is not None and self.do is not ActionKind.ADD_CAPACITY:
            raise ValueError("`factor` is for do: add-capacity")
        if self.relax_rate is not None and self.do is not ActionKind.RELAX:
            raise ValueError("`relax_rate` is for do: relax")
        return self


class Override(_Frozen):
    """New simulation parameters for one component, or for one of its dependencies."""

    component: str = Field(..., pattern=ID_PATTERN, description="The component to change.")
    dependency: str | None = Field(
        None, pattern=ID_PATTERN, description="Target of the dependency to change, if any."
    )
    set: dict[str, Any] = Field(
        ...,
        description=(
            "Fields and values: of the component (`timing`, `queue`, `health_check`) or of "
            "the dependency (`cache_ttl`, `retry`, ...)."
        ),
    )
    fitted: bool = Field(False, description="True when the values were fitted, not measured.")
    fitted_to: tuple[FitTarget, ...] = Field(
        (), description="The post-mortem edges the values were fitted to (scored as `fitted`)."
    )
    notes: str = Field("", description="Where the values come from; how a fit was done.")
    sources: tuple[str, ...] = Field((), description="URLs or keys of `references`.")


class ScenarioDocument(_Frozen):
    """A scenario file: the top level of the YAML."""

    version: Literal[1] = Field(1, description="Schema version of the file; 1.")
    kind: Literal["scenario"] = Field("scenario", description="Always `scenario`.")
    name: str = Field("", description="Title of the scenario.")
    description: str = Field("", description="What it plays out.")
    graph: str | None = Field(
        None, description="The graph file it is written for, relative to this file."
    )
    start: Time | None = Field(
        None, description="Time zero of the simulation; default: the first fault."
    )
    horizon: Duration = Field(86400.0, description="How long to simulate from `start`.")
    references: dict[str, str] = Field(
        default_factory=dict, description="Source keys to URLs or citations."
    )
    sources: tuple[str, ...] = Field((), description="Sources of the scenario as a whole.")
    faults: tuple[Fault, ...] = Field(..., description="The triggers (at least one).")
    actions: tuple[Action, ...] = Field((), description="Operator actions.")
    overrides: tuple[Override, ...] = Field((), description="Parameter overrides.")

    @model_validator(mode="after")
    def _check(self) -> "ScenarioDocument":
        if not self.faults:
            raise ValueError("a scenario needs at least one fault")
        if self.horizon <= 0:
            raise ValueError("`horizon` must be longer than 0s")
        return self
