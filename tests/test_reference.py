"""Verification: the per-pair reference engine, the vectorised engine and the compiled
engine agree exactly.

They share the random draws, so on the same state every week must be identical — a
stronger check than equal distributions over seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import ActorGroup, CentreModel
from model.events import EventSpec

from .helpers import preset

PAIR_FIELDS = ("held", "weeks_held", "trust", "familiarity", "understanding", "successes", "failures",
               "cocreation_weeks")  # fmt: skip


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
    compiled, compiled_model = _table("compiled", **kwargs)
    assert fast.equals(slow)
    assert compiled.equals(fast)
    for name in PAIR_FIELDS:
        assert np.array_equal(getattr(fast_model.pairs, name), getattr(slow_model.pairs, name)), name
        assert np.array_equal(getattr(compiled_model.pairs, name), getattr(fast_model.pairs, name)), name
    assert fast["ties_any"].iloc[-1] > 0 and fast["multiplex_pairs"].iloc[-1] > 0


@pytest.mark.parametrize("centre", ["housing_area", "association", "library", "health"])
def test_compiled_engine_agrees_week_by_week(centre):
    """Every preset, two seeds, events that add, remove and reshape actors: the compiled
    loops hold the same pair state as the vectorised engine after every week."""
    events = [
        EventSpec(week=15, action="coordinator_starts"),
        EventSpec(week=30, action="presence_cut", kind="municipal", share=0.5),
        EventSpec(week=40, action="actors_arrive", group=ActorGroup(kind="volunteer", count=3)),
        EventSpec(week=55, action="funding_ends"),
        EventSpec(week=60, action="funder_pulls_out"),
        EventSpec(week=70, action="coordinator_stops"),
        EventSpec(week=80, action="leadership_changes", value=0.2),
    ]
    for seed in (0, 1):
        models = [CentreModel(centre=preset(centre), events=events, engine=engine, rng=seed)
                  for engine in ("vectorised", "compiled")]  # fmt: skip
        for week in range(1, 101):
            for model in models:
                model.step()
            for name in PAIR_FIELDS:
                vectorised, compiled = (getattr(m.pairs, name) for m in models)
                assert np.array_equal(vectorised, compiled), f"{centre} seed {seed} week {week}: {name}"
        vectorised, compiled = (m.datacollector.get_model_vars_dataframe() for m in models)
        assert compiled.equals(vectorised)
        assert vectorised["ties_total"].iloc[-1] > 0


def _weekly_tables(engines, weeks=200, **drivers):
    """Weekly tables of the association preset, seed 1, for each engine."""
    tables = []
    for engine in engines:
        model = CentreModel(centre=preset("association"), engine=engine, rng=1, **drivers)
        for _ in range(weeks):
            model.step()
        tables.append(model.datacollector.get_model_vars_dataframe())
    return tables


def test_engines_agree_where_co_creation_is_frequent():
    """The tunnel-vision and new-partner rules only act on co-creating pairs: check the
    reference engine on a centre with strong leadership, where many pairs co-create."""
    vectorised, reference = _weekly_tables(("vectorised", "reference"), leadership_support=0.9)
    assert vectorised.equals(reference)
    assert vectorised["new_initiatives"].sum() > 0 and vectorised["ties_co_creation"].max() >= 2


def test_compiled_engine_agrees_where_co_creation_and_crowding_are_frequent():
    """Co-creation's tunnel vision, fresh partners and crowded exchanges only act on deep,
    busy pairs: strong leadership and a low core load make many of them."""
    vectorised, compiled = _weekly_tables(("vectorised", "compiled"), leadership_support=0.9, core_load=0.2)
    assert compiled.equals(vectorised)
    assert vectorised["new_initiatives"].sum() > 0 and vectorised["ties_co_creation"].max() >= 2
    assert vectorised["resources_shared"].sum() > 0 and vectorised["failed_efforts"].sum() > 0


@pytest.mark.parametrize("seed", [0, 1])
def test_compiled_hour_budgets_agree_for_actors_with_many_commitments(seed):
    """The compiled hour budgets sort an actor's partners by merge sort above a few
    dozen (never reached by the presets' centres): 150 actors holding most forms with
    nearly everyone, tight budgets and many equal priorities (ties keep item order)."""
    from model import compiled, hours
    from model.pairs import condensed_index

    rng = np.random.default_rng(seed)
    n = 150
    iu, ju = np.triu_indices(n, k=1)
    assert np.array_equal(condensed_index(iu, ju, n), np.arange(len(iu)))
    held = rng.random((6, len(iu))) < 0.6
    held[0] = False
    cost = rng.choice([0.25, 0.5, 1.0, 1.5], size=held.shape)
    priority = rng.choice(np.linspace(0.0, 3.0, 7), size=len(iu))  # many ties
    budget = rng.uniform(5.0, 60.0, n)
    binding_budget = budget * rng.uniform(0.2, 0.8, n)
    args = (held, cost, priority, budget, binding_budget, iu.astype(np.int64), ju.astype(np.int64))
    expected = hours.enforce_hour_budgets(*args)
    assert 0 < expected[1:].sum() < held[1:].sum()  # some, not all, commitments were dropped
    assert np.array_equal(compiled.enforce_hour_budgets(*args), expected)
