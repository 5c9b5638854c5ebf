"""Recovery order: the waves in which what a SPOF took down can come back.

A component is in wave ``k`` when every hard dependency it lost is back by wave
``k - 1`` (a group is back once ``min_up`` members are); members of a cycle of
hard dependencies share a wave: they can only return together. That is a
longest path over the condensation of the hard graph, restricted to what is
down, computed one strongly connected component at a time, needs first.

Whole-array passes (every down node raised to what its dependencies say until
nothing changes) were tried: they take one pass per wave, and a hub's failure at
100,000 components has about 90 waves, so they cost what this walk costs
(0.3 s a SPOF; docs/benchmarks.md, r-report).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from blast.analysis.index import FailureIndex
from blast.reports.downwave import DownWave


def recovery_order(
    index: FailureIndex, spof: str, down: Collection[int] | None = None
) -> tuple[tuple[str, ...], ...]:
    """Waves in which what ``spof`` took down can come back, the SPOF first.

    Walks the strongly connected components of the hard graph needs first, only
    those that hold something down (see the module docstring). ``down``, when the
    caller has it, holds the positions (groups included) down when ``spof`` fails
    alone (:class:`~blast.reports.downwave.DownWave`).
    """
    s = index.structure
    if down is None:
        fell = DownWave(index.graph).down([s.position[spof]])
        down = set(np.flatnonzero(fell).tolist())
    rank, order = s.rank, s.order
    hard, min_up, n_components = s.hard_targets, s.topology.min_up, s.n_components
    # each node's wave, -1 while it has none (not down, or not reached yet): a list read
    # through ``map`` costs a third of a dict's ``get(t, -1)`` per edge
    level = [-1] * len(s.nodes)
    at = level.__getitem__
    placed: list[int] = []
    for i in sorted({rank[v] for v in down}):
        scc = order[i]
        if len(scc) == 1:  # most of them: no cycle to share a wave with
            v = scc[0]
            if v >= n_components:  # a group: back when enough members are
                member_levels = sorted(map(at, hard[v]))
                wave = max(0, member_levels[min_up[v] - 1]) if member_levels else 0
            else:
                # a self-edge, if any, reads -1 here (v has no wave yet): it adds nothing
                wave = max(map(at, hard[v]), default=-1) + 1
            level[v] = wave
            placed.append(v)
            continue
        members = [v for v in scc if v in down]
        inside = set(scc)
        wave = 0
        for v in members:
            if v >= n_components:
                member_levels = sorted(map(at, hard[v]))
                wave = max(wave, member_levels[min_up[v] - 1] if member_levels else 0)
                continue
            for t in hard[v]:
                if t not in inside:
                    wave = max(wave, level[t] + 1)
        for v in members:
            level[v] = wave
        placed.extend(members)
    waves: dict[int, list[str]] = {}
    for v in placed:
        if v < n_components:
            waves.setdefault(level[v], []).append(s.nodes[v])
    return tuple(tuple(sorted(waves[w])) for w in sorted(waves))
