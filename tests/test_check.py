"""``blast check``: exit codes, rules, JUnit and GitHub output, and the baseline ratchet.

The pull-request story runs the real CLI on two real graph files: ``main.yaml``
(the stack today, with known debts) and ``pr.yaml`` (the same stack after a change
that makes the API assume an IAM role, a control plane anchored in us-east-1, on
every request).
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from blast.analysis import build_index
from blast.check import Policy, run_check
from blast.check.rules import forbid_global_control_plane, forbid_region_hard, require_redundancy
from blast.model import Component, DependencyType, RedundancyGroup
from blast.model.graph import Graph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "check"
MAIN, PR, POLICY = DATA / "main.yaml", DATA / "pr.yaml", DATA / "policy.yaml"


def blast(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blast", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def new_fingerprints(run: subprocess.CompletedProcess[str]) -> set[str]:
    data = json.loads(run.stdout)
    return {f for rule in data["rules"] for f in rule["new"]}


def test_pull_request_story(tmp_path):
    baseline = tmp_path / "baseline.json"
    # Today's graph breaks the policy: its known debts.
    run = blast("check", MAIN, "--policy", POLICY, "--format", "json")
    assert run.returncode == 1, run.stderr
    debts = {"BLAST001:dns", "BLAST001:api", "BLAST005:status~dns"}
    assert new_fingerprints(run) == debts
    # Recorded as the baseline, they are accepted: main passes.
    run = blast("check", MAIN, "--policy", POLICY, "--baseline", baseline, "--update-baseline")
    assert run.returncode == 0 and "3 violations accepted" in run.stdout
    recorded = json.loads(baseline.read_text())
    assert [v["fingerprint"] for v in recorded["violations"]] == sorted(debts)
    run = blast("check", MAIN, "--policy", POLICY, "--baseline", baseline)
    assert run.returncode == 0, run.stdout
    assert "all rules hold" in run.stdout and "accepted by the baseline" in run.stdout
    # The pull request adds a hard dependency on a us-east-1 control plane: it fails,
    # on exactly what it adds.
    run = blast("check", PR, "--policy", POLICY, "--baseline", baseline, "--format", "json")
    assert run.returncode == 1
    assert new_fingerprints(run) == {
        "BLAST001:iam",
        "BLAST002:web@us-east-1",
        "BLAST003:web->iam",
    }
    text = blast("check", PR, "--policy", POLICY, "--baseline", baseline)
    assert "FAIL BLAST002 forbid-region-hard us-east-1: 1 new violation(s)" in text.stdout
    assert "tests/data/check/pr.yaml:21:6: BLAST002: web has a hard dependency on us-east-1: " \
        "web -> api -> iam" in text.stdout  # fmt: skip
    assert "FAIL BLAST005" not in text.stdout  # the old debt stays accepted
    # Accepting the change on purpose (a new baseline) lets it pass.
    blast("check", PR, "--policy", POLICY, "--baseline", baseline, "--update-baseline")
    assert blast("check", PR, "--policy", POLICY, "--baseline", baseline).returncode == 0


def test_rules_on_the_command_line_without_a_policy_file():
    run = blast("check", PR, "--forbid-region-hard", "us-east-1")
    assert run.returncode == 1
    assert "web has a hard dependency on us-east-1" in run.stdout
    assert blast("check", MAIN, "--forbid-region-hard", "us-east-1").returncode == 0
    assert blast("check", MAIN, "--forbid-global-control-plane").returncode == 0
    assert blast("check", PR, "--forbid-global-control-plane").returncode == 1
    assert blast("check", MAIN, "--max-spofs", "2").returncode == 0
    assert blast("check", MAIN, "--max-spofs", "1").returncode == 1


def test_junit_output(tmp_path):
    junit = tmp_path / "junit.xml"
    run = blast("check", PR, "--policy", POLICY, "--junit", junit)
    assert run.returncode == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "4"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {
        "max-spofs 0",
        "forbid-region-hard us-east-1",
        "forbid-global-control-plane",
        "require-redundancy database",
        "blind-spot",
    }
    assert cases["require-redundancy database"].find("failure") is None
    failure = cases["forbid-global-control-plane"].find("failure")
    assert failure is not None and failure.get("type") == "BLAST003"
    assert "web needs the global control plane iam (anchored in us-east-1)" in failure.text


def test_github_annotations():
    run = blast("check", PR, "--forbid-region-hard", "us-east-1", "--format", "github")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "::error file=tests/data/check/pr.yaml,line=21,col=6,title=BLAST002 "
        "forbid-region-hard us-east-1::web has a hard dependency on us-east-1: web -> api -> iam"
    ]
    ok = blast("check", MAIN, "--forbid-region-hard", "us-east-1", "--format", "github")
    assert ok.returncode == 0 and ok.stdout.startswith("::notice")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", DATA / "bad-policy.yaml"], "bad-policy.yaml:4:22: require_redundancy[0]: "
         "bad value 'databse' (did you mean 'database'?)"),
        (["--policy", DATA / "bad-policy.yaml"], "bad-policy.yaml:5:1: forbid_blind_spot: "
         "unknown field"),
        ([], "no rule to check"),
        (["--max-spofs", "0", "--baseline", "nowhere.json"], "baseline 'nowhere.json' does not "
         "exist; record one with --update-baseline"),
        (["--max-spofs", "0", "--update-baseline"], "--update-baseline needs --baseline FILE"),
        (["--require-redundancy", "databse"], "'databse' is not a kind"),
        (["--max-spofs", "-1"], "must be 0 or more"),
        (["--max-spofs", "0", "--baseline", DATA / "bad-baseline.json"],
         "bad-baseline.json:3:20: violations[0].fingerprint: 'not a fingerprint' is not a "
         "fingerprint"),
    ],
)  # fmt: skip
def test_bad_input_exits_2(args, message):
    run = blast("check", MAIN, *args)
    assert run.returncode == 2, run.stdout
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_fixed_violations_left_in_the_baseline_do_not_fail(tmp_path):
    baseline = tmp_path / "b.json"
    blast("check", PR, "--policy", POLICY, "--baseline", baseline, "--update-baseline")
    assert blast("check", MAIN, "--policy", POLICY, "--baseline", baseline).returncode == 0


def _graph(*parts: Component, groups: tuple[RedundancyGroup, ...] = ()) -> Graph:
    return Graph.from_parts(parts, groups)


def test_require_redundancy_respects_groups():
    a = Component(id="a", kind="database", region="r1")
    b = Component(id="b", kind="database", region="r2")
    web = Component(id="web", kind="app", region="r2", user_facing=True, depends_on=["db"])
    grouped = _graph(a, b, web, groups=(RedundancyGroup(id="db", members=("a", "b")),))
    assert require_redundancy(build_index(grouped), "database") == ()
    single = _graph(a, web.model_copy(update={"depends_on": (web.depends_on[0].model_copy(
        update={"target": "a"}),)}))  # fmt: skip
    found = require_redundancy(build_index(single), "database")
    assert [v.fingerprint for v in found] == ["BLAST004:a#database"]


def test_global_control_plane_only_when_it_alone_takes_users_down():
    cp = Component(id="cp", kind="identity", region="us-east-1", scope="global", plane="control")
    web = Component(id="web", kind="app", region="eu-west-1", user_facing=True,
                    depends_on=[{"target": "cp", "type": "soft"}])  # fmt: skip
    assert forbid_global_control_plane(build_index(_graph(cp, web))) == ()
    hard = web.model_copy(update={"depends_on": (web.depends_on[0].model_copy(
        update={"type": DependencyType.HARD}),)})  # fmt: skip
    found = forbid_global_control_plane(build_index(_graph(cp, hard)))
    assert [(v.fingerprint, v.path) for v in found] == [("BLAST003:web->cp", ("web", "cp"))]


def test_forbidden_region_absent_from_the_graph_holds():
    web = Component(id="web", kind="app", region="eu-west-1", user_facing=True)
    assert forbid_region_hard(build_index(_graph(web)), "us-east-1") == ()
    result = run_check(_graph(web), Policy(forbid_region_hard=("us-east-1",)))
    assert result.ok


def _keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def test_json_keys_are_documented():
    run = blast("check", PR, "--policy", POLICY, "--format", "json")
    docs = (ROOT / "docs" / "cli.md").read_text()
    section = docs[docs.index("## `blast check`") : docs.index("## `blast import`")]
    missing = sorted(k for k in _keys(json.loads(run.stdout)) if f"`{k}`" not in section)
    assert not missing, f"docs/cli.md, blast check: keys not explained: {missing}"


def test_a_graph_on_standard_input_is_located_in_it():
    """``blast check -``: standard input is read once, and the violations are located
    in the bytes read (``<stdin>:line:column``), the same lines and columns as the file's."""
    from_file = blast("check", PR, "--max-spofs", "0", "--format", "json")
    piped = subprocess.run(
        [sys.executable, "-m", "blast", "check", "-", "--max-spofs", "0", "--format", "json"],
        input=PR.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert piped.returncode == from_file.returncode == 1, piped.stderr
    name = str(PR.relative_to(ROOT))

    def located(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
        rules = json.loads(run.stdout)["rules"]
        return {v["fingerprint"]: v["location"] for r in rules for v in r["violations"]}

    expected = {f: at.replace(name, "<stdin>", 1) for f, at in located(from_file).items()}
    assert expected and all(at.startswith("<stdin>:") for at in expected.values())
    assert located(piped) == expected
