"""Mechanism parameters of the weekly update, with their defaults in one place.

Every value here is a modelling assumption (the report is qualitative); ``docs/ODD.md``
gives each one's role and the passage it stands for, and the sensitivity analysis ranges
over them. Per-form lists are indexed by form depth 0–5 (index 0, "no tie", is unused).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .validation import InputError


def _per_form(*values: float) -> list[float]:
    return [0.0, *values]


@dataclass
class ModelParams:
    """Parameters of the submodels (see ``docs/ODD.md`` § Submodels).

    Args:
        encounter_rate: weekly chance that two actors always in the house together meet
            informally, at average shared places.
        seek_familiar: baseline of the "seek out the familiar" factor; the chance of an
            encounter is proportional to ``seek_familiar + familiarity``.
        adhoc_encounter_factor: encounter multiplier for each partner who only uses the
            house ad hoc.
        encounter_learning: familiarity gained per informal encounter (share of the gap to 1).
        forum_learning: familiarity gained per forum meeting attended together.
        introduction_learning: familiarity gained when the coordinator introduces two actors.
        introductions_per_week: introductions the coordinator makes a week.
        newcomer_weeks: weeks an arrived actor counts as a newcomer for introductions.
        newcomer_priority: extra weight the coordinator gives to pairs with a newcomer.
        collaboration_floor: share of free hours usable for collaboration even with no
            leadership support (collaboration "taken on as an extra role").
        expiry_hours_factor: share of collaboration hours left when project money ends.
        expiry_mandate_factor: share of the mandate for development work left then.
        form_cost: hours a week each partner spends on a tie in each form.
        reach_cost: extra share of a tie's cost for partners who are never in the house
            at the same time (the centre "lowers the cost of reaching each other",
            *Opsamling*); no extra cost from a third of the week together.
        welcome_priority: added to a newcomer's ties' priority under hour pressure while
            a coordinator runs (the coordinator makes room for newcomers).
        handover_share: share of a leaving actor's familiarity and trust with its partners
            that its permanent partners take over (others step in).
        coordination_weeks: weeks for a coordinator's routines (updates, meeting
            calendar, knowing who does what) to build up after it starts, or to wear off
            after it stops; they lower tie costs and fading as they last.
        coordinator_cost_factor: multiplier on tie costs while a coordinator keeps
            relations up.
        familiarity_to_enter: familiarity needed to take up each form.
        trust_to_enter: trust needed to take up each form.
        stay_factor: thresholds to stay in a form are this share of those to enter.
        mandate_to_enter_deep: product of the two mandates needed for joint action and
            co-creation (both must have decision latitude from their leadership).
        successes_for_cocreation: earlier successes a pair needs before co-creating.
        upgrade_rate: weekly chance of taking up a newly eligible deeper form, per form.
        downgrade_rate: weekly chance of falling back once a form's conditions are lost.
        same_hours_weight: alignment's uptake grows with the share of the week both
            work in the house, saturating at ``1 / same_hours_weight`` (*Samvirke*:
            promoted by working the same hours).
        no_overview_factor: multiplier on taking up alignment while no coordinator or
            forum gives an overview of offers (*Samvirke*: without an overview, parallel
            efforts go unnoticed).
        alignment_bonus: extra chance of joint action for pairs that already align
            (alignment as a building block).
        housing_social_cocreation_bonus: extra chance of co-creation when a housing-social
            actor, with its cross-cutting view, is in the pair.
        referral_rate: weekly chance an aligned pair refers a resident, per shared group.
        exchange_rate: weekly chance a resource-exchange pair exchanges something.
        exchange_success: chance an exchange goes well between fully familiar partners.
        crowding_capacity: resource-exchange ties an actor can keep without ownership
            conflicts; doubled while a booking system (coordinator or forum) runs.
        crowding_penalty: how fast success falls per exchange tie beyond capacity.
        joint_action_weeks: mean weeks until a joint effort concludes.
        cocreation_weeks: mean weeks until a co-creation effort concludes.
        joint_action_success: success chance of a joint effort at trust 0.5.
        cocreation_success: success chance of co-creation at trust 0.6, no experience.
        trust_weight: effect of trust on the success of deep efforts.
        anchoring_bonus: extra success when a permanent actor anchors the effort.
        tunnel_weeks: weeks of co-creating together after which novelty has halved.
        fresh_partner_weeks: a co-creating pair with fewer co-creation weeks in all than
            this is a new partnership.
        fresh_partner_novelty: novelty restored when either partner also co-creates with a
            new partner (another pair; a long-standing pair's new round does not count).
        trust_gain_success: trust gained on a success (share of the gap to 1).
        trust_loss_failure: trust lost on a failure (share of current trust); larger than
            the gain — a failure costs more than a success earns.
        trust_gain_contact: trust built per week of working in any form (small favours).
        baseline_trust: trust between strangers; trust fades towards it without contact.
        familiarity_decay: weekly share of familiarity lost without contact.
        trust_decay: weekly share of (trust − baseline) lost without contact.
        system_decay_factor: decay multiplier while a coordinator or forum keeps people
            updated.
        initial_familiarity: familiarity between actors at the start.
        same_kind_familiarity: extra starting familiarity between actors of one kind.
    """

    encounter_rate: float = 1.0
    seek_familiar: float = 0.3
    adhoc_encounter_factor: float = 0.7
    encounter_learning: float = 0.12
    forum_learning: float = 0.06
    introduction_learning: float = 0.3
    introductions_per_week: int = 2
    newcomer_weeks: int = 26
    newcomer_priority: float = 4.0
    collaboration_floor: float = 0.3
    expiry_hours_factor: float = 0.4
    expiry_mandate_factor: float = 0.3
    form_cost: list[float] = field(default_factory=lambda: _per_form(0.25, 0.5, 0.5, 2.0, 3.0))
    coordinator_cost_factor: float = 0.8
    coordination_weeks: float = 13.0
    welcome_priority: float = 1.0
    handover_share: float = 0.8
    reach_cost: float = 1.0
    familiarity_to_enter: list[float] = field(
        default_factory=lambda: _per_form(0.25, 0.4, 0.3, 0.5, 0.6)
    )
    trust_to_enter: list[float] = field(default_factory=lambda: _per_form(0.0, 0.35, 0.3, 0.55, 0.65))
    stay_factor: float = 0.8
    mandate_to_enter_deep: float = 0.12
    successes_for_cocreation: int = 2
    upgrade_rate: list[float] = field(default_factory=lambda: _per_form(0.3, 0.04, 0.1, 0.015, 0.03))
    downgrade_rate: float = 0.25
    same_hours_weight: float = 3.0
    no_overview_factor: float = 0.4
    alignment_bonus: float = 2.0
    housing_social_cocreation_bonus: float = 1.5
    referral_rate: float = 0.1
    exchange_rate: float = 0.3
    exchange_success: float = 0.9
    crowding_capacity: int = 3
    crowding_penalty: float = 0.15
    joint_action_weeks: float = 26.0
    cocreation_weeks: float = 40.0
    joint_action_success: float = 0.6
    cocreation_success: float = 0.45
    trust_weight: float = 0.6
    anchoring_bonus: float = 0.1
    tunnel_weeks: float = 104.0
    fresh_partner_weeks: int = 26
    fresh_partner_novelty: float = 0.5
    trust_gain_success: float = 0.1
    trust_loss_failure: float = 0.25
    trust_gain_contact: float = 0.01
    baseline_trust: float = 0.3
    familiarity_decay: float = 0.02
    trust_decay: float = 0.02
    system_decay_factor: float = 0.5
    initial_familiarity: float = 0.05
    same_kind_familiarity: float = 0.15

    def validate(self) -> None:
        """Raise :class:`InputError` for a negative value, a share above 1 or a bad list."""
        shares_below_one = {
            "encounter_learning", "forum_learning", "introduction_learning",
            "collaboration_floor", "expiry_hours_factor", "expiry_mandate_factor",
            "stay_factor", "downgrade_rate", "referral_rate", "exchange_rate",
            "exchange_success", "joint_action_success", "cocreation_success",
            "trust_gain_success", "trust_loss_failure", "trust_gain_contact",
            "baseline_trust", "familiarity_decay", "trust_decay", "system_decay_factor",
            "initial_familiarity", "same_kind_familiarity", "adhoc_encounter_factor",
            "coordinator_cost_factor", "fresh_partner_novelty", "mandate_to_enter_deep",
            "no_overview_factor", "handover_share",
        }  # fmt: skip
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                if len(value) != 6 or any(v < 0 for v in value):
                    raise InputError(f.name, value, "a list of 6 numbers >= 0 (index = form depth)")
                if f.name != "form_cost" and any(v > 1 for v in value):
                    raise InputError(f.name, value, "a list of 6 numbers from 0 to 1")
                continue
            if isinstance(value, bool) or value < 0:
                raise InputError(f.name, value, "a number >= 0")
            if f.name in shares_below_one and value > 1:
                raise InputError(f.name, value, "a number from 0 to 1")
        for name in ("joint_action_weeks", "cocreation_weeks", "tunnel_weeks", "coordination_weeks"):
            if getattr(self, name) < 1:
                raise InputError(name, getattr(self, name), "a number >= 1")
