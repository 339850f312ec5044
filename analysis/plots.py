"""Figures of a scenario against its baseline, as PNG bytes for reports.

Every figure compares two arms run with the same seeds (a scenario and its baseline).
Bands are the 95 % t-interval of the mean over seeds (:func:`analysis.stats.band`),
bounded where the quantity is (no count below zero, trust within 0–1); dashed lines mark
the weeks of the scenario's events. Form colours and labels come from :class:`model.Form`.
Titles use constrained layout, so an overall title never covers a panel's.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model import FORMS, ActorKind, Form  # noqa: E402

from . import stats  # noqa: E402

SCENARIO_COLOUR = "#b2182b"
BASELINE_COLOUR = "#555555"
ARM_LABELS = ("med ændringen / with the change", "uden ændringen / without")
KIND_COLOUR = {
    ActorKind.MUNICIPAL: "#1f78b4",
    ActorKind.HOUSING_SOCIAL: "#e31a1c",
    ActorKind.VOLUNTEER: "#33a02c",
    ActorKind.PRIVATE: "#ff7f00",
}
OUTCOMES = {
    "referrals": ("henvisninger", "referrals"),
    "resources_shared": ("delte ressourcer", "resources shared"),
    "joint_offers": ("fælles tilbud", "joint offers"),
    "new_initiatives": ("nye initiativer", "new initiatives"),
    "failed_efforts": ("mislykkede indsatser", "failed efforts"),
}
#: Networks with at most this many actors name every actor; larger ones name the actors
#: whose number of ties changed most between the two arms.
NAME_ALL_UP_TO = 20
NAMED_MOST_CHANGED = 10
COUNT = (0.0, None)
UNIT = (0.0, 1.0)


def png_bytes(fig) -> bytes:
    """Render a figure to PNG and close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def mean_band(timeseries: pd.DataFrame, column: str, bounds=COUNT) -> pd.DataFrame:
    """Per week: mean over seeds and the 95 % t-interval of that mean, bounded."""
    return stats.band(timeseries, column, by="step", bounds=bounds)


def _compare(ax, scenario, baseline, column, weeks, title, bounds=COUNT, fontsize=9):
    for frame, colour, arm in ((baseline, BASELINE_COLOUR, ARM_LABELS[1]),
                               (scenario, SCENARIO_COLOUR, ARM_LABELS[0])):  # fmt: skip
        band = mean_band(frame, column, bounds)
        ax.plot(band.index, band["mean"], color=colour, lw=1.6, label=arm)
        ax.fill_between(band.index, band["low"], band["high"], color=colour, alpha=0.2, lw=0)
    for week in weeks:
        ax.axvline(week, color="black", ls="--", lw=0.8)
    ax.set_title(title, fontsize=fontsize)
    ax.set_xlabel("uge / week", fontsize=8)
    ax.tick_params(labelsize=7)
    if bounds[0] == 0.0:
        ax.set_ylim(bottom=0)


def main_measure(scenario: pd.DataFrame, baseline: pd.DataFrame, column: str, weeks,
                 names: tuple[str, str], bounds=COUNT) -> bytes:  # fmt: skip
    """The report's one figure: the main measure over time in both arms, with bands."""
    fig, ax = plt.subplots(figsize=(8.5, 3.1), layout="constrained")
    _compare(ax, scenario, baseline, column, weeks, f"{names[0]} / {names[1]}", bounds, 11)
    ax.set_ylabel(names[0], fontsize=9)
    ax.legend(fontsize=8, loc="best")
    return png_bytes(fig)


