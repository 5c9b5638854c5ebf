"""Mechanisms 1-3 (propagation, redundancy, detection, caches, leases) and the journal.

Each test plays a scenario on a tiny hand-built graph and compares the whole
timeline: ``(minute, component, state, mechanism, dependency)``.
"""

from __future__ import annotations

import json

from tests.simkit import action, comp, fault, group, run, timeline

DOWN = ("down", "fault", None)


def test_hard_soft_async_propagation():
    j = run(
        [
            comp("db", kind="database"),
            comp("api", "db"),
            comp("web", {"target": "api", "type": "soft"}),
            comp("mail", {"target": "db", "type": "async"}),
        ],
        [fault("f", "db", 10, 30)],
    )
    assert timeline(j) == [
        (10, "db", "down", "fault", None),
        (10, "api", "down", "hard", "db"),
        (10, "web", "degraded", "soft", "api"),  # one instant: dependencies first
        (10, "mail", "degraded", "async", "db"),
        (40, "db", "up", "fault-end", None),
        (40, "api", "up", "hard", "db"),
        (40, "web", "up", "soft", "api"),
        (40, "mail", "up", "async", "db"),
    ]
    assert [e.share_ok for e in j.events[:4]] == [0.0, 0.0, 1.0, 1.0]


def test_detection_delay_hides_short_faults_and_delays_long_ones():
    comps = [comp("db"), comp("app", {"target": "db", "detection_delay": "2m"})]
    assert timeline(run(comps, [fault("f", "db", 0, 1)])) == [
        (0, "db", "down", "fault", None),
        (1, "db", "up", "fault-end", None),
    ]
    assert timeline(run(comps, [fault("f", "db", 0, 10)])) == [
        (0, "db", "down", "fault", None),
        (2, "app", "down", "detection", "db"),
        (10, "db", "up", "fault-end", None),
        (10, "app", "up", "hard", "db"),
    ]


def test_k_of_n_group_goes_down_below_min_up():
    comps = [comp("a"), comp("b"), comp("c"), comp("app", "g")]
    j = run(
        comps,
        [fault("fa", "a", 0, 60), fault("fb", "b", 10, 20)],
        groups=[group("g", "a", "b", "c", min_up=2)],
    )
    assert timeline(j) == [
        (0, "a", "down", "fault", None),
        (0, "g", "degraded", "group", "a"),
        (0, "app", "degraded", "hard", "g"),
        (10, "b", "down", "fault", None),
        (10, "g", "down", "group", "a"),
        (10, "app", "down", "hard", "g"),
        (30, "b", "up", "fault-end", None),
        (30, "g", "degraded", "group", "a"),
        (30, "app", "degraded", "hard", "g"),
        (60, "a", "up", "fault-end", None),
        (60, "g", "up", "group", "a"),
        (60, "app", "up", "hard", "g"),
    ]


def test_active_active_failover_loses_a_share_until_traffic_moves():
    j = run(
        [comp("a"), comp("b"), comp("app", "g")],
        [fault("f", "a", 10, 30)],
        groups=[group("g", "a", "b", failover_time="2m")],
    )
    assert timeline(j) == [
        (10, "a", "down", "fault", None),
        (10, "g", "degraded", "failover", "a"),
        (10, "app", "degraded", "hard", "g"),
        (12, "g", "degraded", "group", "a"),
        (12, "app", "degraded", "hard", "g"),
        (40, "a", "up", "fault-end", None),
        (40, "g", "up", "group", "a"),
        (40, "app", "up", "hard", "g"),
    ]
    assert [e.share_ok for e in j.events_of("app")] == [0.5, 1.0, 1.0]


