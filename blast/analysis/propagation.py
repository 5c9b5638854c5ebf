"""What is up, degraded or down when a set of components fails: the reference semantics.

The rules, applied until nothing changes (a least fixpoint, so mutual
dependencies do not keep each other down without a cause):

* a failed component is **down**;
* a component with a ``hard`` dependency on something down is **down**;
* a redundancy group is **down** when fewer than ``min_up`` of its members are up;
* anything not down that depends, in any way (hard, soft, async, or as a group on
  a member), on something down or degraded is **degraded**.

Every other analysis is a fast way to get answers this module gives slowly; the
tests check them against it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from blast.errors import UnknownComponentError
from blast.graph import MEMBER, Graph
from blast.model import DependencyType


class State(StrEnum):
    """Health of a component or group after a failure."""

    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclass(frozen=True)
class Outcome:
    """States after ``failed`` fail, and for each affected node the neighbour that explains it."""

    failed: frozenset[str]
    states: Mapping[str, State]
    causes: Mapping[str, str]

    def state(self, node_id: str) -> State:
        """State of a component or group (``up`` when unaffected)."""
        return self.states.get(node_id, State.UP)

    def path(self, node_id: str) -> tuple[str, ...]:
        """The chain of dependencies from ``node_id`` to a failed component.

        Empty when the node is up. Starts at ``node_id`` and ends at a component
        in ``failed``; through a group it continues with the member that fell.
        """
        if node_id not in self.states:
            return ()
        chain = [node_id]
        while chain[-1] in self.causes:
            chain.append(self.causes[chain[-1]])
        return tuple(chain)

    def nodes_in(self, state: State) -> tuple[str, ...]:
        """Ids in ``state`` (not for ``up``), in the order they were reached."""
        return tuple(n for n, s in self.states.items() if s is state)


def dependents_index(graph: Graph) -> dict[str, list[tuple[str, str]]]:
    """For each node, who depends on it and how: ``target -> [(dependent, type)]``."""
    index: dict[str, list[tuple[str, str]]] = {node: [] for node in graph.digraph}
    for source, target, kind in graph.edges():
        index[target].append((source, kind))
    return index


def propagate(
    graph: Graph,
    failed: Iterable[str],
    *,
    dependents: Mapping[str, list[tuple[str, str]]] | None = None,
) -> Outcome:
    """Fail ``failed`` together and derive every component's and group's state.

    Parameters
    ----------
    graph
        The dependency graph.
    failed
        Ids of components that fail at once.
    dependents
        A precomputed :func:`dependents_index`, to save work across many calls.

    Returns
    -------
    Outcome
        States of every affected node and, for each, the neighbour that explains it.

    Raises
    ------
    UnknownComponentError
        If a failed id is not a component of the graph.

    Examples
    --------
    >>> from blast.model import Component
    >>> g = Graph.from_parts([Component(id="db", kind="database"),
    ...                       Component(id="app", kind="app", depends_on=["db"])])
    >>> propagate(g, ["db"]).state("app")
    <State.DOWN: 'down'>
    """
    failed = frozenset(failed)
    unknown = sorted(f for f in failed if f not in graph.components)
    if unknown:
        raise UnknownComponentError(f"no component named {', '.join(map(repr, unknown))}")
    dependents = dependents if dependents is not None else dependents_index(graph)
    states: dict[str, State] = {}
    causes: dict[str, str] = {}
    up_members = {gid: len(g.members) for gid, g in graph.groups.items()}
    queue: deque[str] = deque()
    for node in sorted(failed):
        states[node] = State.DOWN
        queue.append(node)
    hard = DependencyType.HARD.value
    while queue:
        node = queue.popleft()
        for dependent, kind in dependents[node]:
            if dependent in states:
                continue
            if kind == MEMBER:
                up_members[dependent] -= 1
                if up_members[dependent] < graph.groups[dependent].min_up:
                    states[dependent] = State.DOWN
                    causes[dependent] = node
                    queue.append(dependent)
            elif kind == hard:
                states[dependent] = State.DOWN
                causes[dependent] = node
                queue.append(dependent)
    queue.extend(states)
    while queue:
        node = queue.popleft()
        for dependent, _ in dependents[node]:
            if dependent not in states:
                states[dependent] = State.DEGRADED
                causes[dependent] = node
                queue.append(dependent)
    return Outcome(failed, MappingProxyType(states), MappingProxyType(causes))
