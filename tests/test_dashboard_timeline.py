"""The timeline and what-if pure functions, on the shipped graphs and scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from blast.sim import simulate
from blast.sim.loader import load_scenario
from dashboard import figures as fg
from dashboard import timeline as tl
from dashboard import whatif as wi
from dashboard.pages.timeline import coloured, with_extra
from dashboard.pages.timeline_view import result_table
from dashboard.state import initial_state, parse_query, to_query
from dashboard.store import Sources

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "graphs/aws-us-east-1-2025-10-20.yaml"
SHOP = "graphs/examples/shop.yaml"


@pytest.fixture(scope="module")
def sources() -> Sources:
    return Sources(default=ROOT / REFERENCE)


def sim_of(sources: Sources, key: str) -> tl.Simulated:
    return tl.simulated(sources.analysed(key), tl.scenarios_for(sources.path_of(key))[0])


def test_scenarios_are_found_by_the_graph_they_name(sources: Sources) -> None:
    found = [tl.scenario_key(p) for p in tl.scenarios_for(sources.path_of(REFERENCE))]
    assert found == [
        "graphs/scenarios/aws-2025-10-20-dns-race.yaml",
        "graphs/scenarios/aws-dynamodb-dns-record.yaml",
    ]
    assert [tl.scenario_key(p) for p in tl.scenarios_for(sources.path_of(SHOP))] == [
        "graphs/scenarios/shop-region-failover.yaml"
    ]
    assert tl.scenarios_for(ROOT / "graphs/examples/active-active.yaml") == []


def test_simulation_is_the_engines_and_cached_by_content(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    path = ROOT / "graphs/scenarios/aws-2025-10-20-dns-race.yaml"  # the first found
    direct = simulate(sim.graph, load_scenario(path, sim.graph), seed=0)
    assert sim.journal.to_json() == direct.to_json()
    assert sim_of(sources, REFERENCE).journal is sim.journal  # no second simulation
    assert sim.incident is not None and sim_of(sources, SHOP).incident is None


def test_gantt_rows_user_facing_first_bars_from_windows(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    names = tl.rows(sim.journal)
    uf = [n for n in names if n in sim.journal.user_facing]
    assert names[: len(uf)] == uf and uf
    fig = fg.gantt(sim, 3600)
    bars = [t for t in fig.data if t.type == "bar"]
    simulated = [t for t in bars if t.name.startswith("simulated")]
    assert sum(len(t.y) for t in simulated) == len(sim.journal.windows())
    assert all(t.text is None for t in bars)  # no bar text
    ref = next(t for t in bars if t.name == "post-mortem")
    assert len(ref.y) == len(fg.reference_windows(sim, names)) > 0
    down = next(t for t in simulated if t.name == "simulated: down")
    first = next(w for w in sim.journal.windows() if w.severity == "down")
    assert down.base[0] == tl.local(sim.journal, first.start)  # local (PDT) wall clock
    assert "UTC" in down.customdata[0][0]
    marks = [a.text for a in fig.layout.annotations]
    assert any("empty-dns-record" in m for m in marks) and any("dns-restored" in m for m in marks)


def test_stamp_gives_local_time_and_utc(sources: Sources) -> None:
    journal = sim_of(sources, REFERENCE).journal
    assert tl.stamp(journal, 0) == "Sun 23:48 (UTC-0700) · 06:48 UTC"


def test_queue_curves_only_for_queued_components(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    fig = fg.queues(sim, 0)
    assert fig is not None
    assert {t.legendgroup for t in fig.data} == {"backlog", "goodput"}
    rows = len(sim.journal.queues) + len(sim.journal.buffers)
    assert len(fig.data) == 2 * rows  # backlog and goodput, one row each
    titles = [a.text for a in fig.layout.annotations if "backlog and goodput" in (a.text or "")]
    assert len(titles) == len(sim.journal.queues)
    held = [a.text for a in fig.layout.annotations if "work held for" in (a.text or "")]
    assert len(held) == len(sim.journal.buffers) >= 1  # Network Manager's held propagation work
    for name in ("DropletWorkflow", "Network Manager", "SQS", "Redshift"):
        assert any(name.lower() in t.lower() for t in titles), (name, titles)
    first = max(fig.data[0].y)  # rows ordered by peak backlog, largest first
    peaks = {c: max(p.backlog for p in points) for c, points in sim.journal.queues.items()}
    buffers = sim.journal.buffers.items()
    peaks |= {f"{c}>{t}": max(p.backlog for p in pts) for (c, t), pts in buffers}
    assert first == max(peaks.values())
    assert peaks["aws.use1.ec2.dwfm"] > 1e6  # DWFM's lease re-establishment: a million re-leases
    shop = sim_of(sources, SHOP)
    assert (fg.queues(shop) is None) == (not shop.journal.queues)


def test_states_and_colours_follow_the_journal(sources: Sources) -> None:
    sim = sim_of(sources, SHOP)
    key = SHOP
    nodes = list(sim.graph.components)
    during, after = (
        tl.states_at(sim.journal, nodes, 3600),
        tl.states_at(sim.journal, nodes, 5 * 3600),
    )
    assert during["admin"] == "down" and after["admin"] == "up"
    elements = {e["data"]["id"]: e for e in coloured(sources, initial_state(key), sim, 3600)}
    assert "down" in elements["admin"]["classes"].split()
    later = {e["data"]["id"]: e for e in coloured(sources, initial_state(key), sim, 5 * 3600)}
    assert "down" not in later["admin"]["classes"].split()


def test_chain_goes_back_to_the_trigger(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    victim = sim.journal.user_facing[0]
    rows = tl.chain(sim, victim, 3600)
    assert rows and rows[-1]["why"].endswith("(empty-dns-record)")


def test_what_if_round_trips_through_the_url() -> None:
    spec = {
        **wi.baseline(),
        "fault": "r:us-east-1",
        "at": 10,
        "for": 45,
        "mitigations": ["stale-cache"],
    }
    assert wi.parse(wi.dump(spec)) == spec
    assert wi.parse("not json") == wi.baseline()
    assert wi.parse('{"fault": "x:evil", "at": -5, "mitigations": ["rm -rf"]}') == wi.baseline()
    state = with_extra(initial_state(SHOP), 90, "graphs/scenarios/shop-region-failover.yaml", spec)
    back = parse_query(to_query(state), "x")
    assert back["extra"]["t"] == "90" and wi.parse(back["extra"]["whatif"]) == spec


def test_earlier_repair_shortens_downtime_by_as_much(sources: Sources) -> None:
    for key in (REFERENCE, SHOP):
        sim = sim_of(sources, key)
        changed = wi.apply(sim.graph, sim.scenario, {**wi.baseline(), "earlier": 30})
        journal = tl.run(sources.analysed(key), changed)
        rows = wi.compare(sim.journal, journal, sim.graph)
        hit = [r for r in rows if r["baseline_down"] > 30]
        assert hit and all(r["change"] == -30 for r in hit), rows


def test_baseline_what_if_is_the_scenario_itself(sources: Sources) -> None:
    sim = sim_of(sources, SHOP)
    assert wi.apply(sim.graph, sim.scenario, wi.baseline()) is sim.scenario
    rows = wi.compare(sim.journal, sim.journal, sim.graph)
    assert all(r["change"] == 0 for r in rows)
    assert {r["id"] for r in rows} == set(sim.journal.user_facing)


def test_own_fault_replaces_the_scenarios(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    spec = {**wi.baseline(), "fault": "c:aws.use1.dynamodb.dns-record", "at": 0, "for": 20}
    changed = wi.apply(sim.graph, sim.scenario, spec)
    assert [f.id for f in changed.faults] == ["what-if-fault"]
    journal = tl.run(sources.analysed(REFERENCE), changed)
    down = wi.downtime(journal)
    assert (
        0 < max(d for d, _ in down.values()) < max(d for d, _ in wi.downtime(sim.journal).values())
    )
    region = wi.apply(sim.graph, sim.scenario, {**spec, "fault": "r:us-west-2"})
    assert region.faults[0].target.region == "us-west-2"


def test_mitigations_map_to_scenario_inputs(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    stale = wi.apply(sim.graph, sim.scenario, {**wi.baseline(), "mitigations": ["stale-cache"]})
    assert stale.overrides and all(o.set["serve_stale"] for o in stale.overrides[-1:])
    before = wi.downtime(sim.journal)
    after = wi.downtime(tl.run(sources.analysed(REFERENCE), stale))
    assert sum(d for d, _ in after.values()) < sum(d for d, _ in before.values())
    shop = sim_of(sources, SHOP)
    manual = wi.apply(shop.graph, shop.scenario, {**wi.baseline(), "mitigations": ["no-failover"]})
    added = [a for a in manual.actions if a.do.value == "disable-automation"]
    assert [a.target.component for a in added if a.target] == sorted(shop.graph.groups)


def test_result_table_has_a_row_per_user_facing_component(sources: Sources) -> None:
    sim = sim_of(sources, SHOP)
    table = result_table(wi.compare(sim.journal, sim.journal, sim.graph))
    assert len(table.children[1].children) == len(sim.journal.user_facing)


def test_slider_moves_only_add_time_lines_to_cached_figures(sources: Sources) -> None:
    sim = sim_of(sources, REFERENCE)
    gantt, queues = fg.figures(sim)
    assert fg.figures(sim_of(sources, REFERENCE))[0] is gantt  # built once per simulation
    assert queues is not None
    moved = fg.with_time(gantt, sim.journal, 3600)
    lines = moved["layout"]["shapes"][len(gantt["layout"].get("shapes", ())) :]
    assert [s["x0"] for s in lines] == ["2025-10-20T00:48:00"]
    across = fg.with_time(queues, sim.journal, 0)["layout"]["shapes"][-1]
    assert (across["xref"], across["yref"]) == ("x", "paper")  # one line through every row
    assert "shapes" not in gantt["layout"] or len(gantt["layout"]["shapes"]) < len(
        moved["layout"]["shapes"]
    )
