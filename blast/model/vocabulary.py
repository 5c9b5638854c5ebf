"""The vocabulary of graph files: ids, durations, strict scalars, the closed enums, and
the frozen base every model of :mod:`blast.model.spec` shares.

Closed vocabularies are enums whose validation errors list the allowed values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema

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


class Frozen(BaseModel):
    """Immutable, and no key the model does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)
