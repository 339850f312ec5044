"""Figures of a scenario against its baseline, as PNG bytes for reports.

Every figure compares two arms run with the same seeds (a scenario and its baseline).
Bands are the 95 % interval of the mean over seeds (normal approximation); the dashed
line marks the intervention week. Form colours and labels come from :class:`model.Form`.
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

SCENARIO_COLOUR = "#b2182b"
BASELINE_COLOUR = "#555555"
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
}


def png_bytes(fig) -> bytes:
    """Render a figure to PNG and close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def mean_band(timeseries: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per week: mean over seeds and the 95 % interval of that mean."""
    grouped = timeseries.groupby("step")[column]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1).fillna(0.0), grouped.count()
    half = 1.96 * sd / np.sqrt(n)
    return pd.DataFrame({"mean": mean, "low": mean - half, "high": mean + half})


def _compare(ax, scenario, baseline, column, week, title, scenario_label):
    for frame, colour, label in ((baseline, BASELINE_COLOUR, "baseline"),
                                 (scenario, SCENARIO_COLOUR, scenario_label)):  # fmt: skip
        band = mean_band(frame, column)
        ax.plot(band.index, band["mean"], color=colour, lw=1.6, label=label)
        ax.fill_between(band.index, band["low"], band["high"], color=colour, alpha=0.2, lw=0)
    ax.axvline(week, color="black", ls="--", lw=0.8)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("uge / week", fontsize=8)
    ax.tick_params(labelsize=7)


def ties_by_form(scenario: pd.DataFrame, baseline: pd.DataFrame, week: int, name: str) -> bytes:
    """Ties of every form and in all over time, scenario against baseline."""
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.5), sharex=True)
    panels = [("ties_any", "alle relationer / all ties")] + [
        (f"ties_{f.id}", f"{f.danish} / {f.label('en')}") for f in FORMS
    ]
    for ax, (column, title) in zip(axes.flat, panels, strict=True):
        _compare(ax, scenario, baseline, column, week, title, name)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Samarbejdsrelationer pr. form / ties by form (middel, 95 %-interval)",
                 fontsize=10)  # fmt: skip
    return png_bytes(fig)


def trust_familiarity(scenario, baseline, week: int, name: str) -> bytes:
    """Mean trust and familiarity between actors present, scenario against baseline."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    _compare(axes[0], scenario, baseline, "mean_trust", week, "tillid / mean trust", name)
    _compare(axes[1], scenario, baseline, "mean_familiarity", week,
             "kendskab / mean familiarity", name)  # fmt: skip
    axes[0].legend(fontsize=7)
    return png_bytes(fig)


def cumulative_outcomes(scenario, baseline, week: int, name: str) -> bytes:
    """Outcomes summed from the intervention week on, scenario against baseline."""
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(12, 3.0))
    for ax, (column, (da, en)) in zip(axes, OUTCOMES.items(), strict=True):
        arms = []
        for frame in (scenario, baseline):
            after = frame[frame["step"] >= week].sort_values(["seed", "step"]).copy()
            after["cumulative"] = after.groupby("seed")[column].cumsum()
            arms.append(after)
        _compare(ax, arms[0], arms[1], "cumulative", week, f"{da} / {en}", name)
    axes[0].legend(fontsize=7)
    fig.suptitle("Udbytte siden ændringen / outcomes since the change (sum)", fontsize=10)
    return png_bytes(fig)


def network_pictures(panels: list[tuple[str, pd.DataFrame, pd.DataFrame]]) -> bytes:
    """Side-by-side networks (title, ties, actors) with one shared layout; edges coloured
    by form, nodes by actor kind."""
    graphs = []
    union = nx.Graph()
    for _, ties, actors in panels:
        graph = nx.Graph()
        for row in actors.itertuples(index=False):
            graph.add_node(int(row.actor_id), kind=row.kind)
        for row in ties.itertuples(index=False):
            graph.add_edge(int(row.source), int(row.target), form=row.deepest)
        graphs.append(graph)
        union.add_nodes_from(graph.nodes(data=True))
        union.add_edges_from(graph.edges)
    position = nx.spring_layout(union, seed=1, k=1.5 / max(np.sqrt(len(union)), 1))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.4))
    for ax, graph, (title, _, _) in zip(np.atleast_1d(axes), graphs, panels, strict=True):
        edges = sorted(graph.edges(data=True), key=lambda e: Form.from_id(e[2]["form"]))
        forms = [Form.from_id(e[2]["form"]) for e in edges]
        nx.draw_networkx_edges(graph, position, ax=ax, edgelist=[e[:2] for e in edges],
                               edge_color=[f.colour for f in forms],
                               width=[0.6 + 0.5 * f for f in forms])  # fmt: skip
        colours = [KIND_COLOUR[ActorKind.from_id(graph.nodes[n]["kind"])] for n in graph.nodes]
        nx.draw_networkx_nodes(graph, position, ax=ax, node_size=40, node_color=colours)
        ax.set_title(f"{title}\n{graph.number_of_edges()} relationer / ties", fontsize=9)
        ax.axis("off")
    handles = [plt.Line2D([], [], color=f.colour, lw=2.5, label=f"{f.danish} / {f.label('en')}")
               for f in FORMS] + [
        plt.Line2D([], [], marker="o", ls="", color=c, label=f"{k.danish} / {k.id}")
        for k, c in KIND_COLOUR.items()
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=7, frameon=False)
    fig.subplots_adjust(bottom=0.18)
    return png_bytes(fig)
