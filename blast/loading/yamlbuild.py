"""The event builder behind :mod:`blast.loading.yamlsource`: libyaml's events into data.

PyYAML's ``safe_load`` forgets positions, keeps the last of two duplicate keys,
expands aliases without bound, and its C composer recurses once per nesting
level (25,000 nested ``[`` overflow the C stack: a segfault, not an error).
This module never composes: it pulls *events* from libyaml's parser (an
iterative state machine, no recursion) and builds the data itself on an
explicit stack. So nesting stops at ``MAX_DEPTH`` before libyaml has read past
it, duplicate keys are reported, alias expansion is counted against a budget
(shared, never copied), and every scalar that the YAML 1.1 rules turn into
something odd (``2025-02-30``, ``!!int abc``, a 5,000-digit number) becomes a
located problem instead of an exception.
"""

from __future__ import annotations

from typing import Any

import yaml

from blast.errors import Location, Problem
from blast.loading.yamlbounds import (
    EXPANSION_FACTOR,
    MAX_DEPTH,
    MIN_EXPANSION_BUDGET,
    DataPath,
    key_path,
)
from blast.loading.yamlskip import read_id_only

__all__ = [
    "EXPANSION_FACTOR",
    "MAX_DEPTH",
    "MIN_EXPANSION_BUDGET",
    "PARSER",
    "DataPath",
    "EventBuilder",
    "StopBuilding",
    "key_path",
]

_STR_TAG = "tag:yaml.org,2002:str"
_TAG_WORDS = {
    "tag:yaml.org,2002:int": "whole number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "true/false value",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "date or time",
    "tag:yaml.org,2002:binary": "base64 value",
}
# libyaml's parser when PyYAML was built with it (5x faster); same events, same marks.
PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_Mark = Any  # yaml.error.Mark or libyaml's own Mark: both have .line and .column


class StopBuilding(Exception):
    """Building cannot go on (nesting too deep, a second document)."""


class _Frame:
    """A collection being built: its value, its path, and the key waiting for a value."""

    __slots__ = ("anchor", "first_seen", "key", "located", "merged", "path", "start", "value")

    def __init__(self, value: Any, path: DataPath, anchor: str | None, start: int):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.start = start
        self.key: str | None = None  # mapping: the key whose value comes next
        self.first_seen: dict[str, int] = {}
        self.merged: dict[str, Any] | None = None
        self.located = False  # whether positions are recorded inside it


_NO_KEY = "\0no key"  # a mapping key that was not a plain scalar: its value is skipped
_MERGE = "\0merge"  # the plain key ``<<``: its value is merged into the mapping


