"""``python app.py``: a bad graph exits 2 with its location; a good one serves on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

from tests.dashboard_server import ROOT, free_port


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_bad_graph_exits_2_with_file_line_column() -> None:
    done = run("--graph", "tests/data/invalid/yaml-syntax.yaml")
    assert done.returncode == 2
    assert "tests/data/invalid/yaml-syntax.yaml:6:7" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_scenario_exits_2_naming_it() -> None:
    done = run("--scenario", "whatever.yaml")
    assert done.returncode == 2 and "whatever.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_serves_the_graph_on_loopback() -> None:
    port = free_port()
    cmd = [sys.executable, "app.py", "--graph", "graphs/examples/shop.yaml", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200 and b"Blast" in r.read()
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "app.py did not start"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=30) as r:
            assert b"shop.yaml" in r.read()  # the default graph is the one given
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert proc.stdout is not None and b"Debug mode: off" in proc.stdout.read()
