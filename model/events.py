"""Timed interventions: what happens to the centre in a given week.

Scenarios (``configs/scenario/*.yaml``) list events; each is scheduled with Mesa's event
list and takes effect at the start of its week, before that week's update. The actions
stand for the report's observed turns: a coordinating function stopped once the house
ran (Aalborg Øst), project money for development that ended (Albertslund), a funder
withdrawing from split funding (Aarhus), a housing-social worker moved to coach several
areas (Albertslund), new tenants arriving, a house council founded or dissolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .centre import ActorGroup
from .residents import cut_cafe_hours, move_to_citizen_near_work, resident_democrats_step_down
from .validation import InputError, check_choice, check_unit

if TYPE_CHECKING:
    from .centre_model import CentreModel

ACTIONS: tuple[str, ...] = (
    "coordinator_stops",
    "coordinator_starts",
    "coordinator_handover",
    "funding_ends",
    "funder_pulls_out",
    "leadership_changes",
    "presence_cut",
    "actors_arrive",
    "actor_leaves",
    "forum_founded",
    "forum_dissolved",
    "cafe_hours_cut",
    "citizen_near_work",
    "resident_democrats_step_down",
)


@dataclass
class EventSpec:
    """One intervention.

    Args:
        week: the first week the change is in force (>= 1).
        action: one of ``ACTIONS``.
        kind: restrict to one actor kind (``funding_ends``, ``leadership_changes``,
            ``presence_cut``).
        names: restrict to named actors (``funding_ends``, ``presence_cut``,
            ``actor_leaves``), e.g. ``helhedsplan_1``; who takes the coordinating role
            (``coordinator_starts``, ``coordinator_handover``: one name) or convenes a
            founded forum (``forum_founded``: one name).
        value: new leadership support (``leadership_changes``); how many times as many
            residents the staff's offers reach (``citizen_near_work``, default 1.5).
        share: share of time in the house cut (``presence_cut``), of operating money
            withdrawn (``funder_pulls_out``; default one funder's share), of the café's
            hours cut (``cafe_hours_cut``; default 1 = it closes), or of the resident
            volunteers who step down (``resident_democrats_step_down``; default 1).
        group: who arrives (``actors_arrive``).
    """

    week: int = 1
    action: str = "coordinator_stops"
    kind: str | None = None
    names: list[str] | None = None
    value: float | None = None
    share: float | None = None
    group: ActorGroup | None = None

    def validate(self) -> None:
        if isinstance(self.week, bool) or not isinstance(self.week, int) or self.week < 1:
            raise InputError("week", self.week, "a whole week >= 1")
        check_choice("action", self.action, ACTIONS)
        if self.kind is not None:
            check_choice("kind", self.kind, ("municipal", "housing_social", "volunteer", "private"))
        check_unit("share", self.share, optional=True)
        if self.action == "leadership_changes":
            check_unit("value", self.value)
        if self.action == "citizen_near_work" and self.value is not None and not (
            isinstance(self.value, int | float) and not isinstance(self.value, bool) and 0 <= self.value <= 5
        ):
            raise InputError("value", self.value, "a reach multiplier from 0 to 5")
        if self.action == "actors_arrive":
            if self.group is None:
                raise InputError("group", None, "an actor group (kind, count, …)")
            try:
                self.group.validate()
            except InputError as err:
                raise err.prefixed("group.") from None
        if self.action in ("actor_leaves", "coordinator_handover") and not self.names:
            raise InputError("names", self.names, "a list of actor names")
        if self.action in ("coordinator_starts", "coordinator_handover", "forum_founded") and (
            self.names is not None and len(self.names) != 1
        ):
            raise InputError("names", self.names, "one actor's name")


def apply_event(model: CentreModel, event: EventSpec) -> None:
    """Carry one event out on the model now."""
    match event.action:
        case "coordinator_stops":
            model.set_coordinator(False)
        case "coordinator_starts":
            model.set_coordinator(True, holder=(event.names or [None])[0])
        case "coordinator_handover":
            model.hand_over_coordination(event.names[0])
        case "forum_founded":
            model.set_forum(True, convener=(event.names or [None])[0])
        case "forum_dissolved":
            model.set_forum(False)
        case "funding_ends":
            model.end_project_funding(kind=event.kind, names=event.names)
        case "funder_pulls_out":
            model.funder_pulls_out(event.share)
        case "leadership_changes":
            model.set_leadership_support(event.value, kind=event.kind)
        case "presence_cut":
            share = 0.5 if event.share is None else event.share
            for name in event.names or [None]:
                model.cut_presence(name=name, kind=event.kind, share=share)
        case "actors_arrive":
            model.add_actors(event.group)
        case "actor_leaves":
            for name in event.names:
                model.remove_actor(name)
        case "cafe_hours_cut":
            cut_cafe_hours(model, 1.0 if event.share is None else event.share)
        case "citizen_near_work":
            move_to_citizen_near_work(model, 1.5 if event.value is None else event.value,
                                      kind=event.kind, names=event.names)  # fmt: skip
        case "resident_democrats_step_down":
            resident_democrats_step_down(model, 1.0 if event.share is None else event.share, event.names)


def schedule_events(model: CentreModel, events: list[EventSpec]) -> None:
    """Validate every event first, then schedule them all (nothing half-scheduled)."""
    for i, event in enumerate(events):
        try:
            event.validate()
        except InputError as err:
            raise err.prefixed(f"events[{i}].") from None
    for event in events:
        model.schedule_at_week(event.week, apply_event, model, event)
