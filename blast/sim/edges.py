"""The compiled graph the engine walks: integer nodes, edge arrays and their timing filters.

Each edge (a dependency, or a group's membership) is a *filter* between the
state of its target and what the dependent perceives of it (see
``docs/simulation.md``):

* a failure is perceived after ``detection_delay`` plus the longest of
  ``cache_ttl`` (cached good answers keep working) and ``lease_timeout``
  (leases keep working until they lapse), and only if it lasts that long; any
  answer renews a lease, so a target only degraded (serving, not wrong) lapses
  none and is not perceived as failing through a lease edge;
* a recovery is perceived at once, or after ``negative_cache_ttl`` when the
  dependent had cached the failure, or after the target's health checks pass
  again (``not_ready_time`` + ``healthy_threshold`` x ``interval``);
* with ``serve_stale`` a failure past the TTL is perceived as a degradation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from librt.vecs import append, vec
from mypy_extensions import i64

from blast.model.graph import Graph
from blast.model.spec import Component, Dependency, DependencyType, Plane, RedundancyMode

HARD: Final = 0
SOFT: Final = 1
ASYNC: Final = 2
MEMBER: Final = 3
KIND_NAMES: Final = ("hard", "soft", "async", "group")
WRONG_MODES = {"fail": 0, "degrade": 1, "propagate": 2, "ignore": 3}
_KIND = {DependencyType.HARD: HARD, DependencyType.SOFT: SOFT, DependencyType.ASYNC: ASYNC}


def fail_filter(dep: Dependency | None) -> tuple[float, str]:
    """Seconds before a lasting failure of the target is perceived, and the mechanism."""
    if dep is None:
        return 0.0, ""
    detect = dep.detection_delay or 0.0
    cache = dep.cache_ttl or 0.0
    lease = dep.lease_timeout or 0.0
    if lease >= cache and lease > 0:
        return detect + lease, "lease"
    if cache > 0:
        return detect + cache, "cache"
    return detect, "detection" if detect > 0 else ""


@dataclass
class Compiled:
    """Mutable arrays of the graph (reroutes change edges); one per simulation run."""

    nodes: tuple[str, ...]
    n_components: int
    components: tuple[Component, ...]
    out: vec[vec[i64]]
    into: vec[vec[i64]]
    src: vec[i64]
    dst: vec[i64]
    kind: vec[i64]
    dep: list[Dependency | None]
    fdelay: vec[float]
    fmech: list[str]
    neg_ttl: vec[float]
    stale: vec[bool]
    withdraw: vec[bool]
    wrong_mode: vec[i64]
    control: vec[bool]
    alive: vec[bool]
    min_up: vec[i64]
    passive: vec[bool]
    failover_time: vec[float]
    opos: vec[i64]  # position of each edge in its source's ``out`` list

    def add_edge(self, s: int, t: int, kind: int, dep: Dependency | None) -> int:
        """Append an edge from dependent ``s`` to target ``t``; returns its index."""
        e = len(self.src)
        delay, mech = fail_filter(dep)
        self.src = append(self.src, s)
        self.dst = append(self.dst, t)
        self.kind = append(self.kind, kind)
        self.dep.append(dep)
        self.fdelay = append(self.fdelay, delay)
        self.fmech.append(mech)
        self.neg_ttl = append(self.neg_ttl, (dep.negative_cache_ttl or 0.0) if dep else 0.0)
        self.stale = append(self.stale, bool(dep and dep.serve_stale))
        self.withdraw = append(self.withdraw, bool(dep and dep.withdraw))
        self.wrong_mode = append(self.wrong_mode, WRONG_MODES[dep.on_wrong_data] if dep else 0)
        self.control = append(self.control, bool(dep and dep.plane is Plane.CONTROL))
        self.alive = append(self.alive, True)
        self.opos = append(self.opos, len(self.out[s]))
        self.out[s] = append(self.out[s], e)
        self.into[t] = append(self.into[t], e)
        return e

    @classmethod
    def of(cls, graph: Graph) -> Compiled:
        """The arrays of ``graph``: dependencies in component order, then group members.

        Built column by column (as :meth:`add_edge` would, edge by edge: same indices);
        one method call per edge was a tenth of the set-up of a 10,000-component run.
        """
        nodes = (*graph.components, *graph.groups)
        position = {node: i for i, node in enumerate(nodes)}
        n, nc = len(nodes), len(graph.components)
        groups = list(graph.groups.values())
        components = tuple(graph.components.values())
        edges: list[tuple[int, int, int, Dependency | None]] = [
            (s, position[dep.target], _KIND[dep.type], dep)
            for s, comp in enumerate(components)
            for dep in comp.depends_on
        ]
        edges += [
            (s, position[member], MEMBER, None)
            for s, group in enumerate(groups, start=nc)
            for member in group.members
        ]
        out: list[list[int]] = [[] for _ in range(n)]
        into: list[list[int]] = [[] for _ in range(n)]
        opos = []
        for e, (s, t, _, _) in enumerate(edges):
            opos.append(len(out[s]))
            out[s].append(e)
            into[t].append(e)
        deps = [dep for _, _, _, dep in edges]
        filters = [fail_filter(dep) for dep in deps]
        return cls(
            nodes=nodes,
            n_components=nc,
            components=components,
            out=vec[vec[i64]]([vec[i64](x) for x in out]),
            into=vec[vec[i64]]([vec[i64](x) for x in into]),
            src=vec[i64]([s for s, _, _, _ in edges]),
            dst=vec[i64]([t for _, t, _, _ in edges]),
            kind=vec[i64]([k for _, _, k, _ in edges]),
            dep=deps,
            fdelay=vec[float]([delay for delay, _ in filters]),
            fmech=[mech for _, mech in filters],
            neg_ttl=vec[float]([(dep.negative_cache_ttl or 0.0) if dep else 0.0 for dep in deps]),
            stale=vec[bool]([bool(dep and dep.serve_stale) for dep in deps]),
            withdraw=vec[bool]([bool(dep and dep.withdraw) for dep in deps]),
            wrong_mode=vec[i64]([WRONG_MODES[dep.on_wrong_data] if dep else 0 for dep in deps]),
            control=vec[bool]([bool(dep and dep.plane is Plane.CONTROL) for dep in deps]),
            alive=vec[bool]([True] * len(edges)),
            min_up=vec[i64]([0] * nc + [g.min_up for g in groups]),
            passive=vec[bool](
                [False] * nc + [g.mode is RedundancyMode.ACTIVE_PASSIVE for g in groups]
            ),
            failover_time=vec[float]([0.0] * nc + [g.failover_time or 0.0 for g in groups]),
            opos=vec[i64](opos),
        )
