"""What the pair-level submodels need to know about this week, in one object.

The model fills a :class:`Week` before the pair-level submodels run; each submodel reads
the pair state, the actor table and this week's context whole, so no mechanism takes a
long list of positional arrays that could be swapped by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Week:
    """This week's context (shapes: A = actor rows, P = pairs).

    Args:
        present: (P,) both actors of the pair are in the centre.
        budget: (A,) hours each actor may spend on collaboration this week.
        binding_budget: (A,) of those, hours leadership allocated (binding forms only).
        mandate: (A,) decision latitude for deep forms.
        cost: (6, P) hours a week each partner spends per form held; set in ``meet``
            once this week's contacts have updated familiarity (costs depend on it).
        shared_places: how much the frame offers informal meeting places (0–1).
        overview: how far a coordinator or a lively forum gives an overview of offers (0–1).
        upkeep: how far a coordinator or a lively forum keeps actors updated (0–1).
        booking: how far a transparent booking system runs (0–1).
        introductions: introductions the coordinator makes this week.
        newcomer_pair: (P,) a newcomer is in the pair.
        at_forum: (P,) both attended this week's forum meeting.
    """

    present: np.ndarray
    budget: np.ndarray
    binding_budget: np.ndarray
    mandate: np.ndarray
    cost: np.ndarray = field(default_factory=lambda: np.zeros((6, 0)))
    shared_places: float = 0.5
    overview: float = 0.0
    upkeep: float = 0.0
    booking: float = 0.0
    introductions: int = 0
    newcomer_pair: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    at_forum: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
