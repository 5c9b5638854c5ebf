"""The engine reads a graph's compact simulation parameters (``blast.sim.params``) exactly
as it reads the models: same journal, byte for byte, on every shipped scenario, on a
generated graph with every mechanism of the bench, from a fresh load, from the cache
entry and through whole ``blast simulate --json`` processes.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blast.errors import GraphFileError
from blast.loading.cache import load_graph_cached
from blast.loading.loader import load_graph
from blast.model.dependency import Timing
from blast.model.simparams import SimParams
from blast.model.spec import Component
from blast.model.synthetic import service_graph, to_yaml, with_sim_parameters
from blast.sim import simulate
from blast.sim.loader import load_scenario
from blast.sim.params import engine_graph
from tests.simkit import models_only
from tests.test_sim_native import RUNS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from sim_bench import scenarios  # noqa: E402


@pytest.mark.parametrize("run", sorted(RUNS))
def test_a_shipped_scenario_gives_the_same_journal_from_the_compact_form(run):
    graph_file, scenario_file = (ROOT / p for p in RUNS[run])
    fresh, _ = load_graph(graph_file), load_graph_cached([graph_file])
    cached = load_graph_cached([graph_file])  # read back from the entry the first call wrote
    for graph in (fresh, cached):
        assert graph.compact is not None and graph.compact.sim is not None
        assert engine_graph(graph) is not graph
    scenario = load_scenario(scenario_file, fresh)
    expected = simulate(models_only(fresh), scenario).to_json()
    assert simulate(fresh, scenario).to_json() == expected
    assert simulate(cached, scenario).to_json() == expected


def test_a_generated_graph_gives_the_same_journals_from_the_compact_form(tmp_path):
    """Caches, negative caching, warm-ups, queues with retries, failovers: the bench's mix."""
    path = tmp_path / "generated.yaml"
    path.write_text(to_yaml(with_sim_parameters(service_graph(1200, seed=5))))
    fresh, _ = load_graph(path), load_graph_cached([path])
    cached = load_graph_cached([path])
    params = cached.compact.sim.data
    assert len(params["dependencies"]) > 10 and len(params["components"]) > 10
    models = models_only(fresh)
    for scenario in scenarios(models).values():
        expected = simulate(models, scenario, resolution=60.0).to_json()
        assert simulate(fresh, scenario, resolution=60.0).to_json() == expected
        assert simulate(cached, scenario, resolution=60.0).to_json() == expected


def test_a_non_finite_parameter_is_refused_where_it_is_written(tmp_path):
    """JSON has no infinity (orjson writes null): a file's .inf never reaches the cache."""
    path = tmp_path / "inf.yaml"
    path.write_text(
        "components:\n"
        "  - id: db\n    kind: database\n    region: us-east-1\n"
        "    timing: {recovery_time: 60, recovery_rate: .inf}\n"
        "  - id: app\n    kind: app\n    region: us-east-1\n    depends_on: [db]\n"
    )
    with pytest.raises(GraphFileError, match=r"inf.yaml:5:48: .*recovery_rate: must be a finite"):
        load_graph(path)


def test_a_model_built_without_validation_with_an_infinity_keeps_no_compact_form():
    """The guard behind the models' own rule: a non-finite value gives no compact form."""
    timing = Timing.model_construct(recovery_rate=math.inf)
    timed = Component.model_construct(id="db", kind="database", timing=timing, depends_on=())
    assert SimParams.of_models(1, [0, 0], [(0, timed)]) is None
    finite = Component.model_construct(
        id="db", kind="database", timing=Timing(recovery_rate=2.0), depends_on=()
    )
    assert SimParams.of_models(1, [0, 0], [(0, finite)]) is not None


def test_malformed_stored_parameters_are_refused():
    for data in (
        b'{"components": [{}], "dependencies": [{}], "component_at": [1], "dependency_at": []}',
        b'{"components": [{"timing": {}}], "dependencies": [{}], "component_at": [0], '
        b'"dependency_at": []}',
        b'{"components": [{}], "dependencies": [{}]}',
    ):
        with pytest.raises(ValueError):
            assert SimParams(data).data is None


def test_whole_processes_write_the_same_journal_cold_first_and_warm(tmp_path):
    graph, scenario = (ROOT / p for p in RUNS["dns-race"])
    env_cache = {"BLAST_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "blast", "simulate", str(graph), "--scenario", str(scenario)]
    command.append("--json")
    env = {**os.environ, **env_cache}
    outputs = [
        subprocess.run(command + extra, capture_output=True, check=True, cwd=ROOT, env=env).stdout
        for extra in (["--no-cache"], [], [])
    ]
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]
