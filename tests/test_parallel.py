"""Arms on forked workers or threads (batched) or seed chunks on loky workers give exactly the
tables of running each config serially."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
import types

import pandas as pd
import pytest

from experiments import parallel, whatif
from experiments.simulate import simulate

# A what-if's two arms, small: identical until week 52, then the coordinator stops.
ARGS = ["centre=health", "scenario=coordinator_stops", "replicates=3", "steps=80"]


@pytest.fixture(scope="module")
def arms():
    request = whatif.prepare(ARGS)
    return [request.scenario, request.baseline]


def assert_same(expected, got):
    for name in ("timeseries", "actors", "ties"):
        pd.testing.assert_frame_equal(getattr(expected, name), getattr(got, name))
    assert expected.networks.keys() == got.networks.keys()
    for week in expected.networks:
        pd.testing.assert_frame_equal(expected.networks[week], got.networks[week])


def test_split_covers_every_seed_once_in_order(arms):
    run = dataclasses.replace(arms[0], seed=7, replicates=5)
    pieces = parallel.split(run, 2)
    assert [(p.seed, p.replicates) for p in pieces] == [(7, 3), (10, 2)]
    assert [(p.seed, p.replicates) for p in parallel.split(run, 9)] == [(s, 1) for s in range(7, 12)]


WAYS = [("batched", sys.platform, 2), ("batched", "darwin", 2), ("vectorised", sys.platform, 4)]


@pytest.mark.parametrize(("engine", "platform", "chunks"), WAYS)
def test_arms_on_two_workers_equal_the_serial_runs(arms, monkeypatch, engine, platform, chunks):
    """Batched arms run one batch per arm on forked workers (Linux) or threads (elsewhere);
    one-at-a-time arms are cut into seed chunks for loky worker processes."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_WEEKS", 0)  # parallel even for this small run
    monkeypatch.setattr(parallel, "sys", types.SimpleNamespace(platform=platform))
    arms = [dataclasses.replace(run, engine=engine) for run in arms]
    seen = []
    got = parallel.simulate_many(arms, n_jobs=2, progress=seen.append)
    assert sum(seen) == 2 * 3 and len(seen) == chunks
    for run, result in zip(arms, got, strict=True):
        assert_same(simulate(run), result)
    # the comparison has teeth: the arms differ after the coordinator stops
    assert not got[0].timeseries.equals(got[1].timeseries)


def test_small_requests_run_serially_in_this_process(arms, monkeypatch):
    def no_workers(*args, **kwargs):
        raise AssertionError("started workers for a small request")

    monkeypatch.setattr("joblib.Parallel", no_workers)
    got = parallel.simulate_many([dataclasses.replace(arms[0], steps=10, network_weeks=[])], n_jobs=2)
    assert_same(simulate(dataclasses.replace(arms[0], steps=10, network_weeks=[])), got[0])


def _fails(run):
    raise RuntimeError(f"no simulation of seed {run.seed} in this worker")


def test_an_error_in_a_forked_worker_reaches_the_caller(arms, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_WEEKS", 0)
    monkeypatch.setattr(parallel, "simulate", _fails)  # a forked worker sees this module as it is
    with pytest.raises(RuntimeError, match="no simulation of seed 0 in this worker"):
        parallel.simulate_many(arms, n_jobs=2)


def _signal_handling(_run):
    return signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux only")
def test_forked_workers_end_at_sigterm_whatever_their_parent_does_with_it(monkeypatch):
    """The parent turns SIGTERM into SystemExit (to remove half-written files). Workers that
    inherited that handler twice took the pool's SIGTERM and still waited on the task queue,
    so the command waited for ever: a worker must end at SIGTERM and leave Ctrl-C to its
    parent."""
    from experiments.outputs import stop_cleanly_on_sigterm

    monkeypatch.setattr(parallel, "simulate", _signal_handling)
    before = signal.getsignal(signal.SIGTERM)
    try:
        stop_cleanly_on_sigterm()
        with parallel._pool(True, 2) as results:
            seen = list(results([None, None, None]))
    finally:
        signal.signal(signal.SIGTERM, before)
    assert seen == [(signal.SIG_DFL, signal.SIG_IGN)] * 3


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux only")
def test_forked_workers_are_signalled_only_when_something_went_wrong(arms, monkeypatch):
    """Once every result is in, the workers end on the pool's own signal to stop (close);
    SIGTERM (terminate) is kept for an error or Ctrl-C. A SIGTERM that a worker's Python
    handler took inside a destructor was swallowed there, and the pool waited for ever."""
    import multiprocessing.pool

    terminated = []
    terminate = multiprocessing.pool.Pool.terminate
    monkeypatch.setattr(
        multiprocessing.pool.Pool, "terminate", lambda pool: terminated.append(1) or terminate(pool)
    )
    monkeypatch.setattr(parallel, "simulate", abs)  # a task that returns at once
    with parallel._pool(True, 2) as results:
        assert list(results([-1, -2, -3])) == [1, 2, 3]
    assert terminated == []
    monkeypatch.setattr(parallel, "simulate", _fails)
    with pytest.raises(RuntimeError), parallel._pool(True, 2) as results:
        list(results(arms))
    assert terminated == [1]


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux only")
def test_a_killed_forked_worker_is_an_error_not_a_wait():
    """The out-of-memory killer ends a worker: the command must say so, not wait for ever
    for that worker's runs (a pool replaces the worker, not its task). In a process of its
    own, so a hang fails here instead of stopping the suite."""
    script = textwrap.dedent("""
        import os, signal
        from experiments import parallel
        def die(_run):
            os.kill(os.getpid(), signal.SIGKILL)
        parallel.simulate = die
        try:
            with parallel._pool(True, 2) as results:
                list(results([1, 2]))
        except RuntimeError as err:
            print("error:", err)
    """)
    root = os.path.dirname(os.path.dirname(__file__))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert "error: a simulation worker process ended before its runs were done" in done.stdout, done.stderr


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux only")
def test_forked_workers_die_with_the_process_that_forked_them(tmp_path):
    """``kill -9`` of a what-if must not leave its workers simulating on, unseen."""
    script = textwrap.dedent("""
        import multiprocessing, time
        from experiments import parallel
        parallel.simulate = time.sleep  # each worker busy for a minute
        with parallel._pool(True, 2) as results:
            running = results([60, 60])
            print(*[p.pid for p in multiprocessing.active_children()], flush=True)
            list(running)
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    workers = [int(pid) for pid in child.stdout.readline().split()]
    assert len(workers) == 2
    child.send_signal(signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie is dead, waiting to be reaped
    except FileNotFoundError:
        return False
