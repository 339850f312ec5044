"""Trust, familiarity and shared understanding over time: earned in work, lost in failure,
faded without contact.

*Del 2, Samskabe*: trust and earlier successes motivate deep collaboration. *Del 2,
Samvirke*: through alignment actors learn how their efforts fit, a building block for
deeper forms; *Samordne* needs a shared understanding of problems and goals. *Del 3, Gør
aktivt brug af hinanden*: relations are built and kept daily — small favours and
practical help build trust; past failed collaboration leaves distrust.
"""

from __future__ import annotations

import numpy as np

from .forms import Form
from .params import ModelParams


def working_together(pairs, referral: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """Pairs that worked together this week: exchange and the binding forms every week,
    alignment when a resident is referred or the two meet, knowledge sharing when they meet."""
    h = pairs.held
    return (
        h[Form.RESOURCE_EXCHANGE] | h[Form.JOINT_ACTION] | h[Form.CO_CREATION]
        | (h[Form.ALIGNMENT] & (referral | contact))
        | (h[Form.KNOWLEDGE_SHARING] & contact)
    )  # fmt: skip


def update_trust(pairs, working, successes, failures, params: ModelParams) -> np.ndarray:
    """Trust grows a little with each week of working together and with each success,
    and falls with each failure — a failure costs more than a success earns."""
    trust = np.where(working, pairs.trust + params.trust_gain_contact * (1.0 - pairs.trust), pairs.trust)
    trust = np.where(successes > 0, trust + params.trust_gain_success * (1.0 - trust), trust)
    trust = np.where(failures > 0, trust - params.trust_loss_failure * trust, trust)
    return np.clip(trust, 0.0, 1.0)


def update_trust_reference(pairs, working, successes, failures, params):
    trust = pairs.trust.copy()
    for k in range(len(trust)):
        t = trust[k]
        if working[k]:
            t = t + params.trust_gain_contact * (1.0 - t)
        if successes[k] > 0:
            t = t + params.trust_gain_success * (1.0 - t)
        if failures[k] > 0:
            t = t - params.trust_loss_failure * t
        trust[k] = min(max(t, 0.0), 1.0)
    return trust


def fade_relations(pairs, contact, week, params: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """Without contact this week, familiarity fades and trust drifts back to baseline;
    slower where a coordinator or a lively forum keeps actors updated (``week.upkeep``)."""
    factor = 1.0 - (1.0 - params.system_decay_factor) * week.upkeep
    idle = week.present & ~contact
    fam = np.where(idle, pairs.familiarity * (1.0 - params.familiarity_decay * factor), pairs.familiarity)
    trust = np.where(
        idle, pairs.trust - params.trust_decay * factor * (pairs.trust - params.baseline_trust), pairs.trust
    )
    return fam, trust


def fade_relations_reference(pairs, contact, week, params):
    fam, trust = pairs.familiarity.copy(), pairs.trust.copy()
    factor = 1.0 - (1.0 - params.system_decay_factor) * week.upkeep
    for k in range(len(trust)):
        if week.present[k] and not contact[k]:
            fam[k] = fam[k] * (1.0 - params.familiarity_decay * factor)
            trust[k] = trust[k] - params.trust_decay * factor * (trust[k] - params.baseline_trust)
    return fam, trust


def build_understanding(pairs, at_forum, week, params: ModelParams) -> np.ndarray:
    """Shared understanding grows while a pair aligns or works together, or discusses
    potentials at a forum; it fades slowly otherwise."""
    h = pairs.held
    learning = week.present & (h[Form.ALIGNMENT] | h[Form.JOINT_ACTION] | h[Form.CO_CREATION] | at_forum)
    u = pairs.understanding
    grown = u + params.understanding_gain * (1.0 - u)
    return np.where(learning, grown, u * (1.0 - params.understanding_decay))


def build_understanding_reference(pairs, at_forum, week, params):
    u = pairs.understanding.copy()
    h = pairs.held
    for k in range(len(u)):
        if week.present[k] and (h[2, k] or h[4, k] or h[5, k] or at_forum[k]):
            u[k] = u[k] + params.understanding_gain * (1.0 - u[k])
        else:
            u[k] = u[k] * (1.0 - params.understanding_decay)
    return u
