"""``blast race`` for real: subprocesses, JSON, text, bad input, workers and Dask."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def blast(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blast", "race", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def test_exhaustive_json_pins_the_tla_configuration():
    run = blast("--exhaustive", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["config"] == {
        "enactors": 2, "max_plan": 5, "threshold": 2, "endpoints": ["regional"],
        "atomic": False, "locks": True, "fix": None,
    }  # fmt: skip
    assert (data["states"], data["depth"], data["safety_violations"]) == (18966, 45, 3050)
    assert data["progress_violations"] == 3050
    cex = data["counterexample"]
    assert cex["length"] == 10 and len(cex["steps"]) == 10
    assert [s["kind"] for s in cex["steps"]] == [
        "plan", "pick", "plan", "plan", "pick", "lock", "write", "lock", "write", "cleanup",
    ]  # fmt: skip
    assert {"field": "regional.plan", "before": "1", "after": "1 (EMPTY record)"} in cex["steps"][
        -1
    ]["diff"]
    assert data["probability_empty"]["scheduler"] == "uniform"
    num, den = map(int, data["probability_empty"]["exact"].split("/"))
    assert num / den == pytest.approx(data["probability_empty"]["value"])
    assert len(data["diagram"]) == 10


def test_exhaustive_text_with_a_fix_and_atomic():
    fixed = blast("--exhaustive", "--fix", "b")
    assert fixed.returncode == 0, fixed.stderr
    assert "safety violations (record empty):   0" in fixed.stdout
    assert "progress violations (stuck for ever): 0" in fixed.stdout
    assert "No counterexample" in fixed.stdout
    atomic = blast("--exhaustive", "--atomic")
    assert "540 states" in atomic.stdout and "No counterexample" in atomic.stdout


def test_exhaustive_text_shows_the_losing_interleaving():
    run = blast("--exhaustive")
    assert run.returncode == 0, run.stderr
    assert "Shortest counterexample (10 steps):" in run.stdout
    assert " 10. Enactor B cleans up after plan 3: deletes plans [1]" in run.stdout
    assert "!! cleans up after plan 3: deletes plans [1]" in run.stdout


SMALL = ("--runs", "60", "--tails", "0.05", "--contentions", "0,0.3", "--seed", "2")


def test_montecarlo_json_is_the_same_on_one_and_two_workers():
    one = blast(*SMALL, "--json")
    two = blast(*SMALL, "--json", "--workers", "2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert [(c["tail_probability"], c["contention"], c["runs"]) for c in data["cells"]] == [
        (0.05, 0.0, 30),
        (0.05, 0.3, 30),
    ]
    assert [f["fix"] for f in data["fixes"]] == ["none", "a", "b", "c"]
    assert all(f["empties"] == 0 for f in data["fixes"][1:])
    trigger = data["trigger"]
    assert trigger["seed"] == 2 and trigger["endpoints"]
    assert any(m["alarm"] for m in data["diagram"])


def test_montecarlo_text():
    run = blast(*SMALL)
    assert run.returncode == 0, run.stderr
    assert "P(window) [95%]" in run.stdout and "P(day) [95%]" in run.stdout
    assert "Fixes at the base setting" in run.stdout
    assert "One losing window (seed 2, run" in run.stdout
    assert "records now empty" in run.stdout


def test_montecarlo_with_a_fix_has_no_losing_window():
    run = blast("--runs", "20", "--tails", "0.05", "--contentions", "0.3", "--fix", "c")
    assert run.returncode == 0, run.stderr
    assert "No losing window in 2000 at the worst setting." in run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--fix", "z"),
        ("--runs", "0"),
        ("--tails", "2"),
        ("--contentions", "x"),
        ("--endpoints", "9"),
        ("--exhaustive", "--enactors", "9"),
        ("--scheduler", "tcp://127.0.0.1:9", "--runs", "10"),
    ],
)
def test_bad_input_exits_2_without_traceback(args):
    run = blast(*args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and run.stderr.strip()
    assert run.stdout == ""


def test_scheduler_option_runs_on_a_local_dask_cluster():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                           protocol="tcp://", host="127.0.0.1", dashboard_address=None)  # fmt: skip
    try:
        on_dask = blast(*SMALL, "--json", "--scheduler", cluster.scheduler_address, timeout=120)
    finally:
        cluster.close(timeout=20)
    assert on_dask.returncode == 0, on_dask.stderr
    assert on_dask.stdout == blast(*SMALL, "--json").stdout
