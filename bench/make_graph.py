"""Write a generated graph as a YAML graph file, for end-to-end benchmarks of the CLI.

Usage (from the repository root)::

    .venv/bin/python -m bench.make_graph --shape trace --n 100000 -o /tmp/trace-100k.yaml

Shapes: ``service`` (layers and redundancy groups), ``trace`` (like published
microservice call-graph traces) and ``hubs`` (very heavy hubs); see
:mod:`blast.model.shapes`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from blast.model.shapes import SHAPES, generate  # noqa: E402
from blast.model.synthetic import to_yaml  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make_graph", description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=SHAPES, default="service")
    parser.add_argument("--n", type=int, default=10_000, help="number of components")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    graph = generate(args.shape, args.n, seed=args.seed)
    args.output.write_text(to_yaml(graph), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
