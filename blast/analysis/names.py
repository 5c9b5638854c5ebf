"""Resolve the ids and regions a user types on the command line, with helpful errors.

An unknown id gets a did-you-mean (``difflib``'s ratio, the same measure the
loader uses for unknown references); the id of a redundancy group, where a
component is needed, says it is a group and lists its members. The suggestion
search is bounded: only ids of a similar length are compared, at most
:data:`MAX_COMPARED` of them, so that a typo in a 100,000-component graph still
answers at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from blast.errors import UnknownComponentError
from blast.model.graph import Graph

MAX_COMPARED = 20_000
"""Most candidate ids compared with an unknown one."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    low, high = 0.6 * len(word), len(word) / 0.6
    close = []
    for choice in choices:
        if low <= len(choice) <= high:
            close.append(choice)
            if len(close) >= MAX_COMPARED:
                break
    found = difflib.get_close_matches(word, close, n=1, cutoff=0.6)
    return f" (did you mean '{found[0]}'?)" if found else ""


def check_components(graph: Graph, ids: Sequence[str]) -> None:
    """Raise a clear :class:`UnknownComponentError` unless every id names a component."""
    for cid in ids:
        if cid in graph.components:
            continue
        if cid in graph.groups:
            members = graph.groups[cid].members
            raise UnknownComponentError(
                f"'{cid}' is a redundancy group, not a component; a group fails through its "
                f"members: {', '.join(members)}"
            )
        raise UnknownComponentError(
            f"no component named '{cid}'{did_you_mean(cid, graph.components)}"
        )


def check_region(graph: Graph, region: str) -> None:
    """Raise unless some component is in ``region``; the message lists the graph's regions."""
    if region in graph.regions:
        return
    raise UnknownComponentError(
        f"no component is in region '{region}'{did_you_mean(region, graph.regions)}; "
        f"regions in this graph: {', '.join(graph.regions)}"
    )


def providers(graph: Graph) -> tuple[str, ...]:
    """Every provider named by a component (lower case), sorted."""
    return tuple(sorted({p.lower() for p in graph.columns.providers if p}))


def check_provider(graph: Graph, provider: str) -> None:
    """Raise unless some component has ``provider`` (compared case-insensitively)."""
    known = providers(graph)
    if provider.lower() in known:
        return
    raise UnknownComponentError(
        f"no component has provider '{provider}'{did_you_mean(provider.lower(), known)}; "
        f"providers in this graph: {', '.join(known) or '(none)'}"
    )
