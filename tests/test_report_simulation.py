"""``blast report --scenario``: every minute from the time engine, on any number of workers.

The checks recompute what the report says with :func:`blast.sim.simulate` itself
(the scenario's run, a SPOF's outage alone, a mitigation written as scenario
inputs) and run the real CLI in subprocesses: in one process, on two local
processes and on a Dask cluster started here on loopback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blast.loading.loader import load_graph
from blast.reports.simulated import alone, down_minutes, mitigated
from blast.reports.whatif import Change
from blast.sim import simulate
from blast.sim.loader import load_scenario
from tests.clirun import blast

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "graphs" / "examples" / "shop.yaml"
AWS = ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"
DNS_HOUR = ROOT / "tests" / "data" / "reports" / "shop-dns-hour.yaml"
REGION = ROOT / "graphs" / "scenarios" / "shop-region-failover.yaml"
RACE = ROOT / "graphs" / "scenarios" / "aws-2025-10-20-dns-race.yaml"


def report(graph: Path, scenario: Path, *extra: str) -> dict:
    return json.loads(blast("report", graph, "--scenario", scenario, "-o", "-", "--format",
                            "json", *extra).stdout)  # fmt: skip


@pytest.fixture(scope="module")
def dns_hour() -> dict:
    return report(SHOP, DNS_HOUR)


def mitigations_of(data: dict, spof: str) -> dict[str, dict]:
    detail = next(s for s in data["spofs"] if s["component"] == spof)
    return {m["kind"]: m for m in detail["mitigations"]}


def user_facing_minutes(graph, journal) -> float:
    return sum(down_minutes(journal, u) for u in graph.user_facing)


def test_summary_minutes_are_the_engines(dns_hour):
    graph = load_graph(SHOP)
    journal = simulate(graph, load_scenario(DNS_HOUR, graph))
    total = user_facing_minutes(graph, journal)
    # Checkout and the back office both need the API, which needs DNS: an hour each.
    assert total == pytest.approx(120.0)
    assert dns_hour["summary"]["region_outage_minutes"] == pytest.approx(total)
    per = {e["component"]: e["outage_minutes"] for e in dns_hour["region_event"]}
    assert per == {"admin": pytest.approx(60.0), "checkout": pytest.approx(60.0)}
    assert dns_hour["simulation"].startswith("Route 53 down for an hour")


def test_spof_minutes_are_its_outage_played_alone(dns_hour):
    graph = load_graph(SHOP)
    scenario = load_scenario(DNS_HOUR, graph)
    journal = simulate(graph, scenario)
    spofs = {s["component"]: s for s in dns_hour["spofs"]}
    for spof, detail in spofs.items():
        only = alone(journal, scenario, spof)
        expected = 0.0 if only is None else user_facing_minutes(graph, simulate(graph, only))
        assert detail["outage_minutes"] == pytest.approx(expected), spof
    assert spofs["route53"]["outage_minutes"] == pytest.approx(120.0)
    assert spofs["payments"]["outage_minutes"] == 0.0  # the scenario never takes it down


def test_mitigation_deltas_replay_the_scenario_with_the_change(dns_hour):
    route53 = mitigations_of(dns_hour, "route53")
    # A replica in us-west-2 behind a redundancy group: nothing user-facing goes down.
    assert route53["redundancy"]["whatif"]["minutes_saved"] == pytest.approx(120.0)
    # Serving stale DNS answers turns down into degraded: no user-facing down minute left.
    assert route53["serve-stale"]["whatif"]["minutes_saved"] == pytest.approx(120.0)
    api = mitigations_of(dns_hour, "api")
    # A second API still resolves through the same Route 53: it saves nothing here.
    assert api["redundancy"]["whatif"]["minutes_saved"] == 0.0


def test_mitigation_is_written_as_scenario_inputs():
    graph = load_graph(SHOP)
    scenario = load_scenario(DNS_HOUR, graph)
    change = Change(retarget=((("api", "payments"), "orders"),), soften=(("checkout", "api"),),
                    serve_stale=(("admin", "api"),))  # fmt: skip
    bigger, played = mitigated(graph, scenario, change, "test")
    assert bigger.components == graph.components
    (reroute,) = played.actions
    assert reroute.do.value == "reroute" and reroute.at == scenario.start
    assert (reroute.reroute.component, reroute.reroute.source, reroute.reroute.to) == (
        "api", "payments", "orders")  # fmt: skip
    sets = {(o.component, o.dependency): o.set for o in played.overrides}
    assert sets == {("checkout", "api"): {"type": "soft"}, ("admin", "api"): {"serve_stale": True}}
    assert played.faults == scenario.faults
    journal = simulate(bigger, played)
    assert journal.state_at("checkout", 600) == "degraded"  # soft now
    assert journal.state_at("admin", 600) == "degraded"  # served stale


def test_region_scenario_counts_only_what_the_engine_saves():
    data = report(SHOP, REGION)
    assert data["summary"]["region_outage_minutes"] == pytest.approx(180.0)
    iam = next(s for s in data["spofs"] if s["component"] == "iam")
    assert iam["outage_minutes"] == pytest.approx(180.0)
    # The back office runs in us-east-1 itself: no endpoint elsewhere brings it back.
    assert {m["whatif"]["minutes_saved"] for m in iam["mitigations"]} == {0.0}


def test_same_report_on_one_and_two_workers():
    one = blast("report", AWS, "--scenario", RACE, "-o", "-", "--format", "json")
    two = blast("report", AWS, "--scenario", RACE, "-o", "-", "--format", "json", "--workers", "2")
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert data["summary"]["region_outage_minutes"] > 0
    assert all(s["outage_minutes"] is not None for s in data["spofs"])
    assert all(
        m["whatif"]["minutes_saved"] is not None for s in data["spofs"] for m in s["mitigations"]
    )


def test_same_report_on_a_dask_cluster():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                           protocol="tcp://", host="127.0.0.1", dashboard_address=None)  # fmt: skip
    try:
        on_dask = blast("report", SHOP, "--scenario", DNS_HOUR, "-o", "-", "--format", "json",
                        "--scheduler", cluster.scheduler_address)  # fmt: skip
    finally:
        cluster.close(timeout=20)
    local = blast("report", SHOP, "--scenario", DNS_HOUR, "-o", "-", "--format", "json")
    assert on_dask.stdout == local.stdout


def test_without_a_scenario_minutes_are_not_available(tmp_path):
    data = json.loads(blast("report", SHOP, "-o", "-", "--format", "json").stdout)
    assert data["simulation"] is None and data["summary"]["region_outage_minutes"] is None
    assert all(s["outage_minutes"] is None for s in data["spofs"])
    for fmt in ("markdown", "html"):
        text = blast("report", SHOP, "-o", "-", "--format", fmt).stdout
        assert "Outage minutes are not available: no simulation was run." in text
        assert "n/a (no simulation)" in text


def test_markdown_and_html_show_the_simulated_minutes():
    for fmt in ("markdown", "html"):
        text = blast("report", SHOP, "--scenario", DNS_HOUR, "-o", "-", "--format", fmt).stdout
        assert "2 h 00 min" in text and "saves 2 h 00 min" in text
        assert "not available" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--figures", "tests/data/reports/shop-figures.json"], "give --scenario (simulate now)"),
        ([], None),
    ],
)
def test_bad_scenario_input_exits_2(tmp_path, args, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nkind: scenario\nfaults:\n  - {id: f, target: nowhere, "
                   "at: 2025-10-20T00:00:00Z}\n")  # fmt: skip
    scenario = DNS_HOUR if message else bad
    run = blast("report", SHOP, "--scenario", scenario, "-o", tmp_path / "r.json", *args, code=2)
    assert "Traceback" not in run.stderr
    if message:
        assert message in run.stderr
    else:
        assert f"{bad}:4:" in run.stderr and "nowhere" in run.stderr
