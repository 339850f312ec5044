"""Several run configs on every core: batched runs on worker processes forked from this one
(Linux; elsewhere on threads), one-at-a-time runs cut into seed chunks for loky worker
processes.

Each seed's random streams depend on the seed alone, so a chunk of seeds ``a … b`` gives
exactly the rows the whole run gives for those seeds; gluing the chunks back in seed
order reproduces :func:`experiments.simulate.simulate` of the whole run, table for table.
A worker process takes a few seconds to start (it imports the model), so small requests
run here, serially.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
    from joblib import cpu_count

    # cpu_count: the cores this process may use (affinity, cgroup quota: a Slurm job's share)
    workers = cpu_count() if n_jobs is None else n_jobs
    weeks = sum(run.replicates * run.steps for run in runs)
    if workers <= 1 or weeks < MIN_PARALLEL_WEEKS:
        each = (lambda _seed: progress(1)) if progress is not None else None
        return [simulate(run, progress=each) for run in runs]

    batched = all(run.engine == "batched" for run in runs)
    # A batch costs partly per week, whatever its seeds: each run in as few pieces as keep
    # every worker busy. One seed at a time gains nothing from size: a chunk per worker.
    pieces = max(1, math.ceil(workers / len(runs))) if batched else workers
    chunks = [(i, chunk) for i, run in enumerate(runs) for chunk in split(run, pieces)]
    configs = [c for _, c in chunks]
    parts: list[list[RunResult]] = [[] for _ in runs]
    with _pool(batched, min(workers, len(chunks))) as results:
        for (i, chunk), result in zip(chunks, results(configs), strict=True):
            parts[i].append(result)
            if progress is not None:
                progress(chunk.replicates)
    return [merge(p) for p in parts]


@contextmanager
def _pool(batched: bool, workers: int) -> Iterator[Callable[[list[RunConfig]], Iterator[RunResult]]]:
    """A function that simulates run configs on ``workers`` workers, results in order.

    Batched runs: on Linux, processes forked from this one, which has the model imported
    (and its compiled loops, once loaded), so they start in milliseconds (a fresh process
    takes seconds) and run side by side, where threads share one GIL (half of a batch's
    week is Python and numpy calls that hold it): measured in ``docs/performance.md`` § 10.
    Elsewhere (no ``fork``), threads. One-at-a-time runs: loky worker processes.
    """
    if batched and sys.platform == "linux":
        before = {p.pid for p in multiprocessing.active_children()}
        pool = _forked_pool(workers)
        forked = {p.pid for p in multiprocessing.active_children()} - before
        try:
            yield lambda configs: _watched(pool.imap(simulate, configs), len(configs), forked)
        except BaseException:  # an error, Ctrl-C: stop the workers where they are
            pool.terminate()
            raise
        else:  # every result is in: the workers end on the pool's own signal to stop
            pool.close()
        finally:
            pool.join()
        return
    from joblib import Parallel, delayed

    backend = "threading" if batched else "loky"
    parallel = Parallel(n_jobs=workers, backend=backend, return_as="generator")
    yield lambda configs: parallel(delayed(simulate)(c) for c in configs)


def _watched(results, n: int, workers: set[int]) -> Iterator[RunResult]:
    """``n`` results in order, or an error as soon as one of the ``workers`` is gone.

    A pool replaces a worker that was killed (the system's out-of-memory killer, ``kill``)
    but not the task it was running, and would wait for its result for ever.
    """
    for _ in range(n):
        while True:
            try:
                yield results.next(timeout=1.0)
                break
            except multiprocessing.TimeoutError:
                alive = {p.pid for p in multiprocessing.active_children()}
                if not workers <= alive:
                    raise RuntimeError(
                        "a simulation worker process ended before its runs were done "
                        "(killed, perhaps for lack of memory); nothing was written"
                    ) from None


def _forked_pool(workers: int):
    """``workers`` processes forked from this one, with SIGTERM's default and Ctrl-C
    ignored from their first instruction.

    A forked worker inherits its parent's signal handlers, and the commands turn SIGTERM
    into ``SystemExit`` so that a half-written file is removed
    (``stop_cleanly_on_sigterm``). Twice a worker took the pool's SIGTERM with that
    handler and still sat waiting on the pool's queue, so the command waited for ever
    (once in a stop-week run, once in a test, with the handler reset only in the
    worker's initializer). A ``SystemExit`` raised where Python ignores exceptions, such
    as in a destructor, behaves like that. So the handlers are set for the fork itself and
    restored in this process right after, and the pool is stopped with SIGTERM only after
    an error (:func:`_pool`). Ctrl-C reaches every process of the terminal; this process
    stops the pool, so a worker ignores it rather than printing its own traceback.
    """
    import signal
    import threading

    context = multiprocessing.get_context("fork")
    here = threading.current_thread() is threading.main_thread()  # only it may set handlers
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)} if here else {}
    try:
        if here:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        with warnings.catch_warnings():
            # Python warns on every fork from a process with threads. Here those are native
            # pools (numpy's and scipy's OpenBLAS, pyarrow's jemalloc), which re-arm
            # themselves in a child, and at most a progress bar's monitor; the child only
            # simulates and returns rows.
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            return context.Pool(workers, initializer=_exit_with_parent, initargs=(os.getpid(),))
    finally:
        for sig, handler in kept.items():
            if handler is not None:  # None: set outside Python, nothing to restore
                signal.signal(sig, handler)


def _exit_with_parent(parent: int) -> None:
    """In a worker forked by ``parent``: end when that process dies (``kill -9``, a closed
    terminal) instead of simulating on for no one (:func:`experiments.orphans.exit_with`).
    Its signal handlers are set again here, for a worker the pool forks later (from its
    own thread) to replace one that died."""
    import signal

    from .orphans import exit_with

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with(parent)


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
