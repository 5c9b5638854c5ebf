"""A content-addressed cache of validated graphs, so that an unchanged graph parses no YAML.

An entry is found by the bytes of the files named on the command line (and
their resolved paths, and Blast's version and the source of its model and
loader); it is *used* only if every file of the include tree still has the
bytes it had when the entry was written (each one's SHA-256 digest is listed in
the entry). The graph is stored in an analysis-ready form (per-component columns,
integer edges, and each model's JSON: :mod:`blast.loading.cachepayload`), never
as pickle: a cache file is data, it cannot run code. Reading it back builds no
pydantic model until one is asked for, and each is then validated by the same
models that validate a YAML file.

Entries live in ``$BLAST_CACHE_DIR``, else ``$XDG_CACHE_HOME/blast``, else
``~/.cache/blast``. Writes go to a temporary file in the same directory and are
renamed into place (atomic on POSIX), so concurrent runs never see half an
entry; a truncated or corrupted entry fails its checksum and is ignored. At
most ``MAX_ENTRIES`` are kept (least recently written removed first).

This module imports neither PyYAML nor pydantic: ``blast validate`` on a cached
graph answers from the entry's summary alone, and an analysis that reads only
the columns and edges never imports pydantic.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import blast
from blast.loading.files import STDIN, FileProblem, inspect, max_file_bytes

if TYPE_CHECKING:
    from blast.loading.cachepayload import WrittenItems
    from blast.model.graph import Graph

MAX_ENTRIES = 32
FORMAT = 5
_CODE = (
    "loading/loader.py",
    "loading/crosscheck.py",
    "loading/yamlsource.py",
    "loading/yamlbuild.py",
    "loading/yamlbounds.py",
    "loading/yamlskip.py",
    "loading/fastyaml.py",
    "loading/messages.py",
    "loading/files.py",
    "loading/cache.py",
    "loading/cachepayload.py",
    "loading/items.py",
    "loading/yamlerrors.py",
    "loading/catalogs.py",
    "loading/vouch.py",
    "loading/vouchbulk.py",
    "loading/vouchsim.py",
    "loading/fastgraph.py",
    "loading/fastpass.py",
    "model/spec.py",
    "model/vocabulary.py",
    "model/rules.py",
    "model/dependency.py",
    "model/durations.py",
    "model/graph.py",
    "model/compact.py",
    "model/packedcolumns.py",
    "model/lazymodels.py",
    "model/simparams.py",
    "model/enums.py",
    "model/storedorder.py",
    "analysis/hardorder.py",
    "analysis/setpasses.py",
)


def cache_dir() -> Path:
    """Where entries are kept (see the module docstring)."""
    explicit = os.environ.get("BLAST_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "blast"


def _digest(data: bytes) -> str:
    """SHA-256 (hex): with the CPU's SHA instructions, which OpenSSL uses where present, it
    hashes a 40 MB entry in about 0.03 s where BLAKE2b took 0.07 s on this machine."""
    return hashlib.sha256(data).hexdigest()


def _code_fingerprint() -> str:
    """Blast's version and the source of the code that decides what a graph is."""
    package = Path(blast.__file__).parent
    parts = [f"blast {blast.__version__} format {FORMAT}".encode()]
    for name in _CODE:
        try:
            parts.append((package / name).read_bytes())
        except OSError:
            parts.append(name.encode())
    return _digest(b"\0".join(parts))


def _read(path: Path) -> bytes | None:
    """The bytes of a regular file within the size limit, or None."""
    try:
        if not inspect(path, streams=False).regular:
            return None
        with open(path, "rb") as handle:
            data = handle.read(max_file_bytes() + 1)
    except (FileProblem, OSError):
        return None
    return data if len(data) <= max_file_bytes() else None


def _key(paths: Sequence[str | Path]) -> tuple[str, dict[Path, str]] | None:
    """The entry key of ``paths``, and each one's digest; None if any is not a regular file."""
    if any(str(p) == STDIN for p in paths):
        return None
    roots = []
    for p in paths:
        data = _read(Path(p))
        if data is None:
            return None
        roots.append((Path(p).resolve(), _digest(data)))
    h = hashlib.blake2b(_code_fingerprint().encode(), digest_size=20)
    for path, digest in roots:
        h.update(b"\0" + str(path).encode() + b"\0" + digest.encode())
    return h.hexdigest(), dict(roots)


