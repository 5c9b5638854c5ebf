"""A losing race becomes the trigger of a scenario; the diagrams show it."""

from __future__ import annotations

from datetime import datetime

import pytest

from blast.errors import BadInputError
from blast.race import diagram
from blast.race.des import RaceParams
from blast.race.explore import explore
from blast.race.protocol import Config, Fix
from blast.race.trigger import RaceTrigger, find_trigger, replay

WORST = RaceParams(tail_probability=0.05, contention=0.3)
START = datetime.fromisoformat("2025-10-19T23:47:00-07:00")
RECORDS = {
    "regional": "aws.use1.dynamodb.dns-record",
    "ipv6": "aws.use1.dynamodb.dns-record-ipv6",
    "fips": "aws.use1.dynamodb.dns-record-fips",
}
AUTOMATION = ("aws.use1.dynamodb.dns-enactor.az1", "aws.use1.dynamodb.dns-enactor.az2")


@pytest.fixture(scope="module")
def found():
    return find_trigger(WORST, seed=1)


def test_trigger_matches_its_run(found):
    trigger, run = found
    assert trigger.empty_after == run.empty_at
    assert trigger.endpoints == run.empty_endpoints
    assert (trigger.stale_writer, trigger.deleter) == (run.stale_writer, run.deleter)
    assert trigger.stuck == run.stuck_enactors and trigger.stuck
    assert replay(WORST, 1, trigger.run) == run
    # The first losing window: every earlier one kept its records.
    assert trigger.seed == 1 and trigger.run >= 0


def test_scenario_faults_are_plain_dicts_with_the_given_ids(found):
    trigger, _ = found
    faults = trigger.to_scenario_faults(START, RECORDS, AUTOMATION, until="dns-restored")
    records = [f for f in faults if f["id"].startswith("race-empty-")]
    assert [f["target"] for f in records] == [RECORDS[e] for e in trigger.endpoints]
    stuck = [f for f in faults if f["id"].startswith("race-automation-stuck-")]
    assert [f["target"] for f in stuck] == list(AUTOMATION)
    assert all(f["plane"] == "control" for f in stuck)
    at = datetime.fromisoformat(records[0]["at"])
    assert (at - START).total_seconds() == pytest.approx(trigger.empty_after)
    for f in faults:
        assert f["mode"] == "down" and f["until"] == "dns-restored" and "for" not in f
        assert f["sources"] == ["https://aws.amazon.com/message/101925/"]
        assert set(f) <= {"id", "target", "mode", "plane", "at", "until", "for", "description",
                          "sources"}  # fmt: skip
    assert trigger.stale_writer in records[0]["description"]


def test_scenario_faults_with_a_duration_and_other_ids():
    t = RaceTrigger(30.0, ("regional",), 3, "Enactor A", "Enactor B", (), 7, 2)
    faults = t.to_scenario_faults(START, {"regional": "my.dns"}, duration="2h37m")
    assert faults == [
        {
            "id": "race-empty-regional",
            "target": "my.dns",
            "mode": "down",
            "at": "2025-10-19T23:47:30-07:00",
            "for": "2h37m",
            "description": (
                "The regional DNS record is empty: Enactor A applied stale plan 3 just before "
                "Enactor B's clean-up deleted it (blast race, seed 7, run 2)."
            ),
            "sources": ["https://aws.amazon.com/message/101925/"],
        }
    ]


def test_scenario_faults_refuse_bad_input():
    t = RaceTrigger(30.0, ("ipv6",), 3, "Enactor A", "Enactor B", (), 7, 2)
    with pytest.raises(BadInputError, match="ipv6"):
        t.to_scenario_faults(START, {"regional": "x"})
    with pytest.raises(BadInputError, match="offset"):
        t.to_scenario_faults(datetime(2025, 10, 20), {"ipv6": "x"})
    with pytest.raises(BadInputError, match="not both"):
        t.to_scenario_faults(START, {"ipv6": "x"}, until="a", duration="1h")


def test_a_fixed_protocol_yields_no_trigger():
    from dataclasses import replace

    with pytest.raises(BadInputError, match="no window"):
        find_trigger(replace(WORST, fix=Fix.CAS), seed=1, max_runs=200)


def test_text_diagram_of_the_shortest_counterexample():
    result = explore(Config())
    messages = diagram.from_counterexample(result.counterexample, result.config)
    lines = diagram.text(messages, unit="").splitlines()
    assert lines[0].split() == ["Planner", "plan", "store", "Enactor", "A", "Enactor", "B",
                                "regional"]  # fmt: skip
    assert len(lines) == 11
    assert lines[9].endswith("writes plan 1 to regional (rollback record: plan 3)")
    assert "<===" in lines[10] and lines[10].endswith(
        "!! cleans up after plan 3: deletes plans [1]"
    )


def test_figure_of_a_losing_window(found):
    _, run = found
    messages = diagram.from_run(run)
    assert any(m.alarm for m in messages)
    assert messages == sorted(messages, key=lambda m: m.order)
    fig = diagram.figure(messages, "A losing window", endpoints=WORST.endpoints)
    assert len(fig.layout.annotations) == 2 * len(messages)
    ticks = list(fig.layout.xaxis.ticktext)
    assert ticks[0] == "plan store" and ticks[-3:] == ["regional", "ipv6", "fips"]
    red = [a for a in fig.layout.annotations if a.arrowcolor == "#c0392b"]
    assert len(red) == sum(m.alarm for m in messages)
