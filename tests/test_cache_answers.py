"""Every command answers the same from Blast's cache as from the YAML, byte for byte.

Each command runs as a real subprocess twice in a fresh cache directory: *cold*
(no entry: the YAML is parsed and the entry written) and *warm* (the entry is
read: no YAML, and for the analyses no pydantic model). Standard output, standard
error and the exit code must be identical, on shipped graphs and on generated
ones of each shape; the warm run must really have read the entry (it is not
rewritten).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from blast.model.shapes import generate
from blast.model.synthetic import to_yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "graphs/aws-us-east-1-2025-10-20.yaml"
SHOP = "graphs/examples/shop.yaml"


def _run(args: list[str], cache: Path, *, importtime: bool = False) -> tuple[int, str, str]:
    env = {**os.environ, "BLAST_CACHE_DIR": str(cache)}
    flags = ["-X", "importtime"] if importtime else []
    run = subprocess.run(
        [sys.executable, *flags, "-m", "blast", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    return run.returncode, run.stdout, run.stderr


def _cold_then_warm(args: list[str], cache: Path) -> None:
    cache.mkdir()
    cold = _run(args, cache)
    (entry,) = cache.glob("*.graph")
    written = entry.stat()
    warm = _run(args, cache)
    assert entry.stat().st_ino == written.st_ino, "the warm run did not use the entry"
    assert warm == cold
    assert cold[0] in (0, 1), cold[2]  # 1: a broken check rule, which is an answer too
    assert cold[1] or args[0] == "report"


def _commands(graph: str, one: str, region: str) -> list[list[str]]:
    return [
        ["validate", graph],
        ["spof", graph],
        ["spof", graph, "--json", "--full"],
        ["radius", graph, "--json"],
        ["radius", graph, "--top", "5"],
        ["radius", graph, one],
        ["radius", graph, one, "--json", "--full"],
        ["exposure", graph, "--region", region, "--json", "--full"],
        ["exposure", graph, "--region", region],
        ["exposure", graph, "--component", one, "--json"],
        ["check", graph, "--max-spofs", "0", "--forbid-blind-spots", "--format", "json"],
        ["export", graph, "--format", "json"],
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """A generated graph file of each shape (small: the point is the code path)."""
    folder = tmp_path_factory.mktemp("shapes")
    files = {}
    for shape, n, seed in (("service", 1200, 5), ("trace", 1500, 6), ("hubs", 900, 7)):
        path = folder / f"{shape}.yaml"
        path.write_text(to_yaml(generate(shape, n, seed=seed)), encoding="utf-8")
        files[shape] = path
    return files


@pytest.mark.parametrize(
    "args", _commands(REFERENCE, "aws.use1.dynamodb.dns-record", "us-east-1"), ids=" ".join
)
def test_the_reference_graph_answers_the_same_warm(args, tmp_path):
    _cold_then_warm(args, tmp_path / "cache")


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
def test_generated_graphs_answer_the_same_warm(shape, generated, tmp_path):
    graph = str(generated[shape])
    first = "infra-0000" if shape == "trace" else "core-0000"
    for i, args in enumerate(_commands(graph, first, "us-east-1")):
        _cold_then_warm(args, tmp_path / f"cache-{i}")


@pytest.mark.parametrize(
    "args",
    [
        ["spof", SHOP, "--json"],
        ["simulate", SHOP, "--fail", "orders-use1", "--at", "2025-10-20T07:00:00Z", "--for", "30m"],
        ["simulate", SHOP, "--scenario", "graphs/scenarios/shop-region-failover.yaml", "--json"],
        [
            "explain",
            SHOP,
            "checkout",
            "--scenario",
            "graphs/scenarios/shop-region-failover.yaml",
            "--at",
            "2025-10-20T07:30:00Z",
        ],
        ["report", SHOP, "-o", "-", "--format", "markdown"],
        [
            "report",
            SHOP,
            "-o",
            "-",
            "--format",
            "json",
            "--scenario",
            "graphs/scenarios/shop-region-failover.yaml",
        ],
    ],
    ids=" ".join,
)
def test_simulation_and_reports_answer_the_same_warm(args, tmp_path):
    _cold_then_warm(args, tmp_path / "cache")


@pytest.mark.parametrize(
    "args",
    [
        ["spof", REFERENCE, "--json"],
        ["radius", REFERENCE, "--json"],
        ["radius", REFERENCE, "aws.use1.dynamodb.dns-record"],
        ["exposure", REFERENCE, "--region", "us-east-1"],
    ],
    ids=" ".join,
)
def test_a_warm_analysis_imports_neither_yaml_nor_pydantic(args, tmp_path):
    """The analyses read columns and integer edges from the entry: no parser, no model.

    The first run also stored its answer (:mod:`blast.cli.answers`); it is removed, so
    that the warm run analyses the graph from the entry."""
    cache = tmp_path / "cache"
    cache.mkdir()
    assert _run(args, cache)[0] == 0
    for stored in cache.glob("*.answer"):
        stored.unlink()
    code, _, imports = _run(args, cache, importtime=True)
    assert code == 0
    imported = {line.split("|")[-1].strip() for line in imports.splitlines()}
    assert "blast.analysis.index" in imported or "blast.analysis.radius" in imported
    assert not {"yaml", "pydantic", "blast.model.spec"} & imported
