"""``Compiled.of`` numbers the dependencies of a graph built from compact simulation
parameters (:mod:`blast.sim.params`, one shared object per distinct set) by identity,
and those of a graph of models by their parameters: both must give the same columns,
edge for edge, on seeded generated graphs (and so the same journals:
``tests/test_sim_params.py`` compares those)."""

from __future__ import annotations

import dataclasses

import pytest

from blast.loading.cache import load_graph_cached
from blast.loading.loader import load_graph
from blast.model.synthetic import service_graph, to_yaml, with_sim_parameters
from blast.sim.edges import Compiled
from blast.sim.params import engine_graph
from tests.simkit import models_only


def _columns(compiled: Compiled) -> dict[str, object]:
    """Every field as plain lists (vecs and nested vecs as lists of values)."""
    out: dict[str, object] = {}
    for f in dataclasses.fields(compiled):
        value = getattr(compiled, f.name)
        if f.name in ("out", "into"):
            out[f.name] = [list(row) for row in value]
        elif f.name in ("components", "dep"):
            continue  # objects of different classes: compared through their columns
        else:
            out[f.name] = value if isinstance(value, int) else list(value)
    return out


@pytest.mark.parametrize(("n", "seed"), [(60, 0), (300, 1), (1500, 2)])
def test_identity_numbering_gives_the_columns_of_the_models(tmp_path, monkeypatch, n, seed):
    monkeypatch.setenv("BLAST_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "graph.yaml"
    path.write_text(to_yaml(with_sim_parameters(service_graph(n, seed=seed), seed=seed)))
    fresh = load_graph(path)
    load_graph_cached([path])
    cached = load_graph_cached([path])  # read back from the entry
    expected = _columns(Compiled.of(models_only(fresh)))
    for graph in (fresh, cached):
        shared = engine_graph(graph)
        assert shared is not graph  # the compact parameters' graph
        assert _columns(Compiled.of(shared)) == expected
    # the parameter sets are few and shared: identity numbering has work to save
    deps = [d for c in engine_graph(cached).components.values() for d in c.depends_on]
    assert len({id(d) for d in deps}) < len(deps) // 2
