"""Read and validate scenario files, with every problem located as ``file:line:column``.

Same machinery as graph files (:mod:`blast.loading.yamlsource` keeps positions,
:mod:`blast.loading.loader` maps pydantic errors to them), then the checks
that need the graph: unknown components, regions, zones and providers (with
did-you-mean), ``until`` naming an action, reroutes and overrides naming real
dependencies, and times inside the horizon.
"""

from __future__ import annotations

import re
from itertools import repeat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from blast.errors import GraphFileError, Location, Problem
from blast.loading.loader import _display, load_graph
from blast.loading.messages import did_you_mean as _did_you_mean
from blast.loading.messages import problems_from as _problems_from
from blast.loading.yamlsource import DataPath, SourceDocument, key_path, read_yaml
from blast.model.graph import Graph
from blast.sim.scenario import ScenarioDocument, Target

SCENARIO_KEYS = ("faults", "actions", "horizon")


def looks_like_scenario(data: object) -> bool:
    """Whether parsed YAML is a scenario (``kind: scenario`` or ``faults:``) rather than a graph."""
    return isinstance(data, dict) and (data.get("kind") == "scenario" or "faults" in data)


def is_scenario_file(path: str | Path) -> bool:
    """Whether ``path`` holds a scenario; False for graphs and for unreadable files."""
    try:
        return looks_like_scenario(read_yaml(Path(path), _display(Path(path))).data)
    except GraphFileError:
        return False


class _Checker:
    def __init__(self, doc: SourceDocument, scenario: ScenarioDocument, graph: Graph) -> None:
        self.doc, self.s, self.graph = doc, scenario, graph
        self.problems: list[Problem] = []

    def add(self, path: DataPath, message: str) -> None:
        where = self.doc.locate(path, prefer_key=False)
        self.problems.append(Problem(where, message, key=key_path(path)))

    def node(self, path: DataPath, node: str, *, groups: bool = False) -> None:
        known = list(self.graph.components) + (list(self.graph.groups) if groups else [])
        if node not in known:
            what = "component or group" if groups else "component"
            self.add(path, f"unknown {what} '{node}'{_did_you_mean(node, known)}")

    def target(self, path: DataPath, target: Target, *, groups: bool = False) -> None:
        if target.component is not None:
            self.node(
                (*path, "component") if self._mapping(path) else path,
                target.component,
                groups=groups,
            )
            return
        for key in ("region", "az", "provider"):
            value = getattr(target, key)
            if value is not None and value not in (values := self._places(key)):
                self.add(
                    (*path, key), f"no component has {key} '{value}'{_did_you_mean(value, values)}"
                )
                return
        if target.az is not None:  # zones are no column: the models
            places = [(c.region, c.az, c.provider) for c in self.graph.components.values()]
        else:
            columns = self.graph.columns
            places = list(zip(columns.regions, repeat(None), columns.providers, strict=False))
        if not any(
            (target.region in (None, region))
            and (target.az in (None, az))
            and (target.provider in (None, provider))
            for region, az, provider in places
        ):
            self.add(path, f"no component matches {target.describe()}")

    def _places(self, key: str) -> set[str]:
        """Every region, zone or provider a component names (``key``); regions and
        providers from the graph's columns, which build no model."""
        if key == "region":
            return set(self.graph.columns.regions)
        if key == "provider":
            return {p for p in self.graph.columns.providers if p}
        return {c.az for c in self.graph.components.values() if c.az}

    def _mapping(self, path: DataPath) -> bool:
        data: Any = self.doc.data
        for part in path:
            data = data[part]
        return isinstance(data, dict)

    def sources(self, path: DataPath, sources: tuple[str, ...]) -> None:
        for j, source in enumerate(sources):
            if not source.startswith(("http://", "https://")) and source not in self.s.references:
                self.add(
                    (*path, "sources", j),
                    f"source '{source}' is neither a URL nor a key "
                    f"of `references`{_did_you_mean(source, self.s.references)}",
                )

    def run(self) -> list[Problem]:
        s = self.s
        self.sources((), s.sources)
        start = s.start or min(f.at for f in s.faults)
        end = start.timestamp() + s.horizon
        action_ids: dict[str, int] = {}
        for i, a in enumerate(s.actions):
            path: DataPath = ("actions", i)
            if a.id in action_ids:
                self.add((*path, "id"), f"duplicate action id '{a.id}'")
            action_ids.setdefault(a.id, i)
            if a.target is not None:
                self.target((*path, "target"), a.target, groups=True)
            if a.reroute is not None:
                rr = a.reroute
                self.node((*path, "reroute", "component"), rr.component)
                self.node((*path, "reroute", "from"), rr.source, groups=True)
                if rr.to is not None:
                    self.node((*path, "reroute", "to"), rr.to, groups=True)
                comp = self.graph.components.get(rr.component)
                if comp is not None and rr.source not in {d.target for d in comp.depends_on}:
                    self.add(
                        (*path, "reroute", "from"),
                        f"'{rr.component}' does not depend on '{rr.source}'",
                    )
            if a.at < start or a.at.timestamp() > end:
                self.add((*path, "at"), "the action falls outside start .. start + horizon")
            self.sources(path, a.sources)
        fault_ids: set[str] = set()
        for i, f in enumerate(s.faults):
            path = ("faults", i)
            if f.id in fault_ids:
                self.add((*path, "id"), f"duplicate fault id '{f.id}'")
            fault_ids.add(f.id)
            self.target((*path, "target"), f.target)
            if f.until is not None and f.until not in action_ids:
                self.add(
                    (*path, "until"),
                    f"no action with id '{f.until}'{_did_you_mean(f.until, action_ids)}",
                )
            if f.at < start:
                self.add((*path, "at"), "the fault starts before the scenario's `start`")
            self.sources(path, f.sources)
        for i, ov in enumerate(s.overrides):
            path = ("overrides", i)
            self.node((*path, "component"), ov.component)
            comp = self.graph.components.get(ov.component)
            if comp is not None and ov.dependency is not None:
                targets = [d.target for d in comp.depends_on]
                if ov.dependency not in targets:
                    self.add(
                        (*path, "dependency"),
                        f"'{ov.component}' has no dependency on "
                        f"'{ov.dependency}'{_did_you_mean(ov.dependency, targets)}",
                    )
            self.sources(path, ov.sources)
        return self.problems


