"""The order of the components in the graph file does not change what the engine finds.

One instant's evaluations run dependencies first (``blast/sim/agenda.py``): a dependent
is evaluated once the inputs it reads have settled. In the first-in first-out order
used before, a dependent woken early in an instant could be evaluated before one of its
dependencies changed later in that instant, pass through a state that lasted no time,
and start timers from it; which components did depended on the order of the file
(36 to 64 of some 10,000 impact windows of the bench's generated graph moved when its
components were shuffled). These tests shuffle the components and groups of random
acyclic graphs and of a generated service graph (cycles included) and compare every
impact window, with its cause's mechanism and dependency.
"""

from __future__ import annotations

import random

import networkx as nx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bench.sim_bench import scenarios
from blast.model.graph import Graph
from blast.model.synthetic import service_graph, with_sim_parameters
from blast.sim import Journal, simulate
from tests.simkit import action, comp, fault, run, timeline
from tests.test_sim_properties import build, cases, scenario


def shuffled(graph: Graph, seed: int) -> Graph:
    """The same components and groups, listed in a random order."""
    rng = random.Random(seed)
    components, groups = list(graph.components.values()), list(graph.groups.values())
    rng.shuffle(components)
    rng.shuffle(groups)
    return Graph.from_parts(components, groups)


def windows(journal: Journal) -> list[tuple]:
    """Every impact window with its cause, sorted (the journal's order of one instant's
    events may differ between orders of the file: events of unrelated components)."""
    return sorted(
        (
            w.component,
            w.start,
            -1.0 if w.end is None else w.end,
            w.severity,
            round(w.min_share, 9),
            w.cause.mechanism,
            w.cause.dependency or "",
        )
        for w in journal.windows()
    )


@settings(max_examples=40, deadline=None)
@given(cases, st.integers(0, 100), st.integers(1, 120), st.integers(0, 2**16))
def test_an_acyclic_graph_gives_the_same_windows_in_any_order(case, pick, minutes, seed):
    graph = build(case)
    assume(nx.is_directed_acyclic_graph(graph.digraph))
    target = list(graph.components)[pick % len(graph.components)]
    sc = scenario(target, minutes)
    assert windows(simulate(shuffled(graph, seed), sc)) == windows(simulate(graph, sc))


def test_a_generated_service_graph_gives_the_same_windows_in_any_order():
    graph = with_sim_parameters(service_graph(2000, seed=3))
    for name, sc in scenarios(graph).items():
        want = windows(simulate(graph, sc, resolution=60.0))
        for seed in (1, 2):
            got = windows(simulate(shuffled(graph, seed), sc, resolution=60.0))
            assert got == want, (name, seed)


def test_a_rerouted_dependency_is_evaluated_before_its_new_dependent():
    # in file order the new target ranks after app; the reroute ranks the graph anew, so
    # when src fails app is evaluated once, after new: down, never degraded first
    comps = [
        comp("src"),
        comp("app", "old", {"target": "src", "type": "soft"}),
        comp("old"),
        comp("new", "src"),
    ]
    reroute = {"component": "app", "from": "old", "to": "new"}
    j = run(comps, [fault("f", "src", 10, 10)], [action("r", "reroute", 5, reroute=reroute)])
    assert [x for x in timeline(j) if x[0] == 10] == [
        (10, "src", "down", "fault", None),
        (10, "new", "down", "hard", "src"),
        (10, "app", "down", "hard", "new"),
    ]
