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
        self.taker = np.r_[self.taker, taker].astype(np.int64)
        self.partner = np.r_[self.partner, partner].astype(np.int64)
        self.target_familiarity = np.r_[self.target_familiarity, fam]
        self.target_trust = np.r_[self.target_trust, trust]
        self.weeks_left = np.r_[self.weeks_left, np.full(len(np.atleast_1d(taker)), weeks)].astype(np.int64)

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
    for partner in partners:
        candidates = [t for t in takers[order] if t != partner]
        if not candidates:
            continue
        taker = candidates[0]
        same_pair = ((book.taker == taker) & (book.partner == partner)) | (
            (book.taker == partner) & (book.partner == taker)
        )
        if same_pair.any():  # the two already get to know each other through another entry
            continue
        k_leaver = condensed_index(row, partner, p.capacity)
        book.add(taker, partner, params.handover_share * p.familiarity[k_leaver],
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
    cost = np.where(alive, params.handover_hours, 0.0)
    order = np.lexsort((np.arange(len(book)), book.taker))
    spent = np.zeros(len(book))
    cum = np.cumsum(cost[order])
    takers_sorted = book.taker[order]
    # np.concatenate rather than np.r_ (same arrays; np.r_ costs ~15 µs a call).
    start = np.flatnonzero(np.concatenate([[True], takers_sorted[1:] != takers_sorted[:-1]]))
    before = np.concatenate([[0.0], cum])[start]
    spent[order] = cum - np.repeat(before, np.diff(np.concatenate([start, [len(order)]])))
    works = alive & (spent <= spare[book.taker] + 1e-9)
    k = condensed_index(book.taker[works], book.partner[works], p.capacity)
    step = 1.0 / book.weeks_left[works]
    fam[k] = fam[k] + np.maximum(book.target_familiarity[works] - fam[k], 0.0) * step
    trust[k] = trust[k] + np.maximum(book.target_trust[works] - trust[k], 0.0) * step
    hours += np.bincount(book.taker[works], np.full(works.sum(), params.handover_hours), minlength=len(spare))
    book.weeks_left[works] -= 1
    book.keep(alive & (book.weeks_left > 0))
    return fam, trust, hours


def continue_handover_reference(pairs, actors, book: Handovers, spare, params):
    p, a = pairs, actors
    fam, trust = p.familiarity.copy(), p.trust.copy()
    hours = np.zeros(len(spare))
    spent: dict[int, float] = {}
    keep = np.zeros(len(book), dtype=bool)
    for n in range(len(book)):
        t, q = int(book.taker[n]), int(book.partner[n])
        if not (a.active[t] and a.active[q]):
            continue
        spent[t] = spent.get(t, 0.0) + params.handover_hours
        if spent[t] <= spare[t] + 1e-9:
            k = condensed_index(t, q, p.capacity)
            step = 1.0 / book.weeks_left[n]
            fam[k] = fam[k] + max(book.target_familiarity[n] - fam[k], 0.0) * step
            trust[k] = trust[k] + max(book.target_trust[n] - trust[k], 0.0) * step
            hours[t] += params.handover_hours
            book.weeks_left[n] -= 1
        keep[n] = book.weeks_left[n] > 0
    book.keep(keep)
    return fam, trust, hours
