"""Helpers for the simulation tests: tiny graphs, scenarios in minutes, whole timelines."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from blast.model import Component, RedundancyGroup
from blast.model.graph import Graph
from blast.sim import Journal, scenario_from_dict, simulate

T0 = "2025-10-20T00:00:00-07:00"


def at(minutes: float) -> str:
    """The ISO time ``minutes`` after T0."""
    return (datetime.fromisoformat(T0) + timedelta(minutes=minutes)).isoformat()


def comp(cid: str, *deps: Any, **fields: Any) -> Component:
    return Component(id=cid, kind=fields.pop("kind", "app"), depends_on=deps, **fields)


def group(gid: str, *members: str, **fields: Any) -> RedundancyGroup:
    return RedundancyGroup(id=gid, members=members, **fields)


def fault(fid: str, target: Any, start: float, minutes: float | None = None, **fields: Any):
    data = {"id": fid, "target": target, "at": at(start), **fields}
    if minutes is not None:
        data["for"] = f"{minutes}m"
    return data


def action(aid: str, do: str, minute: float, target: Any = None, **fields: Any):
    data = {"id": aid, "do": do, "at": at(minute), **fields}
    if target is not None:
        data["target"] = target
    return data


def run(components, faults, actions=(), groups=(), horizon="6h", **extra) -> Journal:
    graph = Graph.from_parts(components, groups)
    scenario = scenario_from_dict(
        {"start": T0, "horizon": horizon, "faults": list(faults), "actions": list(actions), **extra}
    )
    return simulate(graph, scenario)


def timeline(journal: Journal) -> list[tuple]:
    """``(minute, component, state, mechanism, dependency)`` of every event."""
    return [
        (round(e.t / 60, 4), e.component, e.state, e.cause.mechanism, e.cause.dependency)
        for e in journal.events
    ]


def models_only(graph: Graph) -> Graph:
    """The same graph as validated models, with no compact form: the engine reads them
    one by one (the path of a graph built in memory rather than loaded from the cache)."""
    return Graph(
        dict(graph.components),
        dict(graph.groups),
        name=graph.name,
        files=graph.files,
        references=graph.references,
    )
