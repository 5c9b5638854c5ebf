"""Static analysis of a dependency graph: SPOFs, blast radius, region exposure.

Pure functions over :class:`~blast.model.graph.Graph` and the precomputed
:class:`~blast.analysis.index.FailureIndex`.
"""

from blast.analysis.exposure import Exposure, RegionExposure, exposure, region_components
from blast.analysis.index import FailureIndex, build_index
from blast.analysis.propagation import Outcome, State, propagate
from blast.analysis.radius import BlastRadius, blast_radius, radius_table
from blast.analysis.spof import CutSets, cut_sets, spofs
from blast.analysis.structure import articulation_points, biconnected_components

__all__ = [
    "BlastRadius",
    "CutSets",
    "Exposure",
    "FailureIndex",
    "Outcome",
    "RegionExposure",
    "State",
    "articulation_points",
    "biconnected_components",
    "blast_radius",
    "build_index",
    "cut_sets",
    "exposure",
    "propagate",
    "radius_table",
    "region_components",
    "spofs",
]
