"""Blind spots: a monitor or status page that fails together with what it watches.

On 2025-10-20 status pages hosted on AWS went dark with AWS, and monitoring that
lived in us-east-1 wrote no records during the outage, so some teams concluded
there had been none (see ``/work/shared/reference`` and the AWS post-event
summary, https://aws.amazon.com/message/101925/). A watcher is only useful if it
outlives what it watches; this module finds the single failures (and the region
failure) that take down a watcher *and* something it watches.

*Watchers* are components of kind ``monitoring`` or ``status-page`` (or tagged
so). What a watcher *watches* is read from the graph: the components with an
edge to it (they report into it); a watcher nobody reports into, such as a
status page, watches every other user-facing component. A *shared dependency*
is a component whose failure alone takes down the watcher and at least one
watched component; they are listed by how many watched components each takes
down, then nearest to the watcher first, so the first one names the concrete
reason (e.g. the endpoint that hosts the page, or the S3 subsystem the AWS
Service Health Dashboard needed in 2017, https://aws.amazon.com/message/41926/).

The function is pure and shared by ``blast report`` and ``blast check``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from pyroaring import BitMap

from blast.analysis.darkkillers import killers_within
from blast.analysis.downwave import DownWave, path_of
from blast.analysis.exposure import region_components
from blast.analysis.index import FailureIndex
from blast.analysis.propagation import (
    Outcome,
    State,
    down_paths_each,
    propagate,
)
from blast.analysis.setpasses import occurrences
from blast.model import Kind
from blast.model.graph import Graph
from blast.reports.blindhits import hits_each, ranked
from blast.reports.brief import brief

if TYPE_CHECKING:
    from blast.reports.regionevent import RegionEvent

WATCHER_KINDS = (Kind.MONITORING, Kind.STATUS_PAGE)
WATCHER_TAGS = frozenset({"monitoring", "status-page", "observability"})


@dataclass(frozen=True)
class BlindSpot:
    """A watcher that goes dark together with components it watches.

    ``cause`` is ``component`` (a single failure: ``shared`` lists every such
    shared dependency, the widest-reaching first, then the nearest) or
    ``region`` (the region event of ``region`` takes both down; ``shared`` is
    empty). ``watched_down`` are the
    watched components that fail with it (for the first shared dependency, or
    in the region event); ``path`` is the dependency chain from the watcher to
    what failed; ``shared_dependency`` is the one name to quote: the first
    shared component, or ``region <name>``.
    """

    watcher: str
    name: str
    kind: str
    cause: str
    shared: tuple[str, ...]
    region: str | None
    watched_down: tuple[str, ...]
    watched_total: int
    path: tuple[str, ...]
    shared_dependency: str


def watchers(graph: Graph) -> tuple[str, ...]:
    """Ids of the monitoring components and status pages, in file order."""
    columns = graph.columns
    return tuple(
        cid
        for cid, kind, tags in zip(columns.ids, columns.kinds, columns.tags, strict=True)
        if kind in WATCHER_KINDS or (tags and not WATCHER_TAGS.isdisjoint(tags))
    )


def watched_by(graph: Graph, watcher: str, every: Collection[str] | None = None) -> tuple[str, ...]:
    """What ``watcher`` watches: its dependents, else every other user-facing component.

    ``every`` is :func:`watchers` of the graph when the caller has it (a set):
    listing them again for each watcher is a pass over every component.
    """
    topo = graph.topology
    me = topo.position[watcher]
    direct = sorted(
        {topo.nodes[d] for d, _ in topo.dependents[me] if d < topo.n_components} - {watcher}
    )
    if direct:
        return tuple(direct)
    others = set(watchers(graph)) if every is None else every
    return tuple(u for u in graph.user_facing if u != watcher and u not in others)


def _watched_each(graph: Graph, listed: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """:func:`watched_by` of each of ``listed`` (:func:`watchers` of ``graph``). The
    watchers nobody reports into share one tuple, every user-facing component that is
    no watcher, listed once (each watcher is in ``listed``, so none is left out again)."""
    every = set(listed)
    topo = graph.topology
    position, dependents, nodes = topo.position, topo.dependents, topo.nodes
    n_comp = topo.n_components
    found: dict[str, tuple[str, ...]] = {}
    rest: tuple[str, ...] | None = None
    for w in listed:
        direct = {nodes[d] for d, _ in dependents[position[w]] if d < n_comp}
        direct.discard(w)
        if direct:
            found[w] = tuple(sorted(direct))
            continue
        if rest is None:
            rest = tuple(u for u in graph.user_facing if u not in every)
        found[w] = rest
    return found


def _shared_hits(
    index: FailureIndex,
    listed: Sequence[str],
    watched_of: Mapping[str, tuple[str, ...]],
    uses: Mapping[tuple[str, ...], int],
) -> dict[str, dict[str, int]]:
    """For each watcher of ``listed``, the components (the watcher aside) whose failure
    alone takes it down and some of what it watches, with how many of those each takes down.

    Read from killer sets: ``b`` takes ``x`` down exactly when ``b`` is in
    ``killers(x)``, so no blast-radius set is built. Watchers that share what they
    watch (``uses``; status pages watch every user-facing component) read how many
    each bit kills, counted once for all of them
    (:func:`~blast.analysis.setpasses.occurrences`); the others are counted in one
    pass over all of them (:func:`~blast.reports.blindhits.hits_each`).
    """
    tallies: dict[tuple[str, ...], np.ndarray] = {}
    found: dict[str, dict[str, int]] = {}
    jobs: list[tuple[str, tuple[str, ...], BitMap]] = []
    for w in listed:
        watched = watched_of[w]
        mine = BitMap(index.killers(w))
        mine.discard(index.bit[w])
        if uses[watched] > 1:
            tally = tallies.get(watched)
            if tally is None:
                killers = map(index.killers_of.__getitem__, watched)
                tally = tallies[watched] = occurrences(killers, len(index.ids))
            found[w] = _hits_in(tally, mine, index.ids)
        else:
            jobs.append((w, watched, mine))
    counted = hits_each(index.killers_of, [(v, m) for _, v, m in jobs], index.ids)
    found.update(zip([w for w, _, _ in jobs], counted, strict=True))
    return found


def blind_spots(
    index: FailureIndex,
    *,
    region: str | None = None,
    wave: DownWave | None = None,
    event: RegionEvent | None = None,
) -> tuple[BlindSpot, ...]:
    """Every watcher that fails together with something it watches.

    Parameters
    ----------
    index
        The failure index of the graph.
    region
        Also fail this region whole (global services anchored there included)
        and report watchers that go down with watched components.
    wave
        The graph's :class:`~blast.analysis.downwave.DownWave`, when the caller has one.
    event
        The :func:`~blast.reports.regionevent.region_event` of ``region``, when the
        caller has it (its down wave is read, not run again).

    Returns
    -------
    tuple[BlindSpot, ...]
        Component causes first, then region causes, each by watcher id.
    """
    graph = index.graph
    topo = graph.topology
    found: list[BlindSpot] = []
    fall: tuple[np.ndarray, np.ndarray] | None = None  # the region's down wave, by position
    listed = watchers(graph)
    if region is not None and region in graph.regions:
        # propagate's down wave and paths, in numpy (a region event takes most of the graph)
        if event is not None and event.region == region:
            fall = event.down, event.cause
        else:
            wave = wave or DownWave(graph)
            starts = sorted(set(region_components(graph, region)))
            fall = wave.causes([topo.position[x] for x in starts])
    position = topo.position
    watched_of = _watched_each(graph, listed)
    uses = Counter(watched_of.values())
    victims_of: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}
    by_cause: dict[str, list[str]] = {}  # watchers by their first shared dependency
    hits_of = _shared_hits(index, [w for w in listed if watched_of[w]], watched_of, uses)
    for w in listed:
        watched = watched_of[w]
        if not watched:
            continue
        c = brief(graph, w)
        shared = ranked(graph, w, hits_of[w])
        if shared:
            nearest = shared[0]  # takes down the most watched components
            bit = index.bit[nearest]
            victims = victims_of.get((watched, bit), ())
            if not victims:
                victims = tuple(x for x in watched if bit in index.killers_of[x])
                victims_of[watched, bit] = victims
            by_cause.setdefault(nearest, []).append(w)
            found.append(
                BlindSpot(
                    watcher=w,
                    name=c.label,
                    kind=c.kind.value,
                    cause="component",
                    shared=tuple(shared),
                    region=None,
                    watched_down=victims,
                    watched_total=len(watched),
                    path=(),  # below: one (confined) down wave per shared dependency
                    shared_dependency=nearest,
                )
            )
        if fall is not None and fall[0][position[w]] and not shared:  # else a component's
            victims = tuple(x for x in watched if fall[0][position[x]])
            if victims:
                found.append(
                    BlindSpot(
                        watcher=w,
                        name=c.label,
                        kind=c.kind.value,
                        cause="region",
                        shared=(),
                        region=region,
                        watched_down=victims,
                        watched_total=len(watched),
                        path=path_of(fall[1], topo.nodes, position[w]),
                        shared_dependency=f"region {region}",
                    )
                )
    # the waves confined to what the watchers need (the same paths, not whole-graph waves)
    paths = {w: p for found in down_paths_each(graph, by_cause).values() for w, p in found.items()}
    found = [replace(b, path=paths[b.watcher]) if b.cause == "component" else b for b in found]
    found.sort(key=lambda s: (s.cause != "component", s.watcher))
    return tuple(found)


def _hits_in(tally: np.ndarray, mine: BitMap, nodes: Sequence[str]) -> dict[str, int]:
    """:func:`~blast.reports.blindhits.hits_each` for one watcher, from ``tally``: how many
    victims each position kills (the victims' killer sets counted by
    :func:`~blast.analysis.setpasses.occurrences`)."""
    bits = np.frombuffer(mine.to_array(), dtype=np.uint32)
    found = tally[bits]
    kept = found > 0
    return dict(zip([nodes[b] for b in bits[kept].tolist()], found[kept].tolist(), strict=True))


def blind_spots_in(
    graph: Graph | FailureIndex,
    failed: Sequence[str],
    regions: Sequence[str] = (),
    outcome: Outcome | None = None,
) -> tuple[BlindSpot, ...]:
    """The blind spots of one failure (``blast exposure``): watchers dark with what they watch.

    ``failed`` are the components that fail (``regions`` the regions they were
    taken from, if any). A watcher down in that failure with some watched
    components down too is a blind spot. Its shared dependency is the failed or
    downed component whose failure *alone* would take both (the widest-reaching,
    then the nearest to the watcher, as in :func:`blind_spots`); when no single
    component does and regions failed, it is the region (both merely run there).
    Two components failed on purpose that the watcher and what it watches need
    separately share nothing: no blind spot. ``watched_down`` lists what is
    down in this failure; ``path`` leads from the watcher to the shared
    dependency (to what failed, for a region).

    Only the killer sets of the watchers that are down and of what they watch are
    solved, within the down set (:func:`~blast.analysis.darkkillers.killers_within`).
    ``outcome``, when the caller has it, is ``propagate(graph, failed)`` (``blast
    exposure`` has just run it).
    """
    if isinstance(graph, FailureIndex):
        graph = graph.graph
    topo = graph.topology
    pos, nodes = topo.position, topo.nodes
    if outcome is None:
        outcome = propagate(graph, list(failed))
    down = set(outcome.nodes_in(State.DOWN))
    dark = []
    listed = watchers(graph)
    watched_of = _watched_each(graph, listed)
    victims_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # status pages share what they watch
    for w in listed:
        if w in down:
            watched = watched_of[w]
            victims = victims_of.get(watched)
            if victims is None:
                victims = victims_of[watched] = tuple(x for x in watched if x in down)
            if victims:
                dark.append((w, watched, victims))
    down_at = [False] * len(nodes)
    for x in down:
        down_at[pos[x]] = True
    # killers(v) & down, solved on the down set alone (what the intersections below read)
    killers = killers_within(
        graph, [pos[x] for _, _, vs in dark for x in vs] + [pos[w] for w, _, _ in dark], down_at
    )
    shared_of: dict[str, tuple[str, ...]] = {}
    uses = Counter(victims for _, _, victims in dark)
    tallies: dict[tuple[str, ...], np.ndarray] = {}
    hits_of: dict[str, dict[str, int]] = {}
    jobs: list[tuple[str, list[int], BitMap]] = []
    for w, _, victims in dark:
        me = pos[w]
        mine = BitMap(killers[me])
        mine.discard(me)
        if uses[victims] > 1:
            # watchers of the same victims (status pages watch every user-facing
            # component): how many victims each component kills, counted once for all
            tally = tallies.get(victims)
            if tally is None:
                tally = occurrences((killers[pos[x]] for x in victims), len(nodes))
                tallies[victims] = tally
            hits_of[w] = _hits_in(tally, mine, nodes)
        else:
            jobs.append((w, [pos[x] for x in victims], mine))
    counted = hits_each(killers, [(v, m) for _, v, m in jobs], nodes)
    hits_of.update(zip([w for w, _, _ in jobs], counted, strict=True))
    for w, _, _ in dark:
        hits = hits_of[w]
        if hits:
            shared_of[w] = tuple(ranked(graph, w, hits))
    # one down wave per shared dependency gives the paths of all the watchers it darkens
    by_cause: dict[str, list[str]] = {}
    for w, shared in shared_of.items():
        by_cause.setdefault(shared[0], []).append(w)
    paths = {w: p for found in down_paths_each(graph, by_cause).values() for w, p in found.items()}
    found: list[BlindSpot] = []
    for w, watched, victims in dark:
        c = brief(graph, w)
        if w in shared_of:
            shared = shared_of[w]
            cause, region, name = "component", None, shared[0]
            path = paths[w]
        elif regions:
            shared, cause = (), "region"
            region = ", ".join(regions)
            name = f"region {region}"
            path = outcome.path(w)
        else:
            continue
        found.append(
            BlindSpot(
                watcher=w,
                name=c.label,
                kind=c.kind.value,
                cause=cause,
                shared=shared,
                region=region,
                watched_down=victims,
                watched_total=len(watched),
                path=path,
                shared_dependency=name,
            )
        )
    found.sort(key=lambda s: (s.cause != "component", s.watcher))
    return tuple(found)
