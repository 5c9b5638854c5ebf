"""The post-mortem data files: tidy, sourced, and pointing at components of the shipped graph."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from blast.loading.loader import load_graph

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "aws-2025-10-20"
GRAPH = load_graph(ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml")
TABLES = sorted(p.name for p in DATA.glob("*.csv"))
SOURCES = set(pd.read_csv(DATA / "sources.csv", dtype=str)["key"])
TIME_COLUMNS = {"time", "start", "end", "accumulate_from", "accumulate_to", "drained_by"}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def test_every_table_is_there():
    expected = ["apps.csv", "durations.csv", "events.csv", "health_dashboard.csv"]
    expected += ["impact_windows.csv"]
    expected += ["recovery_mechanisms.csv", "sources.csv"]
    assert sorted(expected) == TABLES


@pytest.mark.parametrize("name", [t for t in TABLES if t != "sources.csv"])
def test_rows_are_sourced_timed_and_linked(name):
    table = read(name)
    assert len(table) > 0
    for _, row in table.iterrows():
        keys = [k for k in row["sources"].split(";") if k]
        assert keys, row.to_dict()
        assert set(keys) <= SOURCES, row.to_dict()
        for column in TIME_COLUMNS & set(table.columns):
            value = row[column]
            if value and value[0].isdigit():
                parsed = datetime.fromisoformat(value)
                assert len(value) == 10 or parsed.utcoffset() is not None, value
        for column in ("component", "caused_by"):
            for cid in (row.get(column) or "").split(";"):
                assert not cid or cid in GRAPH.components, (name, cid)


def test_windows_end_after_they_start():
    windows = read("impact_windows.csv")
    for _, row in windows.iterrows():
        if row["start"] and row["end"]:
            assert datetime.fromisoformat(row["start"]) < datetime.fromisoformat(row["end"])


def test_the_headline_window_is_the_post_mortems():
    events = read("events.csv")
    times = [datetime.fromisoformat(t) for t in events["time"] if len(t) > 10]
    assert min(times).isoformat() == "2025-10-19T23:45:00-07:00"
    dns = read("impact_windows.csv").query("component == 'aws.use1.dynamodb.endpoint'")
    assert ("2025-10-19T23:48-07:00", "2025-10-20T02:40-07:00") in set(
        zip(dns["start"], dns["end"], strict=True)
    )


def test_every_reported_app_carries_its_public_evidence():
    apps = read("apps.csv")
    assert set(apps["kind"]) <= {"report_wave", "report", "statement"}
    illustrative = {c for c in GRAPH.user_facing if GRAPH.components[c].provider == "example"}
    assert set(GRAPH.user_facing) - illustrative <= set(apps["component"])
    waves = apps.query("kind == 'report_wave'")
    assert sorted(waves["time"]) == ["2025-10-20T00:30-07:00", "2025-10-20T08:00-07:00"]


def test_apps_whose_impact_outlasted_dynamodb_need_more_than_dynamodb():
    """Impact after 02:40 PDT (DynamoDB back) needs a later-impaired dependency in the graph."""
    apps = read("apps.csv")
    late = {
        row["component"]
        for _, row in apps.iterrows()
        if row["component"]
        and len(row["time"]) > 10
        and datetime.fromisoformat(row["time"]) > datetime.fromisoformat("2025-10-20T02:40-07:00")
    }
    assert "reddit" in late
    for cid in late:
        targets = {d.target for d in GRAPH.components[cid].depends_on}
        assert targets - {"aws.use1.dynamodb.endpoint"}, cid
