"""Layer 1, the model: what a graph file says (``spec``), the integer graph the
analyses and the simulation share (``graph``), durations and generated graphs.

``from blast.model import Component`` and friends re-export ``blast.model.spec``.
"""

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
