"""The four drivers of the design card, declared once.

Co-location, a coordinating function, leadership support and core-task load are what the
report's cases differ in (*Del 1*) and what its recommendations act on (*Del 3*). Every
place that names a driver — the model's arguments, the run config, validation of input,
the workshop's sliders, labels in figures and reports — reads this table, so a driver
added or renamed here is added or renamed everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .validation import InputError, check_unit


@dataclass(frozen=True)
class DriverSpec:
    """One driver: its key, its kind of value, what it means, and its labels."""

    name: str
    kind: str  # "share" (a number from 0 to 1) or "switch" (true/false)
    meaning: str
    danish: str
    english: str
    slider_max: float = 1.0  # the workshop slider's top (input may go to 1)

    def label(self, lang: str = "da") -> str:
        """The driver's name for people, in Danish (``da``) or English (``en``)."""
        return self.danish if lang == "da" else self.english


DRIVERS: tuple[DriverSpec, ...] = (
    DriverSpec("co_location", "share", "share of actors housed in the centre (the rest use it ad hoc)",
               "samlokalisering", "co-location"),
    DriverSpec("coordinator", "switch", "a coordinating function (tovholder) runs at the start",
               "tovholder", "coordinator"),
    DriverSpec("leadership_support", "share", "mean backing from the actors' own management",
               "ledelsesopbakning", "leadership support"),
    DriverSpec("core_load", "share", "mean share of capacity taken by core tasks",
               "kerneopgavepres", "core-task load", slider_max=0.95),
)  # fmt: skip

#: The drivers' keys in the design card's order.
DRIVER_NAMES: tuple[str, ...] = tuple(d.name for d in DRIVERS)
#: Driver key → its spec.
DRIVER_BY_NAME: dict[str, DriverSpec] = {d.name: d for d in DRIVERS}


@dataclass(frozen=True)
class Drivers:
    """The four drivers, resolved against the centre's own values (fields = ``DRIVERS``)."""

    co_location: float
    coordinator: bool
    leadership_support: float
    core_load: float


assert tuple(f.name for f in fields(Drivers)) == DRIVER_NAMES  # one declaration, one order


def check_driver(name: str, value, *, optional: bool = True) -> None:
    """Raise :class:`InputError` unless ``value`` is allowed for driver ``name``."""
    spec = DRIVER_BY_NAME.get(name)
    if spec is None:
        raise InputError("driver", name, ", ".join(DRIVER_NAMES))
    if value is None and optional:
        return
    if spec.kind == "switch":
        if not isinstance(value, bool | np.bool_):
            raise InputError(name, value, "true, false or null" if optional else "true or false")
        return
    check_unit(name, value, optional=optional)


def resolve_drivers(centre, given: dict) -> Drivers:
    """The drivers a run uses: each given value, or the centre's own where ``None``."""
    for name in given:
        if name not in DRIVER_BY_NAME:
            raise InputError("driver", name, ", ".join(DRIVER_NAMES))
    values = {}
    for spec in DRIVERS:
        value = given.get(spec.name)
        check_driver(spec.name, value)
        value = getattr(centre, spec.name) if value is None else value
        values[spec.name] = bool(value) if spec.kind == "switch" else float(value)
    return Drivers(**values)
