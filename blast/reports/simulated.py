"""Outage minutes for the report from the time engine: the scenario, each SPOF, each mitigation.

``blast report FILE --scenario S`` plays ``S`` out with :func:`blast.sim.simulate`
and reads every minute of the report from the journals:

* **the scenario**: minutes each user-facing component spends ``down`` between
  the start and the horizon (a stretch still open at the horizon counts up to
  it), and their sum, the user-facing outage minutes;
* **each SPOF**: its outage *as the scenario plays it*, alone: one ``down``
  fault on the SPOF for every stretch the scenario's run has it down, the
  scenario's parameter overrides kept, nothing else failing. The user-facing
  minutes of that run are what the SPOF costs by itself (0 when the scenario
  never takes it down);
* **each mitigation**: the scenario played again with the mitigation written
  as scenario inputs the engine understands (:func:`mitigated`): a ``reroute``
  action at the start moves the dependents' edges to a replica in another
  region or to a regional endpoint (the new components are added to the graph:
  a scenario cannot build infrastructure), and parameter ``overrides`` make an
  edge soft (static stability, a bootstrap path) or serve stale cached answers
  (``serve_stale``, RFC 8767). Its delta is the scenario's user-facing minutes
  minus the mitigated run's: negative when the change makes things worse.

The runs go through :mod:`blast.parallel.runner` (local processes, or a Dask
cluster); the engine is exact, so the minutes are the same on any number of
workers.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from blast.model import Component, RedundancyGroup
from blast.model.graph import Graph
from blast.reports.figures import SimulationFigures
from blast.reports.mitigations import Plan
from blast.reports.whatif import Change
from blast.sim import Journal, ScenarioDocument, simulate


def down_minutes(journal: Journal, component: str) -> float:
    """Minutes ``component`` is ``down`` in ``journal``, up to the horizon."""
    series = journal.series(component)
    total = 0.0
    for (t, state, _), nxt in zip(series, [*series[1:], None], strict=True):
        end = journal.horizon if nxt is None else min(nxt[0], journal.horizon)
        if state == "down" and end > t:
            total += end - t
    return total / 60.0


@dataclass(frozen=True)
class SimTask:
    """One run, picklable for worker processes: the graph travels as parts."""

    components: tuple[Component, ...]
    groups: tuple[RedundancyGroup, ...]
    scenario: ScenarioDocument
    user_facing: tuple[str, ...]
    seed: int


def run_task(task: SimTask, rng: random.Random) -> float:
    """User-facing down minutes of one run (module level for workers; the engine is exact)."""
    del rng
    graph = Graph.from_parts(task.components, task.groups)
    journal = simulate(graph, task.scenario, task.seed)
    return sum(down_minutes(journal, u) for u in task.user_facing)


def _start(scenario: ScenarioDocument) -> Any:
    return scenario.start or min(f.at for f in scenario.faults)


def mitigated(
    graph: Graph, scenario: ScenarioDocument, change: Change, label: str
) -> tuple[Graph, ScenarioDocument]:
    """The graph with the mitigation's new components, and the scenario with its inputs.

    Retargeted edges become ``reroute`` actions at the scenario's start, softened
    edges ``overrides`` setting ``type: soft``, stale-served edges ``overrides``
    setting ``serve_stale: true``. The scenario's own faults, actions and overrides
    are kept; a reroute of its own that moves a retargeted edge moves it from the
    new target (the operators bypass whatever the edge points at).
    """
    components = {**graph.components, **{c.id: c for c in change.add_components}}
    groups = {**graph.groups, **{g.id: g for g in change.add_groups}}
    bigger = Graph(components, groups, name=graph.name, files=graph.files)
    at = _start(scenario)
    actions = [
        {
            "id": f"whatif-reroute-{i}",
            "do": "reroute",
            "at": at,
            "reroute": {"component": dependent, "from": old, "to": new},
            "description": f"{label}: {dependent} uses {new} instead of {old}",
        }
        for i, ((dependent, old), new) in enumerate(change.retarget, 1)
    ]
    overrides = [
        {"component": d, "dependency": t, "set": {"type": "soft"}, "notes": label}
        for d, t in change.soften
    ] + [
        {"component": d, "dependency": t, "set": {"serve_stale": True}, "notes": label}
        for d, t in change.serve_stale
    ]
    data = scenario.model_dump(by_alias=True, exclude_unset=False)
    moved = dict(change.retarget)
    for action in data["actions"]:  # the scenario's own reroutes now start from the new target
        rr = action.get("reroute")
        if rr and (rr["component"], rr["from"]) in moved:
            rr["from"] = moved[(rr["component"], rr["from"])]
    data["actions"] = [*data["actions"], *actions]
    data["overrides"] = [*data["overrides"], *overrides]
    return bigger, ScenarioDocument.model_validate(data)


def alone(journal: Journal, scenario: ScenarioDocument, spof: str) -> ScenarioDocument | None:
    """The scenario's outage of ``spof`` alone: a fault per stretch it is down (None: never)."""
    faults: list[dict[str, Any]] = []
    for w in journal.windows():
        if w.component != spof or w.severity != "down":
            continue
        fault: dict[str, Any] = {"id": f"{spof}-down-{len(faults) + 1}", "target": spof,
                                 "at": journal.time(w.start)}  # fmt: skip
        if w.end is not None:
            fault["for"] = max(w.end - w.start, 0.0)
        fault["description"] = f"{spof} down as in '{scenario.name or 'the scenario'}'"
        faults.append(fault)
    if not faults:
        return None
    return ScenarioDocument.model_validate(
        {
            "name": f"{spof} alone, as in {scenario.name or 'the scenario'}",
            "start": journal.start,
            "horizon": journal.horizon,
            "faults": faults,
            "overrides": [o.model_dump(by_alias=True) for o in scenario.overrides],
        }
    )


