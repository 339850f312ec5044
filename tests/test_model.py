"""The model as a whole: invariants, determinism, the actor API, growth, batch_run."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from model import WEEKLY_MEASURES, ActorGroup, CentreModel, CentreSpec, Form, InputError
from model.hours import hours_in_use

from .helpers import preset


@pytest.fixture(scope="module")
def health_run():
    """The largest preset with a coordinator stop and arrivals, checked every week."""
    from model.events import EventSpec

    events = [
        EventSpec(week=20, action="coordinator_stops"),
        EventSpec(week=30, action="actors_arrive", group=ActorGroup(kind="volunteer", count=3)),
        EventSpec(week=35, action="funding_ends", kind="housing_social"),
    ]
    model = CentreModel(centre=preset("health"), events=events, rng=3)
    weekly = []
    for _ in range(60):
        model.step()
        p = model.pairs
        used = hours_in_use(p.form, p.reach_factor, p.iu, p.ju, model.actor_table.capacity,
                            model.params, model.coordination)  # fmt: skip
        weekly.append({
            "trust_ok": bool(np.all((p.trust >= 0) & (p.trust <= 1))),
            "fam_ok": bool(np.all((p.familiarity >= 0) & (p.familiarity <= 1))),
            "hours_ok": bool(np.all(used <= model.budget + 1e-9)),
            "absent_untied": bool(np.all(p.form[~model.present] == 0)),
            "ties": model.stats["ties_total"],
            "pairs": int(model.present.sum()),
        })  # fmt: skip
    return model, weekly


def test_trust_and_familiarity_stay_in_unit_interval(health_run):
    _, weekly = health_run
    assert all(w["trust_ok"] and w["fam_ok"] for w in weekly)


def test_hours_used_never_exceed_hours_available(health_run):
    _, weekly = health_run
    assert all(w["hours_ok"] for w in weekly)


def test_tie_counts_never_exceed_the_number_of_pairs(health_run):
    _, weekly = health_run
    assert all(0 <= w["ties"] <= w["pairs"] for w in weekly)
    assert all(w["absent_untied"] for w in weekly)
    assert max(w["ties"] for w in weekly) > 0


def test_events_took_effect_and_arrivals_grew_the_pair_arrays(health_run):
    model, _ = health_run
    assert not model.coordinator_active
    assert model.stats["n_actors"] == 43
    arrived = [a for a in model.actor_by_row if a.arrived_step == 30]
    assert len(arrived) == 3
    assert model.pairs.capacity >= 43
    expired = [a for a in model.actor_by_row if a.kind.id == "housing_social" and not a.permanent]
    assert expired and all(a.funding_expired for a in expired)
    assert [w for w, _ in model.interventions] == [20, 30, 35]


def test_same_seed_same_run_and_other_seed_other_run():
    def table(seed):
        model = CentreModel(rng=seed)
        for _ in range(80):
            model.step()
        return model.datacollector.get_model_vars_dataframe()

    assert table(5).equals(table(5))
    assert not table(5).equals(table(6))


def test_recorded_measures_are_the_documented_ones():
    model = CentreModel(rng=0)
    model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(WEEKLY_MEASURES)
    assert len(frame) == 2  # week 0 and week 1


def test_actor_exposes_its_row_of_the_pair_arrays():
    model = CentreModel(rng=1)
    for _ in range(100):
        model.step()
    actor = max(model.actor_by_row, key=lambda a: a.degree)
    partners = actor.partners()
    assert actor.degree == len(partners) > 0
    other = next(iter(partners))
    square = model.pairs.square("form")
    assert square[actor.row, other] == partners[other]
    assert 0 <= actor.trust[other] <= 1 and 0 <= actor.familiarity[other] <= 1
    assert actor.hours_used <= actor.collaboration_hours + 1e-9
    assert actor.kind.id in {"municipal", "housing_social", "volunteer", "private"}


def test_leaving_actor_keeps_its_history_and_its_pairs_end():
    model = CentreModel(coordinator=True, rng=2)
    for _ in range(60):
        model.step()
    actor = max(model.actor_by_row, key=lambda a: a.degree)
    model.remove_actor(actor.name)
    model.step()
    assert actor.left_step == 61 and not actor.active
    assert actor.degree == 0
    records = {r["name"]: r for r in model.actors_frame()}
    assert records[actor.name]["left_step"] == 61


def test_co_location_share_decides_who_is_housed():
    groups = [ActorGroup(kind="municipal", count=10), ActorGroup(kind="volunteer", count=10)]
    for share in (0.0, 0.3, 1.0):
        model = CentreModel(centre=CentreSpec(actor_groups=groups), co_location=share, rng=0)
        assert sum(a.co_located for a in model.actor_by_row) == round(share * 20)


def test_bad_driver_values_are_refused_with_the_key():
    with pytest.raises(InputError, match="co_location"):
        CentreModel(co_location=1.5)
    with pytest.raises(InputError, match="engine"):
        CentreModel(engine="gpu")


def test_mesa_batch_run_runs_the_model():
    results = mesa.batch_run(
        CentreModel,
        parameters={"coordinator": [True, False]},
        rng=[1, 2],
        max_steps=20,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 4
    assert {r["coordinator"] for r in results} == {True, False}
    assert all(r["Step"] == 20 and "ties_total" in r for r in results)


def test_no_form_is_stuck_at_none_for_a_whole_run():
    model = CentreModel(centre=preset("housing_area"), rng=0)
    for _ in range(260):
        model.step()
    forms = model.datacollector.get_model_vars_dataframe()
    for form in (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT, Form.RESOURCE_EXCHANGE):
        assert forms[f"ties_{form.id}"].max() > 0


def test_coordinator_routines_wear_off_gradually_after_a_stop():
    """Stopping the coordinator ends introductions at once, but its routines (lower tie
    costs, slower fading) wear off over ``coordination_weeks`` — no overnight cliff."""
    from model.hours import coordination_cost_factor

    model = CentreModel(coordinator=True, rng=0)
    for _ in range(10):
        model.step()
    assert model.coordination == pytest.approx(1.0)
    model.set_coordinator(False)
    levels = []
    for _ in range(40):
        model.step()
        levels.append(model.coordination)
    assert all(a > b for a, b in zip(levels, levels[1:], strict=False))
    weeks_to_half = next(i for i, level in enumerate(levels, 1) if level < 0.5)
    assert 5 <= weeks_to_half <= 15
    assert levels[-1] < 0.1
    full, none = (coordination_cost_factor(c, model.params) for c in (1.0, 0.0))
    assert full == pytest.approx(model.params.coordinator_cost_factor) and none == 1.0
