"""``blast exposure`` flags blind spots: monitors and status pages dark with what they watch.

Real CLI subprocesses on the shipped graphs and example stacks; what they say is
checked against the propagation itself (what is down, what each watcher watches).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blast.analysis.exposure import region_components
from blast.analysis.propagation import State, propagate
from blast.loading.loader import load_graph
from blast.reports.blindspots import watched_by, watchers
from tests.clirun import blast

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "graphs" / "examples").glob("*.yaml"))
AWS_2025 = ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"
AWS_2017 = ROOT / "graphs" / "aws-s3-us-east-1-2017-02-28.yaml"


def exposure_json(graph: Path, *args: str) -> dict:
    return json.loads(blast("exposure", graph, *args, "--json", "--full").stdout)


@pytest.mark.parametrize("graph", [*EXAMPLES, AWS_2025], ids=lambda p: p.stem)
def test_every_watcher_dark_with_what_it_watches_is_listed(graph):
    data = exposure_json(graph, "--region", "us-east-1")
    g = load_graph(graph)
    down = set(propagate(g, region_components(g, "us-east-1")).nodes_in(State.DOWN))
    expected = {
        w: sorted(x for x in watched_by(g, w) if x in down)
        for w in watchers(g)
        if w in down and any(x in down for x in watched_by(g, w))
    }
    found = {b["watcher"]: sorted(b["watched_down"]) for b in data["blind_spots"]}
    assert found == expected
    assert data["counts"]["blind_spots"] == len(expected)
    for b in data["blind_spots"]:
        assert b["watched_total"] == len(watched_by(g, b["watcher"]))
        assert b["path"][0] == b["watcher"]
        if b["cause"] == "component":
            shared = b["shared_dependency"]
            assert shared == b["shared"][0] and b["path"][-1] == shared
            alone = set(propagate(g, [shared]).nodes_in(State.DOWN))
            assert b["watcher"] in alone and alone & set(b["watched_down"])
        else:
            assert b["shared_dependency"] == "region us-east-1" and b["shared"] == []


def test_status_page_hosted_on_the_failed_endpoint_names_it():
    data = exposure_json(AWS_2025, "--region", "us-east-1")
    page = next(b for b in data["blind_spots"] if b["watcher"] == "status-page")
    assert page["cause"] == "component"
    assert page["shared_dependency"] == "aws.use1.dynamodb.endpoint"
    text = blast("exposure", AWS_2025, "--region", "us-east-1").stdout
    section = text.split("Blind spots: monitoring that goes dark together with what it watches")[1]
    assert "status-page" in section and "aws.use1.dynamodb.endpoint" in section


def test_2017_dashboard_goes_dark_with_the_s3_index_failed_alone():
    data = exposure_json(AWS_2017, "--component", "aws.use1.s3.index")
    (spot,) = data["blind_spots"]
    assert spot["watcher"] == "aws.health-dashboard.updates"
    assert spot["shared_dependency"] == "aws.use1.s3.index"
    assert spot["watched_down"] and spot["cause"] == "component"


def test_example_web_app_in_us_west_2_names_the_region_for_cloudwatch():
    graph = ROOT / "graphs" / "examples" / "web-app-us-west-2.yaml"
    data = exposure_json(graph, "--region", "us-east-1")
    cloudwatch = next(b for b in data["blind_spots"] if b["watcher"] == "aws.use1.cloudwatch")
    assert cloudwatch["cause"] == "region"
    assert (
        cloudwatch["watched_down"] and len(cloudwatch["watched_down"]) < cloudwatch["watched_total"]
    )
    text = blast("exposure", graph, "--region", "us-east-1").stdout
    assert "region us-east-1" in text.split("Blind spots")[1]


def test_shop_has_none_and_says_so():
    shop = ROOT / "graphs" / "examples" / "shop.yaml"
    assert exposure_json(shop, "--region", "us-east-1")["blind_spots"] == []
    text = blast("exposure", shop, "--region", "us-east-1").stdout
    assert text.rstrip().endswith("Blind spots: monitoring that goes dark together with what "
                                  "it watches\n  (none)")  # fmt: skip


def test_two_separate_failures_share_nothing(tmp_path):
    graph = tmp_path / "separate.yaml"
    graph.write_text(
        "version: 1\n"
        "components:\n"
        "  - {id: metrics-db, kind: database, region: eu-west-1}\n"
        "  - {id: app-db, kind: database, region: eu-west-1}\n"
        "  - {id: monitor, kind: monitoring, region: eu-west-1, depends_on: [metrics-db]}\n"
        "  - {id: app, kind: app, region: eu-west-1, user_facing: true,\n"
        "     depends_on: [app-db, {target: monitor, type: async}]}\n"
    )
    both = exposure_json(graph, "--component", "metrics-db", "--component", "app-db")
    assert both["blind_spots"] == []
    shared = tmp_path / "shared.yaml"
    shared.write_text(graph.read_text().replace("depends_on: [metrics-db]", "depends_on: [app-db]"))
    (spot,) = exposure_json(shared, "--component", "app-db")["blind_spots"]
    assert (spot["watcher"], spot["shared_dependency"], spot["watched_down"]) == (
        "monitor", "app-db", ["app"])  # fmt: skip
    assert spot["path"] == ["monitor", "app-db"]


@pytest.mark.parametrize("graph", [*EXAMPLES, AWS_2025, AWS_2017], ids=lambda p: p.stem)
def test_blind_spots_from_the_exposure_outcome_equal_a_fresh_propagation(graph):
    from blast.analysis.exposure import exposure
    from blast.reports.blindspots import blind_spots_in

    g = load_graph(graph)
    for region in g.regions:
        result = exposure(g, regions=(region,))
        assert result.outcome is not None
        reused = blind_spots_in(g, result.failed, result.regions, result.outcome)
        assert reused == blind_spots_in(g, result.failed, result.regions)
