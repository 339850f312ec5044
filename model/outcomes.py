"""What the forms produce this week, and which joint efforts succeed or fail.

Alignment yields referrals of residents (*Samvirke*: "we refer to each other"); resource
exchange yields shared rooms, money and things, with conflicts when too many share one
thing (*Ressourceudveksle*); joint action yields joint offers and co-creation new
initiatives, both uncertain and slow (*Samordne*, *Samskabe*). Long-standing co-creating
pairs develop tunnel vision and yield less that is new, unless a fresh partner joins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .forms import Form
from .params import ModelParams


@dataclass
class Outcomes:
    """Boolean masks over pairs for this week's outcome events."""

    referral: np.ndarray
    exchange_success: np.ndarray
    joint_offer: np.ndarray
    cocreation_success: np.ndarray
    new_initiative: np.ndarray
    success: np.ndarray
    failure: np.ndarray
    ended: np.ndarray


def count_per_actor(mask: np.ndarray, iu: np.ndarray, ju: np.ndarray, n_rows: int) -> np.ndarray:
    """How many of the masked pairs each actor is in."""
    weights = mask.astype(np.float64)
    return np.bincount(iu, weights, minlength=n_rows) + np.bincount(ju, weights, minlength=n_rows)


def realise_outcomes(
    form: np.ndarray,
    familiarity: np.ndarray,
    trust: np.ndarray,
    shared_targets: np.ndarray,
    weeks_in_form: np.ndarray,
    cocreation_weeks: np.ndarray,
    permanent: np.ndarray,
    experience: np.ndarray,
    iu: np.ndarray,
    ju: np.ndarray,
    booking_system: bool,
    params: ModelParams,
    u_event: np.ndarray,
    u_success: np.ndarray,
    u_novel: np.ndarray,
) -> Outcomes:
    """Draw this week's referrals, exchanges and concluded joint efforts."""
    n_rows = len(permanent)
    aligned = form == Form.ALIGNMENT
    exchanging = form == Form.RESOURCE_EXCHANGE
    joint = form == Form.JOINT_ACTION
    cocreating = form == Form.CO_CREATION

    referral = aligned & (u_event < params.referral_rate * np.minimum(shared_targets, 3))

    # Too many sharing one thing: ownership conflicts beyond each actor's capacity; a
    # transparent booking system (run by a coordinator or forum) raises that capacity.
    crowd = count_per_actor(exchanging, iu, ju, n_rows)
    capacity = params.crowding_capacity * (2 if booking_system else 1)
    excess = np.maximum(crowd[iu] - capacity, 0.0) + np.maximum(crowd[ju] - capacity, 0.0)
    exchange = exchanging & (u_event < params.exchange_rate)
    exchange_ok_chance = (
        params.exchange_success * (0.5 + 0.5 * familiarity) / (1.0 + params.crowding_penalty * excess)
    )
    exchange_success = exchange & (u_success < exchange_ok_chance)
    exchange_failure = exchange & ~exchange_success

    anchored = permanent[iu] | permanent[ju]
    joint_done = joint & (u_event < 1.0 / params.joint_action_weeks)
    joint_chance = np.clip(
        params.joint_action_success
        + params.trust_weight * (trust - 0.5)
        + params.anchoring_bonus * anchored,
        0.05,
        0.95,
    )
    joint_offer = joint_done & (u_success < joint_chance)

    mean_experience = 0.5 * (experience[iu] + experience[ju])
    cocreation_done = cocreating & (u_event < 1.0 / params.cocreation_weeks)
    cocreation_chance = np.clip(
        params.cocreation_success
        + params.trust_weight * (trust - 0.6)
        + 0.2 * mean_experience
        + params.anchoring_bonus * anchored,
        0.05,
        0.95,
    )
    cocreation_success = cocreation_done & (u_success < cocreation_chance)
    # A new partner is one new to co-creating (few co-creation weeks in all); a long-standing
    # pair that starts another round together is not new to itself (*Samskabe*: tunnel
    # vision among long-standing partners unless new ones join).
    fresh_tie = cocreating & (cocreation_weeks < params.fresh_partner_weeks)
    fresh_count = count_per_actor(fresh_tie, iu, ju, n_rows)
    own = fresh_tie.astype(float)
    joined = ((fresh_count[iu] - own) > 0) | ((fresh_count[ju] - own) > 0)
    novelty = np.minimum(
        params.tunnel_weeks / (params.tunnel_weeks + cocreation_weeks)
        + params.fresh_partner_novelty * joined,
        1.0,
    )
    new_initiative = cocreation_success & (u_novel < novelty)

    success = exchange_success | joint_offer | cocreation_success
    failure = exchange_failure | (joint_done & ~joint_offer) | (cocreation_done & ~cocreation_success)
    return Outcomes(
        referral=referral,
        exchange_success=exchange_success,
        joint_offer=joint_offer,
        cocreation_success=cocreation_success,
        new_initiative=new_initiative,
        success=success,
        failure=failure,
        ended=joint_done | cocreation_done,
    )
