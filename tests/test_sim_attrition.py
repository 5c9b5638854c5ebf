"""Capacity attrition (mechanism 6b): a fleet eroded while a dependency is impaired, noticed
only past its headroom, restored at once or as fast as replacements launch."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.simkit import action, comp, fault, run, timeline

ERODED = {"loss_rate": 0.6, "headroom": 0.2, "restore_rate": 1.2, "restore_via": "launch"}


def test_a_fleet_eroded_by_wrong_checks_is_short_only_past_its_headroom_and_refilled_by_launches():
    """Lambda on 2025-10-20: terminations on failed NLB health checks from 05:30 left it
    under-scaled only from 07:04; replacements waited for EC2 launches."""
    fleet = comp(
        "fleet",
        {"target": "checks", "type": "soft", "attrition": ERODED},
        {"target": "launch", "type": "soft"},
    )
    comps = [comp("checks"), comp("launch"), fleet, comp("app", "fleet")]
    j = run(comps, [fault("c", "checks", 0, 45), fault("l", "launch", 0, 50)])
    # 0.6/h = 1% a minute lost while the checks fail and no launch replaces it: the 20 %
    # headroom is gone at 20 min, then each tenth of the 80 % it needs every 8 min; from 45
    # nothing is lost, from 50 launches replace 2 % a minute (0.45 -> 0.2 at 62.5 min)
    assert timeline(j) == [
        (0, "checks", "down", "fault", None),
        (0, "launch", "down", "fault", None),
        (20, "fleet", "degraded", "under-scaled", "checks"),
        (20, "app", "degraded", "hard", "fleet"),
        (28, "fleet", "degraded", "under-scaled", "checks"),
        (28, "app", "degraded", "hard", "fleet"),
        (36, "fleet", "degraded", "under-scaled", "checks"),
        (36, "app", "degraded", "hard", "fleet"),
        (44, "fleet", "degraded", "under-scaled", "checks"),
        (44, "app", "degraded", "hard", "fleet"),
        (45, "checks", "up", "fault-end", None),
        (45, "fleet", "degraded", "under-scaled", "launch"),
        (50, "launch", "up", "fault-end", None),
        (54.5, "fleet", "degraded", "under-scaled", "launch"),
        (54.5, "app", "degraded", "hard", "fleet"),
        (58.5, "fleet", "degraded", "under-scaled", "launch"),
        (58.5, "app", "degraded", "hard", "fleet"),
        (62.5, "fleet", "up", "attrition", None),
        (62.5, "app", "up", "hard", "fleet"),
    ]
    shares = [e.share_ok for e in j.events_of("fleet")]
    assert shares == [1.0, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1.0]


def test_capacity_only_removed_comes_back_at_once_and_a_short_impairment_is_unnoticed():
    """STS on 2025-10-20: NLB nodes removed by wrong checks; back in service at once."""
    removed = {"target": "nlb", "attrition": {"loss_rate": 0.6, "headroom": 0.2}}
    comps = [comp("nlb"), comp("sts", removed)]
    short = run(comps, [fault("f", "nlb", 0, 15, mode="partial", fraction=0.5)])
    assert timeline(short) == [
        (0, "nlb", "degraded", "partial", None),
        (15, "nlb", "up", "fault-end", None),
    ]
    long = run(comps, [fault("f", "nlb", 0, 30, mode="partial", fraction=0.5)])
    assert timeline(long) == [
        (0, "nlb", "degraded", "partial", None),
        (20, "sts", "degraded", "under-scaled", "nlb"),
        (28, "sts", "degraded", "under-scaled", "nlb"),
        (30, "nlb", "up", "fault-end", None),
        (30, "sts", "up", "hard", "nlb"),
    ]


def test_restore_via_must_name_another_dependency_with_a_rate():
    with pytest.raises(ValidationError, match="restore_via 'launch' must be the target"):
        comp("fleet", {"target": "checks", "attrition": ERODED})
    with pytest.raises(ValidationError, match="restore_via needs a restore_rate"):
        comp(
            "fleet",
            {"target": "checks", "attrition": {"loss_rate": 1, "restore_via": "launch"}},
            "launch",
        )


def test_a_rerouted_attrition_edge_gives_the_capacity_back_at_once():
    removed = {"target": "nlb", "attrition": {"loss_rate": 0.6, "headroom": 0.2}}
    comps = [comp("nlb"), comp("sts", removed)]
    j = run(
        comps,
        [fault("f", "nlb", 0, 60)],
        [action("bypass", "reroute", 30, reroute={"component": "sts", "from": "nlb"})],
    )
    assert timeline(j) == [
        (0, "nlb", "down", "fault", None),
        (20, "sts", "degraded", "under-scaled", "nlb"),
        (28, "sts", "degraded", "under-scaled", "nlb"),
        (30, "sts", "up", "action", None),
        (60, "nlb", "up", "fault-end", None),
    ]
