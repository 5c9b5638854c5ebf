"""Which floats orjson writes exactly as :func:`json.dumps` does.

Blast writes large JSON documents (a simulation's journal, a report) with orjson, a
native encoder, and promises the bytes the standard library would write. The two
write every float the same (both the shortest round-tripping digits, ``1e+16`` style
exponents included) except below 1e-4, where ``json`` writes ``1e-05`` and orjson
``0.00001``, and for NaN and the infinities (``json`` writes ``NaN``/``Infinity``,
orjson ``null``). One rule, used by :mod:`blast.sim.journal` and
:mod:`blast.reports.build`; each falls back to the standard encoder when a value
breaks it (tests/test_sim_json.py, tests/test_report_json_text.py).
"""

from __future__ import annotations

import math

SMALLEST_ALIKE = 1e-4
"""The smallest non-zero magnitude orjson writes as ``json`` does."""


def float_alike(value: float) -> bool:
    """Whether orjson writes ``value`` exactly as :func:`json.dumps` does."""
    return value == 0.0 or SMALLEST_ALIKE <= abs(value) < math.inf
