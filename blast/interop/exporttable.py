"""What ``blast export`` writes of a graph, as plain columns: one list per attribute, one
entry per node, and the edges as flat integer lists.

The writers of :mod:`blast.interop.export` format these columns straight into text.
They used to build a networkx ``DiGraph`` first, from every component's pydantic
model: at 100,000 components (hubs shape, 680,000 edges) that was 7 of the 10
seconds of a warm ``blast export --format dot`` (the models' validation, 678,000
``add_edge`` calls). A graph read from Blast's cache already holds what the export
needs (:mod:`blast.model.compact`): the components' columns, the group names and
``min_up``, the edges in CSR form. Only ``plane`` is not among the columns: it is
read from a component's model, and built only for the components whose stored JSON
names a ``plane`` at all (elsewhere it is at its default, None).

The edges are the graph's, in its order: networkx's ``DiGraph`` keeps one edge per
ordered pair, and the loader refuses a target listed twice in one ``depends_on`` or a
member listed twice in one group, so it kept them all, in the order they were added.
tests/test_export.py compares every format with the networkx writers, on the shipped
graphs and generated ones, read from the YAML and from the cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice, repeat
from operator import sub

from blast.model.compact import EDGE_TYPE
from blast.model.graph import Graph
from blast.model.lazymodels import LazyModels

CHUNK = 20_000
"""Lines (or JSON items) per piece of text a writer yields: the output is streamed, never
held whole (a JSON export of 100,000 components is about 200 MB)."""


def pieces(items: Iterable[str], separator: str) -> Iterator[str]:
    """``items`` joined by ``separator``, :data:`CHUNK` at a time (no separator after the
    last one)."""
    it = iter(items)
    between = ""
    while batch := list(islice(it, CHUNK)):
        yield between + separator.join(batch)
        between = separator


def line_pieces(lines: Iterable[str]) -> Iterator[str]:
    """``lines``, each ended by a newline, :data:`CHUNK` at a time."""
    it = iter(lines)
    while batch := list(islice(it, CHUNK)):
        batch.append("")
        yield "\n".join(batch)


@dataclass(frozen=True)
class ExportTable:
    """Every node's exported attributes (components first, in file order, then groups) and
    the edges kept, with each node's outgoing edges ``target[start[v]:start[v + 1]]``."""

    name: str
    nodes: tuple[str, ...]
    n_components: int
    labels: list[str]
    kinds: list[str]
    """Components only (a group's kind is ``group``), as are the four columns below."""
    regions: list[str]
    scopes: list[str]
    planes: list[str]
    user_facing: list[bool]
    spof_down: dict[str, int]
    """Each SPOF (a component) -> the user-facing components it takes down."""
    min_up: tuple[int, ...]
    """Groups only."""
    start: list[int]
    target: list[int]
    types: list[str]
    """Each edge's type: ``hard``, ``soft``, ``async`` or ``member``."""

    @property
    def n_edges(self) -> int:
        """How many edges are written."""
        return len(self.target)

    def sources(self) -> list[int]:
        """Each edge's dependent (a node position), edge by edge."""
        degrees = map(sub, self.start[1:], self.start[:-1])
        return list(chain.from_iterable(map(repeat, range(len(self.nodes)), degrees)))


def export_table(graph: Graph) -> ExportTable:
    """The columns of ``graph``, its SPOFs found by the usual analysis."""
    from blast.analysis.counts import spof_victims
    from blast.analysis.index import build_index

    spof_down = spof_victims(build_index(graph))  # lookups: no order needed
    columns = graph.columns
    nodes = (*columns.ids, *graph.groups)
    if graph.compact is not None:
        at = len(columns.ids)
        group_labels = [
            name or gid for name, gid in zip(graph.compact.group_names, nodes[at:], strict=True)
        ]
    else:
        group_labels = [g.label for g in graph.groups.values()]
    edges = graph.edge_arrays
    return ExportTable(
        name=graph.name,
        nodes=nodes,
        n_components=len(columns.ids),
        labels=[name or cid for name, cid in zip(columns.names, columns.ids, strict=True)]
        + group_labels,
        kinds=[k.value for k in columns.kinds],
        regions=list(columns.regions),
        scopes=[s.value for s in columns.scopes],
        planes=_planes(graph),
        user_facing=list(columns.user_facing),
        spof_down=spof_down,
        min_up=edges.min_up,
        start=edges.start,
        target=edges.target,
        types=list(map(EDGE_TYPE.__getitem__, edges.kind)),
    )


def _planes(graph: Graph) -> list[str]:
    """Each component's ``plane`` value, or "" when it has none."""
    components = graph.components
    if not isinstance(components, LazyModels):  # the models are at hand
        return [c.plane.value if c.plane else "" for c in components.values()]
    planes = [""] * len(components)
    holding = components.mentioning(b'"plane"')  # the others are at the default: not built
    for i, cid in enumerate(components):
        if cid in holding:
            plane = components[cid].plane
            planes[i] = plane.value if plane else ""
    return planes
