"""Start-up: what each command imports, read from ``python -X importtime`` of the real CLI.

Behaviour, not timing (figures: docs/benchmarks.md, bench/startup_bench.py):
``blast --help`` and every ``blast COMMAND --help`` import argparse and the command
modules only, never a parser, a model library, the analysis or a serialiser; a
cold ``validate`` imports the parser and pydantic but no analysis library; a warm
one answers from the cache entry without either.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from blast.cli import build_parser

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


def imports(*args: str, cache: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m blast ARGS``; the run and every module it imported."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "blast", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BLAST_CACHE_DIR": str(cache)},
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
    assert {"yaml", "pydantic"} <= top_level(names)  # it does parse and validate
    assert not top_level(names) & ANALYSIS, sorted(top_level(names) & ANALYSIS)
    assert not list(tmp_path.glob("*.graph"))


def test_a_warm_validate_of_a_small_file_imports_no_parser_and_no_model(tmp_path):
    first, _ = imports("validate", SHOP, cache=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert len(list(tmp_path.glob("*.graph"))) == 1  # the first run wrote the entry
    warm, names = imports("validate", SHOP, cache=tmp_path)
    assert warm.returncode == 0
    assert warm.stdout == first.stdout
    assert not top_level(names) & HEAVY, sorted(top_level(names) & HEAVY)
    assert "blast.model.spec" not in names and "blast.loading.loader" not in names
