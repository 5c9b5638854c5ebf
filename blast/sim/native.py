"""The engine compiled to C by mypyc, used only when it was built from these very sources.

The hot modules of the time engine (:data:`COMPILED`) are plain, type-annotated Python.
``make`` compiles them with mypyc (``python -m blast.sim.native build``) into
``.build/mypyc/<key>/``, outside the source tree, where ``<key>`` is a hash of every
source the compiled code could depend on (:data:`HASHED`), the build recipe (this
file), the mypy version and the interpreter's ABI. :func:`activate`, called by
``blast/sim/__init__.py`` before it imports any engine module, puts that directory
first on ``blast.sim.__path__`` only when a finished build for the *current* key
exists: an edited ``.py`` changes the key, so an old binary can never shadow it; the
pure Python then runs (same journal, byte for byte; slower) until the next build.

``BLAST_PURE_SIM=1`` forces the pure Python. Without a C compiler the build says so and
does nothing. Why mypyc (not Cython, Rust or numba): it compiles the same annotated
source that mypy already checks, so there is one engine, not two to keep in step; see
the README's design notes and ``docs/benchmarks.md`` for the figures.
"""

from __future__ import annotations

import hashlib
import os
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent.parent
BUILD_ROOT = ROOT / ".build" / "mypyc"
MARKER = "BUILT"
LOCK = ".lock"
GROUP = "blast.sim._compiled"
"""Name of the shared library of the compiled modules (found on ``blast.sim.__path__``)."""

COMPILED = (
    "agenda",
    "attrition",
    "clock",
    "cycles",
    "derivation",
    "edges",
    "engine",
    "evaluation",
    "holds",
    "perception",
    "queues",
    "records",
    "retraction",
    "skip",
    "slots",
    "traits",
    "triggers",
    "windowing",
)
"""The modules of ``blast.sim`` compiled to C: the engine's hot path and what it calls."""

HASHED = ("blast/sim/*.py", "blast/model/*.py", "blast/errors.py", "blast/gcpause.py")
"""Sources whose change invalidates a build (what the compiled code imports, and more)."""


def key(root: Path = ROOT) -> str:
    """Hash of the sources, this recipe, mypy's version and the interpreter's ABI.

    mypy's version is read as the bytes of its ``version.py``, found without importing
    mypy or :mod:`importlib.metadata` (50 ms of every ``simulate``'s start-up).
    """
    digest = hashlib.sha256()
    spec = find_spec("mypy")
    mypy_file = Path(spec.origin).parent / "version.py" if spec and spec.origin else None
    mypy_version = mypy_file.read_bytes() if mypy_file and mypy_file.is_file() else b"none"
    ident = f"{sys.implementation.cache_tag}|{sysconfig.get_config_var('EXT_SUFFIX')}|"
    digest.update(ident.encode() + mypy_version)
    for pattern in HASHED:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def build_dir(root: Path = ROOT) -> Path | None:
    """The finished build for the current sources, or None (none yet, or a stale one)."""
    folder = root / ".build" / "mypyc" / key(root)
    return folder if (folder / MARKER).is_file() else None


def activate(package_path: list[str]) -> bool:
    """Put the current build first on ``package_path`` (``blast.sim.__path__``) if any."""
    if os.environ.get("BLAST_PURE_SIM") == "1":
        return False
    folder = build_dir()
    if folder is None:
        return False
    package_path.insert(0, str(folder / "blast" / "sim"))
    return True


def loaded() -> bool:
    """Whether the engine running in this process is the compiled one."""
    import blast.sim.engine

    return not str(blast.sim.engine.__file__).endswith(".py")


def compiler() -> str | None:
    """The C compiler setuptools would use, if it is installed."""
    import shutil

    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(os.environ.get("CC", cc).split()[0]) or shutil.which("cc")


def build(root: Path = ROOT) -> Path | None:
    """Compile :data:`COMPILED` into ``.build/mypyc/<key>/`` (a no-op when it exists)."""
    import shutil

    done = build_dir(root)
    if done is not None:
        return done
    if compiler() is None:
        print("blast.sim.native: no C compiler; the engine runs as pure Python", file=sys.stderr)
        return None
    wanted = key(root)
    target = root / ".build" / "mypyc" / wanted
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target.parent):
        done = build_dir(root)  # another process may have built it while this one waited
        if done is not None:
            return done
        _compile(root, wanted, target)
    for old in target.parent.iterdir():  # keep only the current build
        if old != target and old.is_dir() and len(old.name) == 32:
            shutil.rmtree(old, ignore_errors=True)
    return target


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder/.lock`` while a build runs.

    Two ``make`` targets started at once (``make test`` beside ``make dashboard``) would
    otherwise compile twice and the second would delete the first's finished build while
    a process was about to load it. The lock is released by the kernel if the holder dies.
    """
    import fcntl

    with open(folder / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _compile(root: Path, wanted: str, target: Path) -> None:
    """Compile :data:`COMPILED` (key ``wanted``) in a staging folder, then move it to ``target``."""
    import shutil
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        script = (
            "import sys\n"
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            "paths = sys.argv[1:]\n"
            f"sys.argv = [sys.argv[0], 'build_ext', '--build-lib', {str(Path(tmp) / 'out')!r},"
            f" '--build-temp', {str(Path(tmp) / 'tmp')!r}]\n"
            "setup(name='blast-sim-native', py_modules=[], packages=[],"
            f" ext_modules=mypycify(['--ignore-missing-imports', *paths], opt_level='3',"
            f" debug_level='0', group_name={GROUP!r}))\n"
        )
        sources = [f"blast/sim/{name}.py" for name in COMPILED]
        # run where no pyproject.toml is read as setup configuration: a copy of the sources
        work = Path(tmp) / "src"
        shutil.copytree(
            root / "blast", work / "blast", ignore=shutil.ignore_patterns("__pycache__")
        )
        if key(work) != wanted:  # a source changed while it was copied: no build this time
            raise RuntimeError("the sources changed during the build; run it again")
        (work / "setup_native.py").write_text(script)
        env = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0"}
        subprocess.run(
            [sys.executable, "setup_native.py", *sources],
            cwd=work,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        staged = Path(tmp) / "out"
        (staged / MARKER).write_text(wanted + "\n")
        if target.exists():  # an unfinished folder (no marker) left by a killed build
            shutil.rmtree(target)
        staged.rename(target)


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        folder = build()
        print(f"blast.sim.native: {folder or 'pure Python'}")
        return 0
    if argv[:1] == ["status"]:
        folder = build_dir()
        print(f"key {key()}: {'built in ' + str(folder) if folder else 'not built'}")
        return 0
    print("usage: python -m blast.sim.native build|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
