"""Scoring a simulated timeline against a post-mortem's timeline.

``reference`` reads an incident's ``data/`` folder (``impact_windows.csv``,
``events.csv``) into typed rows with located errors; ``compare`` matches
simulated impact windows to the post-mortem's, edge by edge, and summarises the
error, separating edges an operator action set from edges that came out of the
engine's mechanisms.
"""

from blast.scoring.compare import EdgeScore, Score, SimulatedWindow, score
from blast.scoring.reference import (
    IncidentData,
    ReferenceEvent,
    ReferenceWindow,
    event_spans,
    load_incident,
)

__all__ = [
    "EdgeScore",
    "IncidentData",
    "ReferenceEvent",
    "ReferenceWindow",
    "Score",
    "SimulatedWindow",
    "event_spans",
    "load_incident",
    "score",
]
