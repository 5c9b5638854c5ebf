"""The blind spots' batch parts against the per-watcher code they replace, on random and
shipped graphs: killer sets solved within a failure's down set
(:func:`~blast.analysis.darkkillers.killers_within`) against
:func:`~blast.analysis.killers.killers_below` intersected with it, the one count over
all watchers (:func:`~blast.reports.blindhits.hits_each`) against a ``Counter`` per
watcher, and the ranking that measures distances only for ties
(:func:`~blast.reports.blindhits.ranked`) against the one that measures them all."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap

from blast.analysis.darkkillers import killers_within
from blast.analysis.hardorder import hard_order
from blast.analysis.killers import killers_below
from blast.analysis.propagation import State, propagate
from blast.loading.loader import load_graph
from blast.model.graph import Graph
from blast.reports.blindhits import distances, hits_each, ranked
from blast.reports.blindspots import blind_spots_in, watchers
from tests.strategies import graphs

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]


def _down_at(graph: Graph, failed: list[str]) -> list[bool]:
    topo = graph.topology
    down = [False] * len(topo.nodes)
    for x in propagate(graph, failed).nodes_in(State.DOWN):
        down[topo.position[x]] = True
    return down


def _same_killers(graph: Graph, rng: random.Random) -> None:
    """For a few random failures: the restricted sets, by condensation and by the whole
    order, equal the unrestricted ones intersected with the down set (empty for a node
    that is not down)."""
    topo = graph.topology
    comps = list(graph.components)
    for _ in range(3):
        failed = rng.sample(comps, rng.randint(1, max(1, len(comps) // 3)))
        down = _down_at(graph, failed)
        d = BitMap(p for p, x in enumerate(down) if x)
        asked = rng.sample(range(len(topo.nodes)), min(len(topo.nodes), 6))
        full = killers_below(topo, asked)
        for whole in (None, hard_order(topo)):
            within = killers_within(graph, asked, down, whole)
            for v in {*asked, *within}:  # those asked, down or not, and all it solved
                assert BitMap(within[v]) == full[v] & d, (failed, v)


def _hits_reference(killers, victims, mine):
    """The per-watcher count the batch replaced: each distinct shared set once, times."""
    sets = Counter(frozenset(killers[x] & mine) for x in victims)
    counts: Counter[int] = Counter()
    for bits, times in sets.items():
        for b in bits:
            counts[b] += times
    return dict(counts)


def _same_hits_and_rank(graph: Graph, rng: random.Random) -> None:
    topo = graph.topology
    nodes = topo.nodes
    killers = killers_below(topo, range(len(nodes)))
    jobs = []
    for _ in range(rng.randint(0, 6)):
        victims = rng.choices(range(len(nodes)), k=rng.randint(0, 5))
        mine = BitMap(rng.sample(range(len(nodes)), rng.randint(0, len(nodes))))
        jobs.append((victims, mine))
    got = hits_each(killers, jobs, nodes)
    assert len(got) == len(jobs)
    for (victims, mine), hits in zip(jobs, got, strict=True):
        expected = {nodes[b]: k for b, k in _hits_reference(killers, victims, mine).items()}
        assert hits == expected
    for w in graph.components:
        below = [nodes[b] for b in killers[topo.position[w]] if nodes[b] != w]
        hits = {s: rng.randint(1, 3) for s in below}
        dist = distances(graph, w, list(hits))
        expected = sorted(hits, key=lambda s: (-hits[s], dist.get(s, 1 << 30), s))
        assert ranked(graph, w, hits) == expected


@settings(max_examples=200, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_killers_within_the_down_set_on_random_graphs(graph, rng):
    _same_killers(graph, rng)


@settings(max_examples=200, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_batch_counts_and_ranking_on_random_graphs(graph, rng):
    _same_hits_and_rank(graph, rng)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.name)
def test_batch_parts_on_shipped_graphs(path):
    graph = load_graph(path)
    rng = random.Random(path.name)
    _same_killers(graph, rng)
    _same_hits_and_rank(graph, rng)


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.name)
def test_exposure_blind_spots_from_the_cache_equal_the_parsed_graph(path, tmp_path, monkeypatch):
    """A cached graph keeps its solving order (the whole order, kept to the down set, is
    what the blind spots read): the same blind spots as the graph parsed afresh."""
    monkeypatch.setenv("BLAST_CACHE_DIR", str(tmp_path))
    source = tmp_path / path.name
    source.write_bytes(path.read_bytes())
    load_graph(source, cache=True)
    cached, parsed = load_graph(source, cache=True), load_graph(source)
    rng = random.Random(path.name)
    comps = sorted(parsed.components)
    for failed in (comps, *(rng.sample(comps, max(1, len(comps) // 2)) for _ in range(3))):
        assert blind_spots_in(cached, failed) == blind_spots_in(parsed, failed)
    assert watchers(cached) == watchers(parsed)
