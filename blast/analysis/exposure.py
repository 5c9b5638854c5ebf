"""Region exposure: fail a region (or one component) and see what users lose.

A region's failure takes every component whose ``region`` is that region,
including ``global``-scope services anchored there (IAM, or sign-in, homed in
us-east-1). Each user-facing component is then down, degraded or safe, with the
chain of dependencies that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass

from blast.analysis.propagation import State, propagate
from blast.errors import UnknownComponentError
from blast.model import Scope
from blast.model.graph import Graph

SAFE = "safe"


@dataclass(frozen=True)
class Exposure:
    """How one user-facing component fares, and why."""

    component: str
    name: str
    region: str
    state: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class RegionExposure:
    """The outcome of failing ``failed`` for every user-facing component."""

    region: str | None
    failed: tuple[str, ...]
    anchored_global: tuple[str, ...]
    exposures: tuple[Exposure, ...]

    def count(self, state: str) -> int:
        """How many user-facing components end in ``state`` (down, degraded or safe)."""
        return sum(1 for e in self.exposures if e.state == state)


def region_components(graph: Graph, region: str) -> tuple[str, ...]:
    """Components that fail with ``region``: those in it and global ones anchored there.

    Raises
    ------
    UnknownComponentError
        If no component is in ``region``; the message lists the regions there are.
    """
    found = tuple(cid for cid, c in graph.components.items() if c.region == region)
    if not found:
        raise UnknownComponentError(
            f"no component is in region '{region}'; regions in this graph: "
            f"{', '.join(graph.regions)}"
        )
    return found


_ORDER = {State.DOWN.value: 0, State.DEGRADED.value: 1, SAFE: 2}


def exposure(
    graph: Graph, *, region: str | None = None, components: tuple[str, ...] = ()
) -> RegionExposure:
    """Fail a region and/or some components together; classify every user-facing component.

    Parameters
    ----------
    graph
        The dependency graph.
    region
        A region to fail whole (global services anchored there included).
    components
        Components to fail as well (or instead).

    Returns
    -------
    RegionExposure
        User-facing components sorted down, degraded, safe, then by id, each
        with the dependency path from it to a failed component (empty when safe).
    """
    failed = list(components)
    if region is not None:
        failed.extend(region_components(graph, region))
    if not failed:
        raise UnknownComponentError("nothing to fail: give a region or a component")
    outcome = propagate(graph, failed)
    exposures = []
    for cid in graph.user_facing:
        c = graph.components[cid]
        state = outcome.state(cid)
        exposures.append(
            Exposure(
                component=cid,
                name=c.label,
                region=c.region,
                state=SAFE if state is State.UP else state.value,
                path=outcome.path(cid),
            )
        )
    exposures.sort(key=lambda e: (_ORDER[e.state], e.component))
    failed_sorted = tuple(sorted(set(failed)))
    return RegionExposure(
        region=region,
        failed=failed_sorted,
        anchored_global=tuple(
            cid
            for cid in failed_sorted
            if graph.components[cid].scope is Scope.GLOBAL
            and graph.components[cid].region == region
        ),
        exposures=tuple(exposures),
    )
