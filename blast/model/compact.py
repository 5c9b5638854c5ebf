"""The analysis-ready form of a validated graph: per-component columns and integer edges.

The analyses read a handful of fields of every component (label, kind,
region, scope, provider, user-facing) and walk the edges as integers
(:class:`~blast.model.graph.Topology`). Both are kept here as tuples and
integer lists, so that a graph read back from Blast's cache
(:mod:`blast.loading.cachepayload`) answers an analysis without building a
pydantic object per component, and without importing pydantic at all: a
:class:`Brief` carries the columns of one component, built on access.

Nodes are positions ``0..n-1``, components first (in file order), then
groups, as in :class:`~blast.model.graph.Topology`; an edge's kind is one of
the graph's ``HARD_EDGE``, ``SOFT_EDGE``, ``MEMBER_EDGE`` and ``ASYNC_EDGE``.
"""

from __future__ import annotations

import dataclasses
import operator
from collections import Counter
from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass
from itertools import accumulate, chain, compress, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from blast.gcpause import gc_paused
from blast.model.enums import DependencyType, Kind, Scope
from blast.model.packedcolumns import factored, tags_of, unfactored

if TYPE_CHECKING:
    from blast.model.graph import Graph, Topology
    from blast.model.spec import Component

# The same codes as blast.model.graph's HARD_EDGE, SOFT_EDGE, MEMBER_EDGE, ASYNC_EDGE
# (restated so that this module does not import graph.py; a test checks they agree).
_HARD, _SOFT, _MEMBER, _ASYNC = 0, 1, 2, 3
MEMBER_EDGE = _MEMBER
"""The kind of a group's edge to a member."""
EDGE_CODE = {DependencyType.HARD: _HARD, DependencyType.SOFT: _SOFT, DependencyType.ASYNC: _ASYNC}
"""The integer kind of a component's dependency, by its type."""
EDGE_TYPE = {_HARD: "hard", _SOFT: "soft", _MEMBER: "member", _ASYNC: "async"}
"""An edge kind's name, as :meth:`blast.model.graph.Graph.edges` gives it."""


class Brief(NamedTuple):
    """The fields of one component that the analyses read of every component.

    Duck-compatible with :class:`~blast.model.spec.Component` for these
    attributes, so that a loop over thousands of components needs no pydantic
    object (validating one from the cache costs ~70 µs; a brief, an immutable
    named tuple, well under a microsecond, a third of a frozen dataclass's cost).
    """

    id: str
    name: str
    kind: Kind
    region: str
    scope: Scope
    provider: str
    user_facing: bool
    tags: tuple[str, ...]

    @property
    def label(self) -> str:
        """The name to show people."""
        return self.name or self.id


