"""What is up, degraded or down when a set of components fails: the reference semantics.

The rules, applied until nothing changes (a least fixpoint, so mutual
dependencies do not keep each other down without a cause):

* a failed component is **down**;
* a component with a ``hard`` dependency on something down is **down**;
* a redundancy group is **down** when fewer than ``min_up`` of its members are up;
* anything not down that depends on something down or degraded (hard, soft, or as
  a group on a member) is **degraded**;
* anything else with an ``async`` dependency on something down or degraded is
  **delayed**: its own service works while work for that dependency queues up
  (replication lag, unsent messages) and drains afterwards. Delay does not
  spread: a component that needs a delayed one is up, since the delayed one
  still answers.

So a stack behind a global table whose replica in the failed region only
receives replicated writes asynchronously stays up while replication lags
(the AWS post-event summary of 2025-10-20: replicas in other regions kept
serving, with lag to and from us-east-1).

Every other analysis is a fast way to get answers this module gives slowly; the
tests check them against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from blast.errors import UnknownComponentError
from blast.gcpause import gc_paused
from blast.model.graph import ASYNC_EDGE, HARD_EDGE, MEMBER_EDGE, Graph, Topology


class State(StrEnum):
    """Health of a component or group after a failure."""

    UP = "up"
    DELAYED = "delayed"
    DEGRADED = "degraded"
    DOWN = "down"


STATES = (State.UP, State.DELAYED, State.DEGRADED, State.DOWN)
"""Every state, from best to worst (their index is their severity)."""


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


def propagate(
    graph: Graph,
    failed: Iterable[str],
) -> Outcome:
    """Fail ``failed`` together and derive every component's and group's state.

    Parameters
    ----------
    graph
        The dependency graph.
    failed
        Ids of components that fail at once.

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
    topo = graph.topology
    position, n_components = topo.position, topo.n_components  # components come first
    unknown = sorted(f for f in failed if position.get(f, n_components) >= n_components)
    if unknown:
        raise UnknownComponentError(f"no component named {', '.join(map(repr, unknown))}")
    import numpy as np  # not at import: commands that never propagate start faster

    from blast.analysis.spreadwave import spread_arrays

    with gc_paused():
        state, cause, order = spread_arrays(graph, [position[node] for node in sorted(failed)])
        nodes = np.asarray(topo.nodes, dtype=object)
        names = nodes[order].tolist()
        states = dict(zip(names, map(STATES.__getitem__, state[order].tolist()), strict=True))
        caused = order[cause[order] >= 0]
        causes = dict(zip(nodes[caused].tolist(), nodes[cause[caused]].tolist(), strict=True))
    return Outcome(failed, MappingProxyType(states), MappingProxyType(causes))


