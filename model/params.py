"""Mechanism parameters of the weekly update, with their defaults in one place.

Every value here is a modelling assumption (the report is qualitative); ``docs/ODD.md``
gives each one's role and the passage it stands for, and the sensitivity analysis ranges
over them. Per-form lists are indexed by form depth 0–5 (index 0, "no tie", is unused).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from .residents import ResidentParams
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
        seek_contact_rate: weekly chance that two interdependent actors seek each other out
            on purpose (a call, a visit, a meeting elsewhere), wherever they are based
            (*Videndele*: "opsøge hinanden"; Korsør works with actors based outside).
        encounter_learning: familiarity gained per encounter or sought contact (share of
            the gap to 1).
        forum_learning: familiarity gained per forum meeting attended together.
        introduction_learning: familiarity gained when the coordinator introduces two actors.
        introductions_per_hour: introductions the coordinator makes per hour a week of its
            role (rounded down).
        upkeep_hours_per_actor: role hours a week the coordinator needs per actor in the
            house to keep everyone updated; fewer hours cover a share of the centre.
        newcomer_weeks: weeks an arrived actor counts as a newcomer for introductions.
        newcomer_priority: extra weight the coordinator gives to pairs with a newcomer.
        collaboration_floor: share of its usual hours an actor gives to collaboration as an
            "extra role", whatever its leadership allows; only the loose forms may use it.
        extra_role_squeeze: how much core-task load also squeezes the extra role (1: as
            much as the hours leadership allocates, 0: not at all). The extra role is what
            a person takes on beside the core tasks (*Del 3*: "når den enkelte tager det på
            sig som en ekstra rolle"); leadership allocates from what the core tasks leave.
            Set by hand to 0.5 against two patterns (binding forms first under core load;
            partners narrow to the familiar, *Aalborg Øst*): 0.3 loses the second, 0.7 the first.
        expiry_hours_factor: share of leadership-allocated hours left when project money ends.
        expiry_mandate_factor: share of the mandate for development work left then.
        form_cost: hours a week each partner spends on each form it holds.
        familiarity_cost: extra share of a form's cost between partners who know each
            other little (working with someone you know well is cheaper).
        reach_cost: extra share of a form's cost for partners who are never in the house
            at the same time (the centre "lowers the cost of reaching each other").
        system_relief: share of the hours for knowledge sharing and alignment that a system
            for collaboration (a coordinator at full coverage, or a lively forum) takes off
            the actors: updates and meetings keep everyone informed at once (*Et
            koordinerende forum*; *Samvirke*: coordinating fora prevent parallel efforts).
        forum_meeting_hours: hours a forum meeting takes from each attendee.
        forum_thinning: share of a forum's vitality left after a meeting without a convener.
        familiarity_to_enter: familiarity needed to take up each form.
        trust_to_enter: trust needed to take up each form.
        understanding_to_enter: shared understanding of the problem a pair needs to take up
            joint action (index 4) and co-creation (index 5); others unused.
        stay_factor: thresholds to stay in a form are this share of those to enter.
        mandate_to_enter_deep: product of the two mandates needed for joint action and
            co-creation (both must have decision latitude from their leadership).
        successes_for_cocreation: earlier successes a pair needs before co-creating.
        upgrade_rate: weekly chance of taking up an eligible form the pair does not hold.
        downgrade_rate: weekly chance of dropping a held form once its conditions are lost.
        same_hours_weight: alignment's uptake grows with the share of the week both
            work in the house, saturating at ``1 / same_hours_weight``.
        no_overview_factor: multiplier on taking up alignment and on referring while no
            coordinator or forum gives an overview of offers.
        understanding_gain: weekly gain in a pair's shared understanding (share of the gap to
            1) from aligning, working together, or meeting at a forum.
        understanding_decay: weekly share of shared understanding lost otherwise.
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
        experience_weight: effect of co-creation experience on its success.
        anchoring_bonus: extra success when a permanent actor anchors the effort.
        tunnel_weeks: weeks of co-creating together after which novelty has halved.
        fresh_partner_weeks: a co-creating pair with fewer co-creation weeks in all than
            this is a new partnership.
        fresh_partner_novelty: novelty restored when either partner also co-creates with a
            new partner (another pair; a long-standing pair's new round does not count).
        trust_gain_success: trust gained on a success (share of the gap to 1).
        trust_loss_failure: trust lost on a failure (share of current trust).
        trust_gain_contact: trust built per week of working in any form (small favours).
        baseline_trust: trust between strangers; trust fades towards it without contact.
        familiarity_decay: weekly share of familiarity lost without contact.
        trust_decay: weekly share of (trust − baseline) lost without contact.
        system_decay_factor: decay multiplier where a coordinator (at full coverage) or a
            lively forum keeps people updated.
        initial_familiarity: familiarity between actors at the start.
        same_organisation_familiarity: extra starting familiarity between actors of one
            organisation (municipal administrations are silos: different ones start as
            strangers).
        volunteer_hours_spread: a volunteer's hours this week are its usual hours times
            U(1 − spread, 1 + spread) (*Korsør*: volunteers do not work fixed hours).
        volunteer_leave_rate: weekly chance that one enthusiast of an association stops.
        volunteer_burnout: extra leaving chance per unit of hour saturation (hours used /
            hours given): carrying much wears enthusiasts out.
        volunteer_join_rate: weekly chance a new enthusiast joins an association that
            shows nothing.
        visibility_weight: extra joining chance at full visibility: an association with a
            success a week (activities become visible and attract new volunteers).
        max_enthusiasts: most enthusiasts one association holds.
        success_memory_weeks: weeks over which an actor's recent successes are remembered.
        handover_weeks: weeks a partner needs to take over a leaver's relation.
        handover_hours: hours a week taking over one relation costs the taker.
        actor_spread: standard deviation of each actor's own variation around its group's
            core load, leadership backing, risk willingness and co-creation experience
            (assumption: actors of one kind differ a little).
        max_core_load: highest core load an actor can draw (everyone keeps some hours).
        housed_presence: chance a housed actor is in the house in each slot of its
            presence pattern (assumption: most, not all, of its working slots).
        introduction_familiarity_spread: width of the uniform extra familiarity two actors
            start with when they first meet (assumption).
        baseline_trust_spread: half-width of the uniform spread around ``baseline_trust``
            two actors start with (assumption).
        reach_overlap_scale: 1 / the share of slots two partners share at which reaching
            each other costs nothing extra (3 = a third of the week together).
        exchange_familiarity_weight: how much an exchange's success depends on the
            partners' familiarity: chance ∝ (1 − weight) + weight · familiarity.
        joint_trust_pivot: trust at which joint action succeeds at ``joint_action_success``.
        cocreation_trust_pivot: trust at which co-creation succeeds at ``cocreation_success``
            (higher than for joint action: co-creation is the most binding form).
        min_success_chance: lowest chance a joint effort succeeds, however it is set up.
        max_success_chance: highest chance a joint effort succeeds (none is certain).
        forum_gone_vitality: a forum without a convener whose vitality has thinned below this
            no longer meets.
        handover_share: share of the leaver's familiarity and trust the taker reaches.
        residents: the residents' parameters (:class:`model.residents.ResidentParams`).
    """

    encounter_rate: float = 1.0
    seek_familiar: float = 0.3
    adhoc_encounter_factor: float = 0.7
    seek_contact_rate: float = 0.15
    encounter_learning: float = 0.12
    forum_learning: float = 0.06
    introduction_learning: float = 0.3
    introductions_per_hour: float = 0.25
    upkeep_hours_per_actor: float = 0.3
    newcomer_weeks: int = 26
    newcomer_priority: float = 4.0
    collaboration_floor: float = 0.3
    extra_role_squeeze: float = 0.5
    expiry_hours_factor: float = 0.4
    expiry_mandate_factor: float = 0.3
    form_cost: list[float] = field(default_factory=lambda: _per_form(0.25, 0.4, 0.4, 2.0, 3.0))
    familiarity_cost: float = 0.5
    reach_cost: float = 1.0
    system_relief: float = 0.6
    forum_meeting_hours: float = 2.0
    forum_thinning: float = 0.8
    familiarity_to_enter: list[float] = field(
        default_factory=lambda: _per_form(0.25, 0.4, 0.3, 0.5, 0.6)
    )
    trust_to_enter: list[float] = field(default_factory=lambda: _per_form(0.0, 0.35, 0.3, 0.5, 0.6))
    understanding_to_enter: list[float] = field(
        default_factory=lambda: _per_form(0.0, 0.0, 0.0, 0.3, 0.4)
    )
    stay_factor: float = 0.8
    mandate_to_enter_deep: float = 0.12
    successes_for_cocreation: int = 2
    upgrade_rate: list[float] = field(default_factory=lambda: _per_form(0.3, 0.05, 0.1, 0.04, 0.05))
    downgrade_rate: float = 0.25
    same_hours_weight: float = 3.0
    no_overview_factor: float = 0.4
    understanding_gain: float = 0.05
    understanding_decay: float = 0.01
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
    experience_weight: float = 0.2
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
    same_organisation_familiarity: float = 0.25
    volunteer_hours_spread: float = 0.6
    volunteer_leave_rate: float = 0.003
    volunteer_burnout: float = 1.0
    volunteer_join_rate: float = 0.006
    visibility_weight: float = 2.0
    max_enthusiasts: int = 6
    success_memory_weeks: float = 26.0
    handover_weeks: int = 8
    handover_hours: float = 0.5
    handover_share: float = 0.8
    actor_spread: float = 0.05
    max_core_load: float = 0.95
    housed_presence: float = 0.8
    introduction_familiarity_spread: float = 0.1
    baseline_trust_spread: float = 0.05
    reach_overlap_scale: float = 3.0
    exchange_familiarity_weight: float = 0.5
    joint_trust_pivot: float = 0.5
    cocreation_trust_pivot: float = 0.6
    min_success_chance: float = 0.05
    max_success_chance: float = 0.95
    forum_gone_vitality: float = 0.05
    residents: ResidentParams = field(default_factory=ResidentParams)

    def validate(self) -> None:
        """Raise :class:`InputError` for a negative or non-finite value, a share above 1
        or a bad list."""
        shares_below_one = {
            "encounter_learning", "forum_learning", "introduction_learning",
            "collaboration_floor", "expiry_hours_factor", "expiry_mandate_factor",
            "stay_factor", "downgrade_rate", "referral_rate", "exchange_rate",
            "exchange_success", "joint_action_success", "cocreation_success",
            "trust_gain_success", "trust_loss_failure", "trust_gain_contact",
            "baseline_trust", "familiarity_decay", "trust_decay", "system_decay_factor",
            "initial_familiarity", "same_organisation_familiarity", "adhoc_encounter_factor",
            "fresh_partner_novelty", "mandate_to_enter_deep", "no_overview_factor",
            "handover_share", "seek_contact_rate", "forum_thinning", "understanding_gain",
            "understanding_decay", "volunteer_hours_spread", "system_relief", "volunteer_leave_rate",
            "volunteer_join_rate", "extra_role_squeeze", "max_core_load", "housed_presence",
            "baseline_trust_spread",
            "exchange_familiarity_weight", "joint_trust_pivot", "cocreation_trust_pivot",
            "min_success_chance", "max_success_chance", "forum_gone_vitality",
        }  # fmt: skip
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, ResidentParams):
                value.validate()
                continue
            if isinstance(value, list):
                if len(value) != 6 or any(
                    isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
                    or v < 0 for v in value
                ):  # fmt: skip
                    raise InputError(f.name, value, "a list of 6 finite numbers >= 0 (index = form depth)")
                if f.name != "form_cost" and any(v > 1 for v in value):
                    raise InputError(f.name, value, "a list of 6 numbers from 0 to 1")
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f.name, value, "a number >= 0")
            if not math.isfinite(value) or value < 0:
                raise InputError(f.name, value, "a finite number >= 0")
            if f.name in shares_below_one and value > 1:
                raise InputError(f.name, value, "a number from 0 to 1")
        for name in ("joint_action_weeks", "cocreation_weeks", "tunnel_weeks", "success_memory_weeks",
                     "handover_weeks", "max_enthusiasts"):  # fmt: skip
            if getattr(self, name) < 1:
                raise InputError(name, getattr(self, name), "a number >= 1")
