"""The compiled engine (mypyc, ``blast/sim/native.py``): loaded, identical, never stale.

Where a C compiler exists (``make test`` builds the engine first, ``make native``), the
compiled engine must be the one that runs: these tests fail, not skip, when it is not.
Each shipped scenario and a generated graph are simulated by the compiled and by the
pure engine (``BLAST_PURE_SIM=1``) in separate processes, and the journals compared
byte for byte. A build is used only for the sources it was built from: a copy of the
tree with one source edited falls back to the pure Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import blast.sim
from blast.sim import native

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "shop": ("graphs/examples/shop.yaml", "graphs/scenarios/shop-region-failover.yaml"),
    "dns-race": (
        "graphs/aws-us-east-1-2025-10-20.yaml",
        "graphs/scenarios/aws-2025-10-20-dns-race.yaml",
    ),
    "dynamodb": (
        "graphs/aws-us-east-1-2025-10-20.yaml",
        "graphs/scenarios/aws-dynamodb-dns-record.yaml",
    ),
    "s3-2017": (
        "graphs/aws-s3-us-east-1-2017-02-28.yaml",
        "graphs/scenarios/aws-s3-2017-02-28.yaml",
    ),
}
# a generated graph with every timing mechanism of the bench (caches, queues, retries,
# warm-ups, flapping, throttling), its journal written by the engine the process loaded
GENERATED = """
import sys
sys.path.insert(0, "bench")
from sim_bench import scenarios
from blast.model.synthetic import service_graph, with_sim_parameters
from blast.sim import native, simulate
graph = with_sim_parameters(service_graph(1500, seed=3))
print("compiled" if native.loaded() else "pure")
for name, scenario in sorted(scenarios(graph).items()):
    sys.stdout.write(simulate(graph, scenario, resolution=60.0).to_json())
"""


def _env(pure: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BLAST_PURE_SIM"}
    if pure:
        env["BLAST_PURE_SIM"] = "1"
    return env


def _loaded(cwd: Path, pure: bool = False) -> str:
    code = "from blast.sim import native; print('compiled' if native.loaded() else 'pure')"
    env = {**_env(pure), "PYTHONPATH": str(cwd)}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, check=True
    )
    return run.stdout.strip()


def _built() -> Path:
    folder = native.build_dir()
    if native.compiler() is not None and folder is None:
        pytest.fail("a C compiler is here but the engine is not built: run `make native`")
    assert folder is not None, "no C compiler: these tests need the compiled engine"
    return folder


def test_the_compiled_engine_runs_where_a_compiler_exists():
    if native.compiler() is None or os.environ.get("BLAST_PURE_SIM") == "1":
        # no compiler, or the pure engine asked for: pure Python, by design
        assert not blast.sim.NATIVE and not native.loaded()
        return
    _built()
    assert blast.sim.NATIVE and native.loaded(), "built but not loaded"
    assert _loaded(ROOT) == "compiled"
    assert _loaded(ROOT, pure=True) == "pure"


@pytest.mark.parametrize("name", sorted(RUNS))
def test_compiled_and_pure_engines_write_the_same_journal(name):
    _built()
    graph, scenario = RUNS[name]
    cmd = [sys.executable, "-m", "blast", "simulate", graph, "--scenario", scenario, "--json"]
    out = {}
    for pure in (False, True):
        run = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=_env(pure), check=False)
        assert run.returncode == 0, run.stderr.decode()
        out[pure] = run.stdout
    assert b'"events"' in out[True]
    assert out[False] == out[True]  # byte for byte


def test_compiled_and_pure_engines_agree_on_a_generated_graph():
    _built()
    out = {}
    for pure in (False, True):
        run = subprocess.run(
            [sys.executable, "-c", GENERATED],
            capture_output=True,
            cwd=ROOT,
            env=_env(pure),
            check=False,
            timeout=900,
        )
        assert run.returncode == 0, run.stderr.decode()
        out[pure] = run.stdout
    assert out[False].startswith(b"compiled\n") and out[True].startswith(b"pure\n")
    assert out[False].count(b'"events"') == 2
    assert out[False].removeprefix(b"compiled\n") == out[True].removeprefix(b"pure\n")


def test_an_edited_source_is_never_shadowed_by_an_old_build(tmp_path):
    folder = _built()
    shutil.copytree(ROOT / "blast", tmp_path / "blast", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copytree(folder, tmp_path / ".build" / "mypyc" / folder.name)
    assert native.key(tmp_path) == folder.name
    assert _loaded(tmp_path) == "compiled"
    engine = tmp_path / "blast" / "sim" / "engine.py"
    engine.write_text(engine.read_text() + "\n# edited\n")
    assert native.key(tmp_path) != folder.name
    assert native.build_dir(tmp_path) is None
    assert _loaded(tmp_path) == "pure"


@pytest.mark.parametrize("edited", ["blast/sim/perception.py", "blast/model/spec.py"])
def test_the_key_covers_the_compiled_sources_and_what_they_import(tmp_path, edited):
    for part in ("blast/sim", "blast/model"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("errors.py", "gcpause.py"):
        shutil.copy(ROOT / "blast" / name, tmp_path / "blast" / name)
    before = native.key(tmp_path)
    assert before == native.key(ROOT)
    path = tmp_path / edited
    path.write_text(path.read_text() + "\n")
    assert native.key(tmp_path) != before


WAITER = """
import sys
from pathlib import Path
from blast.sim import native
print(native.build(Path(sys.argv[1])), flush=True)
"""


def test_a_build_waits_for_a_running_one_and_reuses_its_result(tmp_path):
    """Two builds at once: the second waits on the lock, then finds the first's build.

    The test holds the build lock itself (standing for a first build in progress),
    starts a real ``native.build`` in another process, lets it wait, then finishes the
    "first build" (the marker) and releases the lock: the waiting process must return
    that folder without compiling anything (no staging folder appears).
    """
    import fcntl
    import time

    assert native.compiler() is not None, "no C compiler: build() would not lock"
    for part in ("blast/sim", "blast/model"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("__init__.py", "errors.py", "gcpause.py"):
        shutil.copy(ROOT / "blast" / name, tmp_path / "blast" / name)
    target = tmp_path / ".build" / "mypyc" / native.key(tmp_path)
    target.parent.mkdir(parents=True)
    with open(target.parent / native.LOCK, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiter = subprocess.Popen(
            [sys.executable, "-c", WAITER, str(tmp_path)],
            cwd=ROOT,
            env=_env(pure=True),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            time.sleep(3)  # time to start and reach the lock: it must still be waiting
            assert waiter.poll() is None, waiter.communicate()
            target.mkdir()
            (target / native.MARKER).write_text("built by the first process\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        out, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 0, err.decode()
    assert out.decode().strip() == str(target)
    assert sorted(p.name for p in target.parent.iterdir()) == [native.LOCK, target.name]
    assert (target / native.MARKER).read_text() == "built by the first process\n"  # not rebuilt
