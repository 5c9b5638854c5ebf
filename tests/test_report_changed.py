"""The what-if overlay's edge rewrite (:meth:`ChangedGraph._drop`) against the previous
routine, kept here as the reference, and the overlay's counts against a changed copy's, on
random graphs with changes the size of a hub's: every hard dependent of a node moved or
softened at once, pairs listed twice, pairs both moved and softened."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import repeat

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import build_index
from blast.analysis.downwave import DownWave
from blast.model import Component, RedundancyGroup
from blast.model.graph import HARD_EDGE, Graph
from blast.reports.changed import ChangedGraph
from blast.reports.mitigations import plans
from blast.reports.whatif import Change, hard_dependents, measure, measure_all, measure_rebuilt
from tests.strategies import random_graph


def drop_reference(
    wave: DownWave, position: dict[str, int], changed: ChangedGraph, old, new
) -> tuple[np.ndarray | None, list[int], list[int]]:
    """The rewrite as the report first computed it: the flagged reverse edges, and the moved
    ones' new targets and dependents (``new[i]`` None for a softened entry)."""
    n, width = wave.n_nodes, np.int64(wave.n_nodes)
    if not old:
        return None, [], []
    sources, targets_of = zip(*old, strict=True)
    v = np.fromiter(map(position.get, sources, repeat(n)), np.int64, len(old))
    t = np.fromiter(map(position.get, targets_of, repeat(-1)), np.int64, len(old))
    rows = np.flatnonzero((v < wave.n_components) & (t >= 0))
    if not len(rows):
        return None, [], []
    keys = v[rows] * width + t[rows]
    _, last = np.unique(keys[::-1], return_index=True)
    rows = np.sort(rows[len(rows) - 1 - last])
    pairs = np.stack((v[rows], t[rows]), axis=1)
    softened = np.fromiter((new[i] is None for i in rows.tolist()), dtype=bool, count=len(rows))
    targets = np.unique(pairs[:, 1])
    lo = wave.start[targets]
    sizes = wave.start[targets + 1] - lo
    at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    edge_keys = wave.dependent[at] * width + np.repeat(targets, sizes)
    pair_keys = pairs[:, 0] * width + pairs[:, 1]
    hit = np.isin(edge_keys, pair_keys) & (wave.kind[at] == HARD_EDGE)
    dropped = np.zeros(len(wave.dependent), dtype=bool)
    dropped[at[hit]] = True
    moved = np.flatnonzero(np.isin(pair_keys, edge_keys[hit]) & ~softened).tolist()
    needed = [changed.position(new[i]) for i in rows[moved].tolist()]
    return dropped, needed, pairs[moved, 0].tolist()


def _bulk_change(graph: Graph, rng: random.Random) -> Change:
    """What a hub's plans do, mixed: a node's hard dependents moved to a new group of it
    and a replica, some of them softened as well, other edges listed twice or unknown."""
    nodes = [*graph.components, *graph.groups]
    hub = rng.choice(nodes)
    dependents = hard_dependents(graph, hub)
    replica = Component(id="replica", kind="app", region=rng.choice([*graph.regions, "us-east-1"]))
    group = RedundancyGroup(id="both", members=(hub, replica.id))
    edges = [(cid, dep.target) for cid, c in graph.components.items() for dep in c.depends_on]
    moved = [((d, hub), group.id) for d in dependents]
    moved += [(e, rng.choice([*nodes, group.id])) for e in rng.sample(edges, min(len(edges), 4))]
    moved += rng.sample(moved, min(len(moved), 2))  # listed twice
    moved.append((("nobody", hub), group.id))  # an unknown dependent: skipped
    soft = [(d, hub) for d in dependents if rng.random() < 0.3]
    soft += rng.sample(edges, min(len(edges), 3))
    stale = [(d, hub) for d in dependents if rng.random() < 0.2]
    rng.shuffle(moved)
    return Change(
        add_components=(replica,),
        add_groups=(group,),
        soften=tuple(soft),
        serve_stale=tuple(stale),
        retarget=tuple(moved),
    )


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 60),
    n_groups=st.integers(0, 6),
    density=st.floats(0.05, 0.5),
)
def test_drop_equals_the_reference_on_random_graphs(seed, n, n_groups, density):
    graph = random_graph(seed, n, n_groups, density)
    rng = random.Random(seed)
    change = _bulk_change(graph, rng)
    wave = DownWave(graph)
    changed = ChangedGraph(graph, change, wave)
    old = [pair for pair, _ in change.retarget] + [*change.soften, *change.serve_stale]
    new = [x for _, x in change.retarget]
    dropped, to, source = changed._drop(old, new)
    want, needed, dependent = drop_reference(
        wave, graph.topology.position, changed, old, new + [None] * (len(old) - len(new))
    )
    assert (dropped is None) == (want is None)
    if dropped is not None:
        assert dropped.tolist() == want.tolist()
    assert to.tolist() == needed
    assert source.tolist() == dependent


