"""Stored answers (:mod:`blast.cli.answers`): a repeated analysis prints what was stored,
and only when nothing that decides the answer changed.

Every run is the real CLI in a subprocess with a private cache directory. A stored
answer is proved to be *read* by replacing its bytes (with a valid checksum) and
seeing them printed; it is proved *not* to be read, when something changed, by
getting the freshly computed output instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blast.cli import answers

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "graphs/examples/shop.yaml"


def _run(
    args: list[str],
    cache: Path,
    cwd: Path = ROOT,
    *,
    importtime: bool = False,
    encoding: str = "utf-8",
):
    env = {**os.environ, "BLAST_CACHE_DIR": str(cache), "PYTHONIOENCODING": encoding}
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "blast", *args],
        capture_output=True,
        text=True,
        encoding=encoding,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


def _forge(path: Path, output: bytes, code: int = 0) -> None:
    """Replace a stored answer's output (and exit code), keeping its checksum valid."""
    digest = answers._digest(output)
    header = {"format": answers.FORMAT, "digest": digest, "code": code}
    path.write_bytes(json.dumps(header).encode() + b"\n" + output)


COMMANDS = [
    ["spof", "GRAPH"],
    ["spof", "GRAPH", "--json"],
    ["radius", "GRAPH", "--json", "--top", "3"],
    ["radius", "GRAPH", "checkout"],
    ["exposure", "GRAPH", "--region", "us-east-1", "--json"],
    ["exposure", "GRAPH", "--region", "us-east-1"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_stored_answer_is_printed_and_equals_the_computed_one(args, tmp_path):
    cache = tmp_path / "cache"
    argv = [str(SHOP) if a == "GRAPH" else a for a in args]
    fresh = _run([*argv, "--no-cache"], cache)
    assert fresh.returncode == 0, fresh.stderr
    assert not cache.exists() or not list(cache.glob("*.answer"))  # --no-cache stores nothing
    first = _run(argv, cache)
    (stored,) = cache.glob("*.answer")
    second = _run(argv, cache)
    assert (first.returncode, first.stdout, first.stderr) == (0, fresh.stdout, "")
    assert (second.returncode, second.stdout, second.stderr) == (0, fresh.stdout, "")
    _forge(stored, b"forged\n")
    assert _run(argv, cache).stdout == "forged\n"  # the stored bytes are what is printed
    assert _run([*argv, "--no-cache"], cache).stdout == fresh.stdout


def test_a_stored_answer_imports_no_analysis(tmp_path):
    cache = tmp_path / "cache"
    args = ["spof", str(SHOP), "--json"]
    assert _run(args, cache).returncode == 0
    run = _run(args, cache, importtime=True)
    assert run.returncode == 0
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines()}
    assert "blast.cli.answers" in imported
    assert not {"numpy", "pyroaring", "rustworkx", "pydantic", "yaml", "orjson"} & imported
    assert not any(name.startswith("blast.analysis") for name in imported)


def test_changed_graph_options_or_directory_are_answered_afresh(tmp_path):
    cache = tmp_path / "cache"
    graph = tmp_path / "shop.yaml"
    shutil.copy(SHOP, graph)
    args = ["radius", str(graph), "--json"]
    assert _run(args, cache).returncode == 0
    (stored,) = cache.glob("*.answer")
    _forge(stored, b"forged\n")
    assert _run(args, cache).stdout == "forged\n"
    # other options: another key
    top = _run([*args, "--top", "2"], cache)
    assert top.stdout == _run([*args, "--top", "2", "--no-cache"], cache).stdout != "forged\n"
    # another working directory: file names are shown relative to it
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _run(args, cache, cwd=elsewhere).stdout != "forged\n"
    # the graph changed: its entry is not used, so neither is the answer
    text = graph.read_text(encoding="utf-8")
    assert "user_facing: true" in text
    graph.write_text(text.replace("user_facing: true", "user_facing: false", 1), encoding="utf-8")
    changed = _run(args, cache)
    assert changed.returncode == 0
    assert changed.stdout == _run([*args, "--no-cache"], cache).stdout != "forged\n"


def test_an_included_file_that_changed_is_answered_afresh(tmp_path):
    cache = tmp_path / "cache"
    (tmp_path / "base.yaml").write_text(
        "components:\n"
        "  - id: db\n    kind: database\n"
        "  - id: api\n    kind: api\n    depends_on: [db]\n",
        encoding="utf-8",
    )
    top = tmp_path / "top.yaml"
    top.write_text(
        "include: [base.yaml]\n"
        "components:\n"
        "  - id: web\n    kind: app\n    user_facing: true\n    depends_on: [api]\n",
        encoding="utf-8",
    )
    args = ["spof", str(top), "--json"]
    first = _run(args, cache)
    assert first.returncode == 0, first.stderr
    assert '"db"' in first.stdout
    (tmp_path / "base.yaml").write_text(
        "components:\n  - id: db\n    kind: database\n  - id: api\n    kind: api\n",
        encoding="utf-8",
    )
    second = _run(args, cache)
    assert second.returncode == 0, second.stderr
    assert second.stdout == _run([*args, "--no-cache"], cache).stdout != first.stdout


def test_failed_and_corrupted_runs_are_not_answers(tmp_path):
    cache = tmp_path / "cache"
    bad = _run(["radius", str(SHOP), "no-such-component"], cache)
    assert bad.returncode == 2 and "no-such-component" in bad.stderr
    assert not list(cache.glob("*.answer"))
    args = ["spof", str(SHOP)]
    good = _run(args, cache).stdout
    (stored,) = cache.glob("*.answer")
    stored.write_bytes(stored.read_bytes()[:-5])  # truncated: the checksum fails
    again = _run(args, cache)
    assert (again.returncode, again.stdout) == (0, good)


def test_at_most_max_answers_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("BLAST_CACHE_DIR", str(tmp_path))
    for i in range(answers.MAX_ANSWERS + 5):
        answers.write(f"{i:040x}", f"answer {i}\n".encode())
        os.utime(tmp_path / f"{i:040x}.answer", (i, i))  # written in this order
    kept = sorted(tmp_path.glob("*.answer"))
    assert len(kept) == answers.MAX_ANSWERS
    assert answers.read(f"{0:040x}") is None
    last = answers.MAX_ANSWERS + 4
    assert answers.read(f"{last:040x}") == (0, f"answer {last}\n".encode())


def test_text_answers_are_stored_per_output_encoding(tmp_path):
    """The same text is other bytes in another encoding: each is stored on its own."""
    cache = tmp_path / "cache"
    args = ["spof", str(SHOP)]
    utf8 = _run(args, cache)
    assert "×" in utf8.stdout  # the order-2 pairs: a character latin-1 writes as one byte
    latin = _run(args, cache, encoding="latin-1")
    assert latin.returncode == 0 and latin.stdout == utf8.stdout
    assert len(list(cache.glob("*.answer"))) == 2
    assert _run(args, cache, encoding="latin-1").stdout == utf8.stdout
