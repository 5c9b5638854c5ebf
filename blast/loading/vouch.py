"""Components vouched for without pydantic: the plain form most big graphs are written in.

Pydantic builds a model per component and per dependency (about 3 s at 100,000
components and 674,000 dependencies, half of a cold load); a cold command that
only analyses needs none of them, only the columns and edges of
:mod:`blast.model.compact`. :func:`vouch` reads one component's parsed data and
returns its :data:`Row` (the fields the analyses read, its dependencies' targets
and kinds, the sources the checks across files look up) when the data is in a
form it is *sure* the pydantic models accept, with the same values; otherwise it
returns None and the loader validates that component with pydantic as before
(:func:`row_of` then reads the same row from the model). The form vouched for:

- a mapping whose keys are among ``id, name, kind, provider, region, scope, az,
  plane, user_facing, assumed, tags, notes, sources, depends_on`` and the simulation
  parameters ``timing``, ``queue``, ``health_check`` (a component with ``facts`` or
  any other key goes to pydantic);
- every value of exactly the type the model takes (text is ``str``, flags are
  ``bool``, lists are lists of text), enums among their values, the id matching
  :data:`~blast.model.vocabulary.ID_PATTERN` in full, the region and zone checked
  by the same functions as the model's validators (:func:`blast.model.rules.region_problem`,
  :func:`~blast.model.rules.az_problem`), the default scope and the checks across
  fields as :meth:`Component._whole <blast.model.spec.Component>` has them;
- each dependency a bare id, or a mapping of ``target``, ``type``, ``purpose``,
  ``assumed``, ``notes`` and ``sources`` and simulation parameters but ``attrition``;
- the simulation parameters, a set at a time, as :mod:`blast.loading.vouchsim` vouches
  for them (each distinct set validated once by pydantic), which gives the row their
  keys in the compact form (:mod:`blast.model.simparams`).

A dependency's target is not matched against the id pattern here: the checks
across files (:mod:`blast.loading.fastgraph`) require every target to be the id
of a valid component or group, which matched it. Nothing is ever *refused* here:
anything doubtful goes to pydantic, whose errors (and the located second pass)
are the ones users see.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from blast.loading.vouchsim import (
    COMPONENT_SETS,
    DEPENDENCY_SETS,
    MEMO_MAX,
    component_key,
    dependency_key,
)
from blast.model.compact import EDGE_CODE
from blast.model.durations import parse_duration
from blast.model.enums import DependencyType, Kind, Plane, RedundancyMode, Scope
from blast.model.rules import GLOBAL_REGION, ID_PATTERN, az_problem, region_problem
from blast.model.simparams import NOT_SIMULATION, model_keys

if TYPE_CHECKING:
    from blast.model.spec import Component

SimKeys = tuple[bytes, list[bytes]]
"""A component's simulation parameters: the key of its own set and of each of its
dependencies' in the compact form (:func:`blast.model.simparams.set_key`)."""

Row = tuple[
    str,  # id
    str,  # name
    Kind,
    str,  # region
    Scope,
    str,  # provider
    bool,  # user_facing
    tuple[str, ...],  # tags
    list[str],  # the dependencies' targets, in order
    list[int],  # their kinds (blast.model.compact.EDGE_CODE)
    list[str],  # every source the component cites (its own, its facts', its dependencies')
    SimKeys | None,  # its simulation parameters, None when it sets none
]
"""What the loader keeps of a valid component: the columns, the edges, the sources, the
simulation parameters."""

COLUMNS = 8
"""The first fields of a :data:`Row`: those of :class:`~blast.model.compact.Columns`, in order."""

# what the models validate but no simulation parameter; facts need the models too
_COMPONENT_KEYS = NOT_SIMULATION["component"] - {"facts"}
_DEPENDENCY_KEYS = NOT_SIMULATION["dependency"]
_ID = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))
"""The id pattern, matched in full (``fullmatch``: no trailing line break passes)."""
_KINDS: dict[str, Kind] = {k.value: k for k in Kind}
_SCOPES: dict[str, Scope] = {s.value: s for s in Scope}
_PLANES = frozenset(p.value for p in Plane)
_CODES: dict[str, int] = {t.value: EDGE_CODE[t] for t in DependencyType}
_HARD = EDGE_CODE[DependencyType.HARD]
_ZONAL, _REGIONAL, _GLOBAL = Scope.ZONAL, Scope.REGIONAL, Scope.GLOBAL
_STR_ONLY = {str}
_EMPTY: list[str] = []
_NO_SET = b"{}"
"""The key of the empty parameter set."""


