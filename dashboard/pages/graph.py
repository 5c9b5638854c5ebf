"""The graph page: the dependency graph, its SPOFs, and the blast radius of a click.

Layout functions return Dash components; each callback reads its inputs, calls
the pure functions of :mod:`dashboard.state`, :mod:`dashboard.screen`,
:mod:`dashboard.panel` and :mod:`dashboard.exports`, and returns their result.
"""

from __future__ import annotations

from typing import Any

import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from blast.errors import BlastError
from dashboard import ids
from dashboard.elements import AP_BORDER, DEGRADED, DOWN, SPOF_BORDER, STYLESHEET
from dashboard.exports import spof_csv, spof_json, view_csv, view_json
from dashboard.panel import MAX_LISTED, Panel, panel
from dashboard.screen import Screen, kinds_present, screen
from dashboard.state import DEFAULT_HOPS, MAX_HOPS, search_options
from dashboard.store import Analysed, Sources

LABEL = "Graph & blast radius"


def layout(state: dict[str, Any], sources: Sources) -> html.Div:
    """The page: toolbar, notice, graph with legend, side panel."""
    focus = state.get("focus")
    try:
        options = search_options(sources.analysed(state["graph"]), focus) if focus else []
    except (BlastError, OSError):
        options = []
    toolbar = html.Div(
        className="toolbar",
        children=[
            dcc.Dropdown(
                id=ids.GRAPH_SEARCH,
                placeholder="Search a component by name or id…",
                className="search",
                value=state.get("focus"),
                options=options,
                clearable=True,
            ),
            html.Label(
                [
                    "Hops ",
                    dcc.Input(
                        id=ids.GRAPH_HOPS,
                        type="number",
                        min=1,
                        max=MAX_HOPS,
                        step=1,
                        value=state.get("hops", DEFAULT_HOPS),
                        className="hops",
                    ),
                ]
            ),
            dcc.RadioItems(
                id=ids.GRAPH_SHOW,
                options=[
                    {"label": "whole graph", "value": "all"},
                    {"label": "near the focus only", "value": "near"},
                ],
                value=state.get("show", "all"),
                inline=True,
                className="show",
            ),
            html.Button("Clear focus", id=ids.GRAPH_CLEAR, className="btn"),
            html.Button("Expand all", id=ids.GRAPH_EXPAND_ALL, className="btn"),
            html.Button("Collapse all", id=ids.GRAPH_COLLAPSE_ALL, className="btn"),
            html.Span(className="spacer"),
            html.Span("Download", className="dl-label"),
            html.Button("SPOFs .csv", id=ids.GRAPH_DL_SPOF_CSV, className="btn small"),
            html.Button("report .json", id=ids.GRAPH_DL_SPOF_JSON, className="btn small"),
            html.Button("view .csv", id=ids.GRAPH_DL_VIEW_CSV, className="btn small"),
            html.Button("view .json", id=ids.GRAPH_DL_VIEW_JSON, className="btn small"),
            dcc.Download(id=ids.GRAPH_DOWNLOAD),
        ],
    )
    graph = html.Div(
        className="graph-col",
        children=[
            html.Div(id=ids.GRAPH_NOTICE, className="notice"),
            cyto.Cytoscape(
                id=ids.GRAPH_CYTO,
                elements=[],
                stylesheet=STYLESHEET,
                layout={"name": "preset", "fit": True, "padding": 30},
                className="cyto",
                style={"width": "100%", "height": "100%"},
                minZoom=0.05,
                maxZoom=3,
                autoungrabify=True,
                boxSelectionEnabled=False,
                responsive=True,
            ),
            html.Div(id=ids.GRAPH_LEGEND, className="legend"),
        ],
    )
    side = html.Aside(id=ids.GRAPH_PANEL, className="panel")
    return html.Div([toolbar, html.Div([graph, side], className="graph-body")])


