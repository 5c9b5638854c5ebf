"""The closed vocabularies of graph files, as plain enums (no pydantic).

Kept apart from :mod:`blast.model.vocabulary` (which re-exports them) so that
code reading an analysis-ready graph from Blast's cache can name a kind, scope
or dependency type without importing pydantic (about 0.4 s of start-up).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Confidence", "DependencyType", "Kind", "Plane", "RedundancyMode", "Scope"]


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
