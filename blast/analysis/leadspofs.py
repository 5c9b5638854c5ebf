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

from collections.abc import Callable, Mapping

import numpy as np

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


__all__ = ["DOWN_WALKS", "SPARE_WALKS", "first_spofs"]
