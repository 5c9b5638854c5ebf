"""``blast validate``: check graph files, report every problem located."""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from blast.cli.common import add_command, add_graph_argument, count, emit_json, graph_files

DESCRIPTION = (
    "Check graph files and the files they include, and scenario files (recognised by "
    "`kind: scenario` or `faults:`; checked against the graphs given, else their `graph:`). "
    "Prints every problem as file:line:column: key: message and exits 2 when there is any. "
    "A graph validated before and unchanged since (every file of its include tree) is "
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
    from blast.cli import KEEP_UNTIL_EXIT

    KEEP_UNTIL_EXIT.append(checked)  # freed by the operating system, at exit
    if checked.graph is None:
        for problem in checked.problems:
            print(problem, file=sys.stderr)
        print(f"{len(checked.problems)} problem(s) found", file=sys.stderr)
        return None
    from blast.loading import cache

    if use_cache:
        cache.store(files, checked.graph, checked.sources, checked.written)
    return cache.summary(checked.graph), checked.graph.files


SCENARIO_MARK = re.compile(rb"^(?:kind:[ \t]*['\"]?scenario\b|faults:)", re.MULTILINE)
"""A top-level ``kind: scenario`` or ``faults:`` line: what only a scenario file has."""


def _scenarios(files: list[str]) -> list[str]:
    """The scenario files among ``files``, told by a cheap look at their top-level keys.

    Graph files are parsed once, by the loader; standard input and anything that
    is not a regular file are left to it (it reports them).
    """
    from blast.loading.files import max_file_bytes

    found = []
    for name in files:
        if name == "-" or not os.path.isfile(name):
            continue
        try:
            with open(name, "rb") as handle:
                head = handle.read(max_file_bytes() + 1)
        except OSError:
            continue
        top_level = head.startswith((b"kind:", b"faults:")) or any(
            mark in head for mark in (b"\nkind:", b"\nfaults:")
        )  # the regular expression looks at every line: only when a top-level key may match
        if top_level and SCENARIO_MARK.search(head):
            found.append(name)
    return found


def _check_scenarios(scenarios: list[str], graphs: list[str], use_cache: bool) -> bool:
    """Validate ``scenarios`` against the graphs given (else their own ``graph:``)."""
    from blast.sim.loader import validate_scenario

    graph = None
    if graphs:
        from blast.loading.loader import load_graph

        graph = load_graph(graphs, cache=use_cache)
    problems = [p for s in scenarios for p in validate_scenario(s, graph)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
    return not problems


def run_validate(args: argparse.Namespace) -> int:
    files = graph_files(args)
    scenarios = _scenarios(files)
    graphs = [f for f in files if f not in scenarios]
    use_cache = not args.no_cache
    checked = _check(graphs, use_cache=use_cache) if graphs else None
    if graphs and checked is None:
        return 2
    if scenarios and not _check_scenarios(scenarios, graphs, use_cache):
        return 2
    if args.json:
        out: dict[str, object] = {"valid": True}
        if checked is not None:
            summary, shown = checked
            out.update(
                files=list(shown),
                components=summary["components"],
                groups=summary["groups"],
                user_facing=summary["user_facing"],
            )
        if scenarios:
            out["scenarios"] = scenarios
        emit_json(out)
        return 0
    if checked is not None:
        from blast.loading.catalogs import shown_files

        summary, shown = checked
        print(
            f"ok: {count(summary['components'], 'component')}, "
            f"{count(summary['groups'], 'group')}, "
            f"{summary['user_facing']} user-facing in {', '.join(shown_files(list(shown)))}"
        )
    for scenario in scenarios:
        print(f"ok: scenario {scenario}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``validate`` to the ``blast`` command."""
    p = add_command(
        sub,
        "validate",
        help="check graph files; exit 2 listing every problem",
        description=DESCRIPTION,
        run=run_validate,
    )
    add_graph_argument(p, many=True)
    p.add_argument("--json", action="store_true", help="print a JSON summary when valid")
