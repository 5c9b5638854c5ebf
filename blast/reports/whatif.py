"""What-if graphs: apply a change to a graph and measure what users lose before and after.

Every mitigation the report proposes is a concrete change to the graph (a
replica and a redundancy group, a regional clone, a hard edge made soft). This
module applies such a change to a copy and re-runs the static analysis, so the
report's deltas come from the same engine as everything else. With a scenario,
:mod:`blast.reports.simulated` adds minutes to these counts.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from blast.analysis.exposure import region_components
from blast.analysis.index import FailureIndex, build_index
from blast.analysis.propagation import State, propagate
from blast.model import Component, Dependency, DependencyType, RedundancyGroup
from blast.model.graph import HARD_EDGE, Graph

if TYPE_CHECKING:
    from blast.analysis.downwave import DownWave


@dataclass(frozen=True)
class Change:
    """A change to a graph: components replaced or added, groups added, edges re-typed.

    ``soften`` lists ``(dependent, target)`` hard edges that become soft (the
    dependent keeps working, degraded, while the target is down);
    ``serve_stale`` edges whose dependent serves stale cached answers while the
    target is down (soft for the static analysis, ``serve_stale`` for the time
    engine); ``retarget`` maps ``(dependent, old target)`` to a new target.
    ``at``, optional and not part of the change's value: where those edges' dependents
    stand in the graph the change was planned on (see :class:`Positions`).
    """

    add_components: tuple[Component, ...] = ()
    add_groups: tuple[RedundancyGroup, ...] = ()
    soften: tuple[tuple[str, str], ...] = ()
    serve_stale: tuple[tuple[str, str], ...] = ()
    retarget: tuple[tuple[tuple[str, str], str], ...] = ()
    at: Positions | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, eq=False)
class Positions:
    """The positions of a :class:`Change`'s edge dependents, entry by entry (``retarget``'s,
    then ``soften``'s, then ``serve_stale``'s), in the graph whose topology lists
    ``nodes`` (compared by identity). A plan knows them (it read the dependents from the
    reverse edges); the overlay (:mod:`blast.reports.changed`) then looks no id up, which
    was a tenth of a second per report on the hubs shape at 100,000 components."""

    nodes: tuple[str, ...]
    dependents: np.ndarray


def apply(graph: Graph, change: Change) -> Graph:
    """A new graph with ``change`` applied (``graph`` is left as it is)."""
    soften = set(change.soften) | set(change.serve_stale)
    retarget: Mapping[tuple[str, str], str] = dict(change.retarget)
    components: dict[str, Component] = {}
    for cid, c in graph.components.items():
        deps = []
        touched = False
        for dep in c.depends_on:
            key = (cid, dep.target)
            new: Dependency = dep
            if key in retarget:
                new = new.model_copy(update={"target": retarget[key]})
            if key in soften and new.type is DependencyType.HARD:
                new = new.model_copy(update={"type": DependencyType.SOFT})
            touched = touched or new is not dep
            deps.append(new)
        components[cid] = c.model_copy(update={"depends_on": tuple(deps)}) if touched else c
    for c in change.add_components:
        components[c.id] = c
    groups = dict(graph.groups)
    for g in change.add_groups:
        groups[g.id] = g
    return Graph(components, groups, name=graph.name, files=graph.files)


def user_facing_down(index: FailureIndex, component: str) -> tuple[str, ...]:
    """User-facing components (itself excluded) that ``component`` alone takes down."""
    me = index.bit[component]
    return tuple(index.ids[b] for b in index.down_of[me] & index.user_facing if b != me)


def region_down(graph: Graph, region: str) -> tuple[str, ...]:
    """User-facing components down when ``region`` fails whole (sorted)."""
    outcome = propagate(graph, region_components(graph, region))
    return tuple(sorted(u for u in graph.user_facing if outcome.state(u) is State.DOWN))


@dataclass(frozen=True)
class WhatIf:
    """User-facing components down before and after a change.

    ``spof_*``: when the SPOF fails alone; ``region_*``: in the region event
    (``None`` without a region); ``saved``: user-facing components no longer
    down when the SPOF fails. ``minutes_saved`` is the simulation's
    user-facing minutes saved, ``None`` until a simulation provides it.
    """

    spof_down_before: int
    spof_down_after: int
    region: str | None
    region_down_before: int | None
    region_down_after: int | None
    saved: int
    minutes_saved: float | None = None


def measure(
    graph: Graph,
    change: Change,
    spof: str,
    *,
    before_spof: int,
    region: str | None,
    before_region: int | None,
    in_region: Sequence[str] | None = None,
    wave: DownWave | None = None,
    in_region_at: np.ndarray | None = None,
    in_region_leaving: np.ndarray | None = None,
) -> WhatIf:
    """Apply ``change`` and count again what ``spof``'s failure and the region event take down.

    The change is laid over ``graph`` (:mod:`blast.reports.changed`): only what the
    failures reach is walked. A change that replaces a node is applied to a copy
    (:func:`measure_rebuilt`); both give the same counts. ``in_region``, when the
    caller has it, is ``region_components(graph, region)`` (``in_region_at`` their
    positions, ``in_region_leaving`` the edges that leave them,
    :meth:`~blast.analysis.downwave.DownWave.leaving`, with ``wave``); ``wave`` the
    graph's :class:`~blast.analysis.downwave.DownWave`, shared by many what-ifs.
    """
    from blast.reports.changed import changed_graph

    changed = changed_graph(graph, change, wave)
    if changed is None:
        return measure_rebuilt(
            graph,
            change,
            spof,
            before_spof=before_spof,
            region=region,
            before_region=before_region,
        )
    after_region = None
    if region is not None and before_region is not None:
        if in_region is None:
            in_region = region_components(graph, region)
        if in_region_at is None:
            position = graph.topology.position
            in_region_at = np.fromiter(map(position.__getitem__, in_region), dtype=np.int64)
            in_region_leaving = None  # only with the positions it was found from
        failed = changed.region_at(region, in_region_at)
        after_region = changed.user_facing_down_at(failed, in_region_leaving)
    after_spof = changed.user_facing_down([spof]) - int(changed.user_facing[changed.position(spof)])
    return WhatIf(
        spof_down_before=before_spof,
        spof_down_after=after_spof,
        saved=before_spof - after_spof,
        region=region,
        region_down_before=before_region,
        region_down_after=after_region,
    )


def measure_rebuilt(
    graph: Graph,
    change: Change,
    spof: str,
    *,
    before_spof: int,
    region: str | None,
    before_region: int | None,
) -> WhatIf:
    """:func:`measure` on a copy of ``graph`` with ``change`` applied and its own failure
    index: the reference the overlay is tested against."""
    changed = apply(graph, change)
    index = build_index(changed)
    after_region = None
    if region is not None and before_region is not None:
        after_region = len(region_down(changed, region))
    after_spof = len(user_facing_down(index, spof))
    return WhatIf(
        spof_down_before=before_spof,
        spof_down_after=after_spof,
        saved=before_spof - after_spof,
        region=region,
        region_down_before=before_region,
        region_down_after=after_region,
    )


def hard_dependents(graph: Graph, target: str) -> tuple[str, ...]:
    """Components with a direct hard dependency on ``target``, in file order."""
    nodes = graph.topology.nodes
    return tuple(map(nodes.__getitem__, hard_dependents_at(graph, target).tolist()))


def hard_dependents_at(graph: Graph, target: str, wave: DownWave | None = None) -> np.ndarray:
    """The positions of :func:`hard_dependents` (ascending: components come first, in
    file order), read from ``target``'s row of the graph's reverse edges with numpy, not
    from every component's model nor a Python loop over the row (a hub's is 50,000 long).
    ``wave``, the graph's :class:`~blast.analysis.downwave.DownWave` when the caller has
    it: its reverse edges are arrays already (no row copied out of the flat lists).
    """
    topo = graph.topology
    v = topo.position[target]
    if wave is not None:
        lo, hi = int(wave.every_start[v]), int(wave.every_start[v + 1])
        source, kind = wave.every_dependent[lo:hi], wave.every_kind[lo:hi]
    else:
        edges = graph.edge_arrays
        lo, hi = edges.in_start[v], edges.in_start[v + 1]
        source = np.asarray(edges.source[lo:hi], dtype=np.int64)
        kind = np.asarray(edges.in_kind[lo:hi], dtype=np.int64)
    found = source[(kind == HARD_EDGE) & (source < topo.n_components)]
    if len(found) and not np.all(found[1:] >= found[:-1]):  # a row lists its dependents in order
        from blast.analysis.structure import distinct

        return distinct(found)
    return found[np.r_[True, found[1:] != found[:-1]]] if len(found) else found


def edges_to(graph: Graph, dependents: Iterable[str], target: str) -> tuple[Dependency, ...]:
    """The dependency entries of ``dependents`` on ``target``."""
    return tuple(
        d for cid in dependents for d in graph.components[cid].depends_on if d.target == target
    )


@dataclass(frozen=True)
class Task:
    """One what-if to measure, picklable for worker processes: the graph travels as parts."""

    components: tuple[Component, ...]
    groups: tuple[RedundancyGroup, ...]
    change: Change
    spof: str
    before_spof: int
    region: str | None
    before_region: int | None


def _run_task(task: Task, rng: random.Random) -> WhatIf:
    """Measure one task (module level, so that worker processes can run it; no randomness)."""
    del rng  # the static what-if is deterministic
    graph = Graph.from_parts(task.components, task.groups)
    return measure(
        graph,
        task.change,
        task.spof,
        before_spof=task.before_spof,
        region=task.region,
        before_region=task.before_region,
    )


def measure_all(
    graph: Graph,
    requests: list[tuple[Change, str, int, str | None, int | None]],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    wave: DownWave | None = None,
) -> list[WhatIf]:
    """Measure many what-ifs ``(change, spof, before_spof, region, before_region)``, in order.

    Runs through the project's parallel runner (:mod:`blast.parallel.runner`): in
    this process with one worker, on local processes or on a Dask cluster
    otherwise. Results do not depend on where they ran. ``wave``: the graph's
    :class:`~blast.analysis.downwave.DownWave` when the caller has it.
    """
    if workers == 1 and scheduler is None:
        from blast.analysis.downwave import DownWave

        wave = wave or DownWave(graph)  # the graph's reverse edges, for every what-if
        members: dict[str, tuple[str, ...]] = {}  # each region's components, listed once
        members_at: dict[str, np.ndarray] = {}  # and their positions
        leaving: dict[str, np.ndarray] = {}  # and the edges that leave them

        def in_region(region: str | None) -> tuple[str, ...] | None:
            if region is None or region not in graph.regions:
                return None
            if region not in members:
                members[region] = found = region_components(graph, region)
                position = graph.topology.position
                at = np.fromiter(map(position.__getitem__, found), np.int64, len(found))
                members_at[region] = at
                leaving[region] = wave.leaving(at)
            return members[region]

        return [
            measure(
                graph,
                change,
                spof,
                before_spof=b,
                region=region,
                before_region=br,
                in_region=in_region(region),
                wave=wave,
                in_region_at=members_at.get(region) if region is not None else None,
                in_region_leaving=leaving.get(region) if region is not None else None,
            )
            for change, spof, b, region, br in requests
        ]
    from blast.parallel.runner import Job, run_jobs

    components, groups = tuple(graph.components.values()), tuple(graph.groups.values())
    jobs = [
        Job(_run_task, Task(components, groups, change, spof, b, region, br), 1)
        for change, spof, b, region, br in requests
    ]
    return [r[0] for r in run_jobs(jobs, seed=0, workers=workers, scheduler=scheduler)]
