"""Score a simulation journal against an incident's post-mortem tables.

The honesty rule of a reconstruction is enforced here, before anything is
scored: every operator action of the scenario must cite, among its
``sources``, the id of the ``events.csv`` row that states it, and must happen at
that row's time (to the minute). An action nobody can point to in the
post-mortem, or moved to fit, is refused; impact windows only come out of the
engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from blast.errors import BadInputError
from blast.model.graph import Graph
from blast.scoring.attribution import Attribution, Reach
from blast.scoring.compare import Score, Segment, SimulatedWindow, score
from blast.scoring.reference import IncidentData, ReferenceWindow
from blast.sim.journal import Journal
from blast.sim.plan import apply_overrides
from blast.sim.scenario import ScenarioDocument

ACTION_TOLERANCE = timedelta(minutes=1)


class UncitedActionError(BadInputError):
    """Raised when a scenario's operator action cites no post-mortem event, or is off its time."""


def named_causes(reference: Iterable[ReferenceWindow]) -> dict[str, frozenset[str]]:
    """Each component's cause vocabulary: the union of the ``caused_by`` of its windows."""
    out: dict[str, set[str]] = {}
    for ref in reference:
        if ref.component:
            out.setdefault(ref.component, set()).update(ref.caused_by)
    return {c: frozenset(names) for c, names in out.items()}


def simulated_windows(
    journal: Journal,
    named: Mapping[str, frozenset[str]] | None = None,
    graph: Graph | None = None,
) -> tuple[SimulatedWindow, ...]:
    """Every impact window of the journal as absolute times; open windows end at the horizon.

    Each window of a component that ``named`` gives causes for is split into segments,
    each attributed to the named causes that explain it (:mod:`blast.scoring.attribution`:
    the named component closest to the root on each path of impairing dependencies, with
    the co-impairing dependencies of ``graph`` when given). A stretch of the component's
    own state (no dependency: a collapsed or throttled queue, a ramp, a stuck state) keeps
    the attribution before it, or is the component's own when a window names it.
    """
    named = named or {}
    attribution = Attribution(journal, None if graph is None else Reach.of(graph))
    horizon = journal.time(journal.horizon)
    out = []
    for w in journal.windows():
        end = journal.horizon if w.end is None else w.end
        names = named.get(w.component, frozenset())
        segments = _segments(attribution, w.component, w.start, end, names) if names else ()
        out.append(
            SimulatedWindow(
                component=w.component,
                start=journal.time(w.start),
                end=horizon if w.end is None else journal.time(w.end),
                open=w.end is None,
                segments=segments,
            )
        )
    return tuple(out)


def _segments(
    attribution: Attribution, component: str, start: float, end: float, names: frozenset[str]
) -> tuple[Segment, ...]:
    """The stretches of one window, at every change of its attribution."""
    journal = attribution.journal
    times = sorted(
        {start}
        | {
            e.t
            for c in attribution.related(component)
            for e in journal.events_of(c)
            if start < e.t < end
        }
    )
    segments: list[Segment] = []
    causes: frozenset[str] = frozenset()
    for k, t in enumerate(times):
        seg_end = times[k + 1] if k + 1 < len(times) else end
        now = attribution.named(component, t, names)
        if attribution.own(component, t):  # its own state: the aftermath, or its own window
            now |= {component} if component in names else causes
        causes = now
        if segments and segments[-1].causes == causes:
            last = segments.pop()
            segments.append(Segment(last.start, journal.time(seg_end), causes))
        else:
            segments.append(Segment(journal.time(t), journal.time(seg_end), causes))
    return tuple(segments)


def check_actions(scenario: ScenarioDocument, data: IncidentData, scenario_name: str) -> None:
    """Refuse actions that cite no event of ``data`` or that happen off the cited time.

    Raises :class:`UncitedActionError` naming every such action.
    """
    events = {e.id: e for e in data.events}
    problems: list[str] = []
    for action in scenario.actions:
        cited = [events[s] for s in action.sources if s in events]
        if not cited:
            problems.append(
                f"{scenario_name}: action '{action.id}' cites no event of "
                f"{data.folder}/events.csv; add the id of the row that states it "
                f"(e.g. {next(iter(events), 'E01')}) to its sources"
            )
            continue
        timed = [e for e in cited if e.time is not None]
        if timed and all(abs(action.at - e.time) > ACTION_TOLERANCE for e in timed):  # type: ignore[operator]
            stated = ", ".join(f"{e.id} at {e.time.isoformat()}" for e in timed)  # type: ignore[union-attr]
            problems.append(
                f"{scenario_name}: action '{action.id}' at {action.at.isoformat()} is not at the "
                f"time its events state ({stated})"
            )
    if problems:
        raise UncitedActionError("\n".join(problems))


def score_journal(
    journal: Journal,
    scenario: ScenarioDocument,
    data: IncidentData,
    scenario_name: str,
    graph: Graph | None = None,
) -> Score:
    """Check the scenario's actions, then score the journal's windows against ``data``.

    ``graph`` (the simulated graph; the scenario's overrides are applied here) gives the
    co-impairing dependencies of :mod:`blast.scoring.attribution`; without it only the
    journal's recorded causes attribute a stretch.
    """
    check_actions(scenario, data, scenario_name)
    reference = data.scored_windows()
    return score(
        simulated_windows(
            journal,
            named_causes(reference),
            None if graph is None else apply_overrides(graph, scenario),
        ),
        reference,
        [action.at for action in scenario.actions],
        [(f.component, f.window, f.edge) for o in scenario.overrides for f in o.fitted_to]
        + [(f.component, f.window, f.edge) for a in scenario.actions for f in a.fitted_to],
    )
