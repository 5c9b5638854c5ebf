"""Stored answers of ``blast check``, ``report`` and ``export`` (:mod:`blast.cli.answers`):
the same bytes and exit code as a computed run, a new computation when a file the
command reads changed, and the files a run writes written every time.

Every run is the real CLI in a subprocess with a private cache directory, on real
files. A stored answer is proved to be *read* by replacing its bytes (with a valid
checksum) and seeing them printed; proved *not* to be read by getting the freshly
computed output instead.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from blast.cli import answers
from tests.test_answers import ROOT, SHOP, _forge, _run

CHECK_DATA = ROOT / "tests" / "data" / "check"
SCENARIO = ROOT / "graphs" / "scenarios" / "shop-region-failover.yaml"
FIGURES = """\
source: a test's figures
region_outage_minutes: {checkout: 42, admin: 180}
spof_outage_minutes: {route53: 12.5, iam: 3}
"""


def _stored(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"*{answers.SUFFIX}"))


def _same_as_computed(argv: list[str], cache: Path, code: int, cwd: Path = ROOT) -> Path:
    """Run ``argv`` without the store, then twice with it: the same stdout and exit code
    each time, stderr empty; the one answer stored is what the third run printed."""
    fresh = _run([*argv, "--no-cache"], cache, cwd)
    assert (fresh.returncode, fresh.stderr) == (code, ""), fresh.stderr
    assert fresh.stdout
    assert not _stored(cache)  # --no-cache stores nothing
    first = _run(argv, cache, cwd)
    (stored,) = _stored(cache)
    second = _run(argv, cache, cwd)
    for run in (first, second):
        assert (run.returncode, run.stdout, run.stderr) == (code, fresh.stdout, "")
    _forge(stored, b"forged\n", code)
    served = _run(argv, cache, cwd)
    assert (served.returncode, served.stdout) == (code, "forged\n")  # the stored answer
    bypassed = _run([*argv, "--no-cache"], cache, cwd)
    assert (bypassed.returncode, bypassed.stdout) == (code, fresh.stdout)
    return stored


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["check", "GRAPH", "--max-spofs", "0"], 1),  # a broken rule: exit 1 is the answer
        (["check", "GRAPH", "--max-spofs", "9", "--format", "json"], 0),
        (["check", "GRAPH", "--forbid-region-hard", "us-east-1", "--format", "github"], 1),
        (["report", "GRAPH", "-o", "-"], 0),
        (["report", "GRAPH", "-o", "-", "--format", "json", "--top", "2"], 0),
        (["export", "GRAPH", "--format", "dot"], 0),
        (["export", "GRAPH", "--format", "json", "-o", "-"], 0),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_stored_answers_equal_computed_ones_exit_code_included(argv, code, tmp_path):
    argv = [str(SHOP) if a == "GRAPH" else a for a in argv]
    _same_as_computed(argv, tmp_path / "cache", code)


def test_a_changed_policy_is_checked_afresh(tmp_path):
    cache = tmp_path / "cache"
    policy = tmp_path / "policy.yaml"
    shutil.copy(CHECK_DATA / "policy.yaml", policy)
    argv = ["check", str(CHECK_DATA / "main.yaml"), "--policy", str(policy), "--format", "json"]
    _same_as_computed(argv, cache, 1)  # leaves a forged answer behind
    policy.write_text("version: 1\nmax_spofs: 1000\n", encoding="utf-8")
    relaxed = _run(argv, cache)
    assert (relaxed.returncode, relaxed.stderr) == (0, "")
    assert json.loads(relaxed.stdout)["ok"] is True
    assert relaxed.stdout == _run([*argv, "--no-cache"], cache).stdout
    assert len(_stored(cache)) == 2  # one answer per policy's bytes
    shutil.copy(CHECK_DATA / "policy.yaml", policy)  # the first bytes again: their answer
    assert _run(argv, cache).stdout == "forged\n"


def test_a_baseline_is_keyed_by_its_bytes_and_update_baseline_always_writes(tmp_path):
    cache = tmp_path / "cache"
    baseline = tmp_path / "baseline.json"
    policy = ["--policy", str(CHECK_DATA / "policy.yaml")]
    graph = str(CHECK_DATA / "main.yaml")
    update = ["check", graph, *policy, "--baseline", str(baseline), "--update-baseline"]
    for _ in range(2):  # a run that writes a file is computed each time, and not stored
        baseline.unlink(missing_ok=True)
        wrote = _run(update, cache)
        assert (wrote.returncode, wrote.stderr) == (0, "") and wrote.stdout.startswith("wrote ")
        assert json.loads(baseline.read_text(encoding="utf-8"))
        assert not _stored(cache)
    argv = ["check", graph, *policy, "--baseline", str(baseline)]
    _same_as_computed(argv, cache, 0)  # every violation accepted
    accepted = json.loads(baseline.read_text(encoding="utf-8"))
    baseline.write_text(json.dumps({**accepted, "violations": []}), encoding="utf-8")
    emptied = _run(argv, cache)
    assert emptied.returncode == 1  # nothing accepted any more: computed again
    assert emptied.stdout == _run([*argv, "--no-cache"], cache).stdout != "forged\n"
    baseline.unlink()  # a missing baseline is bad input, never an answer
    missing = _run(argv, cache)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert len(_stored(cache)) == 2


def test_junit_is_written_on_every_run_and_never_served(tmp_path):
    cache = tmp_path / "cache"
    argv = ["check", str(SHOP), "--max-spofs", "0"]
    _same_as_computed(argv, cache, 1)  # a forged answer for these options without --junit
    junit = tmp_path / "report.xml"
    fresh = _run([*argv, "--no-cache", "--junit", str(junit)], cache)
    expected = junit.read_bytes()
    junit.unlink()
    for _ in range(2):
        run = _run([*argv, "--junit", str(junit)], cache)
        assert (run.returncode, run.stdout) == (1, fresh.stdout)  # computed, not "forged"
        assert junit.read_bytes() == expected
        junit.unlink()
    assert len(_stored(cache)) == 1


def test_a_report_to_a_file_is_written_on_every_run(tmp_path):
    cache = tmp_path / "cache"
    _same_as_computed(["report", str(SHOP), "-o", "-", "--format", "markdown"], cache, 0)
    out = tmp_path / "report.md"
    expected = _run(["report", str(SHOP), "-o", "-", "--no-cache"], cache).stdout
    for _ in range(2):
        run = _run(["report", str(SHOP), "-o", str(out)], cache)
        assert run.returncode == 0 and run.stdout.startswith(f"wrote {out} (markdown)")
        assert out.read_text(encoding="utf-8") == expected
        out.unlink()
    assert len(_stored(cache)) == 1


def test_changed_scenario_and_figures_are_reported_afresh(tmp_path):
    cache = tmp_path / "cache"
    scenario = tmp_path / "scenario.yaml"
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "graph: ../examples/shop.yaml", f"graph: {SHOP}"
    )
    scenario.write_text(text, encoding="utf-8")
    argv = ["report", str(SHOP), "-o", "-", "--format", "json", "--scenario", str(scenario)]
    _same_as_computed(argv, cache, 0)
    assert "T03:00:00" in text
    scenario.write_text(text.replace("T03:00:00", "T01:00:00"), encoding="utf-8")
    shorter = _run(argv, cache)
    assert shorter.returncode == 0 and shorter.stdout != "forged\n"
    assert shorter.stdout == _run([*argv, "--no-cache"], cache).stdout

    figures = tmp_path / "figures.yaml"
    figures.write_text(FIGURES, encoding="utf-8")
    argv = ["report", str(SHOP), "-o", "-", "--format", "json", "--figures", str(figures)]
    first = _run(argv, cache)
    assert first.returncode == 0, first.stderr
    assert _run(argv, cache).stdout == first.stdout
    figures.write_text(FIGURES.replace("42", "43"), encoding="utf-8")
    changed = _run(argv, cache)
    assert changed.returncode == 0 and changed.stdout != first.stdout
    assert changed.stdout == _run([*argv, "--no-cache"], cache).stdout


def test_an_export_to_a_file_is_written_on_every_run(tmp_path):
    cache = tmp_path / "cache"
    argv = ["export", str(SHOP), "--format", "mermaid"]
    _same_as_computed(argv, cache, 0)
    out = tmp_path / "shop.mmd"
    expected = _run([*argv, "--no-cache"], cache).stdout
    for _ in range(2):
        run = _run([*argv, "-o", str(out)], cache)
        assert (run.returncode, run.stdout) == (0, "")
        assert out.read_text(encoding="utf-8") == expected
        out.unlink()
    assert len(_stored(cache)) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "GRAPH", "--max-spofs", "0"],
        ["report", "GRAPH", "-o", "-"],
        ["export", "GRAPH", "--format", "dot"],
    ],
    ids=lambda v: v[0],
)
def test_a_stored_answer_imports_no_analysis(argv, tmp_path):
    cache = tmp_path / "cache"
    argv = [str(SHOP) if a == "GRAPH" else a for a in argv]
    code = _run(argv, cache).returncode
    run = _run(argv, cache, importtime=True)
    assert run.returncode == code and _stored(cache)
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines()}
    assert "blast.cli.answers" in imported
    assert not {"numpy", "networkx", "pydantic", "yaml", "orjson"} & imported
    assert not any(
        name.startswith(("blast.analysis", "blast.check.", "blast.reports.", "blast.interop."))
        for name in imported
    )
