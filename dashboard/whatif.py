"""What-ifs: a fault and mitigations turned into a changed scenario, and the downtime they give.

A what-if is a small JSON-able dict (it lives in the URL as ``whatif=…``):

* ``fault``: ``""`` for the scenario's own faults, ``c:<component>``, ``r:<region>`` or
  ``z:<availability zone>``
  for a fault of one's own, starting ``at`` minutes after the scenario's start and
  lasting ``for`` minutes, or ``race`` for the DNS race of :mod:`blast.race` in
  place of the scenario's DNS-record faults;
* ``earlier``: minutes by which every repair comes earlier (the repair actions that
  end faults, and faults with a fixed length, end that much sooner);
* ``mitigations``: any of :data:`MITIGATIONS`;
* ``app``: an app given a second region; ``region``: the region failovers go to
  (empty: the other region with the most components).

Each maps to scenario inputs the engine already understands
(:mod:`dashboard.mitigations`); nothing here computes a window. Downtime per
user-facing component is read from the journal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from blast.model.graph import Graph
from blast.sim import Journal, ScenarioDocument
from blast.sim.scenario import Action, ActionKind, Fault
from dashboard import mitigations as mt

MITIGATIONS = {
    "global-table-failover": "global-table failover to another region at detection",
    "throttle": "throttle queued work that times out (DWFM) at detection",
    "long-dns-cache": "longer DNS caches (1 h TTL)",
    "stale-cache": "serve-stale caches (≥ 1 h) on cached and DNS dependencies",
    "no-failover": "no automatic failover (disable-automation on redundancy groups)",
}
AT_DETECTION = ("global-table-failover", "throttle")
KEYS = ("fault", "at", "for", "earlier", "mitigations", "app", "region")
"""The what-if's keys, in the order of the page's controls."""
STALE_TTL = 3600.0
MIN_FAULT = 60.0

WhatIf = dict[str, Any]


def baseline() -> WhatIf:
    """The what-if that changes nothing."""
    return {
        "fault": "", "at": 0, "for": 60, "earlier": 0, "mitigations": [], "app": "", "region": "",
    }  # fmt: skip


def is_baseline(spec: WhatIf) -> bool:
    """Whether ``spec`` leaves the scenario as written."""
    keys = ("fault", "earlier", "mitigations", "app")
    return not any(spec.get(k) for k in keys)


def parse(text: str | None) -> WhatIf:
    """A what-if from its URL form; anything malformed falls back to the baseline."""
    spec = baseline()
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return spec
    if not isinstance(data, dict):
        return spec
    fault = data.get("fault")
    if isinstance(fault, str) and (fault in ("", "race") or fault[:2] in ("c:", "r:", "z:")):
        spec["fault"] = fault
    for key in ("app", "region"):
        if isinstance(data.get(key), str) and len(data[key]) <= 200:
            spec[key] = data[key]
    for key in ("at", "for", "earlier"):
        value = data.get(key)
        if isinstance(value, int | float) and 0 <= value <= 100_000:
            spec[key] = value
    wanted = data.get("mitigations")
    if isinstance(wanted, list):
        spec["mitigations"] = sorted({m for m in wanted if m in MITIGATIONS})
    return spec


def dump(spec: WhatIf) -> str:
    """The URL form of ``spec`` (compact JSON, keys sorted)."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


def fault_options(graph: Graph, race: bool = False) -> list[dict[str, str]]:
    """Faults one can choose: the scenario's own, the race, regions, zones, components.

    The race only when ``race`` (a graph with the DNS record the race empties).
    """
    out = [{"label": "the scenario's faults", "value": ""}]
    if race:
        out.append({"label": "the DNS race (blast.race) empties the record", "value": "race"})
    out += [{"label": f"region {r} fails", "value": f"r:{r}"} for r in graph.regions]
    zones = sorted({c.az for c in graph.components.values() if c.az})
    out += [{"label": f"availability zone {z} fails", "value": f"z:{z}"} for z in zones]
    out += [
        {"label": f"{graph.label(c)} fails", "value": f"c:{c}"} for c in sorted(graph.components)
    ]
    return out


def app_options(graph: Graph) -> list[dict[str, str]]:
    """Apps one can give a second region: user-facing components (none: no second region)."""
    out = [{"label": "no app gets a second region", "value": ""}]
    return out + [
        {"label": f"{graph.label(c)} gets a second region", "value": c}
        for c in sorted(graph.components)
        if graph.components[c].user_facing
    ]


Runner = Callable[[ScenarioDocument], Journal]


def apply(
    graph: Graph, scenario: ScenarioDocument, spec: WhatIf, run: Runner | None = None
) -> ScenarioDocument:
    """``scenario`` changed as ``spec`` says (the same scenario when it is the baseline).

    ``run`` simulates a scenario; it is needed (and called once, on the faulted
    scenario without mitigations) when a mitigation acts at detection.
    """
    if is_baseline(spec):
        return scenario
    start = scenario.start or min(f.at for f in scenario.faults)
    faults = list(scenario.faults)
    actions = list(scenario.actions)
    chosen = str(spec.get("fault") or "")
    if chosen == "race":
        replaced = {f.id for f in mt.dns_records(graph, scenario)}
        faults = [f for f in faults if f.id not in replaced] + mt.race_faults(graph, scenario)[0]
    elif chosen:
        kind, _, name = chosen.partition(":")
        target = {{"c": "component", "r": "region", "z": "az"}[kind]: name}
        at = start + timedelta(minutes=float(spec.get("at", 0)))
        length = max(MIN_FAULT, 60.0 * float(spec.get("for", 60)))
        faults = [
            Fault.model_validate({"id": "what-if-fault", "target": target, "at": at, "for": length})
        ]
        ended = {f.until for f in scenario.faults if f.until}
        actions = [a for a in actions if a.id not in ended]
    earlier = 60.0 * float(spec.get("earlier", 0))
    if earlier > 0:
        faults, actions = _earlier(faults, actions, earlier)
    faulted = scenario.model_copy(update={"start": start, "faults": tuple(faults),
                                          "actions": tuple(actions)})  # fmt: skip
    return mitigate(graph, faulted, spec, run)


