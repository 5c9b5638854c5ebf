"""Layer 1, the model: what a graph file says (``spec``), the integer graph the
analyses and the simulation share (``graph``), durations and generated graphs.

``from blast.model import Component`` and friends re-export ``blast.model.spec``,
lazily (PEP 562): importing ``blast.model.durations`` alone must not pay for
pydantic, so that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blast.model.spec import (
        AWS_AZ,
        AWS_REGION,
        AZURE_REGION,
        GCP_REGION,
        GENERIC_REGION,
        GLOBAL_REGION,
        ID_PATTERN,
        REGION_PATTERNS,
        Buffer,
        Component,
        Dependency,
        DependencyEntry,
        DependencyType,
        Duration,
        GraphDocument,
        HealthCheck,
        Kind,
        Plane,
        Queue,
        RedundancyGroup,
        RedundancyMode,
        Retry,
        Scope,
        Timing,
    )

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
    "Dependency",
    "DependencyEntry",
    "DependencyType",
    "Duration",
    "GraphDocument",
    "HealthCheck",
    "Kind",
    "Plane",
    "Queue",
    "RedundancyGroup",
    "RedundancyMode",
    "Retry",
    "Scope",
    "Timing",
]

_ENUMS = frozenset({"DependencyType", "Kind", "Plane", "RedundancyMode", "Scope"})
_RULES = frozenset(name for name in __all__ if name.isupper())
"""The region and id rules (the upper-case names), kept in :mod:`blast.model.rules`."""


def __getattr__(name: str) -> Any:
    """Load ``blast.model.spec`` on first use of one of its names."""
    if name in _ENUMS:  # plain enums: no pydantic (see blast.model.enums)
        return getattr(importlib.import_module("blast.model.enums"), name)
    if name in _RULES:  # the same objects spec re-exports: no pydantic (blast.model.rules)
        return getattr(importlib.import_module("blast.model.rules"), name)
    if name in __all__:
        return getattr(importlib.import_module("blast.model.spec"), name)
    raise AttributeError(f"module 'blast.model' has no attribute '{name}'")
