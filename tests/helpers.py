"""Small statistics for comparing scenarios over seeds by effect size."""

from __future__ import annotations

import numpy as np

from experiments.cli import compose_run
from model import CentreModel


def mean_diff_ci(a, b, z: float = 1.96) -> tuple[float, float, float]:
    """Mean of ``a`` minus mean of ``b`` with a Welch normal-approximation 95% interval."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    diff = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return diff, diff - z * se, diff + z * se


def preset(name: str):
    return compose_run([f"centre={name}"]).centre


def run_model(weeks: int = 260, **kwargs) -> CentreModel:
    model = CentreModel(**kwargs)
    for _ in range(weeks):
        model.step()
    return model
