"""The race page: the DNS race's losing interleaving as a sequence diagram, and the fixes.

Filled when its tab is opened (the graph page does not wait for it), from
:func:`dashboard.race.race_view`, which is cached per content: opening the tab
reads a result, it does not re-run the search.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html, no_update

from blast.race.diagram import figure
from dashboard import ids
from dashboard.race import FIX_TEXT, RaceView, race_view
from dashboard.store import Sources

LABEL = "DNS race"
NAME = "race"
"""The tab's value (the module's name, as :mod:`dashboard.server` names tabs)."""
PES = "https://aws.amazon.com/message/101925/"


def layout(state: dict[str, Any], sources: Sources) -> html.Div:
    """An empty frame; :func:`register`'s callback fills it when the tab is opened."""
    del state, sources
    return html.Div(dcc.Loading(html.Div(id=ids.RACE_BODY), type="default"), className="race-page")


@lru_cache(maxsize=8)
def diagram_json(view: RaceView) -> dict[str, Any]:
    """:func:`diagram_figure` as the JSON Dash sends, built once per result."""
    return dict(diagram_figure(view).to_plotly_json())


def diagram_figure(view: RaceView) -> go.Figure:
    """The shortest counterexample as a plotly sequence diagram (one arrow a step)."""
    fig = figure(
        view.messages,
        f"Shortest losing interleaving: {len(view.messages)} steps",
        unit="",
        endpoints=view.endpoints,
    )
    fig.update_layout(
        margin={"l": 20, "r": 20, "t": 90, "b": 10},
        font={"family": "system-ui, sans-serif"},
        title={"x": 0.01, "font": {"size": 15}},
    )
    return fig


def steps_table(view: RaceView) -> html.Table:
    """Every step with the state fields it changed."""
    rows = [
        html.Tr(
            [
                html.Td(str(s.number), className="num"),
                html.Td(s.actor),
                html.Td(s.text.removeprefix(f"{s.actor} ")),
                html.Td([html.Div(c) for c in s.changes], className="changes"),
            ],
            className="alarm" if any("EMPTY" in c for c in s.changes) else "",
        )
        for s in view.steps
    ]
    head = html.Tr([html.Th("step"), html.Th("who"), html.Th("does"), html.Th("state change")])
    return html.Table([html.Thead(head), html.Tbody(rows)], className="race-table")


def fixes_table(view: RaceView) -> html.Table:
    """Each variant: violations in every interleaving, and its cost per applied plan."""
    head = html.Tr(
        [
            html.Th("fix"),
            html.Th("what it changes"),
            html.Th("states"),
            html.Th("safety violations"),
            html.Th("progress violations"),
            html.Th("shortest loss"),
            html.Th("P(empty), uniform"),
            html.Th("empty windows"),
            html.Th("extra writes + reads / plan"),
            html.Th("added s / plan"),
        ]
    )
    body = []
    for f in view.fixes:
        safe = f.safety_violations == 0 and f.progress_violations == 0
        verdict = "verdict ok" if safe else "verdict bad"
        body.append(
            html.Tr(
                [
                    html.Td(html.B(f.fix)),
                    html.Td(FIX_TEXT.get(f.fix, "")),
                    html.Td(f"{f.states:,}", className="num"),
                    html.Td(f"{f.safety_violations:,}", className=f"num {verdict}"),
                    html.Td(f"{f.progress_violations:,}", className=f"num {verdict}"),
                    html.Td(f"{f.shortest} steps" if f.shortest else "none", className="num"),
                    html.Td(f"{f.probability_empty:.4f}", className="num"),
                    html.Td(f"{f.mc_empties} / {f.mc_runs}", className="num"),
                    html.Td(f"{f.extra_writes_per_plan:+.2f}", className="num"),
                    html.Td(f"{f.added_seconds_per_plan:+.2f}", className="num"),
                ],
                className=f"fix-{f.fix}",
            )
        )
    return html.Table([html.Thead(head), html.Tbody(body)], className="race-table fixes")


def body(view: RaceView) -> list[Any]:
    """The page's content: what the race is, the diagram, the steps, the fixes."""
    n = len(view.steps)
    intro = html.P(
        [
            f"{view.enactors} DNS Enactors apply numbered plans to the DNS record of ",
            html.Code("dynamodb.us-east-1.amazonaws.com"),
            ". Each checks once, at the start, that its plan is newer than the one in "
            "effect, writes it endpoint by endpoint under a lock, then cleans up plans "
            f"{view.threshold} or more generations older. Every interleaving of "
            f"{view.enactors} Enactors and plans up to {view.max_plan} was enumerated "
            f"(the public TLA+ model's configuration); breadth-first, so no run loses "
            f"in fewer than these {n} steps: a delayed Enactor overwrites a newer plan "
            "with its old one, and the other Enactor's clean-up deletes that old plan, "
            "leaving the record empty. Protocol from the ",
            html.A("AWS post-event summary", href=PES, target="_blank"),
            "; model and proofs in docs/race.md.",
        ],
        className="race-intro",
    )
    fixes_note = html.P(
        "Violations and states come from the exhaustive search of each variant; costs "
        f"from a Monte Carlo of the timed model ({view.fixes[0].mc_runs} one-minute "
        f"windows per variant, seed {view.mc_seed}, the same random numbers for each), "
        "per applied plan against the unfixed protocol. Fencing ends overtaken runs "
        "early, which is why it can look faster.",
        className="hint",
    )
    return [
        html.H2("The DNS race of 2025-10-20"),
        intro,
        dcc.Graph(
            id=ids.RACE_DIAGRAM,
            figure=diagram_json(view),
            config={"displayModeBar": False, "responsive": True},
            className="race-diagram",
        ),
        html.Details(
            [html.Summary(f"The {n} steps and the state each changes"), steps_table(view)],
            open=False,
        ),
        html.H3("The fixes: every interleaving, and what each costs"),
        html.Div(fixes_table(view), id=ids.RACE_FIXES),
        fixes_note,
    ]


def register(app: Dash, sources: Sources) -> None:
    """Fill the page when its tab is opened."""
    del sources

    @app.callback(Output(ids.RACE_BODY, "children"), Input(ids.SHELL_TABS, "value"))
    def fill(tab: str | None) -> Any:
        if tab != NAME:
            return no_update
        return body(race_view())
