"""The engine's compiled graph (:meth:`blast.sim.edges.Compiled.of`) against the one it
replaced, kept here as the reference: every array equal, on seeded random graphs with
simulation parameters and on the shipped graphs, both when ``Compiled.of`` reads the
edges itself (a graph built from models, its ``edge_arrays`` not built) and when it takes
them from :attr:`Graph.edge_arrays` (built, or read from the cache)."""

from __future__ import annotations

import random
from dataclasses import fields
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from librt.vecs import append, vec
from mypy_extensions import i64

from blast.loading.loader import load_graph
from blast.model.graph import Graph
from blast.model.spec import Dependency, RedundancyMode
from blast.model.synthetic import service_graph, with_sim_parameters
from blast.sim.edges import _DEPENDS_ON, _FROM_CODE, Compiled, _into, _row
from blast.sim.params import engine_graph

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "graphs").glob("*.yaml"))


def reference_of(graph: Graph) -> Compiled:
    """``Compiled.of`` as it was before it read the edges itself (always from
    ``graph.edge_arrays``), unchanged: the reference."""
    nodes = (*graph.components, *graph.groups)
    n, nc = len(nodes), len(graph.components)
    arrays = graph.edge_arrays
    start, target, codes = arrays.start, arrays.target, arrays.kind
    m = len(target)
    groups = list(graph.groups.values())
    components = tuple(graph.components.values())
    deps: list[Dependency | None] = list(chain.from_iterable(map(_DEPENDS_ON, components)))
    deps.extend([None] * (m - len(deps)))
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
    into: list[list[int]] = [[] for _ in range(n)]
    for e in range(m):
        into[target[e]].append(e)
    memo: dict[int, int] = {}
    fdelay, neg_ttl = vec[float](capacity=m), vec[float](capacity=m)
    fmech: list[str] = []
    stale, withdraw = vec[bool](capacity=m), vec[bool](capacity=m)
    wrong_mode, control, timer = vec[i64](capacity=m), vec[bool](capacity=m), vec[bool](capacity=m)
    for dep in deps:
        key = id(dep)
        k = memo.get(key, -1)
        if k < 0:
            memo[key] = len(fdelay)
            r = _row(dep)
            fdelay, neg_ttl = append(fdelay, r[0]), append(neg_ttl, r[2])
            fmech.append(r[1])
            stale, withdraw = append(stale, r[3]), append(withdraw, r[4])
            wrong_mode, control = append(wrong_mode, r[5]), append(control, r[6])
            timer = append(timer, r[7])
        else:
            fdelay, neg_ttl = append(fdelay, fdelay[k]), append(neg_ttl, neg_ttl[k])
            fmech.append(fmech[k])
            stale, withdraw = append(stale, stale[k]), append(withdraw, withdraw[k])
            wrong_mode, control = append(wrong_mode, wrong_mode[k]), append(control, control[k])
            timer = append(timer, timer[k])
    return Compiled(
        nodes=nodes,
        n_components=nc,
        components=components,
        out=vec[vec[i64]](out),
        into=vec[vec[i64]]([vec[i64](x) for x in into]),
        src=vec[i64](src),
        dst=vec[i64](target),
        kind=vec[i64]([_FROM_CODE[k] for k in codes]),
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
        passive=vec[bool]([False] * nc + [g.mode is RedundancyMode.ACTIVE_PASSIVE for g in groups]),
        failover_time=vec[float]([0.0] * nc + [g.failover_time or 0.0 for g in groups]),
        opos=vec[i64](opos),
        timer=timer,
        span=vec[i64](span),
    )


def _plain(value: Any) -> Any:
    """A field's value with every vec made a list (vecs do not compare by value)."""
    if isinstance(value, (str, tuple)) or not hasattr(value, "__len__"):
        return value
    if isinstance(value, list):
        return [_plain(x) for x in value]
    return [_plain(x) for x in list(value)]


def _same(got: Compiled, want: Compiled) -> None:
    for f in fields(Compiled):
        if f.name in ("dep", "components"):  # the very objects, in order
            a, b = getattr(got, f.name), getattr(want, f.name)
            assert len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True)), f.name
        else:
            assert _plain(getattr(got, f.name)) == _plain(getattr(want, f.name)), f.name


