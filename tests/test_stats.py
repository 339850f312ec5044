"""Intervals over seeds (analysis.stats): what they cover, where they are bounded, one seed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from analysis import stats


def test_mean_interval_is_the_t_interval():
    values = [3.0, 5.0, 4.0, 6.0, 2.0]
    got = stats.mean_interval(values)
    sem = np.std(values, ddof=1) / math.sqrt(5)
    low, high = scipy_stats.t.interval(0.95, 4, loc=4.0, scale=sem)
    assert got.estimate == 4.0 and got.n == 5 and got.method == "t"
    assert got.low == pytest.approx(low) and got.high == pytest.approx(high)
    # wider than the normal approximation with z = 1.96 on few seeds
    assert got.high - got.low > 2 * 1.96 * sem


def test_one_seed_gives_no_interval():
    for got in (stats.mean_interval([4.0]), stats.paired_difference([5.0], [3.0]),
                stats.relative_change([5.0], [4.0])):  # fmt: skip
        assert got.method == stats.ONE_SEED and not got.defined
        assert math.isnan(got.low) and math.isnan(got.high)
        assert not got.excludes(0.0)
    assert stats.paired_difference([5.0], [3.0]).estimate == 2.0


def test_paired_difference_pairs_by_seed():
    scenario = pd.Series([10.0, 20.0, 30.0, 40.0], index=[0, 1, 2, 3])
    baseline = pd.Series([39.0, 29.0, 19.0, 9.0], index=[3, 2, 1, 0])  # same seeds, other order
    got = stats.paired_difference(scenario, baseline)
    assert got.estimate == pytest.approx(1.0) and got.low == pytest.approx(1.0)
    assert got.excludes(0.0)


def test_count_band_and_relative_change_are_bounded():
    # A count near zero with spread: the plain t-interval would go below zero.
    counts = [0.0, 0.0, 3.0]
    assert stats.mean_interval(counts).low == pytest.approx(stats.mean_interval(counts).low)
    assert stats.mean_interval(counts, bounds=(0.0, None)).low == 0.0
    frame = pd.DataFrame({"step": [0, 0, 0, 1, 1, 1], "seed": [0, 1, 2] * 2,
                          "ties": [0.0, 0.0, 3.0, 1.0, 1.0, 1.0]})  # fmt: skip
    band = stats.band(frame, "ties", bounds=(0.0, None))
    assert (band["low"] >= 0).all() and band.loc[1, "low"] == band.loc[1, "high"] == 1.0
    # A fall to near nothing: the relative change never goes below −100 %.
    rng = np.random.default_rng(1)
    baseline = rng.uniform(1, 10, 10)
    scenario = rng.uniform(0, 0.3, 10)
    rel = stats.relative_change(scenario, baseline)
    assert rel.method == "bootstrap" and rel.low >= -1.0 and rel.high < 0


def test_relative_change_bootstrap_covers_the_ratio():
    rng = np.random.default_rng(7)
    baseline = rng.normal(20, 2, 30)
    scenario = baseline * 0.75 + rng.normal(0, 0.5, 30)
    rel = stats.relative_change(scenario, baseline)
    assert rel.estimate == pytest.approx(scenario.mean() / baseline.mean() - 1)
    assert rel.low < -0.25 < rel.high and rel.high - rel.low < 0.05
    assert stats.relative_change(scenario, baseline) == rel  # deterministic (seeded)


def test_relative_change_of_zero_baseline_is_undefined():
    got = stats.relative_change([0.0, 1.0, 0.0], [0.0, 0.0, 0.0])
    assert math.isnan(got.estimate) and not got.defined


def test_few_seeds_give_a_ratio_but_no_bootstrap_interval():
    got = stats.relative_change([1.0, 2.0, 3.0], [2.0, 2.0, 4.0])
    assert got.estimate == pytest.approx(6 / 8 - 1)
    assert got.method == stats.FEW_SEEDS and not got.defined


def test_a_cluster_bootstrap_resamples_seeds_not_events():
    """Events of one run share that run's history, so a share pooled over runs varies
    with the runs: seeds whose success rates differ widely give a wider interval than the
    binomial one that would treat every event as independent."""
    from analysis.stats import FEW_SEEDS, cluster_bootstrap

    rng = np.random.default_rng(3)
    events = rng.integers(40, 60, 20)
    rates = rng.choice([0.2, 0.8], 20)  # two kinds of run
    frame = pd.DataFrame({"won": rng.binomial(events, rates), "events": events})

    def share(columns):
        return columns["won"].sum() / columns["events"].sum()

    interval = cluster_bootstrap(frame, share)
    pooled = frame["won"].sum() / frame["events"].sum()
    assert interval.estimate == pooled and interval.low < pooled < interval.high
    binomial_half = 1.96 * np.sqrt(pooled * (1 - pooled) / frame["events"].sum())
    assert interval.high - interval.low > 3 * binomial_half
    assert cluster_bootstrap(frame, share) == interval  # same data, same interval
    few = cluster_bootstrap(frame.iloc[:5], share)
    assert few.method == FEW_SEEDS and not few.defined
