"""One screen of the graph page, from a state: pure, cached per graph and state."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from blast.gcpause import gc_paused
from dashboard.clusters import ClusterTree, View, cluster_tree, make_view
from dashboard.elements import KIND_COLOURS, Drawn, build_elements
from dashboard.state import State, open_clusters
from dashboard.store import Analysed


@dataclass(frozen=True)
class Screen:
    """What the graph page shows for one state."""

    analysed: Analysed
    tree: ClusterTree
    view: View
    drawn: Drawn
    focus: str | None


@lru_cache(maxsize=16)
def tree_of(analysed: Analysed) -> ClusterTree:
    """The cluster tree of a graph, built once."""
    return cluster_tree(analysed)


def screen(analysed: Analysed, state: State) -> Screen:
    """The view and elements for ``state`` (an unknown focus is ignored)."""
    tree = tree_of(analysed)
    focus = state.get("focus")
    if focus not in analysed.graph:
        focus = None
    opened = tuple(sorted(open_clusters(state, analysed, tree)))
    near = state.get("show") == "near"
    return _screen(analysed, opened, focus, int(state.get("hops", 2)), near)


@lru_cache(maxsize=64)
def _screen(
    analysed: Analysed, opened: tuple[str, ...], focus: str | None, hops: int, near: bool
) -> Screen:
    with gc_paused():  # allocation-heavy on big graphs, and creates no cycles
        tree = tree_of(analysed)
        view = make_view(analysed, tree, opened, focus=focus, hops=hops, near_only=near)
        drawn = build_elements(analysed, tree, view, focus=focus)
    return Screen(analysed, tree, view, drawn, focus)


def summary(analysed: Analysed) -> list[tuple[str, int]]:
    """The counts of the summary bar."""
    graph = analysed.graph
    return [
        ("components", len(graph.components)),
        ("redundancy groups", len(graph.groups)),
        ("user-facing", len(graph.user_facing)),
        ("SPOFs", len(analysed.spofs)),
        ("articulation points", len(analysed.articulation)),
    ]


def kinds_present(analysed: Analysed) -> list[tuple[str, str]]:
    """``(kind, colour)`` of the kinds in the graph, for the legend."""
    return list(_kinds_present(analysed))


@lru_cache(maxsize=16)
def _kinds_present(analysed: Analysed) -> tuple[tuple[str, str], ...]:
    present = {c.kind.value for c in analysed.graph.components.values()}
    return tuple((k, colour) for k, colour in KIND_COLOURS.items() if k in present)
