"""Capacity attrition: a fleet eroded while a dependency is impaired, noticed past its headroom.

A dependency with ``attrition`` acts on its dependent only through the dependent's
capacity. While the target is perceived impaired (degraded or down) the dependent loses
``loss_rate`` of its capacity an hour (wrong health checks terminating instances or
removing nodes from service); it notices nothing until the loss exceeds its spare
capacity (``headroom``), then it is degraded with the share of the capacity it needs that
it still has, in tenths (rounded up: just past the headroom it still serves everything,
without margin). Capacity comes back all at once when the target is fine again (nodes
merely removed from service), or at ``restore_rate`` an hour times the share the
dependent perceives of ``restore_via`` (another dependency: replacements need instance
launches), also while the loss goes on; the ``restore_via`` dependency then acts on the
dependent only this way. The loss is piecewise linear between evaluations, so the
crossing of the headroom and of each tenth is computed in closed form and the dependent
is woken exactly then.

The shape of Lambda's and STS's second windows on 2025-10-20 (post-event summary,
https://aws.amazon.com/message/101925/): from 05:30 NLB health checks failed new
instances whose network state had not propagated; terminations on those failed checks
left Lambda's internal systems under-scaled from 07:04 (not at 05:30), while EC2 launches,
throttled, could not replace them (enough capacity again at 11:27), and STS erred only
from 08:31.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blast.sim.journal import Cause
from blast.sim.slots import FLOATS, GOOD_SINCE

if TYPE_CHECKING:
    from blast.sim.engine import Engine

TOL = 1e-9
"""Tolerance on the lost share when a crossing is reached exactly (floating point)."""


@dataclass
class Pool:
    """The capacity one attrition edge has taken from its dependent (mutable run state)."""

    edge: int
    via: int  # the restore_via edge, or -1
    lost: float = 0.0  # share of capacity lost now
    since: float = 0.0  # when ``lost`` was last brought up to date
    rate: float = 0.0  # share per second, + losing, - getting it back
    tenths: int = 10  # tenths of the needed capacity it has (10 also when only the margin is gone)
    short: bool = False  # lost past the headroom
    wake_at: float = -1.0  # the crossing it is woken for


def _index(eng: Engine) -> dict[int, list[Pool]]:
    """The pools of each component with attrition edges (built on first use)."""
    pools: dict[int, list[Pool]] | None = eng._attrition
    if pools is None:
        pools = {}
        g = eng.g
        timer = g.timer  # attrition or a buffer: read unboxed before the model's attribute
        for e, dep in enumerate(g.dep):
            if not timer[e] or dep is None or dep.attrition is None:
                continue
            v = g.src[e]
            via = dep.attrition.restore_via
            via_e = next((x for x in g.out[v] if g.nodes[g.dst[x]] == via), -1) if via else -1
            pools.setdefault(v, []).append(Pool(e, via_e))
        eng._attrition = pools
    return pools


def has_attrition(eng: Engine, v: int) -> bool:
    """Whether component ``v`` has an attrition edge (its evaluation keeps timers)."""
    return v in _index(eng)


def capacity_edges(eng: Engine, v: int) -> frozenset[int] | None:
    """Edges of ``v`` that act only through its capacity (attrition and restore_via)."""
    edges: dict[int, frozenset[int]] | None = eng._capacity_edges
    if edges is None:
        edges = {
            u: frozenset(e for p in pools for e in (p.edge, p.via) if e >= 0)
            for u, pools in _index(eng).items()
        }
        eng._capacity_edges = edges
    return edges.get(v)


def _counts(eng: Engine, e: int, v: int) -> bool:
    """Whether ``v`` may believe the impairment it perceives through ``e`` (least fixpoint)."""
    g = eng.g
    if not g.alive[e]:
        return False
    own = eng.bad_from[v] >= 0 or (
        eng.per_node_t[v * FLOATS + GOOD_SINCE] == eng.now and eng.last_bad_from[v] >= 0
    )
    if own and eng.supported_by(e, v):
        return False
    return not (eng.suspect and g.dst[e] in eng.suspect and not eng.trusted(e))


def _via_share(eng: Engine, e: int) -> float:
    if eng.pst[e] == 2 or not eng.g.alive[e]:
        return 0.0
    return eng.psh[e] if eng.pst[e] == 1 else 1.0


def _boundaries(headroom: float) -> list[float]:
    """Lost shares at which the state changes: the headroom, then each tenth of what is needed."""
    return [headroom] + [1.0 - (1.0 - headroom) * k / 10 for k in range(9, -1, -1)]


def evaluate(eng: Engine, v: int) -> tuple[float, bool, tuple[str, int] | None]:
    """Bring ``v``'s pools to now: the share they leave it, whether it is short, and why.

    The cause is the attrition edge while its target is impaired, else the edge capacity
    waits for (``restore_via``). Schedules the next crossing of a boundary.
    """
    pools = _index(eng).get(v)
    if not pools:
        return 1.0, False, None
    now, share, short, found = eng.now, 1.0, False, None
    for p in pools:
        spec = eng.g.dep[p.edge].attrition  # type: ignore[union-attr]
        assert spec is not None
        h = spec.headroom
        if now > p.since:  # the loss moved since: round by where it came from
            going = p.rate
            p.lost = min(1.0, max(0.0, p.lost + going * (now - p.since)))
            level = (1.0 - p.lost) / (1.0 - h) * 10
            if going > 0:  # reached a boundary while losing: the lower level applies
                p.tenths = min(10, math.ceil(level - 1e-6))
                p.short = p.lost > h - TOL
            elif going < 0:  # ... while gaining: the higher one
                p.tenths = min(10, math.floor(level + 1e-6))
                p.short = p.lost > h + TOL
        p.since = now
        shows = (eng.pst[p.edge] != 0 or eng.pwr[p.edge]) and eng.g.alive[p.edge]
        # badness that derives from its own (least fixpoint) or is being re-derived
        # neither erodes nor restores: the pool waits
        bad = shows and _counts(eng, p.edge, v)
        if spec.restore_rate is None:
            if not shows:  # removed, not destroyed: back at once
                p.lost, p.tenths, p.short = 0.0, 10, False
            p.rate = spec.loss_rate / 3600.0 if bad else 0.0
        else:
            gain = spec.restore_rate * (_via_share(eng, p.via) if p.via >= 0 else 1.0)
            p.rate = ((spec.loss_rate if bad else 0.0) - gain) / 3600.0
            if p.lost <= 0.0 and p.rate < 0:
                p.rate = 0.0
        _schedule(eng, v, p, h)
        if p.short:
            share *= p.tenths / 10
            if found is None or p.tenths < 10:
                found = ("under-scaled", p.edge if bad or p.via < 0 else p.via)
            short = True
    return share, short, found


def _schedule(eng: Engine, v: int, p: Pool, headroom: float) -> None:
    if p.rate > 0:
        ahead = [b for b in _boundaries(headroom) if b > p.lost + TOL]
        target = min(ahead) if ahead else None
    elif p.rate < 0:
        behind = [b for b in _boundaries(headroom) if b < p.lost - TOL]
        target = max(behind) if behind and p.lost > headroom + TOL else None
    else:
        target = None
    if target is not None:
        at = p.since + (target - p.lost) / p.rate
        if at != p.wake_at:  # once per crossing, however often it is evaluated before
            p.wake_at = at
            eng.wake_later(v, at, Cause("attrition"))