@dataclass(frozen=True)
class Columns:
    """One tuple per field, indexed by component position (file order)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[Kind, ...]
    regions: tuple[str, ...]
    scopes: tuple[Scope, ...]
    providers: tuple[str, ...]
    user_facing: tuple[bool, ...]
    tags: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, components: Mapping[str, Component]) -> Columns:
        """The columns of validated components."""
        fields = operator.attrgetter(
            "name", "kind", "region", "scope", "provider", "user_facing", "tags"
        )
        rows = map(fields, components.values())
        names, kinds, regions, scopes, providers, user_facing, tags = (
            zip(*rows, strict=True) if components else ((),) * 7
        )
        return cls(
            ids=tuple(components),
            names=names,
            kinds=kinds,
            regions=regions,
            scopes=scopes,
            providers=providers,
            user_facing=user_facing,
            tags=tags,
        )

    def as_data(self) -> dict[str, Any]:
        """JSON-able data (enums as their values), the inverse of :meth:`from_data`.

        A column of few distinct values (kinds, regions, tags...) is written as a table
        of its values and each component's index in it, packed
        (:mod:`blast.model.packedcolumns`): read back, each distinct value is made once
        and shared, and the entry's columns parse in a fraction of the time (0.15 ->
        0.04 s at 100,000 components, hubs shape)."""
        plain: dict[str, list[Any]] = {
            "names": list(self.names),
            "kinds": [k.value for k in self.kinds],
            "regions": list(self.regions),
            "scopes": [s.value for s in self.scopes],
            "providers": list(self.providers),
            "user_facing": list(self.user_facing),
            "tags": list(self.tags),
        }
        return {key: factored(values) for key, values in plain.items()}

    @classmethod
    def from_data(cls, ids: tuple[str, ...], data: Mapping[str, Any]) -> Columns:
        """Columns back from :meth:`as_data`; ValueError if they do not fit ``ids``."""
        kinds, scopes = {k.value: k for k in Kind}, {s.value: s for s in Scope}
        try:
            texts = [unfactored(data[key], str) for key in ("names", "regions", "providers")]
            columns = cls(
                ids,
                texts[0],
                unfactored(data["kinds"], kinds.__getitem__),
                texts[1],
                unfactored(data["scopes"], scopes.__getitem__),
                texts[2],
                unfactored(data["user_facing"], bool),
                unfactored(data["tags"], tags_of),
            )
        except (KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"bad columns: {exc!r}") from None
        if {len(getattr(columns, f.name)) for f in dataclasses.fields(columns)} != {len(ids)}:
            raise ValueError("columns do not match the components")
        return columns


class Briefs(Mapping[str, Brief]):
    """Component id -> :class:`Brief`, all built in one C-level pass over the
    :class:`Columns` on first use (about 0.05 s at 100,000 components); iterating
    ``values()`` or ``items()`` then looks nothing up."""

    __slots__ = ("_columns", "_position", "_rows")

    def __init__(self, columns: Columns, position: Mapping[str, int]):
        self._columns = columns
        self._position = position
        self._rows: list[Brief] | None = None

    def rows(self) -> list[Brief]:
        """Every brief, in file order."""
        if self._rows is None:
            c = self._columns
            columns = (c.ids, c.names, c.kinds, c.regions, c.scopes, c.providers, c.user_facing)
            with gc_paused():
                # tuple.__new__ makes each Brief from its row in C (Brief._make, a Python
                # call a row, took 1.5x as long).
                rows = zip(*columns, c.tags, strict=True)
                self._rows = list(map(tuple.__new__, repeat(Brief), rows))
        return self._rows

    def __getitem__(self, cid: str) -> Brief:
        i = self._position[cid]
        if i >= len(self._columns.ids):
            raise KeyError(cid)  # a group's position
        return self.rows()[i]

    def __contains__(self, cid: object) -> bool:
        i = self._position.get(cid)  # type: ignore[call-overload]
        return i is not None and i < len(self._columns.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.ids)

    def __len__(self) -> int:
        return len(self._columns.ids)

    def values(self) -> ValuesView[Brief]:
        return _BriefValues(self)

    def items(self) -> ItemsView[str, Brief]:
        return _BriefItems(self)


class _BriefValues(ValuesView[Brief]):
    _mapping: Briefs

    def __iter__(self) -> Iterator[Brief]:
        return iter(self._mapping.rows())


class _BriefItems(ItemsView[str, Brief]):
    _mapping: Briefs

    def __iter__(self) -> Iterator[tuple[str, Brief]]:
        briefs = self._mapping
        return zip(briefs, briefs.rows(), strict=True)


NUMPY_FROM = 200_000
"""Edges from which :meth:`Edges.of` sorts the incoming edges with numpy: 0.15 s instead of
0.8 s at 680,000 edges (100,000 components, hubs shape); below, importing numpy (0.15 s,
which the analyses pay anyway) would cost more than the pure-Python sort."""

_Incoming = tuple[list[int], list[int], list[int]]


def _incoming(start: list[int], target: list[int], kind: list[int], n: int) -> _Incoming:
    """``(in_start, source, in_kind)`` of the edges (see :class:`Edges`), in pure Python."""
    degrees = map(operator.sub, start[1:], start[:-1])
    owner = list(chain.from_iterable(map(repeat, range(n), degrees)))
    order = sorted(range(len(target)), key=target.__getitem__)
    counts = Counter(target)
    in_start = [0, *accumulate(map(counts.get, range(n), repeat(0)))]
    return in_start, list(map(owner.__getitem__, order)), list(map(kind.__getitem__, order))


def _incoming_numpy(start: list[int], target: list[int], kind: list[int], n: int) -> _Incoming:
    """The same lists as :func:`_incoming`, sorted by numpy's stable sort (a test compares)."""
    import numpy as np

    targets = np.array(target, dtype=np.int64)
    order = np.argsort(targets, kind="stable")
    degrees = list(map(operator.sub, start[1:], start[:-1]))
    owner = np.repeat(np.arange(n, dtype=np.int64), degrees)
    counts = np.bincount(targets, minlength=n)
    in_start: list[int] = [0, *np.cumsum(counts).tolist()]
    source: list[int] = owner[order].tolist()
    in_kind: list[int] = np.array(kind, dtype=np.int8)[order].tolist()
    return in_start, source, in_kind


