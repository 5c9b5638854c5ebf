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

from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import attrgetter, itemgetter
from typing import Any, Final

from librt.vecs import append, vec
from mypy_extensions import i64

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
        read from the cache, or whose analyses built them); otherwise they are read here
        from each dependency's field dictionary: building ``edge_arrays`` for the engine
        alone (it also sorts the incoming edges) cost more than this whole set-up.

        An edge's timing filters depend only on its dependency's parameters, and a graph
        has few distinct sets of them (63 among 500,000 edges at 100,000 components): each
        dependency's parameters are read at C level into a tuple (``map`` with an
        ``itemgetter`` over the field dictionaries), the tuples numbered by a dictionary,
        and the columns computed once per number (:func:`_row`). Reading each distinct
        dependency *object* instead (a dictionary keyed by ``id``, then ``_row`` on
        each of the 262,000) took twice the time of this whole set-up.

        A graph built from compact parameters (:func:`blast.sim.params.engine_graph`, as
        ``blast simulate`` reads a cached graph) holds one shared object per distinct set
        (63 at 100,000 components): its edges are numbered by the object's identity, and
        a tuple is made only for the first edge of each object (0.45 -> 0.23 s at
        100,000 components; ``tests/test_sim_compiled.py`` compares the two numberings).
        """
        nodes = (*graph.components, *graph.groups)
        n, nc = len(nodes), len(graph.components)
        groups = list(graph.groups.values())
        components = tuple(graph.components.values())
        needs = list(map(_DEPENDS_ON, components))
        deps: list[Dependency | None] = list(chain.from_iterable(needs))
        md = len(deps)
        # a graph built from compact parameters (blast.sim.params) shares one dependency
        # object per distinct set: numbered by identity, no tuple made per edge
        shared = graph.compact is not None and graph.compact.sim is not None
        fields: list[dict[str, Any]] = [] if shared else list(map(vars, deps))
        # the edges: the graph's arrays when it has them (a cache entry's, or built for
        # the analyses; a compact graph's dependencies carry no target), else read here
        own = graph.compact is None and "edge_arrays" not in graph.__dict__
        if own:
            position = dict(zip(nodes, range(n), strict=True))
            start = [0, *accumulate(map(len, needs))]
            target: list[int] = list(map(position.__getitem__, map(_TARGET, fields)))
            for group in groups:  # the groups' members, after the dependencies
                target.extend(map(position.__getitem__, group.members))
                start.append(len(target))
            params: Callable[[dict[str, Any]], Any] = _PARAMS_TYPE
        else:
            arrays = graph.edge_arrays
            start, target = arrays.start, arrays.target
            params = _PARAMS
        del needs
        m = len(target)
        deps.extend([None] * (m - md))  # group members
        # the columns, edge by edge from the numbered parameter sets
        number: dict[Any, int] = {}
        rows: list[_Row] = []
        kind_of: list[int] = []
        kinds = vec[i64](capacity=m)
        fdelay, neg_ttl = vec[float](capacity=m), vec[float](capacity=m)
        fmech: list[str] = []
        stale, withdraw = vec[bool](capacity=m), vec[bool](capacity=m)
        wrong_mode, control, timer = (
            vec[i64](capacity=m),
            vec[bool](capacity=m),
            vec[bool](capacity=m),
        )
        seen: dict[int, int] = {}  # id of a shared dependency object -> its number
        for e in range(md):
            k = seen.get(id(deps[e]), -1) if shared else -1
            if k < 0:
                key = params(vars(deps[e]) if shared else fields[e])  # one tuple at a time
                try:
                    k = number.setdefault(key, len(rows))
                except TypeError:  # a parameter that cannot be hashed: a set of its own
                    k = len(rows)
                if k == len(rows):
                    rows.append(_row(deps[e]))
                    kind_of.append(_KIND[key[-1]] if own else -1)
                if shared:
                    seen[id(deps[e])] = k
            r = rows[k]
            fdelay, neg_ttl = append(fdelay, r[0]), append(neg_ttl, r[2])
            fmech.append(r[1])
            stale, withdraw = append(stale, r[3]), append(withdraw, r[4])
            wrong_mode, control = append(wrong_mode, r[5]), append(control, r[6])
            timer = append(timer, r[7])
            if own:
                kinds = append(kinds, kind_of[k])
        del fields
        for _ in range(md, m):  # the groups' members: no filter
            fdelay, neg_ttl = append(fdelay, 0.0), append(neg_ttl, 0.0)
            fmech.append("")
            stale, withdraw = append(stale, False), append(withdraw, False)
            wrong_mode, control = append(wrong_mode, 0), append(control, False)
            timer = append(timer, False)
            if own:
                kinds = append(kinds, MEMBER)
        if not own:
            for code in arrays.kind:
                kinds = append(kinds, _FROM_CODE[code])
        return cls(
            nodes=nodes,
            n_components=nc,
            components=components,
            out=_out(start, n),
            into=_into(target, n),
            src=_repeat(start, n),
            dst=vec[i64](target),
            kind=kinds,
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
            opos=_offsets(start, n),
            timer=timer,
            span=_spans(start, n),
        )


def _out(start: list[int], n: int) -> vec[vec[i64]]:
    """Each node's outgoing edges: ``start[v]`` up to ``start[v + 1]``."""
    out = vec[vec[i64]](capacity=n)
    for v in range(n):
        lo, hi = start[v], start[v + 1]
        row = vec[i64](capacity=hi - lo)
        for e in range(lo, hi):
            row = append(row, e)
        out = append(out, row)
    return out


