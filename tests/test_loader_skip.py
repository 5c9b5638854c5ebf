"""The second pass of a file with problems builds only the items with problems.

The other top-level items are read as ``{"id": ...}`` stubs (their ids are all
the checks across items need); anything a stub could get wrong (an anchor, an
alias, an id that is not plain text) makes the builder read the whole document
again. Either way the problems are exactly those of a pass that builds everything.
"""

from __future__ import annotations

import pytest

from blast.loading.loader import check_files
from blast.loading.yamlbuild import EventBuilder
from blast.loading.yamlsource import parse_yaml


def _graph(n: int, extra: dict[int, list[str]] | None = None, bad: dict[int, str] | None = None):
    lines = ["version: 1", "name: skip test", "components:"]
    for i in range(n):
        lines += [f"  - id: svc-{i:04d}", f"    kind: {(bad or {}).get(i, 'api')}"]
        lines += ["    region: us-east-1"]
        if i:
            lines += ["    depends_on:", f"      - svc-{i - 1:04d}"]
        lines += (extra or {}).get(i, [])
    return "\n".join(lines) + "\n"


def _problems(path, monkeypatch, skip: bool) -> list[str]:
    if not skip:
        monkeypatch.setattr(EventBuilder, "_unlisted_item", lambda self: False)
    problems = [str(p) for p in check_files(path).problems]
    monkeypatch.undo()
    return problems


CASES = {
    "bad kind and unknown target": _graph(300, {250: ["      - svc-0o12"]}, {5: "nonsense"}),
    "duplicate id": _graph(200, {150: ["    tags: [a]"]}).replace(
        "  - id: svc-0150", "  - id: svc-0010", 1
    ),
    "anchor in an unlisted item, alias in a listed one": _graph(
        200,
        {20: ["    tags: &shared [a, b]"], 150: ["    tags: *shared", "    notes: [not text]"]},
    ),
    "quoted and odd ids": _graph(120, {60: ["    notes: 12"]})
    .replace("  - id: svc-0003", "  - id: 'svc-0003'", 1)
    .replace("  - id: svc-0004", "  - id: !!str svc-0004", 1),
}


@pytest.mark.parametrize("case", CASES)
def test_problems_are_those_of_a_full_second_pass(case, tmp_path, monkeypatch):
    path = tmp_path / "g.yaml"
    path.write_text(CASES[case])
    skipped = _problems(path, monkeypatch, skip=True)
    full = _problems(path, monkeypatch, skip=False)
    assert skipped and skipped == full


def test_unlisted_items_are_read_as_their_ids():
    raw = _graph(50).encode()
    doc = parse_yaml(raw, "g.yaml", located=True, only=frozenset({("components", 7)}))
    items = doc.data["components"]
    assert items[3] == {"id": "svc-0003"}  # a stub
    assert items[7]["depends_on"] == ["svc-0006"]  # built, with positions
    # item i (i > 0) starts at line 5i + 2, its first dependency 4 lines below
    assert doc.locate(("components", 7, "depends_on", 0)).line == 7 * 5 + 6
    assert doc.locate(("components", 3, "id"), prefer_key=False).line == 3 * 5 + 2


def test_an_anchor_among_the_skipped_items_reads_everything():
    raw = _graph(30, {2: ["    tags: &t [x]"], 9: ["    tags: *t"]}).encode()
    doc = parse_yaml(raw, "g.yaml", located=True, only=frozenset({("components", 9)}))
    assert doc.data["components"][9]["tags"] == ["x"]
    assert doc.data["components"][2]["tags"] == ["x"]  # built too: no stubs this time
