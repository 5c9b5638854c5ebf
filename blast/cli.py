"""Command-line interface (skeleton)."""

from __future__ import annotations

import argparse
import sys

from blast import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="blast")
    parser.add_argument("--version", action="version", version=f"blast {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    spof = sub.add_parser("spof")
    spof.add_argument("file")
    args = parser.parse_args(argv)
    print(f"{args.command} {args.file}: not implemented yet", file=sys.stderr)
    return 0
