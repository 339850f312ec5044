"""Who meets whom this week: informal encounters, sought contacts, forum meetings,
introductions.

*Del 2, Videndele*: knowledge sharing is promoted by places and occasions to meet (forum,
canteen, coffee machine) and by seeking each other out; informal sharing alone reaches
mostly those one is used to and those one shares working hours with. *Del 1*: centres
also work with actors based outside the house, who use it ad hoc. *Del 3, Skab system for
samarbejdet*: an appointed coordinator (*tovholder*) convenes, updates and introduces.
Each vectorised function has its per-pair reference version beside it.
"""

from __future__ import annotations

import numpy as np

from .params import ModelParams


def draw_encounters(pairs, week, params: ModelParams, u: np.ndarray) -> np.ndarray:
    """Chance meetings in the house: likelier with more shared hours, places, co-location
    and familiarity.

    chance = encounter_rate · overlap · (0.5 + shared_places) · colocation_factor
             · (seek_familiar + familiarity)
    """
    chance = (
        params.encounter_rate
        * pairs.overlap
        * (0.5 + week.shared_places)
        * pairs.colocation_factor
        * (params.seek_familiar + pairs.familiarity)
    )
    return week.present & (u < chance)


def draw_encounters_reference(pairs, week, params, u):
    met = np.zeros(pairs.n_pairs, dtype=bool)
    for k in range(pairs.n_pairs):
        if week.present[k]:
            chance = (params.encounter_rate * pairs.overlap[k] * (0.5 + week.shared_places)
                      * pairs.colocation_factor[k] * (params.seek_familiar + pairs.familiarity[k]))
            met[k] = u[k] < chance
    return met


def seek_contacts(pairs, week, params: ModelParams, u: np.ndarray) -> np.ndarray:
    """Contacts sought on purpose, wherever the two are based: actors who see they solve
    the area's problems better together call or visit each other.

    chance = seek_contact_rate · interdependence · (seek_familiar + familiarity)
    """
    chance = params.seek_contact_rate * pairs.interdependence * (
        params.seek_familiar + pairs.familiarity
    )
    return week.present & (u < chance)


def seek_contacts_reference(pairs, week, params, u):
    sought = np.zeros(pairs.n_pairs, dtype=bool)
    for k in range(pairs.n_pairs):
        if week.present[k]:
            chance = params.seek_contact_rate * pairs.interdependence[k] * (
                params.seek_familiar + pairs.familiarity[k])
            sought[k] = u[k] < chance
    return sought


def select_forum_attendees(actors, budget, vitality: float, u: np.ndarray) -> np.ndarray:
    """Actors at this week's forum meeting: each with collaboration hours comes with its
    kind's attendance times the forum's vitality (a forum without a convener thins out)."""
    return actors.active & (budget > 0) & (u < actors.forum_attendance * vitality)


def choose_introductions(pairs, week, params: ModelParams, u: np.ndarray) -> np.ndarray:
    """The coordinator introduces the pairs that know each other least, newcomers first.

    Each present pair gets the priority (1 − familiarity)² · (1 + newcomer_priority ·
    newcomer) · u; the ``week.introductions`` largest are introduced (the number scales
    with the coordinator's hours).
    """
    chosen = np.zeros(pairs.n_pairs, dtype=bool)
    k = week.introductions
    if k <= 0:
        return chosen
    gap = 1.0 - pairs.familiarity
    keys = np.where(
        week.present, gap * gap * (1.0 + params.newcomer_priority * week.newcomer_pair) * u, 0.0
    )
    top = np.argpartition(-keys, k - 1)[:k] if k < len(keys) else np.arange(len(keys))
    chosen[top[keys[top] > 0]] = True
    return chosen


def choose_introductions_reference(pairs, week, params, u):
    chosen = np.zeros(pairs.n_pairs, dtype=bool)
    keys = []
    for k in range(pairs.n_pairs):
        if week.present[k]:
            gap = 1.0 - pairs.familiarity[k]
            key = gap * gap * (1.0 + params.newcomer_priority * week.newcomer_pair[k]) * u[k]
            if key > 0:
                keys.append((-key, k))
    for _, k in sorted(keys)[: max(week.introductions, 0)]:
        chosen[k] = True
    return chosen


def learn_from_contact(pairs, contacts, params: ModelParams) -> np.ndarray:
    """Raise familiarity for each kind of contact, each closing a share of the gap to 1.

    ``contacts`` maps ``introduced``, ``encountered``, ``sought`` and ``at_forum`` to
    boolean arrays over pairs.
    """
    fam = pairs.familiarity.copy()
    for happened, rate in _learning(contacts, params):
        fam = np.where(happened, fam + rate * (1.0 - fam), fam)
    return fam


def learn_from_contact_reference(pairs, contacts, params):
    fam = pairs.familiarity.copy()
    for k in range(len(fam)):
        for happened, rate in _learning(contacts, params):
            if happened[k]:
                fam[k] = fam[k] + rate * (1.0 - fam[k])
    return fam


def _learning(contacts, params):
    return (
        (contacts["introduced"], params.introduction_learning),
        (contacts["encountered"], params.encounter_learning),
        (contacts["sought"], params.encounter_learning),
        (contacts["at_forum"], params.forum_learning),
    )
