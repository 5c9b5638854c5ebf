"""The graph cache: a second load of an unchanged graph parses no YAML; any change, a
corrupt entry or ``--no-cache`` falls back to the files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blast.loading import cache
from blast.loading import loader as loader_module
from blast.loading.loader import load_graph

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "tests/data/valid/stack"


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = loader_module.parse_yaml

    def counting(raw, file, *, located=True):
        calls.append(file)
        return real(raw, file, located=located)

    monkeypatch.setattr(loader_module, "parse_yaml", counting)
    return calls


def _same(a, b) -> None:
    assert list(a.components.items()) == list(b.components.items())
    # the entry holds only the fields set at validation: the same ones come back set
    for x, y in zip(a.components.values(), b.components.values(), strict=True):
        assert x.model_fields_set == y.model_fields_set
        for dx, dy in zip(x.depends_on, y.depends_on, strict=True):
            assert dx.model_fields_set == dy.model_fields_set
    assert list(a.groups.items()) == list(b.groups.items())
    assert (a.name, a.files, dict(a.references)) == (b.name, b.files, dict(b.references))


@pytest.mark.parametrize(
    "path",
    [
        "graphs/aws-us-east-1-2025-10-20.yaml",
        "graphs/aws-s3-us-east-1-2017-02-28.yaml",
        "tests/data/valid/stack/main.yaml",
        *sorted(f"graphs/examples/{p.name}" for p in (ROOT / "graphs/examples").glob("*.yaml")),
    ],
)
def test_a_second_load_parses_no_yaml_and_gives_the_same_graph(path, parses, monkeypatch):
    monkeypatch.chdir(ROOT)
    fresh = load_graph(path)
    first = load_graph(path, cache=True)
    parsed = len(parses)
    second = load_graph(path, cache=True)
    assert len(parses) == parsed  # nothing parsed the second time
    _same(fresh, first)
    _same(fresh, second)


def test_the_entry_a_load_stores_is_the_entry_read_back(tmp_path):
    """``load_and_store`` hands back what ``lookup`` reads (stored answers are keyed by it)."""
    shutil.copytree(STACK, tmp_path / "stack")
    main = tmp_path / "stack" / "main.yaml"
    assert cache.lookup([main]) is None
    graph, stored = cache.load_and_store([main])
    assert stored is not None and len(stored.files) > 1  # the whole include tree
    assert cache.lookup([main]) == stored
    _same(graph, stored.graph())


def test_a_change_in_an_included_file_is_seen(tmp_path, parses):
    shutil.copytree(STACK, tmp_path / "stack")
    main = tmp_path / "stack" / "main.yaml"
    load_graph(main, cache=True)
    base = tmp_path / "stack" / "parts" / "base.yaml"
    base.write_text(base.read_text() + "  - {id: extra, kind: api}\n")
    before = len(parses)
    graph = load_graph(main, cache=True)
    assert "extra" in graph.components
    assert len(parses) > before


def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path, parses):
    shutil.copytree(STACK, tmp_path / "stack")
    main = tmp_path / "stack" / "main.yaml"
    expected = load_graph(main, cache=True)
    (entry,) = cache.cache_dir().glob("*.graph")
    blob = entry.read_bytes()
    entry.write_bytes(blob[: len(blob) // 2] + b"#" + blob[len(blob) // 2 + 1 :])
    before = len(parses)
    _same(load_graph(main, cache=True), expected)
    assert len(parses) > before  # the corrupt entry was not used
    entry.write_bytes(b"")
    _same(load_graph(main, cache=True), expected)


def test_the_cache_directory_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("BLAST_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "blast"
    load_graph(STACK / "main.yaml", cache=True)
    assert list((tmp_path / "xdg" / "blast").glob("*.graph"))


def blast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_no_cache_stores_nothing_and_a_warm_validate_imports_no_parser():
    graph = "graphs/aws-us-east-1-2025-10-20.yaml"
    assert blast("-m", "blast", "validate", "--no-cache", graph).returncode == 0
    assert not list(cache.cache_dir().glob("*.graph"))
    cold = blast("-m", "blast", "validate", graph)
    warm = blast("-X", "importtime", "-m", "blast", "validate", graph)
    assert cold.returncode == warm.returncode == 0
    assert warm.stdout == cold.stdout
    imported = {line.split("|")[-1].strip() for line in warm.stderr.splitlines()}
    assert "yaml" not in imported and "pydantic" not in imported
    assert blast("-m", "blast", "spof", graph, "--json").stdout == (
        blast("-m", "blast", "spof", graph, "--json", "--no-cache").stdout
    )


def test_concurrent_runs_write_one_whole_entry():
    graph = "graphs/aws-us-east-1-2025-10-20.yaml"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "blast", "validate", graph],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    assert len(list(cache.cache_dir().glob("*.graph"))) == 1
    assert not list(cache.cache_dir().glob(".tmp-*"))
    assert cache.lookup([ROOT / graph]) is not None


def test_export_goes_through_the_cache_unless_no_cache():
    graph = "graphs/examples/shop.yaml"
    args = ("-m", "blast", "export", graph, "--format", "json")
    uncached = blast(*args, "--no-cache")
    assert uncached.returncode == 0, uncached.stderr
    assert not list(cache.cache_dir().glob("*.graph"))
    cold, warm = blast(*args), blast(*args)
    assert len(list(cache.cache_dir().glob("*.graph"))) == 1
    assert cold.stdout == warm.stdout == uncached.stdout


@pytest.mark.parametrize(
    "args",
    [
        (
            "simulate",
            "graphs/examples/shop.yaml",
            "--scenario",
            "graphs/scenarios/shop-region-failover.yaml",
            "--json",
        ),
        ("check", "graphs/examples/shop.yaml", "--max-spofs", "100", "--format", "json"),
        ("report", "graphs/examples/shop.yaml", "-o", "-", "--format", "json"),
    ],
)
def test_simulate_check_and_report_read_the_cache_unless_no_cache(args):
    uncached = blast("-m", "blast", *args, "--no-cache")
    assert uncached.returncode == 0, uncached.stderr
    assert not list(cache.cache_dir().glob("*.graph"))
    cold, warm = blast("-m", "blast", *args), blast("-m", "blast", *args)
    assert len(list(cache.cache_dir().glob("*.graph"))) == 1
    assert cold.stdout == warm.stdout == uncached.stdout


def test_every_module_that_decides_a_graph_is_in_the_cache_key():
    """A change to any module the loader runs must miss the cache (modules split later too)."""
    code = (
        "import sys; from blast.loading.loader import check_files; "
        "check_files(['graphs/examples/shop.yaml']); "
        "print(' '.join(m for m in sys.modules "
        "if m.startswith(('blast.loading.', 'blast.model.'))))"
    )
    run = blast("-c", code)
    assert run.returncode == 0, run.stderr
    used = {m.removeprefix("blast.").replace(".", "/") + ".py" for m in run.stdout.split()}
    assert used - set(cache._CODE) == set()
