"""Start-up: what each command imports, read from ``python -X importtime`` of the real CLI.

Behaviour, not timing (figures: docs/benchmarks.md, bench/startup_bench.py):
``blast --help`` and every ``blast COMMAND --help`` import argparse and the command
modules only, never a parser, a model library, the analysis or a serialiser; a
cold ``validate`` imports the parser and pydantic but no analysis library; a warm
one answers from the cache entry without either.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import blast
from blast.cli import COMMAND_GROUPS, build_parser
from blast.cli.startup import DISABLED, PLUGIN_LOADER, group_of

ROOT = Path(__file__).resolve().parent.parent
SHOP = "graphs/examples/shop.yaml"

HEAVY = {
    "pydantic",
    "pydantic_core",
    "yaml",
    "numpy",
    "pandas",
    "networkx",
    "rustworkx",
    "pyroaring",
    "scipy",
    "distributed",
    "dask",
    "dash",
    "plotly",
    "orjson",
}
"""Top-level packages that ``--help`` must not import (each costs 10 ms to seconds)."""
UNUSED_BY_HELP = {"dataclasses", "pathlib", "json", "csv", "blast.errors", "orjson"}
"""Light, but not needed to print help: command modules import them where they run."""
ANALYSIS = {"numpy", "pandas", "networkx", "rustworkx", "pyroaring", "scipy", "distributed"}
"""What checking a graph file does not need."""
PLUGIN_DISCOVERY = {"importlib.metadata", "email", "zipfile", "csv"}
"""What pydantic's plugin loader imports, and the command does without (blast.cli.startup)."""