def simulate_figures(
    graph: Graph,
    scenario: ScenarioDocument,
    *,
    spofs: Sequence[str],
    plans: dict[str, tuple[Plan, ...]],
    source: str,
    seed: int = 0,
    workers: int = 1,
    scheduler: str | None = None,
) -> SimulationFigures:
    """Simulate the scenario, each SPOF alone and each mitigation; the report's minutes.

    Raises what :func:`blast.sim.simulate` raises (unknown components, bad overrides).
    """
    from blast.parallel.runner import Job, run_jobs

    uf = graph.user_facing
    journal = simulate(graph, scenario, seed)
    per_component = {u: round(down_minutes(journal, u), 4) for u in uf}
    total = sum(down_minutes(journal, u) for u in uf)
    keys: list[tuple[str, str]] = []
    tasks: list[SimTask] = []

    def add(kind: str, key: str, g: Graph, s: ScenarioDocument) -> None:
        keys.append((kind, key))
        tasks.append(SimTask(tuple(g.components.values()), tuple(g.groups.values()), s, uf, seed))

    spof_minutes: dict[str, float] = {}
    for spof in spofs:
        only = alone(journal, scenario, spof)
        if only is None:
            spof_minutes[spof] = 0.0
        else:
            add("spof", spof, graph, only)
        for plan in plans.get(spof, ()):
            label = f"what-if {plan.kind}:{spof}"
            add(
                "mitigation", f"{plan.kind}:{spof}", *mitigated(graph, scenario, plan.change, label)
            )
    jobs = [Job(run_task, t, 1) for t in tasks]
    results = run_jobs(jobs, seed, workers=workers, scheduler=scheduler)
    saved: dict[str, float] = {}
    for (kind, key), result in zip(keys, results, strict=True):
        if kind == "spof":
            spof_minutes[key] = round(result[0], 4)
        else:
            saved[key] = round(total - result[0], 4)
    return SimulationFigures(
        source=source,
        region_outage_minutes=per_component,
        spof_outage_minutes=spof_minutes,
        mitigation_minutes_saved=saved,
    )
