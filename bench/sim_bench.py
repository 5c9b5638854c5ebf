"""Time the simulation engine: the shipped 57-component graph and generated graphs.

Each size runs in a fresh process so that peak memory is its own. Usage::

    .venv/bin/python bench/sim_bench.py                # 60 (shipped), 10,000, 100,000
    .venv/bin/python bench/sim_bench.py 1000 20000     # chosen generated sizes
    .venv/bin/python bench/sim_bench.py --cli 10000    # whole `blast simulate FILE` processes

``--cli N`` writes the generated graph and both scenarios as YAML files (into a
temporary directory, or ``--keep DIR``) and times whole ``blast simulate GRAPH
--scenario S --json`` processes, the user's path: exact times (no resolution), the
graph read from YAML (``--no-cache``, then a first run that stores the cache entry)
and from the cache (warm), with each process's own peak RSS (a child process writes
the files, so that the bench's own memory is not counted in the runs' peaks).

Generated graphs come from :func:`blast.model.synthetic.service_graph` (seed 0)
with simulation parameters added by :func:`blast.model.synthetic.with_sim_parameters`
(seeded, shared with ``tests/test_sim_skip.py``): detection
delays on every edge, caches (a third with negative caching) on 30% of edges,
warm-up times on 20% of components, fluid queues with timeouts and retries on 5%,
failover times on every group. The scenario: the most depended-on core component
down for 2 h, a second core component half-failing for 1 h, a platform component
flapping (5 min bad, 5 min good) for 3 h, a throttle and a relax on the largest
queue, over a 30 h horizon at a one-minute resolution (1,800 steps). A second
scenario fails the whole of us-east-1 (about 70% of the components) for 2 h.
Prints a Markdown table (the one recorded in docs/benchmarks.md). The engine is the
mypyc-compiled one when ``make native`` has built it for the current sources, the pure
Python one otherwise or with ``BLAST_PURE_SIM=1`` (each result says which).

The engine runs the way the ``blast`` command runs it: by default without glibc's
huge-page malloc heap, and with ``--huge-heap`` as the command does with
``BLAST_HUGE_HEAP=1`` (``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` where the system supports
it, see :mod:`blast.cli.hugeheap`). With it, a ``--one`` process re-executes itself once
into the environment the command's re-exec gives
(:func:`blast.cli.hugeheap.huge_heap_environment`), at every size (the command does so only
from 16 MB of files, about 30,000 components: ``--one 10000`` with and without shows the
engine alone), and ``--cli`` runs (and the shipped graph's CLI runs) are the command's own
processes, opted in, which decide by its rules. Without it (``--no-huge-heap``, the
default) the tunable is taken out of ``GLIBC_TUNABLES``, ``BLAST_HUGE_HEAP`` removed and
``BLAST_NO_HUGE_HEAP=1`` set, for this process and its children.
Every result says whether the huge heap was on (``huge_heap``) and, for ``--one``, how
many MB of the process's memory sat in transparent huge pages at the end
(``anon_huge_mb``, from ``/proc/self/smaps_rollup``; the engine's own arrays have them
either way, :mod:`blast.sim.pages`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T0 = "2025-10-20T00:00:00-07:00"


def environment(huge: bool) -> dict[str, str]:
    """This process's environment as the ``blast`` command opted in to the huge-page heap
    would run the engine in it (``huge``), or with the heap taken out and opted out of."""
    from blast.cli import hugeheap

    env = dict(os.environ)
    if huge:
        env[hugeheap.OPT_IN] = "1"
        env.pop(hugeheap.OPT_OUT, None)
        return hugeheap.huge_heap_environment(env) or env
    env.pop(hugeheap.OPT_IN, None)
    kept = [
        item
        for item in env.get("GLIBC_TUNABLES", "").split(":")
        if item and item.split("=", 1)[0] != hugeheap.TUNABLE
    ]
    if kept:
        env["GLIBC_TUNABLES"] = ":".join(kept)
    else:
        env.pop("GLIBC_TUNABLES", None)
    env[hugeheap.OPT_OUT] = "1"
    return env


def command_environment(huge: bool) -> dict[str, str]:
    """The environment for a child ``blast`` command: opted in, deciding by its own rules
    (``huge``: no tunable, no marker of this process's re-exec), or opted out."""
    from blast.cli import hugeheap

    env = environment(False)
    if huge:
        del env[hugeheap.OPT_OUT]
        env.pop(hugeheap.MARKER, None)
        env[hugeheap.OPT_IN] = "1"
    return env


def huge_heap(env: dict[str, str] | None = None) -> bool:
    """Whether a process with ``env`` (this one's by default) runs with the huge-page heap,
    itself or after the ``blast`` command's re-exec."""
    from blast.cli import hugeheap

    env = dict(os.environ) if env is None else env
    return hugeheap.heap_is_huge(env) or hugeheap.huge_heap_environment(env) is not None


def _anon_huge_mb() -> int | None:
    """MB of this process's anonymous memory in transparent huge pages (None: not Linux)."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as file:
            for line in file:
                if line.startswith("AnonHugePages:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scenarios(graph) -> dict[str, object]:
    from blast.sim import scenario_from_dict

    fan_in: dict[str, int] = {}
    for c in graph.components.values():
        for d in c.depends_on:
            fan_in[d.target] = fan_in.get(d.target, 0) + 1
    core = sorted(
        (c for c in graph.components if c.startswith("core-")), key=lambda c: (-fan_in.get(c, 0), c)
    )
    plat = sorted(
        (c for c in graph.components if c.startswith("plat-")), key=lambda c: (-fan_in.get(c, 0), c)
    )
    queued = sorted(
        (c for c in graph.components.values() if c.queue),
        key=lambda c: (-c.queue.arrival_rate, c.id),
    )

    def t(minutes: int) -> str:
        from datetime import datetime, timedelta

        return (datetime.fromisoformat(T0) + timedelta(minutes=minutes)).isoformat()

    faults = [{"id": "core-down", "target": core[0], "at": t(0), "for": "2h"}]
    if len(core) > 1:
        faults.append(
            {
                "id": "core-half",
                "target": core[1],
                "mode": "partial",
                "fraction": 0.5,
                "at": t(30),
                "for": "1h",
            }
        )
    if plat:
        faults.append(
            {
                "id": "plat-flap",
                "target": plat[0],
                "mode": "flapping",
                "bad": "5m",
                "good": "5m",
                "at": t(240),
                "for": "3h",
            }
        )
    actions = []
    if queued:
        actions = [
            {"id": "shed", "do": "throttle", "target": queued[0].id, "rate": 1, "at": t(180)},
            {"id": "relax", "do": "relax", "target": queued[0].id, "at": t(600)},
        ]
    base = {"start": T0, "horizon": "30h", "actions": actions}
    region = [{"id": "region", "target": {"region": "us-east-1"}, "at": t(0), "for": "2h"}]
    return {
        "faults": scenario_from_dict({**base, "faults": faults}),
        "region": scenario_from_dict({**base, "faults": region}),
    }


def measure_generated(n: int) -> dict[str, object]:
    from blast.model.synthetic import service_graph, with_sim_parameters
    from blast.sim import simulate

    graph = with_sim_parameters(service_graph(n, seed=0))
    out: dict[str, object] = {"n": n, "rss_graph_mb": round(_rss_mb())}
    for name, scenario in scenarios(graph).items():
        runs, cpu = [], []
        for _ in range(3 if n <= 10_000 else 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            journal = simulate(graph, scenario, resolution=60.0)
            runs.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best = min(runs)
        out[name] = {
            "seconds": round(statistics.median(runs), 3),
            "cpu_seconds": round(statistics.median(cpu), 3),
            "events": len(journal.events),
            "events_per_s": round(len(journal.events) / best),
            "events_per_cpu_s": round(len(journal.events) / statistics.median(cpu)),
        }
    out["rss_peak_mb"] = round(_rss_mb())
    out["anon_huge_mb"] = _anon_huge_mb()
    return out


def measure_shipped(huge: bool = False) -> dict[str, object]:
    from blast.loading.loader import load_graph
    from blast.sim import simulate
    from blast.sim.loader import load_scenario

    graph = load_graph(ROOT / "graphs/aws-us-east-1-2025-10-20.yaml")
    scenario = load_scenario(ROOT / "graphs/scenarios/aws-dynamodb-dns-record.yaml", graph)
    scenario = scenario.model_copy(update={"horizon": 30 * 3600.0})
    runs = []
    for _ in range(50):
        start = time.perf_counter()
        journal = simulate(graph, scenario)
        runs.append(time.perf_counter() - start)
    cli = []
    for _ in range(3):  # the first run is cold (bytecode and page cache), the others warm
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "blast",
                "simulate",
                "graphs/aws-us-east-1-2025-10-20.yaml",
                "--scenario",
                "graphs/scenarios/aws-dynamodb-dns-record.yaml",
                "--json",
            ],
            cwd=ROOT,
            env=command_environment(huge),
            check=True,
            capture_output=True,
        )
        cli.append(time.perf_counter() - start)
    return {
        "n": len(graph.components),
        "ms_median": round(1000 * statistics.median(runs), 2),
        "events": len(journal.events),
        "events_per_s": round(len(journal.events) / min(runs)),
        "cli_cold_s": round(cli[0], 2),
        "cli_warm_s": round(min(cli[1:]), 2),
    }


def write_files(n: int, folder: Path) -> tuple[Path, dict[str, Path]]:
    """The bench's generated graph of ``n`` components and its two scenarios, as YAML files."""
    import yaml

    from blast.model.synthetic import service_graph, to_yaml, with_sim_parameters

    graph = with_sim_parameters(service_graph(n, seed=0))
    path = folder / f"graph-{n}.yaml"
    path.write_text(to_yaml(graph))
    paths = {}
    for name, scenario in scenarios(graph).items():
        data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
        paths[name] = folder / f"scenario-{name}.yaml"
        paths[name].write_text(yaml.safe_dump(data, sort_keys=False))
    return path, paths


def _timed(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall and CPU seconds and peak RSS (MB) of one child process, its output discarded."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, cmd)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
    }


def measure_cli(n: int, keep: Path | None = None, huge: bool = False) -> dict[str, object]:
    """Whole ``blast simulate --json`` processes on the generated graph written as YAML.

    The files are written by a child process: a child's peak RSS (``ru_maxrss``) starts
    at its parent's at the fork and survives the ``exec``, so a bench holding the
    generated graph (2.4 GB at 100,000 components) gave every run its own peak.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, __file__, "--files", str(n), str(folder)], check=True)
        graph = folder / f"graph-{n}.yaml"
        scenario_paths = {name: folder / f"scenario-{name}.yaml" for name in ("faults", "region")}
        env = {**command_environment(huge), "BLAST_CACHE_DIR": str(Path(tmp) / "cache")}
        from blast.cli.hugeheap import files_mb, min_mb

        big = files_mb([str(graph)]) >= min_mb(env)  # the command's own size rule
        out: dict[str, object] = {"n": n, "huge_heap": huge_heap(env) and big}
        out["file_mb"] = round(graph.stat().st_size / 1e6, 1)
        for name, scenario in scenario_paths.items():
            cmd = [sys.executable, "-m", "blast", "simulate", str(graph), "--scenario"]
            cmd += [str(scenario), "--json"]
            out[name] = {
                "yaml": _timed([*cmd, "--no-cache"], env),
                "first": _timed(cmd, env),  # reads the YAML and writes the cache entry
                "warm": _timed(cmd, env),
            }
        return out


def _engine() -> str:
    """Which engine this process runs: mypyc-compiled or pure Python (``BLAST_PURE_SIM=1``)."""
    from blast.sim import native

    return "compiled" if native.loaded() else "pure"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the simulation engine (see the module docstring: bench/sim_bench.py)."
    )
    parser.add_argument(
        "sizes", nargs="*", type=int, help="generated graph sizes (default: 10000 100000)"
    )
    parser.add_argument(
        "--one", metavar="N", help="one size (or 'shipped') in this process, printed as JSON"
    )
    parser.add_argument(
        "--cli", metavar="N", type=int, help="time whole `blast simulate FILE` processes"
    )
    parser.add_argument("--keep", metavar="DIR", type=Path, help="with --cli: keep the files here")
    parser.add_argument(
        "--huge-heap",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="run the engine with glibc's huge-page heap, as BLAST_HUGE_HEAP=1 does "
        "(default: without, as the command; see the module docstring)",
    )
    parser.add_argument(
        "--files", nargs=2, metavar=("N", "DIR"), help="only write --cli's files of size N into DIR"
    )
    args = parser.parse_args(argv)
    if args.keep is not None and args.cli is None:
        parser.error("--keep goes with --cli")
    if args.one is not None and args.one != "shipped" and not args.one.isdigit():
        parser.error(f"--one takes a number of components or 'shipped', not {args.one!r}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    if args.files is not None:
        write_files(int(args.files[0]), Path(args.files[1]))
        return
    huge = args.huge_heap
    if args.cli is not None:
        print(json.dumps(measure_cli(args.cli, args.keep, huge)))
        return
    if args.one is not None:
        env = environment(huge)
        if env != dict(os.environ):  # once: the second image's environment is env itself
            from blast.cli.hugeheap import reexec

            reexec(env)
        if args.one == "shipped":
            result = measure_shipped(huge)
        else:
            result = measure_generated(int(args.one))
        print(json.dumps({"engine": _engine(), "huge_heap": huge_heap(), **result}))
        return
    sizes = args.sizes or [10_000, 100_000]
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {platform.system()}, "
        f"{_engine()} engine, huge-page heap "
        f"{'on' if huge_heap(environment(huge)) else 'off'} in the engine runs"
    )
    one = [sys.executable, __file__, *(["--huge-heap"] if huge else []), "--one"]
    shipped = json.loads(
        subprocess.run([*one, "shipped"], capture_output=True, text=True, check=True).stdout
    )
    print(
        f"\nShipped graph ({shipped['n']} components, DNS-record scenario, 30 h horizon): "
        f"{shipped['ms_median']} ms in-process (median of 50), {shipped['events']} events, "
        f"{shipped['events_per_s']:,} events/s; CLI `blast simulate --json` "
        f"{shipped['cli_cold_s']} s cold, {shipped['cli_warm_s']} s warm\n"
    )
    print(
        "| components | scenario | time (s) | CPU (s) | events | events/s | events/CPU s "
        "| peak RSS (MB) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        run = subprocess.run([*one, str(n)], capture_output=True, text=True, check=True)
        r = json.loads(run.stdout)
        for name in ("faults", "region"):
            s = r[name]
            print(
                f"| {n:,} | {name} | {s['seconds']} | {s['cpu_seconds']} | {s['events']:,} | "
                f"{s['events_per_s']:,} | {s['events_per_cpu_s']:,} | {r['rss_peak_mb']:,} |"
            )


if __name__ == "__main__":
    main()
