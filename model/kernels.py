"""The pair-level submodels as one swappable set.

The model calls its pair-level submodels through a ``Kernels`` set so that the vectorised
implementation and the per-pair reference (:mod:`model.reference`) run on exactly the
same state and random draws; ``tests/test_reference.py`` checks they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import encounters, hours, outcomes, relations, transitions


@dataclass(frozen=True)
class Kernels:
    draw_encounters: Callable
    choose_introductions: Callable
    learn_from_contact: Callable
    eligible_forms: Callable
    next_deeper: Callable
    uptake_chance: Callable
    update_forms: Callable
    enforce_hour_budgets: Callable
    realise_outcomes: Callable
    update_trust: Callable
    fade_relations: Callable


VECTORISED = Kernels(
    draw_encounters=encounters.draw_encounters,
    choose_introductions=encounters.choose_introductions,
    learn_from_contact=encounters.learn_from_contact,
    eligible_forms=transitions.eligible_forms,
    next_deeper=transitions.next_deeper,
    uptake_chance=transitions.uptake_chance,
    update_forms=transitions.update_forms,
    enforce_hour_budgets=hours.enforce_hour_budgets,
    realise_outcomes=outcomes.realise_outcomes,
    update_trust=relations.update_trust,
    fade_relations=relations.fade_relations,
)


def get_kernels(engine: str) -> Kernels:
    """``vectorised`` (default) or ``reference`` (per-pair Python loops)."""
    if engine == "vectorised":
        return VECTORISED
    if engine == "reference":
        from .reference import REFERENCE

        return REFERENCE
    from .validation import InputError

    raise InputError("engine", engine, "vectorised or reference")
