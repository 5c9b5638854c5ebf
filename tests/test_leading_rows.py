"""The bounded answers of ``spof`` and ``radius`` (``--top``) against the complete ones.

With ``top``, the radius rows and the SPOF report's lists come from counts and one
walk per candidate row (:mod:`blast.analysis.counts`) instead of every blast-radius
set; they must be the first ``top`` of the complete answers, exactly.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap

from blast.analysis.counts import FailureCounts, leading
from blast.analysis.index import build_index
from blast.analysis.radius import radius_rows
from blast.model.shapes import generate
from blast.model.synthetic import service_graph
from blast.report import spof_report
from tests.strategies import graphs


def assert_spof_report_leads(graph, top: int) -> None:
    full = spof_report(graph)
    lean = spof_report(graph, top=top, cut_sets_of_first=top)
    assert lean.spofs == full.spofs[:top]
    assert lean.degraders == full.degraders[:top]
    assert (lean.spof_count, lean.degrader_count) == (len(full.spofs), len(full.degraders))
    # the cut sets of the first ``top`` user-facing components, each with its first
    # ``top`` SPOFs (what --json prints) and how many there are
    assert list(lean.cut_sets) == [
        replace(cs, spofs=cs.spofs[:top], spofs_total=len(cs.spofs)) for cs in full.cut_sets[:top]
    ]
    assert lean.to_dict(top) == full.to_dict(top)


def assert_counts_exact(graph) -> None:
    index = build_index(graph)
    counts = FailureCounts(index)
    down = np.array([len(d) for d in index.down_of])
    affected = [len(a) for a in index.affected_of]
    facing = index.user_facing
    assert counts.down.tolist() == down.tolist()
    assert counts.victims_down.tolist() == [
        d.intersection_cardinality(facing) for d in index.down_of
    ]
    assert counts.victims_affected.tolist() == [
        a.intersection_cardinality(facing) for a in index.affected_of
    ]
    rows = {row[0]: row for row in radius_rows(index)}
    walks = counts.details(list(range(len(index.ids))))  # 64 at a time
    for b in range(len(index.ids)):
        walk = counts.detail(b)
        assert walk == walks[b]
        assert walk.affected == affected[b]
        assert walk.user_facing_affected == index.affected_of[b].intersection_cardinality(facing)
        assert (walk.delayed, walk.user_facing_delayed) == rows[index.ids[b]][8:]
        victims = BitMap(index.down_of[b] & facing)
        victims.discard(b)
        assert counts.victim_ids(b) == tuple(sorted(index.names(victims)))


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(1, 12))
def test_radius_top_rows_are_the_first_rows(graph, top):
    index = build_index(graph)
    assert radius_rows(index, top) == radius_rows(build_index(graph))[:top]


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(1, 12))
def test_radius_top_rows_by_walks_are_those_of_every_count(graph, top):
    """The candidates' blast radii walked (a fresh index) or read from the count of every
    component's (counted first): the same rows."""
    walked = build_index(graph)
    rows = radius_rows(walked, top)
    assert "down_counts" not in walked.__dict__  # walks, not a count of every bit
    counted = build_index(graph)
    assert len(counted.down_counts) == len(counted.ids)
    assert rows == radius_rows(counted, top)


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(1, 12))
def test_spof_report_with_top_begins_as_the_complete_one(graph, top):
    assert_spof_report_leads(graph, top)


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_counts_equal_the_blast_radius_sets(graph):
    assert_counts_exact(graph)


def test_on_generated_shapes():
    for shape in ("service", "trace", "hubs"):
        graph = generate(shape, 1500, seed=3)
        assert_counts_exact(graph)
        graph.edge_arrays  # noqa: B018  (the walks read the flat arrays when they exist)
        assert_counts_exact(graph)
        full = radius_rows(build_index(graph))
        for top in (1, 7, 20, 200):
            assert radius_rows(build_index(graph), top) == full[:top]
            assert_spof_report_leads(graph, top)


def test_service_graph_with_ties():
    graph = service_graph(800, seed=5)
    full = radius_rows(build_index(graph))
    for top in (1, 5, 20, 100, 5000):
        assert radius_rows(build_index(graph), top) == full[:top]
        assert_spof_report_leads(graph, top)


def test_leading_keeps_every_row_tied_with_the_last_place():
    first = np.array([0, 0, 1, 1, 1, 2])
    second = np.array([5, 4, 3, 3, 3, 0])
    # order by (first, second): bits 1, 0, then 2, 3, 4 tied, then 5
    assert sorted(leading([first, second], 3).tolist()) == [0, 1, 2, 3, 4]
    assert sorted(leading([first, second], 2).tolist()) == [0, 1]
    assert sorted(leading([first], 6).tolist()) == [0, 1, 2, 3, 4, 5]
    assert leading([first], 0).tolist() == []


def test_no_rows_asked_gives_none():
    graph = service_graph(300, seed=1)
    assert radius_rows(build_index(graph), 0) == []
    report = spof_report(graph, top=0, cut_sets_of_first=0)
    assert (report.spofs, report.degraders, report.cut_sets) == ((), (), ())
    assert report.spof_count == len(spof_report(graph).spofs)


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_source_bitmaps_reverse_the_hard_targets(graph):
    s = build_index(graph).structure
    expected: list[set[int]] = [set() for _ in s.nodes]
    for a, row in enumerate(s.hard_targets):
        for b in row:
            expected[b].add(a)
    assert [set(s.source_bitmaps[v]) for v in range(len(s.nodes))] == expected
