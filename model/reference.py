"""Per-pair reference implementation of the weekly submodels.

The same equations as the vectorised kernels, written as plain Python loops over pairs
(and over actors where the vectorised code sorts or sums per actor). It is the readable
statement of each submodel and the check on the fast code: given the same state and the
same random draws, both must produce the same week (``tests/test_reference.py``), and
``experiments/bench.py`` reports how much faster the vectorised version is.
"""

from __future__ import annotations

import math

import numpy as np

from .forms import Form
from .kernels import Kernels
from .outcomes import Outcomes
from .params import ModelParams


def draw_encounters(familiarity, overlap, colocation_factor, present, shared_places, params, u):
    met = np.zeros(len(familiarity), dtype=bool)
    for k in range(len(familiarity)):
        if not present[k]:
            continue
        chance = (
            params.encounter_rate
            * overlap[k]
            * (0.5 + shared_places)
            * colocation_factor[k]
            * (params.seek_familiar + familiarity[k])
        )
        met[k] = u[k] < chance
    return met


def choose_introductions(familiarity, present, newcomer_pair, params, u):
    chosen = np.zeros(len(familiarity), dtype=bool)
    keys = []
    for k in range(len(familiarity)):
        if present[k]:
            gap = 1.0 - familiarity[k]
            key = gap * gap * (1.0 + params.newcomer_priority * newcomer_pair[k]) * u[k]
            if key > 0:
                keys.append((-key, k))
    for _, k in sorted(keys)[: max(params.introductions_per_week, 0)]:
        chosen[k] = True
    return chosen


def learn_from_contact(familiarity, encountered, at_forum, introduced, params):
    fam = familiarity.copy()
    for k in range(len(fam)):
        if introduced[k]:
            fam[k] = fam[k] + params.introduction_learning * (1.0 - fam[k])
        if encountered[k]:
            fam[k] = fam[k] + params.encounter_learning * (1.0 - fam[k])
        if at_forum[k]:
            fam[k] = fam[k] + params.forum_learning * (1.0 - fam[k])
    return fam


def eligible_forms(familiarity, trust, successes, shared_targets, complementary,
                   mandate_product, can_lead, present, params, *, stay):  # fmt: skip
    s = params.stay_factor if stay else 1.0
    fam_t, trust_t = params.familiarity_to_enter, params.trust_to_enter
    out = np.zeros((len(Form), len(familiarity)), dtype=bool)
    for k in range(len(familiarity)):
        out[0, k] = True
        if not present[k]:
            continue

        def base(g, k=k):
            return familiarity[k] >= s * fam_t[g] and trust[k] >= s * trust_t[g]

        mandate_ok = mandate_product[k] >= s * params.mandate_to_enter_deep
        out[1, k] = base(1)
        out[2, k] = base(2) and shared_targets[k] > 0
        out[3, k] = base(3) and bool(complementary[k])
        out[4, k] = base(4) and shared_targets[k] > 0 and mandate_ok and (can_lead[k] or stay)
        out[5, k] = base(5) and successes[k] >= params.successes_for_cocreation and mandate_ok
    return out


def next_deeper(form, eligible):
    result = np.zeros(len(form), dtype=np.int8)
    for k in range(len(form)):
        for g in range(form[k] + 1, len(Form)):
            if eligible[g, k]:
                result[k] = g
                break
    return result


def _deepest_below(form_k, eligible, k):
    for g in range(form_k - 1, 0, -1):
        if eligible[g, k]:
            return g
    return 0


def uptake_chance(target, form, affinity_pair, interdependence, overlap, mandate_product,
                  mean_risk, mean_experience, housing_social_in_pair, system_active,
                  params):  # fmt: skip
    chance = np.zeros(len(target))
    for k in range(len(target)):
        g, m = int(target[k]), mandate_product[k]
        c = params.upgrade_rate[g] * affinity_pair[k]
        if g == Form.CO_CREATION:
            c = c * (m * m)
        elif g >= Form.JOINT_ACTION:
            c = c * m
        elif g >= Form.ALIGNMENT:
            c = c * math.sqrt(m)
        if g >= Form.ALIGNMENT:
            c = c * (0.5 + interdependence[k])
        if g == Form.ALIGNMENT:
            overview = 1.0 if system_active else params.no_overview_factor
            c = c * (min(params.same_hours_weight * overlap[k], 1.0) * overview)
        if g >= Form.JOINT_ACTION:
            c = c * (0.5 + mean_risk[k])
        if g == Form.CO_CREATION:
            c = c * (0.5 + mean_experience[k])
            if housing_social_in_pair[k]:
                c = c * (1.0 + params.housing_social_cocreation_bonus)
        if g == Form.JOINT_ACTION and form[k] == Form.ALIGNMENT:
            c = c * (1.0 + params.alignment_bonus)
        chance[k] = c
    return chance


def update_forms(form, target, stay_eligible, chance_of, marginal_cost_ok, present, params, u):
    new = np.zeros(len(form), dtype=np.int8)
    for k in range(len(form)):
        if not present[k]:
            continue
        f = int(form[k])
        if stay_eligible[f, k]:
            moves_up = target[k] > 0 and marginal_cost_ok[k] and u[k] < chance_of[k]
            new[k] = target[k] if moves_up else f
        else:
            new[k] = _deepest_below(f, stay_eligible, k) if u[k] < params.downgrade_rate else f
    return new