def _repeat(start: list[int], n: int) -> vec[i64]:
    """The source node of each edge."""
    src = vec[i64](capacity=start[n])
    for v in range(n):
        for _ in range(start[v], start[v + 1]):
            src = append(src, v)
    return src


def _offsets(start: list[int], n: int) -> vec[i64]:
    """The position of each edge in its source's ``out`` list."""
    opos = vec[i64](capacity=start[n])
    for v in range(n):
        lo = start[v]
        for e in range(lo, start[v + 1]):
            opos = append(opos, e - lo)
    return opos


def _spans(start: list[int], n: int) -> vec[i64]:
    """Each node's first out-edge and how many it has, side by side."""
    span = vec[i64](capacity=2 * n)
    for v in range(n):
        lo = start[v]
        span = append(span, lo)
        span = append(span, start[v + 1] - lo)
    return span


def _into(target: list[int], n: int) -> vec[vec[i64]]:
    """Each node's incoming edges, in edge order: a counting sort of the edges by target
    (what a stable sort gives), then one slice per node."""
    m = len(target)
    dst = vec[i64](target)
    at = vec[i64]([0] * (n + 1))  # first position of each node's incoming edges
    for e in range(m):
        at[dst[e] + 1] += 1
    for v in range(n):
        at[v + 1] += at[v]
    bounds = vec[i64](at)
    order = vec[i64]([0] * m)
    for e in range(m):
        t = dst[e]
        order[at[t]] = e
        at[t] += 1
    into = vec[vec[i64]](capacity=n)
    for v in range(n):
        into = append(into, order[bounds[v] : bounds[v + 1]])
    return into


_Row = tuple[float, str, float, bool, bool, int, bool, bool]
"""An edge's columns: fdelay, fmech, neg_ttl, stale, withdraw, wrong_mode, control, timer."""
_CODE_KIND: Final = {HARD_EDGE: HARD, SOFT_EDGE: SOFT, MEMBER_EDGE: MEMBER, ASYNC_EDGE: ASYNC}
_FROM_CODE: Final = tuple(_CODE_KIND[code] for code in range(len(_CODE_KIND)))
"""The engine's kind of each edge code of :attr:`Graph.edge_arrays`."""
_DEPENDS_ON = attrgetter("depends_on")
_FILTER_FIELDS: Final = (
    "detection_delay",
    "cache_ttl",
    "lease_timeout",
    "negative_cache_ttl",
    "serve_stale",
    "withdraw",
    "on_wrong_data",
    "plane",
    "buffer",
    "attrition",
)
_PARAMS = itemgetter(*_FILTER_FIELDS)
"""What :func:`_row` reads of a dependency (its buffer and attrition are frozen models)."""
_PARAMS_TYPE = itemgetter(*_FILTER_FIELDS, "type")
"""... and its type, last (a dependency read without the graph's edge arrays)."""
_TARGET = itemgetter("target")


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
