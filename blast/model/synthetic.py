"""Synthetic service dependency graphs, for benchmarks and property tests.

:func:`service_graph` builds a deterministic graph shaped like a company's real
services: layers from core infrastructure up to user-facing apps, team services
split into domains, heavy-tailed fan-in, small mutual-dependency cycles and
cross-region replicas behind redundancy groups. :func:`with_sim_parameters` adds
the time engine's parameters (detection delays, caches, warm-ups, queues) for the
simulation benchmark and tests. :func:`to_yaml` writes any graph as a valid graph file.
"""

from __future__ import annotations

import gc
import itertools
import random

import yaml

from blast.model.graph import Graph
from blast.model.spec import Component, Dependency, Queue, RedundancyGroup, Timing

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
_REGION_CUM = (0.7, 0.85, 1.0)  # most components run in us-east-1
_KINDS = {  # weighted by repetition
    "core": ["database"] * 4 + ["queue"] * 2 + ["dns", "identity", "storage"],
    "plat": ["compute", "container", "cache", "database", "stream", "queue", "monitoring",
             "load-balancer", "workflow", "serverless"],
    "svc": ["api"] * 8 + ["workflow", "analytics"],
    "gw": ["api"],
    "app": ["app"],
}  # fmt: skip
_GLOBAL_SHARE = 0.05  # core/platform services that are global, anchored in us-east-1
_GROUP_TARGET_SHARE = 0.5  # dependencies on a replicated component that name its group


