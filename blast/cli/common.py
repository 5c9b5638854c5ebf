"""What every command shares: output helpers, option types and the graph header.

Heavy libraries (pandas, the analysis) are imported inside the functions that use
them, so that ``blast --help`` and ``blast validate`` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from blast.loading.catalogs import shown_files

if TYPE_CHECKING:
    from blast.model.graph import Graph


def add_graph_argument(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """The graph file argument(s) of a command, and ``--no-cache``."""
    if many:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="graph files (includes followed; - is stdin)"
        )
    else:
        parser.add_argument("file", metavar="FILE", help="graph file (- reads standard input)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="parse the YAML even if the cache holds this graph, and store nothing",
    )


def graph_files(args: argparse.Namespace) -> list[str]:
    """The graph files named by :func:`add_graph_argument`."""
    files = getattr(args, "files", None)
    return list(files) if files else [args.file]


def load_graph_arg(args: argparse.Namespace) -> Graph:
    """Load the graph named on the command line (through the cache unless ``--no-cache``)."""
    from blast.loading.loader import load_graph

    return load_graph(graph_files(args), cache=not args.no_cache)


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Left-aligned text table (numbers right-aligned), indented by two spaces."""
    if not rows:
        return "  (none)"
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(frame[c])}
    cells = frame.astype(str)
    widths = {c: max(len(c), int(cells[c].str.len().max())) for c in columns}

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(widths[c]) if c in numeric else v.ljust(widths[c])
            for c, v in zip(columns, values, strict=True)
        ]
        return ("  " + "  ".join(parts)).rstrip()

    out = [line(columns)]
    out += [line(list(row)) for row in cells.itertuples(index=False)]
    return "\n".join(out)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def header(graph: Graph) -> str:
    title = graph.name or graph.files[0]
    return (
        f"{title}\n{count(len(graph.components), 'component')}, "
        f"{count(len(graph.groups), 'redundancy group')}, "
        f"{len(graph.user_facing)} user-facing  ({', '.join(shown_files(graph.files))})"
    )


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value
