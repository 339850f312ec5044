"""How pairs take up and drop forms (*Del 2*, Figure 7) — a palette, not a ladder.

A pair can hold any set of the five forms at once (*Del 2*: actors move between the forms
in practice; resource exchange can be loose or binding). Each form has its own conditions
to enter and to stay (familiarity, trust, fit, shared understanding, earlier successes,
mandate) and its own hours; every week a pair may take up each eligible form it does not
hold, and drop each held form whose conditions are lost. Deeper forms build on shallower
ones only because their conditions are built there: familiarity from knowledge sharing,
trust and successes from exchange and joint work, shared understanding from alignment.
Thresholds to stay are lower than to enter, so pairs do not flicker.
"""

from __future__ import annotations

import math

import numpy as np

from .forms import BINDING, FORMS, Form
from .kinds import ActorKind
from .pairs import N_FORMS
from .params import ModelParams


def eligible_forms(pairs, week, params: ModelParams, *, stay: bool) -> np.ndarray:
    """Boolean array (6, P): which forms each pair's conditions allow.

    - knowledge sharing: some familiarity;
    - alignment: familiarity, trust and a shared target group;
    - resource exchange: familiarity, trust and complementary material resources;
    - joint action: more of both, a shared target group (a shared goal), a shared
      understanding of the problem, decision latitude from both leaderships;
    - co-creation: still more, earlier successes together, and decision latitude.
    """
    p = pairs
    s = params.stay_factor if stay else 1.0
    mandate = week.mandate[p.iu] * week.mandate[p.ju]
    # Every form's thresholds as a column (row 0 unused), compared in one call each.
    threshold = s * np.array([params.familiarity_to_enter, params.trust_to_enter,
                              params.understanding_to_enter], dtype=np.float64)[:, :, None]  # fmt: skip
    base = ((p.familiarity >= threshold[0]) & (p.trust >= threshold[1])
            & (p.understanding >= threshold[2]) & week.present)  # fmt: skip
    mandate_ok = mandate >= s * params.mandate_to_enter_deep
    eligible = np.zeros((N_FORMS, p.n_pairs), dtype=bool)
    eligible[Form.KNOWLEDGE_SHARING] = base[1]
    eligible[Form.ALIGNMENT] = base[2] & (p.shared_targets > 0)
    eligible[Form.RESOURCE_EXCHANGE] = base[3] & p.complementary
    eligible[Form.JOINT_ACTION] = base[4] & (p.shared_targets > 0) & mandate_ok
    eligible[Form.CO_CREATION] = base[5] & (p.successes >= params.successes_for_cocreation) & mandate_ok
    return eligible


def eligible_forms_reference(pairs, week, params, *, stay):
    p, s = pairs, (params.stay_factor if stay else 1.0)
    out = np.zeros((N_FORMS, p.n_pairs), dtype=bool)
    for k in range(p.n_pairs):
        if not week.present[k]:
            continue

        def base(g, k=k):
            return (p.familiarity[k] >= s * params.familiarity_to_enter[g]
                    and p.trust[k] >= s * params.trust_to_enter[g]
                    and p.understanding[k] >= s * params.understanding_to_enter[g])  # fmt: skip

        mandate_ok = week.mandate[p.iu[k]] * week.mandate[p.ju[k]] >= s * params.mandate_to_enter_deep
        out[1, k] = base(1)
        out[2, k] = base(2) and p.shared_targets[k] > 0
        out[3, k] = base(3) and bool(p.complementary[k])
        out[4, k] = base(4) and p.shared_targets[k] > 0 and mandate_ok
        out[5, k] = base(5) and p.successes[k] >= params.successes_for_cocreation and mandate_ok
    return out


def uptake_chance(pairs, actors, week, params: ModelParams) -> np.ndarray:
    """(6, P) weekly chance a pair takes up each form it does not hold (ODD § 7.4).

    upgrade_rate[g] · √(affinity_i · affinity_j) · M(g) · X(g), with the mandate factor M
    = 1, √m, √m, m, m² by depth (m = mandate_i · mandate_j: leadership matters more the
    deeper the form) and X the form's own promoters: interdependence for alignment and
    deeper; shared hours and an overview of offers for alignment; risk willingness for
    the binding forms; experience and a housing-social actor's cross-cutting view for
    co-creation.
    """
    p, a = pairs, actors
    i, j = p.iu, p.ju
    m = week.mandate[i] * week.mandate[j]
    mandate_factor = {1: 1.0, 2: np.sqrt(m), 3: np.sqrt(m), 4: m, 5: m * m}
    risk = 0.5 + 0.5 * (a.risk_willingness[i] + a.risk_willingness[j])
    experience = 0.5 + 0.5 * (a.cocreation_experience[i] + a.cocreation_experience[j])
    housing_social = (a.kind[i] == ActorKind.HOUSING_SOCIAL) | (a.kind[j] == ActorKind.HOUSING_SOCIAL)
    overview = params.no_overview_factor + (1.0 - params.no_overview_factor) * week.overview
    chance = np.zeros((N_FORMS, p.n_pairs))
    for g in FORMS:
        c = params.upgrade_rate[g] * np.sqrt(a.affinity[i, g] * a.affinity[j, g]) * mandate_factor[g]
        if g >= Form.ALIGNMENT:
            c = c * (0.5 + p.interdependence)
        if g == Form.ALIGNMENT:
            c = c * (0.5 + 0.5 * np.minimum(params.same_hours_weight * p.overlap, 1.0)) * overview
        if g in BINDING:
            c = c * risk
        if g == Form.CO_CREATION:
            c = c * experience * np.where(housing_social, 1.0 + params.housing_social_cocreation_bonus, 1.0)
        chance[g] = c
    return chance


