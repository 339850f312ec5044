"""What a centre is made of: its physical frame and who is gathered under its roof.

A ``CentreSpec`` is the plain-data input of :class:`model.CentreModel`. It mirrors the
report's first two layers of the *generative mechanism* (*Opsamling*, Figure 1): the
physical frame (shared places, opening hours, a forum) and the organisation (actor groups).
Presets for the report's four cases live as YAML in ``configs/centre/``; this module holds
only the schema and its checks, so the model never reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .drivers import DRIVER_NAMES, check_driver
from .forms import FORMS
from .kinds import DAYS, KIND_PROFILES, PRESENCE_PATTERNS, RESOURCES, TARGET_GROUPS, ActorKind
from .residents import check_sizes
from .validation import InputError, check_choice, check_positive, check_unit


@dataclass
class ActorGroup:
    """A group of similar actors; every field left ``None`` takes its kind's default.

    Args:
        kind: ``municipal``, ``housing_social``, ``volunteer`` or ``private``.
        count: how many actors of this group.
        name: label prefix for the actors (``youth_outreach`` → ``youth_outreach_1``); a
            group of one with a name keeps that name exactly (a roster's actor).
        capacity_hours: hours a week for the centre's area.
        core_load_offset: added to the centre's core-task load for this group.
        leadership_offset: added to the centre's leadership support for this group.
        funding: ``permanent`` or ``project``.
        funding_end_week: week the project money ends (``project`` funding only).
        co_location_propensity: rank for being housed in the centre (0–1).
        co_located: force housed (True) or ad-hoc (False); ``None`` lets the centre's
            co-location share decide.
        presence: ``day``, ``evening`` or ``all``.
        days: weekdays in the house (``mon`` … ``fri``); ``None`` draws them. Given days
            fix the presence: every open slot of the pattern on those days.
        offers / needs: material resources given / lacked.
        target_groups: resident groups aimed at; empty draws two at random.
        risk_willingness / cocreation_experience: 0–1.
        arrive_week: 0 = present from the start; later = arrives as a newcomer.
        organisation: which organisation the actors act for (e.g. one municipal
            administration); actors of one organisation start familiar with each other,
            actors of different ones as strangers. ``None``: the group's own name.
        enthusiasts: volunteers only: how many people carry each association (default 2).
    """

    kind: str = "municipal"
    count: int = 1
    name: str | None = None
    capacity_hours: float | None = None
    core_load_offset: float | None = None
    leadership_offset: float | None = None
    funding: str | None = None
    funding_end_week: int | None = None
    co_location_propensity: float | None = None
    co_located: bool | None = None
    presence: str | None = None
    days: list[str] | None = None
    offers: list[str] | None = None
    needs: list[str] | None = None
    target_groups: list[str] = field(default_factory=list)
    risk_willingness: float | None = None
    cocreation_experience: float | None = None
    arrive_week: int = 0
    organisation: str | None = None
    enthusiasts: int | None = None

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first bad field."""
        check_choice("kind", self.kind, [k.id for k in ActorKind])
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise InputError("count", self.count, "a whole number >= 0")
        if self.capacity_hours is not None:
            check_positive("capacity_hours", self.capacity_hours, allow_zero=True)
        for key in ("co_location_propensity", "risk_willingness", "cocreation_experience"):
            check_unit(key, getattr(self, key), optional=True)
        for key in ("core_load_offset", "leadership_offset"):
            value = getattr(self, key)
            if value is not None and not -1.0 <= value <= 1.0:
                raise InputError(key, value, "a number from -1 to 1 or null")
        if self.funding is not None:
            check_choice("funding", self.funding, ("permanent", "project"))
        if self.funding_end_week is not None and (
            not isinstance(self.funding_end_week, int) or self.funding_end_week < 1
        ):
            raise InputError("funding_end_week", self.funding_end_week, "a week >= 1 or null")
        if self.presence is not None:
            check_choice("presence", self.presence, tuple(PRESENCE_PATTERNS))
        if self.days is not None:
            if not self.days:
                raise InputError("days", self.days, "at least one of " + ", ".join(DAYS))
            for value in self.days:
                check_choice("days", value, DAYS)
        for key, universe in (("offers", RESOURCES), ("needs", RESOURCES)):
            for value in getattr(self, key) or []:
                check_choice(key, value, universe)
        for value in self.target_groups:
            check_choice("target_groups", value, TARGET_GROUPS)
        if not isinstance(self.arrive_week, int) or self.arrive_week < 0:
            raise InputError("arrive_week", self.arrive_week, "a week >= 0")
        if self.enthusiasts is not None and (
            isinstance(self.enthusiasts, bool) or not isinstance(self.enthusiasts, int)
            or not 1 <= self.enthusiasts <= 50
        ):  # fmt: skip
            raise InputError("enthusiasts", self.enthusiasts, "a whole number from 1 to 50 or null")
        organisation = self.organisation
        if organisation is not None and (not isinstance(organisation, str) or not organisation):
            raise InputError("organisation", self.organisation, "a non-empty name or null")

    @property
    def profile(self):
        return KIND_PROFILES[ActorKind.from_id(self.kind)]

    @property
    def exact_name(self) -> bool:
        """A named group of one is one known actor: its name is used as it is."""
        return self.name is not None and self.count == 1


@dataclass
class KnownRelation:
    """A relation a centre already has at the start, from its own mapping.

    *Del 3, Skab et system for samarbejdet*: mapping relations (Lunar et al. 2017) shows
    who works with whom and in which form. The pair starts in ``form`` with familiarity
    and trust at least what that form needs; it lasts only while its conditions hold.

    Args:
        source / target: actor names (a group of one keeps its name; others get ``_1`` …).
        form: ``knowledge_sharing``, ``alignment``, ``resource_exchange``,
            ``joint_action`` or ``co_creation``.
    """

    source: str = ""
    target: str = ""
    form: str = "knowledge_sharing"

    def validate(self, names: list[str]) -> None:
        for key in ("source", "target"):
            check_choice(key, getattr(self, key), names)
        if self.source == self.target:
            raise InputError("target", self.target, "an actor other than the source")
        check_choice("form", self.form, [f.id for f in FORMS])


def _default_groups() -> list[ActorGroup]:
    return [
        ActorGroup(kind="municipal", count=3),
        ActorGroup(kind="housing_social", count=2),
        ActorGroup(kind="volunteer", count=4),
        ActorGroup(kind="private", count=2),
    ]


@dataclass
class CentreSpec:
    """A centre: its frame, its actors and its default drivers.

    Args:
        name: short id (the preset's file name).
        description: one line on what the centre stands for.
        co_location: share of actors housed in the centre (0–1); the rest use it ad hoc.
        coordinator: whether a coordinating function (*tovholder*) exists at the start.
        leadership_support: mean backing from the actors' own management (0–1).
        core_load: mean share of capacity taken by core tasks (0–1).
        shared_places: how much the frame offers places to meet informally — café,
            kitchen, coffee machine (0–1).
        opening: parts of the day the house is open: ``day``, ``evening`` or ``all``.
        forum: whether a standing forum (e.g. the house council, *husråd*) meets.
        forum_interval_weeks: weeks between forum meetings.
        funders: number of contributors to operating money (*kludetæppe* if > 1).
        coordinator_holder: name of the actor who holds the coordinating role; ``None``:
            a housing-social employee (permanent first).
        coordinator_hours: hours a week the coordinating role takes from its holder.
        forum_convener: name of the actor who convenes the forum besides a coordinator
            (e.g. the house council's chair); without a convener a forum thins out.
        actor_groups: who is gathered under the roof.
        relations: relations known at the start (the centre's own mapping).
        residents: the area's residents per target group (persons; ``families`` in
            households), e.g. ``{families: 300}``; empty = a generic area of ~1,000 homes
            (:data:`model.residents.DEFAULT_SIZES`), given = groups not named have none.
    """

    name: str = "generic"
    description: str = "A small mixed centre with every kind of actor."
    co_location: float = 0.6
    coordinator: bool = False
    leadership_support: float = 0.6
    core_load: float = 0.6
    shared_places: float = 0.5
    opening: str = "all"
    forum: bool = False
    forum_interval_weeks: int = 4
    funders: int = 1
    coordinator_holder: str | None = None
    coordinator_hours: float = 8.0
    forum_convener: str | None = None
    actor_groups: list[ActorGroup] = field(default_factory=_default_groups)
    relations: list[KnownRelation] = field(default_factory=list)
    residents: dict[str, int] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise :class:`InputError` with a dotted key for the first bad field."""
        for name in DRIVER_NAMES:  # the centre's own value of each driver
            check_driver(name, getattr(self, name), optional=False)
        check_unit("shared_places", self.shared_places)
        if not isinstance(self.forum, bool):
            raise InputError("forum", self.forum, "true or false")
        check_choice("opening", self.opening, tuple(PRESENCE_PATTERNS))
        if not isinstance(self.forum_interval_weeks, int) or self.forum_interval_weeks < 1:
            raise InputError("forum_interval_weeks", self.forum_interval_weeks, "a whole number >= 1")
        if not isinstance(self.funders, int) or self.funders < 1:
            raise InputError("funders", self.funders, "a whole number >= 1")
        if not self.actor_groups:
            raise InputError("actor_groups", self.actor_groups, "at least one group")
        for i, group in enumerate(self.actor_groups):
            try:
                group.validate()
            except InputError as err:
                raise err.prefixed(f"actor_groups[{i}].") from None
        if sum(g.count for g in self.actor_groups if g.arrive_week == 0) < 2:
            raise InputError(
                "actor_groups", "fewer than 2 actors at week 0", "at least 2 actors at the start"
            )
        check_positive("coordinator_hours", self.coordinator_hours, allow_zero=True)
        if not self.coordinator_hours <= 80:
            raise InputError("coordinator_hours", self.coordinator_hours, "a number of hours from 0 to 80")
        check_sizes(self.residents)
        names = self.initial_actor_names()
        for key in ("coordinator_holder", "forum_convener"):
            if getattr(self, key) is not None:
                check_choice(key, getattr(self, key), names)
        for i, relation in enumerate(self.relations):
            try:
                relation.validate(names)
            except InputError as err:
                raise err.prefixed(f"relations[{i}].") from None

    def initial_actor_names(self) -> list[str]:
        """Names of the actors present at week 0, in row order (as the model names them)."""
        taken: dict[str, int] = {}
        names = []
        for group in self.actor_groups:
            if group.arrive_week == 0:
                for _ in range(group.count):
                    names.append(actor_name(group.name or group.kind, group.exact_name, taken))
        return names


def actor_name(prefix: str, exact: bool, taken: dict[str, int]) -> str:
    """The next actor name for a group: ``prefix`` itself for a named actor of its own,
    otherwise ``prefix_<n>`` counting on from earlier actors with that prefix."""
    taken[prefix] = taken.get(prefix, 0) + 1
    if exact and taken[prefix] == 1:
        return prefix
    return f"{prefix}_{taken[prefix]}"
