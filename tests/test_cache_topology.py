"""The topology built from a cache entry's flat edge arrays, and the scan of a lazily read
graph's stored models: both checked against a brute-force reference on shipped graphs and
on seeded random graphs (the fast paths must give the same lists, in the same order)."""

from __future__ import annotations

import base64
import dataclasses
import random
from array import array
from pathlib import Path

import orjson
import pytest

from blast.loading import cachepayload
from blast.loading.cachepayload import decode, encode
from blast.loading.loader import load_graph
from blast.model import compact
from blast.model.compact import Columns
from blast.model.enums import Kind, Scope
from blast.model.graph import Graph, Topology
from blast.model.lazymodels import LazyModels
from blast.model.shapes import generate

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    "graphs/aws-us-east-1-2025-10-20.yaml",
    "tests/data/valid/stack/main.yaml",
    *sorted(f"graphs/examples/{p.name}" for p in (ROOT / "graphs/examples").glob("*.yaml")),
]
SHAPES = [("service", 700, 1), ("trace", 900, 2), ("hubs", 600, 3), ("hubs", 3000, 4)]


def _fresh(case: str | tuple[str, int, int]) -> Graph:
    if isinstance(case, str):
        return load_graph(ROOT / case)
    shape, n, seed = case
    return generate(shape, n, seed=seed)


@pytest.mark.parametrize("case", [*FILES, *SHAPES], ids=str)
@pytest.mark.parametrize("numpy_from", [0, 10**12], ids=["numpy", "python"])
def test_the_topology_of_a_cache_entry_equals_the_walk_of_the_models(case, numpy_from, monkeypatch):
    """Whether the hard edges' offsets come from numpy or from pure Python, a graph read
    back from its entry has, field by field, the topology the walk of the models builds."""
    fresh = _fresh(case)
    monkeypatch.setattr(compact, "NUMPY_FROM", numpy_from)
    back = decode(encode(fresh), [])
    walked = Topology.of(fresh)
    for field in dataclasses.fields(Topology):
        got, want = getattr(back.topology, field.name), getattr(walked, field.name)
        assert got == want, field.name
        assert type(got) is type(want), field.name
    for row in (*back.topology.targets, *back.topology.hard_targets):
        assert type(row) is tuple
    assert all(type(row) is tuple for row in back.topology.dependents)


@pytest.mark.parametrize("seed", range(40))
def test_hard_starts_by_numpy_equal_the_pure_python_sums(seed):
    rng = random.Random(seed)
    edges = rng.randrange(0, 300)
    mask = bytes(rng.choice((0, 1)) if rng.random() < 0.9 else 1 for _ in range(edges))
    start = sorted([0, edges, *(rng.randrange(0, edges + 1) for _ in range(rng.randrange(9)))])
    reference = [sum(mask[:s]) for s in start]
    assert compact.hard_starts(mask, start) == reference
    assert compact.hard_starts_numpy(mask, start) == reference
    assert {type(v) for v in compact.hard_starts_numpy(mask, start)} <= {int}


NEEDLES = [b'"plane"', b'"tags"', b'"id"', b'"depends_on"', b'"max_retries"', b"a", b"", b'"}']


@pytest.mark.parametrize("case", [*FILES, *SHAPES], ids=str)
def test_mentioning_finds_the_models_whose_stored_json_holds_the_text(case):
    back = decode(encode(_fresh(case)), [])
    for models in (back.components, back.groups):
        assert isinstance(models, LazyModels)
        for needle in NEEDLES:
            want = {key for key in models if needle in models.stored(key)}
            assert models.mentioning(needle) == want, needle
            assert models.mentioning(needle) is models.mentioning(needle)  # kept
    assert back.components.built == 0  # nothing validated to know it


@pytest.mark.parametrize("seed", range(60))
def test_mentioning_on_random_arrays_never_matches_across_two_models(seed):
    """Texts that would match across a model's end (its closing brace, the comma, the next
    one's start) belong to neither model; a brute-force check on random short models."""
    rng = random.Random(seed)
    alphabet = b'ab,"}{'
    texts = [bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 6))) for _ in range(9)]
    ids = tuple(f"m{i}" for i in range(len(texts)))
    offsets, at = [1], 1
    for text in texts:
        at += len(text) + 1
        offsets.append(at)
    # the array inside other bytes (as in a cache entry), which must never match
    around = [bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 5))) for _ in "ab"]
    blob = around[0] + b"[" + b",".join(texts) + b"]" + around[1]
    models = LazyModels(ids, blob, array("q", offsets), print, print, origin=len(around[0]))
    assert [models.stored(key) for key in ids] == texts
    for _ in range(20):
        needle = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 4)))
        want = {key for key, text in zip(ids, texts, strict=True) if needle in text}
        assert models.mentioning(needle) == want, (texts, needle)


