"""Simulation parameters vouched for: each distinct set written validated once, by pydantic.

A graph for the time engine gives most components and dependencies a few parameters
(``timeout: 30.0``, ``detection_delay: 60.0``, a ``timing`` with a recovery time), and
big graphs repeat a few sets of them: the bench's generated graph writes 500,000
dependency sets at 100,000 components, 63 of them distinct (and 24,000 components' own,
634 distinct). Sending every such
component to pydantic cost a cold ``blast simulate`` at 100,000 components about 4 s
(a model per component and dependency, then the compact form written back from them:
docs/benchmarks.md). Here the plain fields go through :func:`blast.loading.vouch.vouch`
as before and the parameters set by set: a set is keyed by its ``repr`` as parsed, and
the first time a key is met the set is validated by the very pydantic
models the loader uses (:class:`~blast.model.spec.Component` or
:class:`~blast.model.spec.Dependency`, with a placeholder id and kind: no validator of
theirs reads a parameter together with another field), which give its key in the
compact form (:func:`blast.model.simparams.set_key`), or None when it does not validate.

The memo is exact: a set is keyed by its ``repr`` (a dependency's by its names in the
order written and the ``repr`` of its values), which writes ``1``, ``1.0``,
``True`` and ``'1'`` differently, and ``None``, ``inf`` and ``nan`` too, so equal keys
are equal values of equal types (the parsed data holds dicts, lists, text, numbers,
booleans and None only). ``repr`` costs a set a quarter of what orjson's JSON does
(keys in the order written: a file writing them in several orders only meets more
sets). Declined (pydantic then validates the whole component, whose errors are the
ones users see): a set that does not validate, and ``attrition``, whose
``restore_via`` the component checks against its other dependencies
(:meth:`Component._whole <blast.model.spec.Component>`).
"""

from __future__ import annotations

from typing import Any

from blast.model.simparams import SIMULATION, set_key, simulation_fields

COMPONENT_SETS = SIMULATION["component"]
"""The parameters of a component vouched for here."""
DEPENDENCY_SETS = SIMULATION["dependency"] - {"attrition"}
"""The parameters of a dependency vouched for here (attrition: see the module docstring)."""
MEMO_MAX = 1 << 16
"""Distinct sets remembered, per kind; the memo is emptied when it would grow past it."""

_COMPONENTS: dict[str, bytes | None] = {}
_DEPENDENCIES: dict[tuple[tuple[str, ...], str], bytes | None] = {}
_UNSEEN = b"?"  # no set_key is this: every key is JSON of a mapping or NOT_FINITE


def component_key(written: dict[str, Any]) -> bytes | None:
    """The compact key of a component's parameters ``written`` (some of
    :data:`COMPONENT_SETS`, as parsed), or None when pydantic would not surely accept them."""
    raw = repr(written)
    key = _COMPONENTS.get(raw, _UNSEEN)
    if key is _UNSEEN:
        key = _remember(_COMPONENTS, raw, _component(written))
    return key


def dependency_key(names: tuple[str, ...], values: tuple[Any, ...]) -> bytes | None:
    """The compact key of a dependency's parameters (``names``, some of
    :data:`DEPENDENCY_SETS`, in the order written, and their ``values`` as parsed), or None
    when pydantic would not surely accept them."""
    raw = (names, repr(values))
    key = _DEPENDENCIES.get(raw, _UNSEEN)
    if key is _UNSEEN:
        key = _remember(_DEPENDENCIES, raw, _dependency(dict(zip(names, values, strict=True))))
    return key


def _remember(memo: dict[Any, bytes | None], raw: object, key: bytes | None) -> bytes | None:
    if len(memo) >= MEMO_MAX:
        memo.clear()
    memo[raw] = key
    return key


def _component(written: dict[str, Any]) -> bytes | None:
    from pydantic import ValidationError

    from blast.model.spec import Component

    try:
        model = Component.model_validate({**written, "id": "x", "kind": "app"})
    except ValidationError:
        return None
    include = dict.fromkeys(simulation_fields()[0], True)
    return set_key(
        model.__pydantic_serializer__.to_python(model, include=include, exclude_defaults=True)
    )


def _dependency(written: dict[str, Any]) -> bytes | None:
    from pydantic import ValidationError

    from blast.model.spec import Dependency

    try:
        model = Dependency.model_validate({**written, "target": "x"})
    except ValidationError:
        return None
    include = set(simulation_fields()[1])
    return set_key(
        model.__pydantic_serializer__.to_python(model, include=include, exclude_defaults=True)
    )
