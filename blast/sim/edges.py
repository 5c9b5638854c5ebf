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

from blast.model.graph import Graph
from blast.model.spec import Component, Dependency, DependencyType, Plane, RedundancyMode

HARD, SOFT, ASYNC, MEMBER = 0, 1, 2, 3
KIND_NAMES = ("hard", "soft", "async", "group")
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
    out: list[list[int]]
    into: list[list[int]]
    src: list[int]
    dst: list[int]
    kind: list[int]
    dep: list[Dependency | None]
    fdelay: list[float]
    fmech: list[str]
    neg_ttl: list[float]
    stale: list[bool]
    withdraw: list[bool]
    wrong_mode: list[int]
    control: list[bool]
    alive: list[bool]
    min_up: list[int]
    passive: list[bool]
    failover_time: list[float]
    opos: list[int]  # position of each edge in its source's ``out`` list

    def add_edge(self, s: int, t: int, kind: int, dep: Dependency | None) -> int:
        """Append an edge from dependent ``s`` to target ``t``; returns its index."""
        e = len(self.src)
        delay, mech = fail_filter(dep)
        self.src.append(s)
        self.dst.append(t)
        self.kind.append(kind)
        self.dep.append(dep)
        self.fdelay.append(delay)
        self.fmech.append(mech)
        self.neg_ttl.append((dep.negative_cache_ttl or 0.0) if dep else 0.0)
        self.stale.append(bool(dep and dep.serve_stale))
        self.withdraw.append(bool(dep and dep.withdraw))
        self.wrong_mode.append(WRONG_MODES[dep.on_wrong_data] if dep else 0)
        self.control.append(bool(dep and dep.plane is Plane.CONTROL))
        self.alive.append(True)
        self.opos.append(len(self.out[s]))
        self.out[s].append(e)
        self.into[t].append(e)
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
            out=out,
            into=into,
            src=[s for s, _, _, _ in edges],
            dst=[t for _, t, _, _ in edges],
            kind=[k for _, _, k, _ in edges],
            dep=deps,
            fdelay=[delay for delay, _ in filters],
            fmech=[mech for _, mech in filters],
            neg_ttl=[(dep.negative_cache_ttl or 0.0) if dep else 0.0 for dep in deps],
            stale=[bool(dep and dep.serve_stale) for dep in deps],
            withdraw=[bool(dep and dep.withdraw) for dep in deps],
            wrong_mode=[WRONG_MODES[dep.on_wrong_data] if dep else 0 for dep in deps],
            control=[bool(dep and dep.plane is Plane.CONTROL) for dep in deps],
            alive=[True] * len(edges),
            min_up=[0] * nc + [g.min_up for g in groups],
            passive=[False] * nc + [g.mode is RedundancyMode.ACTIVE_PASSIVE for g in groups],
            failover_time=[0.0] * nc + [g.failover_time or 0.0 for g in groups],
            opos=opos,
        )
