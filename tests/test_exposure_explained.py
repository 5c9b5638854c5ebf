"""Exposure answers that explain themselves, run for real on a cell-based stack (issue 13 §3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from blast.analysis.pairgroups import group_pairs

ROOT = Path(__file__).resolve().parent.parent
CELLS = "tests/data/valid/acme/cells.yaml"
SHOP = "graphs/examples/shop.yaml"


def blast(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "blast", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)


def blast_json(*args: str):
    run = blast(*args, "--json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def by_component(result) -> dict:
    return {e["component"]: e for e in result["user_facing"]}


def test_down_through_a_group_is_explained_by_every_member():
    result = by_component(blast_json("exposure", CELLS, "--component", "aws.route53"))
    web = result["acme.web"]
    assert web["state"] == "down"
    assert web["reasons"][0] == web["path"]
    assert sorted(web["reasons"]) == [
        ["acme.web", "acme.cells", "acme.cell.use1", "aws.use1.replica", "aws.use1.dns-record",
         "aws.route53"],
        ["acme.web", "acme.cells", "acme.cell.usw2", "aws.usw2.replica", "aws.usw2.dns-record",
         "aws.route53"],
    ]  # fmt: skip
    text = blast("exposure", CELLS, "--component", "aws.route53").stdout
    assert "acme.cells (all 2 members down: acme.cell.use1 -> " in text
    assert "; acme.cell.usw2 -> aws.usw2.replica -> aws.usw2.dns-record -> aws.route53" in text


def test_replication_lag_is_delayed_and_the_stack_behind_the_replica_is_safe():
    result = blast_json("exposure", CELLS, "--region", "us-east-1")
    states = {c: e["state"] for c, e in by_component(result).items()}
    # reports reads the us-west-2 replica (delayed: replication to us-east-1 queues up),
    # and its async mailer in us-east-1 is down: delayed, not degraded.
    assert states == {"acme.web": "degraded", "acme.reports": "delayed"}
    assert by_component(result)["acme.reports"]["queued"] == ["acme.mailer"]
    assert {"component": "aws.usw2.replica", "queued": ["aws.use1.replica"]} in result["delayed"]
    aws_only = blast_json("exposure", CELLS, "--region", "us-east-1", "--provider", "aws")
    assert by_component(aws_only)["acme.reports"]["state"] == "safe"
    assert aws_only["delayed"] == [
        {"component": "aws.usw2.replica", "queued": ["aws.use1.replica"]}
    ]
    assert aws_only["counts"]["delayed"] == 1


def test_region_given_twice_fails_both():
    both = blast_json("exposure", CELLS, "--region", "us-east-1", "--region", "us-west-2")
    assert both["regions"] == ["us-east-1", "us-west-2"]
    assert {"aws.use1.lb", "aws.usw2.lb"} <= set(both["failed"])
    assert by_component(both)["acme.web"]["state"] == "down"
    west = blast_json("exposure", CELLS, "--region", "us-west-2")
    assert by_component(west)["acme.web"]["state"] == "degraded"


def test_provider_filter_fails_only_that_providers_components_of_the_region():
    result = blast_json("exposure", CELLS, "--region", "us-east-1", "--provider", "AWS")
    assert result["providers"] == ["aws"]
    assert set(result["failed"]) == {
        "aws.iam", "aws.organizations", "aws.use1.dns-record", "aws.use1.lb", "aws.use1.replica"
    }  # fmt: skip
    everything = blast_json("exposure", CELLS, "--region", "us-east-1")
    assert {"acme.cell.use1", "acme.mailer"} <= set(everything["failed"])


def test_global_anchors_listed_are_those_user_facing_components_reach():
    result = blast_json("exposure", CELLS, "--region", "us-east-1")
    assert result["anchored_global"] == ["aws.iam"]  # not aws.organizations: nothing reaches it
    assert result["counts"]["global_failed"] == 2
    text = blast("exposure", CELLS, "--region", "us-east-1").stdout
    assert "reach: aws.iam\n" in text
    assert "1 other global service failed, reached by no user-facing component" in text
    given = blast_json("exposure", CELLS, "--component", "aws.route53")
    assert given["anchored_global"] == ["aws.route53"]  # global, failed with --component


def test_order_2_pairs_are_grouped_by_shared_reason_and_top_expands_them():
    report = blast_json("spof", CELLS)
    web = next(cs for cs in report["cut_sets"] if cs["component"] == "acme.web")
    assert web["pairs_count"] == 16
    [group] = web["pair_groups"]
    assert (group["left_region"], group["right_region"]) == ("us-east-1", "us-west-2")
    assert group["left_count"] * group["right_count"] == group["pairs"] == 16
    pairs = {tuple(p) for p in web["pairs"]}
    assert pairs == {tuple(sorted((a, b))) for a in group["left"] for b in group["right"]}
    short = blast("spof", CELLS, "--top", "2").stdout
    assert (
        "any of 4 (us-east-1: acme.cell.use1, aws.use1.dns-record, ... 2 more) × any of 4" in short
    )
    long = blast("spof", CELLS, "--top", "10").stdout
    assert "aws.use1.lb, aws.use1.replica) × any of 4 (us-west-2: acme.cell.usw2," in long


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh"))))
def test_pair_groups_are_products_that_cover_exactly_the_pairs(raw):
    pairs = {(min(a, b), max(a, b)) for a, b in raw if a != b}
    groups = group_pairs(sorted(pairs))
    covered = set()
    for g in groups:
        product = {(min(a, b), max(a, b)) for a in g.left for b in g.right}
        assert product <= pairs  # every pair a group stands for is a real pair
        covered |= product
    assert covered == pairs


def test_spof_report_lists_components_that_only_degrade_user_facing_ones():
    report = blast_json("spof", SHOP)
    degraders = {d["component"]: d for d in report["degraders"]}
    assert set(degraders) == {"orders-use1", "orders-usw2"}
    assert degraders["orders-use1"]["user_facing_degraded"] == ["admin", "checkout"]
    assert not set(degraders) & {s["component"] for s in report["spofs"]}
    assert report["counts"]["degraders"] == 2
    text = blast("spof", SHOP).stdout
    section = text.split("Degrade only")[1].split("Per user-facing")[0]
    assert "orders-use1" in section and "route53" not in section


def test_long_chains_are_explained_without_recursion_and_elided_in_text():
    from blast.analysis.explain import render
    from blast.analysis.exposure import exposure
    from blast.model import Component, RedundancyGroup
    from blast.model.graph import Graph

    n = 5000  # deeper than Python's recursion limit
    chain = [Component(id="c0", kind="database")]
    chain += [Component(id=f"c{i}", kind="api", depends_on=[f"c{i - 1}"]) for i in range(1, n)]
    chain += [
        Component(id="other", kind="database", depends_on=[f"c{n - 1}"]),
        Component(id="web", kind="app", user_facing=True, depends_on=["pool"]),
    ]
    graph = Graph.from_parts(chain, [RedundancyGroup(id="pool", members=(f"c{n - 1}", "other"))])
    [web] = exposure(graph, components=["c0"]).exposures
    assert web.state == "down" and len(web.reasons) == 2
    assert {r[2] for r in web.reasons} == {f"c{n - 1}", "other"}
    text = render(graph, list(web.reasons))
    assert text.startswith("pool (all 2 members down: c4999 -> c4998 -> c4997 -> ... 4994 more")
    assert text.endswith("c2 -> c1 -> c0 (failed))")
