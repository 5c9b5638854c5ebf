"""The hard-dependency order as a graph cache entry keeps it (see
:mod:`blast.analysis.hardorder`, which computes it and says why it is kept).

This module imports numpy and rustworkx only when the order is read, so that
reading a cache entry imports neither.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass


@dataclass(frozen=True)
class StoredOrder:
    """A solving order as a cache entry keeps it: the nodes in order (``members``), the
    size of each strongly connected component in turn (``sizes``), and the rustworkx
    version that computed it."""

    members: array[int]
    sizes: array[int]
    rustworkx: str

    def order(self, n: int) -> list[tuple[int, ...]] | None:
        """The strongly connected components (tuples of positions), or None when this was
        made by another rustworkx or does not order exactly the nodes ``0..n-1`` (never
        for an entry written by Blast: the entry is checksummed)."""
        import numpy as np
        import rustworkx as rx

        members, sizes = self.members, self.sizes
        made_by: str = rx.__version__  # type: ignore[attr-defined]
        if self.rustworkx != made_by or len(members) != n:
            return None
        size = np.frombuffer(sizes, dtype=np.int32)
        if len(size) and (size.min() < 1 or int(size.sum(dtype=np.int64)) != n):
            return None
        at = np.frombuffer(members, dtype=np.int32)
        if n and (at.min() < 0 or at.max() >= n or np.bincount(at, minlength=n).max() != 1):
            return None
        ends = np.cumsum(size, dtype=np.int64).tolist()
        flat = tuple(members)  # slices of a tuple are tuples: the index keeps them as they are
        return list(map(flat.__getitem__, map(slice, [0, *ends[:-1]], ends)))


__all__ = ["StoredOrder"]
