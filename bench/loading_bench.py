"""Whole-process start-up and loading figures: the CLI as users run it, cold and warm.

Each command runs as a fresh ``python -m blast`` process; wall time is measured
around it and peak RSS comes from ``os.wait4`` (that process alone). *Cold*
runs start with an empty cache directory each time (the YAML is parsed);
*warm* runs find the graph in the cache (no YAML parsed). Then, in this
process, the YAML parsers are compared on the same file: the fast path
(``yaml-rs`` guarded by :mod:`blast.loading.fastyaml`), Blast's event builder
without and with positions, PyYAML's ``CSafeLoader`` ``load``, and ``yaml-rs``
alone. ``--big`` also validates a ~40 MB file (180,000 components), cold and
warm. Usage::

    .venv/bin/python bench/loading_bench.py                 # 10,000 and 100,000 components
    .venv/bin/python bench/loading_bench.py --sizes 10000 --runs 5

Prints Markdown tables (the ones recorded in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(tempfile.gettempdir()) / "blast-bench"
SMALL = ROOT / "graphs" / "examples" / "shop.yaml"
BIG = 180_000
"""Components of the ~40 MB file of issue 14 (the service shape writes ~225 bytes each)."""


def graph_file(n: int) -> Path:
    """A generated graph of ``n`` components as YAML (made once, kept in the temp dir).

    Generated in a child process: this process stays small, because a child
    forked from it would count its memory in the child's peak RSS.
    """
    path = DATA / f"service-{n}-seed0.yaml"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        code = (
            "import sys; from blast.model.synthetic import service_graph, to_yaml; "
            f"open(sys.argv[1], 'w').write(to_yaml(service_graph({n}, seed=0)))"
        )
        subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True)
    return path


def run(args: list[str], cache: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MB and the exit code of one ``python -m blast``.

    CPU seconds (user + system of that process) say more than wall time on a
    machine shared with other work; both are reported.
    """
    env = {**os.environ, "BLAST_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "blast", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(args: list[str], runs: int, warm: bool) -> tuple[float, float, float]:
    """Median wall time, median CPU time and the largest peak RSS over ``runs`` runs."""
    walls, cpus, peaks = [], [], []
    with tempfile.TemporaryDirectory() as shared:
        if warm:
            run(args, Path(shared))  # fills the cache
        for _ in range(runs):
            cache = Path(shared) if warm else Path(tempfile.mkdtemp(dir=shared))
            wall, cpu, peak, code = run(args, cache)
            if code not in (0, 2):
                raise SystemExit(f"blast {' '.join(args)} exited {code}")
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def commands(path: Path) -> list[tuple[str, list[str]]]:
    with open(path, encoding="utf-8") as handle:  # the first component, without loading
        one = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("- id:"))
    name = path.name
    return [
        (f"validate {name}", ["validate", str(path)]),
        (f"spof {name} --json", ["spof", str(path), "--json"]),
        (f"radius {name} {one} --json", ["radius", str(path), one, "--json"]),
        (
            f"exposure {name} --region us-east-1 --json",
            ["exposure", str(path), "--region", "us-east-1", "--json"],
        ),
    ]


def parsers(path: Path) -> list[tuple[str, float]]:
    """CPU seconds of each YAML parser on ``path`` (best of three)."""
    import yaml

    from blast.loading.loader import check_files
    from blast.loading.yamlsource import parse_yaml

    raw = path.read_bytes()
    text = raw.decode()
    from blast.loading.fastyaml import DECLINED, fast_load
    from blast.loading.yamlbuild import PARSER, EventBuilder

    def builder() -> object:
        parser = PARSER(raw)
        try:
            return EventBuilder("g", located=False).run(parser)
        finally:
            parser.dispose()

    if fast_load(text) is DECLINED:
        raise SystemExit(f"{path}: the fast parse declined it")
    contenders = [
        (
            "parse_yaml, no positions (the fast path: guarded yaml-rs)",
            lambda: parse_yaml(raw, "g", located=False),
        ),
        ("Blast event builder, no positions (libyaml; what it replaced)", builder),
        (
            "Blast event builder, with positions (errors)",
            lambda: parse_yaml(raw, "g", located=True),
        ),
        ("PyYAML CSafeLoader load (libyaml)", lambda: yaml.load(raw, Loader=yaml.CSafeLoader)),
        ("check_files: parse + pydantic + cross-check", lambda: check_files([path])),
    ]
    import yaml_rs

    contenders.append(("yaml-rs loads alone (Rust, YAML 1.2)", lambda: yaml_rs.loads(text)))
    out = []
    for label, fn in contenders:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
        out.append((label, best))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-parsers", action="store_true", help="skip the in-process parsers")
    parser.add_argument("--validate-only", action="store_true", help="only `blast validate`")
    parser.add_argument("--big", action="store_true", help="also validate a ~40 MB file")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(f"load average at start: {os.getloadavg()[0]:.1f}\n")
    print("| command | cold wall s | cold CPU s | cold MB | warm wall s | warm CPU s | warm MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    h = measure(["--help"], args.runs, warm=False)
    print(f"| blast --help | {h[0]:.2f} | {h[1]:.2f} | {h[2]:.0f} | | | |", flush=True)
    rows = [("validate shop.yaml (9 components)", ["validate", str(SMALL)])]
    for n in args.sizes:
        rows += commands(graph_file(n))[: 1 if args.validate_only else None]
    if args.big:
        big = graph_file(BIG)
        size = big.stat().st_size / 1e6
        rows.append((f"validate {big.name} ({size:.0f} MB)", ["validate", str(big)]))
    for label, cmd in rows:
        cold = measure(cmd, args.runs, warm=False)
        warm = measure(cmd, args.runs, warm=True)
        print(
            f"| {label} | {cold[0]:.2f} | {cold[1]:.2f} | {cold[2]:.0f} "
            f"| {warm[0]:.2f} | {warm[1]:.2f} | {warm[2]:.0f} |",
            flush=True,
        )
    if not args.no_parsers:
        for n in args.sizes:
            print(f"\n| parser on {n:,} components | CPU s |\n|---|---:|")
            for label, seconds in parsers(graph_file(n)):
                print(f"| {label} | {seconds:.2f} |", flush=True)


if __name__ == "__main__":
    main()