def enforce_hour_budgets(form, stay_eligible, priority, reach, budget, iu, ju, params,
                         coordination):  # fmt: skip
    form = form.copy()
    factor = 1.0 - (1.0 - params.coordinator_cost_factor) * coordination
    while True:
        ties_of: dict[int, list[tuple[float, int]]] = {}
        used = np.zeros(len(budget))
        for k in range(len(form)):
            c = params.form_cost[form[k]] * factor * reach[k]
            used[iu[k]] += c
            used[ju[k]] += c
            if c > 0:
                for actor in (int(iu[k]), int(ju[k])):
                    ties_of.setdefault(actor, []).append((-(priority[k] / c), k))
        if not any(used[a] > budget[a] + 1e-9 for a in range(len(budget))):
            return form
        misfits = set()
        for actor, ties in ties_of.items():
            spent = 0.0
            for _, k in sorted(ties):
                spent += params.form_cost[form[k]] * factor * reach[k]
                if spent > budget[actor] + 1e-9:
                    misfits.add(k)
        for k in sorted(misfits):
            f = int(form[k])
            cheaper = 0
            for g in range(1, f):
                if params.form_cost[g] < params.form_cost[f] and stay_eligible[g, k]:
                    cheaper = g
            form[k] = cheaper


def realise_outcomes(form, familiarity, trust, shared_targets, weeks_in_form, cocreation_weeks,
                     permanent, experience, iu, ju, booking_system, params: ModelParams,
                     u_event, u_success, u_novel):  # fmt: skip
    n = len(form)
    masks = {name: np.zeros(n, dtype=bool) for name in Outcomes.__dataclass_fields__}
    crowd = np.zeros(len(permanent))
    fresh = np.zeros(len(permanent))
    fresh_tie = np.zeros(n, dtype=bool)
    for k in range(n):
        if form[k] == Form.RESOURCE_EXCHANGE:
            crowd[iu[k]] += 1.0
            crowd[ju[k]] += 1.0
        if form[k] == Form.CO_CREATION and cocreation_weeks[k] < params.fresh_partner_weeks:
            fresh_tie[k] = True
            fresh[iu[k]] += 1.0
            fresh[ju[k]] += 1.0
    capacity = params.crowding_capacity * (2 if booking_system else 1)
    for k in range(n):
        i, j, f = iu[k], ju[k], form[k]
        anchored = permanent[i] or permanent[j]
        if f == Form.ALIGNMENT:
            masks["referral"][k] = u_event[k] < params.referral_rate * min(shared_targets[k], 3)
        elif f == Form.RESOURCE_EXCHANGE and u_event[k] < params.exchange_rate:
            excess = max(crowd[i] - capacity, 0.0) + max(crowd[j] - capacity, 0.0)
            ok = (params.exchange_success * (0.5 + 0.5 * familiarity[k])
                  / (1.0 + params.crowding_penalty * excess))  # fmt: skip
            masks["exchange_success"][k] = u_success[k] < ok
            masks["success"][k] = masks["exchange_success"][k]
            masks["failure"][k] = not masks["exchange_success"][k]
        elif f == Form.JOINT_ACTION and u_event[k] < 1.0 / params.joint_action_weeks:
            chance = (params.joint_action_success + params.trust_weight * (trust[k] - 0.5)
                      + params.anchoring_bonus * anchored)  # fmt: skip
            masks["ended"][k] = True
            masks["joint_offer"][k] = u_success[k] < min(max(chance, 0.05), 0.95)
            masks["success"][k] = masks["joint_offer"][k]
            masks["failure"][k] = not masks["joint_offer"][k]
        elif f == Form.CO_CREATION and u_event[k] < 1.0 / params.cocreation_weeks:
            chance = (params.cocreation_success + params.trust_weight * (trust[k] - 0.6)
                      + 0.2 * (0.5 * (experience[i] + experience[j]))
                      + params.anchoring_bonus * anchored)  # fmt: skip
            masks["ended"][k] = True
            won = u_success[k] < min(max(chance, 0.05), 0.95)
            masks["cocreation_success"][k] = won
            masks["success"][k] = won
            masks["failure"][k] = not won
            novelty = min(
                params.tunnel_weeks / (params.tunnel_weeks + cocreation_weeks[k])
                + params.fresh_partner_novelty
                * (fresh[i] - fresh_tie[k] > 0 or fresh[j] - fresh_tie[k] > 0),
                1.0,
            )
            masks["new_initiative"][k] = won and u_novel[k] < novelty
    return Outcomes(**masks)


def update_trust(trust, working, success, failure, params):
    trust = trust.copy()
    for k in range(len(trust)):
        t = trust[k]
        if working[k]:
            t = t + params.trust_gain_contact * (1.0 - t)
        if success[k]:
            t = t + params.trust_gain_success * (1.0 - t)
        if failure[k]:
            t = t - params.trust_loss_failure * t
        trust[k] = min(max(t, 0.0), 1.0)
    return trust


def fade_relations(familiarity, trust, contact, present, upkeep, params):
    familiarity, trust = familiarity.copy(), trust.copy()
    factor = 1.0 - (1.0 - params.system_decay_factor) * upkeep
    for k in range(len(trust)):
        if present[k] and not contact[k]:
            familiarity[k] = familiarity[k] * (1.0 - params.familiarity_decay * factor)
            trust[k] = trust[k] - params.trust_decay * factor * (trust[k] - params.baseline_trust)
    return familiarity, trust


REFERENCE = Kernels(
    draw_encounters=draw_encounters,
    choose_introductions=choose_introductions,
    learn_from_contact=learn_from_contact,
    eligible_forms=eligible_forms,
    next_deeper=next_deeper,
    uptake_chance=uptake_chance,
    update_forms=update_forms,
    enforce_hour_budgets=enforce_hour_budgets,
    realise_outcomes=realise_outcomes,
    update_trust=update_trust,
    fade_relations=fade_relations,
)
