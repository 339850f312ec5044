"""Per-actor state as numpy arrays, one row per actor who has ever been in the centre.

The weekly submodels read these arrays; :class:`model.actors.Actor` agents are the
readable face of one row. Rows are never reused: an actor who leaves keeps its row with
``active`` False and ``left`` set, so its history stays in the outputs.
"""

from __future__ import annotations

import numpy as np

from .kinds import SLOTS

FIELDS: dict[str, type] = {
    "active": np.bool_,
    "kind": np.int8,
    "capacity_hours": np.float64,
    "core_load": np.float64,
    "leadership": np.float64,
    "risk_willingness": np.float64,
    "cocreation_experience": np.float64,
    "forum_attendance": np.float64,
    "co_located": np.bool_,
    "permanent": np.bool_,
    "funding_end": np.int32,  # -1: no end
    "expired": np.bool_,
    "offers": np.int16,
    "needs": np.int16,
    "targets": np.int16,
    "arrived": np.int32,
    "left": np.int32,  # -1: still there
    "organisation": np.int32,  # same number: same organisation (e.g. one municipal administration)
    "enthusiasts": np.int16,  # volunteers only: the few people who carry the association
    "hours_factor": np.float64,  # this week's hours as a share of the usual (volunteers vary)
    "recent_successes": np.float64,  # successes remembered over ``success_memory_weeks``
}


class ActorTable:
    """Growable columns of actor state (see ``FIELDS``) plus a presence matrix."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.n = 0
        for name, dtype in FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))
        self.presence = np.zeros((capacity, len(SLOTS)), dtype=np.bool_)
        self.affinity = np.ones((capacity, 6), dtype=np.float64)
        self.hours_factor[:] = 1.0

    def grow(self, capacity: int) -> None:
        """Enlarge to ``capacity`` rows, keeping existing values."""
        if capacity <= self.capacity:
            return
        for name in (*FIELDS, "presence", "affinity"):
            old = getattr(self, name)
            new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            if name in ("affinity", "hours_factor"):
                new[:] = 1.0
            new[: self.capacity] = old
            setattr(self, name, new)
        self.capacity = capacity

    def extend(self, columns: dict, presence: list[np.ndarray], affinity: list[np.ndarray]) -> range:
        """Add several actors' rows at once and return their row numbers (``columns``: per
        field a list with each actor's value, or one value for all). Capacity doubles as
        often as needed, as it would appending the rows one by one."""
        m = len(presence)
        capacity = self.capacity
        while self.n + m > capacity:
            capacity = max(2 * capacity, 4)
        self.grow(capacity)
        rows = range(self.n, self.n + m)
        if m:
            for name, values in columns.items():
                getattr(self, name)[rows.start : rows.stop] = values
            self.presence[rows.start : rows.stop] = presence
            self.affinity[rows.start : rows.stop] = affinity
        self.n += m
        return rows
