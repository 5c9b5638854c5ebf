"""Big files are validated in chunks: problems in any chunk keep their exact place.

The fast pass validates ``CHUNK`` items per pydantic call and drops each chunk's
parsed data once its models are built; these files span several chunks (and are
big enough for the Rust fast parse), with problems placed in the first and the
last chunk, so each must still be reported with its line, column and key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from blast.loading import loader
from blast.loading.loader import CHUNK, check_files
from blast.loading.yamlsource import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
N = 2 * CHUNK + 17  # three chunks, the last one short


def _graph(n: int, bad_kind_at: int | None = None, bad_target_at: int | None = None) -> str:
    lines = ["version: 1", "components:"]
    for i in range(n):
        kind = "nonsense" if i == bad_kind_at else "api"
        lines += [f"  - id: svc-{i:05d}", f"    kind: {kind}", "    region: us-east-1"]
        if i:
            target = "missing-svc" if i == bad_target_at else f"svc-{i - 1:05d}"
            lines += ["    depends_on:", f"      - {target}"]
    return "\n".join(lines) + "\n"


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_a_valid_file_of_several_chunks_gives_every_component(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(_graph(N))
    checked = check_files(path)
    assert checked.problems == []
    assert checked.graph is not None
    assert len(checked.graph.components) == N
    assert checked.graph.components[f"svc-{N - 1:05d}"].depends_on[0].target == f"svc-{N - 2:05d}"
    assert list(checked.graph.components)[CHUNK] == f"svc-{CHUNK:05d}"  # file order kept


def test_problems_in_the_first_and_last_chunk_are_located_exactly(tmp_path):
    text = _graph(N, bad_kind_at=N - 1, bad_target_at=3)
    path = tmp_path / "g.yaml"
    path.write_text(text)
    assert len(text) > 32 * 1024  # the Rust fast parse reads the first pass
    problems = check_files(path).problems
    assert [(p.location.line, p.location.column, p.key) for p in problems] == [
        (_line_of(text, "      - missing-svc"), 9, "components[3].depends_on[0]"),
        (_line_of(text, "    kind: nonsense"), 11, f"components[{N - 1}].kind"),
    ]
    assert "unknown component 'missing-svc'" in problems[0].message
    assert "nonsense" in problems[1].message


def test_a_duplicate_across_chunks_names_both_places(tmp_path):
    text = _graph(N).replace(f"  - id: svc-{N - 1:05d}\n", "  - id: svc-00001\n")
    path = tmp_path / "g.yaml"
    path.write_text(text)
    problems = check_files(path).problems
    assert len(problems) == 1
    where = problems[0].location
    assert (where.line, where.column) == (text.splitlines().index("  - id: svc-00001", 10) + 1, 9)
    assert f":{_line_of(text, '  - id: svc-00001')}:9)" in problems[0].message


def test_the_cli_reports_an_error_in_the_last_chunk_with_exit_2(tmp_path):
    text = _graph(N, bad_kind_at=N - 1)
    path = tmp_path / "g.yaml"
    path.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "blast", "validate", "--no-cache", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    line = _line_of(text, "    kind: nonsense")
    assert f"g.yaml:{line}:11: components[{N - 1}].kind:" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_cli_ends_fast_with_its_whole_output_written(tmp_path):
    """``validate`` ends with ``os._exit`` (its graph is not freed): stdout is flushed first."""
    path = tmp_path / "g.yaml"
    path.write_text(_graph(N))
    env = {**os.environ, "BLAST_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # cold (entry written), then warm
        done = subprocess.run(
            [sys.executable, "-m", "blast", "validate", "--json", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["components"] == N
    assert len(list((tmp_path / "cache").glob("*.graph"))) == 1


def test_the_second_pass_records_positions_only_where_the_problems_are(tmp_path):
    text = "version: 1\nname: g\n" + _graph(5).split("\n", 1)[1]
    doc = parse_yaml(text.encode(), "g.yaml", only=frozenset({("components", 3)}))
    inside = {path for path in doc.value_marks if path[:2] == ("components", 3)}
    assert ("components", 3, "depends_on", 0) in inside
    assert ("components", 3, "kind") in doc.key_marks
    assert ("components", 2, "kind") not in doc.key_marks  # not asked for
    assert doc.locate(("components", 2, "kind")) == doc.locate(("components", 2))  # the item
    assert doc.locate(("components", 2)).line == _line_of(text, "  - id: svc-00002")
    assert doc.locate(("name",)).line == 2  # outside the items: every position
    full = parse_yaml(text.encode(), "g.yaml")
    assert all(full.value_marks[path] == mark for path, mark in doc.value_marks.items())
    assert all(full.key_marks[path] == mark for path, mark in doc.key_marks.items())


def test_the_narrow_second_pass_reports_what_a_full_one_does(tmp_path, monkeypatch):
    """Problems of every kind, across chunks: the second pass limited to the items with
    problems gives exactly the problems (places, keys, messages) of a full second pass."""
    text = _graph(N, bad_kind_at=N - 2, bad_target_at=CHUNK + 5)
    text = text.replace(f"  - id: svc-{N - 1:05d}\n", "  - id: svc-00010\n")  # duplicate
    text = text.replace(
        "  - id: svc-00020\n    kind: api\n",
        "  - id: svc-00020\n    kind: api\n    sources: [not-a-key]\n    scope: zonal\n",
    )
    text = text.replace("      - svc-00030\n", "      - svc-00031\n")  # depends on itself
    path = tmp_path / "g.yaml"
    path.write_text(text)
    narrow = check_files(path).problems
    monkeypatch.setattr(loader, "_with_problems", lambda session: None)
    full = check_files(path).problems
    assert narrow == full
    assert len(narrow) >= 5
    assert all(p.location.line is not None for p in narrow)
