"""What-if round trips of the timeline page, in process (issue 15: under 500 ms).

``python bench/whatif_bench.py [REPEATS]`` changes the shipped 2025-10-20
reconstruction as each what-if says (:func:`dashboard.whatif.apply`, which runs
the engine once more to find detection when a mitigation acts then), simulates
it and builds the downtime table, with the journal cache emptied before each
repeat: the cost of a what-if the page has not seen. Prints the median and the
slowest repeat of each, plus the race search's cold cost (cached per process).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from dashboard import mitigations as mt
from dashboard import timeline as tl
from dashboard import whatif as wi
from dashboard.store import Sources

ROOT = Path(__file__).resolve().parent.parent
SPECS = [
    {"earlier": 60},
    {"mitigations": ["global-table-failover"]},
    {"mitigations": ["throttle"]},
    {"mitigations": ["long-dns-cache"]},
    {"mitigations": ["stale-cache"]},
    {"app": "fortnite"},
    {"fault": "race"},
]


def main(repeats: int = 5) -> None:
    sources = Sources(default=ROOT / "graphs/aws-us-east-1-2025-10-20.yaml")
    analysed = sources.analysed(sources.default_key)
    sim = tl.simulated(analysed, tl.scenarios_for(sources.path_of(sources.default_key))[0])
    start = time.perf_counter()
    mt.race_trigger(("regional",))
    print(f"race search, cold: {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"{'what-if':45} {'median ms':>10} {'max ms':>8} {'user-facing down min':>22}")
    for extra in SPECS:
        spec = wi.parse(wi.dump({**wi.baseline(), **extra}))
        times, down = [], 0.0
        for _ in range(repeats):
            tl._JOURNALS.clear()
            t0 = time.perf_counter()
            changed = wi.apply(sim.graph, sim.scenario, spec, lambda s: tl.run(analysed, s))
            rows = wi.compare(sim.journal, tl.run(analysed, changed), sim.graph)
            times.append((time.perf_counter() - t0) * 1000)
            down = sum(r["whatif_down"] for r in rows)
        label = ", ".join(f"{k}={v}" for k, v in extra.items())
        print(f"{label:45} {statistics.median(times):10.0f} {max(times):8.0f} {down:22.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
