"""Who meets whom this week: informal encounters, forum meetings, introductions.

*Del 2, Videndele*: knowledge sharing is promoted by places and occasions to meet (forum,
canteen, coffee machine) and by seeking each other out, but informal sharing alone only
reaches those one is used to and those one shares working hours with. *Del 3, Skab system
for samarbejdet*: an appointed coordinator (*tovholder*) convenes, updates and introduces.
"""

from __future__ import annotations

import numpy as np

from .params import ModelParams


def draw_encounters(
    familiarity: np.ndarray,
    overlap: np.ndarray,
    colocation_factor: np.ndarray,
    present: np.ndarray,
    shared_places: float,
    params: ModelParams,
    u: np.ndarray,
) -> np.ndarray:
    """Informal encounters: likelier with more shared hours, places, co-location and familiarity.

    chance = encounter_rate · overlap · (0.5 + shared_places) · colocation_factor
             · (seek_familiar + familiarity), capped at 1 by the comparison with ``u``.
    """
    chance = (
        params.encounter_rate
        * overlap
        * (0.5 + shared_places)
        * colocation_factor
        * (params.seek_familiar + familiarity)
    )
    return present & (u < chance)


def select_forum_attendees(
    active: np.ndarray, forum_attendance: np.ndarray, budget: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Actors at this week's forum meeting; actors with no collaboration hours stay away."""
    return active & (budget > 0) & (u < forum_attendance)


def choose_introductions(
    familiarity: np.ndarray,
    present: np.ndarray,
    newcomer_pair: np.ndarray,
    params: ModelParams,
    u: np.ndarray,
) -> np.ndarray:
    """The coordinator introduces the pairs that know each other least, newcomers first.

    Each present pair gets the priority (1 − familiarity)² · (1 + newcomer_priority ·
    newcomer) · u; the ``introductions_per_week`` largest are introduced.
    """
    chosen = np.zeros(len(familiarity), dtype=bool)
    k = params.introductions_per_week
    if k <= 0:
        return chosen
    gap = 1.0 - familiarity
    keys = np.where(present, gap * gap * (1.0 + params.newcomer_priority * newcomer_pair) * u, 0.0)
    if k < len(keys):
        top = np.argpartition(-keys, k - 1)[:k]
    else:
        top = np.arange(len(keys))
    chosen[top[keys[top] > 0]] = True
    return chosen


def learn_from_contact(
    familiarity: np.ndarray,
    encountered: np.ndarray,
    at_forum: np.ndarray,
    introduced: np.ndarray,
    params: ModelParams,
) -> np.ndarray:
    """Raise familiarity for each kind of contact, each closing a share of the gap to 1."""
    fam = familiarity.copy()
    for happened, rate in (
        (introduced, params.introduction_learning),
        (encountered, params.encounter_learning),
        (at_forum, params.forum_learning),
    ):
        fam = np.where(happened, fam + rate * (1.0 - fam), fam)
    return fam
