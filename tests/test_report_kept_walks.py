"""The report's kept walks (:class:`~blast.analysis.downwave.KeptWalks`) against what they
replace, on random graphs: the blast radii they count against the index's sets, the
SPOFs ranked with them against those ranked with the bit-parallel walks, their causes
against a new walk, and :meth:`DownWave.walk` (causes read from the edges' rows)
against the walk that repeated the frontier once per edge."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis.counts import FailureCounts
from blast.analysis.downwave import DownWave, KeptWalks
from blast.analysis.index import build_index
from blast.analysis.leadspofs import first_spofs
from blast.model.graph import HARD_EDGE, MEMBER_EDGE, Graph
from blast.model.shapes import generate
from blast.report import top_spofs
from tests.strategies import graphs, random_graph


def walk_repeating_sources(
    wave: DownWave, starts: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`DownWave.walk` as it was: each level's sources repeated once per edge."""
    n, slack = wave.n_nodes, wave.slack
    down = np.zeros(n, dtype=bool)
    cause = np.full(n, -1, dtype=np.int64)
    hits = np.zeros(n, dtype=np.int64)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    frontier = np.asarray(starts, dtype=np.int64)
    down[frontier] = True
    levels = [frontier]
    start, dependent, kind = wave.start, wave.dependent, wave.kind
    while len(frontier):
        lo = start[frontier]
        sizes = start[frontier + 1] - lo
        count = int(sizes.sum())
        at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(count, dtype=np.int64)
        source = np.repeat(frontier, sizes)
        d, k = dependent[at], kind[at]
        live = ~down[d]
        hard = np.flatnonzero(live & (k == HARD_EDGE))
        dh = d[hard]
        order = np.arange(len(hard), dtype=np.int64)
        np.minimum.at(first, dh, order)
        firsts = first[dh] == order
        fell, trigger = dh[firsts], hard[firsts]
        member = np.flatnonzero(live & (k == MEMBER_EDGE))
        if len(member):
            by_group = np.argsort(d[member], kind="stable")
            groups = d[member][by_group]
            runs = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
            lengths = np.diff(np.r_[runs, len(groups)])
            rank = np.arange(len(groups)) - np.repeat(runs, lengths)
            falls = np.flatnonzero(rank == np.maximum(slack[groups] - hits[groups], 0))
            hits[groups[runs]] += lengths
            fell = np.concatenate((fell, groups[falls]))
            trigger = np.concatenate((trigger, member[by_group[falls]]))
            queued = np.argsort(trigger)
            fell, trigger = fell[queued], trigger[queued]
        cause[fell] = source[trigger]
        down[fell] = True
        frontier = fell
        levels.append(fell)
    return down, cause, np.concatenate(levels)


def assert_kept_walks_exact(graph: Graph, top: int) -> None:
    index = build_index(graph)
    s = index.structure
    wave = DownWave(graph)
    for v in range(len(s.nodes)):
        new, old = wave.walk([v]), walk_repeating_sources(wave, [v])
        assert all(np.array_equal(a, b) for a, b in zip(new, old, strict=True)), v
    walks = KeptWalks(wave, s.pos_of_bit)
    bits = list(range(len(index.ids)))
    assert walks.count_down(bits) == [len(d) for d in index.down_of]
    for b in bits[::3]:  # kept, then walked anew once given away
        for _ in range(2):
            down, cause = walks.causes(s.pos_of_bit[b])
            again = wave.causes([s.pos_of_bit[b]])
            assert np.array_equal(down, again[0]) and np.array_equal(cause, again[1])
    counts = FailureCounts(index)
    others = counts.victims_down - counts.is_user_facing
    spof_bits = np.flatnonzero(others > 0)
    fresh = KeptWalks(wave, s.pos_of_bit)
    mine = first_spofs(counts, others, spof_bits, [], top, count_down=fresh.count_down)
    lanes = first_spofs(FailureCounts(build_index(graph)), others, spof_bits, [], top)
    assert mine[0] == lanes[0]
    assert [mine[1][b] for b in mine[0]] == [lanes[1][b] for b in lanes[0]]
    kept = KeptWalks(wave, s.pos_of_bit)
    assert top_spofs(index, top, kept.count_down) == top_spofs(build_index(graph), top)


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(1, 12))
def test_kept_walks_on_random_graphs(graph, top):
    assert_kept_walks_exact(graph, top)


def test_kept_walks_on_seeded_random_graphs_with_groups_and_cycles():
    for seed in range(10):
        assert_kept_walks_exact(random_graph(seed, 150, 30, 0.05), 1 + seed % 7)


def test_kept_walks_on_generated_shapes():
    for shape in ("service", "trace", "hubs"):
        assert_kept_walks_exact(generate(shape, 300, seed=3), 10)
