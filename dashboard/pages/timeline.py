"""The timeline page: the simulated incident over time, scrub and play, and what-ifs.

Every callback reads its inputs and calls :mod:`dashboard.timeline` (simulation,
figures, states, causal chains) or :mod:`dashboard.whatif` (changed scenarios,
downtime). The time (``t``, minutes after the start), the scenario and the
what-if live in the URL through the shell state's ``extra`` keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from blast.errors import BlastError
from dashboard import exports, ids
from dashboard import figures as fg
from dashboard import incident as inc
from dashboard import scenario_upload as scu
from dashboard import state as st
from dashboard import timeline as tl
from dashboard import whatif as wi
from dashboard.pages import timeline_view as view
from dashboard.screen import screen
from dashboard.store import Sources
from dashboard.uploads import accept_upload, check_size_in_browser

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
PLAY = """
function(clicks, ticks, stopped, minutes, top) {
    var skip = window.dash_clientside.no_update;
    var fired = window.dash_clientside.callback_context.triggered.map(function (t) {
        return t.prop_id; }).join(" ");
    var t = Math.round(minutes || 0), end = Math.round(top || 0);
    if (fired.indexOf("PLAY_ID.") === 0) {
        if (stopped) { return [false, "⏸ Pause", t >= end ? 0 : skip]; }
        return [true, "▶ Play", skip];
    }
    if (stopped) { return [skip, skip, skip]; }
    var next = Math.min(end, t + Math.max(1, Math.floor(end / PLAY_STEPS)));
    return next >= end ? [true, "▶ Play", next] : [skip, skip, next];
}
""".replace("PLAY_ID", ids.TL_PLAY).replace("PLAY_STEPS", str(PLAY_STEPS))
"""Play and pause, in the browser: the interval moves the slider; the button stops it."""


def layout(state: dict[str, Any], sources: Sources) -> html.Div:
    """The page (filled by the callbacks from the shell state)."""
    del state, sources
    return view.layout()


def choices(sources: Sources, state: dict[str, Any]) -> list[tuple[str, Path]]:
    """``(key, file)`` of the scenarios offered: an uploaded one the state names, then shipped."""
    found = [(tl.scenario_key(p), p) for p in tl.scenarios_for(sources.path_of(state["graph"]))]
    wanted = state.get("extra", {}).get("scenario")
    if scu.is_uploaded(wanted):
        found.insert(0, (wanted, scu.path_of(sources, wanted)))
    return found


def _sim(sources: Sources, state: dict[str, Any]) -> tl.Simulated | None:
    """The simulation the state names (its scenario, else the graph's first); None without one."""
    analysed = sources.analysed(state["graph"])
    found = choices(sources, state)
    wanted = state.get("extra", {}).get("scenario")
    chosen = next((kp for kp in found if kp[0] == wanted), found[0] if found else None)
    return tl.simulated(analysed, chosen[1], chosen[0]) if chosen else None


def scenario_label(key: str, path: Path) -> str:
    """How the chooser names a scenario: its repository path, or the uploaded file's name."""
    return f"uploaded: {path.name}" if scu.is_uploaded(key) else key


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


WI_INPUTS = (ids.TL_WI_FAULT, ids.TL_WI_AT, ids.TL_WI_FOR, ids.TL_WI_EARLIER,
             ids.TL_WI_MITIGATIONS, ids.TL_WI_APP, ids.TL_WI_REGION)  # fmt: skip
"""The what-if's controls, in the order :func:`_spec` takes them."""


def whatif_run(
    sources: Sources, state: dict[str, Any], spec: wi.WhatIf
) -> tuple[tl.Simulated, Any, list[str]] | None:
    """The baseline, the what-if's journal (``None`` for the baseline) and notes on what it did."""
    sim = _sim(sources, state)
    if sim is None:
        return None
    if wi.is_baseline(spec):
        return sim, None, []
    analysed = sources.analysed(state["graph"])
    changed = wi.apply(sim.graph, sim.scenario, spec, lambda s: tl.run(analysed, s))
    return sim, tl.run(analysed, changed), wi.notes(sim.scenario, changed, sim.journal)


def register(app: Dash, sources: Sources) -> None:
    """The timeline page's callbacks."""
    register_upload(app, sources)

    @app.callback(
        Output(ids.TL_SCENARIO, "options"),
        Output(ids.TL_SCENARIO, "value"),
        Output(ids.TL_SLIDER, "max"),
        Output(ids.TL_SLIDER, "value"),
        Output(ids.TL_WI_FAULT, "options"),
        Output(ids.TL_WI_APP, "options"),
        Output(ids.TL_WI_REGION, "options"),
        *(Output(i, "value") for i in WI_INPUTS),
        Output(ids.TL_NOTICE, "children"),
        Input(ids.SHELL_STATE, "data"),
        State(ids.TL_SCENARIO, "value"),
        State(ids.TL_SLIDER, "value"),
        *(State(i, "value") for i in WI_INPUTS),
    )
    def setup(state: dict[str, Any], *current: Any) -> tuple[Any, ...]:
        empty: tuple[Any, ...] = ([], None, 1, 0, [], [], [], "", 0, 60, 0, [], "", "")
        try:
            sim = _sim(sources, state)
        except (BlastError, OSError) as exc:
            return (*empty, [html.Div(str(exc), className="error")])
        if sim is None:
            note = "No scenario is written for this graph: the timeline needs one (--scenario)."
            return (*empty, note)
        extra = state.get("extra", {})
        options = [{"label": scenario_label(k, p), "value": k} for k, p in choices(sources, state)]
        horizon = round(sim.journal.horizon / 60)
        t = _minutes(extra.get("t"), horizon)
        spec = wi.parse(extra.get("whatif"))
        wanted = (sim.key, t, *(spec[k] for k in wi.KEYS))
        same = [
            no_update if have == want else want for have, want in zip(current, wanted, strict=True)
        ]
        race = bool(wi.mt.dns_records(sim.graph, sim.scenario))
        others = wi.mt.other_regions(sim.graph, sim.scenario)
        regions = [{"label": f"auto ({others[0]})" if others else "auto", "value": ""}]
        regions += [{"label": r, "value": r} for r in others]
        return (
            options, same[0], horizon, same[1], wi.fault_options(sim.graph, race),
            wi.app_options(sim.graph), regions, *same[2:], [],
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
        gantt, queues = fg.figures(sim)
        return (
            coloured(sources, state, sim, t),
            tl.stamp(sim.journal, t),
            fg.with_time(gantt, sim.journal, t),
            fg.with_time(queues, sim.journal, t) if queues else {},
            {} if queues else {"display": "none"},
        )

    @app.callback(
        Output(ids.TL_SPANS, "children"),
        Output(ids.TL_ERRORS, "children"),
        Input(ids.TL_SCENARIO, "value"),
        State(ids.SHELL_STATE, "data"),
    )
    def incident(_scenario: Any, state: dict[str, Any]) -> tuple[Any, Any]:
        try:
            sim = _sim(sources, state)
        except (BlastError, OSError):
            sim = None
        if sim is None or sim.folder is None or sim.incident is None:
            return [], []
        return tables(sim)

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
        return view.panel(sim, node, 60.0 * float(minutes or 0))

    @app.callback(
        Output(ids.TL_WI_RESULT, "children"),
        *(Input(i, "value") for i in WI_INPUTS),
        Input(ids.TL_SCENARIO, "value"),
        State(ids.SHELL_STATE, "data"),
    )
    def whatif(*args: Any) -> Any:
        spec = wi.parse(wi.dump(_spec(*args[: len(WI_INPUTS)])))
        try:
            done = whatif_run(sources, args[-1], spec)
        except (BlastError, ValueError) as exc:
            return html.Div(f"This what-if cannot be simulated: {exc}", className="problem")
        if done is None:
            return []
        sim, changed, notes = done
        rows = wi.compare(sim.journal, changed or sim.journal, sim.graph)
        return view.whatif_summary(rows, notes)

    @app.callback(
        Output(ids.TL_DOWNLOAD, "data"),
        Input(ids.TL_DL_CSV, "n_clicks"),
        Input(ids.TL_DL_JSON, "n_clicks"),
        State(ids.TL_SLIDER, "value"),
        *(State(i, "value") for i in WI_INPUTS),
        State(ids.SHELL_STATE, "data"),
        prevent_initial_call=True,
    )
    def download(_csv: Any, _json: Any, minutes: Any, *args: Any) -> Any:
        spec = wi.parse(wi.dump(_spec(*args[: len(WI_INPUTS)])))
        try:
            done = whatif_run(sources, args[-1], spec)
        except (BlastError, ValueError):
            return no_update
        if done is None:
            return no_update
        sim, changed, _ = done
        stem = "timeline-" + exports.file_stem(sim.key.rsplit("/", 1)[-1].removesuffix(".yaml"))
        if ctx.triggered_id == ids.TL_DL_CSV:
            return dcc.send_string(exports.timeline_csv(sim, changed), f"{stem}.csv")
        rows = wi.compare(sim.journal, changed, sim.graph) if changed else None
        text = exports.timeline_json(sim, 60.0 * float(minutes or 0), spec, changed, rows)
        return dcc.send_string(text, f"{stem}.json")

    @app.callback(
        Output(ids.SHELL_URL, "search", allow_duplicate=True),
        Input(ids.TL_SLIDER, "value"),
        Input(ids.TL_SCENARIO, "value"),
        *(Input(i, "value") for i in WI_INPUTS),
        State(ids.SHELL_STATE, "data"),
        State(ids.SHELL_URL, "search"),
        prevent_initial_call=True,
    )
    def to_url(minutes: Any, scenario: Any, *args: Any) -> Any:
        state, search = args[-2], args[-1]
        if scenario is None:
            return no_update
        new = st.to_query(with_extra(state, minutes, scenario, _spec(*args[: len(WI_INPUTS)])))
        return no_update if new == (search or "") else new

    app.clientside_callback(  # in the browser: a pause is never lost behind a slow tick
        PLAY,
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


def register_upload(app: Dash, sources: Sources) -> None:
    """A scenario file uploaded here: validated against the graph on screen, then shown."""
    check_size_in_browser(app, ids.TL_SC_UPLOAD, ids.TL_SC_ACCEPTED)

    @app.callback(
        Output(ids.SHELL_URL, "search", allow_duplicate=True),
        Output(ids.TL_SC_ERRORS, "children"),
        Output(ids.TL_SC_ACCEPTED, "data", allow_duplicate=True),
        Input(ids.TL_SC_ACCEPTED, "data"),
        State(ids.SHELL_STATE, "data"),
        prevent_initial_call=True,
    )
    def upload(upload: Any, state: dict[str, Any]) -> tuple[Any, ...]:
        if not upload:
            return no_update, no_update, no_update
        key, problems = accept_upload(
            sources, upload, lambda name, raw: scu.save(sources, state["graph"], name, raw)
        )
        if key is None:  # the file is dropped from the browser's store either way
            return no_update, problems, None
        kept = {k: v for k, v in state.get("extra", {}).items() if k not in ("t", "whatif")}
        return st.to_query({**state, "extra": {**kept, "scenario": key}}), [], None


def tables(sim: tl.Simulated) -> tuple[list[Any], list[Any]]:
    """The durations by definition and the error table of ``sim`` (cached per simulation)."""
    assert sim.folder is not None and sim.incident is not None
    spans = view.spans_table(inc.duration_rows(sim.journal, sim.incident, sim.folder))
    try:
        result = inc.scored(sim.journal, sim.scenario, sim.folder, sim.key, sim.graph)
    except BlastError as exc:  # the CLI refuses the same scenario: say why
        note = f"No error table: {exc}"
        return spans, [html.H4("Error table"), html.P(note, className="hint")]
    rows = inc.error_rows(result, sim.journal.start.tzinfo)
    folder = inc.scenario_relative(sim.folder)
    return spans, view.errors_table(rows, result.summary(), folder)


def _minutes(raw: Any, horizon: int) -> int:
    """A URL's ``t`` (minutes) clamped to the horizon; 0 when malformed."""
    try:
        return min(horizon, max(0, round(float(raw))))
    except (TypeError, ValueError):
        return 0


def _spec(
    fault: Any, at: Any, length: Any, earlier: Any, mitigations: Any, app: Any, region: Any
) -> wi.WhatIf:
    return {
        "fault": fault or "",
        "at": at or 0,
        "for": length or 60,
        "earlier": earlier or 0,
        "mitigations": list(mitigations or []),
        "app": app or "",
        "region": region or "",
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
