"""Figures of a collected sweep (``runs.parquet``): forms against drivers, over seeds.

Each function takes the per-seed table of :mod:`experiments.collect` and returns a
matplotlib figure; :mod:`analysis.sweep_report` writes them as PNG. Forms are coloured
and labelled from :class:`model.Form`, so every plot reads like the report's Figure 7.
Every figure is in one language (``lang="en"`` or ``"da"``): forms, swept keys and their
values get human labels (``coordinator: yes``, not ``drivers.coordinator=True``). Forms
that are zero in every run are left out and named in the title, never drawn as flat lines.
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
from model.drivers import DRIVERS  # noqa: E402
from model.forms import FORMS  # noqa: E402

BAND = (0.1, 0.9)  # the band shows the middle 80 % of seeds: the spread a single centre sees
MAX_LINES = 6  # more combinations of the other keys than this are pooled into one line
FORM_COLUMNS = [f"final_ties_{f.id}" for f in FORMS]
LANGUAGES = ("en", "da")
GROUP_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d"]

#: Human names of the usual swept keys; other keys show their last part without ``_``.
KEY_LABELS = {
    **{f"drivers.{d.name}": (d.english, d.danish) for d in DRIVERS},
    "centre": ("centre", "center"),
    "scenario": ("scenario", "scenarie"),
}
WORDS = {
    "yes": ("yes", "ja"), "no": ("no", "nej"), "none": ("preset", "forvalg"),
    "ties": ("final-week ties", "relationer i sidste uge"), "trust": ("mean trust", "tillid"),
    "seed_runs": ("seed-runs", "kørsler"), "per_marker": ("each point", "hvert punkt"),
    "pooled": ("pooled over", "samlet over"), "not_shown": ("not shown, zero in every run",
                                                            "ikke vist, nul i alle kørsler"),
    "all_runs": ("all runs", "alle kørsler"), "share": ("share of final-week ties",
                                                        "andel af relationer i sidste uge"),
}  # fmt: skip


def _check(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r}; allowed: {', '.join(LANGUAGES)}")
    return LANGUAGES.index(lang)


def word(key: str, lang: str = "en") -> str:
    return WORDS[key][_check(lang)]


def form_label(form, lang: str = "en") -> str:
    """The form's name in one language, e.g. ``co-creation`` or ``samskabe``."""
    return form.label(lang)


def key_label(key: str, lang: str = "en") -> str:
    """A swept key in words, e.g. ``coordinator`` for ``drivers.coordinator``."""
    if key in KEY_LABELS:
        return KEY_LABELS[key][_check(lang)]
    return key.rpartition(".")[2].replace("_", " ")


def value_label(value, lang: str = "en") -> str:
    """A swept value in words: ``yes``/``no`` for booleans, ids without underscores."""
    if isinstance(value, bool | np.bool_) or str(value) in ("True", "False"):
        return word("yes" if str(value) == "True" else "no", lang)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return word("none", lang)
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value).replace("_", " ")


def setting_label(keys, values, lang: str = "en") -> str:
    """``coordinator: yes, co-location: 0.9``."""
    return ", ".join(f"{key_label(k, lang)}: {value_label(v, lang)}"
                     for k, v in zip(keys, values, strict=True))  # fmt: skip


def present_forms(runs: pd.DataFrame) -> tuple[list, list]:
    """Forms with ties in some run, and forms that are zero in every run (left out)."""
    shown = [f for f, c in zip(FORMS, FORM_COLUMNS, strict=True) if runs[c].abs().sum() > 0]
    return shown, [f for f in FORMS if f not in shown]


def _left_out(absent, lang: str) -> str:
    if not absent:
        return ""
    return f"; {', '.join(form_label(f, lang) for f in absent)}: {word('not_shown', lang)}"


def varying_keys(runs: pd.DataFrame, keys: list[str]) -> list[str]:
    """The swept keys that take more than one value in this sweep."""
    return [k for k in keys if runs[k].astype(str).nunique() > 1]


def _is_numeric(values: pd.Series) -> bool:
    return all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
               for v in values.drop_duplicates().tolist())  # fmt: skip


