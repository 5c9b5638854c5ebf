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
  plane, user_facing, assumed, tags, notes, sources, depends_on`` (a component
  with ``facts``, ``timing``, ``queue``, ``health_check`` or any other key goes
  to pydantic);
- every value of exactly the type the model takes (text is ``str``, flags are
  ``bool``, lists are lists of text), enums among their values, the id matching
  :data:`~blast.model.vocabulary.ID_PATTERN` in full, the region and zone checked
  by the same functions as the model's validators (:func:`blast.model.spec.region_problem`,
  :func:`~blast.model.spec.az_problem`), the default scope and the checks across
  fields as :meth:`Component._whole <blast.model.spec.Component>` has them;
- each dependency a bare id, or a mapping of ``target``, ``type``, ``purpose``,
  ``assumed``, ``notes`` and ``sources`` only.

A dependency's target is not matched against the id pattern here: the checks
across files (:mod:`blast.loading.fastgraph`) require every target to be the id
of a valid component or group, which matched it. Nothing is ever *refused* here:
anything doubtful goes to pydantic, whose errors (and the located second pass)
are the ones users see.
"""

from __future__ import annotations

import operator
import re
from itertools import accumulate, chain, repeat
from typing import Any

from blast.model.compact import EDGE_CODE
from blast.model.enums import DependencyType, Kind, Plane, Scope
from blast.model.spec import Component, az_problem, region_problem
from blast.model.vocabulary import GLOBAL_REGION, ID_PATTERN

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
]
"""What the loader keeps of a valid component: the columns, the edges, the sources."""

COLUMNS = 8
"""The first fields of a :data:`Row`: those of :class:`~blast.model.compact.Columns`, in order."""

_COMPONENT_KEYS = frozenset(
    {
        "id",
        "name",
        "kind",
        "provider",
        "region",
        "scope",
        "az",
        "plane",
        "user_facing",
        "assumed",
        "tags",
        "notes",
        "sources",
        "depends_on",
    }
)
_DEPENDENCY_KEYS = frozenset({"target", "type", "purpose", "assumed", "notes", "sources"})
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
    if type(item) is not dict or not _COMPONENT_KEYS.issuperset(item):
        return None
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
    deps = get("depends_on")
    if deps is None:
        if "depends_on" in item:
            return None
        return (cid, name, kind, region, scope, provider, user_facing, tags, _EMPTY, [], sources)
    if type(deps) is not list:
        return None
    if set(map(type, deps)) <= _STR_ONLY:  # bare ids, the usual case: hard dependencies
        hard = [_HARD] * len(deps)
        return (cid, name, kind, region, scope, provider, user_facing, tags, deps, hard, sources)
    targets: list[str] = []
    kinds: list[int] = []
    cited = list(sources)
    for dep in deps:
        if type(dep) is str:
            targets.append(dep)
            kinds.append(_HARD)
            continue
        if type(dep) is not dict or not _DEPENDENCY_KEYS.issuperset(dep):
            return None
        target, code = dep.get("target"), _CODES.get(dep.get("type", "hard"))
        if type(target) is not str or code is None:
            return None
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
    return (cid, name, kind, region, scope, provider, user_facing, tags, targets, kinds, cited)


def vouch_all(items: list[Any]) -> list[Row] | None:
    """The rows of every item when :func:`vouch` would give one for each, else None.

    The same checks, a column at a time (C-level ``map``s over the items instead of a
    Python call per item: 0.3 s against 0.8 s for 100,000 components on the hubs shape);
    the caller falls back to :func:`vouch` per item when None. A dependency written as
    a mapping with ``sources`` sends the items to that fallback too.
    """
    try:
        return _vouch_all(items) if items else []
    except TypeError:  # an unhashable value where an enum's text belongs
        return None


_ABSENT = object()
_PLANES_OR_NONE = frozenset({*_PLANES, None})
_STR, _BOOL, _LIST, _DICT = {str}, {bool}, {list}, {dict}


def _vouch_all(items: list[Any]) -> list[Row] | None:
    if set(map(type, items)) != _DICT or not all(map(_COMPONENT_KEYS.issuperset, items)):
        return None

    def column(key: str, default: object) -> list[Any]:
        return list(map(dict.get, items, repeat(key), repeat(default)))

    ids, names = column("id", None), column("name", "")
    providers, regions = column("provider", ""), column("region", GLOBAL_REGION)
    if not all(set(map(type, c)) == _STR for c in (ids, names, providers, regions)):
        return None
    if not all(map(_ID.fullmatch, ids)):
        return None
    kinds = list(map(_KINDS.get, column("kind", None)))
    if None in kinds:
        return None
    scopes = [
        (_GLOBAL if region == GLOBAL_REGION else _REGIONAL)
        if written is _ABSENT
        else _SCOPES.get(written)
        for written, region in zip(column("scope", _ABSENT), regions, strict=True)
    ]
    if None in scopes or not set(column("plane", None)) <= _PLANES_OR_NONE:
        return None
    for provider, region in set(zip(providers, regions, strict=True)):
        if region_problem(provider, region) is not None:
            return None
    azs = column("az", None)
    if azs.count(None) != len(azs):
        for i, az in enumerate(azs):
            if az is not None and (
                type(az) is not str or az_problem(az, scopes[i], providers[i], regions[i])
            ):
                return None
    if any(scope is _ZONAL and not az for scope, az in zip(scopes, azs, strict=True)):
        return None
    for scope, region in set(zip(scopes, regions, strict=True)):
        if scope is not _GLOBAL and region == GLOBAL_REGION:
            return None
    user_facing = column("user_facing", False)
    if set(map(type, user_facing)) != _BOOL or set(map(type, column("assumed", False))) != _BOOL:
        return None
    if set(map(type, column("notes", ""))) != _STR:
        return None
    tags, sources = column("tags", _EMPTY), column("sources", _EMPTY)
    for lists in (tags, sources):
        if set(map(type, lists)) != _LIST or not set(map(type, chain.from_iterable(lists))) <= _STR:
            return None
    needs = column("depends_on", _EMPTY)
    if set(map(type, needs)) != _LIST:
        return None
    flat = list(chain.from_iterable(needs))
    written = set(map(type, flat))
    if written <= _STR:  # bare ids only: every dependency hard
        codes = list(map(operator.mul, repeat([_HARD]), map(len, needs)))
    elif written == {str, dict}:
        codes_flat = [_HARD] * len(flat)
        for j in [j for j, kind in enumerate(map(type, flat)) if kind is dict]:
            dep = flat[j]
            if "sources" in dep or not _DEPENDENCY_KEYS.issuperset(dep):
                return None
            target, code = dep.get("target"), _CODES.get(dep.get("type", "hard"))
            if type(target) is not str or code is None:
                return None
            if type(dep.get("purpose", "")) is not str or type(dep.get("notes", "")) is not str:
                return None
            if type(dep.get("assumed", False)) is not bool:
                return None
            flat[j], codes_flat[j] = target, code
        bounds = [0, *accumulate(map(len, needs))]
        spans = list(map(slice, bounds[:-1], bounds[1:]))
        needs = list(map(flat.__getitem__, spans))
        codes = list(map(codes_flat.__getitem__, spans))
    else:
        return None
    tag_tuples = list(map(tuple, tags))
    columns = (ids, names, kinds, regions, scopes, providers, user_facing, tag_tuples)
    return list(zip(*columns, needs, codes, sources, strict=True))


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
    )
