"""The synthetic graph generator: determinism, realistic shape, and valid output."""

import random
import statistics
from collections import Counter

import networkx as nx
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.loading.loader import load_graph
from blast.model import DependencyType, Kind, Scope
from blast.model.synthetic import REGIONS, service_graph, to_yaml, with_sim_parameters

N = 3000


@pytest.fixture(scope="module")
def graph():
    return service_graph(N, seed=7)


def _prefix(cid: str) -> str:
    return cid.split("-")[0]


def test_same_seed_gives_the_same_graph():
    a, b = service_graph(500, seed=3), service_graph(500, seed=3)
    assert list(a.edges()) == list(b.edges())
    assert dict(a.components) == dict(b.components)
    assert dict(a.groups) == dict(b.groups)


def test_different_seeds_give_different_graphs():
    a, b = service_graph(500, seed=3), service_graph(500, seed=4)
    assert set(a.edges()) != set(b.edges())


def test_the_global_random_generator_is_left_alone():
    random.seed(1)
    state = random.getstate()
    service_graph(300, seed=2)
    assert random.getstate() == state


def test_size_and_layer_shares(graph):
    assert len(graph) == N
    counts = Counter(_prefix(cid) for cid in graph.components)
    expected = {"core": 0.01, "plat": 0.09, "svc": 0.80, "gw": 0.09, "app": 0.01}
    assert set(counts) == set(expected)
    for prefix, share in expected.items():
        assert counts[prefix] == pytest.approx(share * N, rel=0.1), prefix


def test_user_facing_components_are_the_apps(graph):
    user_facing = graph.user_facing
    assert len(user_facing) == round(0.01 * N)
    assert all(cid.startswith("app-") for cid in user_facing)
    assert {graph.components[cid].kind for cid in user_facing} == {Kind.APP}
    assert len(service_graph(1000, user_facing_share=0.05).user_facing) == 50


def test_mean_degree_is_about_the_requested_one(graph):
    mean = sum(len(c.depends_on) for c in graph.components.values()) / N
    assert mean == pytest.approx(5.0, abs=1.0)
    sparse = service_graph(2000, seed=1, deps_per_component=2.0)
    assert sum(len(c.depends_on) for c in sparse.components.values()) / 2000 == pytest.approx(
        2.0, abs=0.5
    )


def test_every_target_exists_without_duplicates_or_self_loops(graph):
    for component in graph.components.values():
        targets = [dep.target for dep in component.depends_on]
        assert all(t in graph for t in targets)
        assert component.id not in targets
        assert len(set(targets)) == len(targets)
    for group in graph.groups.values():
        assert all(m in graph.components for m in group.members)


def test_a_tenth_of_components_sit_in_small_cycles(graph):
    sccs = [s for s in nx.strongly_connected_components(graph.digraph) if len(s) > 1]
    in_cycles = sum(1 for scc in sccs for node in scc if node in graph.components)
    assert 0.05 <= in_cycles / N <= 0.20
    assert max(len(scc) for scc in sccs) <= 6
    assert not any(node in graph.groups for scc in sccs for node in scc)


def test_no_cycles_when_none_are_asked_for():
    acyclic = service_graph(1000, seed=2, cycle_share=0.0)
    assert nx.is_directed_acyclic_graph(acyclic.digraph)


def test_fan_in_is_heavy_tailed(graph):
    in_degrees = [d for _, d in graph.digraph.in_degree()]
    median = statistics.median(in_degrees)
    assert median >= 1
    assert max(in_degrees) > 20 * median


def test_team_services_live_in_domains_and_mostly_call_inside_them(graph):
    sizes = Counter(cid.split("-")[1] for cid in graph.components if cid.startswith("svc-"))
    assert all(50 <= size < 350 for size in sizes.values())
    calls = [
        (source.split("-")[1], target.split("-")[1])
        for source, target, _ in graph.edges()
        if source.startswith("svc-") and target.startswith("svc-")
    ]
    inside = sum(1 for a, b in calls if a == b) / len(calls)
    assert 0.8 < inside < 1.0


