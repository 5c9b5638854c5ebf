"""Which graphs the dashboard may open, and their analysis, cached per content hash.

A graph is named by a *key* that can travel in a URL without letting a visitor
read arbitrary files: ``graphs/…`` for a shipped file, the path given with
``--graph``, or ``upload:<sha256>`` for an uploaded file. Uploads are stored
content-addressed in a directory that every worker process shares, so a link or a
click that lands on another gunicorn worker finds the same file.

Loading goes through the content-addressed loading cache
(:mod:`blast.loading.cache`), so a graph is parsed once per content whatever the
worker; indexing runs once per content hash per process (an LRU of
:class:`Analysed`); a click only reads the cached result.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from blast.analysis import FailureIndex, articulation_points, build_index
from blast.errors import BadInputError, GraphFileError, Location, Problem
from blast.gcpause import gc_paused
from blast.loading.cache import load_graph_cached
from blast.loading.yamlsource import read_yaml
from blast.model.graph import Graph
from blast.report import Spof, shared_spofs

REPO = Path(__file__).resolve().parent.parent
GRAPHS_DIR = REPO / "graphs"
DEFAULT_GRAPH = GRAPHS_DIR / "aws-us-east-1-2025-10-20.yaml"
UPLOAD_PREFIX = "upload:"
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
"""Largest graph file a visitor may upload (``BLAST_DASH_MAX_UPLOAD_BYTES`` overrides).

