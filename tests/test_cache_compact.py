"""The analysis-ready form of a cache entry: a graph read back gives the same topology,
columns and edges as the validated graph, builds no model until one is asked for, and
a damaged payload is refused (never a crash)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from blast.errors import BlastError
from blast.loading import cache
from blast.loading.cachepayload import decode, encode
from blast.loading.loader import load_graph
from blast.model import compact
from blast.model import graph as graph_module
from blast.model.graph import Graph, Topology
from blast.model.lazymodels import LazyModels
from blast.model.shapes import generate

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    "graphs/aws-us-east-1-2025-10-20.yaml",
    "graphs/aws-s3-us-east-1-2017-02-28.yaml",
    "tests/data/valid/stack/main.yaml",
    *sorted(f"graphs/examples/{p.name}" for p in (ROOT / "graphs/examples").glob("*.yaml")),
]
SHAPES = [("service", 700, 1), ("trace", 900, 2), ("hubs", 600, 3)]


def _fresh(case: str | tuple[str, int, int]) -> Graph:
    if isinstance(case, str):
        return load_graph(ROOT / case)
    shape, n, seed = case
    return generate(shape, n, seed=seed)


def _round_trip(graph: Graph) -> Graph:
    return decode(encode(graph), [])


def test_edge_codes_agree_with_the_topology():
    assert (compact._HARD, compact._SOFT, compact._MEMBER, compact._ASYNC) == (
        graph_module.HARD_EDGE,
        graph_module.SOFT_EDGE,
        graph_module.MEMBER_EDGE,
        graph_module.ASYNC_EDGE,
    )


@pytest.mark.parametrize("case", [*FILES, *SHAPES], ids=str)
def test_a_graph_read_back_answers_like_the_validated_one(case):
    fresh = _fresh(case)
    back = _round_trip(fresh)
    assert isinstance(back.components, LazyModels)
    # Every field of the topology, whatever fields it grows: the same lists, same order, as
    # the walk of the models builds them; also on the validated graph itself, whose topology
    # comes from its edge arrays once writing the entry has built them.
    walked = Topology.of(fresh)
    assert "edge_arrays" in fresh.__dict__
    for field in dataclasses.fields(Topology):
        assert getattr(back.topology, field.name) == getattr(walked, field.name), field
        assert getattr(fresh.topology, field.name) == getattr(walked, field.name), field
    assert back.user_facing == fresh.user_facing
    assert back.regions == fresh.regions
    assert list(back.edges()) == list(fresh.edges())
    assert back.columns == fresh.columns
    for cid, c in fresh.components.items():
        brief = back.briefs[cid]
        assert (brief.id, brief.label, brief.kind, brief.region, brief.scope) == (
            c.id,
            c.label,
            c.kind,
            c.region,
            c.scope,
        )
        assert (brief.provider, brief.user_facing, brief.tags) == (
            c.provider,
            c.user_facing,
            c.tags,
        )
        assert back.needs(cid) == fresh.needs(cid)
        assert back.label(cid) == fresh.label(cid)
    assert list(back.briefs.items()) == list(fresh.briefs.items())
    assert list(back.briefs.values()) == [back.briefs[cid] for cid in back.briefs]
    for gid in fresh.groups:
        assert back.label(gid) == fresh.label(gid)
        assert gid not in back.briefs and gid in back
    # ... and all that without building a single model
    assert back.components.built == 0 and back.groups.built == 0
    # now every model, validated from the entry, equals the original
    assert back.components == fresh.components and back.groups == fresh.groups
    assert (back.name, dict(back.references)) == (fresh.name, dict(fresh.references))
    for x, y in zip(fresh.components.values(), back.components.values(), strict=True):
        assert x.model_fields_set == y.model_fields_set


def test_models_are_built_one_at_a_time_and_stay_the_same_objects():
    fresh = _fresh(("service", 300, 4))
    back = _round_trip(fresh)
    first = next(iter(fresh.components))
    one = back.components[first]
    assert one == fresh.components[first] and back.components.built == 1
    assert back.components[first] is one
    everything = list(back.components.values())  # one bulk validation for the rest
    assert everything[0] is one and back.components.built == len(fresh.components)
    assert "nope" not in back.components and first not in back.groups
    # one by one over all of them: a quarter singly, then the rest in one bulk call
    again = _round_trip(fresh)
    assert [again.components[cid] for cid in fresh.components] == everything
    assert again.components.built == len(fresh.components)
    with pytest.raises(KeyError):
        back.components["nope"]
    with pytest.raises(KeyError):
        back.groups[first]


def test_every_truncation_of_a_payload_is_refused_cleanly():
    payload = encode(_fresh("graphs/examples/shop.yaml"))
    for cut in range(0, len(payload), max(1, len(payload) // 400)):
        with pytest.raises(ValueError):
            decode(payload[:cut], [])


def test_flipped_bytes_never_crash():
    fresh = _fresh("graphs/examples/shop.yaml")
    payload = encode(fresh)
    for at in range(0, len(payload), max(1, len(payload) // 300)):
        damaged = bytearray(payload)
        damaged[at] ^= 0x55
        try:
            back = decode(bytes(damaged), [])
            back.topology  # noqa: B018
            list(back.components.values())
            list(back.groups.values())
        except (ValueError, BlastError):
            continue


def test_edges_that_point_outside_the_graph_are_refused():
    edges = _fresh("graphs/examples/shop.yaml").edge_arrays
    n = len(edges.start) - 1
    bad = dataclasses.replace(edges, target=[n + 5, *edges.target[1:]])
    with pytest.raises(ValueError, match="outside"):
        bad.check(n - len(edges.min_up), len(edges.min_up))
    bad = dataclasses.replace(edges, in_kind=[9, *edges.in_kind[1:]])
    with pytest.raises(ValueError, match="kind"):
        bad.check(n - len(edges.min_up), len(edges.min_up))


def test_a_stored_model_that_does_not_validate_is_reported_and_the_entry_removed(tmp_path):
    """An entry whose checksum matches but whose model pydantic refuses (it cannot come from
    Blast's own writer) fails with a message naming the entry, never a wrong answer."""
    source = tmp_path / "g.yaml"
    source.write_bytes((ROOT / "graphs/examples/shop.yaml").read_bytes())
    load_graph(source, cache=True)
    (where,) = cache.cache_dir().glob("*.graph")
    head, _, payload = where.read_bytes().partition(b"\n")
    damaged = payload.replace(b'"kind":"app"', b'"kind":"nonsense"', 1)
    assert damaged != payload
    import json

    header = json.loads(head)
    header["payload"] = cache._digest(damaged)
    where.write_bytes(json.dumps(header).encode() + b"\n" + damaged)
    graph = load_graph(source, cache=True)
    with pytest.raises(BlastError, match=r"\.graph: a cached model does not validate"):
        list(graph.components.values())
    assert not where.exists()
    assert load_graph(source, cache=True) == load_graph(source)


@pytest.mark.parametrize(
    "case", [*SHAPES, ("hubs", 3000, 4), "graphs/aws-us-east-1-2025-10-20.yaml"]
)
def test_numpy_sorts_the_incoming_edges_as_python_does(case, monkeypatch):
    """Big graphs sort their incoming edges with numpy (compact.NUMPY_FROM): the same lists."""
    graph = _fresh(case)
    monkeypatch.setattr(compact, "NUMPY_FROM", 10**12)
    by_python = compact.Edges.of(graph)
    monkeypatch.setattr(compact, "NUMPY_FROM", 0)
    by_numpy = compact.Edges.of(graph)
    assert by_numpy.__dict__ == by_python.__dict__
    for name in ("in_start", "source", "in_kind"):
        assert {type(v) for v in getattr(by_numpy, name)} <= {int}
    assert by_numpy.source and by_numpy.in_start[-1] == len(by_numpy.source)
