"""Trust and familiarity over time: earned in work, lost in failure, faded without contact.

*Del 2, Samskabe*: trust and earlier successes motivate deep collaboration. *Del 3, Gør
aktivt brug af hinanden*: relations are built and kept daily — small favours and
practical help build trust; past failed collaboration leaves distrust.
"""

from __future__ import annotations

import numpy as np

from .params import ModelParams


def update_trust(
    trust: np.ndarray,
    working: np.ndarray,
    success: np.ndarray,
    failure: np.ndarray,
    params: ModelParams,
) -> np.ndarray:
    """Trust grows a little with each week of working together and with each success,
    and falls with each failure — by more than a success earns."""
    trust = np.where(working, trust + params.trust_gain_contact * (1.0 - trust), trust)
    trust = np.where(success, trust + params.trust_gain_success * (1.0 - trust), trust)
    trust = np.where(failure, trust - params.trust_loss_failure * trust, trust)
    return np.clip(trust, 0.0, 1.0)


def fade_relations(
    familiarity: np.ndarray,
    trust: np.ndarray,
    contact: np.ndarray,
    present: np.ndarray,
    upkeep: float,
    params: ModelParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Without contact this week, familiarity fades and trust drifts back to baseline;
    slower while a coordinator or forum keeps actors updated (``upkeep`` 0–1)."""
    factor = 1.0 - (1.0 - params.system_decay_factor) * upkeep
    idle = present & ~contact
    familiarity = np.where(idle, familiarity * (1.0 - params.familiarity_decay * factor), familiarity)
    trust = np.where(
        idle, trust - params.trust_decay * factor * (trust - params.baseline_trust), trust
    )
    return familiarity, trust
