"""Matplotlib drawings of a running centre, shared by the workshop page and the export.

The network view follows the report's picture of the centre as a *generative mechanism*
(*Opsamling*, Figure 1): actors of the four sectors in one house, tied by the five forms
of collaboration (*Del 2*, Figure 7). Positions are fixed once per model, so a projected
network thins out or grows in place instead of jumping between frames.

Everything here builds :class:`matplotlib.figure.Figure` objects directly (never pyplot),
so drawings can be made from the server's worker threads.
"""

from __future__ import annotations

import io
import math
import weakref
from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model import FORMS, ActorKind, CentreModel, Form

from .labels import intervention_label, kind_label, text

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
OUTCOMES = ("referrals", "resources_shared", "joint_offers", "new_initiatives", "failed_efforts")
INTERVENTION_COLOUR = "#d62728"


@dataclass
class FixedLayout:
    """Actor positions computed once per model: the starting actors on a circle grouped
    into one sector per kind, later arrivals on an outer ring within their kind's sector.

    A position, once given, never changes; only newcomers get new ones.
    """

    sectors: dict[ActorKind, tuple[float, float]] = field(default_factory=dict)
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    arrivals: dict[ActorKind, int] = field(default_factory=dict)

    @classmethod
    def for_model(cls, model: CentreModel) -> FixedLayout:
        t = model.actor_table
        rows = [a.row for a in model.actor_by_row if t.arrived[a.row] == 0]
        kinds = [ActorKind(int(t.kind[r])) for r in rows]
        # Each kind's sector is sized by its starting actors plus room for one newcomer.
        weights = {k: kinds.count(k) + 1 for k in ActorKind}
        total = sum(weights.values())
        layout = cls()
        start = math.pi / 2
        for kind in ActorKind:
            width = 2 * math.pi * weights[kind] / total
            layout.sectors[kind] = (start, width)
            members = [r for r, k in zip(rows, kinds, strict=True) if k is kind]
            for i, row in enumerate(members):
                angle = start + width * (i + 0.5) / (len(members) + 1)
                layout.positions[row] = (math.cos(angle), math.sin(angle))
            start += width
        return layout

    def position_newcomers(self, model: CentreModel) -> None:
        """Give actors who arrived since the last drawing a place on the outer ring."""
        t = model.actor_table
        for actor in model.actor_by_row:
            if actor.row in self.positions:
                continue
            kind = ActorKind(int(t.kind[actor.row]))
            n = self.arrivals.get(kind, 0)
            self.arrivals[kind] = n + 1
            start, width = self.sectors[kind]
            # Golden-ratio steps spread any number of newcomers over the sector.
            angle = start + width * (0.1 + 0.8 * ((0.5 + n * 0.618034) % 1.0))
            radius = 1.22 + 0.08 * (n % 2)
            self.positions[actor.row] = (radius * math.cos(angle), radius * math.sin(angle))

    def xy(self, rows: np.ndarray) -> np.ndarray:
        return np.array([self.positions[int(r)] for r in rows]).reshape(-1, 2)


_layouts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def layout_of(model: CentreModel) -> FixedLayout:
    """The model's fixed layout (made on first use, then extended for newcomers only)."""
    layout = _layouts.get(model)
    if layout is None:
        layout = _layouts[model] = FixedLayout.for_model(model)
    layout.position_newcomers(model)
    return layout


def _network_frame(ax, language: str) -> None:
    """What the network view shows whatever the week: extent and legend."""
    # The legend sits in the free space right of the circle.
    ax.set_xlim(-1.45, 2.6)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    kinds = [
        Line2D([], [], marker=CO_LOCATED_MARKER, linestyle="", color=KIND_COLOUR[k],
               label=kind_label(k, language))
        for k in ActorKind
    ]  # fmt: skip
    placement = [
        Line2D([], [], marker=CO_LOCATED_MARKER, linestyle="", color="grey",
               label=text("co_located", language)),
        Line2D([], [], marker=AD_HOC_MARKER, linestyle="", markerfacecolor="white",
               markeredgecolor="grey", color="grey", label=text("ad_hoc", language)),
    ]  # fmt: skip
    forms_legend = [
        Line2D([], [], color=f.colour, linewidth=TIE_WIDTH[f] + 0.6, label=f.label(language))
        for f in FORMS
    ]
    ax.legend(
        handles=kinds + placement + forms_legend, loc="upper right", fontsize=8, frameon=False,
    )  # fmt: skip


