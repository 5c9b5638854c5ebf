"""Read a YAML file into plain data while remembering where every value was written.

PyYAML's ``safe_load`` forgets positions, keeps the last of two duplicate keys
and expands aliases without bound. This module composes the document with the
safe loader, then builds the data itself so that it can report duplicate keys,
bound the work an alias bomb can cause, and answer "which line holds this
value?" for any path into the data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from blast.errors import BadInputError, GraphFileError, Location, Problem
from blast.gcpause import gc_paused

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Default size limit of a graph file; ``BLAST_MAX_FILE_BYTES`` in the environment overrides it."""
MIN_EXPANSION_BUDGET = 200_000
EXPANSION_FACTOR = 4
"""Aliases may make a document at most this many times bigger than it is written
(and never less than ``MIN_EXPANSION_BUDGET`` values): enough for sharing
settings with anchors, far too little for an alias bomb."""

_STR_TAG = "tag:yaml.org,2002:str"
# libyaml's parser when PyYAML was built with it (5x faster); same safe tags, same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 100

DataPath = tuple[str | int, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class SourceDocument:
    """A parsed YAML file: its data, and the location of each value and key."""

    file: str
    data: Any
    value_marks: dict[DataPath, Location] = field(repr=False)
    key_marks: dict[DataPath, Location] = field(repr=False)

    def locate(self, path: DataPath, *, prefer_key: bool = True) -> Location:
        """Where the value at ``path`` (or its nearest written ancestor) stands."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefer_key and prefix in self.key_marks:
                return self.key_marks[prefix]
            if prefix in self.value_marks:
                return self.value_marks[prefix]
        return Location(self.file)


def key_path(path: DataPath) -> str:
    """A data path as a user reads it: ``components[3].depends_on[0].type``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns composed nodes into data, counting work so that aliases stay bounded."""

    def __init__(self, file: str):
        self.file = file
        self.value_marks: dict[DataPath, Location] = {}
        self.key_marks: dict[DataPath, Location] = {}
        self.problems: list[Problem] = []
        self.visited = 0
        self.budget = MIN_EXPANSION_BUDGET
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: DataPath) -> Any:
        self.visited += 1
        if self.visited > self.budget:
            raise _TooBig(node)
        if len(path) > MAX_DEPTH:
            raise _TooDeep(node)
        self.value_marks.setdefault(path, _location(self.file, node.start_mark))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR_TAG:
            return node.value
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problems.append(
                Problem(_location(self.file, node.start_mark), f"bad value: {exc}")
            )
            return None

    def _mapping(self, node: yaml.MappingNode, path: DataPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in sources:
                    built = self.build(source, path)
                    if isinstance(built, dict):
                        for k, v in built.items():
                            merged.setdefault(k, v)
                    else:
                        self.problems.append(
                            Problem(
                                _location(self.file, source.start_mark),
                                "a merge key (<<) needs a mapping",
                            )
                        )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        _location(self.file, key_node.start_mark),
                        "a key must be a plain name, not a list or mapping",
                    )
                )
                continue
            key = str(key_node.value)
            where = _location(self.file, key_node.start_mark)
            if key in first_seen:
                self.problems.append(
                    Problem(
                        where,
                        f"duplicate key '{key}' (first at line {first_seen[key].line}); "
                        "YAML would silently keep only the last one",
                        key=key_path((*path, key)),
                    )
                )
                continue
            first_seen[key] = where
            self.key_marks[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key))
        for k, v in merged.items():
            result.setdefault(k, v)
        return result


class _TooBig(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


class _TooDeep(_TooBig):
    pass


def max_file_bytes() -> int:
    """The size limit in force: ``BLAST_MAX_FILE_BYTES`` if set, else ``MAX_FILE_BYTES``."""
    raw = os.environ.get("BLAST_MAX_FILE_BYTES")
    if raw is None:
        return MAX_FILE_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadInputError(f"BLAST_MAX_FILE_BYTES must be a positive whole number, not {raw!r}")
    return value


def _written_size(root: yaml.Node) -> int:
    """Distinct nodes of a composed document: its size before aliases are expanded."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return len(seen)


def read_yaml(path: Path, display: str | None = None) -> SourceDocument:
    """Parse ``path`` safely; raise :class:`GraphFileError` listing every problem.

    Bounded in time and memory: files over :func:`max_file_bytes` are refused
    unread, alias expansion stops at ``EXPANSION_FACTOR`` times the written size and nesting after
    ``MAX_DEPTH`` levels. Only the safe YAML tags are understood.
    """
    file = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise GraphFileError([Problem(Location(file), f"cannot read: {exc.strerror}")]) from None
    if path.is_dir():
        raise GraphFileError([Problem(Location(file), "is a directory, not a graph file")])
    limit = max_file_bytes()
    if size > limit:
        raise GraphFileError(
            [
                Problem(
                    Location(file, 1, 1),
                    f"file is {size:,} bytes; the limit is {limit:,} "
                    "(set BLAST_MAX_FILE_BYTES to change it)",
                )
            ]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GraphFileError([Problem(Location(file), f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GraphFileError(
            [
                Problem(
                    Location(file, line, column),
                    f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file "
                    "as UTF-8",
                )
            ]
        ) from None
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise GraphFileError([Problem(Location(file, 1, 1), "file is empty")])
    try:
        with gc_paused():
            node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise GraphFileError(
            [Problem(_location(file, mark), f"YAML syntax error: {detail}")]
        ) from None
    except yaml.YAMLError as exc:
        raise GraphFileError([Problem(Location(file), f"YAML error: {exc}")]) from None
    except RecursionError:
        raise GraphFileError(
            [Problem(Location(file), f"nesting is too deep (the limit is {MAX_DEPTH} levels)")]
        ) from None
    if node is None:
        raise GraphFileError([Problem(Location(file, 1, 1), "file is empty")])
    builder = _Builder(file)
    builder.budget = max(MIN_EXPANSION_BUDGET, EXPANSION_FACTOR * _written_size(node))
    try:
        with gc_paused():
            data = builder.build(node, ())
    except _TooDeep as exc:
        raise GraphFileError(
            [
                Problem(
                    _location(file, exc.node.start_mark),
                    f"nesting is too deep (the limit is {MAX_DEPTH} levels)",
                )
            ]
        ) from None
    except _TooBig as exc:
        raise GraphFileError(
            [
                Problem(
                    _location(file, exc.node.start_mark),
                    f"document expands to more than {builder.budget:,} values "
                    "(aliases that multiply, a 'billion laughs' file?)",
                )
            ]
        ) from None
    if builder.problems:
        raise GraphFileError(builder.problems)
    return SourceDocument(file, data, builder.value_marks, builder.key_marks)
