"""Reports an architect can hand on: the analysis as HTML, Markdown and JSON.

:func:`build_report` gathers the static analysis (and, optionally, simulation
figures) into one :class:`Report`; :mod:`blast.reports.html` and
:mod:`blast.reports.markdown` render it; ``Report.to_dict()`` is the JSON.
"""

from blast.reports.blindspots import BlindSpot, blind_spots, watched_by, watchers
from blast.reports.build import DEFAULT_REGION, SCHEMA, Report, build_report, recovery_order
from blast.reports.figures import SimulationFigures, load_figures
from blast.reports.mitigations import KINDS, Mitigation, mitigations

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