def spread(topo: Topology, starts: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
    """:func:`propagate` on positions: each node's severity (an index into :data:`STATES`),
    the position that explains it (``-1`` for none) and the positions reached, in order.

    ``starts`` are the positions of the failed components, in the order their
    ids sort (which fixes the breadth-first causes). One Python step per edge: the
    reference, and the walk of one component's failure (:mod:`blast.analysis.radius`);
    :func:`propagate` runs the same waves in numpy, one step per level
    (:func:`~blast.analysis.spreadwave.spread_arrays`; the tests compare them).
    """
    nodes, dependents = topo.nodes, topo.dependents
    up_members = list(topo.min_up)  # for a group: members it can still lose before going down
    for v in range(topo.n_components, len(nodes)):
        up_members[v] = len(topo.targets[v]) - topo.min_up[v]
    state = [0] * len(nodes)  # severities, indexes into STATES: 0 up ... 3 down
    cause = [-1] * len(nodes)
    order: list[int] = []
    for v in starts:
        state[v] = 3
        order.append(v)
    head = 0
    while head < len(order):  # down: breadth first, so causes form a tree
        v = order[head]
        head += 1
        for d, kind in dependents[v]:
            if state[d]:
                continue
            if kind == MEMBER_EDGE:
                up_members[d] -= 1
                if up_members[d] >= 0:
                    continue
            elif kind != HARD_EDGE:
                continue
            state[d], cause[d] = 3, v
            order.append(d)
    head = 0
    while head < len(order):  # degraded: anything depending on what is down or degraded
        v = order[head]
        head += 1
        for d, kind in dependents[v]:
            if not state[d] and kind != ASYNC_EDGE:
                state[d], cause[d] = 2, v
                order.append(d)
    for v in order[:]:  # delayed: async work for what is down or degraded queues up
        for d, kind in dependents[v]:
            if not state[d] and kind == ASYNC_EDGE:
                state[d], cause[d] = 1, v
                order.append(d)
    return state, cause, order


def down_path(graph: Graph, failed: Iterable[str], node: str) -> tuple[str, ...]:
    """``propagate(graph, failed).path(node)`` when ``node`` goes down, found without the rest.

    See :func:`down_paths`.
    """
    return down_paths(graph, failed, [node])[node]


def down_paths(
    graph: Graph, failed: Iterable[str], wanted: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """``propagate(graph, failed).path(n)`` for each ``n`` of ``wanted``, from one down wave.

    The breadth-first walk that takes nodes down is the one :func:`propagate`
    runs; it stops as soon as every wanted node has fallen, since every cause on
    their chains was fixed before. Only the degraded and delayed waves (which a
    path to a node that is down never uses) and the walk past the last wanted
    node are skipped, so the chains are the same. When a wanted node does not go
    down, every path comes from :func:`propagate` itself (nothing is saved).
    """
    failed = frozenset(failed)
    wanted = list(dict.fromkeys(wanted))
    topo = graph.topology
    if _known(graph, failed, wanted):
        paths = _wave_paths(topo, topo.dependents, failed, wanted)
        if paths is not None:
            return paths
    outcome = propagate(graph, failed)
    return {n: outcome.path(n) for n in wanted}


def down_paths_each(
    graph: Graph, waves: Mapping[str, Iterable[str]]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """``down_paths(graph, [f], waves[f])`` for each failed component ``f`` of ``waves``, each
    wave confined to what the wanted nodes need.

    A node goes down only through what it needs (hard dependencies and group
    members, directly or not). A breadth-first walk confined to a part of the
    graph closed under needs keeps that part's nodes in the same order, with the
    same causes: the queue only loses nodes that no node of the part waits for.
    So the waves enter only the nodes below the wanted ones, whose dependents in
    that part are listed once for all the waves: ``blast exposure``'s 48 waves at
    100,000 components each walk within 3,000 nodes instead of the whole graph.
    """
    topo = graph.topology
    wanted_of = {f: list(dict.fromkeys(ns)) for f, ns in waves.items()}
    every = [topo.position[n] for ns in wanted_of.values() for n in ns if n in topo.position]
    inside = set(nodes_below(topo, every))
    rows: list[tuple[tuple[int, int], ...]] = [()] * len(topo.nodes)
    for v in inside:
        rows[v] = tuple(e for e in topo.dependents[v] if e[0] in inside)
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for f, wanted in wanted_of.items():
        paths = None
        if _known(graph, [f], wanted):
            paths = _wave_paths(topo, rows, frozenset((f,)), wanted)
        found[f] = down_paths(graph, [f], wanted) if paths is None else paths
    return found


def nodes_below(topo: Topology, nodes: Iterable[int]) -> list[int]:
    """``nodes`` (positions) and everything they need, hard or as a group's members, directly
    or not: distinct, breadth first."""
    seen = list(dict.fromkeys(nodes))
    found = set(seen)
    head = 0
    while head < len(seen):
        for t in topo.hard_targets[seen[head]]:
            if t not in found:
                found.add(t)
                seen.append(t)
        head += 1
    return seen


def _known(graph: Graph, failed: Iterable[str], wanted: Iterable[str]) -> bool:
    position = graph.topology.position
    return all(f in graph.components for f in failed) and all(n in position for n in wanted)


def _wave_paths(
    topo: Topology,
    dependents: Sequence[Sequence[tuple[int, int]]],
    failed: frozenset[str],
    wanted: list[str],
) -> dict[str, tuple[str, ...]] | None:
    """:func:`propagate`'s down wave from ``failed`` over ``dependents``, cut short once every
    wanted node has fallen: their paths, or None when one does not fall."""
    nodes, targets, min_up = topo.nodes, topo.targets, topo.min_up
    goals = {topo.position[n] for n in wanted}
    lost: dict[int, int] = {}  # for a group: members down so far
    cause: dict[int, int] = {}
    order = [topo.position[f] for f in sorted(failed)]
    down = set(order)
    missing = len(goals - down)
    head = 0
    while missing and head < len(order):  # propagate's down wave, cut short
        v = order[head]
        head += 1
        for d, kind in dependents[v]:
            if d in down:
                continue
            if kind == MEMBER_EDGE:
                lost[d] = lost.get(d, 0) + 1
                if len(targets[d]) - min_up[d] - lost[d] >= 0:
                    continue
            elif kind != HARD_EDGE:
                continue
            down.add(d)
            cause[d] = v
            order.append(d)
            if d in goals:
                missing -= 1
    if missing:
        return None
    paths = {}
    for n in wanted:
        chain = [topo.position[n]]
        while chain[-1] in cause:
            chain.append(cause[chain[-1]])
        paths[n] = tuple(nodes[v] for v in chain)
    return paths
