"""The coordinating function (*tovholder*) as a person, and a forum that needs a convener.

*Del 1, Aalborg Øst, "Et koordinerende forum"*: in the start-up phase an employee held a
coordinating function — making sure knowledge was shared, making clear why the house's
actors should spend time being curious about each other, holding meetings — and once it
stopped it became harder to keep each other updated and to maintain relations, and
newcomers were not introduced. *Del 3, "Udpeg en tovholder"*: coordinating means calling
meetings and sending updates; housing-social staff often take it, when it fits their
helhedsplan. So the role is held by an actor, takes that actor's hours and lives on its
funding; what it achieves scales with those hours and with the size of the centre.
"""

from __future__ import annotations

import math

import numpy as np

from .kinds import ActorKind
from .params import ModelParams


def coordinator_coverage(role_hours: float, n_actors: int, params: ModelParams) -> float:
    """Share of the centre the coordinator keeps updated: its hours against the hours
    keeping ``n_actors`` updated would take (``upkeep_hours_per_actor`` each)."""
    need = params.upkeep_hours_per_actor * max(n_actors, 1)
    return float(min(1.0, role_hours / need)) if need > 0 else 1.0


def introductions_this_week(role_hours: float, params: ModelParams) -> int:
    """Introductions the coordinator makes this week: ``introductions_per_hour`` per hour."""
    return int(math.floor(role_hours * params.introductions_per_hour + 1e-9))


def role_hours_available(role_hours: float, holder_binding_budget: float) -> float:
    """Hours the holder can give the role this week: the role is work its leadership
    allocates, so it comes out of the holder's allocated hours."""
    return float(max(0.0, min(role_hours, holder_binding_budget)))


def default_holder(kind: np.ndarray, active: np.ndarray, permanent: np.ndarray) -> int:
    """Who takes the role when nobody is named: a housing-social employee (permanent
    first, then the first in the roster), else the first active actor; -1 if none."""
    for wanted in (
        active & (kind == ActorKind.HOUSING_SOCIAL) & permanent,
        active & (kind == ActorKind.HOUSING_SOCIAL),
        active,
    ):
        rows = np.flatnonzero(wanted)
        if len(rows):
            return int(rows[0])
    return -1


def convene_forum(vitality: float, convened: bool, params: ModelParams) -> float:
    """A forum meeting with a convener restores the forum; without one it thins out
    (each meeting keeps ``forum_thinning`` of the last one's vitality)."""
    return 1.0 if convened else vitality * params.forum_thinning


def forum_hours(attendance: np.ndarray, vitality: float, interval_weeks: int, params: ModelParams):
    """Expected hours a week each actor spends at forum meetings (attending costs hours)."""
    return attendance * vitality * params.forum_meeting_hours / interval_weeks
