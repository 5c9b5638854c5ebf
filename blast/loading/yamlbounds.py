"""The bounds of the YAML readers and the data paths they record, without PyYAML.

Shared by the event builder (:mod:`blast.loading.yamlbuild`, libyaml through
PyYAML) and the guarded Rust parse (:mod:`blast.loading.fastyaml`): a valid
file read by the Rust parser never imports PyYAML (importing it compiles its
reader's and resolver's regular expressions, about 20 ms of every first
``blast validate``; docs/benchmarks.md, "Start-up").
"""

from __future__ import annotations

MIN_EXPANSION_BUDGET = 200_000
EXPANSION_FACTOR = 4
"""Aliases may make a document at most this many times bigger than it is written
(and never less than ``MIN_EXPANSION_BUDGET`` values): enough for sharing
settings with anchors, far too little for an alias bomb."""
MAX_DEPTH = 100

DataPath = tuple[str | int, ...]


def key_path(path: DataPath) -> str:
    """A data path as a user reads it: ``components[3].depends_on[0].type``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
