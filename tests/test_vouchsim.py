"""Components with simulation parameters vouched for without a model per component
(:mod:`blast.loading.vouchsim`): only what pydantic accepts, with the compact form of
the parameters that the models give, and the very graph, problems and cache bytes the
usual passes give.

Random components and dependencies carry every parameter with valid and invalid values
of every type (hypothesis): the memo of sets lives on across examples, so a set met
again is answered from it, as in a big graph."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from blast.loading import cache, vouchsim
from blast.loading import vouch as vouch_module
from blast.loading.vouch import row_of, vouch
from blast.loading.vouchbulk import vouch_all
from blast.model.simparams import NOT_SIMULATION, SIMULATION, SimParams
from blast.model.spec import Component, Dependency
from blast.model.synthetic import service_graph, to_yaml, with_sim_parameters
from tests.test_vouch import _both, _same_graph, checked_the_same_either_way

DURATIONS = ["30s", "1h30m", "200ms", 45, 2.5, 0, -1, "soon", "", True, None, [], {}, "5"]
RATES = [1, 2.5, 0, -1, 0.0, True, "2", None, 10**30, 1e300]
WHOLE = [1, 3, 0, -2, 2.0, True, "2", None]
FLAGS = [True, False, 1, 0, "yes", None]


def _mapping(fields: dict[str, list[object]], required: tuple[str, ...] = ()) -> st.SearchStrategy:
    values = {k: st.sampled_from(v) for k, v in fields.items()}
    return st.fixed_dictionaries(
        {k: values[k] for k in required},
        optional={**{k: v for k, v in values.items() if k not in required}, "colour": st.just(1)},
    )


TIMING = _mapping(
    {
        "recovery_time": DURATIONS,
        "lease_timeout": DURATIONS,
        "throttle_rate": RATES,
        "capacity_units": WHOLE,
        "recovery_rate": RATES,
        "restart_required": FLAGS,
    }
)
QUEUE = _mapping(
    {
        "arrival_rate": RATES,
        "drain_rate": RATES,
        "capacity": WHOLE,
        "timeout": DURATIONS,
        "retry_attempts": WHOLE,
        "retry_backoff": DURATIONS,
    },
    required=("arrival_rate", "drain_rate"),
)
HEALTH_CHECK = _mapping(
    {
        "interval": DURATIONS,
        "unhealthy_threshold": WHOLE,
        "healthy_threshold": WHOLE,
        "failover": FLAGS,
        "not_ready_time": DURATIONS,
    }
)
RETRY = _mapping({"attempts": WHOLE, "backoff": DURATIONS, "jitter": [0, 0.5, 1, 2, -0.1, "x"]})
BUFFER = _mapping(
    {
        "size": RATES,
        "fill_rate": RATES,
        "drain_rate": RATES,
        "when_full": ["block", "error", "drop", "spill", None],
        "hold": FLAGS,
    },
    required=("size", "fill_rate", "drain_rate"),
)
ATTRITION = _mapping(
    {"loss_rate": RATES, "headroom": [0, 0.5, 1, -1], "restore_rate": RATES, "restore_via": ["b"]},
    required=("loss_rate",),
)
ODD = st.sampled_from([None, "x", 1, [], [{}]])
DEPENDENCY = st.fixed_dictionaries(
    {"target": st.sampled_from(["a", "b", "c", 1])},  # ids: the checks across items
    optional={
        "type": st.sampled_from(["hard", "soft", "async", "nope"]),
        "purpose": st.sampled_from(["p", 1]),
        "timeout": st.sampled_from(DURATIONS),
        "retry": st.one_of(RETRY, ODD),
        "cache_ttl": st.sampled_from(DURATIONS),
        "lease_timeout": st.sampled_from(DURATIONS),
        "detection_delay": st.sampled_from(DURATIONS),
        "negative_cache_ttl": st.sampled_from(DURATIONS),
        "serve_stale": st.sampled_from(FLAGS),
        "plane": st.sampled_from(["control", "data", "both", None, 1]),
        "lease_work": st.sampled_from([*RATES, 0.5]),
        "buffer": st.one_of(BUFFER, ODD),
        "on_wrong_data": st.sampled_from(["fail", "degrade", "propagate", "ignore", "x", None]),
        "withdraw": st.sampled_from(FLAGS),
        "through_failover": st.sampled_from(FLAGS),
        "attrition": st.one_of(ATTRITION, ODD),
        "colour": st.just(1),
    },
)
COMPONENT = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "bad id"]), "kind": st.sampled_from(["app", "nope"])},
    optional={
        "region": st.sampled_from(["us-east-1", "global"]),
        "provider": st.sampled_from(["aws", ""]),
        "depends_on": st.lists(st.one_of(DEPENDENCY, st.sampled_from(["b", "c", 2])), max_size=4),
        "timing": st.one_of(TIMING, ODD),
        "queue": st.one_of(QUEUE, ODD),
        "health_check": st.one_of(HEALTH_CHECK, ODD),
        "facts": st.just([]),
    },
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(COMPONENT)
def test_vouch_for_parameters_only_as_pydantic_accepts_them(item):
    row = vouch(item)
    if row is None:
        return
    model = Component.model_validate(item)  # raises (fails the test) if it should not vouch
    assert row == row_of(model)  # the compact keys too: those of the model's parameters


@settings(max_examples=600, deadline=None)
@given(st.lists(COMPONENT, max_size=5))
def test_vouch_all_leaves_parameters_to_vouch(items):
    every = vouch_all(items)
    if every is not None:
        assert every == list(map(vouch, items))


def test_the_vouch_takes_the_usual_parameters():
    """Valid parameters of each kind are vouched for (not all sent to pydantic), with the
    keys pydantic's models give them."""
    items = [
        {"id": "a", "kind": "app", "timing": {"recovery_time": "5m", "capacity_units": 10}},
        {"id": "a", "kind": "app", "queue": {"arrival_rate": 5, "drain_rate": 10.0}},
        {"id": "a", "kind": "app", "health_check": {"interval": "10s", "failover": True}},
        {"id": "a", "kind": "app", "depends_on": [{"target": "b", "timeout": 30.0}]},
        {"id": "a", "kind": "app", "depends_on": ["c", {"target": "b", "serve_stale": False}]},
        {
            "id": "a",
            "kind": "app",
            "depends_on": [
                {"target": "b", "retry": {"attempts": 3, "backoff": "1s"}, "plane": "control"},
                {
                    "target": "c",
                    "type": "async",
                    "buffer": {"size": 5, "fill_rate": 1, "drain_rate": 2},
                },
            ],
        },
    ]
    for item in items:
        row = vouch(item)
        assert row is not None
        assert row == row_of(Component.model_validate(item))


