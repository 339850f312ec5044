"""Building a model: the shortcuts that make a batch's builds cheap change nothing checked."""

from __future__ import annotations

import pytest

from model import ActorGroup, CentreModel, CentreSpec, InputError
from model.params import ModelParams


def test_a_spec_is_validated_once_while_unchanged(monkeypatch):
    calls = []
    validate = ModelParams.validate
    monkeypatch.setattr(ModelParams, "validate", lambda self: calls.append(1) or validate(self))
    params = ModelParams()
    for seed in range(3):
        CentreModel(params=params, rng=seed)
    assert len(calls) == 1
    CentreModel(params=ModelParams(), rng=0)  # an equal but other object is checked
    assert len(calls) == 2


def test_a_spec_changed_after_a_valid_build_is_checked_again():
    params, centre = ModelParams(), CentreSpec()
    CentreModel(params=params, centre=centre, rng=0)
    params.baseline_trust = 2.0
    with pytest.raises(InputError, match="baseline_trust"):
        CentreModel(params=params, centre=centre, rng=0)
    params.baseline_trust = ModelParams().baseline_trust
    CentreModel(params=params, centre=centre, rng=0)
    centre.actor_groups[0].count = 3.0  # nested, and == the valid 3, but not a whole number
    with pytest.raises(InputError, match="count"):
        CentreModel(params=params, centre=centre, rng=0)
    centre.actor_groups[0].count = 3
    centre.actor_groups.append(ActorGroup(kind="robot"))
    with pytest.raises(InputError, match="kind"):
        CentreModel(params=params, centre=centre, rng=0)
