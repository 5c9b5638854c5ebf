"""The huge-page heap re-exec (:mod:`blast.cli.hugeheap`), observed on real ``blast`` processes.

How many times a process started Python is counted with Python's own import log
(``-X importtime``, or ``PYTHONPROFILEIMPORTTIME=1`` for the ``blast`` script): every
image of the process imports ``blast.cli`` once and logs it on stderr, so a command that
re-executes itself logs it twice. The environment the command runs in is read from
``/proc/PID/environ`` of the live process while it waits for its graph on stdin.
Where the system offers no huge-page heap (:func:`supported` is false) the command must
not re-execute, and the same tests check that instead. The heap is opt-in
(``BLAST_HUGE_HEAP=1``): the tests opt in, except those of the default.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blast.cli.hugeheap import (
    DEFAULT_MIN_MB,
    MARKER,
    MIN_MB,
    OPT_IN,
    OPT_OUT,
    TUNABLE,
    carries_tunable,
    files_mb,
    huge_heap_environment,
    min_mb,
    runs_engine,
    supported,
    with_tunable,
)
from tests.clirun import ROOT

GRAPH = "graphs/aws-us-east-1-2025-10-20.yaml"
SCENARIO = "graphs/scenarios/aws-dynamodb-dns-record.yaml"
SIMULATE = ["simulate", GRAPH, "--scenario", SCENARIO, "--json"]
SCRIPT = Path(sys.executable).parent / "blast"
"""The ``blast`` console script of this environment (``.venv/bin/blast``)."""
IMAGES = 2 if supported() else 1
"""Process images an engine command runs in here: re-executed once where supported."""


def _env(**extra: str) -> dict[str, str]:
    """This environment without any huge-heap setting of the caller's, opted in to the heap
    for graphs of every size (the shipped graph is far under the default size), plus
    ``extra``."""
    env = _bare()
    return {**env, OPT_IN: "1", MIN_MB: "0", **extra}


def _bare() -> dict[str, str]:
    """This environment without any huge-heap setting of the caller's."""
    ours = (OPT_IN, OPT_OUT, MARKER, MIN_MB, "GLIBC_TUNABLES")
    return {k: v for k, v in os.environ.items() if k not in ours}


