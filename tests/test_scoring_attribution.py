"""Attribution of simulated stretches to the causes a post-mortem names, on tiny graphs.

The rule (``blast.scoring.attribution``): on each path of impairing dependencies the
stretch goes to the named component closest to the root; co-impairing dependencies count
while the component still serves (a down component is explained by what stops it); its
own state keeps the attribution before it unless a window names the component.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from blast.model.graph import Graph
from blast.scoring import ReferenceWindow, score
from blast.scoring.against import named_causes, simulated_windows
from blast.scoring.attribution import Attribution, Reach
from blast.sim import scenario_from_dict, simulate
from tests.simkit import T0, comp, fault

QUEUE = {"arrival_rate": 10, "drain_rate": 20}


def minute(m: float) -> datetime:
    return datetime.fromisoformat(T0) + timedelta(minutes=m)


def window(component: str, name: str, start: float, end: float, *causes: str) -> ReferenceWindow:
    return ReferenceWindow(
        "S", component, name, minute(start), minute(end), ("pes",), True, 2, causes
    )


def journal_of(components, faults, horizon="6h"):
    graph = Graph.from_parts(components, ())
    scenario = scenario_from_dict({"start": T0, "horizon": horizon, "faults": list(faults)})
    return graph, simulate(graph, scenario)


def errors(graph, journal, refs):
    windows = simulated_windows(journal, named_causes(refs), graph)
    return [(e.window, e.edge, round(e.error_minutes, 1)) for e in score(windows, refs).edges]


def test_a_dependency_impaired_through_a_named_deeper_cause_is_attributed_to_that_cause():
    # svc needs mid, mid needs db. db is down 0-60; mid is down with it, then works off
    # its own backlog (its own state) to 120. The post-mortem's main window names db and
    # mid; a narrower window names mid alone: the stretch in which mid, not db, explains svc
    graph, j = journal_of(
        [comp("db"), comp("mid", "db", queue=QUEUE), comp("svc", "mid")],
        [fault("a", "db", 0, 60)],
    )
    assert [(w.start, w.end) for w in j.windows() if w.component == "svc"] == [(0, 7200)]
    refs = [window("svc", "main", 0, 120, "db", "mid"), window("svc", "mid_own", 60, 120, "mid")]
    assert errors(graph, j, refs) == [
        ("main", "start", 0),
        ("main", "end", 0),
        ("mid_own", "start", 0),  # not 0: mid explained svc through db until 60
        ("mid_own", "end", 0),
    ]
    # with db not named, mid is the named cause closest to the root all along
    assert errors(graph, j, [window("svc", "mid_only", 0, 120, "mid")])[0][2] == 0


def test_a_co_impairing_dependency_counts_beside_the_recorded_cause_while_the_component_serves():
    # svc works off its own backlog after db (60-120, its own state, the recorded cause);
    # meanwhile its hard dependency nm is degraded (its soft dependency x is down 60-100),
    # serving all its work: svc is impaired through nm too. A window naming nm covers
    # 60-100 although the journal's cause of svc is its queue
    graph, j = journal_of(
        [
            comp("db"),
            comp("x"),
            comp("nm", {"target": "x", "type": "soft"}),
            comp("svc", "db", "nm", queue=QUEUE),
        ],
        [fault("a", "db", 0, 60), fault("b", "x", 60, 40)],
    )
    svc = [e for e in j.events if e.component == "svc"]
    assert all(e.cause.dependency != "nm" for e in svc if e.t >= 3600)  # not the recorded cause
    refs = [
        window("svc", "main", 0, 130, "db", "svc"),
        window("svc", "nm", 60, 100, "nm"),
    ]
    got = dict(((w, e), err) for w, e, err in errors(graph, j, refs))
    assert got[("nm", "start")] == 0 and got[("nm", "end")] == 0
    # without the graph only the recorded causes attribute: nm never explains svc
    windows = simulated_windows(j, named_causes(refs))
    fallback = [e.error_minutes for e in score(windows, refs).edges if e.window == "nm"]
    assert fallback != [0, 0]


def test_a_down_component_is_explained_by_what_stops_it_not_by_a_degraded_input():
    # svc is down while db is (hard); its soft dependency wf is impaired 0-180: wf explains
    # svc only once db is back (a degradation of a stopped service changes nothing)
    graph, j = journal_of(
        [comp("db"), comp("wf"), comp("svc", "db", {"target": "wf", "type": "soft"})],
        [fault("a", "db", 0, 60), fault("b", "wf", 0, 180)],
    )
    attribution = Attribution(j, Reach.of(graph))
    assert attribution.impairing("svc", 30 * 60) == {"db"}
    assert attribution.impairing("svc", 90 * 60) == {"wf"}
    refs = [window("svc", "main", 0, 60, "db"), window("svc", "tail", 60, 180, "wf")]
    assert [err for _, _, err in errors(graph, j, refs)] == [0, 0, 0, 0]


def test_async_and_attrition_edges_are_not_co_causes():
    graph = Graph.from_parts(
        [
            comp("q"),
            comp("nlb"),
            comp("launch"),
            comp(
                "svc",
                {"target": "q", "type": "async"},
                {
                    "target": "nlb",
                    "attrition": {
                        "loss_rate": 1.0,
                        "headroom": 0.1,
                        "restore_rate": 1.0,
                        "restore_via": "launch",
                    },
                },
                {"target": "launch", "type": "soft"},
                "db",
            ),
            comp("db"),
        ],
        (),
    )
    assert Reach.of(graph).edges["svc"] == (("db", True),)


def test_a_dependency_cycle_ends_the_path():
    graph, j = journal_of(
        [comp("db"), comp("a", "db", {"target": "b", "type": "soft"}), comp("b", "a")],
        [fault("f", "db", 0, 60)],
    )
    attribution = Attribution(j, Reach.of(graph))
    assert attribution.named("b", 30 * 60, frozenset({"db", "a"})) == {"db"}
