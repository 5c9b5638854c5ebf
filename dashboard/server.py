"""The Dash app: the shell (title, graph choice, upload, summary, URL) and its pages.

``create_app`` assembles the pages listed in :data:`PAGES` (a page is a module
with ``LABEL``, ``layout(state)`` and ``register(app, sources)``); with one page
it is shown directly, with several as tabs. Pages share the one state store
(:mod:`dashboard.state`), so a page added later (the timeline, what-ifs) reads
the graph and writes its own URL keys through ``state["extra"]``.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from blast.errors import BlastError
from dashboard import ids
from dashboard import state as st
from dashboard.actions import transition
from dashboard.pages import graph as graph_page
from dashboard.pages import race as race_page
from dashboard.pages import timeline as timeline_page
from dashboard.screen import summary
from dashboard.store import UPLOAD_PREFIX, Sources, max_upload_bytes
from dashboard.uploads import accept_upload, check_size_in_browser, upload_box

PAGES: list[ModuleType] = [graph_page, timeline_page, race_page]
ASSETS = Path(__file__).resolve().parent / "assets"


def graph_options(sources: Sources, state: dict[str, Any]) -> list[dict[str, str]]:
    """The graph chooser: shipped graphs, and the uploaded one being viewed."""
    options = [{"label": label, "value": key} for key, label in sources.shipped()]
    key = state["graph"]
    if key.startswith(UPLOAD_PREFIX):
        try:
            name = sources.analysed(key).graph.files[0]
        except (BlastError, OSError):
            name = "upload"
        options.append({"label": f"uploaded: {name}", "value": key})
    return options


def graph_loads(sources: Sources, state: dict[str, Any]) -> bool:
    """Whether the state's graph can be opened here (a link may name an expired upload)."""
    try:
        sources.analysed(state["graph"])
    except (BlastError, OSError):
        return False
    return True


def shell(sources: Sources, state: dict[str, Any]) -> html.Div:
    """The page frame around the pages."""
    pages = [page.layout(state, sources) for page in PAGES]
    body: Any = (
        pages[0]
        if len(pages) == 1
        else dcc.Tabs(
            [
                dcc.Tab(p, label=m.LABEL, value=m.__name__.rsplit(".", 1)[-1])
                for p, m in zip(pages, PAGES, strict=True)
            ],
            id=ids.SHELL_TABS,
            value=PAGES[0].__name__.rsplit(".", 1)[-1],
        )
    )
    header = html.Header(
        className="header",
        children=[
            html.Div(
                [html.Span("Blast", className="logo"), html.Span(id=ids.SHELL_TITLE)],
                className="brand",
            ),
            dcc.Dropdown(
                id=ids.SHELL_GRAPH,
                options=graph_options(sources, state),
                value=state["graph"],
                clearable=False,
                className="graph-choice",
            ),
            upload_box(ids.SHELL_UPLOAD, "a graph YAML"),
        ],
    )
    return html.Div(
        [
            dcc.Location(id=ids.SHELL_URL, refresh=False),
            dcc.Store(id=ids.SHELL_STATE, data=state),
            dcc.Store(id=ids.SHELL_UPLOAD_ACCEPTED),
            dcc.Store(id=ids.SHELL_UPLOAD_LIMIT, data=max_upload_bytes()),
            header,
            html.Div(id=ids.SHELL_UPLOAD_ERRORS, className="upload-errors"),
            html.Div(id=ids.SHELL_SUMMARY, className="summary"),
            body,
        ],
        className="shell",
    )


def summary_bar(sources: Sources, state: dict[str, Any]) -> tuple[list[Any], str]:
    """The counts bar and the title of the graph in view."""
    try:
        analysed = sources.analysed(state["graph"])
    except (BlastError, OSError) as exc:
        return [html.Span(str(exc), className="error")], ""
    items = [
        html.Span([html.B(f"{n:,}"), f" {label}"], className=f"stat stat-{i}")
        for i, (label, n) in enumerate(summary(analysed))
    ]
    return items, analysed.label


