"""Arms on threads (batched) or seed chunks on loky workers give exactly the tables of running
each config serially."""

from __future__ import annotations

import dataclasses

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


@pytest.mark.parametrize(("engine", "chunks"), [("batched", 2), ("vectorised", 4)])
def test_arms_on_two_workers_equal_the_serial_runs(arms, monkeypatch, engine, chunks):
    """Batched arms run one batch per arm on threads; one-at-a-time arms are cut into
    seed chunks for loky worker processes."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_WEEKS", 0)  # parallel even for this small run
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
