"""Binomial estimates with Wilson score intervals, and their per-day scaling.

Wilson's interval (E. B. Wilson, "Probable inference, the law of succession, and
statistical inference", JASA 22, 1927; recommended over the normal interval by
Brown, Cai & DasGupta, Statistical Science 16, 2001) stays inside [0, 1] and is
honest at zero successes, where a rare race usually sits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class Estimate:
    """``successes`` out of ``runs``, the point estimate and a two-sided interval."""

    successes: int
    runs: int
    p: float
    low: float
    high: float
    confidence: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def scaled(self, windows: float) -> Estimate:
        """P(at least one success in ``windows`` independent windows): ``1 - (1 - p)^windows``.

        Monotone, so the interval's ends map to the scaled interval's ends.
        """

        def f(x: float) -> float:
            return -math.expm1(windows * math.log1p(-x)) if x < 1 else 1.0

        return Estimate(
            self.successes, self.runs, f(self.p), f(self.low), f(self.high), self.confidence
        )


def wilson(successes: int, runs: int, confidence: float = 0.95) -> Estimate:
    """Wilson score interval for a binomial proportion.

    >>> e = wilson(0, 1000)
    >>> (e.p, e.low, round(e.high, 5))
    (0.0, 0.0, 0.00383)
    """
    if runs <= 0:
        return Estimate(successes, runs, 0.0, 0.0, 1.0, confidence)
    if not 0 <= successes <= runs:
        raise ValueError(f"successes {successes} not in 0..{runs}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / runs
    denom = 1 + z * z / runs
    centre = (p + z * z / (2 * runs)) / denom
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == runs else min(1.0, centre + half)
    return Estimate(successes, runs, p, low, high, confidence)
