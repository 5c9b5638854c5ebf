"""Where ``blast check`` says a violating component is written: the raw-text scan
(:mod:`blast.loading.idscan`) must give exactly the located parse's ``file:line:column``.

Every case is a real file on disk: the engine's answer with the scan (the graph's
ids given) is compared with its answer by the located parse alone, and the real
CLI's JSON locations with the located parse's positions. Layouts the scan cannot
prove (flow items, quotes, tabs, anchors on items) must decline, and the answer stays
the parse's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blast.check.engine import component_locations
from blast.errors import GraphFileError, Location
from blast.loading.files import decode
from blast.loading.idscan import ScannedIds, scan_component_ids
from blast.loading.loader import load_graph
from blast.loading.yamlsource import parse_yaml
from tests.clirun import ROOT, blast

HEADER = "version: 1\nname: locations\n"
WEB = "    user_facing: true\n"

CASES: dict[str, tuple[bool, dict[str, str]]] = {
    # name: (whether the scan answers for main.yaml, {file: text})
    "block": (
        True,
        {
            "main.yaml": HEADER + "components:\n"
            "- id: db\n  kind: database\n  provider: aws\n  region: us-east-1\n"
            "- id: api\n  kind: api\n  provider: aws\n  region: us-east-1\n"
            "  depends_on:\n  - db\n"
            "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
            "  user_facing: true\n  depends_on:\n  - api\n"
        },
    ),
    "indented, id not first, comments, blank lines, block scalars": (
        True,
        {
            "main.yaml": "%YAML 1.1\n---\n# a 'quoted' comment [with brackets] {and braces}\n"
            + HEADER
            + "description: |\n  components:\n  - id: fake\n"
            "components:   # the stack\n"
            "  - kind: database   # 'first'\n    id: db   # \"the\" db\n"
            "    provider: aws\n    region: us-east-1\n\n"
            "  # - id: commented-out\n"
            "  - id: api\n    kind: api\n    provider: aws\n    region: us-east-1\n"
            "    notes: >\n      - id: web\n      id: web\n\n      more text\n"
            "    name: a plain scalar\n      that goes on, - id web\n"
            "    depends_on:\n    - db\n"
            "  - kind: app\n    provider: aws\n    region: us-east-1\n    id: web\n"
            + WEB
            + "    depends_on:\n      - api\n"
            "redundancy_groups: []\n"
        },
    ),
    "CRLF, BOM and text beyond ASCII": (
        True,
        {
            "main.yaml": "\ufeff"
            + (
                HEADER + "components:\n"
                "- id: db\n  name: Base de données éè ☕\n  kind: database\n"
                "  provider: aws\n  region: us-east-1\n"
                "- name: API ☕☕\n  id: api\n  kind: api\n  provider: aws\n  region: us-east-1\n"
                "  depends_on:\n  - db\n"
                "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
                "  user_facing: true\n  depends_on:\n  - api\n"
            ).replace("\n", "\r\n")
        },
    ),
    "flow items": (
        False,
        {
            "main.yaml": HEADER + "components:\n"
            "- {id: db, kind: database, provider: aws, region: us-east-1}\n"
            "- {kind: api, provider: aws, region: us-east-1,\n   id: api, depends_on: [db]}\n"
            "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
            "  user_facing: true\n  depends_on: [api]\n"
        },
    ),
    "a quoted scalar over lines that hides an item": (
        False,
        {
            "main.yaml": HEADER + "components:\n"
            '- id: db\n  kind: database\n  provider: aws\n  region: us-east-1\n  notes: "one\n'
            '- id: web\n  kind: x"\n'
            "- id: api\n  kind: api\n  provider: aws\n  region: us-east-1\n  depends_on: [db]\n"
            "- kind: app\n  provider: aws\n  region: us-east-1\n  id: web\n"
            "  user_facing: true\n  depends_on: [api]\n"
        },
    ),
    "quoted and escaped ids": (
        False,
        {
            "main.yaml": HEADER + "components:\n"
            "- id: 'db'\n  kind: database\n  provider: aws\n  region: us-east-1\n"
            '- id: "a\\x70i"\n  kind: api\n  provider: aws\n  region: us-east-1\n'
            "  depends_on:\n  - db\n"
            "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
            "  user_facing: true\n  depends_on:\n  - api\n"
        },
    ),
    "anchors, aliases and merge keys": (
        False,
        {
            "main.yaml": HEADER + "components:\n"
            "- &base\n  id: db\n  kind: database\n  provider: aws\n  region: us-east-1\n"
            "- <<: *base\n  id: api\n  kind: api\n  depends_on:\n  - db\n"
            "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
            "  user_facing: true\n  depends_on:\n  - api\n"
        },
    ),
    "merge keys on scanned items": (
        True,
        {
            "main.yaml": HEADER + "components:\n"
            "- id: db\n  <<: &aws\n    provider: aws\n    region: us-east-1\n  kind: database\n"
            "- id: api\n  <<: *aws\n  kind: api\n  depends_on:\n  - db\n"
            "- id: web\n  <<: *aws\n  kind: app\n  user_facing: true\n  depends_on:\n  - api\n"
        },
    ),
    "tabs": (
        False,
        {
            "main.yaml": HEADER + "components:\n"
            "- id:\tdb\n  kind: database\n  provider: aws\n  region: us-east-1\n"
            "- id: api\n  kind: api\n  provider: aws\n  region: us-east-1\n"
            "  depends_on:\n  - db\n"
            "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
            "  user_facing: true\n  depends_on:\n  - api\n"
        },
    ),
    "included files, one the scan declines": (
        True,
        {
            "main.yaml": HEADER + "include:\n- parts/data.yaml\n- parts/groups.yaml\n"
            "components:\n"
            "- id: web\n  kind: app\n  provider: aws\n  region: us-east-1\n"
            "  user_facing: true\n  depends_on:\n  - api\n  - dbs\n"
            "- id: api\n  kind: api\n  provider: aws\n  region: us-east-1\n",
            "parts/data.yaml": "version: 1\ncomponents:\n"
            "- {id: db-1, kind: database, provider: aws, region: us-east-1}\n"
            "- id: db-2\n  kind: database\n  provider: aws\n  region: us-west-2\n",
            "parts/groups.yaml": "version: 1\nredundancy_groups:\n"
            "- id: dbs\n  members:\n  - db-1\n  - db-2\n",
        },
    ),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root / "main.yaml"


def positions(scanned: ScannedIds, file: str) -> list[Location]:
    """Every scanned item's ``id`` position."""
    lines = scanned.lines(range(len(scanned.ids)))
    return [Location(file, line, scanned.column) for line in lines]


