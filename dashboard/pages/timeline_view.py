"""The timeline page's layout and its HTML pieces (pure: data in, Dash components out).

The callbacks live in :mod:`dashboard.pages.timeline`; everything here is built
from what :mod:`dashboard.timeline`, :mod:`dashboard.incident` and
:mod:`dashboard.whatif` return, so it is unit-tested without a browser.
"""

from __future__ import annotations

from typing import Any

import dash_cytoscape as cyto
from dash import dcc, html

from dashboard import ids
from dashboard import timeline as tl
from dashboard import whatif as wi
from dashboard.elements import DEGRADED, DOWN, STYLESHEET
from dashboard.uploads import upload_box


def _box(title: str, field: str, value: int, low: int) -> html.Label:
    return html.Label([title, dcc.Input(id=field, type="number", min=low, value=value)])


TL_GRAPH_HEIGHT = "max(520px, min(calc(100vh - 250px), 760px))"
"""The scrubbed graph fills the window below the bars (within bounds), so it can be read."""


def state_legend() -> html.Div:
    """What the colours of the scrubbed graph mean."""
    marks = [
        ({"background": DOWN}, "down at this time"),
        ({"background": DEGRADED}, "degraded"),
        ({"background": "#90a4ae"}, "up (coloured by kind, as on the graph page)"),
        (
            {"background": "#f6c5c5", "border": "1px dashed #78909c", "borderRadius": "3px"},
            "collapsed group: its worst member",
        ),
    ]
    items: list[Any] = [
        html.Span([html.I(className="dot", style=style), text], className="item")
        for style, text in marks
    ]
    items.append(html.Span("Click a component for its causal chain.", className="item hint"))
    return html.Div(items, className="legend")


def layout() -> html.Div:
    """Scenario bar, graph coloured at time t with the causal panel, what-if, Gantt, queues."""
    bar = html.Div(
        className="toolbar",
        children=[
            dcc.Dropdown(id=ids.TL_SCENARIO, className="search", clearable=False),
            upload_box(ids.TL_SC_UPLOAD, "a scenario"),
            dcc.Store(id=ids.TL_SC_ACCEPTED),
            html.Button("▶ Play", id=ids.TL_PLAY, className="btn"),
            html.Div(
                dcc.Slider(id=ids.TL_SLIDER, min=0, max=60, step=1, value=0, marks=None),
                className="tl-slider",
            ),
            html.Span(id=ids.TL_TIME, className="tl-time"),
            html.Button("⬇ Timeline CSV", id=ids.TL_DL_CSV, className="btn"),
            html.Button("⬇ JSON", id=ids.TL_DL_JSON, className="btn"),
            dcc.Download(id=ids.TL_DOWNLOAD),
            dcc.Interval(id=ids.TL_INTERVAL, interval=700, disabled=True),
            dcc.Store(id=ids.TL_OPENED, data=False),
        ],
    )
    whatif = html.Div(
        className="whatif",
        children=[
            html.H4("What-if: re-simulate with another fault or a mitigation"),
            html.Div(
                className="wi-row",
                children=[
                    html.Label(["Fault", dcc.Dropdown(id=ids.TL_WI_FAULT, value="")]),
                    _box("starts at +min", ids.TL_WI_AT, 0, 0),
                    _box("lasts min", ids.TL_WI_FOR, 60, 1),
                    _box("repair earlier by min", ids.TL_WI_EARLIER, 0, 0),
                    html.Label(["Second region", dcc.Dropdown(id=ids.TL_WI_APP, value="")]),
                    html.Label(
                        [
                            "Fail over to",
                            dcc.Dropdown(id=ids.TL_WI_REGION, value="", placeholder="auto"),
                        ]
                    ),
                    dcc.Checklist(
                        id=ids.TL_WI_MITIGATIONS,
                        options=[{"label": v, "value": k} for k, v in wi.MITIGATIONS.items()],
                        value=[],
                        className="wi-mitigations",
                    ),
                ],
            ),
            html.Div(id=ids.TL_WI_RESULT, className="wi-result"),
        ],
    )
    return html.Div(
        className="timeline-page",
        children=[
            bar,
            html.Div(id=ids.TL_NOTICE, className="notice"),
            html.Div(id=ids.TL_SC_ERRORS, className="upload-errors"),
            html.Div(
                className="tl-top",
                children=[
                    cyto.Cytoscape(
                        id=ids.TL_CYTO,
                        elements=[],
                        stylesheet=STYLESHEET,
                        layout={"name": "preset", "fit": True, "padding": 24},
                        className="cyto tl-cyto",
                        style={"width": "100%", "height": TL_GRAPH_HEIGHT},
                        minZoom=0.05,
                        maxZoom=1.3,
                        autoungrabify=True,
                        boxSelectionEnabled=False,
                    ),
                    html.Div(id=ids.TL_PANEL, className="panel tl-panel"),
                ],
            ),
            state_legend(),
            whatif,
            dcc.Graph(id=ids.TL_GANTT, config={"displaylogo": False}),
            dcc.Graph(id=ids.TL_QUEUES, config={"displaylogo": False}),
            html.Div(id=ids.TL_SPANS, className="whatif spans"),
            html.Div(id=ids.TL_ERRORS, className="whatif errors"),
        ],
    )


