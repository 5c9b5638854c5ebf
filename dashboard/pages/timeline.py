"""The timeline page: the simulated incident over time, scrub and play, and what-ifs.

Every callback reads its inputs and calls :mod:`dashboard.timeline` (simulation,
figures, states, causal chains) or :mod:`dashboard.whatif` (changed scenarios,
downtime). The time (``t``, minutes after the start), the scenario and the
what-if live in the URL through the shell state's ``extra`` keys.
"""

from __future__ import annotations

from typing import Any

import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from blast.errors import BlastError
from dashboard import ids
from dashboard import state as st
from dashboard import timeline as tl
from dashboard import whatif as wi
from dashboard.elements import STYLESHEET
from dashboard.screen import screen
from dashboard.store import Sources

LABEL = "Timeline & what-if"
OPEN_FROM_LINK = """
function(search, opened) {
    var skip = window.dash_clientside.no_update;
    if (opened) { return [skip, skip]; }
    var query = new URLSearchParams(search || "");
    return [(query.has("t") || query.has("whatif")) ? "timeline" : skip, true];
}
"""
"""A link with a time or a what-if opens on this page (once, on arrival)."""
PLAY_STEPS = 120
"""A play-through of the horizon takes this many ticks."""


def layout(state: dict[str, Any], sources: Sources) -> html.Div:
    """Scenario bar, graph coloured at time t with the causal panel, Gantt, queues, what-if."""
    del state, sources  # everything is filled by the callbacks from the shell state
    bar = html.Div(
        className="toolbar",
        children=[
            dcc.Dropdown(id=ids.TL_SCENARIO, className="search", clearable=False),
            html.Button("▶ Play", id=ids.TL_PLAY, className="btn"),
            html.Div(
                dcc.Slider(id=ids.TL_SLIDER, min=0, max=60, step=1, value=0, marks=None),
                className="tl-slider",
            ),
            html.Span(id=ids.TL_TIME, className="tl-time"),
            dcc.Interval(id=ids.TL_INTERVAL, interval=700, disabled=True),
            dcc.Store(id=ids.TL_OPENED, data=False),
        ],
    )
    whatif = html.Div(
        className="whatif",
        children=[
            html.H4("What-if"),
            html.Div(
                className="wi-row",
                children=[
                    html.Label(["Fault", dcc.Dropdown(id=ids.TL_WI_FAULT, value="")]),
                    html.Label(
                        [
                            "starts at +min",
                            dcc.Input(id=ids.TL_WI_AT, type="number", min=0, value=0),
                        ]
                    ),
                    html.Label(
                        ["lasts min", dcc.Input(id=ids.TL_WI_FOR, type="number", min=1, value=60)]
                    ),
                    html.Label(
                        [
                            "repair earlier by min",
                            dcc.Input(id=ids.TL_WI_EARLIER, type="number", min=0, value=0),
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
            html.Div(
                className="tl-top",
                children=[
                    cyto.Cytoscape(
                        id=ids.TL_CYTO,
                        elements=[],
                        stylesheet=STYLESHEET,
                        layout={"name": "preset", "fit": True, "padding": 30},
                        className="cyto tl-cyto",
                        style={"width": "100%", "height": "460px"},
                        minZoom=0.05,
                        maxZoom=1.3,
                        autoungrabify=True,
                        boxSelectionEnabled=False,
                    ),
                    html.Div(id=ids.TL_PANEL, className="panel tl-panel"),
                ],
            ),
            whatif,
            dcc.Graph(id=ids.TL_GANTT, config={"displaylogo": False}),
            dcc.Graph(id=ids.TL_QUEUES, config={"displaylogo": False}),
        ],
    )


def _sim(sources: Sources, state: dict[str, Any]) -> tl.Simulated | None:
    """The simulation the state names (its scenario, else the graph's first); None without one."""
    analysed = sources.analysed(state["graph"])
    found = tl.scenarios_for(sources.path_of(state["graph"]))
    wanted = state.get("extra", {}).get("scenario")
    chosen = next((p for p in found if tl.scenario_key(p) == wanted), found[0] if found else None)
    return tl.simulated(analysed, chosen) if chosen else None


def coloured(sources: Sources, state: dict[str, Any], sim: tl.Simulated, t: float) -> list[Any]:
    """The graph page's elements (default view) with each node classed by its state at ``t``."""
    scr = screen(sources.analysed(state["graph"]), st.initial_state(state["graph"]))
    held = scr.view.aggregates
    out = []
    for element in scr.drawn.elements:
        node = element["data"].get("id")
        if "source" in element["data"] or element.get("classes") == "band":
            out.append(element)
            continue
        if node in held:
            worst = {sim.journal.state_at(n, t) for n in held[node]}
            extra = "agg-down" if "down" in worst else "agg-degraded" if "degraded" in worst else ""
        else:
            extra = sim.journal.state_at(node, t)
            extra = "" if extra == "up" else extra
        out.append({**element, "classes": f"{element.get('classes', '')} {extra}".strip()})
    return out


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


def register(app: Dash, sources: Sources) -> None:
    """The timeline page's callbacks."""

    @app.callback(
        Output(ids.TL_SCENARIO, "options"),
        Output(ids.TL_SCENARIO, "value"),
        Output(ids.TL_SLIDER, "max"),
        Output(ids.TL_SLIDER, "step"),
        Output(ids.TL_SLIDER, "value"),
        Output(ids.TL_WI_FAULT, "options"),
        Output(ids.TL_WI_FAULT, "value"),
        Output(ids.TL_WI_AT, "value"),
        Output(ids.TL_WI_FOR, "value"),
        Output(ids.TL_WI_EARLIER, "value"),
        Output(ids.TL_WI_MITIGATIONS, "value"),
        Output(ids.TL_NOTICE, "children"),
        Input(ids.SHELL_STATE, "data"),
        State(ids.TL_SCENARIO, "value"),
        State(ids.TL_SLIDER, "value"),
        State(ids.TL_WI_FAULT, "value"),
        State(ids.TL_WI_AT, "value"),
        State(ids.TL_WI_FOR, "value"),
        State(ids.TL_WI_EARLIER, "value"),
        State(ids.TL_WI_MITIGATIONS, "value"),
    )
    def setup(state: dict[str, Any], *current: Any) -> tuple[Any, ...]:
        try:
            sim = _sim(sources, state)
        except (BlastError, OSError) as exc:
            return (
                [],
                None,
                1,
                1,
                0,
                [],
                "",
                0,
                60,
                0,
                [],
                [html.Div(str(exc), className="error")],
            )
        if sim is None:
            note = "No scenario is written for this graph: the timeline needs one (--scenario)."
            return ([], None, 1, 1, 0, [], "", 0, 60, 0, [], note)
        extra = state.get("extra", {})
        found = tl.scenarios_for(sources.path_of(state["graph"]))
        options = [{"label": tl.scenario_key(p), "value": tl.scenario_key(p)} for p in found]
        horizon = round(sim.journal.horizon / 60)
        t = _minutes(extra.get("t"), horizon)
        spec = wi.parse(extra.get("whatif"))
        wanted = (sim.key, t, spec["fault"], spec["at"], spec["for"], spec["earlier"],
                  spec["mitigations"])  # fmt: skip
        same = [
            no_update if have == want else want for have, want in zip(current, wanted, strict=True)
        ]
        return (
            options, same[0], horizon, 1, same[1], wi.fault_options(sim.graph), *same[2:], [],
        )  # fmt: skip

    app.clientside_callback(  # in the browser, before the graph page draws anything
        OPEN_FROM_LINK,
        Output(ids.SHELL_TABS, "value"),
        Output(ids.TL_OPENED, "data"),
        Input(ids.SHELL_URL, "search"),
        State(ids.TL_OPENED, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.TL_CYTO, "elements"),
        Output(ids.TL_TIME, "children"),
        Output(ids.TL_GANTT, "figure"),
        Output(ids.TL_QUEUES, "figure"),
        Output(ids.TL_QUEUES, "style"),
        Input(ids.TL_SLIDER, "value"),
        Input(ids.TL_SCENARIO, "value"),
        State(ids.SHELL_STATE, "data"),
    )
    def draw(minutes: Any, _scenario: Any, state: dict[str, Any]) -> tuple[Any, ...]:
        try:
            sim = _sim(sources, state)
        except (BlastError, OSError):
            sim = None
        if sim is None:
            return [], "", {}, {}, {"display": "none"}
        t = 60.0 * float(minutes or 0)
        gantt, queues = tl.figures(sim)
        return (
            coloured(sources, state, sim, t),
            tl.stamp(sim.journal, t),
            tl.with_time(gantt, sim.journal, t),
            tl.with_time(queues, sim.journal, t, axes=2) if queues else {},
            {} if queues else {"display": "none"},
        )

    @app.callback(
        Output(ids.TL_PANEL, "children"),
        Input(ids.TL_CYTO, "tapNodeData"),
        Input(ids.TL_SLIDER, "value"),
        State(ids.SHELL_STATE, "data"),
    )
    def explain(tapped: Any, minutes: Any, state: dict[str, Any]) -> Any:
        sim = _sim(sources, state)
        if sim is None:
            return []
        node = (tapped or {}).get("id")
        return panel(sim, node, 60.0 * float(minutes or 0))

    @app.callback(
        Output(ids.TL_WI_RESULT, "children"),
        Input(ids.TL_WI_FAULT, "value"),
        Input(ids.TL_WI_AT, "value"),
        Input(ids.TL_WI_FOR, "value"),
        Input(ids.TL_WI_EARLIER, "value"),
        Input(ids.TL_WI_MITIGATIONS, "value"),
        Input(ids.TL_SCENARIO, "value"),
        State(ids.SHELL_STATE, "data"),
    )
    def whatif(*args: Any) -> Any:
        state = args[-1]
        sim = _sim(sources, state)
        if sim is None:
            return []
        spec = wi.parse(wi.dump(_spec(*args[:5])))
        try:
            changed = tl.run(
                sources.analysed(state["graph"]), wi.apply(sim.graph, sim.scenario, spec)
            )
        except (BlastError, ValueError) as exc:
            return html.Div(f"This what-if cannot be simulated: {exc}", className="problem")
        return result_table(wi.compare(sim.journal, changed, sim.graph))

    @app.callback(
        Output(ids.SHELL_URL, "search", allow_duplicate=True),
        Input(ids.TL_SLIDER, "value"),
        Input(ids.TL_SCENARIO, "value"),
        Input(ids.TL_WI_FAULT, "value"),
        Input(ids.TL_WI_AT, "value"),
        Input(ids.TL_WI_FOR, "value"),
        Input(ids.TL_WI_EARLIER, "value"),
        Input(ids.TL_WI_MITIGATIONS, "value"),
        State(ids.SHELL_STATE, "data"),
        State(ids.SHELL_URL, "search"),
        prevent_initial_call=True,
    )
    def to_url(minutes: Any, scenario: Any, *args: Any) -> Any:
        state, search = args[-2], args[-1]
        if scenario is None:
            return no_update
        new = st.to_query(with_extra(state, minutes, scenario, _spec(*args[:5])))
        return no_update if new == (search or "") else new

    @app.callback(
        Output(ids.TL_INTERVAL, "disabled"),
        Output(ids.TL_PLAY, "children"),
        Output(ids.TL_SLIDER, "value", allow_duplicate=True),
        Input(ids.TL_PLAY, "n_clicks"),
        Input(ids.TL_INTERVAL, "n_intervals"),
        State(ids.TL_INTERVAL, "disabled"),
        State(ids.TL_SLIDER, "value"),
        State(ids.TL_SLIDER, "max"),
        prevent_initial_call=True,
    )
    def play(_clicks: Any, _ticks: Any, stopped: bool, minutes: Any, top: Any) -> Any:
        t, end = int(minutes or 0), int(top or 0)
        if ctx.triggered_id == ids.TL_PLAY:
            if stopped:  # start (from the beginning when at the end)
                return False, "⏸ Pause", 0 if t >= end else no_update
            return True, "▶ Play", no_update
        step = max(1, end // PLAY_STEPS)
        nxt = min(end, t + step)
        done = nxt >= end
        return done, "▶ Play" if done else "⏸ Pause", nxt


def _minutes(raw: Any, horizon: int) -> int:
    """A URL's ``t`` (minutes) clamped to the horizon; 0 when malformed."""
    try:
        return min(horizon, max(0, round(float(raw))))
    except (TypeError, ValueError):
        return 0


def _spec(fault: Any, at: Any, length: Any, earlier: Any, mitigations: Any) -> wi.WhatIf:
    return {
        "fault": fault or "",
        "at": at or 0,
        "for": length or 60,
        "earlier": earlier or 0,
        "mitigations": list(mitigations or []),
    }


def with_extra(
    state: dict[str, Any], minutes: Any, scenario: str, spec: wi.WhatIf
) -> dict[str, Any]:
    """``state`` with the timeline's URL keys: time, scenario and what-if (when not baseline)."""
    extra = {
        k: v for k, v in state.get("extra", {}).items() if k not in ("t", "whatif", "scenario")
    }
    extra["scenario"] = scenario
    if minutes:
        extra["t"] = str(int(minutes))
    spec = wi.parse(wi.dump(spec))
    if not wi.is_baseline(spec):
        extra["whatif"] = wi.dump(spec)
    return {**state, "extra": extra}
