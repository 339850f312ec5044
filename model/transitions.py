"""How pairs move between the five forms (*Del 2*, Figure 7).

Each form has conditions (familiarity, trust, fit, mandate, hours). A pair whose current
form's conditions no longer hold falls back; a pair for which a deeper form's conditions
newly hold may take it up, one eligible form at a time, with a chance shaped by the
actors' kinds, interdependence, leadership mandate, risk willingness and experience.
Thresholds to stay are lower than to enter, so pairs do not flicker between forms.
"""

from __future__ import annotations

import numpy as np

from .forms import Form
from .params import ModelParams

N_FORMS = len(Form)


def eligible_forms(
    familiarity: np.ndarray,
    trust: np.ndarray,
    successes: np.ndarray,
    shared_targets: np.ndarray,
    complementary: np.ndarray,
    mandate_product: np.ndarray,
    can_lead: np.ndarray,
    present: np.ndarray,
    params: ModelParams,
    *,
    stay: bool,
) -> np.ndarray:
    """Boolean array (6, P): which forms each pair's conditions allow.

    - knowledge sharing: some familiarity;
    - alignment: familiarity, trust and a shared target group;
    - resource exchange: familiarity, trust and complementary material resources;
    - joint action: more of both, a shared target group (a shared goal), decision
      latitude from both leaderships and, to start, one actor with hours to lead;
    - co-creation: still more, earlier successes together, and decision latitude.
    """
    scale = params.stay_factor if stay else 1.0
    fam_ok = [familiarity >= scale * t for t in params.familiarity_to_enter]
    trust_ok = [trust >= scale * t for t in params.trust_to_enter]
    mandate_ok = mandate_product >= scale * params.mandate_to_enter_deep
    eligible = np.zeros((N_FORMS, len(familiarity)), dtype=bool)
    eligible[Form.NONE] = True
    eligible[Form.KNOWLEDGE_SHARING] = present & fam_ok[1] & trust_ok[1]
    eligible[Form.ALIGNMENT] = present & fam_ok[2] & trust_ok[2] & (shared_targets > 0)
    eligible[Form.RESOURCE_EXCHANGE] = present & fam_ok[3] & trust_ok[3] & complementary
    eligible[Form.JOINT_ACTION] = (
        present & fam_ok[4] & trust_ok[4] & (shared_targets > 0) & mandate_ok & (can_lead | stay)
    )
    eligible[Form.CO_CREATION] = (
        present
        & fam_ok[5]
        & trust_ok[5]
        & (successes >= params.successes_for_cocreation)
        & mandate_ok
    )
    return eligible


def next_deeper(form: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """The shallowest eligible form deeper than the current one (0 if none)."""
    result = np.zeros(len(form), dtype=np.int8)
    for g in range(N_FORMS - 1, 0, -1):
        result = np.where((g > form) & eligible[g], g, result).astype(np.int8)
    return result


def deepest_below(form: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """The deepest eligible form shallower than the current one (0 if none)."""
    result = np.zeros(len(form), dtype=np.int8)
    for g in range(1, N_FORMS):
        result = np.where((g < form) & eligible[g], g, result).astype(np.int8)
    return result


def uptake_chance(
    target: np.ndarray,
    form: np.ndarray,
    affinity_pair: np.ndarray,
    interdependence: np.ndarray,
    overlap: np.ndarray,
    mandate_product: np.ndarray,
    mean_risk: np.ndarray,
    mean_experience: np.ndarray,
    housing_social_in_pair: np.ndarray,
    system_active: bool,
    params: ModelParams,
) -> np.ndarray:
    """Weekly chance a pair takes up ``target`` (see ODD § update_forms for the product)."""
    rate = np.asarray(params.upgrade_rate)[target]
    chance = rate * affinity_pair
    deep = target >= Form.JOINT_ACTION
    # Decision latitude: alignment and exchange need authority to adjust one's offers;
    # joint action and co-creation need leadership to recognise the shared goals.
    mandate_factor = np.where(
        target == Form.CO_CREATION,
        mandate_product * mandate_product,
        np.where(deep, mandate_product, np.where(target >= 2, np.sqrt(mandate_product), 1.0)),
    )
    chance = chance * mandate_factor
    chance = chance * np.where(target >= Form.ALIGNMENT, 0.5 + interdependence, 1.0)
    overview = 1.0 if system_active else params.no_overview_factor
    chance = chance * np.where(
        target == Form.ALIGNMENT, np.minimum(params.same_hours_weight * overlap, 1.0) * overview, 1.0
    )
    chance = chance * np.where(deep, 0.5 + mean_risk, 1.0)
    chance = chance * np.where(target == Form.CO_CREATION, 0.5 + mean_experience, 1.0)
    chance = chance * np.where(
        (target == Form.CO_CREATION) & housing_social_in_pair,
        1.0 + params.housing_social_cocreation_bonus,
        1.0,
    )
    chance = chance * np.where(
        (target == Form.JOINT_ACTION) & (form == Form.ALIGNMENT), 1.0 + params.alignment_bonus, 1.0
    )
    return chance


def update_forms(
    form: np.ndarray,
    target: np.ndarray,
    stay_eligible: np.ndarray,
    chance_of: np.ndarray,
    marginal_cost_ok: np.ndarray,
    present: np.ndarray,
    params: ModelParams,
    u: np.ndarray,
) -> np.ndarray:
    """Move each pair one form up, down or not at all this week.

    ``target`` is each pair's next deeper eligible form (:func:`next_deeper`) and
    ``chance_of`` its uptake chance (:func:`uptake_chance`); a pair moves up
    only if both partners have the hours the deeper form costs on top of what they spend.
    A pair whose current form is no longer eligible falls back with ``downgrade_rate``.
    """
    index = np.arange(len(form))
    still_ok = stay_eligible[form, index]
    up = present & still_ok & (target > 0) & marginal_cost_ok & (u < chance_of)
    down = present & ~still_ok & (u < params.downgrade_rate)
    new_form = np.where(up, target, np.where(down, deepest_below(form, stay_eligible), form))
    return np.where(present, new_form, 0).astype(np.int8)
