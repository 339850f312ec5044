"""Unit tests of each vectorised submodel on small hand-made arrays."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model import Form, ModelParams
from model.coordination import convene_forum, coordinator_coverage, introductions_this_week
from model.encounters import (
    choose_introductions,
    draw_encounters,
    learn_from_contact,
    seek_contacts,
    select_forum_attendees,
)
from model.hours import (
    allocate_collaboration_hours,
    deep_form_mandate,
    enforce_hour_budgets,
    form_costs,
    hours_in_use,
    reach_factor,
)
from model.kinds import ActorKind
from model.outcomes import OUTCOME_DRAWS, realise_outcomes
from model.relations import build_understanding, fade_relations, update_trust
from model.transitions import eligible_forms, hours_allow, update_palette, uptake_chance
from model.volunteers import vary_volunteer_hours, volunteer_turnover
from model.week import Week

P = ModelParams()


def pairs_of(n, iu=None, ju=None, **values):
    """A stand-in pair state of ``n`` pairs (each field overridable)."""
    iu = np.arange(0, 2 * n, 2) if iu is None else np.asarray(iu)
    ju = iu + 1 if ju is None else np.asarray(ju)
    state = dict(
        iu=iu, ju=ju, n_pairs=n, familiarity=np.full(n, 0.5), trust=np.full(n, 0.5),
        understanding=np.zeros(n), successes=np.zeros(n, np.int32), failures=np.zeros(n, np.int32),
        cocreation_weeks=np.zeros(n, np.int32), held=np.zeros((6, n), bool), overlap=np.full(n, 0.5),
        shared_targets=np.ones(n, np.int8), complementary=np.ones(n, bool),
        interdependence=np.full(n, 0.5), colocation_factor=np.ones(n), reach_factor=np.ones(n),
    )  # fmt: skip
    for key, value in values.items():
        state[key] = np.broadcast_to(value, np.shape(state[key])).copy() if key != "held" else value
    return SimpleNamespace(**state)


def actors_of(n, **values):
    state = dict(
        active=np.ones(n, bool), kind=np.full(n, ActorKind.MUNICIPAL, np.int8),
        capacity_hours=np.full(n, 40.0), core_load=np.full(n, 0.5), leadership=np.full(n, 1.0),
        expired=np.zeros(n, bool), enthusiasts=np.ones(n, np.int16), hours_factor=np.ones(n),
        risk_willingness=np.full(n, 0.5), cocreation_experience=np.full(n, 0.5),
        affinity=np.ones((n, 6)), permanent=np.zeros(n, bool), forum_attendance=np.ones(n),
        recent_successes=np.zeros(n),
    )  # fmt: skip
    for key, value in values.items():
        state[key] = np.broadcast_to(value, np.shape(state[key])).copy()
    return SimpleNamespace(**state)


def week_of(n_pairs, n_actors, **values):
    state = dict(present=np.ones(n_pairs, bool), budget=np.full(n_actors, 99.0),
                 binding_budget=np.full(n_actors, 99.0), mandate=np.full(n_actors, 0.7),
                 cost=np.ones((6, n_pairs)), newcomer_pair=np.zeros(n_pairs, bool),
                 at_forum=np.zeros(n_pairs, bool))  # fmt: skip
    state.update(values)
    return Week(**state)


def test_encounters_need_shared_hours_and_grow_with_places_and_familiarity():
    n = 20000
    u = np.random.default_rng(0).random(n)
    rate = lambda fam, overlap, places: draw_encounters(  # noqa: E731
        pairs_of(n, familiarity=fam, overlap=overlap), week_of(n, 2 * n, shared_places=places), P, u).mean()
    assert rate(0.5, 0.0, 1.0) == 0
    low = rate(0.1, 0.3, 0.2)
    assert rate(0.1, 0.3, 1.0) > 1.5 * low and rate(0.8, 0.3, 0.2) > 2 * low
    absent = draw_encounters(pairs_of(n), week_of(n, 2 * n, present=np.zeros(n, bool)), P, u)
    assert not absent.any()


def test_interdependent_actors_seek_each_other_out_wherever_they_are_based():
    n = 20000
    u = np.random.default_rng(1).random(n)
    outside = pairs_of(n, overlap=0.0, interdependence=1.0)
    unrelated = pairs_of(n, overlap=0.0, interdependence=0.0)
    assert seek_contacts(outside, week_of(n, 2 * n), P, u).mean() > 0.02
    assert not seek_contacts(unrelated, week_of(n, 2 * n), P, u).any()
    assert draw_encounters(outside, week_of(n, 2 * n), P, u).sum() == 0  # no chance meetings


def test_forum_attendance_thins_with_vitality_and_excludes_actors_without_hours():
    actors = actors_of(4, active=np.array([True, True, False, True]))
    budget = np.array([5.0, 0.0, 5.0, 5.0])
    assert select_forum_attendees(actors, budget, 1.0, np.zeros(4)).tolist() == [True, False, False, True]
    u = np.random.default_rng(0).random(20000)
    many = actors_of(20000)
    lively = select_forum_attendees(many, np.ones(20000), 1.0, u).mean()
    thin = select_forum_attendees(many, np.ones(20000), 0.3, u).mean()
    assert thin == pytest.approx(0.3 * lively, abs=0.02)
    assert convene_forum(0.2, True, P) == 1.0 and convene_forum(0.5, False, P) == 0.5 * P.forum_thinning


def test_coordination_scales_with_hours_and_centre_size():
    assert coordinator_coverage(8.0, 10, P) == 1.0
    assert coordinator_coverage(8.0, 80, P) < coordinator_coverage(8.0, 40, P) < 1.0
    assert introductions_this_week(8.0, P) == 2 and introductions_this_week(0.0, P) == 0
    assert introductions_this_week(16.0, P) == 4


def test_introductions_pick_strangers_and_prefer_newcomers():
    pairs = pairs_of(5, familiarity=np.array([0.9, 0.05, 0.05, 0.9, 0.05]))
    newcomer = np.array([False, False, False, False, True])
    u = np.full(5, 0.5)
    one = choose_introductions(pairs, week_of(5, 10, introductions=1, newcomer_pair=newcomer), P, u)
    assert one.tolist() == [False, False, False, False, True]
    two = choose_introductions(pairs, week_of(5, 10, introductions=2), P, u)
    assert two.sum() == 2 and not two[0] and not two[3]
    assert not choose_introductions(pairs, week_of(5, 10, introductions=0), P, u).any()


def test_learning_closes_a_share_of_the_gap_and_stays_below_one():
    pairs = pairs_of(3, familiarity=np.array([0.0, 0.5, 0.99]))
    yes = np.ones(3, dtype=bool)
    every = {"introduced": yes, "encountered": yes, "sought": yes, "at_forum": yes}
    new = learn_from_contact(pairs, every, P)
    assert np.all(new > pairs.familiarity) and np.all(new <= 1.0)
    none = {key: ~yes for key in every}
    assert np.array_equal(learn_from_contact(pairs, none, P), pairs.familiarity)


def test_hours_follow_core_load_leadership_expiry_and_enthusiasts():
    actors = actors_of(5, core_load=np.array([0.5, 0.5, 0.9, 0.5, 0.5]),
                       leadership=np.array([1.0, 0.0, 1.0, 1.0, 1.0]),
                       expired=np.array([False, False, False, True, False]),
                       kind=np.array([0, 0, 0, 0, ActorKind.VOLUNTEER]),
                       enthusiasts=np.array([1, 1, 1, 1, 3]))  # fmt: skip
    budget, binding = allocate_collaboration_hours(actors, P)
    floor, squeeze = P.collaboration_floor, P.extra_role_squeeze

    def extra_role(load):  # a share of the usual 40 hours, squeezed only partly by core load
        return floor * 40.0 * (1 - squeeze * load)

    assert binding[0] == pytest.approx(20.0 * (1 - floor))  # allocated out of the free 20 h
    assert budget[0] == pytest.approx(extra_role(0.5) + 20.0 * (1 - floor))
    assert budget[1] == pytest.approx(extra_role(0.5)) and binding[1] == 0.0  # extra role only
    assert budget[2] == pytest.approx(extra_role(0.9) + 4.0 * (1 - floor))
    # Core load 0.5 → 0.9 cuts allocated hours by 80 %, the extra role by less.
    assert binding[2] / binding[0] == pytest.approx(0.2)
    assert (budget[2] - binding[2]) / (budget[0] - binding[0]) > 0.2
    assert binding[3] == pytest.approx(20.0 * (1 - floor) * P.expiry_hours_factor)
    assert budget[4] == pytest.approx(3 * budget[0])  # three enthusiasts
    gone, _ = allocate_collaboration_hours(actors_of(5, active=False), P)
    assert not gone.any()
    mandate = deep_form_mandate(np.ones(2), np.array([False, True]), P)
    assert mandate[1] == pytest.approx(P.expiry_mandate_factor)


def test_volunteer_hours_vary_and_paid_hours_do_not():
    kind = np.array([ActorKind.VOLUNTEER] * 500 + [ActorKind.MUNICIPAL] * 500)
    factor = vary_volunteer_hours(kind, P, np.random.default_rng(2).random(1000))
    assert factor[:500].std() > 0.2 and factor[:500].mean() == pytest.approx(1.0, abs=0.05)
    assert np.all(factor[500:] == 1.0)


def test_saturated_volunteers_stop_sooner_and_visible_associations_attract():
    n = 20000
    u_leave, u_join = np.random.default_rng(3).random((2, n))
    vol = actors_of(n, kind=ActorKind.VOLUNTEER, enthusiasts=2)
    calm = volunteer_turnover(vol, np.zeros(n), P, u_leave, np.ones(n))
    busy = volunteer_turnover(vol, np.ones(n), P, u_leave, np.ones(n))
    assert (busy < 2).mean() > 1.5 * (calm < 2).mean()
    quiet = volunteer_turnover(vol, np.zeros(n), P, np.ones(n), u_join)
    seen = actors_of(n, kind=ActorKind.VOLUNTEER, enthusiasts=2, recent_successes=P.success_memory_weeks)
    visible = volunteer_turnover(seen, np.zeros(n), P, np.ones(n), u_join)
    assert (visible > 2).mean() > 2 * (quiet > 2).mean()
    paid = volunteer_turnover(actors_of(n, enthusiasts=1), np.ones(n), P, np.zeros(n), np.zeros(n))
    assert np.all(paid == 1)


def test_reaching_a_partner_seldom_in_the_house_costs_more():
    factor = reach_factor(np.array([0.0, 0.1, 0.5]), P)
    assert factor[0] == pytest.approx(1 + P.reach_cost) and factor[2] == pytest.approx(1.0)
    assert factor[0] > factor[1] > factor[2]


def test_a_system_for_collaboration_makes_keeping_updated_cheaper():
    pairs = pairs_of(2, familiarity=np.array([0.2, 0.9]))
    none, full = form_costs(pairs, P, 0.0), form_costs(pairs, P, 1.0)
    for g in (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT):
        assert full[g, 0] == pytest.approx((1 - P.system_relief) * none[g, 0])
    for g in (Form.RESOURCE_EXCHANGE, Form.JOINT_ACTION):
        assert full[g, 0] == none[g, 0]
    assert none[Form.JOINT_ACTION, 0] > none[Form.JOINT_ACTION, 1]  # strangers cost more


def _three_actor_pairs():
    iu, ju = (a.astype(np.int64) for a in np.triu_indices(3, 1))
    return iu, ju  # pairs (0,1), (0,2), (1,2)


def test_budget_enforcement_keeps_hours_within_budget_and_keeps_valued_partners():
    iu, ju = _three_actor_pairs()
    held = np.zeros((6, 3), bool)
    held[Form.CO_CREATION, 0] = held[Form.KNOWLEDGE_SHARING, 0] = True
    held[Form.JOINT_ACTION, 1] = True
    held[Form.ALIGNMENT, 2] = True
    cost = np.asarray(P.form_cost)[:, None] * np.ones((6, 3))
    priority = np.array([2.0, 0.5, 1.0])
    budget, binding = np.array([3.5, 10.0, 10.0]), np.array([3.5, 10.0, 10.0])
    new = enforce_hour_budgets(held, cost, priority, budget, binding, iu, ju)
    total, used_binding = hours_in_use(new, cost, iu, ju, 3)
    assert np.all(total <= budget + 1e-9) and np.all(used_binding <= binding + 1e-9)
    assert new[Form.CO_CREATION, 0] and not new[Form.JOINT_ACTION, 1]  # the valued partner kept
    rich = enforce_hour_budgets(held, cost, priority, np.full(3, 99.0), np.full(3, 99.0), iu, ju)
    assert np.array_equal(rich, held)


def test_binding_forms_live_only_on_allocated_hours_and_go_first_under_pressure():
    iu, ju = _three_actor_pairs()
    held = np.zeros((6, 3), bool)
    held[Form.KNOWLEDGE_SHARING] = held[Form.JOINT_ACTION, 0] = True
    cost = np.asarray(P.form_cost)[:, None] * np.ones((6, 3))
    # plenty of hours in all, but no allocated hours: the joint action cannot stay
    new = enforce_hour_budgets(held, cost, np.ones(3), np.full(3, 9.0), np.zeros(3), iu, ju)
    assert not new[Form.JOINT_ACTION].any() and new[Form.KNOWLEDGE_SHARING].all()


def _eligibility(fam, trust, successes=0, shared=1, compl=True, mandate=0.5, understanding=1.0, stay=False):
    pairs = pairs_of(1, familiarity=fam, trust=trust, successes=successes, shared_targets=shared,
                     complementary=compl, understanding=understanding)  # fmt: skip
    week = week_of(1, 2, mandate=np.full(2, np.sqrt(mandate)))
    return eligible_forms(pairs, week, P, stay=stay)[:, 0]


def test_deeper_forms_need_more_familiarity_trust_understanding_and_fit():
    assert _eligibility(0.1, 0.3).tolist() == [False] * 6
    assert _eligibility(0.45, 0.4)[[1, 2, 3]].all()
    assert not _eligibility(0.45, 0.4, shared=0)[Form.ALIGNMENT]
    assert not _eligibility(0.45, 0.4, compl=False)[Form.RESOURCE_EXCHANGE]
    deep = _eligibility(0.9, 0.9, successes=5)
    assert deep[Form.JOINT_ACTION] and deep[Form.CO_CREATION]
    assert not _eligibility(0.9, 0.9, successes=0)[Form.CO_CREATION]  # needs earlier successes
    assert not _eligibility(0.9, 0.9, successes=5, understanding=0.0)[Form.JOINT_ACTION]
    no_backing = _eligibility(0.9, 0.9, successes=5, mandate=0.01)
    assert not no_backing[Form.JOINT_ACTION] and not no_backing[Form.CO_CREATION]
    assert no_backing[Form.KNOWLEDGE_SHARING]


def test_staying_is_easier_than_entering():
    fam = 0.9 * P.familiarity_to_enter[Form.ALIGNMENT]
    assert not _eligibility(fam, 0.4)[Form.ALIGNMENT]
    assert _eligibility(fam, 0.4, stay=True)[Form.ALIGNMENT]


def _uptake(mandate, hs=False, overview=1.0, overlap=0.5):
    pairs = pairs_of(1, overlap=overlap)
    kind = ActorKind.HOUSING_SOCIAL if hs else ActorKind.MUNICIPAL
    week = week_of(1, 2, mandate=np.full(2, np.sqrt(mandate)), overview=overview)
    return uptake_chance(pairs, actors_of(2, kind=kind), week, P)[:, 0]


def test_leadership_matters_more_the_deeper_the_form():
    high, low = _uptake(0.81), _uptake(0.09)
    ratios = [high[g] / low[g] for g in (1, 2, 4, 5)]
    assert ratios[0] == pytest.approx(1.0)  # knowledge sharing does not depend on it
    assert ratios[0] < ratios[1] < ratios[2] < ratios[3]


def test_housing_social_actors_promote_cocreation():
    assert _uptake(0.5, hs=True)[Form.CO_CREATION] > 2 * _uptake(0.5)[Form.CO_CREATION]


def test_alignment_grows_with_shared_hours_and_an_overview_of_offers():
    assert _uptake(0.5, overlap=0.0)[Form.ALIGNMENT] < _uptake(0.5, overlap=0.5)[Form.ALIGNMENT]
    assert _uptake(0.5, overlap=0.0)[Form.ALIGNMENT] > 0  # actors based outside can align too
    none = _uptake(0.5, overview=0.0)
    assert none[Form.ALIGNMENT] == pytest.approx(P.no_overview_factor * _uptake(0.5)[Form.ALIGNMENT])
    assert none[Form.RESOURCE_EXCHANGE] == _uptake(0.5)[Form.RESOURCE_EXCHANGE]


def test_a_pair_takes_up_and_drops_each_form_on_its_own():
    pairs = pairs_of(2)
    pairs.held[Form.KNOWLEDGE_SHARING] = True
    pairs.held[Form.ALIGNMENT, 1] = True
    enter = np.ones((6, 2), bool)
    stay = np.ones((6, 2), bool)
    stay[Form.ALIGNMENT, 1] = False
    chance = np.ones((6, 2))
    hours_ok = np.ones((6, 2), bool)
    hours_ok[Form.JOINT_ACTION] = False
    u = np.full((6, 2), 0.0)
    new = update_palette(pairs, enter, stay, chance, hours_ok, week_of(2, 4), P, u)
    assert new[Form.KNOWLEDGE_SHARING].all()  # kept while taking up others
    assert new[Form.RESOURCE_EXCHANGE].all() and new[Form.CO_CREATION].all()
    assert not new[Form.JOINT_ACTION].any()  # no hours
    assert new[Form.ALIGNMENT, 0] and not new[Form.ALIGNMENT, 1]  # lost its conditions
    away = week_of(2, 4, present=np.zeros(2, bool))
    gone = update_palette(pairs, enter, stay, chance, hours_ok, away, P, u)
    assert not gone.any()


def test_binding_forms_start_only_with_allocated_hours_free():
    pairs = pairs_of(1)
    week = week_of(1, 2, cost=np.full((6, 1), 2.0))
    ok = hours_allow(pairs, week, spare=np.full(2, 5.0), spare_binding=np.array([5.0, 1.0]))
    assert ok[Form.KNOWLEDGE_SHARING, 0] and not ok[Form.JOINT_ACTION, 0]


def _outcomes(form, n=4000, trust=0.7, crowd_pairs=0, cc_weeks=0, seed=0, booking=0.0):
    rng = np.random.default_rng(seed)
    iu = np.arange(0, 2 * n, 2)
    ju = iu + 1
    if crowd_pairs:  # extra exchange ties on actor 0 for crowding
        iu = np.r_[iu, np.zeros(crowd_pairs, dtype=int)]
        ju = np.r_[ju, np.arange(2 * n, 2 * n + crowd_pairs)]
    m = len(iu)
    held = np.zeros((6, m), bool)
    held[form, :n] = True
    held[Form.RESOURCE_EXCHANGE, n:] = True
    pairs = pairs_of(m, iu=iu, ju=ju, familiarity=0.6, trust=trust, shared_targets=2,
                     cocreation_weeks=cc_weeks, held=held)  # fmt: skip
    n_actors = 2 * n + crowd_pairs
    u = {name: rng.random(m) for name in OUTCOME_DRAWS}
    return realise_outcomes(pairs, actors_of(n_actors, cocreation_experience=0.3),
                            week_of(m, n_actors, booking=booking), P, u)  # fmt: skip


def _exchange_success_rate(outcomes):
    exchanged = outcomes.exchange_success | outcomes.exchange_failure
    return outcomes.exchange_success[exchanged].mean()


def test_exchanges_suffer_when_too_many_share_one_thing():
    calm = _outcomes(Form.RESOURCE_EXCHANGE, n=4000)
    crowded = _outcomes(Form.RESOURCE_EXCHANGE, n=1, crowd_pairs=4000)
    assert _exchange_success_rate(crowded) < 0.2 * _exchange_success_rate(calm)


def test_every_held_form_yields_its_own_outcomes():
    rng = np.random.default_rng(5)
    n = 4000
    held = np.zeros((6, n), bool)
    held[[Form.ALIGNMENT, Form.RESOURCE_EXCHANGE, Form.JOINT_ACTION]] = True
    pairs = pairs_of(n, held=held, shared_targets=2)
    u = {name: rng.random(n) for name in OUTCOME_DRAWS}
    out = realise_outcomes(pairs, actors_of(2 * n), week_of(n, 2 * n, overview=1.0), P, u)
    assert out.referral.mean() == pytest.approx(2 * P.referral_rate, abs=0.02)
    assert (out.exchange_success | out.exchange_failure).mean() == pytest.approx(P.exchange_rate, abs=0.02)
    assert out.joint_ended.mean() == pytest.approx(1 / P.joint_action_weeks, abs=0.015)


def test_trust_raises_the_success_of_joint_action():
    high = _outcomes(Form.JOINT_ACTION, trust=0.9)
    low = _outcomes(Form.JOINT_ACTION, trust=0.3)
    rate = lambda o: o.joint_offer.sum() / o.joint_ended.sum()  # noqa: E731
    assert rate(high) > rate(low) + 0.15


def test_long_standing_cocreators_yield_less_that_is_new():
    fresh = _outcomes(Form.CO_CREATION, n=20000, cc_weeks=0)
    tunnel = _outcomes(Form.CO_CREATION, n=20000, cc_weeks=400)
    novel = lambda o: o.new_initiative.sum() / o.cocreation_success.sum()  # noqa: E731
    assert novel(fresh) > 0.95 and novel(tunnel) < 0.35


def test_a_failure_costs_more_trust_than_a_success_earns():
    pairs = pairs_of(2, trust=0.5)
    after = update_trust(pairs, np.zeros(2, bool), np.array([1, 0]), np.array([0, 1]), P)
    gain, loss = after[0] - 0.5, 0.5 - after[1]
    assert loss > gain > 0
    edges = pairs_of(2, trust=np.array([0.0, 1.0]))
    extreme = update_trust(edges, np.ones(2, bool), np.ones(2), np.zeros(2), P)
    assert np.all((extreme >= 0) & (extreme <= 1))


def test_relations_fade_without_contact_and_slower_with_a_system():
    pairs = pairs_of(3, familiarity=0.6, trust=0.7)
    contact = np.array([True, False, False])
    present = np.array([True, True, False])
    f1, t1 = fade_relations(pairs, contact, week_of(3, 6, present=present, upkeep=0.0), P)
    assert f1[0] == 0.6 and f1[2] == 0.6 and f1[1] < 0.6 and t1[1] < 0.7
    f2, t2 = fade_relations(pairs, contact, week_of(3, 6, present=present, upkeep=1.0), P)
    assert f1[1] < f2[1] < 0.6 and t1[1] < t2[1] < 0.7
    _, low_t = fade_relations(pairs_of(3, trust=0.1), contact, week_of(3, 6, present=present), P)
    assert low_t[1] > 0.1  # trust drifts back up towards the baseline, not below it


def test_shared_understanding_grows_in_alignment_and_at_forums_and_fades_otherwise():
    held = np.zeros((6, 3), bool)
    held[Form.ALIGNMENT, 0] = True
    pairs = pairs_of(3, understanding=0.5, held=held)
    at_forum = np.array([False, True, False])
    new = build_understanding(pairs, at_forum, week_of(3, 6), P)
    assert new[0] > 0.5 and new[1] > 0.5 and new[2] < 0.5
