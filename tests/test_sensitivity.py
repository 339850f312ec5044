"""Sensitivity analysis end to end: sample, run points (resumably), analyse, plot."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments import sensitivity
from experiments.sensitivity import OUTPUTS

TINY = ["replicates=1", "steps=20", "n_jobs=1", "seed=0"]
TWO = "parameters={encounter_rate: [0.2, 2.0], trust_loss_failure: [0.1, 0.4]}"


@pytest.fixture(scope="module")
def morris_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("morris") / "sa"
    code = sensitivity.main(["method=morris", TWO, "morris.trajectories=3", *TINY,
                             f"folder={folder}"])  # fmt: skip
    return code, folder


def test_tiny_morris_runs_end_to_end(morris_run):
    code, folder = morris_run
    assert code == 0
    sample = pd.read_csv(folder / "sample.csv")
    assert len(sample) == 3 * (2 + 1)  # r trajectories × (k + 1) points
    indices = pd.read_csv(folder / "indices.csv")
    assert len(indices) == len(OUTPUTS) * 2
    assert {"output", "parameter", "mu", "mu_star", "sigma", "mu_star_conf"} <= set(indices)
    assert (folder / "morris.png").read_bytes()[:4] == b"\x89PNG"
    assert len(pd.read_parquet(folder / "points.parquet")) == len(sample)


def test_morris_ranks_encounters_above_failure_losses_for_early_ties(morris_run):
    """In 20 weeks ties come from meeting each other (familiarity, report: *Kendskab*);
    a failed joint effort — the only thing trust_loss_failure acts on — takes months to
    conclude, so its elementary effects on the number of ties must be far smaller."""
    _, folder = morris_run
    indices = pd.read_csv(folder / "indices.csv").set_index(["output", "parameter"])
    encounters = indices.loc[("ties_total", "encounter_rate"), "mu_star"]
    failures = indices.loc[("ties_total", "trust_loss_failure"), "mu_star"]
    assert encounters > 1.0  # at least one tie per trajectory step on average
    assert encounters > 5 * failures


def test_rerun_skips_complete_points(morris_run, capsys):
    code, folder = morris_run
    before = {p: p.stat().st_mtime_ns for p in folder.glob("points/*/summary.json")}
    assert sensitivity.main(["method=morris", TWO, "morris.trajectories=3", *TINY,
                             f"folder={folder}"]) == 0  # fmt: skip
    assert {p: p.stat().st_mtime_ns for p in folder.glob("points/*/summary.json")} == before
    assert capsys.readouterr().out.count(": skipped") == len(before)


def test_tiny_sobol_gives_first_order_and_total_indices_with_intervals(tmp_path):
    folder = tmp_path / "sobol"
    code = sensitivity.main(["method=sobol", TWO, "sobol.base_samples=4", *TINY,
                             "steps=15", f"folder={folder}"])  # fmt: skip
    assert code == 0
    indices = pd.read_parquet(folder / "indices.parquet")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    assert len(pd.read_csv(folder / "sample.csv")) == 4 * (2 + 2)
    total = indices[indices["output"] == "ties_total"]
    assert total["ST"].notna().all()


@pytest.mark.parametrize(
    ("argument", "key"),
    [("method=anova", "method"), ("parameters.form_cost=[0.1,0.9]", "form_cost"),
     ("parameters.no_such=[0.1,0.9]", "no_such"), ("sobol.base_samples=10", "base_samples"),
     ("parameters.residents.no_such=[0.1,0.9]", "residents.no_such"),
     ("parameters.residents.max_tips=[1,3]", "residents.max_tips"),
     ("run=[centre=nowhere]", "centre")],
)  # fmt: skip
def test_bad_sensitivity_input_is_one_line(argument, key, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        sensitivity.main([argument, f"folder={tmp_path / 'x'}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and key in err
    assert not (tmp_path / "x").exists()


def test_nested_resident_parameters_vary_by_dotted_name(tmp_path):
    """``parameters.residents.cafe_draw`` reaches ``params.residents``: every point runs
    with its own value, the café's draw moves the residents reached, and the analysis
    names the parameter by its dotted name."""
    from experiments.config import to_run_config
    from experiments.sensitivity import analyse, load_config, point_configs, sample
    from experiments.simulate import build_model

    sa = load_config(["parameters={encounter_rate: [0.5, 1.5]}",
                      "parameters.residents.cafe_draw=[0.0,3.0]", "morris.trajectories=2",
                      *TINY, f"folder={tmp_path / 'res'}"])  # fmt: skip
    assert list(sa.parameters) == ["encounter_rate", "residents.cafe_draw"]
    assert list(load_config(["parameters={residents: {cafe_draw: [0.0, 3.0]}}"]).parameters) == [
        "residents.cafe_draw"]  # fmt: skip
    points = sample(sa)
    configs = point_configs(sa, points)
    reached = {}
    for (overrides, cfg), draw in zip(configs, points["residents.cafe_draw"], strict=True):
        run = to_run_config(cfg)
        assert run.params.residents.cafe_draw == pytest.approx(draw)
        assert f"params.residents.cafe_draw={draw!r}" in overrides
        if draw in (0.0, 3.0) and draw not in reached:
            model = build_model(run, seed=0)
            for _ in range(20):
                model.step()
            reached[draw] = model.stats["residents_reached"]
    assert reached[3.0] > reached[0.0]
    fake = pd.DataFrame({"point": points["point"], **{m: points["residents.cafe_draw"] + i
                                                      for i, m in enumerate(OUTPUTS)}})  # fmt: skip
    indices = analyse(sa, points, fake)
    assert set(indices["parameter"]) == {"encounter_rate", "residents.cafe_draw"}
