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
from itertools import accumulate, chain
from operator import attrgetter
from typing import Any, Final

from librt.vecs import append, vec
from mypy_extensions import i64

from blast.model.compact import NUMPY_FROM
from blast.model.graph import ASYNC_EDGE, HARD_EDGE, MEMBER_EDGE, SOFT_EDGE, Graph
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
    return _fail_filter(dep.detection_delay or 0.0, dep.cache_ttl or 0.0, dep.lease_timeout or 0.0)


def _fail_filter(detect: float, cache: float, lease: float) -> tuple[float, str]:
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
    timer: vec[bool]  # whether the edge has a buffer or attrition (timers of the dependent)
    # per node, its first out-edge and how many it has, side by side, while they are
    # numbered in a row (-1 once a reroute added one): read without the list of them
    span: vec[i64]

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
        self.timer = append(
            self.timer, bool(dep and (dep.buffer is not None or dep.attrition is not None))
        )
        self.out[s] = append(self.out[s], e)
        self.span[2 * s] = -1
        self.into[t] = append(self.into[t], e)
        return e

    @classmethod
    def of(cls, graph: Graph) -> Compiled:
        """The arrays of ``graph``: dependencies in component order, then group members.

        The same indices :meth:`add_edge` would give edge by edge. The edges come from
        the graph's integer arrays (:attr:`Graph.edge_arrays`) when it has them (a graph
        read from the cache, or whose analyses built them); otherwise they are read here,
        with the timing filters, once per dependency *object* (equal dependencies are
        one shared instance: bare ids, ``with_sim_parameters``), from its field
        dictionary: building ``edge_arrays`` for the engine alone (it also sorts the
        incoming edges) cost more than the rest of this set-up at 100,000 components.
        """
        nodes = (*graph.components, *graph.groups)
        n, nc = len(nodes), len(graph.components)
        groups = list(graph.groups.values())
        components = tuple(graph.components.values())
        needs = list(map(_DEPENDS_ON, components))
        deps: list[Dependency | None] = list(chain.from_iterable(needs))
        # the edges: the graph's arrays when it has them (a cache entry's, or built for
        # the analyses), else read here with the columns, once per dependency object
        # (Edges.of, which also sorts the incoming edges, took longer than this whole set-up)
        own = graph.compact is None and "edge_arrays" not in graph.__dict__
        if own:
            position = dict(zip(nodes, range(n), strict=True))
            start = [0, *accumulate(map(len, needs))]
            target: list[int] = []
            kinds: list[int] = []
        else:
            arrays = graph.edge_arrays
            start, target = arrays.start, arrays.target
            kinds = [_FROM_CODE[k] for k in arrays.kind]
        del needs
        m = len(deps) + sum(len(g.members) for g in groups)
        deps.extend([None] * (m - len(deps)))  # group members
        # the columns, appended edge by edge (no tuple per edge): a dependency object
        # seen before copies the columns of its first edge
        memo: dict[int, int] = {}
        fdelay, neg_ttl = vec[float](capacity=m), vec[float](capacity=m)
        fmech: list[str] = []
        stale, withdraw = vec[bool](capacity=m), vec[bool](capacity=m)
        wrong_mode, control, timer = (
            vec[i64](capacity=m),
            vec[bool](capacity=m),
            vec[bool](capacity=m),
        )
        for dep in deps:
            key = id(dep)  # deps holds every object meanwhile: ids stay unique
            k = memo.get(key, -1)
            if k < 0:
                memo[key] = len(fdelay)
                r = _row(dep)
                fdelay, neg_ttl = append(fdelay, r[0]), append(neg_ttl, r[2])
                fmech.append(r[1])
                stale, withdraw = append(stale, r[3]), append(withdraw, r[4])
                wrong_mode, control = append(wrong_mode, r[5]), append(control, r[6])
                timer = append(timer, r[7])
                if own and dep is not None:
                    f: dict[str, Any] = vars(dep)
                    target.append(position[f["target"]])
                    kinds.append(_KIND[f["type"]])
            else:
                fdelay, neg_ttl = append(fdelay, fdelay[k]), append(neg_ttl, neg_ttl[k])
                fmech.append(fmech[k])
                stale, withdraw = append(stale, stale[k]), append(withdraw, withdraw[k])
                wrong_mode, control = append(wrong_mode, wrong_mode[k]), append(control, control[k])
                timer = append(timer, timer[k])
                if own and dep is not None:
                    target.append(target[k])
                    kinds.append(kinds[k])
        if own:  # the groups' members, after the dependencies
            for group in groups:
                target.extend(map(position.__getitem__, group.members))
                kinds.extend([MEMBER] * len(group.members))
                start.append(len(target))
        out: list[vec[i64]] = []
        src: list[int] = []
        opos: list[int] = []
        span: list[int] = []
        for v in range(n):
            lo, hi = start[v], start[v + 1]
            out.append(vec[i64](list(range(lo, hi))))
            span.extend((lo, hi - lo))
            src.extend([v] * (hi - lo))
            opos.extend(range(hi - lo))
        return cls(
            nodes=nodes,
            n_components=nc,
            components=components,
            out=vec[vec[i64]](out),
            into=_into(target, n),
            src=vec[i64](src),
            dst=vec[i64](target),
            kind=vec[i64](kinds),
            dep=deps,
            fdelay=fdelay,
            fmech=fmech,
            neg_ttl=neg_ttl,
            stale=stale,
            withdraw=withdraw,
            wrong_mode=wrong_mode,
            control=control,
            alive=vec[bool]([True] * m),
            min_up=vec[i64]([0] * nc + [g.min_up for g in groups]),
            passive=vec[bool](
                [False] * nc + [g.mode is RedundancyMode.ACTIVE_PASSIVE for g in groups]
            ),
            failover_time=vec[float]([0.0] * nc + [g.failover_time or 0.0 for g in groups]),
            opos=vec[i64](opos),
            timer=timer,
            span=vec[i64](span),
        )


