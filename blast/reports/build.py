"""The architect's report: one serialisable result that HTML, Markdown and JSON render.

Built from the static analysis (:func:`blast.report.top_spofs`, the failure
index, region exposure) plus, optionally, :class:`~blast.reports.figures.SimulationFigures`.
Order of the content: a summary (what a region event takes down, the
concentration score, the top SPOFs), then per SPOF what it takes down, why (one
dependency path per user-facing victim), the recovery order and the
mitigations with their what-ifs, then the blind spots.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, cast

from blast import __version__
from blast.analysis.downwave import DownWave, KeptWalks
from blast.analysis.index import FailureIndex, build_index
from blast.analysis.propagation import down_paths
from blast.jsonalike import float_alike
from blast.model.graph import ASYNC_EDGE, HARD_EDGE, MEMBER_EDGE, Graph
from blast.reports.blindspots import blind_spots
from blast.reports.bounded import LIST_CAP, ReportBlindSpot, capped_spot
from blast.reports.mitigations import Mitigation, finish, plans
from blast.reports.recovery import RecoveryWaves
from blast.reports.regionevent import region_event
from blast.reports.spofrows import Spof, top_spofs
from blast.reports.victims import paths_of
from blast.reports.whatif import measure_all

if TYPE_CHECKING:
    from blast.reports.figures import SimulationFigures
    from blast.sim import ScenarioDocument


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``Report.to_dict()`` (``docs/report.schema.json``)."""
    from pydantic import TypeAdapter

    from blast.schemafile import DRAFT

    schema = TypeAdapter(Report).json_schema(mode="serialization")
    return {"$schema": DRAFT, **schema}


SCHEMA = "blast-report/2"
"""``/2``: the long lists capped by default, their sizes beside them (:mod:`.bounded`)."""
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Victim:
    """A user-facing component a SPOF takes down, and the dependency path that explains it."""

    component: str
    name: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class SpofDetail:
    """Everything the report says about one SPOF."""

    component: str
    name: str
    kind: str
    provider: str
    region: str
    scope: str
    plane: str | None
    user_facing_down: tuple[Victim, ...]
    down: int
    degraded: int
    recovery_order: tuple[tuple[str, ...], ...]
    recovery_wave_sizes: tuple[int, ...]
    mitigations: tuple[Mitigation, ...]
    outage_minutes: float | None


@dataclass(frozen=True)
class RegionEntry:
    """One user-facing component in the region event."""

    component: str
    name: str
    state: str
    path: tuple[str, ...]
    outage_minutes: float | None


@dataclass(frozen=True)
class Summary:
    """The first page: what the region event costs and where the risk concentrates."""

    user_facing: int
    region_down: int
    region_degraded: int
    region_safe: int
    concentration: float
    concentrated: tuple[str, ...]
    protected_by_redundancy: tuple[str, ...]
    anchored_global: tuple[str, ...]
    spofs: int
    top_spofs: tuple[str, ...]
    blind_spots: int
    region_outage_minutes: float | None


