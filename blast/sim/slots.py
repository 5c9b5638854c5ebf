"""The per-node fields of every wake-up and skipped evaluation, packed side by side.

A wake-up through an edge (``perception.feed_all``, several million at 100,000
components) and each evaluation due (``Engine._eval_event``, ``skip.noop``) read and
write about a dozen fields of one node picked at random: when its evaluation is due,
the parts of the reason, how many times it was evaluated at this instant, whether
anything it read changed, where its last evaluation stopped reading... Kept as a dozen
arrays, each read is a cache miss and, at 100,000 nodes (0.8 MB per array), a TLB miss
too: the cost per event doubled from 10,000 to 100,000 components with the same work
(``docs/benchmarks.md``, "s-scale"). Here they are two arrays of records instead,
``Engine.per_node`` (:data:`INTS` integers per node) and ``Engine.per_node_t``
(:data:`FLOATS` times per node): one node's fields share one or two cache lines and,
in buffers of several MB, huge pages (:mod:`blast.sim.pages`). The field of node ``v``
is ``per_node[v * INTS + FIELD]``; flags are 0 or 1.
"""

from __future__ import annotations

from typing import Final

from librt.vecs import vec
from mypy_extensions import i64

INTS: Final = 8
"""Integer fields per node in ``Engine.per_node``:"""
DEP: Final = 0
"""the dependency node of the pending evaluation's reason, seen through an edge;"""
UP: Final = 1
"""... and the upstream event (-1: none);"""
VAGUE: Final = 2
"""whether the pending reason is only ``recovered`` (a precise one replaces it);"""
CAUSED: Final = 3
"""where the pending reason is: 0, the parts above with ``Engine.pending_mech``; 1,
``Engine.pending_cause``; :data:`BACK` or :data:`STILL`, a ``recovered`` reason of the
dependency node ``DEP`` at its event ``UP`` (``retraction.recovered_reason``);"""
EVALS: Final = 4
"""evaluations at the instant ``EVALS_T`` (see ``engine.MAX_EVALS_PER_INSTANT``);"""
BRK: Final = 5
"""out-position where the last evaluation stopped reading inputs;"""
BRK_ZERO: Final = 6
"""whether that edge alone took it to 0 (see ``skip.unfelt``);"""
DIRTY: Final = 7
"""whether something it read (an edge up to ``BRK``, a fault, ...) changed since."""

BACK: Final = 2
"""``CAUSED``: what ``DEP`` needed is back (``retraction.retract``);"""
STILL: Final = 3
"""``CAUSED``: ``DEP``, a suspect, is still bad on its own (``Engine._eval_event``)."""

FLOATS: Final = 4
"""Time fields per node in ``Engine.per_node_t``:"""
DUE: Final = 0
"""when its pending evaluation is due (-1: none);"""
EVALS_T: Final = 1
"""the instant ``EVALS`` counts;"""
EVAL_T: Final = 2
"""when its last evaluation ran (-1: never);"""
GOOD_SINCE: Final = 3
"""when its last bad stretch ended (-1: never bad)."""


def ints(n: int) -> vec[i64]:
    """The integer records of ``n`` nodes as a fresh engine has them."""
    row: list[int] = [0] * INTS
    row[UP] = -1
    row[VAGUE] = 1
    row[DIRTY] = 1
    rows: list[int] = row * n
    return vec[i64](rows)


def floats(n: int) -> vec[float]:
    """The time records of ``n`` nodes as a fresh engine has them (no time yet)."""
    rows: list[float] = [-1.0] * (FLOATS * n)
    return vec[float](rows)
