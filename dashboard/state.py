"""The view state: one JSON-able dict, kept in a ``dcc.Store`` and mirrored in the URL.

Keys: ``graph`` (a :class:`~dashboard.store.Sources` key), ``focus`` (a component
or group id, or ``None``), ``hops`` (the neighbourhood radius, 2 by default),
``show`` (``all`` or ``near``: only the neighbourhood of the focus) and
``toggled`` (clusters whose open/closed state differs from the default). Query
keys this module does not know (pages added later, such as a time or a what-if)
are kept in ``extra`` and written back, so a link keeps them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from dashboard.clusters import ClusterTree, default_open
from dashboard.store import Analysed

DEFAULT_HOPS = 2
MAX_HOPS = 6
KNOWN = ("graph", "focus", "hops", "show", "open")

State = dict[str, Any]


def initial_state(default_graph: str) -> State:
    """The state of a fresh visit."""
    return {
        "graph": default_graph,
        "focus": None,
        "hops": DEFAULT_HOPS,
        "show": "all",
        "toggled": [],
        "extra": {},
    }


def parse_query(search: str, default_graph: str) -> State:
    """The state a URL query (``?graph=…&focus=…``) describes; bad values fall back to defaults."""
    state = initial_state(default_graph)
    pairs = parse_qsl(search.lstrip("?"), keep_blank_values=False)
    for key, value in pairs:
        if key == "graph":
            state["graph"] = value
        elif key == "focus":
            state["focus"] = value
        elif key == "hops" and value.isdigit():
            state["hops"] = min(MAX_HOPS, max(1, int(value)))
        elif key == "show" and value in ("all", "near"):
            state["show"] = value
        elif key == "open":
            state["toggled"] = sorted({v for v in value.split(",") if v})
        elif key not in KNOWN:
            state["extra"][key] = value
    return state


def to_query(state: State) -> str:
    """The URL query of ``state`` (defaults left out, so links stay short)."""
    pairs: list[tuple[str, str]] = [("graph", state["graph"])]
    if state.get("focus"):
        pairs.append(("focus", state["focus"]))
    if state.get("hops", DEFAULT_HOPS) != DEFAULT_HOPS:
        pairs.append(("hops", str(state["hops"])))
    if state.get("show", "all") != "all":
        pairs.append(("show", state["show"]))
    if state.get("toggled"):
        pairs.append(("open", ",".join(state["toggled"])))
    pairs += sorted(state.get("extra", {}).items())
    return "?" + urlencode(pairs, safe=",:/|")


def open_clusters(state: State, analysed: Analysed, tree: ClusterTree) -> frozenset[str]:
    """The default open clusters with the state's toggles applied."""
    return default_open(analysed, tree).symmetric_difference(state.get("toggled", []))


def with_open(state: State, analysed: Analysed, tree: ClusterTree, wanted: set[str]) -> State:
    """``state`` with exactly ``wanted`` open (stored as toggles from the default)."""
    toggled = sorted(default_open(analysed, tree).symmetric_difference(wanted))
    return {**state, "toggled": toggled}


def toggle(state: State, analysed: Analysed, tree: ClusterTree, cluster: str) -> State:
    """Open a closed cluster, or close an open one."""
    current = set(open_clusters(state, analysed, tree))
    current.symmetric_difference_update({cluster})
    return with_open(state, analysed, tree, current)


def expand_all(state: State, analysed: Analysed, tree: ClusterTree) -> State:
    """Every cluster open (the budget still applies, and says what it holds back)."""
    return with_open(state, analysed, tree, set(tree.all_clusters))


def collapse_all(state: State, analysed: Analysed, tree: ClusterTree) -> State:
    """Every cluster closed: the overview."""
    return with_open(state, analysed, tree, set())


def focus_on(state: State, analysed: Analysed, node: str | None) -> State:
    """``state`` focused on ``node`` (ignored when the graph has no such node)."""
    if node is not None and node not in analysed.graph:
        return state
    return {**state, "focus": node}


def switch_graph(state: State, key: str) -> State:
    """A fresh state on another graph (focus and toggles belong to the old one)."""
    return {**initial_state(key), "hops": state.get("hops", DEFAULT_HOPS), "extra": {}}


def search_options(analysed: Analysed, text: str | None, limit: int = 30) -> list[dict[str, str]]:
    """Components and groups whose id or name contains ``text``, best matches first."""
    graph = analysed.graph
    needle = (text or "").strip().lower()
    found = []
    for node in graph.topology.nodes:
        label = graph.label(node)
        hay = f"{node} {label}".lower()
        if needle and needle not in hay:
            continue
        starts = not (node.lower().startswith(needle) or label.lower().startswith(needle))
        found.append((starts, analysed.severity.get(node, 1 << 30), node, label))
    found.sort()
    out = []
    for _, _, node, label in found[:limit]:
        text_label = label if label == node else f"{label} ({node})"
        out.append({"label": text_label, "value": node})
    return out
