"""Simulation figures: the one optional input that adds minutes to a report.

The static analysis says *what* goes down; the time simulation says *for how
long*. A report is built from the graph alone, and when a simulation has run,
its figures come in through :class:`SimulationFigures` (in Python) or a JSON
file of the same shape (``blast report --figures FILE``, documented in
``docs/report.md``). Every minute shown in a report comes from here, never from
the report's own code.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat

from blast.reports.located import load_located


class SimulationFigures(BaseModel):
    """Minutes from a simulation run, keyed by the ids the report uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(
        ..., min_length=1, description="What produced the figures (scenario, seed)."
    )
    region_outage_minutes: dict[str, NonNegativeFloat] = Field(
        default_factory=dict,
        description="User-facing component id -> minutes down in the region event.",
    )
    spof_outage_minutes: dict[str, NonNegativeFloat] = Field(
        default_factory=dict,
        description="SPOF id -> user-facing minutes lost when it fails (summed over victims).",
    )
    mitigation_minutes_saved: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Mitigation id (kind:spof) -> user-facing minutes the change saves "
            "(negative: it costs minutes)."
        ),
    )

    def region_total(self) -> float | None:
        """User-facing minutes lost in the region event, or ``None`` without figures."""
        if not self.region_outage_minutes:
            return None
        return float(sum(self.region_outage_minutes.values()))


def load_figures(path: str | Path) -> SimulationFigures:
    """Read a figures file (JSON or YAML); every problem located, exit 2 on bad input."""
    return load_located(path, SimulationFigures, what="figures file")
