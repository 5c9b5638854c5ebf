"""Scoring simulated windows against a post-mortem: reading the tables and matching edges."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from blast.scoring import (
    ReferenceWindow,
    SimulatedWindow,
    event_spans,
    load_incident,
    score,
)
from blast.scoring.against import named_causes, simulated_windows
from blast.scoring.reference import IncidentDataError
from tests.simkit import T0, comp, fault, run

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "aws-2025-10-20"
PDT = timezone(timedelta(hours=-7))


def t(hour: int, minute: int = 0, day: int = 20) -> datetime:
    return datetime(2025, 10, day, hour, minute, tzinfo=PDT)


def ref(component: str, start: datetime | None, end: datetime | None, window: str = "main"):
    return ReferenceWindow("svc", component, window, start, end, ("pes",), True, 2)


def test_the_shipped_tables_load_with_their_spans():
    data = load_incident(DATA)
    assert {"E01", "E52"} <= data.event_ids()
    scored = data.scored_windows()
    assert all(w.component for w in scored)
    sts = [w for w in scored if w.component == "aws.use1.sts"]
    assert {w.window for w in sts} == {"main", "dynamodb_internal_endpoints", "nlb_health_checks"}
    spans = {w.service: w.duration for w in event_spans(data)}
    assert spans["Whole event (AWS definition)"] == timedelta(hours=14, minutes=32)
    assert spans["Whole event (Health Dashboard definition)"] == timedelta(hours=15, minutes=12)


def test_a_malformed_row_is_located(tmp_path):
    folder = tmp_path / "incident"
    shutil.copytree(DATA, folder)
    path = folder / "impact_windows.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("2025-10-19T23:48-07:00", "2025-10-19 late", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "events.csv").unlink()
    with pytest.raises(IncidentDataError) as caught:
        load_incident(folder)
    messages = [str(p) for p in caught.value.problems]
    column = lines[3].index("2025-10-19 late") + 1
    assert f"{path}:4:{column}: start: '2025-10-19 late' is not an ISO 8601 time" in messages[0]
    assert any("events.csv" in m and "no such table" in m for m in messages)
    assert caught.value.exit_code == 2


def test_a_time_without_offset_is_refused(tmp_path):
    folder = tmp_path / "incident"
    shutil.copytree(DATA, folder)
    path = folder / "events.csv"
    text = path.read_text(encoding="utf-8").replace("2025-10-19T23:45-07:00", "2025-10-19T23:45", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IncidentDataError, match=r"events.csv:2:\d+: time: .* no UTC offset"):
        load_incident(folder)


def test_a_main_window_is_matched_with_the_envelope_and_a_sub_window_with_its_part():
    simulated = [
        SimulatedWindow("sts", t(0, 1), t(1, 25)),
        SimulatedWindow("sts", t(8, 40), t(10, 0)),
    ]
    reference = [
        ref("sts", t(0, 0), t(10, 0)),
        ref("sts", t(0, 0), t(1, 20), "first"),
        ref("sts", t(8, 30), t(10, 0), "second"),
    ]
    result = score(simulated, reference)
    got = [(e.window, e.edge, e.error_minutes) for e in result.edges]
    assert got == [
        ("main", "start", 1.0),
        ("main", "end", 0.0),
        ("first", "start", 1.0),
        ("first", "end", 5.0),
        ("second", "start", 10.0),
        ("second", "end", 0.0),
    ]
    summary = result.summary()
    assert summary["median_abs_error_minutes"] == 1.0
    assert summary["max_abs_error_minutes"] == 10.0
    assert result.meets(max_minutes=15, median_minutes=5)
    assert not result.meets(max_minutes=5, median_minutes=5)


def test_edges_set_by_an_action_are_told_apart_from_emergent_ones():
    simulated = [
        SimulatedWindow(
            "db",
            t(0, 0),
            t(
                2,
                25,
            )
            + timedelta(seconds=30),
        )
    ]
    result = score(simulated, [ref("db", t(23, 48, day=19), t(2, 40))], [t(2, 25)])
    assert [(e.edge, e.origin) for e in result.edges] == [
        ("start", "emergent"),
        ("end", "action-set"),
    ]
    summary = result.summary()
    assert summary["emergent_edges"] == 1
    assert summary["emergent_max_abs_error_minutes"] == 12.0
    assert summary["max_abs_error_minutes"] == 14.5


def test_missed_components_and_open_windows_fail_the_target():
    simulated = [SimulatedWindow("lb", t(5, 30), t(23, 59), open=True)]
    reference = [ref("lb", t(5, 30), t(14, 9)), ref("queue", t(2, 24), t(6, 0))]
    result = score(simulated, reference)
    assert [(e.component, e.edge, e.origin) for e in result.edges] == [
        ("lb", "start", "emergent"),
        ("lb", "end", "missed"),
        ("queue", "start", "missed"),
        ("queue", "end", "missed"),
    ]
    assert result.missed == 3
    assert not result.meets(max_minutes=15, median_minutes=5)


def test_a_window_that_no_simulated_window_overlaps_takes_the_nearest():
    simulated = [SimulatedWindow("x", t(1), t(2)), SimulatedWindow("x", t(9), t(10))]
    result = score(simulated, [ref("x", t(3), t(4))])
    assert [e.error_minutes for e in result.edges] == [-120.0, -120.0]


def test_untimed_edges_are_not_scored():
    result = score([SimulatedWindow("x", t(1), t(2))], [ref("x", None, t(2)), ref("y", None, None)])
    assert [(e.component, e.edge) for e in result.edges] == [("x", "end")]
    assert result.to_dict()["edges"][0]["error_minutes"] == 0.0


def test_edges_a_parameter_was_fitted_to_are_not_counted_as_emergent():
    simulated = [SimulatedWindow("idx", t(9, 37), t(13, 18))]
    result = score(simulated, [ref("idx", t(9, 37), t(13, 18))], [], [("idx", "main", "end")])
    assert [e.origin for e in result.edges] == ["emergent", "fitted"]
    assert result.summary()["fitted_edges"] == 1
    assert result.summary()["emergent_edges"] == 1


def test_a_window_that_names_its_cause_is_matched_with_the_stretches_that_cause_gives():
    # svc is down while db is (hard), then degraded while wf is (soft), in one simulated window;
    # the post-mortem's two windows name db and wf as their causes
    j = run(
        [comp("db"), comp("wf"), comp("svc", "db", {"target": "wf", "type": "soft"})],
        [fault("a", "db", 0, 60), fault("b", "wf", 0, 180)],
    )
    assert [(w.component, w.start, w.end) for w in j.windows() if w.component == "svc"] == [
        ("svc", 0, 180 * 60)
    ]
    t0 = datetime.fromisoformat(T0)
    mins = [t0 + timedelta(minutes=m) for m in (0, 60, 180)]
    by_cause = [
        ReferenceWindow("S", "svc", "main", mins[0], mins[1], ("pes",), True, 2, ("db",)),
        ReferenceWindow("S", "svc", "tail", mins[1], mins[2], ("pes",), True, 3, ("wf",)),
    ]
    windows = simulated_windows(j, named_causes(by_cause))
    errors = [(e.window, e.edge, e.error_minutes) for e in score(windows, by_cause).edges]
    assert errors == [
        ("main", "start", 0),
        ("main", "end", 0),
        ("tail", "start", 0),
        ("tail", "end", 0),
    ]
    # without named causes both are compared with the whole window
    plain = [ref("svc", mins[0], mins[1]), ref("svc", mins[1], mins[2], "tail")]
    ends = [
        e.error_minutes
        for e in score(simulated_windows(j, named_causes(plain)), plain).edges
        if e.edge == "end"
    ]
    assert ends == [120, 0]
    # a cause that never explains the component's impairment falls back to the whole window
    other = [ReferenceWindow("S", "svc", "main", mins[0], mins[1], ("pes",), True, 2, ("x",))]
    windows = simulated_windows(j, named_causes(other))
    assert [e.error_minutes for e in score(windows, other).edges] == [0, 120]


def test_own_state_stretches_count_apart_when_the_post_mortem_gives_them_a_window():
    # svc is down while db is (hard), then its own backlog drains (a queue): one window.
    # Its own state keeps db's cause, unless the post-mortem has a window naming svc itself
    queue = {"arrival_rate": 10, "drain_rate": 20}
    j = run([comp("db"), comp("svc", "db", queue=queue)], [fault("a", "db", 0, 60)])
    [(start, end)] = [(w.start, w.end) for w in j.windows() if w.component == "svc"]
    assert (start, end) == (0, 120 * 60)  # 36,000 items drained at 10/s net
    t0 = datetime.fromisoformat(T0)
    mins = [t0 + timedelta(minutes=m) for m in (0, 60, 120)]
    db_only = [ReferenceWindow("S", "svc", "main", mins[0], mins[1], ("pes",), True, 2, ("db",))]
    windows = simulated_windows(j, named_causes(db_only))
    assert [e.error_minutes for e in score(windows, db_only).edges] == [0, 60]  # aftermath kept
    drain = ReferenceWindow("S", "svc", "drain", mins[1], mins[2], ("pes",), True, 3, ("svc",))
    apart = [*db_only, drain]
    windows = simulated_windows(j, named_causes(apart))
    errors = [(e.window, e.edge, e.error_minutes) for e in score(windows, apart).edges]
    assert errors == [
        ("main", "start", 0),
        ("main", "end", 0),
        ("drain", "start", 0),
        ("drain", "end", 0),
    ]
