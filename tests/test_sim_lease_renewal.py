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
