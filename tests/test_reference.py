"""Verification: the per-pair reference engine and the vectorised engine agree exactly.

They share the random draws, so on the same state every week must be identical — a
stronger check than equal distributions over seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import ActorGroup, CentreModel
from model.events import EventSpec

from .helpers import preset


def _table(engine, **kwargs):
    model = CentreModel(engine=engine, **kwargs)
    for _ in range(70):
        model.step()
    return model.datacollector.get_model_vars_dataframe(), model


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("centre", ["housing_area", "library"])
def test_engines_give_identical_weeks(centre, seed):
    events = [
        EventSpec(week=20, action="coordinator_starts"),
        EventSpec(week=40, action="actors_arrive", group=ActorGroup(kind="private", count=2)),
        EventSpec(week=45, action="actor_leaves", names=["association_1"]),
        EventSpec(week=50, action="funding_ends"),
    ]
    kwargs = dict(centre=preset(centre), events=events, rng=seed)
    fast, fast_model = _table("vectorised", **kwargs)
    slow, slow_model = _table("reference", **kwargs)
    assert fast.equals(slow)
    for name in ("held", "trust", "familiarity", "understanding", "successes"):
        assert np.array_equal(getattr(fast_model.pairs, name), getattr(slow_model.pairs, name)), name
    assert fast["ties_any"].iloc[-1] > 0 and fast["multiplex_pairs"].iloc[-1] > 0
