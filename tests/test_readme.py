"""The README's examples run as written."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, re.DOTALL)


def test_readme_starts_with_exactly_two_setup_commands():
    first = BLOCKS[0]
    assert first[1].strip().splitlines() == ["make dashboard", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_cli_examples_run():
    lines = [
        line.split("#")[0].strip()
        for _, body in BLOCKS
        for line in body.splitlines()
        if line.startswith(".venv/bin/blast ")
    ]
    assert len(lines) >= 5
    for line in lines:
        args = shlex.split(line)[1:]
        run = subprocess.run(
            [sys.executable, "-m", "blast", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert run.returncode == 0, (line, run.stderr)


def test_python_example_runs_and_its_comments_hold(monkeypatch):
    """Each line runs; a comment that starts with a tuple is the line's value."""
    monkeypatch.chdir(ROOT)
    code = next(body for lang, body in BLOCKS if lang == "python")
    namespace: dict[str, object] = {}
    checked = 0
    for line in code.splitlines():
        statement, _, expected = line.partition("  # ")
        if not statement.strip():
            continue
        if expected.startswith("(") and "=" not in statement:
            value = eval(statement, namespace)
            assert repr(value) == expected.split(" in ")[0].strip(), line
            checked += 1
        else:
            exec(statement, namespace)
    assert checked == 2


def test_the_printed_spof_report_is_the_real_one():
    """The README's `make report` excerpt (header and SPOF table) is what the CLI prints now."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "blast",
            "spof",
            "graphs/aws-us-east-1-2025-10-20.yaml",
            "--top",
            "5",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    head = run.stdout.split("\n\nPer user-facing component")[0]
    assert head in README, "README's spof excerpt is stale: paste the new output"
