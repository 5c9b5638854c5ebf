"""Start the dashboard under gunicorn on loopback, for browser tests and the load test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    upload_dir: Path,
    workers: int = 2,
    graph: Path | None = None,
    timeout: float = 180,
    preload: bool = False,
) -> Iterator[str]:
    """Serve ``app:server`` on a free loopback port; yield its URL; stop it afterwards."""
    port = free_port()
    env = {**os.environ, "BLAST_UPLOAD_DIR": str(upload_dir)}
    if graph:
        env["BLAST_GRAPH"] = str(graph)
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    cmd += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    cmd += ["--preload", "app:server"] if preload else ["app:server"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start on {url} (exit {proc.poll()})")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