def test_active_passive_failover_is_down_until_the_standby_takes_over():
    j = run(
        [comp("primary"), comp("standby"), comp("app", "g")],
        [fault("f", "primary", 0, 60), fault("s", "standby", 20, 5)],
        groups=[group("g", "primary", "standby", mode="active-passive", failover_time="5m")],
    )
    assert timeline(j) == [
        (0, "primary", "down", "fault", None),
        (0, "g", "down", "group", "primary"),
        (0, "app", "down", "hard", "g"),
        (5, "g", "degraded", "group", "primary"),
        (5, "app", "degraded", "hard", "g"),
        (20, "standby", "down", "fault", None),
        (20, "g", "down", "group", "standby"),
        (20, "app", "down", "hard", "g"),
        (25, "standby", "up", "fault-end", None),
        (25, "g", "degraded", "group", "primary"),
        (25, "app", "degraded", "hard", "g"),
        (60, "primary", "up", "fault-end", None),
        (60, "g", "up", "group", "primary"),
        (60, "app", "up", "hard", "g"),
    ]


def test_disabled_failover_keeps_traffic_on_the_failed_member():
    j = run(
        [comp("a"), comp("b"), comp("app", "g")],
        [fault("f", "a", 0, 60)],
        [
            action("off", "disable-automation", -0.0, "g"),
            action("on", "enable-automation", 30, "g"),
        ],
        groups=[group("g", "a", "b", failover_time="1m")],
    )
    assert timeline(j)[:3] == [
        (0, "a", "down", "fault", None),
        (0, "g", "degraded", "failover-disabled", "a"),
        (0, "app", "degraded", "hard", "g"),
    ]
    assert (31, "g", "degraded", "group", "a") in timeline(j)
    assert j.events_of("app")[0].share_ok == 0.5


def test_cache_ttl_covers_short_outages_and_negative_caching_prolongs_long_ones():
    dep = {"target": "dns", "cache_ttl": "5m", "negative_cache_ttl": "15m"}
    comps = [comp("dns", kind="dns"), comp("app", dep)]
    assert timeline(run(comps, [fault("f", "dns", 0, 4)])) == [
        (0, "dns", "down", "fault", None),
        (4, "dns", "up", "fault-end", None),
    ]
    assert timeline(run(comps, [fault("f", "dns", 0, 30)])) == [
        (0, "dns", "down", "fault", None),
        (5, "app", "down", "cache", "dns"),
        (30, "dns", "up", "fault-end", None),
        (45, "app", "up", "negative-cache", "dns"),
    ]


def test_serve_stale_degrades_instead_of_failing():
    dep = {"target": "dns", "cache_ttl": "5m", "serve_stale": True}
    j = run([comp("dns", kind="dns"), comp("app", dep)], [fault("f", "dns", 0, 30)])
    assert timeline(j) == [
        (0, "dns", "down", "fault", None),
        (5, "app", "degraded", "serve-stale", "dns"),
        (30, "dns", "up", "fault-end", None),
        (30, "app", "up", "hard", "dns"),
    ]


def test_leases_lapse_after_the_timeout_and_recovery_waits_for_warm_up():
    comps = [
        comp("manager"),
        comp("host", {"target": "manager", "lease_timeout": "10m"}, timing={"recovery_time": "3m"}),
        comp("app", "host"),
    ]
    assert timeline(run(comps, [fault("f", "manager", 0, 8)])) == [
        (0, "manager", "down", "fault", None),
        (8, "manager", "up", "fault-end", None),
    ]
    assert timeline(run(comps, [fault("f", "manager", 0, 25)])) == [
        (0, "manager", "down", "fault", None),
        (10, "host", "down", "lease", "manager"),
        (10, "app", "down", "hard", "host"),
        (25, "manager", "up", "fault-end", None),
        (28, "host", "up", "recovery", "manager"),
        (28, "app", "up", "hard", "host"),
    ]


def test_mutual_dependencies_recover_together_once_the_trigger_is_gone():
    j = run([comp("a", "b"), comp("b", "a"), comp("c", "b")], [fault("f", "a", 0, 10)])
    assert timeline(j) == [
        (0, "a", "down", "fault", None),
        (0, "b", "down", "hard", "a"),
        (0, "c", "down", "hard", "b"),
        (10, "a", "up", "fault-end", None),
        (10, "b", "up", "hard", "a"),
        (10, "c", "up", "hard", "b"),
    ]


