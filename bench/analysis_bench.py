"""Time the full static analysis on generated service graphs of growing size.

Each size runs in a fresh process so that peak memory is its own. Usage::

    .venv/bin/python bench/analysis_bench.py            # 1,000 10,000 100,000
    .venv/bin/python bench/analysis_bench.py 1000 5000  # chosen sizes
    .venv/bin/python bench/analysis_bench.py --shape trace 10000 100000  # another shape

Shapes (``service``, ``trace``, ``hubs``): see :mod:`blast.model.shapes`. CPU
seconds of the whole measuring process are printed beside the wall-clock sum,
because the benchmark machine is shared.

Prints a Markdown table (the one recorded in docs/benchmarks.md).
"""

from __future__ import annotations

import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, seed: int = 0, shape: str = "service") -> dict[str, float]:
    """Generate one graph of ``n`` components and time each analysis step on it."""
    from blast.analysis import (
        articulation_points,
        blast_radius,
        build_index,
        cut_sets,
        exposure,
        radius_table,
    )
    from blast.analysis.radius import single_blast_radius
    from blast.model.shapes import generate
    from blast.report import shared_spofs

    t0 = time.perf_counter()
    graph = generate(shape, n, seed=seed)
    _ = graph.topology  # built by loading in real use; timed apart
    import pandas  # noqa: F401  (imported by the CLI before the analysis; not analysis time)

    generated = time.perf_counter() - t0
    rss_graph = _rss_mb()
    steps: dict[str, float] = {}

    def step(name, fn):
        start = time.perf_counter()
        result = fn()
        steps[name] = time.perf_counter() - start
        return result

    index = step("index", lambda: build_index(graph))
    step("articulation", lambda: articulation_points(graph))
    step("spofs", lambda: (shared_spofs(index), [index.killers(u) for u in graph.user_facing]))
    step("radius_all", lambda: radius_table(index))
    step("exposure", lambda: exposure(graph, region="us-east-1"))
    analysis = sum(steps.values())
    step(
        "pairs",
        lambda: [cut_sets(index, u, max_candidates=16, max_pairs=50) for u in graph.user_facing],
    )
    single = []
    for cid in random.Random(seed + 1).sample(list(graph.components), min(5, n)):
        start = time.perf_counter()
        single_blast_radius(graph, cid)
        single.append(time.perf_counter() - start)
    rng = random.Random(seed)
    picks = rng.sample(list(graph.components), min(200, n))
    counts, full = [], []
    for cid in picks:
        start = time.perf_counter()
        b = index.bit[cid]
        _ = (len(index.down_of[b]), len(index.affected_of[b]))
        _ = index.names(index.down_of[b] & index.user_facing)
        counts.append(time.perf_counter() - start)
        start = time.perf_counter()
        blast_radius(index, cid)
        full.append(time.perf_counter() - start)
    load = float("nan")
    if n <= 10_000:  # a 100,000-component file is ~22 MB of YAML; loading is measured smaller
        from blast.loading.loader import load_graph
        from blast.model.synthetic import to_yaml

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "graph.yaml"
            path.write_text(to_yaml(graph), encoding="utf-8")
            start = time.perf_counter()
            load_graph(path)
            load = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "shape": shape,  # type: ignore[dict-item]
        "single_radius_median_s": statistics.median(single),
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "load_yaml_s": load,
        "n": n,
        "edges": sum(len(c.depends_on) for c in graph.components.values()),
        "generate_s": generated,
        **{f"{k}_s": v for k, v in steps.items()},
        "analysis_s": analysis,
        "radius_lookup_median_ms": statistics.median(counts) * 1000,
        "radius_lookup_max_ms": max(counts) * 1000,
        "radius_ids_median_ms": statistics.median(full) * 1000,
        "radius_ids_max_ms": max(full) * 1000,
        "rss_after_graph_mb": rss_graph,
        "peak_rss_mb": _rss_mb(),
    }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(measure(int(argv[1]), shape=argv[2])))
        return
    shape = "service"
    if argv and argv[0] == "--shape":
        shape, argv = argv[1], argv[2:]
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    rows = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), shape],
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        )
        rows.append(json.loads(out.stdout))
        print(f"measured n={n}", file=sys.stderr)
    print(
        f"Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.platform()}"
    )
    head = (
        "| shape | components | dependencies | analysis (s) | index | articulation | SPOFs | "
        "all radii | exposure | order-2 pairs (s) | radius lookup median / max (ms) | "
        "radius with ids median / max (ms) | one radius by propagation (s) | "
        "RSS graph / peak (MB) | process CPU (s) | load YAML (s) |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in rows:
        print(
            f"| {r['shape']} | {r['n']:,} | {r['edges']:,} | {r['analysis_s']:.2f} | "
            f"{r['index_s']:.2f} | "
            f"{r['articulation_s']:.2f} | {r['spofs_s']:.2f} | {r['radius_all_s']:.2f} | "
            f"{r['exposure_s']:.2f} | {r['pairs_s']:.2f} | "
            f"{r['radius_lookup_median_ms']:.3f} / {r['radius_lookup_max_ms']:.3f} | "
            f"{r['radius_ids_median_ms']:.3f} / {r['radius_ids_max_ms']:.3f} | "
            f"{r['single_radius_median_s']:.3f} | "
            f"{r['rss_after_graph_mb']:.0f} / {r['peak_rss_mb']:.0f} | {r['cpu_s']:.1f} | "
            f"{r['load_yaml_s']:.2f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
