"""The race's results as JSON-ready dicts (the shapes of ``blast race --json``, docs/cli.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from blast.race.des import RaceParams
from blast.race.diagram import Message
from blast.race.explore import Counterexample, Exploration
from blast.race.montecarlo import RaceTable
from blast.race.trigger import RaceTrigger


def _counterexample(cex: Counterexample | None) -> dict[str, Any] | None:
    if cex is None:
        return None
    return {
        "property": cex.property,
        "length": len(cex.steps),
        "steps": [
            {
                "number": s.number,
                "actor": s.actor,
                "kind": s.kind,
                "text": s.text,
                "diff": [{"field": f, "before": b, "after": a} for f, b, a in s.diff],
            }
            for s in cex.steps
        ],
    }


def exploration(result: Exploration) -> dict[str, Any]:
    """An exhaustive search: configuration, sizes, verdicts, counterexamples, exact odds."""
    c = result.config
    p = result.probability_empty
    return {
        "mode": "exhaustive",
        "config": {
            "enactors": c.enactors,
            "max_plan": c.max_plan,
            "threshold": c.threshold,
            "endpoints": list(c.endpoints),
            "atomic": c.atomic,
            "locks": c.locks,
            "fix": c.fix.value if c.fix else None,
        },
        "states": result.states,
        "transitions": result.transitions,
        "depth": result.depth,
        "terminal_states": result.terminal_states,
        "safety_violations": result.safety_violations,
        "progress_violations": result.progress_violations,
        "probability_empty": {
            "scheduler": "uniform",
            "exact": f"{p.numerator}/{p.denominator}",
            "value": float(p),
        },
        "counterexample": _counterexample(result.counterexample),
        "progress_counterexample": _counterexample(result.progress_counterexample),
    }


def params(p: RaceParams) -> dict[str, Any]:
    out = asdict(p)
    out["endpoints"] = list(p.endpoints)
    out["fix"] = p.fix.value if p.fix else None
    return out


def table(t: RaceTable) -> dict[str, Any]:
    """A Monte Carlo table: every cell with its intervals, and the fix costs."""
    return {
        "mode": "montecarlo",
        "seed": t.seed,
        "runs": t.runs,
        "confidence": t.confidence,
        "windows_per_day": t.windows_per_day,
        "params": params(t.base),
        "cells": [
            {
                "tail_probability": c.tail_probability,
                "contention": c.contention,
                "runs": c.window.runs,
                "empties": c.window.successes,
                "p_window": c.window.p,
                "p_window_low": c.window.low,
                "p_window_high": c.window.high,
                "p_day": c.day.p,
                "p_day_low": c.day.low,
                "p_day_high": c.day.high,
                "expected_per_day": c.window.p * t.windows_per_day,
            }
            for c in t.cells
        ],
        "fixes": [asdict(f) for f in t.fixes],
    }


def trigger(t: RaceTrigger | None) -> dict[str, Any] | None:
    if t is None:
        return None
    out = asdict(t)
    out["endpoints"] = list(t.endpoints)
    out["stuck"] = list(t.stuck)
    return out


def messages(items: list[Message]) -> list[dict[str, Any]]:
    return [asdict(m) for m in items]
