"""Where each actor sits in the network pictures, fixed for the whole run.

The network view follows the report's picture of the centre as a *generative mechanism*
(*Opsamling*, Figure 1): actors of the four sectors in one house. Positions are fixed once
per model, so a projected network thins out or grows in place instead of jumping between
frames, and the two twins of a paired run share one layout.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

from model import FORMS, ActorKind, CentreModel

#: One colour per actor kind; chosen away from the form colours so ties and actors differ.
KIND_COLOUR: dict[ActorKind, str] = {
    ActorKind.MUNICIPAL: "#6a3d9a",
    ActorKind.HOUSING_SOCIAL: "#8c510a",
    ActorKind.VOLUNTEER: "#e7298a",
    ActorKind.PRIVATE: "#404040",
}
#: Marker of housed (co-located) actors and of ad-hoc users (*Del 1*: actors housed in
#: the centre meet by chance; ad-hoc users only when they book a room).
CO_LOCATED_MARKER, AD_HOC_MARKER = "o", "D"
#: Line width of a tie by form depth 1–5.
TIE_WIDTH = {form: 0.4 + 0.9 * (form - 1) for form in FORMS}


@dataclass
class FixedLayout:
    """Actor positions by name: the starting actors on a circle grouped into one sector per
    kind, later arrivals on an outer ring within their kind's sector.

    A position, once given, never changes; only newcomers get new ones.
    """

    sectors: dict[ActorKind, tuple[float, float]] = field(default_factory=dict)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    arrivals: dict[ActorKind, int] = field(default_factory=dict)

    @classmethod
    def for_model(cls, model: CentreModel) -> FixedLayout:
        t = model.actor_table
        starters = [a for a in model.actor_by_row if t.arrived[a.row] == 0]
        kinds = [ActorKind(int(t.kind[a.row])) for a in starters]
        # Each kind's sector is sized by its starting actors plus room for one newcomer.
        weights = {k: kinds.count(k) + 1 for k in ActorKind}
        total = sum(weights.values())
        layout = cls()
        start = math.pi / 2
        for kind in ActorKind:
            width = 2 * math.pi * weights[kind] / total
            layout.sectors[kind] = (start, width)
            members = [a.name for a, k in zip(starters, kinds, strict=True) if k is kind]
            for i, name in enumerate(members):
                angle = start + width * (i + 0.5) / (len(members) + 1)
                layout.positions[name] = (math.cos(angle), math.sin(angle))
            start += width
        return layout

    def position_newcomers(self, model: CentreModel) -> None:
        """Give actors who arrived since the last drawing a place on the outer ring."""
        t = model.actor_table
        for actor in model.actor_by_row:
            if actor.name in self.positions:
                continue
            kind = ActorKind(int(t.kind[actor.row]))
            n = self.arrivals.get(kind, 0)
            self.arrivals[kind] = n + 1
            start, width = self.sectors[kind]
            # Golden-ratio steps spread any number of newcomers over the sector.
            angle = start + width * (0.1 + 0.8 * ((0.5 + n * 0.618034) % 1.0))
            radius = 1.22 + 0.08 * (n % 2)
            self.positions[actor.name] = (radius * math.cos(angle), radius * math.sin(angle))


_layouts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def layout_of(model: CentreModel) -> FixedLayout:
    """The model's fixed layout (made on first use, then extended for newcomers only)."""
    layout = _layouts.get(model)
    if layout is None:
        layout = _layouts[model] = FixedLayout.for_model(model)
    layout.position_newcomers(model)
    return layout
