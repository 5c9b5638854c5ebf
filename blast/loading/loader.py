"""Load graph files into a :class:`~blast.model.graph.Graph`, reporting every problem.

Validation is its own pass: :func:`validate_files` returns the problems of a set
of files (YAML, schema and cross-reference checks, includes followed), and
:func:`load_graph` raises :class:`~blast.errors.GraphFileError` carrying all of
them. Every problem names the file, the line, the column and the key.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from blast.errors import GraphFileError, Location, Problem
from blast.gcpause import gc_paused
from blast.loading.catalogs import CatalogNotFoundError, duplicate_id_hint, resolve_include
from blast.loading.yamlsource import DataPath, SourceDocument, key_path, read_yaml
from blast.model import Component, GraphDocument, RedundancyGroup
from blast.model.graph import Graph

_LISTS: dict[str, type[BaseModel]] = {
    "components": Component,
    "redundancy_groups": RedundancyGroup,
}


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` inside ``model``."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return current if part == loc[-1] else None
        current = _nested_model(info.annotation)
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _nested_model(arg)
        if found is not None:
            return found
    for meta in getattr(annotation, "__metadata__", ()) or ():
        del meta
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        return _nested_model(origin)
    return None


_VALIDATOR_STEP = re.compile(r"^[\w-]+\[.*\]$")


def _at(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_loc(loc: tuple[int | str, ...], data: Any) -> tuple[int | str, ...]:
    """A pydantic error location as a path into the user's data.

    pydantic inserts steps such as ``function-before[...]`` for validators; they
    are dropped unless the data really has a key of that name.
    """
    out: list[int | str] = []
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_dict or in_list:
            data = data[part]
        elif isinstance(part, str) and _VALIDATOR_STEP.match(part):
            continue
        else:
            data = None
        out.append(part)
    return tuple(out)


def _problems_from(
    err: ValidationError, doc: SourceDocument, base: DataPath, model: type[BaseModel]
) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = _data_loc(e["loc"], _at(doc.data, base))
        path = (*base, *loc)
        kind = e["type"]
        value = e.get("input")
        if kind == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            allowed = ", ".join(owner.model_fields) if owner else ""
            name = str(loc[-1]) if loc else "?"
            hint = _did_you_mean(name, owner.model_fields) if owner else ""
            message = f"unknown field '{name}'{hint}; allowed: {allowed}"
        elif kind == "missing":
            message = f"missing required field '{loc[-1]}'"
        elif kind == "enum":
            expected = e.get("ctx", {}).get("expected", "")
            allowed = expected.replace("'", "").replace(" or ", ", ")
            hint = _did_you_mean(str(value), [a.strip() for a in allowed.split(",")])
            message = f"bad value '{value}'{hint}; allowed: {allowed}"
        elif kind == "literal_error":
            message = f"bad value {value!r}; allowed: {e.get('ctx', {}).get('expected', '')}"
        elif kind == "string_pattern_mismatch":
            message = (
                f"'{value}' is not a valid id: use letters, digits and _ . : / - "
                "starting with a letter or digit"
            )
        elif kind == "value_error":
            message = str(e["ctx"]["error"]) if "ctx" in e else e["msg"]
        else:
            shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
            message = f"{e['msg'][0].lower()}{e['msg'][1:]}{shown}"
        at_key = kind in ("extra_forbidden", "missing")
        problems.append(Problem(doc.locate(path, prefer_key=at_key), message, key=key_path(path)))
    return problems


@dataclass
class _Loaded:
    """What a file contributed; kept per file so locations stay exact."""

    doc: SourceDocument
    header: GraphDocument | None
    components: list[tuple[int, Component]] = field(default_factory=list)
    groups: list[tuple[int, RedundancyGroup]] = field(default_factory=list)
    raw_ids: dict[str, Location] = field(default_factory=dict)
    invalid_targets: list[tuple[DataPath, str, str]] = field(default_factory=list)


def _raw_targets(item: object, base: DataPath) -> list[tuple[DataPath, str, str]]:
    """Dependency targets of an item that failed validation, so references still get checked."""
    if not isinstance(item, dict) or not isinstance(item.get("depends_on"), list):
        return []
    owner = str(item.get("id", "?"))
    found = []
    for j, dep in enumerate(item["depends_on"]):
        target = dep.get("target") if isinstance(dep, dict) else dep
        if isinstance(target, str):
            found.append(((*base, "depends_on", j), owner, target))
    return found


class _Session:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.loaded: dict[Path, _Loaded] = {}
        self.order: list[Path] = []

    def load(self, path: Path, stack: tuple[Path, ...], via: Location | None) -> None:
        path = path.resolve()
        if path in stack:
            cycle = " -> ".join(_display(p) for p in (*stack[stack.index(path) :], path))
            self.problems.append(
                Problem(via or Location(_display(path)), f"include cycle: {cycle}", key="include")
            )
            return
        if path in self.loaded:
            return
        display = _display(path)
        if not path.exists():
            self.problems.append(
                Problem(
                    via or Location(display),
                    f"no such file: {display}",
                    key="include" if via else "",
                )
            )
            return
        try:
            doc = read_yaml(path, display)
        except GraphFileError as exc:
            self.problems.extend(exc.problems)
            return
        entry = self._check_file(doc)
        self.loaded[path] = entry
        self.order.append(path)  # the including file first: it is what the user named
        if entry.header is not None:
            for i, rel in enumerate(entry.header.include):
                where = doc.locate(("include", i))
                try:
                    target = resolve_include(path.parent, rel)
                except CatalogNotFoundError as exc:
                    self.problems.append(Problem(where, str(exc), key=key_path(("include", i))))
                    continue
                self.load(target, (*stack, path), where)

    def _check_file(self, doc: SourceDocument) -> _Loaded:
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
            return _Loaded(doc, None)
        header_data = {k: v for k, v in data.items() if k not in _LISTS}
        header = None
        try:
            header = GraphDocument.model_validate(header_data)
        except ValidationError as err:
            self.problems.extend(_problems_from(err, doc, (), GraphDocument))
        entry = _Loaded(doc, header)
        for key, model in _LISTS.items():
            items = data.get(key, [])
            if items is None:
                items = []
            if not isinstance(items, list):
                self.problems.append(
                    Problem(doc.locate((key,)), "must be a list of mappings", key=key)
                )
                continue
            for i, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    entry.raw_ids.setdefault(
                        item["id"], doc.locate((key, i, "id"), prefer_key=False)
                    )
                try:
                    parsed = model.model_validate(item)
                except ValidationError as err:
                    self.problems.extend(_problems_from(err, doc, (key, i), model))
                    entry.invalid_targets.extend(_raw_targets(item, (key, i)))
                    continue
                target = entry.components if key == "components" else entry.groups
                target.append((i, parsed))  # type: ignore[arg-type]
        return entry


def _cross_check(
    session: _Session,
) -> tuple[dict[str, Component], dict[str, RedundancyGroup], dict[str, str]]:
    problems = session.problems
    components: dict[str, Component] = {}
    groups: dict[str, RedundancyGroup] = {}
    defined_at: dict[str, Location] = {}
    references: dict[str, str] = {}
    reference_at: dict[str, Location] = {}
    known_ids: set[str] = set()
    entries = [session.loaded[p] for p in session.order]
    for entry in entries:
        known_ids.update(entry.raw_ids)
        if entry.header is None:
            continue
        for key, value in entry.header.references.items():
            where = entry.doc.locate(("references", key))
            if key in references and references[key] != value:
                problems.append(
                    Problem(
                        where,
                        f"reference '{key}' is defined differently at {reference_at[key]}",
                        key=f"references.{key}",
                    )
                )
            references.setdefault(key, value)
            reference_at.setdefault(key, where)

    def check_sources(doc: SourceDocument, base: DataPath, sources: Sequence[str]) -> None:
        for j, source in enumerate(sources):
            if source.startswith(("http://", "https://")) or source in references:
                continue
            problems.append(
                Problem(
                    doc.locate((*base, "sources", j)),
                    f"source '{source}' is neither a URL nor a key of `references`"
                    f"{_did_you_mean(source, references)}",
                    key=key_path((*base, "sources", j)),
                )
            )

    for entry in entries:
        doc = entry.doc
        for list_key, items in (
            ("components", entry.components),
            ("redundancy_groups", entry.groups),
        ):
            for i, node in items:
                where = doc.locate((list_key, i, "id"), prefer_key=False)
                if node.id in defined_at:
                    problems.append(
                        Problem(
                            where,
                            f"duplicate id '{node.id}' (first defined at {defined_at[node.id]})"
                            f"{duplicate_id_hint(node.id)}",
                            key=key_path((list_key, i, "id")),
                        )
                    )
                    continue
                defined_at[node.id] = where
                if isinstance(node, Component):
                    components[node.id] = node
                else:
                    groups[node.id] = node

    for entry in entries:
        doc = entry.doc
        for i, comp in entry.components:
            base: DataPath = ("components", i)
            check_sources(doc, base, comp.sources)
            for k, fact in enumerate(comp.facts):
                check_sources(doc, (*base, "facts", k), fact.sources)
            seen: dict[str, int] = {}
            for j, dep in enumerate(comp.depends_on):
                path = (*base, "depends_on", j)
                check_sources(doc, path, dep.sources)
                if dep.target == comp.id:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"component '{comp.id}' depends on itself",
                            key=key_path(path),
                        )
                    )
                elif dep.target not in known_ids:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"component '{comp.id}' depends on unknown component '{dep.target}'"
                            f"{_did_you_mean(dep.target, known_ids)}",
                            key=key_path(path),
                        )
                    )
                if dep.target in seen:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"'{dep.target}' is listed twice in depends_on "
                            f"(also entry {seen[dep.target]})",
                            key=key_path(path),
                        )
                    )
                seen.setdefault(dep.target, j)
        for path, owner, target in entry.invalid_targets:
            if target not in known_ids:
                problems.append(
                    Problem(
                        doc.locate(path),
                        f"component '{owner}' depends on unknown component '{target}'"
                        f"{_did_you_mean(target, known_ids)}",
                        key=key_path(path),
                    )
                )
        for i, group in entry.groups:
            base = ("redundancy_groups", i)
            check_sources(doc, base, group.sources)
            for j, member in enumerate(group.members):
                path = (*base, "members", j)
                if member == group.id:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"group '{group.id}' lists itself as a member",
                            key=key_path(path),
                        )
                    )
                elif member not in known_ids:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"group '{group.id}' has unknown member '{member}'"
                            f"{_did_you_mean(member, known_ids)}",
                            key=key_path(path),
                        )
                    )
                if member in group.members[:j]:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"member '{member}' is listed twice",
                            key=key_path(path),
                        )
                    )
    return components, groups, references


def _session(paths: Sequence[str | Path]) -> _Session:
    if not paths:
        raise GraphFileError([Problem(Location("<arguments>"), "no graph file given")])
    session = _Session()
    with gc_paused():  # validation builds a model per component: see blast.gcpause
        for p in paths:
            try:
                target = resolve_include(Path(), p)
            except CatalogNotFoundError as exc:
                raise GraphFileError([Problem(Location("<arguments>"), str(exc))]) from None
            session.load(target, (), None)
    return session


def validate_files(paths: Sequence[str | Path]) -> list[Problem]:
    """Every problem found in ``paths`` and the files they include; empty when all is well."""
    session = _session(paths)
    with gc_paused():
        _cross_check(session)
    return sorted(session.problems, key=lambda p: (p.location, p.message))


def load_graph(paths: str | Path | Sequence[str | Path]) -> Graph:
    """Load, validate and assemble graph files (with their includes) into one graph.

    Parameters
    ----------
    paths
        One path or several; they are merged, includes followed once each.

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
    session = _session(paths)
    with gc_paused():
        components, groups, references = _cross_check(session)
    if session.problems:
        raise GraphFileError(session.problems)
    first = session.loaded[resolve_include(Path(), paths[0]).resolve()]
    name = first.header.name if first.header else ""
    files = tuple(entry.doc.file for entry in (session.loaded[p] for p in session.order))
    return Graph(components, groups, name=name, files=files, references=references)
