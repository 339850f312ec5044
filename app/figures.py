"""Matplotlib drawings of a running centre: the page's charts and the export's frames.

The page draws its timeline here (:class:`Timeline`, one run or a pair of twins) and its
network as SVG (:mod:`app.network`); the export draws both here. The network follows the
report's picture of the centre as a *generative mechanism* (*Opsamling*, Figure 1):
actors of the four sectors in one house, tied by the five forms of collaboration
(*Del 2*, Figure 7), on the fixed layout of :mod:`app.layout`.

Everything here builds :class:`matplotlib.figure.Figure` objects directly (never pyplot),
so drawings can be made from the server's worker threads.
"""

from __future__ import annotations

import io
import math
import weakref

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from model import FORMS, ActorKind, CentreModel

from .labels import intervention_label, kind_label, text
from .layout import AD_HOC_MARKER, CO_LOCATED_MARKER, KIND_COLOUR, TIE_WIDTH, layout_of
from .network import edges_of, nodes_of

OUTCOMES = ("referrals", "resources_shared", "joint_offers", "new_initiatives", "failed_efforts")
INTERVENTION_COLOUR = "#d62728"
RESIDENTS_COLOUR = "#8c564b"


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
    edges = edges_of(model)
    segments = np.array(
        [(layout.positions[e.source], layout.positions[e.target]) for e in edges]
    ).reshape(-1, 2, 2)
    artists = [ax.add_collection(LineCollection(
        segments,
        colors=[e.form.colour for e in edges],
        linewidths=[TIE_WIDTH[e.form] for e in edges],
        alpha=0.8,
        zorder=1,
    ), autolim=False)]  # fmt: skip

    nodes = nodes_of(model)
    for kind in ActorKind:
        for co_located, marker in ((True, CO_LOCATED_MARKER), (False, AD_HOC_MARKER)):
            xy = np.array([layout.positions[n.name] for n in nodes
                           if n.kind is kind and n.co_located == co_located]).reshape(-1, 2)  # fmt: skip
            if not len(xy):
                continue
            colour = KIND_COLOUR[kind]
            artists.append(ax.scatter(
                xy[:, 0], xy[:, 1], s=60 if co_located else 48, marker=marker,
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


def _weekly(model: CentreModel):
    return model.datacollector.get_model_vars_dataframe()


def _mark_interventions(axes, model: CentreModel, language: str, label_axis=None,
                        fontsize: float = 7) -> list:
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
                textcoords="offset points", va="top", fontsize=fontsize, rotation=90,
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
    """Stacked area of the number of ties in each of the five forms, week by week.

    Drawn for slides and handouts (the exported animation): the legend sits right of the
    chart rather than on the areas, and each intervention is named in a horizontal label in
    a band left free above the areas, large enough to read from the back of a room.
    """
    ax.set_ylabel(text("ties", language), fontsize=11)
    ax.set_title(text("forms_over_time", language), fontsize=12)
    handles = [Patch(color=f.colour, label=f.label(language)) for f in reversed(FORMS)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10,
              frameon=False, borderaxespad=0)  # fmt: skip
    _stack_forms(ax, model, weeks)
    top = max(float(_weekly(model)[[f"ties_{f.id}" for f in FORMS]].sum(axis=1).max()), 1.0)
    ax.set_ylim(0, top * 1.22)  # the band above the areas holds the intervention labels
    _mark_interventions([ax], model, language)
    left, right = ax.get_xlim()
    for week, note in model.interventions:
        late = week > (left + right) / 2  # a label reads towards the side with more room
        ax.annotate(
            intervention_label(note, language),
            xy=(week, 1.0), xycoords=("data", "axes fraction"), xytext=(-5 if late else 5, -5),
            textcoords="offset points", ha="right" if late else "left", va="top", fontsize=11,
            color=INTERVENTION_COLOUR, bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5),
        )  # fmt: skip
    ax.tick_params(labelsize=10)


#: Line style of each run: a single run or the untouched twin solid, the twin with
#: interventions dashed.
RUN_STYLES = ("-", "--")
#: Weeks the time axis shows at first; it grows by as many again when a run goes beyond.
HORIZON = 52
OUTCOME_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#7f7f7f")


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at or above ``value`` (at least 10), so limits grow
    in a few steps and the background is redrawn rarely."""
    value = max(float(value), 10.0)  # whole-number ticks even on an empty chart
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


class Timeline:
    """Forms over time, mean trust and cumulative outcomes of one run or a pair of twins.

    Axes, ticks, titles, legend and intervention marks are a background drawn only when
    the limits (which grow in steps) or the interventions change; each week only the lines
    are drawn onto a copy of it (matplotlib's blitting) and the pixels encoded as PNG.
    That keeps a step with drawing far below a tenth of a second of CPU.
    """

    def __init__(self, language: str = "da"):
        self.language = language
        # About the size it is shown at on a 1024×768 projector, so 9–11 pt stay readable.
        fig = self.figure = Figure(figsize=(2.9, 3.9), dpi=100)
        self.canvas = FigureCanvasAgg(fig)
        fig.subplots_adjust(left=0.18, right=0.97, top=0.94, bottom=0.1, hspace=0.55)
        self.forms, self.trust, self.outcomes = fig.subplots(
            3, 1, sharex=True, height_ratios=(2.0, 1.0, 1.4)
        )
        for ax, title in ((self.forms, "forms_over_time"), (self.trust, "trust_over_time"),
                          (self.outcomes, "outcomes_over_time")):  # fmt: skip
            ax.set_title(text(title, language), fontsize=10, pad=3)
            ax.tick_params(labelsize=9)
        self.forms.set_ylabel(text("ties", language), fontsize=9)
        self.outcomes.set_xlabel(text("week", language), fontsize=9, labelpad=1)
        self.trust.set_ylim(0, 1)
        self.lines: dict[tuple[int, str], Line2D] = {}
        for run, style in enumerate(RUN_STYLES):
            for form in FORMS:
                self._line(run, f"ties_{form.id}", self.forms, form.colour, style)
            self._line(run, "mean_trust", self.trust, "#333333", style,
                       label=text("trust_line", language) if run == 0 else None)  # fmt: skip
            # The residents chart (issue 10): the share of the area's residents the house's
            # offers reach, on the same 0–1 scale as trust.
            self._line(run, "residents_share", self.trust, RESIDENTS_COLOUR, style,
                       label=text("residents_share", language) if run == 0 else None)  # fmt: skip
            for name, colour in zip(OUTCOMES, OUTCOME_COLOURS, strict=True):
                self._line(run, name, self.outcomes, colour, style,
                           label=text(name, language) if run == 0 else None)  # fmt: skip
        self.trust.legend(loc="upper left", fontsize=7.5, frameon=False, ncol=2,
                          handlelength=1.0, columnspacing=0.6)  # fmt: skip
        self.outcomes.legend(loc="upper left", fontsize=7.5, frameon=False, ncol=2,
                             handlelength=1.0, columnspacing=0.6, labelspacing=0.2)  # fmt: skip
        self._background = None
        self._background_key: tuple | None = None
        self._marks: list = []

    def _line(self, run, measure, ax, colour, style, label=None) -> None:
        (line,) = ax.plot([], [], color=colour, linestyle=style, linewidth=1.8, label=label,
                          animated=True)  # fmt: skip
        self.lines[run, measure] = line

    def _draw_background(self, key: tuple, model: CentreModel) -> None:
        horizon, forms_top, outcomes_top = key[:3]
        self.forms.set_xlim(0, horizon)
        self.forms.set_ylim(0, forms_top)
        self.outcomes.set_ylim(0, outcomes_top)
        for artist in self._marks:
            artist.remove()
        self._marks = _mark_interventions(
            [self.forms, self.trust, self.outcomes], model, self.language, label_axis=self.forms,
            fontsize=9,
        )  # fmt: skip
        self.canvas.draw()  # every artist but the animated lines
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._background_key = key

    def update(self, runs: list[CentreModel]) -> None:
        """Show ``runs`` (one model, or the untouched twin and the one with interventions)."""
        frames = [_weekly(model) for model in runs]
        weeks = max(len(frame) for frame in frames)
        ties = [f"ties_{form.id}" for form in FORMS]
        cumulative = [{name: np.cumsum(frame[name].to_numpy(dtype=float)) for name in OUTCOMES}
                      for frame in frames]  # fmt: skip
        key = (
            HORIZON * max(1, math.ceil((weeks - 1) / HORIZON)),
            _nice_ceiling(1.05 * max(frame[ties].to_numpy(dtype=float).max() for frame in frames)),
            _nice_ceiling(1.05 * max(c[name].max() for c in cumulative for name in OUTCOMES)),
            tuple(runs[-1].interventions),
        )
        if key != self._background_key:
            self._draw_background(key, runs[-1])
        self.canvas.restore_region(self._background)
        for run, (frame, totals) in enumerate(zip(frames, cumulative, strict=True)):
            x = np.arange(len(frame))
            for measure in (*ties, "mean_trust"):
                self._show(run, measure, x, frame[measure].to_numpy(dtype=float))
            self._show(run, "residents_share", x, _residents_share(runs[run], frame))
            for name in OUTCOMES:
                self._show(run, name, x, totals[name])

    def _show(self, run: int, measure: str, x: np.ndarray, y: np.ndarray) -> None:
        line = self.lines[run, measure]
        line.set_data(x, y)
        line.axes.draw_artist(line)

    def png(self, runs: list[CentreModel]) -> bytes:
        """The timeline of ``runs`` as PNG bytes."""
        self.update(runs)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw",
                                 "RGBA", 0, 1)  # fmt: skip
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

def _residents_share(model: CentreModel, frame) -> np.ndarray:
    """Share of the area's residents in touch with the house's offers, week by week."""
    size = float(model.residents.state.size.sum())
    return frame["residents_reached"].to_numpy(dtype=float) / max(size, 1.0)


def timeline_figure(model: CentreModel, language: str = "da") -> Figure:
    """A fresh figure of forms over time, mean trust and outcomes (see :class:`Timeline`)."""
    timeline = Timeline(language)
    timeline.png(_runs(model))
    return timeline.figure


def network_figure(model: CentreModel, language: str = "da") -> Figure:
    """A fresh figure of the centre's network now, on the model's fixed layout (export)."""
    fig = Figure(figsize=(7.4, 5.6), dpi=90)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.01)
    draw_network(fig.subplots(), model, language)
    return fig


def _runs(model: CentreModel) -> list[CentreModel]:
    """The untouched twin and ``model`` for a paired run, else ``model`` alone."""
    return model.runs() if hasattr(model, "runs") else [model]


_timelines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def timeline_png(model: CentreModel, language: str = "da") -> bytes:
    """The timeline as PNG, reusing one :class:`Timeline` per model and language."""
    per_model = _timelines.setdefault(model, {})
    if language not in per_model:
        per_model[language] = Timeline(language)
    return per_model[language].png(_runs(model))


def export_frame_figure(model: CentreModel, language: str = "da", weeks: int | None = None):
    """Network and forms chart side by side: one frame of an exported animation."""
    fig = Figure(figsize=(12.8, 5.4), dpi=80, layout="constrained")
    ax_network, ax_forms = fig.subplots(1, 2, width_ratios=(1.5, 1))
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
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


__all__ = [
    "KIND_COLOUR", "Timeline", "draw_forms", "draw_network", "export_frame_figure",
    "layout_of", "network_figure", "png_bytes", "rgb_array", "timeline_figure", "timeline_png",
]  # fmt: skip
