"""Why a component is down, degraded or delayed: every chain back to what failed.

:func:`~blast.analysis.propagation.propagate` records one cause per node: enough
for a component that a single hard dependency took down, misleading for a
redundancy group, which goes down only because *several* members fell, each for
its own reason. :func:`reasons` expands a group that is down into one chain per
member that is down, recursively, so that "web down" reads "cell us-east-1 lost
(... -> dns-record), cell us-west-2 lost (...)".
"""

from __future__ import annotations

from blast.analysis.propagation import Outcome, State
from blast.model import DependencyType
from blast.model.graph import Graph

MAX_REASONS = 16
"""Most chains kept for one component (nested groups multiply them)."""

MAX_GROUP_DEPTH = 32
"""Nested groups expanded member by member; deeper, one chain follows recorded causes."""

Chain = tuple[str, ...]


def reasons(graph: Graph, outcome: Outcome, node: str, limit: int = MAX_REASONS) -> list[Chain]:
    """Chains from ``node`` to failed components that together explain its state.

    Empty when ``node`` is up. A failed component is its own chain; a redundancy
    group that is down continues through each member that is down (members in
    file order); anything else follows its recorded cause. At most ``limit``
    chains, the first always the one :meth:`Outcome.path` gives.
    """
    memo: dict[str, list[Chain]] = {}  # chains from a group that is down

    def expand(v: str, depth: int) -> list[Chain]:
        # Iterative along single causes (chains may be thousands long); recursive only
        # through groups that are down, at most MAX_GROUP_DEPTH deep.
        prefix: list[str] = []
        while True:
            state = outcome.state(v)
            if state is State.UP:
                return []
            if v in outcome.failed:
                return [(*prefix, v)]
            if v in graph.groups and state is State.DOWN and depth < MAX_GROUP_DEPTH:
                if v not in memo:
                    found: list[Chain] = []
                    for m in _down_members(graph, outcome, v):
                        found += [(v, *chain) for chain in expand(m, depth + 1)]
                        if len(found) >= limit:
                            break
                    memo[v] = found[:limit]
                return [(*prefix, *chain) for chain in memo[v]]
            prefix.append(v)
            v = outcome.causes[v]

    first = outcome.path(node)
    chains = expand(node, 0)
    if first and first in chains:
        chains.remove(first)
    return ([first] if first else []) + chains[: limit - 1]


def _down_members(graph: Graph, outcome: Outcome, group: str) -> list[str]:
    members = graph.groups[group].members
    down = [m for m in members if outcome.state(m) is State.DOWN]
    cause = outcome.causes.get(group)
    if cause in down:  # the member propagation named first, then the others
        down.remove(cause)
        down.insert(0, cause)
    return down


def queued(graph: Graph, outcome: Outcome, component: str) -> tuple[str, ...]:
    """For a delayed component, its async dependencies that are down or degraded
    (where its work queues up), in the order it lists them."""
    found = [
        target
        for target, kind in graph.needs(component)
        if kind == DependencyType.ASYNC and outcome.state(target) in (State.DOWN, State.DEGRADED)
    ]
    return tuple(dict.fromkeys(found))


def render(graph: Graph, chains: list[Chain], *, skip_first: bool = True, width: int = 4) -> str:
    """One line that shows ``chains`` as a tree: shared prefixes once, branches in brackets.

    ``skip_first`` drops the common first node (the component being explained).
    A failed component ends with ``(failed)``; a group that branches says how many
    of its members are down. At most ``width`` branches are spelled out per node.
    """
    if not chains:
        return ""
    tree: dict[str, dict] = {}
    for chain in chains:
        level = tree
        for node in chain[1:] if skip_first else chain:
            level = level.setdefault(node, {})
    return _render_level(graph, tree, width)


def _render_level(graph: Graph, level: dict[str, dict], width: int) -> str:
    parts = []
    for node, below in list(level.items())[:width]:
        parts.append(_render_node(graph, node, below, width))
    more = len(level) - width
    if more > 0:
        parts.append(f"... {more} more")
    return "; ".join(parts)


def _render_node(graph: Graph, node: str, below: dict[str, dict], width: int) -> str:
    steps = [node]
    while len(below) == 1:  # a straight chain: walked, not recursed (it may be long)
        ((node, below),) = below.items()
        steps.append(node)
    if not below:
        return _elide(steps) + " (failed)"
    lead = _elide(steps[:-1]) + " -> " if len(steps) > 1 else ""
    node = steps[-1]
    if node in graph.groups:
        members = graph.groups[node].members
        below = dict(sorted(below.items(), key=lambda kv: members.index(kv[0])))
        n = len(members)
        what = f"all {n} members down" if len(below) == n else f"{len(below)} of {n} members down"
        return f"{lead}{node} ({what}: {_render_level(graph, below, width)})"
    return f"{lead}{node} -> [{_render_level(graph, below, width)}]"


ELIDE = 8
"""Chains longer than this show their first and last three steps in text."""


def _elide(steps: list[str]) -> str:
    if len(steps) > ELIDE:
        steps = [*steps[:3], f"... {len(steps) - 6} more ...", *steps[-3:]]
    return " -> ".join(steps)
