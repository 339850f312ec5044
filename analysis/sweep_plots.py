"""Figures of a collected sweep (``runs.parquet``): forms against drivers, over seeds.

Each function takes the per-seed table of :mod:`experiments.collect` and returns a
matplotlib figure; :mod:`analysis.sweep_report` writes them as PNG. Forms are coloured
and labelled from :class:`model.Form`, so every plot reads like the report's Figure 7.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.outputs import write_atomic  # noqa: E402
from model.forms import FORMS  # noqa: E402

BAND = (0.1, 0.9)  # the band shows the middle 80 % of seeds: the spread a single centre sees
MAX_LINES = 6  # more combinations of the other keys than this are pooled into one line
FORM_COLUMNS = [f"final_ties_{f.id}" for f in FORMS]


def form_label(form) -> str:
    """Danish name with the English id, e.g. ``samskabe (co-creation)``."""
    return f"{form.label('da')} ({form.label('en')})"


def varying_keys(runs: pd.DataFrame, keys: list[str]) -> list[str]:
    """The swept keys that take more than one value in this sweep."""
    return [k for k in keys if runs[k].astype(str).nunique() > 1]


def _is_numeric(values: pd.Series) -> bool:
    return all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
               for v in values.drop_duplicates().tolist())  # fmt: skip


def _positions(values: pd.Series) -> tuple[np.ndarray, list[str], dict]:
    """x positions for a key's values: numbers as numbers, anything else evenly spaced."""
    distinct = values.drop_duplicates().tolist()
    if _is_numeric(values):
        ordered = sorted(distinct)
        return np.array(ordered, dtype=float), [f"{v:g}" for v in ordered], {v: v for v in ordered}
    ordered = sorted(distinct, key=str)
    return np.arange(len(ordered), dtype=float), [str(v) for v in ordered], {
        v: i for i, v in enumerate(ordered)
    }


def forms_against_driver(runs: pd.DataFrame, driver: str, others: list[str]) -> plt.Figure:
    """One panel per form (and trust): final-week ties against ``driver``, band over seeds."""
    xs, ticks, where = _positions(runs[driver])
    numeric = _is_numeric(runs[driver])
    groups = [(None, runs)]
    combos = runs[others].astype(str).drop_duplicates() if others else pd.DataFrame()
    if others and 1 < len(combos) <= MAX_LINES:
        groups = [(", ".join(f"{k}={v}" for k, v in zip(others, row, strict=True)),
                   runs[(runs[others].astype(str) == list(row)).all(axis=1)])
                  for row in combos.itertuples(index=False)]  # fmt: skip
    panels = [*zip(FORM_COLUMNS, [form_label(f) for f in FORMS], strict=True),
              ("final_mean_trust", "tillid (mean trust)")]  # fmt: skip
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, constrained_layout=True)
    styles = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 3))]
    for (column, title), ax, colour in zip(
        panels, axes.flat, [f.colour for f in FORMS] + ["#444444"], strict=True
    ):
        for i, (label, part) in enumerate(groups):
            stats = part.groupby(driver)[column].agg(
                mean="mean", low=lambda s: s.quantile(BAND[0]), high=lambda s: s.quantile(BAND[1])
            )
            x = np.array([where[v] for v in stats.index], dtype=float)
            order = np.argsort(x)
            mean, low, high = (stats[c].to_numpy()[order] for c in ("mean", "low", "high"))
            if numeric:  # a line and a band along a numeric driver
                ax.plot(x[order], mean, color=colour, linestyle=styles[i % len(styles)],
                        marker="o", ms=3, label=label)  # fmt: skip
                ax.fill_between(x[order], low, high, color=colour, alpha=0.15)
            else:  # categories: a point and a bar each, side by side per group
                shift = (i - (len(groups) - 1) / 2) * 0.12
                ax.errorbar(x[order] + shift, mean, yerr=[mean - low, high - mean],
                            color=colour, fmt="os^Dv<"[i % 6], ms=4, capsize=3,
                            linestyle="none", label=label)  # fmt: skip
        ax.set_title(title)
        ax.set_xticks(xs, ticks, rotation=45 if len(ticks) > 6 else 0)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel(driver)
    axes[0, 0].set_ylabel("bånd i sidste uge (ties, final week)")
    axes[1, 0].set_ylabel("bånd / tillid")
    if groups[0][0] is not None:
        axes[0, 0].legend(fontsize=7, loc="best")
    n = runs.groupby(driver).size().min()
    pooled = " (pooled over " + ", ".join(others) + ")" if others and groups[0][0] is None else ""
    fig.suptitle(f"Forms against {driver}: mean and middle 80 % of ≥{n} seed-runs{pooled}")
    return fig


