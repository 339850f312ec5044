"""The batched engine (``model/batch.py``): every seed of a batch is the run of that seed
alone, bit for bit — weekly table, actors, ties and the events noted — on every preset,
with and without a coordinator stopping (events, leavers, handovers, funders)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.cli import CONFIG_DIR, compose_run
from experiments.simulate import build_model
from model import CentreModel
from model.batch import SeedBatch, run_batch
from model.compiled import tally_seeds

SCENARIOS = {
    "baseline": ["scenario=baseline"],
    "coordinator_stops": ["scenario=coordinator_stops", "drivers.coordinator=true"],
}


def _alone(run, seed: int, weeks: int) -> CentreModel:
    model = build_model(run, seed)
    for _ in range(weeks):
        model.step()
    return model


def _assert_same_runs(run, seeds, weeks: int) -> SeedBatch:
    batch = run_batch(lambda s: build_model(run, s), seeds, weeks)
    table = batch.timeseries(seeds)
    for seed, batched in zip(seeds, batch.models, strict=True):
        alone = _alone(run, seed, weeks)
        expected = alone.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        got = table[table["seed"] == seed].drop(columns=["seed", "step"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        for frame in ("ties_frame", "actors_frame"):
            got_frame, expected_frame = (pd.DataFrame(getattr(m, frame)()) for m in (batched, alone))
            pd.testing.assert_frame_equal(got_frame, expected_frame, check_exact=True)
        assert batched.interventions == alone.interventions
        assert batched.stats == alone.stats
    return batch


@pytest.mark.parametrize("preset", ["housing_area", "association", "library", "health"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_seed_of_a_batch_is_that_seed_alone(preset, scenario):
    # 110 weeks: past the coordinator stopping (52), association's funders (52, 104),
    # volunteers leaving and their relations handed over.
    run = compose_run([f"centre={preset}", *SCENARIOS[scenario], "replicates=1", "steps=110"])
    _assert_same_runs(run, [0, 1, 2], 110)


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["housing_area", "association", "library", "health"])
def test_every_scenario_batched_is_each_seed_alone(preset):
    """Every scenario's events (cafés closing, money ending, funders pulling out, new
    tenants arriving, resident democrats stepping down, …) on every preset."""
    scenarios = sorted(path.stem for path in (CONFIG_DIR / "scenario").glob("*.yaml"))
    assert len(scenarios) >= 10
    for scenario in scenarios:
        run = compose_run([f"centre={preset}", f"scenario={scenario}", "drivers.coordinator=true",
                           "replicates=1", "steps=110"])  # fmt: skip
        _assert_same_runs(run, [0, 1], 110)


def test_a_batch_of_the_default_centre_over_five_years():
    batch = run_batch(lambda s: CentreModel(rng=s), [3, 4], 260)
    table = batch.timeseries([3, 4])
    for seed in (3, 4):
        alone = CentreModel(rng=seed)
        for _ in range(260):
            alone.step()
        expected = alone.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        got = table[table["seed"] == seed].drop(columns=["seed", "step"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(table["step"].iloc[:3]) == [0, 1, 2] and len(table) == 2 * 261


def test_seeds_of_a_batch_differ_and_order_does_not_matter():
    """A seed's run does not depend on which other seeds share its batch."""
    one = run_batch(lambda s: CentreModel(rng=s), [5, 6], 40).timeseries([5, 6])
    other = run_batch(lambda s: CentreModel(rng=s), [6, 9, 5], 40).timeseries([6, 9, 5])
    for seed in (5, 6):
        a = one[one["seed"] == seed].reset_index(drop=True)
        b = other[other["seed"] == seed].reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    trust = {seed: one.loc[one["seed"] == seed, "mean_trust"].to_numpy() for seed in (5, 6)}
    assert not np.array_equal(trust[5], trust[6])


def test_a_batch_refuses_models_of_different_configurations():
    with pytest.raises(ValueError, match="same centre, drivers and parameters"):
        SeedBatch([CentreModel(rng=0), CentreModel(rng=1, co_location=0.2)])
    stepped = CentreModel(rng=0)
    stepped.step()
    with pytest.raises(ValueError, match="not been stepped"):
        SeedBatch([stepped])


def test_per_seed_sums_add_up_as_numpy_does():
    """A seed's trust and familiarity sums over its present pairs have the bits numpy
    gives that seed alone (pairwise blocks of 8 accumulators, halving above 128)."""
    rng = np.random.default_rng(0)
    for per_seed in (1, 7, 130, 1000, 2500):
        n = 3 * per_seed
        trust, familiarity = rng.random(n), rng.random(n) * 1e3
        active = rng.random(n) < 0.7
        rows = np.arange(n)  # pair k joins row k with itself: present exactly where active[k]
        _, _, _, n_present, trust_sums, familiarity_sums = tally_seeds(
            np.zeros((6, n), dtype=bool), active, rows, rows, (active,), trust, familiarity, per_seed, 3)
        for s in range(3):
            block = slice(s * per_seed, (s + 1) * per_seed)
            assert n_present[s] == active[block].sum()
            assert trust_sums[s] == trust[block][active[block]].sum()
            assert familiarity_sums[s] == familiarity[block][active[block]].sum()


def test_at_week_gives_each_seed_the_records_of_its_week():
    """Observers (validation) read each seed's ``outcomes`` and ``taken_up`` mid-run: they
    are that seed's own week, the same as its model alone records, week by week — with
    newcomers arriving, so the pair arrays grow mid-run."""
    run = compose_run(["centre=housing_area", "scenario=newcomers", "replicates=1", "steps=80"])
    seeds = [0, 1]
    batch = SeedBatch([build_model(run, s) for s in seeds])
    alone = [build_model(run, s) for s in seeds]
    seen = 0
    for _ in range(80):
        batch.step()
        for model in alone:
            model.step()
        for batched, single in zip(batch.at_week(), alone, strict=True):
            assert batched.week == single.week
            np.testing.assert_array_equal(batched.taken_up, single.taken_up)
            for name in ("referral", "exchange_success", "joint_failure", "cocreation_success"):
                np.testing.assert_array_equal(getattr(batched.outcomes, name), getattr(single.outcomes, name))
            np.testing.assert_array_equal(batched.present, single.present)
            seen += int(single.taken_up.sum())
    assert seen > 0  # forms were taken up: the comparison was not of empty records


def test_an_actor_removed_from_one_seed_mid_run_is_that_seed_alone():
    """``SeedBatch.remove_actor`` (validation's "lose the most central actor") changes its
    seed exactly as ``CentreModel.remove_actor`` between two steps, and no other seed."""
    run = compose_run(["centre=housing_area", "replicates=1", "steps=60"])
    seeds = [0, 1]
    batch = SeedBatch([build_model(run, s) for s in seeds])
    untouched = run_batch(lambda s: build_model(run, s), seeds, 60).timeseries(seeds)
    batch.run(30)
    name = batch.models[1].actor_by_row[0].name
    batch.remove_actor(1, name)
    batch.run(30)
    batch.finish()
    table = batch.timeseries(seeds)
    alone = build_model(run, 1)
    for _ in range(30):
        alone.step()
    alone.remove_actor(name)
    for _ in range(30):
        alone.step()
    expected = alone.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    got = table[table["seed"] == 1].drop(columns=["seed", "step"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert batch.models[1].interventions == alone.interventions
    pd.testing.assert_frame_equal(table[table["seed"] == 0], untouched[untouched["seed"] == 0])
    assert not table[table["seed"] == 1]["ties_any"].equals(untouched[untouched["seed"] == 1]["ties_any"])
