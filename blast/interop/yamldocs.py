"""Read a multi-document YAML file (``---`` separated), keeping every value's location.

Backstage descriptor files hold several entities, one YAML document each.
:func:`blast.loading.yamlsource.parse_yaml` reads one document; this splits the
file at its document markers and parses each part with the same bounded, located
builder (duplicate keys reported, aliases and nesting bounded, size limited). Each
part is padded with the lines before it, so every location is the file's own.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from blast.errors import GraphFileError, Location, Problem
from blast.loading.files import FileProblem, inspect, read_bounded
from blast.loading.yamlsource import SourceDocument, decode, parse_yaml

_MARKER = re.compile(r"---(?=\s|$)")


def _parts(text: str) -> list[str]:
    """The documents of ``text``, each padded to keep its line and column numbers."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _MARKER.match(line)]
    bounds = [0, *starts, len(lines)] if 0 not in starts else [*starts, len(lines)]
    parts = []
    for a, b in itertools.pairwise(bounds):
        chunk = lines[a:b]
        if chunk and _MARKER.match(chunk[0]):
            chunk[0] = "   " + chunk[0][3:]  # the marker's columns become blanks
        parts.append("\n" * a + "".join(chunk))
    return parts


def _blank(part: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in part.splitlines())


def read_yaml_documents(path: Path, display: str | None = None) -> list[SourceDocument]:
    """Every document of ``path``; raise :class:`GraphFileError` with located problems."""
    file = display or str(path)
    try:
        inspect(path, streams=True)
        raw = read_bounded(path)
    except FileProblem as exc:
        where = Location(file, 1, 1) if exc.at_start else Location(file)
        raise GraphFileError([Problem(where, exc.message)]) from None
    text = decode(raw, file)
    docs: list[SourceDocument] = []
    problems: list[Problem] = []
    for part in _parts(text):
        if _blank(part):
            continue
        try:
            docs.append(parse_yaml(part.encode("utf-8"), file))
        except GraphFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise GraphFileError(problems)
    if not docs:
        raise GraphFileError([Problem(Location(file, 1, 1), "file is empty")])
    return docs
