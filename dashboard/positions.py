"""A deterministic layered layout, computed in Python and drawn as a preset layout.

Each drawn unit (component, group or aggregate) gets a *layer*, its dependency
depth: the longest chain of dependencies below it, over the condensation of the
drawn graph so that cycles share a layer (Sugiyama et al., 1981, the first step
of layered drawing). What users touch ends up on top, the foundations at the
bottom. Units are banded left to right by provider and region; within a band and
a layer they are ordered by the mean position of what they depend on (the
barycentre heuristic) and wrapped after ``WRAP`` units. Same input, same picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from blast.analysis.index import condensation_order

DX = 110.0
"""Horizontal distance between two units of a row."""
DY = 110.0
"""Vertical distance between two rows."""
BAND_GAP = 90.0
WRAP = 8
"""Most units in one row of one band; more wrap onto extra rows of the same layer."""
OTHER_BAND = "other"
"""Band of units whose own band would hold fewer than ``MIN_BAND`` units."""
MIN_BAND = 3


@dataclass(frozen=True)
class Placement:
    """Positions by unit id, each unit's layer, and the bands (id, label, units)."""

    xy: dict[str, tuple[float, float]]
    layer: dict[str, int]
    bands: tuple[tuple[str, tuple[str, ...]], ...]


def band_boxes(band_of: Mapping[str, str]) -> int:
    """How many band frames :func:`place` will produce (bands of at least ``MIN_BAND`` units)."""
    sizes: dict[str, int] = {}
    for b in band_of.values():
        sizes[b] = sizes.get(b, 0) + 1
    return sum(1 for n in sizes.values() if n >= MIN_BAND)


def depths(units: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Longest dependency chain below each unit (0 for units that need nothing drawn)."""
    index = {u: i for i, u in enumerate(units)}
    pairs = [(index[a], index[b]) for a, b in edges if a != b]
    succ: list[list[int]] = [[] for _ in units]
    for a, b in pairs:
        succ[a].append(b)
    depth = [0] * len(units)
    for scc in condensation_order(len(units), pairs):
        members = set(scc)
        d = max((depth[t] + 1 for v in scc for t in succ[v] if t not in members), default=0)
        for v in scc:
            depth[v] = d
    return {u: depth[i] for i, u in enumerate(units)}


def place(
    units: Sequence[str],
    edges: Sequence[tuple[str, str]],
    band_of: Mapping[str, str],
    order_key: Mapping[str, str],
) -> Placement:
    """Lay ``units`` out in layers and bands (see the module docstring).

    Parameters
    ----------
    units
        Ids to place.
    edges
        ``(dependent, needed)`` pairs between units.
    band_of
        The band (provider and region) of each unit.
    order_key
        A sort key that breaks ties within a row (cluster path, then id).
    """
    layer = depths(units, edges)
    sizes: dict[str, int] = {}
    for u in units:
        sizes[band_of[u]] = sizes.get(band_of[u], 0) + 1
    band = {u: band_of[u] if sizes[band_of[u]] >= MIN_BAND else OTHER_BAND for u in units}
    band_ids = sorted(set(band.values()), key=lambda b: (b == OTHER_BAND, -_count(band, b), b))
    cells: dict[tuple[str, int], list[str]] = {}
    for u in sorted(units, key=lambda u: (order_key[u], u)):
        cells.setdefault((band[u], layer[u]), []).append(u)
    top = max(layer.values(), default=0)
    width = {b: min(WRAP, max(len(v) for (bb, _), v in cells.items() if bb == b)) for b in band_ids}
    x0: dict[str, float] = {}
    cursor = 0.0
    for b in band_ids:
        x0[b] = cursor
        cursor += width[b] * DX + BAND_GAP
    rows_of_layer = {
        d: max((-(-len(v) // WRAP) for (_, dd), v in cells.items() if dd == d), default=1)
        for d in range(top + 1)
    }
    y_of_layer: dict[int, float] = {}
    y = 0.0
    for d in range(top, -1, -1):
        y_of_layer[d] = y
        y += rows_of_layer[d] * DY
    targets: dict[str, list[str]] = {}
    for a, b in edges:
        if a != b:
            targets.setdefault(a, []).append(b)
    xy: dict[str, tuple[float, float]] = {}
    for d in range(top + 1):  # foundations first: their positions guide the rows above
        for b in band_ids:
            row = cells.get((b, d), [])
            if not row:
                continue
            row = sorted(row, key=lambda u: (_barycentre(u, targets, xy), order_key[u], u))
            span = min(WRAP, len(row))
            for i, u in enumerate(row):
                col, sub = i % WRAP, i // WRAP
                offset = (width[b] - span) * DX / 2
                xy[u] = (x0[b] + offset + col * DX, y_of_layer[d] + sub * DY)
    groups: dict[str, list[str]] = {b: [] for b in band_ids}
    for u in units:
        groups[band[u]].append(u)
    return Placement(xy, layer, tuple((b, tuple(groups[b])) for b in band_ids))


def _count(band: Mapping[str, str], b: str) -> int:
    return sum(1 for v in band.values() if v == b)


def _barycentre(
    u: str, targets: Mapping[str, list[str]], xy: Mapping[str, tuple[float, float]]
) -> float:
    placed = [xy[t][0] for t in targets.get(u, ()) if t in xy]
    return sum(placed) / len(placed) if placed else float("inf")
