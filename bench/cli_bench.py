"""End to end: time the real ``blast`` CLI on generated graph files, with peak memory.

Every command runs as its own process (``python -m blast ...``), the way users
run it. For each shape and size the graph file is generated once (see
``bench/make_graph.py``); each command then runs ``--repeat`` times: the first
run is *cold* (fresh interpreter, no Blast cache entry yet when the loader has
one: the bench points ``XDG_CACHE_HOME`` at an empty directory, a new one for
each command), the median
of the rest is *warm* (the file and Blast's cache are in place: the graph's entry,
and the answer the first run stored, see :mod:`blast.cli.answers`; with
``--recompute``, further warm runs each remove the stored answer first, so that
they read the graph from the cache and analyse it: an extra column). Peak RSS is the
child's ``ru_maxrss`` from ``os.wait4``. Every run has a timeout; a run that hits
it is reported as ``>T``.

Side by side, the naive approach: load the same file with PyYAML, build a
networkx graph and call ``nx.ancestors`` for every component (what fails if it
fails, ignoring redundancy), against ``blast radius FILE --json``. Above
``--naive-max`` components the naive run times a seeded random sample of
components and scales up (marked "extrapolated").

Usage (from the repository root)::

    .venv/bin/python bench/cli_bench.py --sizes 10000 100000 --shapes service trace hubs
    .venv/bin/python bench/cli_bench.py --root /tmp/blast-before   # another checkout

Prints Markdown tables (the ones in docs/benchmarks.md) and writes raw rows as
JSON lines with ``--jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = Path(tempfile.gettempdir()) / "blast-bench-graphs"


def graph_file(shape: str, n: int, seed: int = 0) -> Path:
    """The generated graph file of ``shape`` and size ``n`` (written once, then reused)."""
    GRAPHS.mkdir(exist_ok=True)
    path = GRAPHS / f"{shape}-{n}-{seed}.yaml"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        make = ["-m", "bench.make_graph", "--shape", shape, "--n", str(n), "--seed", str(seed)]
        subprocess.run(
            [sys.executable, *make, "-o", str(tmp)],
            cwd=ROOT,
            check=True,
            timeout=1800,
        )
        tmp.rename(path)
    return path


def run(
    argv: list[str], timeout: float, env: dict[str, str], cwd: str
) -> dict[str, float | int | bool | str]:
    """Run ``argv``: wall and CPU seconds, peak RSS (MB), bytes on stdout, exit code.

    CPU time (user + system) is reported beside wall time because the machine
    is shared: under contention wall time grows, CPU time much less.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timed_out = not timer.is_alive()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0, os.SEEK_END)
        err.seek(0)
        return {
            "wall_s": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "stderr": err.read()[-300:].decode("utf-8", "replace") if proc.returncode else "",
            "peak_mb": usage.ru_maxrss / 1024,
            "stdout_bytes": out.tell(),
            "exit": proc.returncode,
            "timed_out": timed_out,
        }


def first_component(path: Path) -> str:
    """The id of the first component written in the file (a cheap, stable pick)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("- id: "):
                return line.split(":", 1)[1].strip()
    raise ValueError(f"{path}: no component")


def commands(path: Path) -> dict[str, list[str]]:
    """The benchmarked commands, by label."""
    f = str(path)
    return {
        "spof --json": ["spof", f, "--json"],
        "validate": ["validate", f],
        "radius --json": ["radius", f, "--json"],
        "radius ONE --json": ["radius", f, first_component(path), "--json"],
        "exposure --json": ["exposure", f, "--region", "us-east-1", "--json"],
        "report --format html": ["report", f, "--format", "html", "-o", "-"],
        "report --format json": ["report", f, "--format", "json", "-o", "-"],
        CHECK: ["check", f, "--max-spofs", "5", "--forbid-blind-spots"],
        "export --format dot": ["export", f, "--format", "dot"],
    }


CHECK = "check --max-spofs 5 --forbid-blind-spots"
OK_EXITS = {CHECK: (0, 1)}
"""Exit codes that are answers, not failures: ``blast check`` exits 1 when a rule is broken."""


NAIVE = r"""
import random, sys, time, yaml, networkx as nx
path, limit = sys.argv[1], int(sys.argv[2])
doc = yaml.load(open(path, encoding="utf-8"), Loader=yaml.CSafeLoader)
g = nx.DiGraph()
for c in doc["components"]:
    g.add_node(c["id"])
    for d in c.get("depends_on", ()):
        g.add_edge(c["id"], d if isinstance(d, str) else d["target"])
for grp in doc.get("redundancy_groups", ()):
    for m in grp["members"]:
        g.add_edge(grp["id"], m)
