"""Stored answers of the analysis commands: a repeated run on an unchanged graph prints
what the first one printed, without analysing again.

``blast spof``, ``radius``, ``exposure``, ``check``, ``report`` and ``export`` are
deterministic: what they print, and their exit code, depend only on the graph, the
other files they read, the command's options, the working directory (file names are
shown relative to it) and Blast's code. When the graph comes through the cache
(:mod:`blast.loading.cache`: every file of its include tree has the bytes it had when
the entry was written), the command's standard output and exit code are stored beside
the graph's entry, under a key made of

* the digest of the entry's payload (the validated graph itself) and the entry's
  file paths,
* the bytes of every other file the command reads, each by its path as given (or
  that it does not exist): ``check --policy`` and ``--baseline``, ``report
  --scenario`` and ``--figures``,
* the digest of every Python source file of the ``blast`` package and Python's
  version (any change of code, even one that should not change an answer, is a
  new key),
* the command and every option as parsed, the working directory and standard
  output's encoding.

A later run with the same key writes the stored bytes and exits with the stored code:
the same output byte for byte (tests/test_answers.py and tests/test_answers_files.py
compare stored and computed runs). Only a run that exits 0 or 1 (``check``: a rule is
broken, which is an answer too) and writes nothing to standard error is stored, and
only when its output is at most :data:`MAX_BYTES` (a ``--full`` listing or an export of
a large graph is recomputed and streamed each time), and when the other files it read
have the same bytes after the run as before. Entries are written like the graph's
(temporary file, then an atomic rename; a checksum in the header, so a truncated or
corrupted one is ignored); at most :data:`MAX_ANSWERS` are kept. ``--no-cache``
bypasses stored answers as it bypasses stored graphs.

A run that writes a file (``check --junit FILE`` or ``--update-baseline``, ``report
-o FILE``, ``export -o FILE``: anything but standard output) is always computed,
never served from nor kept in the store: its files are written by the command
itself, every time, as without stored answers. So is a run whose other input is
standard input (``-``), which cannot be read twice, and a ``report`` that runs its
what-ifs in other processes (``--workers`` above 1, ``--scheduler``), whose output
the store would not see whole if one of them printed.

Why whole outputs rather than intermediate results: the analysis's largest
intermediate result, the killer sets, holds 40 M component pairs at 100,000
components (83 MB serialised, 0.35-0.65 s to read back), where a command's
bounded output is a few kilobytes.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from blast.loading.cache import Entry
    from blast.model.graph import Graph

FORMAT = 2
MAX_BYTES = 16_000_000
"""Largest output stored (bytes); a longer one is printed and not kept."""
MAX_ANSWERS = 128
"""Stored answers kept in the cache directory (least recently written removed first)."""
SUFFIX = ".answer"
ANSWER_CODES = (0, 1)
"""Exit codes that are answers (``check`` exits 1 when a rule is broken); 2 is bad input."""


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


@cache
def code_digest() -> str | None:
    """Digest of every ``.py`` file of the ``blast`` package (None if none is found, e.g.
    an install without sources: then nothing is stored)."""
    import blast

    root = Path(blast.__file__).parent
    h = hashlib.blake2b(f"{sys.version}\0{blast.__version__}".encode(), digest_size=20)
    found = False
    for path in sorted(root.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:
            return None
        h.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0" + data)
        found = True
    return h.hexdigest() if found else None


def input_digests(paths: Sequence[str]) -> list[tuple[str, str]] | None:
    """``(path, digest of its bytes)`` of each file, ``absent`` for one that does not exist;
    None when one cannot be keyed (standard input, an unreadable file): then nothing is
    stored or served."""
    digests = []
    for path in paths:
        if path == "-":
            return None
        try:
            digests.append((path, _digest(Path(path).read_bytes())))
        except FileNotFoundError:
            digests.append((path, "absent"))
        except OSError:
            return None
    return digests


def answer_key(
    entry: Entry, args: argparse.Namespace, inputs: Sequence[tuple[str, str]] = ()
) -> str | None:
    """The key of the answer to ``args`` on ``entry``'s graph, the other files read having
    the digests ``inputs`` (from :func:`input_digests`; see the module docstring)."""
    code = code_digest()
    if code is None:
        return None
    options = {k: v for k, v in vars(args).items() if not callable(v)}
    parts = {
        "format": FORMAT,
        "code": code,
        "graph": entry.digest or _digest(entry.payload),
        "files": [str(p) for p in entry.files],
        "cwd": os.getcwd(),
        "options": options,
        "inputs": [list(pair) for pair in inputs],
        # text output's bytes depend on how standard output encodes it
        "stdout": [getattr(sys.stdout, "encoding", None), getattr(sys.stdout, "errors", None)],
    }
    text = json.dumps(parts, sort_keys=True, default=repr)
    return _digest(text.encode())


def _where(key: str) -> Path:
    from blast.loading.cache import cache_dir

    return cache_dir() / f"{key}{SUFFIX}"


def read(key: str) -> tuple[int, bytes] | None:
    """The exit code and output stored under ``key``, or None (missing, truncated or
    corrupted)."""
    try:
        blob = _where(key).read_bytes()
        head, _, body = blob.partition(b"\n")
        header = json.loads(head)
        if header.get("format") != FORMAT or header.get("digest") != _digest(body):
            return None
        code = header.get("code")
        return (code, body) if code in ANSWER_CODES and type(code) is int else None
    except (OSError, ValueError, AttributeError):
        return None


def write(key: str, output: bytes, code: int = 0) -> None:
    """Store ``output`` and the exit code under ``key`` (best effort: a cache that cannot be
    written is skipped)."""
    header = {"format": FORMAT, "digest": _digest(output), "code": code}
    blob = json.dumps(header).encode() + b"\n" + output
    import tempfile  # only a run that stores pays for it

    where = _where(key)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, where)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(where.parent)
    except OSError:
        return


def _prune(directory: Path) -> None:
    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    stored = sorted(directory.glob(f"*{SUFFIX}"), key=age, reverse=True)
    for old in stored[MAX_ANSWERS:]:
        old.unlink(missing_ok=True)


class _Tee(io.BufferedIOBase):
    """Passes bytes on to ``out`` and keeps a copy of the first :data:`MAX_BYTES`."""

    def __init__(self, out: BinaryIO | None) -> None:
        super().__init__()
        self.out = out
        self.parts: list[bytes] = []
        self.size = 0
        self.whole = True

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.out is not None:
            self.out.write(chunk)
        if self.whole:
            self.size += len(chunk)
            if self.size > MAX_BYTES:
                self.whole, self.parts = False, []
            else:
                self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        if self.out is not None:
            self.out.flush()


def _recorded(run: Callable[[], int]) -> tuple[int, bytes | None]:
    """Run ``run`` with standard output copied: its exit code, and what it printed if the run
    can be stored (exit code in :data:`ANSWER_CODES`, nothing on standard error, output
    within :data:`MAX_BYTES`)."""
    real_out, real_err = sys.stdout, sys.stderr
    buffer = getattr(real_out, "buffer", None)
    if buffer is None:  # a text-only stream (some embedding): run without storing
        return run(), None
    sys.stdout.flush()
    out = _Tee(buffer)
    err = _Tee(getattr(real_err, "buffer", None))  # passed on at once, and noticed
    sys.stdout = io.TextIOWrapper(
        out,
        encoding=getattr(real_out, "encoding", None) or "utf-8",
        errors=getattr(real_out, "errors", None) or "strict",
        line_buffering=bool(getattr(real_out, "line_buffering", False)),
        write_through=True,
    )
    err_encoding = getattr(real_err, "encoding", None) or "utf-8"
    sys.stderr = io.TextIOWrapper(
        err,
        encoding=err_encoding,
        errors=getattr(real_err, "errors", None) or "backslashreplace",
        write_through=True,
    )
    try:
        code = run()
        sys.stdout.flush()
    finally:
        wrapper_out, wrapper_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = real_out, real_err
        for wrapper in (wrapper_out, wrapper_err):
            with contextlib.suppress(OSError, ValueError):
                wrapper.detach()  # never closes the real stream
        if err.size and err.out is None:  # a text-only standard error: passed on now
            real_err.write(b"".join(err.parts).decode(err_encoding, "replace"))
    stored = code in ANSWER_CODES and out.whole and not err.size
    return code, b"".join(out.parts) if stored else None


def run_with_answers(
    args: argparse.Namespace, files: list[str], run: Callable[[Graph], int]
) -> int:
    """Run ``run`` on the graph of ``files`` (as :func:`blast.cli.common.load_graph_arg` loads
    it), or print its stored answer (see the module docstring)."""
    return answered(args, files, lambda load: run(load()))


def answered(
    args: argparse.Namespace,
    files: list[str],
    compute: Callable[[Callable[[], Graph]], int],
    *,
    inputs: Sequence[str] = (),
    writes: bool = False,
) -> int:
    """Print the stored answer of the command ``args`` on the graph of ``files``, or run
    ``compute`` and store what it prints (see the module docstring).

    ``compute`` gets a function that loads the graph (once), so that it checks its
    options and reads its other files before the graph, as without stored answers;
    ``inputs`` are those files (their bytes join the key); ``writes``: the run writes a
    file, and is always computed."""
    from blast.cli.common import load_graph_arg

    before = None if args.no_cache or writes else input_digests(inputs)
    if before is None:
        return compute(lambda: load_graph_arg(args))
    from blast.loading.cache import load_and_store, lookup

    entry = lookup(files)
    key = None if entry is None else answer_key(entry, args, before)
    if key is not None:
        stored = read(key)
        buffer = getattr(sys.stdout, "buffer", None)
        if stored is not None and buffer is not None:
            sys.stdout.flush()
            buffer.write(stored[1])
            buffer.flush()
            return stored[0]

    def load() -> Graph:
        nonlocal entry, key
        graph = None
        if entry is not None:
            try:
                graph = entry.graph()
            except ValueError:
                entry = key = None  # a malformed entry: loaded afresh below, and rewritten
        if graph is None:
            graph, entry = load_and_store(files)  # the answer is stored beside the new entry
            key = None if entry is None else answer_key(entry, args, before)
        from blast.cli import KEEP_UNTIL_EXIT

        KEEP_UNTIL_EXIT.append(graph)  # freed by the operating system at exit (see exit_fast)
        return graph

    code, output = _recorded(lambda: compute(load))
    if output is not None and key is not None and input_digests(inputs) == before:
        write(key, output, code)
    return code


__all__ = [
    "ANSWER_CODES",
    "MAX_ANSWERS",
    "MAX_BYTES",
    "answer_key",
    "answered",
    "code_digest",
    "input_digests",
    "read",
    "run_with_answers",
    "write",
]
