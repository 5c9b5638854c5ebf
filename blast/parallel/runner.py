"""Map a pure function over independent seeded runs, on one or many workers.

A *run* is one call ``fn(params, rng)`` of a pure, module-level function with a
picklable parameter object and its own :class:`random.Random`. Run ``i`` of job
``j`` always gets the generator seeded from ``SeedSequence(seed, spawn_key=(j, i))``
(numpy's documented way to derive independent streams), so a result depends only
on ``(seed, job, run index)``: never on the number of workers, the chunking, or
which machine ran it. Results come back in run order, so any aggregate computed
from them is the same on 1 process, 2 processes or a Dask cluster.

Executors:

* ``workers=1`` and no scheduler: in this process, no pool (no start-up cost);
* ``workers=N``: a :class:`concurrent.futures.ProcessPoolExecutor` of N processes;
* ``scheduler="tcp://host:port"``: a ``dask.distributed`` cluster (``Client.map``
  over chunks, ``Client.gather`` in order). Dask is imported only then.

Example:

>>> def coin(p, rng):
...     return rng.random() < p
>>> # a module-level function is needed for workers > 1
>>> sum(map_seeded(coin, 0.5, runs=1000, seed=1)) == sum(map_seeded(coin, 0.5, runs=1000, seed=1))
True
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from blast.errors import BadInputError

P = TypeVar("P")
R = TypeVar("R")

RunFunction = Callable[[Any, random.Random], Any]
"""``fn(params, rng) -> result``: pure, module-level (picklable), small result."""

DEFAULT_CHUNK = 2000
"""Runs per task sent to a worker: large enough to hide the per-task overhead."""


def run_rng(seed: int, job: int, run: int) -> random.Random:
    """The generator of run ``run`` of job ``job``, seeded by ``SeedSequence(seed, (job, run))``.

    Independent of every other (job, run) pair (numpy ``SeedSequence`` spawning).
    """
    state = np.random.SeedSequence(seed, spawn_key=(job, run)).generate_state(2, np.uint64)
    return random.Random((int(state[0]) << 64) | int(state[1]))


@dataclass(frozen=True)
class Job(Generic[P]):
    """``runs`` runs of one function on one parameter object."""

    fn: Callable[[P, random.Random], Any]
    params: P
    runs: int


@dataclass(frozen=True)
class _Chunk:
    fn: Callable[[Any, random.Random], Any]
    params: Any
    seed: int
    job: int
    start: int
    stop: int


def _run_chunk(chunk: _Chunk) -> list[Any]:
    """Runs ``start`` to ``stop - 1`` of one job, in order (executed on a worker)."""
    return [
        chunk.fn(chunk.params, run_rng(chunk.seed, chunk.job, i))
        for i in range(chunk.start, chunk.stop)
    ]


def _chunks(jobs: Sequence[Job[Any]], seed: int, size: int) -> list[_Chunk]:
    return [
        _Chunk(job.fn, job.params, seed, j, start, min(start + size, job.runs))
        for j, job in enumerate(jobs)
        for start in range(0, job.runs, size)
    ]


def run_jobs(
    jobs: Sequence[Job[Any]],
    seed: int,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    chunk_size: int | None = None,
) -> list[list[Any]]:
    """Every run of every job; ``result[j][i]`` is run ``i`` of job ``j``.

    Parameters
    ----------
    jobs:
        What to run; job ``j`` uses the random streams ``(seed, j, 0..runs-1)``.
    seed:
        The one seed everything derives from.
    workers:
        Local processes (1 = in this process). Ignored with ``scheduler``.
    scheduler:
        Address of a ``dask.distributed`` scheduler (``tcp://127.0.0.1:8786``).
    chunk_size:
        Runs per task; default :data:`DEFAULT_CHUNK`, smaller when that leaves
        workers idle.

    Raises
    ------
    BadInputError
        A negative run count, fewer than one worker, or a scheduler that cannot
        be reached.
    """
    if workers < 1:
        raise BadInputError(f"workers must be at least 1, not {workers}")
    for job in jobs:
        if job.runs < 0:
            raise BadInputError(f"runs must be at least 0, not {job.runs}")
    total = sum(job.runs for job in jobs)
    parallel = max(workers, 1) if scheduler is None else 8
    size = chunk_size or max(1, min(DEFAULT_CHUNK, -(-total // (4 * parallel)) if total else 1))
    chunks = _chunks(jobs, seed, size)
    if scheduler is not None:
        parts = _on_dask(chunks, scheduler)
    elif workers == 1 or len(chunks) <= 1:
        parts = [_run_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_run_chunk, chunks))
    results: list[list[Any]] = [[] for _ in jobs]
    for chunk, part in zip(chunks, parts, strict=True):
        results[chunk.job].extend(part)
    return results


def _on_dask(chunks: list[_Chunk], scheduler: str) -> list[list[Any]]:
    from distributed import Client

    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BadInputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        futures = client.map(_run_chunk, chunks, pure=False)
        return list(client.gather(futures))
    finally:
        client.close()


def map_seeded(
    fn: Callable[[P, random.Random], R],
    params: P,
    runs: int,
    seed: int,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    chunk_size: int | None = None,
) -> list[R]:
    """``[fn(params, run_rng(seed, 0, i)) for i in range(runs)]``, in parallel.

    The single-job form of :func:`run_jobs`; same arguments, same guarantees.
    """
    job: Job[P] = Job(fn, params, runs)
    return run_jobs([job], seed, workers=workers, scheduler=scheduler, chunk_size=chunk_size)[0]
