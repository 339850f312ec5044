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
     ("run=[centre=nowhere]", "centre")],
)  # fmt: skip
def test_bad_sensitivity_input_is_one_line(argument, key, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        sensitivity.main([argument, f"folder={tmp_path / 'x'}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and key in err
    assert not (tmp_path / "x").exists()