def _texts(value: object) -> bool:
    """Whether ``value`` is a list of text (what a ``tuple[str, ...]`` field takes as it is)."""
    return type(value) is list and set(map(type, value)) <= _STR_ONLY


def vouch(item: Any) -> Row | None:
    """The :data:`Row` of a component's parsed data when pydantic surely accepts it, else None."""
    try:
        return _vouch(item)
    except TypeError:  # an unhashable value where an enum's text belongs: pydantic says why
        return None


def _vouch(item: Any) -> Row | None:
    if type(item) is not dict:
        return None
    own = None  # the component's simulation parameters, as written
    if not _COMPONENT_KEYS.issuperset(item):
        extra = item.keys() - _COMPONENT_KEYS
        if not COMPONENT_SETS.issuperset(extra):
            return None
        own = {key: item[key] for key in extra}
    get = item.get
    cid, name, provider = get("id"), get("name", ""), get("provider", "")
    region = get("region", GLOBAL_REGION)
    if type(cid) is not str or type(name) is not str or type(provider) is not str:
        return None
    if type(region) is not str or _ID.fullmatch(cid) is None:
        return None
    kind = _KINDS.get(get("kind"))  # type: ignore[arg-type]
    if kind is None:
        return None
    if "scope" in item:
        scope = _SCOPES.get(item["scope"])
        if scope is None:
            return None
    else:
        scope = _GLOBAL if region == GLOBAL_REGION else _REGIONAL
    if region_problem(provider, region) is not None:
        return None
    az = get("az")
    if az is not None and (type(az) is not str or az_problem(az, scope, provider, region)):
        return None
    if (scope is _ZONAL and not az) or (scope is not _GLOBAL and region == GLOBAL_REGION):
        return None
    plane = get("plane")
    if plane is not None and plane not in _PLANES:
        return None
    user_facing = get("user_facing", False)
    if type(user_facing) is not bool or type(get("assumed", False)) is not bool:
        return None
    if type(get("notes", "")) is not str:
        return None
    tags = get("tags")
    if tags is None:
        if "tags" in item:
            return None
        tags = ()
    elif _texts(tags):
        tags = tuple(tags)
    else:
        return None
    sources = get("sources")
    if sources is None:
        if "sources" in item:
            return None
        sources = _EMPTY
    elif not _texts(sources):
        return None
    own_key = _NO_SET if own is None else component_key(own)
    if own_key is None:
        return None
    deps = get("depends_on")
    if deps is None:
        if "depends_on" in item:
            return None
        deps = _EMPTY
    elif type(deps) is not list:
        return None
    head = (cid, name, kind, region, scope, provider, user_facing, tags)
    if set(map(type, deps)) <= _STR_ONLY:  # bare ids, the usual case: hard dependencies
        sim = None if own_key == _NO_SET else (own_key, [_NO_SET] * len(deps))
        return (*head, deps, [_HARD] * len(deps), sources, sim)
    targets: list[str] = []
    kinds: list[int] = []
    sets: list[bytes] = []
    cited = list(sources)
    for dep in deps:
        if type(dep) is str:
            targets.append(dep)
            kinds.append(_HARD)
            sets.append(_NO_SET)
            continue
        if type(dep) is not dict:
            return None
        names = tuple(dep)
        shape = _SHAPES.get(names)
        if shape is None:
            shape = _shape(names)
            if shape is None:
                return None
        parameters, documented = shape
        if parameters:
            key = dependency_key(parameters, tuple(map(dep.__getitem__, parameters)))
            if key is None:
                return None
            sets.append(key)
        else:
            sets.append(_NO_SET)
        target, code = dep.get("target"), _CODES.get(dep.get("type", "hard"))
        if type(target) is not str or code is None:
            return None
        if documented:
            if type(dep.get("purpose", "")) is not str or type(dep.get("notes", "")) is not str:
                return None
            if type(dep.get("assumed", False)) is not bool:
                return None
            written = dep.get("sources")
            if written is not None:
                if not _texts(written):
                    return None
                cited.extend(written)
            elif "sources" in dep:
                return None
        targets.append(target)
        kinds.append(code)
    return (*head, targets, kinds, cited, _sim_keys(own_key, sets))


