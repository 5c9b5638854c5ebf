"""The rows of the SPOF report: each single point of failure and each *degrader*.

A SPOF is a component whose failure alone takes down at least one user-facing
component; a degrader takes none down but degrades some. :func:`shared_spofs`
lists every one of them from the index's full sets; :func:`leading_spofs` and
:func:`top_spofs` give only the first rows, and the counts, from
:class:`~blast.analysis.counts.FailureCounts` without building those sets (what
``blast spof`` and ``blast report`` print by default). :mod:`blast.report`
assembles them with the cut sets into the whole report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap, FrozenBitMap

from blast.analysis.index import SMALL, FailureIndex
from blast.gcpause import gc_paused
from blast.reports.brief import brief


@dataclass(frozen=True)
class Spof:
    """A component whose failure alone takes down at least one user-facing component."""

    component: str
    name: str
    kind: str
    region: str
    user_facing_down: tuple[str, ...]
    down: int
    degraded: int


@dataclass(frozen=True)
class Degrader:
    """A component whose failure takes no user-facing component down but degrades some."""

    component: str
    name: str
    kind: str
    region: str
    user_facing_degraded: tuple[str, ...]
    down: int
    degraded: int


def shared_spofs(index: FailureIndex) -> tuple[Spof, ...]:
    """Components that take down user-facing ones, most user-facing victims first."""
    with gc_paused():
        return _shared_spofs(index)[0]


def _shared_spofs(index: FailureIndex) -> tuple[tuple[Spof, ...], tuple[Degrader, ...]]:
    components = index.graph.briefs
    found, degraders = [], []
    user_facing = index.user_facing
    by_name = _names_sorted(index)
    for b, cid in enumerate(index.ids):
        down = index.down_of[b]
        affected = index.affected_of[b]
        if not affected.intersection_cardinality(user_facing):
            continue
        victims = BitMap(down & user_facing)
        victims.discard(b)
        c = components[cid]
        n_down, n_degraded = len(down) - 1, len(affected) - len(down)
        if victims:
            found.append(
                Spof(cid, c.label, c.kind.value, c.region, by_name(victims), n_down, n_degraded)
            )
            continue
        hit = (affected - down) & user_facing
        if hit:
            degraders.append(
                Degrader(cid, c.label, c.kind.value, c.region, by_name(hit), n_down, n_degraded)
            )
    found.sort(key=lambda s: (-len(s.user_facing_down), -s.down, s.component))
    degraders.sort(key=lambda d: (-len(d.user_facing_degraded), -d.degraded, d.component))
    return tuple(found), tuple(degraders)


def _names_sorted(index: FailureIndex) -> Callable[[BitMap | FrozenBitMap], tuple[str, ...]]:
    """A function from bits of user-facing components to their ids in id order: the ids
    are ranked once, and each set is mapped and sorted in numpy."""
    ids = index.ids
    uf = sorted(index.user_facing, key=ids.__getitem__)
    place = np.zeros(len(ids), dtype=np.int64)
    place[uf] = np.arange(len(uf), dtype=np.int64)
    names = np.asarray([ids[b] for b in uf], dtype=object)

    def by_name(bits: BitMap | FrozenBitMap) -> tuple[str, ...]:
        if len(bits) <= SMALL:
            return tuple(sorted([ids[b] for b in bits]))
        places = np.sort(place[np.frombuffer(bits.to_array(), dtype=np.uint32)])
        return tuple(names[places].tolist())

    return by_name


ROW_WALKS = 2048
"""Most degraders :func:`leading_spofs` walks one by one; beyond, the full sets."""


def leading_spofs(
    index: FailureIndex, top: int
) -> tuple[tuple[Spof, ...], tuple[Degrader, ...], int, int] | None:
    """The first ``top`` SPOFs and degraders of :func:`shared_spofs`'s complete lists, and
    how many there are, from :class:`~blast.analysis.counts.FailureCounts`.

    SPOFs sort by user-facing victims and then blast radius, both exact counts for
    every component; degraders by user-facing components degraded, then degraded
    count, which only a walk gives: the degraders that can take the first places
    (those tied with the ``top``-th on the first key, and those before it) are
    walked. None when more than :data:`ROW_WALKS` tie (the full sets are cheaper).
    """
    return _leading(index, top, with_degraders=True)


def top_spofs(
    index: FailureIndex, top: int, count_down: Callable[[list[int]], list[int]] | None = None
) -> tuple[tuple[Spof, ...], int]:
    """The first ``top`` SPOFs of :func:`shared_spofs`'s complete list, and how many
    there are: :func:`leading_spofs` without the degraders (``blast report``).

    ``count_down``, when given, counts the blast radius of the few SPOFs that can take
    the first places (bits; the components each takes down, itself included): see
    :func:`~blast.analysis.leadspofs.first_spofs`."""
    found = _leading(index, top, with_degraders=False, count_down=count_down)
    assert found is not None  # only the degraders' ties can decline
    return found[0], found[2]


def spof_victim_counts(index: FailureIndex) -> tuple[tuple[str, int], ...]:
    """Every SPOF of :func:`shared_spofs` (in its order) with how many user-facing
    components it takes down, itself excluded: from
    :class:`~blast.analysis.counts.FailureCounts`, no blast-radius set built."""
    from blast.analysis.counts import FailureCounts

    counts = FailureCounts(index)
    others = counts.victims_down - counts.is_user_facing
    bits = np.flatnonzero(others > 0)
    order = np.lexsort((counts.name_rank[bits], -counts.down[bits], -others[bits]))
    ids = index.ids
    return tuple((ids[b], int(others[b])) for b in bits[order].tolist())


def _leading(
    index: FailureIndex,
    top: int,
    *,
    with_degraders: bool,
    count_down: Callable[[list[int]], list[int]] | None = None,
) -> tuple[tuple[Spof, ...], tuple[Degrader, ...], int, int] | None:
    from blast.analysis.counts import FailureCounts, leading
    from blast.analysis.leadspofs import first_spofs

    counts = FailureCounts(index)
    facing = counts.is_user_facing
    victims = counts.victims_down
    others = victims - facing  # itself excluded
    spof_bits = np.flatnonzero(others > 0)
    degrader_bits = candidates = np.zeros(0, dtype=np.int64)
    if with_degraders:
        hit = counts.victims_affected - victims  # degraded user-facing, when none is down
        degrader_bits = np.flatnonzero((others == 0) & (hit > 0))
        candidates = degrader_bits[leading([-hit[degrader_bits]], top)]
        if len(candidates) > ROW_WALKS:
            return None
    first, down = first_spofs(
        counts, others, spof_bits, candidates.tolist(), top, count_down=count_down
    )
    walked = [*first, *candidates.tolist()]
    affected = dict(zip(walked, (w.affected for w in counts.details(walked)), strict=True))
    spofs, degraders = [], []
    for b in walked:
        c = brief(index.graph, cid := index.ids[b])  # not every component's (graph.briefs)
        n_down, n_degraded = int(down[b]) - 1, affected[b] - int(down[b])
        if others[b]:
            victim_ids = counts.victim_ids(b)
            spofs.append(Spof(cid, c.label, c.kind.value, c.region, victim_ids, n_down, n_degraded))
        else:
            hit_ids = counts.degraded_ids(b)
            degraders.append(
                Degrader(cid, c.label, c.kind.value, c.region, hit_ids, n_down, n_degraded)
            )
    degraders.sort(key=lambda d: (-len(d.user_facing_degraded), -d.degraded, d.component))
    return tuple(spofs), tuple(degraders[:top]), len(spof_bits), len(degrader_bits)


__all__ = [
    "ROW_WALKS",
    "Degrader",
    "Spof",
    "leading_spofs",
    "shared_spofs",
    "spof_victim_counts",
    "top_spofs",
]
