"""The assembled dependency graph: every component and group of a set of files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from blast.gcpause import gc_paused
from blast.model.spec import Component, DependencyType, RedundancyGroup

if TYPE_CHECKING:
    import networkx as nx

MEMBER = "member"
"""Edge type from a redundancy group to each of its members."""

HARD_EDGE, SOFT_EDGE, MEMBER_EDGE, ASYNC_EDGE = 0, 1, 2, 3
"""Edge kinds in :class:`Topology`: hard, soft, membership, async dependency."""


@dataclass(frozen=True, eq=False)
class Topology:
    """The graph as integer adjacency lists, built once and shared by every analysis.

    Nodes are positions ``0..n-1``: components first (in file order), then
    groups. Walking pydantic objects costs about a microsecond an edge; the
    analyses walk these lists instead.
    """

    nodes: tuple[str, ...]
    n_components: int
    position: dict[str, int]
    targets: tuple[tuple[int, ...], ...]
    hard_targets: tuple[tuple[int, ...], ...]
    dependents: tuple[tuple[tuple[int, int], ...], ...]
    min_up: tuple[int, ...]

    @classmethod
    def of(cls, graph: Graph) -> Topology:
        """Compile ``graph`` (whose references are assumed valid)."""
        with gc_paused():  # allocation-heavy: see blast.gcpause
            nodes = (*graph.components, *graph.groups)
            position = {node: i for i, node in enumerate(nodes)}
            n = len(nodes)
            targets: list[list[int]] = [[] for _ in range(n)]
            hard: list[list[int]] = [[] for _ in range(n)]
            dependents: list[list[tuple[int, int]]] = [[] for _ in range(n)]
            hard_type, async_type = DependencyType.HARD, DependencyType.ASYNC
            for s, component in enumerate(graph.components.values()):
                out, out_hard = targets[s], hard[s]
                for dep in component.depends_on:
                    t = position[dep.target]
                    out.append(t)
                    if dep.type is hard_type:
                        out_hard.append(t)
                        dependents[t].append((s, HARD_EDGE))
                    elif dep.type is async_type:
                        dependents[t].append((s, ASYNC_EDGE))
                    else:
                        dependents[t].append((s, SOFT_EDGE))
            for s, group in enumerate(graph.groups.values(), start=len(graph.components)):
                for member in group.members:
                    t = position[member]
                    targets[s].append(t)
                    hard[s].append(t)
                    dependents[t].append((s, MEMBER_EDGE))
            return cls(
                nodes=nodes,
                n_components=len(graph.components),
                position=position,
                targets=tuple(map(tuple, targets)),
                hard_targets=tuple(map(tuple, hard)),
                dependents=tuple(map(tuple, dependents)),
                min_up=(0,) * len(graph.components)
                + tuple(g.min_up for g in graph.groups.values()),
            )


@dataclass(frozen=True)
class Graph:
    """Components and redundancy groups, keyed by id, in the order they were written.

    Edges point from a dependent to what it needs. A dependency's ``target`` may
    be a redundancy group, which in turn points at its members.
    """

    components: Mapping[str, Component]
    groups: Mapping[str, RedundancyGroup] = field(default_factory=dict)
    name: str = ""
    files: tuple[str, ...] = ()
    references: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", MappingProxyType(dict(self.components)))
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))
        object.__setattr__(self, "references", MappingProxyType(dict(self.references)))

    @classmethod
    def from_parts(
        cls,
        components: Sequence[Component],
        groups: Sequence[RedundancyGroup] = (),
        name: str = "",
    ) -> Graph:
        """Build a graph from already-validated parts (ids assumed unique)."""
        return cls({c.id: c for c in components}, {g.id: g for g in groups}, name=name)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.components or node_id in self.groups

    def __len__(self) -> int:
        return len(self.components)

    def __iter__(self) -> Iterator[str]:
        return iter(self.components)

    def label(self, node_id: str) -> str:
        """The human name of a component or group."""
        node = self.components.get(node_id) or self.groups[node_id]
        return node.label

    @cached_property
    def topology(self) -> Topology:
        """Integer adjacency lists of the graph (see :class:`Topology`)."""
        return Topology.of(self)

    @cached_property
    def user_facing(self) -> tuple[str, ...]:
        """Ids of the components end users touch, in file order."""
        return tuple(c.id for c in self.components.values() if c.user_facing)

    @cached_property
    def regions(self) -> tuple[str, ...]:
        """Every region named by a component, sorted."""
        return tuple(sorted({c.region for c in self.components.values()}))

    def edges(self) -> Iterator[tuple[str, str, str]]:
        """Every edge as ``(dependent, needed, type)``; group edges have type ``member``."""
        for component in self.components.values():
            for dep in component.depends_on:
                yield component.id, dep.target, dep.type.value
        for group in self.groups.values():
            for member in group.members:
                yield group.id, member, MEMBER

    @cached_property
    def digraph(self) -> nx.DiGraph:
        """A networkx view: nodes carry ``group`` (bool); edges carry ``type``."""
        import networkx as nx  # heavy: only analyses that need it pay

        g = nx.DiGraph()
        for cid in self.components:
            g.add_node(cid, group=False)
        for gid in self.groups:
            g.add_node(gid, group=True)
        for source, target, kind in self.edges():
            g.add_edge(source, target, type=kind)
        return g

    def hard_edges(self) -> Iterator[tuple[str, str]]:
        """Edges whose failure takes the dependent down: hard dependencies and membership."""
        for source, target, kind in self.edges():
            if kind in (DependencyType.HARD.value, MEMBER):
                yield source, target