class _Builder:
    """One generation's state; components are numbered in creation order, layer by layer."""

    def __init__(self, n: int, seed: int, user_facing_share: float) -> None:
        self.n, self.rng = n, random.Random(seed)
        rng = self.rng
        core = min(n, max(1, round(0.01 * n)))
        app = min(n - core, round(user_facing_share * n) or int(user_facing_share > 0))
        plat = min(n - core - app, round(0.09 * n))
        gw = min(n - core - app - plat, round(0.09 * n))
        sizes, left = [], n - core - app - plat - gw
        while left:  # team domains of 50-300 services
            size = rng.randint(50, 300)
            sizes.append(left if left - size < 50 else size)
            left -= sizes[-1]
        self.layer = ["core"] * core + ["plat"] * plat
        self.domain = [-1] * (core + plat)  # for a gateway, its home domain
        self.ids = [f"core-{j:04d}" for j in range(core)] + [f"plat-{j:04d}" for j in range(plat)]
        for d, size in enumerate(sizes):
            self.layer += ["svc"] * size
            self.domain += [d] * size
            self.ids += [f"svc-d{d:02d}-{j:04d}" for j in range(size)]
        self.layer += ["gw"] * gw + ["app"] * app
        self.domain += [rng.randrange(len(sizes)) if sizes else -1 for _ in range(gw)] + [-1] * app
        self.ids += [f"gw-{j:04d}" for j in range(gw)] + [f"app-{j:04d}" for j in range(app)]
        home = [self.region() for _ in sizes]
        self.kinds, self.regions, self.scopes = [], [], []
        for lay, d in zip(self.layer, self.domain, strict=True):
            self.kinds.append(rng.choice(_KINDS[lay]))
            global_ = lay in ("core", "plat") and rng.random() < _GLOBAL_SHARE
            self.scopes.append("global" if global_ else "regional")
            region = self.region()
            if global_ or (d >= 0 and rng.random() < 0.9):
                region = REGIONS[0] if global_ else home[d]
            self.regions.append(region)
        for i, kind in enumerate(("dns", "identity")[:core]):
            self.kinds[i], self.regions[i], self.scopes[i] = kind, REGIONS[0], "global"

    def region(self) -> str:
        r = self.rng.random()
        return next(reg for reg, cum in zip(REGIONS, _REGION_CUM, strict=True) if r < cum)

    def dep_type(self, async_cut: float, soft_cut: float) -> str:
        r = self.rng.random()
        return "async" if r < async_cut else "soft" if r < soft_cut else "hard"

    def redundancy(self, count: int) -> None:
        """Groups of 2-3 regional core/platform components of one kind, in distinct regions."""
        by_kind: dict[str, list[int]] = {}
        for i, lay in enumerate(self.layer):
            if lay in ("core", "plat") and self.scopes[i] == "regional":
                by_kind.setdefault(self.kinds[i], []).append(i)
        for members in by_kind.values():
            self.rng.shuffle(members)
        self.groups: list[list[int]] = []
        while len(self.groups) < count:
            kinds = [k for k, members in by_kind.items() if len(members) >= 2]
            if not kinds:
                break
            pool = by_kind[self.rng.choices(kinds, [len(by_kind[k]) for k in kinds])[0]]
            members = sorted(pool.pop() for _ in range(min(len(pool), self.rng.choice((2, 2, 3)))))
            others = [r for r in REGIONS if r != self.regions[members[0]]]
            self.rng.shuffle(others)
            for m, region in zip(members[1:], others, strict=False):
                self.regions[m] = region  # the replicas run in other regions
            self.groups.append(members)

    def edges(self, mean: float, async_cut: float, soft_cut: float) -> None:
        """Preferential-attachment dependencies, always towards earlier components (a DAG).

        A pool holds each component once plus once per dependency on it so far, so
        a uniform draw picks with probability proportional to ``1 + in-degree``.
        Targets ``>= n`` stand for redundancy groups (``n + group index``).
        """
        n, rand = self.n, self.rng.random
        member_of, group_max = [-1] * n, [max(g) for g in self.groups]
        for g, members in enumerate(self.groups):
            for m in members:
                member_of[m] = g
        core: list[int] = []
        plat: list[int] = []
        svc: list[int] = []
        gw: list[int] = []
        dom: list[list[int]] = [[] for _ in range(max(self.domain, default=-1) + 1)]

        def plan(lay: str, d: int) -> tuple[tuple[list[int], ...], tuple[list[int], ...]]:
            """Pools drawn from, repeated by weight in 20ths, and the pools joined."""
            home = dom[d] if d >= 0 else svc  # a service's domain, or a gateway's home
            return {
                "core": ((core,) * 20, (core,)),
                "plat": ((plat,) * 10 + (core,) * 10, (plat,)),
                "svc": ((home,) * 11 + (svc,) + (plat,) * 5 + (core,) * 3, (home, svc)),
                "gw": ((home,) * 14 + (svc,) * 4 + (plat,) * 2, (gw,)),
                "app": ((gw,) * 14 + (svc,) * 6, ()),
            }[lay]

        keys = list(zip(self.layer, self.domain, strict=True))
        plans = {key: plan(*key) for key in dict.fromkeys(keys)}
        joined: list[tuple[list[int], ...]] = []
        self.deps: list[dict[int, str]] = []
        for i, key in enumerate(keys):
            mix, own = plans[key]
            want = int(self.rng.gammavariate(2.0, mean / 2) + rand()) if mean > 0 else 0
            chosen: dict[int, str] = {}
            for _ in range(4 * want + 8):  # bounded: early components have few candidates
                if len(chosen) >= want:
                    break
                pool = mix[int(rand() * 20)]
                if not pool:
                    continue
                x = pool[int(rand() * len(pool))]
                g = member_of[x]
                grouped = g >= 0 and group_max[g] < i and rand() < _GROUP_TARGET_SHARE
                target = n + g if grouped else x
                if target not in chosen:
                    r = rand()
                    chosen[target] = (
                        "async" if r < async_cut else "soft" if r < soft_cut else "hard"
                    )
                    for p in joined[x]:
                        p.append(x)
            self.deps.append(chosen)
            joined.append(own)
            for p in own:
                p.append(i)

    def cycles(self, share: float, async_cut: float, soft_cut: float) -> None:
        """Close rings over runs of 2-6 consecutive components of one layer and domain.

        Every other edge points to an earlier component, so rings over disjoint runs
        stay separate strongly connected components; runs holding a group member are
        skipped so that no redundancy group joins a cycle.
        """
        n, rng, deps = self.n, self.rng, self.deps
        keys = list(zip(self.layer, self.domain, strict=True))
        cuts = [i for i in range(1, n) if keys[i] != keys[i - 1]]
        blocks = list(zip([0, *cuts], [*cuts, n], strict=True))
        cum = list(itertools.accumulate(end - begin for begin, end in blocks))
        used = bytearray(n)
        for m in (m for members in self.groups for m in members):
            used[m] = 1
        goal, placed = round(share * n), 0
        for _ in range(20 * goal):
            if placed >= goal:
                break
            k = max(2, min(rng.randint(2, 6), goal - placed))
            begin, end = rng.choices(blocks, cum_weights=cum)[0]
            s = rng.randrange(begin, end - k + 1) if end - begin >= k else -1
            if s < 0 or any(used[s : s + k]):
                continue
            used[s : s + k] = b"\x01" * k
            for j in range(s + 1, s + k):
                deps[j].setdefault(j - 1, self.dep_type(async_cut, soft_cut))
            deps[s].setdefault(s + k - 1, self.dep_type(async_cut, soft_cut))
            placed += k

    def graph(self, name: str) -> Graph:
        """Validated components and groups; equal dependencies share one object."""
        names = self.ids + [f"grp-{g:04d}" for g in range(len(self.groups))]
        cache: dict[tuple[int, str], Dependency] = {}
        tags: dict[tuple[str, int], tuple[str, ...]] = {}
        components = []
        for i, cid in enumerate(self.ids):
            needs = []
            for key in self.deps[i].items():
                if key not in cache:
                    data = {"target": names[key[0]], "type": key[1]}
                    cache[key] = Dependency.model_validate(data)
                needs.append(cache[key])
            lay, d = self.layer[i], self.domain[i]
            if (lay, d) not in tags:
                tags[lay, d] = (f"layer:{lay}",) + ((f"domain:d{d:02d}",) if lay == "svc" else ())
            fields: dict[str, object] = {
                "id": cid,
                "kind": self.kinds[i],
                "region": self.regions[i],
                "provider": "aws" if lay in ("core", "plat") else "acme",
                "scope": self.scopes[i],
                "user_facing": lay == "app",
                "tags": tags[lay, d],
                "depends_on": tuple(needs),
            }
            components.append(Component.model_validate(fields))
        groups = []
        for g, members in enumerate(self.groups):
            db = self.kinds[members[0]] == "database"  # a primary and its standby replicas
            group: dict[str, object] = {
                "id": names[self.n + g],
                "members": tuple(names[m] for m in members),
                "mode": "active-passive" if db else "active-active",
                "failover_time": 60.0 if db else None,
            }
            groups.append(RedundancyGroup.model_validate(group))
        return Graph.from_parts(components, groups, name=name)


