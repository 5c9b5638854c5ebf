"""Articulation points and biconnected components of the graph's undirected view.

The undirected view links each component with every component it depends on
(through a redundancy group: with each member). An articulation point is a
component whose removal splits that view: a structural hint of concentration,
blind to redundancy and to edge types; the semantic answer is
:mod:`blast.analysis.spof`. Computed with rustworkx (linear time, native code);
the tests check it against networkx.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import rustworkx as rx

from blast.model.graph import Graph


def _members_behind(graph: Graph) -> dict[int, list[int]]:
    """For each group, the components reachable from it through group membership.

    Groups may list groups, even in a cycle (``g1: [a, g2]``, ``g2: [g1, b]``):
    what stands behind a group is every component reachable through member
    edges, which does not depend on how the group was reached. (Caching a
    per-path expansion, as an earlier version did, gave ``g2`` only ``b`` when
    it was first reached from ``g1``.) One walk per group over groups only.
    """
    topo = graph.topology
    n_comp = topo.n_components
    behind: dict[int, list[int]] = {}
    for group in range(n_comp, len(topo.nodes)):
        found: list[int] = []
        seen_groups = {group}
        seen_members: set[int] = set()
        todo = [group]
        while todo:
            for member in topo.targets[todo.pop()]:
                if member < n_comp:
                    if member not in seen_members:
                        seen_members.add(member)
                        found.append(member)
                elif member not in seen_groups:
                    seen_groups.add(member)
                    todo.append(member)
        behind[group] = found
    return behind


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of ``values`` (integers), ascending: ``np.unique(values)`` by a
    sort (its hash path is slower here), and without its check for a masked array, which
    imports :mod:`numpy.ma` (20 ms of a report's start-up; the reports use this too).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    if len(values) > 1:
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


def undirected_view(graph: Graph) -> rx.PyGraph:
    """Components as nodes (payload: id), with the articulation points and biconnected
    components of the full view (one edge per dependent-needed pair, :func:`view_pairs`)
    but fewer edges: each redundancy group's clique is replaced by a cycle
    (:func:`sparse_pairs`), which rustworkx reads, searches and answers edge by edge.

    A multigraph: a simple graph checks every new edge against the existing ones of its
    ends, which a hub's thousands of edges make slow.
    """
    topo = graph.topology
    low, high = sparse_pairs(graph)
    return _view_of(topo.nodes[: topo.n_components], low, high)


def _view_of(ids: Sequence[str], low: np.ndarray, high: np.ndarray) -> rx.PyGraph:
    view = rx.PyGraph(multigraph=True)
    view.add_nodes_from(ids)
    view.add_edges_from_no_data(list(zip(low.tolist(), high.tolist(), strict=True)))
    return view


def view_pairs(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    """The undirected view's edges as distinct position pairs ``low <= high``, sorted: each
    component with every component it depends on, through a redundancy group with each
    component behind it (:func:`_members_behind`) but itself."""
    n_comp = graph.topology.n_components
    (a, b), (who, member, _) = _direct_and_via(graph)
    keep = member != who
    low, high = np.concatenate((a, who[keep])), np.concatenate((b, member[keep]))
    return _distinct_pairs(low, high, n_comp)


def sparse_pairs(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    """:func:`view_pairs` with each group's complete bipartite block (its dependents D times
    the components M behind it) replaced by one cycle through D and M, when D and M are
    disjoint and each holds two or more (the clique is then biconnected).

    Why the answers stay the same: for every component ``v``, the view without ``v`` has
    the same connected components (D and M less ``v`` stay connected through the rest of
    the clique as through the rest of the cycle), and two components linked in one view
    but not the other both lie in D and M, one biconnected piece in both. So articulation
    points and biconnected components (as sets of components) are unchanged, with ~59,000
    fewer edges at 100,000 components (hubs: 677,151 of 736,202; service: 502,348 of 561,815).
    """
    n_comp = graph.topology.n_components
    (a, b), (who, member, group) = _direct_and_via(graph)
    n_groups = len(graph.topology.nodes) - n_comp
    if not len(who):
        return _distinct_pairs(a, b, n_comp)
    overlap = np.bincount(group[member == who], minlength=n_groups) > 0
    users = distinct(group * n_comp + who)  # (group, dependent), distinct, by group
    d_group, d_who = users // n_comp, users % n_comp
    m_pairs = distinct(group * n_comp + member)
    m_group, m_who = m_pairs // n_comp, m_pairs % n_comp
    sparse = ~overlap
    sparse &= np.bincount(d_group, minlength=n_groups) >= 2
    sparse &= np.bincount(m_group, minlength=n_groups) >= 2
    full = ~sparse[group]
    ring_group = np.concatenate((d_group[sparse[d_group]], m_group[sparse[m_group]]))
    ring_node = np.concatenate((d_who[sparse[d_group]], m_who[sparse[m_group]]))
    order = np.argsort(ring_group, kind="stable")
    ring_group, ring_node = ring_group[order], ring_node[order]
    following = np.arange(1, len(ring_node) + 1, dtype=np.int64)
    if len(ring_node):
        last = np.flatnonzero(np.concatenate((ring_group[1:] != ring_group[:-1], [True])))
        following[last] = np.concatenate(([0], last[:-1] + 1))  # closes each group's cycle
    low = np.concatenate((a, who[full], ring_node))
    high = np.concatenate((b, member[full], ring_node[following]))
    return _distinct_pairs(low, high, n_comp)


def _direct_and_via(
    graph: Graph,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Direct (dependent, needed) pairs, and (dependent, member, group) for each component
    behind each group a component depends on (a dependent may be its own member here)."""
    topo = graph.topology
    n_comp, n = topo.n_components, len(topo.nodes)
    rows = topo.targets[:n_comp]
    sizes = np.fromiter(map(len, rows), dtype=np.int64, count=n_comp)
    needed = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(sizes.sum()))
    dependent = np.repeat(np.arange(n_comp, dtype=np.int64), sizes)
    direct = needed < n_comp
    none = np.zeros(0, dtype=np.int64)
    if direct.all():
        return (dependent, needed), (none, none, none)
    behind = _members_behind(graph)
    counts = np.fromiter((len(behind[g]) for g in range(n_comp, n)), np.int64, n - n_comp)
    first = np.concatenate(([0], np.cumsum(counts)))
    flat = np.fromiter(
        chain.from_iterable(behind[g] for g in range(n_comp, n)),
        dtype=np.int64,
        count=int(first[-1]),
    )
    via = needed[~direct] - n_comp
    many = counts[via]
    at = np.repeat(first[via] - np.cumsum(many) + many, many)
    member = flat[at + np.arange(int(many.sum()), dtype=np.int64)]
    who = np.repeat(dependent[~direct], many)
    return (dependent[direct], needed[direct]), (who, member, np.repeat(via, many))


