"""``solve_killers`` and ``killers_below`` against a straightforward reference.

The reference iterates the set equations of :mod:`blast.analysis.index` over the whole
graph at once, in plain Python sets, until nothing changes (Kleene iteration from the
empty sets: the least fixpoint, which is what the solve computes strongly connected
component by component, with its skips and shortcuts). The graphs are seeded random
ones with cycles and nested k-of-n redundancy groups; some runs hold a few nodes
``fixed`` at a given set, as the cut-set search does (:mod:`blast.analysis.spof`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from pyroaring import FrozenBitMap

from blast.analysis.index import dependency_order
from blast.analysis.killers import killers_below, solve_killers
from blast.analysis.setpasses import EMPTY
from blast.model.graph import Topology
from tests.strategies import random_graph


def reference_killers(
    topo: Topology, bit_of_pos: Sequence[int], fixed: dict[int, frozenset[int]]
) -> list[frozenset[int]]:
    """The least solution of the killer-set equations, by iterating all of them at once.

    A component's set is its own bit and its hard targets' sets; a group's, the bits in
    at least ``len(members) - min_up + 1`` of its members' sets; ``fixed`` nodes keep
    their given set.
    """
    n, n_comp = len(topo.nodes), topo.n_components
    table: list[frozenset[int]] = [fixed.get(v, frozenset()) for v in range(n)]
    changed = True
    while changed:
        changed = False
        for v in range(n):
            if v in fixed:
                continue
            parts = [table[t] for t in topo.hard_targets[v]]
            if v < n_comp:
                new = frozenset({bit_of_pos[v]}).union(*parts)
            else:
                need = len(topo.targets[v]) - topo.min_up[v] + 1
                new = frozenset(b for b in frozenset().union(*parts) if _held(parts, b) >= need)
            if new != table[v]:
                table[v] = new
                changed = True
    return table


def _held(parts: list[frozenset[int]], bit: int) -> int:
    return sum(bit in part for part in parts)


def solved(topo: Topology, fixed: dict[int, frozenset[int]]) -> tuple[list[int], list[set[int]]]:
    """``solve_killers`` on the whole of ``topo`` (with ``fixed``): bits by position, sets."""
    n, n_comp = len(topo.nodes), topo.n_components
    order, _, bit_of_pos = dependency_order(topo)
    need = {v: len(topo.targets[v]) - topo.min_up[v] + 1 for v in range(n_comp, n)}
    table = [FrozenBitMap(fixed[v]) if v in fixed else EMPTY for v in range(n)]
    solve_killers(order, topo.hard_targets, n_comp, bit_of_pos, need, table, fixed=set(fixed))
    return bit_of_pos, [set(k) for k in table]


SHAPES = [  # (components, groups, density): sparse to dense, so with and without cycles
    (12, 3, 0.15),
    (30, 8, 0.06),
    (60, 12, 0.05),
    (60, 20, 0.03),
    (40, 10, 0.12),
]


def test_solve_equals_reference_on_random_graphs():
    for seed in range(40):
        n, n_groups, density = SHAPES[seed % len(SHAPES)]
        topo = random_graph(seed, n=n, n_groups=n_groups, density=density).topology
        bit_of_pos, table = solved(topo, {})
        assert table == [set(k) for k in reference_killers(topo, bit_of_pos, {})], seed


def test_solve_with_fixed_nodes_equals_reference():
    """Fixed nodes, at everything (a failed component, as the cut-set search sets them) or
    at a random set; none of the solve's skips may rely on them."""
    for seed in range(40):
        n, n_groups, density = SHAPES[seed % len(SHAPES)]
        topo = random_graph(seed + 100, n=n, n_groups=n_groups, density=density).topology
        rng = random.Random(seed)
        everything = frozenset(range(topo.n_components))
        chosen = rng.sample(range(len(topo.nodes)), min(3, len(topo.nodes)))
        fixed = {
            v: everything if rng.random() < 0.5 else frozenset(rng.sample(sorted(everything), 4))
            for v in chosen
        }
        bit_of_pos, table = solved(topo, fixed)
        assert table == [set(k) for k in reference_killers(topo, bit_of_pos, fixed)], seed


def test_killers_below_equal_reference():
    """A few nodes' sets, numbered by position, equal the reference's whole-graph ones."""
    for seed in range(30):
        n, n_groups, density = SHAPES[seed % len(SHAPES)]
        topo = random_graph(seed + 200, n=n, n_groups=n_groups, density=density).topology
        by_position = list(range(len(topo.nodes)))
        expected = reference_killers(topo, by_position, {})
        rng = random.Random(seed)
        asked = rng.sample(by_position, min(3, len(by_position)))
        table = killers_below(topo, asked)
        assert set(asked) <= set(table)
        for v, killers in table.items():
            assert set(killers) == expected[v], (seed, topo.nodes[v])


def test_reference_sees_cycles_and_groups():
    """The random graphs above do exercise cycles, k-of-n groups and fixed-point rounds."""
    cyclic = k_of_n = 0
    for seed in range(40):
        n, n_groups, density = SHAPES[seed % len(SHAPES)]
        topo = random_graph(seed, n=n, n_groups=n_groups, density=density).topology
        order, _, _ = dependency_order(topo)
        cyclic += any(len(scc) > 1 for scc in order)
        k_of_n += any(topo.min_up[g] > 1 for g in range(topo.n_components, len(topo.nodes)))
    assert cyclic >= 10
    assert k_of_n >= 10
