"""``blast exposure``: fail regions (a provider's part of them) or components; who suffers, why.

Each user-facing component is down, degraded, delayed or safe, explained by
every chain that leads to what failed (through a redundancy group: one chain per
member that is down). Output is bounded like every analysis command
(:mod:`blast.cli.common`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from blast.cli.analysis import emit, keep
from blast.cli.common import (
    add_command,
    add_graph_argument,
    add_output_options,
    count,
    graph_files,
    head,
    header,
    limit,
    more_lines,
    table,
)

if TYPE_CHECKING:
    from blast.analysis.exposure import Exposure, RegionExposure
    from blast.model.graph import Graph
    from blast.reports.blindspots import BlindSpot

DESCRIPTION = (
    "Fail whole regions (global services anchored there included; --provider narrows them to "
    "one provider's components) and/or some components, and classify every user-facing "
    "component as down, degraded, delayed (async work queues up) or safe, with the "
    "dependency chains that explain it; then the blind spots: monitoring or status pages that "
    "go dark together with what they watch, with the shared dependency named."
)


def _exposure_dict(e: Exposure) -> dict[str, Any]:
    return {
        "component": e.component,
        "name": e.name,
        "region": e.region,
        "state": e.state,
        "path": list(e.path),
        "reasons": [list(r) for r in e.reasons],
        "queued": list(e.queued),
    }


def _blind_dict(b: BlindSpot, top: int | None) -> dict[str, Any]:
    """One blind spot; its long lists cut to ``top`` like every list of the output."""
    from dataclasses import asdict

    out = asdict(b)
    out["watched_down_count"] = len(b.watched_down)
    out["shared_count"] = len(b.shared)
    out["watched_down"] = list(head(b.watched_down, top))
    out["shared"] = list(head(b.shared, top))
    return out


def json_parts(
    result: RegionExposure, top: int | None, blind: tuple[BlindSpot, ...] = ()
) -> Iterator[tuple[str, Any]]:
    """Top-level keys and values of ``blast exposure --json`` (long lists lazily)."""
    from blast.analysis.exposure import EXPOSURE_STATES

    yield "regions", list(result.regions)
    yield "providers", list(result.providers)
    yield (
        "counts",
        {
            "failed": len(result.failed),
            "anchored_global": len(result.anchored_global),
            "global_failed": result.global_failed,
            "user_facing": len(result.exposures),
            "delayed": len(result.delayed),
            "blind_spots": len(blind),
        },
    )
    yield "states", {s: result.count(s) for s in EXPOSURE_STATES}
    yield "top", top
    yield "failed", iter(head(result.failed, top))
    yield "anchored_global", iter(head(result.anchored_global, top))
    yield "user_facing", (_exposure_dict(e) for e in head(result.exposures, top))
    yield (
        "delayed",
        ({"component": d.component, "queued": list(d.queued)} for d in head(result.delayed, top)),
    )
    yield "blind_spots", (_blind_dict(b, top) for b in head(blind, top))


def _because(graph: Graph, e: Exposure) -> str:
    from blast.analysis.explain import render

    if e.path == (e.component,):
        return "fails itself (in the failed set)"
    text = render(graph, list(e.reasons))
    if e.state == "delayed":
        return f"work for {', '.join(e.queued)} queues up: {text}"
    return text


def _blind_lines(blind: tuple[BlindSpot, ...], top: int | None) -> list[str]:
    """The blind-spot section: who goes dark with what it watches, and what they share."""
    out = ["", "Blind spots: monitoring that goes dark together with what it watches"]
    if not blind:
        return [*out, "  (none)"]
    rows = [
        {
            "watcher": b.watcher,
            "kind": b.kind,
            "dark with": f"{len(b.watched_down)} of {b.watched_total} watched: "
            + ", ".join(head(b.watched_down, 5))
            + (" ..." if len(b.watched_down) > 5 else ""),
            "shared dependency": b.shared_dependency,
            "path": " -> ".join(b.path),
        }
        for b in head(blind, top)
    ]
    out.append(table(rows, ["watcher", "kind", "dark with", "shared dependency", "path"]))
    return out + more_lines(len(rows), len(blind))


def _render(
    result: RegionExposure, graph: Graph, top: int | None, blind: tuple[BlindSpot, ...] = ()
) -> str:
    out = [header(graph), ""]
    what = [f"region {r}" for r in result.regions]
    if result.providers:
        what = [f"{w} ({', '.join(result.providers)} components only)" for w in what]
    given = [
        c
        for c in result.failed
        if not result.regions or graph.briefs[c].region not in result.regions
    ]
    if given:
        what.append(
            ", ".join(head(given, top)) + (" ..." if len(head(given, top)) < len(given) else "")
        )
    line = f"Failing {' and '.join(what)}: {count(len(result.failed), 'component')}"
    if result.anchored_global:
        shown = head(result.anchored_global, top)
        line += (
            f"; global services failed that user-facing components reach: {', '.join(shown)}"
            + (" ..." if len(shown) < len(result.anchored_global) else "")
        )
    out.append(line)
    unreached = result.global_failed - len(result.anchored_global)
    if unreached:
        out.append(
            f"  ({count(unreached, 'other global service')} failed, "
            "reached by no user-facing component)"
        )
    out.append(
        f"User-facing: {result.count('down')} down, {result.count('degraded')} degraded, "
        f"{result.count('delayed')} delayed, {result.count('safe')} safe"
    )
    out.append("")
    rows = [
        {"component": e.component, "state": e.state, "because": _because(graph, e)}
        for e in head(result.exposures, top)
    ]
    out.append(table(rows, ["component", "state", "because"]))
    out += more_lines(len(rows), len(result.exposures))
    if result.delayed:
        out += ["", "Delayed, reached by user-facing components: async work queues up (no outage)"]
        rows = [
            {"component": d.component, "work queues up for": ", ".join(d.queued)}
            for d in head(result.delayed, top)
        ]
        out.append(table(rows, ["component", "work queues up for"]))
        out += more_lines(len(rows), len(result.delayed))
    out += _blind_lines(blind, top)
    return "\n".join(out)


def _cmd_exposure(args: argparse.Namespace) -> int:
    from blast.cli.answers import run_with_answers

    return run_with_answers(args, graph_files(args), lambda graph: _exposure(graph, args))


def _exposure(graph: Graph, args: argparse.Namespace) -> int:
    from blast.analysis.exposure import exposure
    from blast.reports.blindspots import blind_spots_in

    result = exposure(
        graph,
        regions=tuple(args.region or ()),
        components=tuple(args.component or ()),
        providers=tuple(args.provider or ()),
    )
    blind = blind_spots_in(graph, result.failed, result.regions, result.outcome)
    keep(result, blind)
    if args.json:
        emit(json_parts(result, limit(args), blind), args.full)
    else:
        print(_render(result, graph, limit(args), blind))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``exposure`` to the ``blast`` command."""
    p = add_command(
        sub,
        "exposure",
        help="fail regions (or components) and classify user-facing ones",
        description=DESCRIPTION,
        run=_cmd_exposure,
    )
    add_graph_argument(p)
    p.add_argument(
        "--region",
        action="append",
        metavar="REGION",
        help="a region to fail, global services anchored there included (repeatable: all fail)",
    )
    p.add_argument(
        "--provider",
        action="append",
        metavar="NAME",
        help="fail only this provider's components of the regions (repeatable)",
    )
    p.add_argument(
        "--component",
        action="append",
        metavar="ID",
        help="a component to fail (repeatable; with or without --region)",
    )
    add_output_options(p)
