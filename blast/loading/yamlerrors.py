"""libyaml's syntax errors as located problems, with a hint in the user's words.

PyYAML says "mapping values are not allowed in this context"; the user needs
"quote a value that contains `: `". Reader errors (NUL, control characters)
carry a byte offset, turned into line and column here.
"""

from __future__ import annotations

import yaml

from blast.errors import Location, Problem
from blast.loading.files import position_of

_HINTS = (
    ("mapping values are not allowed", "quote a value that contains `: `"),
    ("cannot start any token", "YAML is indented with spaces, not tabs; or quote the value"),
    ("could not find expected ':'", "a key needs `: ` after it; or an unclosed quote?"),
    ("did not find expected ',' or ']'", "a list written `[a, b]` must be closed with `]`"),
    ("did not find expected ',' or '}'", "a mapping written `{a: 1}` must be closed with `}`"),
    ("found undefined tag handle", "remove the tag"),
    ("expected <block end>", "check the indentation of this line"),
)


def syntax_problem(exc: yaml.YAMLError, raw: bytes, file: str) -> Problem:
    """The problem ``exc`` describes, located in ``raw`` (the file's bytes)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = position_of(raw, exc.position)
        code = (
            exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        )
        name = "NUL" if code == 0 else f"control character U+{code:04X}"
        return Problem(
            Location(file, line, column),
            f"{name} is not allowed in a YAML file (only tab, newline and printable text)",
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        hint = next((h for needle, h in _HINTS if needle in detail), "")
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        return Problem(where, f"YAML syntax error: {detail}" + (f" ({hint})" if hint else ""))
    return Problem(Location(file, 1, 1), f"YAML error: {exc}")
