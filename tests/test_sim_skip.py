"""The engine's skipped evaluations change nothing: same journal, byte for byte.

``blast/sim/skip.py`` lets the engine skip evaluations that cannot change a component
(``noop``) and perceptions that cannot matter to a down component (``unfelt``), and
the queue model skips points computed from the values of the last one
(``QueueModel._record``). All are claimed exact. These tests run the same scenarios
with the skips switched off (``skip.ENABLED``: every evaluation runs in full) and
compare the journals as JSON: events, causes, upstream links, queue and buffer series.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import blast.sim.skip
from blast.errors import ScenarioError
from blast.model.dependency import Attrition
from blast.model.graph import Graph
from blast.model.synthetic import service_graph, with_sim_parameters
from blast.sim import scenario_from_dict, simulate
from tests.simkit import T0, at
from tests.test_sim_properties import build


def _journal(graph: Graph, scenario, resolution: float | None) -> str:
    """The journal as JSON, or the error when the run does not settle (a zero-delay loop
    the engine refuses, with or without skips: it must refuse it the same way)."""
    try:
        return simulate(graph, scenario, resolution=resolution).to_json()
    except ScenarioError as err:
        return f"error: {err}"


def both_ways(graph: Graph, scenario, resolution: float | None = None) -> tuple[str, str]:
    """The journal as JSON with the skips, and with every evaluation run in full."""
    fast = _journal(graph, scenario, resolution)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(blast.sim.skip, "ENABLED", False)
        full = _journal(graph, scenario, resolution)
    return fast, full


def mixed(targets: list[str], rng: random.Random, horizon: str = "12h"):
    """A down fault, a partial one and a flapping one on random targets, and a repair."""
    pick = [rng.choice(targets) for _ in range(3)]
    return scenario_from_dict(
        {
            "start": T0,
            "horizon": horizon,
            "faults": [
                {"id": "down", "target": pick[0], "at": at(0), "for": f"{rng.randint(5, 90)}m"},
                {
                    "id": "half",
                    "target": pick[1],
                    "mode": "partial",
                    "fraction": 0.5,
                    "at": at(rng.randint(0, 30)),
                    "for": "40m",
                },
                {
                    "id": "flap",
                    "target": pick[2],
                    "mode": "flapping",
                    "bad": f"{rng.randint(1, 6)}m",
                    "good": f"{rng.randint(1, 6)}m",
                    "at": at(rng.randint(0, 60)),
                    "until": "fix",
                },
            ],
            "actions": [{"id": "fix", "do": "repair", "target": pick[2], "at": at(150)}],
        }
    )


@settings(max_examples=30, deadline=None)
@given(
    st.tuples(
        st.integers(0, 2**32 - 1),
        st.integers(2, 14),
        st.integers(0, 4),
        st.floats(0.05, 0.4),
        st.integers(0, 2**32 - 1),
    ),
    st.integers(0, 2**16),
)
def test_skipping_changes_nothing_on_random_graphs(case, seed):
    graph = build(case)
    scenario = mixed(list(graph.components), random.Random(seed))
    fast, full = both_ways(graph, scenario)
    assert fast == full


def _with_attrition(graph: Graph, seed: int) -> Graph:
    """``graph`` with capacity attrition (attrition.py) on 30% of the front tiers' edges.

    Front tiers only: a share below 1 entering a hard cycle of the service tiers can
    alternate at one instant (docs/simulation.md, Limits).
    """
    rng = random.Random(seed)
    components = []
    for c in graph.components.values():
        if not c.id.startswith(("gw-", "app-")):
            components.append(c)
            continue
        deps = tuple(
            d.model_copy(
                update={"attrition": Attrition(loss_rate=rng.choice((0.5, 2.0)), headroom=0.2)}
            )
            if rng.random() < 0.3
            else d
            for d in c.depends_on
        )
        components.append(c.model_copy(update={"depends_on": deps}))
    return Graph.from_parts(components, list(graph.groups.values()))


@pytest.mark.parametrize(
    ("n", "graph_seed", "scenario_seed", "resolution"),
    [(400, 3, 0, 60.0), (400, 3, 1, None), (300, 1, 2, 60.0)],
)
def test_skipping_changes_nothing_on_a_generated_service_graph(
    n, graph_seed, scenario_seed, resolution
):
    graph = _with_attrition(
        with_sim_parameters(service_graph(n, seed=graph_seed), seed=graph_seed), graph_seed
    )
    core = sorted(c for c in graph.components if c.startswith(("core-", "plat-")))
    scenario = mixed(core, random.Random(scenario_seed), horizon="30h")
    fast, full = both_ways(graph, scenario, resolution)
    assert fast == full
    assert len(fast) > 100_000  # a real cascade, not an empty journal or an error
