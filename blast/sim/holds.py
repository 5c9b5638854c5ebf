"""Held backlogs: impact that starts when a dependency recovers (readiness coupling).

An async dependency whose ``buffer`` has ``hold: true`` stands for work that simply waits
while its target is down: nobody notices, so the caller is not impaired while the buffer
fills. Once the target is fully up (not merely degraded or ramping), the held work arrives
all at once and is drained at ``drain_rate``; the caller is degraded until it is worked off.
A full buffer blocks or drops as any buffer does.

This is the shape of the second half of the AWS us-east-1 outage of 2025-10-20 (post-event
summary, https://aws.amazon.com/message/101925/): network-state changes held back while
DWFM could not lease droplets reached EC2's Network Manager only once DWFM had leases again
(05:28), and its propagation backlog, not DWFM's outage, left new instances without
connectivity until 10:36.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blast.sim.clock import EPS
from blast.sim.journal import Cause

if TYPE_CHECKING:
    from blast.sim.engine import Engine


def is_held(engine: Engine, e: int) -> bool:
    """Whether edge ``e`` is an async dependency with a holding buffer."""
    held = engine.queues.held  # read unboxed, not from the dependency's model
    return e < len(held) and held[e]


def held_factor(engine: Engine, e: int) -> float | None:
    """Share a held edge lets its caller work now, or None when it does not impair it.

    Advances the buffer to now and wakes the caller when it fills up or empties.
    """
    b = engine.queues.buffers[e]
    now = engine.now
    b.level = min(b.size, max(0.0, b.level + b.rate * (now - b.since)))
    b.since = now
    down = engine.pst[e] == 2
    up = engine.pst[e] == 0 and not engine.pwr[e] and engine.pctrl[e]
    caller = engine.g.src[e]
    if down:
        b.rate = b.fill
        if b.level < b.size - EPS:
            engine.wake_later(caller, now + (b.size - b.level) / b.fill, Cause("buffer"))
    elif up and b.level > EPS:
        b.rate = -b.drain
        engine.wake_later(caller, now + b.level / b.drain, Cause("backlog"))
    else:
        b.rate = 0.0
    engine.queues.record_buffer(e)
    if down and b.level >= b.size - EPS:
        return 0.0 if b.blocks else 1.0
    if up and b.level > EPS:
        return 1.0
    return None
