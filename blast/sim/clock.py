"""Event priorities and the numerical tolerance every module of the engine shares.

Events at the same instant run in priority order (SimPy's ``Environment.schedule``
order, then insertion): triggers (faults and operator actions) first, then what
dependents perceive, then re-evaluations, so that a component re-evaluated at an
instant sees every change of that instant. ``EPS`` is the tolerance under which a
share of work counts as 0 or 1.
"""

from typing import Final

P_TRIGGER: Final = 0
P_PERCEIVE: Final = 1
P_EVAL: Final = 2
EPS: Final = 1e-9
