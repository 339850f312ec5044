"""The planner's what-if report end to end, on few seeds and short runs."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.whatif_report import effects_table, sentences
from experiments import whatif

SMALL = ["centre=health", "scenario=coordinator_stops", "replicates=3", "steps=80"]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("whatif") / "report"
    whatif.main([*SMALL, f"out={out}"])
    return out


def test_report_files(report_dir):
    names = sorted(p.name for p in report_dir.iterdir())
    assert names == ["effects.csv", "figures", "manifest.json", "report.html", "report.md",
                     "timeseries.parquet"]
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 4
    # Self-contained: no scripts, stylesheets or images from elsewhere.
    assert "<script" not in html and "http://" not in html and "https://" not in html
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "## Hvad ændrede sig" in md and "## What changed" in md
    assert "færre samarbejdsrelationer" in md and "fewer collaboration ties" in md
    for figure in ("ties_by_form.png", "trust.png", "outcomes.png", "network.png"):
        assert f"figures/{figure}" in md
        assert (report_dir / "figures" / figure).read_bytes()[:4] == b"\x89PNG"


def test_effects_table(report_dir):
    effects = pd.read_csv(report_dir / "effects.csv")
    # 80 weeks and a change in week 52: only the 6-month horizon (week 78) fits.
    assert set(effects["weeks_after"]) == {26} and set(effects["week"]) == {78}
    total = effects.set_index("measure").loc["ties_any"]
    assert total["ci_low"] <= total["difference"] <= total["ci_high"]
    assert total["difference"] < 0  # health with its coordinator stopped: fewer ties
    assert total["seeds"] == 3
    series = pd.read_parquet(report_dir / "timeseries.parquet")
    before = series[series["step"] < 52].pivot_table(index=["seed", "step"], columns="arm",
                                                     values="ties_any")  # fmt: skip
    # Same seeds: the two arms are identical until the intervention week.
    assert (before["scenario"] == before["baseline"]).all()


def test_same_request_gives_same_effects(report_dir, tmp_path):
    again = tmp_path / "again"
    whatif.run_whatif(whatif.prepare([*SMALL, f"out={again}"]), show_progress=False)
    first = pd.read_csv(report_dir / "effects.csv")
    second = pd.read_csv(again / "effects.csv")
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scenario=baseline"], "scenario='baseline'"),
        (["scenario=coordinator_stops", "steps=60"], "steps=60"),
        (["centre=nowhere", "scenario=coordinator_stops"], "centre='nowhere'"),
        (["scenario=coordinator_stops", "replicates=0"], "replicates=0"),
        (["scenario=coordinator_stops", "--fast"], "argument='--fast'"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, args, message):
    out = tmp_path / "report"
    with pytest.raises(SystemExit) as caught:
        whatif.main([*args, f"out={out}"])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_sentences_follow_the_numbers():
    weeks = range(0, 30)
    base = pd.DataFrame([{"seed": s, "step": w, "ties_any": 100 + s, "mean_trust": 0.5,
                          "mean_familiarity": 0.5, "n_actors": 10}
                         for s in range(4) for w in weeks])  # fmt: skip
    for column in ("ties_knowledge_sharing", "ties_alignment", "ties_resource_exchange",
                   "ties_joint_action", "ties_co_creation", "referrals", "resources_shared",
                   "joint_offers", "new_initiatives", "failed_efforts"):  # fmt: skip
        base[column] = 10
    scen = base.copy()
    late = scen["step"] >= 2
    scen.loc[late, "ties_any"] = (scen.loc[late, "ties_any"] * 0.75).round()
    scen.loc[late, "ties_joint_action"] = 5
    effects = effects_table(scen, base, week=2, horizons=(26,))
    assert list(effects["months"].unique()) == [6]
    da, en = sentences(effects, "da"), sentences(effects, "en")
    assert da[0].startswith("Efter 6 måneder har centret 25 % færre samarbejdsrelationer")
    assert en[0].startswith("After 6 months the centre has 25 % fewer collaboration ties")
    assert "samordne" in da[1] and "-50 %" in da[1]
