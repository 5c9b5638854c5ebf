"""Import observed service dependencies from tracing, and reconcile them with a declared graph.

Tracing systems aggregate spans into *dependency links*: ``parent`` (the caller),
``child`` (the callee) and ``callCount``. Jaeger serves them at
``/api/dependencies`` as ``{"data": [{"parent", "child", "callCount"}, ...]}``
(its ``DependencyLink`` model, shared with Zipkin's ``/api/v2/dependencies``,
which returns the bare list); the OpenTelemetry Collector's service-graph
connector derives the same client/server edges. Both shapes are read here.

Reconciliation compares what was observed with what the graph declares: calls
*observed but not declared* (a dependency the graph misses, so its blast radii
are too small; a service the graph lacks keeps its traced name) and dependencies
*declared but never observed* among traced services (stale, or a path that only
runs during failover). Service names match
a component's id, or else its name (case-insensitive).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

from blast.errors import GraphFileError, Location, Problem
from blast.loading.messages import problems_from as _problems_from
from blast.loading.yamlsource import read_yaml
from blast.model.graph import Graph


class Link(BaseModel):
    """One observed dependency link."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    parent: str = Field(..., min_length=1, description="The calling service.")
    child: str = Field(..., min_length=1, description="The called service.")
    callCount: NonNegativeInt = Field(0, description="Calls seen in the window.")


class _Links(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    data: tuple[Link, ...]


def load_links(path: str | Path) -> tuple[Link, ...]:
    """Read a Jaeger (``{"data": [...]}``) or Zipkin (bare list) dependencies file."""
    path = Path(path)
    doc = read_yaml(path, str(path))
    data = doc.data
    wrapped = data if isinstance(data, dict) else {"data": data}
    if isinstance(data, dict) and "data" not in data:
        raise GraphFileError(
            [Problem(Location(str(path), 1, 1), 'expected a list of links or {"data": [...]}')]
        )
    try:
        parsed = _Links.model_validate(wrapped)
    except ValidationError as err:
        if isinstance(data, list):  # locations are relative to the list itself
            problems = []
            for e in err.errors():
                loc = tuple(e["loc"][1:])
                problems.append(Problem(doc.locate(loc), e["msg"], key=".".join(map(str, loc))))
            raise GraphFileError(problems) from None
        raise GraphFileError(_problems_from(err, doc, (), _Links)) from None
    return parsed.data


def links_to_graph(links: tuple[Link, ...], *, name: str = "") -> dict[str, Any]:
    """A graph file's data: one component per service, one assumed hard edge per link."""
    services = sorted({s for link in links for s in (link.parent, link.child)})
    deps: dict[str, list[dict[str, Any]]] = {s: [] for s in services}
    for link in sorted(links, key=lambda x: (x.parent, x.child)):
        if link.parent == link.child:
            continue
        deps[link.parent].append(
            {
                "target": link.child,
                "assumed": True,
                "purpose": f"observed: {link.callCount} calls",
                "notes": "Observed in traces; hard until known otherwise.",
            }
        )
    components = [
        {
            "id": s,
            "kind": "other",
            "notes": "Service seen in traces; set its kind, region and user_facing.",
            "depends_on": deps[s],
        }
        for s in services
    ]
    return {"version": 1, "name": name or "Observed service dependencies", "components": components}


@dataclass(frozen=True)
class Reconciliation:
    """Observed against declared dependencies."""

    observed_not_declared: tuple[tuple[str, str, int], ...]
    declared_not_observed: tuple[tuple[str, str], ...]
    unknown_services: tuple[str, ...]
    matched: int


def reconcile(links: tuple[Link, ...], graph: Graph) -> Reconciliation:
    """Compare observed links with ``graph``'s declared dependencies (see the module docstring).

    Declared edges count as observed when the dependent calls the target directly
    or through a redundancy group the target belongs to. Only dependents seen in
    the traces as callers are checked for unobserved edges: the rest of the graph (a cloud
    provider's internals) is not traced.
    """
    by_name = {c.label.lower(): cid for cid, c in graph.components.items()}

    def resolve(service: str) -> str | None:
        if service in graph.components:
            return service
        return by_name.get(service.lower())

    observed: dict[tuple[str, str], int] = {}
    unknown: set[str] = set()
    callers = set()
    for link in links:
        a, b = resolve(link.parent), resolve(link.child)
        unknown.update(s for s, r in ((link.parent, a), (link.child, b)) if r is None)
        if a is not None:
            callers.add(a)
        edge = (a or link.parent, b or link.child)
        if edge[0] != edge[1]:
            observed[edge] = observed.get(edge, 0) + link.callCount
    declared = set()
    for cid, c in graph.components.items():
        for dep in c.depends_on:
            if dep.target in graph.groups:
                for member in graph.groups[dep.target].members:
                    declared.add((cid, member))
            else:
                declared.add((cid, dep.target))
    missing = tuple(sorted((a, b, n) for (a, b), n in observed.items() if (a, b) not in declared))
    stale = []
    for cid in sorted(callers):
        for dep in graph.components[cid].depends_on:
            targets = (
                graph.groups[dep.target].members if dep.target in graph.groups else (dep.target,)
            )
            if not any((cid, t) in observed for t in targets):
                stale.append((cid, dep.target))
    return Reconciliation(
        observed_not_declared=missing,
        declared_not_observed=tuple(stale),
        unknown_services=tuple(sorted(unknown)),
        matched=sum(1 for edge in observed if edge in declared),
    )
