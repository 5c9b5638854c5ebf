"""The topology built from a cache entry's flat edge arrays, and the scan of a lazily read
graph's stored models: both checked against a brute-force reference on shipped graphs and
on seeded random graphs (the fast paths must give the same lists, in the same order)."""

from __future__ import annotations

import dataclasses
import random
from array import array
from pathlib import Path

import pytest

from blast.loading.cachepayload import decode, encode
from blast.loading.loader import load_graph
from blast.model import compact
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
    blob = b"[" + b",".join(texts) + b"]"
    models = LazyModels(ids, blob, array("q", offsets), print, print)
    for _ in range(20):
        needle = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 4)))
        want = {key for key, text in zip(ids, texts, strict=True) if needle in text}
        assert models.mentioning(needle) == want, (texts, needle)