def heatmap(runs: pd.DataFrame, x_key: str, y_key: str) -> plt.Figure:
    """Mean final ties per form over two drivers (pooled over seeds and other keys)."""
    xs, xticks, xwhere = _positions(runs[x_key])
    ys, yticks, ywhere = _positions(runs[y_key])
    fig, axes = plt.subplots(1, len(FORMS), figsize=(4 * len(FORMS), 3.8),
                             constrained_layout=True)  # fmt: skip
    x_order = {v: i for i, v in enumerate(sorted(xwhere, key=lambda v: xwhere[v]))}
    y_order = {v: i for i, v in enumerate(sorted(ywhere, key=lambda v: ywhere[v]))}
    for form, column, ax in zip(FORMS, FORM_COLUMNS, axes, strict=True):
        grid = np.full((len(ys), len(xs)), np.nan)
        for (xv, yv), value in runs.groupby([x_key, y_key])[column].mean().items():
            grid[y_order[yv], x_order[xv]] = value
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
        for (i, j) in product(range(len(ys)), range(len(xs))):
            if not np.isnan(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if grid[i, j] < np.nanmean(grid) else "black")  # fmt: skip
        ax.set_xticks(range(len(xs)), xticks, rotation=45 if len(xs) > 5 else 0)
        ax.set_yticks(range(len(ys)), yticks)
        ax.set_xlabel(x_key)
        ax.set_title(form_label(form), color=form.colour)
        fig.colorbar(image, ax=ax, shrink=0.8)
    axes[0].set_ylabel(y_key)
    fig.suptitle(f"Mean ties in the final week over {x_key} × {y_key}")
    return fig


def composition(runs: pd.DataFrame, keys: list[str]) -> plt.Figure:
    """Share of each form among final-week ties, one bar per combination of ``keys``."""
    if keys:
        means = runs.groupby([runs[k].astype(str) for k in keys])[FORM_COLUMNS].mean()
        labels = [", ".join(f"{k}={v}" for k, v in zip(keys, idx if isinstance(idx, tuple)
                                                       else (idx,), strict=True))
                  for idx in means.index]  # fmt: skip
    else:
        means = runs[FORM_COLUMNS].mean().to_frame().T
        labels = ["all runs"]
    totals = means.sum(axis=1).replace(0, np.nan)
    shares = means.div(totals, axis=0).fillna(0.0)
    fig, ax = plt.subplots(figsize=(9, 2 + 0.35 * len(labels)), layout="constrained")
    left = np.zeros(len(labels))
    for form, column in zip(FORMS, FORM_COLUMNS, strict=True):
        values = shares[column].to_numpy()
        ax.barh(labels, values, left=left, color=form.colour, label=form_label(form))
        left += values
    for i, total in enumerate(means.sum(axis=1)):
        ax.text(1.01, i, f"{total:.0f} bånd", va="center", fontsize=7)
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("andel af bånd i sidste uge (share of final-week ties)")
    ax.invert_yaxis()
    fig.legend(ncols=3, fontsize=7, loc="outside lower center")
    ax.set_title("Composition of forms per scenario (mean over seeds)")
    return fig


def save(fig: plt.Figure, path: Path) -> Path:
    """Write a figure as PNG atomically and free it."""
    write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)
    return path
