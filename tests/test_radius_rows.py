"""``radius_rows`` (the CLI's table, without pandas) against ``radius_table``."""

from __future__ import annotations

from hypothesis import given, settings

from blast.analysis.index import build_index
from blast.analysis.radius import RADIUS_COLUMNS, radius_rows, radius_table
from blast.model.synthetic import service_graph
from tests.strategies import graphs


def assert_rows_match(graph) -> None:
    index = build_index(graph)
    frame = radius_table(index)
    expected = [
        tuple(v if isinstance(v, str) else int(v) for v in row)
        for row in frame.itertuples(index=False, name=None)
    ]
    assert list(frame.columns) == RADIUS_COLUMNS
    assert radius_rows(index) == expected


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_radius_rows_equal_the_table(graph):
    assert_rows_match(graph)


def test_radius_rows_equal_the_table_on_a_service_graph():
    assert_rows_match(service_graph(800, seed=5))
