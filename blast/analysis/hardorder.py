"""The hard-dependency order of a graph, and its stored form in Blast's graph cache.

Every single-failure answer (:mod:`blast.analysis.index`) is solved over the strongly
connected components of the hard-dependency graph (hard edges, and each redundancy
group's membership), needs first, and numbers components in that order, so that
lists of components come out in it. Finding the order takes rustworkx's condensation
and topological sort: 0.5-0.6 s of CPU at 100,000 components (hub-heavy shape, a
slow VM), a third of the index. It depends on the edges alone, so a cache entry keeps
it (:mod:`blast.loading.cachepayload` writes :func:`stored_order`), and a graph read
back from the cache hands it to the analysis instead of condensing again.

The order is the one rustworkx gives; another rustworkx might give another (equally
valid, but bits, hence lists, would differ from a fresh run's), so the stored form
names the rustworkx version that made it and is used only under the same version.

The stored form is :class:`~blast.model.storedorder.StoredOrder` (in the model
package, so that reading a cache entry imports no analysis).
"""

from __future__ import annotations

import weakref
from array import array
from itertools import chain
from typing import TYPE_CHECKING

from blast.model.storedorder import StoredOrder

if TYPE_CHECKING:
    import rustworkx as rx

    from blast.model.graph import Topology


def hard_graph(topo: Topology) -> rx.PyDiGraph:
    """The graph ``a -> b`` for each node ``a`` and each ``b`` it needs for its life (hard
    dependencies, a group's members), on positions ``0..n-1``."""
    from blast.analysis.setpasses import digraph

    n, hard_targets = len(topo.nodes), topo.hard_targets
    return digraph(n, [(a, b) for a in range(n) for b in hard_targets[a]])


_SOLVED: dict[int, tuple[weakref.ref[Topology], list[list[int]]]] = {}
"""Orders already computed, by the identity of their (live) topology: a cold run writes its
cache entry and then analyses the same graph, and condenses once."""


def hard_order(topo: Topology) -> list[list[int]]:
    """The strongly connected components of :func:`hard_graph`, what is needed first
    (rustworkx's condensation and topological sort; see the module docstring).

    Computed once per :class:`~blast.model.graph.Topology` object while it lives.
    """
    known = _SOLVED.get(id(topo))
    if known is not None and known[0]() is topo:
        return known[1]
    from blast.analysis.setpasses import graph_condensation_order

    order = graph_condensation_order(hard_graph(topo))
    key = id(topo)
    _SOLVED[key] = (weakref.ref(topo, lambda _: _SOLVED.pop(key, None)), order)
    return order


def stored_order(topo: Topology) -> StoredOrder:
    """:func:`hard_order` in the form a cache entry keeps (see :class:`StoredOrder`)."""
    import rustworkx as rx

    order = hard_order(topo)
    return StoredOrder(
        members=array("i", chain.from_iterable(order)),
        sizes=array("i", map(len, order)),
        rustworkx=rx.__version__,  # type: ignore[attr-defined]
    )


__all__ = ["hard_graph", "hard_order", "stored_order"]
