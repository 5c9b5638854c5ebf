"""A lease is renewed by any answer: a degraded dependency lapses no lease.

Whole timelines on tiny graphs. The rule breaks a loop the 2025-10-20 reconstruction
needs broken (docs/reconstruction.md): DynamoDB, merely degraded by a soft edge to the
NLB health checks late in the event, must not send DWFM's leases into a second lapse and
a second congestive collapse.
"""

from __future__ import annotations

from tests.simkit import comp, fault, run, timeline

LEASED = {"target": "ddb", "lease_timeout": "5m", "lease_work": 100000}
QUEUE = {"arrival_rate": 10, "drain_rate": 100, "timeout": "5m"}


def test_a_degraded_dependency_lapses_no_lease_and_queues_no_renewal_work():
    comps = [
        comp("ddb", {"target": "hc", "type": "soft"}),
        comp("hc"),
        comp("dwfm", LEASED, queue=QUEUE),
    ]
    j = run(comps, [fault("f", "hc", 0, 120)], horizon="6h")
    assert timeline(j) == [
        (0, "hc", "down", "fault", None),
        (0, "ddb", "degraded", "soft", "hc"),
        (120, "hc", "up", "fault-end", None),
        (120, "ddb", "up", "soft", "hc"),
    ]
    assert j.state_at("dwfm", 3 * 3600) == "up"


def test_a_down_dependency_still_lapses_leases_after_the_timeout():
    comps = [comp("ddb"), comp("dwfm", LEASED, queue=QUEUE)]
    j = run(comps, [fault("f", "ddb", 0, 60)], horizon="10h")
    assert timeline(j)[:2] == [
        (0, "ddb", "down", "fault", None),
        (5, "dwfm", "down", "lease", "ddb"),
    ]
    assert timeline(j)[3][1:4] == ("dwfm", "down", "collapse")


def test_a_partial_dependency_still_lapses_the_leases_it_cannot_renew():
    comps = [comp("ddb"), comp("dwfm", LEASED, queue=QUEUE)]
    j = run(comps, [fault("f", "ddb", 0, 60, mode="partial", fraction=0.5)], horizon="10h")
    assert timeline(j)[1] == (5, "dwfm", "degraded", "lease", "ddb")


def test_a_held_backlog_impairs_its_caller_only_once_the_target_is_back():
    """Readiness coupling: nobody notices held work until the target recovers and it arrives."""
    held = {
        "target": "dwfm",
        "type": "async",
        "buffer": {"size": 10**9, "fill_rate": 10, "drain_rate": 5, "hold": True},
    }
    comps = [comp("dwfm"), comp("netmgr", held), comp("lb", {"target": "netmgr", "type": "soft"})]
    j = run(comps, [fault("f", "dwfm", 0, 60)], horizon="6h")
    # 60 min of 10/s held, drained at 5/s from minute 60: two hours of backlog
    assert timeline(j) == [
        (0, "dwfm", "down", "fault", None),
        (60, "dwfm", "up", "fault-end", None),
        (60, "netmgr", "degraded", "backlog", "dwfm"),
        (60, "lb", "degraded", "soft", "netmgr"),
        (180, "netmgr", "up", "backlog", None),
        (180, "lb", "up", "soft", "netmgr"),
    ]


def test_a_held_backlog_waits_for_a_ramp_to_finish_before_it_drains():
    held = {
        "target": "dwfm",
        "type": "async",
        "buffer": {"size": 10**9, "fill_rate": 10, "drain_rate": 10, "hold": True},
    }
    comps = [comp("dwfm", timing={"recovery_rate": 600}), comp("netmgr", held)]
    j = run(comps, [fault("f", "dwfm", 0, 60)], horizon="6h")
    starts = [t for t, c, s, *_ in timeline(j) if c == "netmgr" and s == "degraded"]
    assert starts == [70]  # the ramp (100 units at 600/h) ends 10 min after the fault
    assert j.state_at("netmgr", 60 * 60 + 1) == "up"
    assert j.state_at("netmgr", 71 * 60) == "degraded"
    assert j.state_at("netmgr", 131 * 60) == "up"


def test_the_journal_carries_a_held_buffers_level_series():
    """The held work as the dashboard plots it: filling while the target is down, then drained."""
    held = {
        "target": "dwfm",
        "type": "async",
        "buffer": {"size": 10**9, "fill_rate": 10, "drain_rate": 5, "hold": True},
    }
    comps = [comp("dwfm"), comp("netmgr", held), comp("idle", "netmgr")]
    j = run(comps, [fault("f", "dwfm", 0, 60)], horizon="6h")
    assert list(j.buffers) == [("netmgr", "dwfm")]  # the buffer that held work, no other
    points = [
        (p.t / 60, p.backlog, p.arrival, p.capacity, p.goodput) for p in j.buffers["netmgr", "dwfm"]
    ]
    assert points == [
        (0, 0, 10, 5, 0),  # filling at 10/s while DWFM is down
        (60, 36_000, 0, 5, 5),  # DWFM back: 3,600 s x 10/s held, draining at 5/s
        (180, 0, 0, 5, 0),  # worked off after 7,200 s
    ]
    listed = j.to_dict()["buffers"]
    assert [(b["component"], b["target"], len(b["points"])) for b in listed] == [
        ("netmgr", "dwfm", 3)
    ]
