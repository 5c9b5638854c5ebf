"""The trace-shaped and hub-heavy generators: determinism, shape, valid YAML, CLI."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.loading.loader import load_graph
from blast.model.shapes import SHAPES, generate, hub_graph, trace_graph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trace():
    return trace_graph(6000, seed=3)


def _domain(cid: str) -> str:
    return cid.split("-")[1] if cid.startswith("svc-") else ""


@pytest.mark.parametrize("shape", SHAPES)
def test_same_seed_same_graph_and_different_seed_different_graph(shape):
    a, b, c = (
        generate(shape, 800, seed=1),
        generate(shape, 800, seed=1),
        generate(shape, 800, seed=2),
    )
    assert list(a.edges()) == list(b.edges())
    assert dict(a.components) == dict(b.components)
    assert set(a.edges()) != set(c.edges())


def test_trace_shares_and_no_redundancy(trace):
    counts = Counter(cid.split("-")[0] for cid in trace.components)
    assert counts["app"] == 60 and counts["gw"] == 120 and counts["infra"] == 120
    assert not trace.groups
    assert set(trace.user_facing) == {c for c in trace.components if c.startswith("app-")}
    mean = sum(len(c.depends_on) for c in trace.components.values()) / len(trace)
    assert 3.5 < mean < 6.0


def test_trace_domains_are_lognormal_around_150(trace):
    sizes = list(Counter(_domain(c) for c in trace.components if c.startswith("svc-")).values())
    assert len(sizes) >= 20
    assert 90 < statistics.median(sizes) < 250
    logs = [math.log(s) for s in sizes]
    assert 0.3 < statistics.stdev(logs) < 1.0  # spread like a lognormal of sigma 0.6


def test_trace_calls_stay_mostly_in_the_domain(trace):
    calls = [
        (_domain(a), _domain(b))
        for a, b, _ in trace.edges()
        if a.startswith("svc-") and b.startswith("svc-")
    ]
    inside = sum(1 for a, b in calls if a == b) / len(calls)
    assert 0.85 < inside < 0.99


def test_trace_gateways_aggregate_domains_and_apps_call_gateways(trace):
    for cid, c in trace.components.items():
        targets = {d.target for d in c.depends_on}
        if cid.startswith("gw-"):
            assert 2 <= len({_domain(t) for t in targets}) <= 6
        if cid.startswith("app-"):
            assert targets and all(t.startswith("gw-") for t in targets)


def test_trace_back_edges_close_cycles_across_domains(trace):
    cyclic = [s for s in nx.strongly_connected_components(trace.digraph) if len(s) > 1]
    assert cyclic
    assert any(len({_domain(c) for c in scc}) > 1 for scc in cyclic)


def test_trace_infrastructure_is_hot(trace):
    fan_in = Counter(t for _, t, _ in trace.edges())
    assert fan_in.most_common(1)[0][0].startswith("infra-")
    assert fan_in.most_common(1)[0][1] > 20 * statistics.median(fan_in.values())


def test_hub_graph_has_very_heavy_hubs():
    g = hub_graph(3000, seed=4)
    fan_in = Counter(t for _, t, _ in g.edges())
    assert 0.4 * 3000 < fan_in["core-0000"] < 0.6 * 3000
    assert fan_in["core-0001"] > 0.2 * 3000
    assert g.groups


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        trace_graph(5)
    with pytest.raises(ValueError):
        hub_graph(100, top_share=2)
    with pytest.raises(ValueError):
        generate("ring", 100)


@pytest.mark.parametrize("shape", SHAPES)
def test_make_graph_writes_a_file_that_loads_back(tmp_path, shape):
    out = tmp_path / f"{shape}.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "bench.make_graph", "--shape", shape, "--n", "400", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = load_graph(out)
    expected = generate(shape, 400)
    assert dict(loaded.components) == dict(expected.components)
    assert dict(loaded.groups) == dict(expected.groups)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(n=st.integers(10, 600), seed=st.integers(0, 2**32), shape=st.sampled_from(SHAPES))
def test_any_size_and_seed_give_a_consistent_graph(n, seed, shape):
    graph = generate(shape, n, seed=seed)
    assert len(graph) == n
    for component in graph.components.values():
        targets = [dep.target for dep in component.depends_on]
        assert all(t in graph and t != component.id for t in targets)
        assert len(set(targets)) == len(targets)
