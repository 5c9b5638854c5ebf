"""The fast parse: a Rust YAML parser, trusted only where it must agree with libyaml.

Blast reads graph files with YAML 1.1's rules (libyaml through PyYAML, see
:mod:`blast.loading.yamlbuild`): ``yes`` is true, ``012`` is ten, ``1e3`` is
text. ``yaml-rs`` (Rust, about seven times faster than libyaml's events into
Python, and it builds the Python objects itself) reads YAML 1.2, where those
three mean "yes", twelve and a thousand. So its result is used only when the
two rule sets cannot have differed, and otherwise this module *declines*
(returns :data:`DECLINED`) and the caller parses with libyaml as before:

- before parsing, the text is scanned for anything whose meaning depends on the
  rule set or that the event builder treats specially: tags, anchors and
  aliases (expansion budgets), merge keys, directives and second documents,
  numbers with leading zeros, ``0x``/``0o``/``0b``, underscores, exponents or
  a sign before a dot (a duration such as ``2s`` or ``1h30m`` is text under both),
  ``.inf``/``.nan``, block scalars (``|``, ``>``) other than a key's simple
  folded or literal text (:func:`_simple_blocks`), compact nested sequences and
  explicit keys (``- - x``, ``? x``: yaml-rs recurses on those and a few thousand
  levels crash it), backslash escapes, tabs, a byte-order mark and control
  characters. The scan is conservative: a match inside a comment or a quoted
  string only costs the fast path;
- after parsing, every key must be text, no text value may be one that YAML
  1.1 would have read as something else (``yes``, ``2025-01-01``, ``1_000``,
  ``1:30``, ``=``), no whole number may pass 64 bits and nothing may nest
  deeper than the builder allows;
- a file the Rust parser refuses (a syntax error, a duplicate key) is parsed by
  libyaml, whose located messages are the ones users see.

The data returned is then the data the event builder would have built; a test
compares the two on every YAML file of the repository and on generated graphs.

Every file, however small, tries this parse first (:mod:`blast.loading.yamlsource`):
YAML 1.1's implicit types are written here (:data:`YAML11_IMPLICIT`, tested equal to
PyYAML's resolver), so that a valid file yaml-rs reads never imports PyYAML, whose
import costs a first ``blast validate`` of a small file about 20 ms.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import islice
from typing import Any, Final

import orjson
import yaml_rs

from blast.loading.yamlbounds import MAX_DEPTH

DECLINED: Final = object()
"""What :func:`fast_load` returns when libyaml must parse the text instead."""


@cache
def _non_ascii() -> re.Pattern[str]:
    """Tabs, control characters, the line breaks that only YAML 1.1 has (U+0085,
    U+2028, U+2029), surrogates, the byte-order mark and the non-characters.

    Compiled on first use: compiling this class costs 10 ms, and an ASCII file
    (most graph files) never needs it."""
    return re.compile(
        r"[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\r"
_NODE_PROPERTY = re.compile(r"(?:^|[\s\[\]{},:])[!&*]", re.MULTILINE)
"""A tag, an anchor or an alias."""
_SECOND_DOCUMENT = re.compile(r"\n---(?=\s|$)")
_BLOCK_SCALAR = re.compile(r"(?:^|[ ])[|>][-+0-9]*[ ]*(?:#[^\n]*)?\r?$", re.MULTILINE)
"""A literal or folded block scalar (yaml-rs reads an empty one as a line break)."""
_COMPACT_NESTING = re.compile(r"- +-(?=[ \n]|$)")
_EXPLICIT_KEY = re.compile(r"(?:^|[\s\-\[{,])\?(?=\s|$)", re.MULTILINE)
"""A sequence in a sequence on one line (``- - x``) or an explicit key (``? x``): yaml-rs
recurses once per level of those (a few thousand crash it), and graph files never need them."""
_PAIR = re.compile(rb"\[\]|\{\}")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SPECIAL_FLOAT = re.compile(r"\.(?:inf|Inf|INF|nan|NaN|NAN)")


def _byte_classes() -> bytes:
    """A ``bytes.translate`` table: each byte as its class, for finding where a scalar may
    start like a number. YAML puts a space, a line break or a flow indicator (``S``)
    before every value, key and item; a number then has an optional sign (``P``) and
    dot (``.``) before its first digit (``D``). Every other byte becomes ``x``."""
    table = bytearray(b"x" * 256)
    for chars, mark in ((b" \n[{,:", b"S"), (b"0123456789", b"D"), (b"+-", b"P"), (b".", b".")):
        for char in chars:
            table[char] = mark[0]
    return bytes(table)


_MARKED = _byte_classes()
_NUMBER_STARTS = (b"SD", b"SPD", b"S.D", b"SP.D")
_TOKEN = re.compile(rb"[^\n,\]}#]*")
_PLAIN_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?")
"""Numbers both rule sets read alike: decimal, no leading zero, exponent or underscore."""
_DURATION = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d))+")
"""A duration as graph files write it (``2s``, ``200ms``, ``1h30m``): text under both rule
sets (no number of either ends in a letter other than an exponent's or a base's, and
these have neither), so it need not send the file to libyaml."""
_BLOCK_HEADER = re.compile(r"( *)((?:- )*)[A-Za-z0-9_][A-Za-z0-9_.-]*: [|>]-? *")
"""A block scalar as a mapping's value, clipped or stripped (``key: >``, ``- key: |-``)."""
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_COMMENT = re.compile(r"(?:^| )#.*")


