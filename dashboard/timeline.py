"""The timeline page's pure functions: which scenario, its simulation, and its figures.

A graph's scenarios are the shipped scenario files whose ``graph:`` names it (or the
one given with ``app.py --scenario``). The simulation (:func:`blast.sim.simulate`)
is cached per graph and scenario content hash, so scrubbing never re-simulates.
Figures are plotly objects built from the :class:`~blast.sim.Journal` only: the
engine's windows as a Gantt (``go.Bar`` with a base), the post-mortem's windows
beside them when the graph has incident data (``blast.scoring.load_incident``),
triggers and operator actions as vertical markers, and the queue series as
backlog and goodput curves. Times are drawn in the scenario's own zone (the
offset of its ``start``) with UTC in the hover text.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import yaml
from plotly.subplots import make_subplots

from blast.model.graph import Graph
from blast.scoring import load_incident
from blast.scoring.reference import IncidentData
from blast.sim import Journal, ScenarioDocument, simulate
from blast.sim.loader import load_scenario
from dashboard.store import REPO, Analysed

SCENARIOS_DIR = REPO / "graphs" / "scenarios"
INCIDENT_DATA = {
    "aws-us-east-1-2025-10-20.yaml": REPO / "data" / "aws-2025-10-20",
    "aws-s3-us-east-1-2017-02-28.yaml": REPO / "data" / "aws-s3-2017-02-28",
}
"""Graph file name to the data folder of the incident it reconstructs (post-mortem windows)."""

COLOURS = {"down": "#d32f2f", "degraded": "#f9a825", "reference": "#7e8ea6"}


def scenarios_for(graph_file: str | Path) -> list[Path]:
    """Scenario files written for ``graph_file``: ``BLAST_SCENARIO`` first, then shipped ones."""
    return list(_scenarios_for(Path(graph_file).resolve(), os.environ.get("BLAST_SCENARIO")))


@lru_cache(maxsize=64)
def _scenarios_for(target: Path, chosen: str | None) -> tuple[Path, ...]:
    found: list[Path] = []
    candidates = [Path(chosen)] if chosen else []
    candidates += sorted(SCENARIOS_DIR.glob("*.yaml"))
    for path in candidates:
        try:
            named = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("graph")
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        same = named and (path.parent / str(named)).resolve() == target
        if (same or (chosen and path == Path(chosen) and target == _default())) and (
            path.resolve() not in found
        ):
            found.append(path.resolve())
    return tuple(found)


def _default() -> Path | None:
    """The graph ``--scenario`` was checked against (``app.py`` sets ``BLAST_GRAPH``)."""
    named = os.environ.get("BLAST_GRAPH")
    return Path(named).resolve() if named else None


def scenario_key(path: Path) -> str:
    """How a scenario is named in the URL and the chooser: relative to the repository."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path.resolve())


@dataclass(frozen=True, eq=False)
class Simulated:
    """A graph, one of its scenarios, and the journal of playing it out."""

    graph: Graph
    scenario: ScenarioDocument
    journal: Journal
    key: str
    incident: IncidentData | None


def content_hash(analysed: Analysed, scenario: ScenarioDocument) -> str:
    """The cache key of a simulation: the graph's digest and the scenario's content."""
    body = scenario.model_dump_json(by_alias=True).encode()
    return hashlib.sha256(analysed.digest.encode() + b"\0" + body).hexdigest()


_JOURNALS: OrderedDict[str, Journal] = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 32
"""Journals kept per process (baselines and recent what-ifs)."""


def run(analysed: Analysed, scenario: ScenarioDocument) -> Journal:
    """The journal of ``scenario`` on the analysed graph, cached by content hash."""
    key = content_hash(analysed, scenario)
    with _LOCK:
        if key in _JOURNALS:
            _JOURNALS.move_to_end(key)
            return _JOURNALS[key]
    journal = simulate(analysed.graph, scenario, seed=0)
    with _LOCK:
        _JOURNALS[key] = journal
        while len(_JOURNALS) > CACHE_SIZE:
            _JOURNALS.popitem(last=False)
    return journal


@lru_cache(maxsize=8)
def _incident(graph_name: str) -> IncidentData | None:
    folder = INCIDENT_DATA.get(graph_name)
    return load_incident(folder) if folder and folder.is_dir() else None