ids = [c["id"] for c in doc["components"]]
sample = ids if len(ids) <= limit else random.Random(0).sample(ids, limit)
start = time.perf_counter()
total = sum(len(nx.ancestors(g, c)) for c in sample)
print(time.perf_counter() - start, len(sample), len(ids), total)
"""


def naive(path: Path, limit: int, timeout: float) -> dict[str, float | bool]:
    """CPU seconds of the naive networkx run, scaled up when only a sample was timed."""
    argv = [sys.executable, "-c", NAIVE, str(path), str(limit)]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        if os.waitstatus_to_exitcode(status):
            return {"cpu_s": float("inf"), "extrapolated": False}
        out.seek(0)
        loop_s, sampled, total, _ = out.read().decode().split()
    cpu = usage.ru_utime + usage.ru_stime
    if int(sampled) == int(total):
        return {"cpu_s": cpu, "extrapolated": False}
    scaled = cpu - float(loop_s) + float(loop_s) * int(total) / int(sampled)
    return {"cpu_s": scaled, "extrapolated": True}


def fmt(rows: list[dict], timeout: float, ok: tuple[int, ...] = (0,)) -> str:
    """Median wall / CPU seconds of ``rows`` (``>T`` on a timeout, ``exit N`` on failure:
    an exit code not in ``ok``)."""
    if not rows:
        return "—"
    if any(r["timed_out"] for r in rows):
        return f">{timeout:.0f}"
    if any(r["exit"] not in ok for r in rows):
        return f"exit {max(r['exit'] for r in rows)}"
    wall = statistics.median(r["wall_s"] for r in rows)
    cpu = statistics.median(r["cpu_s"] for r in rows)
    return f"{wall:.2f} / {cpu:.2f}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="End-to-end CLI benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--shapes", nargs="+", default=["service", "trace", "hubs"])
    parser.add_argument("--only", nargs="*", help="labels of commands to run (default all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (first is cold)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--root", type=Path, default=ROOT, help="the Blast checkout to run")
    parser.add_argument("--naive-max", type=int, default=10_000)
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--jsonl", type=Path, help="append raw rows here")
    parser.add_argument(
        "--recompute",
        action="store_true",
        help="also time warm runs with the stored answer (blast.cli.answers) removed before "
        "each: the graph read from the cache and analysed (REPEAT - 1 runs, an extra column)",
    )
    args = parser.parse_args(argv)

    # Bytecode as any install writes it: with PYTHONDONTWRITEBYTECODE set (as in the
    # shells here) every process would otherwise compile Blast's modules again.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(args.root / "blast")],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.platform()}; "
        f"run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, root {args.root}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print()
    extra = " warm, answer removed, wall / CPU (s) | its peak RSS (MB) |" if args.recompute else ""
    print(
        "| shape | components | command | cold wall / CPU (s) | warm wall / CPU (s) "
        f"| peak RSS cold / warm (MB) | stdout |{extra}"
    )
    print("|---|---|---|---|---|---|---|" + ("---|---|" if args.recompute else ""))
    radius_warm: dict[tuple[str, int], float] = {}
    for shape in args.shapes:
        for n in args.sizes:
            path = graph_file(shape, n)
            for label, cmd in commands(path).items():
                if args.only and label not in args.only:
                    continue
                # a fresh cache directory per command: its first run is cold (no entry),
                # the later ones find the entry the first one stored
                with tempfile.TemporaryDirectory() as cache:
                    # cwd is the empty cache directory: ``-m blast`` must find args.root
                    env = {**os.environ, "PYTHONPATH": str(args.root), "XDG_CACHE_HOME": cache}
                    env.pop("BLAST_CACHE_DIR", None)
                    argv_ = [sys.executable, "-m", "blast", *cmd]
                    rows = []
                    for _ in range(args.repeat):
                        rows.append(run(argv_, args.timeout, env, cache))
                        if rows[-1]["timed_out"]:
                            break
                    again = []  # warm with the stored answer removed: the analysis runs
                    for _ in range(max(1, args.repeat - 1) if args.recompute else 0):
                        for stored in Path(cache).glob("blast/*.answer"):
                            stored.unlink()
                        again.append(run(argv_, args.timeout, env, cache))
                        if again[-1]["timed_out"]:
                            break
                    warm = rows[1:] or rows
                    analysed = again or warm  # the ratio is to an analysis, when one was timed
                    if label == "radius --json" and not any(r["timed_out"] for r in analysed):
                        radius_warm[shape, n] = statistics.median(r["cpu_s"] for r in analysed)
                    peak = f"{rows[0]['peak_mb']:.0f} / {max(r['peak_mb'] for r in warm):.0f}"
                    size = rows[0]["stdout_bytes"]
                    extra = ""
                    ok = OK_EXITS.get(label, (0,))
                    if again:
                        top = max(r["peak_mb"] for r in again)
                        extra = f" {fmt(again, args.timeout, ok)} | {top:.0f} |"
                    print(
                        f"| {shape} | {n:,} | `{label}` | {fmt(rows[:1], args.timeout, ok)} | "
                        f"{fmt(warm, args.timeout, ok)} | {peak} | {size / 1e6:.2f} MB |{extra}",
                        flush=True,
                    )
                    if args.jsonl:
                        with args.jsonl.open("a") as f:
                            for i, r in enumerate(rows + again):
                                f.write(
                                    json.dumps(
                                        {
                                            "shape": shape,
                                            "n": n,
                                            "command": label,
                                            "run": i,
                                            "recomputed": i >= len(rows),
                                            "load1": os.getloadavg()[0],
                                            **r,
                                        }
                                    )
                                    + "\n"
                                )
    if args.no_naive or not radius_warm:
        return
    print()
    print(
        "| shape | components | naive networkx CPU (s) "
        "| `blast radius --json` warm CPU (s)"
        + (", answer removed" if args.recompute else "")
        + " | ratio |"
    )
    print("|---|---|---|---|---|")
    for (shape, n), blast_s in radius_warm.items():
        result = naive(graph_file(shape, n), args.naive_max, max(args.timeout, 600.0))
        mark = " (extrapolated)" if result["extrapolated"] else ""
        print(
            f"| {shape} | {n:,} | {result['cpu_s']:.1f}{mark} | {blast_s:.2f} | "
            f"{result['cpu_s'] / blast_s:.1f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
