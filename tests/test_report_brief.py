"""A component's brief built alone (:mod:`blast.reports.brief`) against ``graph.briefs``,
and labels against ``graph.label``, on the shipped graphs read from YAML and from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from blast.loading.cache import load_graph_cached
from blast.loading.loader import load_graph
from blast.model.graph import Graph
from blast.reports.brief import brief, label

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]


def _same(fresh: Graph, built: Graph) -> None:
    for cid in fresh.components:
        assert brief(fresh, cid) == built.briefs[cid]
        assert label(fresh, cid) == built.label(cid)
    for gid in fresh.groups:
        assert label(fresh, gid) == built.label(gid)
        with pytest.raises(KeyError):
            brief(fresh, gid)
    assert "briefs" not in fresh.__dict__  # nothing built for all


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_brief_equals_the_graphs_briefs(path):
    _same(load_graph(path), load_graph(path))
    load_graph_cached([path])  # stored (conftest gives each test session its own cache)
    cached = load_graph_cached([path])  # read back: compact columns, lazy models
    assert cached.compact is not None
    _same(cached, load_graph_cached([path]))


def test_brief_reads_built_briefs():
    graph = load_graph(GRAPHS[0])
    first = next(iter(graph.components))
    built = graph.briefs[first]
    assert brief(graph, first) is built
