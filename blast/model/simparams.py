"""The simulation parameters of a graph in compact form: what the time engine reads of its
components and dependencies, without a pydantic model per component.

The engine (:mod:`blast.sim`) reads of each component only its simulation parameters
(``timing``, ``queue``, ``health_check``: every field but those the analyses and the
documentation use) and of each dependency only its own (every field but ``target``,
``type``, ``purpose``, ``assumed``, ``notes`` and ``sources``, which the edges and the
checks hold). A graph read from Blast's cache holds its models as JSON validated on
demand (:class:`~blast.model.lazymodels.LazyModels`): validating every component for
the engine was a fifth of a warm ``blast simulate`` at 10,000 components. So the
cache entry (and the loader's fast pass, which validates with pydantic exactly the
components that have such parameters) also keeps them here, as data:

* ``components``: the distinct parameter sets of components, each a mapping of the
  fields set (``timing``, ``queue``, ``health_check``) to what pydantic writes of them
  in JSON mode, the empty set (nothing set) first; ``component_at``: each component's
  set, by position;
* ``dependencies``: the distinct parameter sets of dependencies, each a mapping of the
  fields that differ from their default to their JSON, the empty set first;
  ``dependency_at``: each component edge's set, in the order of
  :class:`~blast.model.compact.Edges` (a component's ``depends_on``, component after
  component).

Big graphs repeat a few sets (a detection delay, a cache TTL): the tables stay small
and the per-item parts are integers. The values come from validated models, and a
reader validates the nested models back with the same pydantic models
(:mod:`blast.sim.params`). The models refuse non-finite numbers (JSON has none); a
model built without validation that holds one keeps no compact form, and the engine
then reads its models.

This module imports pydantic only to list the fields, when given models.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from blast.model.spec import Component

NOT_SIMULATION = {
    "component": frozenset(
        {
            "id",
            "name",
            "kind",
            "provider",
            "region",
            "scope",
            "az",
            "plane",
            "user_facing",
            "assumed",
            "tags",
            "notes",
            "sources",
            "depends_on",
            "facts",
        }
    ),
    "dependency": frozenset({"target", "type", "purpose", "assumed", "notes", "sources"}),
}
"""The fields of a component and of a dependency that are not simulation parameters
(the loader's fast pass vouches for them without pydantic: see :mod:`blast.loading.vouch`)."""

SIMULATION = {
    "component": frozenset({"timing", "queue", "health_check"}),
    "dependency": frozenset(
        {
            "timeout",
            "retry",
            "cache_ttl",
            "lease_timeout",
            "detection_delay",
            "negative_cache_ttl",
            "serve_stale",
            "plane",
            "lease_work",
            "buffer",
            "on_wrong_data",
            "withdraw",
            "through_failover",
            "attrition",
        }
    ),
}
"""The other fields: the simulation parameters (the fast pass validates each distinct set
of them once: :mod:`blast.loading.vouchsim`). A test checks that the two tables split
the models' fields."""

NOT_FINITE = b""
"""The key of a parameter set holding a number that is not finite (see :func:`set_key`)."""


@cache
def simulation_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The simulation parameters of a component and of a dependency, in model order."""
    from blast.model.spec import Component, Dependency

    return (
        tuple(f for f in Component.model_fields if f not in NOT_SIMULATION["component"]),
        tuple(f for f in Dependency.model_fields if f not in NOT_SIMULATION["dependency"]),
    )


class SimParams:
    """The compact form (see the module docstring), parsed from its JSON on first use."""

    def __init__(self, data: bytes | dict[str, Any]) -> None:
        self._raw = data if isinstance(data, bytes) else orjson.dumps(data)

    def to_json(self) -> bytes:
        """What a cache entry stores."""
        return self._raw

    @cached_property
    def data(self) -> dict[str, Any]:
        """The four lists; ValueError when they do not fit together."""
        data = orjson.loads(self._raw)
        try:
            tables = [data["components"], data["dependencies"]]
            at = [data["component_at"], data["dependency_at"]]
            for table, where in zip(tables, at, strict=True):
                if not all(type(item) is dict for item in table) or not table or table[0]:
                    raise ValueError("a parameter table is malformed")
                if not set(map(type, where)) <= {int} or (
                    where and not 0 <= min(where) <= max(where) < len(table)
                ):
                    raise ValueError("a parameter index is out of range")
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed simulation parameters: {exc!r}") from None
        return dict(data)

    @classmethod
    def of_models(
        cls,
        n_components: int,
        edge_start: Sequence[int],
        models: Iterable[tuple[int, Component]],
    ) -> SimParams | None:
        """The compact form of a graph of ``n_components`` components whose edges start at
        ``edge_start`` (:attr:`Edges.start <blast.model.compact.Edges>`), from ``models``
        (position, validated model): every component that may set a simulation parameter
        (the others set none). None when a parameter is not a finite number."""
        keyed: list[tuple[int, bytes, list[bytes]]] = []
        for position, model in models:
            keyed.append((position, *model_keys(model)))
        return cls.of_keys(n_components, edge_start, keyed)

    @classmethod
    def of_keys(
        cls,
        n_components: int,
        edge_start: Sequence[int],
        keyed: Iterable[tuple[int, bytes, Sequence[bytes]]],
    ) -> SimParams | None:
        """The compact form from the :func:`set_key` s of components (position, the
        component's set, its dependencies' sets in order): every component that may set a
        simulation parameter (the others set none). None when a set is :data:`NOT_FINITE`."""
        component_at = [0] * n_components
        dependency_at = [0] * edge_start[n_components]
        components: dict[bytes, int] = {b"{}": 0}
        dependencies: dict[bytes, int] = {b"{}": 0}
        for position, component, deps in keyed:
            component_at[position] = components.setdefault(component, len(components))
            first = edge_start[position]
            for j, dep in enumerate(deps):
                dependency_at[first + j] = dependencies.setdefault(dep, len(dependencies))
        if NOT_FINITE in components or NOT_FINITE in dependencies:
            return None
        return cls(
            {
                "components": list(map(orjson.loads, components)),
                "dependencies": list(map(orjson.loads, dependencies)),
                "component_at": component_at,
                "dependency_at": dependency_at,
            }
        )


@cache
def _include() -> dict[str, Any]:
    """What :func:`model_keys` has pydantic write of a component: its simulation fields."""
    component_fields, dependency_fields = simulation_fields()
    include: dict[str, Any] = dict.fromkeys(component_fields, True)
    include["depends_on"] = {"__all__": set(dependency_fields)}
    return include


def model_keys(model: Component) -> tuple[bytes, list[bytes]]:
    """The :func:`set_key` of a validated component's parameters and of each of its
    dependencies' (what pydantic writes of the fields that differ from their defaults)."""
    data = model.__pydantic_serializer__.to_python(  # python mode: JSON mode writes
        model,
        include=_include(),
        exclude_defaults=True,  # an infinity as null
    )
    deps = data.pop("depends_on", None)
    if deps is None:
        return set_key(data), [b"{}"] * len(model.depends_on)
    return set_key(data), list(map(set_key, deps))


def set_key(data: dict[str, Any]) -> bytes:
    """A parameter set's key in the tables: its JSON (orjson writes an enum as its value, a
    tuple as an array), keys sorted; :data:`NOT_FINITE` when a number is not finite."""
    if not _finite(data):
        return NOT_FINITE
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _finite(data: object) -> bool:
    """Whether every float inside ``data`` (dicts, lists, scalars) is finite."""
    if type(data) is float:
        return math.isfinite(data)
    if type(data) is dict:
        return all(map(_finite, data.values()))
    if type(data) is list or type(data) is tuple:
        return all(map(_finite, data))
    return True
