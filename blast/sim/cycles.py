"""Which edges lie on a dependency cycle: the strongly connected components of the graph.

The least fixpoint (:mod:`blast.sim.derivation`) asks, for a component ``v`` and an
edge ``e`` from ``v`` to ``x``, whether the badness ``v`` perceives through ``e``
descends from ``v``'s own current bad stretch. Every event's cause and recorded
inputs are events of nodes it depends on (an edge's target, or, for the reasons of
re-evaluations, a node depended on through a chain of edges), so an event of ``x``
can descend from an event of ``v`` only if ``x`` depends on ``v`` through a path of
edges: with ``e`` that closes a cycle, so ``v`` and ``x`` lie in one strongly connected
component. Edges between components are the most (98% of the 10,000-component bench
graph's): for them the answer is "no" without walking any cause chain.

Components are numbered by Tarjan's algorithm (R. Tarjan, "Depth-first search and
linear graph algorithms", SIAM J. Comput. 1(2), 1972), iteratively (no recursion
limit), over every edge the graph has ever had (dead edges included: events that came
through a rerouted edge keep their causes), in O(nodes + edges).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from librt.vecs import vec
from mypy_extensions import i64

if TYPE_CHECKING:
    from blast.sim.edges import Compiled


def components(g: Compiled) -> vec[i64]:
    """The strongly connected component of each node (equal numbers: one component)."""
    n: i64 = len(g.nodes)
    out, dst = g.out, g.dst
    index = vec[i64]([-1] * n)  # discovery order of each node, -1 before
    low = vec[i64]([0] * n)
    comp = vec[i64]([-1] * n)
    on_stack = vec[bool]([False] * n)
    stack = vec[i64]([0] * n)  # Tarjan's stack of visited nodes not yet in a component
    call = vec[i64]([0] * n)  # the depth-first path: a node ...
    nxt = vec[i64]([0] * n)  # ... and the position of its next out-edge
    height: i64 = 0  # of the stack
    depth: i64 = 0  # of the path
    counter: i64 = 0
    found: i64 = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        call[0], nxt[0], depth = root, 0, 1
        index[root] = low[root] = counter
        counter += 1
        stack[height], on_stack[root] = root, True
        height += 1
        while depth > 0:
            u = call[depth - 1]
            edges = out[u]
            k = nxt[depth - 1]
            if k < len(edges):
                nxt[depth - 1] = k + 1
                w = dst[edges[k]]
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack[height], on_stack[w] = w, True
                    height += 1
                    call[depth], nxt[depth] = w, 0
                    depth += 1
                elif on_stack[w] and index[w] < low[u]:
                    low[u] = index[w]
                continue
            if low[u] == index[u]:  # u is the root of a component: pop it off the stack
                while True:
                    height -= 1
                    w = stack[height]
                    on_stack[w] = False
                    comp[w] = found
                    if w == u:
                        break
                found += 1
            depth -= 1
            if depth > 0:
                parent = call[depth - 1]
                if low[u] < low[parent]:
                    low[parent] = low[u]
    return comp


def off_cycle(g: Compiled, comp: vec[i64]) -> vec[bool]:
    """Per edge, whether it lies on no cycle: its ends are in different components
    (``comp``: :func:`components` of ``g``).

    One packed byte per edge, read where the engine asks (``Engine.off_cycle``, at
    every perception :func:`blast.sim.skip.same` checks) instead of two edge ends and
    two component numbers at random places.
    """
    src, dst = g.src, g.dst
    return vec[bool]([comp[src[e]] != comp[dst[e]] for e in range(len(src))])