def test_dependencies_point_down_the_layers(graph):
    allowed = {
        "core": {"core", "grp"},
        "plat": {"plat", "core", "grp"},
        "svc": {"svc", "plat", "core", "grp"},
        "gw": {"svc", "plat", "gw", "grp"},
        "app": {"gw", "svc", "app"},
    }
    for source, target, _ in graph.edges():
        if source in graph.components:
            assert _prefix(target) in allowed[_prefix(source)], (source, target)


def test_dependency_type_shares(graph):
    types = Counter(dep.type for c in graph.components.values() for dep in c.depends_on)
    total = sum(types.values())
    assert types[DependencyType.SOFT] / total == pytest.approx(0.20, abs=0.03)
    assert types[DependencyType.ASYNC] / total == pytest.approx(0.05, abs=0.02)
    assert types.most_common(1)[0][0] is DependencyType.HARD


def test_redundancy_groups_are_cross_region_replicas(graph):
    assert len(graph.groups) == round(0.02 * N)
    for group in graph.groups.values():
        members = [graph.components[m] for m in group.members]
        assert 2 <= len(members) <= 3
        assert len({m.kind for m in members}) == 1
        assert len({m.region for m in members}) == len(members)
        assert all(_prefix(m.id) in ("core", "plat") for m in members)
    used = {t for _, t, kind in graph.edges() if kind != "member" and t in graph.groups}
    assert len(used) > len(graph.groups) / 2


def test_regions_providers_and_scopes(graph):
    components = list(graph.components.values())
    regions = Counter(c.region for c in components)
    assert set(regions) <= set(REGIONS)
    assert regions.most_common(1)[0][0] == "us-east-1"
    for c in components:
        assert c.provider == ("aws" if _prefix(c.id) in ("core", "plat") else "acme")
        if c.scope is Scope.GLOBAL:
            assert c.region == "us-east-1"
    assert {graph.components["core-0000"].kind, graph.components["core-0001"].kind} == {
        Kind.DNS,
        Kind.IDENTITY,
    }
    assert 0 < sum(c.scope is Scope.GLOBAL for c in components) < N / 10


def test_yaml_round_trip(tmp_path):
    original = service_graph(300, seed=5)
    text = to_yaml(original)
    assert yaml.safe_load(text)["version"] == 1
    path = tmp_path / "synthetic.yaml"
    path.write_text(text)
    loaded = load_graph(path)
    assert loaded.name == original.name
    assert dict(loaded.components) == dict(original.components)
    assert dict(loaded.groups) == dict(original.groups)


def test_sim_parameters_share_equal_dependencies_and_round_trip(tmp_path):
    """Equal parameterised dependencies are one object (memory at 100,000), read back equal."""
    graph = with_sim_parameters(service_graph(2000, seed=5))
    deps = [d for c in graph.components.values() for d in c.depends_on]
    assert len({id(d) for d in deps}) < 0.8 * len(deps)
    assert all(d.detection_delay in (30.0, 60.0, 120.0) and d.timeout == 30.0 for d in deps)
    assert {d.model_fields_set == set(type(d).model_fields) for d in deps} == {True}
    path = tmp_path / "sim.yaml"
    path.write_text(to_yaml(graph))
    loaded = load_graph(path)
    assert dict(loaded.components) == dict(graph.components)
    assert dict(loaded.groups) == dict(graph.groups)
    assert with_sim_parameters(service_graph(2000, seed=5)).components == graph.components


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        service_graph(0)
    with pytest.raises(ValueError):
        service_graph(100, cycle_share=1.5)
    with pytest.raises(ValueError):
        service_graph(100, soft_share=0.8, async_share=0.3)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 400),
    seed=st.integers(0, 2**32),
    deps=st.floats(0, 8),
    cycles=st.floats(0, 0.3),
    redundancy=st.floats(0, 0.1),
)
def test_any_arguments_give_a_consistent_graph(n, seed, deps, cycles, redundancy):
    graph = service_graph(
        n, seed=seed, deps_per_component=deps, cycle_share=cycles, redundancy_share=redundancy
    )
    assert len(graph) == n
    for component in graph.components.values():
        targets = [dep.target for dep in component.depends_on]
        assert all(t in graph and t != component.id for t in targets)
        assert len(set(targets)) == len(targets)
    sccs = nx.strongly_connected_components(graph.digraph)
    assert all(len(scc) <= 6 for scc in sccs)