_SHAPES: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
"""A dependency mapping's keys (in the order written) -> :func:`_shape` of them."""
_DOCUMENTATION = frozenset({"purpose", "notes", "assumed", "sources"})


def _shape(names: tuple[str, ...]) -> tuple[tuple[str, ...], bool] | None:
    """Its simulation parameters' names (in order) and whether it has documentation fields,
    for a dependency mapping with keys ``names``; None when :func:`vouch` does not take one
    of them. Remembered (a big graph writes a few shapes), bounded like the sets' memo."""
    if not all(type(name) is str for name in names):
        return None
    parameters = tuple(name for name in names if name not in _DEPENDENCY_KEYS)
    if not DEPENDENCY_SETS.issuperset(parameters):
        return None
    if len(_SHAPES) >= MEMO_MAX:
        _SHAPES.clear()
    shape = _SHAPES[names] = (parameters, not _DOCUMENTATION.isdisjoint(names))
    return shape


class GroupRow(NamedTuple):
    """What the loader keeps of a valid redundancy group: the attributes of
    :class:`~blast.model.spec.RedundancyGroup` that the checks and the graph read."""

    id: str
    name: str
    members: tuple[str, ...]
    min_up: int
    sources: list[str]


_GROUP_KEYS = frozenset(
    {"id", "name", "members", "min_up", "mode", "failover_time", "notes", "sources"}
)
_MODES = frozenset(m.value for m in RedundancyMode)
_HEADER_KEYS = frozenset({"version", "name", "description", "include", "references"})


def vouch_group(item: Any) -> GroupRow | None:
    """The :class:`GroupRow` of a group's parsed data when pydantic surely accepts it, else
    None: the same checks as :class:`~blast.model.spec.RedundancyGroup` (at least two
    members, ``1 <= min_up <= members``, a known mode, a duration :func:`parse_duration`
    reads), on exactly the types the model takes."""
    try:
        return _vouch_group(item)
    except TypeError:
        return None


def _vouch_group(item: Any) -> GroupRow | None:
    if type(item) is not dict or not _GROUP_KEYS.issuperset(item):
        return None
    get = item.get
    gid, name, notes = get("id"), get("name", ""), get("notes", "")
    members: Any = get("members")
    if type(gid) is not str or _ID.fullmatch(gid) is None:
        return None
    if type(name) is not str or type(notes) is not str or not _texts(members):
        return None
    min_up, sources = get("min_up", 1), get("sources", _EMPTY)
    if type(min_up) is not int or not 1 <= min_up <= len(members) or len(members) < 2:
        return None
    if get("mode", "active-active") not in _MODES or not _texts(sources):
        return None
    failover = get("failover_time")
    if failover is not None:
        try:
            parse_duration(failover)
        except ValueError:
            return None
    return GroupRow(gid, name, tuple(members), min_up, sources)


def vouch_header(data: dict[Any, Any]) -> tuple[str, tuple[str, ...], dict[str, str]] | None:
    """A file's ``(name, include, references)`` when :class:`~blast.model.spec.GraphDocument`
    surely accepts its top-level fields ``data`` (the lists left out), else None."""
    if not _HEADER_KEYS.issuperset(data):
        return None
    version, name = data.get("version", 1), data.get("name", "")
    if type(version) is not int or version != 1:
        return None
    if type(name) is not str or type(data.get("description", "")) is not str:
        return None
    include, references = data.get("include", _EMPTY), data.get("references", {})
    if not _texts(include) or type(references) is not dict:
        return None
    if not set(map(type, references)) <= _STR_ONLY or not _texts(list(references.values())):
        return None
    return name, tuple(include), dict(references)


def row_of(model: Component) -> Row:
    """The :data:`Row` of a component pydantic validated (one :func:`vouch` declined)."""
    deps = model.depends_on
    cited = [*model.sources]
    for fact in model.facts:
        cited.extend(fact.sources)
    for dep in deps:
        cited.extend(dep.sources)
    return (
        model.id,
        model.name,
        model.kind,
        model.region,
        model.scope,
        model.provider,
        model.user_facing,
        model.tags,
        [dep.target for dep in deps],
        [EDGE_CODE[dep.type] for dep in deps],
        cited,
        _sim_keys(*model_keys(model)),
    )


def _sim_keys(own: bytes, deps: list[bytes]) -> SimKeys | None:
    """A component's :data:`SimKeys`, None when every set is empty."""
    if own == _NO_SET and deps.count(_NO_SET) == len(deps):
        return None
    return own, deps
