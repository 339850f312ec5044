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
        used, binding = hours_in_use(p.held, model.this_week.cost, p.iu, p.ju, model.actor_table.capacity)
        weekly.append({
            "trust_ok": bool(np.all((p.trust >= 0) & (p.trust <= 1))),
            "fam_ok": bool(np.all((p.familiarity >= 0) & (p.familiarity <= 1))),
            "hours_ok": bool(np.all(used <= model.budget + 1e-9)),
            "binding_ok": bool(np.all(binding <= model.binding_budget + 1e-9)),
            "absent_untied": bool(not p.held[:, ~model.present].any()),
            "ties": model.stats["ties_any"],
            "form_ties": model.stats["ties_total"],
            "pairs": int(model.present.sum()),
        })  # fmt: skip
    return model, weekly


def test_trust_and_familiarity_stay_in_unit_interval(health_run):
    _, weekly = health_run
    assert all(w["trust_ok"] and w["fam_ok"] for w in weekly)


def test_hours_used_never_exceed_hours_available(health_run):
    _, weekly = health_run
    assert all(w["hours_ok"] and w["binding_ok"] for w in weekly)


def test_tie_counts_never_exceed_the_number_of_pairs(health_run):
    _, weekly = health_run
    assert all(0 <= w["ties"] <= w["pairs"] for w in weekly)
    assert all(w["ties"] <= w["form_ties"] <= 5 * w["ties"] for w in weekly)
    assert all(w["absent_untied"] for w in weekly)
    assert max(w["ties"] for w in weekly) > 0


def test_events_took_effect_and_arrivals_grew_the_pair_arrays(health_run):
    model, _ = health_run
    assert not model.coordinator_active
    dissolved = [a for a in model.actor_by_row if a.left_step is not None]
    assert all(a.kind.id == "volunteer" for a in dissolved)  # only associations dissolve here
    assert model.stats["n_actors"] == 43 - len(dissolved)
    arrived = [a for a in model.actor_by_row if a.arrived_step == 30]
    assert len(arrived) == 3
    assert model.pairs.capacity >= 43
    expired = [a for a in model.actor_by_row if a.kind.id == "housing_social" and not a.permanent]
    assert expired and all(a.funding_expired for a in expired)
    planned = [w for w, what in model.interventions if "volunteers stopped" not in what]
    assert planned == [20, 30, 35]


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
    square = model.pairs.square("deepest")
    assert square[actor.row, other] == max(partners[other])
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
    assert all(r["Step"] == 20 and "ties_any" in r for r in results)


def test_no_form_is_stuck_at_none_for_a_whole_run():
    model = CentreModel(centre=preset("housing_area"), rng=0)
    for _ in range(260):
        model.step()
    forms = model.datacollector.get_model_vars_dataframe()
    for form in (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT, Form.RESOURCE_EXCHANGE):
        assert forms[f"ties_{form.id}"].max() > 0


def test_the_coordinator_is_a_person_whose_role_takes_hours_and_lives_on_its_money():
    model = CentreModel(centre=preset("health"), rng=0)
    holder = model.actor_by_row[model.coordinator_row]
    assert holder.kind.id == "housing_social" and holder.is_coordinator
    model.step()
    assert 0 < model.role_hours <= model.coordinator_hours
    with_role = model.budget[holder.row]
    model.set_coordinator(False)
    model.step()
    assert model.role_hours == 0 and model.budget[holder.row] > with_role - 1e-9
    assert holder.permanent  # permanent housing-social staff are asked first
    project = next(a for a in model.actor_by_row if a.kind.id == "housing_social" and not a.permanent)
    model.set_coordinator(True, holder=project.name)
    model.step()
    assert model.coordinator_active and model.actor_by_row[model.coordinator_row] is project
    model.end_project_funding(names=[project.name])
    model.step()
    assert not model.coordinator_active  # the role lived on that project money
    assert any("project money ends" in what for _, what in model.interventions)


def test_coordination_ends_when_its_holder_leaves_unless_handed_over():
    model = CentreModel(centre=preset("association"), rng=0)
    leader = model.actor_by_row[model.coordinator_row].name
    assert leader == "house_leader"
    model.hand_over_coordination("helhedsplan_1")
    assert model.actor_by_row[model.coordinator_row].name == "helhedsplan_1"
    model.remove_actor("helhedsplan_1")
    assert not model.coordinator_active


def test_a_forum_without_a_convener_thins_out_gradually():
    model = CentreModel(centre=preset("health"), rng=0)  # the coordinator convenes meetings
    for _ in range(8):
        model.step()
    assert model.forum_vitality == 1.0
    model.set_coordinator(False)
    levels = []
    for _ in range(40):
        model.step()
        levels.append(model.forum_vitality)
    assert all(a >= b for a, b in zip(levels, levels[1:], strict=False))
    assert 0.1 < levels[12] < 0.9 and levels[-1] < levels[12]


def test_a_pair_can_hold_several_forms_at_once():
    model = CentreModel(centre=preset("housing_area"), rng=0)
    for _ in range(156):
        model.step()
    assert model.stats["multiplex_pairs"] > 0.2 * model.stats["ties_any"]
    assert model.stats["ties_total"] > model.stats["ties_any"]
    frame = model.ties_frame()
    assert len(frame["form"]) == model.stats["ties_total"]


def test_volunteer_associations_can_dissolve_and_leave_the_centre():
    spec = preset("association")
    model = CentreModel(centre=spec, rng=1, params=__import__("model").ModelParams(
        volunteer_leave_rate=0.05, volunteer_join_rate=0.0))
    for _ in range(60):
        model.step()
    left = [a for a in model.actor_by_row if a.left_step is not None]
    assert left and all(a.kind.id == "volunteer" for a in left)
    assert model.stats["n_actors"] == len(model.actor_by_row) - len(left)
