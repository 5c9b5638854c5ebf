"""The CLI run for real (subprocess) on the shipped graphs."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from blast.loading.loader import load_graph

ROOT = Path(__file__).resolve().parent.parent
INCIDENT = "graphs/aws-us-east-1-2025-10-20.yaml"
SHOP = "graphs/examples/shop.yaml"
DNS_RECORD = "aws.use1.dynamodb.dns-record"


def blast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blast", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def blast_json(*args: str):
    run = blast(*args, "--json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_dns_record_is_a_spof_of_every_user_facing_app():
    report = blast_json("spof", INCIDENT)
    graph = load_graph(ROOT / INCIDENT)
    # Every user-facing component of this graph is hosted on AWS (apps, the status page).
    aws_hosted = graph.user_facing
    assert len(aws_hosted) == 13
    by_component = {cs["component"]: cs for cs in report["cut_sets"]}
    for app in aws_hosted:
        assert DNS_RECORD in by_component[app]["spofs"], app
    top = next(s for s in report["spofs"] if s["component"] == DNS_RECORD)
    assert sorted(top["user_facing_down"]) == sorted(graph.user_facing)
    assert report["articulation_points"]


def test_spof_text_report_shows_spofs_and_articulation_points():
    run = blast("spof", INCIDENT)
    assert run.returncode == 0, run.stderr
    assert DNS_RECORD in run.stdout
    assert "13 of 13" in run.stdout
    assert "Articulation points" in run.stdout


def test_exposure_lists_every_user_facing_component_with_state_and_path():
    result = blast_json("exposure", INCIDENT, "--region", "us-east-1", "--full")
    graph = load_graph(ROOT / INCIDENT)
    listed = {e["component"]: e for e in result["user_facing"]}
    assert set(listed) == set(graph.user_facing)
    failed = set(result["failed"])
    for entry in listed.values():
        assert entry["state"] in {"down", "degraded", "delayed", "safe"}
        if entry["state"] == "safe":
            assert entry["path"] == []
            continue
        path = entry["path"]
        assert path[0] == entry["component"] and path[-1] in failed
        for dependent, needed in itertools.pairwise(path):
            assert needed in graph.digraph.successors(dependent)
        assert entry["reasons"][0] == path
    # Global services anchored in us-east-1 fail; only those a user-facing component reaches
    # are listed, the others counted.
    assert set(result["anchored_global"]) <= set(failed)
    assert result["counts"]["global_failed"] >= len(result["anchored_global"])
    assert result["states"]["down"] == len(graph.user_facing)


def test_exposure_of_a_redundant_stack_distinguishes_states():
    west = blast_json("exposure", SHOP, "--region", "us-west-2")
    states = {e["component"]: e["state"] for e in west["user_facing"]}
    assert states == {"checkout": "down", "admin": "down"}
    orders_only = blast_json("exposure", SHOP, "--component", "orders-use1")
    states = {e["component"]: e["state"] for e in orders_only["user_facing"]}
    assert states == {"checkout": "degraded", "admin": "degraded"}
    payments = blast_json("exposure", SHOP, "--region", "eu-west-1")
    assert {e["state"] for e in payments["user_facing"]} == {"down"}


def test_radius_json_counts_match_lists():
    radius = blast_json("radius", SHOP, "route53")
    assert set(radius["down"]) == {"orders-use1", "orders-usw2", "api", "checkout", "admin"}
    assert radius["counts"]["down"] == len(radius["down"])
    assert set(radius["user_facing_down"]) == {"checkout", "admin"}
    one_replica = blast_json("radius", SHOP, "orders-use1")
    assert one_replica["down"] == []
    assert set(one_replica["degraded"]) == {"api", "checkout", "admin"}


def test_spof_respects_redundancy_and_reports_pairs():
    report = blast_json("spof", SHOP)
    checkout = next(cs for cs in report["cut_sets"] if cs["component"] == "checkout")
    assert "orders-use1" not in checkout["spofs"]
    assert ["orders-use1", "orders-usw2"] in checkout["pairs"]
    assert checkout["pairs_complete"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("radius", SHOP, "paymnts"), "no component named 'paymnts' (did you mean 'payments'?)"),
        (("radius", SHOP, "orders"), "'orders' is a redundancy group, not a component"),
        (("exposure", SHOP, "--component", "orders"), "orders-use1, orders-usw2"),
        (("exposure", SHOP, "--region", "us-east-l"), "did you mean 'us-east-1'?"),
        (("exposure", SHOP, "--provider", "aws"), "give --region too"),
        (("exposure", SHOP, "--region", "us-east-1", "--provider", "awz"), "did you mean 'aws'?"),
        (("exposure", SHOP, "--region", "mars-1"), "regions in this graph"),
        (("exposure", SHOP), "nothing to fail"),
        (("spof", "graphs/nope.yaml"), "no such file"),
        (("spof", SHOP, "--top", "0"), "must be at least 1"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message):
    run = blast(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_validate_ok_and_json():
    run = blast("validate", INCIDENT, SHOP)
    assert run.returncode == 0
    assert run.stdout.startswith("ok: 126 components")
    summary = blast_json("validate", SHOP)
    assert summary["valid"] is True and summary["components"] == 9


def test_radius_of_every_component_matches_single_radii():
    table = blast_json("radius", SHOP)["components"]
    assert len(table) == 9
    assert set(table[0]) == {
        "component",
        "name",
        "kind",
        "region",
        "down",
        "degraded",
        "user_facing_down",
        "user_facing_degraded",
        "delayed",
        "user_facing_delayed",
    }
    for row in table:
        single = blast_json("radius", SHOP, row["component"])
        assert row["down"] == single["counts"]["down"]
        assert row["degraded"] == single["counts"]["degraded"]
        assert row["user_facing_down"] == single["counts"]["user_facing_down"]
        assert row["delayed"] == single["counts"]["delayed"]
    ranked = [(-r["user_facing_down"], -r["down"]) for r in table]
    assert ranked == sorted(ranked)
    text = blast("radius", SHOP, "--top", "2")
    assert text.returncode == 0 and "7 more" in text.stdout


def test_spof_says_when_nothing_is_user_facing(tmp_path):
    graph = tmp_path / "g.yaml"
    graph.write_text(
        "components:\n  - {id: a, kind: app}\n  - {id: b, kind: api, depends_on: [a]}\n"
    )
    run = blast("spof", str(graph))
    assert run.returncode == 0
    assert "No component is marked `user_facing: true`" in run.stdout
