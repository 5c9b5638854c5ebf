"""Every incident folder under data/ reads cleanly and points at its graph's components."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from blast.loading.loader import load_graph
from blast.scoring import event_spans, load_incident

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = {
    "aws-2025-10-20": "graphs/aws-us-east-1-2025-10-20.yaml",
    "aws-s3-2017-02-28": "graphs/aws-s3-us-east-1-2017-02-28.yaml",
}


def test_every_data_folder_is_listed():
    folders = {p.name for p in (ROOT / "data").iterdir() if p.is_dir()}
    assert folders == set(INCIDENTS)


@pytest.mark.parametrize("folder", sorted(INCIDENTS))
def test_an_incident_reads_and_links_to_its_graph(folder):
    data = load_incident(ROOT / "data" / folder)
    graph = load_graph(ROOT / INCIDENTS[folder])
    with open(ROOT / "data" / folder / "sources.csv", encoding="utf-8") as handle:
        keys = {row["key"] for row in csv.DictReader(handle)}
    rows = [*data.windows, *data.events]
    assert rows
    for row in rows:
        assert not row.component or row.component in graph.components, (folder, row)
        assert set(row.sources) <= keys, (folder, row)
    assert data.scored_windows(), folder
    assert len(event_spans(data)) >= 1


def test_the_s3_event_lasts_from_the_command_to_put_working_again():
    data = load_incident(ROOT / "data" / "aws-s3-2017-02-28")
    (span,) = event_spans(data)
    assert (span.start.isoformat(), str(span.duration)) == ("2017-02-28T09:37:00-08:00", "4:17:00")