def ties_by_form(scenario: pd.DataFrame, baseline: pd.DataFrame, weeks) -> bytes:
    """Ties of every form over time, scenario against baseline; one legend for all."""
    panels = [(f"ties_{f.id}", f"{f.danish} / {f.label('en')}") for f in FORMS
              if f"ties_{f.id}" in scenario]  # fmt: skip
    columns = 3
    rows = -(-len(panels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(10, 2.7 * rows + 0.6),
                             layout="constrained", squeeze=False)  # fmt: skip
    for i, (ax, (column, title)) in enumerate(zip(axes.flat, panels, strict=False)):
        _compare(ax, scenario, baseline, column, weeks, title)
        if i + columns < len(panels):  # a panel below shows the same weeks
            ax.set_xlabel("")
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    fig.suptitle("Relationer pr. form / ties by form (middel / mean, 95 %)", fontsize=10)
    return png_bytes(fig)


def trust_familiarity(scenario, baseline, weeks) -> bytes:
    """Mean trust and familiarity between actors present, scenario against baseline."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    _compare(axes[0], scenario, baseline, "mean_trust", weeks, "tillid / mean trust", UNIT)
    _compare(axes[1], scenario, baseline, "mean_familiarity", weeks,
             "kendskab / mean familiarity", UNIT)  # fmt: skip
    for ax in axes:
        ax.legend(fontsize=7)
    return png_bytes(fig)


def cumulative_outcomes(scenario, baseline, week: int, weeks, columns) -> bytes:
    """Outcomes summed from the intervention week on, scenario against baseline."""
    fig, axes = plt.subplots(1, len(columns), figsize=(2.6 * len(columns) + 1, 3.2),
                             layout="constrained", squeeze=False)  # fmt: skip
    for ax, column in zip(axes[0], columns, strict=True):
        da, en = OUTCOMES.get(column, (column.replace("_", " "),) * 2)
        arms = []
        for frame in (scenario, baseline):
            after = frame[frame["step"] >= week].sort_values(["seed", "step"]).copy()
            after["cumulative"] = after.groupby("seed")[column].cumsum()
            arms.append(after)
        _compare(ax, arms[0], arms[1], "cumulative", weeks, f"{da} / {en}")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    fig.suptitle("Udbytte siden ændringen / outcomes since the change (sum)", fontsize=10)
    return png_bytes(fig)


def _deepest(row) -> str:
    """The pair's deepest form (the model's ``deepest`` column; ``form`` before palettes)."""
    return getattr(row, "deepest", row.form)


def named_actors(graphs: list[nx.Graph]) -> set[int]:
    """Actors to name on the maps: all of a small centre (a planner's roster), else those
    whose number of ties differs most between the last two panels (with / without)."""
    nodes = set().union(*(g.nodes for g in graphs))
    if len(nodes) <= NAME_ALL_UP_TO or len(graphs) < 2:
        return nodes
    with_, without = graphs[-2], graphs[-1]
    change = {n: abs((with_.degree(n) if n in with_ else 0)
                     - (without.degree(n) if n in without else 0)) for n in nodes}  # fmt: skip
    ranked = sorted((n for n in nodes if change[n] > 0), key=lambda n: (-change[n], n))
    return set(ranked[:NAMED_MOST_CHANGED])


def _name_actors(ax, graph: nx.Graph, position: dict, labels: dict[int, str]) -> None:
    """Write actor names beside their nodes, moved apart (adjustText) so none overlap."""
    from adjustText import adjust_text

    ax.margins(0.18)  # room for names at the edges of the drawing
    drawn = nx.draw_networkx_labels(graph, position, ax=ax, labels=labels, font_size=6,
                                    verticalalignment="bottom",
                                    bbox={"boxstyle": "round,pad=0.1", "fc": "white",
                                          "ec": "none", "alpha": 0.75})  # fmt: skip
    texts = list(drawn.values())
    if len(texts) > 1:
        xy = np.array([position[n] for n in graph.nodes]) if len(graph) else np.zeros((0, 2))
        adjust_text(texts, x=xy[:, 0], y=xy[:, 1], ax=ax,
                    arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.4})  # fmt: skip


def network_pictures(panels: list[tuple[str, pd.DataFrame, pd.DataFrame]]) -> bytes:
    """Side-by-side networks (title, ties, actors) with one shared layout; edges coloured
    by form, nodes by actor kind, actors named (see :func:`named_actors`)."""
    graphs = []
    union = nx.Graph()
    names: dict[int, str] = {}
    for _, ties, actors in panels:
        graph = nx.Graph()
        for row in actors.itertuples(index=False):
            graph.add_node(int(row.actor_id), kind=row.kind)
            names[int(row.actor_id)] = str(getattr(row, "name", row.actor_id))
        for row in ties.itertuples(index=False):  # one row per form a pair holds
            graph.add_edge(int(row.source), int(row.target), form=_deepest(row))
        graphs.append(graph)
        union.add_nodes_from(graph.nodes(data=True))
        union.add_edges_from(graph.edges)
    position = nx.spring_layout(union, seed=1, k=1.5 / max(np.sqrt(len(union)), 1))
    named = named_actors(graphs)
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 5.0),
                             layout="constrained")  # fmt: skip
    for ax, graph, (title, _, _) in zip(np.atleast_1d(axes), graphs, panels, strict=True):
        edges = sorted(graph.edges(data=True), key=lambda e: Form.from_id(e[2]["form"]))
        forms = [Form.from_id(e[2]["form"]) for e in edges]
        nx.draw_networkx_edges(graph, position, ax=ax, edgelist=[e[:2] for e in edges],
                               edge_color=[f.colour for f in forms], alpha=0.8,
                               width=[0.4 + 0.6 * (f - 1) for f in forms])  # fmt: skip
        colours = [KIND_COLOUR[ActorKind.from_id(graph.nodes[n]["kind"])] for n in graph.nodes]
        nx.draw_networkx_nodes(graph, position, ax=ax, node_size=40, node_color=colours)
        _name_actors(ax, graph, position, {n: names[n] for n in graph.nodes if n in named})
        ax.set_title(f"{title}\n{graph.number_of_edges()} relationer / ties", fontsize=9)
        ax.axis("off")
    handles = [plt.Line2D([], [], color=f.colour, lw=2.5, label=f"{f.danish} / {f.label('en')}")
               for f in FORMS] + [
        plt.Line2D([], [], marker="o", ls="", color=c, label=f"{k.danish} / {k.id}")
        for k, c in KIND_COLOUR.items()
    ]  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=7, frameon=False)
    if len(named) < len(union):
        fig.suptitle(f"Navngivet: de {len(named)} aktører, hvis antal relationer ændrer sig "
                     f"mest / named: the {len(named)} actors whose ties change most", fontsize=8)
    return png_bytes(fig)
