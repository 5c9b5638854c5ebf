"""Per-node constants of a run, read once from the components' parameters.

The engine's hot paths read a few parameters of a node at each of its evaluations:
its warm-up, whether it stays down until restarted, its health checker, whether its
evaluation has timers of its own, the steps of a ramped recovery. Each is read here
once per run into an array indexed by node (unboxed flags and numbers): the three
fields every component has read by one C-level ``map`` of an ``attrgetter``, the
nested models' (a fifth of components have a ``timing``) from their field dictionaries
(``vars``; a field left out there is read as an attribute).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from librt.vecs import vec
from mypy_extensions import i64

from blast.model.dependency import HealthCheck
from blast.sim.edges import Compiled


class Traits:
    """The constants of :func:`node_traits`, by node (components first, then groups)."""

    def __init__(
        self,
        restart_required: vec[bool],
        recovery_time: vec[float],
        checks: list[HealthCheck | None],
        hc_failover: vec[bool],
        plain: vec[bool],
        simple: vec[bool],
        ramp_step: vec[float],
        ramp_steps: vec[i64],
    ) -> None:
        self.restart_required = restart_required  # down until restarted (components)
        self.recovery_time = recovery_time  # its warm-up once its inputs are back (components)
        self.checks = checks  # its health checker (components)
        self.hc_failover = hc_failover  # whether its health checks shift traffic away
        self.plain = plain  # whether its evaluation has no timers of its own
        self.simple = simple  # ... and is a function of its inputs alone (skip.noop)
        self.ramp_step = ramp_step  # seconds per step of a ramped recovery (-1: none)
        self.ramp_steps = ramp_steps  # ... and its steps (evaluation.ramp)


def node_traits(g: Compiled) -> Traits:
    """Read the constants of every node of ``g``: one pass over the components.

    A group has no timing, queue or checker of its own: it is never ``plain`` (its
    failover time is a timer), nor ``simple``, and has no ramp.
    """
    n = len(g.nodes)
    timer, out = g.timer, g.out
    restart: list[bool] = []
    recovery: list[float] = []
    checks: list[HealthCheck | None] = []
    failover: list[bool] = [False] * n
    plain: list[bool] = [False] * n
    simple: list[bool] = [False] * n
    per_step: list[float] = [-1.0] * n
    steps: list[int] = [1] * n
    timers = any(timer)  # whether any edge has a buffer or attrition (most graphs: none)
    for v, (timing, check, queue) in enumerate(map(_TRAITS, g.components)):  # C-level reads
        timed = timing is not None
        t: dict[str, Any] = vars(timing) if timed else {}
        recovery_time = _field(timing, t, "recovery_time") if timed else None
        recovery_rate = _field(timing, t, "recovery_rate") if timed else None
        stuck = timed and bool(_field(timing, t, "restart_required"))
        restart.append(stuck)
        recovery.append(recovery_time or 0.0)
        checks.append(check)
        failover[v] = check is not None and bool(_field(check, vars(check), "failover"))
        p = queue is None and not (timers and any(timer[e] for e in out[v]))
        plain[v] = p
        simple[v] = p and not (recovery_time or recovery_rate) and not stuck
        if recovery_rate is not None:
            units = _field(timing, t, "capacity_units") or 100
            steps[v] = min(units, 10)
            per_step[v] = units / steps[v] / recovery_rate * 3600.0
    return Traits(
        vec[bool](restart),
        vec[float](recovery),
        checks,
        vec[bool](failover),
        vec[bool](plain),
        vec[bool](simple),
        vec[float](per_step),
        vec[i64](steps),
    )


_TRAITS = attrgetter("timing", "health_check", "queue")
"""What is read of every component (a :class:`blast.sim.params.SimComponent` keeps its
defaults on its class: attributes, not its field dictionary)."""


def _field(model: object, fields: dict[str, Any], name: str) -> Any:
    """A model's field from its dictionary (``fields``), else as an attribute: a
    :class:`blast.sim.params.SimComponent` keeps its defaults on its class."""
    return fields[name] if name in fields else getattr(model, name)
