"""Reports an architect can hand on: the analysis as HTML, Markdown and JSON.

:func:`build_report` gathers the static analysis (and, optionally, simulation
figures) into one :class:`Report`; :mod:`blast.reports.html` and
:mod:`blast.reports.markdown` render it; ``Report.to_dict()`` is the JSON.

The names below are loaded on first use (PEP 562), so that a command using one
module of the package (``blast exposure`` its blind spots) does not import the
others (the figures import pydantic and the YAML loader).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blast.reports.blindspots import BlindSpot, blind_spots, watched_by, watchers
    from blast.reports.build import DEFAULT_REGION, SCHEMA, Report, build_report
    from blast.reports.figures import SimulationFigures, load_figures
    from blast.reports.mitigations import KINDS, Mitigation, mitigations
    from blast.reports.recovery import recovery_order

_HOME = {
    "BlindSpot": "blindspots",
    "blind_spots": "blindspots",
    "watched_by": "blindspots",
    "watchers": "blindspots",
    "DEFAULT_REGION": "build",
    "SCHEMA": "build",
    "Report": "build",
    "build_report": "build",
    "recovery_order": "recovery",
    "SimulationFigures": "figures",
    "load_figures": "figures",
    "KINDS": "mitigations",
    "Mitigation": "mitigations",
    "mitigations": "mitigations",
}

__all__ = [
    "DEFAULT_REGION",
    "KINDS",
    "SCHEMA",
    "BlindSpot",
    "Mitigation",
    "Report",
    "SimulationFigures",
    "blind_spots",
    "build_report",
    "load_figures",
    "mitigations",
    "recovery_order",
    "watched_by",
    "watchers",
]


def __getattr__(name: str) -> Any:
    """Load the module that defines ``name`` on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'blast.reports' has no attribute '{name}'")
    return getattr(importlib.import_module(f"blast.reports.{home}"), name)