@pytest.mark.parametrize("seed", range(40))
def test_bulk_changes_count_as_on_the_changed_copy(seed):
    rng = random.Random(seed)
    graph = random_graph(seed, rng.randint(5, 80), rng.randint(0, 6), rng.uniform(0.05, 0.4))
    change = _bulk_change(graph, rng)
    region = rng.choice([None, *graph.regions])
    kwargs = {"before_spof": 0, "region": region, "before_region": 0}
    for spof in graph.components:
        assert measure(graph, change, spof, **kwargs) == measure_rebuilt(
            graph, change, spof, **kwargs
        )


@pytest.mark.parametrize("seed", range(30))
def test_measure_all_counts_as_on_the_changed_copies(seed):
    """Many what-ifs of one region at once (their first level shared) against each copy."""
    rng = random.Random(seed)
    graph = random_graph(seed, rng.randint(5, 80), rng.randint(0, 6), rng.uniform(0.05, 0.4))
    components = [
        c.model_copy(update={"region": rng.choice(["us-east-1", "us-west-2"])})
        for c in graph.components.values()
    ]
    graph = Graph.from_parts(components, tuple(graph.groups.values()))
    requests = []
    for _ in range(6):
        change = _bulk_change(graph, rng)
        spof = rng.choice(list(graph.components))
        requests.append((change, spof, 0, rng.choice(["us-east-1", "us-west-2", None]), 0))
    wave = DownWave(graph)
    for got, (change, spof, b, region, br) in zip(
        measure_all(graph, requests, wave=wave), requests, strict=True
    ):
        assert got == measure_rebuilt(
            graph, change, spof, before_spof=b, region=region, before_region=br
        )


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 60),
    n_groups=st.integers(0, 6),
    density=st.floats(0.05, 0.6),
)
def test_a_wave_from_its_first_level_equals_the_whole_wave(seed, n, n_groups, density):
    graph = random_graph(seed, n, n_groups, density)
    rng = random.Random(seed)
    wave = DownWave(graph)
    failed = np.asarray(sorted(rng.sample(range(len(graph.components)), rng.randint(1, n))))
    assert wave.down(failed, leaving=wave.leaving(failed)).tolist() == wave.down(failed).tolist()


@pytest.mark.parametrize("seed", range(40))
def test_plans_with_their_positions_count_as_on_the_changed_copy(seed):
    """The plans' changes carry their dependents' positions: the overlay reads them instead
    of the ids, and counts as without them and as a changed copy does."""
    rng = random.Random(seed)
    graph = random_graph(seed, rng.randint(5, 80), rng.randint(0, 6), rng.uniform(0.05, 0.4))
    index = build_index(graph)
    region = rng.choice([None, *graph.regions])
    kwargs = {"before_spof": 0, "region": region, "before_region": 0}
    carried = 0
    for spof in rng.sample(list(graph.components), min(8, len(graph.components))):
        for plan in plans(index, spof):
            carried += plan.change.at is not None
            without = replace(plan.change, at=None)
            want = measure_rebuilt(graph, plan.change, spof, **kwargs)
            assert measure(graph, plan.change, spof, **kwargs) == want
            assert measure(graph, without, spof, **kwargs) == want
    assert carried or not any(hard_dependents(graph, c) for c in graph.components)
