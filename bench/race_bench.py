"""Monte Carlo windows of the DNS race per second, on 1 and 2 local workers (and Dask).

Usage::

    .venv/bin/python bench/race_bench.py            # 2000 windows per configuration
    .venv/bin/python bench/race_bench.py 1000       # fewer
    .venv/bin/python bench/race_bench.py 2000 dask  # also a 2-worker LocalCluster

Each configuration runs the same windows (same seed) at the default base setting
of ``RaceParams`` with the worst table setting's tail and contention, through
``blast.parallel.map_seeded``; pool or cluster start-up is included (what a user
waits for). Also times the exhaustive search of the TLA+ configuration. Prints a
Markdown table (the one recorded in docs/benchmarks.md); results are checked
equal across configurations.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from blast.parallel import map_seeded
    from blast.race.des import RaceParams
    from blast.race.explore import explore
    from blast.race.montecarlo import window
    from blast.race.protocol import Config

    runs = int(argv[0]) if argv else 2000
    params = RaceParams(tail_probability=0.05, contention=0.3)
    rows = []
    reference = None
    configs: list[tuple[str, dict[str, object]]] = [
        ("1 worker (in process)", {"workers": 1}),
        ("2 worker processes", {"workers": 2}),
    ]
    cluster = None
    if "dask" in argv[1:]:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)  # fmt: skip
        configs.append(("Dask LocalCluster, 2 processes", {"scheduler": cluster.scheduler_address}))
    try:
        for name, kwargs in configs:
            start, cpu = time.perf_counter(), time.process_time()
            results = map_seeded(window, params, runs=runs, seed=1, **kwargs)  # type: ignore[arg-type]
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu
            reference = reference or results
            assert results == reference, f"{name}: results differ"
            empties = sum(r[0] for r in results)
            # CPU of this process: the whole work in process, only coordination otherwise.
            rows.append((name, runs, seconds, runs / seconds, empties, cpu))
    finally:
        if cluster is not None:
            cluster.close()
    start = time.perf_counter()
    result = explore(Config())
    exhaustive = time.perf_counter() - start
    load = os.getloadavg()[0]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Machine: {machine}, 1-minute load average {load:.1f} after the runs\n")
    print("| configuration | windows | seconds | windows/s | empty | CPU s of this process |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, seconds, rate, empties, cpu in rows:
        print(f"| {name} | {n} | {seconds:.1f} | {rate:.0f} | {empties} | {cpu:.1f} |")
    print(f"\nExhaustive search, TLA+ configuration: {result.states} states, "
          f"{result.transitions} transitions in {exhaustive:.1f} s "
          f"({result.states / exhaustive:.0f} states/s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
