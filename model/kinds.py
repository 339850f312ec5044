"""Actor kinds, resources, target groups and presence slots.

The four kinds and their traits follow the actor table of the report's *Introduktion*
("Aktører i medborgercentre") and the case descriptions in *Del 1*; the numbers in
``KIND_PROFILES`` are modelling assumptions (the report gives none) chosen so that each
kind's described tendency holds, and ``docs/ODD.md`` lists them as such.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import IntEnum

from .forms import Form


class ActorKind(IntEnum):
    """Which sector an actor acts for."""

    MUNICIPAL = 0
    HOUSING_SOCIAL = 1
    VOLUNTEER = 2
    PRIVATE = 3

    @property
    def id(self) -> str:
        return self.name.lower()

    @property
    def danish(self) -> str:
        return _KIND_DANISH[self]

    @classmethod
    def from_id(cls, kind_id: str) -> ActorKind:
        for kind in cls:
            if kind.id == kind_id:
                return kind
        raise ValueError(f"unknown kind {kind_id!r}; allowed: {', '.join(k.id for k in cls)}")


_KIND_DANISH = {
    ActorKind.MUNICIPAL: "kommunal",
    ActorKind.HOUSING_SOCIAL: "boligsocial",
    ActorKind.VOLUNTEER: "frivillig",
    ActorKind.PRIVATE: "privat",
}

#: Material resources that can be exchanged (*Ressourceudveksle*: rooms and facilities,
#: money and donations, equipment, services such as cleaning in return for the kitchen).
RESOURCES: tuple[str, ...] = ("rooms", "kitchen", "equipment", "money", "services")

#: Resident target groups an actor's offers aim at; shared groups are what alignment
#: (*samvirke*: "same target group") and joint action ("shared goal") need.
TARGET_GROUPS: tuple[str, ...] = (
    "children",
    "youth",
    "families",
    "job_seekers",
    "elderly",
    "health",
    "newcomers",
)

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
PARTS_OF_DAY: tuple[str, ...] = ("morning", "afternoon", "evening")
#: The week is 15 presence slots: five weekdays times three parts of the day.
SLOTS: tuple[str, ...] = tuple(f"{d}_{p}" for d in DAYS for p in PARTS_OF_DAY)

#: Named presence patterns: which parts of the day an actor works in the house.
PRESENCE_PATTERNS: dict[str, tuple[str, ...]] = {
    "day": ("morning", "afternoon"),
    "evening": ("afternoon", "evening"),
    "all": PARTS_OF_DAY,
}


def bitmask(names: list[str] | tuple[str, ...], universe: tuple[str, ...], field: str) -> int:
    """Encode a list of names as a bitmask over ``universe``; unknown names raise."""
    mask = 0
    for name in names:
        if name not in universe:
            raise ValueError(f"{field}: unknown value {name!r}; allowed: {', '.join(universe)}")
        mask |= 1 << universe.index(name)
    return mask


@functools.cache  # asked for every actor a model builds; a batch builds many models
def slot_mask(patterns: tuple[str, ...]) -> tuple[bool, ...]:
    """Booleans over ``SLOTS`` for the given parts of the day, every weekday."""
    return tuple(slot.split("_")[1] in patterns for slot in SLOTS)


@dataclass(frozen=True)
class KindProfile:
    """Default traits of one actor kind.

    Args:
        capacity_hours: working hours a week the actor spends on the centre's area.
        core_load_offset: added to the centre's core-task load (municipal and private
            actors' core tasks are measured by their management; housing-social staff are
            employed partly to work across).
        leadership_offset: added to the centre's leadership support (a volunteer's
            "leadership" is the backing of its own association).
        permanent: funded permanently (True) or by project money that expires.
        co_location_propensity: how likely the kind is to be housed in the centre rather
            than use it ad hoc; decides who is co-located for a given co-location share.
        presence: named pattern of the parts of the day the actor works.
        offers / needs: material resources the kind typically has to give / lacks.
        risk_willingness: willingness to invest without a known pay-off (joint action).
        cocreation_experience: experience with co-creation (*samskabe*).
        forum_attendance: chance of attending a forum meeting (volunteers are
            demotivated by long meetings, private actors must earn their income).
        form_affinity: multiplier on the chance of taking up each form, by depth 1–5
            (private actors prefer resource exchange; housing-social staff initiate
            co-creation).
    """

    capacity_hours: float
    core_load_offset: float
    leadership_offset: float
    permanent: bool
    co_location_propensity: float
    presence: str
    offers: tuple[str, ...]
    needs: tuple[str, ...]
    risk_willingness: float
    cocreation_experience: float
    forum_attendance: float
    form_affinity: tuple[float, float, float, float, float]

    def affinity(self, form: Form) -> float:
        return 1.0 if form is Form.NONE else self.form_affinity[form - 1]


KIND_PROFILES: dict[ActorKind, KindProfile] = {
    ActorKind.MUNICIPAL: KindProfile(
        capacity_hours=30.0,
        core_load_offset=0.05,
        leadership_offset=0.0,
        permanent=True,
        co_location_propensity=0.5,
        presence="day",
        offers=("rooms", "equipment"),
        needs=("services",),
        risk_willingness=0.4,
        cocreation_experience=0.3,
        forum_attendance=0.7,
        form_affinity=(1.0, 1.2, 0.8, 1.0, 0.8),
    ),
    ActorKind.HOUSING_SOCIAL: KindProfile(
        capacity_hours=37.0,
        core_load_offset=-0.25,
        leadership_offset=0.1,
        permanent=False,
        co_location_propensity=0.9,
        presence="all",
        offers=("rooms", "money"),
        needs=("services",),
        risk_willingness=0.7,
        cocreation_experience=0.6,
        forum_attendance=0.9,
        form_affinity=(1.0, 1.1, 1.0, 1.3, 1.8),
    ),
    ActorKind.VOLUNTEER: KindProfile(
        capacity_hours=8.0,
        core_load_offset=-0.1,
        leadership_offset=0.15,
        permanent=True,
        co_location_propensity=0.4,
        presence="evening",
        offers=("services",),
        needs=("rooms", "money", "equipment"),
        risk_willingness=0.5,
        cocreation_experience=0.2,
        forum_attendance=0.45,
        form_affinity=(1.0, 0.9, 1.2, 0.6, 0.6),
    ),
    ActorKind.PRIVATE: KindProfile(
        capacity_hours=40.0,
        core_load_offset=0.15,
        leadership_offset=-0.15,
        permanent=True,
        co_location_propensity=0.5,
        presence="day",
        offers=("equipment", "services", "money"),
        needs=("rooms", "kitchen"),
        risk_willingness=0.2,
        cocreation_experience=0.1,
        forum_attendance=0.35,
        form_affinity=(1.0, 0.6, 2.0, 0.35, 0.25),
    ),
}
