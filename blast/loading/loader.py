"""Load graph files into a :class:`~blast.model.graph.Graph`, reporting every problem.

Validation is its own pass: :func:`validate_files` returns the problems of a set
of files (YAML, schema and cross-reference checks, includes followed), and
:func:`load_graph` raises :class:`~blast.errors.GraphFileError` carrying all of
them. Every problem names the file, the line, the column and the key.

Loading runs twice only when something is wrong: the first pass parses without
recording positions (most files are fine, and positions cost more than the
parse; a big file is read by the guarded Rust parser of
:mod:`blast.loading.fastyaml`); if it finds any problem, the same bytes are
parsed again by libyaml with every key's and value's position so that each
problem is located exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from blast.errors import GraphFileError, Location, Problem
from blast.gcpause import gc_paused
from blast.loading.catalogs import CatalogNotFoundError, resolve_include
from blast.loading.crosscheck import Loaded, cross_check
from blast.loading.files import STDIN, STDIN_DISPLAY, FileProblem, display, inspect, read_bounded
from blast.loading.yamlsource import DataPath, SourceDocument, key_path, parse_yaml
from blast.model.graph import Graph

if TYPE_CHECKING:
    from pydantic import BaseModel

    from blast.loading.cachepayload import WrittenItems

# pydantic, the models and their error messages (blast.loading.items, .messages) are
# imported where they are used: a valid graph in the form the fast pass knows
# (blast.loading.fastpass) is checked without them, 0.3 s of imports.

LISTS = ("components", "redundancy_groups")
"""The top-level keys that hold items (:data:`blast.loading.items.LISTS` has their models)."""
MAX_INCLUDE_DEPTH = 64
"""Longest chain of includes (a file including a file including ...)."""
CHUNK = 4096
"""Items validated per pydantic call. The fast pass drops each chunk's parsed data once its
models are built, so the whole parsed document and all the models are never alive at once
(at 100,000 components the parsed data is about as big as the models)."""
FAST_PASS = True
"""Whether :func:`check_files` tries :mod:`blast.loading.fastpass` first; the tests turn it
off to compare its graphs with those of the usual passes."""


_display = display


class _Session:
    def __init__(
        self,
        located: bool,
        sources: dict[Path, bytes] | None = None,
        only: dict[str, frozenset[DataPath]] | None = None,
    ) -> None:
        self.located = located
        self.only = only
        """Per file, the list items whose positions are recorded (all when None)."""
        self.problems: list[Problem] = []
        self.loaded: dict[Path, Loaded] = {}
        self.order: list[Path] = []
        self.sources: dict[Path, bytes] = {} if sources is None else sources
        """The bytes of every file read, by identity: a second pass reads none again."""

    def _refused(self, display: str, via: Location | None, exc: FileProblem) -> None:
        if via is None:
            where = Location(display, 1, 1) if exc.at_start else Location(display)
            self.problems.append(Problem(where, exc.message))
        elif exc.message == "no such file":
            self.problems.append(Problem(via, f"no such file: {display}", key="include"))
        else:
            self.problems.append(
                Problem(via, f"cannot include {display}: it {exc.message}", key="include")
            )

    def load(self, path: Path, stack: tuple[Path, ...], via: Location | None) -> None:
        streams = via is None  # a pipe or '-' only when named on the command line
        try:
            identity = inspect(path, streams=streams).identity
        except FileProblem as exc:
            display = STDIN_DISPLAY if str(path) == STDIN else _display(Path(os.path.abspath(path)))
            self._refused(display, via, exc)
            return
        display = STDIN_DISPLAY if str(path) == STDIN else _display(identity)
        if identity in stack:
            cycle = " -> ".join(_display(p) for p in (*stack[stack.index(identity) :], identity))
            self.problems.append(
                Problem(via or Location(display), f"include cycle: {cycle}", key="include")
            )
            return
        if identity in self.loaded:
            return
        if len(stack) >= MAX_INCLUDE_DEPTH:
            self.problems.append(
                Problem(
                    via or Location(display),
                    f"includes nest more than {MAX_INCLUDE_DEPTH} files deep "
                    f"(at {display}); include the parts from fewer levels",
                    key="include",
                )
            )
            return
        try:
            raw = self.sources.get(identity)
            if raw is None:
                raw = self.sources[identity] = read_bounded(path)
            if self.only is None:
                doc = parse_yaml(raw, display, located=self.located)
            else:
                only = self.only.get(display, frozenset())
                doc = parse_yaml(raw, display, located=self.located, only=only)
        except FileProblem as exc:
            self._refused(display, via, exc)
            return
        except GraphFileError as exc:
            self.problems.extend(exc.problems)
            return
        entry = self._check_file(doc)
        self.loaded[identity] = entry
        self.order.append(identity)  # the including file first: it is what the user named
        for i, rel in enumerate(entry.include):
            where = doc.locate(("include", i))
            try:
                target = resolve_include(path.parent, rel)
            except CatalogNotFoundError as exc:
                self.problems.append(Problem(where, str(exc), key=key_path(("include", i))))
                continue
            self.load(target, (*stack, identity), where)

    def _check_file(self, doc: SourceDocument) -> Loaded:
        data = doc.data
        if not isinstance(data, dict):
            what = type(data).__name__ if data is not None else "nothing"
            what = {"list": "a list", "str": "a plain string", "int": "a number"}.get(what, what)
            self.problems.append(
                Problem(
                    Location(doc.file, 1, 1),
                    f"the top level must be a mapping with `components:`, not {what}",
                )
            )
            return Loaded(doc, None)
        from pydantic import ValidationError

        from blast.loading import items as checks
        from blast.loading.messages import problems_from
        from blast.model.spec import GraphDocument

        header_data = {k: v for k, v in data.items() if k not in LISTS}
        written: dict[str, WrittenItems] | None = {} if doc.plain else None
        try:
            header = GraphDocument.model_validate(header_data)
            entry = Loaded(doc, header, header.include, dict(header.references), written=written)
        except ValidationError as err:
            self.problems.extend(problems_from(err, doc, (), GraphDocument))
            entry = Loaded(
                doc,
                None,
                checks.salvaged_include(data.get("include")),
                checks.salvaged_references(data.get("references")),
            )
        for key, model in checks.LISTS.items():
            items = data.get(key, [])
            if items is None:
                items = []
            if not isinstance(items, list):
                self.problems.append(
                    Problem(
                        doc.locate((key,)),
                        f"write a list: one `- ` entry per item under `{key}:`",
                        key=key,
                    )
                )
                continue
            target = entry.components if key == "components" else entry.groups
            for start in range(0, len(items), CHUNK):
                self._check_items(doc, entry, key, model, items, start, target)
                end = min(start + CHUNK, len(items))  # their models are built: drop the data
                items[start:end] = repeat(None, end - start)
        return entry

    def _check_items(
        self,
        doc: SourceDocument,
        entry: Loaded,
        key: str,
        model: type[BaseModel],
        items: list[Any],
        start: int,
        target: list[Any],
    ) -> None:
        """Validate ``items[start:start + CHUNK]`` into ``target`` (``(index, model)`` pairs)."""
        from pydantic import ValidationError

        from blast.loading.items import item_checks, raw_targets, validate_all
        from blast.loading.messages import problems_from

        chunk = items[start : start + CHUNK]
        listed = None if self.only is None else self.only.get(doc.file, frozenset())
        bulk = validate_all(key, chunk) if listed is None else None
        if bulk is not None and not doc.located:  # the usual case: every item valid
            nowhere = doc.locate(())  # no positions recorded: one place for all
            ids = entry.raw_ids
            for parsed in bulk:
                ids.setdefault(parsed.id, nowhere)
            target.extend(enumerate(bulk, start))
            if entry.written is not None:
                parts = list(map(orjson.dumps, chunk))  # joined at once: see WrittenItems
                entry.written.setdefault(key, []).append((b",".join(parts), list(map(len, parts))))
            return
        if bulk is not None:
            for i, (item, parsed) in enumerate(zip(chunk, bulk, strict=True), start):
                entry.raw_ids.setdefault(item["id"], doc.locate((key, i, "id"), prefer_key=False))
                target.append((i, parsed))
            return
        for i, item in enumerate(chunk, start):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                entry.raw_ids.setdefault(item["id"], doc.locate((key, i, "id"), prefer_key=False))
            if listed is not None and (key, i) not in listed:
                continue  # second pass: the first found nothing wrong with it or about it
            try:
                parsed = model.model_validate(item)
            except ValidationError as err:
                self.problems.extend(problems_from(err, doc, (key, i), model))
                for message in item_checks(key, item, err):
                    self.problems.append(
                        Problem(doc.locate((key, i)), message, key=key_path((key, i)))
                    )
                entry.invalid_targets.extend(raw_targets(item, (key, i)))
                continue
            target.append((i, parsed))


def _session(
    paths: Sequence[str | Path],
    located: bool,
    sources: dict[Path, bytes] | None,
    only: dict[str, frozenset[DataPath]] | None = None,
    kind: type[_Session] | None = None,
) -> _Session:
    if not paths:
        raise GraphFileError([Problem(Location("<arguments>"), "no graph file given")])
    session = (kind or _Session)(located, sources, only)
    with gc_paused():  # validation builds a model per component: see blast.gcpause
        for p in paths:
            try:
                target = resolve_include(Path(), p)
            except CatalogNotFoundError as exc:
                raise GraphFileError([Problem(Location("<arguments>"), str(exc))]) from None
            session.load(target, (), None)
    return session


@dataclass(frozen=True)
class Checked:
    """The outcome of validating a set of files: every problem, or the graph."""

    problems: list[Problem]
    graph: Graph | None
    sources: dict[Path, bytes]
    """The bytes of every file of the include tree, by resolved path (what a cache keys on)."""
    written: tuple[WrittenItems, WrittenItems] | None = None
    """Each component's and group's parsed data as JSON, in the graph's order, when every
    file was read by the fast parse (:attr:`SourceDocument.plain`); else None."""


def check_files(paths: str | Path | Sequence[str | Path]) -> Checked:
    """Validate ``paths`` and their includes once; the graph when valid, else every problem.

    A first pass records no positions; only when it finds a problem are the same
    bytes parsed again with positions, so each problem names ``file:line:column``.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    sources: dict[Path, bytes] = {}  # each file read once, whichever passes run
    if FAST_PASS:
        from blast.loading.fastpass import fast_check

        checked = fast_check(paths, sources)
        if checked is not None:
            return checked
    session = _session(paths, located=False, sources=sources)
    with gc_paused():
        components, groups, references = cross_check(
            [session.loaded[p] for p in session.order], session.problems
        )
    if session.problems:
        only, sources = _with_problems(session), session.sources
        del session, components, groups, references  # the second pass builds its own
        session = _session(paths, located=True, sources=sources, only=only)
        with gc_paused():
            cross_check([session.loaded[p] for p in session.order], session.problems)
        problems = sorted(session.problems, key=lambda p: (p.location, p.message))
        return Checked(problems, None, session.sources)
    first = session.loaded[session.order[0]]
    name = first.header.name if first.header else ""
    files = tuple(entry.doc.file for entry in (session.loaded[p] for p in session.order))
    graph = Graph(components, groups, name=name, files=files, references=references)
    return Checked([], graph, session.sources, _written(session))