def simulated(analysed: Analysed, path: Path) -> Simulated:
    """Load the scenario at ``path`` against the graph and simulate it (cached)."""
    return _simulated(analysed, path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _simulated(analysed: Analysed, path: Path, stamp: int) -> Simulated:
    scenario = _scenario(path, stamp, analysed)
    graph_name = Path(analysed.graph.files[0]).name if analysed.graph.files else ""
    return Simulated(
        analysed.graph, scenario, run(analysed, scenario), scenario_key(path), _incident(graph_name)
    )


@lru_cache(maxsize=32)
def _scenario(path: Path, stamp: int, analysed: Analysed) -> ScenarioDocument:
    del stamp
    return load_scenario(path, analysed.graph)


def local(journal: Journal, t: float) -> datetime:
    """``t`` as a naive wall-clock time in the scenario's zone (what the axes show)."""
    return journal.time(t).replace(tzinfo=None)


def stamp(journal: Journal, t: float) -> str:
    """``t`` for people: local time with its offset, and UTC."""
    when = journal.time(t)
    return f"{when:%a %H:%M} (UTC{when:%z}) · {when.astimezone(UTC):%H:%M} UTC"


def rows(journal: Journal) -> list[str]:
    """Components with an impact window: user-facing first, then by first impact."""
    first: dict[str, float] = {}
    for w in journal.windows():
        first.setdefault(w.component, w.start)
    uf = set(journal.user_facing)
    return sorted(first, key=lambda c: (c not in uf, first[c], c))


def _zone(journal: Journal) -> str:
    return journal.start.strftime("UTC%z")


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
    _marks(fig, journal, t)
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        height=max(320, 60 + 24 * len(names)),
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
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


def _marks(fig: go.Figure, journal: Journal, t: float | None, rows_: int | None = None) -> None:
    for trig in journal.triggers:
        fault = trig.kind.startswith("fault")
        x = local(journal, trig.t)
        fig.add_vline(x=x, line_dash="dot" if fault else "dash", line_color="#37474f", row=rows_)
        if rows_ is None:
            fig.add_annotation(
                x=x,
                y=1.0,
                yref="paper",
                text=("⚡ " if fault else "🔧 ") + trig.id,
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
                font={"size": 11, "color": "#37474f"},
                hovertext=f"{trig.kind} at {stamp(journal, trig.t)}: {trig.description}",
            )
    if t is not None:
        fig.add_vline(x=local(journal, t), line_color="#2962ff", line_width=2, row=rows_)


def with_time(figure: dict[str, Any], journal: Journal, t: float, axes: int = 1) -> dict[str, Any]:
    """A figure (as plain data) with the scrub time drawn on each of its ``axes`` x axes.

    The figures themselves are cached per simulation; moving the slider only adds
    these lines, so a slider move never rebuilds a figure.
    """
    x = local(journal, t).isoformat()
    lines = [
        {
            "type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "xref": "x" if i == 1 else f"x{i}", "yref": "y domain" if i == 1 else f"y{i} domain",
            "line": {"color": "#2962ff", "width": 2},
        }
        for i in range(1, axes + 1)
    ]  # fmt: skip
    layout = figure.get("layout", {})
    return {**figure, "layout": {**layout, "shapes": [*layout.get("shapes", ()), *lines]}}


@lru_cache(maxsize=32)
def figures(sim: Simulated) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The Gantt and the queue curves of ``sim`` as plain data, built once."""
    q = queues(sim)
    return gantt(sim).to_plotly_json(), None if q is None else q.to_plotly_json()


def queues(sim: Simulated, t: float | None = None) -> go.Figure | None:
    """Backlog (items) and goodput (items/s) of every queued component; None without queues."""
    journal = sim.journal
    if not journal.queues:
        return None
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
        subplot_titles=("backlog (items)", "goodput (items/s)"),
    )  # fmt: skip
    palette = ["#1565c0", "#6a1b9a", "#00838f", "#ef6c00", "#2e7d32", "#ad1457"]
    for i, (component, points) in enumerate(sorted(journal.queues.items())):
        xs = [local(journal, p.t) for p in points]
        colour = palette[i % len(palette)]
        name = sim.graph.label(component)
        for row, values in ((1, [p.backlog for p in points]), (2, [p.goodput for p in points])):
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=values,
                    mode="lines",
                    name=name,
                    legendgroup=component,
                    showlegend=row == 1,
                    line={"color": colour},
                ),
                row=row,
                col=1,
            )
    if t is not None:
        for row in (1, 2):
            fig.add_vline(x=local(journal, t), line_color="#2962ff", line_width=2, row=row)
    fig.update_layout(
        height=420,
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.12},
    )
    fig.update_xaxes(gridcolor="#eceff1", title_text=f"time ({_zone(journal)})", row=2, col=1)
    return fig


def states_at(journal: Journal, nodes: list[str], t: float) -> dict[str, str]:
    """The engine's state of each node at ``t`` (``up``, ``degraded`` or ``down``)."""
    return {n: journal.state_at(n, t) for n in nodes}


def chain(sim: Simulated, component: str, t: float) -> list[dict[str, Any]]:
    """The causal chain of ``component`` at ``t`` back to its trigger, as table rows."""
    journal = sim.journal
    out = []
    for e in journal.explain(component, t):
        out.append(
            {
                "when": stamp(journal, e.t),
                "component": sim.graph.label(e.component)
                if e.component in sim.graph
                else e.component,
                "state": e.state,
                "why": e.cause.mechanism
                + (f" via {e.cause.dependency}" if e.cause.dependency else "")
                + (f" ({e.cause.trigger})" if e.cause.trigger else ""),
            }
        )
    return out