def _risky(text: str) -> bool:
    """Whether ``text`` holds anything listed in the module docstring (conservative)."""
    if "\\" in text or "<<" in text or "\t" in text:
        return True
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return True  # a carriage return that is not part of a Windows line end
    if text.isascii():
        if text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return True  # a control character (tab, DEL, ...)
    elif _non_ascii().search(text) is not None:
        return True
    if ("!" in text or "&" in text or "*" in text) and _NODE_PROPERTY.search(text):
        return True
    if text.startswith(("%", "...")) or "\n%" in text or "\n..." in text:
        return True  # a directive (``%YAML 1.1``) or a document end: libyaml reads them
    if "\n---" in text and _SECOND_DOCUMENT.search(text) is not None:
        return True
    if _SPECIAL_FLOAT.search(text) is not None:
        return True
    if _COMPACT_NESTING.search(text) is not None:
        return True
    if "?" in text and _EXPLICIT_KEY.search(text) is not None:
        return True
    if ("|" in text or ">" in text) and not _simple_blocks(text):
        return True
    return _odd_number(text.encode("utf-8"))


def _simple_blocks(text: str) -> bool:
    """Whether every block scalar of ``text`` is one both parsers read alike: the value of a
    plain key in block context (no flow collection open, no quote left open on an
    earlier line), ``>`` or ``|`` with no indentation indicator and no ``+``, and a body
    of one or more lines indented alike, none blank, none ending in a space, followed
    by a line at the key's indentation or less (or the end of the text after a line
    break). Folding and chomping then have one answer (the text's lines joined by
    spaces or line breaks, a final line break unless ``-``); yaml-rs reads an *empty*
    block scalar differently from libyaml, and more-indented lines and blank lines are
    where YAML's folding rules are subtle. Anything else: False (the caller declines)."""
    if _BLOCK_SCALAR.search(text) is None:
        return True
    if "\r" in text:
        return False
    lines = text.split("\n")
    depth = 0  # flow collections open before the line
    for i, line in enumerate(lines):
        if _BLOCK_SCALAR.search(line) is not None:
            header = _BLOCK_HEADER.fullmatch(line)
            if (
                header is None
                or depth != 0
                or not _block_body(lines, i, len(header[1] + header[2]))
            ):
                return False
        if depth >= 0:
            bare = _COMMENT.sub("", _QUOTED.sub("", line))
            if "'" in bare or '"' in bare:
                depth = -1  # a quote spans lines: where flow collections stand is not known
            else:
                depth += bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}")
    return True


def _block_body(lines: list[str], header: int, key_column: int) -> bool:
    """Whether the lines after ``lines[header]`` form a simple block body (see above)."""
    body = lines[header + 1] if header + 1 < len(lines) else ""
    indent = len(body) - len(body.lstrip(" "))
    if indent <= key_column or not body.strip():
        return False
    for at_line in range(header + 1, len(lines)):
        line = lines[at_line]
        if not line:
            return at_line == len(lines) - 1  # the end of the text, after a line break
        at = len(line) - len(line.lstrip(" "))
        if at <= key_column:
            return bool(line.strip())  # the next key: the body has ended
        if at != indent or line.endswith(" ") or not line.strip():
            return False
    return False


_MANY_NUMBERS = 2_000
"""Scalars starting like a number past which :func:`_odd_number` looks at distinct lines only."""


def _odd_number(raw: bytes) -> bool:
    """Whether a scalar of ``raw`` starts like a number but is not a plain decimal one.

    The separators, signs, dots and digits are mapped to one letter each and the
    four ways a number can start are found with ``bytes.find`` (C speed): a regular
    expression tried at every position took 0.7 s on a 22 MB file, this 0.05 s.
    A graph with simulation parameters writes numbers by the million (``timeout: 30.0``
    on most dependencies: 1.2 million at 100,000 components, 1.1 s of Python calls),
    but in a few distinct lines: past :data:`_MANY_NUMBERS` only the distinct lines are
    looked at (0.35 s). No scalar looked at spans lines (a line break ends each), and
    each line but the first is still preceded by a line break, so the answer is the same.
    """
    odd = _odd_scalar(raw, _MANY_NUMBERS)
    if odd is None:
        lines = raw.split(b"\n")
        odd = _odd_scalar(b"\n".join([lines[0], *set(islice(lines, 1, None))]), None)
    return bool(odd)


def _odd_scalar(raw: bytes, budget: int | None) -> bool | None:
    """:func:`_odd_number`'s answer, or None once more than ``budget`` scalars start like one."""
    classes = raw.translate(_MARKED)
    for start in _NUMBER_STARTS:
        at = classes.find(start)
        while at >= 0:
            if budget is not None:
                budget -= 1
                if budget < 0:
                    return None
            found = _TOKEN.match(raw, at + 1)
            token = found.group().decode("utf-8").strip() if found else ""
            if (
                " " not in token
                and _PLAIN_NUMBER.fullmatch(token) is None
                and _DURATION.fullmatch(token) is None
            ):
                return True  # 012, 0x1F, 1e3, 1_000, -.5, 2025-01-01, 1:30, ...
            at = classes.find(start, at + 1)
    return False