@dataclass(frozen=True)
class Entry:
    """A cached graph: the files it came from and a summary, the graph on demand."""

    files: tuple[Path, ...]
    summary: dict[str, Any]
    payload: bytes
    path: Path | None = None
    digest: str = ""
    """The payload's digest, as checked when the entry was read (keys stored answers:
    :mod:`blast.cli.answers`)."""

    def graph(self) -> Graph:
        """The :class:`~blast.model.graph.Graph`, its models validated lazily (ValueError if
        the payload is malformed)."""
        from blast.loading.cachepayload import decode

        return decode(self.payload, self.files, self.path)


def lookup(paths: Sequence[str | Path]) -> Entry | None:
    """The entry for ``paths`` if one exists and every file of its include tree is unchanged."""
    keyed = _key(paths)
    if keyed is None:
        return None
    key, roots = keyed
    where = cache_dir() / f"{key}.graph"
    try:
        with open(where, "rb") as handle:  # the header line, then the payload: no 40 MB copy
            head = handle.readline()
            payload = handle.read()
        header = json.loads(head)
        if header.get("format") != FORMAT or header.get("payload") != _digest(payload):
            return None  # truncated, corrupted or from another format: ignore
        files = []
        for name, digest in header["files"]:
            path = Path(name)
            now = roots.get(path)  # a root file was hashed for the key already
            if now is None:
                data = _read(path)
                now = None if data is None else _digest(data)
            if now != digest:
                return None
            files.append(path)
        return Entry(tuple(files), dict(header["summary"]), payload, where, header["payload"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(
    paths: Sequence[str | Path],
    graph: Graph,
    sources: dict[Path, bytes],
    written: tuple[WrittenItems, WrittenItems] | None = None,
) -> Entry | None:
    """Write the entry for ``paths`` and return it as :func:`lookup` would read it back, or
    None (best effort: a cache that cannot be written is skipped).

    ``written`` is :attr:`blast.loading.loader.Checked.written` when at hand (see
    :func:`blast.loading.cachepayload.encode`)."""
    keyed = _key(paths)
    if keyed is None or any(not p.is_absolute() for p in sources):
        return None
    key, _ = keyed
    from blast.loading.cachepayload import encode

    payload = encode(graph, written)
    digest, about = _digest(payload), summary(graph)
    header = {
        "format": FORMAT,
        "payload": digest,
        "files": [[str(path), _digest(data)] for path, data in sources.items()],
        "summary": about,
    }
    where = cache_dir() / f"{key}.graph"
    blob = json.dumps(header).encode() + b"\n" + payload
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".graph")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, where)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(directory)
    except OSError:
        return None
    return Entry(tuple(Path(str(path)) for path in sources), about, payload, where, digest)


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*.graph"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)


def summary(graph: Graph) -> dict[str, Any]:
    """What ``blast validate`` prints about a valid graph."""
    return {
        "components": len(graph.components),
        "groups": len(graph.groups),
        "user_facing": len(graph.user_facing),
    }


def load_graph_cached(paths: Sequence[str | Path]) -> Graph:
    """:func:`blast.loading.loader.load_graph` through the cache."""
    entry = lookup(paths)
    if entry is not None:
        try:
            return entry.graph()
        except ValueError:
            pass  # a malformed payload: load afresh (and overwrite it)
    return load_and_store(paths)[0]


def load_and_store(paths: Sequence[str | Path]) -> tuple[Graph, Entry | None]:
    """Load ``paths`` from their files (no look-up: the caller's missed) and store the entry.

    Returns the graph and the entry written (None if the cache could not be written), so
    that a caller keying something by the entry reads neither the files nor the entry again.
    """
    from blast.errors import GraphFileError
    from blast.loading.loader import check_files

    checked = check_files(paths)
    if checked.graph is None:
        raise GraphFileError(checked.problems)
    return checked.graph, store(paths, checked.graph, checked.sources, checked.written)
