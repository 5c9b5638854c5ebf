"""``Report.to_json`` (orjson when it is sure to agree) against the standard library's
``json.dumps(report.to_dict(), indent=2, ensure_ascii=False)``, byte for byte."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from blast.loading.loader import load_graph
from blast.reports.build import Report, _plain, build_report

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]


def _standard(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.stem)
def test_shipped_reports_take_orjson_and_write_the_same_text(path):
    report = build_report(load_graph(path))
    odd: list[object] = []
    _plain(report, odd)
    assert odd == []  # orjson writes these
    assert report.to_json() == _standard(report)


@pytest.mark.parametrize(
    "minutes", [0.0, 1e-4, 2.5e-7, 1e-05, 12.5, 1e16, 1e22, float("nan"), float("inf")]
)
def test_floats_orjson_would_write_otherwise_take_the_standard_encoder(minutes):
    report = build_report(load_graph(ROOT / "graphs" / "examples" / "shop.yaml"))
    report = replace(report, summary=replace(report.summary, region_outage_minutes=minutes))
    assert report.to_json() == _standard(report)
