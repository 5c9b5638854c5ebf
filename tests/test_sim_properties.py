"""Properties any correct engine has, on random graphs (hypothesis, derandomized).

Random graphs come from ``tests/strategies.py`` (cycles, nested k-of-n groups, all
edge types); random timing parameters are added on top: detection delays, cache
TTLs, negative caching, leases, warm-up times and failover times.
"""

from __future__ import annotations

import os
import random

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis.propagation import propagate
from blast.model import Dependency, Timing
from blast.model.graph import Graph
from blast.sim import Journal, scenario_from_dict, simulate
from tests.simkit import T0, at, comp, fault, run
from tests.strategies import random_graph

MINUTES = [0, 0, 1, 2, 5, 10]


def timed(graph: Graph, seed: int, *, instant_cycles: bool = False) -> Graph:
    """``graph`` with random simulation parameters on its edges, components and groups.

    With ``instant_cycles`` nothing inside a cycle waits: edges within a strongly
    connected component have no detection delay, cache, negative cache or lease, and
    components and groups on a cycle no warm-up or failover time (delays between the
    cycles and everywhere else stay). A delay inside a cycle lets a failure echo
    round it after its trigger is gone, which breaks the monotonicity properties for
    real (counterexample in docs/simulation.md, Limits).
    """
    rng = random.Random(seed)
    scc: dict[str, int] = {}
    cyclic: set[int] = set()
    for k, members in enumerate(nx.strongly_connected_components(graph.digraph)):
        scc.update(dict.fromkeys(members, k))
        if len(members) > 1:
            cyclic.add(k)

    def minutes() -> float:
        return 60.0 * rng.choice(MINUTES)

    def wait(node: str, drawn: float) -> float:
        return 0.0 if instant_cycles and scc[node] in cyclic else drawn

    components = []
    for c in graph.components.values():
        deps = []
        for d in c.depends_on:
            delays = [minutes(), minutes(), minutes()]
            lease = minutes() if rng.random() < 0.2 else None
            if instant_cycles and scc[c.id] == scc[d.target]:
                delays, lease = [0.0, 0.0, 0.0], (None if lease is None else 0.0)
            deps.append(
                Dependency(
                    target=d.target,
                    type=d.type,
                    detection_delay=delays[0],
                    cache_ttl=delays[1],
                    negative_cache_ttl=delays[2],
                    lease_timeout=lease,
                )
            )
        timing = Timing(recovery_time=wait(c.id, minutes()))
        components.append(c.model_copy(update={"depends_on": tuple(deps), "timing": timing}))
    groups = [
        g.model_copy(update={"failover_time": wait(g.id, minutes())}) for g in graph.groups.values()
    ]
    return Graph.from_parts(components, groups)


def scenario(target: str, minutes: float, horizon: str = "12h", repair: float | None = None):
    data = {"start": T0, "horizon": horizon, "faults": [fault("f", target, 0, None)]}
    if repair is None:
        data["faults"][0]["for"] = f"{minutes}m"
    else:
        data["faults"][0]["until"] = "fix"
        data["actions"] = [{"id": "fix", "do": "repair", "target": target, "at": at(repair)}]
    return scenario_from_dict(data)


def impact(journal: Journal) -> dict[str, float]:
    """Seconds each node spent not up, and the time it last recovered."""
    out: dict[str, float] = {}
    for w in journal.windows():
        end = journal.horizon if w.end is None else w.end
        out[w.component] = out.get(w.component, 0.0) + end - w.start
    return out


def last_recovery(journal: Journal) -> dict[str, float]:
    out: dict[str, float] = {}
    for w in journal.windows():
        out[w.component] = max(
            out.get(w.component, 0.0), journal.horizon if w.end is None else w.end
        )
    return out


cases = st.tuples(
    st.integers(0, 2**32 - 1),  # graph seed
    st.integers(1, 12),  # components
    st.integers(0, 4),  # groups
    st.floats(0.05, 0.35),  # density
    st.integers(0, 2**32 - 1),  # timing seed
)


def build(case, *, instant_cycles: bool = False) -> Graph:
    seed, n, n_groups, density, timing_seed = case
    graph = random_graph(seed, n, n_groups, density)
    return timed(graph, timing_seed, instant_cycles=instant_cycles)


@settings(max_examples=25)
@given(cases, st.integers(0, 100), st.integers(1, 120), st.integers(1, 120))
def test_a_longer_fault_never_gives_a_shorter_impact(case, pick, a, b):
    graph = build(case, instant_cycles=True)  # delays in cycles echo: docs/simulation.md
    target = list(graph.components)[pick % len(graph.components)]
    short, long_ = sorted((a, b))
    small = impact(simulate(graph, scenario(target, short)))
    large = impact(simulate(graph, scenario(target, long_)))
    for node, seconds in small.items():
        assert large.get(node, 0.0) >= seconds - 1e-6, node


