"""Volunteers who come and go (*Del 1, Korsør* and the association type).

"Man kan ikke stille de samme krav til frivillige som til lønnete medarbejdere … de
arbejder ikke et fast antal timer": a volunteer association's hours vary from week to
week, it rests on a few enthusiasts ("potentiel sårbar organisering"), enthusiasts stop —
sooner when they carry much — and new ones join as the association's activities become
visible. An association whose last enthusiast stops dissolves.
"""

from __future__ import annotations

import numpy as np

from .kinds import ActorKind
from .params import ModelParams


def vary_volunteer_hours(kind: np.ndarray, params: ModelParams, u: np.ndarray) -> np.ndarray:
    """This week's hours as a share of the usual: U(1 − spread, 1 + spread) for
    volunteers, exactly 1 for paid staff."""
    spread = params.volunteer_hours_spread
    return np.where(kind == ActorKind.VOLUNTEER, 1.0 - spread + 2.0 * spread * u, 1.0)


def remember_successes(recent: np.ndarray, this_week: np.ndarray, params: ModelParams) -> np.ndarray:
    """Successes an actor had recently (exponential memory over ``success_memory_weeks``)."""
    return recent * (1.0 - 1.0 / params.success_memory_weeks) + this_week


def volunteer_turnover(actors, saturation: np.ndarray, params: ModelParams,
                       u_leave: np.ndarray, u_join: np.ndarray) -> np.ndarray:  # fmt: skip
    """New enthusiast counts: at most one stops and one joins per association a week.

    stop:  u < enthusiasts · volunteer_leave_rate · (1 + volunteer_burnout · saturation)
    join:  u < volunteer_join_rate · (1 + visibility_weight · visibility), up to
           ``max_enthusiasts``; visibility = recent successes a week, at most 1
    ``saturation`` is hours used / hours given this week (0–1).
    """
    a = actors
    volunteer = a.active & (a.kind == ActorKind.VOLUNTEER)
    e = a.enthusiasts.astype(np.int64)
    leave_chance = e * params.volunteer_leave_rate * (1.0 + params.volunteer_burnout * saturation)
    visibility = np.minimum(a.recent_successes / params.success_memory_weeks, 1.0)
    join_chance = params.volunteer_join_rate * (1.0 + params.visibility_weight * visibility)
    leaves = volunteer & (u_leave < leave_chance)
    joins = volunteer & ~leaves & (e < params.max_enthusiasts) & (u_join < join_chance)
    return (e - leaves + joins).astype(a.enthusiasts.dtype)
