"""Blast radius: what goes down and what degrades when one component fails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyroaring import FrozenBitMap

from blast.analysis.index import FailureIndex, dependency_order
from blast.analysis.propagation import State, propagate
from blast.errors import UnknownComponentError
from blast.gcpause import gc_paused
from blast.model import Component
from blast.model.graph import Graph

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class BlastRadius:
    """The consequences of one component failing alone (itself not counted)."""

    component: str
    down: tuple[str, ...]
    degraded: tuple[str, ...]
    user_facing_down: tuple[str, ...]
    user_facing_degraded: tuple[str, ...]


def blast_radius(index: FailureIndex, component: str) -> BlastRadius:
    """What ``component``'s failure takes down and degrades, by id in dependency order.

    Raises
    ------
    UnknownComponentError
        If the graph has no such component.
    """
    down = index.down(component)
    degraded = index.affected(component) - down
    me = index.bit[component]
    down_others = down - FrozenBitMap([me])
    return BlastRadius(
        component=component,
        down=tuple(index.names(down_others)),
        degraded=tuple(index.names(degraded)),
        user_facing_down=tuple(index.names(down_others & index.user_facing)),
        user_facing_degraded=tuple(index.names(degraded & index.user_facing)),
    )


def single_blast_radius(graph: Graph, component: str) -> BlastRadius:
    """:func:`blast_radius` of one component without building the whole index.

    One propagation from ``component`` (a breadth-first search down the hard
    edges, then one up every edge; :func:`~blast.analysis.propagation.propagate`)
    gives the same sets as the index; the lists come in the same dependency
    order (:func:`~blast.analysis.index.dependency_order`, native code). The
    index pays for the whole graph's unions, this for one component's reach.

    Raises
    ------
    UnknownComponentError
        If the graph has no such component.
    """
    if component not in graph.components:
        raise UnknownComponentError(f"no component named '{component}'")
    with gc_paused():
        outcome = propagate(graph, [component])
        topo = graph.topology
        bit_of_pos = dependency_order(topo)[3]
        pos, components = topo.position, graph.components

        def ordered(state: State, user_facing: bool = False) -> tuple[str, ...]:
            found = [
                c
                for c in outcome.nodes_in(state)
                if c in components
                and c != component
                and (not user_facing or components[c].user_facing)
            ]
            found.sort(key=lambda c: bit_of_pos[pos[c]])
            return tuple(found)

        return BlastRadius(
            component=component,
            down=ordered(State.DOWN),
            degraded=ordered(State.DEGRADED),
            user_facing_down=ordered(State.DOWN, user_facing=True),
            user_facing_degraded=ordered(State.DEGRADED, user_facing=True),
        )


RADIUS_COLUMNS = [
    "component",
    "name",
    "kind",
    "region",
    "down",
    "degraded",
    "user_facing_down",
    "user_facing_degraded",
]


def radius_table(index: FailureIndex) -> pd.DataFrame:
    """Blast-radius counts of every component, largest first.

    Columns: ``component, name, kind, region, down, degraded, user_facing_down,
    user_facing_degraded`` (counts exclude the component itself).
    """
    import pandas as pd  # heavy (about a second): only the table pays for it

    components = index.graph.components
    user_facing = index.user_facing
    with gc_paused():
        rows = _rows(index, components, user_facing)
    table = pd.DataFrame(rows, columns=RADIUS_COLUMNS)
    return table.sort_values(
        ["user_facing_down", "down", "degraded", "component"],
        ascending=[False, False, False, True],
        ignore_index=True,
    )


def _rows(
    index: FailureIndex, components: Mapping[str, Component], user_facing: FrozenBitMap
) -> list[tuple[str, str, str, str, int, int, int, int]]:
    rows = []
    for b, cid in enumerate(index.ids):
        down, affected = index.down_of[b], index.affected_of[b]
        c = components[cid]
        uf_down = down.intersection_cardinality(user_facing)
        uf_hit = affected.intersection_cardinality(user_facing)
        self_uf = 1 if c.user_facing else 0
        rows.append(
            (
                cid,
                c.label,
                c.kind.value,
                c.region,
                len(down) - 1,
                len(affected) - len(down),
                uf_down - self_uf,
                uf_hit - uf_down,
            )
        )
    return rows