def _damaged(edges: compact.Edges, rng: random.Random) -> compact.Edges:
    """``edges`` with one value of one array changed (or one array cut short)."""
    name = rng.choice(["start", "target", "kind", "in_start", "source", "in_kind", "min_up"])
    values = list(getattr(edges, name))
    if name != "min_up" and values and rng.random() < 0.15:
        values.pop(rng.randrange(len(values)))
    elif values:
        at = rng.randrange(len(values))
        wide = [] if name in ("kind", "in_kind") else [values[at] + 1, len(edges.start)]
        values[at] = rng.choice([-1, 0, 1, 2, 3, 4, 9, *wide])  # each fits its array's type
    if name == "min_up":
        return dataclasses.replace(edges, min_up=tuple(values[:-1]))
    return dataclasses.replace(edges, **{name: values})


@pytest.mark.parametrize("numpy", [False, True])
@pytest.mark.parametrize("seed", range(200))
def test_the_array_check_of_an_entry_refuses_what_edges_check_refuses(seed, numpy):
    """cachepayload.check_arrays (on the entry's arrays, with numpy or the builtins) and
    Edges.check (lists) agree on damaged edge arrays of random graphs: both accept, or both
    refuse with one message."""
    rng = random.Random(seed)
    shape = rng.choice(["service", "trace", "hubs"])
    graph = generate(shape, rng.randrange(30, 200), seed=seed)
    n_components, n_groups = len(graph.components), len(graph.groups)
    edges = graph.edge_arrays if seed % 10 == 0 else _damaged(graph.edge_arrays, rng)
    arrays = {
        name: array(code, getattr(edges, name))
        for name, code in cachepayload._ARRAYS.items()
        if name not in ("component_at", "group_at")
    }
    try:
        edges.check(n_components, n_groups)
        by_lists = None
    except ValueError as exc:
        by_lists = str(exc)
    try:
        cachepayload.check_arrays(arrays, n_components, n_groups, len(edges.min_up), numpy=numpy)
        by_numpy = None
    except ValueError as exc:
        by_numpy = str(exc)
    assert by_numpy == by_lists
    if seed % 10 == 0:
        assert by_lists is None


def _random_columns(rng: random.Random, n: int, distinct: int) -> Columns:
    ids = tuple(f"c{i}" for i in range(n))
    pick = [rng.randrange(distinct) for _ in range(n)]
    return Columns(
        ids=ids,
        names=tuple(f"name {p}" if p % 3 else "" for p in pick),
        kinds=tuple(rng.choice(list(Kind)) for _ in range(n)),
        regions=tuple(f"region-{p % 7}" for p in pick),
        scopes=tuple(rng.choice(list(Scope)) for _ in range(n)),
        providers=tuple(f"p{rng.randrange(distinct)}" for _ in range(n)),
        user_facing=tuple(rng.random() < 0.1 for _ in range(n)),
        tags=tuple(tuple(f"t{j}" for j in range(p % 4)) for p in pick),
    )


@pytest.mark.parametrize(
    ("n", "distinct"), [(0, 1), (1, 1), (7, 2), (50, 40), (400, 3), (2000, 700), (300, 300)]
)
def test_columns_come_back_equal_factored_or_not(n, distinct):
    """Few distinct values are written as a table and packed codes (bytes, or 16-bit codes
    past 256 values), many as plain lists: the same columns come back either way."""
    columns = _random_columns(random.Random(n * 31 + distinct), n, distinct)
    data = columns.as_data()
    assert Columns.from_data(columns.ids, orjson.loads(orjson.dumps(data))) == columns
    if n >= 400:
        assert data["kinds"]["type"] == "B"
        assert isinstance(data["names"], dict) == (distinct < n / 2)
    if distinct == 700:
        assert data["providers"]["type"] == "H"


def _codes(indices: list[int]) -> str:
    return base64.b64encode(bytes(indices)).decode()


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["kinds"].update(values=["app", "nonsense"]),
        lambda d: d["kinds"].update(codes="AAE="),  # codes 0, 1: one too few
        lambda d: d["regions"].update(values=["a", 3]),
        lambda d: d["regions"].update(codes="!!"),
        lambda d: d["regions"].update(type="q"),
        lambda d: d["tags"].update(values=[[1]]),
        lambda d: d["user_facing"].update(values=[0, 1]),
        lambda d: d["scopes"].update(codes=_codes([9] * 40)),  # outside the table
        lambda d: d.pop("names"),
    ],
)
def test_damaged_columns_are_refused(damage):
    columns = _random_columns(random.Random(5), 40, 2)
    data = orjson.loads(orjson.dumps(columns.as_data()))
    assert Columns.from_data(columns.ids, data) == columns
    data["names"] = {"values": ["x"], "codes": _codes([0] * 40), "type": "B"}
    assert Columns.from_data(columns.ids, data).names == ("x",) * 40
    damage(data)
    with pytest.raises(ValueError):
        Columns.from_data(columns.ids, data)
