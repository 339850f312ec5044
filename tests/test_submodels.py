"""Unit tests of each vectorised submodel on small hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from model import Form, ModelParams
from model.encounters import (
    choose_introductions,
    draw_encounters,
    learn_from_contact,
    select_forum_attendees,
)
from model.hours import (
    allocate_collaboration_hours,
    deep_form_mandate,
    enforce_hour_budgets,
    hours_in_use,
    reach_factor,
)
from model.outcomes import realise_outcomes
from model.relations import fade_relations, update_trust
from model.transitions import (
    deepest_below,
    eligible_forms,
    next_deeper,
    update_forms,
    uptake_chance,
)

P = ModelParams()


def test_encounters_need_shared_hours_and_grow_with_places_and_familiarity():
    n = 20000
    u = np.random.default_rng(0).random(n)
    ones, present = np.ones(n), np.ones(n, dtype=bool)
    none = draw_encounters(np.full(n, 0.5), np.zeros(n), ones, present, 1.0, P, u)
    assert not none.any()
    low = draw_encounters(np.full(n, 0.1), np.full(n, 0.3), ones, present, 0.2, P, u).mean()
    places = draw_encounters(np.full(n, 0.1), np.full(n, 0.3), ones, present, 1.0, P, u).mean()
    familiar = draw_encounters(np.full(n, 0.8), np.full(n, 0.3), ones, present, 0.2, P, u).mean()
    assert places > 1.5 * low and familiar > 2 * low
    absent = draw_encounters(np.full(n, 0.8), np.ones(n), ones, ~present, 1.0, P, u)
    assert not absent.any()


def test_forum_attendance_excludes_inactive_and_actors_without_hours():
    active = np.array([True, True, False, True])
    budget = np.array([5.0, 0.0, 5.0, 5.0])
    attend = select_forum_attendees(active, np.ones(4), budget, np.zeros(4))
    assert attend.tolist() == [True, False, False, True]


def test_introductions_pick_strangers_and_prefer_newcomers():
    fam = np.array([0.9, 0.05, 0.05, 0.9, 0.05])
    present = np.ones(5, dtype=bool)
    newcomer = np.array([False, False, False, False, True])
    u = np.full(5, 0.5)
    chosen = choose_introductions(fam, present, newcomer, ModelParams(introductions_per_week=1), u)
    assert chosen.tolist() == [False, False, False, False, True]
    two = choose_introductions(fam, present, np.zeros(5, bool), ModelParams(), u)
    assert two.sum() == 2 and not two[0] and not two[3]


def test_learning_closes_a_share_of_the_gap_and_stays_below_one():
    fam = np.array([0.0, 0.5, 0.99])
    yes = np.ones(3, dtype=bool)
    new = learn_from_contact(fam, yes, yes, yes, P)
    assert np.all(new > fam) and np.all(new <= 1.0)
    same = learn_from_contact(fam, ~yes, ~yes, ~yes, P)
    assert np.array_equal(same, fam)


def test_hours_follow_core_load_leadership_and_expiry():
    cap = np.array([40.0, 40.0, 40.0, 40.0])
    load = np.array([0.5, 0.5, 0.9, 0.5])
    lead = np.array([1.0, 0.0, 1.0, 1.0])
    expired = np.array([False, False, False, True])
    active = np.array([True, True, True, True])
    budget = allocate_collaboration_hours(cap, load, lead, expired, active, P)
    assert budget[0] == pytest.approx(20.0)
    assert budget[1] == pytest.approx(20.0 * P.collaboration_floor)
    assert budget[2] == pytest.approx(4.0)
    assert budget[3] == pytest.approx(20.0 * P.expiry_hours_factor)
    gone = allocate_collaboration_hours(cap, load, lead, expired, ~active, P)
    assert not gone.any()
    mandate = deep_form_mandate(lead, expired, P)
    assert mandate[3] == pytest.approx(P.expiry_mandate_factor)


def test_reaching_a_partner_seldom_in_the_house_costs_more():
    factor = reach_factor(np.array([0.0, 0.1, 0.5]), P)
    assert factor[0] == pytest.approx(1 + P.reach_cost) and factor[2] == pytest.approx(1.0)
    assert factor[0] > factor[1] > factor[2]


def _three_actor_pairs():
    iu, ju = (a.astype(np.int64) for a in np.triu_indices(3, 1))
    return iu, ju  # pairs (0,1), (0,2), (1,2)


def test_budget_enforcement_keeps_hours_within_budget_and_keeps_valued_ties():
    iu, ju = _three_actor_pairs()
    form = np.array([Form.CO_CREATION, Form.JOINT_ACTION, Form.KNOWLEDGE_SHARING], dtype=np.int8)
    stay = np.ones((6, 3), dtype=bool)
    reach = np.ones(3)
    budget = np.array([3.5, 10.0, 10.0])
    priority = np.array([2.0, 0.5, 1.0])
    new = enforce_hour_budgets(form, stay, priority, reach, budget, iu, ju, P, False)
    used = hours_in_use(new, reach, iu, ju, 3, P, False)
    assert np.all(used <= budget + 1e-9)
    assert new[0] == Form.CO_CREATION  # valued most per hour: kept
    assert new[1] < Form.JOINT_ACTION  # the less valued deep tie gave way
    rich = enforce_hour_budgets(form, stay, priority, reach, np.full(3, 99.0), iu, ju, P, False)
    assert np.array_equal(rich, form)


def test_budget_enforcement_falls_only_to_forms_still_eligible():
    iu, ju = _three_actor_pairs()
    form = np.array([Form.JOINT_ACTION, 0, 0], dtype=np.int8)
    stay = np.zeros((6, 3), dtype=bool)
    stay[Form.KNOWLEDGE_SHARING] = True
    new = enforce_hour_budgets(form, stay, np.ones(3), np.ones(3), np.full(3, 1.0), iu, ju, P, False)
    assert new[0] == Form.KNOWLEDGE_SHARING


def _eligibility(fam, trust, successes=0, shared=1, compl=True, mandate=0.5, lead=True, stay=False):
    n = 1
    return eligible_forms(
        np.full(n, fam), np.full(n, trust), np.full(n, successes), np.full(n, shared),
        np.full(n, compl), np.full(n, mandate), np.full(n, lead), np.ones(n, bool), P, stay=stay,
    )[:, 0]  # fmt: skip


def test_deeper_forms_need_more_familiarity_trust_and_fit():
    assert _eligibility(0.1, 0.3).tolist() == [True, False, False, False, False, False]
    assert _eligibility(0.45, 0.4)[[1, 2, 3]].all()
    assert not _eligibility(0.45, 0.4, shared=0)[Form.ALIGNMENT]
    assert not _eligibility(0.45, 0.4, compl=False)[Form.RESOURCE_EXCHANGE]
    deep = _eligibility(0.9, 0.9, successes=5)
    assert deep[Form.JOINT_ACTION] and deep[Form.CO_CREATION]
    assert not _eligibility(0.9, 0.9, successes=0)[Form.CO_CREATION]  # needs earlier successes
    no_backing = _eligibility(0.9, 0.9, successes=5, mandate=0.01)
    assert not no_backing[Form.JOINT_ACTION] and not no_backing[Form.CO_CREATION]
    assert no_backing[Form.KNOWLEDGE_SHARING]
    assert not _eligibility(0.9, 0.9, lead=False)[Form.JOINT_ACTION]


def test_staying_is_easier_than_entering():
    fam = 0.9 * P.familiarity_to_enter[Form.ALIGNMENT]
    assert not _eligibility(fam, 0.4)[Form.ALIGNMENT]
    assert _eligibility(fam, 0.4, stay=True)[Form.ALIGNMENT]


def test_next_deeper_and_deepest_below_skip_ineligible_forms():
    eligible = np.zeros((6, 2), dtype=bool)
    eligible[0] = eligible[1] = eligible[3] = True
    form = np.array([1, 4], dtype=np.int8)
    assert next_deeper(form, eligible).tolist() == [3, 0]
    assert deepest_below(form, eligible).tolist() == [0, 3]


def _uptake(target, mandate, form=1, hs=False, system=True, overlap=0.5):
    n = 1
    return uptake_chance(
        np.full(n, target), np.full(n, form), np.ones(n), np.full(n, 0.5), np.full(n, overlap),
        np.full(n, mandate), np.full(n, 0.5), np.full(n, 0.5), np.full(n, hs), system, P,
    )[0]  # fmt: skip


def test_leadership_matters_more_the_deeper_the_form():
    ratios = [_uptake(g, 0.81) / _uptake(g, 0.09) for g in (1, 2, 4, 5)]
    assert ratios[0] == pytest.approx(1.0)  # knowledge sharing does not depend on it
    assert ratios[0] < ratios[1] < ratios[2] < ratios[3]


def test_housing_social_actors_and_alignment_promote_deeper_forms():
    assert _uptake(5, 0.5, form=3, hs=True) > 2 * _uptake(5, 0.5, form=3)
    assert _uptake(4, 0.5, form=2) > 2 * _uptake(4, 0.5, form=3)


def test_alignment_needs_shared_hours_and_an_overview_of_offers():
    assert _uptake(2, 0.5, overlap=0.0) == 0.0
    assert _uptake(2, 0.5, overlap=0.1) < _uptake(2, 0.5, overlap=0.5)
    assert _uptake(2, 0.5, system=False) == pytest.approx(P.no_overview_factor * _uptake(2, 0.5))
    assert _uptake(3, 0.5, system=False) == _uptake(3, 0.5)  # exchange needs no overview


def test_update_forms_moves_up_with_hours_and_falls_back_when_conditions_fail():
    form = np.array([1, 2, 2], dtype=np.int8)
    target = np.array([2, 4, 0], dtype=np.int8)
    stay = np.ones((6, 3), dtype=bool)
    stay[2, 2] = False
    chance = np.array([1.0, 1.0, 0.0])
    hours_ok = np.array([True, False, True])
    u = np.array([0.5, 0.5, 0.0])
    new = update_forms(form, target, stay, chance, hours_ok, np.ones(3, bool), P, u)
    assert new.tolist() == [2, 2, 1]
    gone = update_forms(form, target, stay, chance, hours_ok, np.zeros(3, bool), P, u)
    assert not gone.any()


def _outcomes(form, n=4000, trust=0.7, crowd_pairs=0, cc_weeks=0, weeks_in_form=100, seed=0):
    rng = np.random.default_rng(seed)
    # n separate pairs (2n actors), plus optional extra exchange ties on actor 0 for crowding
    iu = np.arange(0, 2 * n, 2)
    ju = iu + 1
    forms = np.full(n, form, dtype=np.int8)
    if crowd_pairs:
        iu = np.r_[iu, np.zeros(crowd_pairs, dtype=int)]
        ju = np.r_[ju, np.arange(2 * n, 2 * n + crowd_pairs)]
        forms = np.r_[forms, np.full(crowd_pairs, Form.RESOURCE_EXCHANGE, dtype=np.int8)]
    m = len(forms)
    n_actors = 2 * n + crowd_pairs
    return realise_outcomes(
        forms, np.full(m, 0.6), np.full(m, trust), np.full(m, 2), np.full(m, weeks_in_form),
        np.full(m, cc_weeks), np.zeros(n_actors, bool), np.full(n_actors, 0.3), iu, ju, False,
        P, rng.random(m), rng.random(m), rng.random(m),
    )  # fmt: skip


def _exchange_success_rate(outcomes):
    exchanged = outcomes.exchange_success | outcomes.failure
    return outcomes.exchange_success[exchanged].mean()


def test_exchanges_suffer_when_too_many_share_one_thing():
    calm = _outcomes(Form.RESOURCE_EXCHANGE, n=4000)
    crowded = _outcomes(Form.RESOURCE_EXCHANGE, n=1, crowd_pairs=4000)  # one actor, 4000 sharers
    assert _exchange_success_rate(crowded) < 0.2 * _exchange_success_rate(calm)


def test_trust_raises_the_success_of_joint_action():
    high = _outcomes(Form.JOINT_ACTION, trust=0.9)
    low = _outcomes(Form.JOINT_ACTION, trust=0.3)
    rate = lambda o: o.joint_offer.sum() / o.ended.sum()  # noqa: E731
    assert rate(high) > rate(low) + 0.15
    assert high.ended.mean() == pytest.approx(1 / P.joint_action_weeks, abs=0.015)


def test_long_standing_cocreators_yield_less_that_is_new():
    fresh = _outcomes(Form.CO_CREATION, n=20000, cc_weeks=0, weeks_in_form=200)
    tunnel = _outcomes(Form.CO_CREATION, n=20000, cc_weeks=400, weeks_in_form=200)
    novel = lambda o: o.new_initiative.sum() / o.cocreation_success.sum()  # noqa: E731
    assert novel(fresh) > 0.95 and novel(tunnel) < 0.35
    again = _outcomes(Form.CO_CREATION, n=20000, cc_weeks=400, weeks_in_form=5)
    assert novel(again) < 0.35  # a new round with the same partner is no new partner
    assert novel(_joined_by_new_partner(20000)) > novel(tunnel) + 0.3  # a new partner is


def _joined_by_new_partner(n, seed=0):
    """n long-standing co-creating pairs (actors 2k, 2k+1), each of whose first actor also
    co-creates with a newcomer to co-creation (actor 2n + k); outcomes of the old pairs."""
    rng = np.random.default_rng(seed)
    iu = np.r_[np.arange(0, 2 * n, 2), np.arange(0, 2 * n, 2)]
    ju = np.r_[np.arange(1, 2 * n, 2), np.arange(2 * n, 3 * n)]
    m = 2 * n
    out = realise_outcomes(
        np.full(m, Form.CO_CREATION, dtype=np.int8), np.full(m, 0.6), np.full(m, 0.7),
        np.full(m, 2), np.full(m, 5), np.r_[np.full(n, 400), np.zeros(n, int)],
        np.zeros(3 * n, bool), np.full(3 * n, 0.3), iu, ju, False, P,
        rng.random(m), rng.random(m), rng.random(m),
    )  # fmt: skip
    return type(out)(**{k: getattr(out, k)[:n] for k in out.__dataclass_fields__})


def test_a_failure_costs_more_trust_than_a_success_earns():
    trust = np.full(2, 0.5)
    yes, no = np.array([True, False]), np.array([False, True])
    after = update_trust(trust, np.zeros(2, bool), yes, no, P)
    gain, loss = after[0] - 0.5, 0.5 - after[1]
    assert loss > gain > 0
    extreme = update_trust(np.array([0.0, 1.0]), np.ones(2, bool), np.ones(2, bool),
                           np.zeros(2, bool), P)  # fmt: skip
    assert np.all((extreme >= 0) & (extreme <= 1))


def test_relations_fade_without_contact_and_slower_with_a_system():
    fam, trust = np.full(3, 0.6), np.full(3, 0.7)
    contact = np.array([True, False, False])
    present = np.array([True, True, False])
    f1, t1 = fade_relations(fam, trust, contact, present, False, P)
    assert f1[0] == 0.6 and f1[2] == 0.6 and f1[1] < 0.6 and t1[1] < 0.7
    f2, t2 = fade_relations(fam, trust, contact, present, True, P)
    assert f1[1] < f2[1] < 0.6 and t1[1] < t2[1] < 0.7
    low_f, low_t = fade_relations(fam, np.full(3, 0.1), contact, present, False, P)
    assert low_t[1] > 0.1  # trust drifts back up towards the baseline, not below it
