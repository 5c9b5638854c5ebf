"""From a losing race to the trigger of a propagation scenario.

A run of :func:`blast.race.des.simulate` that empties a record says *when* (seconds
into the window), *which* endpoints, which Enactor wrote the stale plan, whose
clean-up deleted it, and which Enactors then failed to write (the automation
stuck). :class:`RaceTrigger` keeps exactly that and turns it into the ``faults``
entries of a ``blast.sim`` scenario (plain dicts, the scenario file's shape:
``id``, ``target``, ``mode``, ``at``, ``until``/``for``, ``description``,
``sources``), so that root cause and blast radius are one story. Component ids
are parameters: the race knows endpoints and Enactors, the graph knows ids.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from blast.errors import BadInputError
from blast.parallel import run_rng
from blast.race.des import RaceParams, RaceRun, simulate

PES = "https://aws.amazon.com/message/101925/"


@dataclass(frozen=True)
class RaceTrigger:
    """What a losing run hands to the simulation.

    ``empty_after`` is in seconds from the start of the simulated window;
    ``endpoints`` the records left empty; ``stuck`` the Enactors whose later
    writes failed on the rollback record (empty when the run stopped at once).
    """

    empty_after: float
    endpoints: tuple[str, ...]
    stale_plan: int
    stale_writer: str
    deleter: str
    stuck: tuple[str, ...]
    seed: int
    run: int

    @classmethod
    def from_run(cls, run: RaceRun, seed: int, index: int) -> RaceTrigger:
        if run.empty_at is None or run.stale_plan is None:
            raise BadInputError("this run never emptied a record: there is no trigger")
        return cls(
            empty_after=run.empty_at,
            endpoints=run.empty_endpoints,
            stale_plan=run.stale_plan,
            stale_writer=run.stale_writer or "",
            deleter=run.deleter or "",
            stuck=run.stuck_enactors,
            seed=seed,
            run=index,
        )

    def to_scenario_faults(
        self,
        start: datetime,
        records: Mapping[str, str],
        automation: Sequence[str] = (),
        *,
        until: str | None = None,
        duration: str | None = None,
        sources: Sequence[str] = (PES,),
    ) -> list[dict[str, Any]]:
        """The ``faults`` of a scenario: each empty record down, the automation down.

        Parameters
        ----------
        start:
            Wall-clock time (with an offset) of the window's second 0; each fault
            starts at ``start + empty_after``.
        records:
            Endpoint name to component id, e.g. ``{"regional":
            "aws.use1.dynamodb.dns-record"}``; an empty endpoint missing here is
            an error (the caller must say where it lives in the graph).
        automation:
            Component ids of the DNS automation (Planner, Enactors); each gets a
            ``control``-plane fault: no Enactor can apply a plan any more.
        until, duration:
            How the faults end: the id of a repair action, or a duration such as
            ``"2h37m"``; neither leaves them open.

        Example
        -------
        >>> t = RaceTrigger(12.5, ("regional",), 3, "Enactor A", "Enactor B", (), 1, 7)
        >>> f = t.to_scenario_faults(datetime.fromisoformat("2025-10-19T23:48:00-07:00"),
        ...                          {"regional": "aws.use1.dynamodb.dns-record"})
        >>> f[0]["target"], f[0]["at"]
        ('aws.use1.dynamodb.dns-record', '2025-10-19T23:48:12.500000-07:00')
        """
        if start.tzinfo is None:
            raise BadInputError("start needs a UTC offset (scenario times are ISO 8601 with one)")
        if until is not None and duration is not None:
            raise BadInputError("give until or duration, not both")
        missing = [e for e in self.endpoints if e not in records]
        if missing:
            raise BadInputError(f"no component id given for endpoint(s): {', '.join(missing)}")
        at = (start + timedelta(seconds=self.empty_after)).isoformat()
        end: dict[str, str] = {}
        if until is not None:
            end["until"] = until
        if duration is not None:
            end["for"] = duration
        why = (
            f"{self.stale_writer} applied stale plan {self.stale_plan} just before "
            f"{self.deleter}'s clean-up deleted it (blast race, seed {self.seed}, run {self.run})"
        )
        faults: list[dict[str, Any]] = [
            {
                "id": f"race-empty-{endpoint}",
                "target": records[endpoint],
                "mode": "down",
                "at": at,
                **end,
                "description": f"The {endpoint} DNS record is empty: {why}.",
                "sources": list(sources),
            }
            for endpoint in self.endpoints
        ]
        stuck = ", ".join(self.stuck) if self.stuck else "every Enactor"
        faults += [
            {
                "id": f"race-automation-stuck-{i + 1}",
                "target": component,
                "mode": "down",
                "plane": "control",
                "at": at,
                **end,
                "description": (
                    f"DNS automation stuck: the rollback record points at deleted plan "
                    f"{self.stale_plan}, so {stuck} cannot apply any later plan."
                ),
                "sources": list(sources),
            }
            for i, component in enumerate(automation)
        ]
        return faults


def find_trigger(
    params: RaceParams, seed: int, max_runs: int = 100_000
) -> tuple[RaceTrigger, RaceRun]:
    """The first losing window of ``seed`` (run order), replayed with its full trace.

    Runs stop at the empty record while searching; the losing run is then played
    again, same generator, to the end of its window, so the trace shows the stuck
    automation too. Raises ``BadInputError`` when no window of ``max_runs`` loses
    (a fixed protocol, for instance).
    """
    for i in range(max_runs):
        if simulate(params, run_rng(seed, 0, i)).empty_at is not None:
            full = simulate(params, run_rng(seed, 0, i), trace=True, stop_at_empty=False)
            return RaceTrigger.from_run(full, seed, i), full
    raise BadInputError(f"no window of {max_runs} emptied a record (seed {seed})")


def replay(params: RaceParams, seed: int, run: int) -> RaceRun:
    """Run ``run`` of ``seed`` again, traced, to the end of its window."""
    rng: random.Random = run_rng(seed, 0, run)
    return simulate(params, rng, trace=True, stop_at_empty=False)
