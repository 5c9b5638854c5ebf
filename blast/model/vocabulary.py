"""The vocabulary of graph files: ids, durations, strict scalars, the closed enums, and
the frozen base every model of :mod:`blast.model.spec` shares.

Closed vocabularies are enums whose validation errors list the allowed values.
"""

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema

from blast.model.durations import DURATION_PATTERN, parse_duration
from blast.model.enums import (
    Confidence,
    DependencyType,
    Kind,
    Plane,
    RedundancyMode,
    Scope,
)
from blast.model.rules import GLOBAL_REGION, ID_PATTERN

__all__ = [
    "GLOBAL_REGION",
    "ID_PATTERN",
    "Confidence",
    "DependencyType",
    "Duration",
    "Flag",
    "Frozen",
    "Kind",
    "Plane",
    "Rate",
    "RedundancyMode",
    "Scope",
    "WholeNumber",
]


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


class Frozen(BaseModel):
    """Immutable, and no key the model does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)
