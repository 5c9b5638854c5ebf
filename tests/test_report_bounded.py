"""``blast report`` stays small at any size: the long lists capped, their sizes beside them.

Real CLI runs on a generated 3,000-component hub graph, where every kind of capped list
(recovery waves, mitigations' changes, blind spots' watched components) passes
:data:`~blast.reports.bounded.LIST_CAP`; ``--full`` gives the complete lists, compared
with the analyses run in this process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from blast.analysis.index import build_index
from blast.loading.loader import load_graph
from blast.model.shapes import generate
from blast.model.synthetic import to_yaml
from blast.reports import blind_spots, recovery_order
from blast.reports.bounded import LIST_CAP
from blast.reports.build import DEFAULT_REGION
from blast.reports.mitigations import plans
from tests.clirun import ROOT, blast

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Any]:
    """The graph file, its default and ``--full`` JSON reports and its default Markdown."""
    out = tmp_path_factory.mktemp("bounded")
    graph = out / "hubs-3000.yaml"
    graph.write_text(to_yaml(generate("hubs", 3000, seed=1)), encoding="utf-8")
    blast("report", graph, "-o", out / "capped.json")
    blast("report", graph, "--full", "-o", out / "full.json")
    blast("report", graph, "-o", out / "capped.md")
    blast("report", graph, "-o", out / "capped.html")
    return {
        "graph": graph,
        "capped": json.loads((out / "capped.json").read_text()),
        "full": json.loads((out / "full.json").read_text()),
        "markdown": (out / "capped.md").read_text(),
        "html": (out / "capped.html").read_text(),
        "size": {k: (out / f"{k}.json").stat().st_size for k in ("capped", "full")},
    }


def _cut(full: dict[str, Any]) -> dict[str, Any]:
    """What the default report must be: the ``--full`` one with each long list cut."""
    data = json.loads(json.dumps(full))
    for s in data["spofs"]:
        s["recovery_order"] = [w[:LIST_CAP] for w in s["recovery_order"]]
        for m in s["mitigations"]:
            m["changes"] = m["changes"][:LIST_CAP]
    for b in data["blind_spots"]:
        b["watched_down"] = b["watched_down"][:LIST_CAP]
        b["shared"] = b["shared"][:LIST_CAP]
    return data


def test_both_reports_fit_the_schema(runs):
    for key in ("capped", "full"):
        jsonschema.validate(runs[key], SCHEMA)


def test_the_default_is_capped_and_every_kind_of_list_is_cut(runs):
    data = runs["capped"]
    waves = [w for s in data["spofs"] for w in s["recovery_order"]]
    changes = [m["changes"] for s in data["spofs"] for m in s["mitigations"]]
    watched = [b["watched_down"] for b in data["blind_spots"]]
    for lists in (waves, changes, watched):
        assert max(map(len, lists)) == LIST_CAP  # each kind reaches the cap here ...
    sizes = [n for s in data["spofs"] for n in s["recovery_wave_sizes"]]
    assert max(sizes) > LIST_CAP  # ... and is cut
    assert max(m["changes_total"] for s in data["spofs"] for m in s["mitigations"]) > LIST_CAP
    assert max(b["watched_down_total"] for b in data["blind_spots"]) > LIST_CAP
    assert runs["size"]["capped"] < runs["size"]["full"] / 2


def test_the_default_is_the_full_report_cut_with_the_same_totals(runs):
    assert runs["capped"] == _cut(runs["full"])


def test_full_lists_are_the_analysis_lists_and_the_totals_their_sizes(runs):
    index = build_index(load_graph(runs["graph"]))
    full = runs["full"]
    for s in full["spofs"]:
        waves = [list(w) for w in recovery_order(index, s["component"])]
        assert s["recovery_order"] == waves
        assert s["recovery_wave_sizes"] == [len(w) for w in waves]
        touched = [plan.touched for plan in plans(index, s["component"])]
        assert [m["changes"] for m in s["mitigations"]] == [
            [f"{d} -> {s['component']}" for d in t] for t in touched
        ]
        assert [m["changes_total"] for m in s["mitigations"]] == list(map(len, touched))
    spots = blind_spots(index, region=DEFAULT_REGION)
    assert [b["watched_down"] for b in full["blind_spots"]] == [list(b.watched_down) for b in spots]
    assert [b["watched_down_total"] for b in full["blind_spots"]] == [
        len(b.watched_down) for b in spots
    ]
    assert [b["shared"] for b in full["blind_spots"]] == [list(b.shared) for b in spots]
    assert [b["shared_total"] for b in full["blind_spots"]] == [len(b.shared) for b in spots]


def test_markdown_and_html_say_how_many_ids_they_leave_out(runs):
    first = runs["capped"]["spofs"][0]
    cut = [
        (n, size)
        for n, (wave, size) in enumerate(
            zip(first["recovery_order"], first["recovery_wave_sizes"], strict=True), 1
        )
        if size > len(wave)
    ]
    n, size = cut[0]
    line = next(x for x in runs["markdown"].splitlines() if x.startswith(f"{n}. `"))
    assert line.endswith(f"… and {size - LIST_CAP} more")
    assert line.count("`") == 2 * LIST_CAP
    assert f"… and {size - LIST_CAP} more (--full lists them)" in runs["html"]


def test_shipped_graph_report_is_the_same_with_full(tmp_path: Path):
    shop = ROOT / "graphs" / "examples" / "shop.yaml"
    blast("report", shop, "-o", tmp_path / "a.json")
    blast("report", shop, "--full", "-o", tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
