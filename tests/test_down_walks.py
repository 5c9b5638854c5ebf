"""Blast radii counted by walks (``FailureCounts.down_counts_of``), the SPOF rows ranked
with them (:func:`blast.analysis.leadspofs.first_spofs`), and the killer sets of the
solve that skips known targets, against the formulations they replace, on random graphs."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import FrozenBitMap

from blast.analysis.counts import FailureCounts
from blast.analysis.index import build_index
from blast.analysis.leadspofs import first_spofs
from blast.analysis.setpasses import EMPTY, at_least
from blast.model.graph import Graph
from blast.model.shapes import generate
from tests.strategies import graphs, random_graph


def fixpoint_killers(graph: Graph) -> list:
    """The set equations of :mod:`blast.analysis.index`, solved the plain way: every node
    recomputed from its targets' sets (each component's own bit and the union of all its
    hard targets', no target skipped) until nothing changes (the least fixpoint)."""
    index = build_index(graph)
    s = index.structure
    n, n_comp = len(s.nodes), s.n_components
    killers = [EMPTY] * n
    changed = True
    while changed:
        changed = False
        for v in range(n):
            parts = [killers[t] for t in s.hard_targets[v]]
            if v < n_comp:
                new = FrozenBitMap.union(FrozenBitMap((s.bit_of_pos[v],)), *parts)
            else:
                new = FrozenBitMap(at_least(parts, s.need[v]))
            if new != killers[v]:
                killers[v], changed = new, True
    return killers


def assert_walks_exact(graph: Graph, seed: int = 0) -> None:
    index = build_index(graph)
    assert index.killers_by_pos == fixpoint_killers(graph)
    counts = FailureCounts(index)
    bits = list(range(len(index.ids))) * 2  # every bit, twice: duplicates are answered too
    random.Random(seed).shuffle(bits)
    walked = counts.down_counts_of(bits)
    down = [len(d) for d in build_index(graph).down_of]
    assert walked == [down[b] for b in bits]
    assert walked == counts.down_counts_of(bits)  # once counted: read from index.down_counts


def assert_first_spofs_same(graph: Graph, top: int) -> None:
    index = build_index(graph)
    counts = FailureCounts(index)
    others = counts.victims_down - counts.is_user_facing
    spof_bits = np.flatnonzero(others > 0)
    walked = list(range(0, len(index.ids), max(1, len(index.ids) // 16)))
    lean, lean_down = first_spofs(counts, others, spof_bits, walked, top)
    assert "down_counts" not in index.__dict__  # walks, not a count of every bit
    full, full_down = first_spofs(counts, others, spof_bits, walked, top, walks=0)
    assert "down_counts" in index.__dict__  # the second call counted every bit
    assert lean == full
    assert [lean_down[b] for b in [*lean, *walked]] == [full_down[b] for b in [*lean, *walked]]


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(0, 5))
def test_walked_blast_radii_are_the_sets_sizes(graph, seed):
    assert_walks_exact(graph, seed)


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(1, 12))
def test_first_spofs_by_walks_are_those_of_every_count(graph, top):
    assert_first_spofs_same(graph, top)


def test_on_seeded_random_graphs_with_groups_and_cycles():
    for seed in range(12):
        graph = random_graph(seed, 120, 25, 0.04)
        assert_walks_exact(graph, seed)  # more than 64 bits: several lanes of walks
        assert_first_spofs_same(graph, 1 + seed % 7)


def test_on_generated_shapes():
    for shape in ("service", "trace", "hubs"):
        graph = generate(shape, 400, seed=5)
        assert_walks_exact(graph)
        assert_first_spofs_same(graph, 10)