def _network_now(ax, model: CentreModel, language: str) -> list:
    """This week's ties and actors on the fixed layout; returns the artists drawn."""
    layout = layout_of(model)
    t, p = model.actor_table, model.pairs
    deepest = p.deepest
    tied = np.flatnonzero((deepest > 0) & model.present)
    # Shallow ties first so the deep ones are drawn on top.
    tied = tied[np.argsort(deepest[tied], kind="stable")]
    forms = deepest[tied]
    segments = np.stack([layout.xy(p.iu[tied]), layout.xy(p.ju[tied])], axis=1)
    artists = [ax.add_collection(LineCollection(
        segments,
        colors=[Form(int(f)).colour for f in forms],
        linewidths=[TIE_WIDTH[Form(int(f))] for f in forms],
        alpha=0.8,
        zorder=1,
    ), autolim=False)]  # fmt: skip

    rows = np.array([a.row for a in model.actor_by_row if t.active[a.row]], dtype=int)
    xy = layout.xy(rows)
    for kind in ActorKind:
        for co_located, marker in ((True, CO_LOCATED_MARKER), (False, AD_HOC_MARKER)):
            pick = (t.kind[rows] == kind) & (t.co_located[rows] == co_located)
            if not pick.any():
                continue
            colour = KIND_COLOUR[kind]
            artists.append(ax.scatter(
                xy[pick, 0], xy[pick, 1], s=60 if co_located else 48, marker=marker,
                facecolors=colour if co_located else "white", edgecolors=colour,
                linewidths=1.8, zorder=2,
            ))  # fmt: skip
    # Scatter widens the data limits; the view stays the fixed frame.
    ax.set_xlim(-1.45, 2.6)
    ax.set_ylim(-1.45, 1.45)
    ax.set_title(f"{text('network', language)} — {text('week', language).lower()} {model.week}")
    return artists


def draw_network(ax, model: CentreModel, language: str = "da") -> None:
    """Actors coloured by kind (circle: co-located, diamond: ad hoc) and their ties."""
    _network_frame(ax, language)
    _network_now(ax, model, language)


class NetworkDrawing:
    """The network view, made once and redrawn in place (see :class:`Timeline`)."""

    def __init__(self, language: str = "da"):
        self.language = language
        self.figure = Figure(figsize=(7.4, 5.6), dpi=90)
        self.figure.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.01)
        self.ax = self.figure.subplots()
        _network_frame(self.ax, language)
        self._replaced: list = []

    def draw(self, model: CentreModel) -> Figure:
        """The figure showing ``model`` now."""
        for artist in self._replaced:
            artist.remove()
        self._replaced = _network_now(self.ax, model, self.language)
        return self.figure


def _weekly(model: CentreModel):
    return model.datacollector.get_model_vars_dataframe()


def _mark_interventions(axes, model: CentreModel, language: str, label_axis=None) -> list:
    """A dashed vertical line at the week each intervention takes effect; returns them."""
    notes_by_week: dict[int, list[str]] = {}
    for week, note in model.interventions:
        notes_by_week.setdefault(week, []).append(intervention_label(note, language))
    artists = []
    for week, notes in notes_by_week.items():
        for ax in axes:
            artists.append(
                ax.axvline(week, color=INTERVENTION_COLOUR, linestyle="--", linewidth=1.2)
            )
        if label_axis is not None:
            artists.append(label_axis.annotate(
                "; ".join(notes), xy=(week, 1.0),
                xycoords=("data", "axes fraction"), xytext=(3, -3),
                textcoords="offset points", va="top", fontsize=7, rotation=90,
                color=INTERVENTION_COLOUR,
            ))  # fmt: skip
    return artists


def _forms_legend(ax, language: str) -> None:
    handles = [Patch(color=f.colour, label=f.label(language)) for f in reversed(FORMS)]
    ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=False)


def _stack_forms(ax, model: CentreModel, weeks: int | None = None) -> list:
    frame = _weekly(model)
    x = np.arange(len(frame))
    areas = ax.stackplot(
        x, *[frame[f"ties_{f.id}"].to_numpy(dtype=float) for f in FORMS],
        colors=[f.colour for f in FORMS],
    )  # fmt: skip
    ax.set_xlim(0, max(weeks or 0, len(frame) - 1, 1))
    return list(areas)


def draw_forms(ax, model: CentreModel, language: str = "da", weeks: int | None = None) -> None:
    """Stacked area of the number of ties in each of the five forms, week by week."""
    ax.set_ylabel(text("ties", language))
    ax.set_title(text("forms_over_time", language), fontsize=10)
    _forms_legend(ax, language)
    _stack_forms(ax, model, weeks)
    _mark_interventions([ax], model, language, label_axis=ax)


