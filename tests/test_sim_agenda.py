"""blast.sim.agenda gives events in a heap's ``(time, priority, rank, sequence)`` order.

The engine pushes while it pops: at the current instant (any priority, also lower
than the event being handled) and later. The agenda must hand events out exactly as
one heap of ``(time, priority, rank, sequence)`` would (the rank of the evaluated node
for evaluations, 0 for the rest), whether an evaluation is pushed with its arguments or
as a bare node number (``push_node``).
"""

from __future__ import annotations

import heapq

from hypothesis import given, settings
from hypothesis import strategies as st
from librt.vecs import vec
from mypy_extensions import i64

from blast.sim.agenda import Agenda

NODES = 400
RANK = [(v * 7919) % 5 for v in range(NODES)]  # ranks with ties, in no order of the nodes


def agenda_of(rank: list[int] = RANK) -> Agenda:
    return Agenda(vec[i64](rank))


# each step: pop one event, or push at (current time + a delay in {0, 1, 2}, a priority)
STEPS = st.lists(
    st.one_of(
        st.just(None),
        st.tuples(st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=2)),
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=10), STEPS)
def test_the_agenda_pops_in_the_heaps_order(first, steps):
    agenda, heap, seq = agenda_of(), [], 0
    now = 0.0
    got, want = [], []

    def push(t: float, priority: int) -> None:
        nonlocal seq
        seq += 1
        if priority == 2 and seq % 2:  # an evaluation pushed as a bare node number
            agenda.push_node(t, seq)
        else:
            agenda.push(t, priority, f"k{seq}", (seq,))
        heapq.heappush(heap, (t, priority, RANK[seq] if priority == 2 else 0, seq))

    def taken() -> tuple[float, str, tuple[int, ...]]:
        if agenda.node >= 0:
            assert (agenda.kind, agenda.args) == ("eval", ())
            return agenda.t, f"k{agenda.node}", (agenda.node,)
        return agenda.t, agenda.kind, agenda.args

    for t, priority in first:
        push(float(t), priority)
    for step in [*steps, *[None] * (len(first) + len(steps))]:
        if step is None:
            if agenda.pop():
                now = agenda.t
                got.append(taken())
            if heap:
                t, _, _, s = heapq.heappop(heap)
                want.append((t, f"k{s}", (s,)))
        else:
            push(now + step[0], step[1])
    while agenda.pop():
        got.append(taken())
    while heap:
        t, _, _, s = heapq.heappop(heap)
        want.append((t, f"k{s}", (s,)))
    assert got == want


def test_an_empty_agenda_has_nothing_to_pop():
    agenda = agenda_of([0] * 8)
    assert not agenda.pop()
    agenda.push(5.0, 2, "eval", (1, None))
    agenda.push(5.0, 0, "fault_on", (0,))
    assert agenda.pop() and (agenda.t, agenda.kind) == (5.0, "fault_on")
    agenda.push(5.0, 1, "perceive", (3,))  # at the current instant, before the evaluation
    assert agenda.pop() and agenda.kind == "perceive"
    agenda.push_node(5.0, 7)  # an evaluation of node 7, after the one pushed with arguments
    assert agenda.pop() and agenda.args == (1, None) and agenda.node == -1
    assert agenda.pop() and (agenda.kind, agenda.args, agenda.node) == ("eval", (), 7)
    assert not agenda.pop()


def test_one_instants_evaluations_come_out_in_rank_order_then_first_in_first_out():
    # node 3 ranks first, then nodes 1 and 2 (tied: in the order pushed), then node 0
    agenda = agenda_of([9, 4, 4, 1])
    agenda.push_node(5.0, 0)
    agenda.push_node(5.0, 2)
    agenda.push(5.0, 2, "eval", (1, None))  # a timer of node 1, pushed with its reason
    agenda.push_node(6.0, 3)  # later: after every evaluation at 5
    assert agenda.pop() and agenda.node == 2
    agenda.push_node(5.0, 3)  # pushed while popping: ranks before those left
    popped = []
    while agenda.pop():
        popped.append((agenda.t, agenda.node if agenda.node >= 0 else agenda.args[0]))
    assert popped == [(5.0, 3), (5.0, 1), (5.0, 0), (6.0, 3)]
