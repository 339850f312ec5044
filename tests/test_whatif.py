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
    assert names == ["effects.csv", "effects_da.csv", "figures", "manifest.json", "report.html",
                     "report.md", "timeseries.parquet"]  # fmt: skip
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 5
    # Self-contained: no scripts, stylesheets or images from elsewhere.
    assert "<script" not in html and "http://" not in html and "https://" not in html
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "## Kort fortalt" in md and "## In short" in md
    assert "færre samarbejdsrelationer i alt" in md and "fewer collaboration ties in all" in md
    # the preset's events in words, not its id
    assert "uge 52: tovholderen stopper" in md and "week 52: the coordinator" in md
    for figure in ("main.png", "ties_by_form.png", "trust.png", "outcomes.png", "network.png"):
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
    assert da[0].startswith("Efter 6 måneder har centret færre samarbejdsrelationer i alt: "
                            "76,0 mod 101,5 uden ændringen, −25 %")  # fmt: skip
    assert en[0].startswith("After 6 months the centre has fewer collaboration ties in all: "
                            "76.0 against 101.5 without the change, −25 %")  # fmt: skip
    assert "samordne" in da[1] and "5,0 mod 10,0 relationer" in da[1] and "−50 %" in da[1]


def test_custom_events_need_no_preset_and_keep_the_baseline_clean():
    events = "scenario.events=[{week:26,action:coordinator_stops},{week:30,action:forum_founded}]"
    request = whatif.prepare(["centre=health", events, "replicates=2", "steps=60"])
    assert request.scenario.scenario.name == "coordinator_stops_w26+forum_founded_w30"
    assert request.scenario.scenario.description == ""
    assert request.week == 26 and request.out.name == "health_coordinator_stops_w26+forum_founded_w30"
    assert request.baseline.scenario.name == "baseline" and request.baseline.scenario.events == []
    # a preset with other events is renamed, so its name and text never label them
    renamed = whatif.prepare(["centre=health", "scenario=coordinator_stops",
                              "scenario.events=[{week:26,action:coordinator_stops}]"])  # fmt: skip
    assert renamed.scenario.scenario.name == "coordinator_stops_w26"
    kept = whatif.prepare(["centre=health", "scenario=coordinator_stops", "scenario.name=mine",
                           "scenario.events=[{week:26,action:coordinator_stops}]"])  # fmt: skip
    assert kept.scenario.scenario.name == "mine"


def test_a_rise_is_explained_by_what_drives_it():
    from analysis.whatif_report import explanations

    rows = []
    for seed in range(5):
        for week in range(0, 30):
            after = week >= 2
            rows.append({"seed": seed, "step": week, "ties_any": 40 + seed, "mean_trust": 0.5,
                         "mean_familiarity": 0.5, "n_actors": 10, "ties_knowledge_sharing": 20,
                         "ties_alignment": 10, "ties_resource_exchange": 5 + (4 + seed % 2) * after,
                         "ties_joint_action": 5 - 4 * after, "ties_co_creation": 0,
                         "hours_available": 100.0, "hours_used": 80.0 - (20 + seed) * after,
                         "referrals": 1, "resources_shared": 1, "joint_offers": 1,
                         "new_initiatives": 0, "failed_efforts": 0})  # fmt: skip
    base = pd.DataFrame(rows)
    late = base["step"] >= 2
    base.loc[late, ["ties_resource_exchange", "ties_joint_action", "hours_used"]] = [5, 5, 80.0]
    scen = pd.DataFrame(rows)
    effects = effects_table(scen, base, week=2, horizons=(26,))
    da, en = explanations(effects, "da"), explanations(effects, "en")
    assert da[0].startswith("Efter 6 måneder har ressourceudveksle flere relationer (+4,4). "
                            "Samtidig holder færre par en dybere form (samordne)")  # fmt: skip
    assert "frigjorte timer" in da[1] and "22 timer færre" in da[1]
    assert en[0].startswith("After 6 months resource exchange has more ties (+4.4). At the "
                            "same time fewer pairs hold a deeper form (joint action)")  # fmt: skip
    # nothing rises: nothing to explain
    assert explanations(effects_table(base, base, week=2, horizons=(26,)), "da") == []


def test_every_event_action_is_described_in_words():
    from analysis.whatif_report import describe_event
    from model.centre import ActorGroup
    from model.events import ACTIONS, EventSpec

    for action in ACTIONS:
        event = EventSpec(week=30, action=action, value=0.2, share=0.6, names=["Café Æblet"],
                          group=ActorGroup(kind="municipal", count=4, name="nye lejere"))  # fmt: skip
        da, en = describe_event(event, "da"), describe_event(event, "en")
        assert da.startswith("uge 30: ") and en.startswith("week 30: ")
        assert action not in da and action not in en  # words, not the action's id
    cut = EventSpec(week=52, action="presence_cut", kind="housing_social", share=0.6)
    assert describe_event(cut, "da") == "uge 52: boligsocial-aktørerne er 60 % mindre i huset"


def test_the_report_says_when_a_forum_with_its_own_convener_carries_on():
    """Association (Aarhus): after the stop the house council keeps meeting; the report says
    so in plain words, and says nothing of the kind where the forum thinned out."""
    from analysis.whatif_report import explanations

    def effects(forum_after: float) -> pd.DataFrame:
        rows = [("coordinator_coverage", 1.0, 0.0), ("forum_vitality", 1.0, forum_after)]
        return pd.DataFrame([{"months": 6, "measure": m, "baseline_mean": b, "scenario_mean": s,
                              "difference": s - b, "ci_low": s - b, "ci_high": s - b, "seeds": 10}
                             for m, b, s in rows])  # fmt: skip

    kept = explanations(effects(1.0), "da")
    assert any("husrådet" in line for line in kept)
    assert any("house council" in line for line in explanations(effects(1.0), "en"))
    assert not any("husrådet" in line for line in explanations(effects(0.2), "da"))
