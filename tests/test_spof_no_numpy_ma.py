"""``blast spof`` without ``np.unique``: :func:`blast.analysis.reach._renumbered` gives the
same numbering as ``np.unique(..., return_inverse=True)`` on random labels, and the command
imports no numpy.ma (``np.unique`` checks for a masked array, importing it: 0.05-0.1 s of
CPU), on a graph whose soft dependencies close cycles that the levels merge."""

from __future__ import annotations

import numpy as np
import rustworkx as rx
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis import reach
from blast.analysis.counts import FailureCounts
from blast.analysis.index import build_index
from blast.model.shapes import generate
from blast.model.synthetic import to_yaml
from tests.test_startup import imports


def _cycles_across_hard_parts(graph) -> bool:
    """Whether some cycle of "affects" edges runs through several strongly connected parts
    of the hard graph (what :func:`~blast.analysis.reach.level_counts` merges)."""
    index = build_index(graph)
    start, dependent = FailureCounts(index)._edges[:2]
    part = {v: i for i, scc in enumerate(index.structure.order) for v in scc}
    view = rx.PyDiGraph()
    view.add_nodes_from(range(len(start) - 1))
    view.add_edges_from_no_data(
        [(v, int(d)) for v in range(len(start) - 1) for d in dependent[start[v] : start[v + 1]]]
    )
    return any(len({part[v] for v in scc}) > 1 for scc in rx.strongly_connected_components(view))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_renumbered_is_numpy_unique_inverse(data):
    n = data.draw(st.integers(0, 60))
    label = np.asarray(data.draw(st.lists(st.integers(0, max(n - 1, 0)), min_size=n, max_size=n)))
    label = label.astype(np.int64)
    found = reach._renumbered(label)
    assert found.dtype == np.int64
    assert found.tolist() == np.unique(label, return_inverse=True)[1].tolist()


def test_renumbered_on_seeded_labels():
    rng = np.random.default_rng(5)
    for size in (1, 2, 10, 1000, 50_000):
        for spread in (1, max(1, size // 10), size):
            label = rng.integers(0, spread, size).astype(np.int64)
            expected = np.unique(label, return_inverse=True)[1]
            assert np.array_equal(reach._renumbered(label), expected)


def test_spof_json_merges_cycles_and_imports_no_numpy_ma(tmp_path):
    graph = generate("hubs", 600, seed=11)
    assert _cycles_across_hard_parts(graph)  # the path that called np.unique runs here
    path = tmp_path / "hubs.yaml"
    path.write_text(to_yaml(graph), encoding="utf-8")
    outputs = []
    for _ in range(2):  # the first run caches the graph; the second reads it back (warm)
        for stored in tmp_path.glob("*.answer"):  # the analysis runs again (stored answers)
            stored.unlink()
        run, names = imports("spof", str(path), "--json", cache=tmp_path)
        assert run.returncode == 0, run.stderr[-2000:]
        outputs.append(run.stdout)
        assert "numpy" in names and "rustworkx" in names
        assert "numpy.ma" not in names
    assert outputs[0] == outputs[1] and '"spofs"' in outputs[0]
