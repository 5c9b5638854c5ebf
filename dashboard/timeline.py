"""The timeline page's pure functions: which scenario, its simulation, and its figures.

A graph's scenarios are the shipped scenario files whose ``graph:`` names it (or the
one given with ``app.py --scenario``). The simulation (:func:`blast.sim.simulate`)
is cached per graph and scenario content hash, so scrubbing never re-simulates.
The incident a scenario reconstructs (its ``data/`` folder) is found by
:mod:`dashboard.incident`; the figures are drawn by :mod:`dashboard.figures`.
Times are shown in the scenario's own zone (the offset of its ``start``) with UTC
beside them.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from blast.errors import BlastError
from blast.model.graph import Graph
from blast.scoring.reference import IncidentData
from blast.sim import Journal, ScenarioDocument, simulate
from blast.sim.loader import load_scenario
from dashboard.incident import incident, incident_folder
from dashboard.store import REPO, Analysed

SCENARIOS_DIR = REPO / "graphs" / "scenarios"


def scenarios_for(graph_file: str | Path) -> list[Path]:
    """Scenario files written for ``graph_file``: ``BLAST_SCENARIO`` first, then shipped ones.

    Shipped scenarios come reconstruction first: the one citing the most
    post-mortem events (``references`` pointing at an incident's ``events.csv``),
    so a graph of an incident opens on its replay, not on a trigger-only sketch.
    """
    return list(_scenarios_for(Path(graph_file).resolve(), os.environ.get("BLAST_SCENARIO")))


@lru_cache(maxsize=64)
def _scenarios_for(target: Path, chosen: str | None) -> tuple[Path, ...]:
    found: list[tuple[int, Path]] = []
    candidates = [Path(chosen)] if chosen else []
    candidates += sorted(SCENARIOS_DIR.glob("*.yaml"))
    for path in candidates:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            named = doc.get("graph")
            refs = doc.get("references") or {}
            cited = sum(1 for v in refs.values() if "events.csv" in str(v))
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        same = named and (path.parent / str(named)).resolve() == target
        given = bool(chosen) and path == Path(chosen or "")
        if (same or (given and target == _default())) and path.resolve() not in {
            p for _, p in found
        }:
            found.append((-(1 << 30) if given else -cited, path.resolve()))
    return tuple(p for _, p in sorted(found, key=lambda item: item[0]))


def _default() -> Path | None:
    """The graph ``--scenario`` was checked against (``app.py`` sets ``BLAST_GRAPH``)."""
    named = os.environ.get("BLAST_GRAPH")
    return Path(named).resolve() if named else None


def scenario_key(path: Path) -> str:
    """How a scenario is named in the URL and the chooser: relative to the repository."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path.resolve())


@dataclass(frozen=True, eq=False)
class Simulated:
    """A graph, one of its scenarios, and the journal of playing it out."""

    graph: Graph
    scenario: ScenarioDocument
    journal: Journal
    key: str
    incident: IncidentData | None
    folder: Path | None = None


def content_hash(analysed: Analysed, scenario: ScenarioDocument) -> str:
    """The cache key of a simulation: the graph's digest and the scenario's content."""
    body = scenario.model_dump_json(by_alias=True).encode()
    return hashlib.sha256(analysed.digest.encode() + b"\0" + body).hexdigest()


_JOURNALS: OrderedDict[str, Journal] = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 32
"""Journals kept per process (baselines and recent what-ifs)."""


def run(analysed: Analysed, scenario: ScenarioDocument) -> Journal:
    """The journal of ``scenario`` on the analysed graph, cached by content hash."""
    key = content_hash(analysed, scenario)
    with _LOCK:
        if key in _JOURNALS:
            _JOURNALS.move_to_end(key)
            return _JOURNALS[key]
    journal = simulate(analysed.graph, scenario, seed=0)
    with _LOCK:
        _JOURNALS[key] = journal
        while len(_JOURNALS) > CACHE_SIZE:
            _JOURNALS.popitem(last=False)
    return journal


def _incident(scenario: ScenarioDocument, graph: Graph) -> tuple[Path | None, IncidentData | None]:
    folder = incident_folder(scenario, graph.files)
    try:
        return folder, incident(folder) if folder else None
    except BlastError:  # a broken data folder leaves the timeline without the post-mortem
        return None, None


def simulated(analysed: Analysed, path: Path, key: str | None = None) -> Simulated:
    """Load the scenario at ``path`` against the graph and simulate it (cached).

    ``key`` names it in the URL and the chooser (default: :func:`scenario_key`; an
    uploaded scenario is named by its content hash instead of its stored path).
    """
    return _simulated(analysed, path, path.stat().st_mtime_ns, key or scenario_key(path))


@lru_cache(maxsize=32)
def _simulated(analysed: Analysed, path: Path, stamp: int, key: str) -> Simulated:
    scenario = _scenario(path, stamp, analysed)
    folder, data = _incident(scenario, analysed.graph)
    return Simulated(analysed.graph, scenario, run(analysed, scenario), key, data, folder)


@lru_cache(maxsize=32)
def _scenario(path: Path, stamp: int, analysed: Analysed) -> ScenarioDocument:
    del stamp
    return load_scenario(path, analysed.graph)


def local(journal: Journal, t: float) -> datetime:
    """``t`` as a naive wall-clock time in the scenario's zone (what the axes show)."""
    return journal.time(t).replace(tzinfo=None)


def stamp(journal: Journal, t: float) -> str:
    """``t`` for people: local time with its offset, and UTC."""
    when = journal.time(t)
    return f"{when:%a %H:%M} (UTC{when:%z}) · {when.astimezone(UTC):%H:%M} UTC"


def rows(journal: Journal) -> list[str]:
    """Components with an impact window: user-facing first, then by first impact."""
    first: dict[str, float] = {}
    for w in journal.windows():
        first.setdefault(w.component, w.start)
    uf = set(journal.user_facing)
    return sorted(first, key=lambda c: (c not in uf, first[c], c))


def _zone(journal: Journal) -> str:
    return journal.start.strftime("UTC%z")


def states_at(journal: Journal, nodes: list[str], t: float) -> dict[str, str]:
    """The engine's state of each node at ``t`` (``up``, ``degraded`` or ``down``)."""
    return {n: journal.state_at(n, t) for n in nodes}


def chain(sim: Simulated, component: str, t: float) -> list[dict[str, Any]]:
    """The causal chain of ``component`` at ``t`` back to its trigger, as table rows."""
    journal = sim.journal
    out = []
    for e in journal.explain(component, t):
        out.append(
            {
                "when": stamp(journal, e.t),
                "component": sim.graph.label(e.component)
                if e.component in sim.graph
                else e.component,
                "state": e.state,
                "why": e.cause.mechanism
                + (f" via {e.cause.dependency}" if e.cause.dependency else "")
                + (f" ({e.cause.trigger})" if e.cause.trigger else ""),
            }
        )
    return out
