"""blast.sim.cycles: the strongly connected components the least fixpoint's shortcut reads.

``Engine.supported_by`` answers "no" without walking a cause chain for an edge whose ends
lie in different components, so the components must be exactly networkx's, on graphs
with cycles of every length, self-loops, redundancy groups and isolated nodes.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from blast.model.graph import Graph
from blast.sim.cycles import components
from blast.sim.edges import Compiled
from tests.simkit import comp, group


def _same_partition(g: Compiled) -> None:
    ours = components(g)
    digraph = nx.DiGraph()
    digraph.add_nodes_from(range(len(g.nodes)))
    digraph.add_edges_from(zip(list(g.src), list(g.dst), strict=True))
    theirs = {v: k for k, scc in enumerate(nx.strongly_connected_components(digraph)) for v in scc}
    for a in range(len(g.nodes)):
        for b in range(len(g.nodes)):
            assert (ours[a] == ours[b]) == (theirs[a] == theirs[b]), (g.nodes[a], g.nodes[b])


def test_a_cycle_a_chain_into_it_and_a_group_on_it():
    graph = Graph.from_parts(
        [
            comp("a", "b"),
            comp("b", "c"),
            comp("c", "a"),  # a -> b -> c -> a
            comp("d", "a"),  # into the cycle, not on it
            comp("e", "pool"),
            comp("m1", "e"),  # e -> pool -> m1 -> e: a group on a cycle
            comp("m2"),
            comp("lone"),
        ],
        [group("pool", "m1", "m2")],
    )
    g = Compiled.of(graph)
    scc = components(g)
    pos = {name: k for k, name in enumerate(g.nodes)}
    assert scc[pos["a"]] == scc[pos["b"]] == scc[pos["c"]]
    assert len({scc[pos["d"]], scc[pos["a"]], scc[pos["lone"]], scc[pos["m2"]]}) == 4
    assert scc[pos["e"]] == scc[pos["pool"]] == scc[pos["m1"]] != scc[pos["m2"]]
    _same_partition(g)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=14).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(min_value=0, max_value=n - 1), max_size=4, unique=True),
            min_size=n,
            max_size=n,
        )
    )
)
def test_components_are_networkx_strongly_connected_components(deps):
    names = [f"c{k}" for k in range(len(deps))]
    graph = Graph.from_parts(
        [comp(names[k], *(names[j] for j in targets)) for k, targets in enumerate(deps)]
    )
    _same_partition(Compiled.of(graph))