def _into(target: list[int], n: int, numpy_from: int = NUMPY_FROM) -> vec[vec[i64]]:
    """Each node's incoming edges, in edge order: a stable sort of the edges by target,
    numpy's from ``numpy_from`` edges on (as :class:`~blast.model.compact.Edges` sorts
    them; at 500,000 edges a third of the loop's time; a test compares both ways)."""
    if len(target) < numpy_from:
        into: list[list[int]] = [[] for _ in range(n)]
        for e in range(len(target)):
            into[target[e]].append(e)
        return vec[vec[i64]]([vec[i64](x) for x in into])
    import numpy as np

    targets = np.array(target, dtype=np.int64)
    order: list[int] = np.argsort(targets, kind="stable").tolist()
    bounds: list[int] = [0, *np.cumsum(np.bincount(targets, minlength=n)).tolist()]
    return vec[vec[i64]]([vec[i64](order[bounds[v] : bounds[v + 1]]) for v in range(n)])


_Row = tuple[float, str, float, bool, bool, int, bool, bool]
"""An edge's columns: fdelay, fmech, neg_ttl, stale, withdraw, wrong_mode, control, timer."""
_CODE_KIND: Final = {HARD_EDGE: HARD, SOFT_EDGE: SOFT, MEMBER_EDGE: MEMBER, ASYNC_EDGE: ASYNC}
_FROM_CODE: Final = tuple(_CODE_KIND[code] for code in range(len(_CODE_KIND)))
"""The engine's kind of each edge code of :attr:`Graph.edge_arrays`."""
_DEPENDS_ON = attrgetter("depends_on")


def _row(dep: Dependency | None) -> _Row:
    """The columns of an edge through ``dep`` (None: a group's membership).

    Read from the model's field dictionary: an attribute of a pydantic model goes
    through its ``__getattr__`` hook, and there are ten per dependency (a third of
    the engine's set-up at 100,000 components).
    """
    if dep is None:
        return 0.0, "", 0.0, False, False, 0, False, False
    f: dict[str, Any] = vars(dep)
    delay, mech = _fail_filter(
        f["detection_delay"] or 0.0, f["cache_ttl"] or 0.0, f["lease_timeout"] or 0.0
    )
    return (
        delay,
        mech,
        f["negative_cache_ttl"] or 0.0,
        f["serve_stale"],
        f["withdraw"],
        WRONG_MODES[f["on_wrong_data"]],
        f["plane"] is Plane.CONTROL,
        f["buffer"] is not None or f["attrition"] is not None,
    )
