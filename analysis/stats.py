"""Intervals over seeds, from scipy: one module for every report, plot and test.

The model is run for several seeds (replicates). The intervals here describe how much a
result varies *from run to run of the model* — they say how well the mean over these
seeds is pinned down, not how sure we are about a real centre.

- :func:`mean_interval`: a t-interval of a mean over seeds (``scipy.stats.t``), e.g. the
  band of a weekly count in a plot.
- :func:`paired_difference`: a t-interval of the mean of paired seed differences
  (scenario − baseline run with the same seeds, so common random numbers cancel).
- :func:`relative_change`: the ratio of means minus one with a paired bootstrap interval
  (``scipy.stats.bootstrap``); a ratio is skewed, so no normal approximation.
- :func:`cluster_bootstrap`: a statistic of counts pooled over seeds (e.g. successes
  per event, over all of a run's events) with seeds resampled whole: the events of one
  run are not independent of each other, the runs are.
- :func:`band`: per-week mean and interval of a column, for plots.

Every interval can be bounded where the quantity is: a count's mean is never below zero,
a relative change never below −100 %, a share lies in [0, 1]. With one seed there is no
spread to estimate: the result is an :class:`Interval` with ``defined`` False and
:data:`ONE_SEED` as its ``method`` — callers print "–", never a zero-width interval.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _scipy

LEVEL = 0.95
#: ``Interval.method`` when fewer than two seeds leave no spread to estimate.
ONE_SEED = "one seed: no interval"
#: Resamples of the bootstrap; 2000 keeps the 2.5 % tails stable to about a percent.
N_RESAMPLES = 2000
#: Fewer seeds than this give no bootstrap interval: with 3 seeds there are only 10
#: distinct resamples and the percentile interval is far too narrow.
MIN_BOOTSTRAP_SEEDS = 10
#: ``Interval.method`` when there are seeds, but too few for a bootstrap.
FEW_SEEDS = f"fewer than {MIN_BOOTSTRAP_SEEDS} seeds: no bootstrap interval"


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval over ``n`` seeds.

    Args:
        estimate: the mean (or mean difference, or relative change).
        low, high: interval ends (NaN when not ``defined``).
        n: number of seeds behind it.
        level: coverage of the interval, e.g. 0.95.
        method: ``t``, ``bootstrap``, :data:`ONE_SEED` or :data:`FEW_SEEDS`.
    """

    estimate: float
    low: float
    high: float
    n: int
    level: float = LEVEL
    method: str = "t"

    @property
    def defined(self) -> bool:
        """True when there is an interval (two seeds or more, finite ends)."""
        finite = math.isfinite(self.low) and math.isfinite(self.high)
        return self.method not in (ONE_SEED, FEW_SEEDS) and finite

    def as_tuple(self) -> tuple[float, float, float]:
        """``(estimate, low, high)``, for callers that unpack."""
        return self.estimate, self.low, self.high

    def excludes(self, value: float = 0.0) -> bool:
        """True when the interval lies wholly above or below ``value`` (e.g. no change)."""
        return self.defined and (self.low > value or self.high < value)


def _bounded(low: float, high: float, bounds: tuple[float | None, float | None]):
    lower, upper = bounds
    if lower is not None:
        low, high = max(low, lower), max(high, lower)
    if upper is not None:
        low, high = min(low, upper), min(high, upper)
    return low, high


