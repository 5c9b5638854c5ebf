"""Concrete mitigations of one SPOF, derived from the graph's structure.

Each kind applies when the graph shows the weakness it fixes, and names the
components and edges to change:

* ``redundancy``: dependents need the SPOF directly, with no alternative; run a
  second one in another region (another provider for a global service anchored
  nowhere) behind a redundancy group.
* ``regional-endpoint``: the SPOF is a global service anchored in one region
  (IAM, STS's global endpoint, sign-in in us-east-1); call a regional endpoint
  in the caller's region instead.
* ``serve-stale``: the SPOF answers reads (DNS, a database, a cache, identity,
  an API...) and its dependents keep no cache of the answers; cache them and
  serve stale answers while it is down (RFC 8767 for DNS).
* ``static-stability``: a data-plane component needs a control plane to keep
  working; pre-provision and keep the last known good state, so nothing has to
  be launched or changed during the event (AWS Builders' Library, "Static
  stability using Availability Zones").
* ``break-cycle``: the SPOF sits on a cycle of hard dependencies, so recovery
  has to bring the whole loop back at once (the DynamoDB / EC2 DWFM loop of
  2025-10-20); give one member a bootstrap path that does not need the others.

Every mitigation carries a :class:`~blast.reports.whatif.WhatIf`: the change is
applied to a copy of the graph and the analysis re-run.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise, repeat

from blast.analysis.downwave import DownWave
from blast.analysis.index import FailureIndex
from blast.model import GLOBAL_REGION, Component, Kind, Plane, RedundancyGroup, Scope
from blast.model.graph import Graph
from blast.model.lazymodels import LazyModels
from blast.reports.brief import label
from blast.reports.whatif import Change, Positions, WhatIf, hard_dependents_at, measure

KINDS = ("redundancy", "regional-endpoint", "serve-stale", "static-stability", "break-cycle")
"""Mitigation kinds, in the order the report lists them."""

READ_KINDS = frozenset(
    {Kind.DNS, Kind.DATABASE, Kind.CACHE, Kind.STORAGE, Kind.IDENTITY, Kind.API, Kind.CDN}
)
"""Kinds whose answers a dependent can cache and serve stale."""


@dataclass(frozen=True)
class Mitigation:
    """One concrete change that removes or shrinks a SPOF, with its measured effect."""

    id: str
    kind: str
    spof: str
    title: str
    action: str
    changes: tuple[str, ...]
    changes_total: int
    assumes: str
    whatif: WhatIf


@dataclass(frozen=True)
class Plan:
    """A mitigation before it is measured: what to change, and why."""

    kind: str
    title: str
    change: Change
    action: str
    touched: tuple[str, ...]
    assumes: str


def other_region(graph: Graph, component: Component) -> str | None:
    """A region of the graph to put a replica in: the same provider's first, then any."""
    regions = [r for r in graph.regions if r not in (GLOBAL_REGION, component.region)]
    same = sorted(_facts(graph).regions_of(component.provider).intersection(regions))
    choices = same or regions
    return choices[0] if choices else None


class _Facts:
    """What the plans of many SPOFs read of one graph, found once for all of them: each
    provider's regions, and which stored models name a field at all."""

    def __init__(self, graph: Graph) -> None:
        self._graph = weakref.ref(graph)
        self._regions: dict[str | None, frozenset[str]] | None = None
        self._mentions: dict[bytes, frozenset[str] | None] = {}

    def regions_of(self, provider: str | None) -> frozenset[str]:
        """The regions of the graph's components of ``provider``."""
        if self._regions is None:
            graph = self._graph()
            assert graph is not None  # the graph owns these facts
            columns = graph.columns  # no model built: one C-level pass over two columns
            by: dict[str | None, set[str]] = {}
            for p, r in set(zip(columns.providers, columns.regions, strict=True)):
                by.setdefault(p, set()).add(r)
            self._regions = {p: frozenset(rs) for p, rs in by.items()}
        return self._regions.get(provider, frozenset())

    def mentioning(self, key: bytes) -> frozenset[str] | None:
        """The components whose stored JSON (a graph read lazily, from a file or the cache)
        holds ``key`` (a quoted JSON key) anywhere; None when the graph holds its models
        already (then reading a model is cheap). A component not named has every field of
        that name at its default (None), its dependencies' included, and no model need be
        built to know it (about 1 s at 100,000 components on the hubs shape, where a
        read-kind hub has some 10,000 dependents)."""
        if key not in self._mentions:
            graph = self._graph()
            assert graph is not None
            models = graph.components
            found = models.mentioning(key) if isinstance(models, LazyModels) else None
            self._mentions[key] = found
        return self._mentions[key]


_FACTS: dict[int, _Facts] = {}


def _facts(graph: Graph) -> _Facts:
    """``graph``'s :class:`_Facts`, kept while the graph lives."""
    found = _FACTS.get(id(graph))
    if found is None:
        found = _FACTS[id(graph)] = _Facts(graph)
        weakref.finalize(graph, _FACTS.pop, id(graph), None)
    return found


