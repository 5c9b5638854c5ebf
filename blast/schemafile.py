"""The committed JSON Schema files: one way to frame, print and write them.

Blast commits three schemas generated from its pydantic models, so that editors
(yaml-language-server) and other tools can check files without Blast:
``docs/graph.schema.json`` (:mod:`blast.loading.schema`),
``docs/scenario.schema.json`` (:mod:`blast.sim.schema`) and
``docs/report.schema.json`` (:mod:`blast.reports.schema`). Each module builds its
schema; this one gives them the same frame (draft 2020-12, ``$id``, title and
description first), the same text (two-space indent, trailing newline) and the
same command line, ``python -m MODULE [PATH]``: write to PATH, or print.
Tests compare the committed files with :func:`schema_text`, so they cannot drift.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of every generated schema."""


def framed(
    schema: dict[str, Any], *, schema_id: str, title: str, description: str
) -> dict[str, Any]:
    """``schema`` with the dialect, ``$id``, ``title`` and ``description`` in front.

    pydantic's own ``title`` and ``description`` of the root model are replaced.
    """
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {"$schema": DRAFT, "$id": schema_id, "title": title, "description": description,
            **body}  # fmt: skip


def schema_text(schema: dict[str, Any], *, sort_keys: bool = True) -> str:
    """The schema as committed: two-space indent, UTF-8 as is, a trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n"


def main(module: str, text: Callable[[], str], argv: list[str] | None = None) -> int:
    """``python -m MODULE [PATH]``: write ``text()`` to PATH, or print it; exit 2 on misuse."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print(f"usage: python -m {module} [PATH]", file=sys.stderr)
        return 2
    if args:
        Path(args[0]).write_text(text(), encoding="utf-8")
    else:
        sys.stdout.write(text())
    return 0