def legend(analysed: Analysed) -> list[Any]:
    """Kinds present with their colours, then the markers and the radius colours."""
    items: list[Any] = [
        html.Span([html.I(className="dot", style={"background": c}), k], className="item")
        for k, c in kinds_present(analysed)
    ]
    marks = [
        (f"border:4px double {SPOF_BORDER}", "⚠ SPOF of a user-facing component"),
        (f"border:3px solid {AP_BORDER}", "articulation point"),
        ("border-radius:3px;width:18px", "user-facing"),
        (f"background:{DOWN}", "down (blast radius)"),
        (f"background:{DEGRADED}", "degraded"),
        ("border:1px dashed #78909c;border-radius:3px;width:22px", "collapsed group: click"),
    ]
    for css, text in marks:
        style = dict(part.split(":", 1) for part in css.split(";"))
        items.append(html.Span([html.I(className="dot", style=style), text], className="item"))
    items.append(html.Span("— hard  ┄ soft/async  → points at what is needed", className="item"))
    return items


def _names(analysed: Analysed, node_ids: tuple[str, ...]) -> list[Any]:
    shown = [html.Li(analysed.graph.label(n), title=n) for n in node_ids[:MAX_LISTED]]
    if len(node_ids) > MAX_LISTED:
        shown.append(html.Li(f"… and {len(node_ids) - MAX_LISTED} more", className="more"))
    return shown


def _links(links: tuple[Any, ...]) -> list[Any]:
    out = []
    for link in links[:MAX_LISTED]:
        note = f" — {link.note}" if link.note else ""
        out.append(
            html.Li(
                [
                    html.Span(link.label, title=link.id),
                    html.Span(f" {link.type}", className=f"tag {link.type}"),
                    note,
                ]
            )
        )
    if len(links) > MAX_LISTED:
        out.append(html.Li(f"… and {len(links) - MAX_LISTED} more", className="more"))
    return out


def side_panel(analysed: Analysed, info: Panel | None) -> list[Any]:
    """The side panel: a guide without a focus, else the component's story."""
    if info is None:
        top = analysed.spofs[:8]
        return [
            html.H3("Click a component"),
            html.P(
                "Its blast radius lights up: red goes down with it, amber degrades. "
                "This panel then says what it depends on, what depends on it, whether "
                "it is a single point of failure and for whom, and why."
            ),
            html.H4(f"Largest SPOFs ({len(analysed.spofs)})"),
            html.Ol(
                [
                    html.Li(f"{s.name} — takes down {len(s.user_facing_down)} user-facing")
                    for s in top
                ]
            ),
        ]
    head: list[Any] = [html.H3(info.label, className="panel-title"), html.Code(info.id)]
    badges = []
    if info.is_spof:
        badges.append(html.Span("⚠ SPOF", className="badge spof"))
    if info.articulation:
        badges.append(html.Span("articulation point", className="badge ap"))
    head.append(html.Div(badges, className="badges"))
    head.append(
        html.Table([html.Tr([html.Th(k), html.Td(v)]) for k, v in info.facts], className="facts")
    )
    body: list[Any] = []
    if not info.is_group:
        body.append(html.H4("If it fails"))
        body.append(
            html.P(
                [
                    html.B(f"{len(info.down)} down", className="down-text"),
                    ", ",
                    html.B(f"{len(info.degraded)} degraded", className="degraded-text"),
                    f"; user-facing: {len(info.user_facing_down)} down, "
                    f"{len(info.user_facing_degraded)} degraded.",
                ]
            )
        )
        if info.is_spof:
            body.append(html.H4(f"Single point of failure for {len(info.user_facing_down)}"))
            body.append(
                html.Ul(
                    [
                        html.Li(
                            [
                                html.B(analysed.graph.label(path[0])),
                                html.Span(
                                    " ← " + " ← ".join(analysed.graph.label(p) for p in path[1:]),
                                    className="path",
                                ),
                            ]
                        )
                        for path in info.why[:MAX_LISTED]
                    ],
                    className="why",
                )
            )
            body.append(
                html.P(
                    "Each line: the user-facing component, then the chain of "
                    "hard dependencies down to this one.",
                    className="hint",
                )
            )
        else:
            body.append(html.P("Not a SPOF: no user-facing component goes down with it alone."))
        if info.user_facing_degraded:
            body.append(html.H4("User-facing, degraded"))
            body.append(html.Ul(_names(analysed, info.user_facing_degraded)))
        if info.taken_down_by:
            body.append(html.H4(f"Taken down by ({len(info.taken_down_by)})"))
            body.append(html.Ul(_names(analysed, info.taken_down_by)))
    title = "Members" if info.is_group else "Depends on"
    body += [html.H4(f"{title} ({len(info.depends_on)})"), html.Ul(_links(info.depends_on))]
    body += [html.H4(f"Depended on by ({len(info.dependents)})"), html.Ul(_links(info.dependents))]
    if info.notes:
        body += [html.H4("Notes"), html.P(info.notes, className="notes")]
    if info.sources:
        refs = analysed.graph.references
        body += [html.H4("Sources"), html.Ul([html.Li(_source(s, refs)) for s in info.sources])]
    return head + body


