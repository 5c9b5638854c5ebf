"""Independent seeded runs in parallel: local processes, or a Dask cluster.

See :mod:`blast.parallel.runner`. Used by ``blast race`` (Monte Carlo of the DNS
race); later sweeps (what-if mitigations, correlated failures) reuse it.
"""

from blast.parallel.runner import Job, RunFunction, map_seeded, run_jobs, run_rng

__all__ = ["Job", "RunFunction", "map_seeded", "run_jobs", "run_rng"]
