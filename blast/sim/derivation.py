"""Which part of a perceived badness derives from the perceiving component itself.

The least fixpoint in time (``docs/simulation.md``): a component ignores badness
that descends from its own current bad stretch. An event's share is the product of
every bad input's factor, not the worst one's alone, so each degraded event records
all inputs that lower it (``Engine.ev_also``: ``(upstream event, factor, linear)``,
linear when the factor is the upstream share itself, through a hard edge), and
descent follows every recorded input, not only the cause's chain (a degradation that
loses no work still follows its cause alone). Ignoring a whole input
because part of it descends from the component would be wrong the other way: in a
hard cycle that independent partial shares enter at two points (``a`` hard on ``x``
and ``c``, ``b`` on ``a``, ``c`` on ``y`` and ``b``), ``a`` would drop ``y``'s part of
``c`` with ``b``'s, get better, re-derive the cycle and take it in again, without end
at one instant. :func:`share_apart` instead divides out the descending part: the
share an event would show with the component's own badness taken as none (for hard
edges, whose factor is the target's share as it is; other factors are kept). That is
the product of shares along paths that do not pass through the component, which is
what an acyclic graph gives, and a fixpoint: taking it in changes nothing it derives.
Delete-and-rederive (``retraction.retract``) still follows causes alone: an input that
gets better is perceived, and what took it in re-evaluated, anyway (following every
input there too made more components suspect at once and let transient states of
one instant reach dependents through their asymmetric delays).

Redundancy groups and components down through hard inputs follow the same rule (the
second case of issue #10, ``tests/test_sim_settle_groups.py``): a bad group event
records every member that lowers it (:func:`members_of`), a component down through
hard inputs records them (its own part then counts as none), and a group takes a member
that descends from it at its state apart from it (:func:`member_apart`: the k-of-n rule
on the recorded members, each apart, :func:`_group_apart`), as a component takes a hard
input. Counting such a member fine whole let a group down through another member alone
name the derived one as its cause, a group above it ignore it, and the loop alternate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blast.sim.clock import EPS
from blast.sim.slots import FLOATS, GOOD_SINCE

if TYPE_CHECKING:
    from blast.sim.engine import Engine


def stretch_start(eng: Engine, v: int) -> int:
    """The first event of ``v``'s current bad stretch (-1: none, nothing derives from it)."""
    start = eng.bad_from[v]
    if start < 0 and eng.per_node_t[v * FLOATS + GOOD_SINCE] == eng.now:
        start = eng.last_bad_from[v]  # bad until this instant: still no reason for itself
    return start


def derives(eng: Engine, k: int, v: int, start: int) -> bool:
    """Whether event ``k`` descends from an event of ``v`` numbered ``start`` or later."""
    up, node, also, has_also = eng.ev_up, eng.ev_node, eng.ev_also, eng.ev_has_also
    stack: list[int] = []
    seen: set[int] = set()  # branch points already queued (most chains have none)
    while True:
        while k >= start:  # indices fall along a chain: stop before v's bad stretch began
            if node[k] == v:
                return True
            nxt = up[k]
            if has_also[k]:  # a flag first: most events record no inputs
                for j, _, _ in also[k]:  # the cause is among them: walked next anyway
                    if j >= start and j != nxt and j not in seen:
                        seen.add(j)
                        stack.append(j)
            k = nxt
            if seen and k in seen:
                break  # queued already: its chain is walked from there
        if not stack:
            return False
        k = stack.pop()


def share_apart(eng: Engine, k: int, v: int, start: int) -> float:
    """The share event ``k`` shows without the badness that descends from ``v``.

    1 for ``v``'s own events and for events that record no inputs (down for a reason
    other than hard inputs) but descend from ``v``; the event's share for those older
    than ``v``'s bad stretch or not descending from it; a group's from its members
    (:func:`_group_apart`); otherwise its own part (share over the product of its inputs'
    factors, none for one down through its inputs) times each input's factor, that of a
    hard input that descends from ``v`` recomputed the same way.
    """
    memo: dict[int, float] = {}
    return _apart(eng, k, v, start, memo)


def _apart(eng: Engine, k: int, v: int, start: int, memo: dict[int, float]) -> float:
    if k in memo:
        return memo[k]
    memo[k] = 1.0  # a loop among the events (none expected): its own part counts as none
    share = eng.events[k].share_ok
    if k < start or not derives(eng, k, v, start):
        out = share
    elif eng.ev_node[k] == v:
        out = 1.0
    else:
        parts = eng.ev_also.get(k)
        if parts is None:
            out = 1.0
        elif eng.ev_node[k] >= eng.n_components:
            out = _group_apart(eng, k, parts, v, start, memo)
        else:
            product = 1.0
            for _, f, _ in parts:
                product *= f
            out = share / product if product > 0.0 else 1.0  # down through its inputs
            for j, f, linear in parts:  # a hard input is re-derived apart from v as well
                derived = linear and j >= start and derives(eng, j, v, start)
                out *= _apart(eng, j, v, start, memo) if derived else f
    memo[k] = out
    return out


def member_apart(eng: Engine, e: int, v: int) -> tuple[int, float, bool]:
    """What group ``v`` counts of member edge ``e`` whose badness derives from ``v``'s own.

    The member's state with ``v``'s badness taken as none (:func:`share_apart`): down
    when it is down apart from ``v`` as well, degraded at what is left of its share,
    fine otherwise (never wrong: wrong data through ``v`` is ``v``'s own).
    """
    share = share_apart(eng, eng.pev[e], v, stretch_start(eng, v))
    if share <= EPS:
        return 2, 0.0, False
    return (1 if share < 1 - EPS else 0), min(share, 1.0), False


def members_of(
    eng: Engine, members: list[int], st: dict[int, int], sh: dict[int, float], away: frozenset[int]
) -> list[tuple[int, float, bool]]:
    """A bad group event's inputs: per alive member, in order, ``(event, share, routed away)``.

    The event is the member's perceived one while it lowers the group (down, or at a
    partial share), -1 otherwise (nothing derives through a member at full share, even
    degraded); the share is 0 for a down member. What
    derives from a node is then found through every member that lowers the group, not
    only the one named as the cause, and :func:`share_apart` re-derives the group's
    share from its members apart from a node (:func:`_group_apart`).
    """
    pev = eng.pev
    return [
        (pev[e] if st[e] == 2 or sh[e] < 1 - EPS else -1, 0.0 if st[e] == 2 else sh[e], e in away)
        for e in members
    ]


def _group_apart(
    eng: Engine, k: int, parts: list[tuple[int, float, bool]], v: int, start: int,
    memo: dict[int, float],
) -> float:  # fmt: skip
    """Group event ``k``'s share with its members re-derived apart from ``v``.

    The k-of-n rule of ``evaluation.eval_group`` on the recorded members: a member that
    derives from ``v`` counts at its share apart from ``v``, the others as recorded; a
    member routed away that is fine apart from ``v`` takes traffic again.
    """
    shares: list[float] = []
    for j, f, _ in parts:
        derived = j >= start and derives(eng, j, v, start)
        shares.append(_apart(eng, j, v, start, memo) if derived else f)
    node = eng.ev_node[k]
    serving = [s for s, (_, _, away) in zip(shares, parts, strict=True) if not (away and s <= EPS)]
    n_down = sum(1 for s in shares if s <= EPS)
    if len(shares) - n_down < eng.g.min_up[node] or not serving:
        return 0.0
    if eng.g.passive[node]:
        return 0.0 if serving[0] <= EPS else serving[0]
    return sum(0.0 if s <= EPS else s for s in serving) / len(serving)