def create_app(sources: Sources) -> Dash:
    """The Dash app over ``sources`` (debug off; assets served locally, nothing from the web)."""
    app = Dash(
        __name__,
        title="Blast — dependency blast radius",
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title="",
    )
    app.server.config["MAX_CONTENT_LENGTH"] = 2 * max_upload_bytes() + 1_000_000

    def serve_layout() -> html.Div:  # a function: each visit starts from a fresh state
        return shell(sources, st.initial_state(sources.default_key))

    app.layout = serve_layout

    check_size_in_browser(app, ids.SHELL_UPLOAD, ids.SHELL_UPLOAD_ACCEPTED)

    @app.callback(
        Output(ids.SHELL_STATE, "data"),
        Output(ids.SHELL_URL, "search"),
        Output(ids.SHELL_UPLOAD_ERRORS, "children"),
        Output(ids.SHELL_GRAPH, "options"),
        Output(ids.SHELL_GRAPH, "value"),
        Output(ids.GRAPH_HOPS, "value"),
        Output(ids.GRAPH_SHOW, "value"),
        Output(ids.SHELL_UPLOAD_ACCEPTED, "data", allow_duplicate=True),
        Input(ids.SHELL_URL, "search"),
        Input(ids.SHELL_GRAPH, "value"),
        Input(ids.SHELL_UPLOAD_ACCEPTED, "data"),
        Input(ids.GRAPH_CYTO, "tapNodeData"),
        Input(ids.GRAPH_SEARCH, "value"),
        Input(ids.GRAPH_HOPS, "value"),
        Input(ids.GRAPH_SHOW, "value"),
        Input(ids.GRAPH_CLEAR, "n_clicks"),
        Input(ids.GRAPH_EXPAND_ALL, "n_clicks"),
        Input(ids.GRAPH_COLLAPSE_ALL, "n_clicks"),
        State(ids.SHELL_STATE, "data"),
        prevent_initial_call=True,
    )
    def update(
        search: str | None,
        graph: str,
        upload: Any,
        tapped: Any,
        searched: Any,
        hops: Any,
        show: Any,
        *rest: Any,
    ) -> tuple[Any, ...]:
        state = rest[-1]
        if ctx.triggered_id in (None, ids.SHELL_URL):  # a visit or a link: the URL decides
            state = st.parse_query(search or "", sources.default_key)
            errors = None
            if not graph_loads(sources, state):
                message = f"Cannot open '{state['graph']}' here: showing the default graph."
                errors = [html.Div(message, className="problem")]
                state = st.initial_state(sources.default_key)
            options = graph_options(sources, state)
            shown = no_update if errors is None else errors
            query = st.to_query(state)
            view = (state["graph"], state["hops"], state["show"])
            return state, query, shown, options, *view, no_update
        new, errors = transition(
            sources,
            state,
            ctx.triggered_id,
            {
                ids.SHELL_GRAPH: graph,
                ids.SHELL_UPLOAD_ACCEPTED: upload,
                ids.GRAPH_CYTO: tapped,
                ids.GRAPH_SEARCH: searched,
                ids.GRAPH_HOPS: hops,
                ids.GRAPH_SHOW: show,
            },
            accept_upload,
        )
        options = graph_options(sources, new)
        shown = no_update if errors is None else errors
        # a file read is dropped once handled: every later call of this callback would
        # otherwise send the whole file (megabytes at 10,000 components) with each click
        dropped = None if ctx.triggered_id == ids.SHELL_UPLOAD_ACCEPTED else no_update
        view = (new["graph"], new["hops"], new["show"])
        return new, st.to_query(new), shown, options, *view, dropped

    @app.callback(
        Output(ids.SHELL_SUMMARY, "children"),
        Output(ids.SHELL_TITLE, "children"),
        Input(ids.SHELL_STATE, "data"),
    )
    def show_summary(state: dict[str, Any]) -> tuple[Any, ...]:
        return summary_bar(sources, state)

    for page in PAGES:
        page.register(app, sources)
    return app
