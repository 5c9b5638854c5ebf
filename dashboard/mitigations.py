"""Mitigations of a what-if, each turned into scenario inputs the engine understands.

Nothing here computes a window: every function returns faults, operator actions
or parameter overrides (:mod:`blast.sim.scenario`) to add to a scenario, and
:func:`blast.sim.simulate` says what they change.

* **detection**: the time operators can act is the first user-facing impairment
  of the run without mitigations (the engine's, read from its journal);
* **global-table failover** and **a second region for an app** are ``reroute``
  actions at detection, from a dependency in the failing region to its
  *counterpart* in another region (same kind, the same component there: ids
  differing in one dot-separated part, or names differing only by the region);
* **throttling at detection** is a ``throttle`` action on every queued component
  whose work times out (the congestive-collapse shape: DWFM on 2025-10-20, where
  the post-mortem's throttle came at 04:14);
* **the DNS race as the fault**: a losing window of :mod:`blast.race`, found
  with the worst setting of ``blast race --montecarlo`` and turned into faults by
  :meth:`~blast.race.trigger.RaceTrigger.to_scenario_faults`, on the DNS records
  the scenario's own faults empty (ending as they end);
* **longer DNS caches** and **serve-stale caches** are overrides on every
  dependency on a DNS component.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from blast.model.graph import Graph
from blast.race.des import RaceParams
from blast.race.montecarlo import CONTENTIONS, TAILS
from blast.race.trigger import RaceTrigger, find_trigger
from blast.sim import Journal, ScenarioDocument
from blast.sim.plan import apply_overrides
from blast.sim.scenario import Action, Fault, Override

LONG_DNS_TTL = 3600.0
"""Seconds a longer DNS cache keeps an answer (an hour; the usual TTLs are seconds to minutes)."""
RACE_SEED = 1
"""Seed of the race search (deterministic: the same losing window every time)."""


def detection(journal: Journal) -> float:
    """Seconds after the start of the first user-facing impairment (else the first at all)."""
    windows = journal.windows()
    facing = [w.start for w in windows if w.component in set(journal.user_facing)]
    starts = facing or [w.start for w in windows]
    return min(starts) if starts else 0.0


def failing_regions(graph: Graph, scenario: ScenarioDocument) -> set[str]:
    """Regions of what the scenario's faults hit (``global`` left out)."""
    out: set[str] = set()
    for fault in scenario.faults:
        name, region = fault.target.component or "", fault.target.region
        if region:
            out.add(region)
        elif name in graph.components:
            out.add(graph.components[name].region or "")
    return {r for r in out if r and r != "global"}


def counterpart(graph: Graph, component: str, region: str) -> str | None:
    """The same component in ``region``, if the graph has it."""
    me = graph.components.get(component)
    if me is None or not me.region or me.region == region:
        return None
    parts = component.split(".")
    for other, c in sorted(graph.components.items()):
        if c.region != region or c.kind != me.kind or c.provider != me.provider:
            continue
        theirs = other.split(".")
        one_part = (
            len(theirs) == len(parts)
            and sum(a != b for a, b in zip(parts, theirs, strict=False)) == 1
        )
        if one_part or (me.region in me.name and me.name.replace(me.region, region) == c.name):
            return other
    return None


def other_regions(graph: Graph, scenario: ScenarioDocument) -> list[str]:
    """Regions one can fail over to: not failing, not ``global``, with counterparts first."""
    failing = failing_regions(graph, scenario)
    regions = [r for r in graph.regions if r != "global" and r not in failing]
    held = {r: sum(1 for c in graph.components.values() if c.region == r) for r in regions}
    return sorted(regions, key=lambda r: (-held[r], r))


def _reroutes(
    graph: Graph, pairs: list[tuple[str, str]], region: str, at: datetime, why: str
) -> list[Action]:
    out = []
    for i, (component, target) in enumerate(pairs):
        there = counterpart(graph, target, region)
        if there is None:
            continue
        out.append(
            Action.model_validate(
                {
                    "id": f"what-if-{why}-{i}",
                    "do": "reroute",
                    "at": at,
                    "reroute": {"component": component, "from": target, "to": there},
                    "description": f"what-if: {why}: {component} uses {there} instead of {target}",
                }
            )
        )
    return out


def global_table_failover(
    graph: Graph, scenario: ScenarioDocument, region: str, at: datetime
) -> list[Action]:
    """Customers of a provider's database in the failing region switch to its other region.

    A customer is a component of another provider; the database is any
    ``database`` component (a global table's replica, a regional endpoint) with a
    counterpart in ``region``.
    """
    failing = failing_regions(graph, scenario)
    pairs = []
    for cid, c in sorted(graph.components.items()):
        for dep in c.depends_on:
            t = graph.components.get(dep.target)
            if t is None or t.kind.value != "database" or t.region not in failing:
                continue
            if t.provider != c.provider:
                pairs.append((cid, dep.target))
    return _reroutes(graph, pairs, region, at, "global-table-failover")


