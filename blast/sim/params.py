"""The graph the engine reads: components as their simulation parameters, from the compact
form of a graph read from the cache or by the loader's fast pass.

The engine reads of a component its ``timing``, ``queue``, ``health_check`` and
``depends_on``, and of each dependency its simulation parameters, never its target,
type or documentation (the edges hold those: :attr:`Graph.edge_arrays
<blast.model.graph.Graph.edge_arrays>`). When a graph carries
:class:`~blast.model.simparams.SimParams`, :func:`engine_graph` gives the engine a
graph whose components are :class:`SimComponent` s built from them: one small object
per component, its dependencies shared :class:`SimDependency` s (one per distinct set
of parameters), the nested parameter models (``Timing``, ``Queue``, ``Retry``...)
validated by pydantic once per distinct set. No component model is validated: at
10,000 components that was a fifth of a warm ``blast simulate`` (docs/benchmarks.md).
Both classes answer only the fields the engine reads (anything else raises
``AttributeError``); ``tests/test_sim_params.py`` runs every shipped scenario both ways
and compares the journals byte for byte.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any, cast

from pydantic import BaseModel

from blast.model.graph import Graph
from blast.model.simparams import SimParams, simulation_fields
from blast.model.spec import Component, Dependency


class SimDependency:
    """A dependency's simulation parameters (the fields of
    :class:`~blast.model.spec.Dependency` but target, type and documentation).

    Every field is in the instance's dictionary, defaults included, as in a pydantic
    model's: the engine's set-up reads dependencies through ``vars`` (``sim/edges.py``).
    There is one per distinct set of parameters, so the copy of the defaults is cheap."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(_dependency_defaults())
        self.__dict__.update(values)


class SimComponent:
    """A component as the engine reads it: its id, simulation parameters (the defaults are
    class attributes, the fields set the instance's) and dependencies."""

    def __init__(
        self, cid: str, values: dict[str, Any], depends_on: tuple[SimDependency, ...]
    ) -> None:
        self.__dict__.update(values)
        self.id = cid
        self.depends_on = depends_on


@cache
def _defaults() -> None:
    """Give both classes the defaults of their fields (once)."""
    component_fields, dependency_fields = simulation_fields()
    for cls, model, names in (
        (SimComponent, Component, component_fields),
        (SimDependency, Dependency, dependency_fields),
    ):
        for name in names:
            setattr(cls, name, model.model_fields[name].default)


@cache
def _dependency_defaults() -> dict[str, Any]:
    """The default of every simulation field of a dependency, by name."""
    return {name: Dependency.model_fields[name].default for name in simulation_fields()[1]}


def _converter(model: type[BaseModel], name: str) -> Callable[[Any], Any] | None:
    """How a stored value of field ``name`` becomes the model's: a nested model validated by
    pydantic, an enum member from its value; None when the stored value is the model's."""
    annotation = model.model_fields[name].annotation
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    for option in options or (annotation,):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option.model_validate
        if isinstance(option, type) and issubclass(option, Enum):
            return option
    return None


def _built(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (a parameter set as stored) with nested models validated and enums made."""
    out = {}
    for name, value in values.items():
        convert = _converter(model, name)
        out[name] = value if convert is None or value is None else convert(value)
    return out


def engine_graph(graph: Graph) -> Graph:
    """``graph`` as the engine reads it: from its compact simulation parameters when it has
    them (see the module docstring), else ``graph`` itself (its models)."""
    sim = graph.compact.sim if graph.compact is not None else None
    if sim is None:
        return graph
    return _from_params(graph, sim)


def _from_params(graph: Graph, sim: SimParams) -> Graph:
    _defaults()
    component_fields, dependency_fields = simulation_fields()
    data = sim.data
    if set().union(*data["components"]) - set(component_fields) or set().union(
        *data["dependencies"]
    ) - set(dependency_fields):
        raise ValueError("stored simulation parameters name unknown fields")
    params = [_built(Component, values) for values in data["components"]]
    shared = [SimDependency(_built(Dependency, values)) for values in data["dependencies"]]
    deps = list(map(shared.__getitem__, data["dependency_at"]))
    start = graph.edge_arrays.start
    components = {
        cid: SimComponent(cid, params[k], tuple(deps[start[i] : start[i + 1]]))
        for i, (cid, k) in enumerate(zip(graph.components, data["component_at"], strict=True))
    }
    return Graph(
        cast(dict[str, Any], components),  # duck-compatible for what the engine reads
        graph.groups,
        name=graph.name,
        files=graph.files,
        references=graph.references,
        compact=graph.compact,
    )
