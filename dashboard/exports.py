"""Downloads: the SPOF report and what is on screen, as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC
from functools import lru_cache
from typing import Any

from blast.report import spof_report
from dashboard.clusters import View
from dashboard.elements import Drawn
from dashboard.store import Analysed


def file_stem(label: str) -> str:
    """A download file name stem from a graph's title: lower case, letters, digits, dashes."""
    words = "".join(c if c.isalnum() else " " for c in label.lower()).split()
    return "-".join(words)[:60] or "graph"


SPOF_COLUMNS = [
    "component",
    "name",
    "kind",
    "region",
    "user_facing_down",
    "victims",
    "down",
    "degraded",
    "articulation_point",
]


def spof_csv(analysed: Analysed) -> str:
    """One row per SPOF: what it takes down, user-facing victims named."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SPOF_COLUMNS)
    for s in analysed.spofs:
        writer.writerow(
            [
                s.component,
                s.name,
                s.kind,
                s.region,
                len(s.user_facing_down),
                ";".join(s.user_facing_down),
                s.down,
                s.degraded,
                "yes" if s.component in analysed.articulation else "no",
            ]
        )
    return out.getvalue()


@lru_cache(maxsize=8)
def spof_json(analysed: Analysed) -> str:
    """The full SPOF report (order-2 cut sets included) as ``blast spof --json`` prints it."""
    report = spof_report(analysed.graph, index=analysed.index)
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


VIEW_COLUMNS = ["id", "label", "drawn_as", "kind", "state", "spof", "articulation_point", "holds"]


def view_rows(analysed: Analysed, view: View, drawn: Drawn) -> list[dict[str, Any]]:
    """What is on screen: one row per drawn node or aggregate, with its radius state."""
    rows = []
    for el in drawn.elements:
        data, classes = el["data"], set(el.get("classes", "").split())
        if "source" in data or "band" in classes:
            continue
        node = data["id"]
        state = "down" if "down" in classes or "agg-down" in classes else ""
        state = state or ("degraded" if {"degraded", "agg-degraded"} & classes else "")
        aggregate = node in view.aggregates
        rows.append(
            {
                "id": node,
                "label": data.get("name", data["label"]),
                "drawn_as": "group of hidden nodes" if aggregate else "node",
                "kind": data.get("kind", ""),
                "state": state,
                "spof": "spof" in classes,
                "articulation_point": "ap" in classes,
                "holds": len(view.aggregates.get(node, ())),
            }
        )
    return rows


def view_csv(analysed: Analysed, view: View, drawn: Drawn) -> str:
    """:func:`view_rows` as CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, VIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(view_rows(analysed, view, drawn))
    return out.getvalue()


def view_json(analysed: Analysed, view: View, drawn: Drawn, state: dict[str, Any]) -> str:
    """What is on screen, with the view state and what is hidden, as JSON."""
    doc = {
        "graph": analysed.label,
        "files": list(analysed.graph.files),
        "state": {k: state.get(k) for k in ("graph", "focus", "hops", "show")},
        "notes": list(view.notes),
        "edges_drawn": drawn.edges,
        "edges_left_out": drawn.edges_left_out,
        "nodes": view_rows(analysed, view, drawn),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


TIMELINE_COLUMNS = ["run", "component", "name", "severity", "start", "end", "start_utc",
                    "end_utc", "minutes", "cause"]  # fmt: skip


def timeline_rows(sim: Any, changed: Any = None) -> list[dict[str, Any]]:
    """The windows on screen: simulated (baseline), the what-if's, then the post-mortem's.

    ``sim`` is a :class:`dashboard.timeline.Simulated`; ``changed`` the what-if's
    journal or ``None``. Times are ISO 8601 in the scenario's zone and in UTC.
    """
    rows: list[dict[str, Any]] = []
    for run, journal in (("baseline", sim.journal), ("what-if", changed)):
        if journal is None:
            continue
        for w in journal.windows():
            end = journal.horizon if w.end is None else w.end
            rows.append(
                _window_row(
                    run, sim.graph, w.component, w.severity, journal.time(w.start),
                    journal.time(end), w.cause.mechanism + ("" if w.end is not None else
                                                            " (still open at the horizon)"),
                )
            )  # fmt: skip
    if sim.incident is not None:
        for r in sim.incident.scored_windows():
            if r.start is not None and r.end is not None:
                rows.append(
                    _window_row("post-mortem", sim.graph, r.component, r.window, r.start, r.end, "")
                )
    return rows


def _window_row(run: str, graph: Any, component: str, severity: str, start: Any, end: Any,
                cause: str) -> dict[str, Any]:  # fmt: skip
    utc = UTC
    return {
        "run": run,
        "component": component,
        "name": graph.label(component) if component in graph else component,
        "severity": severity,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "start_utc": start.astimezone(utc).isoformat(),
        "end_utc": end.astimezone(utc).isoformat(),
        "minutes": round((end - start).total_seconds() / 60.0, 1),
        "cause": cause,
    }


def timeline_csv(sim: Any, changed: Any = None) -> str:
    """:func:`timeline_rows` as CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, TIMELINE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(timeline_rows(sim, changed))
    return out.getvalue()


def timeline_json(
    sim: Any, t: float, spec: dict[str, Any] | None = None, changed: Any = None,
    downtime: list[dict[str, Any]] | None = None,
) -> str:  # fmt: skip
    """What the timeline shows: scenario, time, windows; with a what-if, its spec and journal."""
    doc: dict[str, Any] = {
        "graph": list(sim.graph.files),
        "scenario": sim.key,
        "time": sim.journal.time(t).isoformat(),
        "windows": timeline_rows(sim, changed),
    }
    if changed is not None:
        doc["whatif"] = {"spec": spec, "downtime": downtime or [], "journal": changed.to_dict()}
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str)
