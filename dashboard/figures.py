"""The timeline's figures, built from a :class:`~blast.sim.Journal` only.

The engine's windows as a Gantt (``go.Bar`` with a base, no bar text), the
post-mortem's windows beside them when the scenario has incident data, triggers
and operator actions as vertical marks (one per minute, staggered so that they
do not overprint), the ends of the event by each published definition as key
events, and the queue series as backlog and goodput curves, one row per queued
component. Times are drawn in the scenario's zone; the hover text adds UTC.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from blast.errors import BlastError
from blast.sim import Journal
from dashboard.incident import durations
from dashboard.timeline import Simulated, _zone, local, rows, stamp

COLOURS = {"down": "#d32f2f", "degraded": "#f9a825", "reference": "#7e8ea6"}


def gantt(sim: Simulated, t: float | None = None) -> go.Figure:
    """Impact windows as horizontal bars (simulated; the post-mortem's beside them)."""
    journal = sim.journal
    names = rows(journal)
    label = {c: sim.graph.label(c) for c in names}
    uf = set(journal.user_facing)
    y = {c: ("★ " if c in uf else "") + label[c] for c in names}
    fig = go.Figure()
    for severity in ("down", "degraded"):
        ws = [w for w in journal.windows() if w.severity == severity]
        ends = [journal.horizon if w.end is None else w.end for w in ws]
        fig.add_trace(
            go.Bar(
                name=f"simulated: {severity}",
                orientation="h",
                y=[y[w.component] for w in ws],
                base=[local(journal, w.start) for w in ws],
                x=[(e - w.start) * 1000 for w, e in zip(ws, ends, strict=True)],
                marker_color=COLOURS[severity],
                offsetgroup="sim",
                customdata=[
                    [stamp(journal, w.start), stamp(journal, e), w.cause.mechanism]
                    for w, e in zip(ws, ends, strict=True)
                ],
                hovertemplate="%{y}<br>from %{customdata[0]}<br>to %{customdata[1]}"
                "<br>cause: %{customdata[2]}<extra>simulated</extra>",
            )
        )
    ref = reference_windows(sim, names)
    if ref:
        fig.add_trace(
            go.Bar(
                name="post-mortem",
                orientation="h",
                y=[y[c] for c, _, _ in ref],
                base=[a.replace(tzinfo=None) for _, a, _ in ref],
                x=[(b - a).total_seconds() * 1000 for _, a, b in ref],
                marker_color=COLOURS["reference"],
                offsetgroup="ref",
                customdata=[[f"{a:%H:%M}", f"{b:%H:%M}"] for _, a, b in ref],
                hovertemplate="%{y}<br>%{customdata[0]} – %{customdata[1]}"
                "<extra>post-mortem</extra>",
            )
        )
    _marks(fig, journal, t, events=key_events(sim))
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        height=max(320, 120 + 24 * len(names)),
        margin={"l": 10, "r": 10, "t": 40 + 16 * MARK_LEVELS + 30, "b": 40},
        title={
            "text": "Impact windows: simulated beside the post-mortem's",
            "x": 0.01,
            "font": {"size": 14},
        },
        legend={"orientation": "h", "y": 1.0, "yanchor": "top", "x": 0.35, "yref": "container"},
        plot_bgcolor="#ffffff",
        xaxis={"type": "date", "title": f"time ({_zone(journal)})", "gridcolor": "#eceff1"},
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": list(y.values()),
        },
    )
    return fig


def reference_windows(sim: Simulated, names: list[str]) -> list[tuple[str, datetime, datetime]]:
    """The post-mortem's timed windows of the components shown, in the scenario's zone."""
    if sim.incident is None:
        return []
    tz = sim.journal.start.tzinfo
    shown = set(names)
    out = []
    for w in sim.incident.scored_windows():
        if w.component in shown and w.start is not None and w.end is not None:
            out.append((w.component, w.start.astimezone(tz), w.end.astimezone(tz)))
    return out


MARK_LEVELS = 4
"""Annotation rows above the Gantt, so that marks close in time do not overprint."""


def key_events(sim: Simulated) -> list[tuple[datetime, str]]:
    """Ends of the confirmed published durations (the event's end by each definition)."""
    if sim.folder is None:
        return []
    try:
        claims = durations(sim.folder)
    except BlastError:
        return []
    return [(d.end, f"event over: {d.claim}, {d.value}") for d in claims if d.confirmed]


def _marks(
    fig: go.Figure, journal: Journal, t: float | None, rows_: int | None = None,
    events: list[tuple[datetime, str]] | None = None,
) -> None:  # fmt: skip
    """Triggers and operator actions (one mark per minute), key events, and the time ``t``.

    Labels sit above the plot on :data:`MARK_LEVELS` staggered rows, in time order,
    so that marks minutes apart do not overprint; the hover text has every detail.
    """
    by_minute: dict[float, list[Any]] = {}
    for trig in journal.triggers:
        by_minute.setdefault(round(trig.t / 60.0), []).append(trig)
    marks: list[tuple[datetime, str, str, str, str]] = []
    for trigs in by_minute.values():
        fault = any(tr.kind.startswith("fault") for tr in trigs)
        x = local(journal, trigs[0].t)
        hover = "<br>".join(
            f"{tr.kind} at {stamp(journal, tr.t)}: {tr.description}" for tr in trigs
        )
        text = ("▲ " if fault else "● ") + f"{x:%H:%M} " + ", ".join(tr.id for tr in trigs)
        marks.append(
            (x, text, hover, "#b71c1c" if fault else "#37474f", "dot" if fault else "dash")
        )
    for when, label in events or []:
        x = when.astimezone(journal.start.tzinfo).replace(tzinfo=None)
        hover = f"{label}: {stamp(journal, journal.seconds(when))}"
        marks.append((x, f"◆ {x:%H:%M} {label}", hover, "#5e35b1", "longdash"))
    row = "all" if rows_ else None
    for i, (x, text, hover, colour, dash) in enumerate(sorted(marks)):
        fig.add_vline(x=x, line_dash=dash, line_color=colour, row=row)
        if rows_ is None:
            fig.add_annotation(
                x=x, y=1.0, yref="paper", yshift=16 * (i % MARK_LEVELS), text=text,
                showarrow=False, xanchor="left", yanchor="bottom", hovertext=hover,
                font={"size": 11, "color": colour},
            )  # fmt: skip
    if t is not None:
        fig.add_vline(x=local(journal, t), line_color="#2962ff", line_width=2, row=row)