def _names(graph: Graph, ids: tuple[str, ...], limit: int = 4) -> str:
    shown = ", ".join(label(graph, i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _redundancy(graph: Graph, spof: Component, dependents: tuple[str, ...]) -> tuple[Change, str]:
    global_anchorless = spof.scope is Scope.GLOBAL and spof.region == GLOBAL_REGION
    where = None if global_anchorless else other_region(graph, spof)
    suffix = "second-provider" if global_anchorless else f"replica.{where or 'region-2'}"
    place = "second provider" if global_anchorless else where or "second region"
    replica = spof.model_copy(
        update={
            "id": f"{spof.id}.{suffix}",
            "name": f"{spof.label} ({place})",
            "region": spof.region if global_anchorless else (where or f"{spof.region}-2"),
            "provider": f"{spof.provider or 'other'}-alt" if global_anchorless else spof.provider,
            "user_facing": False,
        }
    )
    group = RedundancyGroup.model_validate(
        {"id": f"{spof.id}.redundant", "name": f"{spof.label} (redundant)",
         "members": (spof.id, replica.id)}
    )  # fmt: skip
    change = Change(
        add_components=(replica,),
        add_groups=(group,),
        retarget=tuple(zip(zip(dependents, repeat(spof.id)), repeat(group.id))),
    )
    target = "a second provider" if global_anchorless else (where or "a second region")
    action = (
        f"Run a second {spof.label} in {target} and make {_names(graph, dependents)} depend on "
        f"either (a redundancy group of both, any one up) instead of {spof.id} alone."
    )
    return change, action


def _regional(
    graph: Graph, spof: Component, dependents: tuple[str, ...], at: list[int]
) -> tuple[Change, str]:
    clones: dict[str, Component] = {}
    anchor, edge_of = spof.region, {}  # each clone's retarget, by region
    # the dependents' regions from their positions ``at``: no brief, no id looked up
    regions = list(map(graph.columns.regions.__getitem__, at))
    if GLOBAL_REGION in regions or anchor in regions:  # other_region's answer, found once
        elsewhere = other_region(graph, spof) or f"outside-{anchor}"
        moved = {GLOBAL_REGION: elsewhere, anchor: elsewhere}
        regions = list(map(moved.get, regions, regions))  # the others stay
    for region in dict.fromkeys(regions):  # in the order the dependents first name them
        clones[region] = spof.model_copy(
            update={
                "id": f"{spof.id}.regional.{region}",
                "name": f"{spof.label} regional endpoint ({region})",
                "region": region,
                "scope": Scope.REGIONAL,
                "user_facing": False,
                "depends_on": tuple(
                    dep
                    for dep in spof.depends_on
                    if dep.target not in graph.components
                    or graph.components[dep.target].region != anchor
                ),
            }
        )
        edge_of[region] = clones[region].id
    old = zip(dependents, repeat(spof.id))
    retarget = tuple(zip(old, map(edge_of.__getitem__, regions), strict=True))
    action = (
        f"{spof.label} is global but anchored in {spof.region}: have "
        f"{_names(graph, dependents)} call a regional endpoint in their own region "
        f"({', '.join(sorted(clones))}) instead of the global one."
    )
    return Change(add_components=tuple(clones.values()), retarget=retarget), action


def _cycle_through(index: FailureIndex, spof: str) -> tuple[str, ...]:
    """A shortest cycle of hard edges from ``spof`` back to itself, or ``()``."""
    s = index.structure
    start = s.position[spof]
    rank = s.rank
    parent = {start: -1}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for t in s.hard_targets[v]:
            if rank[t] != rank[start]:
                continue
            if t == start:
                chain = [v]
                while chain[-1] != start:
                    chain.append(parent[chain[-1]])
                return tuple(s.nodes[x] for x in [*reversed(chain), start])
            if t not in parent:
                parent[t] = v
                queue.append(t)
    return ()


def _closing_edge(graph: Graph, cycle: tuple[str, ...]) -> tuple[str, str] | None:
    """The last component-to-target edge of ``cycle`` (groups have no edge to soften)."""
    for a, b in reversed(list(pairwise(cycle))):
        if a in graph.components:
            return a, b
    return None


def _unset(
    graph: Graph, components: tuple[str, ...], key: bytes, unset: Callable[[Component], bool]
) -> tuple[str, ...]:
    """Those of ``components`` for which ``unset`` holds of the model, in order; a model is
    built only when its stored JSON names ``key`` (:meth:`_Facts.mentioning`), and
    ``unset`` is taken to hold of one that does not."""
    mentions = _facts(graph).mentioning(key)
    models = graph.components
    if mentions is None:
        return tuple(d for d in components if unset(models[d]))
    if not mentions:
        return components
    return tuple(d for d in components if d not in mentions or unset(models[d]))


def plans(index: FailureIndex, spof: str, wave: DownWave | None = None) -> tuple[Plan, ...]:
    """The mitigations that apply to ``spof``, not yet measured (``wave``: the graph's
    :class:`~blast.analysis.downwave.DownWave` when the caller has it)."""
    graph = index.graph
    c = graph.components[spof]
    dependents_at = hard_dependents_at(graph, spof, wave)
    at, nodes = dependents_at.tolist(), graph.topology.nodes
    dependents = tuple(map(nodes.__getitem__, at))
    every = Positions(nodes, dependents_at)  # where the edges of every dependent start
    found: list[Plan] = []
    anchored_global = c.scope is Scope.GLOBAL and c.region != GLOBAL_REGION
    if dependents and not anchored_global:
        change, action = _redundancy(graph, c, dependents)
        change = replace(change, at=every)
        found.append(
            Plan(
                "redundancy",
                f"Redundancy for {c.label}",
                change,
                action,
                dependents,
                f"the replica shares {c.label}'s own dependencies as written; "
                "they may still be SPOFs",
            )
        )
    if dependents and anchored_global:
        change, action = _regional(graph, c, dependents, at)
        change = replace(change, at=every)
        found.append(
            Plan(
                "regional-endpoint",
                f"Regional endpoints instead of global {c.label}",
                change,
                action,
                dependents,
                f"a regional endpoint needs nothing in {c.region}",
            )
        )
    # the dependents' models (cache_ttl, plane) are built only when the kind can use them,
    # and only for dependents whose stored JSON names the field at all (see _unset)
    uncached = (
        _unset(
            graph,
            dependents,
            b'"cache_ttl"',
            lambda m: any(dep.target == spof and dep.cache_ttl is None for dep in m.depends_on),
        )
        if c.kind in READ_KINDS
        else ()
    )
    if uncached:
        found.append(
            Plan(
                "serve-stale",
                f"Serve stale answers of {c.label}",
                Change(
                    serve_stale=tuple(zip(uncached, repeat(spof))),
                    at=every if uncached is dependents else None,
                ),
                f"Cache what {_names(graph, uncached)} read from {c.label} and serve the last "
                "good answer while it is down (set cache_ttl on each edge).",
                uncached,
                "the outage is shorter than the cache's lifetime",
            )
        )
    control = c.plane is Plane.CONTROL or c.kind is Kind.CONTROL_PLANE
    data_side = (
        _unset(graph, dependents, b'"plane"', lambda m: m.plane is not Plane.CONTROL)
        if control
        else ()
    )
    if data_side:
        found.append(
            Plan(
                "static-stability",
                f"Static stability: no {c.label} during the event",
                Change(
                    soften=tuple(zip(data_side, repeat(spof))),
                    at=every if data_side is dependents else None,
                ),
                f"{_names(graph, data_side)} need the control plane {c.label} to keep serving: "
                "pre-provision capacity and keep the last known good state so that nothing has "
                "to be launched or changed while it is down.",
                data_side,
                "running capacity keeps serving without new launches",
            )
        )
    cycle = _cycle_through(index, spof)
    edge = _closing_edge(graph, cycle) if cycle else None
    if edge is not None:
        found.append(
            Plan(
                "break-cycle",
                f"Break the dependency cycle through {c.label}",
                Change(soften=(edge,)),
                f"{' -> '.join(cycle)} is a cycle of hard dependencies: everything on it must "
                f"come back at once. Give {edge[0]} a way to start without {edge[1]} (a "
                "bootstrap path, cached state).",
                (edge[0],),
                "the bootstrap path itself needs nothing on the cycle",
            )
        )
    return tuple(found)


def finish(spof: str, plan: Plan, whatif: WhatIf, cap: int | None = None) -> Mitigation:
    """A measured plan; its ``changes`` (one per rewritten edge) cut to the first ``cap``
    (all when ``None``), ``changes_total`` counting them all (:mod:`blast.reports.bounded`)."""
    touched = plan.touched if cap is None else plan.touched[:cap]
    return Mitigation(
        id=f"{plan.kind}:{spof}",
        kind=plan.kind,
        spof=spof,
        title=plan.title,
        action=plan.action,
        changes=tuple(f"{d} -> {spof}" for d in touched),
        changes_total=len(plan.touched),
        assumes=plan.assumes,
        whatif=whatif,
    )


def mitigations(
    index: FailureIndex,
    spof: str,
    *,
    region: str | None,
    before_spof: int,
    before_region: int | None,
) -> tuple[Mitigation, ...]:
    """The mitigations that apply to ``spof``, each with its measured what-if (in this process)."""
    graph = index.graph
    return tuple(
        finish(
            spof,
            plan,
            measure(
                graph,
                plan.change,
                spof,
                before_spof=before_spof,
                region=region,
                before_region=before_region,
            ),
        )
        for plan in plans(index, spof)
    )
