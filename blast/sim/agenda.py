"""The engine's agenda: pending events in ``(time, priority, sequence)`` order.

SimPy's ``Environment.schedule`` keeps one heap of ``(time, priority, sequence,
event)``. Events at one time and priority come out in the order they went in (the
sequence), so they need no heap among themselves: a first-in first-out list per
priority does it. The agenda keeps one :class:`Slot` of three such lists per
distinct time and a heap of the distinct times only. With a resolution (the bench's
one-minute steps) tens of thousands of events share a few hundred times: a push
appends to a list (its slot found by one dictionary look-up, or none for the current
instant and the last time pushed to) instead of sifting a tuple through a heap of
every event, and no ``(time, priority, sequence)`` tuple is built or compared.
The order is exactly the heap's: the journals are byte for byte the same.

Most events are re-evaluations of one component for a reason the engine keeps beside
(``Engine.pending_cause``, or its parts): :meth:`Agenda.push_node` queues those as the bare
node number in a packed array (``vec[i64]``), with no argument tuple to build, count
references to and read back (at 100,000 components, 2.9 million of them, each a tuple
scattered in memory). They share the evaluations' first-in first-out order with
events pushed at that priority the general way (timers of a component, with their
own reason): a negative number there stands for the next such event.
"""

from __future__ import annotations

import heapq
import math
from typing import Any, Final

from librt.vecs import append, vec
from mypy_extensions import i64

from blast.sim.clock import P_EVAL

PRIORITIES: Final = 3
"""Priorities 0 (triggers), 1 (perceptions), 2 (evaluations): see blast.sim.clock."""
NODES: Final = P_EVAL
"""The priority whose first-in first-out order is kept in ``Slot.nodes`` (evaluations)."""
EVAL: Final = "eval"
"""The kind :meth:`Agenda.pop` gives an event pushed by :meth:`Agenda.push_node`."""


class Slot:
    """The events due at one time: a list per priority, read from the front.

    At priority ``NODES`` the order is ``nodes``: a node number (pushed by
    :meth:`Agenda.push_node`) or ``-1 - k`` for the ``k``-th event of that priority's
    lists (pushed by :meth:`Agenda.push`).
    """

    def __init__(self) -> None:
        self.kinds: list[list[str]] = [[] for _ in range(PRIORITIES)]
        self.args: list[list[tuple[Any, ...]]] = [[] for _ in range(PRIORITIES)]
        self.read = vec[i64]([0] * PRIORITIES)
        self.nodes = vec[i64]()


class Agenda:
    """Pending events; :meth:`pop` takes the next one into ``t``, ``kind`` and ``args``."""

    def __init__(self) -> None:
        self.times: list[float] = []  # heap of the distinct times with a slot
        self.slots: dict[float, Slot] = {}
        self.cur: Slot | None = None  # the slot being read (its time is t)
        self.t = math.nan
        self.last: Slot | None = None  # the slot last pushed to, and its time
        self.last_t = math.nan
        self.kind = ""
        self.args: tuple[Any, ...] = ()
        self.node: i64 = -1  # the node of an event pushed by push_node, else -1

    def _slot(self, t: float) -> Slot:
        slot = self.cur
        if slot is None or t != self.t:
            slot = self.last
            if slot is None or t != self.last_t:
                slot = self.slots.get(t)
                if slot is None:
                    slot = Slot()
                    self.slots[t] = slot
                    heapq.heappush(self.times, t)
                self.last, self.last_t = slot, t
        return slot

    def push(self, t: float, priority: int, kind: str, args: tuple[Any, ...]) -> None:
        """Add an event due at ``t`` after every event already due at ``(t, priority)``."""
        slot = self._slot(t)
        kinds = slot.kinds[priority]
        if priority == NODES:
            slot.nodes = append(slot.nodes, -1 - len(kinds))
        kinds.append(kind)
        slot.args[priority].append(args)

    def push_node(self, t: float, v: i64) -> None:
        """Add an ``EVAL`` event of node ``v`` (no arguments) at ``(t, NODES)``, last."""
        slot = self._slot(t)
        slot.nodes = append(slot.nodes, v)

    def pop(self) -> bool:
        """Take the next event (False when none is left)."""
        while True:
            slot = self.cur
            if slot is not None:
                for p in range(PRIORITIES):
                    k = slot.read[p]
                    if p == NODES:
                        nodes = slot.nodes
                        if k < len(nodes):
                            slot.read[p] = k + 1
                            code = nodes[k]
                            if code >= 0:
                                self.kind = EVAL
                                self.args = ()
                                self.node = code
                                return True
                            k = -1 - code
                            args = slot.args[p]
                            self.kind = slot.kinds[p][k]
                            self.args = args[k]
                            self.node = -1
                            args[k] = ()
                            return True
                        continue
                    kinds = slot.kinds[p]
                    if k < len(kinds):
                        self.kind = kinds[k]
                        args = slot.args[p]
                        self.args = args[k]
                        self.node = -1
                        args[k] = ()  # read: dropped now, not with its whole slot
                        slot.read[p] = k + 1
                        return True
                del self.slots[self.t]
                self.cur = None
                if self.last is slot:
                    self.last = None
            if not self.times:
                return False
            t = heapq.heappop(self.times)
            self.cur, self.t = self.slots[t], t
