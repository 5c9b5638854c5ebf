"""What each control does to the view state: one pure transition per trigger.

The shell's single state callback calls :func:`transition` with the id of the
control that fired and the values of all controls; it returns the new state and
the upload problems to show (``None`` to leave them as they are).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from blast.errors import BlastError
from dashboard import ids
from dashboard import state as st
from dashboard.clusters import FOLDED
from dashboard.screen import tree_of
from dashboard.store import Sources

UploadHandler = Callable[[Sources, dict[str, Any]], tuple[str | None, list[Any]]]


def transition(
    sources: Sources,
    state: st.State,
    trigger: str | None,
    values: Mapping[str, Any],
    on_upload: UploadHandler,
) -> tuple[st.State, list[Any] | None]:
    """The state after ``trigger`` fired with ``values`` (see the module docstring)."""
    value = values.get(trigger or "")
    if trigger == ids.SHELL_GRAPH:
        if not value or value == state["graph"]:
            return state, None
        return st.switch_graph(state, value), []
    if trigger == ids.SHELL_UPLOAD_ACCEPTED:
        if not value:
            return state, None
        key, problems = on_upload(sources, value)
        return (st.switch_graph(state, key), []) if key else (state, problems)
    try:
        analysed = sources.analysed(state["graph"])
    except BlastError:
        return state, None
    tree = tree_of(analysed)
    if trigger == ids.GRAPH_CYTO and isinstance(value, dict):
        node = str(value.get("id", ""))
        if node == FOLDED:  # a box of many small groups: search finds what it holds
            return state, None
        if value.get("aggregate"):
            return st.toggle(state, analysed, tree, node), None
        if node.startswith("band:"):
            return st.toggle(state, analysed, tree, tree.shown(node.removeprefix("band:"))), None
        return st.focus_on(state, analysed, node), None
    if trigger == ids.GRAPH_SEARCH:  # clearing the box keeps the focus ("Clear focus" drops it)
        return (st.focus_on(state, analysed, value), None) if value else (state, None)
    if trigger == ids.GRAPH_HOPS:
        if not isinstance(value, int | float):
            return state, None
        return {**state, "hops": min(st.MAX_HOPS, max(1, int(value)))}, None
    if trigger == ids.GRAPH_SHOW and value in ("all", "near"):
        return {**state, "show": value}, None
    if trigger == ids.GRAPH_CLEAR:
        return {**state, "focus": None}, None
    if trigger == ids.GRAPH_EXPAND_ALL:
        return st.expand_all(state, analysed, tree), None
    if trigger == ids.GRAPH_COLLAPSE_ALL:
        return st.collapse_all(state, analysed, tree), None
    return state, None
