"""Read the bytes of a graph file safely: bounded, never from a device, located errors.

A graph file can be a regular file, standard input (``-``), or a pipe the shell
made (``/dev/stdin``, ``<(cat g.yaml)``, which are ``/dev/fd/N``). Whatever it is,
at most :func:`max_file_bytes` plus one byte is read, so ``/dev/zero`` or an
endless pipe cannot exhaust memory; character and block devices and sockets are
refused unread, and so are pipes named as *includes* (opening a FIFO without a
writer would block forever). Every refusal is a :class:`~blast.errors.Problem`
located at the file, or at the ``include`` entry that named it.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from blast.errors import BadInputError, GraphFileError, Location, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Default size limit of a graph file; ``BLAST_MAX_FILE_BYTES`` in the environment overrides it."""
STDIN = "-"
"""The path that means standard input."""
STDIN_DISPLAY = "<stdin>"


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    if str(path) == STDIN:
        return STDIN_DISPLAY
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def max_file_bytes() -> int:
    """The size limit in force: ``BLAST_MAX_FILE_BYTES`` if set, else ``MAX_FILE_BYTES``."""
    raw = os.environ.get("BLAST_MAX_FILE_BYTES")
    if raw is None:
        return MAX_FILE_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadInputError(f"BLAST_MAX_FILE_BYTES must be a positive whole number, not {raw!r}")
    return value


class FileProblem(Exception):
    """A file cannot be read; carries the message, located by the caller."""

    def __init__(self, message: str, *, at_start: bool = False):
        super().__init__(message)
        self.message = message
        self.at_start = at_start


@dataclass(frozen=True)
class FileKind:
    """What a path names, found with ``stat`` (which never blocks, unlike ``open``)."""

    regular: bool
    stream: bool
    identity: Path


def _kind_name(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "not a regular file"


def inspect(path: Path, *, streams: bool) -> FileKind:
    """Check that ``path`` can be read as a graph file, without opening it.

    ``streams`` allows pipes (standard input, ``<(...)``): a file named on the
    command line may be one, an include may not. Raises :class:`FileProblem`.
    """
    if str(path) == STDIN:
        if not streams:
            raise FileProblem("standard input ('-') can only be named on the command line")
        return FileKind(regular=False, stream=True, identity=Path(STDIN))
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileProblem("is a symbolic link that loops back on itself") from None
        if exc.errno == errno.ENOENT:
            raise FileProblem("no such file") from None
        raise FileProblem(f"cannot read: {exc.strerror}") from None
    except (RuntimeError, ValueError) as exc:  # resolve() loops; embedded NUL in a path
        raise FileProblem(f"cannot read: {exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem("is a directory, not a graph file")
    if stat.S_ISREG(info.st_mode):
        try:
            identity = path.resolve()
        except (OSError, RuntimeError):
            raise FileProblem("is a symbolic link that loops back on itself") from None
        limit = max_file_bytes()
        if info.st_size > limit:
            raise FileProblem(
                f"file is {info.st_size:,} bytes; the limit is {limit:,} "
                "(set BLAST_MAX_FILE_BYTES to change it)",
                at_start=True,
            )
        return FileKind(regular=True, stream=False, identity=identity)
    if stat.S_ISFIFO(info.st_mode) and streams:
        # /dev/stdin and /dev/fd/N resolve to "pipe:[N]": keep the name the user gave.
        return FileKind(regular=False, stream=True, identity=Path(os.path.abspath(path)))
    what = _kind_name(info.st_mode)
    raise FileProblem(
        f"is {what}, not a graph file; only regular files (or a pipe given on the "
        "command line, such as '-') can be read"
    )


_read_from_stdin: list[bytes] = []
"""What this process read from standard input (at most one item): standard input can
be read once, and a command that reads a graph's files again (``blast check`` to
locate its violations, ``blast report`` for the description) gets the same bytes."""


def read_bounded(path: Path) -> bytes:
    """The bytes of ``path`` (or standard input for ``-``), refusing more than the limit.

    The limit is enforced on what is read, not on the size the file claims.
    Standard input is read once; a second call returns what the first one read.
    """
    limit = max_file_bytes()
    try:
        if str(path) == STDIN:
            if not _read_from_stdin:
                _read_from_stdin.append(sys.stdin.buffer.read(limit + 1))
            raw = _read_from_stdin[0]
        else:
            with open(path, "rb") as handle:
                raw = handle.read(limit + 1)
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise FileProblem(
            f"more than {limit:,} bytes; the limit is {limit:,} "
            "(set BLAST_MAX_FILE_BYTES to change it)",
            at_start=True,
        )
    return raw


def read_again(file: str) -> bytes:
    """The bytes of a graph file named as :attr:`Graph.files <blast.model.graph.Graph.files>`
    names it (standard input is shown as ``<stdin>``), read again for a second look."""
    return read_bounded(Path(STDIN if file == STDIN_DISPLAY else file))


def decode(raw: bytes, file: str) -> str:
    """``raw`` as UTF-8 text, or a problem at the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position_of(raw, exc.start)
        message = (
            f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file as UTF-8"
        )
        raise GraphFileError([Problem(Location(file, line, column), message)]) from None


def position_of(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``offset`` in ``raw``."""
    offset = max(0, min(offset, len(raw)))
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column
