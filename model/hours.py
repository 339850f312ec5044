"""Hours for collaboration: what is left after core tasks, what leadership allocates, and
what each held form costs.

*Del 3, Opbyg et holdbart organisatorisk fundament*: hours and backing for collaboration
are often missing; collaboration then happens as an extra role, and "i særlig grad de mere
forpligtende samarbejdsformer som samordne og samskabe" need hours that leadership
allocates. Project money pays for development only while it lasts. Each function has its
per-pair (per-item) reference version beside it for verification.
"""

from __future__ import annotations

import numpy as np

from .forms import BINDING, FORMS, LOOSE, Form
from .kinds import ActorKind
from .params import ModelParams

_EPS = 1e-9


def allocate_collaboration_hours(actors, params: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """Weekly hours each actor may spend on collaboration: (all forms, binding forms).

    usual = capacity · (enthusiasts for a volunteer association, else 1) · hours_factor
    free = usual · (1 − core_load)
    extra_role = collaboration_floor · usual · (1 − extra_role_squeeze · core_load)
                                                       (loose forms only)
    allocated = (1 − floor) · free · leadership · (expiry_hours_factor if expired)
    returns (extra_role + allocated, allocated), zero for absent actors.
    """
    a = actors
    people = np.where(a.kind == ActorKind.VOLUNTEER, a.enthusiasts, 1).astype(np.float64)
    usual = a.capacity_hours * people * a.hours_factor
    free = usual * (1.0 - a.core_load)
    extra_role = params.collaboration_floor * usual * (1.0 - params.extra_role_squeeze * a.core_load)
    expiry = np.where(a.expired, params.expiry_hours_factor, 1.0)
    allocated = (1.0 - params.collaboration_floor) * free * a.leadership * expiry
    return (
        np.where(a.active, extra_role + allocated, 0.0),
        np.where(a.active, allocated, 0.0),
    )


def deep_form_mandate(leadership: np.ndarray, expired: np.ndarray, params: ModelParams):
    """Decision latitude for deep forms: leadership backing, cut when project money ends."""
    return leadership * np.where(expired, params.expiry_mandate_factor, 1.0)


def reach_factor(overlap: np.ndarray, params: ModelParams) -> np.ndarray:
    """Cost multiplier: reaching a partner who is seldom in the house costs more."""
    return 1.0 + params.reach_cost * (1.0 - np.minimum(params.reach_overlap_scale * overlap, 1.0))


def form_costs(pairs, params: ModelParams, system_level: float) -> np.ndarray:
    """(6, P) hours a week each partner spends on each form, were the pair to hold it.

    cost = form_cost[g] · reach_factor · (1 + familiarity_cost · (1 − familiarity))
           · (1 − system_relief · system_level for knowledge sharing and alignment):
    partners seldom in the house together, or who know each other little, pay more; a
    coordinator or a lively forum keeps everyone updated at once, so keeping up
    knowledge sharing and alignment costs the actors less while it runs.
    """
    per_pair = pairs.reach_factor * (1.0 + params.familiarity_cost * (1.0 - pairs.familiarity))
    # ``system_level`` is one number, or one per pair when a batch of seeds runs as one
    # centre (``model/batch.py``); both give each pair the same bits.
    relief = 1.0 - params.system_relief * np.asarray(system_level, dtype=np.float64)
    per_form = np.asarray(params.form_cost, dtype=np.float64)[:, None] * np.ones(np.shape(relief) or (1,))
    per_form[[Form.KNOWLEDGE_SHARING, Form.ALIGNMENT]] *= relief
    return per_form * per_pair[None, :]


def form_costs_reference(pairs, params: ModelParams, system_level: float) -> np.ndarray:
    """:func:`form_costs` pair by pair and form by form (verification)."""
    relief = 1.0 - params.system_relief * float(system_level)
    cost = np.zeros((len(params.form_cost), len(pairs.familiarity)))
    for k in range(len(pairs.familiarity)):
        per_pair = pairs.reach_factor[k] * (1.0 + params.familiarity_cost * (1.0 - pairs.familiarity[k]))
        for g in range(len(params.form_cost)):
            per_form = float(params.form_cost[g])
            if g in (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT):
                per_form *= relief
            cost[g, k] = per_form * per_pair
    return cost


def hours_in_use(held, cost, iu, ju, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Hours each actor spends on its held forms: (all forms, binding forms)."""
    spent = cost * held
    per_pair = spent[1:].sum(axis=0)
    binding = spent[list(BINDING)].sum(axis=0)
    return (
        np.bincount(iu, per_pair, minlength=n_rows) + np.bincount(ju, per_pair, minlength=n_rows),
        np.bincount(iu, binding, minlength=n_rows) + np.bincount(ju, binding, minlength=n_rows),
    )


def hours_in_use_reference(held, cost, iu, ju, n_rows: int):
    # Sums as the vectorised version does: first over each actor's pairs as the lower row,
    # then as the higher row, so the two agree to the last bit.
    total, binding = np.zeros((2, n_rows)), np.zeros((2, n_rows))
    for k in range(held.shape[1]):
        pair_total = 0.0
        for g in FORMS:
            pair_total += cost[g, k] * held[g, k]
        pair_binding = 0.0
        for g in BINDING:
            pair_binding += cost[g, k] * held[g, k]
        for side, row in enumerate((iu[k], ju[k])):
            total[side, row] += pair_total
            binding[side, row] += pair_binding
    return total[0] + total[1], binding[0] + binding[1]


def enforce_hour_budgets(held, cost, priority, budget, binding_budget, iu, ju) -> np.ndarray:
    """Drop held forms until no actor spends more hours than it has.

    Every held form of a pair is a commitment costing both partners its hours. First the
    binding forms must fit the hours leadership allocated; the loose forms then share
    what is left. Within each, an actor keeps its commitments with the partners it values
    most first (``priority``: familiar, trusted, nearby; a form's worth is taken to grow
    with its cost, so value per hour is the partner's priority; within one pair the
    shallower form is kept first), and every commitment beyond either partner's hours is
    dropped; repeated until everyone fits. Under core-task pressure a binding form goes
    once the allocated hours shrink below what it costs (*Del 3*), and partners are kept
    among the familiar and nearest (*Del 1, Aalborg Øst*).
    """
    held = held.copy()
    binding = np.array(BINDING)
    _drop_misfits(held, cost, priority, binding_budget, iu, ju, binding)
    _, binding_used = hours_in_use(held, cost, iu, ju, len(budget))
    _drop_misfits(held, cost, priority, budget - binding_used, iu, ju, np.array(LOOSE))
    return held


def _drop_misfits(held, cost, priority, budget, iu, ju, forms) -> None:
    n_rows = len(budget)
    # Terminates: while anyone is over budget, its last commitment in order is a misfit
    # and is dropped, so total cost falls every round.
    while True:
        g_idx, k = np.nonzero(held[forms])
        g = forms[g_idx]
        c = cost[g, k]
        used = np.bincount(iu[k], c, minlength=n_rows) + np.bincount(ju[k], c, minlength=n_rows)
        if not np.any(used > budget + _EPS):
            return
        item = np.arange(len(k))
        value = priority[k]
        src = np.concatenate([iu[k], ju[k]])
        items = np.concatenate([item, item])
        values = np.concatenate([value, value])
        order = np.lexsort((items, -values, src))
        src, items = src[order], items[order]
        spent = np.cumsum(c[items])
        group_start = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
        before = np.r_[0.0, spent][group_start]
        spent_in_group = spent - np.repeat(before, np.diff(np.r_[group_start, len(src)]))
        misfit = items[spent_in_group > budget[src] + _EPS]
        held[g[misfit], k[misfit]] = False


def enforce_hour_budgets_reference(held, cost, priority, budget, binding_budget, iu, ju):
    held = held.copy()
    _drop_misfits_reference(held, cost, priority, binding_budget, iu, ju, list(BINDING))
    _, binding_used = hours_in_use_reference(held, cost, iu, ju, len(budget))
    _drop_misfits_reference(held, cost, priority, budget - binding_used, iu, ju, list(LOOSE))
    return held


def _drop_misfits_reference(held, cost, priority, limit, iu, ju, forms) -> None:
    while True:
        items = [(g, k) for g in forms for k in range(held.shape[1]) if held[g, k]]
        used = np.zeros(len(limit))
        for g, k in items:
            used[iu[k]] += cost[g, k]
            used[ju[k]] += cost[g, k]
        if not any(used[r] > limit[r] + _EPS for r in range(len(limit))):
            return
        misfits = set()
        for row in range(len(limit)):
            mine = [(-priority[k], n) for n, (g, k) in enumerate(items)
                    if row in (iu[k], ju[k])]  # fmt: skip
            spent = 0.0
            for _, n in sorted(mine):
                g, k = items[n]
                spent += cost[g, k]
                if spent > limit[row] + _EPS:
                    misfits.add(n)
        for n in misfits:
            held[items[n]] = False
