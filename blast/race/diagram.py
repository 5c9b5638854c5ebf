"""One losing interleaving as a sequence diagram: text, and a plotly figure.

Both come from a list of :class:`Message` (who sends what to whom, in order), built
either from the shortest counterexample of the exhaustive search (order = step
number) or from a traced timed run (order = seconds). Lifelines: the Planner's
plan store, each Enactor, each endpoint's DNS record. The figure builder returns
a ``plotly.graph_objects.Figure`` for the dashboard; nothing here imports dash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blast.race.des import RaceRun
from blast.race.explore import Counterexample
from blast.race.protocol import Config

if TYPE_CHECKING:
    import plotly.graph_objects as go

STORE = "plan store"


@dataclass(frozen=True)
class Message:
    """An arrow of the diagram: at ``order`` (a step or seconds), ``source`` → ``target``."""

    order: float
    source: str
    target: str
    label: str
    alarm: bool = False


def from_counterexample(cex: Counterexample, config: Config) -> list[Message]:
    """The numbered steps of an exhaustive counterexample as messages."""
    out = []
    for step in cex.steps:
        endpoint = next((config.endpoints[k] for k in range(len(config.endpoints))
                         if config.endpoints[k] in step.text), config.endpoints[0])  # fmt: skip
        target = {"plan": STORE, "pick": STORE, "skip": STORE, "cleanup": STORE}.get(
            step.kind, endpoint
        )
        source = step.actor if step.kind != "plan" else "Planner"
        label = step.text.removeprefix(f"{step.actor} ")
        empty = any(after.endswith("(EMPTY record)") for _, _, after in step.diff)
        out.append(Message(step.number, source, target, label, alarm=empty))
    return out


def from_run(run: RaceRun, limit: int = 40) -> list[Message]:
    """The story of a losing timed run: the stale writer's run, the deleting run, the fall-out.

    Keeps the stale writer's events from its pick of the stale plan, every write
    to an endpoint that went empty, clean-ups and failed writes; at most ``limit``
    messages, those nearest the empty record.
    """
    if run.empty_at is None or run.stale_writer is None:
        return []
    events = run.trace
    start = next(
        (ev.t for ev in events if ev.actor == run.stale_writer and ev.kind == "pick"
         and ev.plan == run.stale_plan),
        0.0,
    )  # fmt: skip
    keep = []
    for ev in events:
        if ev.t < start:
            continue
        mine = ev.actor == run.stale_writer and ev.plan == run.stale_plan
        hits_empty = ev.endpoint in run.empty_endpoints and ev.kind in ("write", "write-failed")
        if mine or hits_empty or ev.kind in ("cleanup", "EMPTY"):
            keep.append(ev)
    before = [ev for ev in keep if ev.t <= run.empty_at]
    after = [ev for ev in keep if ev.t > run.empty_at][: max(3, limit // 5)]
    keep = before[-(limit - len(after)) :] + after
    out = []
    for ev in keep:
        target = STORE if ev.kind in ("pick", "cleanup", "token") else ev.endpoint
        if ev.kind == "EMPTY":
            out.append(Message(ev.t, STORE, ev.endpoint, ev.detail, alarm=True))
        else:
            label = f"{ev.detail}"
            out.append(Message(ev.t, ev.actor, target, label, alarm=ev.kind == "write-failed"))
    return out


def lifelines(messages: Sequence[Message], endpoints: Sequence[str] = ()) -> list[str]:
    """Lifelines in a stable order: Planner, plan store, Enactors, endpoints (given order)."""
    names = {m.source for m in messages} | {m.target for m in messages}
    head = [n for n in ("Planner", STORE) if n in names]
    enactors = sorted(n for n in names if n.startswith("Enactor"))
    rest = names - set(head) - set(enactors)
    ordered = [n for n in endpoints if n in rest]
    return head + enactors + ordered + sorted(rest - set(ordered))


def text(
    messages: Sequence[Message],
    *,
    unit: str = "s",
    width: int = 14,
    endpoints: Sequence[str] = (),
) -> str:
    """An ASCII sequence diagram: one column per lifeline, one row per message.

    ``unit`` "s" labels rows with seconds, "" with step numbers; ``endpoints``
    fixes the order of the endpoint lifelines.
    """
    lanes = lifelines(messages, endpoints)
    col = {name: i * width + width // 2 for i, name in enumerate(lanes)}
    total = width * len(lanes)
    head = "".join(name[: width - 1].center(width) for name in lanes)
    lines = [f"{'':>9}  {head}"]
    for m in messages:
        row = [" "] * total
        for name in lanes:
            row[col[name]] = "|"
        a, b = col[m.source], col[m.target]
        lo, hi = min(a, b), max(a, b)
        for x in range(lo + 1, hi):
            row[x] = "=" if m.alarm else "-"
        if a != b:
            row[b - 1 if b > a else b + 1] = ">" if b > a else "<"
        order = f"{m.order:.2f}{unit}" if unit else f"{int(m.order)}."
        mark = "!! " if m.alarm else ""
        lines.append(f"{order:>9}  {''.join(row).rstrip()}  {mark}{m.label}")
    return "\n".join(lines)


def figure(
    messages: Sequence[Message], title: str, *, unit: str = "s", endpoints: Sequence[str] = ()
) -> go.Figure:
    """A plotly sequence diagram: lifelines as vertical lines, messages as arrows.

    Rows are evenly spaced in message order (times are in the labels), so bursts
    of events stay readable; alarms (empty record, failed write) are red.
    """
    import plotly.graph_objects as go

    lanes = lifelines(messages, endpoints)
    x = {name: float(i) for i, name in enumerate(lanes)}
    bottom = -max(len(messages) - 1, 0) - 0.5  # rows sit at y = 0, -1, -2, ...
    fig = go.Figure()
    for name in lanes:
        fig.add_shape(type="line", x0=x[name], x1=x[name], y0=bottom, y1=0.6,
                      line={"color": "#999", "dash": "dot"})  # fmt: skip
    for i, m in enumerate(messages):
        # Rows are spaced evenly (y = row) so that bursts of events stay readable.
        y = float(i)
        color = "#c0392b" if m.alarm else "#2c3e50"
        fig.add_annotation(x=x[m.target], y=-y, ax=x[m.source], ay=-y, xref="x", yref="y",
                           axref="x", ayref="y", showarrow=True, arrowhead=2, arrowcolor=color,
                           text="")  # fmt: skip
        order = f"{m.order:.2f} {unit}" if unit else f"step {int(m.order)}"
        fig.add_annotation(x=(x[m.source] + x[m.target]) / 2, y=-y + 0.3, showarrow=False,
                           text=f"{order}: {m.label}",
                           font={"size": 10, "color": color})  # fmt: skip
    fig.update_layout(
        title=title,
        xaxis={"tickvals": [x[n] for n in lanes], "ticktext": lanes, "side": "top",
               "range": [-0.7, len(lanes) - 0.3], "showgrid": False},
        yaxis={"visible": False, "range": [-len(messages) - 0.5, 1.0]},
        height=max(300, 40 * len(messages) + 120),
        plot_bgcolor="white",
        margin={"l": 20, "r": 20, "t": 80, "b": 20},
    )  # fmt: skip
    return fig
