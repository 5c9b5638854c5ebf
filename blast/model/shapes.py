"""Two more generated graph shapes for benchmarks: call-graph traces and heavy hubs.

:func:`~blast.model.synthetic.service_graph` is a layered company graph with
redundancy groups. The analyses must stay fast on other shapes too, so the
benchmarks also use:

* :func:`trace_graph`, shaped like published microservice call-graph traces
  (Luo et al., "Characterizing Microservice Dependency and Performance: Alibaba
  Trace Analysis", SoCC 2021; Huye et al., "Lifting the veil on Meta's
  microservice architecture", USENIX ATC 2023): team domains of lognormal size
  around 150 services whose calls stay mostly inside the domain, a small shared
  infrastructure tier with heavy fan-in, gateways that aggregate several domains,
  about 1% user-facing apps, a few cross-domain back-edges that close large
  cycles, and no redundancy groups;
* :func:`hub_graph`, a service graph in which a few core services are depended
  on by a large share of everything (the busiest by about half the graph).

Both are deterministic functions of their arguments (one ``random.Random(seed)``).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random

from blast.gcpause import gc_paused
from blast.model.graph import Graph
from blast.model.spec import Component, Dependency
from blast.model.synthetic import service_graph

SHAPES = ("service", "trace", "hubs")
"""Names of the generated shapes (see :func:`generate`)."""

_INFRA_KINDS = ("database", "database", "cache", "cache", "queue", "storage", "stream")
_SVC_KINDS = ("api",) * 8 + ("workflow", "analytics")
_TYPE_CUTS = (0.05, 0.25)  # async below the first cut, soft below the second, else hard
_LOCAL, _INFRA = 0.84, 0.96  # a service call: own domain, shared infrastructure, other domain


def _dep_type(rng: random.Random) -> str:
    r = rng.random()
    return "async" if r < _TYPE_CUTS[0] else "soft" if r < _TYPE_CUTS[1] else "hard"


def _domain_sizes(rng: random.Random, total: int, median: float) -> list[int]:
    """Lognormal sizes (sigma 0.6) around ``median``, at least 10, summing to ``total``."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = max(10, round(rng.lognormvariate(math.log(median), 0.6)))
        if left - size < 10:
            size = left
        sizes.append(size)
        left -= size
    return sizes


