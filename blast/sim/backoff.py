"""Retries with exponential backoff in the fluid queue model: waves of retried load.

A client whose call fails waits ``backoff`` seconds before its first retry and twice
as long before each next one (the Retry policy of ``docs/schema.md``), so the n-th
retry of a request first tried at ``t`` arrives at ``t + backoff x (2^n - 1)``. In the
fluid model of :mod:`blast.sim.queues` the failing share of first attempts is
piecewise constant, so the retried load at ``now`` is the sum, over the retries
n = 1 .. attempts - 1, of the share that failed at ``now - backoff x (2^n - 1)``: each
change of the failing share comes back as a wave of retries after each delay, and
the queue is re-evaluated exactly when a wave arrives. Without backoff all retries
arrive with the failure (the model before backoff was added). Exponential backoff as
in the AWS Architecture Blog, "Exponential Backoff and Jitter" (Brooker, 2015);
jitter spreads a wave but not its mean arrival time, and is not modelled.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from blast.sim.clock import EPS


@dataclass
class RetryWaves:
    """Failing share of first attempts over time for one queue, and its retry waves."""

    backoff: float
    attempts: int
    times: list[float] = field(default_factory=list)
    fails: list[float] = field(default_factory=list)

    @property
    def delays(self) -> list[float]:
        """Seconds from a first attempt to each of its retries."""
        return [self.backoff * (2**n - 1) for n in range(1, self.attempts)]

    def record(self, now: float, fail: float) -> None:
        """The failing share of first attempts is ``fail`` from ``now`` on."""
        if self.times and self.times[-1] == now:
            self.times.pop()
            self.fails.pop()
        if self.fails and self.fails[-1] == fail:
            return
        self.times.append(now)
        self.fails.append(fail)
        horizon = now - self.backoff * (2 ** (self.attempts - 1) - 1)
        keep = bisect.bisect_right(self.times, horizon) - 1  # the share in force then stays
        if keep > 0:
            del self.times[:keep], self.fails[:keep]

    def fail_at(self, t: float) -> float:
        i = bisect.bisect_right(self.times, t + EPS) - 1
        return self.fails[i] if i >= 0 else 0.0

    def retried(self, now: float) -> float:
        """Retries per first attempt arriving at ``now`` (0 to attempts - 1)."""
        return sum(self.fail_at(now - d) for d in self.delays)

    def next_wave(self, now: float) -> float | None:
        """When the retried load changes next (a recorded change comes back), or None."""
        later = [t + d for t in self.times for d in self.delays if t + d > now + EPS]
        return min(later, default=None)
