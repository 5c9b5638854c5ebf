"""Edge bundling of a view (numpy) against a plain loop over every edge."""

from __future__ import annotations

import numpy as np
from pyroaring import BitMap

from blast.model.synthetic import service_graph
from dashboard.bundles import bundle, edge_arrays, per_unit
from dashboard.clusters import make_view
from dashboard.screen import tree_of
from dashboard.state import initial_state, open_clusters
from dashboard.store import analyse


def plain(
    analysed: object, unit_at: list[int], own: list[bool]
) -> tuple[list[tuple[int, int, int]], dict[tuple[int, int], list[int]]]:
    direct, bundles = [], {}
    dependents = analysed.graph.topology.dependents  # type: ignore[attr-defined]
    for t, row in enumerate(dependents):
        for d, kind in row:
            ua, ub = unit_at[d], unit_at[t]
            if ua < 0 or ub < 0 or ua == ub:
                continue
            if own[d] and own[t]:
                direct.append((ua, ub, kind))
            elif (ua, ub) in bundles:
                bundles[ua, ub][0] += 1
                bundles[ua, ub][1] = min(bundles[ua, ub][1], kind)
            else:
                bundles[ua, ub] = [1, kind]
    return direct, bundles


def test_bundles_match_a_plain_loop_in_content_and_order() -> None:
    a = analyse(service_graph(2_500, seed=5), "k", "d", "generated")
    tree = tree_of(a)
    topo = a.graph.topology
    checked = 0
    for focus in [None, *(s.component for s in a.spofs[:4])]:
        state = {**initial_state("k"), "focus": focus}
        view = make_view(a, tree, open_clusters(state, a, tree), focus=focus)
        units = [*view.nodes, *view.aggregates]
        index = {u: i for i, u in enumerate(units)}
        unit_at, own = [-1] * len(topo.nodes), [False] * len(topo.nodes)
        for node, unit in view.unit_of.items():
            unit_at[topo.position[node]] = index[unit]
            own[topo.position[node]] = node == unit
        got = bundle(edge_arrays(a), np.array(unit_at), np.array(own))
        want = plain(a, unit_at, own)
        assert got[0] == want[0]
        assert list(got[1].items()) == list(want[1].items())
        checked += len(want[1])
    assert checked > 0, "the views bundle some edges"


def test_per_unit_counts_match_bitmap_intersections() -> None:
    a = analyse(service_graph(2_500, seed=5), "k", "d", "generated")
    tree = tree_of(a)
    topo, index = a.graph.topology, a.index
    failed = a.spofs[0].component
    view = make_view(a, tree, open_clusters(initial_state("k"), a, tree), focus=failed)
    units = [*view.nodes, *view.aggregates]
    unit_at = np.full(len(topo.nodes), -1)
    for node, unit in view.unit_of.items():
        unit_at[topo.position[node]] = units.index(unit)
    for bits in (index.down(failed), index.affected(failed)):
        counts = per_unit(a, unit_at, bits, len(units))
        for cluster, held in view.aggregates.items():
            want = BitMap(index.bit[n] for n in held if n in index.bit).intersection_cardinality(
                bits
            )
            assert counts[units.index(cluster)] == want
    assert per_unit(a, unit_at, BitMap(), len(units)).sum() == 0
