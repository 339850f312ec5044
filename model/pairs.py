"""Pairwise state of a centre in condensed numpy arrays.

Every unordered pair of actor rows ``i < j`` has one position ``k`` in each array, in the
order of ``numpy.triu_indices(capacity, 1)``; ``iu[k], ju[k]`` give its two rows. Arrays
hold every pair of the current row capacity, present or not: rows of actors who have not
arrived or who have left are masked out with ``present``. Capacity grows when actors
arrive beyond it, keeping each pair's state.

A pair holds a *palette*: any set of the five forms at once (*Del 2*, intro to Figure 7:
the forms describe collaborations "af varierende karakter", and actors move between them
in practice). ``held[g, k]`` says whether pair ``k`` holds form ``g`` (row 0 unused).

Shapes (``P = capacity * (capacity - 1) / 2``):

=====================  ===========  ===================================================
array                  dtype/shape  meaning
=====================  ===========  ===================================================
``familiarity``        float64 P    how well the two know each other's offers, 0–1
``trust``              float64 P    0–1
``understanding``      float64 P    shared understanding of problems and goals, 0–1
``held``               bool (6, P)  which forms the pair holds (row = form depth)
``weeks_held``         int32 (6, P) weeks since the pair took each held form up
``successes``          int32 P      successful joint efforts and exchanges so far
``failures``           int32 P      failed ones
``cocreation_weeks``   int32 P      weeks the pair has co-created in all (tunnel vision)
``overlap``            float64 P    share of the week both are in the house
``shared_targets``     int8 P       number of resident target groups both aim at
``complementary``      bool P       one offers a resource the other lacks
``interdependence``    float64 P    perceived mutual interdependence, 0–1
``colocation_factor``  float64 P    encounter multiplier for ad-hoc users
``reach_factor``       float64 P    form-cost multiplier, higher for pairs seldom in together
=====================  ===========  ===================================================
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .forms import Form

N_FORMS = len(Form)

DYNAMIC_FIELDS: dict[str, type] = {
    "familiarity": np.float64,
    "trust": np.float64,
    "understanding": np.float64,
    "successes": np.int32,
    "failures": np.int32,
    "cocreation_weeks": np.int32,
}
#: Per-form dynamic fields, shape (6, P).
FORM_FIELDS: dict[str, type] = {
    "held": np.bool_,
    "weeks_held": np.int32,
}
STATIC_FIELDS: dict[str, type] = {
    "overlap": np.float64,
    "shared_targets": np.int8,
    "complementary": np.bool_,
    "interdependence": np.float64,
    "colocation_factor": np.float64,
    "reach_factor": np.float64,
}


def condensed_index(i: np.ndarray | int, j: np.ndarray | int, capacity: int) -> np.ndarray | int:
    """Position of pair (i, j), i != j, in arrays of the given row capacity."""
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    return lo * capacity - lo * (lo + 1) // 2 + (hi - lo - 1)


@lru_cache(maxsize=8)  # every model of a batch starts at the same capacity
def _pair_rows(capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """``iu, ju``: the two rows of each pair, in ``numpy.triu_indices(capacity, 1)`` order."""
    return tuple(rows.astype(np.int64) for rows in np.triu_indices(capacity, 1))


def deepest_held(held: np.ndarray) -> np.ndarray:
    """Each pair's deepest held form (0 = none), from a (6, P) ``held`` array."""
    depth = np.zeros(held.shape[1], dtype=np.int8)
    for g in range(1, N_FORMS):
        depth[held[g]] = g
    return depth


