"""Taking over a leaver's relations — over weeks and at a cost in hours.

*Del 3, "Saml en bred palet af faste aktører i huset"*: a broad palette of permanent
actors can step in and support each other when someone is strained or has to move out.
Stepping in is work: a permanent colleague who knew the leaver gets to know the leaver's
partners over ``handover_weeks``, spending ``handover_hours`` a week on each relation it
takes over, and only while it has those hours. It never reaches more than
``handover_share`` of what the leaver had, so losing an actor cannot add relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .forms import Form
from .pairs import condensed_index
from .params import ModelParams


@dataclass
class Handovers:
    """Relations being taken over: one entry per (taker, partner)."""

    taker: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    partner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    target_familiarity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target_trust: np.ndarray = field(default_factory=lambda: np.zeros(0))
    weeks_left: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.taker)

    def add(self, taker, partner, fam, trust, weeks: int) -> None:
        def more(old, new, dtype):
            return np.concatenate([old, np.atleast_1d(np.asarray(new, dtype=dtype))])

        self.taker = more(self.taker, taker, np.int64)
        self.partner = more(self.partner, partner, np.int64)
        self.target_familiarity = more(self.target_familiarity, fam, np.float64)
        self.target_trust = more(self.target_trust, trust, np.float64)
        self.weeks_left = more(self.weeks_left, np.full(len(np.atleast_1d(taker)), weeks), np.int64)

    def keep(self, mask: np.ndarray) -> None:
        for name in ("taker", "partner", "target_familiarity", "target_trust", "weeks_left"):
            setattr(self, name, getattr(self, name)[mask])


def start_handover(pairs, actors, row: int, book: Handovers, params: ModelParams) -> None:
    """Who takes over each relation of a leaving actor ``row``.

    Each partner the leaver held any form with gets one taker: the permanent actor who
    knows the leaver best (at least enough to share knowledge), other than the partner.
    A relation nobody permanent can take over is lost.
    """
    p, a = pairs, actors
    others, ks = p.partner_index(row)
    here = a.active[others]
    tied = here & p.held[1:, ks].any(axis=0)
    partners = others[tied]
    knows = p.familiarity[ks]
    can_take = here & a.permanent[others] & (knows >= params.familiarity_to_enter[Form.KNOWLEDGE_SHARING])
    takers, taker_knowledge = others[can_take], knows[can_take]
    if len(partners) == 0 or len(takers) == 0:
        return
    order = np.lexsort((takers, -taker_knowledge))  # best-known colleague first, then row
    ranked = takers[order].tolist()
    booked = set(zip(book.taker.tolist(), book.partner.tolist(), strict=True))
    chosen_takers, chosen_partners = [], []
    for partner in partners.tolist():
        candidates = [t for t in ranked[:2] if t != partner]
        if not candidates:
            continue
        taker = candidates[0]
        if (taker, partner) in booked or (partner, taker) in booked:
            continue  # the two already get to know each other through another entry
        booked.add((taker, partner))
        chosen_takers.append(taker)
        chosen_partners.append(partner)
    if chosen_takers:
        k_leaver = condensed_index(row, np.array(chosen_partners), p.capacity)
        book.add(chosen_takers, chosen_partners, params.handover_share * p.familiarity[k_leaver],
                 params.handover_share * p.trust[k_leaver], params.handover_weeks)


def continue_handover(pairs, actors, book: Handovers, spare: np.ndarray, params: ModelParams):
    """One week of taking over: each entry whose taker still has the hours (in entry
    order) closes ``1 / weeks_left`` of the gap to its targets. Returns (familiarity,
    trust, hours spent per actor); finished or orphaned entries leave the book."""
    p, a = pairs, actors
    fam, trust = p.familiarity.copy(), p.trust.copy()
    hours = np.zeros(len(spare))
    if len(book) == 0:
        return fam, trust, hours
    alive = a.active[book.taker] & a.active[book.partner]
    # Hours each entry's taker has spent on its entries up to this one (in entry order):
    # the live entries so far times handover_hours (a count, so the sum is exact).
    order = np.lexsort((np.arange(len(book)), book.taker))
    cum = np.cumsum(alive[order])
    takers_sorted = book.taker[order]
    start = np.flatnonzero(np.concatenate([[True], takers_sorted[1:] != takers_sorted[:-1]]))
    before = np.concatenate([[0], cum])[start]
    live_so_far = np.zeros(len(book), dtype=np.int64)
    live_so_far[order] = cum - np.repeat(before, np.diff(np.concatenate([start, [len(order)]])))
    spent = live_so_far * params.handover_hours
    works = alive & (spent <= spare[book.taker] + 1e-9)
    k = pair_positions(p, book.taker[works], book.partner[works])
    step = 1.0 / book.weeks_left[works]
    fam[k] = fam[k] + np.maximum(book.target_familiarity[works] - fam[k], 0.0) * step
    trust[k] = trust[k] + np.maximum(book.target_trust[works] - trust[k], 0.0) * step
    hours += np.bincount(book.taker[works], np.full(works.sum(), params.handover_hours), minlength=len(spare))
    book.weeks_left[works] -= 1
    book.keep(alive & (book.weeks_left > 0))
    return fam, trust, hours


def pair_positions(pairs, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Positions of pairs (i, j): in one centre's arrays, or — when ``pairs`` is a batch's
    (``rows_per_seed`` actor rows and ``pairs_per_seed`` pairs a seed, ``model/batch.py``)
    — of two rows of the same seed."""
    per_seed = getattr(pairs, "rows_per_seed", None)
    if per_seed is None:
        return condensed_index(i, j, pairs.capacity)
    return condensed_index(i % per_seed, j % per_seed, per_seed) + (i // per_seed) * pairs.pairs_per_seed


def continue_handover_reference(pairs, actors, book: Handovers, spare, params):
    p, a = pairs, actors
    fam, trust = p.familiarity.copy(), p.trust.copy()
    hours = np.zeros(len(spare))
    live: dict[int, int] = {}
    keep = np.zeros(len(book), dtype=bool)
    for n in range(len(book)):
        t, q = int(book.taker[n]), int(book.partner[n])
        if not (a.active[t] and a.active[q]):
            continue
        live[t] = live.get(t, 0) + 1
        if live[t] * params.handover_hours <= spare[t] + 1e-9:
            k = condensed_index(t, q, p.capacity)
            step = 1.0 / book.weeks_left[n]
            fam[k] = fam[k] + max(book.target_familiarity[n] - fam[k], 0.0) * step
            trust[k] = trust[k] + max(book.target_trust[n] - trust[k], 0.0) * step
            hours[t] += params.handover_hours
            book.weeks_left[n] -= 1
        keep[n] = book.weeks_left[n] > 0
    book.keep(keep)
    return fam, trust, hours
