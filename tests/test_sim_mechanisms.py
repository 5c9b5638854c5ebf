"""Mechanisms 4-12: queues and collapse, buffers, health checks, planes, ramps, stuck
states, wrong data, flapping and operator actions, each as a whole timeline."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blast.errors import ScenarioError
from tests.simkit import action, comp, fault, run, timeline

WORKER_QUEUE = {"arrival_rate": 10, "drain_rate": 15, "timeout": "60s", "retry_attempts": 3}


def test_queue_collapses_after_the_trigger_and_stays_collapsed_until_throttled():
    comps = [comp("db"), comp("worker", "db", queue=WORKER_QUEUE), comp("app", "worker")]
    j = run(
        comps,
        [fault("f", "db", 0, 10)],
        [action("shed", "throttle", 60, "worker", rate=5), action("relax", "relax", 200, "worker")],
        horizon="5h",
    )
    assert timeline(j) == [
        (0, "db", "down", "fault", None),
        (0, "worker", "down", "hard", "db"),
        (0, "app", "down", "hard", "worker"),
        (10, "db", "up", "fault-end", None),
        (10, "worker", "down", "collapse", None),
        (163.5, "worker", "degraded", "throttle", None),
        (163.5, "app", "degraded", "hard", "worker"),
        (200, "worker", "up", "action", None),
        (200, "app", "up", "hard", "worker"),
    ]
    points = [(p.t / 60, p.backlog, p.arrival, p.goodput) for p in j.queues["worker"]]
    assert points[:4] == [
        (0, 0, 30, 0),  # down: nothing served, callers retry 3 times
        (10, 18000, 30, 0),  # 600 s x 30/s; delay 1200 s > 60 s timeout: collapse
        (60, 63000, 30, 0),  # still growing: 30/s offered, 15/s served, all too late
        (163.5, 900, 10, 15),  # throttled to 5/s it drained to 60 s of work: goodput back
    ]


def test_without_operators_a_collapse_outlives_the_trigger_to_the_horizon():
    comps = [comp("db"), comp("worker", "db", queue=WORKER_QUEUE)]
    j = run(comps, [fault("f", "db", 0, 10)], horizon="12h")
    assert [(w.component, w.start, w.end) for w in j.windows()] == [
        ("db", 0, 600),
        ("worker", 0, None),
    ]


def test_short_outage_drains_without_collapse():
    comps = [comp("db"), comp("worker", "db", queue=WORKER_QUEUE)]
    j = run(comps, [fault("f", "db", 0, 0.25)])  # 15 s x 30/s = 450 items = 30 s of work
    assert timeline(j) == [
        (0, "db", "down", "fault", None),
        (0, "worker", "down", "hard", "db"),
        (0.25, "db", "up", "fault-end", None),
        (0.25, "worker", "degraded", "queue", None),
        (1.75, "worker", "up", "queue", None),  # 10/s arrive, 15/s served: 450 / 5 s
    ]


def test_restart_drops_the_backlog_and_add_capacity_outruns_retries():
    comps = [comp("db"), comp("worker", "db", queue=WORKER_QUEUE)]
    restarted = run(comps, [fault("f", "db", 0, 10)], [action("r", "restart", 30, "worker")])
    assert timeline(restarted)[-1] == (30, "worker", "up", "action", None)
    scaled = run(
        comps, [fault("f", "db", 0, 10)], [action("c", "add-capacity", 30, "worker", factor=4)]
    )
    # at 30 min: 36,000 items; 60/s served against 30/s offered until 60 s of work remain
    # (3,600 items), then retries stop: 10/s offered, 3,600 items drain at 50/s
    uncollapsed = 30 + (36000 - 3600) / 30 / 60
    assert timeline(scaled)[-2:] == [
        (round(uncollapsed, 4), "worker", "degraded", "queue", None),
        (round(uncollapsed + 3600 / 50 / 60, 4), "worker", "up", "queue", None),
    ]


def test_retry_amplification_is_load_on_the_next_queued_component():
    comps = [
        comp("db"),
        comp(
            "front",
            {"target": "back"},
            queue={"arrival_rate": 10, "drain_rate": 40, "timeout": "60s", "retry_attempts": 4},
        ),
        comp("back", "db", queue={"arrival_rate": 10, "drain_rate": 25, "timeout": "60s"}),
    ]
    j = run(comps, [fault("f", "db", 0, 10)], horizon="2h")
    arrivals = {p.t / 60: p.arrival for p in j.queues["back"]}
    assert arrivals[0] == 40  # front fails with back and retries 4x: 40/s reach back
    assert j.state_at("back", 3600) == "down"  # 40/s offered, 25/s served: collapsed for good
    assert j.state_at("front", 3600) == "down"


def test_lease_renewal_work_turns_a_repair_into_a_collapse():
    comps = [
        comp("ddb"),
        comp(
            "dwfm",
            {"target": "ddb", "lease_timeout": "5m", "lease_work": 100000},
            queue={"arrival_rate": 10, "drain_rate": 100, "timeout": "5m"},
        ),
        comp("launch", "dwfm"),
    ]
    j = run(comps, [fault("f", "ddb", 0, 60)], horizon="10h")
    assert timeline(j)[:5] == [
        (0, "ddb", "down", "fault", None),
        (5, "dwfm", "down", "lease", "ddb"),
        (5, "launch", "down", "hard", "dwfm"),
        (60, "ddb", "up", "fault-end", None),
        (60, "dwfm", "down", "collapse", None),
    ]
    # 55 min of 10/s plus 100,000 leases at 100/s: 1,330 s of work > 300 s; no retries, so
    # it drains at 90/s and comes back once 300 s of work are left
    back = (133000 - 30000) / 90 / 60 + 60
    assert timeline(j)[5][:3] == (pytest.approx(back, abs=1e-3), "dwfm", "degraded")


def test_async_buffer_fills_then_blocks_and_drains_after_the_repair():
    buffered = {
        "target": "q",
        "type": "async",
        "buffer": {"size": 600, "fill_rate": 1, "drain_rate": 2},
    }
    j = run([comp("q"), comp("app", buffered)], [fault("f", "q", 0, 30)])
    assert timeline(j) == [
        (0, "q", "down", "fault", None),
        (0, "app", "degraded", "buffer", "q"),
        (10, "app", "down", "buffer", "q"),
        (30, "q", "up", "fault-end", None),
        (30, "app", "degraded", "buffer", "q"),
        (35, "app", "up", "buffer", None),
    ]
    dropping = {**buffered, "buffer": {**buffered["buffer"], "when_full": "drop"}}
    j = run([comp("q"), comp("app", dropping)], [fault("f", "q", 0, 30)])
    assert {e.state for e in j.events_of("app")} == {"degraded", "up"}


def test_health_checks_remove_after_failures_and_restore_after_not_ready_and_successes():
    check = {
        "interval": "10s",
        "unhealthy_threshold": 3,
        "healthy_threshold": 2,
        "failover": True,
        "not_ready_time": "5m",
    }
    j = run(
        [comp("target", health_check=check), comp("lb", "target")], [fault("f", "target", 0, 10)]
    )
    assert timeline(j) == [
        (0, "target", "down", "fault", None),
        (0.5, "lb", "down", "health-check", "target"),
        (10, "target", "up", "fault-end", None),
        (round(15 + 20 / 60, 4), "lb", "up", "health-check", "target"),
    ]


def test_health_checks_remove_partly_working_capacity_unless_automation_is_off():
    check = {"interval": "10s", "unhealthy_threshold": 3, "healthy_threshold": 2, "failover": True}
    comps = [comp("target", health_check=check), comp("lb", "target")]
    partial = fault("f", "target", 0, 10, mode="partial", fraction=0.1)
    assert timeline(run(comps, [partial]))[1] == (0.5, "lb", "down", "health-check", "target")
    j = run(comps, [partial], [action("off", "disable-automation", 0, "target")])
    assert [(e.state, e.share_ok) for e in j.events_of("lb")] == [("degraded", 0.9), ("up", 1.0)]


def test_failover_switched_off_is_a_loss_of_margin_its_dependents_do_not_see():
    """With its automatic failover off a health-checked component serves all its work but is
    degraded (NLB on 2025-10-20: failover off 09:36 to 14:09, AWS's NLB impact period);
    dependents lose nothing, so they see it up once nothing else degrades it."""
    check = {"interval": "10s", "unhealthy_threshold": 3, "healthy_threshold": 2, "failover": True}
    comps = [
        comp("mon"),
        comp("nlb", {"target": "mon", "type": "soft"}, health_check=check),
        comp("sts", "nlb"),
    ]
    j = run(
        comps,
        [fault("f", "mon", 5, 15)],
        [
            action("off", "disable-automation", 10, "nlb"),
            action("on", "enable-automation", 30, "nlb"),
        ],
    )
    assert timeline(j) == [
        (5, "mon", "down", "fault", None),
        (5, "nlb", "degraded", "soft", "mon"),
        (5, "sts", "degraded", "hard", "nlb"),
        (20, "mon", "up", "fault-end", None),
        (20, "nlb", "degraded", "automation-disabled", None),
        (20, "sts", "up", "hard", "nlb"),
        (30, "nlb", "up", "action", None),
    ]


def test_a_checker_that_acts_through_failover_stops_acting_when_failover_is_off():
    """NLB on 2025-10-20: its checks removed healthy nodes through DNS failover; with failover
    off (09:36) healthy capacity is back, and dependents (STS) recover, while the NLB stays
    degraded (a loss of margin) until failover is back on (14:09)."""
    check = {"interval": "10s", "unhealthy_threshold": 3, "healthy_threshold": 2, "failover": True}
    checker = {"target": "checks", "type": "soft", "through_failover": True}
    comps = [comp("checks"), comp("nlb", checker, health_check=check), comp("sts", "nlb")]
    j = run(
        comps,
        [fault("f", "checks", 5, 40)],
        [
            action("off", "disable-automation", 20, "nlb"),
            action("on", "enable-automation", 60, "nlb"),
        ],
    )
    assert timeline(j) == [
        (5, "checks", "down", "fault", None),
        (5, "nlb", "degraded", "soft", "checks"),
        (5, "sts", "degraded", "hard", "nlb"),
        (20, "nlb", "degraded", "automation-disabled", None),
        (20, "sts", "up", "hard", "nlb"),
        (45, "checks", "up", "fault-end", None),
        (60, "nlb", "up", "action", None),
    ]


def test_self_removal_takes_a_soft_dependent_down():
    j = run(
        [comp("cfg"), comp("srv", {"target": "cfg", "type": "soft", "withdraw": True})],
        [fault("f", "cfg", 0, 10)],
    )
    assert timeline(j) == [
        (0, "cfg", "down", "fault", None),
        (0, "srv", "down", "withdraw", "cfg"),
        (10, "cfg", "up", "fault-end", None),
        (10, "srv", "up", "soft", "cfg"),
    ]


def test_control_plane_fault_impairs_only_who_needs_new_capacity():
    comps = [comp("ec2"), comp("web", "ec2"), comp("asg", {"target": "ec2", "plane": "control"})]
    j = run(comps, [fault("f", "ec2", 0, 10, plane="control")])
    assert timeline(j) == [
        (0, "ec2", "degraded", "control-plane", None),
        (0, "web", "degraded", "hard", "ec2"),
        (0, "asg", "down", "control-plane", "ec2"),
        (10, "ec2", "up", "fault-end", None),
        (10, "web", "up", "hard", "ec2"),
        (10, "asg", "up", "hard", "ec2"),
    ]
    assert [e.share_ok for e in j.events_of("web")] == [1.0, 1.0]


def test_ramped_recovery_returns_capacity_step_by_step():
    fleet = comp("fleet", "db", timing={"capacity_units": 500, "recovery_rate": 1000})
    j = run([comp("db"), fleet, comp("app", "fleet")], [fault("f", "db", 0, 10)])
    fleet_events = [(round(e.t / 60), e.state, e.share_ok) for e in j.events_of("fleet")]
    assert fleet_events == [
        (0, "down", 0.0),
        (10, "down", 0.0),
        *[(10 + 3 * k, "degraded", k / 10) for k in range(1, 10)],
        (40, "up", 1.0),
    ]
    assert j.events_of("app")[1].share_ok == 0.1
    assert j.events_of("fleet")[1].cause.mechanism == "ramp"


def test_throttled_component_is_visible_to_its_dependents():
    comps = [comp("ec2", queue={"arrival_rate": 100, "drain_rate": 200}), comp("ecs", "ec2")]
    j = run(comps, [fault("f", "ec2", 0, 1)], [action("t", "throttle", 10, "ec2", rate=25)])
    assert timeline(j)[-2:] == [
        (10, "ec2", "degraded", "throttle", None),
        (10, "ecs", "degraded", "hard", "ec2"),
    ]
    assert j.events_of("ecs")[-1].share_ok == 0.25


def test_stuck_component_waits_for_an_operator():
    comps = [comp("db"), comp("poller", "db", timing={"restart_required": True})]
    j = run(comps, [fault("f", "db", 0, 10)], [action("kick", "restart", 45, "poller")])
    assert timeline(j) == [
        (0, "db", "down", "fault", None),
        (0, "poller", "down", "hard", "db"),
        (10, "db", "up", "fault-end", None),
        (10, "poller", "down", "stuck", None),  # what it needs is back: now it is stuck
        (45, "poller", "up", "action", None),
    ]


def test_a_stuck_component_serves_nothing_so_its_queue_fills_until_the_operator():
    """Work waits for a stuck poller (SQS messages for Lambda's poller on 2025-10-20): its
    queue fills from the failure to the restart, then drains at capacity minus arrivals."""
    comps = [
        comp("db"),
        comp(
            "poller",
            "db",
            timing={"restart_required": True},
            queue={"arrival_rate": 10, "drain_rate": 30},
        ),
        comp("app", {"target": "poller", "type": "soft"}),
    ]
    j = run(comps, [fault("f", "db", 0, 10)], [action("kick", "repair", 45, "poller")])
    assert timeline(j) == [
        (0, "db", "down", "fault", None),
        (0, "poller", "down", "hard", "db"),
        (0, "app", "degraded", "soft", "poller"),
        (10, "db", "up", "fault-end", None),
        (10, "poller", "down", "stuck", None),
        (45, "poller", "degraded", "queue", None),  # 45 min x 10/s = 27,000 waiting
        (67.5, "poller", "up", "queue", None),  # drained at 30 - 10 = 20/s: 1,350 s
        (67.5, "app", "up", "soft", "poller"),
    ]
    points = [(p.t / 60, p.backlog, p.goodput) for p in j.queues["poller"]]
    assert points == [(0, 0, 0), (10, 6000, 0), (45, 27000, 30), (67.5, 0, 10)]


def test_wrong_data_flows_along_data_edges_and_consumers_fail_their_own_way():
    comps = [
        comp("planner"),
        comp("enactor", {"target": "planner", "on_wrong_data": "propagate"}),
        comp("record", "enactor"),
        comp("ui", {"target": "planner", "on_wrong_data": "degrade"}),
        comp("audit", {"target": "planner", "on_wrong_data": "ignore"}),
    ]
    j = run(comps, [fault("f", "planner", 0, 10, mode="wrong")])
    assert timeline(j)[:4] == [
        (0, "planner", "degraded", "wrong-data", None),
        (0, "enactor", "degraded", "hard", "planner"),
        (0, "record", "down", "wrong-data", "enactor"),
        (0, "ui", "degraded", "hard", "planner"),
    ]
    assert [e.wrong for e in j.events[:4]] == [True, True, False, False]
    assert j.events_of("audit") == ()


def test_flapping_and_independent_faults_each_carry_their_own_cause():
    comps = [comp("cfg"), comp("db"), comp("app", "cfg", "db")]
    j = run(
        comps,
        [
            fault("flap", "cfg", 0, 22, mode="flapping", bad="5m", good="5m"),
            fault("db-out", "db", 12, 20),
        ],
    )
    app = [(round(e.t / 60), e.state, e.cause.dependency) for e in j.events_of("app")]
    assert app == [
        (0, "down", "cfg"),
        (5, "up", "cfg"),
        (10, "down", "cfg"),  # db fails at 12 too, but cfg already explains it
        (15, "down", "db"),  # cfg's good spell: still down, the cause moves to db
        (32, "up", "db"),  # cfg's bad spell from 20 to 22 changes nothing: db explains it
    ]
    triggers = {e.cause.trigger for e in j.events if e.cause.trigger}
    assert triggers == {"flap", "db-out"}
    windows = [(w.start / 60, w.end / 60) for w in j.windows() if w.component == "cfg"]
    assert windows == [(0, 5), (10, 15), (20, 22)]


def test_reroute_bypasses_a_failed_dependency_mid_incident():
    j = run(
        [comp("a"), comp("b"), comp("app", "a")],
        [fault("f", "a", 0, 60)],
        [action("r", "reroute", 10, reroute={"component": "app", "from": "a", "to": "b"})],
    )
    assert timeline(j) == [
        (0, "a", "down", "fault", None),
        (0, "app", "down", "hard", "a"),
        (10, "app", "up", "action", None),
        (60, "a", "up", "fault-end", None),
    ]
    dropped = run(
        [comp("a"), comp("app", "a")],
        [fault("f", "a", 0, 60)],
        [action("r", "reroute", 20, reroute={"component": "app", "from": "a"})],
    )
    assert timeline(dropped)[-2] == (20, "app", "up", "action", None)


def test_throttling_a_component_without_a_queue_is_refused():
    with pytest.raises(ScenarioError, match="has no `queue`"):
        run([comp("a")], [fault("f", "a", 0, 1)], [action("t", "throttle", 2, "a", rate=1)])


def test_retries_with_backoff_arrive_in_waves_and_spare_a_queue_from_collapse():
    # 10/s arrive, 20/s served, 60 s timeout (limit 1,200 items), 3 attempts
    worker = {"arrival_rate": 10, "drain_rate": 20, "timeout": "60s", "retry_attempts": 3}
    at_once = run([comp("db"), comp("worker", "db", queue=worker)], [fault("f", "db", 0, 0.75)])
    # retries at once: 45 s x 30/s = 1,350 items, 67.5 s of work > 60 s: collapse for good
    assert [(w.component, w.end) for w in at_once.windows()] == [("db", 45), ("worker", None)]

    backed_off = {**worker, "retry_backoff": "10s"}  # retries 10 s and 30 s after the call
    j = run([comp("db"), comp("worker", "db", queue=backed_off)], [fault("f", "db", 0, 0.75)])
    assert timeline(j) == [
        (0, "db", "down", "fault", None),
        (0, "worker", "down", "hard", "db"),
        # the first wave re-evaluates it: with no capacity any backlog is past the timeout
        (round(10 / 60, 4), "worker", "down", "collapse", None),
        (0.75, "db", "up", "fault-end", None),
        (0.75, "worker", "degraded", "queue", None),
        (3, "worker", "up", "queue", None),
    ]
    points = [(p.t, p.backlog, p.arrival, p.goodput) for p in j.queues["worker"]]
    assert points == [
        (0, 0, 10, 0),  # first attempts only
        (10, 100, 20, 0),  # first retries of the calls failed since 0
        (30, 500, 30, 0),  # second retries too
        (45, 950, 30, 20),  # db back: 47.5 s of work, under the timeout; earlier failures
        (55, 1050, 20, 20),  # still come back: first retries stop 10 s after the repair,
        (75, 1050, 10, 20),  # second retries 30 s after it
        (180, 0, 10, 10),  # 1,050 items drained at 10/s
    ]


def test_retry_backoff_defaults_to_the_callers_policy():
    from blast.model.graph import Graph
    from blast.sim.engine import Engine
    from blast.sim.plan import make_plan
    from tests.simkit import T0, scenario_from_dict

    queue = {"arrival_rate": 10, "drain_rate": 20}
    retry = {"attempts": 4, "backoff": "2s"}
    graph = Graph.from_parts([comp("w", queue=queue), comp("app", {"target": "w", "retry": retry})])
    doc = scenario_from_dict({"start": T0, "horizon": "1h", "faults": [fault("f", "w", 0, 1)]})
    waves = Engine(make_plan(graph, doc), 0).queues.q[0].waves
    assert waves is not None and (waves.attempts, waves.delays) == (4, [2.0, 6.0, 14.0])


def test_a_gradual_relaxation_raises_the_admitted_rate_in_steps_until_it_stops_binding():
    # 100/s offered, throttled to 25/s at minute 10; relaxed from minute 20 by 150/s an hour:
    # the admitted rate passes 30, 40, ... 100/s every 4 minutes, lifted at minute 50
    comps = [comp("ec2", queue={"arrival_rate": 100, "drain_rate": 200}), comp("ecs", "ec2")]
    j = run(
        comps,
        [fault("f", "ec2", 0, 1)],
        [
            action("t", "throttle", 10, "ec2", rate=25),
            action("r", "relax", 20, "ec2", relax_rate=150),
        ],
    )
    ecs = [(round(e.t / 60, 4), e.state, round(e.share_ok, 6)) for e in j.events_of("ecs")]
    assert ecs == [
        (0, "down", 0.0),
        (1, "degraded", 1.0),  # the minute's backlog drains at 100/s spare
        (2, "up", 1.0),
        (10, "degraded", 0.25),
        (22, "degraded", 0.3),
        *[(22 + 4 * k, "degraded", round(0.3 + k / 10, 6)) for k in range(1, 7)],
        (50, "up", 1.0),
    ]
    assert j.events_of("ec2")[-1].cause.mechanism == "throttle"
    assert [w.end for w in j.windows() if w.component == "ecs"][-1] == 50 * 60


def test_relax_rate_is_only_for_relax():
    with pytest.raises(ValidationError, match="relax_rate"):
        run(
            [comp("a", queue={"arrival_rate": 1, "drain_rate": 2})],
            [fault("f", "a", 0, 1)],
            [action("t", "throttle", 1, "a", rate=1, relax_rate=5)],
        )