def uptake_chance_reference(pairs, actors, week, params):
    p, a = pairs, actors
    overview = params.no_overview_factor + (1.0 - params.no_overview_factor) * week.overview
    chance = np.zeros((N_FORMS, p.n_pairs))
    for k in range(p.n_pairs):
        i, j = p.iu[k], p.ju[k]
        m = week.mandate[i] * week.mandate[j]
        for g in FORMS:
            c = params.upgrade_rate[g] * math.sqrt(a.affinity[i, g] * a.affinity[j, g])
            c = c * {1: 1.0, 2: math.sqrt(m), 3: math.sqrt(m), 4: m, 5: m * m}[g]
            if g >= Form.ALIGNMENT:
                c = c * (0.5 + p.interdependence[k])
            if g == Form.ALIGNMENT:
                c = c * (0.5 + 0.5 * min(params.same_hours_weight * p.overlap[k], 1.0)) * overview
            if g in BINDING:
                c = c * (0.5 + 0.5 * (a.risk_willingness[i] + a.risk_willingness[j]))
            if g == Form.CO_CREATION:
                c = c * (0.5 + 0.5 * (a.cocreation_experience[i] + a.cocreation_experience[j]))
                if ActorKind.HOUSING_SOCIAL in (a.kind[i], a.kind[j]):
                    c = c * (1.0 + params.housing_social_cocreation_bonus)
            chance[g, k] = c
    return chance


def hours_allow(pairs, week, spare: np.ndarray, spare_binding: np.ndarray) -> np.ndarray:
    """(6, P): whether hours allow taking each form up.

    A loose form can be taken up on the side; if hours then do not suffice, the actors'
    least valued commitments give way (``enforce_hour_budgets``). A binding form is
    started only if both partners have its hours free, out of the hours leadership
    allocated as well as in all.
    """
    i, j = pairs.iu, pairs.ju
    ok = np.ones_like(week.cost, dtype=bool)
    for g in BINDING:
        c = week.cost[g]
        ok[g] = (c <= spare[i]) & (c <= spare[j]) & (c <= spare_binding[i]) & (c <= spare_binding[j])
    return ok


def update_palette(pairs, enter, stay, chance, hours_ok, week, params: ModelParams, u) -> np.ndarray:
    """Take up and drop forms this week; returns the new (6, P) ``held``.

    With one uniform ``u[g]`` per pair and form: a form not held is taken up if it is
    eligible, both partners have its hours and u < its chance; a held form whose stay
    conditions are lost is dropped if u < ``downgrade_rate``. Absent pairs hold nothing.
    """
    held = pairs.held.copy()
    for g in FORMS:
        take = ~held[g] & enter[g] & hours_ok[g] & (u[g] < chance[g])
        drop = held[g] & ~stay[g] & (u[g] < params.downgrade_rate)
        held[g] = ((held[g] & ~drop) | take) & week.present
    return held


def update_palette_reference(pairs, enter, stay, chance, hours_ok, week, params, u):
    held = pairs.held.copy()
    for k in range(pairs.n_pairs):
        for g in FORMS:
            if not week.present[k]:
                held[g, k] = False
            elif held[g, k]:
                held[g, k] = not (not stay[g, k] and u[g, k] < params.downgrade_rate)
            else:
                held[g, k] = bool(enter[g, k] and hours_ok[g, k] and u[g, k] < chance[g, k])
    return held


def take_up_and_drop(pairs, actors, week, params: ModelParams, spare, spare_binding, u) -> np.ndarray:
    """The new (6, P) ``held`` of a week: forms taken up (:func:`eligible_forms` to enter,
    :func:`hours_allow`, :func:`uptake_chance`) and dropped (:func:`eligible_forms` to
    stay), by :func:`update_palette`; ``spare`` and ``spare_binding`` are each actor's hours
    not yet in use. The compiled engine does the same in one pass over pairs."""
    enter = eligible_forms(pairs, week, params, stay=False)
    stay = eligible_forms(pairs, week, params, stay=True)
    chance = uptake_chance(pairs, actors, week, params)
    return update_palette(pairs, enter, stay, chance, hours_allow(pairs, week, spare, spare_binding), week,
                          params, u)  # fmt: skip


def take_up_and_drop_reference(pairs, actors, week, params, spare, spare_binding, u):
    enter = eligible_forms_reference(pairs, week, params, stay=False)
    stay = eligible_forms_reference(pairs, week, params, stay=True)
    chance = uptake_chance_reference(pairs, actors, week, params)
    hours_ok = hours_allow(pairs, week, spare, spare_binding)
    return update_palette_reference(pairs, enter, stay, chance, hours_ok, week, params, u)
