"""Reconstructions scored against their post-mortems, through the real CLI.

The S3 disruption of 2017-02-28 is replayed from its trigger and one timed operator
action; the restart parameters are fitted and say so, and the scorer labels the edges
they were fitted to. The honesty rule is enforced: an action that cites no event of
the post-mortem, or that is moved off its stated time, is refused with exit 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from blast.model import Component, Timing
from blast.model.graph import Graph
from blast.sim import scenario_from_dict, simulate

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "graphs" / "aws-s3-us-east-1-2017-02-28.yaml"
SCENARIO = ROOT / "graphs" / "scenarios" / "aws-s3-2017-02-28.yaml"
DATA = ROOT / "data" / "aws-s3-2017-02-28"


def blast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blast", *args], capture_output=True, text=True, timeout=300
    )


def compare(scenario: Path) -> subprocess.CompletedProcess[str]:
    return blast(
        "simulate", str(GRAPH), "--scenario", str(scenario), "--compare", str(DATA), "--json"
    )


def test_the_s3_incident_meets_the_target_with_its_fitted_edges_labelled():
    run = compare(SCENARIO)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    origins = {(e["component"], e["edge"]): e["origin"] for e in result["edges"]}
    assert origins[("aws.use1.s3.index", "end")] == "fitted"
    assert origins[("aws.use1.s3.placement", "end")] == "fitted"
    assert origins[("aws.health-dashboard.updates", "end")] == "action-set"
    assert origins[("aws.use1.s3.write-api", "end")] == "emergent"
    assert result["summary"]["missed"] == 0
    assert result["target"]["met"] is True
    errors = {(e["component"], e["edge"]): e["error_minutes"] for e in result["edges"]}
    assert all(abs(v) < 1 for v in errors.values()), errors
    spans = {s["definition"]: s["duration"] for s in result["spans"]}
    assert spans["Whole event (AWS definition)"] == "4h17m"
    assert "Simulated" in spans


def test_the_text_table_shows_every_edge_and_the_verdict():
    run = blast("simulate", str(GRAPH), "--scenario", str(SCENARIO), "--compare", str(DATA))
    assert run.returncode == 0, run.stderr
    assert "aws.health-dashboard.updates   main    end    02-28 11:37" in run.stdout
    assert "Target (every edge within 15 min, median within 5, none missed): met" in run.stdout


def test_an_action_citing_no_event_is_refused(tmp_path):
    text = SCENARIO.read_text(encoding="utf-8").replace("sources: [S05, pes]", "sources: [pes]")
    scenario = tmp_path / "uncited.yaml"
    scenario.write_text(text.replace("graph: ../", f"graph: {GRAPH.parent}/"), encoding="utf-8")
    run = compare(scenario)
    assert run.returncode == 2
    assert "action 'dashboard-off-s3' cites no event of" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_action_moved_off_its_public_time_is_refused(tmp_path):
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "at: 2017-02-28T11:37:00-08:00", "at: 2017-02-28T11:50:00-08:00"
    )
    scenario = tmp_path / "moved.yaml"
    scenario.write_text(text.replace("graph: ../", f"graph: {GRAPH.parent}/"), encoding="utf-8")
    run = compare(scenario)
    assert run.returncode == 2
    assert "is not at the time its events state (S05 at 2017-02-28T11:37:00-08:00)" in run.stderr


def test_a_ramped_recovery_warms_up_once():
    """Regression: the ramp's 0% step used to restart the warm-up, doubling recoveries."""
    graph = Graph.from_parts(
        [
            Component(
                id="index",
                kind="database",
                timing=Timing(recovery_time=600, capacity_units=10, recovery_rate=60),
            )
        ]
    )
    scenario = scenario_from_dict(
        {
            "start": "2017-02-28T09:37Z",
            "horizon": "2h",
            "faults": [{"id": "f", "target": "index", "at": "2017-02-28T09:37Z", "for": "60s"}],
        }
    )
    events = [(e.t, e.state, round(e.share_ok, 1)) for e in simulate(graph, scenario).events]
    # down at 0; warm-up 600 s after the fault ends at 60 s; then one unit a minute
    assert events[0] == (0.0, "down", 0.0)
    assert events[1] == (660.0, "down", 0.0)
    assert events[2] == (720.0, "degraded", 0.1)
    assert events[-1] == (660.0 + 600.0, "up", 1.0)