def own_components(graph: Graph, app: str) -> list[str]:
    """``app`` and the components of its provider it reaches through its dependencies."""
    me = graph.components.get(app)
    if me is None:
        return []
    seen, todo = [app], [app]
    while todo:
        for dep in graph.components[todo.pop()].depends_on:
            c = graph.components.get(dep.target)
            if c is not None and c.provider == me.provider and dep.target not in seen:
                seen.append(dep.target)
                todo.append(dep.target)
    return seen


def second_region(graph: Graph, app: str, region: str, at: datetime) -> list[Action]:
    """Every regional dependency of the app's own components moves to ``region``."""
    pairs = []
    for cid in own_components(graph, app):
        for dep in graph.components[cid].depends_on:
            t = graph.components.get(dep.target)
            if t is not None and t.region and t.region not in (region, "global"):
                pairs.append((cid, dep.target))
    return _reroutes(graph, pairs, region, at, "second-region")


def throttles(graph: Graph, scenario: ScenarioDocument, at: datetime) -> list[Action]:
    """A throttle at ``at`` on every queued component whose work times out and is retried."""
    effective = apply_overrides(graph, scenario)
    out: list[Action] = []
    for cid, c in sorted(effective.components.items()):
        if c.queue is not None and c.queue.timeout:
            out.append(
                Action.model_validate(
                    {
                        "id": f"what-if-throttle-{len(out)}",
                        "do": "throttle",
                        "at": at,
                        "target": {"component": cid},
                        "description": f"what-if: incoming work to {cid} throttled at detection",
                    }
                )
            )
    return out


def cache_overrides(graph: Graph, ttl: float, stale: bool, every_cached: bool) -> list[Override]:
    """A ``ttl``-long cache (serving stale answers when ``stale``) on DNS dependencies.

    With ``every_cached`` every dependency that already caches gets it too.
    """
    out = []
    for cid in sorted(graph.components):
        for dep in graph.components[cid].depends_on:
            target = graph.components.get(dep.target)
            dns = target is not None and target.kind.value == "dns"
            if dns or (every_cached and dep.cache_ttl):
                values: dict[str, Any] = {"cache_ttl": max(ttl, dep.cache_ttl or 0.0)}
                if stale:
                    values["serve_stale"] = True
                out.append(
                    Override.model_validate(
                        {
                            "component": cid,
                            "dependency": dep.target,
                            "set": values,
                            "notes": "what-if: longer"
                            + (", serve-stale" if stale else "")
                            + " cache",
                        }
                    )
                )
    return out


def dns_records(graph: Graph, scenario: ScenarioDocument) -> list[Fault]:
    """The scenario's faults on DNS components: what the race replaces."""
    out = []
    for fault in scenario.faults:
        target = graph.components.get(fault.target.component or "")
        if target is not None and target.kind.value == "dns":
            out.append(fault)
    return out


@lru_cache(maxsize=4)
def race_trigger(endpoints: tuple[str, ...]) -> RaceTrigger:
    """The first losing window at the worst setting of the Monte Carlo, seed :data:`RACE_SEED`."""
    params = replace(
        RaceParams(), tail_probability=max(TAILS), contention=max(CONTENTIONS), endpoints=endpoints
    )
    return find_trigger(params, RACE_SEED)[0]


def race_faults(graph: Graph, scenario: ScenarioDocument) -> tuple[list[Fault], RaceTrigger]:
    """The race's faults in place of the scenario's DNS-record faults (same start, same end).

    The regional record is the one the scenario empties; other endpoints are its
    ``-ipv6``/``-fips`` siblings when the graph has them. The Enactors are the
    record's non-DNS dependencies (a group's members): their control plane fails.
    """
    replaced = dns_records(graph, scenario)
    if not replaced:
        raise ValueError("the scenario empties no DNS record: no race to put in its place")
    first = replaced[0]
    record = first.target.component or ""
    records = {"regional": record}
    for suffix in ("ipv6", "fips", "fips-ipv6"):
        if f"{record}-{suffix}" in graph.components:
            records[suffix] = f"{record}-{suffix}"
    automation: list[str] = []
    for dep in graph.components[record].depends_on:
        members = graph.groups[dep.target].members if dep.target in graph.groups else ()
        for m in members or (dep.target,):
            c = graph.components.get(m)
            if c is not None and c.kind.value != "dns":
                automation.append(m)
    trigger = race_trigger(tuple(records))
    end = {"until": first.until} if first.until else {}
    if first.duration is not None:
        end = {"duration": f"{first.duration:g}s"}
    raw = trigger.to_scenario_faults(first.at, records, automation, **end)
    return [Fault.model_validate(f) for f in raw], trigger
