"""Random small graphs for property tests: cycles, groups (nested, k-of-n) and all edge types."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from blast.model import Component, Dependency, DependencyType, RedundancyGroup
from blast.model.graph import Graph

TYPES = [DependencyType.HARD, DependencyType.HARD, DependencyType.SOFT, DependencyType.ASYNC]


def random_graph(seed: int, n: int, n_groups: int, density: float) -> Graph:
    """A random graph of ``n`` components and ``n_groups`` groups, any shape at all."""
    rng = random.Random(seed)
    comp_ids = [f"c{i}" for i in range(n)]
    group_ids = [f"g{i}" for i in range(n_groups)]
    groups = []
    for gid in group_ids:
        pool = comp_ids + [g.id for g in groups]  # nested, never cyclic
        size = rng.randint(2, min(4, len(pool))) if len(pool) >= 2 else 0
        if size < 2:
            continue
        members = tuple(rng.sample(pool, size))
        groups.append(RedundancyGroup(id=gid, members=members, min_up=rng.randint(1, size)))
    targets = comp_ids + [g.id for g in groups]
    components = []
    for cid in comp_ids:
        deps = []
        for t in targets:
            if t != cid and rng.random() < density:
                deps.append(Dependency(target=t, type=rng.choice(TYPES)))
        components.append(
            Component(id=cid, kind="app", user_facing=rng.random() < 0.3, depends_on=tuple(deps))
        )
    return Graph.from_parts(components, groups)


graphs = st.builds(
    random_graph,
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 14),
    n_groups=st.integers(0, 5),
    density=st.floats(0.02, 0.35),
)
