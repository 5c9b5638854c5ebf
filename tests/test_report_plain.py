"""``Report.to_dict``'s conversion (:func:`blast.reports.build._plain`, field names found
once per dataclass, plain fields taken without a call) against the conversion it
replaced and :func:`dataclasses.asdict`, on reports of generated and random graphs and on
values with floats, enums, lists and dicts."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from enum import Enum
from typing import Any, NamedTuple, cast

import pytest

from blast.jsonalike import float_alike
from blast.model.shapes import generate
from blast.reports.build import _plain, build_report
from tests.strategies import random_graph

_SCALARS = (str, int, float, bool, type(None))


def plain_before(value: object, odd: list[object]) -> object:
    """The conversion as it was: ``dataclasses.fields`` and a call for every value."""
    kind = type(value)
    if kind in _SCALARS:
        if kind is float and not float_alike(value):  # type: ignore[arg-type]
            odd.append(value)
        return value
    if kind is tuple and set(map(type, cast("tuple[object, ...]", value))) <= {str}:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_before(getattr(value, f.name), odd) for f in fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return cast(Any, type(value))(*[plain_before(v, odd) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(plain_before(v, odd) for v in value)
    if isinstance(value, dict):
        return type(value)((plain_before(k, odd), plain_before(v, odd)) for k, v in value.items())
    odd.append(value)
    return copy.deepcopy(value)


class Colour(Enum):
    RED = "red"


class Pair(NamedTuple):
    left: object
    right: object


@dataclass(frozen=True)
class Inner:
    name: str
    weight: float
    flag: bool
    nothing: None
    colour: Colour


@dataclass(frozen=True)
class Outer:
    inner: Inner
    items: tuple[object, ...]
    listed: list[object]
    mapping: dict[object, object]
    pair: Pair
    count: int


def assert_same(value: object) -> None:
    mine: list[object] = []
    theirs: list[object] = []
    assert _plain(value, mine) == plain_before(value, theirs)
    assert mine == theirs


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
@pytest.mark.parametrize("full", [False, True])
def test_reports_of_generated_shapes(shape, full):
    report = build_report(generate(shape, 400, seed=2), full=full)
    assert_same(report)
    assert report.to_dict() == asdict(report)


@pytest.mark.parametrize("seed", range(6))
def test_reports_of_random_graphs(seed):
    report = build_report(random_graph(seed, 120, 25, 0.05), region=None)
    assert_same(report)
    assert report.to_dict() == asdict(report)


@pytest.mark.parametrize("weight", [0.0, 1e-5, 2.5, float("nan"), float("inf")])
def test_values_of_every_kind(weight):
    inner = Inner("a", weight, True, None, Colour.RED)
    outer = Outer(
        inner=inner,
        items=("x", inner, 3, (1, "y")),
        listed=[inner, "z", [weight]],
        mapping={"k": inner, 2: (weight,)},
        pair=Pair(inner, weight),
        count=7,
    )
    assert_same(outer)
    assert_same(replace(outer, items=(), listed=[], mapping={}))
