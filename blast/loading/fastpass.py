"""The loader's fast pass: a valid graph, checked without a model per item when it can be.

:func:`fast_check` reads the files (includes followed) like the usual first pass of
:mod:`blast.loading.loader`, but every file's top-level fields, components and
groups first go to :mod:`blast.loading.vouch`, which checks the plain form most
graph files are written in without pydantic; pydantic validates only what it
declines (a component with simulation parameters, a file the guarded Rust parse
did not read). The checks across files then run on the rows
(:func:`blast.loading.fastgraph.assemble`), and the graph comes out in the
analysis-ready form a cache entry has: no model is built until one is asked for,
and a graph all in the plain form never imports pydantic (0.3 s of start-up).

The fast pass reports nothing: at the first problem, or anything it is unsure of,
it gives up (:class:`Abandon`) and :func:`~blast.loading.loader.check_files` runs
the usual passes, whose located problems users see, on the bytes already read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from blast.gcpause import gc_paused
from blast.loading.crosscheck import Loaded
from blast.loading.fastgraph import assemble
from blast.loading.loader import CHUNK, LISTS, Checked, _Session, _session, _written
from blast.loading.vouch import GroupRow, Row, row_of, vouch, vouch_group, vouch_header
from blast.loading.vouchbulk import vouch_all
from blast.loading.yamlsource import SourceDocument

if TYPE_CHECKING:
    from pydantic import BaseModel

    from blast.loading.cachepayload import WrittenItems


class Abandon(Exception):
    """The fast pass found something wrong or doubtful: the usual passes take over."""


class _FastSession(_Session):
    """The first pass's file walk, with :meth:`_check_file` vouching instead of validating."""

    def load(self, path: Path, stack: tuple[Path, ...], via: Any) -> None:
        super().load(path, stack, via)
        if self.problems:  # a file refused, a syntax error, an include not found, ...
            raise Abandon

    def _check_file(self, doc: SourceDocument) -> Loaded:
        data = doc.data
        if type(data) is not dict:
            raise Abandon
        header = vouch_header({k: v for k, v in data.items() if k not in LISTS})
        if header is None:
            header = _validated_header(data)
        name, include, references = header
        entry = Loaded(doc, None, include, references, name=name)
        entry.written = {} if doc.plain else None
        for key in LISTS:
            items = data.get(key, [])
            if items is None:
                items = []
            if type(items) is not list:
                raise Abandon
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                if key == "components":
                    self._components(doc, entry, chunk, start)
                else:
                    self._groups(doc, entry, chunk, start)
                if entry.written is not None:
                    parts = list(map(orjson.dumps, chunk))  # joined at once: see WrittenItems
                    entry.written.setdefault(key, []).append(
                        (b",".join(parts), list(map(len, parts)))
                    )
                end = start + len(chunk)  # their rows are made: drop the data
                items[start:end] = repeat(None, end - start)
        if not doc.plain:  # no JSON of the data as written: every item is a model
            entry.written = {
                "components": _models_json(m for _, m in entry.components),
                "redundancy_groups": _models_json(m for _, m in entry.groups),
            }
        return entry

    def _components(self, doc: SourceDocument, entry: Loaded, chunk: list[Any], at: int) -> None:
        """Rows of a chunk of components; models only where :func:`vouch` declines."""
        rows: list[Row | None] = [None] * len(chunk)
        if doc.plain:
            every = vouch_all(chunk)
            rows = list(map(vouch, chunk)) if every is None else every  # type: ignore[assignment]
        declined = [i for i, row in enumerate(rows) if row is None]
        if declined:
            for i, model in zip(declined, _validated("components", chunk, declined), strict=True):
                rows[i] = row_of(model)
                entry.components.append((at + i, model))
        entry.rows.extend(rows)  # type: ignore[arg-type]  # every None replaced

    def _groups(self, doc: SourceDocument, entry: Loaded, chunk: list[Any], at: int) -> None:
        rows: list[Any] = list(map(vouch_group, chunk)) if doc.plain else [None] * len(chunk)
        declined = [i for i, row in enumerate(rows) if row is None]
        if declined:
            for i, model in zip(declined, _validated("groups", chunk, declined), strict=True):
                rows[i] = model
                entry.groups.append((at + i, model))
        entry.group_rows.extend(rows)


def _validated(key: str, chunk: list[Any], declined: list[int]) -> list[Any]:
    """The models of the items ``declined`` (pydantic, one call); :class:`Abandon` if one
    does not validate."""
    from blast.loading.items import validate_all

    models = validate_all(
        "components" if key == "components" else "redundancy_groups", [chunk[i] for i in declined]
    )
    if models is None:
        raise Abandon
    return models


def _validated_header(data: dict[str, Any]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    from pydantic import ValidationError

    from blast.model.spec import GraphDocument

    try:
        header = GraphDocument.model_validate({k: v for k, v in data.items() if k not in LISTS})
    except ValidationError:
        raise Abandon from None
    return header.name, header.include, dict(header.references)


def _models_json(models: Iterable[BaseModel]) -> WrittenItems:
    """Validated models as :data:`WrittenItems` (what pydantic writes of the fields set)."""
    parts = [m.__pydantic_serializer__.to_json(m, exclude_unset=True) for m in models]
    return [(b",".join(parts), list(map(len, parts)))] if parts else []


def fast_check(paths: Sequence[str | Path], sources: dict[Path, bytes]) -> Checked | None:
    """The valid graph of ``paths``, or None when the fast pass found anything wrong or doubtful
    (the usual passes then run); ``sources`` collects the bytes of every file read."""
    try:
        session = _session(paths, located=False, sources=sources, kind=_FastSession)
    except Abandon:
        return None
    entries = [session.loaded[p] for p in session.order]
    written = _written(session)
    if written is None:
        return None
    rows = [row for entry in entries for row in entry.rows]
    groups: list[GroupRow | Any] = [g for entry in entries for g in entry.group_rows]
    with gc_paused():
        graph = assemble(
            rows,
            groups,
            [entry.references for entry in entries],
            written,
            name=entries[0].name,
            files=tuple(entry.doc.file for entry in entries),
        )
    if graph is None:
        return None
    return Checked([], graph, session.sources, written)
