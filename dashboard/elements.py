"""Cytoscape elements of a view, and the one stylesheet that draws them.

Everything visual is a class (``k-database``, ``spof``, ``ap``, ``down``, ...)
styled by :data:`STYLESHEET`; no element carries a style of its own. The blast
radius of the focused component is a set of classes too: ``down`` and
``degraded`` on what it takes with it, ``dim`` on the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from blast.model.graph import HARD_EDGE, MEMBER_EDGE
from dashboard.bundles import bundle, edge_arrays, per_unit
from dashboard.clusters import SEP, ClusterTree, View, cluster_label
from dashboard.positions import OTHER_BAND, band_boxes, place
from dashboard.store import Analysed

MAX_ELEMENTS = 1500
FAINT_ABOVE = 300
"""Views with more edges than this draw them faint, so that nodes stay legible."""

KIND_COLOURS: dict[str, str] = {
    "dns": "#1b9e9e",
    "load-balancer": "#2bb0a8",
    "network": "#5cc8c0",
    "cdn": "#8fd9d3",
    "database": "#2f6fb3",
    "cache": "#5b8fd1",
    "storage": "#8eb4e3",
    "queue": "#7b5ea7",
    "stream": "#a58bcc",
    "compute": "#e07b1f",
    "container": "#f0a04b",
    "serverless": "#f5c27a",
    "control-plane": "#6b7b8c",
    "identity": "#8d6e63",
    "monitoring": "#a1887f",
    "workflow": "#9e9d24",
    "analytics": "#c0ca33",
    "api": "#43a047",
    "app": "#2e7d32",
    "status-page": "#66bb6a",
    "support": "#b0bec5",
    "other": "#9e9e9e",
}
"""One colour per kind: families share a hue (network teal, data blue, compute orange...)."""
GROUP_COLOUR = "#cfd8dc"
DOWN = "#d62728"
DEGRADED = "#f2a900"
SPOF_BORDER = "#b71c1c"
AP_BORDER = "#ef6c00"

STYLESHEET: list[dict[str, Any]] = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "font-size": 11,
            "font-family": "system-ui, sans-serif",
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "ellipsis",
            "text-max-width": 105,
            "min-zoomed-font-size": 8,
            "color": "#263238",
            "width": 26,
            "height": 26,
            "border-width": 1,
            "border-color": "#546e7a",
            "background-color": "#9e9e9e",
        },
    },
    *[
        {"selector": f".k-{kind}", "style": {"background-color": colour}}
        for kind, colour in KIND_COLOURS.items()
    ],
    {"selector": ".uf", "style": {"shape": "round-rectangle", "width": 38, "height": 24}},
    {
        "selector": ".group",
        "style": {"shape": "hexagon", "background-color": GROUP_COLOUR, "width": 20, "height": 18},
    },
    {
        "selector": ".agg",
        "style": {
            "shape": "round-rectangle",
            "background-color": "#eceff1",
            "border-style": "dashed",
            "border-color": "#78909c",
            "width": 104,
            "height": 60,
            "text-valign": "center",
            "text-margin-y": 0,
            "text-wrap": "wrap",
            "text-max-width": 100,
            "font-size": 16,
            "min-zoomed-font-size": 4,
        },
    },
    {
        "selector": ".band",
        "style": {
            "shape": "round-rectangle",
            "background-color": "#f7f9fa",
            "background-opacity": 0.6,
            "border-color": "#cfd8dc",
            "border-width": 1,
            "label": "data(label)",
            "text-valign": "top",
            "text-halign": "center",
            "text-margin-y": -6,
            "font-size": 26,
            "min-zoomed-font-size": 0,
            "font-weight": "bold",
            "color": "#607d8b",
            "text-max-width": 1000,
            "text-wrap": "none",
            "padding": 24,
        },
    },
    {
        "selector": ".uf, .spof, .focus",
        "style": {
            "font-size": 17,
            "text-max-width": 104,
            "text-wrap": "wrap",
            "font-weight": "bold",
        },
    },
    {"selector": ".ap", "style": {"border-width": 3, "border-color": AP_BORDER}},
    {
        "selector": ".spof",
        "style": {"border-width": 5, "border-color": SPOF_BORDER, "border-style": "double"},
    },
    {
        "selector": "edge",
        "style": {
            "width": 1.2,
            "line-color": "#b0bec5",
            "target-arrow-color": "#b0bec5",
            "target-arrow-shape": "triangle",
            "arrow-scale": 0.7,
            "curve-style": "bezier",
            "opacity": 0.8,
        },
    },
    {"selector": ".soft", "style": {"line-style": "dashed"}},
    {"selector": ".member", "style": {"line-color": "#90a4ae", "target-arrow-shape": "none"}},
    {
        "selector": ".bundle",
        "style": {
            "width": "mapData(weight, 1, 50, 1.5, 7)",
            "label": "data(label)",
            "font-size": 9,
        },
    },
    {"selector": "edge.faint", "style": {"opacity": 0.3}},
    {"selector": ".dim", "style": {"opacity": 0.18}},
    {"selector": "node.degraded", "style": {"background-color": DEGRADED}},
    {"selector": "node.down", "style": {"background-color": DOWN}},
    {"selector": "node.agg-degraded", "style": {"background-color": "#ffe9b3"}},
    {"selector": "node.agg-down", "style": {"background-color": "#f6c5c5"}},
    {
        "selector": "edge.down",
        "style": {"line-color": DOWN, "target-arrow-color": DOWN, "width": 2.5},
    },
    {
        "selector": "edge.degraded",
        "style": {"line-color": DEGRADED, "target-arrow-color": DEGRADED, "width": 2},
    },
    {
        "selector": ".focus",
        "style": {
            "border-width": 6,
            "border-color": "#111",
            "border-style": "solid",
            "width": 40,
            "height": 40,
            "font-weight": "bold",
            "z-index": 10,
        },
    },
    {"selector": ".match", "style": {"underlay-color": "#2962ff", "underlay-opacity": 0.35}},
]
"""The one stylesheet of the graph view: kinds, markers, radius highlighting."""


@dataclass(frozen=True)
class Drawn:
    """The elements of one view and what was left out of it."""

    elements: list[dict[str, Any]]
    nodes: int
    edges: int
    edges_left_out: int


def _band(cluster_or_path: str) -> str:
    return SEP.join(cluster_or_path.split(SEP)[:2])


def build_elements(
    analysed: Analysed,
    tree: ClusterTree,
    view: View,
    *,
    focus: str | None = None,
    match: str | None = None,
) -> Drawn:
    """Cytoscape elements of ``view``, positioned, with the blast radius of ``focus`` marked."""
    graph, topo = analysed.graph, analysed.graph.topology
    unit_of = view.unit_of
    units = [*view.nodes, *view.aggregates]
    index_of = {u: i for i, u in enumerate(units)}
    position = topo.position
    n = len(unit_of)
    at = np.fromiter((position[node] for node in unit_of), dtype=np.int64, count=n)
    unit_at = np.full(len(topo.nodes), -1, dtype=np.int64)
    unit_at[at] = np.fromiter((index_of[u] for u in unit_of.values()), dtype=np.int64, count=n)
    own = np.zeros(len(topo.nodes), dtype=bool)
    own[at] = np.fromiter((node == u for node, u in unit_of.items()), dtype=bool, count=n)
    pairs, bundles = bundle(edge_arrays(analysed), unit_at, own)
    direct = [(units[a], units[b], kind) for a, b, kind in pairs]
    failed = focus if focus is not None and focus in graph.components else None
    down_bits = analysed.index.down(failed) if failed else None
    hit_bits = analysed.index.affected(failed) if failed else None
    bit = analysed.index.bit

    def state(node: str) -> str:
        if down_bits is None or hit_bits is None:
            return ""
        if node in graph.groups:
            killers = analysed.index.killers(node)
            return "down" if failed is not None and bit[failed] in killers else ""
        b = bit[node]
        return "down" if b in down_bits else ("degraded" if b in hit_bits else "")

    states = {n: state(n) for n in view.nodes}
    agg_counts: dict[str, tuple[int, int]] = {}
    down_in = hit_in = None
    if down_bits is not None and hit_bits is not None and view.aggregates:
        down_in, hit_in = (
            per_unit(analysed, unit_at, b, len(units)) for b in (down_bits, hit_bits)
        )
    for cluster in view.aggregates:
        down = degraded = 0
        if down_in is not None and hit_in is not None:
            down = int(down_in[index_of[cluster]])
            degraded = int(hit_in[index_of[cluster]]) - down
        agg_counts[cluster] = (down, degraded)
        states[cluster] = "down" if down else ("degraded" if degraded else "")
    named = {(units[ua], units[ub]): entry for (ua, ub), entry in bundles.items()}
    edge_list = _edges(direct, named, focus)
    bands_of = {u: _band(u if u in view.aggregates else tree.parent_of_node[u]) for u in units}
    boxes = band_boxes(bands_of)
    budget = max(0, MAX_ELEMENTS - len(units) - boxes)
    left_out = max(0, len(edge_list) - budget)
    edge_list = edge_list[:budget]
    placement = place(
        units,
        [(a, b) for a, b, *_ in edge_list],
        bands_of,
        {u: u if u in view.aggregates else tree.parent_of_node[u] for u in units},
    )
    elements: list[dict[str, Any]] = []
    for band_id, _ in placement.bands:
        if band_id != OTHER_BAND:
            elements.append(
                {
                    "data": {"id": f"band:{band_id}", "label": cluster_label(band_id)},
                    "classes": "band",
                }
            )
    band_parent = {u: f"band:{b}" for b, ms in placement.bands if b != OTHER_BAND for u in ms}
    for node in view.nodes:
        elements.append(
            _node(analysed, node, states[node], focus, match, placement.xy[node], band_parent)
        )
    for cluster, held in view.aggregates.items():
        down, degraded = agg_counts[cluster]
        lines = [cluster.rsplit(SEP, 1)[-1], f"{len(held):,} inside"]
        if down or degraded:
            lines.append(f"{down} down, {degraded} degraded")
        classes = ["agg"]
        if focus:
            classes.append("agg-down" if down else ("agg-degraded" if degraded else "dim"))
        x, y = placement.xy[cluster]
        agg: dict[str, Any] = {
            "id": cluster,
            "label": "\n".join(lines),
            "name": cluster_label(cluster),
            "aggregate": True,
            "count": len(held),
        }
        if cluster in band_parent:
            agg["parent"] = band_parent[cluster]
        elements.append({"data": agg, "position": {"x": x, "y": y}, "classes": " ".join(classes)})
    for a, b, kind, weight in edge_list:
        classes = [_EDGE_CLASS.get(kind, "hard")]
        if weight:
            classes.append("bundle")
        if len(edge_list) > FAINT_ABOVE:
            classes.append("faint")
        if focus:
            sa, sb = states.get(a, ""), states.get(b, "")
            if sa == "down" and sb == "down" and kind in (HARD_EDGE, MEMBER_EDGE):
                classes.append("down")
            elif sa and sb:
                classes.append("degraded")
            else:
                classes.append("dim")
        data: dict[str, Any] = {"id": f"{a}->{b}", "source": a, "target": b}
        if weight:
            data.update(weight=weight)
        elements.append({"data": data, "classes": " ".join(classes)})
    return Drawn(elements, len(units), len(edge_list), left_out)


_EDGE_CLASS = {HARD_EDGE: "hard", MEMBER_EDGE: "member", 1: "soft"}


def _edges(
    direct: list[tuple[str, str, int]],
    bundles: dict[tuple[str, str], list[int]],
    focus: str | None,
) -> list[tuple[str, str, int, int]]:
    """Edges to draw, most important first: those touching the focus, hard ones, big bundles."""
    out = [(a, b, kind, 0) for a, b, kind in direct]
    out += [(a, b, kind, count) for (a, b), (count, kind) in bundles.items()]
    out.sort(key=lambda e: (focus not in (e[0], e[1]), e[2] == 1, -e[3], e[0], e[1]))
    return out


def _node(
    analysed: Analysed,
    node: str,
    state: str,
    focus: str | None,
    match: str | None,
    xy: tuple[float, float],
    band_parent: dict[str, str],
) -> dict[str, Any]:
    graph = analysed.graph
    classes: list[str] = []
    if node in graph.groups:
        data: dict[str, Any] = {"id": node, "label": graph.groups[node].label, "kind": "group"}
        classes.append("group")
    else:
        c = graph.components[node]
        data = {"id": node, "label": c.label, "kind": c.kind.value}
        classes += ["component", f"k-{c.kind.value}"]
        if c.user_facing:
            classes.append("uf")
        if node in analysed.spof_of:
            classes.append("spof")
            data["label"] = f"⚠ {c.label}"
        if node in analysed.articulation:
            classes.append("ap")
    if focus:
        if node == focus:
            classes.append("focus")
        classes.append(state or "dim")
    if match and node == match:
        classes.append("match")
    if node in band_parent:
        data["parent"] = band_parent[node]
    return {"data": data, "position": {"x": xy[0], "y": xy[1]}, "classes": " ".join(classes)}
