"""Start-up: whole-process wall time of small ``blast`` commands, as a user runs them.

Each case runs as its own process, both as the ``blast`` console script
(``.venv/bin/blast``) and as ``python -m blast``, in three states of the cache:

- ``no-cache``: ``--no-cache`` (parse the YAML, store nothing);
- ``first``: an empty cache directory (parse the YAML and write the entry: a
  user's first run);
- ``warm``: the entry is in place (no YAML parsed).

Runs of the roots compared (``--root``, default this checkout) are interleaved,
so that a burst of load on the shared machine hits them alike. Each root's
``blast/`` is byte-compiled first (``compileall``), as an installed package or a
second run is: the figures are not those of compiling Blast's source, which a
``PYTHONDONTWRITEBYTECODE`` environment pays on every run.

Prints a Markdown table: median wall and CPU (user + system) seconds over
``--repeat`` runs, and peak RSS (MB), per case and root.

Usage (from the repository root)::

    .venv/bin/python bench/startup_bench.py --repeat 7
    .venv/bin/python bench/startup_bench.py --root /tmp/blast-before --root . --repeat 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOP = str(ROOT / "graphs/examples/shop.yaml")
AWS = str(ROOT / "graphs/aws-us-east-1-2025-10-20.yaml")
SCENARIO = str(ROOT / "graphs/scenarios/shop-region-failover.yaml")

CASES: list[tuple[str, list[str], bool]] = [
    ("help", ["--help"], False),
    ("validate-help", ["validate", "--help"], False),
    ("spof-help", ["spof", "--help"], False),
    ("simulate-help", ["simulate", "--help"], False),
    ("validate-shop", ["validate", SHOP], True),
    ("validate-aws", ["validate", AWS], True),
    ("spof-shop", ["spof", SHOP], True),
    ("radius-shop", ["radius", SHOP, "api"], True),
    ("simulate-shop", ["simulate", SHOP, "--scenario", SCENARIO], True),
]
"""(label for ``--only``, arguments, reads a graph): those that read one run in every
cache state."""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one process.

    It runs in the temporary directory: ``python -m`` puts the working directory
    first on ``sys.path``, which must not pick a checkout other than ``PYTHONPATH``'s.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=tempfile.gettempdir(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} exited {code}: {err}")
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(
    roots: list[Path], launcher: list[str], cmd: list[str], state: str, repeat: int, tmp: Path
) -> list[str]:
    """One table row's cells: median wall / CPU and peak RSS of ``cmd`` per root."""
    samples: dict[Path, list[tuple[float, float, float]]] = {r: [] for r in roots}
    for i in range(repeat):
        for root in roots:
            cache = tmp / f"{root.name}-{state}-{i}-{len(list(tmp.iterdir()))}"
            if state == "warm":
                cache = tmp / f"{root.name}-warm"
            env = {**os.environ, "PYTHONPATH": str(root), "BLAST_CACHE_DIR": str(cache)}
            argv = [*launcher, *cmd, *(["--no-cache"] if state == "no-cache" else [])]
            if state == "warm" and i == 0:
                run(argv, env)  # writes the entry
            samples[root].append(run(argv, env))
    cells = []
    for root in roots:
        walls, cpus, rss = zip(*samples[root], strict=True)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        cells.append(f"{wall:.3f} / {cpu:.3f}, {max(rss):.0f}")
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", action="append", type=Path, help="checkouts to compare")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", nargs="*", help="labels of the cases to run")
    parser.add_argument(
        "--no-compile", action="store_true", help="leave the roots' bytecode as it is"
    )
    args = parser.parse_args()
    roots = [r.resolve() for r in (args.root or [ROOT])]
    if not args.no_compile:
        for root in roots:
            compile_all = [sys.executable, "-m", "compileall", "-q", str(root / "blast")]
            subprocess.run(compile_all, check=True)
    script = str(Path(sys.executable).parent / "blast")
    launchers = {"script": [script], "-m": [sys.executable, "-m", "blast"]}
    print(f"load average before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    heads = " | ".join(f"{r.name}: wall / CPU s, MB" for r in roots)
    print(f"| command | state | launcher | {heads} |")
    print("|---|---|---|" + "---|" * len(roots))
    with tempfile.TemporaryDirectory() as tmp:
        for label, cmd, reads_graph in CASES:
            if args.only and label not in args.only:
                continue
            shown = " ".join(["blast", *(Path(c).name if "/" in c else c for c in cmd)])
            for state in ["no-cache", "first", "warm"] if reads_graph else ["-"]:
                for name, launcher in launchers.items():
                    cells = measure(roots, launcher, cmd, state, args.repeat, Path(tmp))
                    print(f"| `{shown}` | {state} | {name} | {' | '.join(cells)} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
