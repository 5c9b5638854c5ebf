"""The seeded parallel runner: same seed, same results, on 1 or 2 processes and on Dask."""

from __future__ import annotations

import random

import pytest

from blast.errors import BadInputError
from blast.parallel import Job, map_seeded, run_jobs, run_rng
from blast.race.des import RaceParams
from blast.race.montecarlo import race_table


def draw(scale: float, rng: random.Random) -> float:
    return scale * rng.random()


def test_run_rng_depends_only_on_seed_job_and_run():
    assert run_rng(1, 0, 5).random() == run_rng(1, 0, 5).random()
    firsts = {run_rng(1, j, i).random() for j in range(3) for i in range(50)}
    assert len(firsts) == 150
    assert run_rng(2, 0, 5).random() != run_rng(1, 0, 5).random()


def test_results_do_not_depend_on_workers_or_chunks():
    one = map_seeded(draw, 2.0, runs=500, seed=9)
    assert one == [2.0 * run_rng(9, 0, i).random() for i in range(500)]
    assert map_seeded(draw, 2.0, runs=500, seed=9, chunk_size=7) == one
    assert map_seeded(draw, 2.0, runs=500, seed=9, workers=2, chunk_size=64) == one


def test_jobs_get_their_own_streams_unless_shared():
    a, b, c = run_jobs(
        [Job(draw, 1.0, 20), Job(draw, 1.0, 20), Job(draw, 3.0, 20, stream=0)], seed=4
    )
    assert a != b
    assert c == [3 * x for x in a]
    assert run_jobs([Job(draw, 1.0, 0)], seed=4) == [[]]


def test_bad_arguments_are_bad_input():
    with pytest.raises(BadInputError, match="workers"):
        map_seeded(draw, 1.0, runs=3, seed=1, workers=0)
    with pytest.raises(BadInputError, match="runs"):
        map_seeded(draw, 1.0, runs=-1, seed=1)


SMALL = {"tails": (0.05,), "contentions": (0.0, 0.3), "fix_runs": 20}


def test_same_seed_same_table_on_one_and_two_processes():
    one = race_table(RaceParams(), 80, seed=3, **SMALL)
    two = race_table(RaceParams(), 80, seed=3, workers=2, **SMALL)
    assert one == two


@pytest.fixture
def cluster():
    """A real dask.distributed cluster on 127.0.0.1, two in-process workers, closed after."""
    from distributed import LocalCluster

    local = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        yield local
    finally:
        local.close(timeout=20)


def test_dask_gives_the_same_results_as_local(cluster):
    local = map_seeded(draw, 2.0, runs=300, seed=5)
    assert map_seeded(draw, 2.0, runs=300, seed=5, scheduler=cluster.scheduler_address) == local
    table = race_table(RaceParams(), 80, seed=3, scheduler=cluster.scheduler_address, **SMALL)
    assert table == race_table(RaceParams(), 80, seed=3, **SMALL)


def test_unreachable_scheduler_is_bad_input():
    with pytest.raises(BadInputError, match="Dask scheduler"):
        map_seeded(draw, 1.0, runs=3, seed=1, scheduler="tcp://127.0.0.1:9")
