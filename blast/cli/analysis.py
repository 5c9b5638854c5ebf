"""``blast spof`` and ``blast radius``: the single-failure analysis commands.

Output is bounded (``--top``, ``--full``: see :mod:`blast.cli.common`). The
analysis modules pull in networkx and rustworkx (seconds to import); each
command imports what it uses.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from blast.cli.common import (
    Stream,
    add_graph_argument,
    add_output_options,
    count,
    emit_json,
    emit_json_stream,
    graph_files,
    head,
    header,
    limit,
    more,
    more_lines,
    positive_int,
    table,
)

if TYPE_CHECKING:
    from blast.analysis.index import FailureIndex
    from blast.model.graph import Graph
    from blast.report import SpofReport

MAX_PAIRS = 200
MAX_CANDIDATES = 64
CANDIDATE_BUDGET = 4096

DESCRIPTIONS = {
    "spof": "Single points of failure: the components whose failure alone takes down "
    "user-facing components (redundancy respected), the components whose failure only "
    "degrades them, order-2 cut sets (pairs, grouped by shared reason) and the "
    "articulation points of the undirected view.",
    "radius": "Blast radius of one component: what goes down, degrades or is delayed if it "
    "fails alone. Without a component: the counts for every component, largest first.",
}


def emit(parts: Iterator[tuple[str, Any]], full: bool) -> None:
    """Print JSON from ``(key, value)`` parts: lazily with ``--full``, else as one dict."""
    if full:
        emit_json_stream({k: Stream(v) if isinstance(v, Iterator) else v for k, v in parts})
    else:
        emit_json({k: list(v) if isinstance(v, Iterator) else v for k, v in parts})


def _render_spof(report: SpofReport, graph: Graph, top: int | None) -> str:
    n_uf = len(report.user_facing)
    out = [header(graph), ""]
    if not n_uf:
        out += [
            "No component is marked `user_facing: true`: SPOFs are counted against user-facing",
            "components, so mark what end users touch (see docs/schema.md).",
            "",
        ]
    out.append("Single points of failure: components whose failure alone takes down user-facing")
    out.append("components (redundancy respected; soft and async dependencies never take down)")
    rows = [
        {
            "component": s.component,
            "kind": s.kind,
            "region": s.region,
            "user-facing down": f"{len(s.user_facing_down)} of {n_uf}",
            "down": s.down,
            "degraded": s.degraded,
        }
        for s in head(report.spofs, top)
    ]
    out.append(table(rows, ["component", "kind", "region", "user-facing down", "down", "degraded"]))
    out += more_lines(len(rows), report.spof_count)
    out += ["", "Degrade only: components whose failure degrades user-facing components but"]
    out.append("takes none down")
    rows = [
        {
            "component": d.component,
            "kind": d.kind,
            "region": d.region,
            "user-facing degraded": f"{len(d.user_facing_degraded)} of {n_uf}",
            "down": d.down,
            "degraded": d.degraded,
        }
        for d in head(report.degraders, top)
    ]
    columns = ["component", "kind", "region", "user-facing degraded", "down", "degraded"]
    out.append(table(rows, columns))
    out += more_lines(len(rows), report.degrader_count)
    out += ["", "Per user-facing component (order-1 SPOFs and order-2 pairs)"]
    rows = []
    for cs in head(report.cut_sets, top):
        rows.append(
            {
                "component": cs.component,
                "name": graph.label(cs.component),
                "SPOFs": len(cs.spofs),
                "pairs": f"{len(cs.pairs)}" + ("" if cs.pairs_complete else "+"),
                "first SPOFs": ", ".join(cs.spofs[:3]) + (" ..." if len(cs.spofs) > 3 else ""),
            }
        )
    out.append(table(rows, ["component", "name", "SPOFs", "pairs", "first SPOFs"]))
    out += more_lines(len(rows), len(report.cut_sets))
    out += _render_pairs(report, top)
    aps = report.articulation_points
    out += [
        "",
        f"Articulation points of the undirected view ({len(aps)}): removing one splits the graph",
        "  " + (", ".join(head(aps, top)) if aps else "(none)"),
        *more_lines(len(head(aps, top)), len(aps)),
        f"  {report.biconnected_components} biconnected components, the largest with "
        f"{report.largest_biconnected_component} components",
    ]
    return "\n".join(out)


def _side(ids: tuple[str, ...], region: str | None, top: int | None) -> str:
    shown = head(ids, top)
    where = f"{region}: " if region else ""
    extra = f", ... {len(ids) - len(shown)} more" if len(shown) < len(ids) else ""
    if len(ids) == 1:
        return ids[0]
    return f"any of {len(ids)} ({where}{', '.join(shown)}{extra})"


def _render_pairs(report: SpofReport, top: int | None) -> list[str]:
    with_pairs = [cs for cs in report.cut_sets if cs.pairs]
    out: list[str] = []
    if with_pairs:
        out += ["", "Order-2 cut sets: pairs that together take a user-facing component down,"]
        out.append("grouped where they share a reason (A × B: any of A with any of B)")
    for cs in head(with_pairs, top):
        groups = report.pair_groups(cs)
        note = "" if cs.pairs_complete else " (search bounded: not all pairs)"
        out.append(f"  {cs.component}: {count(len(cs.pairs), 'pair')}{note}")
        for g in head(groups, top):
            left = _side(g.left, g.left_region, top)
            right = _side(g.right, g.right_region, top)
            out.append(f"    {left} × {right}")
        out += ["  " + line for line in more_lines(len(head(groups, top)), len(groups))]
    out += more_lines(len(head(with_pairs, top)), len(with_pairs))
    bounds = report.order2
    if bounds is not None and bounds.budget_binds and with_pairs:
        out.append(
            f"  Order-2 search examined at most {bounds.candidates_per_component} candidates per "
            f"component: the report's --candidate-budget {bounds.candidate_budget} shared among "
            f"{len(report.user_facing)} user-facing components (below --max-candidates "
            f"{bounds.max_candidates})."
        )
    return out


def _cmd_spof(args: argparse.Namespace) -> int:
    from blast.cli.answers import run_with_answers

    return run_with_answers(args, graph_files(args), lambda graph: _spof(graph, args))


def keep(*objects: object) -> None:
    """Leave ``objects`` to the operating system at exit (:func:`blast.cli.exit_fast`):
    freeing an index's 100,000 killer sets one by one took 0.1-0.2 s."""
    from blast.cli import KEEP_UNTIL_EXIT

    KEEP_UNTIL_EXIT.extend(objects)


