"""The engine's agenda: pending events in ``(time, priority, rank, sequence)`` order.

SimPy's ``Environment.schedule`` keeps one heap of ``(time, priority, sequence,
event)``. The agenda keeps the same order with one refinement: at one time, the
evaluations (priority ``NODES``) come out in the **rank** of the node they evaluate,
then in the order they went in. The engine ranks nodes by
:func:`blast.sim.cycles.components`, which numbers a component's dependencies before
it (Tarjan's algorithm completes the strongly connected components a node reaches
before the node's own), so one instant's evaluations run dependencies first.

**Why a rank.** In first-in first-out order a dependent woken early in an instant was
evaluated before a dependency that changed later in the same instant, then evaluated
again: a transient state that lasts no time but is journalled, perceived along every
edge into it, and can start timers (a warm-up begun while a hard dependency was still
about to be re-derived down, ending 7 minutes early on the bench's 10,000-component
graph). Dependencies first, a dependent sees its inputs settled: the bench's ``faults``
scenario at 100,000 components writes 356,823 events instead of 459,999, and
shuffling the order of the components in the graph file changes no impact window at
10,000 components, where the first-in first-out order changed 36 to 64
(``docs/benchmarks.md``, "s-level"). Within a cycle the rank ties, and the order pushed
decides, as before.

**How.** Events at one time and priority 0 or 1 come out in the order they went in, so
they need no heap among themselves: a first-in first-out list per priority does it.
The agenda keeps one :class:`Slot` of three such lists per distinct time and a heap of
the distinct times only. With a resolution (the bench's one-minute steps) tens of
thousands of events share a few hundred times: a push appends to a list (its slot
found by one dictionary look-up, or none for the current instant and the last time
pushed to) instead of sifting a tuple through a heap of every event.

Most events are re-evaluations of one component for a reason the engine keeps beside
(``Engine.pending_cause``, or its parts): :meth:`Agenda.push_node` queues those as the bare
node number in a packed array (``vec[i64]``), with no argument tuple to build, count
references to and read back. Events pushed at that priority the general way (timers
of a component, with their own reason; the node is their first argument) stand in
that array as a negative number, ``-1 - k`` for the ``k``-th. The order among them is a
binary min-heap of packed integers, ``rank << SEQ_BITS | position in the array``
(sift-up and sift-down compiled over a ``vec[i64]``: no tuple, no boxed integer).
"""

from __future__ import annotations

import heapq
import math
from typing import Any, Final

from librt.vecs import append, pop, vec
from mypy_extensions import i64

from blast.sim.clock import P_EVAL

SEQ_BITS: Final = 32
SEQ_MASK: Final = (1 << SEQ_BITS) - 1
PRIORITIES: Final = 3
"""Priorities 0 (triggers), 1 (perceptions), 2 (evaluations): see blast.sim.clock."""
NODES: Final = P_EVAL
"""The priority whose first-in first-out order is kept in ``Slot.nodes`` (evaluations)."""
EVAL: Final = "eval"
"""The kind :meth:`Agenda.pop` gives an event pushed by :meth:`Agenda.push_node`."""


class Slot:
    """The events due at one time: a list per priority, read from the front.

    At priority ``NODES`` the events are ``nodes``: a node number (pushed by
    :meth:`Agenda.push_node`) or ``-1 - k`` for the ``k``-th event of that priority's
    lists (pushed by :meth:`Agenda.push`), taken in the order of the keys in ``heap``.
    """

    def __init__(self) -> None:
        self.kinds: list[list[str]] = [[] for _ in range(PRIORITIES)]
        self.args: list[list[tuple[Any, ...]]] = [[] for _ in range(PRIORITIES)]
        self.read = vec[i64]([0] * PRIORITIES)
        self.nodes = vec[i64]()
        self.heap = vec[i64]()  # the unread evaluations' keys: rank << SEQ_BITS | position


class Agenda:
    """Pending events; :meth:`pop` takes the next one into ``t``, ``kind`` and ``args``."""

    def __init__(self, rank: vec[i64]) -> None:
        """``rank``: per node, below ``2**31``; one instant's evaluations in increasing rank."""
        self.rank = rank
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
        """Add an event due at ``t`` after every event already due at ``(t, priority)``
        (at priority ``NODES``: of its node's rank; ``args[0]`` is the node)."""
        slot = self._slot(t)
        kinds = slot.kinds[priority]
        if priority == NODES:
            _push_key(slot, self.rank[args[0]] << SEQ_BITS | len(slot.nodes))
            slot.nodes = append(slot.nodes, -1 - len(kinds))
        kinds.append(kind)
        slot.args[priority].append(args)

    def push_node(self, t: float, v: i64) -> None:
        """Add an evaluation of node ``v`` (no arguments) at ``(t, NODES)``, last of its rank."""
        slot = self._slot(t)
        _push_key(slot, self.rank[v] << SEQ_BITS | len(slot.nodes))
        slot.nodes = append(slot.nodes, v)

    def pop(self) -> bool:
        """Take the next event (False when none is left)."""
        while True:
            slot = self.cur
            if slot is not None:
                for p in range(PRIORITIES):
                    if p == NODES:  # in the heap's order (read[NODES] is not used)
                        if len(slot.heap) > 0:
                            code = slot.nodes[_pop_key(slot) & SEQ_MASK]
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
                    k = slot.read[p]
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


def _push_key(slot: Slot, key: i64) -> None:
    """Add ``key`` to the slot's binary min-heap (sift up)."""
    heap = append(slot.heap, key)
    slot.heap = heap
    i: i64 = len(heap) - 1
    while i > 0:
        parent = (i - 1) >> 1
        above = heap[parent]
        if above <= key:
            break
        heap[i] = above
        i = parent
    heap[i] = key


def _pop_key(slot: Slot) -> i64:
    """Take the least key off the slot's binary min-heap (sift down)."""
    heap, last = pop(slot.heap)
    slot.heap = heap
    n: i64 = len(heap)
    if n == 0:
        return last
    top = heap[0]
    i: i64 = 0
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        right = child + 1
        if right < n and heap[right] < heap[child]:
            child = right
        if heap[child] >= last:
            break
        heap[i] = heap[child]
        i = child
    heap[i] = last
    return top
