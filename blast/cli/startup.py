"""Start-up work the command skips: pydantic's plugin discovery, other commands' parsers,
OpenBLAS's thread pool.

A small command spends most of its time importing and setting up, not working
(docs/benchmarks.md, "Start-up"). Three pieces of that set-up are not needed:

- **pydantic's plugin discovery.** Building the first pydantic model imports
  ``pydantic.plugin._loader``, which imports :mod:`importlib.metadata` (and with
  it :mod:`email`, :mod:`zipfile`, :mod:`csv`, ...: 20-35 ms on this machine)
  even when ``PYDANTIC_DISABLE_PLUGINS`` turns plugins off and its
  ``get_plugins()`` returns nothing without touching the package metadata. The
  command turns plugins off (unless the environment says otherwise) and then
  puts in that module's place one whose ``get_plugins()`` gives the same answer,
  nothing, without the import. If the variable later allows plugins, it hands
  over to pydantic's own loader, so behaviour is pydantic's in every case.
- **the other commands' parsers.** argparse builds every option of every command
  (a parser and a help formatter each, gettext look-ups each: 10-15 ms) to run one;
  :func:`group_of` finds which command module adds the command named on the
  command line, so that only its parsers are built. ``blast --help``, a mistyped
  command and anything unusual still build the whole parser.
- **OpenBLAS's threads.** Importing numpy starts OpenBLAS, which starts a thread
  per core that spins waiting for matrix work (60 ms of CPU and 50-100 ms of wall
  time on every command that imports numpy, on this 2-core machine). Blast calls
  no BLAS routine (its numpy work is element-wise: bit-parallel walks, masks), so
  the command runs OpenBLAS with one thread (``OPENBLAS_NUM_THREADS=1``) unless
  the environment sets it; answers cannot change.

Library use (``import blast``) changes nothing: only :func:`blast.cli.main` calls these.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

PLUGIN_LOADER = "pydantic.plugin._loader"
"""pydantic's module that discovers plugins (imported by every first model build)."""
DISABLED = ("__all__", "1", "true")
"""The values of ``PYDANTIC_DISABLE_PLUGINS`` with which pydantic loads no plugin at all
(``pydantic/plugin/_loader.py``, ``get_plugins``)."""


def _get_plugins() -> Iterable[Any]:
    """pydantic's ``get_plugins``: nothing while plugins are off; else pydantic's own answer."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in DISABLED:
        return ()
    if getattr(sys.modules.get(PLUGIN_LOADER), "get_plugins", None) is _get_plugins:
        del sys.modules[PLUGIN_LOADER]  # the real loader from now on
    import importlib

    loader = importlib.import_module(PLUGIN_LOADER)
    plugins: Iterable[Any] = loader.get_plugins()
    return plugins


def one_blas_thread() -> None:
    """Run OpenBLAS (numpy's) with one thread unless the environment says otherwise.

    Effective only before numpy is imported (the command imports it where it runs).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def skip_plugin_discovery() -> None:
    """Turn pydantic plugins off unless the environment sets ``PYDANTIC_DISABLE_PLUGINS``,
    and when they are off, answer pydantic's plugin look-up without :mod:`importlib.metadata`.

    Does nothing more once pydantic's loader is imported (its answer is cached by then).
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in DISABLED or PLUGIN_LOADER in sys.modules:
        return
    stand_in = ModuleType(PLUGIN_LOADER, "Blast's stand-in: no plugins (blast.cli.startup).")
    stand_in.get_plugins = _get_plugins  # type: ignore[attr-defined]
    sys.modules[PLUGIN_LOADER] = stand_in


class _Recorder:
    """Stands in for argparse's objects while a group's ``register`` runs: records the
    names of the commands added to it, and absorbs every other call."""

    def __init__(self, names: list[str] | None = None) -> None:
        self.names = names

    def add_parser(self, name: str, *args: Any, **kwargs: Any) -> _Recorder:
        if self.names is not None:
            self.names.append(name)
        return _Recorder()

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: _Recorder()


def group_of(argv: Sequence[str], groups: Sequence[ModuleType]) -> ModuleType | None:
    """The module of ``groups`` that adds the command ``argv`` starts with, or None.

    None (build every command) when ``argv`` starts with an option (``--help``,
    ``--version``) or a name no group adds. Found by running each group's
    ``register`` against a recorder: no parser is built, and a new command
    module needs no table kept in step.
    """
    if not argv or argv[0].startswith("-"):
        return None
    for group in groups:
        names: list[str] = []
        try:
            group.register(_Recorder(names))
        except Exception:  # a register that needs real argparse objects: build them all
            return None
        if argv[0] in names:
            return group
    return None
