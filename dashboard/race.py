"""The race page's data: the losing interleaving and the fixes' effect, cached per content.

Everything shown comes from :mod:`blast.race`: the exhaustive search
(:func:`blast.race.explore.explore`) of the public TLA+ model's configuration
gives the shortest counterexample (breadth-first, so no interleaving loses in
fewer steps) and, for each fix, the count of violating states; the timed Monte
Carlo (:func:`blast.race.montecarlo.race_table`, fixed seed, common random
numbers) gives what each fix costs per applied plan. See ``docs/race.md``.

The four explorations and the Monte Carlo take seconds, so the result is cached
per *content*: the configuration, the Monte Carlo settings and the source of the
race modules. In memory per process, and as a JSON entry next to the loading
cache (:func:`blast.loading.cache.cache_dir`) so that a new worker, or the next
start, reads it in milliseconds instead of recomputing. The entry is plain data
(never pickle) and is recomputed when it does not parse.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import blast
from blast.gcpause import gc_paused
from blast.loading.cache import cache_dir
from blast.race.des import RaceParams
from blast.race.diagram import Message, from_counterexample
from blast.race.explore import explore
from blast.race.montecarlo import race_table
from blast.race.protocol import Config, Fix

CONFIG = Config()
"""The public TLA+ model's configuration: 2 Enactors, plans up to 5, threshold 2."""
MC_RUNS = 200
"""Monte Carlo windows per protocol variant for the fix costs (seed :data:`MC_SEED`)."""
MC_SEED = 1
FORMAT = 1
_SOURCES = ("protocol.py", "explore.py", "des.py", "montecarlo.py", "diagram.py")
FIX_TEXT = {
    "none": "the protocol as it ran on the day",
    "a": "compare-and-set on the plan generation at each endpoint write",
    "b": "clean-up never deletes a plan in effect (read and delete in one transaction)",
    "c": "fencing token per Enactor run; an endpoint rejects lower tokens",
}


@dataclass(frozen=True)
class Step:
    """One step of the shortest counterexample, with the state fields it changed."""

    number: int
    actor: str
    text: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class FixRow:
    """One protocol variant: exhaustive verdicts and Monte Carlo costs per applied plan."""

    fix: str
    states: int
    safety_violations: int
    progress_violations: int
    shortest: int | None
    probability_empty: float
    mc_runs: int
    mc_empties: int
    writes_per_plan: float
    extra_ops_per_plan: float
    extra_writes_per_plan: float
    added_seconds_per_plan: float


@dataclass(frozen=True)
class RaceView:
    """What the race page shows, all of it computed by the library."""

    enactors: int
    max_plan: int
    threshold: int
    endpoints: tuple[str, ...]
    messages: tuple[Message, ...]
    steps: tuple[Step, ...]
    fixes: tuple[FixRow, ...]
    mc_seed: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RaceView:
        return cls(
            enactors=int(data["enactors"]),
            max_plan=int(data["max_plan"]),
            threshold=int(data["threshold"]),
            endpoints=tuple(data["endpoints"]),
            messages=tuple(Message(**m) for m in data["messages"]),
            steps=tuple(
                Step(s["number"], s["actor"], s["text"], tuple(s["changes"])) for s in data["steps"]
            ),
            fixes=tuple(FixRow(**f) for f in data["fixes"]),
            mc_seed=int(data["mc_seed"]),
        )


def compute(
    config: Config = CONFIG,
    params: RaceParams | None = None,
    runs: int = MC_RUNS,
    seed: int = MC_SEED,
) -> RaceView:
    """Explore ``config`` with no fix and with each fix; cost each fix by Monte Carlo."""
    base = params or RaceParams()
    variants: list[Fix | None] = [None, *Fix]
    with gc_paused():  # tens of thousands of small tuples, no cycles
        explored = [explore(replace(config, fix=f)) for f in variants]
    table = race_table(
        base,
        1,
        seed,
        tails=(base.tail_probability,),
        contentions=(base.contention,),
        fix_runs=runs,
    )
    costs = {c.fix: c for c in table.fixes}
    rows = []
    for fix, result in zip(variants, explored, strict=True):
        name = "none" if fix is None else fix.value
        cost = costs[name]
        cex = result.counterexample
        rows.append(
            FixRow(
                fix=name,
                states=result.states,
                safety_violations=result.safety_violations,
                progress_violations=result.progress_violations,
                shortest=len(cex.steps) if cex else None,
                probability_empty=float(result.probability_empty),
                mc_runs=cost.runs,
                mc_empties=cost.empties,
                writes_per_plan=cost.writes_per_plan,
                extra_ops_per_plan=cost.extra_ops_per_plan,
                extra_writes_per_plan=cost.extra_writes_per_plan,
                added_seconds_per_plan=cost.added_seconds_per_plan,
            )
        )
    cex = explored[0].counterexample
    messages = tuple(from_counterexample(cex, config)) if cex else ()
    steps = tuple(
        Step(s.number, s.actor, s.text, tuple(f"{k}: {a} → {b}" for k, a, b in s.diff))
        for s in (cex.steps if cex else ())
    )
    return RaceView(
        enactors=config.enactors,
        max_plan=config.max_plan,
        threshold=config.threshold,
        endpoints=config.endpoints,
        messages=messages,
        steps=steps,
        fixes=tuple(rows),
        mc_seed=seed,
    )


def content_key(config: Config, params: RaceParams, runs: int, seed: int) -> str:
    """The cache key: inputs, Blast's version and the source of the race modules."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"race-view {FORMAT} {blast.__version__} {config!r} {params!r} {runs} {seed}".encode())
    package = Path(blast.__file__).parent / "race"
    for name in _SOURCES:
        h.update(b"\0" + (package / name).read_bytes())
    return h.hexdigest()


_memory: dict[str, RaceView] = {}
_lock = threading.Lock()


def race_view(
    config: Config = CONFIG,
    params: RaceParams | None = None,
    runs: int = MC_RUNS,
    seed: int = MC_SEED,
) -> RaceView:
    """:func:`compute`, cached in memory and on disk per :func:`content_key`."""
    base = params or RaceParams()
    key = content_key(config, base, runs, seed)
    with _lock:
        if key in _memory:
            return _memory[key]
        path = cache_dir() / f"race-{key}.json"
        view = _read(path)
        if view is None:
            view = compute(config, base, runs, seed)
            _write(path, view)
        _memory[key] = view
        return view


def _read(path: Path) -> RaceView | None:
    try:
        return RaceView.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, view: RaceView) -> None:
    """Atomically (temporary file renamed into place); a read-only cache is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".race-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(view.to_json(), out)
        os.replace(tmp, path)
    except OSError:
        return
