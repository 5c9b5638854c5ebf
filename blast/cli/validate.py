"""``blast validate``: check graph files, report every problem located."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from blast.cli.common import add_graph_argument, count, emit_json, graph_files

DESCRIPTION = (
    "Check graph files and the files they include. Prints every problem as "
    "file:line:column: key: message and exits 2 when there is any. A graph "
    "validated before and unchanged since (every file of its include tree) is "
    "answered from the cache."
)


def _check(files: list[str], use_cache: bool) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    """Summary and file names of a valid graph; prints the problems and returns None if not.

    Each file is read and parsed once (or not at all on a cache hit).
    """
    if use_cache:
        from blast.loading import cache

        entry = cache.lookup(files)
        if entry is not None:
            from blast.loading.files import display

            return entry.summary, tuple(display(p) for p in entry.files)
    from blast.loading.loader import check_files

    checked = check_files(files)
    if checked.graph is None:
        for problem in checked.problems:
            print(problem, file=sys.stderr)
        print(f"{len(checked.problems)} problem(s) found", file=sys.stderr)
        return None
    from blast.loading import cache

    if use_cache:
        cache.store(files, checked.graph, checked.sources)
    return cache.summary(checked.graph), checked.graph.files


def run_validate(args: argparse.Namespace) -> int:
    checked = _check(graph_files(args), use_cache=not args.no_cache)
    if checked is None:
        return 2
    summary, files = checked
    if args.json:
        emit_json(
            {
                "valid": True,
                "files": list(files),
                "components": summary["components"],
                "groups": summary["groups"],
                "user_facing": summary["user_facing"],
            }
        )
    else:
        print(
            f"ok: {count(summary['components'], 'component')}, "
            f"{count(summary['groups'], 'group')}, "
            f"{summary['user_facing']} user-facing in {', '.join(files)}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``validate`` to the ``blast`` command."""
    p = sub.add_parser(
        "validate",
        help="check graph files; exit 2 listing every problem",
        description=DESCRIPTION,
    )
    add_graph_argument(p, many=True)
    p.add_argument("--json", action="store_true", help="print a JSON summary when valid")
    p.set_defaults(run=run_validate)
