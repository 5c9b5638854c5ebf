"""The race page's pure functions: the library's counterexample and fix verdicts, cached."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from dash import html

from blast.race.des import RaceParams
from blast.race.explore import explore
from blast.race.protocol import Config, Fix
from dashboard import race
from dashboard.pages import race as page

SMALL = Config(max_plan=3)
"""Small enough to explore in well under a second, still loses (threshold 2)."""


@pytest.fixture(scope="module")
def small() -> race.RaceView:
    return race.compute(SMALL, RaceParams(), runs=20, seed=3)


def test_the_view_is_the_librarys_shortest_counterexample(small: race.RaceView) -> None:
    cex = explore(SMALL).counterexample
    assert cex is not None
    assert [s.number for s in small.steps] == [s.number for s in cex.steps]
    assert [s.text for s in small.steps] == [s.text for s in cex.steps]
    assert len(small.messages) == len(cex.steps)
    assert small.messages[-1].alarm, "the last step empties the record"
    assert not any(m.alarm for m in small.messages[:-1])
    assert any("EMPTY" in c for c in small.steps[-1].changes)


def test_each_fix_row_matches_its_exhaustive_search(small: race.RaceView) -> None:
    assert [f.fix for f in small.fixes] == ["none", "a", "b", "c"]
    for row, fix in zip(small.fixes, [None, *Fix], strict=True):
        result = explore(replace(SMALL, fix=fix))
        assert row.states == result.states
        assert row.safety_violations == result.safety_violations
        assert row.progress_violations == result.progress_violations
        assert row.probability_empty == float(result.probability_empty)
        assert row.mc_runs == 20
    assert small.fixes[0].safety_violations > 0
    assert all(f.safety_violations == f.progress_violations == 0 for f in small.fixes[1:])
    assert small.fixes[0].extra_writes_per_plan == 0.0  # costs are against no fix


def test_the_result_is_cached_per_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: race.RaceView
) -> None:
    monkeypatch.setenv("BLAST_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(race, "_memory", {})
    params = RaceParams()
    first = race.race_view(SMALL, params, runs=20, seed=3)
    assert first == small
    (entry,) = tmp_path.glob("race-*.json")
    assert entry.name == f"race-{race.content_key(SMALL, params, 20, 3)}.json"
    # Another process (an empty memory) reads the entry instead of exploring again.
    monkeypatch.setattr(race, "_memory", {})
    calls: list[int] = []
    monkeypatch.setattr(race, "compute", lambda *a: calls.append(1) or small)
    assert race.race_view(SMALL, params, runs=20, seed=3) == small
    assert calls == []
    # Another configuration is another entry; a corrupt entry is recomputed.
    assert race.content_key(replace(SMALL, threshold=3), params, 20, 3) != entry.stem[5:]
    entry.write_text("{not json")
    monkeypatch.setattr(race, "_memory", {})
    assert race.race_view(SMALL, params, runs=20, seed=3) == small
    assert calls == [1]
    assert race.RaceView.from_json(json.loads(entry.read_text())) == small


def test_the_diagram_has_one_arrow_a_step(small: race.RaceView) -> None:
    fig = page.diagram_figure(small)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len(small.steps)
    assert arrows[-1].arrowcolor != arrows[0].arrowcolor  # the empty record is in red
    lanes = list(fig.layout.xaxis.ticktext)
    assert lanes[0] == "Planner" and "Enactor A" in lanes and "Enactor B" in lanes
    assert lanes[-1] == "regional"
    rows = [a.y for a in arrows]
    for line in fig.layout.shapes:  # each lifeline spans every row
        assert min(line.y0, line.y1) < min(rows) and max(line.y0, line.y1) > max(rows)


def test_the_page_body_shows_every_variant(small: race.RaceView) -> None:
    content = page.body(small)
    table = page.fixes_table(small)
    rows = table.children[1].children
    assert len(rows) == 4
    assert [r.className for r in rows] == ["fix-none", "fix-a", "fix-b", "fix-c"]
    assert any(isinstance(c, html.H2) for c in content)
    steps = page.steps_table(small).children[1].children
    assert len(steps) == len(small.steps) and steps[-1].className == "alarm"
