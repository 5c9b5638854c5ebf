"""The example stacks of graphs/examples/ give the answers their notes say an expert expects.

Each case runs the real CLI on a real example file and pins, for every user-facing
component, its state and the path that explains it (the failed component it ends at).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "graphs" / "examples"
USE1 = "graphs/examples/web-app-us-east-1.yaml"
USW2 = "graphs/examples/web-app-us-west-2.yaml"
ACTIVE = "graphs/examples/active-active.yaml"

SAFE = ("safe", ())


def blast_json(*args: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "blast", *args, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def outcome(*args: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """State and path (without the component itself) of every user-facing component."""
    data = blast_json("exposure", *args)
    return {u["component"]: (u["state"], tuple(u["path"][1:])) for u in data["user_facing"]}


CASES = {
    "use1-region": (
        [USE1, "--region", "us-east-1"],
        {
            "acme.web": ("down", ()),
            "acme.checkout": ("down", ()),
            "acme.signin": ("down", ()),
            "acme.order-emails": ("down", ()),
        },
    ),
    "use1-dns-record": (
        [USE1, "--component", "aws.use1.dynamodb.dns-record"],
        {
            "acme.web": (
                "down",
                ("acme.api", "aws.use1.dynamodb.endpoint", "aws.use1.dynamodb.dns-record"),
            ),
            "acme.checkout": (
                "down",
                ("acme.api", "aws.use1.dynamodb.endpoint", "aws.use1.dynamodb.dns-record"),
            ),
            "acme.order-emails": (
                "delayed",
                ("acme.order-worker", "aws.use1.dynamodb.endpoint", "aws.use1.dynamodb.dns-record"),
            ),
            "acme.signin": SAFE,
        },
    ),
    "use1-launches": (
        [USE1, "--component", "aws.use1.ec2.launch"],
        {
            "acme.web": ("degraded", ("acme.api", "aws.use1.fargate", "aws.use1.ec2.launch")),
            "acme.checkout": ("degraded", ("acme.api", "aws.use1.fargate", "aws.use1.ec2.launch")),
            "acme.order-emails": SAFE,  # only the SQS poller queues (delayed); delays do not spread
            "acme.signin": SAFE,
        },
    ),
    "use1-one-zone": (
        [USE1, "--component", "acme.api.az1"],
        {
            "acme.web": ("degraded", ("acme.api", "acme.api.tasks", "acme.api.az1")),
            "acme.checkout": ("degraded", ("acme.api", "acme.api.tasks", "acme.api.az1")),
            "acme.order-emails": SAFE,
            "acme.signin": SAFE,
        },
    ),
    "usw2-loses-use1": (
        [USW2, "--region", "us-east-1"],
        {
            "acme.admin": ("down", ("aws.use1.identity-center",)),
            "acme.partner-feed": ("down", ("aws.sts.global",)),
            "acme.web": SAFE,
            "acme.checkout": SAFE,
            "acme.signin": SAFE,
            "acme.order-emails": SAFE,
        },
    ),
    "usw2-loses-usw2": (
        [USW2, "--region", "us-west-2"],
        {
            "acme.admin": ("down", ()),
            "acme.partner-feed": ("down", ("aws.usw2.dynamodb.endpoint",)),
            "acme.web": ("down", ()),
            "acme.checkout": ("down", ()),
            "acme.signin": ("down", ()),
            "acme.order-emails": ("down", ()),
        },
    ),
    "active-loses-use1": (
        [ACTIVE, "--region", "us-east-1"],
        {
            "acme.web": ("degraded", ("acme.cells", "acme.cell.use1")),
            "acme.checkout": ("degraded", ("acme.cells", "acme.cell.use1")),
            "acme.status": SAFE,
        },
    ),
    "active-loses-usw2": (
        [ACTIVE, "--region", "us-west-2"],
        {
            "acme.web": ("degraded", ("acme.cells", "acme.cell.usw2")),
            "acme.checkout": ("degraded", ("acme.cells", "acme.cell.usw2")),
            "acme.status": ("down", ()),
        },
    ),
    "active-sts-global": (
        [ACTIVE, "--component", "aws.sts.global"],
        {"acme.web": SAFE, "acme.checkout": SAFE, "acme.status": SAFE},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_exposure_matches_the_expert_note(case):
    args, expected = CASES[case]
    assert outcome(*args) == expected


def test_the_us_west_2_app_loses_its_deploys_to_the_us_east_1_control_planes():
    for control_plane in ("aws.cloudfront.control-plane", "aws.route53.control-plane"):
        radius = blast_json("radius", USW2, control_plane)
        assert [c for c in radius["down"] if c.startswith("acme.")] == ["acme.deploys"]
        assert radius["user_facing_down"] == []
        customers = {"acme.web", "acme.checkout", "acme.signin", "acme.order-emails"}
        assert not customers & set(radius["user_facing_degraded"])


def test_the_active_active_storefront_has_no_single_point_of_failure_in_either_region():
    report = blast_json("spof", ACTIVE)
    per_component = {c["component"]: c for c in report["cut_sets"]}
    assert per_component["acme.web"]["spofs"] == []
    assert per_component["acme.checkout"]["spofs"] == []
    assert ["acme.cell.use1", "acme.cell.usw2"] in per_component["acme.web"]["pairs"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_has_an_expert_note_and_uses_prefixed_ids(path):
    text = path.read_text(encoding="utf-8")
    if "catalog:aws" in text:
        assert "What an expert expects" in text
        assert "tests/test_examples.py" in text
        data = blast_json("validate", str(path.relative_to(ROOT)))
        assert data["valid"] is True
        own = [line.split("id:")[1].strip() for line in text.splitlines() if "- id:" in line]
        assert own and all(i.startswith("acme.") for i in own)