class Timeline:
    """Forms over time, mean trust and cumulative outcomes, interventions marked.

    The axes, titles and legends are made once; :meth:`draw` replaces only the data, so
    redrawing after every step stays cheap (making matplotlib axes is the slow part).
    """

    def __init__(self, language: str = "da"):
        self.language = language
        fig = self.figure = Figure(figsize=(6.4, 6.6), dpi=90)
        fig.subplots_adjust(left=0.11, right=0.97, top=0.95, bottom=0.08, hspace=0.35)
        self.forms, self.trust, self.outcomes = fig.subplots(
            3, 1, sharex=True, height_ratios=(2.2, 1, 1.3)
        )
        self.forms.set_ylabel(text("ties", language))
        self.forms.set_title(text("forms_over_time", language), fontsize=10)
        _forms_legend(self.forms, language)
        self.trust.set_ylim(0, 1)
        self.trust.set_title(text("trust_over_time", language), fontsize=10)
        (self.trust_line,) = self.trust.plot([], [], color="#333333")
        self.outcome_lines = [
            self.outcomes.plot([], [], label=text(name, language))[0] for name in OUTCOMES
        ]
        self.outcomes.set_title(text("outcomes_over_time", language), fontsize=10)
        self.outcomes.legend(loc="upper left", fontsize=7, frameon=False)
        self.outcomes.set_xlabel(text("week", language))
        self._replaced: list = []

    def draw(self, model: CentreModel) -> Figure:
        """The figure showing ``model`` now."""
        for artist in self._replaced:
            artist.remove()
        frame = _weekly(model)
        x = np.arange(len(frame))
        self._replaced = _stack_forms(self.forms, model)
        self.forms.relim()
        self.forms.autoscale_view(scalex=False)
        self.trust_line.set_data(x, frame["mean_trust"].to_numpy(dtype=float))
        for line, name in zip(self.outcome_lines, OUTCOMES, strict=True):
            line.set_data(x, np.cumsum(frame[name].to_numpy(dtype=float)))
        self.outcomes.relim()
        self.outcomes.autoscale_view(scalex=False)
        self._replaced += _mark_interventions(
            [self.forms, self.trust, self.outcomes], model, self.language,
            label_axis=self.forms,
        )  # fmt: skip
        return self.figure


def timeline_figure(model: CentreModel, language: str = "da") -> Figure:
    """A fresh figure of forms over time, mean trust and outcomes (see :class:`Timeline`)."""
    return Timeline(language).draw(model)


def network_figure(model: CentreModel, language: str = "da") -> Figure:
    """A fresh figure of the centre's network now, on the model's fixed layout."""
    return NetworkDrawing(language).draw(model)


_drawings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reused(model: CentreModel, drawing: type, language: str):
    per_model = _drawings.setdefault(model, {})
    key = (drawing, language)
    if key not in per_model:
        per_model[key] = drawing(language)
    return per_model[key]


def network_png(model: CentreModel, language: str = "da") -> bytes:
    """The network as PNG, reusing one :class:`NetworkDrawing` per model and language."""
    return png_bytes(_reused(model, NetworkDrawing, language).draw(model))


def timeline_png(model: CentreModel, language: str = "da") -> bytes:
    """The timeline as PNG, reusing one :class:`Timeline` per model and language."""
    return png_bytes(_reused(model, Timeline, language).draw(model))


def export_frame_figure(model: CentreModel, language: str = "da", weeks: int | None = None):
    """Network and forms chart side by side: one frame of an exported animation."""
    fig = Figure(figsize=(12.8, 5.4), dpi=80, layout="constrained")
    ax_network, ax_forms = fig.subplots(1, 2, width_ratios=(1.25, 1))
    draw_network(ax_network, model, language)
    draw_forms(ax_forms, model, language, weeks=weeks)
    ax_forms.set_xlabel(text("week", language))
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (what the page sends to the browser)."""
    buffer = io.BytesIO()
    # Fast zlib level: the page sends a new image every step; time matters more than size.
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def rgb_array(fig: Figure) -> np.ndarray:
    """The figure as an ``height × width × 3`` uint8 array (an animation frame)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


__all__ = [
    "KIND_COLOUR", "FixedLayout", "NetworkDrawing", "Timeline", "draw_forms", "draw_network",
    "export_frame_figure", "layout_of", "network_figure", "network_png", "png_bytes",
    "rgb_array", "timeline_figure", "timeline_png",
]  # fmt: skip
