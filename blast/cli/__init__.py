"""The ``blast`` command, one module per command group.

Exit codes: 0 success, 2 bad input (file, option or name), 1 internal error.
Human-readable tables by default; ``--json`` prints the documented shapes of
``docs/cli.md``. Each command module has a ``register(subparsers)`` that adds its
commands; a command's ``run(args)`` returns the exit code.

Start-up: importing this package imports argparse and the command modules only;
each command imports its libraries (pydantic, PyYAML, the analysis) when it runs,
so ``blast --help`` never pays for them (tests/test_startup.py). A command builds
the parsers of its own command module only, and third-party pydantic plugins are
not loaded by the command (``PYDANTIC_DISABLE_PLUGINS``, unless the environment
sets it), nor looked for; numpy's OpenBLAS runs one thread (Blast calls no BLAS
routine): see :mod:`blast.cli.startup` and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from blast import __version__
from blast.cli import analysis, catalog, check, exposure, interop, race, report, simulate, validate
from blast.cli.analysis import MAX_CANDIDATES, MAX_PAIRS
from blast.cli.startup import group_of, one_blas_thread, skip_plugin_discovery

COMMAND_GROUPS = (validate, analysis, exposure, catalog, simulate, report, race, check, interop)
"""Modules whose ``register`` adds commands, in the order ``--help`` lists them."""

__all__ = ["KEEP_UNTIL_EXIT", "MAX_CANDIDATES", "MAX_PAIRS", "build_parser", "exit_fast", "main"]

KEEP_UNTIL_EXIT: list[object] = []
"""Big objects a command is done with (a 100,000-component graph: 0.5 s to free, object by
object). Kept here instead of freed, and :func:`exit_fast` ends the process without
freeing them; in process, the next :func:`main` call frees them."""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser (also used to generate ``docs/cli.md``).

    Given the arguments ``argv`` of a run, only the commands of the module that adds
    the command named first get their parsers (see :func:`blast.cli.startup.group_of`):
    the same parse, without building every other command's options.
    """
    parser = argparse.ArgumentParser(
        prog="blast",
        description="Blast: what breaks in your stack when a dependency fails.",
        epilog="Exit codes: 0 ok, 2 bad input, 1 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"blast {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    only = None if argv is None else group_of(argv, COMMAND_GROUPS)
    for group in COMMAND_GROUPS if only is None else (only,):
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    KEEP_UNTIL_EXIT.clear()  # in process, at most one command's objects are kept
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    from blast.errors import BlastError, GraphFileError  # after --help, which exits above
    from blast.gcpause import disable_for_process

    skip_plugin_discovery()  # see the module docstring
    one_blas_thread()
    disable_for_process()  # short-lived: see blast.gcpause
    try:
        return int(args.run(args))
    except GraphFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except BlastError as exc:
        print(f"blast: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal error: one line, never a traceback
        if os.environ.get("BLAST_DEBUG"):
            raise
        print(
            f"blast: internal error: {type(exc).__name__}: {exc} (set BLAST_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


def exit_fast(argv: Sequence[str] | None = None) -> NoReturn:
    """Run :func:`main` and end the process; ``python -m blast`` calls it.

    When a command left objects in :data:`KEEP_UNTIL_EXIT`, the process ends with
    ``os._exit`` once stdout and stderr are flushed: the operating system takes the
    memory back at once, where Python's shutdown would free every object one by one.
    Only commands that opt in do so (``validate`` and the commands that load a graph with
    :func:`blast.cli.common.load_graph_arg`, none of which starts a thread or process).

    As the process's entry point (``argv`` None), a command that runs the time engine
    first re-executes itself once with glibc's huge-page heap: see :mod:`blast.cli.hugeheap`.
    """
    if argv is None:
        from blast.cli.hugeheap import reexec_for_engine

        reexec_for_engine(sys.argv[1:])
    code = main(argv)
    if not KEEP_UNTIL_EXIT:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    except OSError:
        code = code or 1
    os._exit(code)
