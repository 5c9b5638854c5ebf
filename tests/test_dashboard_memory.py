"""The dashboard's analyses stay out of the cyclic collector's way, and still get freed.

:func:`dashboard.store.settle` freezes a new analysis (:func:`gc.freeze`), so a full
collection no longer walks a 10,000-component graph at random moments (the slowest
clicks and a third of an upload). That is only safe if the analysis holds no
reference cycles: frozen objects are then still freed by reference counting when the
cache drops them. Both halves are checked here on real graphs.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from blast.loading.cache import load_graph_cached
from blast.model.synthetic import service_graph, to_yaml
from dashboard.store import DEFAULT_GRAPH, Sources, analyse


def test_an_analysis_has_no_reference_cycles(tmp_path: Path) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(to_yaml(service_graph(400, seed=3)))
    for graph_file in (DEFAULT_GRAPH, path):
        graph = load_graph_cached([graph_file])
        a = analyse(graph, "key", "digest", "label")
        a.spof_of, a.severity, a.graph.topology  # noqa: B018  (every cached part built)
        alive = [weakref.ref(x) for x in (a, a.graph, a.index, a.graph.topology, a.spofs[0])]
        del a, graph
        was = gc.isenabled()
        gc.disable()  # freed by reference counting alone, or not at all
        try:
            assert [r() is None for r in alive] == [True] * len(alive), graph_file
        finally:
            if was:
                gc.enable()


def test_a_new_analysis_is_frozen_out_of_collections(tmp_path: Path) -> None:
    sources = Sources(default=DEFAULT_GRAPH, upload_dir=tmp_path)
    key = sources.save_upload("g.yaml", to_yaml(service_graph(2_000, seed=1)).encode())
    a = sources.analysed(key)
    assert gc.get_freeze_count() > 0
    tracked = {id(o) for o in gc.get_objects()}  # the generations a collection walks
    assert id(a) not in tracked and id(a.graph) not in tracked and id(a.index) not in tracked
