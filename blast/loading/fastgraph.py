"""The graph of a valid include tree straight from its components' rows, no model built.

The fast first pass of :mod:`blast.loading.loader` keeps, for every component, the
:data:`~blast.loading.vouch.Row` that :func:`~blast.loading.vouch.vouch` (or
pydantic, for a component it declined) gave, and each item's JSON as the file
wrote it. :func:`assemble` runs the checks across files of
:func:`blast.loading.crosscheck.cross_check` on those rows, all at C speed over
flat lists: every id defined once, every dependency and member naming a defined
id, none naming its own component or group, none listed twice, every source a
URL or a key of ``references``, no reference defined twice differently. When
they all hold it builds the graph in the analysis-ready form a cache entry has
(:class:`~blast.model.graph.Compact`: columns and integer edges, the models
validated from their JSON on demand by :class:`~blast.model.lazymodels.LazyModels`,
the same pydantic models as everywhere). When any fails it returns None, and the
loader runs the usual passes, whose located problems users see: this module
reports nothing itself.

At 100,000 components and 674,000 dependencies (hubs shape) the checks and the
graph take about 0.9 s (CPU, loaded machine) where the models' passes (cross-check, edges, columns)
took 2.5 s, after 3 s less of pydantic (docs/benchmarks.md).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import accumulate, chain, compress
from typing import TYPE_CHECKING, Any

from blast.gcpause import gc_paused
from blast.loading.cachepayload import WrittenItems, _chunks_joined
from blast.loading.vouch import COLUMNS, GroupRow, Row
from blast.model.compact import Columns, Edges
from blast.model.graph import Compact, Graph
from blast.model.lazymodels import LazyModels
from blast.model.simparams import SimParams

if TYPE_CHECKING:
    from blast.model.spec import RedundancyGroup

_URL = ("http://", "https://")


def _references(tables: Sequence[dict[str, str]]) -> dict[str, str] | None:
    """The files' references merged (first definition first), None if one differs."""
    merged: dict[str, str] = {}
    for table in tables:
        for key, value in table.items():
            if merged.setdefault(key, value) != value:
                return None
    return merged


def assemble(
    rows: list[Row],
    groups: Sequence[GroupRow | RedundancyGroup],
    tables: Sequence[dict[str, str]],
    written: tuple[WrittenItems, WrittenItems],
    *,
    name: str,
    files: tuple[str, ...],
) -> Graph | None:
    """The graph of these components (in file order), groups and reference tables, or None
    when a check across items or files fails (see the module docstring).

    ``written`` holds each component's and group's JSON in the same order
    (:attr:`blast.loading.loader.Checked.written`); the rows' simulation parameters make
    the graph's compact form of them (:mod:`blast.model.simparams`).
    """
    references = _references(tables)
    if references is None:
        return None
    with gc_paused():
        ids = tuple(map(operator.itemgetter(0), rows))
        nodes = ids + tuple(g.id for g in groups)
        position = dict(zip(nodes, range(len(nodes)), strict=True))
        if len(position) != len(nodes):
            return None  # an id defined twice
        cited = set(chain.from_iterable(map(operator.itemgetter(10), rows)))
        cited.update(chain.from_iterable(g.sources for g in groups))
        if not all(source.startswith(_URL) or source in references for source in cited):
            return None
        needs: list[list[str]] = list(map(operator.itemgetter(8), rows))
        members = [g.members for g in groups]
        if any(map(operator.contains, needs, ids)) or any(
            g.id in g.members for g in groups
        ):  # a component or group naming itself
            return None
        lengths = list(map(len, needs))
        if sum(map(len, map(set, needs))) != sum(lengths):
            return None  # a target listed twice by one component
        if any(len(set(m)) != len(m) for m in members):
            return None
        try:
            target = list(map(position.__getitem__, chain.from_iterable(needs)))
            edges = Edges.joined(
                [0, *accumulate(lengths)],
                target,
                list(chain.from_iterable(map(operator.itemgetter(9), rows))),
                position,
                members,
                tuple(g.min_up for g in groups),
            )
        except KeyError:
            return None  # a dependency or member naming no component or group
        del needs, target
        columns = Columns(*_columns(rows, ids))
        sim = SimParams.of_keys(len(ids), edges.start, _sim_keys(rows))
    components = LazyModels(ids, *_chunks_joined(written[0]), *_validators("components"), position)
    group_ids = nodes[len(ids) :]
    blob, offsets = _chunks_joined(written[1])
    lazy_groups = LazyModels(group_ids, blob, offsets, *_validators("groups"), position, len(ids))
    return Graph(
        components,
        lazy_groups,
        name=name,
        files=files,
        references=references,
        compact=Compact(columns, edges, nodes, position, tuple(g.name for g in groups), sim),
    )


def _sim_keys(rows: list[Row]) -> list[tuple[int, bytes, list[bytes]]]:
    """The simulation parameters of the rows that set some, with their positions."""
    sims = list(map(operator.itemgetter(11), rows))
    at = compress(range(len(sims)), sims)
    return [(i, *sims[i]) for i in at]


def _columns(rows: list[Row], ids: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows' first :data:`~blast.loading.vouch.COLUMNS` fields, one tuple each."""
    if not rows:
        return [()] * COLUMNS
    return [ids, *(tuple(map(operator.itemgetter(k), rows)) for k in range(1, COLUMNS))]


def _validators(kind: str) -> tuple[Any, Any]:
    """How :class:`LazyModels` validates one model's JSON, and an array of them, of ``kind``
    ("components" or "groups"): the loader's pydantic models, imported on first use."""

    def one(raw: bytes) -> Any:
        from blast.model.spec import Component, RedundancyGroup

        model = Component if kind == "components" else RedundancyGroup
        return model.model_validate_json(raw)

    def every(raw: bytes) -> Any:
        from blast.loading.cachepayload import _adapter

        with gc_paused():
            return _adapter(kind).validate_json(raw)

    return one, every
