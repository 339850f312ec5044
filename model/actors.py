"""Actors: a person or small team acting for an organisation in the centre.

Each :class:`Actor` is a Mesa agent that reads its own row of the model's actor table and
its row of the pairwise arrays, so the weekly update can stay vectorised while notebooks,
the browser app and tests can still ask an actor about itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .forms import FORMS, Form
from .kinds import RESOURCES, SLOTS, TARGET_GROUPS, ActorKind

if TYPE_CHECKING:
    from .centre_model import CentreModel


def _names(mask: int, universe: tuple[str, ...]) -> list[str]:
    return [name for bit, name in enumerate(universe) if mask >> bit & 1]


class Actor(mesa.Agent):
    """One actor; ``row`` indexes the model's actor table and pair arrays."""

    model: CentreModel

    def __init__(self, model: CentreModel, row: int, name: str, group: str):
        super().__init__(model)
        self.row = row
        self.name = name
        self.group = group

    def _get(self, field: str):
        return getattr(self.model.actor_table, field)[self.row]

    kind = property(lambda self: ActorKind(int(self._get("kind"))), doc="Actor kind.")
    capacity_hours = property(lambda self: float(self._get("capacity_hours")))
    core_load = property(lambda self: float(self._get("core_load")))
    leadership_support = property(lambda self: float(self._get("leadership")))
    risk_willingness = property(lambda self: float(self._get("risk_willingness")))
    cocreation_experience = property(lambda self: float(self._get("cocreation_experience")))
    co_located = property(lambda self: bool(self._get("co_located")))
    permanent = property(lambda self: bool(self._get("permanent")))
    funding_expired = property(lambda self: bool(self._get("expired")))
    active = property(lambda self: bool(self._get("active")))
    arrived_step = property(lambda self: int(self._get("arrived")))

    @property
    def funding_end_week(self) -> int | None:
        end = int(self._get("funding_end"))
        return None if end < 0 else end

    @property
    def left_step(self) -> int | None:
        left = int(self._get("left"))
        return None if left < 0 else left

    @property
    def offers(self) -> list[str]:
        return _names(int(self._get("offers")), RESOURCES)

    @property
    def needs(self) -> list[str]:
        return _names(int(self._get("needs")), RESOURCES)

    @property
    def target_groups(self) -> list[str]:
        return _names(int(self._get("targets")), TARGET_GROUPS)

    @property
    def presence(self) -> list[str]:
        """The presence slots (``mon_morning`` …) this actor is in the house."""
        return [s for s, here in zip(SLOTS, self.model.actor_table.presence[self.row], strict=False) if here]

    @property
    def collaboration_hours(self) -> float:
        """Hours this week this actor may spend on collaboration."""
        return float(self.model.budget[self.row])

    @property
    def hours_used(self) -> float:
        """Hours this week this actor spends on its current ties."""
        return float(self.model.hours_used[self.row])

    def pair_row(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """Other actors' rows and this actor's value of a pair field with each
        (``deepest`` gives each pair's deepest held form)."""
        others, ks = self.model.pairs.partner_index(self.row)
        values = self.model.pairs.deepest if field == "deepest" else getattr(self.model.pairs, field)
        return others, values[..., ks]

    @property
    def familiarity(self) -> dict[int, float]:
        """Familiarity with every other present actor, by row."""
        return self._row_dict("familiarity")

    @property
    def trust(self) -> dict[int, float]:
        """Trust in every other present actor, by row."""
        return self._row_dict("trust")

    def _row_dict(self, field: str) -> dict[int, float]:
        others, values = self.pair_row(field)
        here = self.model.actor_table.active[others]
        return {int(o): float(v) for o, v in zip(others[here], values[here], strict=False)}

    def partners(self) -> dict[int, set[Form]]:
        """Partners (by row) this actor holds any form with, and the forms held."""
        others, held = self.pair_row("held")
        return {
            int(o): {f for f in FORMS if held[f, n]}
            for n, o in enumerate(others) if held[1:, n].any()
        }  # fmt: skip

    @property
    def degree(self) -> int:
        """Number of partners in any form."""
        return len(self.partners())

    @property
    def is_coordinator(self) -> bool:
        """Whether this actor holds the coordinating role now."""
        return bool(self.model.coordinator_active and self.model.coordinator_row == self.row)

    @property
    def enthusiasts(self) -> int:
        """Volunteers only: the people who carry the association now."""
        return int(self._get("enthusiasts"))