def mitigate(
    graph: Graph, scenario: ScenarioDocument, spec: WhatIf, run: Runner | None = None
) -> ScenarioDocument:
    """``scenario`` with the mitigations and second region of ``spec`` added."""
    start = scenario.start or min(f.at for f in scenario.faults)
    wanted = set(spec.get("mitigations", []))
    actions = list(scenario.actions)
    overrides = list(scenario.overrides)
    app = str(spec.get("app") or "")
    if (wanted & set(AT_DETECTION) or app) and run is None:
        raise ValueError("a mitigation at detection needs the engine to find detection")
    if run is not None and (wanted & set(AT_DETECTION) or app):
        detected = start + timedelta(seconds=mt.detection(run(scenario)))
        regions = mt.other_regions(graph, scenario)
        region = str(spec.get("region") or "") or (regions[0] if regions else "")
        if "global-table-failover" in wanted and region:
            actions += mt.global_table_failover(graph, scenario, region, detected)
        if app in graph.components and region:
            actions += mt.second_region(graph, app, region, detected)
        if "throttle" in wanted:
            actions += mt.throttles(graph, scenario, detected)
    if "no-failover" in wanted:
        actions += [
            Action.model_validate(
                {
                    "id": f"what-if-no-failover-{i}",
                    "do": "disable-automation",
                    "at": start,
                    "target": {"component": group},
                    "description": "what-if: automatic failover disabled",
                }
            )
            for i, group in enumerate(sorted(graph.groups))
        ]
    if "long-dns-cache" in wanted:
        overrides += mt.cache_overrides(graph, mt.LONG_DNS_TTL, stale=False, every_cached=False)
    if "stale-cache" in wanted:
        overrides += mt.cache_overrides(graph, STALE_TTL, stale=True, every_cached=True)
    return scenario.model_copy(
        update={
            "start": start,
            "actions": tuple(sorted(actions, key=lambda a: a.at)),
            "overrides": tuple(overrides),
        }
    )


def notes(base: ScenarioDocument, changed: ScenarioDocument, journal: Journal) -> list[str]:
    """What the what-if put into the scenario, in words (faults, actions, overrides added)."""
    del journal
    old_faults = {f.id for f in base.faults}
    old_actions = {a.id for a in base.actions}
    out = [
        f"fault {f.id} on {f.target.describe()} at {f.at:%a %H:%M}: {f.description}".rstrip(": ")
        for f in changed.faults
        if f.id not in old_faults
    ]
    added = [a for a in changed.actions if a.id not in old_actions]
    kinds: dict[str, list[Action]] = {}
    for a in added:
        kinds.setdefault(a.do.value, []).append(a)
    for kind, acts in kinds.items():
        first = acts[0]
        out.append(f"{len(acts)} {kind} action(s) at {first.at:%a %H:%M}, e.g. {first.description}")
    extra = len(changed.overrides) - len(base.overrides)
    if extra:
        out.append(f"{extra} parameter override(s) on cache TTLs")
    return out


def _earlier(
    faults: list[Fault], actions: list[Action], seconds: float
) -> tuple[list[Fault], list[Action]]:
    """Repairs ``seconds`` sooner, never before the fault they end (plus a minute)."""
    begins = {f.until: f.at for f in faults if f.until}
    moved = []
    for a in actions:
        if a.do is ActionKind.REPAIR and a.id in begins:
            floor = begins[a.id] + timedelta(seconds=MIN_FAULT)
            a = a.model_copy(update={"at": max(floor, a.at - timedelta(seconds=seconds))})
        moved.append(a)
    shortened = [
        f.model_copy(update={"duration": max(MIN_FAULT, f.duration - seconds)})
        if f.duration is not None
        else f
        for f in faults
    ]
    return shortened, moved


def downtime(journal: Journal) -> dict[str, tuple[float, float]]:
    """Minutes ``down`` and minutes ``degraded`` of each user-facing component, to the horizon."""
    out = {}
    for component in journal.user_facing:
        spent = {"down": 0.0, "degraded": 0.0, "up": 0.0}
        series = journal.series(component)
        for (t, state, _), nxt in zip(
            series, [*series[1:], (journal.horizon, "", 0.0)], strict=True
        ):
            spent[state] += max(0.0, min(nxt[0], journal.horizon) - t)
        out[component] = (spent["down"] / 60.0, spent["degraded"] / 60.0)
    return out


def compare(base: Journal, changed: Journal, graph: Graph) -> list[dict[str, Any]]:
    """Table rows: per user-facing component, downtime in the baseline and the what-if."""
    a, b = downtime(base), downtime(changed)
    rows = []
    for component in base.user_facing:
        (bd, bg), (wd, wg) = a[component], b.get(component, (0.0, 0.0))
        rows.append(
            {
                "component": graph.label(component),
                "id": component,
                "baseline_down": round(bd, 1),
                "whatif_down": round(wd, 1),
                "change": round(wd - bd, 1),
                "baseline_degraded": round(bg, 1),
                "whatif_degraded": round(wg, 1),
            }
        )
    return sorted(rows, key=lambda r: (-max(r["baseline_down"], r["whatif_down"]), r["id"]))