def _python(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess:
    """``python -X importtime -m blast ARGS`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "blast", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _images(stderr: str) -> int:
    """How many process images imported ``blast.cli`` (one import-log line each)."""
    return sum(1 for line in stderr.splitlines() if line.rstrip().endswith("| blast.cli"))


def _stderr(stderr: str) -> str:
    """The command's own stderr, without the import log."""
    return "".join(line for line in stderr.splitlines(True) if not line.startswith("import time:"))


def test_engine_command_reexecutes_once_with_the_same_output() -> None:
    on = _python(*SIMULATE, env=_env())
    off = _python(*SIMULATE, env=_env(**{OPT_OUT: "1"}))
    assert (_images(on.stderr), _images(off.stderr)) == (IMAGES, 1)
    assert on.returncode == off.returncode == 0
    assert on.stdout == off.stdout and on.stdout.startswith("{")
    assert _stderr(on.stderr) == _stderr(off.stderr) == ""


def test_explain_and_report_with_a_scenario_reexecute() -> None:
    explain = ["explain", GRAPH, "aws.use1.dynamodb.endpoint", "--scenario", SCENARIO]
    explain += ["--at", "2025-10-20T00:30:00-07:00"]
    on = _python(*explain, env=_env())
    off = _python(*explain, env=_env(**{OPT_OUT: "1"}))
    assert (_images(on.stderr), _images(off.stderr)) == (IMAGES, 1)
    assert (on.returncode, on.stdout) == (off.returncode, off.stdout)
    assert on.returncode == 0 and "aws.use1.dynamodb.endpoint" in on.stdout
    report = ["report", GRAPH, "--scenario", SCENARIO, "--format", "json", "-o", "-"]
    on = _python(*report, env=_env())
    off = _python(*report, env=_env(**{OPT_OUT: "1"}))
    assert (_images(on.stderr), _images(off.stderr)) == (IMAGES, 1)
    assert (on.returncode, on.stdout) == (off.returncode, off.stdout)
    assert on.returncode == 0 and on.stdout.startswith("{")


@pytest.mark.parametrize(
    "args",
    [
        ["spof", GRAPH, "--json"],
        ["radius", GRAPH, "aws.use1.dynamodb.endpoint", "--json"],
        ["validate", GRAPH],
        ["--help"],
    ],
)
def test_other_commands_do_not_reexecute(args: list[str]) -> None:
    run = _python(*args, env=_env())
    assert _images(run.stderr) == 1
    assert run.returncode == 0, run.stderr


def test_exit_code_and_message_of_a_failing_engine_command_are_kept() -> None:
    bad = ["simulate", GRAPH, "--fail", "no-such-component", "--at", "2025-10-20T00:00:00Z"]
    on = _python(*bad, env=_env())
    off = _python(*bad, env=_env(**{OPT_OUT: "1"}))
    assert (_images(on.stderr), _images(off.stderr)) == (IMAGES, 1)
    assert on.returncode == off.returncode == 2
    assert _stderr(on.stderr) == _stderr(off.stderr) != ""
    assert on.stdout == off.stdout == ""


def test_the_blast_script_reexecutes_once_too() -> None:
    def run(**extra: str) -> subprocess.CompletedProcess:
        env = _env(PYTHONPROFILEIMPORTTIME="1", **extra)
        cmd = [str(SCRIPT), *SIMULATE]
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    on, off = run(), run(**{OPT_OUT: "1"})
    assert (_images(on.stderr), _images(off.stderr)) == (IMAGES, 1)
    assert (on.returncode, on.stdout) == (off.returncode, off.stdout) and on.returncode == 0


def _environ_while_reading_stdin(env: dict[str, str]) -> tuple[dict[str, str], str, int]:
    """Run ``blast simulate -`` (graph on stdin): the environment of the process once it
    runs the command (read while it waits for stdin), then its stdout and exit code."""
    child = subprocess.Popen(
        [sys.executable, "-m", "blast", "simulate", "-", "--scenario", SCENARIO, "--json"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        environ = Path(f"/proc/{child.pid}/environ")
        deadline = time.monotonic() + 120
        seen = environ.read_bytes()
        # Where a re-exec is due, wait until the process's image has its marker (an exec
        # replaces /proc/PID/environ; it reads empty until the new image is set up); the
        # graph is written only after that.
        reexec = huge_heap_environment(env) is not None
        while not seen or (reexec and MARKER.encode() + b"=" not in seen):
            assert time.monotonic() < deadline, "no re-exec"
            time.sleep(0.01)
            seen = environ.read_bytes()
        out, _ = child.communicate((ROOT / GRAPH).read_text(), timeout=300)
    finally:
        child.kill()
        child.wait()
    return _variables(seen), out, child.returncode


def _variables(environ: bytes) -> dict[str, str]:
    """The variables of a ``/proc/PID/environ``. glibc parses ``GLIBC_TUNABLES`` in place
    at start-up, putting a NUL at each colon (glibc 2.36 ``elf/dl-tunables.c``; the
    process itself sees a copy): those pieces, named ``glibc.*``, are joined back."""
    items: list[str] = []
    for item in environ.decode().split("\0"):
        if item.startswith("glibc.") and items and items[-1].startswith("GLIBC_TUNABLES="):
            items[-1] += ":" + item
        elif "=" in item:
            items.append(item)
    return dict(item.split("=", 1) for item in items)


def test_the_command_runs_with_the_tunable_and_reads_all_of_stdin() -> None:
    env = _env()
    environ, out, code = _environ_while_reading_stdin(env)
    off = _python(
        "simulate",
        "-",
        "--scenario",
        SCENARIO,
        "--json",
        env=_env(**{OPT_OUT: "1"}),
        stdin=(ROOT / GRAPH).read_text(),
    )
    assert (code, out) == (off.returncode, off.stdout) and code == 0
    if supported():
        assert environ["GLIBC_TUNABLES"] == f"{TUNABLE}=1" and environ[MARKER] == "1"
        assert {k: v for k, v in environ.items() if k not in ("GLIBC_TUNABLES", MARKER)} == env
    else:
        assert environ == env


def test_other_tunables_are_kept() -> None:
    env = _env(GLIBC_TUNABLES="glibc.malloc.arena_max=2:glibc.malloc.tcache_count=0")
    environ, _, code = _environ_while_reading_stdin(env)
    assert code == 0
    expected = env["GLIBC_TUNABLES"] + (f":{TUNABLE}=1" if supported() else "")
    assert environ["GLIBC_TUNABLES"] == expected


@pytest.mark.parametrize(
    "extra",
    [
        {"GLIBC_TUNABLES": f"glibc.malloc.arena_max=2:{TUNABLE}=0"},  # the user's value stands
        {MARKER: "1"},  # re-executed once already, even if the tunable got lost
        {OPT_OUT: "1"},  # opted out wins over opted in
        {OPT_IN: "0"},
        {OPT_IN: ""},
    ],
)
def test_no_reexec_when_set_marked_or_opted_out(extra: dict[str, str]) -> None:
    env = _env(**extra)
    run = _python(*SIMULATE, env=env)
    assert _images(run.stderr) == 1 and run.returncode == 0
    environ, _, code = _environ_while_reading_stdin(env)
    assert environ == env and code == 0


def test_small_graphs_are_not_reexecuted_by_default(tmp_path: Path) -> None:
    assert (ROOT / GRAPH).stat().st_size < DEFAULT_MIN_MB * 1e6
    run = _python(*SIMULATE, env={k: v for k, v in _env().items() if k != MIN_MB})
    assert _images(run.stderr) == 1 and run.returncode == 0
    big = tmp_path / "padded.yaml"  # the same graph, padded with a comment to the size
    text = (ROOT / GRAPH).read_text()
    big.write_text(text + "#" * (DEFAULT_MIN_MB * 10**6 - len(text.encode())) + "\n")
    env = _env(**{MIN_MB: str(DEFAULT_MIN_MB), "BLAST_CACHE_DIR": str(tmp_path)})
    padded = _python("simulate", str(big), *SIMULATE[2:], env=env)
    assert _images(padded.stderr) == IMAGES and padded.returncode == 0
    assert padded.stdout == run.stdout


def test_in_process_calls_never_reexecute() -> None:
    code = f"from blast.cli import exit_fast; exit_fast({SIMULATE!r})"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert _images(run.stderr) == 1 and run.returncode == 0 and run.stdout.startswith("{")


@pytest.mark.parametrize(
    ("argv", "engine"),
    [
        (["simulate", "g.yaml", "--fail", "db", "--at", "0"], True),
        (["explain", "g.yaml", "db", "--at", "0"], True),
        (["report", "g.yaml", "--scenario", "s.yaml"], True),
        (["report", "g.yaml", "--scenario=s.yaml"], True),
        (["report", "g.yaml", "--scen", "s.yaml"], True),
        (["report", "g.yaml", "--scenario", "s.yaml", "--workers", "2"], True),
        (["report", "g.yaml", "--sc", "s.yaml"], False),  # ambiguous: argparse refuses it
        (["report", "g.yaml"], False),
        (["report", "g.yaml", "--", "--scenario"], False),
        (["spof", "g.yaml"], False),
        (["--help"], False),
        ([], False),
    ],
)
def test_runs_engine(argv: list[str], engine: bool) -> None:
    assert runs_engine(argv) is engine


def test_files_mb_counts_regular_files_only(tmp_path: Path) -> None:
    graph = tmp_path / "g.yaml"
    graph.write_bytes(b"x" * 1_500_000)
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(b"x" * 500_000)
    argv = ["simulate", str(graph), f"--scenario={scenario}", "--json", "-", str(tmp_path)]
    assert files_mb(argv) == 2.0
    assert files_mb(["simulate", "/dev/stdin", "--scenario", str(tmp_path / "missing")]) == 0


def test_min_mb_reads_the_variable() -> None:
    assert min_mb({}) == min_mb({MIN_MB: "x"}) == min_mb({MIN_MB: "-1"}) == DEFAULT_MIN_MB
    assert min_mb({MIN_MB: "0"}) == 0 and min_mb({MIN_MB: "2.5"}) == 2.5


def test_tunables_kept_and_found() -> None:
    assert with_tunable("") == f"{TUNABLE}=1"
    assert with_tunable("a=1:b=2") == f"a=1:b=2:{TUNABLE}=1"
    assert carries_tunable(f"a=1:{TUNABLE}=0") and not carries_tunable(f"a=1:{TUNABLE}x=1")
    assert not carries_tunable(None)


def test_the_huge_heap_is_off_unless_asked_for(tmp_path: Path) -> None:
    # a file past the default size, no variable of ours: the command runs as it is
    big = tmp_path / "padded.yaml"
    text = (ROOT / GRAPH).read_text()
    big.write_text(text + "#" * (DEFAULT_MIN_MB * 10**6 - len(text.encode())) + "\n")
    env = {**_bare(), "BLAST_CACHE_DIR": str(tmp_path)}
    run = _python("simulate", str(big), *SIMULATE[2:], env=env)
    assert _images(run.stderr) == 1 and run.returncode == 0
    assert huge_heap_environment(env) is None
    asked = huge_heap_environment({**env, OPT_IN: "1"})
    assert (asked is not None) == supported()
