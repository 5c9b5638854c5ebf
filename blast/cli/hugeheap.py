"""A huge-page malloc heap for the commands that run the time engine on big graphs: glibc's
``glibc.malloc.hugetlb=1`` tunable, set by re-executing the command once.

**Off unless asked for** (``BLAST_HUGE_HEAP=1``, :data:`OPT_IN`). It was on by default
from the session that measured it (below) until later pairs on the same VM said otherwise:
``faults`` at 100,000 components took 9.54 s of CPU without it against 10.47 s with it
(medians of 13 alternated pairs, cheaper without in 10) and, after the engine's next change,
8.2-8.9 s against 9.0-10.6 s (4 of 4 pairs); whole warm ``blast simulate`` processes were
no faster with it either. Fresh huge pages are dear on that VM (200 MB of ``bytearray``
took 1.6 s with the tunable, 0.14 s without), and whether they pay depends on the machine:
measure before turning it on (``bench/sim_bench.py --one 100000 --huge-heap`` against
``--no-huge-heap``; ``docs/benchmarks.md``, "s-huge" and "Huge heap opt-in").

**Why it can help.** At 100,000 components the engine reads hundreds of MB of memory at
random (its own arrays, and the dicts, lists and sets Python allocates with ``malloc``).
With 4 KB pages nearly every such read also misses the TLB, whose reach is a few
MB (``docs/benchmarks.md``, "s-scale"). :mod:`blast.sim.pages` already asks for
transparent huge pages on the engine's own big arrays; the rest of the heap is
glibc's. glibc 2.35 and later read the tunable ``glibc.malloc.hugetlb=1``, with
which ``malloc`` aligns the heap it grows and the blocks it maps to 2 MB and asks
for huge pages on them (``madvise(MADV_HUGEPAGE)``; glibc manual, "Memory
Allocation Tunables"). The ``faults`` run of ``bench/sim_bench.py --one 100000``
took 17% less CPU time with it (median of 5 alternated pairs; 0-36% per pair on a
noisy VM; the ``region`` run gained nothing; ``docs/benchmarks.md``, "s-huge").

**Why a re-exec.** glibc reads ``GLIBC_TUNABLES`` once, when the process starts,
before any Python code runs: setting it in ``os.environ`` later changes nothing
for the running process. So :func:`reexec_for_engine` replaces the process, once,
with the same program, the same arguments (``sys.orig_argv``, interpreter
options included), the same open files (stdin unread, stdout, stderr) and pid,
and two more entries in the environment (the tunable and :data:`MARKER`). The
command then runs in that second image only, so its exit code and output are
the ones it would have had.

**Why only the engine's commands, on big graphs.** The re-exec costs one more
interpreter start and ``import blast.cli`` (about 50 ms of CPU here), and huge
pages cost a small process more than they save (whole 2 MB pages to fault in and
clear): ``blast simulate`` on the shipped 57-component graph took 0.38 s of CPU
with the heap against 0.33 s without, on 10,000 components about as long either
way. The gain is in the engine's random reads over a working set far beyond the
TLB's reach. So, opted in, the command re-executes only when it runs the engine
(``simulate``, ``explain``, ``report --scenario``: :func:`runs_engine`) and the
files it names weigh :data:`DEFAULT_MIN_MB` MB or more (:func:`files_mb`; the
variable :data:`MIN_MB` moves the bound, 0 for every size). The other commands
were measured at 100,000 components too, with the tunable set by hand: ``spof``
took as long, the warm ``report --format json`` 14% longer, so they run as they are.
Processes the command starts (``report --workers``) inherit the environment.

**When else.** Only on Linux on x86-64 or arm64 (2 MB huge pages), when
transparent huge pages are ``madvise`` or ``always`` (with ``never`` the kernel
gives none), when the C library is glibc 2.35 or later (others ignore the
variable), when ``GLIBC_TUNABLES`` does not already set ``glibc.malloc.hugetlb``
(the user's value stands; other entries are kept, colon-separated), when the
environment does not carry :data:`MARKER` (never twice, even if the system
dropped the tunable, as glibc does for set-uid programs), and unless
``BLAST_NO_HUGE_HEAP=1`` (:data:`OPT_OUT`) says no, whatever :data:`OPT_IN` says.
Nothing else changes: answers and journals are byte-identical, only the memory layout
(and a higher resident size: whole 2 MB pages) differs.

Library use (``import blast``) and in-process :func:`blast.cli.main` calls change
nothing: only the process entry point (:func:`blast.cli.exit_fast`, which the
``blast`` script and ``python -m blast`` call) re-executes.
"""