_DIGITS = "0123456789"
YAML11_IMPLICIT: tuple[tuple[str, str, str], ...] = (
    (
        "bool",
        "yYnNtTfFoO",
        r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
    ),
    (
        "float",
        "-+." + _DIGITS,
        r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
    ),
    (
        "int",
        "-+" + _DIGITS,
        r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
        r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
    ),
    ("merge", "<", r"<<"),
    ("null", "~nN", r"~|null|Null|NULL|"),
    (
        "timestamp",
        _DIGITS,
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)"
        r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
    ),
    ("value", "=", r"="),
    ("yaml", "!&*", r"!|&|\*"),
)
"""YAML 1.1's implicit types (yaml.org/type: bool, float, int, merge, null, timestamp,
value, yaml) as PyYAML's resolver applies them to a plain scalar: (name, the first
characters it is tried for, the pattern a whole scalar matches; the null pattern also
matches the empty scalar). Written here so that a valid file read by yaml-rs imports no
PyYAML; ``tests/test_fastyaml.py`` checks that it classifies every scalar of the
repository and thousands of generated ones exactly as ``yaml.resolver.Resolver`` does."""


IMPLICIT_FIRST_CHARACTERS = frozenset("".join(chars for _, chars, _ in YAML11_IMPLICIT))
"""The characters a plain scalar that YAML 1.1 reads as something else than text can start
with: a scalar starting otherwise is text, without a pattern tried."""


@cache
def _implicit() -> re.Pattern[str]:
    """Every implicit type's pattern, as one (``$`` as PyYAML's own). Each pattern can only
    match a scalar starting with one of the characters it is tried for, so one union
    answers as PyYAML's look-up by first character does. Compiled on first use: only a
    document that is one bare scalar needs it."""
    bodies = "|".join(f"(?:{body})" for name, _, body in YAML11_IMPLICIT if name != "null")
    return re.compile(f"(?:{bodies}|~|null|Null|NULL)$")


def reads_as_text(text: str) -> bool:
    """Whether YAML 1.1 reads the plain scalar ``text`` as text (:data:`YAML11_IMPLICIT`)."""
    if not text:
        return False  # the empty scalar is null
    return text[0] not in IMPLICIT_FIRST_CHARACTERS or _implicit().match(text) is None


def _yaml11_special_in_json() -> re.Pattern[bytes]:
    """A JSON string that YAML 1.1 would read as something else, or a ``<<``/``=`` key.

    Made of the implicit types (:data:`YAML11_IMPLICIT`, the ones the event builder
    applies), each between double quotes. orjson writes a string's text as it is, except
    ``"``, ``\\`` and control characters, which the pre-scan has ruled out or
    which no type matches; between two strings stand only ``:``, ``,``,
    brackets and numbers, which no type matches either (``""`` is a real
    empty string, or an escaped quote: a false alarm at worst).
    """
    body = "|".join(f"(?:{b})" for _, _, b in YAML11_IMPLICIT)
    guard = '(?=[-+.0-9~yYnNtTfFoO<=!&*"])'  # the first characters they allow, checked first
    return re.compile(f'"{guard}(?:{body})"'.encode())


_SPECIAL_STRING = _yaml11_special_in_json()


def _agrees(root: Any) -> bool:
    """Whether data from yaml-rs is what the event builder would have built (see above).

    orjson walks the data in C: it refuses keys that are not text, integers
    beyond 64 bits and nesting deeper than 255 levels (deeper than the builder's
    limit but not past the schema's: nothing so deep validates, and an invalid
    file is parsed again by libyaml, whose located problems are the ones shown).
    """
    try:
        written = orjson.dumps(root)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return False
    return _SPECIAL_STRING.search(written) is None and _shallow(written)


def _shallow(written: bytes) -> bool:
    """Whether the JSON ``written`` nests at most ``MAX_DEPTH`` deep (the builder's limit).

    Its brackets alone, innermost pairs removed once per level (brackets inside
    strings can only leave some unmatched: a decline, never a false yes).
    """
    rest = written.translate(None, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        if not rest:
            return True
        shorter = _PAIR.sub(b"", rest)
        if len(shorter) == len(rest):
            return False
        rest = shorter
    return not rest


def fast_load(text: str) -> Any:
    """The data of the YAML document ``text``, or :data:`DECLINED` (see the module docstring)."""
    if _risky(text):
        return DECLINED
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except (ValueError, RecursionError, OverflowError):  # YAMLDecodeError is a ValueError
        return DECLINED
    if type(data) is str:
        return data if reads_as_text(data) else DECLINED
    if type(data) is dict or type(data) is list:
        return data if _agrees(data) else DECLINED
    return DECLINED  # a bare number, true/false or nothing: rare, let libyaml read it
