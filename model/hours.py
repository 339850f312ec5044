"""Hours for collaboration: what is left after core tasks, and what leadership allows.

*Del 3, Opbyg et holdbart organisatorisk fundament*: hours and backing for collaboration
are often missing; collaboration then happens only as an extra role. Leadership must
allocate hours, and project money pays for development only while it lasts.
"""

from __future__ import annotations

import numpy as np

from .params import ModelParams


def allocate_collaboration_hours(
    capacity_hours: np.ndarray,
    core_load: np.ndarray,
    leadership: np.ndarray,
    expired: np.ndarray,
    active: np.ndarray,
    params: ModelParams,
) -> np.ndarray:
    """Weekly hours each actor may spend on collaboration.

    budget = capacity · (1 − core_load) · (floor + (1 − floor) · leadership)
             · (expiry_hours_factor if project money has ended else 1)
    """
    free = capacity_hours * (1.0 - core_load)
    allowed = params.collaboration_floor + (1.0 - params.collaboration_floor) * leadership
    expiry = np.where(expired, params.expiry_hours_factor, 1.0)
    return np.where(active, free * allowed * expiry, 0.0)


def deep_form_mandate(leadership: np.ndarray, expired: np.ndarray, params: ModelParams):
    """Decision latitude for deep forms: leadership backing, cut when project money ends."""
    return leadership * np.where(expired, params.expiry_mandate_factor, 1.0)


def reach_factor(overlap: np.ndarray, params: ModelParams) -> np.ndarray:
    """Tie-cost multiplier: reaching a partner who is seldom in the house costs more."""
    return 1.0 + params.reach_cost * (1.0 - np.minimum(3.0 * overlap, 1.0))


def coordination_cost_factor(coordination: float, params: ModelParams) -> float:
    """Tie-cost multiplier: ``coordinator_cost_factor`` at full coordination, 1 at none."""
    return 1.0 - (1.0 - params.coordinator_cost_factor) * coordination


def tie_costs(
    form: np.ndarray, reach: np.ndarray, params: ModelParams, coordination: float
) -> np.ndarray:
    """Hours a week each partner spends on each pair's tie; a coordinator's routines
    (``coordination`` 0–1) take part of the upkeep off the actors."""
    factor = coordination_cost_factor(coordination, params)
    return np.asarray(params.form_cost)[form] * factor * reach


def hours_in_use(
    form: np.ndarray, reach: np.ndarray, iu: np.ndarray, ju: np.ndarray, n_rows: int,
    params: ModelParams, coordination: float,
) -> np.ndarray:
    """Hours each actor spends on its ties this week (both partners pay the tie's cost)."""
    cost = tie_costs(form, reach, params, coordination)
    return np.bincount(iu, cost, minlength=n_rows) + np.bincount(ju, cost, minlength=n_rows)


def enforce_hour_budgets(
    form: np.ndarray,
    stay_eligible: np.ndarray,
    priority: np.ndarray,
    reach: np.ndarray,
    budget: np.ndarray,
    iu: np.ndarray,
    ju: np.ndarray,
    params: ModelParams,
    coordination: float,
) -> np.ndarray:
    """Scale down ties until no actor spends more hours than its budget.

    Each actor keeps its ties in order of ``priority / cost`` (familiar, trusted, nearby
    and cheap first — a partner seldom in the house costs more to reach); a tie that does
    not fit either partner falls to the deepest form it is still eligible for that costs
    less, repeated until every actor fits. Core tasks crowd out collaboration with the less
    familiar first (*Del 1, Aalborg Øst*).
    """
    form = form.copy()
    n_rows = len(budget)
    form_cost = np.asarray(params.form_cost)
    cheaper_than = _cheaper_eligible(stay_eligible, form_cost)
    # Terminates: while anyone is over budget, its last tie in order is a misfit and
    # falls to a strictly cheaper form, so total cost falls every round.
    while True:
        cost = tie_costs(form, reach, params, coordination)
        used = np.bincount(iu, cost, minlength=n_rows) + np.bincount(ju, cost, minlength=n_rows)
        if not np.any(used > budget + 1e-9):
            return form
        tied = np.flatnonzero(cost > 0)
        src = np.concatenate([iu[tied], ju[tied]])
        pair = np.concatenate([tied, tied])
        value = np.concatenate([priority[tied], priority[tied]]) / np.concatenate(
            [cost[tied], cost[tied]]
        )
        order = np.lexsort((pair, -value, src))
        src, pair = src[order], pair[order]
        spent = np.cumsum(cost[pair])
        group_start = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
        before_group = np.r_[0.0, spent][group_start]
        spent_in_group = spent - np.repeat(before_group, np.diff(np.r_[group_start, len(src)]))
        misfit = pair[spent_in_group > budget[src] + 1e-9]
        form[misfit] = cheaper_than[form[misfit], misfit]


def _cheaper_eligible(stay_eligible: np.ndarray, form_cost: np.ndarray) -> np.ndarray:
    """For each current form and pair, the deepest stay-eligible form that costs less."""
    n_forms, n_pairs = stay_eligible.shape
    result = np.zeros((n_forms, n_pairs), dtype=np.int8)
    for current in range(1, n_forms):
        best = np.zeros(n_pairs, dtype=np.int8)
        for g in range(1, current):
            if form_cost[g] < form_cost[current]:
                best = np.where(stay_eligible[g], g, best).astype(np.int8)
        result[current] = best
    return result