def parsed_positions(file: str) -> dict[str, Location]:
    """Each component's ``id`` position by the located parse of the whole file."""
    doc = parse_yaml(Path(file).read_bytes(), file)
    items = doc.data.get("components") or []
    return {item["id"]: doc.locate(("components", i, "id")) for i, item in enumerate(items)}


@pytest.mark.parametrize("case", CASES)
def test_scanned_positions_are_the_located_parse(tmp_path, monkeypatch, case):
    scans, files = CASES[case]
    main = write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    graph = load_graph("main.yaml")
    order = tuple(graph.components)
    assert (scan_component_ids(decode(main.read_bytes(), "main.yaml")) is not None) is scans
    for wanted in (set(order), set(order[::2])):
        by_scan = component_locations(graph.files, wanted, order)
        by_parse = component_locations(graph.files, wanted)
        assert list(by_scan.items()) == list(by_parse.items())
        assert len(by_scan) == len(wanted)
    every = {cid: loc for file in graph.files for cid, loc in parsed_positions(file).items()}
    assert component_locations(graph.files, set(order), order) == every


@pytest.mark.parametrize("case", ["block", "CRLF, BOM and text beyond ASCII", "flow items"])
def test_the_cli_names_where_each_violating_component_is_written(tmp_path, case):
    main = write(tmp_path, CASES[case][1])
    run = blast("check", main, "--max-spofs", "0", "--format", "json", code=1)
    where = parsed_positions(str(main))
    violations = json.loads(run.stdout)["rules"][0]["violations"]
    assert {v["component"] for v in violations} == {"db", "api"}
    for v in violations:
        assert v["location"] == str(where[v["component"]])


def test_a_file_changed_since_the_graph_was_loaded_is_parsed_again(tmp_path):
    main = write(tmp_path, CASES["block"][1])
    graph = load_graph(main)
    order = tuple(graph.components)
    text = main.read_text().replace("- id: api", "- id: app").replace("  - api", "  - app")
    main.write_text(text)  # the ids no longer match the graph's: the scan's answer is refused
    by_scan = component_locations(graph.files, set(order), order)
    assert by_scan == component_locations(graph.files, set(order))
    assert "api" not in by_scan and by_scan["web"] == Location(str(main), 14, 3)


def test_duplicate_ids_across_files_stay_a_located_error(tmp_path):
    files = dict(CASES["included files, one the scan declines"][1])
    files["parts/data.yaml"] += "- id: api\n  kind: api\n  provider: aws\n  region: us-east-1\n"
    main = write(tmp_path, files)
    run = blast("check", main, "--max-spofs", "0", code=2)
    assert "api" in run.stderr and "data.yaml:" in run.stderr


