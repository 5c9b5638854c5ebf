"""``blast spof``, ``blast radius`` and ``blast exposure``: the static analysis commands.

The analysis modules pull in pandas, networkx and rustworkx (seconds to import);
each command imports what it uses.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from blast.cli.common import (
    add_graph_argument,
    count,
    emit_json,
    header,
    load_graph_arg,
    positive_int,
    table,
)

if TYPE_CHECKING:
    from blast.analysis.index import FailureIndex
    from blast.model.graph import Graph
    from blast.report import SpofReport

MAX_PAIRS = 200
MAX_CANDIDATES = 64

DESCRIPTIONS = {
    "spof": "Single points of failure: the components whose failure alone takes down "
    "user-facing components (redundancy respected), order-2 cut sets (pairs) and the "
    "articulation points of the undirected view.",
    "radius": "Blast radius of one component: what goes down and what degrades if it fails "
    "alone. Without a component: the counts for every component, largest first.",
    "exposure": "Fail a whole region (global services anchored there included) and/or some "
    "components, and classify every user-facing component as down, degraded or safe, with "
    "the dependency path that explains it.",
}


def _render_spof(report: SpofReport, graph: Graph, top: int) -> str:
    n_uf = len(report.user_facing)
    out = [header(graph), ""]
    if not n_uf:
        out += [
            "No component is marked `user_facing: true`: SPOFs are counted against user-facing",
            "components, so mark what end users touch (see docs/schema.md).",
            "",
        ]
    out.append("Single points of failure: components whose failure alone takes down user-facing")
    out.append("components (redundancy respected; soft and async dependencies only degrade)")
    rows = [
        {
            "component": s.component,
            "kind": s.kind,
            "region": s.region,
            "user-facing down": f"{len(s.user_facing_down)} of {n_uf}",
            "down": s.down,
            "degraded": s.degraded,
        }
        for s in report.spofs[:top]
    ]
    out.append(table(rows, ["component", "kind", "region", "user-facing down", "down", "degraded"]))
    if len(report.spofs) > top:
        out.append(f"  ... {len(report.spofs) - top} more (--top N to show more, --json for all)")
    out += ["", "Per user-facing component (order-1 SPOFs and order-2 pairs)"]
    rows = []
    for cs in report.cut_sets:
        pairs = f"{len(cs.pairs)}" + ("" if cs.pairs_complete else "+")
        rows.append(
            {
                "component": cs.component,
                "name": graph.label(cs.component),
                "SPOFs": len(cs.spofs),
                "pairs": pairs,
                "first SPOFs": ", ".join(cs.spofs[:3]) + (" ..." if len(cs.spofs) > 3 else ""),
            }
        )
    out.append(table(rows, ["component", "name", "SPOFs", "pairs", "first SPOFs"]))
    with_pairs = [cs for cs in report.cut_sets if cs.pairs]
    if with_pairs:
        out += ["", "Order-2 cut sets: pairs that together take a user-facing component down"]
        for cs in with_pairs[:top]:
            shown = ", ".join(f"{a} + {b}" for a, b in cs.pairs[:5])
            more = len(cs.pairs) - 5
            suffix = f", ... {more} more" if more > 0 else ""
            note = "" if cs.pairs_complete else " (search bounded: not all pairs)"
            out.append(f"  {cs.component}: {shown}{suffix}{note}")
    out += [
        "",
        f"Articulation points of the undirected view ({len(report.articulation_points)}): "
        "removing one splits the graph",
    ]
    aps = report.articulation_points
    out.append(
        "  " + (", ".join(aps[:40]) + (" ..." if len(aps) > 40 else "") if aps else "(none)")
    )
    out.append(
        f"  {report.biconnected_components} biconnected components, the largest with "
        f"{report.largest_biconnected_component} components"
    )
    return "\n".join(out)


def _cmd_spof(args: argparse.Namespace) -> int:
    from blast.report import spof_report

    graph = load_graph_arg(args)
    report = spof_report(graph, max_candidates=args.max_candidates, max_pairs=args.max_pairs)
    if args.json:
        emit_json(report.to_dict())
    else:
        print(_render_spof(report, graph, args.top))
    return 0


def _cmd_radius(args: argparse.Namespace) -> int:
    from blast.analysis.index import build_index
    from blast.analysis.radius import single_blast_radius

    graph = load_graph_arg(args)
    if args.component is None:
        return _radius_of_every_component(build_index(graph), graph, args)
    radius = single_blast_radius(graph, args.component)  # one propagation, not the index
    if args.json:
        emit_json(
            {
                "component": radius.component,
                "down": list(radius.down),
                "degraded": list(radius.degraded),
                "user_facing_down": list(radius.user_facing_down),
                "user_facing_degraded": list(radius.user_facing_degraded),
                "counts": {
                    "down": len(radius.down),
                    "degraded": len(radius.degraded),
                    "user_facing_down": len(radius.user_facing_down),
                    "user_facing_degraded": len(radius.user_facing_degraded),
                },
            }
        )
        return 0
    print(header(graph))
    print(
        f"\nIf {radius.component} fails: {count(len(radius.down), 'component')} down, "
        f"{len(radius.degraded)} degrade; user-facing: {len(radius.user_facing_down)} down, "
        f"{len(radius.user_facing_degraded)} degraded"
    )
    for title, ids in (("Down", radius.down), ("Degraded", radius.degraded)):
        rows = [
            {
                "component": cid,
                "name": graph.label(cid),
                "kind": graph.components[cid].kind.value,
                "region": graph.components[cid].region,
                "user-facing": "yes" if graph.components[cid].user_facing else "",
            }
            for cid in ids
        ]
        print(f"\n{title} ({len(ids)})")
        print(table(rows, ["component", "name", "kind", "region", "user-facing"]))
    return 0


def _radius_of_every_component(index: FailureIndex, graph: Graph, args: argparse.Namespace) -> int:
    from blast.analysis.radius import radius_table

    frame = radius_table(index)
    if args.json:
        emit_json({"components": frame.to_dict(orient="records")})
        return 0
    print(header(graph))
    print(
        "\nBlast radius of every component, if it alone fails (counts exclude itself; "
        "most user-facing victims first)"
    )
    print(table(frame.head(args.top).to_dict(orient="records"), list(frame.columns)))
    if len(frame) > args.top:
        print(f"  ... {len(frame) - args.top} more (--top N to show more, --json for all)")
    return 0


def _own_failure(path: tuple[str, ...]) -> str:
    return "fails itself (in the failed set)" if path else ""


def _cmd_exposure(args: argparse.Namespace) -> int:
    from blast.analysis.exposure import exposure

    graph = load_graph_arg(args)
    result = exposure(graph, region=args.region, components=tuple(args.component or ()))
    if args.json:
        emit_json(
            {
                "region": result.region,
                "failed": list(result.failed),
                "anchored_global": list(result.anchored_global),
                "counts": {s: result.count(s) for s in ("down", "degraded", "safe")},
                "user_facing": [
                    {
                        "component": e.component,
                        "name": e.name,
                        "region": e.region,
                        "state": e.state,
                        "path": list(e.path),
                    }
                    for e in result.exposures
                ],
            }
        )
        return 0
    print(header(graph))
    what = f"region {result.region}" if result.region else ", ".join(result.failed)
    print(f"\nFailing {what}: {count(len(result.failed), 'component')}", end="")
    if result.anchored_global:
        print(f", including global services anchored there: {', '.join(result.anchored_global)}")
    else:
        print()
    print(
        f"User-facing: {result.count('down')} down, {result.count('degraded')} degraded, "
        f"{result.count('safe')} safe\n"
    )
    rows = [
        {
            "component": e.component,
            "state": e.state,
            "because": " -> ".join(e.path[1:]) + " (failed)"
            if len(e.path) > 1
            else _own_failure(e.path),
        }
        for e in result.exposures
    ]
    print(table(rows, ["component", "state", "because"]))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``spof``, ``radius`` and ``exposure`` to the ``blast`` command."""
    p = sub.add_parser(
        "spof",
        help="single points of failure of user-facing components",
        description=DESCRIPTIONS["spof"],
    )
    add_graph_argument(p)
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--top", type=positive_int, default=20, metavar="N", help="rows per table (20)")
    p.add_argument(
        "--max-pairs",
        type=positive_int,
        default=MAX_PAIRS,
        metavar="N",
        help=f"order-2 pairs kept per component ({MAX_PAIRS})",
    )
    p.add_argument(
        "--max-candidates",
        type=positive_int,
        default=MAX_CANDIDATES,
        metavar="N",
        help=f"order-2 candidates examined per component ({MAX_CANDIDATES})",
    )
    p.set_defaults(run=_cmd_spof)

    p = sub.add_parser(
        "radius",
        help="what goes down and degrades if one component fails",
        description=DESCRIPTIONS["radius"],
    )
    add_graph_argument(p)
    p.add_argument(
        "component",
        metavar="COMPONENT",
        nargs="?",
        help="id of the failing component; without it, a table of every component",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--top", type=positive_int, default=20, metavar="N", help="rows of the table (20)"
    )
    p.set_defaults(run=_cmd_radius)

    p = sub.add_parser(
        "exposure",
        help="fail a region (or components) and classify user-facing",
        description=DESCRIPTIONS["exposure"],
    )
    add_graph_argument(p)
    p.add_argument("--region", help="region to fail, global services anchored there included")
    p.add_argument(
        "--component",
        action="append",
        metavar="ID",
        help="a component to fail (repeatable; with or without --region)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_exposure)