def service_graph(
    n: int,
    *,
    seed: int = 0,
    deps_per_component: float = 5.0,
    cycle_share: float = 0.10,
    user_facing_share: float = 0.01,
    redundancy_share: float = 0.02,
    soft_share: float = 0.2,
    async_share: float = 0.05,
) -> Graph:
    """A deterministic, realistic service dependency graph of ``n`` components.

    Layers: core infrastructure (~1%, ``core-0042``), platform (~9%, ``plat-0123``),
    team services in domains of 50-300 (~80%, ``svc-d07-0042``), gateways (~9%,
    ``gw-0003``) and user-facing apps (``app-0009``). Dependencies point down the
    layers (or to earlier components of the same layer), chosen by preferential
    attachment so that fan-in is heavy-tailed; about ``cycle_share`` of components
    sit in small dependency cycles; about ``redundancy_share * n`` groups of
    cross-region replicas (``grp-0001``) are depended on in place of a member.

    Parameters
    ----------
    n
        Number of components (groups come on top).
    seed
        Seed of the only random generator used: same arguments, same graph.
    deps_per_component
        Mean number of dependencies of a component.
    cycle_share, user_facing_share, redundancy_share
        Shares of ``n``: components in cycles, user-facing apps, redundancy groups.
    soft_share, async_share
        Shares of dependencies that are soft and async; the rest are hard.

    Examples
    --------
    >>> graph = service_graph(1000, seed=1)
    >>> len(graph), len(graph.user_facing)
    (1000, 10)
    """
    shares = (cycle_share, user_facing_share, redundancy_share, soft_share, async_share)
    if n < 1 or deps_per_component < 0 or not all(0 <= s <= 1 for s in shares):
        raise ValueError("need n >= 1, deps_per_component >= 0 and shares in [0, 1]")
    if soft_share + async_share > 1:
        raise ValueError("soft_share + async_share must be at most 1")
    cuts = (async_share, async_share + soft_share)
    was_enabled = gc.isenabled()
    gc.disable()  # nothing built here is garbage; collecting meanwhile costs ~30% of the time
    try:
        builder = _Builder(n, seed, user_facing_share)
        builder.redundancy(round(redundancy_share * n))
        builder.edges(max(0.0, deps_per_component - cycle_share), *cuts)  # rings add ~1 each
        builder.cycles(cycle_share, *cuts)
        return builder.graph(f"synthetic service graph (n={n}, seed={seed})")
    finally:
        if was_enabled:
            gc.enable()


