"""Which named causes explain a component's impairment at each moment of a journal.

A post-mortem splits a component's impact by cause: EC2 launches failed from 23:48 to
13:50, and *because of DWFM and Network Manager* from 02:25 to 10:36, once DynamoDB was
back (https://aws.amazon.com/message/101925/, the summary's three periods). To score such
a window the simulated window is cut into stretches, each attributed to the causes the
post-mortem's windows for that component name (``caused_by`` in ``impact_windows.csv``).

At a moment ``t`` a component ``c`` that is not up is *impaired through*:

* the dependency of its journal event (the engine's recorded cause, e.g. a cache or a
  lease, even if that dependency is up again: the cache still holds the failure), and
* every other dependency that is impaired at ``t`` and reaches it directly (a hard or soft
  edge, or a group's member; not an async edge, a buffer, an attrition edge or its
  ``restore_via``, nor an edge acting only through failover, which act through the
  recorded cause), and whose impairment is perceived (not a loss of margin only,
  ``automation-disabled``). While ``c`` is *down* a co-cause counts only if it is down on a
  hard edge (it alone stops ``c``); a degradation of another input changes nothing then.

Each of these starts a *path* that goes on through the dependency's own causes at ``t``
and ends at a dependency impaired by its own state (a collapse, a backlog, a stuck state,
a ramp, a throttle) or by a trigger: a root cause in its own right. The stretch is
attributed, on each path, to the named component *closest to the root*: DWFM impaired
through DynamoDB explains EC2's launches as DynamoDB, DWFM collapsed by itself as DWFM.
The vocabulary is the component's own: the union of the ``caused_by`` of its windows.

The component's own state (its event names no dependency) keeps the attribution of the
stretch before it (the aftermath of what caused it), unless one of its windows names the
component itself: then it is attributed to the component (Lambda's throttles and backlog,
a window of their own in the post-mortem).

Limits: the co-causes are read from the graph's edges as written (a reroute during the run
is not seen) and from the targets' states, not from what the dependent perceived of them
(a cache or a detection delay can make a co-cause count a little early, while the
dependent is impaired anyway). The engine records one cause per event; reading the others
here keeps the engine unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from blast.model.dependency import DependencyType
from blast.model.graph import Graph
from blast.sim.journal import Journal

LOCAL = "automation-disabled"
"""A loss of margin its dependents do not perceive (``blast.sim.evaluation.LOCAL``)."""


@dataclass(frozen=True)
class Reach:
    """Edges through which a dependency's impairment reaches its dependent directly.

    ``edges[c]`` lists ``(target, hard)``; built from a graph with its scenario's
    overrides applied (attrition and buffers are set there).
    """

    edges: Mapping[str, tuple[tuple[str, bool], ...]]

    @classmethod
    def of(cls, graph: Graph) -> Reach:
        out: dict[str, tuple[tuple[str, bool], ...]] = {}
        for cid, comp in graph.components.items():
            via = {d.attrition.restore_via for d in comp.depends_on if d.attrition}
            out[cid] = tuple(
                (d.target, d.type == DependencyType.HARD)
                for d in comp.depends_on
                if d.type != DependencyType.ASYNC
                and d.buffer is None
                and d.attrition is None
                and not d.through_failover
                and d.target not in via
            )
        for gid, grp in graph.groups.items():
            out[gid] = tuple((m, True) for m in grp.members)
        return cls(MappingProxyType(out))


class Attribution:
    """The causes of every component's impairment in ``journal``, read at any moment."""

    def __init__(self, journal: Journal, reach: Reach | None = None):
        self.journal = journal
        self.reach = reach

    def impairing(self, component: str, t: float) -> frozenset[str]:
        """The dependencies ``component`` is impaired through at ``t`` (empty when up)."""
        ev = self.journal.event_at(component, t)
        if ev is None or ev.state == "up":
            return frozenset()
        out = {ev.cause.dependency} if ev.cause.dependency else set()
        if self.reach is not None:
            down = ev.state == "down"
            for target, hard in self.reach.edges.get(component, ()):
                tev = self.journal.event_at(target, t)
                if tev is None or tev.state == "up" or tev.cause.mechanism == LOCAL:
                    continue
                if down and not (hard and tev.state == "down"):
                    continue
                out.add(target)
        return frozenset(out)

    def own(self, component: str, t: float) -> bool:
        """Whether ``component``'s state at ``t`` is its own (its event names no dependency)."""
        ev = self.journal.event_at(component, t)
        return ev is not None and ev.state != "up" and not ev.cause.dependency

    def named(self, component: str, t: float, names: frozenset[str]) -> frozenset[str]:
        """The components of ``names`` closest to the root on each path from ``component``."""
        memo: dict[str, frozenset[str]] = {}
        active: set[str] = set()

        def deepest(node: str) -> frozenset[str]:
            if node in memo:
                return memo[node]
            if node in active:  # a cycle: the path ends here
                return frozenset()
            active.add(node)
            found: set[str] = set()
            children = self.impairing(node, t)
            for child in children:
                below = deepest(child)
                found |= below if below else ({node} & names)
            if not children:
                found = set({node} & names)
            active.discard(node)
            memo[node] = frozenset(found)
            return memo[node]

        out: set[str] = set()
        for dep in self.impairing(component, t):
            below = deepest(dep)
            out |= below if below else ({dep} & names)
        return frozenset(out)

    def related(self, component: str) -> frozenset[str]:
        """Every component whose state can change ``component``'s attribution."""
        seen, todo = {component}, [component]
        while todo:
            node = todo.pop()
            nxt = {d for e in self.journal.events_of(node) if (d := e.cause.dependency)}
            if self.reach is not None:
                nxt |= {target for target, _ in self.reach.edges.get(node, ())}
            for other in nxt - seen:
                seen.add(other)
                todo.append(other)
        return frozenset(seen)