def _distinct_pairs(a: np.ndarray, b: np.ndarray, n_comp: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct unordered pairs as sorted ``(low, high)`` arrays."""
    pairs = distinct(np.minimum(a, b) * max(n_comp, 1) + np.maximum(a, b))
    return pairs // max(n_comp, 1), pairs % max(n_comp, 1)


def undirected_pairs_reference(graph: Graph) -> set[tuple[int, int]]:
    """The view's pairs, one Python loop per edge: what :func:`view_pairs` replaced (kept
    for the tests that compare the two)."""
    topo = graph.topology
    n_comp = topo.n_components
    behind = _members_behind(graph)
    found: set[tuple[int, int]] = set()
    for v in range(n_comp):
        for t in topo.targets[v]:
            for m in [t] if t < n_comp else [m for m in behind[t] if m != v]:
                found.add((min(v, m), max(v, m)))
    return found


def articulation_points(graph: Graph, view: rx.PyGraph | None = None) -> tuple[str, ...]:
    """Components whose removal disconnects the undirected view, sorted by id.

    Examples
    --------
    >>> from blast.model import Component
    >>> g = Graph.from_parts([Component(id="a", kind="app", depends_on=["b"]),
    ...                       Component(id="b", kind="api", depends_on=["c"]),
    ...                       Component(id="c", kind="database")])
    >>> articulation_points(g)
    ('b',)

    Pass ``view`` (from :func:`undirected_view`) to reuse one already built.
    """
    view = undirected_view(graph) if view is None else view
    return tuple(sorted(view[i] for i in rx.articulation_points(view)))


def biconnected_components(
    graph: Graph, view: rx.PyGraph | None = None
) -> tuple[tuple[str, ...], ...]:
    """Maximal biconnected sets of components (each sorted), largest first (``view``: as in
    :func:`articulation_points`)."""
    view = undirected_view(graph) if view is None else view
    blocks: dict[int, set[str]] = {}
    for (a, b), block in rx.biconnected_components(view).items():
        blocks.setdefault(block, set()).update((view[a], view[b]))
    return tuple(sorted((tuple(sorted(b)) for b in blocks.values()), key=lambda b: (-len(b), b)))


def block_sizes(view: rx.PyGraph) -> tuple[int, ...]:
    """How many components each biconnected component of ``view`` holds, largest first.

    What :func:`biconnected_components` gives, counted on node indices in numpy
    (distinct node-block pairs): no ids looked up, no names sorted, no Python
    loop per edge (the SPOF report states only how many blocks there are and the
    size of the largest).
    """
    return blocks_and_cuts(view)[0]


def blocks_and_cuts(view: rx.PyGraph) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """:func:`block_sizes` and the articulation points (ids, sorted) of ``view``, from one
    search: a node is an articulation point exactly when it lies in more than one
    biconnected component (rustworkx finds both in the same depth-first search, but
    returns only one of them per call; a second search cost 0.1 s at 100,000 components)."""
    found = rx.biconnected_components(view)
    if not len(found):
        return (), ()
    ends = np.fromiter(chain.from_iterable(found.keys()), dtype=np.int64, count=2 * len(found))
    block = np.repeat(np.fromiter(found.values(), dtype=np.int64, count=len(found)), 2)
    n_blocks = int(block.max()) + 1
    pairs = distinct(ends * n_blocks + block)
    sizes = np.bincount(pairs % n_blocks, minlength=n_blocks)
    sizes = sizes[sizes > 0]
    nodes = pairs // n_blocks  # sorted: a node's blocks are adjacent
    shared = nodes[1:][nodes[1:] == nodes[:-1]]
    cuts = sorted(view[i] for i in distinct(shared).tolist())
    return tuple(sorted(sizes.tolist(), reverse=True)), tuple(cuts)