def imports(
    *args: str, cache: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m blast ARGS``; the run and every module it imported."""
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "blast", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**environ, "BLAST_CACHE_DIR": str(cache), **(env or {})},
        timeout=300,
    )
    names = {
        line.rsplit("|", 1)[-1].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "blast.cli" in names, run.stderr[-2000:]  # importtime output was read
    return run, names


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def commands() -> list[str]:
    """Every ``blast`` command, from the parser itself (new commands are covered too)."""
    parser = build_parser()
    (sub,) = (a for a in parser._actions if a.dest == "command")
    assert sub.choices
    return sorted(sub.choices)


def test_help_imports_argparse_and_the_command_table_only(tmp_path):
    run, names = imports("--help", cache=tmp_path)
    assert run.returncode == 0
    assert "usage: blast" in run.stdout
    assert "argparse" in names
    assert not top_level(names) & HEAVY, sorted(top_level(names) & HEAVY)
    assert not {n for n in names if n.startswith(("blast.analysis", "blast.sim", "blast.loading."))}
    assert "blast.model.spec" not in names
    assert not names & UNUSED_BY_HELP, sorted(names & UNUSED_BY_HELP)


@pytest.mark.parametrize("command", commands())
def test_command_help_imports_no_heavy_library(command, tmp_path):
    run, names = imports(command, "--help", cache=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"usage: blast {command}" in run.stdout
    assert not top_level(names) & HEAVY, sorted(top_level(names) & HEAVY)


def test_a_cold_validate_imports_no_analysis_library(tmp_path):
    run, names = imports("validate", "--no-cache", SHOP, cache=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("ok: 9 components")
    assert {"yaml_rs", "pydantic"} <= top_level(names)  # it does parse and validate
    assert "yaml" not in top_level(names)  # PyYAML: the located pass and declined files only
    assert not top_level(names) & ANALYSIS, sorted(top_level(names) & ANALYSIS)
    assert not list(tmp_path.glob("*.graph"))
    assert not top_level(names) & PLUGIN_DISCOVERY, sorted(top_level(names) & PLUGIN_DISCOVERY)
    assert PLUGIN_LOADER not in names  # the stand-in answered pydantic


SMALL_PROBLEM = """\
version: 1
description: >
  A folded description, as shop.yaml has.
components:
  - {id: api, kind: api, provider: shop, region: us-west-2,
     depends_on: [{target: db, timeout: 2s}]}
  - id: db
    kind: database
    provider: aws
    region: us-east-1
    queue: {arrival_rate: 5, drain_rate: fast}
"""


def test_a_small_file_with_a_problem_still_gets_located_errors_from_pyyaml(tmp_path):
    """The fast parse reads the file (no PyYAML); the problem sends it to the located pass,
    which imports PyYAML and names file:line:column: key, exit 2."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_PROBLEM)
    run, names = imports("validate", "--no-cache", str(path), cache=tmp_path)
    assert run.returncode == 2, run.stderr[-2000:]
    assert "yaml" in top_level(names)
    problems = [line for line in run.stderr.splitlines() if not line.startswith("import time:")]
    assert problems[0].startswith(f"{path}:11:"), problems
    assert "components[1].queue.drain_rate" in problems[0], problems


def test_a_warm_validate_of_a_small_file_imports_no_parser_and_no_model(tmp_path):
    first, _ = imports("validate", SHOP, cache=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert len(list(tmp_path.glob("*.graph"))) == 1  # the first run wrote the entry
    warm, names = imports("validate", SHOP, cache=tmp_path)
    assert warm.returncode == 0
    assert warm.stdout == first.stdout
    assert not top_level(names) & HEAVY, sorted(top_level(names) & HEAVY)
    assert "blast.model.spec" not in names and "blast.loading.loader" not in names


@pytest.mark.parametrize("setting", ["", "some_plugin"])
def test_plugins_the_environment_allows_are_looked_for_by_pydantic_itself(setting, tmp_path):
    """The stand-in answers only while plugins are off: otherwise pydantic's loader runs."""
    run, names = imports(
        "validate", "--no-cache", SHOP, cache=tmp_path, env={"PYDANTIC_DISABLE_PLUGINS": setting}
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("ok: 9 components")
    assert {PLUGIN_LOADER, "importlib.metadata"} <= names


STAND_IN_CHECK = """
import os, sys
from pydantic.plugin._loader import get_plugins
assert list(get_plugins()) == []  # pydantic's own loader: no plugin
del sys.modules["pydantic.plugin._loader"]
from blast.cli import startup
startup.skip_plugin_discovery()
from pydantic.plugin._loader import get_plugins
assert get_plugins is startup._get_plugins and list(get_plugins()) == []
os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""  # plugins allowed: pydantic's loader again
list(get_plugins())
assert sys.modules["pydantic.plugin._loader"].get_plugins is not startup._get_plugins
print("handed over")
"""


@pytest.mark.parametrize("setting", DISABLED)
def test_the_stand_in_gives_pydantic_s_own_answer(setting):
    """pydantic's real loader, with each value the stand-in treats as "off", finds no plugin,
    as the stand-in does; once the variable allows plugins, the stand-in hands over."""
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": setting}
    run = subprocess.run(
        [sys.executable, "-c", STAND_IN_CHECK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout == "handed over\n"


def describe(parser: argparse.ArgumentParser) -> list[tuple[object, ...]]:
    """A parser's options and arguments (nested commands too) and its help text."""
    found: list[tuple[object, ...]] = [(parser.prog, parser.format_help())]
    for a in parser._actions:
        found.append((a.option_strings, a.dest, a.nargs, a.default, a.required, a.help))
        if isinstance(a, argparse._SubParsersAction):
            for name, sub in a.choices.items():
                found.extend([(name,), *describe(sub)])
    return found


def subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    chosen: argparse.ArgumentParser = sub.choices[command]
    return chosen


@pytest.mark.parametrize("command", commands())
def test_a_command_gets_the_parser_the_whole_parser_has(command):
    """Built for one command, the parser holds that command's module only, with exactly
    the options (and help) the whole parser gives it."""
    whole = build_parser()
    alone = build_parser([command, "x"])
    module = group_of([command], COMMAND_GROUPS)
    assert module is not None and module in COMMAND_GROUPS
    (sub,) = (a for a in alone._actions if isinstance(a, argparse._SubParsersAction))
    assert command in sub.choices and len(sub.choices) < len(commands())
    assert describe(subparser(alone, command)) == describe(subparser(whole, command))


@pytest.mark.parametrize("argv", [[], ["--help"], ["--version"], ["-h", "validate"], ["nope"]])
def test_anything_but_a_command_first_gets_the_whole_parser(argv):
    assert group_of(argv, COMMAND_GROUPS) is None
    assert describe(build_parser(argv)) == describe(build_parser())


def test_a_register_that_needs_real_argparse_objects_gets_the_whole_parser():
    picky = ModuleType("picky")
    picky.register = lambda sub: sub.choices["x"]  # type: ignore[attr-defined]
    assert group_of(["validate"], (picky, *COMMAND_GROUPS)) is None


@pytest.mark.parametrize(
    "argv", [["validate", "--jsn", SHOP], ["spof"], ["radius", SHOP, "--top", "0"]]
)
def test_a_mistake_reads_as_with_the_whole_parser(argv, tmp_path, capsys):
    run, _ = imports(*argv, cache=tmp_path)
    assert run.returncode == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    expected = capsys.readouterr().err
    assert "error:" in expected
    assert run.stderr.endswith(expected)  # after importtime's lines


def test_the_version_is_the_one_of_pyproject():
    """``blast.__version__`` is a constant (no package metadata read at start-up) kept equal
    to the project's version, the one source of truth."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert blast.__version__ == project["version"]


BUILT_AT_IMPORT = """
from pydantic import BaseModel
import blast.model.spec as spec
models = [
    m
    for m in vars(spec).values()
    if isinstance(m, type) and issubclass(m, BaseModel) and m.model_fields  # not a bare base
]
print(sorted(m.__name__ for m in models if m.__pydantic_complete__))
print(sorted(m.__name__ for m in models if not m.__pydantic_complete__))
"""


def test_importing_the_model_builds_the_validators_of_whole_items_only():
    """A graph file is validated item by item as components and groups (and its header as a
    document): only those models build a validator when the model is imported; the parts
    of a component build theirs on first direct use (blast.model.dependency)."""
    run = subprocess.run(
        [sys.executable, "-c", BUILT_AT_IMPORT], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-2000:]
    built, deferred = run.stdout.splitlines()
    assert built == "['Component', 'GraphDocument', 'RedundancyGroup']"
    assert "'Dependency'" in deferred and "'Retry'" in deferred


THREADS_AFTER_SPOF = """
import os, sys
from blast.cli import main
code = main(["spof", "--no-cache", sys.argv[1]])
assert code == 0 and "numpy" in sys.modules
print(os.environ["OPENBLAS_NUM_THREADS"], len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
@pytest.mark.parametrize("setting", [None, "2"])
def test_numpy_s_openblas_runs_one_thread_unless_the_environment_says(setting, tmp_path):
    """A command that imports numpy (spof) ends with one thread when the environment does not
    size OpenBLAS's pool (OpenBLAS would have started one per core: 60 ms CPU spinning),
    and keeps a size the environment gives."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if setting is not None:
        env["OPENBLAS_NUM_THREADS"] = setting
    run = subprocess.run(
        [sys.executable, "-c", THREADS_AFTER_SPOF, SHOP],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "BLAST_CACHE_DIR": str(tmp_path)},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    value, threads = run.stdout.split()[-2:]
    assert value == (setting or "1")
    if setting is None:
        assert threads == "1"
    else:  # the environment's pool: one thread per core, at most the size given
        assert 1 <= int(threads) <= min(2, os.cpu_count() or 1)
