"""Read a YAML file into plain data while remembering where every value was written.

PyYAML's ``safe_load`` forgets positions, keeps the last of two duplicate keys,
expands aliases without bound and overflows the C stack on deep nesting; the
data is built instead from libyaml's events by :mod:`blast.loading.yamlbuild`,
bounded in depth and alias expansion, every odd scalar a located problem.

Two modes share this one builder. ``located=False`` (the fast path) records no
positions: validation of a good file needs none; it first tries the Rust parser
of :mod:`blast.loading.fastyaml`, which answers only where YAML 1.1 and 1.2
agree and otherwise leaves the text to the builder. ``located=True`` also records
the line and column of every key and value, and the text of scalars YAML did
not read as strings, so that any problem can name ``file:line:column``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blast.errors import GraphFileError, Location, Problem
from blast.gcpause import gc_paused
from blast.loading.files import (
    MAX_FILE_BYTES,
    STDIN,
    STDIN_DISPLAY,
    FileProblem,
    decode,
    inspect,
    max_file_bytes,
    read_bounded,
)
from blast.loading.yamlbounds import (
    EXPANSION_FACTOR,
    MAX_DEPTH,
    MIN_EXPANSION_BUDGET,
    DataPath,
    key_path,
)

if TYPE_CHECKING:
    from blast.loading.yamlbuild import EventBuilder

__all__ = [
    "EXPANSION_FACTOR",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MIN_EXPANSION_BUDGET",
    "DataPath",
    "SourceDocument",
    "key_path",
    "max_file_bytes",
    "parse_yaml",
    "read_yaml",
]


FAST_PARSE_MIN_BYTES = 0
"""Files from this size on try the Rust fast parse first: every file. A small file's
parse takes libyaml a millisecond, but reading it with libyaml means importing PyYAML
(about 20 ms of regular expressions compiled at import) where yaml-rs and the guards
cost 2-4 ms: the first ``blast validate`` of a small valid file imports no PyYAML
(docs/benchmarks.md, "Start-up, fourth pass"; tests/test_startup.py)."""


@dataclass(frozen=True)
class SourceDocument:
    """A parsed YAML file: its data, and (when located) where each value and key stands."""

    file: str
    data: Any
    value_marks: dict[DataPath, Location] = field(repr=False, default_factory=dict)
    key_marks: dict[DataPath, Location] = field(repr=False, default_factory=dict)
    scalar_text: dict[DataPath, str] = field(repr=False, default_factory=dict)
    """The written text of scalars that YAML did not read as strings (``no``, ``0x1F``)."""
    located: bool = True
    plain: bool = False
    """Whether ``data`` holds only what JSON holds (text, 64-bit whole numbers, finite
    decimals, true/false, null, lists, text-keyed mappings): the guarded fast parse's
    data, which JSON writes and reads back unchanged (see :mod:`blast.loading.cachepayload`)."""

    @cached_property
    def _nowhere(self) -> Location:
        """The file alone: where everything is when positions were not recorded (shared)."""
        return Location(self.file)

    def locate(self, path: DataPath, *, prefer_key: bool = True) -> Location:
        """Where the value at ``path`` (or its nearest written ancestor) stands."""
        if not self.located:
            return self._nowhere
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefer_key and prefix in self.key_marks:
                return self.key_marks[prefix]
            if prefix in self.value_marks:
                return self.value_marks[prefix]
        return Location(self.file)


def parse_yaml(
    raw: bytes, file: str, *, located: bool = True, only: frozenset[DataPath] | None = None
) -> SourceDocument:
    """Parse the bytes of a YAML file; raise :class:`GraphFileError` listing every problem.

    Bounded in time and memory: nesting stops after ``MAX_DEPTH`` levels (before
    libyaml reads deeper), alias expansion at ``EXPANSION_FACTOR`` times the
    written size. Only the safe YAML tags are understood. ``only`` limits the
    positions recorded inside top-level list items to those items (see
    :class:`~blast.loading.yamlbuild.EventBuilder`).
    """
    text = decode(raw, file)
    head = text.lstrip()[:1]  # a file that starts with content is not empty (no split)
    if not head or (
        head == "#"
        and all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
    ):
        raise GraphFileError([Problem(Location(file, 1, 1), "file is empty")])
    if not located and len(raw) >= FAST_PARSE_MIN_BYTES:
        from blast.loading.fastyaml import DECLINED, fast_load  # Rust and its guards

        data = fast_load(text)
        if data is not DECLINED:
            return SourceDocument(file, data, located=False, plain=True)
    builder, data = _build(raw, file, located, only, skip_unlisted=True)
    if builder.skip_failed:  # an anchor or an odd id among the items skipped: build them all
        builder, data = _build(raw, file, located, only, skip_unlisted=False)
    if builder.problems:
        raise GraphFileError(builder.problems)
    return SourceDocument(
        file, data, builder.value_marks, builder.key_marks, builder.scalar_text, located
    )


def _build(
    raw: bytes,
    file: str,
    located: bool,
    only: frozenset[DataPath] | None,
    *,
    skip_unlisted: bool,
) -> tuple[EventBuilder, Any]:
    """Run the event builder over ``raw`` (see :class:`EventBuilder`).

    PyYAML is imported here, not with this module: only the located pass and the
    files the fast parse declines need it."""
    import yaml

    from blast.loading.yamlbuild import PARSER, EventBuilder, StopBuilding
    from blast.loading.yamlerrors import syntax_problem

    builder = EventBuilder(file, located, only, skip_unlisted=skip_unlisted)
    parser = PARSER(raw)
    try:
        with gc_paused():
            data = builder.run(parser)
    except StopBuilding:
        data = None
    except yaml.YAMLError as exc:
        builder.problems.append(syntax_problem(exc, raw, file))
        data = None
    finally:
        parser.dispose()
    return builder, data


def read_yaml(
    path: Path, display: str | None = None, *, located: bool = True, streams: bool = True
) -> SourceDocument:
    """Read and parse ``path`` (``-`` is standard input); see :func:`parse_yaml`.

    Files over :func:`max_file_bytes` are refused; devices are refused unread;
    ``streams=False`` also refuses pipes (for includes).
    """
    file = display or (STDIN_DISPLAY if str(path) == STDIN else str(path))
    try:
        inspect(path, streams=streams)
        raw = read_bounded(path)
    except FileProblem as exc:
        raise GraphFileError(
            [Problem(Location(file, 1, 1) if exc.at_start else Location(file), exc.message)]
        ) from None
    return parse_yaml(raw, file, located=located)
