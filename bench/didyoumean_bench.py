"""Validation time when thousands of components name ids that do not exist (issue 13, §4.4).

Each unknown id gets a did-you-mean; comparing every unknown id with every known
id with difflib took 201 s for 8,000 components. Blast indexes candidates by
trigram and caps the look-ups (:class:`blast.loading.messages.Suggester`). Usage::

    .venv/bin/python bench/didyoumean_bench.py          # 8,000 components
    .venv/bin/python bench/didyoumean_bench.py 20000
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from blast.loading.loader import validate_files
    from blast.loading.messages import Suggester

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    shapes = {
        "all name one missing id": lambda i: "service-0004x",
        "each names its own missing id": lambda i: f"servce-{(i * 7) % n:05d}",
    }
    print(f"| {n:,} components | problems | validate_files CPU s | did-you-mean alone CPU s |")
    print("|---|---:|---:|---:|")
    for label, target in shapes.items():
        lines = ["components:"]
        lines += [
            f"  - {{id: service-{i:05d}, kind: api, depends_on: [{target(i)}]}}" for i in range(n)
        ]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "g.yaml"
            path.write_text("\n".join(lines) + "\n")
            start = time.process_time()
            problems = validate_files([path])
            seconds = time.process_time() - start
        start = time.process_time()
        suggest = Suggester(f"service-{i:05d}" for i in range(n))
        for i in range(n):
            suggest.hint(target(i))
        alone = time.process_time() - start
        print(f"| {label} | {len(problems):,} | {seconds:.2f} | {alone:.2f} |", flush=True)


if __name__ == "__main__":
    main()
