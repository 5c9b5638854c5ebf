"""CPU seconds of the failure index's parts on graph files, in process (issue 14).

For each file (read through Blast's graph cache, as a warm ``blast report`` does):
``solve_killers`` alone, ``build_index``, ``top_spofs(index, 10)`` (what ``blast
report`` ranks) and ``leading_spofs(index, 10)`` (``blast spof --json``), each on a
fresh index, the median of ``--repeat`` runs. Run it in two checkouts, alternated, to
compare (the machine is shared: CPU time, not wall time). Usage::

    .venv/bin/python bench/index_parts.py /tmp/blast-bench-graphs/hubs-100000-0.yaml
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blast.analysis.index import build_index, dependency_order, solve_killers
from blast.analysis.setpasses import EMPTY
from blast.loading.loader import load_graph
from blast.report import leading_spofs, top_spofs


def measure(path: str, repeat: int) -> dict[str, float]:
    """Median CPU seconds of each part on the graph at ``path``."""
    graph = load_graph(path, cache=True)
    topo = graph.topology
    n, n_comp = len(topo.nodes), topo.n_components
    stored = graph.compact.order if graph.compact is not None else None
    order, _, bit_of_pos = dependency_order(topo, stored)
    need = {v: len(topo.targets[v]) - topo.min_up[v] + 1 for v in range(n_comp, n)}
    gc.disable()
    parts: dict[str, list[float]] = {}
    clock = time.process_time
    for _ in range(repeat):
        killers = [EMPTY] * n
        start = clock()
        solve_killers(order, topo.hard_targets, n_comp, bit_of_pos, need, killers)
        parts.setdefault("solve_killers", []).append(clock() - start)
        del killers
        start = clock()
        index = build_index(graph)
        parts.setdefault("build_index", []).append(clock() - start)
        start = clock()
        top_spofs(index, 10)
        parts.setdefault("top_spofs", []).append(clock() - start)
        index = build_index(graph)
        start = clock()
        leading_spofs(index, 10)
        parts.setdefault("leading_spofs", []).append(clock() - start)
        del index
    return {name: statistics.median(times) for name, times in parts.items()}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for path in args.files:
        found = measure(path, args.repeat)
        print(Path(path).name, " ".join(f"{k}={v:.3f}" for k, v in found.items()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
