"""Score a simulation journal against an incident's post-mortem tables.

The honesty rule of a reconstruction is enforced here, before anything is
scored: every operator action of the scenario must cite, among its
``sources``, the id of the ``events.csv`` row that states it, and must happen at
that row's time (to the minute). An action nobody can point to in the
post-mortem, or moved to fit, is refused; impact windows only come out of the
engine.
"""

from __future__ import annotations

from datetime import timedelta

from blast.errors import BadInputError
from blast.scoring.compare import Score, Segment, SimulatedWindow, score
from blast.scoring.reference import IncidentData
from blast.sim.journal import Journal
from blast.sim.scenario import ScenarioDocument

ACTION_TOLERANCE = timedelta(minutes=1)


class UncitedActionError(BadInputError):
    """Raised when a scenario's operator action cites no post-mortem event, or is off its time."""


def simulated_windows(journal: Journal) -> tuple[SimulatedWindow, ...]:
    """Every impact window of the journal as absolute times; open windows end at the horizon.

    Each window is split into segments at every change of cause, each naming the dependency
    that causes it (for matching a reference window by its named causes). A segment caused
    by the component's own state (a collapsed or throttled queue, a ramp, a warm-up, a stuck
    state: no dependency) is the aftermath of what came before it and keeps its cause; it
    also names the component itself, so that a reference window whose ``caused_by`` names
    the component (a stuck subsystem, its own backlog) is matched with those stretches.
    """
    horizon = journal.time(journal.horizon)
    out = []
    for w in journal.windows():
        end = journal.horizon if w.end is None else w.end
        inside = [e for e in journal.events_of(w.component) if w.start <= e.t < end]
        segments: list[Segment] = []
        causes: frozenset[str] = frozenset()
        for k, event in enumerate(inside):
            seg_end = inside[k + 1].t if k + 1 < len(inside) else end
            if event.cause.dependency:
                causes = frozenset((event.cause.dependency,))
            elif event.state != "up":  # its own state: the aftermath, and the component itself
                causes = causes | {w.component}
            if event.state != "up" and seg_end > event.t:
                segments.append(Segment(journal.time(event.t), journal.time(seg_end), causes))
        out.append(
            SimulatedWindow(
                component=w.component,
                start=journal.time(w.start),
                end=horizon if w.end is None else journal.time(w.end),
                open=w.end is None,
                segments=tuple(segments),
            )
        )
    return tuple(out)


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
    journal: Journal, scenario: ScenarioDocument, data: IncidentData, scenario_name: str
) -> Score:
    """Check the scenario's actions, then score the journal's windows against ``data``."""
    check_actions(scenario, data, scenario_name)
    return score(
        simulated_windows(journal),
        data.scored_windows(),
        [action.at for action in scenario.actions],
        [(f.component, f.window, f.edge) for o in scenario.overrides for f in o.fitted_to]
        + [(f.component, f.window, f.edge) for a in scenario.actions for f in a.fitted_to],
    )