_DEPENDS_ON = operator.attrgetter("depends_on")
_TARGET = operator.attrgetter("target")
_TYPE = operator.attrgetter("type")


@dataclass(frozen=True, eq=False)
class Edges:
    """Every node's edges, out and in, as flat lists of integers (CSR form).

    Node ``v``'s outgoing edges are ``target[start[v]:start[v + 1]]`` with kinds
    ``kind[...]``, in the order the files wrote them: a component's
    ``depends_on``, each group's members (``MEMBER_EDGE``). Its incoming edges
    (its dependents) are ``source[in_start[v]:in_start[v + 1]]`` with kinds
    ``in_kind[...]``, by dependent then edge order. ``min_up`` holds each group's
    ``min_up``. Written once into a cache entry, so that reading it back sorts
    nothing.
    """

    start: list[int]
    target: list[int]
    kind: list[int]
    in_start: list[int]
    source: list[int]
    in_kind: list[int]
    min_up: tuple[int, ...]

    @classmethod
    def of(cls, graph: Graph) -> Edges:
        """The edges of a validated graph."""
        nodes = (*graph.components, *graph.groups)
        position = dict(zip(nodes, range(len(nodes)), strict=True))
        with gc_paused():
            # Every pass is a C-level map over one flat list of the dependencies (a loop of
            # Python statements per component took 0.8 s at 100,000 components, this 0.5).
            components = list(graph.components.values())
            needs = list(map(_DEPENDS_ON, components))
            deps = list(chain.from_iterable(needs))
            start = [0, *accumulate(map(len, needs))]
            target = list(map(position.__getitem__, map(_TARGET, deps)))
            kind = list(map(EDGE_CODE.__getitem__, map(_TYPE, deps)))
            del needs, deps
        groups = graph.groups.values()
        members = [g.members for g in groups]
        return cls.joined(start, target, kind, position, members, tuple(g.min_up for g in groups))

    @classmethod
    def joined(
        cls,
        start: list[int],
        target: list[int],
        kind: list[int],
        position: Mapping[str, int],
        members: Sequence[Sequence[str]],
        min_up: tuple[int, ...],
    ) -> Edges:
        """The edges from the components' flat lists (``start`` offsets, ``target`` positions
        and ``kind`` codes, extended in place) and each group's members and ``min_up``;
        ``position`` maps every node (components, then groups) to its index."""
        with gc_paused():
            for names in members:
                target.extend(map(position.__getitem__, names))
                kind.extend([_MEMBER] * len(names))
                start.append(len(target))
            # Incoming edges: a stable sort of the edges by target keeps, for each
            # target, its dependents in (dependent, edge) order, as Topology.of has them.
            incoming = _incoming_numpy if len(target) >= NUMPY_FROM else _incoming
            in_start, source, in_kind = incoming(start, target, kind, len(position))
        return cls(start, target, kind, in_start, source, in_kind, min_up)

    def check(self, n_components: int, n_groups: int) -> None:
        """ValueError unless the arrays describe a graph of this many nodes.

        A cache entry is checksummed, so this guards against a bug, not a
        stranger: no index may point outside the graph.
        """
        n, e = n_components + n_groups, len(self.target)
        if len(self.min_up) != n_groups:
            raise ValueError("min_up does not match the groups")
        for offsets, values, kinds in (
            (self.start, self.target, self.kind),
            (self.in_start, self.source, self.in_kind),
        ):
            if len(offsets) != n + 1 or offsets[0] != 0 or offsets[-1] != e:
                raise ValueError("edge offsets do not match the nodes")
            if len(values) != e or len(kinds) != e:
                raise ValueError("edge arrays differ in length")
            if offsets != sorted(offsets):  # linear on sorted input
                raise ValueError("edge offsets decrease")
            if values and (min(values) < 0 or max(values) >= n):
                raise ValueError("an edge points outside the graph")
            if any(k not in EDGE_TYPE for k in set(kinds)):
                raise ValueError("unknown edge kind")
        members = self.kind[self.start[n_components] :]
        if members.count(_MEMBER) != len(members) or self.kind.count(_MEMBER) != len(members):
            raise ValueError("membership edges out of place")

    def triples(self, nodes: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
        """Every edge as ``(dependent, needed, type)``, as :meth:`Graph.edges` gives them."""
        start, target, kind = self.start, self.target, self.kind
        for v, node in enumerate(nodes):
            for j in range(start[v], start[v + 1]):
                yield node, nodes[target[j]], EDGE_TYPE[kind[j]]


def topology_of(
    nodes: tuple[str, ...], position: dict[str, int], n_components: int, edges: Edges
) -> Topology:
    """The :class:`~blast.model.graph.Topology` of these edges: the same lists, in the same
    order, that ``Topology.of`` builds from the pydantic graph (a test compares them field
    by field on every shipped and generated graph).

    Every pass is a C-level builtin over the flat lists (``zip``, ``map``,
    ``itertools``): no Python loop per edge, no sort.
    """
    from blast.model.graph import Topology

    with gc_paused():
        # Slices of a tuple are tuples: each node's row is built once (slicing a list and
        # copying the slice into a tuple built it twice).
        start = edges.start
        target = tuple(edges.target)
        starts, ends = start[:-1], start[1:]
        targets = tuple(map(target.__getitem__, map(slice, starts, ends)))
        # Hard targets: the hard and membership edges, found with a translated byte mask.
        hard_mask = bytes(edges.kind).translate(_HARD_MASK)
        if hard_mask.count(1) == len(hard_mask):
            hard_targets = targets
        else:
            hard_flat = tuple(compress(target, hard_mask))
            starts_of = hard_starts_numpy if len(hard_mask) >= NUMPY_FROM else hard_starts
            at = starts_of(hard_mask, start)
            hard_targets = tuple(map(hard_flat.__getitem__, map(slice, at[:-1], at[1:])))
        pairs = tuple(zip(edges.source, edges.in_kind, strict=True))
        into = edges.in_start
        dependents = tuple(map(pairs.__getitem__, map(slice, into[:-1], into[1:])))
        return Topology(
            nodes=nodes,
            n_components=n_components,
            position=position,
            targets=targets,
            hard_targets=hard_targets,
            dependents=dependents,
            min_up=(0,) * n_components + edges.min_up,
        )


def hard_starts(hard_mask: bytes, start: Sequence[int]) -> list[int]:
    """Where each node's hard edges start among the hard edges only: for each offset in
    ``start``, how many of the edges before it are hard (``hard_mask`` holds 1 for a hard
    edge, 0 for another), in pure Python."""
    at = [0, *accumulate(hard_mask)]
    return list(map(at.__getitem__, start))


def hard_starts_numpy(hard_mask: bytes, start: Sequence[int]) -> list[int]:
    """The same list as :func:`hard_starts`, with numpy's cumulative sum (0.015 s instead
    of 0.06 at 680,000 edges, hubs shape; a test compares them)."""
    import numpy as np

    sums = np.zeros(len(hard_mask) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(hard_mask, dtype=np.uint8), out=sums[1:])
    found: list[int] = sums[np.asarray(start, dtype=np.int64)].tolist()
    return found


_HARD_MASK = bytes(1 if code in (_HARD, _MEMBER) else 0 for code in range(256))
"""Edge kind byte -> 1 for the edges that take a dependent down, else 0."""