class EventBuilder:
    """Turns libyaml events into data on an explicit stack (see the module docstring)."""

    def __init__(
        self,
        file: str,
        located: bool,
        only: frozenset[DataPath] | None = None,
        *,
        skip_unlisted: bool = False,
    ):
        self.file = file
        self.located = located
        self.outer_located = located
        self.only = only
        """With positions, record them inside only these items of top-level lists (paths
        like ``("components", 7)``), and everywhere outside such items: where the problems
        a first pass found are. At 180,000 components every position costs gigabytes."""
        self.skip_unlisted = skip_unlisted and only is not None
        """Build each top-level list item that is not in ``only`` as ``{"id": its id}``
        alone (see :meth:`_skip_item`): the second pass needs nothing else of them."""
        self.skip_failed = False
        """Set when an item could not be skipped faithfully: build again without skipping."""
        self.value_marks: dict[DataPath, Location] = {}
        self.key_marks: dict[DataPath, Location] = {}
        self.scalar_text: dict[DataPath, str] = {}
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.written = 0
        self.expanded = 0
        self.alias_log: list[tuple[int, _Mark]] = []
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self._ctor = yaml.constructor.SafeConstructor()
        self._resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
        self._resolvable = {c for c in self._resolvers if c is not None}

    def at(self, mark: _Mark) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    # -- paths -------------------------------------------------------------
    def _child_path(self) -> DataPath | None:
        """Path of the node starting now; None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        if top.key is None:
            return None
        return (*top.path, top.key)

    def _add(self, value: Any, size: int, mark: _Mark) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if top.key is None:  # this value is a key
            self._key(top, value, mark)
            return
        key, top.key = top.key, None
        if key == _NO_KEY:
            return
        if key == _MERGE:
            self._merge(top, value, mark)
            return
        top.value[key] = value

    def _key(self, top: _Frame, value: Any, mark: _Mark) -> None:
        if isinstance(value, dict | list):
            self.problems.append(
                Problem(self.at(mark), "a key must be a plain name, not a list or mapping")
            )
            top.key = _NO_KEY
            return
        key = value if isinstance(value, str) else str(value)
        if key in top.first_seen:
            self.problems.append(
                Problem(
                    self.at(mark),
                    f"duplicate key '{key}' (first at line {top.first_seen[key]}); "
                    "YAML would silently keep only the last one",
                    key=key_path((*top.path, key)),
                )
            )
            top.key = _NO_KEY
            return
        top.first_seen[key] = mark.line + 1
        if self.located:
            self.key_marks[(*top.path, key)] = self.at(mark)
        top.key = key

    def _merge(self, top: _Frame, value: Any, mark: _Mark) -> None:
        sources = value if isinstance(value, list) else [value]
        if top.merged is None:
            top.merged = {}
        for source in sources:
            if not isinstance(source, dict):
                self.problems.append(Problem(self.at(mark), "a merge key (<<) needs a mapping"))
                continue
            for k, v in source.items():
                top.merged.setdefault(k, v)
        top.first_seen.pop("<<", None)  # several ``<<`` keys are fine

    # -- events ------------------------------------------------------------
    def scalar(self, event: yaml.ScalarEvent) -> None:
        # The hot path of loading (one call per scalar): kept flat on purpose.
        self.written += 1
        self.expanded += 1
        text = event.value
        tag = event.tag
        stack = self.stack
        top = stack[-1] if stack else None
        if top is not None and top.key is None and type(top.value) is dict:
            # a key: always its written text (``yes:`` is the key "yes")
            if event.anchor is not None:
                self.anchors[event.anchor] = (text, 1)
            self._key(top, text, event.start_mark)
            if text == "<<" and tag is None and event.implicit[0] and top.key == "<<":
                top.key = _MERGE
            return
        if tag is None and event.implicit[0]:
            tag = self._resolve(text) if (text[:1] in self._resolvable) else _STR_TAG
        elif tag is None or tag == "!":
            tag = _STR_TAG
        located = self.located
        if tag == _STR_TAG:
            value: Any = text
            if located:
                self.value_marks.setdefault(self._child_path() or (), self.at(event.start_mark))
        else:
            path = self._child_path() or ()
            value = self._construct(
                tag, text, event.start_mark, path, explicit=event.tag is not None
            )
            if located:
                self.scalar_text[path] = text
                self.value_marks.setdefault(path, self.at(event.start_mark))
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        if top is None:
            self.root = value
        elif type(top.value) is list:
            top.value.append(value)
        else:
            self._add(value, 1, event.start_mark)

    def _resolve(self, text: str) -> str:
        resolvers = self._resolvers.get(text[0] if text else "", ())
        for tag, regexp in resolvers:
            if regexp.match(text):
                return str(tag)
        return _STR_TAG

    def _construct(
        self, tag: str, text: str, mark: _Mark, path: DataPath, *, explicit: bool
    ) -> Any:
        node = yaml.ScalarNode(tag, text, mark, mark)
        constructor = self._ctor.yaml_constructors.get(tag)
        try:
            if constructor is None:
                raise ValueError("unknown tag")
            return constructor(self._ctor, node)
        except Exception as exc:  # any scalar YAML cannot read is a located problem
            shown = (
                text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text):,} characters)"
            )
            what = _TAG_WORDS.get(tag)
            if what is None:
                message = (
                    f"unknown tag '{tag}': Blast reads plain YAML only (text, numbers, "
                    "true/false, lists, mappings); remove the tag"
                )
            else:
                detail = str(exc).split("\n")[0] if isinstance(exc, ValueError) else ""
                if "Exceeds the limit" in detail:
                    detail = "more than 4,300 digits"
                detail = "" if "invalid literal" in detail or not detail else f" ({detail})"
                quote = "; remove the tag" if explicit else "; quote it to keep it as text"
                message = f"'{shown}' is not a valid {what}{detail}{quote}"
            self.problems.append(Problem(self.at(mark), message, key=key_path(path)))
            return None

    def start(self, event: yaml.CollectionStartEvent, value: Any) -> None:
        path = self._child_path()
        mark = event.start_mark
        if len(self.stack) >= MAX_DEPTH:
            self.problems.append(
                Problem(self.at(mark), f"nesting is too deep (the limit is {MAX_DEPTH} levels)")
            )
            raise StopBuilding
        self.written += 1
        self.expanded += 1
        if path is None:  # a collection used as a key
            frame = _Frame(value, ("?",), event.anchor, self.expanded)
            frame.located = self.located
            self.stack.append(frame)
            return
        if self.located:
            self.value_marks.setdefault(path, self.at(mark))
        frame = _Frame(value, path, event.anchor, self.expanded)
        if self.only is not None and len(path) == 2 and type(self.stack[-1].value) is list:
            frame.located = self.outer_located and path in self.only
        else:
            frame.located = self.located
        self.located = frame.located
        self.stack.append(frame)

    def end(self, mark: _Mark) -> None:
        frame = self.stack.pop()
        self.located = self.stack[-1].located if self.stack else self.outer_located
        value = frame.value
        if frame.merged:
            for k, v in frame.merged.items():
                value.setdefault(k, v)
        size = self.expanded - frame.start + 1
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (value, size)
        self._add(value, size, mark)

    def alias(self, event: yaml.AliasEvent) -> None:
        mark = event.start_mark
        found = self.anchors.get(str(event.anchor))
        if found is None:
            self.problems.append(
                Problem(self.at(mark), f"unknown alias '*{event.anchor}': no anchor of that name")
            )
            found = (None, 1)
        value, size = found
        self.expanded += size
        if self.expanded > MIN_EXPANSION_BUDGET:
            self.alias_log.append((self.expanded, mark))
        path = self._child_path()
        if self.located and path is not None:
            self.value_marks.setdefault(path, self.at(mark))
        self._add(value, size, mark)

    def _unlisted_item(self) -> bool:
        """Whether the mapping starting now is an item of a top-level list not in ``only``."""
        stack = self.stack
        if len(stack) != 2 or type(stack[0].value) is not dict or type(stack[1].value) is not list:
            return False
        path = self._child_path()
        return path is not None and len(path) == 2 and path not in (self.only or ())

    def _skip_item(self, get: Any, event: yaml.MappingStartEvent) -> None:
        """Read the events of an unlisted item, keeping only its ``id``
        (:func:`blast.loading.yamlskip.read_id_only`); when the stub could be
        wrong, set :attr:`skip_failed` so that the caller builds the whole
        document again."""
        path = self._child_path() or ()
        self.value_marks.setdefault(path, self.at(event.start_mark))
        item, faithful = read_id_only(get, event, lambda text: self._resolve(text) == _STR_TAG)
        if not faithful:
            self.skip_failed = True
        self.written += 1
        self.expanded += 1
        self._add(item, 1, event.start_mark)

    def run(self, parser: Any) -> Any:
        get = parser.get_event
        while True:
            event = get()
            if event is None:
                break
            cls = type(event)
            if cls is yaml.ScalarEvent:
                self.scalar(event)
            elif cls is yaml.MappingStartEvent:
                if self.skip_unlisted and self._unlisted_item():
                    self._skip_item(get, event)
                    continue
                self.start(event, {})
            elif cls is yaml.SequenceStartEvent:
                self.start(event, [])
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                self.end(event.start_mark)
            elif cls is yaml.AliasEvent:
                self.alias(event)
            elif cls is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.problems.append(
                        Problem(
                            self.at(event.start_mark),
                            "a second YAML document (`---`): a graph file holds one document",
                        )
                    )
                    raise StopBuilding
            elif cls is yaml.StreamEndEvent:
                break
        budget = max(MIN_EXPANSION_BUDGET, EXPANSION_FACTOR * self.written)
        if self.expanded > budget:
            mark = next(m for total, m in self.alias_log if total > budget)
            self.problems.append(
                Problem(
                    self.at(mark),
                    f"document expands to more than {budget:,} values "
                    "(aliases that multiply, a 'billion laughs' file?)",
                )
            )
        return self.root