@dataclass(frozen=True)
class Report:
    """The whole report (``docs/report.md`` documents its JSON form)."""

    schema: str
    blast_version: str
    graph: str
    description: str
    files: tuple[str, ...]
    components: int
    groups: int
    region: str | None
    summary: Summary
    region_event: tuple[RegionEntry, ...]
    spofs: tuple[SpofDetail, ...]
    blind_spots: tuple[ReportBlindSpot, ...]
    simulation: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, keys as documented: what :func:`dataclasses.asdict` gives,
        without its deep copy of every string (a second of 100,000 components' report)."""
        plain = _plain(self, [])
        assert isinstance(plain, dict)
        return plain

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\\n"``, the same text,
        written by orjson (native code; the standard library's encoder took 1.5 s of a
        100,000-component report) whenever orjson is sure to write what it would: every
        value a plain str, int, bool, None or float with the same repr in both (finite,
        zero or at least 1e-4: below that orjson writes ``0.00001`` where Python writes
        ``1e-05``). Anything else, or anything orjson refuses (keys that are not strings,
        integers past 64 bits), takes the standard library's encoder."""
        import json

        import orjson

        odd: list[object] = []
        plain = _plain(self, odd)
        if not odd:
            try:
                return orjson.dumps(plain, option=orjson.OPT_INDENT_2).decode() + "\n"
            except orjson.JSONEncodeError:
                pass
        return json.dumps(plain, indent=2, ensure_ascii=False) + "\n"


_SCALARS = (str, int, float, bool, type(None))
_STR_ONLY = frozenset({str})
_PLAIN = frozenset({str, int, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}
"""Each dataclass's field names, found once (``dataclasses.fields`` filters them anew)."""


def _plain(value: object, odd: list[object]) -> object:
    """:func:`dataclasses.asdict`'s conversion, immutable scalars passed as they are; ``odd``
    collects the values whose JSON orjson might write differently (see
    :meth:`Report.to_json`). A dataclass's str, int, bool and None fields are taken as
    they are, without a call each (most of a report's values)."""
    kind = type(value)
    if kind in _SCALARS:
        if kind is float and not float_alike(value):  # type: ignore[arg-type]
            odd.append(value)
        return value
    if kind is tuple and set(map(type, cast("tuple[object, ...]", value))) <= _STR_ONLY:
        return value  # ids and names (recovery waves, paths): immutable, no copy to make
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        plain = {}
        for name in names:
            item = getattr(value, name)
            plain[name] = item if type(item) in _PLAIN else _plain(item, odd)
        return plain
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return cast(Any, type(value))(*[_plain(v, odd) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v, odd) for v in value)
    if isinstance(value, dict):
        return type(value)((_plain(k, odd), _plain(v, odd)) for k, v in value.items())
    odd.append(value)
    return copy.deepcopy(value)


def build_report(
    graph: Graph,
    *,
    region: str | None = DEFAULT_REGION,
    top: int = 10,
    simulation: SimulationFigures | None = None,
    description: str = "",
    index: FailureIndex | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    scenario: ScenarioDocument | None = None,
    scenario_source: str = "",
    seed: int = 0,
    full: bool = False,
) -> Report:
    """Analyse ``graph`` for the report.

    Parameters
    ----------
    graph
        The dependency graph.
    region
        The region event of the summary (``None`` to skip it).
    top
        SPOFs detailed (all SPOFs are counted in the summary).
    simulation
        Minutes from a simulation run, when there is one.
    workers, scheduler
        Where the mitigations' what-ifs and the simulations run
        (:mod:`blast.parallel.runner`): local processes, or a Dask scheduler's address.
    scenario, scenario_source, seed
        A scenario to simulate (instead of ``simulation``): every minute of the
        report then comes from :func:`blast.reports.simulated.simulate_figures`;
        ``scenario_source`` says where it came from (a file name).
    full
        Keep every id of the long lists (recovery waves, mitigations' changes, blind
        spots' watched components); by default each keeps its first
        :data:`~blast.reports.bounded.LIST_CAP`, its true size beside it.

    Raises
    ------
    UnknownComponentError
        When ``region`` has no component.
    """
    index = index or build_index(graph)
    sim = simulation
    wave = DownWave(graph)  # the down waves of the region, the what-ifs and the SPOFs
    walks = KeptWalks(wave, index.structure.pos_of_bit)  # the leading SPOFs' radii and causes
    # no blast-radius set of every component
    leading, spof_count = top_spofs(index, top, walks.count_down)
    top_ids = [s.component for s in leading]
    planned = {spof: plans(index, spof, wave) for spof in top_ids}
    if scenario is not None:
        from blast.reports.simulated import simulate_figures

        name = scenario.name or "scenario"
        sim = simulate_figures(
            graph,
            scenario,
            spofs=top_ids,
            plans=planned,
            source=f"{name} ({scenario_source or 'scenario'}), blast.sim seed {seed}",
            seed=seed,
            workers=workers,
            scheduler=scheduler,
        )
    uf = graph.user_facing
    region_entries: tuple[RegionEntry, ...] = ()
    down_ids: tuple[str, ...] = ()
    anchored: tuple[str, ...] = ()
    counts = {"down": 0, "degraded": 0, "safe": len(uf)}
    concentrated: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    recovery = RecoveryWaves(index, wave)
    event = None
    if region is not None:
        event = region_event(graph, region, wave, recovery.nodes, recovery.name_rank)
        anchored = event.anchored_global
        counts = {s: event.count(s) for s in counts}
        region_entries = tuple(
            RegionEntry(
                e.component,
                e.name,
                e.state,
                e.path,
                sim.region_outage_minutes.get(e.component) if sim else None,
            )
            for e in event.states
        )
        down_ids = tuple(e.component for e in event.states if e.state == "down")
        concentrated = down_ids
        reach = wave.reached(event.failed, (HARD_EDGE, MEMBER_EDGE, ASYNC_EDGE)).tolist()
        position = graph.topology.position
        down_set = set(down_ids)
        protected = tuple(u for u in uf if reach[position[u]] and u not in down_set)
    before = {s.component: len(s.user_facing_down) for s in leading}
    before_region = len(down_ids) if region is not None else None
    requests = [
        (plan.change, spof, before[spof], region, before_region)
        for spof in top_ids
        for plan in planned[spof]
    ]
    cap = None if full else LIST_CAP
    measured = iter(measure_all(graph, requests, workers=workers, scheduler=scheduler, wave=wave))
    details = [
        _detail(
            index,
            s,
            [finish(s.component, p, next(measured), cap) for p in planned[s.component]],
            sim,
            walks,
            recovery,
            cap,
        )
        for s in leading
    ]
    summary = Summary(
        user_facing=len(uf),
        region_down=counts["down"],
        region_degraded=counts["degraded"],
        region_safe=counts["safe"],
        concentration=round(len(concentrated) / len(uf), 4) if uf else 0.0,
        concentrated=concentrated,
        protected_by_redundancy=protected,
        anchored_global=anchored,
        spofs=spof_count,
        top_spofs=tuple(top_ids),
        blind_spots=0,
        region_outage_minutes=sim.region_total() if sim else None,
    )
    spots = tuple(
        capped_spot(b, cap) for b in blind_spots(index, region=region, wave=wave, event=event)
    )
    return Report(
        schema=SCHEMA,
        blast_version=__version__,
        graph=graph.name or (graph.files[0] if graph.files else ""),
        description=" ".join(description.split()),
        files=graph.files,
        components=len(graph.components),
        groups=len(graph.groups),
        region=region,
        summary=Summary(**{**asdict(summary), "blind_spots": len(spots)}),
        region_event=region_entries,
        spofs=tuple(details),
        blind_spots=spots,
        simulation=sim.source if sim else None,
    )


def _detail(
    index: FailureIndex,
    row: Spof,
    found: list[Mitigation],
    sim: SimulationFigures | None,
    walks: KeptWalks,
    recovery: RecoveryWaves,
    cap: int | None,
) -> SpofDetail:
    """One SPOF's section, from one propagation of its failure (paths, recovery order).

    ``row`` already has the counts; its user-facing victims (by id) are listed in
    bit order, as the index's blast-radius sets hold them.
    """
    graph = index.graph
    spof = row.component
    c = graph.components[spof]
    victims_ids = sorted(row.user_facing_down, key=index.bit.__getitem__)
    topo = graph.topology
    fell, cause = walks.causes(topo.position[spof])  # propagate's down wave, in numpy
    victims_at = [topo.position[v] for v in victims_ids]
    if fell[victims_at].all():  # always, as the index says (else the reference walk)
        chains = paths_of(cause, recovery.nodes, victims_at)
        paths = dict(zip(victims_ids, chains, strict=True))
    else:
        paths = down_paths(graph, [spof], victims_ids)
    names = graph.columns.names  # a component's label: its name, else its id
    victims = tuple(
        Victim(v, names[p] or v, paths[v]) for v, p in zip(victims_ids, victims_at, strict=True)
    )
    if sim:
        found = [_with_minutes(m, sim) for m in found]
    waves, sizes = recovery.waves(fell, cap)
    return SpofDetail(
        component=spof,
        name=c.label,
        kind=c.kind.value,
        provider=c.provider,
        region=c.region,
        scope=c.scope.value,
        plane=c.plane.value if c.plane else None,
        user_facing_down=victims,
        down=row.down,
        degraded=row.degraded,
        recovery_order=waves,
        recovery_wave_sizes=sizes,
        mitigations=tuple(found),
        outage_minutes=sim.spof_outage_minutes.get(spof) if sim else None,
    )


def _with_minutes(m: Mitigation, sim: SimulationFigures) -> Mitigation:
    from dataclasses import replace

    saved = sim.mitigation_minutes_saved.get(m.id)
    return replace(m, whatif=replace(m.whatif, minutes_saved=saved))
