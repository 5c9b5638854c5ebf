"""Exhaustive search of the DNS race: verdicts, the shortest losing interleaving, fixes, odds."""

from __future__ import annotations

import pytest

from blast.parallel import map_seeded
from blast.race.explore import explore, random_walk
from blast.race.protocol import Config, Fix
from blast.race.stats import wilson

# The public TLA+ model's constants (will62794/spectacle AwsDNSRace.tla): 2 Enactors,
# plans up to 5, clean-up threshold 2. Config() defaults to them.
TLA = Config()


@pytest.fixture(scope="module")
def split():
    return explore(TLA)


def test_defaults_are_the_tla_constants():
    assert (TLA.enactors, TLA.max_plan, TLA.threshold) == (2, 5, 2)


def test_atomic_enactor_step_has_no_violation():
    result = explore(Config(atomic=True))
    assert result.ok and result.counterexample is None
    assert result.probability_empty == 0
    assert result.states == 540


def test_split_steps_violate_safety_and_progress(split):
    assert split.states == 18966
    assert split.depth == 45
    assert split.safety_violations == 3050
    # Every state with an empty record is stuck for ever, and no other state is.
    assert split.progress_violations == split.safety_violations
    assert not split.ok


def test_shortest_losing_interleaving_is_pinned(split):
    steps = split.counterexample.steps
    assert [(s.actor, s.kind) for s in steps] == [
        ("Planner", "plan"),
        ("Enactor A", "pick"),
        ("Planner", "plan"),
        ("Planner", "plan"),
        ("Enactor B", "pick"),
        ("Enactor B", "lock"),
        ("Enactor B", "write"),
        ("Enactor A", "lock"),
        ("Enactor A", "write"),
        ("Enactor B", "cleanup"),
    ]
    assert steps[1].text == "Enactor A picks plan 1, checks it is newer than 0 in effect (once)"
    assert steps[8].text == "Enactor A writes plan 1 to regional (rollback record: plan 3)"
    assert steps[9].text == "Enactor B cleans up after plan 3: deletes plans [1]"
    assert ("regional.plan", "1", "1 (EMPTY record)") in steps[9].diff
    assert ("plans.deleted", "{}", "{1}") in steps[9].diff
    lines = split.counterexample.lines()
    assert lines[0] == "  1. Planner makes plan 1"
    assert "       regional.plan: 3 -> 1" in lines


def test_without_lock_steps_the_counterexample_is_two_steps_shorter():
    result = explore(Config(locks=False))
    assert len(result.counterexample.steps) == 8
    assert result.counterexample.steps[-1].kind == "cleanup"


def test_progress_counterexample_ends_stuck(split):
    cex = split.progress_counterexample
    assert cex.property == "progress"
    final = dict(cex.final)
    assert final["regional.plan"].endswith("(EMPTY record)")


@pytest.mark.parametrize("fix", list(Fix), ids=lambda f: f.value)
def test_each_fix_removes_every_violation(fix):
    result = explore(Config(fix=fix))
    assert result.safety_violations == 0
    assert result.progress_violations == 0
    assert result.probability_empty == 0
    assert result.states > 10_000  # the same interleavings are explored


@pytest.mark.parametrize("fix", list(Fix), ids=lambda f: f.value)
def test_each_fix_holds_with_two_endpoints_and_four_plans(fix):
    result = explore(Config(fix=fix, max_plan=4, endpoints=("regional", "ipv6")))
    assert result.ok


def test_two_endpoints_without_fix_fail_in_twelve_steps():
    result = explore(Config(max_plan=4, endpoints=("regional", "ipv6")))
    assert len(result.counterexample.steps) == 12
    assert result.progress_violations > 0


def test_exact_probability_is_a_fraction_in_range(split):
    assert 0 < split.probability_empty < 1
    assert split.probability_empty.denominator > 1


def test_monte_carlo_agrees_with_the_exact_probability(split):
    # Scheduler: every enabled step equally likely (stated in blast.race.explore).
    runs = 4000
    hits = map_seeded(random_walk, TLA, runs=runs, seed=7)
    estimate = wilson(sum(hits), runs, confidence=0.99)
    assert estimate.contains(float(split.probability_empty)), (estimate, split.probability_empty)
    assert 0 < sum(hits) < runs


def test_random_walk_never_empties_a_fixed_protocol():
    assert not any(map_seeded(random_walk, Config(fix=Fix.CAS), runs=300, seed=3))


def test_too_big_configuration_is_refused():
    from blast.errors import BadInputError

    with pytest.raises(BadInputError, match="enactors"):
        Config(enactors=9)
