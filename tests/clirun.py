"""Run the real ``blast`` command in a subprocess, from the repository root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def blast(
    *args: str | Path, code: int | None = 0, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m blast ARGS``; asserts the exit code unless ``code`` is None."""
    run = subprocess.run(
        [sys.executable, "-m", "blast", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
    if code is not None:
        assert run.returncode == code, run.stderr
    return run