def with_sim_parameters(graph: Graph, seed: int = 0) -> Graph:
    """``graph`` with the time engine's parameters on edges, components and groups (seeded).

    The graph of ``bench/sim_bench.py`` and of the engine's exactness tests: on every
    dependency a detection delay of 30, 60 or 120 s and a 30 s timeout; a cache
    (TTL 1-10 min) on 30% of them, a third of those with 5 min of negative caching;
    a warm-up of 1-15 min on 20% of components; a fluid queue (5-50 items/s,
    drain 1.5 times that, 60 s timeout, 3 attempts) on 5%; a 120 s failover on every
    group. One :class:`random.Random` seeded with ``seed`` draws all of them in
    component order, so the same graph and seed give the same parameters.
    """
    rng = random.Random(seed)
    components = []
    # equal dependencies share one object, as service_graph's do: at 100,000 components
    # one object per edge (half a million) took 1.5 GB of the 1.8 GB of the graph
    shared: dict[tuple[int, float, float | None, float | None], Dependency] = {}
    every_field = set(Dependency.model_fields)
    was_enabled = gc.isenabled()
    gc.disable()  # as in service_graph: nothing built here is garbage
    try:
        for c in graph.components.values():
            deps = []
            for d in c.depends_on:
                cache = rng.random() < 0.3
                detect = float(rng.choice((30, 60, 120)))
                ttl = 60.0 * rng.randint(1, 10) if cache else None
                negative = 300.0 if cache and rng.random() < 0.33 else None
                key = (id(d), detect, ttl, negative)  # d lives as long as graph: ids stay unique
                if key not in shared:
                    shared[key] = Dependency.model_construct(  # a validated one's fields
                        every_field,  # all are given: one set for all (2 KB each otherwise)
                        **{
                            **dict(d),
                            "detection_delay": detect,
                            "cache_ttl": ttl,
                            "negative_cache_ttl": negative,
                            "timeout": 30.0,
                        },
                    )
                deps.append(shared[key])
            update: dict[str, object] = {"depends_on": tuple(deps)}
            if rng.random() < 0.2:
                update["timing"] = Timing.model_validate(
                    {"recovery_time": 60.0 * rng.randint(1, 15)}
                )
            if rng.random() < 0.05:
                rate = float(rng.randint(5, 50))
                update["queue"] = Queue.model_validate(
                    {
                        "arrival_rate": rate,
                        "drain_rate": rate * 1.5,
                        "timeout": 60.0,
                        "retry_attempts": 3,
                    }
                )
            components.append(c.model_copy(update=update))
        groups = [g.model_copy(update={"failover_time": 120.0}) for g in graph.groups.values()]
        return Graph.from_parts(components, groups, name=graph.name)
    finally:
        if was_enabled:
            gc.enable()


def to_yaml(graph: Graph) -> str:
    """The graph as a graph file that :func:`blast.loading.loader.load_graph` reads back.

    Defaults are left out and plain hard dependencies are written as bare ids, so
    that the file stays short enough for people to read.
    """
    doc: dict[str, object] = {"version": 1}
    if graph.name:
        doc["name"] = graph.name
    if graph.references:
        doc["references"] = dict(graph.references)
    components = []
    for component in graph.components.values():
        data = component.model_dump(mode="json", exclude_defaults=True)
        if "depends_on" in data:
            deps = data["depends_on"]
            data["depends_on"] = [d["target"] if d.keys() == {"target"} else d for d in deps]
        components.append(data)
    doc["components"] = components
    dump = [g.model_dump(mode="json", exclude_defaults=True) for g in graph.groups.values()]
    if dump:
        doc["redundancy_groups"] = dump
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
