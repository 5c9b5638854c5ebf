"""One fixture per failure mode; each says in ``# expect:`` lines what must be reported.

An expect line is ``LINE:COLUMN: KEY: MESSAGE``: a problem must stand at exactly
that line and column, name that key, and contain that message. The number of
problems must equal the number of expect lines, so every error in a file is
reported, and nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from blast.errors import GraphFileError
from blast.loading import yamlsource
from blast.loading.loader import load_graph, validate_files

ROOT = Path(__file__).resolve().parent.parent
INVALID = Path("tests/data/invalid")
FIXTURES = sorted(p.name for p in (ROOT / INVALID).glob("*.yaml"))
EXPECT = re.compile(rb"^# expect: (\d+):(\d+): ([^:]*): (.*)$", re.MULTILINE)
EXPECT_IN = re.compile(rb"^# expect-in: (.*)$", re.MULTILINE)
ENV = re.compile(rb"^# env: (\w+)=(.*)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def expectations(name: str) -> list[tuple[int, int, str, str]]:
    found = EXPECT.findall((ROOT / INVALID / name).read_bytes())
    return [(int(a), int(b), k.decode(), m.decode()) for a, b, k, m in found]


def test_every_fixture_states_expectations():
    assert len(FIXTURES) >= 25
    for name in FIXTURES:
        assert expectations(name), f"{name} has no '# expect:' line"


def fixture_env(name: str) -> dict[str, str]:
    """Environment a fixture asks for with ``# env: NAME=value`` lines."""
    found = ENV.findall((ROOT / INVALID / name).read_bytes())
    return {k.decode(): v.decode() for k, v in found}


def reported_in(name: str) -> str:
    """The file the problems stand in: the fixture, unless it says ``# expect-in:``."""
    found = EXPECT_IN.search((ROOT / INVALID / name).read_bytes())
    return found.group(1).decode() if found else str(INVALID / name)


@pytest.mark.parametrize("name", FIXTURES)
def test_invalid_file_is_reported_exactly(name, monkeypatch):
    for key, value in fixture_env(name).items():
        monkeypatch.setenv(key, value)
    path = INVALID / name
    problems = validate_files([path])
    expected = expectations(name)
    shown = "\n".join(map(str, problems))
    assert len(problems) == len(expected), shown
    for line, column, key, message in expected:
        assert any(
            p.location.file == reported_in(name)
            and p.location.line == line
            and p.location.column == column
            and p.key == key
            and message in p.message
            for p in problems
        ), f"expected {line}:{column}: {key}: {message}\ngot:\n{shown}"
    for p in problems:
        assert str(p).startswith(f"{p.location.file}:{p.location.line}:{p.location.column}: ")
    with pytest.raises(GraphFileError):
        load_graph(path)


@pytest.mark.parametrize("name", FIXTURES)
def test_cli_validate_exits_2_without_traceback(name):
    cmd = [sys.executable, "-m", "blast", "validate", str(INVALID / name)]
    env = {**os.environ, **fixture_env(name)}
    run = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    line, column, _, message = expectations(name)[0]
    assert f"{reported_in(name)}:{line}:{column}: " in run.stderr
    assert message in run.stderr


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.yaml"
    filler = "# padding\n" * (yamlsource.MAX_FILE_BYTES // 10 + 1)
    big.write_text("components: []\n" + filler)
    run = subprocess.run(
        [sys.executable, "-m", "blast", "validate", str(big)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert f"the limit is {yamlsource.MAX_FILE_BYTES:,}" in run.stderr


def test_a_bad_size_limit_in_the_environment_is_bad_input(tmp_path):
    env = {**os.environ, "BLAST_MAX_FILE_BYTES": "lots"}
    cmd = [sys.executable, "-m", "blast", "validate", "graphs/examples/shop.yaml"]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    assert run.returncode == 2
    assert "BLAST_MAX_FILE_BYTES must be a positive whole number" in run.stderr


def test_nesting_too_deep_is_refused(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("components: " + "[" * 5000 + "]" * 5000 + "\n")
    problems = validate_files([deep])
    assert len(problems) == 1
    assert "nesting is too deep" in problems[0].message


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in validate_files([tmp_path / "nope.yaml"])[0].message
    assert "is a directory" in validate_files([tmp_path])[0].message
