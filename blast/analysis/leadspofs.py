"""The first SPOFs of ``blast spof --top`` and ``blast report`` without every blast radius.

SPOFs are listed by how many user-facing components they take down, then by blast
radius (how many components), then by id. The first key is known for every component
from a few killer sets (:attr:`~blast.analysis.counts.FailureCounts.victims_down`); the
blast radius of every component needs a pass over all the killer sets. Only the SPOFs
tied with the ``top``-th on the first key can take the last places, and they are few
on the generated shapes (10 to 20 at 100,000 components), so their radii come from
walks of what each takes down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from pyroaring import FrozenBitMap

from blast.analysis.counts import FailureCounts, leading

DOWN_WALKS = 128
"""Most rows whose blast radius :func:`first_spofs` counts by walks; beyond, every
component's count (one pass over all the killer sets)."""

SPARE_WALKS = 4
"""Most rows beyond ``top`` that the caller's ``count_down`` walks (see :func:`first_spofs`):
its walks of the rows it does not detail are wasted, and bit-parallel walks of up to 64
rows cost about as much as six or eight of them at 100,000 components."""


def first_spofs(
    counts: FailureCounts,
    others: np.ndarray,
    spof_bits: np.ndarray,
    walked: list[int],
    top: int,
    *,
    walks: int = DOWN_WALKS,
    count_down: Callable[[list[int]], list[int]] | None = None,
) -> tuple[list[int], Mapping[int, int] | np.ndarray]:
    """The first ``top`` of ``spof_bits`` (most user-facing victims ``others``, then largest
    blast radius, then id), and the blast radius (``down``) of those and of ``walked``.

    Only the SPOFs tied with the ``top``-th on ``others``, or before it, can take those
    places, so when they and ``walked`` are few (at most ``walks``) their blast
    radii come from walks (:meth:`~blast.analysis.counts.FailureCounts.down_counts_of`)
    instead of a count of every component's (0.3 s at 100,000 components) and every
    id's rank; the rows are the same. ``count_down``, when given, counts those blast
    radii instead of :meth:`~blast.analysis.counts.FailureCounts.down_counts_of` when
    they are at most ``top`` + :data:`SPARE_WALKS` (``blast report`` walks the down wave
    of each SPOF it details anyway, causes included, and keeps those walks).
    """
    tied = spof_bits[leading([-others[spof_bits]], top)].tolist() if top > 0 else None
    if tied is not None and len(tied) + len(walked) <= walks:
        needed = [*tied, *walked]
        if count_down is None or len(needed) > top + SPARE_WALKS:
            count_down = counts.down_counts_of
        down = dict(zip(needed, count_down(needed), strict=True))
        ids = counts.index.ids
        tied.sort(key=lambda b: (-int(others[b]), -down[b], ids[b]))
        return tied[:top], down
    down_all, rank = counts.down, counts.name_rank
    order = np.lexsort((rank[spof_bits], -down_all[spof_bits], -others[spof_bits]))
    return spof_bits[order[:top]].tolist(), down_all


def first_by_severity(
    counts: FailureCounts, sets: Sequence[FrozenBitMap], top: int, *, walks: int = DOWN_WALKS
) -> list[tuple[str, ...]]:
    """The first ``top`` ids of :meth:`~blast.analysis.index.FailureIndex.by_severity` of
    each of ``sets`` (killer sets, their own component removed), without sorting every
    component by blast radius.

    A killer set is closed: the killers of each of its members are in it too. Whoever
    takes ``y`` down takes down all that ``y`` does and more, itself, unless ``y`` takes
    it down as well (both in one strongly connected part of the hard graph). So at least
    ``len(killers(y))`` less the size of ``y``'s strongly connected part come before
    ``y``: only the members with fewer than ``top`` of those can take the first places,
    and their blast radii decide the order: from walks when they are at most ``walks``
    in all, else from the count of every component's. The tests compare the answers
    with :meth:`~blast.analysis.index.FailureIndex.by_severity` on random graphs.
    """
    index = counts.index
    s = index.structure
    killers, pos_of_bit, n_comp = index.killers_by_pos, s.pos_of_bit, s.n_components
    cycle = {v: len(scc) for scc in s.order if len(scc) > 1 for v in scc if v < n_comp}
    chosen: list[list[int]] = []
    for bits in sets:
        mine = []
        for b in bits:
            v = pos_of_bit[b]
            if len(killers[v]) - cycle.get(v, 1) < top:
                mine.append(b)
        chosen.append(mine)
    needed = sorted(set().union(*chosen)) if chosen else []
    down: Mapping[int, int] | np.ndarray
    if len(needed) <= walks or "down_counts" in index.__dict__:
        down = dict(zip(needed, counts.down_counts_of(needed), strict=True))
    else:
        down = counts.down
    ids = index.ids
    return [
        tuple(ids[b] for b in sorted(mine, key=lambda b: (-int(down[b]), ids[b]))[:top])
        for mine in chosen
    ]


__all__ = ["DOWN_WALKS", "SPARE_WALKS", "first_by_severity", "first_spofs"]
