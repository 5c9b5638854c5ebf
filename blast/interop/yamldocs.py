"""Read a multi-document YAML file (``---`` separated), keeping every value's location.

Backstage descriptor files hold several entities, one YAML document each.
:func:`blast.loading.yamlsource.read_yaml` reads one document; this reads them
all with the same bounded, located builder (duplicate keys reported, aliases
bounded, size limited), one :class:`SourceDocument` per document.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from blast.errors import GraphFileError, Location, Problem
from blast.loading import yamlsource
from blast.loading.yamlsource import SourceDocument


def read_yaml_documents(path: Path, display: str | None = None) -> list[SourceDocument]:
    """Every document of ``path``; raise :class:`GraphFileError` with located problems."""
    file = display or str(path)
    try:
        size = path.stat().st_size
        if size > yamlsource.max_file_bytes():
            raise GraphFileError(
                [Problem(Location(file, 1, 1), f"file is {size:,} bytes; over the limit")]
            )
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise GraphFileError([Problem(Location(file), f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise GraphFileError(
            [Problem(Location(file), f"not UTF-8 (byte {exc.start}); save the file as UTF-8")]
        ) from None
    try:
        nodes = list(yaml.compose_all(text, Loader=yamlsource._LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise GraphFileError(
            [Problem(yamlsource._location(file, mark), f"YAML syntax error: {detail}")]
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise GraphFileError([Problem(Location(file), f"YAML error: {exc}")]) from None
    docs = []
    problems: list[Problem] = []
    for node in nodes:
        if node is None:
            continue
        builder = yamlsource._Builder(file)
        written = yamlsource._written_size(node)
        budget = yamlsource.EXPANSION_FACTOR * written
        builder.budget = max(yamlsource.MIN_EXPANSION_BUDGET, budget)
        try:
            data = builder.build(node, ())
        except yamlsource._TooBig as exc:
            where = yamlsource._location(file, exc.node.start_mark)
            problems.append(Problem(where, "document too large or too deeply nested"))
            continue
        problems.extend(builder.problems)
        docs.append(SourceDocument(file, data, builder.value_marks, builder.key_marks))
    if problems:
        raise GraphFileError(problems)
    if not docs:
        raise GraphFileError([Problem(Location(file, 1, 1), "file is empty")])
    return docs
