"""``blast validate``: check graph files, report every problem located."""

from __future__ import annotations

import argparse
import sys

from blast.cli.common import count, emit_json
from blast.loading.catalogs import shown_files
from blast.loading.loader import load_graph, validate_files

DESCRIPTION = (
    "Check graph files and the files they include, and scenario files (recognised by "
    "`kind: scenario` or `faults:`; checked against the graphs given, else their `graph:`). "
    "Prints every problem as file:line:column: key: message and exits 2 when there is any."
)


def run_validate(args: argparse.Namespace) -> int:
    from blast.sim.loader import is_scenario_file, validate_scenario

    scenarios = [f for f in args.files if is_scenario_file(f)]
    graphs = [f for f in args.files if f not in scenarios]
    problems = validate_files(graphs) if graphs else []
    graph = load_graph(graphs) if graphs and not problems else None
    if not problems:  # scenarios are checked against the graphs given, else their `graph:`
        for scenario in scenarios:
            problems += validate_scenario(scenario, graph)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    if args.json:
        summary: dict[str, object] = {"valid": True}
        if graph is not None:
            summary.update(
                files=list(graph.files),
                components=len(graph.components),
                groups=len(graph.groups),
                user_facing=len(graph.user_facing),
            )
        if scenarios:
            summary["scenarios"] = scenarios
        emit_json(summary)
        return 0
    if graph is not None:
        print(
            f"ok: {count(len(graph.components), 'component')}, "
            f"{count(len(graph.groups), 'group')}, "
            f"{len(graph.user_facing)} user-facing in {', '.join(shown_files(graph.files))}"
        )
    for scenario in scenarios:
        print(f"ok: scenario {scenario}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``validate`` to the ``blast`` command."""
    p = sub.add_parser(
        "validate",
        help="check graph files; exit 2 listing every problem",
        description=DESCRIPTION,
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="graph files (includes followed) and scenario files",
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary when valid")
    p.set_defaults(run=run_validate)
