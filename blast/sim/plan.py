"""A scenario applied to a graph: overrides merged, targets resolved, times in seconds.

The engine reads only this plan. Resolving is where a scenario meets a graph,
so it is also where unknown components, empty regions and bad overrides are
reported (:class:`~blast.errors.ScenarioError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from blast.errors import ScenarioError, UnknownComponentError
from blast.model.graph import Graph
from blast.model.spec import Component, Dependency
from blast.sim.journal import Event, Journal, QueuePoint, Trigger
from blast.sim.params import engine_graph
from blast.sim.scenario import Action, Fault, ScenarioDocument, Target


@dataclass(frozen=True)
class PlannedFault:
    """A fault in seconds: on at ``t_on``, off at ``t_off`` (None: never)."""

    fault: Fault
    t_on: float
    t_off: float | None
    targets: tuple[str, ...]


@dataclass(frozen=True)
class PlannedAction:
    action: Action
    t: float
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    graph: Graph
    name: str
    start: datetime
    horizon: float
    faults: tuple[PlannedFault, ...]
    actions: tuple[PlannedAction, ...]


def resolve_target(graph: Graph, target: Target, *, groups: bool = False) -> tuple[str, ...]:
    """Ids a target names, in graph order; raises when it names nothing."""
    if target.component is not None:
        if target.component in graph.components or (groups and target.component in graph.groups):
            return (target.component,)
        raise UnknownComponentError(f"no component named '{target.component}'")
    provider = target.provider.lower() if target.provider is not None else None
    if target.az is not None:  # zones are no column: the models
        found = tuple(
            c.id
            for c in graph.components.values()
            if (target.region is None or c.region == target.region)
            and c.az == target.az
            and (provider is None or c.provider.lower() == provider)
        )
    else:  # the columns, which build no model
        columns = graph.columns
        found = tuple(
            cid
            for cid, region, owner in zip(
                columns.ids, columns.regions, columns.providers, strict=True
            )
            if (target.region is None or region == target.region)
            and (provider is None or owner.lower() == provider)
        )
    if not found:
        raise UnknownComponentError(f"no component matches {target.describe()}")
    return found


def apply_overrides(graph: Graph, doc: ScenarioDocument) -> Graph:
    """The graph with the scenario's parameter overrides applied (validated like the file)."""
    if not doc.overrides:
        return graph
    components = dict(graph.components)
    for i, ov in enumerate(doc.overrides):
        where = f"overrides[{i}]"
        if ov.component not in components:
            raise UnknownComponentError(f"{where}: no component named '{ov.component}'")
        comp = components[ov.component]
        try:
            if ov.dependency is None:
                data = comp.model_dump(by_alias=True)
                data.update(ov.set)
                components[ov.component] = Component.model_validate(data)
                continue
            deps = list(comp.depends_on)
            j = next((k for k, d in enumerate(deps) if d.target == ov.dependency), None)
            if j is None:
                raise ScenarioError(
                    f"{where}: '{ov.component}' has no dependency on '{ov.dependency}'"
                )
            data = deps[j].model_dump()
            data.update(ov.set)
            deps[j] = Dependency.model_validate(data)
            components[ov.component] = comp.model_copy(update={"depends_on": tuple(deps)})
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ScenarioError(f"{where}.set.{loc}: {first['msg']}") from None
    return Graph(
        components, graph.groups, name=graph.name, files=graph.files, references=graph.references
    )


def make_plan(graph: Graph, doc: ScenarioDocument) -> Plan:
    """Resolve ``doc`` against ``graph``: seconds after the start, ids of every target."""
    graph = apply_overrides(graph, doc)
    start = doc.start or min(f.at for f in doc.faults)
    action_t: dict[str, float] = {}
    actions = []
    for a in sorted(doc.actions, key=lambda a: a.at):
        t = (a.at - start).total_seconds()
        action_t[a.id] = t
        if a.reroute is not None:
            for node in (a.reroute.component, a.reroute.source, a.reroute.to):
                if node is not None and node not in graph:
                    raise UnknownComponentError(f"action '{a.id}': no component named '{node}'")
            targets: tuple[str, ...] = (a.reroute.component,)
        else:
            assert a.target is not None
            targets = resolve_target(graph, a.target, groups=True)
        actions.append(PlannedAction(a, t, targets))
    faults = []
    for f in doc.faults:
        t_on = max(0.0, (f.at - start).total_seconds())
        t_off: float | None = None
        if f.duration is not None:
            t_off = t_on + f.duration
        elif f.until is not None:
            if f.until not in action_t:
                raise ScenarioError(f"fault '{f.id}': `until` names no action '{f.until}'")
            t_off = max(t_on, action_t[f.until])
        faults.append(PlannedFault(f, t_on, t_off, resolve_target(graph, f.target)))
    name = doc.name or "scenario"
    return Plan(engine_graph(graph), name, start, doc.horizon, tuple(faults), tuple(actions))


def triggers_of(plan: Plan) -> tuple[Trigger, ...]:
    """The faults and actions of ``plan`` as the journal records them."""
    faults = [
        Trigger(
            pf.fault.id,
            f"fault:{pf.fault.mode.value}",
            pf.t_on,
            pf.t_off,
            pf.targets,
            pf.fault.description,
        )
        for pf in plan.faults
    ]
    actions = [
        Trigger(
            pa.action.id,
            f"action:{pa.action.do.value}",
            pa.t,
            None,
            pa.targets,
            pa.action.description,
        )
        for pa in plan.actions
    ]
    return tuple(faults + actions)


def journal_of(
    plan: Plan,
    seed: int,
    components: tuple[str, ...],
    events: tuple[Event, ...],
    queues: dict[str, tuple[QueuePoint, ...]],
    buffers: dict[tuple[str, str], tuple[QueuePoint, ...]],
) -> Journal:
    """The journal of a finished run of ``plan``: its events and queue series, with the
    plan's names, times and triggers."""
    graph = plan.graph
    return Journal(
        graph=graph.name or (graph.files[0] if graph.files else ""),
        scenario=plan.name,
        start=plan.start,
        horizon=plan.horizon,
        seed=seed,
        components=components,
        user_facing=graph.user_facing,
        triggers=triggers_of(plan),
        events=events,
        queues=queues,
        buffers=buffers,
    )