def _spof(graph: Graph, args: argparse.Namespace) -> int:
    from blast.analysis.index import build_index
    from blast.report import spof_report

    index = build_index(graph)
    keep(index)
    report = spof_report(
        graph,
        index=index,
        max_candidates=args.max_candidates,
        max_pairs=args.max_pairs,
        candidate_budget=args.candidate_budget,
        top=limit(args),
        cut_sets_of_first=limit(args) if args.json else None,  # the text counts every pair
    )
    keep(report)
    if args.json:
        emit(report.json_parts(limit(args)), args.full)
    else:
        print(_render_spof(report, graph, limit(args)))
    return 0


def _cmd_radius(args: argparse.Namespace) -> int:
    from blast.cli.answers import run_with_answers

    return run_with_answers(args, graph_files(args), lambda graph: _radius(graph, args))


def _radius(graph: Graph, args: argparse.Namespace) -> int:
    from blast.analysis.index import build_index
    from blast.analysis.names import check_components
    from blast.analysis.radius import single_blast_radius

    if args.component is None:
        index = build_index(graph)
        keep(index)
        return _radius_of_every_component(index, graph, args)
    check_components(graph, [args.component])
    # one propagation from the component, not the whole graph's index: the same lists
    # in the same order (tests/test_radius_single.py)
    radius = single_blast_radius(graph, args.component)
    top = limit(args)
    lists = {
        "down": radius.down,
        "degraded": radius.degraded,
        "delayed": radius.delayed,
        "user_facing_down": radius.user_facing_down,
        "user_facing_degraded": radius.user_facing_degraded,
        "user_facing_delayed": radius.user_facing_delayed,
    }
    if args.json:

        def parts() -> Iterator[tuple[str, Any]]:
            yield "component", radius.component
            yield "counts", {k: len(v) for k, v in lists.items()}
            yield "top", top
            for key, ids in lists.items():
                yield key, iter(head(ids, top)) if args.full else list(head(ids, top))

        emit(parts(), args.full)
        return 0
    print(header(graph))
    print(
        f"\nIf {radius.component} fails: {count(len(radius.down), 'component')} down, "
        f"{len(radius.degraded)} degrade, {len(radius.delayed)} delayed; user-facing: "
        f"{len(radius.user_facing_down)} down, {len(radius.user_facing_degraded)} degraded, "
        f"{len(radius.user_facing_delayed)} delayed"
    )
    for title, ids in (
        ("Down", radius.down),
        ("Degraded", radius.degraded),
        ("Delayed (async work queues up)", radius.delayed),
    ):
        rows = [
            {
                "component": cid,
                "name": graph.label(cid),
                "kind": graph.briefs[cid].kind.value,
                "region": graph.briefs[cid].region,
                "user-facing": "yes" if graph.briefs[cid].user_facing else "",
            }
            for cid in head(ids, top)
        ]
        print(f"\n{title} ({len(ids)})")
        print(table(rows, ["component", "name", "kind", "region", "user-facing"]))
        if line := more(len(rows), len(ids)):
            print(line)
    return 0


def _radius_of_every_component(index: FailureIndex, graph: Graph, args: argparse.Namespace) -> int:
    from blast.analysis.radius import RADIUS_COLUMNS, radius_rows

    top = limit(args)
    shown = radius_rows(index, top)  # the table's first rows, without pandas
    total = len(index.ids)
    columns = RADIUS_COLUMNS

    def rows() -> Iterator[dict[str, Any]]:
        for values in shown:
            yield dict(zip(columns, values, strict=True))

    if args.json:

        def parts() -> Iterator[tuple[str, Any]]:
            yield "counts", {"components": total}
            yield "top", top
            yield "components", rows()

        emit(parts(), args.full)
        return 0
    print(header(graph))
    print(
        "\nBlast radius of every component, if it alone fails (counts exclude itself; "
        "most user-facing victims first)"
    )
    print(table(rows(), columns))
    if line := more(len(shown), total):
        print(line)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``spof`` and ``radius`` to the ``blast`` command."""
    p = sub.add_parser(
        "spof",
        help="single points of failure of user-facing components",
        description=DESCRIPTIONS["spof"],
    )
    add_graph_argument(p)
    add_output_options(p)
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
    p.add_argument(
        "--candidate-budget",
        type=positive_int,
        default=CANDIDATE_BUDGET,
        metavar="N",
        help=f"order-2 candidates examined in all, shared among components ({CANDIDATE_BUDGET})",
    )
    p.set_defaults(run=_cmd_spof)

    p = sub.add_parser(
        "radius",
        help="what goes down, degrades or is delayed if one component fails",
        description=DESCRIPTIONS["radius"],
    )
    add_graph_argument(p)
    p.add_argument(
        "component",
        metavar="COMPONENT",
        nargs="?",
        help="id of the failing component; without it, a table of every component",
    )
    add_output_options(p)
    p.set_defaults(run=_cmd_radius)
