"""CPU seconds of each analysis command's work after loading, in process, on generated graphs.

What ``blast spof|radius|radius ONE|exposure FILE --json`` compute once the graph
is loaded (``Graph.topology`` included), without reading YAML: the graph is
generated once per shape and size and pickled under ``/tmp/blast-analysis-graphs``.
Prints one line per run (CPU seconds, peak RSS in MB); with a fifth argument, a
cProfile table sorted by it. As in the CLI, the garbage collector is off and the
graph's flat edge arrays exist before the clock starts (a CLI run reads them from
the cache entry, or has just written them there). Usage (from the repository root)::

    .venv/bin/python bench/analysis_commands_bench.py hubs 100000 spof
    .venv/bin/python bench/analysis_commands_bench.py service 10000 radius tottime
"""

from __future__ import annotations

import cProfile
import json
import os
import pickle
import pstats
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

from blast.model.graph import Graph
from blast.model.shapes import generate

CACHE = Path("/tmp/blast-analysis-graphs")


def graph_of(shape: str, n: int) -> Graph:
    """The generated graph (seed 0), pickled once and reused."""
    CACHE.mkdir(exist_ok=True)
    p = CACHE / f"{shape}-{n}.pkl"
    if p.exists():
        c, gr, name = pickle.loads(p.read_bytes())
        return Graph(c, gr, name=name)
    g = generate(shape, n, seed=0)
    p.write_bytes(pickle.dumps((dict(g.components), dict(g.groups), g.name)))
    return g


def run(cmd: str, g: Graph) -> object:
    """One command's analysis, as the CLI runs it (``--json``, default ``--top``)."""
    if cmd == "spof":
        from blast.report import spof_report

        r = spof_report(
            g, max_candidates=64, max_pairs=200, candidate_budget=4096, top=20, cut_sets_of_first=20
        )
        d = {k: list(v) if hasattr(v, "__next__") else v for k, v in r.json_parts(20)}
        return json.dumps(d, default=str)
    if cmd == "radius":
        from blast.analysis.index import build_index
        from blast.analysis.radius import radius_rows

        return radius_rows(build_index(g), 20)
    if cmd == "one":
        from blast.analysis.radius import single_blast_radius

        return single_blast_radius(g, next(iter(g.components)))
    if cmd == "exposure":
        from blast.analysis.exposure import exposure
        from blast.reports.blindspots import blind_spots_in

        res = exposure(g, regions=("us-east-1",))
        return blind_spots_in(g, res.failed, res.regions, res.outcome)

    raise ValueError(f"unknown command {cmd!r}")


def main() -> None:
    shape, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    prof = len(sys.argv) > 4
    g = graph_of(shape, n)
    import networkx  # noqa: F401  (imported before the analysis in real runs)
    import rustworkx  # noqa: F401

    from blast.gcpause import disable_for_process

    disable_for_process()  # as the CLI does
    g.edge_arrays  # noqa: B018  (a CLI run has them from the cache: the topology comes from them)

    t = time.process_time()
    pr = cProfile.Profile()
    if prof:
        pr.enable()
    run(cmd, g)
    if prof:
        pr.disable()
    cpu = time.process_time() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{shape} {n} {cmd}: {cpu:.2f} s CPU, peak {peak:.0f} MB")
    if prof:
        pstats.Stats(pr).sort_stats(sys.argv[4]).print_stats(35)


if __name__ == "__main__":
    main()
