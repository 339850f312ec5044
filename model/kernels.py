"""The pair-level submodels as one swappable set.

The model calls its pair-level submodels through a ``Kernels`` set so that the vectorised
implementation, the per-pair reference (each mechanism's ``*_reference`` function,
written beside it as plain loops) and the compiled loops (``model/compiled.py``) run on
exactly the same state and random draws; ``tests/test_reference.py`` checks they agree
week by week.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from . import encounters, handover, hours, outcomes, pairs, relations, transitions


@dataclass(frozen=True)
class Kernels:
    draw_encounters: Callable
    seek_contacts: Callable
    choose_introductions: Callable
    learn_from_contact: Callable
    form_costs: Callable
    eligible_forms: Callable
    uptake_chance: Callable
    update_palette: Callable
    take_up_and_drop: Callable
    hours_in_use: Callable
    enforce_hour_budgets: Callable
    realise_outcomes: Callable
    update_trust: Callable
    fade_relations: Callable
    build_understanding: Callable
    continue_handover: Callable
    advance_pair_clocks: Callable
    tally_pairs: Callable


_MODULES = (encounters, transitions, hours, outcomes, relations, handover, pairs)


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


ENGINES = ("vectorised", "reference", "compiled")


def get_kernels(engine: str) -> Kernels:
    """``vectorised`` (default), ``reference`` (per-pair Python loops) or ``compiled``
    (numba loops, ``model/compiled.py``; imported only when asked for, since importing
    numba and loading the cached loops costs a fixed ~0.5 s a process)."""
    if engine == "vectorised":
        return VECTORISED
    if engine == "reference":
        return REFERENCE
    if engine == "compiled":
        from . import compiled

        return Kernels(**{f.name: getattr(compiled, f.name) for f in fields(Kernels)})
    from .validation import InputError

    raise InputError("engine", engine, " or ".join(ENGINES))
