"""The residents' week (``residents.residents_week``) as two compiled loops, and the
resident tips (``residents.resident_links``) as one, for a batch of seeds
(``model/batch.py``), bit-identical to the numpy versions.

Why: on a batch's (seeds × 7 groups) cohorts the numpy version is ~60 calls on arrays of a
few hundred numbers, so its cost is the calls, not the arithmetic: 1.35 ms of a 10 ms
week at 100 seeds × 18 actors, where these loops take about a fifth of that
(``docs/performance.md`` § 11). Every formula keeps the numpy version's order of
floating-point operations: sums over actors or pairs in row order, sums over the 7 groups
from 0 in group order (numpy adds fewer than 8 numbers one after another), products and
quotients left to right. The one ``exp`` (the chance that contacts reach a resident)
stays in numpy between the two loops, as ``model/compiled.py`` explains.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .kinds import ActorKind
from .residents import _FULL_HOUSE_SLOTS, _GROW, _TROW, ResidentParams

_VOLUNTEER = int(ActorKind.VOLUNTEER)
#: Rows of the residents' weekly group draws (numba reads module constants, not dicts).
_DRIFT, _DRIFT_REFERRED, _DRIFT_JOINT = _GROW["drift"], _GROW["drift_referred"], _GROW["drift_joint"]
_REACH, _REFERRAL, _JOINT = _GROW["reach"], _GROW["referral"], _GROW["joint"]
_HAPPENS, _GROUP, _TELLER, _TOLD = _TROW["happens"], _TROW["group"], _TROW["teller"], _TROW["told"]


def residents_week(res, actors, pairs, outcomes, targets: np.ndarray, shared_places: np.ndarray,
                   nearness: np.ndarray, rp: ResidentParams, max_enthusiasts: int,
                   u_group: np.ndarray, u_volunteer: np.ndarray):  # fmt: skip
    """As :func:`model.residents.residents_week` on a batch's (S, G) cohorts: ``targets``
    (S, A, G), actor arrays of S·A rows, pair arrays of S·P pairs, ``shared_places`` (S,)
    (one per seed), ``u_group`` (S, 6, G), ``u_volunteer`` (S·A,). Updates the cohorts and
    the actors' enthusiasts in place; returns (completed referrals (S, G), new resident
    enthusiasts per actor row)."""
    a = actors
    exponent, reachable = _drift_and_contacts(
        a.active, a.kind, a.enthusiasts, a.presence, a.capacity_hours, a.hours_factor, a.core_load,
        nearness, shared_places, targets, res.size, res.reached, res.referred, res.in_joint, u_group,
        rp.outside_reach, rp.cafe_draw, rp.contacts_per_offer_hour, rp.word_of_mouth, rp.hard_to_reach,
        rp.drift_rate, rp.referred_drift, rp.joint_weeks)  # fmt: skip
    chance = 1.0 - np.exp(exponent)
    joins = np.zeros(len(a.active), dtype=np.int16)
    completed = _reach_refer_join(
        chance, reachable, res.size, res.reached, res.referred, res.in_joint, u_group, pairs.iu, pairs.ju,
        pairs.overlap, a.targets, outcomes.referral, outcomes.joint_offer, outcomes.new_initiative,
        targets, a.active, a.kind, a.enthusiasts, u_volunteer, joins, max_enthusiasts,
        rp.referral_completion, rp.same_hours_completion, rp.residents_per_joint_offer,
        rp.residents_per_initiative + rp.cocreators_per_initiative, rp.hard_to_reach,
        rp.volunteer_rate)  # fmt: skip
    return completed, joins


@njit(cache=True, nogil=True)
def _drift_and_contacts(active, kind, enthusiasts, presence, capacity_hours, hours_factor, core_load,
                        nearness, shared_places, targets, size, reached, referred, in_joint, u_group,
                        outside_reach, cafe_draw, contacts_per_offer_hour, word_of_mouth, hard_to_reach,
                        drift_rate, referred_drift, joint_weeks):  # fmt: skip
    """``offer_reach``, ``resident_voices``, ``residents_drift_away`` (applied) and
    ``reach_residents`` up to its ``exp``: returns (−contacts / size, reachable), (S, G)."""
    S, A, G = targets.shape
    exponent = np.empty((S, G))
    reachable = np.empty((S, G))
    contacts = np.empty(G)
    voices = np.empty(G)
    for s in range(S):
        contacts[:] = 0.0
        voices[:] = 0.0
        for i in range(A):
            row = s * A + i
            if active[row]:
                slots = 0
                for slot in range(presence.shape[1]):
                    if presence[row, slot]:
                        slots += 1
                in_house = min(slots / _FULL_HOUSE_SLOTS, 1.0)
                hours = capacity_hours[row] * hours_factor[row] * core_load[row] * nearness[row]
                place = outside_reach + in_house * (1.0 + cafe_draw * shared_places[s])
                reach = hours * place * contacts_per_offer_hour
            else:
                reach = 0.0
            n_groups = 0.0
            for g in range(G):
                n_groups += targets[s, i, g]
            weight = reach / max(n_groups, 1.0)
            voice = float(enthusiasts[row]) if active[row] and kind[row] == _VOLUNTEER else 0.0
            for g in range(G):
                contacts[g] += weight * targets[s, i, g]
                voices[g] += voice * targets[s, i, g]
        for g in range(G):
            left_reached = min(np.floor(reached[s, g] * drift_rate + u_group[s, _DRIFT, g]), reached[s, g])
            left_referred = min(np.floor(referred[s, g] * drift_rate * referred_drift
                                         + u_group[s, _DRIFT_REFERRED, g]), referred[s, g])  # fmt: skip
            left_joint = min(np.floor(in_joint[s, g] / joint_weeks + u_group[s, _DRIFT_JOINT, g]),
                             in_joint[s, g])  # fmt: skip
            reached[s, g] -= left_reached
            referred[s, g] -= left_referred
            in_joint[s, g] -= left_joint
            met = contacts[g] * (1.0 + word_of_mouth * voices[g])
            reachable[s, g] = max((1.0 - hard_to_reach) * size[s, g] - reached[s, g] - referred[s, g], 0.0)
            exponent[s, g] = -met / max(size[s, g], 1.0)
    return exponent, reachable


@njit(cache=True, nogil=True)
def _group_shares(bits_i, bits_j, union, out):
    """``pair_groups`` for one pair: its event spread evenly over the groups both partners
    aim at (either, for ``union`` or when they share none)."""
    both = bits_i & bits_j
    bits = bits_i | bits_j if union or both == 0 else both
    n = 0.0
    for g in range(len(out)):
        out[g] = float((bits >> g) & 1)
        n += out[g]
    n = max(n, 1.0)
    for g in range(len(out)):
        out[g] = out[g] / n


@njit(cache=True, nogil=True)
def _reach_refer_join(chance, reachable, size, reached, referred, in_joint, u_group, iu, ju, overlap,
                      target_bits, referral, joint_offer, new_initiative, targets, active, kind, enthusiasts,
                      u_volunteer, joins, max_enthusiasts, referral_completion, same_hours_completion,
                      per_joint_offer, per_initiative, hard_to_reach, volunteer_rate):  # fmt: skip
    """The rest of ``reach_residents``, then ``complete_referrals``, ``reach_jointly`` and
    ``residents_volunteer``; fills ``joins`` and returns the completed referrals (S, G)."""
    S, A, G = targets.shape
    P = len(iu) // S
    completed = np.zeros((S, G))
    expected = np.empty(G)
    joint = np.empty(G)
    initiated = np.empty(G)
    share = np.empty(G)
    exact = np.empty(G)
    whole = np.empty(G)
    for s in range(S):
        for g in range(G):
            new = min(np.floor(reachable[s, g] * chance[s, g] + u_group[s, _REACH, g]), reachable[s, g])
            reached[s, g] += new
        # complete_referrals: each referral's chance, spread over its groups, summed in pair order
        expected[:] = 0.0
        joint[:] = 0.0
        initiated[:] = 0.0
        for k in range(s * P, (s + 1) * P):
            if referral[k]:
                arrive = referral_completion + same_hours_completion * min(3.0 * overlap[k], 1.0)
                _group_shares(target_bits[iu[k]], target_bits[ju[k]], False, share)
                for g in range(G):
                    expected[g] += arrive * share[g]
            if joint_offer[k]:
                _group_shares(target_bits[iu[k]], target_bits[ju[k]], False, share)
                for g in range(G):
                    joint[g] += share[g]
            if new_initiative[k]:
                _group_shares(target_bits[iu[k]], target_bits[ju[k]], True, share)
                for g in range(G):
                    initiated[g] += share[g]
        # One resident per referral at most: round the week's total, share it out (apportion).
        w_sum = 0.0
        for g in range(G):
            w_sum += expected[g]
        total = np.floor(w_sum + u_group[s, _REFERRAL, 0])
        if total > 0 and w_sum > 0:
            parts_sum = 0.0
            for g in range(G):
                exact[g] = total * expected[g] / w_sum
                whole[g] = np.floor(exact[g])
                parts_sum += whole[g]
            rest = total - parts_sum  # whole numbers: numpy's round leaves them as they are
            for g in range(G):
                # rank in a stable sort of −(exact − whole): larger remainders first, ties by group
                key = -(exact[g] - whole[g])
                rank = 0
                for h in range(G):
                    other = -(exact[h] - whole[h])
                    if other < key or (other == key and h < g):
                        rank += 1
                part = whole[g] + (1.0 if rank < rest else 0.0)
                completed[s, g] = min(part, reached[s, g])
        else:
            for g in range(G):
                completed[s, g] = min(0.0, reached[s, g])
        for g in range(G):
            reached[s, g] -= completed[s, g]
            referred[s, g] += completed[s, g]
        # reach_jointly
        for g in range(G):
            room = max(hard_to_reach * size[s, g] - in_joint[s, g], 0.0)
            brought = per_joint_offer * joint[g] + per_initiative * initiated[g]
            in_joint[s, g] += min(np.floor(brought + u_group[s, _JOINT, g]), room)
        # residents_volunteer
        for i in range(A):
            row = s * A + i
            if not (active[row] and kind[row] == _VOLUNTEER and enthusiasts[row] < max_enthusiasts):
                continue
            engaged = 0.0
            aimed = 0.0
            for g in range(G):
                engaged += (referred[s, g] + in_joint[s, g]) * targets[s, i, g]
                aimed += size[s, g] * targets[s, i, g]
            if u_volunteer[row] < volunteer_rate * engaged / max(aimed, 1.0):
                joins[row] = 1
                enthusiasts[row] += 1
    return completed


def resident_links(res, actors, targets: np.ndarray, shared_places: np.ndarray, rp: ResidentParams,
                   u_tips: np.ndarray, present: np.ndarray,
                   encountered: np.ndarray) -> np.ndarray:  # fmt: skip
    """As :func:`model.residents.resident_links` on a batch (cohorts (S, G), ``targets``
    (S, A, G), ``u_tips`` (S, 4, max_tips)), then what the batch does with its pairs: the
    present ones are marked in ``encountered``. Returns each seed's distinct pairs put in
    touch (S,), as floats."""
    return _tips(res.size, res.reached, res.referred, res.in_joint, shared_places, rp.tip_rate, u_tips,
                 targets, actors.active, actors.presence, present, encountered)  # fmt: skip


@njit(cache=True, nogil=True)
def _pick(weights, u):
    """``residents._pick`` for one row: a column drawn by weight (−1 if all are 0)."""
    total = 0.0
    for w in weights:
        total += w
    if not total > 0:
        return -1
    x = u * total
    cum, index = 0.0, 0
    for k in range(len(weights)):
        cum = weights[k] if k == 0 else cum + weights[k]
        if cum <= x:
            index += 1
    return min(index, len(weights) - 1)


@njit(cache=True, nogil=True)
def _tips(size, reached, referred, in_joint, shared_places, tip_rate, u_tips, targets, active, presence,
          present, encountered):  # fmt: skip
    S, A, G = targets.shape
    P = len(present) // S
    n_links = np.zeros(S)
    in_touch = np.empty(G)
    aiming = np.empty(A)
    in_house = np.empty(A)
    met = np.empty(u_tips.shape[2], dtype=np.int64)
    for s in range(S):
        touched, residents = 0.0, 0.0
        for g in range(G):
            in_touch[g] = reached[s, g] + referred[s, g] + in_joint[s, g]
            touched += in_touch[g]
            residents += size[s, g]
        chance = tip_rate * shared_places[s] * touched / max(residents, 1.0)
        n_met = 0
        for m in range(u_tips.shape[2]):
            if not u_tips[s, _HAPPENS, m] < chance:
                continue
            group = _pick(in_touch, u_tips[s, _GROUP, m])
            if group < 0:
                continue
            for i in range(A):
                row = s * A + i
                aiming[i] = targets[s, i, group] * (1.0 if active[row] else 0.0)
                slots = 0
                for slot in range(presence.shape[1]):
                    if presence[row, slot]:
                        slots += 1
                in_house[i] = aiming[i] * min(slots / _FULL_HOUSE_SLOTS, 1.0)
            teller = _pick(in_house, u_tips[s, _TELLER, m])
            if teller < 0:
                continue
            aiming[teller] = 0.0
            told = _pick(aiming, u_tips[s, _TOLD, m])
            if told < 0:
                continue
            lo, hi = min(teller, told), max(teller, told)
            k = s * P + lo * A - lo * (lo + 1) // 2 + (hi - lo - 1)
            if not present[k]:
                continue
            seen = False
            for n in range(n_met):
                seen = seen or met[n] == k
            if not seen:
                met[n_met] = k
                n_met += 1
                encountered[k] = True
        n_links[s] = n_met
    return n_links


__all__ = ["resident_links", "residents_week"]