from __future__ import annotations

import os
import platform
import stat
import sys
from collections.abc import Mapping, Sequence

TUNABLE = "glibc.malloc.hugetlb"
"""glibc's tunable (2.35+): 1 = transparent huge pages for malloc's heap and mappings."""
SETTING = f"{TUNABLE}=1"
OPT_IN = "BLAST_HUGE_HEAP"
"""Set to anything but empty or ``0`` to run the engine's commands with the huge-page heap."""
OPT_OUT = "BLAST_NO_HUGE_HEAP"
"""Set to anything but empty or ``0`` to run the engine without the huge-page heap, even
with :data:`OPT_IN` set."""
MIN_MB = "BLAST_HUGE_HEAP_MIN_MB"
"""The size in MB (10**6 bytes) from which the files named on the command line get the
huge-page heap (default :data:`DEFAULT_MIN_MB`; 0: every size)."""
DEFAULT_MIN_MB = 16
"""About 30,000 components with simulation parameters (the bench's files: 530 bytes each)."""
MARKER = "BLAST_HUGE_HEAP_EXEC"
"""Set (to ``1``) in the environment of the re-executed process: never re-execute twice."""
ENGINE_COMMANDS = frozenset({"simulate", "explain"})
"""Commands that always run the time engine (``report`` does with ``--scenario``)."""
SCENARIO_OPTION = "--scenario"
MACHINES = ("x86_64", "aarch64")
"""Processors whose Linux has 2 MB transparent huge pages (4 KB base pages)."""
THP_ENABLED = "/sys/kernel/mm/transparent_hugepage/enabled"
MIN_GLIBC = (2, 35)
"""The first glibc with ``glibc.malloc.hugetlb``; older ones ignore it."""


def runs_engine(argv: Sequence[str]) -> bool:
    """Whether the ``blast`` arguments ``argv`` (without the program) run the time engine.

    ``simulate`` and ``explain`` always do; ``report`` does with ``--scenario``
    (written whole, ``--scenario=S``, or as the unambiguous prefix argparse accepts,
    ``--scen``). Anything else, ``--help`` included, does not.

    >>> runs_engine(["simulate", "g.yaml", "--fail", "db"]), runs_engine(["spof", "g.yaml"])
    (True, False)
    >>> runs_engine(["report", "g.yaml", "--scen=s.yaml"]), runs_engine(["report", "g.yaml"])
    (True, False)
    """
    if not argv:
        return False
    if argv[0] in ENGINE_COMMANDS:
        return True
    if argv[0] != "report":
        return False
    for arg in argv[1:]:
        if arg == "--":
            return False
        name = arg.split("=", 1)[0]
        if len(name) > len("--sc") and SCENARIO_OPTION.startswith(name):
            return True  # "--sc" alone is ambiguous with --scheduler: argparse refuses it
    return False


def files_mb(argv: Sequence[str]) -> float:
    """MB (10**6 bytes) of the regular files named by ``argv`` (the graph, the scenario).

    A graph on stdin or a pipe counts 0, and so do files its ``includes`` name: this is a
    cheap guess at the size of the run, not a measure (answers never depend on it).
    """
    total = 0
    for arg in argv:
        try:
            status = os.stat(arg.split("=", 1)[-1] if arg.startswith("--") else arg)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(status.st_mode):
            total += status.st_size
    return total / 1e6


def min_mb(env: Mapping[str, str]) -> float:
    """:data:`MIN_MB` from ``env`` (:data:`DEFAULT_MIN_MB` when unset or not a number >= 0)."""
    try:
        value = float(env.get(MIN_MB, DEFAULT_MIN_MB))
    except ValueError:
        return DEFAULT_MIN_MB
    return value if value >= 0 else DEFAULT_MIN_MB


