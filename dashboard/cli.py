"""Command line of the dashboard: check the graph, build the app, serve on loopback.

Debug is off and the server binds to 127.0.0.1 unless told otherwise; the graph
is validated before the server starts, so a bad file exits 2 with its
``file:line:column`` problems, like the ``blast`` command.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dash import Dash

from blast.errors import BlastError
from blast.sim.loader import load_scenario
from dashboard.race import race_view
from dashboard.screen import screen
from dashboard.server import create_app
from dashboard.state import initial_state
from dashboard.store import DEFAULT_GRAPH, Sources


def build_app(graph: str | Path | None = None, *, warm: bool = False) -> Dash:
    """The app over ``graph`` (default: ``BLAST_GRAPH``, else the shipped 2025-10-20 graph).

    With ``warm`` the default graph is loaded, indexed and its overview drawn now, so that the first
    visitor does not wait for it (and, under ``gunicorn --preload``, the workers
    share the result), and the race page's result is read from its cache (computed
    once per content). A graph that does not load is reported on the page instead.
    """
    chosen = Path(graph or os.environ.get("BLAST_GRAPH") or DEFAULT_GRAPH)
    upload_dir = os.environ.get("BLAST_UPLOAD_DIR")
    sources = Sources(default=chosen) if not upload_dir else Sources(chosen, Path(upload_dir))
    if warm:
        try:
            analysed = sources.analysed(sources.default_key)
            screen(analysed, initial_state(sources.default_key))  # overview, edge arrays
        except (BlastError, OSError) as exc:
            print(f"app.py: the default graph does not load:\n{exc}", file=sys.stderr)
        race_view()
    return create_app(sources)


def parser() -> argparse.ArgumentParser:
    """The options of ``python app.py``."""
    p = argparse.ArgumentParser(
        prog="app.py",
        description=(
            "Blast dashboard: a dependency graph, its SPOFs and blast radii, in a browser."
        ),
    )
    p.add_argument("--graph", default=str(DEFAULT_GRAPH), help="graph file opened by default")
    p.add_argument(
        "--scenario",
        help="scenario file for the timeline page (default: shipped ones written for the graph)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8050, help="port (default: 8050)")
    p.add_argument("--debug", action="store_true", help="Dash debug mode (never on a shared host)")
    return p


def main(argv: list[str] | None = None, app: Dash | None = None) -> int:
    """Validate the graph, then serve until interrupted. Returns the exit code."""
    args = parser().parse_args(argv)
    sources = Sources(default=Path(args.graph))
    try:
        analysed = sources.analysed(sources.default_key)
        if args.scenario:
            load_scenario(args.scenario, analysed.graph)
    except BlastError as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{args.graph}: cannot read: {exc.strerror}", file=sys.stderr)
        return 2
    os.environ["BLAST_GRAPH"] = str(Path(args.graph).resolve())
    if args.scenario:
        os.environ["BLAST_SCENARIO"] = str(Path(args.scenario).resolve())
    dash_app = app or create_app(sources)
    print(
        f"Blast dashboard on http://{args.host}:{args.port}/ — {analysed.label} "
        f"({len(analysed.graph.components)} components)",
        file=sys.stderr,
    )
    dash_app.run(host=args.host, port=args.port, debug=args.debug)
    return 0
