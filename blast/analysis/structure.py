"""Articulation points and biconnected components of the graph's undirected view.

The undirected view links each component with every component it depends on
(through a redundancy group: with each member). An articulation point is a
component whose removal splits that view: a structural hint of concentration,
blind to redundancy and to edge types; the semantic answer is
:mod:`blast.analysis.spof`. Computed with rustworkx (linear time, native code);
the tests check it against networkx.
"""

from __future__ import annotations

import rustworkx as rx

from blast.graph import Graph


def _members(graph: Graph, node: str) -> list[str]:
    """The components behind a node: itself, or a group's members, recursively."""
    if node in graph.components:
        return [node]
    found, stack, seen = [], [node], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in graph.components:
            found.append(current)
        else:
            stack.extend(graph.groups[current].members)
    return found


def undirected_view(graph: Graph) -> rx.PyGraph:
    """Components as nodes (payload: id), one edge per dependent-needed pair."""
    view = rx.PyGraph(multigraph=False)
    index = {cid: view.add_node(cid) for cid in graph.components}
    edges = set()
    for component in graph.components.values():
        for dep in component.depends_on:
            for needed in _members(graph, dep.target):
                if needed != component.id:
                    a, b = index[component.id], index[needed]
                    edges.add((min(a, b), max(a, b)))
    view.extend_from_edge_list(sorted(edges))
    return view


def articulation_points(graph: Graph) -> tuple[str, ...]:
    """Components whose removal disconnects the undirected view, sorted by id.

    Examples
    --------
    >>> from blast.model import Component
    >>> g = Graph.from_parts([Component(id="a", kind="app", depends_on=["b"]),
    ...                       Component(id="b", kind="api", depends_on=["c"]),
    ...                       Component(id="c", kind="database")])
    >>> articulation_points(g)
    ('b',)
    """
    view = undirected_view(graph)
    return tuple(sorted(view[i] for i in rx.articulation_points(view)))


def biconnected_components(graph: Graph) -> tuple[tuple[str, ...], ...]:
    """Maximal biconnected sets of components (each sorted), largest first."""
    view = undirected_view(graph)
    blocks: dict[int, set[str]] = {}
    for (a, b), block in rx.biconnected_components(view).items():
        blocks.setdefault(block, set()).update((view[a], view[b]))
    return tuple(sorted((tuple(sorted(b)) for b in blocks.values()), key=lambda b: (-len(b), b)))
