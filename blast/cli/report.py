"""``blast report``: the architect's report as HTML, Markdown or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from blast.cli.common import add_command, add_graph_argument, graph_files, positive_int

if TYPE_CHECKING:
    from collections.abc import Callable

    from blast.model.graph import Graph

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}

DESCRIPTION = (
    "Write a report an architect can hand on: what a region event takes down, the "
    "concentration score, the top single points of failure with why (paths), recovery order "
    "and mitigations with their what-ifs, and the blind spots. With --scenario the time engine "
    "adds outage minutes: the scenario's, each SPOF's alone, and each mitigation's delta (the "
    "scenario simulated again with it). The format follows the output "
    "file's extension (.html, .md, .json) unless --format says otherwise; '-o -' prints to "
    "standard output."
)


def _description(path: str) -> str:
    """The graph file's top-level ``description`` (the graph itself does not keep it).

    The file was read and checked already, so it is read again unlocated (the fast
    parse the loader uses). A file whose bytes hold no ``description`` and no
    backslash (the only way to spell a key without writing it out: an escape in a
    double-quoted scalar; files are UTF-8) has none, and is not parsed at all.
    """
    from pathlib import Path

    from blast.loading.files import read_bounded
    from blast.loading.yamlsource import parse_yaml

    raw = read_bounded(Path(path))  # standard input: the bytes the loader read
    if b"description" not in raw and b"\\" not in raw:
        return ""
    data = parse_yaml(raw, path, located=False).data
    value = data.get("description", "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output == "-":
        return "markdown"
    from pathlib import Path

    from blast.errors import BadInputError

    suffix = Path(args.output).suffix.lower()
    if suffix not in FORMATS:
        raise BadInputError(
            f"cannot tell the format of '{args.output}': use .html, .md or .json, or --format"
        )
    return FORMATS[suffix]


def run_report(args: argparse.Namespace) -> int:
    """``blast report``, or its stored answer (:mod:`blast.cli.answers`: keyed by the bytes of
    ``--scenario`` and ``--figures`` too). A report written to a file (``-o FILE``) or whose
    what-ifs run in other processes (``--workers`` above 1, ``--scheduler``) is always
    computed."""
    from blast.cli.answers import answered

    inputs = [path for path in (args.scenario, args.figures) if path]
    writes = args.output != "-" or args.workers > 1 or bool(args.scheduler)
    return answered(
        args, graph_files(args), lambda load: _report(args, load), inputs=inputs, writes=writes
    )


def _report(args: argparse.Namespace, load: Callable[[], Graph]) -> int:
    from blast.analysis.index import build_index
    from blast.cli import KEEP_UNTIL_EXIT
    from blast.errors import BadInputError
    from blast.reports.build import DEFAULT_REGION, build_report

    fmt = _format(args)
    graph = load()
    if args.figures and args.scenario:
        raise BadInputError("give --scenario (simulate now) or --figures (minutes from a file)")
    figures = None
    if args.figures:  # imported only then: the figures' pydantic model
        from blast.reports.figures import load_figures

        figures = load_figures(args.figures)
    scenario = None
    if args.scenario:
        from blast.sim.loader import load_scenario

        scenario = load_scenario(args.scenario, graph)
    region = None if args.no_region else args.region
    if args.region is None and not args.no_region:  # the default: us-east-1 when present
        region = DEFAULT_REGION if DEFAULT_REGION in graph.regions else None
    index = build_index(graph)  # kept to the end, as the graph is (see exit_fast): freeing
    KEEP_UNTIL_EXIT.append(index)  # its 100,000 bitmaps one by one took 0.15 s on return
    report = build_report(
        graph,
        region=region,
        top=args.top,
        index=index,
        simulation=figures,
        description=_description(args.file),
        workers=args.workers,
        scheduler=args.scheduler,
        scenario=scenario,
        scenario_source=args.scenario or "",
        seed=args.seed,
        full=args.full,
    )
    if fmt == "json":
        text = report.to_json()
    elif fmt == "html":
        from blast.reports.html import render_html

        text = render_html(report)
    else:
        from blast.reports.markdown import render_markdown

        text = render_markdown(report)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    from pathlib import Path

    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInputError(f"cannot write '{args.output}': {exc.strerror}") from None
    s = report.summary
    print(
        f"wrote {args.output} ({fmt}): {s.spofs} SPOFs, {s.blind_spots} blind spots"
        + (f", {s.region_down}/{s.user_facing} user-facing down in {region}" if region else "")
        + (
            f", {s.region_outage_minutes:g} user-facing minutes down in the simulation"
            if s.region_outage_minutes is not None
            else ""
        )
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``report`` to the ``blast`` command."""
    p = add_command(
        sub,
        "report",
        help="write the HTML, Markdown or JSON report",
        description=DESCRIPTION,
        run=run_report,
    )
    add_graph_argument(p, text="graph file")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="file to write (.html, .md or .json), or - for standard output",
    )
    p.add_argument(
        "--format", choices=["html", "markdown", "json"], help="override the extension's format"
    )
    p.add_argument(
        "--region",
        help="region of the summary's region event (us-east-1 when the graph has it)",
    )
    p.add_argument("--no-region", action="store_true", help="leave the region event out")
    p.add_argument("--top", type=positive_int, default=10, metavar="N", help="SPOFs detailed (10)")
    p.add_argument(
        "--scenario",
        metavar="FILE",
        help="scenario to simulate: outage minutes, each SPOF's and each mitigation's delta",
    )
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the simulations (0)")
    p.add_argument(
        "--figures",
        metavar="FILE",
        help="simulation figures (JSON or YAML, see docs/report.md) to add outage minutes",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="every id of the long lists (recovery waves, mitigations' changes, blind spots' "
        "watched components and shared dependencies); by default each keeps its first 50 "
        "and its true size",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="local processes for the what-ifs and simulations (1: in this process)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the what-ifs and simulations on a Dask cluster (tcp://host:port) instead",
    )
