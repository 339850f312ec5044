"""The pair-level submodels as compiled loops (``engine="compiled"``), bit-identical to the
vectorised engine.

Why: a week of an 18-actor centre is ~1,000 numpy calls on arrays of ~150 pairs, so
almost all of its time is the fixed cost of each call, not arithmetic (issue 11). A
compiled loop (numba) makes one call per submodel and touches each pair once. Each
function here has the signature of its vectorised twin in the mechanism modules and
computes the same formula **in the same order of floating-point operations** (sums in the
order ``numpy.bincount`` and ``sum(axis=0)`` take, the same cumulative sum in the hour
budgets), so ``tests/test_reference.py`` can demand equality to the last bit, week by week.
No ``exp`` or ``log`` is compiled: numpy's and LLVM's may differ in the last bit, so
those stay in numpy (the residents' ``exp``, between the two loops of
``model/residents_compiled.py``). ``sqrt``, ``+ − × ÷``, ``min`` and ``max``
are correctly rounded in both. The introductions and the handover book stay vectorised
(few calls, sorting and bookkeeping that a loop would not speed up). A centre's model or a
batch of seeds (``model/batch.py``) call the same functions: a week's centre-level numbers
come one per seed (``per_seed_values``).

The loops are compiled on first use and cached on disk (``cache=True``), so a second
process loads them instead of compiling; ``docs/performance.md`` has the numbers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import encounters, handover, transitions
from .forms import BINDING, LOOSE, Form
from .kinds import ActorKind
from .outcomes import OUTCOME_DRAWS, Outcomes

_EPS = 1e-9
#: Partners of one actor above which a merge sort beats an insertion sort (measured on a
#: health batch, ~27 partners a row: 48 was fastest of 24, 48, 64 and never).
_FEW = 48
_BINDING = np.array(BINDING, dtype=np.int64)
_LOOSE = np.array(LOOSE, dtype=np.int64)
_KS, _AL, _RE, _JA, _CC = (int(f) for f in (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT,
                                            Form.RESOURCE_EXCHANGE, Form.JOINT_ACTION,
                                            Form.CO_CREATION))  # fmt: skip
_HOUSING_SOCIAL = int(ActorKind.HOUSING_SOCIAL)


# ------------------------------------------------------------------ encounters
def draw_encounters(pairs, week, params, u):
    """Compiled :func:`model.encounters.draw_encounters`."""
    places, per_seed = per_seed_values(0.5 + np.asarray(week.shared_places, dtype=np.float64), len(u))
    return _draw_encounters(pairs.overlap, pairs.colocation_factor, pairs.familiarity, week.present, u,
                            float(params.encounter_rate), places, per_seed,
                            float(params.seek_familiar))  # fmt: skip


@njit(cache=True, nogil=True)
def _draw_encounters(overlap, colocation, fam, present, u, rate, places, per_seed, seek_familiar):
    met = np.zeros(len(fam), dtype=np.bool_)
    for k in range(len(fam)):
        chance = rate * overlap[k] * places[k // per_seed] * colocation[k] * (seek_familiar + fam[k])
        met[k] = present[k] and u[k] < chance
    return met


def seek_contacts(pairs, week, params, u):
    """Compiled :func:`model.encounters.seek_contacts`."""
    return _seek_contacts(pairs.interdependence, pairs.familiarity, week.present, u,
                          float(params.seek_contact_rate), float(params.seek_familiar))  # fmt: skip


@njit(cache=True, nogil=True)
def _seek_contacts(interdependence, fam, present, u, rate, seek_familiar):
    sought = np.zeros(len(fam), dtype=np.bool_)
    for k in range(len(fam)):
        chance = rate * interdependence[k] * (seek_familiar + fam[k])
        sought[k] = present[k] and u[k] < chance
    return sought


def learn_from_contact(pairs, contacts, params):
    """Compiled :func:`model.encounters.learn_from_contact`."""
    return _learn_from_contact(pairs.familiarity, contacts["introduced"], contacts["encountered"],
                               contacts["sought"], contacts["at_forum"], float(params.introduction_learning),
                               float(params.encounter_learning), float(params.forum_learning))  # fmt: skip


@njit(cache=True, nogil=True)
def _learn_from_contact(fam, introduced, encountered, sought, at_forum, intro_rate, meet_rate, forum_rate):
    out = fam.copy()
    for k in range(len(out)):
        f = out[k]
        if introduced[k]:
            f = f + intro_rate * (1.0 - f)
        if encountered[k]:
            f = f + meet_rate * (1.0 - f)
        if sought[k]:
            f = f + meet_rate * (1.0 - f)
        if at_forum[k]:
            f = f + forum_rate * (1.0 - f)
        out[k] = f
    return out


# ------------------------------------------------------------------ transitions
def take_up_and_drop(pairs, actors, week, params, spare, spare_binding, u):
    """Compiled :func:`model.transitions.take_up_and_drop` in one pass over pairs: each
    form's chance is computed only where the pair could take it up (most pairs, most
    weeks, cannot), so a week touches each pair once (issue 11, item 3). The same numbers
    as the vectorised steps (``tests/test_reference.py``, ``tests/test_batch.py``)."""
    p, a = pairs, actors
    forms = np.array([params.familiarity_to_enter, params.trust_to_enter, params.understanding_to_enter],
                     dtype=np.float64)  # fmt: skip
    enter, stay = 1.0 * forms, params.stay_factor * forms
    overview = params.no_overview_factor + (1.0 - params.no_overview_factor) * np.asarray(week.overview)
    overview, per_seed = per_seed_values(overview, len(p.iu))
    return _take_up_and_drop(p.iu, p.ju, p.held, p.familiarity, p.trust, p.understanding, p.shared_targets,
                             p.complementary, p.successes, p.interdependence, p.overlap, week.present,
                             week.mandate, week.cost, spare, spare_binding, a.affinity, a.risk_willingness,
                             a.cocreation_experience, a.kind, np.stack([enter, stay]),
                             1.0 * params.mandate_to_enter_deep,
                             params.stay_factor * params.mandate_to_enter_deep,
                             int(params.successes_for_cocreation),
                             np.asarray(params.upgrade_rate, dtype=np.float64),
                             float(params.same_hours_weight), overview, per_seed,
                             1.0 + params.housing_social_cocreation_bonus, float(params.downgrade_rate),
                             u)  # fmt: skip


@njit(cache=True, nogil=True)
def _take_up_and_drop(iu, ju, held, fam, trust, understanding, shared_targets, complementary, successes,
                      interdependence, overlap, present, mandate, cost, spare, spare_binding, affinity,
                      risk_willingness, experience, kind, bounds, mandate_to_enter, mandate_to_stay,
                      successes_needed, upgrade_rate, same_hours_weight, overview, per_seed,
                      housing_social_bonus, downgrade_rate, u):  # fmt: skip
    # The conditions of eligible_forms and the chance of uptake_chance
    # (model/transitions.py), written out per pair (a numba helper taking arrays, even
    # inlined, made this several times slower: measured).
    out = held.copy()  # row 0 (no form) is left as it is
    # Below every form's entry thresholds a pair holding nothing can take nothing up: it
    # is left as it is without looking at each form (most pairs of a large centre).
    lowest_f, lowest_t, lowest_s = bounds[0, 0, 1:].min(), bounds[0, 1, 1:].min(), bounds[0, 2, 1:].min()
    holds_any = np.zeros(held.shape[1], dtype=np.bool_)  # form row by form row (see _hours_in_use)
    for g in range(1, held.shape[0]):
        row = held[g]
        for k in range(len(row)):
            holds_any[k] |= row[k]
    for k in range(held.shape[1]):
        if not present[k]:
            for g in range(1, held.shape[0]):
                out[g, k] = False
            continue
        f, t, s, shared = fam[k], trust[k], understanding[k], shared_targets[k] > 0
        if (f < lowest_f or t < lowest_t or s < lowest_s) and not holds_any[k]:
            continue
        i, j = iu[k], ju[k]
        m = mandate[i] * mandate[j]
        for g in range(1, held.shape[0]):
            keeping = held[g, k]
            if keeping and not u[g, k] < downgrade_rate:
                continue  # a held form is dropped only on a draw below the downgrade rate
            b = 1 if keeping else 0  # thresholds to stay, or to enter
            ok = f >= bounds[b, 0, g] and t >= bounds[b, 1, g] and s >= bounds[b, 2, g]
            mandate_ok = m >= (mandate_to_stay if keeping else mandate_to_enter)
            if g == _AL:
                ok = ok and shared
            elif g == _RE:
                ok = ok and complementary[k]
            elif g == _JA:
                ok = ok and shared and mandate_ok
            elif g == _CC:
                ok = ok and successes[k] >= successes_needed and mandate_ok
            if keeping:
                out[g, k] = ok
                continue
            if ok and (g == _JA or g == _CC):
                c = cost[g, k]
                ok = c <= spare[i] and c <= spare[j] and c <= spare_binding[i] and c <= spare_binding[j]
            if ok:
                chance = upgrade_rate[g] * np.sqrt(affinity[i, g] * affinity[j, g])
                if g == 1:
                    chance = chance * 1.0
                elif g <= 3:
                    chance = chance * np.sqrt(m)
                elif g == 4:
                    chance = chance * m
                else:
                    chance = chance * (m * m)
                if g >= _AL:
                    chance = chance * (0.5 + interdependence[k])
                if g == _AL:
                    chance = (chance * (0.5 + 0.5 * min(same_hours_weight * overlap[k], 1.0))
                              * overview[k // per_seed])  # fmt: skip
                if g == _JA or g == _CC:
                    chance = chance * (0.5 + 0.5 * (risk_willingness[i] + risk_willingness[j]))
                if g == _CC:
                    both = 0.5 + 0.5 * (experience[i] + experience[j])
                    social = kind[i] == _HOUSING_SOCIAL or kind[j] == _HOUSING_SOCIAL
                    chance = chance * both * (housing_social_bonus if social else 1.0)
                ok = u[g, k] < chance
            out[g, k] = ok
    return out


# ------------------------------------------------------------------------ hours
def form_costs(pairs, params, system_level):
    """Compiled :func:`model.hours.form_costs` (``system_level`` one number or one per seed)."""
    relief = 1.0 - params.system_relief * np.asarray(system_level, dtype=np.float64)
    relief, per_seed = per_seed_values(relief, len(pairs.familiarity))
    return _form_costs(pairs.reach_factor, pairs.familiarity, np.asarray(params.form_cost, dtype=np.float64),
                       float(params.familiarity_cost), relief, per_seed)  # fmt: skip


@njit(cache=True, nogil=True)
def _form_costs(reach, fam, form_cost, familiarity_cost, relief, per_seed):
    cost = np.empty((len(form_cost), len(fam)))
    for k in range(len(fam)):
        per_pair = reach[k] * (1.0 + familiarity_cost * (1.0 - fam[k]))
        for g in range(len(form_cost)):
            per_form = form_cost[g] * 1.0
            if g == _KS or g == _AL:
                per_form = per_form * relief[k // per_seed]
            cost[g, k] = per_form * per_pair
    return cost


def hours_in_use(held, cost, iu, ju, n_rows: int):
    """Compiled :func:`model.hours.hours_in_use`."""
    return _hours_in_use(held, cost, iu, ju, n_rows)


@njit(cache=True, nogil=True)
def _hours_in_use(held, cost, iu, ju, n_rows):
    # As bincount(iu, w) + bincount(ju, w): each side summed in pair order, then added.
    total_i, total_j = np.zeros(n_rows), np.zeros(n_rows)
    binding_i, binding_j = np.zeros(n_rows), np.zeros(n_rows)
    # Which pairs hold anything, form row by form row (a pass the compiler vectorises;
    # reading a pair's five forms one pair at a time cost ~12 ns a pair at 1,000 actors).
    holds_any = np.zeros(len(iu), dtype=np.bool_)
    for g in range(1, held.shape[0]):
        row = held[g]
        for k in range(len(iu)):
            holds_any[k] |= row[k]
    for k in range(len(iu)):
        if not holds_any[k]:
            continue  # it would add +0.0 to both partners: no change, bit for bit
        pair_total = cost[1, k] * held[1, k]
        for g in range(2, held.shape[0]):
            pair_total = pair_total + cost[g, k] * held[g, k]
        pair_binding = cost[_JA, k] * held[_JA, k] + cost[_CC, k] * held[_CC, k]
        total_i[iu[k]] += pair_total
        total_j[ju[k]] += pair_total
        binding_i[iu[k]] += pair_binding
        binding_j[ju[k]] += pair_binding
    return total_i + total_j, binding_i + binding_j


def enforce_hour_budgets(held, cost, priority, budget, binding_budget, iu, ju, rows_per_seed=None):
    """Compiled :func:`model.hours.enforce_hour_budgets`; with ``rows_per_seed`` the rows
    are that many actors of each seed of a batch (``model/batch.py``), each seed settled
    exactly as if it ran alone."""
    rows = len(budget) if rows_per_seed is None else rows_per_seed
    return _enforce_hour_budgets(held, cost, priority, budget, binding_budget, iu, ju, _BINDING, _LOOSE,
                                 max(rows, 1))  # fmt: skip


@njit(cache=True, nogil=True)
def _enforce_hour_budgets(held, cost, priority, budget, binding_budget, iu, ju, binding, loose,
                          rows_per_seed):
    held = held.copy()
    _drop_misfits(held, cost, priority, binding_budget, iu, ju, binding, rows_per_seed)
    # The binding hours in use, as _hours_in_use sums them (pairs holding neither binding
    # form would add +0.0).
    binding_i, binding_j = np.zeros(len(budget)), np.zeros(len(budget))
    for k in range(len(iu)):
        if held[_JA, k] or held[_CC, k]:
            pair_binding = cost[_JA, k] * held[_JA, k] + cost[_CC, k] * held[_CC, k]
            binding_i[iu[k]] += pair_binding
            binding_j[ju[k]] += pair_binding
    _drop_misfits(held, cost, priority, budget - (binding_i + binding_j), iu, ju, loose, rows_per_seed)
    return held


@njit(cache=True, nogil=True)
def _drop_misfits(held, cost, priority, budget, iu, ju, forms, rows_per_seed):
    """The vectorised ``_drop_misfits`` step by step: the same items in the same order
    (form, then pair), the same lexicographic order (row, value descending, item) and the
    same running sum over all rows, less its value where each row's commitments begin.

    In a batch every seed is its own centre: its running sum starts at zero at its first
    row, and only a seed with someone over budget drops anything in a round (a seed that
    fits would have stopped)."""
    n_rows, n_pairs = len(budget), held.shape[1]
    n_seeds = (n_rows + rows_per_seed - 1) // rows_per_seed
    place = np.zeros(held.shape[0], dtype=np.int64)  # a form's place in ``forms``
    for i in range(len(forms)):
        place[forms[i]] = i
    # Each row's seed, looked up: an integer division per commitment costs more than the rest.
    seed_of = np.empty(n_rows, dtype=np.int64)
    for r in range(n_rows):
        seed_of[r] = r // rows_per_seed
    # Who is over budget at all (the first round's check, summed in the same order): a
    # seed where nobody is stops here, and its commitments are not listed.
    used_i, used_j = np.zeros(n_rows), np.zeros(n_rows)
    for f in forms:
        for k in range(held.shape[1]):
            if held[f, k]:
                used_i[iu[k]] += cost[f, k]
                used_j[ju[k]] += cost[f, k]
    settled = np.ones(n_seeds, dtype=np.bool_)  # seeds that fit: they stop, as alone
    for r in range(n_rows):
        if used_i[r] + used_j[r] > budget[r] + _EPS:
            settled[seed_of[r]] = False
    n = 0
    for f in forms:
        for k in range(held.shape[1]):
            if held[f, k] and not settled[seed_of[iu[k]]]:
                n += 1
    if n == 0:
        return
    all_gs = np.empty(n, dtype=np.int64)
    all_ks = np.empty(n, dtype=np.int64)
    n = 0
    for f in forms:
        for k in range(held.shape[1]):
            if held[f, k] and not settled[seed_of[iu[k]]]:
                all_gs[n], all_ks[n] = f, k
                n += 1
    while True:
        # The items still held, in their first order (a round only drops items), of the
        # seeds still settling.
        n = 0
        for item in range(len(all_gs)):
            if held[all_gs[item], all_ks[item]] and not settled[seed_of[iu[all_ks[item]]]]:
                all_gs[n], all_ks[n] = all_gs[item], all_ks[item]
                n += 1
        all_gs, all_ks = all_gs[:n], all_ks[:n]
        gs, ks = all_gs, all_ks
        used_i, used_j = np.zeros(n_rows), np.zeros(n_rows)
        for item in range(n):
            used_i[iu[ks[item]]] += cost[gs[item], ks[item]]
            used_j[ju[ks[item]]] += cost[gs[item], ks[item]]
        over = False
        seed_over = np.zeros(n_seeds, dtype=np.bool_)
        for r in range(n_rows):
            if used_i[r] + used_j[r] > budget[r] + _EPS:
                over = True
                seed_over[seed_of[r]] = True
        if not over:
            return
        settled |= ~seed_over
        # numpy.lexsort((items, -values, src)): commitments grouped by row (rows in order),
        # within a row by value, highest first, ties by item. A commitment's value is its
        # pair's, so each row sorts its *partners* (fewer than its commitments: a pair can
        # hold several forms) and then walks each run of equal values form by form, pair by
        # pair — the item order, as items are listed form by form, then pair by pair.
        # ``forms_of[k]``: the forms pair k holds at the round's start (bit i: forms[i]).
        forms_of = np.zeros(n_pairs, dtype=np.int64)
        for item in range(n):
            forms_of[ks[item]] |= 1 << place[gs[item]]
        start = np.zeros(n_rows + 1, dtype=np.int64)
        for k in range(n_pairs):
            if forms_of[k]:
                start[iu[k] + 1] += 1
                start[ju[k] + 1] += 1
        for r in range(n_rows):
            start[r + 1] += start[r]
        fill = start[:n_rows].copy()
        # Each row's bucket lists its partners' *entries*: an entry holds the pair, its
        # value, the forms it holds and their costs, side by side, so the sort and the
        # running sums below read one row's few kilobytes in sequence rather than pair
        # arrays spread over the whole centre (at 1,000 actors those reads missed the
        # cache). Pairs are visited in order, so a row's entries start in pair order,
        # which a stable sort keeps among equal values (insertion sort for the usual few
        # partners, merge sort for an actor with many).
        total = start[n_rows]
        bucket = np.empty(total, dtype=np.int64)  # entries, to be sorted by value
        key = np.empty(total)
        scratch = np.empty(total, dtype=np.int64)
        scratch_key = np.empty(total)
        entry_pair = np.empty(total, dtype=np.int64)
        entry_value = np.empty(total)
        entry_forms = np.empty(total, dtype=np.int64)
        entry_cost = np.empty((total, len(forms)))
        for k in range(n_pairs):
            if forms_of[k]:
                for row in (iu[k], ju[k]):
                    e = fill[row]
                    bucket[e], key[e] = e, priority[k]
                    entry_pair[e], entry_value[e], entry_forms[e] = k, priority[k], forms_of[k]
                    for i in range(len(forms)):
                        entry_cost[e, i] = cost[forms[i], k]
                    fill[row] += 1
        for r in range(n_rows):
            if not seed_over[seed_of[r]]:
                continue  # nothing of a seed that fits is dropped, so its order is not needed
            if start[r + 1] - start[r] > _FEW:
                _sort_by_value(bucket[start[r]: start[r + 1]], key[start[r]: start[r + 1]], scratch,
                               scratch_key)  # fmt: skip
                continue
            for pos in range(start[r] + 1, start[r + 1]):
                e, value = bucket[pos], key[pos]
                q = pos - 1
                while q >= start[r] and key[q] < value:
                    bucket[q + 1], key[q + 1] = bucket[q], key[q]
                    q -= 1
                bucket[q + 1], key[q + 1] = e, value
        # One running sum over all rows, less its value where each row begins (as the
        # vectorised cumsum does), so the sums agree to the last bit.
        spent = 0.0
        for r in range(n_rows):
            if r % rows_per_seed == 0:
                spent = 0.0
            if not seed_over[seed_of[r]]:
                continue
            before = spent
            pos = start[r]
            while pos < start[r + 1]:
                value = entry_value[bucket[pos]]
                end = pos + 1
                while end < start[r + 1] and entry_value[bucket[end]] == value:
                    end += 1
                for i in range(len(forms)):
                    for q in range(pos, end):
                        e = bucket[q]
                        if entry_forms[e] & (1 << i):
                            spent = spent + entry_cost[e, i]
                            if spent - before > budget[r] + _EPS:
                                held[forms[i], entry_pair[e]] = False
                pos = end


@njit(cache=True, nogil=True)
def _sort_by_value(segment, keys, scratch, scratch_keys):
    """Stable sort of one row's partners (in pair order) by their values ``keys``,
    highest first: a bottom-up merge sort (the order ``numpy.argsort(-values,
    kind="mergesort")`` gives) that allocates nothing (``scratch`` and ``scratch_keys``
    hold at least ``len(segment)`` items; ``keys`` is left in no useful order)."""
    n = len(segment)
    src, dst = segment, scratch[:n]
    src_key, dst_key = keys, scratch_keys[:n]
    in_segment = True
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, out = lo, mid, lo
            while i < mid and j < hi:
                if src_key[j] > src_key[i]:  # ties keep item order
                    dst[out], dst_key[out] = src[j], src_key[j]
                    j += 1
                else:
                    dst[out], dst_key[out] = src[i], src_key[i]
                    i += 1
                out += 1
            while i < mid:
                dst[out], dst_key[out] = src[i], src_key[i]
                i += 1
                out += 1
            while j < hi:
                dst[out], dst_key[out] = src[j], src_key[j]
                j += 1
                out += 1
        src, dst = dst, src
        src_key, dst_key = dst_key, src_key
        in_segment = not in_segment
        width *= 2
    if not in_segment:
        segment[:] = src


# --------------------------------------------------------------------- outcomes
def realise_outcomes(pairs, actors, week, params, u) -> Outcomes:
    """Compiled :func:`model.outcomes.realise_outcomes`."""
    p, a = pairs, actors
    overview = params.no_overview_factor + (1.0 - params.no_overview_factor) * np.asarray(week.overview)
    overview, per_seed = per_seed_values(overview, len(p.iu))
    capacity, _ = per_seed_values(params.crowding_capacity * (1.0 + np.asarray(week.booking)), len(p.iu))
    w = params.exchange_familiarity_weight
    numbers = np.array([
        params.referral_rate, params.exchange_rate,
        params.exchange_success, 1.0 - w, w, params.crowding_penalty, 1.0 / params.joint_action_weeks,
        params.joint_action_success, params.trust_weight, params.joint_trust_pivot, params.anchoring_bonus,
        params.min_success_chance, params.max_success_chance, 1.0 / params.cocreation_weeks,
        params.cocreation_success, params.cocreation_trust_pivot, params.experience_weight,
        params.fresh_partner_weeks, params.tunnel_weeks, params.fresh_partner_novelty,
    ], dtype=np.float64)  # fmt: skip
    masks = _realise_outcomes(p.iu, p.ju, p.held, p.shared_targets, p.familiarity, p.trust,
                              p.cocreation_weeks, a.permanent, a.cocreation_experience, len(a.active),
                              numbers, overview, capacity, per_seed,
                              *(u[name] for name in OUTCOME_DRAWS))  # fmt: skip
    return Outcomes(*masks)


@njit(cache=True, nogil=True)
def _realise_outcomes(iu, ju, held, shared_targets, fam, trust, cocreation_weeks, permanent, experience,
                      n_rows, numbers, overviews, capacities, per_seed, u_referral, u_exchange, u_exchange_ok,
                      u_joint_done, u_joint_ok, u_cocreation_done, u_cocreation_ok, u_novel):  # fmt: skip
    (referral_rate, exchange_rate, exchange_success_rate, familiarity_floor, w,
     crowding_penalty, joint_done_chance, joint_action_success, trust_weight, joint_trust_pivot,
     anchoring_bonus, lowest, highest, cocreation_done_chance, cocreation_success_rate,
     cocreation_trust_pivot, experience_weight, fresh_partner_weeks, tunnel_weeks,
     fresh_partner_novelty) = numbers  # fmt: skip
    n = len(iu)
    # Per-actor counts as count_per_actor does: bincount over each side, then added.
    crowd_i, crowd_j = np.zeros(n_rows), np.zeros(n_rows)
    fresh_i, fresh_j = np.zeros(n_rows), np.zeros(n_rows)
    fresh_tie = np.zeros(n, dtype=np.bool_)
    for k in range(n):
        exchanging = 1.0 if held[_RE, k] else 0.0
        crowd_i[iu[k]] += exchanging
        crowd_j[ju[k]] += exchanging
        fresh_tie[k] = held[_CC, k] and cocreation_weeks[k] < fresh_partner_weeks
        own = 1.0 if fresh_tie[k] else 0.0
        fresh_i[iu[k]] += own
        fresh_j[ju[k]] += own
    crowd = crowd_i + crowd_j
    fresh = fresh_i + fresh_j
    referral = np.zeros(n, dtype=np.bool_)
    exchange_success = np.zeros(n, dtype=np.bool_)
    exchange_failure = np.zeros(n, dtype=np.bool_)
    joint_offer = np.zeros(n, dtype=np.bool_)
    joint_failure = np.zeros(n, dtype=np.bool_)
    cocreation_success = np.zeros(n, dtype=np.bool_)
    cocreation_failure = np.zeros(n, dtype=np.bool_)
    new_initiative = np.zeros(n, dtype=np.bool_)
    for k in range(n):
        i, j = iu[k], ju[k]
        overview, capacity = overviews[k // per_seed], capacities[k // per_seed]
        anchored = 1.0 if (permanent[i] or permanent[j]) else 0.0
        if held[_AL, k]:
            referral[k] = u_referral[k] < referral_rate * min(shared_targets[k], 3) * overview
        if held[_RE, k] and u_exchange[k] < exchange_rate:
            excess = max(crowd[i] - capacity, 0.0) + max(crowd[j] - capacity, 0.0)
            ok_chance = (exchange_success_rate * (familiarity_floor + w * fam[k])
                         / (1.0 + crowding_penalty * excess))  # fmt: skip
            won = u_exchange_ok[k] < ok_chance
            exchange_success[k] = won
            exchange_failure[k] = not won
        if held[_JA, k] and u_joint_done[k] < joint_done_chance:
            chance = (joint_action_success + trust_weight * (trust[k] - joint_trust_pivot)
                      + anchoring_bonus * anchored)  # fmt: skip
            won = u_joint_ok[k] < min(max(chance, lowest), highest)
            joint_offer[k] = won
            joint_failure[k] = not won
        if held[_CC, k] and u_cocreation_done[k] < cocreation_done_chance:
            shared_experience = 0.5 * (experience[i] + experience[j])
            chance = (cocreation_success_rate + trust_weight * (trust[k] - cocreation_trust_pivot)
                      + experience_weight * shared_experience + anchoring_bonus * anchored)  # fmt: skip
            won = u_cocreation_ok[k] < min(max(chance, lowest), highest)
            cocreation_success[k] = won
            cocreation_failure[k] = not won
            own = 1.0 if fresh_tie[k] else 0.0
            joined = 1.0 if ((fresh[i] - own) > 0 or (fresh[j] - own) > 0) else 0.0
            novelty = min(tunnel_weeks / (tunnel_weeks + cocreation_weeks[k])
                          + fresh_partner_novelty * joined, 1.0)  # fmt: skip
            new_initiative[k] = won and u_novel[k] < novelty
    return (referral, exchange_success, exchange_failure, joint_offer, joint_failure, cocreation_success,
            cocreation_failure, new_initiative)  # fmt: skip


# -------------------------------------------------------------------- relations
def update_trust(pairs, working, successes, failures, params):
    """Compiled :func:`model.relations.update_trust`."""
    return _update_trust(pairs.trust, working, successes, failures, float(params.trust_gain_contact),
                         float(params.trust_gain_success), float(params.trust_loss_failure))  # fmt: skip


@njit(cache=True, nogil=True)
def _update_trust(trust, working, successes, failures, gain_contact, gain_success, loss_failure):
    out = trust.copy()
    for k in range(len(out)):
        t = out[k]
        if working[k]:
            t = t + gain_contact * (1.0 - t)
        if successes[k] > 0:
            t = t + gain_success * (1.0 - t)
        if failures[k] > 0:
            t = t - loss_failure * t
        out[k] = min(max(t, 0.0), 1.0)
    return out


def fade_relations(pairs, contact, week, params):
    """Compiled :func:`model.relations.fade_relations`."""
    factor = 1.0 - (1.0 - params.system_decay_factor) * np.asarray(week.upkeep)
    keep, per_seed = per_seed_values(1.0 - params.familiarity_decay * factor, len(contact))
    pull, _ = per_seed_values(params.trust_decay * factor, len(contact))
    return _fade_relations(pairs.familiarity, pairs.trust, week.present, contact, keep, pull, per_seed,
                           float(params.baseline_trust))  # fmt: skip


@njit(cache=True, nogil=True)
def _fade_relations(fam, trust, present, contact, keep_familiarity, trust_pull, per_seed, baseline):
    fam, trust = fam.copy(), trust.copy()
    for k in range(len(fam)):
        if present[k] and not contact[k]:
            fam[k] = fam[k] * keep_familiarity[k // per_seed]
            trust[k] = trust[k] - trust_pull[k // per_seed] * (trust[k] - baseline)
    return fam, trust


def build_understanding(pairs, at_forum, week, params):
    """Compiled :func:`model.relations.build_understanding`."""
    return _build_understanding(pairs.understanding, pairs.held, week.present, at_forum,
                                float(params.understanding_gain),
                                1.0 - params.understanding_decay)  # fmt: skip


@njit(cache=True, nogil=True)
def _build_understanding(understanding, held, present, at_forum, gain, keep):
    out = np.empty_like(understanding)
    for k in range(len(understanding)):
        u = understanding[k]
        if present[k] and (held[_AL, k] or held[_JA, k] or held[_CC, k] or at_forum[k]):
            out[k] = u + gain * (1.0 - u)
        else:
            out[k] = u * keep
    return out


def advance_pair_clocks(pairs, successes, failures) -> None:
    """Compiled :func:`model.pairs.advance_pair_clocks`, in place, in one pass over pairs."""
    _advance_pair_clocks(pairs.held, pairs.weeks_held, pairs.cocreation_weeks, pairs.successes,
                         pairs.failures, successes, failures)  # fmt: skip


@njit(cache=True, nogil=True)
def _advance_pair_clocks(held, weeks_held, cocreation_weeks, successes, failures, won, lost):
    # Form row by form row, then pair by pair: passes over contiguous rows, which the
    # compiler vectorises (a pair's six forms read one pair at a time are six strides apart).
    for g in range(held.shape[0]):
        row, weeks = held[g], weeks_held[g]
        for k in range(len(row)):
            weeks[k] = weeks[k] + 1 if row[k] else 0
    co_creating = held[_CC]
    for k in range(held.shape[1]):
        cocreation_weeks[k] += co_creating[k]
        successes[k] += won[k]
        failures[k] += lost[k]


def per_seed_values(values, n_pairs: int) -> tuple[np.ndarray, int]:
    """A week's centre-level number as an array with one value per seed, and the pairs
    per seed: a single centre passes a number, a batch (``model/batch.py``) passes one
    per seed, its pairs in equal consecutive blocks (pair ``k`` is in seed ``k // per_seed``)."""
    values = np.atleast_1d(np.asarray(values, dtype=np.float64))
    return values, max(n_pairs // len(values), 1)


#: Kept vectorised (see the module docstring).
choose_introductions = encounters.choose_introductions
#: The separate steps of taking forms up: the model calls ``take_up_and_drop`` (one pass
#: over pairs here), so the compiled set keeps their vectorised versions for completeness.
eligible_forms = transitions.eligible_forms
uptake_chance = transitions.uptake_chance
update_palette = transitions.update_palette
continue_handover = handover.continue_handover


# ------------------------------------------------------------- the week's record
def tally_pairs(pairs, active, outcomes) -> tuple:
    """Compiled :func:`model.pairs.tally_pairs`: one pass over the pairs."""
    masks = tuple(getattr(outcomes, name) for name in outcomes.__dataclass_fields__)
    present, palettes, events, n_present, trust, familiarity = tally_seeds(
        pairs.held, active, pairs.iu, pairs.ju, masks, pairs.trust, pairs.familiarity, len(pairs.iu), 1)
    return present, palettes[0], events[0], int(n_present[0]), float(trust[0]), float(familiarity[0])


@njit(cache=True, nogil=True)
def tally_seeds(held, active, iu, ju, masks, trust, familiarity, per_seed, n_seeds):
    """One pass over the pairs for a week's record. Per seed: the present pairs (both
    partners active) by palette (forms 1-5 as the bits of 0-31, form 1 highest, as
    ``numpy.packbits`` orders them), each outcome's events, the present pairs, and their
    trust and familiarity summed in numpy's own order (``_pairwise_sum``), so a seed's
    sums have the bits of that seed's model run alone. Also returns the present mask."""
    n_pairs = held.shape[1]
    present = np.empty(n_pairs, dtype=np.bool_)
    palettes = np.zeros((n_seeds, 32), dtype=np.int64)
    events = np.zeros((n_seeds, len(masks)), dtype=np.int64)
    n_present = np.zeros(n_seeds, dtype=np.int64)
    trust_sums = np.zeros(n_seeds)
    familiarity_sums = np.zeros(n_seeds)
    trust_kept = np.empty(per_seed)
    familiarity_kept = np.empty(per_seed)
    for j in range(len(masks)):
        mask = masks[j]
        for s in range(n_seeds):
            count = 0
            for k in range(s * per_seed, (s + 1) * per_seed):
                count += mask[k]
            events[s, j] = count
    # Each pair's palette code, form row by form row (contiguous passes; see _hours_in_use).
    code = np.zeros(n_pairs, dtype=np.int64)
    for g in range(1, held.shape[0]):
        row = held[g]
        for k in range(n_pairs):
            code[k] = 2 * code[k] + row[k]
    for s in range(n_seeds):
        n = 0
        for k in range(s * per_seed, (s + 1) * per_seed):
            here = active[iu[k]] and active[ju[k]]
            present[k] = here
            if here:
                palettes[s, code[k]] += 1
                trust_kept[n] = trust[k]
                familiarity_kept[n] = familiarity[k]
                n += 1
        n_present[s] = n
        trust_sums[s] = 0.0 + _pairwise_sum(trust_kept, 0, n)
        familiarity_sums[s] = 0.0 + _pairwise_sum(familiarity_kept, 0, n)
    return present, palettes, events, n_present, trust_sums, familiarity_sums


@njit(cache=True, nogil=True)
def _block_sum(a, lo, n):
    """numpy's sum of at most 128 items: 8 accumulators, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    m = n - (n % 8)
    while i < m:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True, nogil=True)
def _pairwise_sum(a, lo, n):
    """numpy's pairwise summation of ``a[lo:lo + n]`` (``numpy/_core/src/umath/
    loops_utils.h.src``): blocks of at most 128 items, halves (multiples of 8) above,
    evaluated with an explicit stack instead of recursion."""
    if n <= 128:
        return _block_sum(a, lo, n)
    # Post-order walk of the halving tree: (lo, n, visited) nodes and a stack of sums.
    nodes_lo = np.empty(128, dtype=np.int64)
    nodes_n = np.empty(128, dtype=np.int64)
    nodes_seen = np.zeros(128, dtype=np.bool_)
    sums = np.empty(128)
    top, n_sums = 0, 0
    nodes_lo[0], nodes_n[0], nodes_seen[0] = lo, n, False
    while top >= 0:
        start, size, seen = nodes_lo[top], nodes_n[top], nodes_seen[top]
        if size <= 128:
            sums[n_sums] = _block_sum(a, start, size)
            n_sums += 1
            top -= 1
        elif seen:
            sums[n_sums - 2] = sums[n_sums - 2] + sums[n_sums - 1]
            n_sums -= 1
            top -= 1
        else:
            half = size // 2
            half -= half % 8
            nodes_seen[top] = True
            # The left half is summed first, so it is pushed last.
            nodes_lo[top + 1], nodes_n[top + 1], nodes_seen[top + 1] = start + half, size - half, False
            nodes_lo[top + 2], nodes_n[top + 2], nodes_seen[top + 2] = start, half, False
            top += 2
    return sums[0]
