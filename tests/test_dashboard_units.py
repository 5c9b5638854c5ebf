"""The dashboard's pure functions, called directly on real graph files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blast.analysis import blast_radius, propagate
from blast.errors import BadInputError, GraphFileError
from blast.model import Component
from blast.model.graph import Graph
from blast.model.synthetic import service_graph, to_yaml
from dashboard import ids
from dashboard.actions import transition
from dashboard.clusters import FOLDED, MAX_ELEMENTS, cluster_tree, default_open, make_view
from dashboard.elements import build_elements
from dashboard.exports import file_stem, spof_csv, spof_json, view_csv, view_json
from dashboard.panel import panel, why_paths
from dashboard.positions import depths
from dashboard.screen import screen
from dashboard.state import initial_state, parse_query, to_query
from dashboard.store import Sources, analyse, may_leave

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"
INVALID = ROOT / "tests" / "data" / "invalid"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    return Sources(default=REFERENCE, upload_dir=tmp_path_factory.mktemp("uploads"))


@pytest.fixture(scope="module")
def big(sources: Sources) -> str:
    text = to_yaml(service_graph(3_000, seed=7)).encode()
    return sources.save_upload("big.yaml", text)


def classes(el: dict) -> set[str]:
    return set(el.get("classes", "").split())


def test_reference_graph_is_drawn_whole_with_its_spofs_marked(sources: Sources) -> None:
    a = sources.analysed(sources.default_key)
    scr = screen(a, initial_state(sources.default_key))
    nodes = [e for e in scr.drawn.elements if "position" in e]
    assert len(nodes) == len(a.graph.components) + len(a.graph.groups)
    assert not scr.view.aggregates and scr.drawn.edges_left_out == 0
    edges = [e for e in scr.drawn.elements if "source" in e["data"]]
    assert len(edges) == sum(1 for _ in a.graph.edges())
    spof_ids = {e["data"]["id"] for e in nodes if "spof" in classes(e)}
    assert spof_ids == {s.component for s in a.spofs}
    assert "aws.use1.dynamodb.dns-record" in spof_ids
    ap_ids = {e["data"]["id"] for e in nodes if "ap" in classes(e)}
    assert ap_ids == set(a.articulation)


def test_layout_is_deterministic_and_layered(sources: Sources) -> None:
    a = sources.analysed(sources.default_key)
    tree = cluster_tree(a)
    view = make_view(a, tree, default_open(a, tree))
    one = build_elements(a, tree, view).elements
    two = build_elements(a, tree, view).elements
    assert one == two
    pos = {e["data"]["id"]: e["position"] for e in one if "position" in e}
    assert len({(p["x"], p["y"]) for p in pos.values()}) == len(pos)  # no two on one spot
    # what needs something is drawn above it (smaller y), cycles aside
    assert pos["status-page"]["y"] < pos["aws.use1.dynamodb.endpoint"]["y"]


def test_depths_put_cycles_on_one_layer() -> None:
    d = depths(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")])
    assert d == {"d": 0, "b": 1, "c": 1, "a": 2}


def test_click_marks_the_blast_radius(sources: Sources) -> None:
    a = sources.analysed(sources.default_key)
    focus = "aws.use1.dynamodb.dns-record"
    state = {**initial_state(sources.default_key), "focus": focus}
    els = screen(a, state).drawn.elements
    radius = blast_radius(a.index, focus)
    down = {e["data"]["id"] for e in els if "position" in e and "down" in classes(e)}
    degraded = {e["data"]["id"] for e in els if "position" in e and "degraded" in classes(e)}
    comps = set(a.graph.components)
    assert down & comps == {focus, *radius.down}
    assert degraded & comps == set(radius.degraded)


def test_panel_says_for_whom_and_why(sources: Sources) -> None:
    a = sources.analysed(sources.default_key)
    info = panel(a, "aws.use1.dynamodb.dns-record")
    assert info.is_spof and len(info.user_facing_down) == 13
    outcome = propagate(a.graph, ["aws.use1.dynamodb.dns-record"])
    for path in info.why:
        assert path[-1] == "aws.use1.dynamodb.dns-record"
        assert path == outcome.path(path[0])
    assert "aws.use1.dynamodb.planner" in {link.id for link in info.depends_on} or info.depends_on
    assert not panel(a, "status-page").is_spof


def test_why_paths_are_the_propagation_causes(sources: Sources, big: str) -> None:
    """The panel's early-stopping search gives every victim propagate's own chain."""
    for key in (sources.default_key, big):
        a = sources.analysed(key)
        for failed in [*a.graph.components][:: max(1, len(a.graph.components) // 150)]:
            outcome = propagate(a.graph, [failed])
            victims = tuple(
                v for v in tuple(a.graph.components)[::7] if outcome.state(v).value == "down"
            )
            want = tuple(outcome.path(v) for v in victims)
            assert why_paths(a.graph, failed, victims) == want, failed
            info, radius = panel(a, failed), blast_radius(a.index, failed)
            assert (info.down, info.degraded) == (radius.down, radius.degraded)
            assert info.user_facing_down == radius.user_facing_down
            assert info.user_facing_degraded == radius.user_facing_degraded


def test_big_graph_opens_collapsed_under_the_budget(sources: Sources, big: str) -> None:
    a = sources.analysed(big)
    assert len(a.graph.components) == 3_000
    scr = screen(a, initial_state(big))
    assert len(scr.drawn.elements) <= MAX_ELEMENTS
    hidden = sum(len(h) for h in scr.view.aggregates.values())
    assert hidden + len(scr.view.nodes) == len(a.graph.components) + len(a.graph.groups)
    assert any("collapsed groups" in n for n in scr.view.notes)
    assert 3 <= len(scr.view.aggregates) <= 60  # an overview of regions, not one blob
    # expanding everything still respects the budget and says what it held back
    state = transition(sources, initial_state(big), ids.GRAPH_EXPAND_ALL, {}, _no_upload)[0]
    full = screen(a, state)
    assert len(full.drawn.elements) <= MAX_ELEMENTS
    assert any("stay collapsed" in n for n in full.view.notes)
    # a focused component shows its neighbourhood, even inside collapsed groups
    focus = a.spofs[0].component
    near = screen(a, {**initial_state(big), "focus": focus})
    assert focus in near.view.nodes


def test_clicking_an_aggregate_expands_it(sources: Sources, big: str) -> None:
    a = sources.analysed(big)
    state = initial_state(big)
    before = screen(a, state)
    sizes = {c: len(h) for c, h in before.view.aggregates.items() if len(h) > 1}
    cluster = min(sizes, key=lambda c: (sizes[c], c))  # one that fits once opened
    tap = {"id": cluster, "aggregate": True}
    after_state, _ = transition(sources, state, ids.GRAPH_CYTO, {ids.GRAPH_CYTO: tap}, _no_upload)
    after = screen(a, after_state)
    assert cluster not in after.view.aggregates
    inside = [n for n in after.view.unit_of if n in before.view.aggregates[cluster]]
    assert inside and all(after.view.unit_of[n] != cluster for n in inside)
    drawn_inside = [n for n in inside if after.view.unit_of[n] == n]
    sub_groups = {after.view.unit_of[n] for n in inside} - set(drawn_inside)
    assert drawn_inside or all(g.startswith(cluster + "|") for g in sub_groups)


def _no_upload(_s: Sources, _u: dict) -> tuple[None, list]:
    raise AssertionError("no upload expected")


def test_url_round_trip_keeps_unknown_keys() -> None:
    state = parse_query("?graph=graphs/x.yaml&focus=a.b&hops=3&show=near&open=p|r&t=5m", "d")
    assert state["focus"] == "a.b" and state["hops"] == 3 and state["show"] == "near"
    assert state["toggled"] == ["p|r"] and state["extra"] == {"t": "5m"}
    assert parse_query(to_query(state), "d") == state
    assert parse_query("?hops=99&show=bogus", "d")["hops"] == 6


def test_urls_cannot_name_arbitrary_files(sources: Sources) -> None:
    for key in ("/etc/passwd", "../README.md", "upload:../../etc", "upload:" + "0" * 64):
        with pytest.raises(BadInputError, match=r"no graph|no longer stored"):
            sources.analysed(key)


@pytest.mark.parametrize(
    ("fixture", "where"),
    [("yaml-syntax.yaml", "yaml-syntax.yaml:"), ("alias-bomb.yaml", "alias-bomb.yaml:")],
)
def test_bad_uploads_are_located_in_the_uploaded_file(
    sources: Sources, fixture: str, where: str
) -> None:
    with pytest.raises(GraphFileError) as err:
        sources.save_upload(fixture, (INVALID / fixture).read_bytes())
    first = err.value.problems[0]
    assert str(first.location).startswith(where)
    assert first.location.line > 0 and first.location.column > 0


def test_a_60_mb_upload_is_refused_before_parsing(sources: Sources) -> None:
    with pytest.raises(GraphFileError, match="the dashboard takes files up to"):
        sources.save_upload("huge.yaml", b"#" * (60 * 1024 * 1024))


def test_uploads_may_include_only_shipped_graphs(sources: Sources) -> None:
    text = b"version: 1\ninclude: [/etc/passwd]\ncomponents: []\n"
    with pytest.raises(GraphFileError, match="may include only the shipped graphs") as err:
        sources.save_upload("sneaky.yaml", text)
    assert str(err.value.problems[0].location) == "sneaky.yaml:2:11"
    escaped = b'version: 1\n"\\x69nclude": [../../../../etc/hostname]\ncomponents: []\n'
    with pytest.raises(GraphFileError, match="may include only the shipped graphs"):
        sources.save_upload("escaped.yaml", escaped)
    spellings = [  # every way YAML can name a file outside: each one parsed and refused
        b'version: 1\ninclude: ["/etc/passwd"]\n',
        b"version: 1\ninclude:\n  - |-\n    /etc/passwd\n",
        b"version: 1\ninclude: [catalog/../../../../etc/hostname]\n",
        b"version: 1\ninclude: [!!binary L2V0Yy9wYXNzd2Q=]\n",
        b'{"version": 1, "include": ["/etc/passwd"], "components": []}',
        b'{"version": 1, "include":["/etc/passwd"]}',
        b'version: 1\n"include": ["\\x2fetc/passwd"]\n',
        b"version: 1\ninclude: !!set {/etc/passwd}\n",
        b"version: 1\ninclude: !!binary L2V0Yy9wYXNzd2Q=\n",
    ]
    for spelled in spellings:
        assert may_leave(spelled), spelled
        with pytest.raises(GraphFileError) as refused:
            sources.save_upload("sneaky.yaml", spelled)
        assert "shipped graphs" in str(refused.value), (spelled, refused.value)
    for shipped in (REFERENCE, *sorted((ROOT / "graphs" / "examples").glob("*.yaml"))):
        raw = shipped.read_bytes()  # stacks that include, with URLs: parsed once
        assert b"include" not in raw or not may_leave(raw), shipped
    ok = b"version: 1\ninclude: [../graphs/catalog/aws.yaml]\ncomponents:\n" + (
        b"  - {id: mine, kind: app, user_facing: true,"
        b" depends_on: [aws.use1.dynamodb.dns-record]}\n"
    )
    key = sources.save_upload("mine.yaml", ok)
    assert "mine" in sources.analysed(key).graph.components


def test_exports(sources: Sources) -> None:
    assert file_stem("AWS us-east-1 outage, 2025-10-20") == "aws-us-east-1-outage-2025-10-20"
    assert file_stem("../../etc/passwd") == "etc-passwd" and file_stem("") == "graph"
    a = sources.analysed(sources.default_key)
    lines = spof_csv(a).splitlines()
    assert lines[0].startswith("component,name") and len(lines) == 1 + len(a.spofs)
    assert json.loads(spof_json(a))["spofs"][0]["component"] == a.spofs[0].component
    state = {**initial_state(sources.default_key), "focus": "aws.use1.dynamodb.dns-record"}
    scr = screen(a, state)
    rows = view_csv(a, scr.view, scr.drawn).splitlines()
    assert len(rows) == 1 + len(scr.view.nodes)
    doc = json.loads(view_json(a, scr.view, scr.drawn, state))
    assert doc["state"]["focus"] == "aws.use1.dynamodb.dns-record"
    assert {n["id"] for n in doc["nodes"] if n["state"] == "down"} >= {
        "aws.use1.dynamodb.dns-record"
    }


def test_thousands_of_providers_stay_under_the_budget() -> None:
    parts = [Component(id="core", kind="database", provider="shared", region="us-east-1")]
    parts += [
        Component(id=f"app-{i}", kind="app", provider=f"co-{i}", user_facing=True,
                  depends_on=["core"])
        for i in range(2_000)
    ]  # fmt: skip
    a = analyse(Graph.from_parts(parts), "k", "d", "many providers")
    scr = screen(a, initial_state("k"))
    assert len(scr.drawn.elements) <= MAX_ELEMENTS
    assert FOLDED in scr.view.aggregates and any("folded" in n for n in scr.view.notes)
    held = sum(len(h) for h in scr.view.aggregates.values()) + len(scr.view.nodes)
    assert held == 2_001