Far below the loader's own 64 MiB: a shared web app parses uploads for every
visitor, and a graph of 10,000 components is about 2 MB."""
MAX_STORED_UPLOADS = 64
"""Uploads kept on disk; the least recently written are removed beyond this."""
CACHE_SIZE = 8
"""Analysed graphs kept in memory per process."""


def max_upload_bytes() -> int:
    """The upload size limit in force."""
    raw = os.environ.get("BLAST_DASH_MAX_UPLOAD_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else MAX_UPLOAD_BYTES


@dataclass(frozen=True, eq=False)
class Analysed:
    """A loaded graph with everything a click needs, computed once."""

    key: str
    digest: str
    graph: Graph
    index: FailureIndex
    spofs: tuple[Spof, ...]
    articulation: frozenset[str]
    label: str

    @cached_property
    def spof_of(self) -> dict[str, Spof]:
        """SPOF record by component id."""
        return {s.component: s for s in self.spofs}

    @cached_property
    def severity(self) -> dict[str, int]:
        """Place of each component when sorted by blast radius (0 = largest)."""
        rank = self.index.severity_rank
        return {cid: rank[b] for b, cid in enumerate(self.index.ids)}


def analyse(graph: Graph, key: str, digest: str, label: str) -> Analysed:
    """Index ``graph`` and precompute its SPOFs and articulation points."""
    index = build_index(graph)
    with gc_paused():
        index.severity_rank  # noqa: B018  (cached: computed here, not on the first click)
    return Analysed(
        key=key,
        digest=digest,
        graph=graph,
        index=index,
        spofs=shared_spofs(index),
        articulation=frozenset(articulation_points(graph)),
        label=label,
    )


def settle() -> None:
    """Move every object alive now out of reach of the cyclic garbage collector.

    A graph of 10,000 components with its index is about a million long-lived
    objects; each full collection walked them all (0.1 to 0.7 s, at random moments:
    the slowest clicks and a third of an upload's time). The analysis holds no
    reference cycles (checked in ``tests/test_dashboard_units.py``), so its objects
    are still freed by reference counting when the cache drops them;
    :func:`gc.freeze` only stops the collector from re-reading them (the CPython
    documentation's advice for long-lived servers, and before a ``--preload`` fork).
    """
    gc.freeze()


def _digest(files: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class Sources:
    """The graphs this server offers, and the per-process analysis cache.

    Parameters
    ----------
    default
        The graph opened when the URL names none (``--graph``).
    upload_dir
        Where uploads are stored; shared by all workers of one server.
    """

    default: Path = DEFAULT_GRAPH
    upload_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "blast-uploads")
    _cache: OrderedDict[str, Analysed] = field(default_factory=OrderedDict, repr=False)
    _stamps: dict[str, tuple[tuple[int, int], str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def default_key(self) -> str:
        """Key of the default graph."""
        return self._key_of(self.default)

    def _key_of(self, path: Path) -> str:
        resolved = path.resolve()
        try:
            return str(resolved.relative_to(REPO))
        except ValueError:
            return str(resolved)

    def shipped(self) -> list[tuple[str, str]]:
        """``(key, label)`` of the default graph and every shipped graph (catalogs excluded)."""
        return list(self._shipped)

    @cached_property
    def _shipped(self) -> tuple[tuple[str, str], ...]:
        keys = [self.default_key]
        for path in sorted(GRAPHS_DIR.rglob("*.yaml")):
            if "catalog" not in path.relative_to(GRAPHS_DIR).parts:
                key = self._key_of(path)
                if key not in keys:
                    keys.append(key)
        return tuple((k, k.removeprefix("graphs/")) for k in keys)

    def path_of(self, key: str) -> Path:
        """The file behind ``key``; only offered graphs and stored uploads resolve.

        Raises
        ------
        BadInputError
            For any other key (so a URL cannot name an arbitrary file).
        """
        if key.startswith(UPLOAD_PREFIX):
            digest = key.removeprefix(UPLOAD_PREFIX)
            if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
                stored = (self.upload_dir / digest / "graphs").glob("*.yaml")
                found = sorted(p for p in stored if not p.is_symlink())
                if found:
                    return found[0]
            raise BadInputError("that uploaded graph is no longer stored here: upload it again")
        if any(k == key for k, _ in self._shipped):
            return REPO / key if not Path(key).is_absolute() else Path(key)
        raise BadInputError(f"no graph '{key}' on this server")

    def analysed(self, key: str) -> Analysed:
        """The analysis of the graph behind ``key``, from the cache when its files are unchanged.

        Raises
        ------
        GraphFileError, BadInputError
            When the file does not validate or the key is unknown.
        """
        path = self.path_of(key)
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            known = self._stamps.get(key)
            if known and known[0] == stamp and known[1] in self._cache:
                self._cache.move_to_end(known[1])
                return self._cache[known[1]]
        with gc_paused():  # see settle(): no collection walks the half-built heap
            graph = load_graph_cached([path])  # parsed once per content, shared by workers
            if key.startswith(UPLOAD_PREFIX):
                graph = replace(graph, files=(path.name, *graph.files[1:]))
                digest = key.removeprefix(UPLOAD_PREFIX)
            else:
                digest = _digest(graph.files)
            with self._lock:
                result = self._cache.get(digest)
            if result is None:
                label = graph.name or path.name
                result = analyse(graph, key, digest, label)
                settle()
        with self._lock:
            self._cache[digest] = result
            self._cache.move_to_end(digest)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            self._stamps[key] = (stamp, digest)
        return result

    def save_upload(self, filename: str, raw: bytes) -> str:
        """Store an uploaded graph file, validate it, and return its key.

        The file is checked against :func:`max_upload_bytes` before anything
        parses it; its ``include`` entries may name only shipped graphs (they
        resolve as if the file were saved in ``graphs/``), so an upload cannot
        make the server read its other files. Validation is the loader's own,
        with its limits (alias expansion, nesting).

        Raises
        ------
        GraphFileError
            With every problem, located in ``filename``.
        """
        name = safe_name(filename)
        limit = max_upload_bytes()
        if len(raw) > limit:
            raise GraphFileError(
                [
                    Problem(
                        Location(name, 1, 1),
                        f"file is {len(raw):,} bytes; the dashboard takes files up to "
                        f"{limit:,} bytes (use the `blast` command for bigger graphs)",
                    )
                ]
            )
        digest = hashlib.sha256(raw).hexdigest()
        final = self.upload_dir / digest
        if not (final / "graphs" / name).exists():
            self._write_upload(final, name, raw)
        path = final / "graphs" / name
        if may_leave(raw):
            _check_includes(path, name)
        key = UPLOAD_PREFIX + digest
        try:
            self.analysed(key)
        except GraphFileError as exc:
            raise GraphFileError([located_as(p, path, name) for p in exc.problems]) from None
        return key

    def _write_upload(self, final: Path, name: str, raw: bytes) -> None:
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.upload_dir, prefix=".staging-"))
        graphs = staging / "graphs"
        graphs.mkdir()
        for entry in GRAPHS_DIR.iterdir():  # includes such as catalog/aws.yaml resolve here
            (graphs / entry.name).symlink_to(entry)
        (graphs / name).write_bytes(raw)
        try:
            staging.rename(final)
        except OSError:  # another worker stored the same content first
            shutil.rmtree(staging, ignore_errors=True)
        self._evict()

    def _evict(self) -> None:
        stored = [p for p in self.upload_dir.iterdir() if not p.name.startswith(".")]
        if len(stored) <= MAX_STORED_UPLOADS:
            return
        stored.sort(key=lambda p: p.stat().st_mtime)
        for old in stored[: len(stored) - MAX_STORED_UPLOADS]:
            shutil.rmtree(old, ignore_errors=True)


def safe_name(filename: str) -> str:
    base = Path(filename or "upload.yaml").name
    clean = "".join(c if c.isalnum() or c in "._-" else "_" for c in base).lstrip(".")
    if not clean.endswith((".yaml", ".yml")):
        clean += ".yaml"
    if clean in {p.name for p in GRAPHS_DIR.iterdir()}:
        clean = "upload-" + clean
    return clean[-120:]


def located_as(problem: Problem, path: Path, name: str) -> Problem:
    """Show problems of the stored copy under the name the visitor uploaded."""
    loc = problem.location
    stored = {str(path), os.path.relpath(path), str(path.resolve())}
    if loc.file in stored or loc.file.endswith(f"/{name}"):
        loc = Location(name, loc.line, loc.column)
    return Problem(loc, problem.message, problem.key)


_ROOTED = re.compile(rb"(?<![A-Za-z0-9_.])/")
"""A slash that may start a scalar: an absolute path (``://`` of URLs removed first)."""


def may_leave(raw: bytes) -> bool:
    """Whether an ``include`` of ``raw`` could name a file outside the shipped ``graphs/``.

    Only then is the file parsed a second time (:func:`_check_includes`) before the
    loader follows its includes: at 10,000 components that parse is a second or
    more, and most stacks include ``catalog:aws`` or a file beside them. An include
    resolves relative to the upload's own ``graphs/`` folder, so it can leave it only
    through an absolute path or a ``..`` step; YAML can spell those only literally,
    through an escape (``\\x2f``) or through a tag (``!!binary``). So the bytes
    decide: no ``include`` and no escape, or none of those spellings, means nothing
    to check (the loader takes UTF-8 alone, so a byte search sees every character).
    """
    if b"\\" in raw:
        return True  # an escape may spell "include", a slash or dots
    if b"include" not in raw:
        return False
    if b"!" in raw or b"../" in raw or b"/.." in raw:
        return True
    return _ROOTED.search(raw.replace(b"://", b":")) is not None


def _check_includes(path: Path, name: str) -> None:
    """Refuse includes that leave the shipped ``graphs/`` folder.

    Only plain strings pass: pydantic would turn bytes (``!!binary``) into a path
    and a set or tuple into a list, so anything else is refused here, before the
    loader could follow it.
    """
    doc = read_yaml(path, name)
    includes = doc.data.get("include") if isinstance(doc.data, dict) else None
    if includes is None:
        return
    if not isinstance(includes, list):
        where = doc.locate(("include",))
        raise GraphFileError([Problem(where, f"{_ONLY_SHIPPED}: write a list of paths", "include")])
    root = os.path.normpath(path.parent)
    bad = []
    for i, rel in enumerate(includes):
        if isinstance(rel, str):
            target = os.path.normpath(os.path.join(root, rel))
            if not Path(rel).is_absolute() and target.startswith(root + os.sep):
                continue
        shown = rel if isinstance(rel, str) else f"a {type(rel).__name__} value"
        bad.append(
            Problem(doc.locate(("include", i)), f"{_ONLY_SHIPPED}, not '{shown}'", f"include[{i}]")
        )
    if bad:
        raise GraphFileError(bad)


_ONLY_SHIPPED = "an uploaded file may include only the shipped graphs (e.g. catalog/aws.yaml)"
