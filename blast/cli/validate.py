"""``blast validate``: check graph files, report every problem located."""

from __future__ import annotations

import argparse
import sys

from blast.cli.common import count, emit_json
from blast.loading.catalogs import shown_files
from blast.loading.loader import load_graph, validate_files

DESCRIPTION = (
    "Check graph files and the files they include. Prints every problem as "
    "file:line:column: key: message and exits 2 when there is any."
)


def run_validate(args: argparse.Namespace) -> int:
    problems = validate_files(args.files)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    graph = load_graph(args.files)
    if args.json:
        emit_json(
            {
                "valid": True,
                "files": list(graph.files),
                "components": len(graph.components),
                "groups": len(graph.groups),
                "user_facing": len(graph.user_facing),
            }
        )
    else:
        print(
            f"ok: {count(len(graph.components), 'component')}, "
            f"{count(len(graph.groups), 'group')}, "
            f"{len(graph.user_facing)} user-facing in {', '.join(shown_files(graph.files))}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``validate`` to the ``blast`` command."""
    p = sub.add_parser(
        "validate",
        help="check graph files; exit 2 listing every problem",
        description=DESCRIPTION,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="graph files (includes followed)")
    p.add_argument("--json", action="store_true", help="print a JSON summary when valid")
    p.set_defaults(run=run_validate)
