""":func:`blast.analysis.structure.distinct`, the report's ``np.unique`` without numpy.ma:
the same values as ``np.unique`` on random arrays, and a report that imports no numpy.ma."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis.structure import distinct
from tests.test_startup import imports


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), max_size=200))
def test_distinct_is_numpy_unique(values):
    array = np.asarray(values, dtype=np.int64)
    found = distinct(array)
    assert found.dtype == np.int64
    assert found.tolist() == np.unique(array).tolist()


def test_distinct_on_seeded_arrays_with_many_repeats():
    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 10, 1000, 50_000):
        array = rng.integers(0, max(1, size // 10), size)
        assert np.array_equal(distinct(array), np.unique(array))


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_a_warm_report_imports_no_numpy_ma(fmt, tmp_path):
    """``np.unique(x)`` checks for a masked array, importing numpy.ma (20 ms of start-up);
    none of the report's parts calls it (the region event, recovery, what-ifs and blind
    spots of the reference graph all run)."""
    graph = "graphs/aws-us-east-1-2025-10-20.yaml"
    out = str(tmp_path / "report")
    for _ in range(2):  # the first run caches the graph; the second reads it back (warm)
        run, names = imports("report", graph, "--format", fmt, "-o", out, cache=tmp_path)
        assert run.returncode == 0, run.stderr[-2000:]
    assert "blast.reports.blindspots" in names and "blast.reports.recovery" in names
    assert "numpy" in names
    assert "numpy.ma" not in names