def test_scan_equals_the_located_parse_on_every_yaml_file_of_the_repository():
    listed = subprocess.run(
        ["git", "ls-files", "*.yaml", "*.yml"], capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    answered = 0
    for name in listed:
        path = ROOT / name
        if not path.is_file():
            continue  # a symbolic link loop among the invalid files
        raw = path.read_bytes()
        try:
            doc = parse_yaml(raw, name)
        except GraphFileError:
            continue
        items = doc.data.get("components") if isinstance(doc.data, dict) else None
        items = items if isinstance(items, list) else []
        scanned = scan_component_ids(decode(raw, name))
        if scanned is None:
            continue
        ids = [item.get("id") if isinstance(item, dict) else None for item in items]
        if scanned.ids != ids:
            continue  # the caller's check refuses it
        located = [doc.locate(("components", i, "id")) for i in range(len(items))]
        assert positions(scanned, name) == located, name
        answered += bool(scanned.ids)
    assert answered >= 5


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
def test_generated_graphs_are_scanned_and_located_alike(tmp_path, shape):
    out = tmp_path / f"{shape}.yaml"
    make = ["-m", "bench.make_graph", "--shape", shape, "--n", "400", "-o", str(out)]
    subprocess.run([sys.executable, *make], check=True, cwd=ROOT, timeout=120)
    scanned = scan_component_ids(out.read_text())
    assert scanned is not None
    graph = load_graph(out)
    assert scanned.ids == list(graph.components)
    where = parsed_positions(str(out))
    assert positions(scanned, str(out)) == list(where.values())


@pytest.mark.parametrize(
    "written", ["yes", "No", "on", "null", "0x1F", "1_000", "12:30", "2025-01-01"]
)
def test_an_id_yaml_reads_as_no_text_is_left_to_the_parse(written):
    text = HEADER + f"components:\n- id: web\n  kind: app\n- id: {written}\n  kind: api\n"
    assert scan_component_ids(text) is None
    assert scan_component_ids(text.replace(written, "web-2")) is not None


def test_both_layouts_are_scanned_where_the_parse_puts_them(tmp_path):
    first = HEADER + "components:\n- id: a\n  kind: app\n- id: b\n  kind: api\n"
    later = HEADER + "components:\n- id: a\n  kind: app\n- kind: api\n  name: B\n  id: b\n"
    twice = HEADER + "components:\n- id: a\n  kind: app\n  id: c\n- id: b\n"
    for text, lines in ((first, [4, 6]), (later, [4, 8])):
        scanned = scan_component_ids(text)
        assert scanned is not None and scanned.ids == ["a", "b"]
        assert scanned.lines([0, 1]) == lines and scanned.column == 3
    assert scan_component_ids(twice) is None  # two ``id`` keys: YAML refuses it, so does the scan


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_items_indented_by_any_width_are_scanned(tmp_path, indent):
    pad = " " * indent
    text = (
        HEADER
        + "components:\n"
        + "".join(
            f"{pad}- id: {cid}\n{pad}  kind: app\n{pad}  provider: aws\n{pad}  region: us-east-1\n"
            for cid in ("a", "b")
        )
    )
    main = tmp_path / "main.yaml"
    main.write_text(text + "redundancy_groups:\n- id: g\n  members:\n  - a\n  - b\n")
    scanned = scan_component_ids(main.read_text())
    assert scanned is not None and scanned.ids == ["a", "b"]
    assert positions(scanned, str(main)) == list(parsed_positions(str(main)).values())
    stray = text.replace(f"{pad}  kind: app\n", f"{pad[1:]}kind: app\n", 1)  # left of the dash
    found = scan_component_ids(stray)
    if indent > 1:
        assert found is None
    else:  # at column 0 it ends the block: one item, which the graph's ids refuse
        assert found is not None and found.ids == ["a"]


LINES = [
    "components:", "components:  # c", "redundancy_groups:", "version: 1", "- id: a", "- id: b",
    "  id: c", "- kind: app", "  kind: app", "  - id: d", "    id: e", " - id: f", "   kind: x",
    "  notes: |", "    - id: g", "  id: h", '  notes: "x', '- id: i"', "- {id: j}",
    "  depends_on: [a,", "  b]", "#- id: k", "  # 'q", "", "   ", "- &x", "- *x", "  <<: *x",
    "---", "- id: yes", "- id: 12", "-", "  - b", "\t- id: m", "- id: n # c", "id: o",
    "  name: a", "    more", "- id:", "    p", "- |", "  id: q", "  notes: >1", "   id: r",
    "- id: s\r", "- id: t\x85", "  name: é☕",
]  # fmt: skip
"""Lines of block YAML, valid and not, that a scan could misread."""

texts = st.tuples(
    st.lists(st.sampled_from(LINES), max_size=14),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
).map(lambda t: ("\ufeff" if t[2] else "") + t[1].join(t[0]) + t[1])


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_a_scan_never_crashes_and_never_misplaces_an_id(text):
    scanned = scan_component_ids(text)  # never raises, whatever the text
    try:
        doc = parse_yaml(text.encode("utf-8"), "g.yaml")
    except GraphFileError:
        return
    if scanned is None:
        return
    items = doc.data.get("components") if isinstance(doc.data, dict) else None
    items = items if isinstance(items, list) else []
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    if scanned.ids != ids:
        return  # the engine's check against the graph's ids refuses it
    located = [doc.locate(("components", i, "id")) for i in range(len(items))]
    assert positions(scanned, "g.yaml") == located