def _written(session: _Session) -> tuple[WrittenItems, WrittenItems] | None:
    """The items' JSON of a valid include tree, in the graph's order (see :class:`Checked`).

    Valid means no id twice, so the graph lists every file's items in file order.
    """
    entries = [session.loaded[p] for p in session.order]
    if any(entry.written is None for entry in entries):
        return None
    components: WrittenItems = []
    groups: WrittenItems = []
    for entry in entries:
        assert entry.written is not None
        components.extend(entry.written.get("components", ()))
        groups.extend(entry.written.get("redundancy_groups", ()))
    return components, groups


_ITEM_KEY = re.compile(r"(components|redundancy_groups)\[(\d+)\]")


def _with_problems(session: _Session) -> dict[str, frozenset[DataPath]] | None:
    """Per file, the list items a problem of the first pass is in or points at.

    The second pass validates these items only, and records positions inside them
    only (and outside every item): a big file with a few problems would otherwise
    record millions. The items are those named by each problem's key, and every
    definition of an id defined twice (a duplicate's message names where the id
    was first defined); the other items give the second pass their ids, which is
    all the checks across items need of them. None (do everything again) when a
    problem has no key.
    """
    found: dict[str, set[DataPath]] = {}
    for problem in session.problems:
        if not problem.key:
            return None  # not tied to a place in the data: the second pass does everything
        match = _ITEM_KEY.match(problem.key)
        if match is not None:
            found.setdefault(problem.location.file, set()).add((match[1], int(match[2])))
    places: dict[str, list[tuple[str, DataPath]]] = {}
    for entry in session.loaded.values():
        for i, component in entry.components:
            places.setdefault(component.id, []).append((entry.doc.file, ("components", i)))
        for i, group in entry.groups:
            places.setdefault(group.id, []).append((entry.doc.file, ("redundancy_groups", i)))
    for where in places.values():
        if len(where) > 1:
            for file, item in where:
                found.setdefault(file, set()).add(item)
    return {file: frozenset(items) for file, items in found.items()}


def validate_files(paths: Sequence[str | Path]) -> list[Problem]:
    """Every problem found in ``paths`` and the files they include; empty when all is well."""
    return check_files(paths).problems


def load_graph(paths: str | Path | Sequence[str | Path], *, cache: bool = False) -> Graph:
    """Load, validate and assemble graph files (with their includes) into one graph.

    Parameters
    ----------
    paths
        One path or several (``-`` is standard input); merged, includes followed once each.
    cache
        Reuse (and store) the validated graph in the user's cache directory, keyed
        by the bytes of every file of the include tree (see :mod:`blast.loading.cache`).

    Raises
    ------
    GraphFileError
        With every problem found, each located as ``file:line:column``.

    Examples
    --------
    >>> graph = load_graph("graphs/aws-us-east-1-2025-10-20.yaml")  # doctest: +SKIP
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if cache:
        from blast.loading import cache as graph_cache

        return graph_cache.load_graph_cached(paths)
    checked = check_files(paths)
    if checked.graph is None:
        raise GraphFileError(checked.problems)
    return checked.graph
