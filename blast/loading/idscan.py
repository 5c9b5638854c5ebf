"""Where each component's ``id`` key is written, read from the raw text without a YAML parse.

``blast check`` names ``file:line:column`` for every violating component. Reading
those positions from libyaml's events costs Python objects for every event of the
file (at 100,000 components about 5 s, docs/benchmarks.md, "c-check"); a graph
file written in plain block style needs none of that: its items and their ``id``
keys stand at fixed places of their lines, found by a few regular expressions
that run in C.

:func:`scan_component_ids` answers only where a line-based reading provably gives
what YAML gives, and otherwise *declines* (returns None) so that the caller parses
as before. What can make a line mean something else than its indentation says is a
construct spanning lines whose continuation lines are not bound by indentation:
a quoted scalar or a flow collection (libyaml checks no indentation inside them).
So the text up to the end of the ``components`` block must hold no quote, bracket
or brace (nor tab) outside comments. Everything else that spans lines is bound by
indentation (YAML 1.1 spec, sections 4.6 "Block Collections" and 9.1 "Block
Scalar Header"; libyaml's ``yaml_parser_scan_plain_scalar`` and
``yaml_parser_scan_block_scalar`` end a plain or block scalar at the first line
indented no deeper than its parent): inside an item whose keys stand at column
``k + 2`` (the item's dash at ``k``), a block scalar's or a plain scalar's lines
stand deeper, so a line at column ``k`` starting with ``- `` begins an item, and a
line at column ``k + 2`` starting with ``id:`` is that item's ``id`` key.

The scan then requires every item to start with ``- key:`` (the item a mapping
whose keys stand at ``k + 2``) and to hold exactly one ``id: value`` line, the value
a plain id that YAML 1.1 reads as text; anything else (an anchor, an alias, a tag,
``-`` alone, a value on the next line) declines. The caller must still check the ids
found, in order, against the ones it knows (the graph's): that check, not this
module, proves the items are the real ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from blast.loading.fastyaml import IMPLICIT_FIRST_CHARACTERS, reads_as_text

_MULTI_LINE_OPENERS = ('"', "'", "[", "{", "\t")
"""What may open a construct whose continuation lines ignore indentation (a tab is
refused too: it is never indentation, and it is rare enough not to reason about)."""

_OPENER_OUTSIDE_COMMENT = re.compile(r"""^(?:[^\n#"'\[{\t]|(?<=[^ \n])#)*["'\[{\t]""", re.MULTILINE)
"""A line holding an opener before any comment (a ``#`` at the line's start or after a
space; a ``#`` inside a plain scalar, ``a#b``, is text)."""

_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029\ufeff]")
"""Line breaks libyaml counts that ``\\n`` does not (a lone CR, NEL, LS, PS), and a
byte-order mark past the start."""

_HEADER = re.compile(r"components:[ ]*(?:[ ]#[^\n]*)?\n")
_FIRST_LINE = re.compile(r"(?:\n[ ]*(?:#[^\n]*)?(?=\n))*\n( *)(-(?=[ \n]))?")
"""Past blank and comment lines, the first line of the block: its indentation and dash."""
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?![ ]*(?:[ ]#[^\n]*)?$)", re.MULTILINE)
"""A ``---`` or ``...`` line that holds more than the marker (``--- |`` starts a root
scalar, whose lines may stand at column 0)."""

_ID = r"[A-Za-z0-9](?:[A-Za-z0-9_.:/-]*[A-Za-z0-9_./-])?"
"""The schema's id pattern (:data:`blast.model.rules.ID_PATTERN`), not ending with ``:``
(which would make it a key)."""


@dataclass(frozen=True)
class ScannedIds:
    """A file's ``components`` items' ids, in order, and where their ``id`` keys stand."""

    ids: list[str]
    column: int
    """The 1-based column of every ``id`` key (the items' keys all stand there)."""
    text: str = field(repr=False)
    offsets: list[int] = field(repr=False)
    """Where in ``text`` the line of each item's ``id`` key starts (its preceding "\\n")."""

    def lines(self, indices: Iterable[int]) -> list[int]:
        """The 1-based lines of the ``id`` keys of the items at ``indices`` (ascending):
        only their lines are counted, one C-level count between two of them."""
        out, line, counted = [], 0, 0
        text, offsets = self.text, self.offsets
        for i in indices:
            at = offsets[i] + 1
            line += text.count("\n", counted, at)
            counted = at
            out.append(line)
        return out


class _Patterns(NamedTuple):
    end: re.Pattern[str]
    odd_line: re.Pattern[str] | None
    item: re.Pattern[str]
    mapping_item: re.Pattern[str]
    id_key: re.Pattern[str]
    first_key_id: re.Pattern[str]


@cache
def _patterns(k: int) -> _Patterns:
    """The expressions for a ``components`` sequence whose dashes stand at column ``k``."""
    if k == 0:  # the block ends at the first line at column 0 that is no item or comment
        end = re.compile(r"\n(?:[^ \n#-]|-[^ \n])")
        odd_line = None
    else:  # ... and no line may stand left of the dashes, or at them without a dash
        end = re.compile(r"\n[^ \n#]")
        left = rf" {{1,{k - 1}}}[^ \n#]|" if k > 1 else ""  # a line left of the dashes
        odd_line = re.compile(rf"\n(?:{left} {{{k}}}(?:[^ \n#-]|-[^ \n]))")
    return _Patterns(
        end=end,
        odd_line=odd_line,
        item=re.compile(rf"\n {{{k}}}-(?=[ \n])"),
        mapping_item=re.compile(rf"\n {{{k}}}- [A-Za-z_][A-Za-z0-9_-]*:(?=[ \n])"),
        id_key=re.compile(
            rf"\n(?: {{{k}}}- | {{{k + 2}}})id:[ ]+({_ID})(?:[ ]+#[^\n]*)?[ ]*(?=\n)"
        ),
        first_key_id=re.compile(rf"\n {{{k}}}- id:[ ]+({_ID})(?:[ ]+#[^\n]*)?[ ]*(?=\n)"),
    )


def scan_component_ids(text: str) -> ScannedIds | None:
    """Each ``components`` item's id and ``id`` key position, in order; None when declined.

    ``text`` is the decoded file. Positions count as libyaml does (lines from 1,
    columns in characters from 1, CRLF one break, a leading byte-order mark not
    counted), so they equal the located parse's for the same item.
    """
    if text.startswith("\ufeff"):
        text = text[1:]  # libyaml reads the mark without counting it
    if not text.isascii() or "\r" in text:
        if _ODD_BREAK.search(text):
            return None
        text = text.replace("\r\n", "\n")  # lines and columns stay where libyaml counts them
    text = f"\n{text}\n"  # every line starts after a "\n"; "\n" count = line number
    at = text.find("\ncomponents:")
    if at < 0:
        return _none()  # no plain ``components`` key (a miss is caught by the caller's check)
    start = at + 1
    if _HEADER.match(text, start) is None or text.find("\ncomponents:", start) >= 0:
        return None
    if _DOCUMENT_MARKER.search(text, 0, start):
        return None
    body = text.index("\n", start)  # the "\n" ending the header line
    first = _FIRST_LINE.match(text, body)
    if first is None or first.end() >= len(text):
        return _none()  # nothing follows the header
    k = len(first[1])
    if first[2] is None:
        return _none() if k == 0 else None  # ``components:`` holds null, or not a sequence
    patterns = _patterns(k)
    found_end = patterns.end.search(text, body)
    end = found_end.start() + 1 if found_end else len(text)  # past the "\n" ending the block
    openers = any(text.find(c, 0, end) >= 0 for c in _MULTI_LINE_OPENERS)  # fast: C searches
    if openers and _OPENER_OUTSIDE_COMMENT.search(text, 0, end):
        return None
    if patterns.odd_line is not None and patterns.odd_line.search(text, body, end):
        return None
    found = _first_key_ids(text, body, end, k, patterns) or _ids(text, body, end, patterns)
    if found is None or not _all_text(found[0]):
        return None
    return ScannedIds(found[0], k + 3, text, found[1])  # "\n", dash or spaces, then "id"


def _first_key_ids(
    text: str, body: int, end: int, k: int, patterns: _Patterns
) -> tuple[list[str], list[int]] | None:
    """The common layout, one pass: every item starts ``- id: value`` and no other line
    of the block holds an item's ``id`` key. None when that is not so."""
    dash = "\n" + " " * k + "-"
    if text.find(dash + "\n", body, end) >= 0 or text.find(f"\n{' ' * (k + 2)}id:", body, end) >= 0:
        return None
    matches = patterns.first_key_id.finditer(text, body, end)
    ids, offsets = [], []
    for m in matches:
        ids.append(m[1])
        offsets.append(m.start())
    return (ids, offsets) if len(ids) == text.count(dash + " ", body, end) else None


def _ids(text: str, body: int, end: int, patterns: _Patterns) -> tuple[list[str], list[int]] | None:
    """The ids of the items between ``body`` and ``end``: exactly one per item, or None."""
    starts = [m.start() for m in patterns.item.finditer(text, body, end)]
    mappings = sum(1 for _ in patterns.mapping_item.finditer(text, body, end))
    keys = [(m.start(), m[1]) for m in patterns.id_key.finditer(text, body, end)]
    if not (len(starts) == mappings == len(keys)):
        return None
    bounds = [*starts[1:], end]
    for item_start, next_start, (key_at, _) in zip(starts, bounds, keys, strict=True):
        if not item_start <= key_at < next_start:
            return None
    return [value for _, value in keys], [at for at, _ in keys]


def _all_text(ids: list[str]) -> bool:
    """Whether YAML 1.1 reads every plain id as text (``yes``, ``0x1F``, ``2025-01-01``
    are not; only ids starting as an implicit type can be, the rest are not looked at)."""
    return all(reads_as_text(cid) for cid in ids if cid[0] in IMPLICIT_FIRST_CHARACTERS)


def _none() -> ScannedIds:
    """A file without ``components`` items."""
    return ScannedIds([], 0, "", [])
