"""The stop-week command on tiny settings: arms paired on seeds, losses with intervals, report.

Every arm shares the kept arm's seeds, so it must equal the kept arm week for week until its
stop and differ after it; the loss table's intervals must hold their means; the report must
be written in both languages with its figures embedded and a manifest that verifies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import stopweek_report
from experiments import stopweek, verify
from model import WEEKLY_MEASURES, InputError

TINY = ["centre=health", "steps=120", "replicates=3", "weeks=52", "restart_after=26"]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("stopweek") / "health"
    request = stopweek.prepare([*TINY, f"out={out}"])
    stopweek.run_stopweek(request, show_progress=False)
    return out


def test_arms_are_paired_until_the_stop_and_differ_after(report_dir):
    ts = pd.read_parquet(report_dir / "timeseries.parquet")
    measure = stopweek_report.main_measure(WEEKLY_MEASURES)
    wide = ts.pivot_table(index=["seed", "step"], columns="arm", values=measure)
    assert set(wide.columns) == {"kept", "stop_52", "stop_52_restart_78"}
    steps = wide.index.get_level_values("step")
    before, after = wide[steps < 52], wide[steps >= 52]
    assert (before["stop_52"] == before["kept"]).all()
    assert (after["stop_52"] != after["kept"]).any()
    stopped = wide[steps < 78]
    assert (stopped["stop_52_restart_78"] == stopped["stop_52"]).all()
    assert (wide[steps >= 78]["stop_52_restart_78"] != wide[steps >= 78]["stop_52"]).any()


def test_loss_table_has_every_arm_with_intervals_around_the_mean(report_dir):
    losses = pd.read_csv(report_dir / "losses.csv")
    assert list(losses["stop_week"]) == [52, 52]
    assert len(losses) == 2 and (losses["seeds"] == 3).all()
    assert (losses["ci_low"] <= losses["difference"]).all()
    assert (losses["difference"] <= losses["ci_high"]).all()
    assert losses.loc[losses["restart_week"].isna(), "recovery_weeks"].isna().all()


def test_report_is_bilingual_self_contained_and_verifies(report_dir):
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "## Hvad tabes" in md and "## What is lost" in md
    assert "tovholderen i uge 52" in md or "stop i uge 52" in md
    assert "data:image/png;base64," in html and "src=\"http" not in html
    assert (report_dir / "figures" / "loss_by_stop_week.png").stat().st_size > 1000
    problems, _ = verify.verify(report_dir, seeds=1)
    assert problems == []


def test_safe_week_and_sentences_follow_the_numbers():
    table = pd.DataFrame({
        "arm": ["stop_26", "stop_52", "stop_104"], "stop_week": [26, 52, 104],
        "restart_week": [np.nan] * 3, "week": 260, "seeds": 20, "kept_mean": 100.0,
        "arm_mean": [80.0, 99.0, 100.5], "difference": [-20.0, -1.0, 0.5],
        "ci_low": [-25.0, -3.0, -1.0], "ci_high": [-15.0, 1.0, 2.0],
        "relative_change": [-0.2, -0.01, 0.005], "recovery_weeks": [np.nan] * 3,
    })  # fmt: skip
    assert stopweek_report.safe_week(table) == 52
    en = " ".join(stopweek_report.sentences(table, "ties_total", "en"))
    assert "stops in week 26, the centre has 20 % fewer" in en
    assert "must run at least until week 52" in en
    da = " ".join(stopweek_report.sentences(table, "ties_total", "da"))
    assert "skal køre mindst til uge 52" in da


def test_main_measure_prefers_ties_any():
    assert stopweek_report.main_measure(["ties_total", "ties_any"]) == "ties_any"
    assert stopweek_report.main_measure(["ties_total"]) == "ties_total"


@pytest.mark.parametrize("argument", ["weeks=0", "weeks=130", "scenario=low_leadership",
                                      "drivers.coordinator=false", "restart_after=x"])  # fmt: skip
def test_bad_input_is_one_error_before_anything_runs(argument):
    with pytest.raises(InputError):
        stopweek.prepare(["centre=health", "steps=120", argument])