def _positions(values: pd.Series, lang: str = "en") -> tuple[np.ndarray, list[str], dict]:
    """x positions for a key's values: numbers as numbers, anything else evenly spaced."""
    distinct = values.drop_duplicates().tolist()
    if _is_numeric(values):
        ordered = sorted(distinct)
        return np.array(ordered, dtype=float), [f"{v:g}" for v in ordered], {v: v for v in ordered}
    ordered = sorted(distinct, key=str)
    return np.arange(len(ordered), dtype=float), [value_label(v, lang) for v in ordered], {
        v: i for i, v in enumerate(ordered)
    }


def _counts(sizes: pd.Series) -> str:
    low, high = int(sizes.min()), int(sizes.max())
    return f"{low}" if low == high else f"{low}–{high}"


def forms_against_driver(runs: pd.DataFrame, driver: str, others: list[str],
                         lang: str = "en") -> plt.Figure:  # fmt: skip
    """One panel per form present (and trust): final-week ties against ``driver``, with the
    middle 80 % of seed-runs as a band; one line per setting of the other keys."""
    _check(lang)
    xs, ticks, where = _positions(runs[driver], lang)
    numeric = _is_numeric(runs[driver])
    groups = [(None, runs)]
    combos = runs[others].astype(str).drop_duplicates() if others else pd.DataFrame()
    split = bool(others) and 1 < len(combos) <= MAX_LINES
    if split:
        groups = [(", ".join(value_label(v, lang) for v in row),  # the keys are the legend title
                   runs[(runs[others].astype(str) == list(row)).all(axis=1)])
                  for row in combos.itertuples(index=False)]  # fmt: skip
    shown, absent = present_forms(runs)
    panels = [(f"final_ties_{f.id}", form_label(f, lang), f.colour) for f in shown]
    panels.append(("final_mean_trust", word("trust", lang), "#444444"))
    columns = min(3, len(panels))
    rows = -(-len(panels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 3.3 * rows + 0.8),
                             layout="constrained", squeeze=False)  # fmt: skip
    for (column, title, colour), ax in zip(panels, axes.flat, strict=False):
        for i, (label, part) in enumerate(groups):
            c = GROUP_COLOURS[i % len(GROUP_COLOURS)] if split else colour
            stats = part.groupby(driver)[column].agg(
                mean="mean", low=lambda s: s.quantile(BAND[0]), high=lambda s: s.quantile(BAND[1])
            )
            x = np.array([where[v] for v in stats.index], dtype=float)
            order = np.argsort(x)
            mean, low, high = (stats[c_].to_numpy()[order] for c_ in ("mean", "low", "high"))
            if numeric:  # a line and a band along a numeric driver
                ax.plot(x[order], mean, color=c, marker="o", ms=3, label=label)
                ax.fill_between(x[order], low, high, color=c, alpha=0.15)
            else:  # categories: a point and a bar each, side by side per group
                shift = (i - (len(groups) - 1) / 2) * 0.12
                ax.errorbar(x[order] + shift, mean, yerr=[mean - low, high - mean], color=c,
                            fmt="o", ms=4, capsize=3, linestyle="none", label=label)  # fmt: skip
        ax.set_title(title, color=colour if not split else "black")
        ax.set_xticks(xs, ticks, rotation=45 if len(ticks) > 6 else 0)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        if split:
            ax.legend(fontsize=7, loc="best", title=", ".join(key_label(k, lang) for k in others),
                      title_fontsize=7)  # fmt: skip
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    for i, ax in enumerate(axes.flat[: len(panels)]):
        ax.set_xlabel(key_label(driver, lang))
        if i < len(panels) - 1:  # every panel but trust counts ties
            ax.set_ylabel(word("ties", lang))
    per_marker = runs.groupby([driver, *others] if split else [driver]).size()
    pooled = (f" ({word('pooled', lang)} {', '.join(key_label(k, lang) for k in others)})"
              if others and not split else "")  # fmt: skip
    middle = "mean, middle 80 %" if lang == "en" else "middel, midterste 80 %"
    fig.suptitle(f"{key_label(driver, lang)}: {middle}; {word('per_marker', lang)} = "
                 f"{_counts(per_marker)} {word('seed_runs', lang)}{pooled}{_left_out(absent, lang)}",
                 fontsize=10)  # fmt: skip
    return fig


