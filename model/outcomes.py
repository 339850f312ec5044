"""What the held forms produce this week, and which joint efforts succeed or fail.

Every held form produces its own outcomes, whatever else the pair holds: alignment yields
referrals of residents (*Samvirke*: "we refer to each other"); resource exchange yields
shared rooms, money and things, with conflicts when too many share one thing
(*Ressourceudveksle*); joint action yields joint offers and co-creation new initiatives,
both uncertain and slow (*Samordne*, *Samskabe*). Long-standing co-creating pairs develop
tunnel vision and yield less that is new, unless a fresh partner joins.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from .forms import Form
from .params import ModelParams

#: Rows of the uniform block ``realise_outcomes`` reads, one per random event.
OUTCOME_DRAWS = ("referral", "exchange", "exchange_ok", "joint_done", "joint_ok",
                 "cocreation_done", "cocreation_ok", "novel")  # fmt: skip


@dataclass
class Outcomes:
    """Boolean masks over pairs for this week's outcome events."""

    referral: np.ndarray
    exchange_success: np.ndarray
    exchange_failure: np.ndarray
    joint_offer: np.ndarray
    joint_failure: np.ndarray
    cocreation_success: np.ndarray
    cocreation_failure: np.ndarray
    new_initiative: np.ndarray

    @classmethod
    def none(cls, n_pairs: int) -> Outcomes:
        return cls(*(np.zeros(n_pairs, dtype=bool) for _ in fields(cls)))

    # Cached: read by several submodels each week; the masks do not change once drawn.
    @cached_property
    def successes(self) -> np.ndarray:
        """Successful events per pair this week (an exchange, a joint offer, a co-creation)."""
        return (self.exchange_success.astype(np.int32) + self.joint_offer + self.cocreation_success)

    @cached_property
    def failures(self) -> np.ndarray:
        return (self.exchange_failure.astype(np.int32) + self.joint_failure + self.cocreation_failure)

    @property
    def joint_ended(self) -> np.ndarray:
        return self.joint_offer | self.joint_failure

    @property
    def cocreation_ended(self) -> np.ndarray:
        return self.cocreation_success | self.cocreation_failure


def count_per_actor(mask: np.ndarray, iu: np.ndarray, ju: np.ndarray, n_rows: int) -> np.ndarray:
    """How many of the masked pairs each actor is in (``mask``: booleans or whole counts).

    Only the masked pairs are summed: the weights are whole numbers, so leaving out the
    zeros changes no bit, and at 1,000 actors (half a million pairs, a few thousand
    events) it saves two passes over every pair."""
    ks = np.flatnonzero(mask)
    weights = mask[ks].astype(np.float64)
    return (np.bincount(iu[ks], weights, minlength=n_rows)
            + np.bincount(ju[ks], weights, minlength=n_rows))  # fmt: skip


def realise_outcomes(pairs, actors, week, params: ModelParams, u) -> Outcomes:
    """Draw this week's referrals, exchanges and concluded joint efforts.

    ``u`` is a dict of uniform arrays over pairs named by ``OUTCOME_DRAWS``.
    """
    p, a = pairs, actors
    iu, ju, n_rows = p.iu, p.ju, len(a.active)
    held = p.held
    overview = params.no_overview_factor + (1.0 - params.no_overview_factor) * week.overview
    referral = held[Form.ALIGNMENT] & (
        u["referral"] < params.referral_rate * np.minimum(p.shared_targets, 3) * overview
    )

    # Too many sharing one thing: ownership conflicts beyond each actor's capacity; a
    # transparent booking system (run by a coordinator or forum) raises that capacity.
    exchanging = held[Form.RESOURCE_EXCHANGE]
    crowd = count_per_actor(exchanging, iu, ju, n_rows)
    capacity = params.crowding_capacity * (1.0 + week.booking)
    excess = np.maximum(crowd[iu] - capacity, 0.0) + np.maximum(crowd[ju] - capacity, 0.0)
    exchange = exchanging & (u["exchange"] < params.exchange_rate)
    w = params.exchange_familiarity_weight
    ok_chance = params.exchange_success * ((1.0 - w) + w * p.familiarity) / (
        1.0 + params.crowding_penalty * excess
    )
    exchange_success = exchange & (u["exchange_ok"] < ok_chance)

    anchored = a.permanent[iu] | a.permanent[ju]
    lowest, highest = params.min_success_chance, params.max_success_chance
    joint_done = held[Form.JOINT_ACTION] & (u["joint_done"] < 1.0 / params.joint_action_weeks)
    joint_chance = np.clip(params.joint_action_success
                           + params.trust_weight * (p.trust - params.joint_trust_pivot)
                           + params.anchoring_bonus * anchored, lowest, highest)  # fmt: skip
    joint_offer = joint_done & (u["joint_ok"] < joint_chance)

    experience = 0.5 * (a.cocreation_experience[iu] + a.cocreation_experience[ju])
    cocreating = held[Form.CO_CREATION]
    cocreation_done = cocreating & (u["cocreation_done"] < 1.0 / params.cocreation_weeks)
    cocreation_chance = np.clip(params.cocreation_success
                                + params.trust_weight * (p.trust - params.cocreation_trust_pivot)
                                + params.experience_weight * experience
                                + params.anchoring_bonus * anchored, lowest, highest)  # fmt: skip
    cocreation_success = cocreation_done & (u["cocreation_ok"] < cocreation_chance)
    # A new partner is one new to co-creating (few co-creation weeks in all); a long-standing
    # pair's new round together is not new to itself (*Samskabe*: tunnel vision).
    fresh_tie = cocreating & (p.cocreation_weeks < params.fresh_partner_weeks)
    fresh = count_per_actor(fresh_tie, iu, ju, n_rows)
    own = fresh_tie.astype(float)
    joined = ((fresh[iu] - own) > 0) | ((fresh[ju] - own) > 0)
    novelty = np.minimum(params.tunnel_weeks / (params.tunnel_weeks + p.cocreation_weeks)
                         + params.fresh_partner_novelty * joined, 1.0)  # fmt: skip
    return Outcomes(
        referral=referral,
        exchange_success=exchange_success,
        exchange_failure=exchange & ~exchange_success,
        joint_offer=joint_offer,
        joint_failure=joint_done & ~joint_offer,
        cocreation_success=cocreation_success,
        cocreation_failure=cocreation_done & ~cocreation_success,
        new_initiative=cocreation_success & (u["novel"] < novelty),
    )