def test_the_memo_tells_apart_what_pydantic_tells_apart():
    """``1``, ``1.0``, ``true`` and ``"1"`` are one value to Python's ``==``, not to pydantic."""
    for value in (1, 1.0, True, "1", "1s", 1.5, "x", 0, -1):
        for field in ("timeout", "lease_work", "serve_stale"):
            item = {"id": "a", "kind": "app", "depends_on": [{"target": "b", field: value}]}
            row = vouch(item)
            try:
                model = Component.model_validate(item)
            except ValidationError:
                assert row is None
                continue
            assert row is None or row == row_of(model)


def test_null_is_vouched_for_and_attrition_goes_to_pydantic():
    """``repr`` tells None from an infinity (JSON would not): null is taken as pydantic
    takes it; attrition is checked across a component's dependencies, by pydantic."""
    for item in (
        {"id": "a", "kind": "app", "timing": None},
        {"id": "a", "kind": "app", "depends_on": [{"target": "b", "timeout": None}]},
    ):
        assert vouch(item) == row_of(Component.model_validate(item))
    item = {
        "id": "a",
        "kind": "app",
        "depends_on": [{"target": "b", "attrition": {"loss_rate": 1}}],
    }
    assert vouch(item) is None
    Component.model_validate(item)  # valid: pydantic takes it


def test_the_fields_split_into_parameters_and_the_rest():
    for name, model in (("component", Component), ("dependency", Dependency)):
        assert not NOT_SIMULATION[name] & SIMULATION[name]
        assert NOT_SIMULATION[name] | SIMULATION[name] == set(model.model_fields)


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(vouchsim, "MEMO_MAX", 3)
    for seconds in range(10):
        assert vouchsim.dependency_key(("timeout",), (seconds,)) is not None
    assert len(vouchsim._DEPENDENCIES) <= 3
    monkeypatch.setattr(vouch_module, "MEMO_MAX", 2)
    shapes = [("timeout",), ("purpose", "timeout"), ("cache_ttl",), ("notes",), ("serve_stale",)]
    for names in shapes:
        dep = {"target": "b", **dict.fromkeys(names, "5s")}
        dep = {k: (True if k == "serve_stale" else v) for k, v in dep.items()}
        item = {"id": "a", "kind": "app", "depends_on": [dep]}
        assert vouch(item) == row_of(Component.model_validate(item))
    assert len(vouch_module._SHAPES) <= 2


@pytest.mark.parametrize("n", [1500])
def test_a_generated_sim_graph_needs_no_model(n, tmp_path, monkeypatch):
    """The bench's graph: no component validated by pydantic, the same graph and the same
    compact parameters as the models of the usual passes give, the same cache bytes."""
    path = tmp_path / "sim.yaml"
    path.write_text(to_yaml(with_sim_parameters(service_graph(n, seed=4))), encoding="utf-8")
    fast, usual = _both(path, monkeypatch)
    assert fast.graph is not None and fast.graph.compact is not None
    assert fast.graph.components.built == 0
    _same_graph(fast, usual)
    assert fast.written == usual.written
    models = usual.graph.components.values()
    expected = SimParams.of_models(n, usual.graph.edge_arrays.start, enumerate(models))
    assert fast.graph.compact.sim is not None and expected is not None
    assert fast.graph.compact.sim.to_json() == expected.to_json()


_IDS = ["a", "b", "c"]


@st.composite
def _documents(draw):
    components = []
    for cid in draw(st.lists(st.sampled_from([*_IDS, "a"]), min_size=1, max_size=4)):
        item = draw(COMPONENT)
        item["id"] = cid
        if draw(st.integers(0, 5)) == 0:  # a target that is no id: refused across items
            item["depends_on"] = [*item.get("depends_on", []), {"target": "bad id", "timeout": 5}]
        components.append(item)
    return {"version": 1, "components": components}


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=_documents())
def test_random_sim_graphs_check_the_same_either_way(doc, tmp_path, monkeypatch):
    """Located problems, or the graph and its compact parameters: the same either way."""
    fast, usual = checked_the_same_either_way(doc, tmp_path, monkeypatch)
    if usual.graph is None:
        return
    models = usual.graph.components.values()
    edges = usual.graph.edge_arrays.start
    expected = SimParams.of_models(len(models), edges, enumerate(models))
    sim = fast.graph.compact.sim if fast.graph.compact is not None else None
    assert (sim and sim.to_json()) == (expected and expected.to_json())


def test_the_module_keys_the_cache():
    """It shapes the cache entry's parameters: an edit to it is a new cache key."""
    assert "loading/vouchsim.py" in cache._CODE
