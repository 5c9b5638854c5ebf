"""Catalogs shipped with Blast, includable by name: ``include: [catalog:aws]``.

A catalog is a set of graph files inside the package (``blast/catalogs/<name>/``),
so a user's stack can include it on a fresh install without a path into the
repository. ``catalog:aws`` names the file ``blast/catalogs/aws/index.yaml``;
``catalog:aws/us-west-2`` names ``blast/catalogs/aws/us-west-2.yaml`` when there is
one. Everything else in an ``include`` list (and every file named on the command
line) is a path, relative to the including file (or to the working directory).

Id prefixes keep a user's ids apart from a catalog's: every id of
``catalog:aws`` starts with ``aws.``; a user's own components should start with a
prefix of their own (``acme.checkout``). :func:`duplicate_id_hint` says so when two
files define the same id.

Examples
--------
>>> resolve_include(Path("graphs"), "catalog:aws").name
'index.yaml'
>>> resolve_include(Path("graphs"), "catalog/aws.yaml")
PosixPath('graphs/catalog/aws.yaml')
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import blast.catalogs

SCHEME = "catalog:"
CATALOG_ROOT = Path(blast.catalogs.__file__).resolve().parent
"""Where the shipped catalogs live (inside the installed package)."""

RESERVED_PREFIXES = {"aws.": "catalog:aws"}
"""Id prefixes that belong to a shipped catalog, and the catalog's include name."""


class CatalogNotFoundError(ValueError):
    """Raised by :func:`resolve_include` for a ``catalog:`` name no catalog has."""


def available() -> tuple[str, ...]:
    """Every includable catalog name, e.g. ``('catalog:aws', 'catalog:aws/us-east-1', ...)``."""
    names = []
    for folder in sorted(p for p in CATALOG_ROOT.iterdir() if (p / "index.yaml").is_file()):
        names.append(f"{SCHEME}{folder.name}")
        names += [
            f"{SCHEME}{folder.name}/{f.stem}"
            for f in sorted(folder.glob("*.yaml"))
            if f.name != "index.yaml"
        ]
    return tuple(names)


def catalog_path(name: str) -> Path:
    """The file a catalog name (with or without ``catalog:``) stands for.

    Raises
    ------
    CatalogNotFoundError
        If no shipped catalog has that name; the message lists close names.
    """
    bare = name.removeprefix(SCHEME).strip()
    head, _, part = bare.partition("/")
    path = CATALOG_ROOT / head / (f"{part}.yaml" if part else "index.yaml")
    safe = head and "/" not in part and not head.startswith(".") and not part.startswith(".")
    if safe and path.is_file():
        return path
    names = available()
    close = difflib.get_close_matches(f"{SCHEME}{bare}", names, n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    shown = [n for n in names if "/" not in n] or ["(none)"]
    raise CatalogNotFoundError(
        f"no shipped catalog '{SCHEME}{bare}'{hint}; catalogs: {', '.join(shown)} "
        f"(`blast catalog` lists their ids)"
    )


def resolve_include(base: Path, entry: str | Path) -> Path:
    """Where an ``include`` entry (or a file named on the command line) points.

    ``catalog:NAME`` is a shipped catalog (:func:`catalog_path`); anything else is a
    path relative to ``base`` (the including file's folder, or the working directory).
    """
    text = str(entry)
    if text.startswith(SCHEME):
        return catalog_path(text)
    return base / entry


def duplicate_id_hint(node_id: str) -> str:
    """What to tell a user whose id is defined twice: the prefix convention."""
    for prefix, catalog in RESERVED_PREFIXES.items():
        if node_id.startswith(prefix):
            return (
                f"; ids starting with '{prefix}' belong to {catalog}: give your own "
                "components a prefix of your own (e.g. 'acme.') so they never collide"
            )
    return "; every id must be unique across included files (prefix your own, e.g. 'acme.')"


def shown_files(files: Sequence[str]) -> list[str]:
    """File names for people: a catalog's many files shown once, by their include name.

    >>> shown_files(["stack.yaml", str(CATALOG_ROOT / "aws" / "index.yaml")])
    ['stack.yaml', 'catalog:aws']
    """
    out: list[str] = []
    for name in files:
        path = Path(name).resolve()
        if path.is_relative_to(CATALOG_ROOT):
            head = path.relative_to(CATALOG_ROOT).parts[0]
            if path.parent.parent != CATALOG_ROOT:  # a part: shown through its entry file
                if any(n.startswith(f"{SCHEME}{head}") for n in out):
                    continue
                name = f"{SCHEME}{head}"
            else:
                name = f"{SCHEME}{head}" + ("" if path.stem == "index" else f"/{path.stem}")
        if name not in out:
            out.append(name)
    return out
