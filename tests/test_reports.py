"""``blast report``: contents checked against the analysis, the three formats run for real."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from blast.analysis import build_index, exposure, propagate
from blast.analysis.propagation import State
from blast.loading.loader import load_graph
from blast.model import Component
from blast.model.graph import Graph
from blast.report import shared_spofs
from blast.reports import blind_spots, build_report, recovery_order
from blast.reports.schema import schema_text
from blast.reports.whatif import apply, region_down

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "graphs" / "examples" / "shop.yaml"
AWS = ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"
GRAPHS = [
    *sorted((ROOT / "graphs").glob("*.yaml")),
    *sorted((ROOT / "graphs" / "examples").glob("*.yaml")),
]
"""The incidents and every example stack: each must report in all three formats."""
DATA = Path(__file__).parent / "data" / "reports"


def blast(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "blast", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    if check:
        assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module", params=GRAPHS, ids=lambda p: p.stem)
def written(request, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("report")
    files = {ext: out / f"report.{ext}" for ext in ("html", "md", "json")}
    for path in files.values():
        run = blast("report", request.param, "-o", path)
        assert f"wrote {path}" in run.stdout
    return request.param, files


def test_json_fits_the_documented_schema(written):
    _, files = written
    data = json.loads(files["json"].read_text())
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["schema"] == "blast-report/2"


def test_schema_file_is_current():
    assert (ROOT / "docs" / "report.schema.json").read_text() == schema_text(), (
        "regenerate with: python -m blast.reports.schema docs/report.schema.json"
    )


def test_summary_agrees_with_the_analysis(written):
    graph_path, files = written
    data = json.loads(files["json"].read_text())
    graph = load_graph(graph_path)
    s = data["summary"]
    spofs = shared_spofs(build_index(graph))
    assert s["spofs"] == len(spofs)
    assert s["top_spofs"] == [x.component for x in spofs[:10]]
    assert [d["component"] for d in data["spofs"]] == s["top_spofs"]
    assert data["region"] == ("us-east-1" if "us-east-1" in graph.regions else None)
    if data["region"] is None:
        assert data["region_event"] == [] and s["region_down"] == 0
        return
    result = exposure(graph, region="us-east-1")
    assert s["region_down"] == result.count("down")
    assert s["region_degraded"] == result.count("degraded")
    down = {e.component for e in result.exposures if e.state == "down"}
    assert set(s["concentrated"]) == down
    assert s["concentration"] == pytest.approx(len(down) / max(1, len(graph.user_facing)), abs=1e-4)


def test_each_victim_path_is_a_real_hard_chain(written):
    graph_path, files = written
    graph = load_graph(graph_path)
    data = json.loads(files["json"].read_text())
    for spof in data["spofs"]:
        outcome = propagate(graph, [spof["component"]])
        for victim in spof["user_facing_down"]:
            assert victim["path"][0] == victim["component"]
            assert victim["path"][-1] == spof["component"]
            assert outcome.state(victim["component"]) is State.DOWN


def test_recovery_waves_respect_dependencies(written):
    """With waves 0..k back and the later ones still failed, nothing in 0..k is down;
    and everything in wave k > 0 is down while wave k - 1 is (it really waits)."""
    graph_path, _ = written
    graph = load_graph(graph_path)
    index = build_index(graph)
    for spof in shared_spofs(index):
        waves = recovery_order(index, spof.component)
        assert waves[0] == (spof.component,)
        assert sorted(c for w in waves for c in w) == sorted(
            index.names(index.down(spof.component))
        )
        for k in range(len(waves)):
            later = [c for w in waves[k + 1 :] for c in w]
            if later:
                outcome = propagate(graph, later)
                assert all(outcome.state(c) is not State.DOWN for w in waves[: k + 1] for c in w)
            if k:
                outcome = propagate(graph, list(waves[k - 1]))
                assert all(outcome.state(c) is State.DOWN for c in waves[k])


def test_shop_mitigations_are_derived_and_measured():
    graph = load_graph(SHOP)
    report = build_report(graph)
    by_spof = {d.component: d for d in report.spofs}
    iam = {m.kind: m for m in by_spof["iam"].mitigations}
    # IAM is global, anchored in us-east-1, a control plane, read by the back office.
    assert set(iam) == {"regional-endpoint", "serve-stale", "static-stability"}
    assert "us-west-2" in iam["regional-endpoint"].action  # the back office's... fallback region
    assert iam["regional-endpoint"].whatif.spof_down_before == 1
    assert iam["regional-endpoint"].whatif.spof_down_after == 0
    api = {m.kind: m for m in by_spof["api"].mitigations}
    assert "redundancy" in api and "regional-endpoint" not in api
    assert api["redundancy"].whatif.saved == 2


def test_whatif_is_the_analysis_of_the_changed_graph():
    graph = load_graph(SHOP)
    report = build_report(graph)
    m = next(m for d in report.spofs for m in d.mitigations if m.id == "serve-stale:payments")
    # Serve-stale turns api's hard need of payments into a soft one: nothing goes down.
    changed = Graph(
        {
            cid: c
            if cid != "api"
            else c.model_copy(
                update={
                    "depends_on": tuple(
                        d.model_copy(update={"type": "soft"}) if d.target == "payments" else d
                        for d in c.depends_on
                    )
                }
            )
            for cid, c in graph.components.items()
        },
        graph.groups,
    )
    assert propagate(changed, ["payments"]).nodes_in(State.DOWN) == ("payments",)
    assert m.whatif.spof_down_after == 0
    assert m.whatif.region_down_after == len(region_down(changed, "us-east-1"))


def test_cycle_gets_a_break_cycle_mitigation():
    parts = [
        Component(id="a", kind="database", region="r1", depends_on=["b"]),
        Component(id="b", kind="compute", region="r1", depends_on=["a"]),
        Component(id="web", kind="app", region="r2", user_facing=True, depends_on=["a"]),
    ]
    graph = Graph.from_parts(parts)
    report = build_report(graph, region="r1")
    a = next(d for d in report.spofs if d.component == "a")
    cycle = next(m for m in a.mitigations if m.kind == "break-cycle")
    assert "a -> b -> a" in cycle.action
    assert a.recovery_order == (("a", "b"), ("web",))  # the loop comes back together


def test_blind_spot_names_the_shared_dependency():
    parts = [
        Component(id="db", kind="database", region="us-east-1"),
        Component(id="host", kind="compute", region="us-east-1", depends_on=["db"]),
        Component(id="shop", kind="app", region="us-west-2", user_facing=True, depends_on=["db"]),
        Component(id="status", kind="status-page", region="us-east-1", depends_on=["host"]),
    ]
    spots = blind_spots(build_index(Graph.from_parts(parts)), region="us-east-1")
    assert [(s.watcher, s.cause, s.shared, s.watched_down) for s in spots] == [
        ("status", "component", ("db",), ("shop",))
    ]
    assert spots[0].shared_dependency == "db"
    assert spots[0].path == ("status", "host", "db")


def test_no_blind_spot_when_the_monitor_lives_elsewhere():
    parts = [
        Component(id="db", kind="database", region="us-east-1"),
        Component(id="shop", kind="app", region="us-east-1", user_facing=True, depends_on=["db"]),
        Component(id="mon", kind="monitoring", region="eu-west-1"),
    ]
    graph = Graph.from_parts(parts)
    assert blind_spots(build_index(graph), region="us-east-1") == ()
    # Moved into us-east-1, the monitor goes dark with the region it watches.
    moved = [*parts[:2], parts[2].model_copy(update={"region": "us-east-1"})]
    spots = blind_spots(build_index(Graph.from_parts(moved)), region="us-east-1")
    assert [(s.watcher, s.cause, s.shared_dependency) for s in spots] == [
        ("mon", "region", "region us-east-1")
    ]


def test_shipped_incident_flags_the_status_page():
    report = build_report(load_graph(AWS))
    spot = next(b for b in report.blind_spots if b.watcher == "status-page")
    assert spot.shared_dependency == "aws.use1.dynamodb.endpoint"
    assert spot.cause == "component" and len(spot.watched_down) == 12


def test_2017_health_dashboard_blind_spot_is_the_s3_index():
    """In 2017 the AWS Service Health Dashboard could not be updated because it needed S3
    (https://aws.amazon.com/message/41926/); the shipped graph must show that blind spot."""
    report = build_report(load_graph(ROOT / "graphs" / "aws-s3-us-east-1-2017-02-28.yaml"))
    spot = next(b for b in report.blind_spots if b.kind == "status-page")
    assert spot.cause == "component" and spot.shared_dependency == "aws.use1.s3.index"
    assert spot.watched_down and len(spot.watched_down) == spot.watched_total


def test_markdown_and_html_carry_the_same_facts(written):
    _, files = written
    data = json.loads(files["json"].read_text())
    md = files["md"].read_text()
    html = files["html"].read_text()
    assert md.startswith("# Blast report: ")
    for spof in data["spofs"]:
        assert f"`{spof['component']}`" in md
        assert f"<code>{spof['component']}</code>" in html
        for m in spof["mitigations"]:
            w = m["whatif"]
            assert f"{w['spof_down_before']} → {w['spof_down_after']}" in md
    s = data["summary"]
    if data["region"]:
        assert f"**{s['region_down']} of {s['user_facing']}**" in md
        assert f"{s['region_down']}/{s['user_facing']}" in html


def test_html_is_self_contained(written):
    _, files = written
    html = files["html"].read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html and "<style>" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "no network fetch"
    assert "<script" not in html
    assert "@media print" in html


def test_figures_add_minutes(tmp_path):
    out = tmp_path / "r.json"
    blast("report", SHOP, "-o", out, "--figures", DATA / "shop-figures.json")
    data = json.loads(out.read_text())
    assert data["simulation"] == "hand-written figures for the shop example (tests only)"
    assert data["summary"]["region_outage_minutes"] == 95.0
    admin = next(e for e in data["region_event"] if e["component"] == "admin")
    assert admin["outage_minutes"] == 95.0
    m = next(
        m for d in data["spofs"] for m in d["mitigations"] if m["id"] == "serve-stale:payments"
    )
    assert m["whatif"]["minutes_saved"] == 120.0
    md = tmp_path / "r.md"
    blast("report", SHOP, "-o", md, "--figures", DATA / "shop-figures.json")
    assert "1 h 35 min" in md.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.pdf"], "cannot tell the format of 'x.pdf'"),
        (["-o", "-", "--region", "mars-1"], "no component is in region 'mars-1'"),
        (["-o", "-", "--figures", "tests/data/reports/bad-figures.yaml"], "bad-figures.yaml:3:"),
    ],
)
def test_bad_input_exits_2(args, message):
    run = blast("report", SHOP, *args, check=False)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_graph_without_the_default_region_reports_without_a_region_event(tmp_path):
    graph = tmp_path / "g.yaml"
    graph.write_text(
        "version: 1\ncomponents:\n"
        "  - {id: db, kind: database, region: europe-west1, provider: gcp}\n"
        "  - {id: web, kind: app, region: europe-west1, provider: gcp, user_facing: true,"
        " depends_on: [db]}\n"
    )
    run = blast("report", graph, "-o", "-", "--format", "json")
    data = json.loads(run.stdout)
    assert data["region"] is None and data["region_event"] == []
    assert [d["component"] for d in data["spofs"]] == ["db"]
    run = blast("report", graph, "-o", "-", "--region", "europe-west1", "--format", "json")
    assert json.loads(run.stdout)["summary"]["region_down"] == 1