def with_time(figure: dict[str, Any], journal: Journal, t: float) -> dict[str, Any]:
    """A figure (as plain data) with the scrub time drawn across all its plots.

    The figures themselves are cached per simulation; moving the slider only adds
    this line, so a slider move never rebuilds a figure. Subplots share their x
    axis, so one line in paper height crosses them all.
    """
    x = local(journal, t).isoformat()
    line = {
        "type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x", "yref": "paper",
        "line": {"color": "#2962ff", "width": 2},
    }  # fmt: skip
    layout = figure.get("layout", {})
    return {**figure, "layout": {**layout, "shapes": [*layout.get("shapes", ()), line]}}


@lru_cache(maxsize=32)
def figures(sim: Simulated) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The Gantt and the queue curves of ``sim`` as plain data, built once."""
    q = queues(sim)
    return gantt(sim).to_plotly_json(), None if q is None else q.to_plotly_json()


HOVER_BACKLOG = "%{customdata}<br>backlog %{y:,.0f}<extra></extra>"
HOVER_GOODPUT = "%{customdata}<br>goodput %{y:,.4g}/s<extra></extra>"
QUEUE_ROW = 150
"""Pixels per queued component in the backlog figure."""


def queues(sim: Simulated, t: float | None = None) -> go.Figure | None:
    """Backlog (items, filled) and goodput (items/s, line) of every queue and buffer.

    One row per component the journal has a queue series for, and per async
    buffer that held work (a held propagation backlog, an SQS backlog), largest
    backlog first, each with its own scale (a fleet's million re-leases beside a few
    hundred Redshift hosts). The engine's fluid model makes the backlog linear
    between two points; after the last point nothing changes, so the series is
    held to the horizon. None without queues.
    """
    journal = sim.journal
    if not journal.queues and not journal.buffers:
        return None
    label = sim.graph.label
    rows = [(f"{label(c)}: backlog and goodput", pts) for c, pts in journal.queues.items()]
    rows += [
        (f"{label(c)}: work held for {label(t)} (buffer level and drain)", pts)
        for (c, t), pts in journal.buffers.items()
    ]
    series = sorted(rows, key=lambda kv: (-max(p.backlog for p in kv[1]), kv[0]))
    titles = [title for title, _ in series]
    fig = make_subplots(
        rows=len(series), cols=1, shared_xaxes=True, vertical_spacing=0.5 / (len(series) * 4),
        subplot_titles=titles, specs=[[{"secondary_y": True}] for _ in series],
    )  # fmt: skip
    end = local(journal, journal.horizon)
    for row, (_component, points) in enumerate(series, start=1):
        xs = [local(journal, p.t) for p in points] + [end]
        backlog = [p.backlog for p in points] + [points[-1].backlog]
        goodput = [p.goodput for p in points] + [points[-1].goodput]
        stamps = [stamp(journal, p.t) for p in points] + [stamp(journal, journal.horizon)]
        first = row == 1
        fig.add_trace(
            go.Scatter(
                x=xs, y=backlog, mode="lines", name="backlog (items)", legendgroup="backlog",
                showlegend=first, fill="tozeroy", line={"color": "#1565c0", "width": 1.5},
                customdata=stamps, hovertemplate=HOVER_BACKLOG,
            ),
            row=row, col=1, secondary_y=False,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=xs, y=goodput, mode="lines", name="goodput (items/s)", legendgroup="goodput",
                showlegend=first, line={"color": "#ef6c00", "width": 2, "shape": "hv"},
                customdata=stamps, hovertemplate=HOVER_GOODPUT,
            ),
            row=row, col=1, secondary_y=True,
        )  # fmt: skip
        fig.update_yaxes(title_text="items", row=row, col=1, secondary_y=False, rangemode="tozero")
        fig.update_yaxes(title_text="/s", row=row, col=1, secondary_y=True, rangemode="tozero",
                         showgrid=False)  # fmt: skip
    _marks(fig, journal, t, rows_=len(series))
    fig.update_layout(
        height=80 + QUEUE_ROW * len(series),
        margin={"l": 10, "r": 10, "t": 60, "b": 30},
        plot_bgcolor="#ffffff",
        title={"text": "Queues the engine tracks", "x": 0.01, "font": {"size": 14}},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0.6},
    )
    fig.update_annotations(font={"size": 12}, xanchor="left", x=0)
    fig.update_xaxes(gridcolor="#eceff1")
    fig.update_xaxes(title_text=f"time ({_zone(journal)})", row=len(series), col=1)
    return fig
