"""The pair-level submodels as one swappable set.

The model calls its pair-level submodels through a ``Kernels`` set so that the vectorised
implementation and the per-pair reference (each mechanism's ``*_reference`` function,
written beside it as plain loops) run on exactly the same state and random draws;
``tests/test_reference.py`` checks they agree week by week.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from . import encounters, handover, hours, outcomes, relations, transitions


@dataclass(frozen=True)
class Kernels:
    draw_encounters: Callable
    seek_contacts: Callable
    choose_introductions: Callable
    learn_from_contact: Callable
    eligible_forms: Callable
    uptake_chance: Callable
    update_palette: Callable
    hours_in_use: Callable
    enforce_hour_budgets: Callable
    realise_outcomes: Callable
    update_trust: Callable
    fade_relations: Callable
    build_understanding: Callable
    continue_handover: Callable


_MODULES = (encounters, transitions, hours, outcomes, relations, handover)


def _collect(suffix: str) -> Kernels:
    found = {}
    for f in fields(Kernels):
        for module in _MODULES:
            function = getattr(module, f.name + suffix, None)
            if function is not None:
                found[f.name] = function
                break
        else:
            raise LookupError(f"no {f.name}{suffix} in the mechanism modules")
    return Kernels(**found)


VECTORISED = _collect("")
REFERENCE = _collect("_reference")


def get_kernels(engine: str) -> Kernels:
    """``vectorised`` (default) or ``reference`` (per-pair Python loops)."""
    if engine == "vectorised":
        return VECTORISED
    if engine == "reference":
        return REFERENCE
    from .validation import InputError

    raise InputError("engine", engine, "vectorised or reference")