def realise_outcomes_reference(pairs, actors, week, params, u) -> Outcomes:
    p, a = pairs, actors
    n, n_rows = p.n_pairs, len(a.active)
    out = {f.name: np.zeros(n, dtype=bool) for f in fields(Outcomes)}
    crowd, fresh = np.zeros(n_rows), np.zeros(n_rows)
    fresh_tie = np.zeros(n, dtype=bool)
    lowest, highest = params.min_success_chance, params.max_success_chance
    for k in range(n):
        if p.held[Form.RESOURCE_EXCHANGE, k]:
            crowd[p.iu[k]] += 1.0
            crowd[p.ju[k]] += 1.0
        if p.held[Form.CO_CREATION, k] and p.cocreation_weeks[k] < params.fresh_partner_weeks:
            fresh_tie[k] = True
            fresh[p.iu[k]] += 1.0
            fresh[p.ju[k]] += 1.0
    capacity = params.crowding_capacity * (1.0 + week.booking)
    overview = params.no_overview_factor + (1.0 - params.no_overview_factor) * week.overview
    for k in range(n):
        i, j = p.iu[k], p.ju[k]
        anchored = a.permanent[i] or a.permanent[j]
        if p.held[Form.ALIGNMENT, k]:
            chance = params.referral_rate * min(p.shared_targets[k], 3) * overview
            out["referral"][k] = u["referral"][k] < chance
        if p.held[Form.RESOURCE_EXCHANGE, k] and u["exchange"][k] < params.exchange_rate:
            excess = max(crowd[i] - capacity, 0.0) + max(crowd[j] - capacity, 0.0)
            w = params.exchange_familiarity_weight
            ok = params.exchange_success * ((1.0 - w) + w * p.familiarity[k]) / (
                1.0 + params.crowding_penalty * excess)
            won = u["exchange_ok"][k] < ok
            out["exchange_success" if won else "exchange_failure"][k] = True
        if p.held[Form.JOINT_ACTION, k] and u["joint_done"][k] < 1.0 / params.joint_action_weeks:
            chance = (params.joint_action_success
                      + params.trust_weight * (p.trust[k] - params.joint_trust_pivot)
                      + params.anchoring_bonus * anchored)  # fmt: skip
            won = u["joint_ok"][k] < min(max(chance, lowest), highest)
            out["joint_offer" if won else "joint_failure"][k] = True
        if p.held[Form.CO_CREATION, k] and u["cocreation_done"][k] < 1.0 / params.cocreation_weeks:
            chance = (params.cocreation_success
                      + params.trust_weight * (p.trust[k] - params.cocreation_trust_pivot)
                      + params.experience_weight
                      * (0.5 * (a.cocreation_experience[i] + a.cocreation_experience[j]))
                      + params.anchoring_bonus * anchored)  # fmt: skip
            won = u["cocreation_ok"][k] < min(max(chance, lowest), highest)
            out["cocreation_success" if won else "cocreation_failure"][k] = True
            novelty = min(
                params.tunnel_weeks / (params.tunnel_weeks + p.cocreation_weeks[k])
                + params.fresh_partner_novelty * (fresh[i] - fresh_tie[k] > 0 or fresh[j] - fresh_tie[k] > 0),
                1.0,
            )
            out["new_initiative"][k] = won and u["novel"][k] < novelty
    return Outcomes(**out)
