"""Durations as people write them in graph files: ``90s``, ``5m``, ``1h30m``, ``2d``.

Stored as seconds (float) so that the simulation can add them without units.
"""

from __future__ import annotations

import math
import re

_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)")
DURATION_PATTERN = r"^( *[0-9]+(\.[0-9]+)?(ms|s|m|h|d))+ *$"
"""ASCII digits only: ``\\d`` would also accept Arabic-Indic and other Unicode digits."""
_WHOLE = re.compile(DURATION_PATTERN)


def parse_duration(value: object) -> float:
    """Return ``value`` in seconds; a bare number already means seconds.

    >>> parse_duration("1h30m")
    5400.0
    >>> parse_duration(45)
    45.0

    Raises
    ------
    ValueError
        If the value is negative, not finite, or not of the form ``<number><unit>…``
        with units ms, s, m, h, d.
    """
    if isinstance(value, bool):
        raise ValueError("a duration cannot be true/false")
    if isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:  # a whole number of hundreds of digits
            raise ValueError(
                f"a duration must be finite, not a {len(str(value))}-digit number"
            ) from None
    elif isinstance(value, str):
        text = value
        if not _WHOLE.match(text):
            raise ValueError(
                f"'{value}' is not a duration; write e.g. 30s, 5m, 1h30m, 2d or a number of seconds"
            )
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))
        if not math.isfinite(seconds):
            raise ValueError(f"a duration must be finite, not {len(text)} characters of digits")
    else:
        raise ValueError(f"a duration must be a string like '5m' or a number, not {value!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be finite and non-negative, not {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Render seconds compactly (``5400`` -> ``1h30m``), for reports."""
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    parts = []
    remaining = round(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
