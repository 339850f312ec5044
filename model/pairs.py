"""Pairwise state of a centre in condensed numpy arrays.

Every unordered pair of actor rows ``i < j`` has one position ``k`` in each array, in the
order of ``numpy.triu_indices(capacity, 1)``; ``iu[k], ju[k]`` give its two rows. Arrays
hold every pair of the current row capacity, present or not: rows of actors who have not
arrived or who have left are masked out with ``present``. Capacity grows when actors
arrive beyond it, keeping each pair's state.

Shapes (``P = capacity * (capacity - 1) / 2``):

=====================  =========  ===================================================
array                  dtype      meaning
=====================  =========  ===================================================
``familiarity``        float64    how well the two know each other's offers, 0–1
``trust``              float64    0–1
``form``               int8       current :class:`model.forms.Form` value (0 = none)
``weeks_in_form``      int32      weeks since the pair entered its current form
``successes``          int32      successful joint efforts and exchanges so far
``failures``           int32      failed ones
``cocreation_weeks``   int32      weeks the pair has co-created in all (tunnel vision)
``overlap``            float64    share of the week both are in the house
``shared_targets``     int8       number of resident target groups both aim at
``complementary``      bool       one offers a resource the other lacks
``interdependence``    float64    perceived mutual interdependence, 0–1
``colocation_factor``  float64    encounter multiplier for ad-hoc users
``reach_factor``       float64    tie-cost multiplier, higher for pairs seldom in together
=====================  =========  ===================================================
"""

from __future__ import annotations

import numpy as np

DYNAMIC_FIELDS: dict[str, type] = {
    "familiarity": np.float64,
    "trust": np.float64,
    "form": np.int8,
    "weeks_in_form": np.int32,
    "successes": np.int32,
    "failures": np.int32,
    "cocreation_weeks": np.int32,
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


class PairState:
    """Owns the condensed pair arrays listed in the module docstring."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.iu, self.ju = (a.astype(np.int64) for a in np.triu_indices(capacity, 1))
        for name, dtype in {**DYNAMIC_FIELDS, **STATIC_FIELDS}.items():
            setattr(self, name, np.zeros(len(self.iu), dtype=dtype))

    @property
    def n_pairs(self) -> int:
        return len(self.iu)

    def grow(self, capacity: int) -> None:
        """Enlarge to ``capacity`` rows, carrying every existing pair's values over."""
        if capacity <= self.capacity:
            return
        old_iu, old_ju = self.iu, self.ju
        old = {n: getattr(self, n) for n in {**DYNAMIC_FIELDS, **STATIC_FIELDS}}
        self.__init__(capacity)
        target = condensed_index(old_iu, old_ju, capacity)
        for name, values in old.items():
            getattr(self, name)[target] = values

    def partner_index(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of all other actors and the pair positions ``row`` shares with them."""
        others = np.delete(np.arange(self.capacity), row)
        return others, condensed_index(row, others, self.capacity)

    def square(self, name: str) -> np.ndarray:
        """A symmetric ``capacity × capacity`` matrix of one field (diagonal zero)."""
        values = getattr(self, name)
        matrix = np.zeros((self.capacity, self.capacity), dtype=values.dtype)
        matrix[self.iu, self.ju] = values
        matrix[self.ju, self.iu] = values
        return matrix

    def reset_pairs_of(self, row: int) -> None:
        """End every pair of one actor cleanly (used when an actor leaves)."""
        _, ks = self.partner_index(row)
        for name in DYNAMIC_FIELDS:
            getattr(self, name)[ks] = 0
