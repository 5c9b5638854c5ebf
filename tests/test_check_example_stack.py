"""``blast check`` as a CI gate on a copy of a shipped example stack.

The pull request of the issue's "Done means": the web app in us-west-2 gains a
hard dependency on a us-east-1 control plane. Against the baseline recorded on
the stack as it is, the check passes before the change and fails after it,
naming the new violation, in text, JSON and JUnit; accepting it on purpose
(``--update-baseline``) makes it pass again.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.clirun import blast


def blast_any(*args: str | Path):
    """The check, whatever its exit code (the test asserts it)."""
    return blast(*args, code=None, timeout=180)


ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "graphs" / "examples" / "web-app-us-west-2.yaml"
ANCHOR = "      - {target: acme.signin, purpose: a signed-in customer}\n"
RULES = ["--forbid-region-hard", "us-east-1", "--forbid-global-control-plane"]


@pytest.mark.parametrize(
    ("control_plane", "rules"),
    [
        ("aws.iam", {"BLAST002", "BLAST003"}),  # global, anchored in us-east-1
        ("aws.use1.ec2.launch", {"BLAST002"}),  # regional, in us-east-1
    ],
)
def test_pull_request_adding_a_us_east_1_control_plane_fails_against_the_baseline(
    tmp_path, control_plane, rules
):
    stack = tmp_path / "stack.yaml"
    shutil.copy(STACK, stack)
    baseline = tmp_path / "baseline.json"
    # Today's stack has known debts (the partner feed and the back office hang on us-east-1).
    assert blast_any("check", stack, *RULES).returncode == 1
    run = blast_any("check", stack, *RULES, "--baseline", baseline, "--update-baseline")
    assert run.returncode == 0, run.stderr
    assert blast_any("check", stack, *RULES, "--baseline", baseline).returncode == 0

    text = stack.read_text()
    assert text.count(ANCHOR) == 1, "the example's checkout block changed: update ANCHOR"
    edge = f"      - {{target: {control_plane}, type: hard, purpose: a call on every checkout}}\n"
    stack.write_text(text.replace(ANCHOR, ANCHOR + edge))
    junit = tmp_path / "junit.xml"
    run = blast_any("check", stack, *RULES, "--baseline", baseline, "--junit", junit)
    assert run.returncode == 1, run.stderr
    assert "acme.checkout" in run.stdout
    data = json.loads(
        blast_any("check", stack, *RULES, "--baseline", baseline, "--format", "json").stdout
    )
    broken = {r["code"] for r in data["rules"] if r["new"]}
    assert broken == rules
    new = [v for r in data["rules"] for v in r["violations"] if v["fingerprint"] in r["new"]]
    assert new and all("acme.checkout" in json.dumps(v) for v in new)
    failures = [
        c for c in ET.parse(junit).getroot().iter("testcase") if c.find("failure") is not None
    ]
    assert failures and all("acme.checkout" in c.find("failure").text for c in failures)

    run = blast_any("check", stack, *RULES, "--baseline", baseline, "--update-baseline")
    assert run.returncode == 0
    assert blast_any("check", stack, *RULES, "--baseline", baseline).returncode == 0