def test_apply_leaves_the_original_alone():
    graph = load_graph(SHOP)
    before = dict(graph.components)
    from blast.reports.whatif import Change

    apply(graph, Change(soften=(("api", "payments"),)))
    assert dict(graph.components) == before


def keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in keys(v)}
    return set()


def test_every_json_key_is_documented(written):
    _, files = written
    doc = (ROOT / "docs" / "report.md").read_text()
    missing = sorted(k for k in keys(json.loads(files["json"].read_text())) if f"`{k}`" not in doc)
    assert not missing, f"docs/report.md does not explain: {missing}"


def test_a_graph_without_user_facing_components_says_so():
    from blast.reports.html import render_html
    from blast.reports.markdown import render_markdown

    graph = Graph.from_parts(
        [
            Component(id="a", kind="database", region="us-east-1", depends_on=["b"]),
            Component(id="b", kind="compute", region="us-east-1", depends_on=["a"]),
        ]
    )
    report = build_report(graph)
    assert report.summary.user_facing == 0 and report.summary.concentration == 0.0
    assert "No component is marked `user_facing: true`" in render_markdown(report)
    assert "No component is marked <code>user_facing: true</code>" in render_html(report)
    assert report.to_dict() == build_report(graph).to_dict()  # deterministic


def test_whatifs_on_worker_processes_give_the_same_report():
    graph = load_graph(AWS)
    assert build_report(graph, workers=2).to_dict() == build_report(graph).to_dict()


def test_report_of_a_graph_on_standard_input_keeps_its_description():
    """``blast report -``: the description is read from the bytes standard input gave
    (it can be read only once); the report equals the file's but for the file's name."""

    def report(source: str, stdin: str | None = None) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "blast", "report", source, "--format", "markdown", "-o", "-"],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout

    from_file = report(str(SHOP.relative_to(ROOT)))
    piped = report("-", SHOP.read_text(encoding="utf-8"))
    assert "Everything is invented." in piped
    assert piped == from_file.replace(str(SHOP.relative_to(ROOT)), "<stdin>")
