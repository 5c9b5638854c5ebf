"""The blind spots' shared dependencies, counted and ranked for all watchers at once.

:mod:`blast.reports.blindspots` asks, for each watcher, which components (in ``mine``,
what takes the watcher down) take down how many of what it watches (``killers(x) &
mine`` for each watched ``x``), then ranks them: most watched components down first,
then nearest to the watcher, then by id. At 100,000 components there are some 850
watchers: one numpy count over every watcher's intersections (:func:`hits_each`)
replaces a ``Counter`` of frozen bitmaps each, and the walk that measures distances
(:func:`distances`) runs only for the components whose count another one shares (the
only ones the distance orders).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from itertools import chain, pairwise
from typing import Any

import numpy as np
from pyroaring import BitMap, FrozenBitMap

from blast.model.graph import Graph

FAR = 1 << 30
"""The distance of a shared dependency the walk does not reach (none is: all are below)."""


def hits_each(
    killers: Mapping[Any, FrozenBitMap] | Sequence[FrozenBitMap],
    jobs: Sequence[tuple[Sequence[Any], BitMap]],
    nodes: Sequence[str],
) -> list[dict[str, int]]:
    """For each job ``(victims, mine)``, how many of ``victims`` (keys of ``killers``) each
    component of ``mine`` (by number in ``nodes``) kills, the components that kill none
    left out: one count over all the jobs (``killers(x) & mine`` in C, appended to one
    array, then one ``np.unique`` of job-and-component keys)."""
    values = array("I")
    sizes = []
    for victims, mine in jobs:
        start = len(values)
        for x in victims:
            values.extend((killers[x] & mine).to_array())
        sizes.append(len(values) - start)
    size = len(nodes)
    job = np.repeat(np.arange(len(jobs), dtype=np.int64), sizes)
    keys, counts = np.unique(
        job * size + np.frombuffer(values, dtype=np.uint32), return_counts=True
    )
    owner = keys // size
    ends = np.searchsorted(owner, np.arange(len(jobs) + 1), side="left").tolist()
    bits, counted = (keys % size).tolist(), counts.tolist()
    return [
        dict(zip([nodes[b] for b in bits[lo:hi]], counted[lo:hi], strict=True))
        for lo, hi in pairwise(ends)
    ]


def ranked(graph: Graph, watcher: str, hits: Mapping[str, int]) -> list[str]:
    """The components of ``hits``, those that take down the most watched components first,
    then the nearest to ``watcher`` (hops, :func:`distances`), then by id. Distances are
    measured only for the components whose count another one has: no other is ordered
    by them."""
    times = Counter(hits.values())
    tied = [s for s, k in hits.items() if times[k] > 1]
    dist = distances(graph, watcher, tied) if tied else {}
    return sorted(hits, key=lambda s: (-hits[s], dist.get(s, FAR), s))


def distances(graph: Graph, start: str, wanted: Collection[str]) -> dict[str, int]:
    """Hops from ``start`` to each of ``wanted`` along hard edges and group memberships
    (those not below ``start`` left out): a breadth-first walk that stops once every
    wanted node has its distance (a watcher's shared dependencies are all below it).

    The walk goes a level at a time with set operations (the targets of a level gathered
    by ``chain``, the nodes seen before removed), in C, not an edge at a time."""
    topo = graph.topology
    position, row = topo.position, topo.hard_targets.__getitem__
    goals = {position[x] for x in wanted}
    first = position[start]
    found = {first: 0} if first in goals else {}
    seen = {first}
    level = [first]
    hops = 0
    while level and len(found) < len(goals):
        hops += 1
        fresh = set(chain.from_iterable(map(row, level)))
        fresh -= seen
        seen |= fresh
        for v in fresh.intersection(goals):
            found[v] = hops
        level = list(fresh)
    nodes = topo.nodes
    return {nodes[v]: d for v, d in found.items()}


__all__ = ["FAR", "distances", "hits_each", "ranked"]
