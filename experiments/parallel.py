"""Several run configs on every core: batched runs on threads (a batch's time is in compiled
loops and numpy, which release the GIL), one-at-a-time runs cut into seed chunks for loky
worker processes.

Each seed's random streams depend on the seed alone, so a chunk of seeds ``a … b`` gives
exactly the rows the whole run gives for those seeds; gluing the chunks back in seed
order reproduces :func:`experiments.simulate.simulate` of the whole run, table for table.
A worker process takes a few seconds to start (it imports the model), so small requests
run here, serially.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import pandas as pd

from .config import RunConfig
from .simulate import RunResult, simulate

#: Below this many simulated weeks in all (seeds × steps) a worker's start costs more than it saves.
MIN_PARALLEL_WEEKS = 2_000


def simulate_many(runs: list[RunConfig], n_jobs: int | None = None,
                  progress: Callable[[int], None] | None = None) -> list[RunResult]:  # fmt: skip
    """:func:`simulate` each run, in parallel where it pays; results as if run one by one.

    ``n_jobs``: worker processes (None: every available core). ``progress`` is called with
    the number of seeds each time some finish.
    """
    from joblib import Parallel, cpu_count, delayed

    # cpu_count: the cores this process may use (affinity, cgroup quota: a Slurm job's share)
    workers = cpu_count() if n_jobs is None else n_jobs
    weeks = sum(run.replicates * run.steps for run in runs)
    if workers <= 1 or weeks < MIN_PARALLEL_WEEKS:
        each = (lambda _seed: progress(1)) if progress is not None else None
        return [simulate(run, progress=each) for run in runs]

    if all(run.engine == "batched" for run in runs):
        # A batch spends its time in compiled loops and numpy, which release the GIL:
        # threads share the loaded loops and start at once, where a process takes seconds.
        pieces = max(1, math.ceil(workers / len(runs)))
        backend = "threading"
    else:
        pieces, backend = workers, "loky"
    chunks = [(i, chunk) for i, run in enumerate(runs) for chunk in split(run, pieces)]
    parts: list[list[RunResult]] = [[] for _ in runs]
    pool = Parallel(n_jobs=workers, backend=backend, return_as="generator")
    for (i, chunk), result in zip(chunks, pool(delayed(simulate)(c) for _, c in chunks),
                                  strict=True):  # fmt: skip
        parts[i].append(result)
        if progress is not None:
            progress(chunk.replicates)
    return [merge(p) for p in parts]


def split(run: RunConfig, pieces: int) -> list[RunConfig]:
    """``run`` as up to ``pieces`` runs over consecutive seed ranges of (nearly) equal size."""
    size = math.ceil(run.replicates / max(1, min(pieces, run.replicates)))
    return [dataclasses.replace(run, seed=start, replicates=min(size, run.seed + run.replicates - start))
            for start in range(run.seed, run.seed + run.replicates, size)]  # fmt: skip


def merge(parts: list[RunResult]) -> RunResult:
    """The results of consecutive seed chunks as one result, in seed order."""
    if len(parts) == 1:
        return parts[0]

    def glue(frames):
        return pd.concat(list(frames), ignore_index=True)

    networks = {week: glue(p.networks[week] for p in parts) for week in parts[0].networks}
    return RunResult(glue(p.timeseries for p in parts), glue(p.actors for p in parts),
                     glue(p.ties for p in parts), networks)  # fmt: skip
