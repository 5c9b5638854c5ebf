"""The shared dependencies ``blind_spots_in`` lists, against single failures propagated one
by one, on generated graphs where several status pages watch the same components."""

from __future__ import annotations

from collections import Counter, deque

import pytest

from blast.analysis.exposure import exposure
from blast.analysis.index import build_index
from blast.analysis.propagation import State, propagate
from blast.model.graph import Graph
from blast.model.shapes import generate
from blast.reports.blindspots import blind_spots_in, watched_by, watchers


def hops_from(graph: Graph, start: str) -> dict[str, int]:
    """Hops from ``start`` along hard dependencies and group memberships."""
    topo = graph.topology
    seen = {topo.position[start]: 0}
    queue = deque(seen)
    while queue:
        v = queue.popleft()
        for t in topo.hard_targets[v]:
            if t not in seen:
                seen[t] = seen[v] + 1
                queue.append(t)
    return {topo.nodes[v]: d for v, d in seen.items()}


def expected_shared(graph: Graph, failed_down: set[str]) -> dict[str, tuple[str, ...]]:
    """For each watcher down with something it watches: the components down in the failure
    whose failure alone takes it and some of those down, the most of those first, then the
    nearest, then by id."""
    index = build_index(graph)
    alone: dict[str, set[str]] = {}
    found = {}
    for w in watchers(graph):
        victims = [x for x in watched_by(graph, w) if x in failed_down]
        if w not in failed_down or not victims:
            continue
        hits = {}
        for s in index.names(index.killers(w)):
            if s == w or s not in failed_down:
                continue
            if s not in alone:
                alone[s] = set(propagate(graph, [s]).nodes_in(State.DOWN))
            if n := len(alone[s].intersection(victims)):
                hits[s] = n
        if hits:
            dist = hops_from(graph, w)
            found[w] = tuple(sorted(hits, key=lambda s: (-hits[s], dist[s], s)))
    return found


@pytest.mark.parametrize("shape", ["service", "hubs"])
@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_shared_dependencies_equal_single_failures(shape, region):
    graph = generate(shape, 1500, seed=0)
    # watchers of the same components (their victims' killers are counted once for all)
    assert max(Counter(watched_by(graph, w) for w in watchers(graph)).values()) > 1
    result = exposure(graph, regions=(region,))
    spots = blind_spots_in(graph, result.failed, result.regions, result.outcome)
    down = set(result.outcome.nodes_in(State.DOWN))
    expected = expected_shared(graph, down)
    assert {s.watcher: s.shared for s in spots if s.cause == "component"} == expected
    assert expected
    for s in spots:
        if s.cause == "component":
            assert s.path == propagate(graph, [s.shared_dependency]).path(s.watcher)
