"""``blast simulate``, ``blast explain`` and scenario validation, through real subprocesses."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from blast.sim.loader import validate_scenario

ROOT = Path(__file__).resolve().parent.parent
SHOP = "graphs/examples/shop.yaml"
SHOP_SCENARIO = "graphs/scenarios/shop-region-failover.yaml"
AWS = "graphs/aws-us-east-1-2025-10-20.yaml"
AWS_SCENARIO = "graphs/scenarios/aws-dynamodb-dns-record.yaml"
INVALID = ROOT / "tests" / "data" / "scenarios" / "invalid"
EXPECT = re.compile(r"^# expect: (\d+):(\d+): ([^:]*): (.*)$", re.MULTILINE)


def blast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blast", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_simulate_shop_prints_user_facing_windows_first_in_local_time_and_utc():
    run = blast("simulate", SHOP, "--scenario", SHOP_SCENARIO)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.index("User-facing impact windows") < out.index("Other components")
    facing = out[out.index("User-facing") : out.index("Other components")]
    assert re.search(
        r"admin\s+down\s+2025-10-20 00:00\s+2025-10-20 03:20\s+3h20m\s+"
        r"2025-10-20 07:00Z\s+2025-10-20 10:20Z",
        facing,
    )
    assert re.search(r"checkout\s+degraded 50%", facing)
    other = out[out.index("Other components") :]
    assert re.search(r"orders\s+degraded 50%.*failover via orders-use1", other)


def test_simulate_json_is_the_journal_and_is_byte_identical_across_runs():
    first = blast("simulate", SHOP, "--scenario", SHOP_SCENARIO, "--json")
    second = blast("simulate", SHOP, "--scenario", SHOP_SCENARIO, "--json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["scenario"] == "Shop loses us-east-1"
    assert data["start"] == "2025-10-20T00:00:00-07:00"
    orders = [e for e in data["events"] if e["component"] == "orders"]
    assert [(e["t"], e["state"], e["share_ok"], e["cause"]["mechanism"]) for e in orders] == [
        (0.0, "degraded", 0.5, "failover"),
        (60.0, "degraded", 1.0, "group"),
        (10800.0, "up", 1.0, "group"),
    ]
    for e in data["events"]:
        up = e["cause"]["upstream"]
        assert up is None or data["events"][up]["t"] <= e["t"]


def test_simulate_csv_writes_tidy_windows_and_series(tmp_path):
    run = blast("simulate", SHOP, "--scenario", SHOP_SCENARIO, "--csv", str(tmp_path))
    assert run.returncode == 0, run.stderr
    with (tmp_path / "windows.csv").open(encoding="utf-8") as f:
        windows = list(csv.DictReader(f))
    admin = next(w for w in windows if w["component"] == "admin")
    assert (admin["start_utc"], admin["end_utc"], admin["severity"]) == (
        "2025-10-20T07:00:00+00:00",
        "2025-10-20T10:20:00+00:00",
        "down",
    )
    with (tmp_path / "series.csv").open(encoding="utf-8") as f:
        series = list(csv.DictReader(f))
    email = [r for r in series if r["component"] == "email" and r["backlog"]]
    assert max(float(r["backlog"]) for r in email) == pytest.approx(3 * 3600 * 5)


def test_explain_shop_follows_the_chain_to_the_trigger():
    args = ("explain", SHOP, "--scenario", SHOP_SCENARIO, "checkout", "--at")
    run = blast(*args, "2025-10-20T00:00:30-07:00", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["state"], data["share_ok"]) == ("degraded", 0.5)
    assert [(e["component"], e["cause"]["mechanism"]) for e in data["chain"]] == [
        ("checkout", "hard"),
        ("api", "hard"),
        ("orders", "failover"),
        ("orders-use1", "fault"),
    ]
    assert data["chain"][-1]["cause"]["trigger"] == "use1-outage"
    text = blast(*args, "2025-10-20T01:00:00-07:00")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("checkout at 2025-10-20 01:00 (2025-10-20 08:00Z): degraded")
    assert "fault use1-outage" in text.stdout


def test_simulate_and_explain_the_2025_10_20_graph():
    run = blast("simulate", AWS, "--scenario", AWS_SCENARIO, "--json")
    assert run.returncode == 0, run.stderr
    windows = json.loads(run.stdout)["windows"]
    record = next(w for w in windows if w["component"] == "aws.use1.dynamodb.dns-record")
    assert (record["start"], record["end"]) == (0.0, 2 * 3600 + 37 * 60)
    slack = next(w for w in windows if w["component"] == "slack")
    assert slack["severity"] == "down" and slack["end"] > record["end"]
    run = blast(
        "explain",
        AWS,
        "--scenario",
        AWS_SCENARIO,
        "slack",
        "--at",
        "2025-10-20T01:00-07:00",
        "--json",
    )
    assert run.returncode == 0, run.stderr
    chain = json.loads(run.stdout)["chain"]
    assert chain[0]["component"] == "slack" and chain[0]["state"] == "down"
    assert chain[-1]["component"] == "aws.use1.dynamodb.dns-record"
    assert chain[-1]["cause"]["trigger"] == "empty-dns-record"


def test_one_line_fault_matches_the_scenario_file():
    one_line = blast(
        "simulate",
        AWS,
        "--fail",
        "aws.use1.dynamodb.dns-record",
        "--at",
        "2025-10-19T23:48-07:00",
        "--for",
        "2h37m",
        "--horizon",
        "16h",
        "--json",
    )
    from_file = blast("simulate", AWS, "--scenario", AWS_SCENARIO, "--json")
    assert one_line.returncode == 0, one_line.stderr
    a, b = json.loads(one_line.stdout), json.loads(from_file.stdout)
    strip = [(w["component"], w["start"], w["end"], w["severity"]) for w in a["windows"]]
    assert strip == [(w["component"], w["start"], w["end"], w["severity"]) for w in b["windows"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--fail", "orders-use2", "--at", "2025-10-20T00:00Z"],
            "no component named 'orders-use2'",
        ),
        (["--fail", "payments", "--at", "2025-10-20T00:00"], "has no time zone"),
        (["--fail", "payments"], "--fail needs the time it starts"),
        ([], "give a scenario"),
        (
            ["--scenario", "tests/data/scenarios/invalid/unknown-component.yaml"],
            "unknown-component.yaml:7:13: faults[0].target: unknown component 'orders-use2'",
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args, message):
    run = blast("simulate", SHOP, *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_explain_unknown_component_has_a_suggestion():
    run = blast(
        "explain", SHOP, "--scenario", SHOP_SCENARIO, "chekout", "--at", "2025-10-20T01:00-07:00"
    )
    assert run.returncode == 2
    assert "did you mean 'checkout'?" in run.stderr


def test_validate_accepts_scenarios_alone_and_with_a_graph():
    run = blast("validate", SHOP_SCENARIO, AWS_SCENARIO)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"ok: scenario {SHOP_SCENARIO}",
        f"ok: scenario {AWS_SCENARIO}",
    ]
    run = blast("validate", SHOP, SHOP_SCENARIO, "--json")
    assert json.loads(run.stdout)["scenarios"] == [SHOP_SCENARIO]


FIXTURES = sorted(p.name for p in INVALID.glob("*.yaml"))


@pytest.mark.parametrize("name", FIXTURES)
def test_invalid_scenario_is_reported_exactly(name):
    path = INVALID / name
    expected = [
        (int(a), int(b), k, m) for a, b, k, m in EXPECT.findall(path.read_text(encoding="utf-8"))
    ]
    assert expected, f"{name} has no '# expect:' line"
    got = [(p.location.line, p.location.column, p.key, p.message) for p in validate_scenario(path)]
    assert got == expected


def test_invalid_scenarios_fail_blast_validate():
    run = blast("validate", *(str(INVALID.relative_to(ROOT) / n) for n in FIXTURES))
    assert run.returncode == 2
    assert f"{len(FIXTURES)} problem(s) found" in run.stderr