def _override_problems(doc: SourceDocument, scenario: ScenarioDocument, graph: Graph) -> list:
    from blast.errors import BlastError
    from blast.sim.plan import apply_overrides

    try:
        apply_overrides(graph, scenario)
    except BlastError as exc:
        return [Problem(doc.locate(("overrides",)), str(exc), key="overrides")]
    return []


def _parse(path: Path) -> tuple[SourceDocument | None, ScenarioDocument | None, list[Problem]]:
    display = _display(path)
    if not path.exists():
        return None, None, [Problem(Location(display), f"no such file: {display}")]
    try:
        doc = read_yaml(path, display)
    except GraphFileError as exc:
        return None, None, list(exc.problems)
    if not isinstance(doc.data, dict):
        return (
            doc,
            None,
            [Problem(Location(display, 1, 1), "the top level must be a mapping with `faults:`")],
        )
    try:
        return doc, ScenarioDocument.model_validate(doc.data), []
    except ValidationError as err:
        return doc, None, [_with_aliases(p) for p in _problems_from(err, doc, (), ScenarioDocument)]


_ALIASES = {"duration": "for", "source": "from"}
_UNKNOWN = re.compile(r"^unknown field '([^']*)'(?: \(did you mean '[^']*'\?\))?; allowed: (.*)$")


def _with_aliases(problem: Problem) -> Problem:
    """Unknown-field messages name fields as written in files (``for``, not ``duration``)."""
    match = _UNKNOWN.match(problem.message)
    if not match:
        return problem
    name = match.group(1)
    allowed = [_ALIASES.get(a, a) for a in match.group(2).split(", ")]
    message = f"unknown field '{name}'{_did_you_mean(name, allowed)}; allowed: {', '.join(allowed)}"
    return Problem(problem.location, message, problem.key)


def validate_scenario(path: str | Path, graph: Graph | None = None) -> list[Problem]:
    """Every problem of the scenario file at ``path``; empty when all is well.

    With ``graph`` (or a ``graph:`` key in the file) the ids, places and
    dependencies the scenario names are checked against the graph too.
    """
    path = Path(path)
    doc, scenario, problems = _parse(path)
    if doc is None or scenario is None:
        return problems
    if graph is None and scenario.graph is not None:
        graph_path = path.parent / scenario.graph
        if not graph_path.exists():
            return [
                Problem(
                    doc.locate(("graph",)), f"no such graph file: {scenario.graph}", key="graph"
                )
            ]
        try:
            graph = load_graph(graph_path)
        except GraphFileError as exc:
            return list(exc.problems)
    if graph is not None:
        problems = _Checker(doc, scenario, graph).run()
        if not problems:
            problems = _override_problems(doc, scenario, graph)
    return sorted(problems, key=lambda p: (p.location, p.message))


def load_scenario(path: str | Path, graph: Graph | None = None) -> ScenarioDocument:
    """Read and validate a scenario file (against ``graph`` when given).

    Raises
    ------
    GraphFileError
        With every problem, each located as ``file:line:column: key: message``.
    """
    problems = validate_scenario(path, graph)
    if problems:
        raise GraphFileError(problems)
    _, scenario, _ = _parse(Path(path))
    assert scenario is not None
    return scenario