def trace_graph(
    n: int, *, seed: int = 0, deps_per_component: float = 5.0, domain_median: float = 150.0
) -> Graph:
    """A deterministic graph of ``n`` components shaped like microservice call-graph traces.

    Ids: ``infra-0042`` (2%, databases, caches, queues; ``infra-0000`` is DNS),
    ``svc-d012-0042`` (services of domain 12), ``gw-0003`` (2%, each calling the
    top services of 2-6 domains) and ``app-0009`` (1%, user-facing, calling 1-3
    gateways). A service calls about ``deps_per_component`` others: 84% earlier
    services of its own domain (preferential attachment: probability growing with
    fan-in so far), 12% infrastructure (Zipf: the ``k``-th infrastructure
    component with probability proportional to ``1/k``, so a few are very hot),
    4% services of earlier domains (preferential attachment). Then about
    ``n / 2000`` back-edges go from deep inside a domain up to a service of a
    later domain that calls into it, closing cycles across domains. 75% of
    dependencies are hard, 20% soft, 5% async.

    Examples
    --------
    >>> g = trace_graph(2000, seed=1)
    >>> len(g), len(g.user_facing), len(g.groups)
    (2000, 20, 0)
    """
    if n < 10 or deps_per_component < 0:
        raise ValueError("need n >= 10 and deps_per_component >= 0")
    rng = random.Random(seed)
    n_app, n_gw, n_infra = max(1, round(0.01 * n)), max(1, round(0.02 * n)), max(1, round(0.02 * n))
    sizes = _domain_sizes(rng, n - n_app - n_gw - n_infra, domain_median)
    ids = [f"infra-{j:04d}" for j in range(n_infra)]
    kinds = ["dns"] + [rng.choice(_INFRA_KINDS) for _ in range(n_infra - 1)]
    domain_of = [-1] * n_infra
    members: list[list[int]] = []
    for d, size in enumerate(sizes):
        members.append(list(range(len(ids), len(ids) + size)))
        ids += [f"svc-d{d:03d}-{j:04d}" for j in range(size)]
        kinds += [rng.choice(_SVC_KINDS) for _ in range(size)]
        domain_of += [d] * size
    first_gw = len(ids)
    ids += [f"gw-{j:04d}" for j in range(n_gw)] + [f"app-{j:04d}" for j in range(n_app)]
    kinds += ["api"] * n_gw + ["app"] * n_app
    domain_of += [-1] * (n_gw + n_app)
    deps: list[dict[int, str]] = [{} for _ in range(n)]

    def want() -> int:
        return int(rng.gammavariate(2.0, deps_per_component / 2) + rng.random())

    zipf = list(itertools.accumulate(1 / (k + 1) for k in range(n_infra)))  # hot infrastructure

    def infra(below: int) -> int:
        return bisect.bisect(zipf, rng.random() * zipf[below - 1], hi=below - 1)

    for i in range(1, n_infra):
        for _ in range(rng.randint(0, 2)):
            deps[i].setdefault(infra(i), _dep_type(rng))
    earlier: list[int] = []  # services of finished domains: each once, plus once per caller
    for own in members:
        local: list[int] = []  # preferential attachment inside the domain
        for i in own:
            for _ in range(want()):
                r = rng.random()
                if r < _LOCAL or r >= _INFRA:
                    pool = local if r < _LOCAL else earlier
                    if not pool:
                        continue
                    t = pool[int(rng.random() * len(pool))]
                    if t in deps[i]:
                        continue
                    pool.append(t)
                else:
                    t = infra(n_infra)
                deps[i].setdefault(t, _dep_type(rng))
            local.append(i)
        earlier.extend(local)
    for g in range(first_gw, first_gw + n_gw):
        for d in rng.sample(range(len(sizes)), min(len(sizes), rng.randint(2, 6))):
            top = members[d][-max(2, len(members[d]) // 5) :]  # the domain's entry services
            for t in rng.sample(top, min(len(top), rng.randint(2, 4))):
                deps[g][t] = _dep_type(rng)
    for a in range(first_gw + n_gw, n):
        for t in rng.sample(range(first_gw, first_gw + n_gw), min(n_gw, rng.randint(1, 3))):
            deps[a][t] = "hard"
    _back_edges(rng, deps, domain_of, max(1, n // 2000))
    return _assemble(ids, kinds, deps, f"trace-shaped graph (n={n}, seed={seed})", first_gw + n_gw)


def _back_edges(
    rng: random.Random, deps: list[dict[int, str]], domain_of: list[int], count: int
) -> None:
    """Add ``count`` edges from deep inside a domain back up to a later domain's caller.

    Picks an existing call ``u -> v`` from a later domain into an earlier one,
    walks a few hard calls down from ``v`` inside ``v``'s domain to ``w`` and adds
    ``w -> u``: the cycle ``u -> v -> ... -> w -> u`` spans both domains.
    """
    calls = [
        (u, v)
        for u, row in enumerate(deps)
        if domain_of[u] >= 0
        for v in row
        if 0 <= domain_of[v] < domain_of[u]
    ]
    for _ in range(min(count, len(calls))):
        u, v = calls[int(rng.random() * len(calls))]
        w = v
        for _ in range(rng.randint(0, 4)):
            down = [
                t for t, kind in deps[w].items() if kind == "hard" and domain_of[t] == domain_of[v]
            ]
            if not down:
                break
            w = down[int(rng.random() * len(down))]
        if u not in deps[w]:
            deps[w][u] = "hard" if rng.random() < 0.75 else "soft"


def _assemble(
    ids: list[str], kinds: list[str], deps: list[dict[int, str]], name: str, first_app: int
) -> Graph:
    """Validated components (equal dependencies share one object)."""
    cache: dict[tuple[int, str], Dependency] = {}
    components = []
    with gc_paused():
        for i, cid in enumerate(ids):
            needs = []
            for key in deps[i].items():
                if key not in cache:
                    cache[key] = Dependency.model_validate({"target": ids[key[0]], "type": key[1]})
                needs.append(cache[key])
            app = i >= first_app
            fields: dict[str, object] = {
                "id": cid,
                "kind": kinds[i],
                "region": "us-east-1" if i % 10 < 7 else "us-west-2" if i % 10 < 9 else "eu-west-1",
                "provider": "aws" if cid.startswith("infra-") else "acme",
                "user_facing": app,
                "depends_on": tuple(needs),
            }
            components.append(Component.model_validate(fields))
    return Graph.from_parts(components, name=name)


def hub_graph(n: int, *, seed: int = 0, hubs: int = 20, top_share: float = 0.5) -> Graph:
    """A service graph in which ``hubs`` core services carry very heavy fan-in.

    Starts from :func:`~blast.model.synthetic.service_graph` (layers, cycles,
    redundancy groups) and makes every component after the core layer depend
    hard on the ``k``-th core service with probability ``top_share / k``
    (Zipf): the first is needed by about half of the graph, the twentieth by
    about 2.5%.

    Examples
    --------
    >>> g = hub_graph(2000, seed=1)
    >>> sum(1 for c in g.components.values() for d in c.depends_on if d.target == "core-0000") > 500
    True
    """
    if n < 1 or hubs < 0 or not 0 <= top_share <= 1:
        raise ValueError("need n >= 1, hubs >= 0 and top_share in [0, 1]")
    base = service_graph(n, seed=seed)
    rng = random.Random(seed ^ 0x5EED)
    core = [cid for cid in base.components if cid.startswith("core-")][:hubs]
    hard = {cid: Dependency.model_validate({"target": cid}) for cid in core}
    components = []
    with gc_paused():
        for component in base.components.values():
            if component.id.startswith("core-"):
                components.append(component)
                continue
            have = {d.target for d in component.depends_on}
            extra = [
                hard[cid]
                for k, cid in enumerate(core, start=1)
                if cid not in have and rng.random() < top_share / k
            ]
            if extra:
                component = component.model_copy(
                    update={"depends_on": (*component.depends_on, *extra)}
                )
            components.append(component)
    return Graph.from_parts(
        components, tuple(base.groups.values()), name=f"hub-heavy graph (n={n}, seed={seed})"
    )


def generate(shape: str, n: int, *, seed: int = 0) -> Graph:
    """The graph of one of :data:`SHAPES`, with ``n`` components."""
    if shape == "service":
        return service_graph(n, seed=seed)
    if shape == "trace":
        return trace_graph(n, seed=seed)
    if shape == "hubs":
        return hub_graph(n, seed=seed)
    raise ValueError(f"unknown shape '{shape}' (one of {', '.join(SHAPES)})")
