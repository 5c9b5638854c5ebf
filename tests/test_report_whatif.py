"""The report's shortcuts against the full analysis: what-ifs laid over the graph against a
changed copy's own failure index, the numpy down wave against propagation, the leading
SPOFs against the complete list."""

from __future__ import annotations

import random
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import build_index, propagate
from blast.analysis.downwave import DownWave
from blast.analysis.exposure import region_components
from blast.analysis.propagation import State
from blast.loading.loader import load_graph
from blast.model import Component, Dependency, DependencyType, RedundancyGroup
from blast.model.graph import Graph
from blast.report import shared_spofs, top_spofs
from blast.reports.blindspots import blind_spots
from blast.reports.build import build_report
from blast.reports.mitigations import plans
from blast.reports.whatif import Change, measure, measure_rebuilt
from tests.strategies import graphs, random_graph

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]
REGIONS = ("us-east-1", "us-west-2", "global")


def _both(graph: Graph, change: Change, spof: str, region: str | None) -> None:
    kwargs = {"before_spof": 0, "region": region, "before_region": 0}
    assert measure(graph, change, spof, **kwargs) == measure_rebuilt(graph, change, spof, **kwargs)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_every_mitigation_counts_as_on_the_changed_copy(path):
    graph = load_graph(path)
    index = build_index(graph)
    region = "us-east-1" if "us-east-1" in graph.regions else None
    measured = 0
    for spof in shared_spofs(index):
        for plan in plans(index, spof.component):
            _both(graph, plan.change, spof.component, region)
            measured += 1
    assert measured


def _regional_graph(seed: int, n: int, n_groups: int, density: float) -> Graph:
    """A random graph whose components sit in a few regions."""
    graph = random_graph(seed, n, n_groups, density)
    rng = random.Random(seed)
    components = [
        c.model_copy(update={"region": rng.choice(REGIONS[:2])}) for c in graph.components.values()
    ]
    return Graph.from_parts(components, tuple(graph.groups.values()))


def _random_change(graph: Graph, rng: random.Random) -> Change:
    """Any mix of what mitigations change: hard edges softened or served stale, edges moved
    to new replicas and groups, new components with their own needs."""
    edges = [(cid, dep.target) for cid, c in graph.components.items() for dep in c.depends_on]
    nodes = [*graph.components, *graph.groups]
    soften = tuple(rng.sample(edges, min(len(edges), rng.randint(0, 3))))
    stale = tuple(rng.sample(edges, min(len(edges), rng.randint(0, 2))))
    added = []
    for i in range(rng.randint(0, 3)):
        deps = tuple(
            Dependency(target=t, type=rng.choice(list(DependencyType)))
            for t in rng.sample(nodes, min(len(nodes), rng.randint(0, 2)))
        )
        added.append(
            Component(
                id=f"new{i}",
                kind="app",
                region=rng.choice(REGIONS[:2]),
                user_facing=rng.random() < 0.5,
                depends_on=deps,
            )
        )
    groups = []
    pool = [*graph.components, *(c.id for c in added)]
    if len(pool) >= 2 and rng.random() < 0.7:
        members = tuple(rng.sample(pool, rng.randint(2, min(4, len(pool)))))
        groups.append(
            RedundancyGroup(id="new-group", members=members, min_up=rng.randint(1, len(members)))
        )
    targets = [*nodes, *(c.id for c in added), *(g.id for g in groups)]
    retarget = tuple((edge, rng.choice(targets)) for edge in rng.sample(edges, min(len(edges), 3)))
    return Change(
        add_components=tuple(added),
        add_groups=tuple(groups),
        soften=soften,
        serve_stale=stale,
        retarget=retarget,
    )


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 14),
    n_groups=st.integers(0, 4),
    density=st.floats(0.05, 0.4),
)
def test_overlay_counts_equal_the_changed_copy_on_random_graphs(seed, n, n_groups, density):
    graph = _regional_graph(seed, n, n_groups, density)
    rng = random.Random(seed)
    change = _random_change(graph, rng)
    region = rng.choice([None, *graph.regions])
    for spof in graph.components:
        _both(graph, change, spof, region)


def test_a_change_that_replaces_a_component_is_measured_on_a_copy():
    graph = load_graph(ROOT / "graphs" / "examples" / "shop.yaml")
    spof = next(iter(graph.components))
    replaced = graph.components[spof].model_copy(update={"depends_on": ()})
    _both(graph, Change(add_components=(replaced,)), spof, "us-east-1")


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
@pytest.mark.parametrize("top", [1, 3, 10, 1000])
def test_top_spofs_begin_the_complete_list(path, top):
    index = build_index(load_graph(path))
    complete = shared_spofs(index)
    assert top_spofs(index, top) == (complete[:top], len(complete))


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 14), top=st.integers(1, 5))
def test_top_spofs_begin_the_complete_list_on_random_graphs(seed, n, top):
    index = build_index(random_graph(seed, n, 3, 0.3))
    complete = shared_spofs(index)
    assert top_spofs(index, top) == (complete[:top], len(complete))


def test_blind_spots_do_not_need_every_blast_radius():
    """The blind spots come from killer sets alone: no blast-radius set is built."""
    for path in GRAPHS:
        index = build_index(load_graph(path))
        blind_spots(index, region="us-east-1" if "us-east-1" in index.graph.regions else None)
        assert "down_of" not in index.__dict__, path


def _propagated_down(graph: Graph, failed: list[str]) -> set[str]:
    return set(propagate(graph, failed).nodes_in(State.DOWN))


def _wave_down(graph: Graph, failed: list[str]) -> set[str]:
    nodes = graph.topology.nodes
    fell = DownWave(graph).down([graph.topology.position[f] for f in failed])
    return {nodes[v] for v in np.flatnonzero(fell).tolist()}


@settings(max_examples=300, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_down_wave_equals_propagation_on_random_graphs(graph, rng):
    ids = list(graph.components)
    for failed in [[x] for x in ids] + [rng.sample(ids, min(len(ids), 3))]:
        assert _wave_down(graph, failed) == _propagated_down(graph, failed)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_down_wave_equals_propagation_on_shipped_graphs(path):
    graph = load_graph(path)
    for x in graph.components:
        assert _wave_down(graph, [x]) == _propagated_down(graph, [x]), x
    for region in graph.regions:
        failed = list(region_components(graph, region))
        assert _wave_down(graph, failed) == _propagated_down(graph, failed), region


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_report_to_dict_is_asdict(path):
    report = build_report(load_graph(path))
    assert report.to_dict() == asdict(report)
