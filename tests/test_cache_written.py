"""A cold run stores each item's parsed data, as the file wrote it, in the cache entry
(:attr:`blast.loading.loader.Checked.written`): read back, it must validate into the
very models the loader built, with the same fields set, on every shipped graph and on
generated ones, and a file the fast parse declines stores pydantic's own JSON instead."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from blast.loading import yamlsource
from blast.loading.cachepayload import decode, encode
from blast.loading.loader import check_files
from blast.model.shapes import generate
from blast.model.synthetic import to_yaml

ROOT = Path(__file__).resolve().parent.parent
WHOLE_GRAPHS = ("graphs/*.yaml", "graphs/catalog/*.yaml", "graphs/examples/*.yaml")
"""Where the shipped whole graphs are: each validates on its own."""
CATALOG_ENTRIES = "blast/catalogs/aws/*.yaml"
"""The catalog's region entry files and index: whole graphs made of the fragments below."""
FRAGMENTS = ("blast/catalogs/aws/parts/*.yaml", "blast/catalogs/aws/regions/*.yaml")
"""Catalog fragments: each names ids that other fragments define, so none is a graph alone."""


def _glob(*patterns: str) -> list[str]:
    found = []
    for pattern in patterns:
        matched = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern))
        assert matched, f"{pattern} matches no file"  # a pattern gone stale fails, never skips
        found += matched
    return found


FILES = _glob(*WHOLE_GRAPHS, CATALOG_ENTRIES)


def _same_models(checked) -> None:
    graph = checked.graph
    assert graph is not None
    back = decode(encode(graph, checked.written), [])
    assert list(back.components) == list(graph.components)
    assert list(back.groups) == list(graph.groups)
    for fresh, stored in (
        (graph.components, back.components),
        (graph.groups, back.groups),
    ):
        for x, y in zip(fresh.values(), stored.values(), strict=True):
            assert x == y
            assert x.model_fields_set == y.model_fields_set
            deps = getattr(x, "depends_on", ())
            for a, b in zip(deps, y.depends_on if deps else (), strict=True):
                assert a.model_fields_set == b.model_fields_set
    assert back.columns == graph.columns
    assert back.edge_arrays.__dict__ == graph.edge_arrays.__dict__


@pytest.mark.parametrize("name", FILES)
def test_shipped_graphs_store_what_validates_the_same(name, monkeypatch):
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 0)  # every file takes the fast path
    checked = check_files(ROOT / name)
    assert checked.problems == []  # a whole graph: never skipped
    _same_models(checked)  # the parsed data when the fast parse read every file, else pydantic's


def test_catalog_fragments_are_stored_as_parts_of_the_graphs_that_include_them(monkeypatch):
    """A fragment alone is no graph (it names ids other fragments define) and stores
    nothing; its items are stored, and round-trip, as part of a catalog entry (above)."""
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 0)
    fragments = _glob(*FRAGMENTS)
    included: set[Path] = set()
    for name in _glob(CATALOG_ENTRIES):
        checked = check_files(ROOT / name)
        assert checked.graph is not None
        included.update(checked.sources)
    for name in fragments:
        assert (ROOT / name).resolve() in included, f"{name} is in no catalog entry"
        checked = check_files(ROOT / name)
        assert checked.graph is None and checked.written is None
        assert checked.problems
        assert all("unknown component" in p.message for p in checked.problems), name


