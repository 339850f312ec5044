"""The area's residents (*beboere*) by target group: who the offers reach, and how.

The report's purpose for a medborgercenter is collaboration *about and with* the
residents (*Introduktion, Medborgercentre som lokale samlingssteder, Beboerniveau*):
offers close to home that residents find and trust, referrals between actors (*Del 2,
Samvirke*), joint offers that reach groups no one reaches alone (*Del 2, Samordne*),
the café where residents and actors meet (*Del 1, Korsør, En café som samlingssted*),
residents as a source of knowledge and a mouthpiece (*talerør*) into the area (*Del 2,
Videndele, Det særlige ved at videndele*), and residents who become volunteers (*Del 1,
Foreningsbaserede medborgercentre, Bedre vilkår for foreningslivet*).

Residents are cohorts, not agents: per target group a count of residents in each of
three states — reached by some offer, referred on to a second offer, or in a joint
offer or co-created initiative. A planner's questions are about counts per group ("how
many families"), the report says nothing about individual residents' decisions that a
per-person agent would need, and cohorts keep a week's cost at O(actors × groups)
(``docs/ODD.md`` § 2.4). All numbers are assumptions unless ``ResidentParams`` says so.

Residents draw from their own random stream (spawned from the model's seed), so adding
them leaves every other mechanism's draws as they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from .funders import Funders, funders_weigh, in_groups
from .kinds import TARGET_GROUPS, ActorKind
from .pairs import condensed_index
from .validation import InputError, check_unit

if TYPE_CHECKING:
    from .centre_model import CentreModel
    from .outcomes import Outcomes

N_GROUPS = len(TARGET_GROUPS)
#: Residents of a generic area of about 1,000 homes (assumption), used when a centre
#: gives no sizes. Persons, except ``families`` (households with children).
DEFAULT_SIZES: dict[str, int] = {
    "children": 500, "youth": 250, "families": 350, "job_seekers": 300,
    "elderly": 300, "health": 350, "newcomers": 150,
}  # fmt: skip
#: Each target group's name in Danish and English, plural, for reports and the app.
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "children": ("børn", "children"), "youth": ("unge", "young people"),
    "families": ("familier", "families"), "job_seekers": ("ledige", "job seekers"),
    "elderly": ("ældre", "elderly residents"), "newcomers": ("nytilkomne", "newcomers"),
    "health": ("beboere med sundhedsbehov", "residents with health needs"),
}  # fmt: skip
#: Rows of the residents' weekly uniform block over target groups.
_GROUP_DRAWS = ("reach", "drift", "drift_referred", "drift_joint", "referral", "joint")
_GROW = {name: i for i, name in enumerate(_GROUP_DRAWS)}
#: Rows of the block over resident tips (``max_tips`` columns).
_TIP_DRAWS = ("happens", "group", "teller", "told")
_TROW = {name: i for i, name in enumerate(_TIP_DRAWS)}
#: Most funders of split operating money (the size of their random block).
_MAX_FUNDERS = 20
#: Presence slots of a housed day-time actor (10 open slots, ~80 % of them in): counts as
#: fully in the house for reach.
_FULL_HOUSE_SLOTS = 8.0

#: Each group's measure of residents reached, in ``TARGET_GROUPS`` order.
_REACHED_NAMES = tuple(f"residents_reached_{g}" for g in TARGET_GROUPS)
#: Weekly measures the residents add (``timeseries.parquet`` columns).
RESIDENT_MEASURES: tuple[str, ...] = (
    "residents_reached",
    *_REACHED_NAMES,
    "referrals_completed",
    "residents_in_joint",
    "residents_volunteered",
    "resident_links",
)


@dataclass
class ResidentParams:
    """Parameters of the residents' submodels (all assumptions; ``docs/ODD.md`` § 7.9).

    Args:
        contacts_per_offer_hour: residents an hour of an actor's offers meets a week (the
            core tasks are the offers: capacity · core load hours).
        outside_reach: reach of an offer run from outside the house, as a share of one run
            fully in the house (close to home is easier and safer to take part in).
        cafe_draw: extra reach of offers in the house at ``shared_places`` = 1: the café's
            fixed hours bring residents in (*En café som samlingssted*).
        hard_to_reach: share of each group that no single actor's offer reaches; only
            joint offers and co-created initiatives do (*Samordne*: "nå en svær målgruppe").
        drift_rate: weekly share of reached residents who stop coming.
        referred_drift: referred residents drift away at this share of ``drift_rate``
            (*Samvirke*: referrals make "bedre forløb" and hold residents while motivated).
        referral_completion: chance a referral arrives between actors never in the house
            at the same time.
        same_hours_completion: extra chance when they share the working week (*Samvirke*:
            "at arbejde i de samme tidsrum"; they take the resident by the hand).
        residents_per_joint_offer: hard-to-reach residents a successful joint offer brings in.
        residents_per_initiative: hard-to-reach residents a co-created initiative brings in.
        cocreators_per_initiative: residents who co-create each new initiative
            (*Samskabe, Inddrage beboernes perspektiv*).
        joint_weeks: mean weeks residents stay in a joint offer or initiative.
        word_of_mouth: extra reach per resident volunteer (an enthusiast of an association
            aiming at the group): residents with wide networks spread the word (*talerør*).
        tip_rate: weekly chance of each possible resident tip at full shared places and
            every resident reached: a resident met in the café tells an actor of another
            actor's offer, and the two get in touch (*Videndele*: "kilde til viden").
        max_tips: most resident tips a week (the size of their random block).
        volunteer_rate: weekly chance an association gains a resident enthusiast when all
            residents of its groups are engaged (referred on or in a joint effort).
        renegotiation_weeks: weeks between renegotiations of split operating money (report:
            "til forhandling hvert andet år", Aarhus).
        funder_tolerance: relative fall (rise) in residents reached in a funder's own
            target groups since the last renegotiation that it counts as delivering less
            (more) (``model/funders.py``).
        funder_cut_chance: chance a funder who sees less delivered withdraws its share.
        funder_raise_chance: chance a funder who sees more delivered raises its share, giving
            back shared places (one funder's share of what was lost).
    """

    contacts_per_offer_hour: float = 0.6
    outside_reach: float = 0.4
    cafe_draw: float = 1.0
    hard_to_reach: float = 0.25
    drift_rate: float = 0.04
    referred_drift: float = 0.5
    referral_completion: float = 0.4
    same_hours_completion: float = 0.5
    residents_per_joint_offer: float = 15.0
    residents_per_initiative: float = 20.0
    cocreators_per_initiative: float = 3.0
    joint_weeks: float = 40.0
    word_of_mouth: float = 0.05
    tip_rate: float = 0.5
    max_tips: int = 3
    volunteer_rate: float = 0.1
    renegotiation_weeks: int = 104
    funder_tolerance: float = 0.05
    funder_cut_chance: float = 0.5
    funder_raise_chance: float = 0.25

    def validate(self) -> None:
        """Raise :class:`InputError` for a negative or non-finite value or a share above 1."""
        shares = {"outside_reach", "hard_to_reach", "drift_rate", "referred_drift",
                  "referral_completion", "same_hours_completion", "tip_rate", "volunteer_rate",
                  "funder_tolerance", "funder_cut_chance", "funder_raise_chance"}  # fmt: skip
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(f"residents.{f.name}", value, "a finite number >= 0")
            if value < 0 or (f.name in shares and value > 1):
                allowed = "a number from 0 to 1" if f.name in shares else "a number >= 0"
                raise InputError(f"residents.{f.name}", value, allowed)
        if self.referral_completion + self.same_hours_completion > 1:
            raise InputError("residents.same_hours_completion", self.same_hours_completion,
                             "at most 1 - referral_completion")  # fmt: skip
        if self.joint_weeks < 1:
            raise InputError("residents.joint_weeks", self.joint_weeks, "a number >= 1")
        if not isinstance(self.renegotiation_weeks, int) or self.renegotiation_weeks < 1:
            raise InputError("residents.renegotiation_weeks", self.renegotiation_weeks, "a whole number >= 1")
        if not isinstance(self.max_tips, int) or self.max_tips > 50:
            raise InputError("residents.max_tips", self.max_tips, "a whole number from 0 to 50")


def check_sizes(sizes) -> None:
    """Target-group sizes: a mapping of known groups to whole numbers of residents."""
    if not isinstance(sizes, dict):
        raise InputError("residents", sizes, "a mapping of target group to residents, e.g. {families: 300}")
    for group, count in sizes.items():
        if group not in TARGET_GROUPS:
            raise InputError("residents", group, "target groups: " + ", ".join(TARGET_GROUPS))
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1_000_000:
            raise InputError(f"residents.{group}", count, "a whole number of residents from 0 to 1000000")


def group_sizes(sizes: dict[str, int]) -> np.ndarray:
    """(G,) residents per target group; an empty mapping is the generic area, a given one
    leaves groups it does not name at 0."""
    sizes = sizes or DEFAULT_SIZES
    return np.array([float(sizes.get(g, 0)) for g in TARGET_GROUPS])


def target_matrix(targets: np.ndarray) -> np.ndarray:
    """(A, G) 0/1: which target groups each actor's offers aim at (from the bitmask)."""
    return ((targets[:, None].astype(np.int64) >> np.arange(N_GROUPS)) & 1).astype(np.float64)


def stochastic_round(expected: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Whole residents from an expected number: ⌊expected + u⌋ is unbiased."""
    return np.floor(expected + u)


@dataclass
class Residents:
    """The cohorts of one area (shapes: G target groups).

    Args:
        size: residents per group.
        reached: reached by at least one actor's offer (not referred on).
        referred: referred on by one actor to another's offer, and arrived there.
        in_joint: in a joint offer or co-created initiative (including co-creators).
        nearness: per actor row, how far its staff work citizen-near (*borgernært*);
            1 = as usual.
    """

    size: np.ndarray
    reached: np.ndarray
    referred: np.ndarray
    in_joint: np.ndarray
    nearness: dict[int, float]

    @classmethod
    def of_area(cls, sizes: dict[str, int]) -> Residents:
        size = group_sizes(sizes)
        return cls(size, np.zeros(N_GROUPS), np.zeros(N_GROUPS), np.zeros(N_GROUPS), {})

    @property
    def total(self) -> np.ndarray:
        """Residents in touch with the centre per group."""
        return self.reached + self.referred + self.in_joint


# ---------------------------------------------------------------- submodels
def offer_reach(actors, shared_places: float, nearness: np.ndarray, rp: ResidentParams) -> np.ndarray:
    """(A,) residents each actor's offers meet a week.

    reach = capacity · hours_factor · core_load · nearness · contacts_per_offer_hour
            · (outside_reach + in_house · (1 + cafe_draw · shared_places)),
    in_house = presence slots / 8 (at most 1). Offers close to home and in a house with
    a café reach more (*Beboerniveau*: "tæt på hjemmet"; *En café som samlingssted*).
    """
    a = actors
    in_house = np.minimum(a.presence.sum(axis=1) / _FULL_HOUSE_SLOTS, 1.0)
    hours = a.capacity_hours * a.hours_factor * a.core_load * nearness
    place = rp.outside_reach + in_house * (1.0 + rp.cafe_draw * shared_places)
    return np.where(a.active, hours * place * rp.contacts_per_offer_hour, 0.0)


def group_sums(weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Σ over actors of weight · target per group: (G,) from (A,) and (A, G), or (S, G) for
    a batch of seeds from (S·A,) and (S, A, G). One numpy reduction whose order of
    additions does not depend on the batch (a matrix product's would)."""
    return (weights.reshape(targets.shape[:-1])[..., None] * targets).sum(axis=-2)


def resident_voices(actors, targets: np.ndarray) -> np.ndarray:
    """(G,) resident volunteers per group: the enthusiasts of associations aiming at it,
    residents with a network into the blocks (*Korsør, Frivilligt fundament*)."""
    a = actors
    volunteer = a.active & (a.kind == ActorKind.VOLUNTEER)
    return group_sums(np.where(volunteer, a.enthusiasts, 0).astype(np.float64), targets)


def reach_residents(res: Residents, reach: np.ndarray, targets: np.ndarray, voices: np.ndarray,
                    rp: ResidentParams, u: np.ndarray) -> np.ndarray:  # fmt: skip
    """New residents reached this week per group (G,), from the not yet reached who are
    not hard to reach.

    contacts_g = Σ_a reach_a · targets_ag / groups_a · (1 + word_of_mouth · voices_g)
    new_g     = (1 − hard_to_reach) · size_g − reached_g − referred_g, times
                (1 − exp(−contacts_g / size_g))      (stochastically rounded)
    """
    per_group = np.maximum(targets.sum(axis=-1), 1.0)
    contacts = (group_sums(reach.reshape(per_group.shape) / per_group, targets)
                * (1.0 + rp.word_of_mouth * voices))  # fmt: skip
    reachable = np.maximum((1.0 - rp.hard_to_reach) * res.size - res.reached - res.referred, 0.0)
    chance = 1.0 - np.exp(-contacts / np.maximum(res.size, 1.0))
    return np.minimum(stochastic_round(reachable * chance, u), reachable)


def pair_groups(mask: np.ndarray, pairs, targets_bits: np.ndarray, union: bool = False) -> np.ndarray:
    """(k, G) share of each masked pair's event per target group: spread evenly over the
    groups both aim at (or either aims at, for ``union`` and pairs sharing none)."""
    ks = np.flatnonzero(mask)
    if len(ks) == 0:
        return np.zeros((0, N_GROUPS))
    i, j = pairs.iu[ks], pairs.ju[ks]
    both = targets_bits[i] & targets_bits[j]
    either = targets_bits[i] | targets_bits[j]
    bits = np.where(union | (both == 0), either, both).astype(np.int64)
    share = ((bits[:, None] >> np.arange(N_GROUPS)) & 1).astype(np.float64)
    return share / np.maximum(share.sum(axis=1, keepdims=True), 1.0)


def complete_referrals(res: Residents, referral: np.ndarray, pairs, targets_bits: np.ndarray,
                       rp: ResidentParams, u: np.ndarray) -> np.ndarray:  # fmt: skip
    """Residents referred from one actor's offer to the other's who arrive there (G,).

    A referral needs the pair to hold alignment (``Outcomes.referral``); it arrives with
    chance referral_completion + same_hours_completion · min(3 · overlap, 1) (*Samvirke*:
    sharing working hours makes it easy to walk a resident over). Only reached residents
    can be referred on.
    """
    ks = np.flatnonzero(referral)
    if len(ks) == 0:
        return np.zeros_like(res.reached)
    chance = rp.referral_completion + rp.same_hours_completion * np.minimum(3.0 * pairs.overlap[ks], 1.0)
    expected = sum_by_seed(chance[:, None] * pair_groups(referral, pairs, targets_bits), ks, res, pairs)
    # One resident per referral at most: round the week's total, then share it out.
    total = stochastic_round(expected.sum(axis=-1), u[..., 0])
    return np.minimum(apportion(total, expected), res.reached)


def sum_by_seed(rows: np.ndarray, ks: np.ndarray, res: Residents, pairs) -> np.ndarray:
    """Sum (k, G) rows of events at pairs ``ks`` per group, in pair order: (G,) for one
    centre, (S, G) for a batch of S seeds (``res`` holds (S, G) cohorts; each seed's pairs
    are one block of ``pairs``)."""
    n_seeds = res.size.shape[0] if res.size.ndim == 2 else 1
    out = np.zeros((n_seeds, N_GROUPS))
    np.add.at(out, ks // max(pairs.n_pairs // n_seeds, 1), rows)
    return out.reshape(res.size.shape)


def apportion(total, weights: np.ndarray) -> np.ndarray:
    """Split a whole ``total`` over groups in proportion to ``weights`` (largest
    remainders; ties to the first group), so the parts add up to the total. ``total`` may
    be one per seed, with ``weights`` (S, G)."""
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    t = np.atleast_1d(np.asarray(total, dtype=np.float64))
    w_sum = w.sum(axis=-1)
    split = (t > 0) & (w_sum > 0)
    parts = np.zeros_like(w)
    if split.any():
        exact = t[split, None] * w[split] / w_sum[split, None]
        whole = np.floor(exact)
        rest = np.round(t[split] - whole.sum(axis=-1))
        order = np.argsort(-(exact - whole), axis=-1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(w.shape[-1])[None, :].repeat(len(order), axis=0), axis=-1)
        parts[split] = whole + (rank < rest[:, None])
    return parts.reshape(np.shape(weights))


def reach_jointly(res: Residents, outcomes: Outcomes, pairs, targets_bits: np.ndarray,
                  rp: ResidentParams, u: np.ndarray) -> np.ndarray:  # fmt: skip
    """Hard-to-reach residents brought in by this week's joint offers and co-created
    initiatives (G,), with the residents who co-create them.

    Joint offers reach the groups both partners aim at; initiatives, born of combining
    different strengths, reach either partner's groups (*Samordne*: "nå en svær
    målgruppe"; *Samskabe*: "tiltag, der kun er mulige i fællesskab").
    """
    if not (outcomes.joint_offer.any() or outcomes.new_initiative.any()):
        return np.zeros_like(res.in_joint)
    offers, initiatives = np.flatnonzero(outcomes.joint_offer), np.flatnonzero(outcomes.new_initiative)
    joint = rp.residents_per_joint_offer * sum_by_seed(
        pair_groups(outcomes.joint_offer, pairs, targets_bits), offers, res, pairs)
    per_initiative = rp.residents_per_initiative + rp.cocreators_per_initiative
    new = per_initiative * sum_by_seed(
        pair_groups(outcomes.new_initiative, pairs, targets_bits, union=True), initiatives, res, pairs)
    room = np.maximum(rp.hard_to_reach * res.size - res.in_joint, 0.0)
    return np.minimum(stochastic_round(joint + new, u), room)


def residents_drift_away(res: Residents, rp: ResidentParams, u: np.ndarray) -> tuple[np.ndarray, ...]:
    """Residents who stop coming this week: (reached, referred, in_joint) leavers (G,)."""
    return (
        np.minimum(stochastic_round(res.reached * rp.drift_rate, u[..., 0, :]), res.reached),
        np.minimum(stochastic_round(res.referred * rp.drift_rate * rp.referred_drift, u[..., 1, :]),
                   res.referred),
        np.minimum(stochastic_round(res.in_joint / rp.joint_weeks, u[..., 2, :]), res.in_joint),
    )


def residents_volunteer(res: Residents, actors, targets: np.ndarray, max_enthusiasts: int,
                        rp: ResidentParams, u: np.ndarray) -> np.ndarray:  # fmt: skip
    """(A,) 1 where an association gains a resident as a new enthusiast this week.

    chance = volunteer_rate · engaged share of the association's groups, engaged =
    referred + in a joint effort: residents drawn in become volunteers (*Bedre vilkår for
    foreningslivet*: "Det kan tiltrække nye frivillige"). Feeds the volunteers'
    turnover (``model/volunteers.py``) as extra joiners.
    """
    a = actors
    engaged = ((res.referred + res.in_joint)[..., None, :] * targets).sum(axis=-1)
    size = np.maximum((res.size[..., None, :] * targets).sum(axis=-1), 1.0)
    association = a.active & (a.kind == ActorKind.VOLUNTEER) & (a.enthusiasts < max_enthusiasts)
    chance = (rp.volunteer_rate * engaged / size).reshape(association.shape)
    return (association & (u < chance)).astype(np.int16)


def resident_links(res: Residents, actors, targets: np.ndarray, shared_places, rp: ResidentParams,
                   u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Actor pairs (i, j) put in touch by a resident met in the house this week.

    Each of ``max_tips`` possible tips happens with chance tip_rate · shared_places ·
    share of residents in touch; the resident's group is drawn by residents in touch, the
    actor told (i) among actors in the house aiming at it, the actor whose offer is
    meant (j) among the other actors aiming at it (*Videndele*: residents are a source of
    knowledge the actors did not know was relevant; *Korsør*: the café makes daily
    informal meetings between residents and actors). Returns two row arrays. For a batch
    of S seeds (cohorts (S, G), ``targets`` (S, A, G), ``u`` (S, 4, max_tips)) the rows
    are the batch's (seed · A + row); every draw is made row by row, as for one centre.
    """
    a = actors
    batch = targets.ndim == 3
    every_target, draws = (targets, u) if batch else (targets[None], u[None])
    n_seeds, n_actors = every_target.shape[:2]
    happens = draws[:, _TROW["happens"]] < np.reshape(tip_chance(res, shared_places, rp), (n_seeds, 1))
    n_tips = happens.shape[1]
    seed = np.repeat(np.arange(n_seeds), n_tips)
    in_touch = res.total.reshape(n_seeds, N_GROUPS)[seed]
    group = _pick(in_touch, draws[:, _TROW["group"]].reshape(-1))
    aiming = every_target[seed, :, group] * a.active.reshape(n_seeds, n_actors)[seed]  # (S·M, A)
    in_house_share = np.minimum(a.presence.sum(axis=1) / _FULL_HOUSE_SLOTS, 1.0).reshape(n_seeds, n_actors)
    in_house = aiming * in_house_share[seed]
    teller = _pick(in_house, draws[:, _TROW["teller"]].reshape(-1))
    other = aiming.copy()
    other[np.arange(len(teller)), np.maximum(teller, 0)] = 0.0
    told = _pick(other, draws[:, _TROW["told"]].reshape(-1))
    ok = happens.reshape(-1) & (group >= 0) & (teller >= 0) & (told >= 0)
    first_row = seed[ok] * n_actors
    return first_row + teller[ok], first_row + told[ok]


def tip_chance(res: Residents, shared_places, rp: ResidentParams):
    """Chance of each possible resident tip this week: tip_rate · shared_places · share of
    the area's residents in touch with the house (one per seed for a batch's cohorts)."""
    return rp.tip_rate * shared_places * res.total.sum(axis=-1) / np.maximum(res.size.sum(axis=-1), 1.0)


def _pick(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row-wise draw of a column index with the given weights (−1 where all are 0)."""
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1]
    index = (cum <= (u * total)[:, None]).sum(axis=1)
    return np.where(total > 0, np.minimum(index, weights.shape[1] - 1), -1)


# ------------------------------------------------------------ the residents' week
def residents_week(res: Residents, actors, pairs, outcomes: Outcomes, targets: np.ndarray,
                   shared_places, nearness: np.ndarray, rp: ResidentParams, max_enthusiasts: int,
                   u_group: np.ndarray, u_volunteer: np.ndarray):  # fmt: skip
    """The residents' submodels of one week in ODD order — drift, reach, referrals, joint
    offers, new volunteers — on one centre's cohorts (G,) or a batch's (S, G) (then
    ``targets`` is (S, A, G), actor and pair arrays are the batch's, ``shared_places`` is
    per actor). Updates ``res`` and the actors' enthusiasts in place; returns (completed
    referrals per group, new resident enthusiasts per actor)."""
    reach = offer_reach(actors, shared_places, nearness, rp)
    voices = resident_voices(actors, targets)
    left = residents_drift_away(res, rp, u_group[..., [_GROW["drift"], _GROW["drift_referred"],
                                                       _GROW["drift_joint"]], :])  # fmt: skip
    res.reached -= left[0]
    res.referred -= left[1]
    res.in_joint -= left[2]
    res.reached += reach_residents(res, reach, targets, voices, rp, u_group[..., _GROW["reach"], :])
    completed = complete_referrals(res, outcomes.referral, pairs, actors.targets, rp,
                                   u_group[..., _GROW["referral"], :])  # fmt: skip
    res.reached -= completed
    res.referred += completed
    res.in_joint += reach_jointly(res, outcomes, pairs, actors.targets, rp, u_group[..., _GROW["joint"], :])
    joins = residents_volunteer(res, actors, targets, max_enthusiasts, rp, u_volunteer)
    actors.enthusiasts += joins
    return completed, joins


def resident_measures(res: Residents, completed: np.ndarray, n_joined, n_links) -> dict[str, np.ndarray]:
    """``RESIDENT_MEASURES`` of the week: one value each for a centre, one per seed for a
    batch's (S, G) cohorts."""
    total = res.total
    return {
        "residents_reached": total.sum(axis=-1),
        **{name: total[..., g] for g, name in enumerate(_REACHED_NAMES)},
        "referrals_completed": completed.sum(axis=-1),
        "residents_in_joint": res.in_joint.sum(axis=-1),
        "residents_volunteered": np.asarray(n_joined, dtype=np.float64),
        "resident_links": np.asarray(n_links, dtype=np.float64),
    }


class AreaResidents:
    """The residents of one centre's area and their weekly submodels, in ODD order."""

    def __init__(self, sizes: dict[str, int], params: ResidentParams, rng: np.random.Generator):
        check_sizes(sizes)
        params.validate()
        self.params = params
        self.rng = rng
        self.state = Residents.of_area(sizes)
        self.last = {name: 0.0 for name in RESIDENT_MEASURES}
        self.funders: Funders | None = None  # split operating money, set up half-way to renegotiating
        self._measure(np.zeros(N_GROUPS), np.zeros(N_GROUPS), 0, 0)

    def draw_uniforms(self) -> None:
        """This week's residents' draws in fixed-shape blocks (groups, tips)."""
        self.u_group = self.rng.random((len(_GROUP_DRAWS), N_GROUPS))
        self.u_tips = self.rng.random((len(_TIP_DRAWS), self.params.max_tips))
        self.u_funders = self.rng.random(_MAX_FUNDERS)

    def targets_of(self, actors) -> np.ndarray:
        """(A, G) target matrix, recomputed only when actors arrive (targets never change)."""
        key = (actors.n, actors.capacity)
        if getattr(self, "_targets_key", None) != key:
            self._targets, self._targets_key = target_matrix(actors.targets), key
        return self._targets

    def add_links(self, model: CentreModel, encountered: np.ndarray) -> np.ndarray:
        """``encountered`` plus the pairs residents put in touch this week (ODD § 7.13,
        ``resident_links``); most weeks no tip happens and nothing is computed."""
        self.n_links = 0
        t, p, rp = model.actor_table, model.pairs, self.params
        if not (self.u_tips[_TROW["happens"]] < tip_chance(self.state, model.shared_places, rp)).any():
            return encountered
        i, j = resident_links(self.state, t, self.targets_of(t), model.shared_places, rp, self.u_tips)
        ks = condensed_index(i, j, p.capacity)
        ks = ks[model.present[ks]]
        self.n_links = len(np.unique(ks))
        if self.n_links == 0:
            return encountered
        met = encountered.copy()
        met[ks] = True
        return met

    def serve_residents(self, model: CentreModel, outcomes: Outcomes) -> None:
        """Reach, referrals, joint offers, drifting away and new resident volunteers."""
        t = model.actor_table
        completed, joins = residents_week(self.state, t, model.pairs, outcomes, self.targets_of(t),
                                          model.shared_places, self.nearness(t.capacity), self.params,
                                          model.params.max_enthusiasts, self.u_group,
                                          self.rng.random(t.capacity))  # fmt: skip
        self._measure(completed, joins, int(joins.sum()), getattr(self, "n_links", 0))
        self.weigh_funders(model)

    def nearness(self, n_rows: int) -> np.ndarray:
        """(A,) how far each actor's staff work citizen-near (1 = as usual)."""
        nearness = np.ones(n_rows)
        for row, value in self.state.nearness.items():
            nearness[row] = value
        return nearness

    def weigh_funders(self, model: CentreModel) -> None:
        """Set up the funders half-way to the first renegotiation; renegotiate every
        ``renegotiation_weeks``."""
        t, rp, res = model.actor_table, self.params, self.state
        targets = self.targets_of(t)
        if model.centre.funders > 1 and model.week == rp.renegotiation_weeks // 2:
            # What the first renegotiation compares with; each funder weighs its own groups.
            aimed = (targets[t.active] > 0).any(axis=0)
            self.funders = Funders.of_house(min(model.centre.funders, _MAX_FUNDERS), aimed, res.total)
        if self.funders is not None and model.week > 0 and model.week % rp.renegotiation_weeks == 0:
            self.renegotiate(model)

    def renegotiate(self, model: CentreModel) -> None:
        """Each funder still paying weighs the residents reached in its own groups
        (``model/funders.py``): a withdrawn share closes that share of places and slots
        (:meth:`CentreModel.funder_pulls_out`) and the funder stays out; a raised share
        gives back shared places lost earlier."""
        f = self.funders
        seen = in_groups(f.weighs, self.state.total)
        verdicts = funders_weigh(seen, f.seen, f.paying, self.params, self.u_funders)
        f.seen = seen
        f.paying &= verdicts >= 0
        share = 1.0 / model.centre.funders
        cuts, raises = int((verdicts < 0).sum()), int((verdicts > 0).sum())
        if cuts:
            model.funder_pulls_out(min(cuts * share, 0.95))
            week, what = model.interventions[-1]
            model.interventions[-1] = (week, f"{what} at the renegotiation: fewer residents reached")
        if raises:
            lost = max(model.centre.shared_places - model.shared_places, 0.0)
            model.shared_places += min(raises * share, 1.0) * lost
            model._note(f"{raises} funder(s) raise their share at the renegotiation: more residents reached")

    def _measure(self, completed, joins, n_joined: int, n_links: int) -> None:
        measures = resident_measures(self.state, completed, n_joined, n_links)
        self.last = {name: float(value) for name, value in measures.items()}


# ------------------------------------------------------------------- events
def cut_cafe_hours(model: CentreModel, share: float) -> None:
    """The café closes (share 1) or opens fewer hours: the house's informal meeting
    places shrink by ``share`` (*En café som samlingssted*: fixed opening hours give
    actors and residents a fixed place to gather)."""
    check_unit("share", share)
    model.shared_places *= 1.0 - share
    model._note("the café closes" if share >= 1 else f"the café opens {share:.0%} fewer hours")


def move_to_citizen_near_work(model: CentreModel, value: float, kind: str | None = None,
                              names: list[str] | None = None) -> None:  # fmt: skip
    """Staff (of a kind, or by name) work citizen-near: their offers reach ``value`` times
    as many of the area's residents (*Del 1, biblioteksbaserede: Mere borgernære
    biblioteksfunktioner*; *Svære vilkår for at arbejde borgernært*)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 5:
        raise InputError("value", value, "a reach multiplier from 0 to 5")
    rows = model._rows_of(kind, names)
    for row in rows:
        model.residents.state.nearness[int(row)] = float(value)
    model._note(f"{len(rows)} actor(s) move staff to citizen-near work (reach × {value:g})")


def resident_democrats_step_down(model: CentreModel, share: float, names: list[str] | None = None) -> None:
    """Resident volunteers who run the house step down (*Korsør, Udfordringer ved
    frivillig ledelse*): the housed volunteer associations (or the named ones) lose
    ``share`` of their enthusiasts; one left without any dissolves."""
    check_unit("share", share)
    t = model.actor_table
    rows = model._rows_of("volunteer", names)
    if names is None:
        rows = rows[t.co_located[rows]]
    for row in rows:
        t.enthusiasts[row] -= int(round(share * t.enthusiasts[row]))
    model._note(f"resident democrats step down ({share:.0%} of {len(rows)} association(s))")
    for row in rows:
        if t.enthusiasts[row] <= 0:
            model._actor_leaves(int(row), "its resident democrats stepped down")


__all__ = [
    "AreaResidents", "DEFAULT_SIZES", "GROUP_LABELS", "RESIDENT_MEASURES", "ResidentParams", "Residents",
    "check_sizes", "complete_referrals", "cut_cafe_hours", "funders_weigh", "group_sizes",
    "move_to_citizen_near_work",
    "offer_reach", "reach_jointly", "reach_residents", "resident_democrats_step_down",
    "resident_links", "resident_voices", "residents_drift_away", "residents_volunteer", "tip_chance",
]  # fmt: skip
