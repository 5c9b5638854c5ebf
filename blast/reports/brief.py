"""One component's :class:`~blast.model.compact.Brief`, built alone.

``graph.briefs`` builds the brief of every component on first use (about 0.05 s at
100,000 components); a report reads a few hundred (its SPOFs, its watchers, the
dependents a mitigation names). These read the same fields from the graph's columns
for just the components asked for, and take the built briefs when there are some.
"""

from __future__ import annotations

from blast.model.compact import Brief
from blast.model.graph import Graph


def brief(graph: Graph, cid: str) -> Brief:
    """``graph.briefs[cid]``, without building every other component's brief.

    Raises
    ------
    KeyError
        When ``cid`` is not a component of ``graph`` (as ``graph.briefs``).
    """
    if "briefs" in graph.__dict__:  # built already: read it
        return graph.briefs[cid]
    c = graph.columns
    at = graph.topology.position[cid]
    if at >= len(c.ids):
        raise KeyError(cid)  # a group's position
    return Brief(
        c.ids[at],
        c.names[at],
        c.kinds[at],
        c.regions[at],
        c.scopes[at],
        c.providers[at],
        c.user_facing[at],
        c.tags[at],
    )


def label(graph: Graph, node: str) -> str:
    """``graph.label(node)`` (a component's or group's name, else its id), without building
    every component's brief."""
    if node in graph.components:
        return brief(graph, node).label
    return graph.label(node)