def thp_mode(path: str = THP_ENABLED) -> str | None:
    """The kernel's transparent huge page mode (``always``, ``madvise``, ``never``), or None."""
    try:
        with open(path, encoding="ascii") as file:
            text = file.read()
    except (OSError, ValueError):
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1 : end] if 0 <= start < end else None


def glibc_version() -> tuple[int, int] | None:
    """(major, minor) of the glibc this process runs on, or None for another C library."""
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"; not defined elsewhere
    except (AttributeError, OSError, ValueError):
        return None
    name, _, version = (text or "").partition(" ")
    parts = version.split(".")
    if name != "glibc" or len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])


def supported() -> bool:
    """Whether this system gives malloc huge pages with the tunable (see the module docstring)."""
    if sys.platform != "linux" or platform.machine() not in MACHINES:
        return False
    version = glibc_version()
    return version is not None and version >= MIN_GLIBC and thp_mode() in ("madvise", "always")


def carries_tunable(tunables: str | None) -> bool:
    """Whether a ``GLIBC_TUNABLES`` value sets ``glibc.malloc.hugetlb`` (to anything)."""
    return any(item.split("=", 1)[0] == TUNABLE for item in (tunables or "").split(":"))


def with_tunable(tunables: str | None) -> str:
    """``GLIBC_TUNABLES`` with :data:`SETTING` added after the entries it has.

    >>> with_tunable(None), with_tunable("glibc.malloc.arena_max=2")
    ('glibc.malloc.hugetlb=1', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1')
    """
    return f"{tunables}:{SETTING}" if tunables else SETTING


def opted_in(env: Mapping[str, str]) -> bool:
    """Whether the user asked for the huge-page heap (:data:`OPT_IN` set, not empty or 0)."""
    return env.get(OPT_IN, "") not in ("", "0")


def opted_out(env: Mapping[str, str]) -> bool:
    """Whether the user asked for no huge-page heap (:data:`OPT_OUT` set, not empty or 0)."""
    return env.get(OPT_OUT, "") not in ("", "0")


def huge_heap_environment(env: Mapping[str, str]) -> dict[str, str] | None:
    """The environment to re-execute with, or None when the process should run as it is.

    None unless the user opted in and not out, when ``env`` already sets the tunable or
    carries :data:`MARKER`, or when the system does not support it (:func:`supported`).
    """
    if not opted_in(env) or opted_out(env):
        return None
    if MARKER in env or carries_tunable(env.get("GLIBC_TUNABLES")):
        return None
    if not supported():
        return None
    return {**env, "GLIBC_TUNABLES": with_tunable(env.get("GLIBC_TUNABLES")), MARKER: "1"}


def heap_is_huge(env: Mapping[str, str] = os.environ) -> bool:
    """Whether this process started with ``glibc.malloc.hugetlb`` set to a value other than 0.

    ``os.environ`` is the environment the process started with, the one glibc read.
    """
    for item in env.get("GLIBC_TUNABLES", "").split(":"):
        name, _, value = item.partition("=")
        if name == TUNABLE:
            return value not in ("", "0") and supported()
    return False


def reexec_for_engine(argv: Sequence[str]) -> None:
    """Replace this process with itself plus the huge-page heap, when ``argv`` runs the engine.

    ``argv`` are the ``blast`` arguments (``sys.argv[1:]``). Returns (doing nothing)
    when the command does not run the engine or :func:`huge_heap_environment` says
    no; else does not return. Call it first thing in the process's entry point,
    before reading stdin or writing anything.
    """
    if not runs_engine(argv) or files_mb(argv) < min_mb(os.environ):
        return
    env = huge_heap_environment(os.environ)
    if env is not None:
        reexec(env)


def reexec(env: Mapping[str, str]) -> None:
    """Replace this process with itself in the environment ``env``: same interpreter, arguments
    (``sys.orig_argv``: interpreter options, ``-m`` or the script), open files and pid.

    Does not return, unless the interpreter cannot be executed again (then the
    process goes on as it is). Output written so far is flushed first.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, sys.orig_argv, env)
    except OSError:
        return  # a vanished or unnamed interpreter: run as we are
