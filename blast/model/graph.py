"""The assembled dependency graph: every component and group of a set of files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from blast.gcpause import gc_paused
from blast.model.compact import (
    EDGE_TYPE,
    Brief,
    Briefs,
    Columns,
    Edges,
    topology_of,
)
from blast.model.enums import DependencyType
from blast.model.lazymodels import LazyModels
from blast.model.simparams import SimParams

if TYPE_CHECKING:
    import networkx as nx

    from blast.model.spec import Component, RedundancyGroup
    from blast.model.storedorder import StoredOrder

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
class Compact:
    """What a graph read back from Blast's cache carries besides its (lazy) models."""

    columns: Columns
    edges: Edges
    nodes: tuple[str, ...]
    position: dict[str, int]
    """Every node's position (components, then groups), shared by the models' mappings."""
    group_names: tuple[str, ...]
    sim: SimParams | None = None
    """The simulation parameters in compact form (:mod:`blast.model.simparams`), when kept."""
    order: StoredOrder | None = None
    """The hard-dependency order the entry kept (:mod:`blast.model.storedorder`), if any."""


@dataclass(frozen=True)
class Graph:
    """Components and redundancy groups, keyed by id, in the order they were written.

    Edges point from a dependent to what it needs. A dependency's ``target`` may
    be a redundancy group, which in turn points at its members.

    A graph read from the cache (:mod:`blast.loading.cachepayload`) holds its
    models as :class:`~blast.model.lazymodels.LazyModels` (each validated on first
    access) and a ``compact`` form from which :attr:`topology`, :attr:`briefs`,
    :attr:`user_facing`, :attr:`regions` and :meth:`edges` come without building
    any model; a graph built from models computes the same things from them.
    """

    components: Mapping[str, Component]
    groups: Mapping[str, RedundancyGroup] = field(default_factory=dict)
    name: str = ""
    files: tuple[str, ...] = ()
    references: Mapping[str, str] = field(default_factory=dict)
    compact: Compact | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key in ("components", "groups", "references"):
            value = getattr(self, key)
            if not isinstance(value, LazyModels):  # read-only already, and copying builds all
                object.__setattr__(self, key, MappingProxyType(dict(value)))

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
        if self.compact is None:  # the models are at hand
            node = self.components.get(node_id) or self.groups[node_id]
            return node.label
        if node_id in self.components:
            return self.briefs[node_id].label
        if node_id in self.groups:
            at = self.compact.position[node_id] - len(self.components)
            return self.compact.group_names[at] or node_id
        raise KeyError(node_id)

    @cached_property
    def columns(self) -> Columns:
        """The fields the analyses read of every component, one tuple each (file order)."""
        if self.compact is not None:
            return self.compact.columns
        with gc_paused():
            return Columns.of(self.components)

    @cached_property
    def briefs(self) -> Mapping[str, Brief]:
        """Component id -> its :class:`~blast.model.compact.Brief` (label, kind, region,
        scope, provider, user-facing): for loops over many components, which then build
        no pydantic model."""
        if self.compact is not None:
            position = self.compact.position
        elif "topology" in self.__dict__:
            position = self.topology.position
        else:
            position = {cid: i for i, cid in enumerate(self.components)}
        return Briefs(self.columns, position)

    @cached_property
    def edge_arrays(self) -> Edges:
        """Every node's edges as integer arrays (see :class:`~blast.model.compact.Edges`)."""
        if self.compact is not None:
            return self.compact.edges
        return Edges.of(self)

    @cached_property
    def topology(self) -> Topology:
        """Integer adjacency lists of the graph (see :class:`Topology`)."""
        if self.compact is not None:
            c = self.compact
            return topology_of(c.nodes, c.position, len(self.components), c.edges)
        if "edge_arrays" in self.__dict__:
            # Already built (a cold run wrote its cache entry): the same lists from the flat
            # arrays take a quarter to a half of Topology.of's walk of the models
            # (docs/benchmarks.md, fifth session).
            nodes = (*self.components, *self.groups)
            position = {node: i for i, node in enumerate(nodes)}
            return topology_of(nodes, position, len(self.components), self.edge_arrays)
        return Topology.of(self)

    @cached_property
    def user_facing(self) -> tuple[str, ...]:
        """Ids of the components end users touch, in file order."""
        columns = self.columns
        return tuple(cid for cid, uf in zip(columns.ids, columns.user_facing, strict=True) if uf)

    @cached_property
    def regions(self) -> tuple[str, ...]:
        """Every region named by a component, sorted."""
        return tuple(sorted(set(self.columns.regions)))

    def needs(self, component: str) -> tuple[tuple[str, str], ...]:
        """What ``component`` depends on, as ``(target, type)`` pairs in the order it lists
        them (type ``hard``, ``soft`` or ``async``), without building its model."""
        if self.compact is not None:
            c = self.compact
            i = c.position[component]
            if i >= len(self.components):
                raise KeyError(component)
            e = c.edges
            span = range(e.start[i], e.start[i + 1])
            return tuple((c.nodes[e.target[j]], EDGE_TYPE[e.kind[j]]) for j in span)
        return tuple((d.target, d.type.value) for d in self.components[component].depends_on)

    def edges(self) -> Iterator[tuple[str, str, str]]:
        """Every edge as ``(dependent, needed, type)``; group edges have type ``member``."""
        if self.compact is not None:
            yield from self.compact.edges.triples(self.compact.nodes)
            return
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