def heatmap(runs: pd.DataFrame, x_key: str, y_key: str, lang: str = "en") -> plt.Figure:
    """Mean final ties per form present over two drivers (pooled over seeds and other keys)."""
    _check(lang)
    xs, xticks, xwhere = _positions(runs[x_key], lang)
    ys, yticks, ywhere = _positions(runs[y_key], lang)
    shown, absent = present_forms(runs)
    fig, axes = plt.subplots(1, len(shown), figsize=(4 * len(shown), 3.9),
                             layout="constrained", squeeze=False)  # fmt: skip
    x_order = {v: i for i, v in enumerate(sorted(xwhere, key=lambda v: xwhere[v]))}
    y_order = {v: i for i, v in enumerate(sorted(ywhere, key=lambda v: ywhere[v]))}
    for form, ax in zip(shown, axes[0], strict=True):
        column = f"final_ties_{form.id}"
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
        ax.set_xlabel(key_label(x_key, lang))
        ax.set_title(form_label(form, lang))
        fig.colorbar(image, ax=ax, shrink=0.8)
    axes[0, 0].set_ylabel(key_label(y_key, lang))
    cell = runs.groupby([x_key, y_key]).size()
    title = ("Mean final-week ties" if lang == "en" else "Gennemsnitlige relationer i sidste uge")
    fig.suptitle(f"{title}: {key_label(x_key, lang)} × {key_label(y_key, lang)}; "
                 f"{'each cell' if lang == 'en' else 'hvert felt'} = {_counts(cell)} "
                 f"{word('seed_runs', lang)}"
                 f"{_left_out(absent, lang)}")  # fmt: skip
    return fig


def composition(runs: pd.DataFrame, keys: list[str], lang: str = "en") -> plt.Figure:
    """Share of each form among final-week ties, one bar per combination of ``keys``."""
    _check(lang)
    shown, _ = present_forms(runs)
    columns = [f"final_ties_{f.id}" for f in shown]
    if keys:
        grouped = runs.groupby([runs[k].astype(str) for k in keys])
        means, sizes = grouped[columns].mean(), grouped.size()
        labels = [setting_label(keys, idx if isinstance(idx, tuple) else (idx,), lang)
                  for idx in means.index]  # fmt: skip
    else:
        means = runs[columns].mean().to_frame().T
        sizes = pd.Series([len(runs)])
        labels = [word("all_runs", lang)]
    totals = means.sum(axis=1).replace(0, np.nan)
    shares = means.div(totals, axis=0).fillna(0.0)
    fig, ax = plt.subplots(figsize=(9, 2 + 0.35 * len(labels)), layout="constrained")
    left = np.zeros(len(labels))
    for form, column in zip(shown, columns, strict=True):
        values = shares[column].to_numpy()
        ax.barh(labels, values, left=left, color=form.colour, label=form_label(form, lang))
        left += values
    unit = "ties" if lang == "en" else "relationer"
    for i, total in enumerate(means.sum(axis=1)):
        ax.text(1.01, i, f"{total:.0f} {unit}", va="center", fontsize=7)
    ax.set_xlim(0, 1.14)
    ax.set_xlabel(word("share", lang))
    ax.invert_yaxis()
    fig.legend(ncols=min(len(shown), 5), fontsize=7, loc="outside lower center")
    setting = ", ".join(key_label(k, lang) for k in keys) if keys else word("all_runs", lang)
    each = f"{_counts(sizes)} {word('seed_runs', lang)}"
    ax.set_title(f"Composition of forms by {setting} (mean over {each} each)" if lang == "en"
                 else f"Formernes fordeling efter {setting} (middel over {each} hver)")  # fmt: skip
    return fig


def save(fig: plt.Figure, path: Path) -> Path:
    """Write a figure as PNG atomically and free it."""
    write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)
    return path
