"""Every constant of a mechanism is a parameter that reaches the model (issue 9, item 9).

Sensitivity analysis and calibration can only vary what lives in ``ModelParams``; each
parameter moved out of the code in 0.2 must change a run when it changes, or it is not
wired to the mechanism it names.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from model import CentreModel, ModelParams
from model.events import EventSpec

from .helpers import preset

#: Parameter → a value that must change the run (defaults in ``model/params.py``).
WEEKS = 200

MOVED_OUT = {
    "actor_spread": 0.2,
    "max_core_load": 0.5,
    "housed_presence": 0.3,
    "introduction_familiarity_spread": 0.4,
    "baseline_trust_spread": 0.2,
    "reach_overlap_scale": 1.0,
    "exchange_familiarity_weight": 1.0,
    "joint_trust_pivot": 0.9,
    "cocreation_trust_pivot": 0.0,
    "min_success_chance": 0.95,
    "max_success_chance": 0.3,
    "forum_gone_vitality": 0.5,
}


def _trajectory(params: ModelParams) -> np.ndarray:
    # The default centre, given a coordinator who stops in week 60: meetings then thin out
    # without a convener, and joint efforts conclude, so every mechanism above is exercised.
    model = CentreModel(centre=preset("housing_area"), rng=2, params=params, coordinator=True,
                        events=[EventSpec(week=60, action="coordinator_stops")])  # fmt: skip
    for _ in range(WEEKS):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    return frame.select_dtypes("number").to_numpy(dtype=float)


@pytest.fixture(scope="module")
def default_run() -> np.ndarray:
    return _trajectory(ModelParams())


@pytest.mark.parametrize("name", sorted(MOVED_OUT))
def test_each_moved_out_constant_changes_the_run(name, default_run):
    assert name in {f.name for f in dataclasses.fields(ModelParams)}
    changed = _trajectory(dataclasses.replace(ModelParams(), **{name: MOVED_OUT[name]}))
    assert changed.shape != default_run.shape or not np.array_equal(changed, default_run), name
