"""Downloads: the SPOF report and what is on screen, as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from typing import Any

from blast.report import spof_report
from dashboard.clusters import View
from dashboard.elements import Drawn
from dashboard.store import Analysed

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
                "label": data["label"].replace("\n", " / "),
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
