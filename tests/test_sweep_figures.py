"""Research figures of a sweep: one language, human labels, true counts, no empty panels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import sweep_plots
from experiments import collect
from model.forms import FORMS


@pytest.fixture
def runs():
    rng = np.random.default_rng(0)
    rows = []
    for centre in ("health", "housing_area"):
        for coordinator in (True, False):
            for seed in range(4):
                row = {"job": f"{centre}-{coordinator}", "centre": centre,
                       "drivers.coordinator": coordinator, "replicates": 4, "seed": seed}  # fmt: skip
                for f in FORMS:
                    row[f"final_ties_{f.id}"] = 0.0 if f.id == "co_creation" else rng.poisson(5)
                row["final_mean_trust"] = rng.uniform(0.3, 0.5)
                rows.append(row)
    return pd.DataFrame(rows)


def _texts(fig) -> list[str]:
    texts = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.get_xticklabels()]
        legend = ax.get_legend()
        if legend:
            texts += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return [t for t in texts if t]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_forms_against_a_driver_read_in_one_language(runs, lang):
    fig = sweep_plots.forms_against_driver(runs, "centre", ["drivers.coordinator"], lang)
    texts = " | ".join(_texts(fig))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    # co-creation is zero everywhere: no panel for it, and the title says so
    assert len(visible) == len(FORMS) - 1 + 1  # the forms with ties, and trust
    co = FORMS[-1].label(lang)
    assert co in fig._suptitle.get_text() and all(ax.get_title() != co for ax in visible)
    # each point is one centre × coordinator setting: 4 seed-runs, not 8
    assert "= 4 " in fig._suptitle.get_text()
    assert all(ax.get_legend() is not None for ax in visible)  # a legend on every panel
    assert "drivers.coordinator" not in texts and "True" not in texts and "_" not in texts
    if lang == "da":
        assert "tovholder" in texts and "ja" in texts and "videndele" in texts
        assert "knowledge" not in texts and "coordinator" not in texts
    else:
        assert "coordinator" in texts and "yes" in texts and "knowledge sharing" in texts
        assert "videndele" not in texts and "tovholder" not in texts
    sweep_plots.plt.close(fig)


def test_composition_and_heatmap_name_settings_and_counts(runs):
    fig = sweep_plots.composition(runs, ["centre", "drivers.coordinator"], "en")
    title = fig.axes[0].get_title()
    assert "by centre, coordinator" in title and "4 seed-runs each" in title
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "centre: health, coordinator: yes" in labels
    sweep_plots.plt.close(fig)
    fig = sweep_plots.heatmap(runs, "centre", "drivers.coordinator", "en")
    assert len(fig.axes) == 2 * (len(FORMS) - 1)  # a panel and a colour bar per form with ties
    assert "each cell = 4 seed-runs" in fig._suptitle.get_text()
    sweep_plots.plt.close(fig)
    with pytest.raises(ValueError, match="lang"):
        sweep_plots.composition(runs, [], "de")


def test_collect_names_only_keys_that_vary(tmp_path):
    from experiments.simulate import WEEKLY_MEASURES

    for coordinator in ("true", "false"):
        job = tmp_path / f"drivers.coordinator={coordinator},replicates=2"
        (job / ".hydra").mkdir(parents=True)
        overrides = [f"drivers.coordinator={coordinator}", "replicates=2"]
        (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
        config = {"drivers": {"coordinator": coordinator == "true"}, "replicates": 2}
        (job / "summary.json").write_text(json.dumps({"config": config}))
        series = pd.DataFrame([{"seed": s, "step": w, **dict.fromkeys(WEEKLY_MEASURES, 1.0)}
                               for s in range(2) for w in range(3)])  # fmt: skip
        series.to_parquet(job / "timeseries.parquet")
    merged = collect.collect(tmp_path)
    assert merged.keys == ["drivers.coordinator"]
    assert "replicates" in merged.runs.columns  # kept as a column, not named as swept