RICH = """\
version: 1
name: every field
references:
  post: https://example.com/post-mortem
components:
  - id: dns
    name: The DNS
    kind: dns
    provider: aws
    region: us-east-1
    scope: global
    plane: control
    assumed: true
    tags: [core, "layer-zero"]
    notes: "a note, with: punctuation"
    sources: [post, "https://example.com/a"]
    facts:
      - {fact: It is anchored in us-east-1., confidence: stated, sources: [post]}
    timing: {recovery_time: "1h30m", lease_timeout: 300, throttle_rate: 2.5,
             capacity_units: 40, recovery_rate: 12.5, restart_required: true}
    queue: {arrival_rate: 100, drain_rate: 250.5, capacity: 10000, timeout: "30s",
            retry_attempts: 3, retry_backoff: 0.5}
    health_check: {interval: "10s", unhealthy_threshold: 2, healthy_threshold: 5,
                   failover: true, not_ready_time: "2m"}
  - id: db-a
    kind: database
    provider: aws
    region: us-east-1
    scope: zonal
    az: us-east-1a
    depends_on: [dns]
  - id: db-b
    kind: database
    provider: aws
    region: us-west-2
    depends_on:
      - target: dns
        type: soft
        purpose: lookups
        assumed: true
        sources: [post]
        notes: cached
        timeout: "2s"
        retry: {attempts: 4, backoff: "1s", jitter: 0.25}
        cache_ttl: 60
        lease_timeout: "5m"
        detection_delay: 30
        negative_cache_ttl: "15m"
        serve_stale: true
        plane: data
        lease_work: 120
        on_wrong_data: degrade
        withdraw: true
        through_failover: false
  - id: fleet
    kind: compute
    region: eu-west-1
    provider: mycompany
    depends_on:
      - target: dns
        attrition: {loss_rate: 0.5, headroom: 0.2, restore_rate: 0.3, restore_via: launcher}
      - launcher
      - target: queue
        type: async
        buffer: {size: 1000, fill_rate: 10, drain_rate: 50.5, when_full: drop, hold: true}
  - id: launcher
    kind: control-plane
    region: eu-west-1
  - id: queue
    kind: queue
    region: eu-west-1
  - id: app
    kind: app
    user_facing: true
    depends_on: [db, fleet]
redundancy_groups:
  - id: db
    name: Either database
    members: [db-a, db-b]
    min_up: 1
    mode: active-passive
    failover_time: "2m"
    notes: manual failover
    sources: [post]
"""


def test_every_field_written_by_the_fast_parse_comes_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 0)
    path = tmp_path / "rich.yaml"
    path.write_text(RICH)
    checked = check_files(path)
    assert checked.problems == []
    assert checked.written is not None  # the fast parse read it: its data is stored
    _same_models(checked)


@pytest.mark.parametrize(("shape", "n"), [("service", 2000), ("trace", 2500), ("hubs", 1500)])
def test_generated_graphs_store_the_written_data(shape, n, tmp_path):
    path = tmp_path / f"{shape}.yaml"
    path.write_text(to_yaml(generate(shape, n, seed=5)), encoding="utf-8")
    checked = check_files(path)
    assert checked.written is not None  # big enough for the fast parse, nothing it declines
    first_chunk, lengths = checked.written[0][0]
    assert orjson.loads(first_chunk[: lengths[0]]) == orjson.loads(
        orjson.dumps(__import__("yaml").safe_load(path.read_text())["components"][0])
    )
    _same_models(checked)


def test_a_file_the_fast_parse_declines_stores_the_models_json(tmp_path):
    lines = ["version: 1", "components:"]
    for i in range(2000):  # big enough for the fast parse, but `yes` is YAML 1.1's true
        lines += [f"  - id: svc-{i:05d}", "    kind: api", "    user_facing: yes"]
    path = tmp_path / "g.yaml"
    path.write_text("\n".join(lines) + "\n")
    checked = check_files(path)
    assert checked.graph is not None and checked.written is not None
    first_chunk, lengths = checked.written[0][0]  # pydantic's JSON of the model, not the data
    assert orjson.loads(first_chunk[: lengths[0]])["user_facing"] is True
    assert all(c.user_facing is True for c in checked.graph.components.values())
    _same_models(checked)


def test_written_data_that_does_not_fit_the_graph_is_not_stored(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(to_yaml(generate("service", 1500, seed=1)), encoding="utf-8")
    checked = check_files(path)
    assert checked.written is not None and checked.graph is not None
    (text, lengths), *rest = checked.written[0]
    short = ([(text, lengths[:-1]), *rest], checked.written[1])
    back = decode(encode(checked.graph, short), [])
    assert back.components == checked.graph.components
