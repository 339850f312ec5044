"""Sweeps cut into chunks of seeds (``sweep.seeds_per_job``): balanced jobs, same numbers.

One real chunked sweep (short runs; the basic launcher, since chunking is the sweeper's and
the same for every launcher), compared seed by seed with the unchunked configs simulated
here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments import collect
from experiments.chunks import chunk_job, is_chunked, seed_ranges
from experiments.cli import compose_run
from experiments.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ["drivers.co_location=0.2", "drivers.co_location=0.8"]
RUN = ["steps=12", "replicates=5"]


def test_three_configs_of_twenty_seeds_on_two_workers_become_balanced_jobs():
    configs = [[f"drivers.co_location={v}", "replicates=20"] for v in (0.2, 0.5, 0.8)]
    jobs = [chunk for job in configs for chunk in chunk_job(job, 0, 20, 10)]
    sizes = [int(job[-1].removeprefix("replicates=")) for job in jobs]
    assert sizes == [10] * 6  # 6 equal jobs: 3 per worker, no core idles at the end
    # every seed of every config exactly once, and nothing else of the config changed
    for value in (0.2, 0.5, 0.8):
        mine = [j for j in jobs if f"drivers.co_location={value}" in j]
        seeds = [s for j in mine for s in range(int(j[-2][5:]), int(j[-2][5:]) + int(j[-1][11:]))]
        assert seeds == list(range(20))
        assert all(len(j) == 3 for j in mine)  # the old replicates=20 is gone


def test_seed_ranges_are_nearly_equal_and_cover_every_seed_once():
    assert seed_ranges(7, 20, 6) == [(7, 5), (12, 5), (17, 5), (22, 5)]  # not 6, 6, 6, 2
    assert seed_ranges(0, 5, 2) == [(0, 2), (2, 2), (4, 1)]
    assert seed_ranges(3, 4, 10) == [(3, 4)]
    assert is_chunked(["sweep.seeds_per_job=2", "seed=4"])
    assert not is_chunked(["sweep.seeds_per_job=null", "seed=4"]) and not is_chunked(["seed=4"])


@pytest.fixture(scope="module")
def chunked(tmp_path_factory):
    sweep_dir = tmp_path_factory.mktemp("chunks") / "chunked"
    values = ",".join(c.partition("=")[2] for c in CONFIGS)
    done = subprocess.run(
        [sys.executable, "-m", "experiments.run", "-m", *RUN, f"drivers.co_location={values}",
         "sweep.seeds_per_job=2", "launcher=basic",
         f"hydra.sweep.dir={sweep_dir}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "HYDRA_FULL_ERROR": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return sweep_dir, done.stdout


def test_a_chunked_sweep_runs_and_counts_every_chunk(chunked):
    sweep_dir, stdout = chunked
    assert ": 6 job(s)" in stdout and "[6/6]" in stdout  # 2 configs × 3 chunks (2, 2, 1 seeds)
    names = sorted(p.parent.name for p in sweep_dir.glob("*/summary.json"))
    assert names[:3] == ["drivers.co_location=0.2,replicates=1,seed=4,steps=12",
                         "drivers.co_location=0.2,replicates=2,seed=0,steps=12",
                         "drivers.co_location=0.2,replicates=2,seed=2,steps=12"]  # fmt: skip


def test_collect_joins_the_chunks_into_the_unchunked_results(chunked):
    sweep_dir, _ = chunked
    merged = collect.collect(sweep_dir)
    assert merged.keys == ["drivers.co_location"]
    assert sorted(merged.runs["job"].unique()) == [f"{c},steps=12" for c in CONFIGS]
    for config in CONFIGS:
        whole = simulate(compose_run([*RUN, config]))  # the config run unchunked, here
        job = f"{config},steps=12"
        runs = merged.runs[merged.runs["job"] == job].reset_index(drop=True)
        expected = collect.per_seed(whole.timeseries)
        pd.testing.assert_frame_equal(runs[expected.columns], expected, check_dtype=False)
        series = merged.timeseries[merged.timeseries["job"] == job].reset_index(drop=True)
        pd.testing.assert_frame_equal(series[whole.timeseries.columns], whole.timeseries)
    # the comparison has teeth: the two configs differ
    first, second = (merged.runs.loc[merged.runs["job"] == f"{c},steps=12", "final_ties_total"]
                     for c in CONFIGS)  # fmt: skip
    assert first.tolist() != second.tolist()
