"""Every scenario preset runs on every centre preset and does what its events say."""

from __future__ import annotations

import pytest

from experiments.cli import CONFIG_DIR, compose_run, presets
from experiments.simulate import build_model

CENTRES = presets("centre")
SCENARIOS = presets("scenario")
STEPS = 110  # past the latest event week (104) of any preset


def test_presets_exist():
    assert set(CENTRES) == {"housing_area", "association", "library", "health"}
    assert {"baseline", "coordinator_stops", "funding_expires", "helhedsplan_shift",
            "kludetaeppe_pullout", "low_leadership", "dispersed", "newcomers",
            "newcomers_coordinated"} <= set(SCENARIOS)  # fmt: skip


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "baseline"])
def test_each_scenario_cites_the_report(scenario):
    text = (CONFIG_DIR / "scenario" / f"{scenario}.yaml").read_text(encoding="utf-8")
    comments = " ".join(line for line in text.splitlines() if line.startswith("#"))
    assert "Report" in comments or "report" in comments
    assert compose_run([f"scenario={scenario}"]).scenario.description


@pytest.mark.parametrize("centre", CENTRES)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_runs_on_centre(centre, scenario):
    run = compose_run([f"centre={centre}", f"scenario={scenario}", f"steps={STEPS}"])
    model = build_model(run, seed=0)
    for _ in range(STEPS):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == STEPS + 1 and frame["ties_total"].iloc[-1] > 0
    weeks = sorted(week for week, _ in model.interventions)
    assert weeks == sorted(e.week for e in run.scenario.events)
    if scenario.startswith("newcomers"):
        assert model.stats["n_actors"] == len(run.centre.initial_actor_names()) + 4


def test_dispersed_houses_fewer_actors():
    """Only actors the preset leaves free move out; the library fixes all of its actors
    (the library staff are the house), so there dispersed changes nothing."""
    for centre in ("housing_area", "association", "health"):
        housed = []
        for scenario in ("baseline", "dispersed"):
            model = build_model(compose_run([f"centre={centre}", f"scenario={scenario}"]), 0)
            housed.append(int(model.actor_table.co_located[: model.actor_table.n].sum()))
        assert housed[1] < housed[0], centre


def test_coordinator_stops_needs_a_running_coordinator():
    run = compose_run(["centre=library", "scenario=coordinator_stops", "steps=60",
                       "drivers.coordinator=true"])  # fmt: skip
    model = build_model(run, 0)
    for _ in range(60):
        model.step()
    flags = model.datacollector.get_model_vars_dataframe()["coordinator_active"]
    assert flags.iloc[51] and not flags.iloc[52]
