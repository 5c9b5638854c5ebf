"""Monte Carlo of the timed race: P(empty record) per window and per day, and fix costs.

Each run is one window of :class:`~blast.race.des.RaceParams` ``horizon`` seconds,
started from a healthy steady state, simulated by :func:`blast.race.des.simulate`
with its own generator (:mod:`blast.parallel`). Windows are independent, so with
``w = 86400 / horizon`` windows a day, ``P(day) = 1 - (1 - P(window))^w``; the
Wilson interval of ``P(window)`` maps to the per-day interval by the same monotone
function. A race whose stall straddles two windows is not counted: the per-day
figure is a slight under-estimate, stated in ``docs/race.md``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from blast.parallel import Job, run_jobs
from blast.race.des import RaceParams, simulate
from blast.race.protocol import Fix
from blast.race.stats import Estimate, wilson

DAY = 86_400.0
TAILS = (0.001, 0.01, 0.05)
"""Default table rows: share of writes in the heavy latency tail."""
CONTENTIONS = (0.0, 0.1, 0.3)
"""Default table columns: chance a lock attempt meets another client's lock."""


def window(params: RaceParams, rng: random.Random) -> tuple[bool, int, int, int, float]:
    """One window, reduced to what the tables need (small, so cheap to ship back).

    Returns (record went empty, endpoint writes, extra operations, runs completed,
    seconds spent in completed runs).
    """
    run = simulate(params, rng)
    return (run.empty_at is not None, run.writes, run.extra_ops, run.plans_applied, run.run_seconds)


@dataclass(frozen=True)
class Cell:
    """One setting of the table and its estimates."""

    tail_probability: float
    contention: float
    window: Estimate
    day: Estimate


@dataclass(frozen=True)
class FixCost:
    """A protocol variant at the base setting: empties, and what each applied plan costs."""

    fix: str
    runs: int
    empties: int
    writes_per_plan: float
    extra_ops_per_plan: float
    seconds_per_plan: float
    extra_writes_per_plan: float
    added_seconds_per_plan: float


@dataclass(frozen=True)
class RaceTable:
    """The whole Monte Carlo answer: settings table and fix costs, with what produced them."""

    base: RaceParams
    seed: int
    runs: int
    confidence: float
    windows_per_day: float
    cells: tuple[Cell, ...]
    fixes: tuple[FixCost, ...]


def _cost(
    name: str, results: list[tuple[bool, int, int, int, float]]
) -> tuple[str, int, int, float, float, float]:
    plans = max(1, sum(r[3] for r in results))
    return (
        name,
        len(results),
        sum(r[0] for r in results),
        sum(r[1] for r in results) / plans,
        sum(r[2] for r in results) / plans,
        sum(r[4] for r in results) / plans,
    )


def race_table(
    base: RaceParams,
    runs: int,
    seed: int,
    *,
    tails: tuple[float, ...] = TAILS,
    contentions: tuple[float, ...] = CONTENTIONS,
    fix_runs: int | None = None,
    confidence: float = 0.95,
    workers: int = 1,
    scheduler: str | None = None,
) -> RaceTable:
    """Estimate P(empty record) over ``tails`` x ``contentions``, and the cost of each fix.

    ``runs`` windows in all, split evenly over the cells (at least one each);
    ``fix_runs`` windows for each of: no fix, fix a, b, c at ``base`` (default: as
    many as one cell). ``base.fix`` applies to the table. The same ``seed`` gives
    the same table for any ``workers`` or ``scheduler``.
    """
    settings = [(t, c) for t in tails for c in contentions]
    per_cell = max(1, runs // max(1, len(settings)))
    per_fix = per_cell if fix_runs is None else fix_runs
    variants: list[Fix | None] = [None, *Fix]
    jobs = [
        Job(window, replace(base, tail_probability=t, contention=c), per_cell) for t, c in settings
    ]
    # The fix variants share one stream (common random numbers): their costs differ
    # by the protocol, not by luck.
    shared = len(jobs)
    jobs += [Job(window, replace(base, fix=f), per_fix, stream=shared) for f in variants]
    results = run_jobs(jobs, seed, workers=workers, scheduler=scheduler)
    windows = DAY / base.horizon
    cells = []
    for (t, c), res in zip(settings, results, strict=False):
        est = wilson(sum(r[0] for r in res), len(res), confidence)
        cells.append(Cell(t, c, est, est.scaled(windows)))
    raw = [
        _cost("none" if f is None else f.value, res)
        for f, res in zip(variants, results[len(settings) :], strict=True)
    ]
    base_writes, base_seconds = raw[0][3], raw[0][5]
    fixes = tuple(
        FixCost(
            fix=name,
            runs=n,
            empties=empties,
            writes_per_plan=w,
            extra_ops_per_plan=x,
            seconds_per_plan=s,
            extra_writes_per_plan=w + x - base_writes,
            added_seconds_per_plan=s - base_seconds,
        )
        for name, n, empties, w, x, s in raw
    )
    return RaceTable(base, seed, runs, confidence, windows, tuple(cells), fixes)
