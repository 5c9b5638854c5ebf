"""What the side panel says about one component: plain data, rendered by the graph page.

Its dependencies and dependents, its blast radius (down vs degraded, user-facing
first), whether it is a single point of failure and for whom, and why: for each
user-facing victim the chain of dependencies from the victim down to it, as
:func:`blast.analysis.propagate` explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyroaring import BitMap

from blast.analysis import BlastRadius, spofs
from blast.analysis.propagation import down_paths
from blast.gcpause import gc_paused
from blast.model.graph import Graph
from dashboard.store import Analysed

MAX_LISTED = 40
"""Longest list the panel shows before saying how many more there are."""


@dataclass(frozen=True)
class Link:
    """One neighbour: its id, its name and the dependency type (hard, soft, async, member)."""

    id: str
    label: str
    type: str
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """Everything the side panel shows about one node."""

    id: str
    label: str
    facts: tuple[tuple[str, str], ...]
    notes: str
    sources: tuple[str, ...]
    depends_on: tuple[Link, ...]
    dependents: tuple[Link, ...]
    is_group: bool
    down: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()
    user_facing_down: tuple[str, ...] = ()
    user_facing_degraded: tuple[str, ...] = ()
    why: tuple[tuple[str, ...], ...] = ()
    taken_down_by: tuple[str, ...] = ()
    articulation: bool = False

    @property
    def is_spof(self) -> bool:
        """Whether its failure alone takes down a user-facing component."""
        return bool(self.user_facing_down)


def why_paths(graph: Graph, failed: str, victims: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """For each victim that ``failed`` takes down, its chain of dependencies down to ``failed``.

    :func:`blast.analysis.propagation.down_paths`: propagate's own down wave, cut
    short once every victim has fallen (at 10,000 components most of a click's
    time is the rest of the radius), so each victim gets the same cause as
    ``propagate(graph, [failed]).path(victim)``. The panel only asks for victims
    that are down.
    """
    paths = down_paths(graph, [failed], victims)
    return tuple(paths[v] for v in victims)


def panel(analysed: Analysed, node: str) -> Panel:
    """The panel of ``node`` (a component or a redundancy group), cached per graph."""
    with gc_paused():
        return _panel(analysed, node)


@lru_cache(maxsize=512)
def _panel(analysed: Analysed, node: str) -> Panel:
    graph = analysed.graph
    topo = graph.topology
    pos = topo.position[node]
    dependents = []
    for d, _ in topo.dependents[pos]:
        other = topo.nodes[d]
        if other in graph.groups:
            dependents.append(Link(other, graph.label(other), "member"))
            continue
        dep = next(x for x in graph.components[other].depends_on if x.target == node)
        dependents.append(Link(other, graph.label(other), dep.type.value, dep.purpose))
    if node in graph.groups:
        g = graph.groups[node]
        return Panel(
            id=node,
            label=g.label,
            facts=(
                ("redundancy group", f"{g.mode.value}, needs {g.min_up} of {len(g.members)} up"),
            ),
            notes=g.notes,
            sources=g.sources,
            depends_on=tuple(Link(m, graph.label(m), "member") for m in g.members),
            dependents=tuple(dependents),
            is_group=True,
        )
    c = graph.components[node]
    facts = [
        ("kind", c.kind.value),
        ("provider", c.provider or "-"),
        ("region", c.region),
        ("scope", c.scope.value),
    ]
    if c.az:
        facts.append(("zone", c.az))
    if c.user_facing:
        facts.append(("user-facing", "yes"))
    if c.assumed:
        facts.append(("assumed", "yes: not stated by a public source"))
    depends_on = tuple(
        Link(
            d.target,
            graph.label(d.target),
            d.type.value,
            d.purpose + (" (assumed)" if d.assumed else ""),
        )
        for d in c.depends_on
    )
    index = analysed.index
    down_bits = index.down(node) - BitMap([index.bit[node]])
    degraded_bits = index.affected(node) - index.down(node)
    # blast_radius's lists, less its delayed pass (not shown here; a tenth of a second at 10k)
    radius = BlastRadius(
        component=node,
        down=tuple(index.names(down_bits)),
        degraded=tuple(index.names(degraded_bits)),
        user_facing_down=tuple(index.names(down_bits & index.user_facing)),
        user_facing_degraded=tuple(index.names(degraded_bits & index.user_facing)),
    )
    why = why_paths(graph, node, radius.user_facing_down[:MAX_LISTED])
    return Panel(
        id=node,
        label=c.label,
        facts=tuple(facts),
        notes=c.notes,
        sources=c.sources,
        depends_on=depends_on,
        dependents=tuple(dependents),
        is_group=False,
        down=radius.down,
        degraded=radius.degraded,
        user_facing_down=radius.user_facing_down,
        user_facing_degraded=radius.user_facing_degraded,
        why=why,
        taken_down_by=spofs(analysed.index, node),
        articulation=node in analysed.articulation,
    )
