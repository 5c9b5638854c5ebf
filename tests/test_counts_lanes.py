"""User-facing victims counted by searches down from each user-facing component
(:attr:`~blast.analysis.counts.FailureCounts.victims_affected`) and read from the walks of
:meth:`~blast.analysis.counts.FailureCounts.details`, against the union pass they replaced
(``_rising``: one set of user-facing components per node)."""

from __future__ import annotations

from hypothesis import given, settings

from blast.analysis.counts import FailureCounts
from blast.analysis.index import build_index
from blast.model.shapes import generate
from tests.strategies import graphs


def assert_same_as_the_union_pass(graph) -> None:
    index = build_index(graph)
    counts = FailureCounts(index)
    rising, pos_of_bit = counts._rising, index.structure.pos_of_bit
    assert counts.victims_affected.tolist() == [len(rising[v]) for v in pos_of_bit]
    bits = list(range(len(index.ids)))
    from_union = [counts.degraded_ids(b) for b in bits]  # nothing walked yet: union pass
    assert not counts._walked_facing
    counts.details(bits)
    assert set(counts._walked_facing) == set(bits)
    assert [counts.degraded_ids(b) for b in bits] == from_union


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_victims_affected_and_degraded_ids_match_the_union_pass(graph):
    assert_same_as_the_union_pass(graph)


def test_on_generated_shapes():
    for shape, n in (("service", 1500), ("trace", 2000), ("hubs", 1200)):
        assert_same_as_the_union_pass(generate(shape, n, seed=11))


def test_many_user_facing_components_and_cycles():
    """More than one pass of marks (over 512 user-facing components) and soft dependencies
    that close cycles through several strongly connected components of the hard graph
    (merged by :func:`~blast.analysis.reach.level_counts`)."""
    from tests.strategies import random_graph

    for seed, n in ((1, 2000), (2, 1800)):
        graph = random_graph(seed, n, 40, 3.0 / n)
        assert len(graph.user_facing) > 512
        index = build_index(graph)
        counts = FailureCounts(index)
        rising, pos_of_bit = counts._rising, index.structure.pos_of_bit
        assert counts.victims_affected.tolist() == [len(rising[v]) for v in pos_of_bit]
        assert any(len(scc) > 1 for scc in index.structure.order)
