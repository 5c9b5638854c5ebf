"""Checks of one list item beyond what pydantic reports, and bulk validation.

When an item fails validation, pydantic stops before the model's own checks
across fields and the loader cannot use the item's references; these helpers
look at the raw data instead, so that "every problem" stays every problem.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from blast.loading.yamlsource import DataPath
from blast.model import Component, RedundancyGroup

LISTS: dict[str, type[BaseModel]] = {
    "components": Component,
    "redundancy_groups": RedundancyGroup,
}
"""The top-level keys that hold items, and the model of each item."""


def raw_targets(item: object, base: DataPath) -> list[tuple[DataPath, str, str]]:
    """Ids named by an item that failed validation, so that they still get checked.

    Each is ``(path, what the item calls it, id)``, e.g. ``"component 'web' depends on"``.
    """
    if not isinstance(item, dict):
        return []
    owner = str(item.get("id", "?"))
    found = []
    if base[0] == "redundancy_groups":
        members = item.get("members")
        for j, member in enumerate(members if isinstance(members, list) else ()):
            if isinstance(member, str):
                found.append(((*base, "members", j), f"group '{owner}' has", member))
        return found
    deps = item.get("depends_on")
    for j, dep in enumerate(deps if isinstance(deps, list) else ()):
        target = dep.get("target") if isinstance(dep, dict) else dep
        if isinstance(target, str):
            found.append(((*base, "depends_on", j), f"component '{owner}' depends on", target))
    return found


def salvaged_include(value: Any) -> tuple[str, ...]:
    """The includes of a file whose top-level fields did not validate: still followed,
    so that the ids they define do not all turn into false "unknown component" errors."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def salvaged_references(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


BULK: dict[str, TypeAdapter[Any]] = {}


def validate_all(key: str, items: list[Any]) -> list[Any] | None:
    """Every item of a list validated in one pydantic call; None if any is invalid.

    One call into pydantic-core for 100,000 items instead of 100,000 calls; when
    something is wrong, the caller validates item by item to report each problem.
    """
    adapter = BULK.get(key)
    if adapter is None:
        model: Any = LISTS[key]
        adapter = BULK[key] = TypeAdapter(list[model])
    try:
        return list(adapter.validate_python(items))
    except ValidationError:
        return None


def item_checks(key: str, item: Any, err: ValidationError) -> list[str]:
    """The checks across fields of an item that pydantic skipped because a field failed.

    pydantic runs a model's own checks only once every field is valid, so a
    zonal component without ``az`` that also has a bad ``kind`` would report
    only the kind. These repeat the checks of :class:`Component` and
    :class:`RedundancyGroup` on the raw data, for the fields that are valid.
    """
    if not isinstance(item, dict):
        return []
    failed = {e["loc"][0] for e in err.errors() if e["loc"]}
    if any(not e["loc"] for e in err.errors()):
        return []  # the model's own check ran and failed: already reported
    found = []
    if key == "components":
        region = item.get("region", "global")
        scope = item.get("scope", "global" if region == "global" else "regional")
        if "scope" not in failed and "az" not in failed and scope == "zonal" and not item.get("az"):
            found.append("a zonal component needs an `az`")
        if (
            not failed & {"scope", "region"}
            and scope in ("zonal", "regional")
            and region == "global"
        ):
            found.append(f"a {scope} component needs a `region`")
    else:
        members, min_up = item.get("members"), item.get("min_up", 1)
        if (
            not failed & {"members", "min_up"}
            and isinstance(members, list)
            and type(min_up) is int
            and min_up > len(members)
        ):
            found.append(f"min_up is {min_up} but the group has only {len(members)} members")
    return found