def _values(values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[np.isfinite(array)]


def mean_interval(values, level: float = LEVEL,
                  bounds: tuple[float | None, float | None] = (None, None)) -> Interval:  # fmt: skip
    """t-interval of the mean of ``values`` (one per seed), clipped to ``bounds``."""
    x = _values(values)
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, level, ONE_SEED)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n, level, ONE_SEED)
    half = float(_scipy.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    low, high = _bounded(mean - half, mean + half, bounds)
    return Interval(mean, low, high, n, level, "t")


def paired_difference(scenario, baseline, level: float = LEVEL,
                      bounds: tuple[float | None, float | None] = (None, None)) -> Interval:  # fmt: skip
    """t-interval of the mean of ``scenario − baseline`` over seeds run in both arms.

    Series are aligned on their index (the seed); seeds missing in either arm drop out.
    """
    s, b = pd.Series(scenario, dtype=float), pd.Series(baseline, dtype=float)
    diff = (s - b).dropna()
    return mean_interval(diff.to_numpy(), level, bounds)


def relative_change(scenario, baseline, level: float = LEVEL, seed: int = 0,
                    n_resamples: int = N_RESAMPLES) -> Interval:  # fmt: skip
    """``mean(scenario) / mean(baseline) − 1`` with a paired bootstrap interval.

    Seeds are resampled together in both arms (``paired=True``), BCa where the resamples
    allow it, percentile otherwise. Bounded below by −1 (−100 %): a count cannot fall by
    more than all of it. NaN estimate when the baseline mean is zero; no interval (method
    :data:`FEW_SEEDS`) below :data:`MIN_BOOTSTRAP_SEEDS` seeds.
    """
    s, b = pd.Series(scenario, dtype=float), pd.Series(baseline, dtype=float)
    both = pd.concat([s, b], axis=1).dropna()
    x, y = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    n = len(x)
    if n == 0 or y.mean() == 0:
        return Interval(math.nan, math.nan, math.nan, n, level, ONE_SEED if n < 2 else "bootstrap")
    estimate = float(x.mean() / y.mean() - 1)
    if n < 2:
        return Interval(estimate, math.nan, math.nan, n, level, ONE_SEED)
    if n < MIN_BOOTSTRAP_SEEDS:
        return Interval(estimate, math.nan, math.nan, n, level, FEW_SEEDS)
    if np.ptp(x) == 0 and np.ptp(y) == 0:  # every seed alike: nothing to resample
        return Interval(estimate, estimate, estimate, n, level, "bootstrap")

    def ratio(a, c, axis=-1):
        with np.errstate(divide="ignore", invalid="ignore"):
            return a.mean(axis=axis) / c.mean(axis=axis) - 1

    low, high = _bootstrap_interval((x, y), ratio, level, seed, n_resamples, paired=True, vectorized=True)
    low, high = _bounded(low, high, (-1.0, None))
    return Interval(estimate, low, high, n, level, "bootstrap")


def _bootstrap_interval(data: tuple, statistic, level: float, seed: int, n_resamples: int,
                        **options) -> tuple[float, float]:  # fmt: skip
    """BCa interval where the resamples allow it, else percentile (NaN if neither)."""
    low = high = math.nan
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate resamples: we fall back below
            result = _scipy.bootstrap(data, statistic, confidence_level=level, n_resamples=n_resamples,
                                      method=method, rng=np.random.default_rng(seed), **options)  # fmt: skip
        low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            break
    return low, high


def cluster_bootstrap(columns: pd.DataFrame, statistic, level: float = LEVEL, seed: int = 0,
                      n_resamples: int = N_RESAMPLES) -> Interval:  # fmt: skip
    """``statistic`` of counts pooled over seeds, with seeds resampled whole.

    ``columns`` has one row per seed; ``statistic`` takes a dict of column arrays and
    returns a float (e.g. ``sum(successes) / sum(events)``); NaN when undefined (no
    events). Fewer than :data:`MIN_BOOTSTRAP_SEEDS` seeds give no interval.
    """
    data = {c: columns[c].to_numpy(float) for c in columns.columns}
    estimate = float(statistic(data))
    n = len(columns)
    if n < 2 or not math.isfinite(estimate):
        return Interval(estimate, math.nan, math.nan, n, level, ONE_SEED if n < 2 else "bootstrap")
    if n < MIN_BOOTSTRAP_SEEDS:
        return Interval(estimate, math.nan, math.nan, n, level, FEW_SEEDS)

    def resampled(index):
        return statistic({c: v[index] for c, v in data.items()})

    low, high = _bootstrap_interval((np.arange(n),), resampled, level, seed, n_resamples,
                                    vectorized=False)  # fmt: skip
    return Interval(estimate, low, high, n, level, "bootstrap")


def band(frame: pd.DataFrame, column: str, by: str = "step", level: float = LEVEL,
         bounds: tuple[float | None, float | None] = (None, None)) -> pd.DataFrame:  # fmt: skip
    """Per value of ``by`` (e.g. week): mean over seeds with its t-interval, bounded.

    Returns columns ``mean``, ``low``, ``high``, ``n``; with one seed ``low``/``high`` equal
    the mean (a line without a band), so plots need no special case.
    """
    grouped = frame.groupby(by)[column]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    t = pd.Series(_scipy.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), index=n.index)
    half = (t * sd / np.sqrt(n)).where(n > 1, 0.0).fillna(0.0)
    low, high = mean - half, mean + half
    lower, upper = bounds
    if lower is not None:
        low, high = low.clip(lower=lower), high.clip(lower=lower)
    if upper is not None:
        low, high = low.clip(upper=upper), high.clip(upper=upper)
    return pd.DataFrame({"mean": mean, "low": low, "high": high, "n": n})


def describe_level(level: float = LEVEL) -> str:
    """``95 %`` for a level of 0.95 (for captions)."""
    return f"{100 * level:g} %"
