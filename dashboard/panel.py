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
from blast.gcpause import gc_paused
from blast.model.graph import HARD_EDGE, MEMBER_EDGE, Graph
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
    """For each victim, the chain of dependencies from it down to ``failed``.

    The same chains as :meth:`blast.analysis.propagate`'s ``Outcome.path`` for a
    single failure: its breadth-first pass over hard and member edges, in the same
    order, so each victim gets the same cause. It stops once every victim is
    reached instead of walking the whole radius (at 10,000 components, most of a
    click's time), and skips the degraded and delayed passes, which never explain
    a component that is down.
    """
    topo = graph.topology
    dependents = topo.dependents
    start = topo.position[failed]
    missing = {topo.position[v] for v in victims} - {start}
    up_members = list(topo.min_up)
    for v in range(topo.n_components, len(topo.nodes)):
        up_members[v] = len(topo.targets[v]) - topo.min_up[v]
    cause = {start: -1}
    order = [start]
    head = 0
    while head < len(order) and missing:
        v = order[head]
        head += 1
        for d, kind in dependents[v]:
            if d in cause:
                continue
            if kind == MEMBER_EDGE:
                up_members[d] -= 1
                if up_members[d] >= 0:
                    continue
            elif kind != HARD_EDGE:
                continue
            cause[d] = v
            order.append(d)
            missing.discard(d)
    paths: list[tuple[str, ...]] = []
    for victim in victims:
        v = topo.position[victim]
        if v not in cause:
            paths.append(())
            continue
        chain = [v]
        while cause[chain[-1]] >= 0:
            chain.append(cause[chain[-1]])
        paths.append(tuple(topo.nodes[p] for p in chain))
    return tuple(paths)


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