@settings(max_examples=25)
@given(cases, st.integers(0, 100), st.integers(1, 120), st.integers(1, 120))
def test_an_earlier_repair_never_moves_a_recovery_later(case, pick, a, b):
    graph = build(case, instant_cycles=True)  # delays in cycles echo: docs/simulation.md
    target = list(graph.components)[pick % len(graph.components)]
    early, late = sorted((a, b))
    first = last_recovery(simulate(graph, scenario(target, 0, repair=early)))
    second = last_recovery(simulate(graph, scenario(target, 0, repair=late)))
    for node, t in first.items():
        assert second.get(node, 0.0) >= t - 1e-6, node


def _async_as_soft(graph):
    """The static analysis has a `delayed` state for async work that the engine (which
    models async edges through buffers) does not have yet; compare on soft edges."""
    from blast.model import DependencyType

    def soften(c):
        deps = tuple(
            d.model_copy(update={"type": DependencyType.SOFT})
            if d.type is DependencyType.ASYNC
            else d
            for d in c.depends_on
        )
        return c.model_copy(update={"depends_on": deps})

    return Graph.from_parts(
        [soften(c) for c in graph.components.values()], list(graph.groups.values())
    )


ZERO_TIMING_EXAMPLES = int(os.environ.get("BLAST_PROPERTY_EXAMPLES", "40"))
"""More examples for a local run (``BLAST_PROPERTY_EXAMPLES=2000``); 40 in the suite."""


@settings(max_examples=ZERO_TIMING_EXAMPLES)
@given(cases, st.integers(0, 100))
def test_with_zero_timing_the_states_during_a_fault_are_the_static_ones(case, pick):
    seed, n, n_groups, density, _ = case
    graph = _async_as_soft(random_graph(seed, n, n_groups, density))
    target = list(graph.components)[pick % len(graph.components)]
    journal = simulate(graph, scenario(target, 30))
    static = propagate(graph, [target])
    for node in (*graph.components, *graph.groups):
        assert journal.state_at(node, 60.0) == static.state(node).value, node
    assert journal.events[-1].t == 30 * 60  # and everything is back when the fault ends
    assert all(journal.state_at(node, 1800.0) == "up" for node in graph.components)


@settings(max_examples=25)
@given(cases, st.integers(0, 100), st.integers(0, 1000), st.integers(1, 90))
def test_removing_a_dependency_never_lengthens_an_impact(case, pick, edge, minutes):
    """Cycles wait for nothing inside: with a delay in a cycle a failure can echo round
    it, and removing an edge can shift an echo by one delay (docs/simulation.md, Limits)."""
    graph = build(case, instant_cycles=True)
    target = list(graph.components)[pick % len(graph.components)]
    edges = [(c.id, j) for c in graph.components.values() for j in range(len(c.depends_on))]
    if not edges:
        return
    owner, j = edges[edge % len(edges)]
    components = [
        c.model_copy(update={"depends_on": c.depends_on[:j] + c.depends_on[j + 1 :]})
        if c.id == owner
        else c
        for c in graph.components.values()
    ]
    pruned = Graph.from_parts(components, list(graph.groups.values()))
    before = impact(simulate(graph, scenario(target, minutes)))
    after = impact(simulate(pruned, scenario(target, minutes)))
    for node, seconds in after.items():
        assert seconds <= before.get(node, 0.0) + 1e-6, node


@settings(max_examples=15)
@given(cases, st.integers(0, 100), st.integers(1, 120))
def test_same_input_and_seed_give_the_same_bytes(case, pick, minutes):
    graph = build(case)
    target = list(graph.components)[pick % len(graph.components)]
    first = simulate(graph, scenario(target, minutes), seed=7).to_json()
    assert simulate(graph, scenario(target, minutes), seed=7).to_json() == first


def test_two_resolutions_agree_within_the_step():
    comps = [
        comp("dns"),
        comp("db", {"target": "dns", "cache_ttl": "95s", "negative_cache_ttl": "130s"}),
        comp("api", {"target": "db", "detection_delay": "47s"}, timing={"recovery_time": "61s"}),
        comp("app", "api"),
    ]
    exact = run(comps, [fault("f", "dns", 0.5, 37.3)])
    graph = Graph.from_parts(comps)
    s = scenario_from_dict({"start": T0, "horizon": "6h", "faults": [fault("f", "dns", 0.5, 37.3)]})
    for step in (1.0, 60.0):
        coarse = simulate(graph, s, resolution=step)
        pairs = list(zip(exact.windows(), coarse.windows(), strict=True))
        for a, b in pairs:
            assert (a.component, a.severity) == (b.component, b.severity)
            depth = len(exact.explain(a.component, a.start))
            assert 0 <= b.start - a.start < step * depth
            assert a.end is not None and b.end is not None
            assert 0 <= b.end - a.end < step * depth
