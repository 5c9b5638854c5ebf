"""Evaluations that cannot change anything, and how the engine knows to skip them.

Most evaluations in a large cascade re-derive what a component already is: it is down
through one dependency and another one it reads earlier changes in a way that cannot
matter, an edge shows a new event of its target that looks exactly as the last one did,
or a timer of its own fires while its inputs stay as they were. The checks here are
exact: skipping leaves the journal byte for byte the same (the golden
journals and the bench graphs check it), only faster. The functions take the
:class:`~blast.sim.engine.Engine` as ``self`` because they read its state arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mypy_extensions import i64

from blast.sim.edges import HARD, MEMBER
from blast.sim.slots import BRK, BRK_ZERO, DIRTY, EVAL_T, FLOATS, GOOD_SINCE, INTS

if TYPE_CHECKING:
    from blast.sim.engine import Engine

ENABLED = True
"""Switched off by ``tests/test_sim_skip.py`` to run every evaluation in full and to
compute every queue point (``QueueModel._record``) (a module global, not a patched
function: the compiled engine calls these functions directly). Read once per run
(``Engine.skipping``): compiled, a module global is a dictionary look-up at every
read, and these checks run millions of times."""


def noop(self: Engine, v: i64) -> bool:
    """Whether evaluating ``v`` now would give exactly its last evaluation's result.

    Only for components whose evaluation reads nothing but their active faults and
    the out-edges up to the one where it stopped (``brk``): ``simple`` ones, and
    ``settled`` ones (plain, last found down by their inputs, so that their warm-up,
    ramp or restart state is reset and stays so while the inputs stay the same,
    whatever timer wakes them). A change to any of those
    (faults, triggers, perceptions at or before ``brk``) marks it ``DIRTY``; what an edge
    shows is trusted as before unless a target read is or was being re-derived; and
    ``supported_by`` gives the same answers unless ``v`` got better at the instant of
    its last evaluation and time has moved on. Skipping such an evaluation leaves the
    journal byte for byte the same, only faster.
    """
    rec, b = self.per_node, v * INTS
    if rec[b + DIRTY] or not self.skipping or self.saw_suspect[v]:
        return False
    last = self.per_node_t[v * FLOATS + EVAL_T]
    if last != self.now and self.per_node_t[v * FLOATS + GOOD_SINCE] == last:
        return False
    if self.suspect:  # a target read up to brk being re-derived: it may read otherwise
        g, suspect, brk = self.g, self.is_suspect, rec[b + BRK]
        dst, first, count = g.dst, g.span[2 * v], g.span[2 * v + 1]
        if first >= 0:  # its out-edges are numbered in a row: the list of them is not read
            for e in range(first, first + (brk + 1 if brk < count else count)):
                if suspect[dst[e]]:
                    return False
            return True
        out = g.out[v]
        for k in range(brk + 1 if brk < len(out) else len(out)):
            if suspect[dst[out[k]]]:
                return False
    return True


def unfelt(self: Engine, e: i64, v: i64, st: int, sh: float, wr: bool, ctrl: bool) -> bool:
    """Whether ``v`` is certain to stay as it is when edge ``e`` shows ``(st, sh, wr, ctrl)``.

    True when ``v`` is down through an edge read after ``e`` that alone took it to 0
    (``BRK_ZERO``), its last evaluation still holds (:func:`noop`), ``e`` is read
    before that edge, showed no wrong data and now shows nothing that lowers a share
    or makes data wrong (its factor becomes exactly 1: anything but down through a
    hard, control-plane or ``withdraw`` edge, or a partial share through a hard one;
    a soft or async edge seen down only degrades): the product of the shares read
    before the stop can only grow (IEEE products are monotone), so the same edge stops
    the evaluation at 0 with the same cause, and ``wrong`` is the same. Such a
    perception is recorded and wakes ``v`` as any other (so that evaluations run at
    the same places, whatever else changes meanwhile), but does not mark ``e`` as
    changed (``dirty``): unless something else changes first, the evaluation is
    skipped (:func:`noop`).
    """
    if not self.skipping:
        return False
    b = v * INTS
    if wr or not ctrl or self.st[v] != 2 or not self.per_node[b + BRK_ZERO] or self.pwr[e]:
        return False
    g = self.g
    if g.opos[e] >= self.per_node[b + BRK]:
        return False
    if g.control[e]:
        if st == 2:
            return False
    elif g.kind[e] == HARD or g.kind[e] == MEMBER:
        if st == 2 or sh != 1.0:
            return False
    elif st == 2 and g.withdraw[e]:
        return False
    return (self.simple[v] or self.settled[v]) and not self.is_suspect[v] and noop(self, v)


def same(self: Engine, e: i64, st: int, sh: float, wr: bool, ctrl: bool, mech: str) -> bool:
    """Whether edge ``e`` showing ``(st, sh, wr, ctrl, mech)`` reads exactly as it did.

    True when only the event behind what the edge shows changes (its target moved on
    to a new event that looks the same: still down, another cause) and the edge lies
    on no dependency cycle. An evaluation reads that event (``pev``) in three places
    only: whether the badness derives from the dependent itself (``supported_by``: on
    no cycle it never does, whatever the event, :mod:`blast.sim.cycles`), whether it
    may be trusted (the target being re-derived: :func:`noop` re-checks that when it
    runs), and the ``upstream`` of the cause and the inputs recorded with a new event
    (the state, share and cause read are the same, so there is no new event:
    ``Engine.set_state`` keeps one whose state, dependency and mechanism are
    unchanged). Such a perception is recorded and wakes the dependent as any other,
    but does not mark ``v`` as changed (``dirty``), as :func:`unfelt` does not.
    """
    if not self.skipping:
        return False
    if (
        st != self.pst[e]
        or sh != self.psh[e]
        or wr != self.pwr[e]
        or ctrl != self.pctrl[e]
        or mech != self.pmech[e]
    ):
        return False
    return self.off_cycle(e)
