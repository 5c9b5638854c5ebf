"""Regenerate the generated blocks of the docs, so that they show what the code does now.

A generated block sits between two markers and is replaced whole; the rest of a
document is hand-written:

* ``<!-- help:NAME -->`` … ``<!-- /help:NAME -->``: the ``--help`` text of ``blast``
  (NAME ``blast``) or of a command (``spof``, …), formatted 100 columns wide so that
  it does not depend on the terminal;
* ``<!-- json:NAME -->`` … ``<!-- /json:NAME -->``: the ``--json`` output of a
  command run for real on ``graphs/examples/shop.yaml``;
* ``<!-- file:PATH -->`` … ``<!-- /file:PATH -->``: a file of the repository, quoted;
* ``<!-- run:NAME -->`` … ``<!-- /run:NAME -->``: the text output of the command
  ``RUNS[NAME]``, run for real, so that the figures the README quotes cannot drift.

``python -m blast.docgen`` rewrites ``docs/cli.md``, ``docs/schema.md`` and
``README.md`` in place; ``--check`` only reports stale files (exit 1). Run it from a checkout.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import re
import sys
from pathlib import Path

from blast import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "cli.md", ROOT / "docs" / "schema.md", ROOT / "README.md")
WIDTH = 100
EXAMPLE_GRAPH = "graphs/examples/shop.yaml"
EXAMPLE_SCENARIO = "graphs/scenarios/shop-region-failover.yaml"
EXAMPLES = {
    "validate": ["validate", EXAMPLE_GRAPH, "--json"],
    "spof": ["spof", EXAMPLE_GRAPH, "--json"],
    "radius": ["radius", EXAMPLE_GRAPH, "orders-use1", "--json"],
    "exposure": ["exposure", EXAMPLE_GRAPH, "--region", "us-east-1", "--json"],
    "simulate": ["simulate", EXAMPLE_GRAPH, "--scenario", EXAMPLE_SCENARIO, "--json"],
    "explain": [
        "explain",
        EXAMPLE_GRAPH,
        "--scenario",
        EXAMPLE_SCENARIO,
        "checkout",
        "--at",
        "2025-10-20T00:00:30-07:00",
        "--json",
    ],
    "catalog": ["catalog", "aws/us-east-1", "--search", "acm", "--json"],
    "race": ["race", "--runs", "90", "--seed", "1", "--json"],
}
"""The command line of each JSON example (without ``blast``)."""

REFERENCE_GRAPH = "graphs/aws-us-east-1-2025-10-20.yaml"
RUNS = {
    "spof-reference": ["spof", REFERENCE_GRAPH, "--top", "5"],
    "exposure-reference": ["exposure", REFERENCE_GRAPH, "--region", "us-east-1", "--top", "5"],
}
"""The command line of each quoted text output (without ``blast``)."""

_BLOCK = re.compile(r"<!-- (help|json|file|run):(\S+) -->\n.*?<!-- /\1:\2 -->", re.DOTALL)


def commands(parser: argparse.ArgumentParser | None = None) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers of ``blast``, by name, in the order ``--help`` lists them."""
    parser = parser or cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _fixed_width(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.formatter_class = functools.partial(parser.formatter_class, width=WIDTH)  # type: ignore[call-arg]
    parser.color = False  # type: ignore[attr-defined]  # Python 3.14+ may colour help
    return parser


def help_texts() -> dict[str, str]:
    """``--help`` of ``blast`` (key ``blast``) and of each command, 100 columns wide."""
    parser = cli.build_parser()
    texts = {"blast": _fixed_width(parser).format_help()}
    for name, sub in commands(parser).items():
        texts[name] = _fixed_width(sub).format_help()
    return texts


def json_example(name: str) -> str:
    """What ``blast <EXAMPLES[name]>`` prints, run in-process from the repository root."""
    return _run(EXAMPLES[name])


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out):
        code = cli.main(argv)
    if code != 0:
        raise RuntimeError(f"blast {' '.join(argv)} exited with {code}")
    return out.getvalue()


def _body(kind: str, name: str, helps: dict[str, str]) -> str:
    if kind == "help":
        if name not in helps:
            raise ValueError(f"<!-- help:{name} -->: blast has no command '{name}'")
        return f"```text\n{helps[name].rstrip()}\n```\n"
    if kind == "json":
        if name not in EXAMPLES:
            raise ValueError(f"<!-- json:{name} -->: no example for '{name}' in blast.docgen")
        command = " ".join(["blast", *EXAMPLES[name]])
        return f"`{command}` prints:\n\n```json\n{json_example(name).rstrip()}\n```\n"
    if kind == "run":
        if name not in RUNS:
            raise ValueError(f"<!-- run:{name} -->: no command '{name}' in blast.docgen.RUNS")
        command = " ".join(["blast", *RUNS[name]])
        return f"`{command}` prints:\n\n```text\n{_run(RUNS[name]).rstrip()}\n```\n"
    text = (ROOT / name).read_text(encoding="utf-8")
    fence = "yaml" if name.endswith((".yaml", ".yml")) else "text"
    return f"```{fence}\n{text.rstrip()}\n```\n"


def render(text: str, *, require_help: bool = False) -> str:
    """``text`` with every generated block regenerated.

    With ``require_help``, every command (and ``blast`` itself) must have a help
    block, and every JSON example a JSON block: a new command cannot go undocumented.
    """
    helps = help_texts()
    found: set[tuple[str, str]] = set()

    def replace(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        found.add((kind, name))
        return f"<!-- {kind}:{name} -->\n{_body(kind, name, helps)}<!-- /{kind}:{name} -->"

    result = _BLOCK.sub(replace, text)
    if require_help:
        wanted = {("help", n) for n in helps} | {("json", n) for n in EXAMPLES}
        missing = sorted(f"<!-- {k}:{n} -->" for k, n in wanted - found)
        if missing:
            raise ValueError(f"missing generated blocks: {', '.join(missing)}")
    return result


def main(argv: list[str] | None = None) -> int:
    """Rewrite the docs in place, or with ``--check`` report the stale ones."""
    parser = argparse.ArgumentParser(
        prog="python -m blast.docgen", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="report stale docs, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        new = render(text, require_help=path.name == "cli.md")
        if new != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "stale" if args.check else "regenerated"
    for path in stale:
        print(f"{verb}: {path}", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
