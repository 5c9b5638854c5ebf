"""The killer sets solved on demand (:mod:`blast.analysis.lazykillers`) against the full pass.

On seeded random graphs with cycles and nested k-of-n redundancy groups, slots are read
one at a time in a random order (each read solves what lies below it), or a slice is
read first; every set must equal the one :func:`~blast.analysis.killers.solve_killers`
gives in one pass over the whole dependency order.
"""

from __future__ import annotations

import pickle
import random
import threading

from blast.analysis.index import build_index, dependency_order
from blast.analysis.killers import solve_killers
from blast.analysis.lazykillers import LazyKillers
from blast.analysis.setpasses import EMPTY
from tests.strategies import random_graph


def _full_and_lazy(seed: int) -> tuple[list, LazyKillers]:
    graph = random_graph(seed, n=60, n_groups=12, density=0.06)
    topo = graph.topology
    n, n_comp = len(topo.nodes), topo.n_components
    order, _, bit_of_pos = dependency_order(topo)
    need = {v: len(topo.targets[v]) - topo.min_up[v] + 1 for v in range(n_comp, n)}
    full = [EMPTY] * n
    solve_killers(order, topo.hard_targets, n_comp, bit_of_pos, need, full)
    return full, LazyKillers(order, topo.hard_targets, n_comp, bit_of_pos, need)


def test_reads_in_any_order_give_the_full_pass_sets():
    for seed in range(40):
        full, lazy = _full_and_lazy(seed)
        picks = list(range(len(full)))
        random.Random(seed).shuffle(picks)
        for v in picks[: len(picks) // 3]:
            assert lazy[v] == full[v]
        assert lazy[-1] == full[-1]
        assert list(lazy) == full  # the rest in one pass
        assert lazy[:] == full


def test_a_slice_first_solves_everything():
    for seed in range(10):
        full, lazy = _full_and_lazy(seed)
        assert lazy[: len(full) // 2] == full[: len(full) // 2]
        assert all(lazy[v] == full[v] for v in range(len(full)))


def test_index_reads_by_name_and_by_position_agree():
    for seed in range(10):
        index = build_index(random_graph(seed, n=50, n_groups=8, density=0.06))
        nodes = index.structure.nodes
        by_name = [index.killers(node) for node in reversed(nodes)][::-1]
        assert by_name == list(index.killers_by_pos)
        assert "no such node" not in index.killers_of
        assert set(index.killers_of) == set(nodes) and len(index.killers_of) == len(nodes)


def test_threads_reading_one_table_get_the_full_pass_sets():
    """The dashboard's threads share an index: concurrent first reads must neither solve a
    slot twice nor leave one unsolved (a miscount of the slots left would end ``solve_all``
    early and hand ``None`` to an iteration)."""
    for seed in range(8):
        full, lazy = _full_and_lazy(seed)
        picks = list(range(len(full)))
        random.Random(seed).shuffle(picks)
        got: dict[int, object] = {}

        def read(table: LazyKillers, part: list[int], out: dict[int, object]) -> None:
            for v in part:
                out[v] = table[v]

        threads = [threading.Thread(target=read, args=(lazy, picks[i::4], got)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert all(got[v] == full[v] for v in range(len(full)))
        assert lazy._left == 0
        assert list(lazy) == full


def test_list_methods_see_solved_slots():
    """``list``'s C methods read the slots directly: each must see the solved sets, never the
    ``None`` of an unsolved slot (a comparison with the full pass from either side, ``in``,
    ``index``, ``count``, ``copy``, ``repr``, ``reversed``, ``+``, a pickle round trip)."""
    for seed in range(6):
        full, lazy = _full_and_lazy(seed)
        assert lazy == full
        assert full == _full_and_lazy(seed)[1]  # the reflected side, on a fresh table
        assert (_full_and_lazy(seed)[1] != full) is False
        assert full[-1] in _full_and_lazy(seed)[1] and None not in _full_and_lazy(seed)[1]
        assert _full_and_lazy(seed)[1].index(full[0]) == full.index(full[0])
        assert _full_and_lazy(seed)[1].count(full[0]) == full.count(full[0])
        assert _full_and_lazy(seed)[1].copy() == full
        assert repr(_full_and_lazy(seed)[1]) == repr(full)
        assert list(reversed(_full_and_lazy(seed)[1])) == full[::-1]
        assert _full_and_lazy(seed)[1] + [] == full
        assert pickle.loads(pickle.dumps(_full_and_lazy(seed)[1])) == full