class PairState:
    """Owns the condensed pair arrays listed in the module docstring."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.iu, self.ju = (rows.copy() for rows in _pair_rows(capacity))  # copies: each model its own
        n = len(self.iu)
        for name, dtype in {**DYNAMIC_FIELDS, **STATIC_FIELDS}.items():
            setattr(self, name, np.zeros(n, dtype=dtype))
        for name, dtype in FORM_FIELDS.items():
            setattr(self, name, np.zeros((N_FORMS, n), dtype=dtype))

    @property
    def n_pairs(self) -> int:
        return len(self.iu)

    @property
    def deepest(self) -> np.ndarray:
        """Each pair's deepest held form (0 = no tie)."""
        return deepest_held(self.held)

    @property
    def tied(self) -> np.ndarray:
        """Pairs that hold at least one form."""
        return self.held[1:].any(axis=0)

    def grow(self, capacity: int) -> None:
        """Enlarge to ``capacity`` rows, carrying every existing pair's values over."""
        if capacity <= self.capacity:
            return
        old_iu, old_ju = self.iu, self.ju
        old = {n: getattr(self, n) for n in {**DYNAMIC_FIELDS, **STATIC_FIELDS, **FORM_FIELDS}}
        self.__init__(capacity)
        target = condensed_index(old_iu, old_ju, capacity)
        for name, values in old.items():
            getattr(self, name)[..., target] = values

    def partner_index(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of all other actors and the pair positions ``row`` shares with them."""
        others = np.delete(np.arange(self.capacity), row)
        return others, condensed_index(row, others, self.capacity)

    def square(self, name: str) -> np.ndarray:
        """A symmetric ``capacity × capacity`` matrix of one field (diagonal zero);
        ``deepest`` gives each pair's deepest held form."""
        values = self.deepest if name == "deepest" else getattr(self, name)
        matrix = np.zeros((self.capacity, self.capacity), dtype=values.dtype)
        matrix[self.iu, self.ju] = values
        matrix[self.ju, self.iu] = values
        return matrix

    def reset_pairs(self, ks: np.ndarray) -> None:
        """End the given pairs cleanly: no forms, no history."""
        for name in DYNAMIC_FIELDS:
            getattr(self, name)[ks] = 0
        for name in FORM_FIELDS:
            getattr(self, name)[:, ks] = 0

    def reset_pairs_of(self, row: int) -> None:
        """End every pair of one actor cleanly (used when an actor leaves)."""
        self.reset_pairs(self.partner_index(row)[1])


def tally_pairs(pairs, active: np.ndarray, outcomes) -> tuple:
    """What the week's record counts over pairs (``collect_statistics``): the present
    pairs (both actors active), how many hold each palette (forms 1-5 as the bits of
    0-31, form 1 highest, as ``numpy.packbits`` orders them), each outcome's events (in
    ``Outcomes`` field order), the present pairs' number and their trust and familiarity
    summed. Returns (present, palettes (32,), events, n_present, trust sum, familiarity sum)."""
    present = active[pairs.iu] & active[pairs.ju]
    palette = np.packbits(pairs.held[1:], axis=0)[0][present] >> 3
    events = np.array([np.count_nonzero(getattr(outcomes, name)) for name in outcomes.__dataclass_fields__])
    return (present, np.bincount(palette, minlength=32), events, len(palette),
            float(pairs.trust[present].sum()), float(pairs.familiarity[present].sum()))  # fmt: skip


def tally_pairs_reference(pairs, active, outcomes) -> tuple:
    """:func:`tally_pairs` pair by pair (verification); sums in numpy's pairwise order
    would need its blocks, so the present values are summed by numpy."""
    n_pairs = len(pairs.iu)
    present = np.zeros(n_pairs, dtype=bool)
    palettes = np.zeros(32, dtype=np.int64)
    names = tuple(outcomes.__dataclass_fields__)
    events = np.zeros(len(names), dtype=np.int64)
    trust, familiarity = [], []
    for k in range(n_pairs):
        for j, name in enumerate(names):
            events[j] += bool(getattr(outcomes, name)[k])
        if active[pairs.iu[k]] and active[pairs.ju[k]]:
            present[k] = True
            code = 0
            for g in range(1, pairs.held.shape[0]):
                code = 2 * code + int(pairs.held[g, k])
            palettes[code] += 1
            trust.append(pairs.trust[k])
            familiarity.append(pairs.familiarity[k])
    return (present, palettes, events, len(trust), float(np.sum(np.array(trust, dtype=np.float64))),
            float(np.sum(np.array(familiarity, dtype=np.float64))))  # fmt: skip


def advance_pair_clocks(pairs, successes: np.ndarray, failures: np.ndarray) -> None:
    """One week on, in place (so a batch's per-seed views stay its blocks): weeks each
    form has been held (0 when not held), weeks of co-creation, success and failure counts."""
    pairs.weeks_held[...] = np.where(pairs.held, pairs.weeks_held + 1, 0)
    pairs.cocreation_weeks += pairs.held[Form.CO_CREATION].astype(np.int32)
    pairs.successes += successes.astype(np.int32)
    pairs.failures += failures.astype(np.int32)


def advance_pair_clocks_reference(pairs, successes, failures) -> None:
    """:func:`advance_pair_clocks` pair by pair (verification)."""
    for k in range(len(pairs.iu)):
        for g in range(pairs.held.shape[0]):
            pairs.weeks_held[g, k] = pairs.weeks_held[g, k] + 1 if pairs.held[g, k] else 0
        if pairs.held[Form.CO_CREATION, k]:
            pairs.cocreation_weeks[k] += 1
        pairs.successes[k] += successes[k]
        pairs.failures[k] += failures[k]