def _fresh(graph: Graph) -> Graph:
    """The same models in a new graph, nothing cached on it (as a run's first graph)."""
    return Graph(graph.components, graph.groups, name=graph.name)


def _check(graph: Graph) -> None:
    read_here = _fresh(graph)
    got = Compiled.of(read_here)
    assert "edge_arrays" not in read_here.__dict__  # it read the edges itself
    _same(got, reference_of(graph))
    built = _fresh(graph)
    built.edge_arrays  # noqa: B018 (the arrays built, as the analyses do)
    _same(Compiled.of(built), reference_of(graph))


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_with_parameters(seed: int) -> None:
    n = 20 + 37 * seed
    graph = service_graph(n, seed=seed, redundancy_share=0.1, async_share=0.1 + seed / 40)
    _check(with_sim_parameters(graph, seed=seed))


def _varied(graph: Graph, seed: int) -> Graph:
    """``graph`` with every filter parameter drawn at random per dependency from a few
    values (whole and fractional seconds, leases, stale serving, wrong-data modes,
    planes, types, buffers, attrition): many distinct dependencies, few distinct sets."""
    rng = random.Random(seed)
    options: dict[str, tuple[Any, ...]] = {
        "type": ("hard", "soft", "async"),
        "detection_delay": (None, 0, 30, 30.0, 60.5),
        "cache_ttl": (None, 0.0, 60, 120.0),
        "lease_timeout": (None, 60, 120.0),
        "negative_cache_ttl": (None, 300.0),
        "serve_stale": (False, True),
        "withdraw": (False, True),
        "on_wrong_data": ("fail", "degrade", "propagate", "ignore"),
        "plane": ("data", "control"),
        "buffer": (None, None, {"size": 10, "fill_rate": 1, "drain_rate": 2}),
        "attrition": (None, None, {"loss_rate": 0.5, "headroom": 0.1}),
    }
    components = []
    for c in graph.components.values():
        deps = []
        for d in c.depends_on:
            data = {"target": d.target, **{k: rng.choice(v) for k, v in options.items()}}
            deps.append(Dependency.model_validate(data))
        components.append(c.model_copy(update={"depends_on": tuple(deps)}))
    return Graph.from_parts(components, list(graph.groups.values()), name=graph.name)


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_with_every_filter(seed: int) -> None:
    graph = _varied(service_graph(30 + 50 * seed, seed=seed, redundancy_share=0.2), seed)
    _check(graph)
    got = Compiled.of(_fresh(graph))
    assert any(got.timer) and not all(got.timer)
    assert {"lease", "cache", "detection", ""} <= set(got.fmech)


def test_parameters_that_cannot_be_hashed() -> None:
    """Dependencies are numbered by their parameters; one that cannot be hashed (a buffer
    left a plain dictionary by ``model_construct``) is read on its own."""
    graph = _varied(service_graph(60, seed=3), 3)
    raw = {"size": 5, "fill_rate": 1, "drain_rate": 1}
    components = []
    for c in graph.components.values():
        deps = tuple(Dependency.model_construct(**{**dict(d), "buffer": raw}) for d in c.depends_on)
        components.append(c.model_copy(update={"depends_on": deps}))
    odd = Graph.from_parts(components, list(graph.groups.values()), name=graph.name)
    _check(odd)
    dependencies = sum(len(c.depends_on) for c in components)
    timer = list(Compiled.of(_fresh(odd)).timer)
    assert dependencies > 0 and all(timer[:dependencies]) and not any(timer[dependencies:])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_graphs(path: Path) -> None:
    _check(load_graph(path))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_graph_with_compact_parameters(path: Path) -> None:
    """A loaded graph gives the engine its compact form (:func:`engine_graph`): the edges
    then come from the stored arrays (its dependencies carry no target)."""
    graph = load_graph(path)
    engine = engine_graph(graph)
    assert engine is not graph and engine.compact is not None
    _same(Compiled.of(engine), reference_of(engine))


@pytest.mark.parametrize("seed", range(8))
def test_incoming_edges_by_brute_force(seed: int) -> None:
    """The counting sort of the incoming edges: each node's edges in edge order."""
    rng = random.Random(seed)
    n = rng.randint(1, 300)
    target = [rng.randrange(n) for _ in range(rng.randint(0, 2000))]
    assert _plain(_into(target, n)) == [
        [e for e, t in enumerate(target) if t == v] for v in range(n)
    ]
