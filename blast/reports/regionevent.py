"""The report's region event: what a region's failure does to each user-facing component.

:func:`~blast.analysis.exposure.exposure` answers this for ``blast exposure``, with
every chain that explains a state; it runs
:func:`~blast.analysis.propagation.spread`, one Python step per edge, over the whole
graph, and builds the reasons the report does not print. At 100,000 components,
where the region takes most of the graph down, that was 0.75 s of the report. Here
``spread``'s three waves are replayed in numpy, one step per level
(:func:`~blast.analysis.spreadwave.spread_arrays`, shared with ``blast exposure``), as
:meth:`~blast.analysis.downwave.DownWave.causes` replays the first:

* the down wave is :meth:`~blast.analysis.downwave.DownWave.walk` itself;
* the degraded wave walks ``spread``'s queue again from its head: the nodes that are
  down, in queue order, then each level of nodes they degrade through any edge but an
  async one; a node is degraded by the first such edge of its level (the frontier in
  queue order, each node's reverse edges in order), and the next level is what fell,
  in the order of those edges, as the queue holds it;
* the delayed pass reads once the async reverse edges of everything down or
  degraded, in queue order; each node is delayed by its first.

So every state and every cause is ``spread``'s, and the paths are
:meth:`~blast.analysis.propagation.Outcome.path`'s (the tests compare them on random
and shipped graphs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from blast.analysis.downwave import DownWave
from blast.analysis.exposure import EXPOSURE_STATES, SAFE
from blast.analysis.names import check_region
from blast.analysis.propagation import STATES
from blast.analysis.spreadwave import below_mask, spread_arrays
from blast.model import Scope
from blast.model.graph import Graph
from blast.reports.victims import paths_of

_NAMES = tuple(SAFE if i == 0 else s.value for i, s in enumerate(STATES))
"""Severity (an index into :data:`~blast.analysis.propagation.STATES`) -> exposure state."""
_ORDER = {state: i for i, state in enumerate(EXPOSURE_STATES)}


@dataclass(frozen=True)
class RegionState:
    """One user-facing component in the region event: its state and the chain of
    dependencies to a failed component (empty when safe)."""

    component: str
    name: str
    state: str
    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RegionEvent:
    """What failing ``region`` does, as the report prints it.

    ``states`` are sorted down, degraded, delayed, safe, then by id (as
    :attr:`~blast.analysis.exposure.RegionExposure.exposures`); ``anchored_global``
    are the global-scope components that fail with the region and that user-facing
    components depend on, directly or not. ``down`` and ``cause`` are the down wave's
    arrays (:meth:`~blast.analysis.downwave.DownWave.causes`), which the blind spots
    read again; ``failed`` the positions of the region's components, sorted by id.
    """

    region: str
    failed: np.ndarray
    states: tuple[RegionState, ...]
    anchored_global: tuple[str, ...]
    down: np.ndarray
    cause: np.ndarray

    def count(self, state: str) -> int:
        """How many user-facing components end in ``state`` (down, degraded, delayed, safe)."""
        return sum(1 for e in self.states if e.state == state)


def region_event(
    graph: Graph,
    region: str,
    wave: DownWave,
    nodes: np.ndarray | None = None,
    name_rank: np.ndarray | None = None,
) -> RegionEvent:
    """Fail ``region`` whole (global services anchored there included) and classify every
    user-facing component: what ``exposure(graph, region=region)`` says of each (state and
    path, in its order), without the explaining chains. ``nodes`` are the ids by position
    (an object array) and ``name_rank`` each component's place in id order, by position
    (:class:`~blast.reports.recovery.RecoveryWaves` has both), when the caller has them.

    Raises
    ------
    UnknownComponentError
        When no component is in ``region`` (as :func:`exposure`).
    """
    topo = graph.topology
    position = topo.position
    check_region(graph, region)
    columns = graph.columns  # by position: the region's components are where it is named
    failed = np.fromiter((p for p, r in enumerate(columns.regions) if r == region), np.int64)
    if name_rank is None:
        failed = np.asarray(sorted(failed.tolist(), key=columns.ids.__getitem__), np.int64)
    else:
        failed = failed[np.argsort(name_rank[failed], kind="stable")]
    state, cause, _ = spread_arrays(graph, failed, wave)
    if nodes is None:
        nodes = np.asarray(topo.nodes, dtype=object)
    uf = graph.user_facing
    at = [position[u] for u in uf]
    severity = state[at].tolist()
    hit = [p for p, s in zip(at, severity, strict=True) if s]
    paths = iter(paths_of(cause, nodes, hit))
    names = columns.names
    states = [
        RegionState(u, names[p] or u, _NAMES[s], next(paths) if s else ())
        for u, p, s in zip(uf, at, severity, strict=True)
    ]
    states.sort(key=lambda e: (_ORDER[e.state], e.component))
    scopes = columns.scopes
    global_at = [p for p in failed.tolist() if scopes[p] is Scope.GLOBAL]
    if global_at and uf:
        below = below_mask(graph, at)
        global_at = [p for p in global_at if below[p]]
    global_failed = [columns.ids[p] for p in global_at]
    return RegionEvent(region, failed, tuple(states), tuple(global_failed), state == 3, cause)
