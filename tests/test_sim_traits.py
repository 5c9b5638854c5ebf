"""The engine's per-node constants (``blast/sim/traits.py``) are the components' parameters.

``node_traits`` reads them from each model's field dictionary in one pass; here they
are compared with the same constants read the plain way, attribute by attribute, on
random graphs with every kind of parameter drawn (warm-ups, ramps, restarts, health
checks with and without failover, queues, buffers, groups).
"""

from __future__ import annotations

import random

import pytest

from blast.model import Component, Timing
from blast.model.dependency import Buffer, HealthCheck, Queue
from blast.model.graph import Graph
from blast.sim.edges import Compiled
from blast.sim.traits import node_traits
from tests.simkit import group


def reference(g: Compiled) -> dict[str, list[object]]:
    """The constants as the engine read them before, attribute by attribute."""
    comps, n = g.components, len(g.nodes)
    restart = [bool(c.timing and c.timing.restart_required) for c in comps]
    plain = [
        c.queue is None and not any(g.timer[e] for e in g.out[v]) for v, c in enumerate(comps)
    ] + [False] * (n - len(comps))
    per_step, steps = [-1.0] * n, [1] * n
    for v, c in enumerate(comps):
        if c.timing is not None and c.timing.recovery_rate is not None:
            units = c.timing.capacity_units or 100
            steps[v] = min(units, 10)
            per_step[v] = units / steps[v] / c.timing.recovery_rate * 3600.0
    return {
        "restart_required": restart,
        "recovery_time": [(c.timing.recovery_time or 0.0) if c.timing else 0.0 for c in comps],
        "checks": [c.health_check for c in comps],
        "hc_failover": [bool(c.health_check and c.health_check.failover) for c in comps]
        + [False] * (n - len(comps)),
        "plain": plain,
        "simple": [
            p
            and (c.timing is None or not (c.timing.recovery_time or c.timing.recovery_rate))
            and not restart[k]
            for k, (p, c) in enumerate(zip(plain, comps, strict=False))
        ]
        + [False] * (n - len(comps)),
        "ramp_step": per_step,
        "ramp_steps": steps,
    }


def random_parameters(seed: int, size: int = 40) -> Graph:
    """A random graph whose components draw every parameter the traits read."""
    rng = random.Random(seed)
    components = []
    for k in range(size):
        deps = []
        for t in rng.sample(range(k), min(k, rng.randint(0, 3))):
            dep: dict[str, object] = {"target": f"c{t}", "type": rng.choice(["hard", "soft"])}
            if rng.random() < 0.2:
                dep["type"] = "async"
                dep["buffer"] = Buffer(size=100, fill_rate=1.0, drain_rate=2.0)
            deps.append(dep)
        fields: dict[str, object] = {}
        if rng.random() < 0.5:
            fields["timing"] = Timing(
                recovery_time=rng.choice([None, 0.0, 60.0, 300.0]),
                recovery_rate=rng.choice([None, 10.0, 250.0]),
                capacity_units=rng.choice([None, 1, 4, 40]),
                restart_required=rng.random() < 0.3,
            )
        if rng.random() < 0.3:
            fields["health_check"] = HealthCheck(failover=rng.random() < 0.5)
        if rng.random() < 0.2:
            fields["queue"] = Queue(arrival_rate=10.0, drain_rate=15.0)
        components.append(Component(id=f"c{k}", kind="app", depends_on=deps, **fields))
    groups = [group("g0", "c1", "c2"), group("g1", "c3", "c4", "c5")] if size > 5 else []
    return Graph.from_parts(components, groups)


@pytest.mark.parametrize("seed", range(12))
def test_traits_are_the_parameters(seed: int) -> None:
    g = Compiled.of(random_parameters(seed))
    got = node_traits(g)
    for name, want in reference(g).items():
        assert list(getattr(got, name)) == want, name