def test_partial_fault_multiplies_shares_along_hard_edges():
    j = run(
        [comp("a"), comp("b"), comp("app", "a", "b")],
        [
            fault("fa", "a", 0, 10, mode="partial", fraction=0.5),
            fault("fb", "b", 5, 10, mode="partial", fraction=0.2),
        ],
    )
    shares = [(round(e.t / 60), e.component, e.state, e.share_ok) for e in j.events]
    assert shares == [
        (0, "a", "degraded", 0.5),
        (0, "app", "degraded", 0.5),
        (5, "b", "degraded", 0.8),
        (5, "app", "degraded", 0.4),
        (10, "a", "up", 1.0),
        (10, "app", "degraded", 0.8),
        (15, "b", "up", 1.0),
        (15, "app", "up", 1.0),
    ]


def test_region_fault_hits_every_component_there():
    comps = [
        comp("x", provider="aws", region="us-east-1"),
        comp("y", provider="aws", region="us-west-2"),
        comp("z", "x", provider="me", region="us-west-2"),
    ]
    j = run(comps, [fault("r", {"region": "us-east-1"}, 0, 10)])
    assert timeline(j)[:2] == [(0, "x", "down", "fault", None), (0, "z", "down", "hard", "x")]
    assert j.triggers[0].targets == ("x",)


def test_journal_queries_windows_state_at_and_explain():
    comps = [
        comp("dns", kind="dns"),
        comp("db", {"target": "dns", "cache_ttl": "5m"}),
        comp("app", "db", user_facing=True),
    ]
    j = run(comps, [fault("f", "dns", 0, 30)])
    assert j.state_at("app", 4 * 60) == "up"
    assert j.state_at("app", 6 * 60) == "down"
    assert j.state_at("app", 31 * 60) == "up"
    chain = j.explain("app", 20 * 60)
    assert [(e.component, e.cause.mechanism) for e in chain] == [
        ("app", "hard"),
        ("db", "cache"),
        ("dns", "fault"),
    ]
    assert chain[-1].cause.trigger == "f"
    assert j.explain("app", 60) == ()
    windows = [(w.component, w.start / 60, w.end / 60, w.severity) for w in j.windows()]
    assert windows == [("dns", 0, 30, "down"), ("db", 5, 30, "down"), ("app", 5, 30, "down")]


def test_open_window_at_the_horizon_and_repeated_windows():
    j = run([comp("a")], [fault("f1", "a", 0, 10), fault("f2", "a", 20)], horizon="1h")
    assert [(w.start / 60, w.end and w.end / 60) for w in j.windows()] == [(0, 10), (20, None)]


def test_same_input_same_journal_bytes():
    comps = [comp("a"), comp("b", {"target": "a", "cache_ttl": "1m"}), comp("c", "b", "g")]
    groups = [group("g", "a", "b", failover_time="30s")]
    first = run(comps, [fault("f", "a", 0, 10)], groups=groups).to_json()
    second = run(comps, [fault("f", "a", 0, 10)], groups=groups).to_json()
    assert first == second
    data = json.loads(first)
    assert list(data) == [
        "version",
        "graph",
        "scenario",
        "start",
        "horizon",
        "seed",
        "triggers",
        "events",
        "windows",
        "queues",
        "buffers",
    ]
    assert data["start"] == "2025-10-20T00:00:00-07:00"


def test_a_cycle_does_not_keep_itself_down_once_its_trigger_is_gone():
    # a sees b fail 4 min late (detection + cache), b caches a's failure 2 min after it
    # ends: at 5 min a sees b down, but b is down only through a's old fault, so b lets
    # go of a failure that now derives from its own and both come back (least fixpoint)
    comps = [
        comp("a", {"target": "b", "detection_delay": "2m", "cache_ttl": "2m"}),
        comp("b", {"target": "a", "detection_delay": "1m", "negative_cache_ttl": "2m"}),
    ]
    j = run(comps, [fault("f", "a", 0, 4)], horizon="12h")
    assert [(w.component, w.start / 60, w.end / 60) for w in j.windows()] == [
        ("a", 0, 4),
        ("b", 1, 5),
    ]
