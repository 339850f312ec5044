"""Small helpers shared by the tests (intervals come from ``analysis.stats``)."""

from __future__ import annotations

from experiments.cli import compose_run
from model import CentreModel


def preset(name: str):
    return compose_run([f"centre={name}"]).centre


def run_model(weeks: int = 260, **kwargs) -> CentreModel:
    model = CentreModel(**kwargs)
    for _ in range(weeks):
        model.step()
    return model
