"""In process: the warm path, from "the cache entry exists" to "the analysis has its graph".

For each graph file: one cold ``validate`` (in a subprocess, into a private cache
directory) writes the entry; then, in a fresh interpreter per repeat, the stages
are timed in CPU seconds: importing the cache module, finding and checking the
entry (``lookup``: hashing the files), reading it into a ``Graph``
(``entry.graph()``), ``graph.topology``, and, apart, building every component
model (what a caller that walks ``graph.components.values()`` pays). Peak RSS of
the interpreter after the topology (before the models) is printed too.

Usage (from the repository root)::

    .venv/bin/python bench/warm_bench.py /tmp/blast-bench-graphs/hubs-100000-0.yaml
    .venv/bin/python bench/warm_bench.py --root /tmp/blast-before FILE   # another checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, resource, sys, time
clock = time.process_time
t0 = clock()
from blast.loading import cache
t1 = clock()
entry = cache.lookup([sys.argv[1]])
t2 = clock()
graph = entry.graph()
t3 = clock()
graph.topology
t4 = clock()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
models = list(graph.components.values())
t5 = clock()
print(json.dumps({"import": t1 - t0, "lookup": t2 - t1, "graph": t3 - t2, "topology": t4 - t3,
                  "models": t5 - t4, "rss_mb": rss, "pydantic": "pydantic" in sys.modules}))
"""


def measure(root: Path, path: Path, repeat: int) -> dict[str, float]:
    """Median CPU seconds of each stage over ``repeat`` fresh interpreters."""
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {**os.environ, "BLAST_CACHE_DIR": cache_dir}
        subprocess.run(
            [sys.executable, "-m", "blast", "validate", str(path)],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            timeout=1800,
        )
        runs = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path)],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            runs.append(json.loads(out.stdout))
    return {key: statistics.median(float(r[key]) for r in runs) for key in runs[0]}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--root", type=Path, default=ROOT, help="the Blast checkout to run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"root {args.root}, load average {load:.1f}, median of {args.repeat}, CPU seconds\n")
    print("| graph | import | lookup | read entry | topology | peak MB | all models |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in args.files:
        m = measure(args.root, path.resolve(), args.repeat)
        print(
            f"| {path.name} | {m['import']:.2f} | {m['lookup']:.2f} | {m['graph']:.2f} | "
            f"{m['topology']:.2f} | {m['rss_mb']:.0f} | {m['models']:.2f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