def panel(sim: tl.Simulated, node: str | None, t: float) -> list[Any]:
    """The causal chain of ``node`` at ``t``, or a hint."""
    if not node or node not in sim.graph:
        return [html.H3("Causal chain"), html.P("Click a component.", className="hint")]
    rows = tl.chain(sim, node, t)
    head = [html.H3(sim.graph.label(node)), html.Code(node)]
    if not rows:
        return [*head, html.P(f"up at {tl.stamp(sim.journal, t)}", className="hint")]
    items = [
        html.Li(
            [
                html.B(r["component"]),
                " ",
                html.Span(r["state"], className=f"{r['state']}-text"),
                html.Div(f"{r['when']} — {r['why']}", className="path"),
            ]
        )
        for r in rows
    ]
    return [*head, html.H4(f"why, at {tl.stamp(sim.journal, t)}"), html.Ol(items, className="why")]


def result_table(rows: list[dict[str, Any]]) -> html.Table:
    """Downtime minutes per user-facing component, baseline beside the what-if."""
    titles = ("user-facing", "baseline down", "what-if down", "change", "baseline degraded",
              "what-if degraded")  # fmt: skip
    head = html.Tr([html.Th(h) for h in titles])
    body = [
        html.Tr(
            [
                html.Td(r["component"]),
                html.Td(f"{r['baseline_down']:g} min", className="num"),
                html.Td(f"{r['whatif_down']:g} min", className="num wi-down"),
                html.Td(
                    f"{r['change']:+g}",
                    className="num "
                    + ("better" if r["change"] < 0 else "worse" if r["change"] > 0 else ""),
                ),
                html.Td(f"{r['baseline_degraded']:g} min", className="num"),
                html.Td(f"{r['whatif_degraded']:g} min", className="num"),
            ],
            **{"data-component": r["id"]},
        )
        for r in rows
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="wi-table")


def whatif_summary(rows: list[dict[str, Any]], notes: list[str]) -> list[Any]:
    """Total user-facing downtime, baseline beside the what-if, the notes, then the table."""
    base = sum(r["baseline_down"] for r in rows)
    new = sum(r["whatif_down"] for r in rows)
    change = new - base
    tone = "better" if change < 0 else "worse" if change > 0 else ""
    return [
        html.Div(
            className="wi-total",
            children=[
                "User-facing downtime, summed: ",
                html.B(f"{base:g} min"),
                " baseline → ",
                html.B(f"{new:g} min", id=ids.TL_WI_TOTAL),
                " what-if ",
                html.Span(f"({change:+g} min)", className=tone),
            ],
        ),
        *[html.P(n, className="hint") for n in notes],
        result_table(rows),
    ]


def spans_table(rows: list[dict[str, Any]]) -> list[Any]:
    """The event's durations by definition, each computed from its endpoints, and what it counts."""
    if not rows:
        return []
    head = html.Tr([html.Th(h) for h in ("definition", "claimed", "from the data", "from", "to",
                                         "what it counts", "sources")])  # fmt: skip
    body = []
    for r in rows:
        check = "" if r["agrees"] is None else (" ✓" if r["agrees"] else " ✗")
        body.append(
            html.Tr(
                [
                    html.Td(html.B(r["claim"])),
                    html.Td(r["value"] or "—", className="num"),
                    html.Td(r["computed"] + check, className="num"),
                    html.Td(r["start"]),
                    html.Td(r["end"]),
                    html.Td([r["counts"], html.Div(r["note"], className="hint")]),
                    html.Td(
                        r["sources"]
                        + (
                            ""
                            if r["confirmed"] is None
                            else " (confirmed)"
                            if r["confirmed"]
                            else " (unconfirmed)"
                        ),
                        className="hint",
                    ),
                ]
            )
        )
    return [
        html.H4("How long did it last? Three published figures, three definitions"),
        html.Table([html.Thead(head), html.Tbody(body)], className="wi-table spans-table"),
    ]


def errors_table(rows: list[dict[str, Any]], summary: dict[str, Any], folder: str) -> list[Any]:
    """The error table: each timed edge of the post-mortem beside the simulated one."""
    titles = ("component", "window", "edge", "real", "simulated", "error (min)", "set by")
    body = [
        html.Tr(
            [
                html.Td([html.Span(r["service"]), html.Div(r["component"], className="hint")]),
                html.Td(r["window"]),
                html.Td(r["edge"]),
                html.Td(r["real"], className="num"),
                html.Td(r["simulated"], className="num"),
                html.Td(
                    "—" if r["error_minutes"] is None else f"{r['error_minutes']:+g}",
                    className="num" + (" worse" if abs(r["error_minutes"] or 0) > 15 else ""),
                ),
                html.Td(r["origin"], className=f"origin {r['origin']}"),
            ]
        )
        for r in rows
    ]
    s = summary
    line = (
        f"{s['edges']} edges ({s['missed']} missed, {s['fitted_edges']} fitted to, "
        f"{s['emergent_edges']} emergent). Absolute error: median "
        f"{s['median_abs_error_minutes']} min, max {s['max_abs_error_minutes']} min; "
        f"emergent only: median {s['emergent_median_abs_error_minutes']} min, "
        f"max {s['emergent_max_abs_error_minutes']} min."
    )
    return [
        html.H4(f"Error table: simulated vs the post-mortem ({folder})"),
        html.P(line, className="err-summary"),
        html.P(
            "action-set: an operator action of the scenario placed the edge; fitted: a "
            "parameter was fitted to it; emergent: it came out of the engine's mechanisms. "
            "Same scoring as blast simulate … --compare.",
            className="hint",
        ),
        html.Details(
            [
                html.Summary(f"all {len(rows)} edges"),
                html.Table(
                    [html.Thead(html.Tr([html.Th(t) for t in titles])), html.Tbody(body)],
                    className="wi-table",
                ),
            ],
            open=True,
        ),
    ]
