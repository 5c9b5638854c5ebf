"""What every command shares: bounded output, JSON writing, tables, escaping, the header.

Output stays small at any graph size: every list is cut to ``--top N`` items and
comes with its total count; ``--full`` prints complete lists, *streamed*: a long
list is written item by item as it is produced, never assembled into one giant
object first. JSON is serialised by orjson (native code) from shallow dicts.

Text output never prints a user's string raw: names and titles may hold
terminal escapes or newlines, which :func:`clean` shows escaped.

Heavy libraries (the analysis, orjson, the loader) are imported inside the
functions that use them, so that ``blast --help`` and ``blast validate`` start
fast: ``blast --help`` imports argparse and the command modules only
(tests/test_startup.py checks it).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

if TYPE_CHECKING:
    from blast.model.graph import Graph


def add_graph_argument(
    parser: argparse.ArgumentParser,
    *,
    many: bool = False,
    metavar: str = "FILE",
    text: str = "graph file (- reads standard input)",
) -> None:
    """The graph file argument(s) of a command, and ``--no-cache``."""
    if many:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="graph files (includes followed; - is stdin)"
        )
    else:
        parser.add_argument("file", metavar=metavar, help=text)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="parse the YAML even if the cache holds this graph, and store nothing",
    )


def graph_files(args: argparse.Namespace) -> list[str]:
    """The graph files named by :func:`add_graph_argument`."""
    files = getattr(args, "files", None)
    return list(files) if files else [args.file]


def load_graph_arg(args: argparse.Namespace) -> Graph:
    """Load the graph named on the command line (through the cache unless ``--no-cache``)."""
    if not args.no_cache:  # straight to the cache: a warm run imports no YAML parser
        from blast.loading.cache import load_graph_cached

        graph = load_graph_cached(graph_files(args))
    else:
        from blast.loading.loader import load_graph

        graph = load_graph(graph_files(args))
    from blast.cli import KEEP_UNTIL_EXIT

    KEEP_UNTIL_EXIT.append(graph)  # freed by the operating system at exit (see exit_fast):
    return graph  # freeing a 100,000-component graph object by object took 0.6-1 s


DEFAULT_TOP = 20
"""Items per list unless ``--top`` or ``--full`` says otherwise."""


def clean(text: str) -> str:
    """``text`` with control and format characters escaped (``\\x1b``, ``\\n``, ``\\u202e``),
    so that a name cannot move the cursor, recolour the terminal or fake a line."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif unicodedata.category(ch) == "Zs":  # a space other than U+0020
            out.append(" ")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def table(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> str:
    """Left-aligned text table (numbers right-aligned), indented by two spaces."""
    cells = [[clean(str(row[c])) for c in columns] for row in rows]
    if not cells:
        return "  (none)"
    numeric = [all(_is_number(r[i]) for r in cells) for i in range(len(columns))]
    widths = [max(len(columns[i]), *(len(r[i]) for r in cells)) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return ("  " + "  ".join(parts)).rstrip()

    return "\n".join([line(columns), *(line(r) for r in cells)])


def _is_number(text: str) -> bool:
    return text.lstrip("-").isdigit()


def more(shown: int, total: int) -> str:
    """The line under a cut list: how many were left out and how to see them."""
    if total <= shown:
        return ""
    return f"  ... {total - shown} more (--top N to show more, --full for all)"


def more_lines(shown: int, total: int) -> list[str]:
    """:func:`more` as a list of zero or one line."""
    line = more(shown, total)
    return [line] if line else []


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def header(graph: Graph) -> str:
    from blast.loading.catalogs import shown_files

    title = clean(graph.name or (graph.files[0] if graph.files else ""))
    return (
        f"{title}\n{count(len(graph.components), 'component')}, "
        f"{count(len(graph.groups), 'redundancy group')}, "
        f"{len(graph.user_facing)} user-facing  ({', '.join(map(clean, shown_files(graph.files)))})"
    )


def whole_number(text: str, minimum: int = 0) -> int:
    """An argparse value: a whole number, at least ``minimum`` (a clear message otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < minimum:
        least = "0 or more" if minimum == 0 else f"at least {minimum}"
        raise argparse.ArgumentTypeError(f"must be {least}, not {value}")
    return value


def positive_int(text: str) -> int:
    """An argparse value: a whole number, at least 1."""
    return whole_number(text, 1)


def add_command(
    sub: argparse._SubParsersAction,
    name: str,
    *,
    help: str,
    description: str,
    run: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """Add the command ``blast NAME`` that runs ``run(args)``; returns its parser for options."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help, description=description)
    parser.set_defaults(run=run)
    return parser


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--json``, ``--top N`` and ``--full``, the same for every analysis command."""
    parser.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    parser.add_argument(
        "--top",
        type=positive_int,
        default=DEFAULT_TOP,
        metavar="N",
        help=f"items per list, in text and JSON ({DEFAULT_TOP})",
    )
    parser.add_argument(
        "--full", action="store_true", help="complete lists instead of the top N (streamed)"
    )


def limit(args: argparse.Namespace) -> int | None:
    """Items per list: ``--top``, or None (no limit) with ``--full``."""
    return None if args.full else int(args.top)


def head(items: Iterable[Any], n: int | None) -> list[Any]:
    """The first ``n`` items (all with None)."""
    return list(items) if n is None else list(islice(items, n))


class Stream(NamedTuple):
    """A JSON array written item by item: ``items`` is consumed once, lazily.

    (A named tuple, immutable like a frozen dataclass, without importing
    :mod:`dataclasses` for ``--help``.)"""

    items: Iterable[Any]


class _TextSink:
    """Bytes to a text stream without a binary buffer (an ``io.StringIO`` in tests)."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8"))

    def flush(self) -> None:
        self.stream.flush()


def _stdout() -> BinaryIO | _TextSink:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    return buffer if buffer is not None else _TextSink(sys.stdout)


def emit_bytes(data: bytes) -> None:
    """Print ``data``, text already encoded as UTF-8 (no decoding and encoding it again)."""
    out = _stdout()
    out.write(data)
    out.flush()


def emit_json(data: Mapping[str, Any]) -> None:
    """Print ``data`` (a shallow dict of plain values) as indented JSON."""
    import orjson

    out = _stdout()
    out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    out.flush()


def emit_json_stream(data: Mapping[str, Any]) -> None:
    """Print ``data`` as JSON, writing each :class:`Stream` value item by item.

    The result is one JSON object, as :func:`emit_json` writes, with the items of
    a streamed array one per line; memory stays that of one item.
    """
    out = _stdout()
    for chunk in _chunks(data):
        out.write(chunk)
    out.flush()


def _chunks(data: Mapping[str, Any]) -> Iterator[bytes]:
    import orjson

    yield b"{"
    for i, (key, value) in enumerate(data.items()):
        yield (b",\n  " if i else b"\n  ") + orjson.dumps(key) + b": "
        if isinstance(value, Stream):
            separator = b"[\n    "
            for item in value.items:
                yield separator + orjson.dumps(item)
                separator = b",\n    "
            yield b"[]" if separator.startswith(b"[") else b"\n  ]"
        else:
            yield orjson.dumps(value)
    yield b"\n}\n"
