"""The fast pass (components vouched for without pydantic, :mod:`blast.loading.vouch`, and
the checks across files on their rows, :mod:`blast.loading.fastgraph`) must give the very
graph the usual passes give, and never a graph where they find a problem.

Compared on every shipped graph, on generated graphs of each shape, on every invalid
fixture, and on random items and random small graphs full of mistakes (hypothesis)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from blast.loading import loader, yamlsource
from blast.loading.vouch import row_of, vouch, vouch_group, vouch_header
from blast.loading.vouchbulk import vouch_all
from blast.model.shapes import generate
from blast.model.spec import Component, GraphDocument, RedundancyGroup
from blast.model.synthetic import to_yaml
from tests.test_invalid_files import fixture_env

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(
    str(p.relative_to(ROOT))
    for pattern in ("graphs/*.yaml", "graphs/catalog/*.yaml", "graphs/examples/*.yaml")
    for p in ROOT.glob(pattern)
)
INVALID = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests/data/invalid").glob("*.yaml"))


def _both(paths, monkeypatch):
    """``check_files`` with the fast pass, then without it."""
    fast = loader.check_files(paths)
    monkeypatch.setattr(loader, "FAST_PASS", False)
    usual = loader.check_files(paths)
    monkeypatch.setattr(loader, "FAST_PASS", True)
    return fast, usual


def _same_graph(fast, usual) -> None:
    assert fast.problems == usual.problems == []
    a, b = fast.graph, usual.graph
    assert (a.name, a.files, dict(a.references)) == (b.name, b.files, dict(b.references))
    assert list(a.components) == list(b.components) and list(a.groups) == list(b.groups)
    for x, y in zip(a.components.values(), b.components.values(), strict=True):
        assert x == y and x.model_fields_set == y.model_fields_set
        for d, e in zip(x.depends_on, y.depends_on, strict=True):
            assert d.model_fields_set == e.model_fields_set
    assert dict(a.groups) == dict(b.groups)
    assert a.columns == b.columns
    assert a.edge_arrays.__dict__ == b.edge_arrays.__dict__
    assert a.topology.__dict__ == b.topology.__dict__
    assert a.user_facing == b.user_facing and a.regions == b.regions
    assert list(a.edges()) == list(b.edges())


@pytest.mark.parametrize("fast_parse_from", [0, yamlsource.FAST_PARSE_MIN_BYTES])
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_graphs_are_the_same_either_way(name, fast_parse_from, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", fast_parse_from)
    _same_graph(*_both(name, monkeypatch))


@pytest.mark.parametrize(("shape", "n"), [("service", 3000), ("trace", 2500), ("hubs", 2000)])
def test_generated_graphs_are_the_same_either_way(shape, n, tmp_path, monkeypatch):
    path = tmp_path / f"{shape}.yaml"
    path.write_text(to_yaml(generate(shape, n, seed=3)), encoding="utf-8")
    fast, usual = _both(path, monkeypatch)
    assert fast.graph is not None and fast.graph.compact is not None  # the fast pass made it
    assert fast.graph.components.built == 0  # and built no model
    _same_graph(fast, usual)
    assert fast.written == usual.written  # the cache entry stores the same bytes


@pytest.mark.parametrize("name", INVALID)
def test_invalid_fixtures_report_the_same_either_way(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 0)
    for key, value in fixture_env(Path(name).name).items():  # e.g. a smaller size limit
        monkeypatch.setenv(key, value)
    fast, usual = _both(name, monkeypatch)
    assert fast.graph is None and usual.graph is None
    assert fast.problems == usual.problems


# --- random component items: vouch only for what pydantic accepts, with its values ---

_DEPENDENCIES = st.sampled_from(
    [
        "a",
        "b-1",
        "zz",
        "bad id",
        3,
        None,
        ["a"],
        {"target": "a"},
        {"target": "b-1", "type": "soft"},
        {"target": "a", "type": "async", "purpose": "p", "notes": "n", "assumed": True},
        {"target": "a", "type": "nope"},
        {"target": "a", "type": None},
        {"target": "a", "type": ["hard"]},
        {"target": 1},
        {"type": "soft"},
        {"target": "a", "sources": ["post"]},
        {"target": "a", "sources": "post"},
        {"target": "a", "sources": None},
        {"target": "a", "assumed": "yes"},
        {"target": "a", "purpose": None},
        {"target": "a", "timeout": "5s"},
        {"target": "a", "colour": 1},
    ]
)
_FIELDS = {
    "id": st.sampled_from(["a", "b-1", "x.y:z/w_v", "bad id", "", "x\n", "-x", 3, None]),
    "name": st.sampled_from(["", "N", 5, None]),
    "kind": st.sampled_from(["dns", "app", "load-balancer", "nope", "DNS", None, ["dns"], 1]),
    "provider": st.sampled_from(["aws", "AWS", "gcp", "azure", "acme", "", 1, None]),
    "region": st.sampled_from(
        ["us-east-1", "global", "europe-west1", "westeurope", "Bad Region", "us-east-1\n", "", 2]
    ),
    "scope": st.sampled_from(["zonal", "regional", "global", "planet", None, ["zonal"]]),
    "az": st.sampled_from(["us-east-1a", "use1-az1", "us-west-2a", "", None, 7]),
    "plane": st.sampled_from(["control", "data", "x", None, {}]),
    "user_facing": st.sampled_from([True, False, "yes", 1, None]),
    "assumed": st.sampled_from([True, False, 0, None]),
    "tags": st.sampled_from([[], ["a"], ["a", 1], "a", None, [None]]),
    "notes": st.sampled_from(["", "n", 1, None]),
    "sources": st.sampled_from([[], ["post"], ["https://x"], [1], "post", None]),
    "depends_on": st.one_of(st.lists(_DEPENDENCIES, max_size=4), st.sampled_from(["a", None])),
    "timing": st.just({"recovery_time": "5m"}),
    "colour": st.just("red"),
}
_ITEMS = st.one_of(
    st.fixed_dictionaries(
        {"id": _FIELDS["id"], "kind": _FIELDS["kind"]},
        optional={k: v for k, v in _FIELDS.items() if k not in ("id", "kind")},
    ),
    st.sampled_from([None, "a", ["a"], {}, {"id": "a"}, {"kind": "dns"}]),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ITEMS)
def test_vouch_only_for_what_pydantic_accepts(item):
    row = vouch(item)
    if row is None:
        return
    model = Component.model_validate(item)  # raises (fails the test) if it should not vouch
    assert row == row_of(model)


@settings(max_examples=600, deadline=None)
@given(st.lists(_ITEMS, max_size=6))
def test_vouch_all_is_vouch_for_each(items):
    every = vouch_all(items)
    if every is not None:
        assert every == list(map(vouch, items))
        assert None not in every


def test_vouch_declines_what_pydantic_refuses():
    refused = [
        {"id": "a", "kind": "dns", "scope": "zonal"},  # no az
        {"id": "a", "kind": "dns", "scope": "regional"},  # no region
        {"id": "a", "kind": "dns", "region": "us-east-1", "az": "us-east-1a"},  # not zonal
        {"id": "a", "kind": "dns", "provider": "aws", "region": "moon-1"},
        {"id": "a\n", "kind": "dns"},
    ]
    for item in refused:
        assert vouch(item) is None and vouch_all([item]) is None
        with pytest.raises(ValidationError):
            Component.model_validate(item)


# --- random small graphs with mistakes across items: the same problems, the same graph ---

_IDS = ["a", "b", "c", "g1"]


@st.composite
def _documents(draw):
    components = []
    for _ in range(draw(st.integers(1, 5))):
        item = {"id": draw(st.sampled_from([*_IDS, "d"])), "kind": "app"}
        deps = draw(
            st.lists(
                st.one_of(
                    st.sampled_from([*_IDS, "nowhere"]),
                    st.builds(
                        dict,
                        target=st.sampled_from(_IDS),
                        type=st.sampled_from(["hard", "soft", "async"]),
                    ),
                    st.builds(dict, target=st.sampled_from(_IDS), sources=st.just(["nokey"])),
                ),
                max_size=3,
            )
        )
        if deps:
            item["depends_on"] = deps
        if draw(st.booleans()):
            item["sources"] = [draw(st.sampled_from(["post", "nokey", "https://x.org"]))]
        if draw(st.integers(0, 9)) == 0:
            item["timing"] = {"recovery_time": "5m"}
        components.append(item)
    doc = {"version": 1, "references": {"post": "https://example.com"}, "components": components}
    if draw(st.booleans()):
        members = draw(st.lists(st.sampled_from([*_IDS, "nowhere"]), min_size=2, max_size=3))
        doc["redundancy_groups"] = [{"id": "g1", "members": members}]
    return doc


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=_documents())
def test_random_graphs_check_the_same_either_way(doc, tmp_path, monkeypatch):
    checked_the_same_either_way(doc, tmp_path, monkeypatch)


def checked_the_same_either_way(doc: dict, tmp_path: Path, monkeypatch) -> tuple:
    """Write ``doc`` as YAML and check it with and without the fast pass: the same
    located problems, or the same graph; returns both results (fast, usual)."""
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 0)
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    fast, usual = _both(path, monkeypatch)
    assert fast.problems == usual.problems
    if usual.graph is None:
        assert fast.graph is None
    else:
        _same_graph(fast, usual)
    return fast, usual


_GROUP_FIELDS = {
    "name": st.sampled_from(["", "G", 1, None]),
    "min_up": st.sampled_from([1, 2, 3, 0, -1, True, 1.0, "2", None]),
    "mode": st.sampled_from(["active-active", "active-passive", "hot", None, ["x"]]),
    "failover_time": st.sampled_from(["30s", "1h30m", 45, 2.5, -1, "soon", True, None, []]),
    "notes": st.sampled_from(["", "n", 2]),
    "sources": st.sampled_from([[], ["post"], [1], "post", None]),
    "colour": st.just(1),
}
_GROUPS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["g1", "g.2", "bad id", "", 5]),
        "members": st.one_of(
            st.lists(st.sampled_from(["a", "b", "c", 1, None]), max_size=4),
            st.sampled_from(["a", None]),
        ),
    },
    optional=_GROUP_FIELDS,
)


@settings(max_examples=1000, deadline=None)
@given(_GROUPS)
def test_vouch_group_only_for_what_pydantic_accepts(item):
    row = vouch_group(item)
    if row is None:
        return
    model = RedundancyGroup.model_validate(item)
    assert row == (model.id, model.name, model.members, model.min_up, list(model.sources))


_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from([1, 2, True, 1.0, "1", None]),
        "name": st.sampled_from(["", "N", 1, None]),
        "description": st.sampled_from(["", "d", 3]),
        "include": st.sampled_from([[], ["a.yaml"], "a.yaml", [1], None]),
        "references": st.sampled_from([{}, {"k": "https://x"}, {"k": 1}, {1: "x"}, [], None]),
        "colour": st.just(1),
    },
)


@settings(max_examples=500, deadline=None)
@given(_HEADERS)
def test_vouch_header_only_for_what_pydantic_accepts(data):
    header = vouch_header(data)
    if header is None:
        return
    model = GraphDocument.model_validate(data)
    assert header == (model.name, model.include, dict(model.references))


def test_a_plain_graph_is_checked_without_importing_pydantic(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(to_yaml(generate("service", 1500, seed=2)), encoding="utf-8")
    script = (
        "import sys\n"
        "from blast.loading.loader import check_files\n"
        f"checked = check_files({str(path)!r})\n"
        "assert checked.graph is not None and not checked.problems\n"
        "print(len(checked.graph.components), 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["1500", "False"]