def _source(source: str, references: Any) -> Any:
    target = references.get(source, source)
    if target.startswith(("http://", "https://")):
        text = source if source != target else target
        return html.A(text, href=target, title=target, target="_blank", rel="noopener noreferrer")
    return f"{source}: {target}" if target != source else source


def render(scr: Screen) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Elements, side panel, notice and legend of one screen."""
    info = panel(scr.analysed, scr.focus) if scr.focus else None
    notes = list(scr.view.notes)
    if scr.drawn.edges_left_out:
        notes.append(
            f"{scr.drawn.edges_left_out} dependency lines not drawn to stay under the "
            "element budget (those touching the focus always are)."
        )
    notice = [html.Div(n) for n in notes]
    return scr.drawn.elements, side_panel(scr.analysed, info), notice, legend(scr.analysed)


def register(app: Dash, sources: Sources) -> None:
    """The graph page's callbacks."""

    @app.callback(
        Output(ids.GRAPH_CYTO, "elements"),
        Output(ids.GRAPH_PANEL, "children"),
        Output(ids.GRAPH_NOTICE, "children"),
        Output(ids.GRAPH_LEGEND, "children"),
        Input(ids.SHELL_STATE, "data"),
    )
    def draw(state: dict[str, Any]) -> tuple[Any, ...]:
        try:
            analysed = sources.analysed(state["graph"])
        except (BlastError, OSError) as exc:  # a graph that vanished: say so, keep going
            return [], [], [html.Div(str(exc), className="error")], []
        return render(screen(analysed, state))

    @app.callback(
        Output(ids.GRAPH_SEARCH, "options"),
        Input(ids.GRAPH_SEARCH, "search_value"),
        State(ids.SHELL_STATE, "data"),
        State(ids.GRAPH_SEARCH, "value"),
    )
    def search(text: str | None, state: dict[str, Any], value: str | None) -> Any:
        analysed = sources.analysed(state["graph"])
        options = search_options(analysed, text)
        if value and value in analysed.graph and all(o["value"] != value for o in options):
            options.append({"label": analysed.graph.label(value), "value": value})
        return options

    @app.callback(
        Output(ids.GRAPH_DOWNLOAD, "data"),
        Input(ids.GRAPH_DL_SPOF_CSV, "n_clicks"),
        Input(ids.GRAPH_DL_SPOF_JSON, "n_clicks"),
        Input(ids.GRAPH_DL_VIEW_CSV, "n_clicks"),
        Input(ids.GRAPH_DL_VIEW_JSON, "n_clicks"),
        State(ids.SHELL_STATE, "data"),
        prevent_initial_call=True,
    )
    def download(_a: Any, _b: Any, _c: Any, _d: Any, state: dict[str, Any]) -> Any:
        analysed = sources.analysed(state["graph"])
        stem = analysed.label.lower().replace(" ", "-").replace(",", "")[:60] or "graph"
        which = ctx.triggered_id
        if which == ids.GRAPH_DL_SPOF_CSV:
            return {"content": spof_csv(analysed), "filename": f"{stem}-spofs.csv"}
        if which == ids.GRAPH_DL_SPOF_JSON:
            return {"content": spof_json(analysed), "filename": f"{stem}-spof-report.json"}
        scr = screen(analysed, state)
        if which == ids.GRAPH_DL_VIEW_CSV:
            content = view_csv(analysed, scr.view, scr.drawn)
            return {"content": content, "filename": f"{stem}-view.csv"}
        if which == ids.GRAPH_DL_VIEW_JSON:
            content = view_json(analysed, scr.view, scr.drawn, state)
            return {"content": content, "filename": f"{stem}-view.json"}
        return no_update
