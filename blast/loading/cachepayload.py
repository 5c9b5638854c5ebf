"""The JSON form of a validated graph inside a cache entry (see :mod:`blast.loading.cache`).

Written and read by pydantic-core (Rust) in one call each way: the same models
that validate a YAML file validate the cached JSON, so a cache entry can never
hold a graph the loader would refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from blast.gcpause import gc_paused
from blast.loading.files import display
from blast.model import Component, RedundancyGroup
from blast.model.graph import Graph


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    references: dict[str, str]
    components: tuple[Component, ...]
    groups: tuple[RedundancyGroup, ...]


def encode(graph: Graph) -> bytes:
    """The graph as JSON bytes."""
    payload = _Payload(
        name=graph.name,
        references=dict(graph.references),
        components=tuple(graph.components.values()),
        groups=tuple(graph.groups.values()),
    )
    # Only the fields set when the graph was validated (what the files wrote, plus what a
    # validator filled in): re-validation gives the others their defaults again, so the
    # models come back equal, and the entry is about 6x smaller and 2x faster to read.
    return payload.model_dump_json(exclude_unset=True).encode()


def decode(data: bytes, files: Sequence[Path]) -> Graph:
    """The graph back from :func:`encode`'s bytes; ``files`` are the include tree's paths."""
    with gc_paused():
        payload = _Payload.model_validate_json(data)
        return Graph(
            {c.id: c for c in payload.components},
            {g.id: g for g in payload.groups},
            name=payload.name,
            files=tuple(display(p) for p in files),
            references=payload.references,
        )
