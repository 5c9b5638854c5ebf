"""What-ifs: a fault and mitigations turned into a changed scenario, and the downtime they give.

A what-if is a small JSON-able dict (it lives in the URL as ``whatif=…``):

* ``fault``: ``""`` for the scenario's own faults, ``c:<component>`` or ``r:<region>``
  for a fault of one's own, starting ``at`` minutes after the scenario's start and
  lasting ``for`` minutes;
* ``earlier``: minutes by which every repair comes earlier (the repair actions that
  end faults, and faults with a fixed length, end that much sooner);
* ``mitigations``: ``no-failover`` (``disable-automation`` on every redundancy group at
  the start: no automatic failover) and ``stale-cache`` (an override: every cached
  dependency, and every dependency on a DNS component, keeps answers for at least an
  hour and serves them stale while its target is down).

Each maps to scenario inputs the engine already understands; nothing here computes
a window. Downtime per user-facing component is read from the journal.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from blast.model.graph import Graph
from blast.sim import Journal, ScenarioDocument
from blast.sim.scenario import Action, ActionKind, Fault, Override

MITIGATIONS = {
    "no-failover": "no automatic failover (disable-automation on redundancy groups)",
    "stale-cache": "longer, serve-stale caches (≥ 1h) on cached and DNS dependencies",
}
STALE_TTL = 3600.0
MIN_FAULT = 60.0

WhatIf = dict[str, Any]


def baseline() -> WhatIf:
    """The what-if that changes nothing."""
    return {"fault": "", "at": 0, "for": 60, "earlier": 0, "mitigations": []}


def is_baseline(spec: WhatIf) -> bool:
    """Whether ``spec`` leaves the scenario as written."""
    return not spec.get("fault") and not spec.get("earlier") and not spec.get("mitigations")


def parse(text: str | None) -> WhatIf:
    """A what-if from its URL form; anything malformed falls back to the baseline."""
    spec = baseline()
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return spec
    if not isinstance(data, dict):
        return spec
    if isinstance(data.get("fault"), str) and data["fault"][:2] in ("", "c:", "r:"):
        spec["fault"] = data["fault"]
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


def fault_options(graph: Graph) -> list[dict[str, str]]:
    """Faults one can choose: the scenario's own, every region, every component."""
    out = [{"label": "the scenario's faults", "value": ""}]
    out += [{"label": f"region {r} fails", "value": f"r:{r}"} for r in graph.regions]
    out += [
        {"label": f"{graph.label(c)} fails", "value": f"c:{c}"} for c in sorted(graph.components)
    ]
    return out


def apply(graph: Graph, scenario: ScenarioDocument, spec: WhatIf) -> ScenarioDocument:
    """``scenario`` changed as ``spec`` says (the same scenario when it is the baseline)."""
    if is_baseline(spec):
        return scenario
    start = scenario.start or min(f.at for f in scenario.faults)
    faults = list(scenario.faults)
    actions = list(scenario.actions)
    overrides = list(scenario.overrides)
    chosen = str(spec.get("fault") or "")
    if chosen:
        kind, _, name = chosen.partition(":")
        target = {"component": name} if kind == "c" else {"region": name}
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
    wanted = set(spec.get("mitigations", []))
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
    if "stale-cache" in wanted:
        overrides += _stale_overrides(graph)
    return scenario.model_copy(
        update={
            "start": start,
            "faults": tuple(faults),
            "actions": tuple(sorted(actions, key=lambda a: a.at)),
            "overrides": tuple(overrides),
        }
    )


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


def _stale_overrides(graph: Graph) -> list[Override]:
    """Serve-stale, hour-long caches on every cached dependency and every dependency on DNS."""
    out = []
    for cid in sorted(graph.components):
        for dep in graph.components[cid].depends_on:
            target = graph.components.get(dep.target)
            dns = target is not None and target.kind.value == "dns"
            if dep.cache_ttl or dns:
                ttl = max(STALE_TTL, dep.cache_ttl or 0.0)
                out.append(
                    Override.model_validate(
                        {
                            "component": cid,
                            "dependency": dep.target,
                            "set": {"cache_ttl": ttl, "serve_stale": True},
                            "notes": "what-if: longer, serve-stale cache",
                        }
                    )
                )
    return out


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
