"""The centre's network for the page: who is tied to whom, drawn as SVG with names on hover.

:func:`edges_of` is the app's only reader of pair state, so a change in how the model
stores pairs (e.g. a pair holding a set of forms) is adapted in that one function.
The SVG is built as text rather than with matplotlib: it costs a few milliseconds instead
of a tenth of a second per week, stays sharp on a projector, and the browser shows each
actor's and tie's name on hover (an SVG ``<title>``) without any script or internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from model import ActorKind, CentreModel, Form

from .labels import kind_label, text
from .layout import KIND_COLOUR, TIE_WIDTH, FixedLayout


@dataclass(frozen=True)
class Edge:
    """One collaboration tie as drawn: its two actors, its deepest form and its trust."""

    source: str
    target: str
    form: Form
    trust: float


def edges_of(model: CentreModel) -> list[Edge]:
    """One edge per pair of present actors holding any form, drawn by the deepest form it
    holds; shallow forms first (so deep ones are drawn on top).

    The one function of the app that reads pair state (``ties_frame`` and ``actor_by_row``).
    """
    ties = model.ties_frame()  # one row per pair and form held
    names = {actor.row: actor.name for actor in model.actor_by_row}
    edges = {
        (int(s), int(t)): Edge(names[int(s)], names[int(t)], Form.from_id(deepest), float(trust))
        for s, t, deepest, trust in zip(ties["source"], ties["target"], ties["deepest"],
                                        ties["trust"], strict=True)
    }  # fmt: skip
    return sorted(edges.values(), key=lambda e: e.form)


@dataclass(frozen=True)
class Node:
    """One actor present now, as drawn."""

    name: str
    kind: ActorKind
    co_located: bool


def nodes_of(model: CentreModel) -> list[Node]:
    """Actors present now with their kind and whether they are housed in the centre."""
    t = model.actor_table
    return [
        Node(a.name, ActorKind(int(t.kind[a.row])), bool(t.co_located[a.row]))
        for a in model.actor_by_row
        if t.active[a.row]
    ]


#: The drawing's extent in layout units (the outer ring of newcomers has radius ≤ 1.3).
EXTENT = 1.42
NODE_RADIUS = 0.055


def _xy(layout: FixedLayout, name: str) -> tuple[float, float]:
    x, y = layout.positions[name]
    return round(x, 4), round(-y, 4)  # SVG's y grows downwards


def network_svg(model: CentreModel, layout: FixedLayout, language: str = "da") -> str:
    """The network now as an SVG element that scales to its container's width."""
    layout.position_newcomers(model)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-EXTENT} {-EXTENT} {2 * EXTENT} '
        f'{2 * EXTENT}" width="100%" style="display:block" role="img">'
    ]
    for edge in edges_of(model):
        (x1, y1), (x2, y2) = _xy(layout, edge.source), _xy(layout, edge.target)
        title = escape(f"{edge.source} — {edge.target}: {edge.form.label(language)}, "
                       f"{text('trust', language)} {edge.trust:.2f}")  # fmt: skip
        parts.append(
            f'<line class="tie" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{edge.form.colour}" '
            f'stroke-width="{TIE_WIDTH[edge.form]:.1f}" stroke-opacity="0.8" '
            f'vector-effect="non-scaling-stroke"><title>{title}</title></line>'
        )
    r = NODE_RADIUS
    for node in nodes_of(model):
        x, y = _xy(layout, node.name)
        colour = KIND_COLOUR[node.kind]
        title = f"<title>{escape(node.name)} ({escape(kind_label(node.kind, language))})</title>"
        if node.co_located:
            tag, geometry = "circle", f'cx="{x}" cy="{y}" r="{r}" fill="{colour}"'
        else:
            points = f"{x},{y - r * 1.2:.4f} {x + r:.4f},{y} {x},{y + r * 1.2:.4f} {x - r:.4f},{y}"
            tag, geometry = "polygon", f'points="{points}" fill="white"'
        parts.append(
            f'<{tag} class="actor" data-name="{escape(node.name)}" {geometry} stroke="{colour}" '
            f'stroke-width="2" vector-effect="non-scaling-stroke">{title}</{tag}>'
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["Edge", "Node", "edges_of", "network_svg", "nodes_of"]
