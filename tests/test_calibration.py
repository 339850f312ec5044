"""Calibration (issue 12): the posterior file, parameter sets drawn from it, the split of an
interval into parameters and chance, target regions, and a planner's mapping CSV."""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import calibrate as cli
from analysis.calibration import PRIORS, TARGETS, Simulator, Target
from analysis.mapping import mapping_targets, read_mapping, starting_centre
from experiments import whatif
from experiments.posterior import apply_set, draw_sets, load_posterior, variance_shares, write_posterior
from model import InputError, ModelParams


# ------------------------------------------------------------------ posterior file
def _posterior(tmp_path, weights=(1.0, 3.0, 0.0), **columns):
    particles = pd.DataFrame(columns or {"encounter_rate": [0.6, 0.9, 1.4],
                                         "familiarity_decay": [0.01, 0.02, 0.03]})  # fmt: skip
    path = tmp_path / "posterior.csv"
    write_posterior(particles, list(weights), {"seed": 7, "pyabc": "0.13.0"}, path)
    return path


def test_posterior_file_round_trip_with_provenance(tmp_path):
    path = _posterior(tmp_path)
    frame, provenance = load_posterior(path)
    assert list(frame.columns) == ["particle", "weight", "encounter_rate", "familiarity_decay"]
    assert np.isclose(frame["weight"].sum(), 1) and np.isclose(frame["weight"][1], 0.75)
    assert provenance == {"seed": 7, "pyabc": "0.13.0"}
    assert json.loads(path.with_suffix(".json").read_text())["seed"] == 7
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("change, key", [
    (lambda f: f.rename(columns={"encounter_rate": "not_a_parameter"}), "not_a_parameter"),
    (lambda f: f.assign(weight=-1.0), "weight"),
    (lambda f: f.drop(columns="weight"), "posterior"),
    (lambda f: f.assign(encounter_rate=np.nan), "encounter_rate"),
])  # fmt: skip
def test_an_unusable_posterior_is_one_clear_error(tmp_path, change, key):
    path = _posterior(tmp_path)
    change(pd.read_csv(path)).to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        load_posterior(path)
    assert key in str(info.value) and "\n" not in str(info.value)


def test_a_missing_posterior_names_the_path(tmp_path):
    with pytest.raises(InputError, match="nowhere.csv"):
        load_posterior(tmp_path / "nowhere.csv")


def test_sets_are_drawn_by_weight_and_repeat_for_the_same_seed(tmp_path):
    frame, _ = load_posterior(_posterior(tmp_path))
    a, b = draw_sets(frame, 200, seed=3), draw_sets(frame, 200, seed=3)
    assert a.equals(b) and not a.equals(draw_sets(frame, 200, seed=4))
    assert 2 not in set(a["particle"])  # weight 0: never drawn
    assert 0.6 < (a["particle"] == 1).mean() < 0.9  # weight 0.75


def test_a_drawn_set_replaces_only_its_parameters_and_is_checked(tmp_path):
    frame, _ = load_posterior(_posterior(tmp_path))
    params = apply_set(ModelParams(), frame.iloc[0].drop(["particle", "weight"]))
    assert params.encounter_rate == 0.6 and params.familiarity_decay == 0.01
    assert params.encounter_learning == ModelParams().encounter_learning
    bad = frame.iloc[0].drop(["particle", "weight"]).copy()
    bad["familiarity_decay"] = 1.5  # a share above 1
    with pytest.raises(InputError, match="familiarity_decay"):
        apply_set(ModelParams(), bad)


# ------------------------------------------------------------- parameters vs chance
def test_variance_split_tells_parameters_from_chance():
    rng = np.random.default_rng(0)
    sets = np.repeat(np.arange(8), 5)
    by_parameters = pd.DataFrame({"parameter_set": sets, "effect": sets * 10.0 + rng.normal(0, 1, 40)})
    by_chance = pd.DataFrame({"parameter_set": sets, "effect": rng.normal(0, 5, 40)})
    assert variance_shares(by_parameters)["parameter_share"] > 0.95
    shares = variance_shares(by_chance)
    assert shares["chance_share"] > 0.8 and np.isclose(shares["chance_share"] + shares["parameter_share"], 1)
    one_seed_each = pd.DataFrame({"parameter_set": range(5), "effect": range(5)})
    assert math.isnan(variance_shares(one_seed_each)["parameter_share"])  # no chance estimable


def test_whatif_params_posterior_is_checked_before_anything_runs(tmp_path):
    path = _posterior(tmp_path)
    base = ["centre=library", "scenario=coordinator_stops", "replicates=6", f"out={tmp_path / 'r'}"]
    request = whatif.prepare([*base, "params=posterior", f"posterior={path}", "parameter_sets=3"])
    assert len(request.parameter_sets) == 3
    runs = whatif.set_runs(request.scenario, request.parameter_sets)
    assert [(r.seed, r.replicates) for r in runs] == [(0, 2), (2, 2), (4, 2)]
    assert {r.params.encounter_rate for r in runs} <= {0.6, 0.9}
    for extra, key in ((["params=posterior", f"posterior={path}", "parameter_sets=4"], "parameter_sets"),
                       (["params=prior"], "params"),
                       (["params=posterior", f"posterior={tmp_path / 'none.csv'}"], "posterior")):
        with pytest.raises(InputError) as info:
            whatif.prepare([*base, *extra])
        assert info.value.key == key
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------- targets
def test_a_target_misses_by_its_distance_outside_the_region():
    t = Target("x", "a share", ("baseline",), lambda m: 0.0, low=0.15, scale=0.05)
    assert t.miss(0.5) == 0 and t.holds(0.5) and t.region() == "≥ 0.15"
    assert np.isclose(t.miss(0.05), 2.0) and not t.holds(0.05)
    assert t.miss(float("nan")) > 0 and not t.holds(float("nan"))
    count = Target("y", "a mapped count", ("baseline",), lambda m: 0.0, low=8, high=8, scale=2)
    assert count.holds(10) and not count.holds(10.5) and count.region() == "= 8 (± 2)"
    sim = Simulator(("library",), (TARGETS["2b"], TARGETS["6a"]))
    assert sim.distance({"library:2b": 0.3, "library:6a": -0.2}) == 0
    assert np.isclose(sim.distance({"library:2b": 0.05, "library:6a": -0.2}), math.sqrt(2 ** 2 / 2))


def test_only_validation_patterns_are_targets_and_priors_are_inside_what_params_allow():
    from analysis.validation import PATTERNS, VALIDATION

    assert all(PATTERNS[t].kind == VALIDATION for t in TARGETS)
    for prior in PRIORS:
        for value in (prior.low, prior.high):
            ModelParams(**{prior.name: value}).validate()
        assert prior.low < getattr(ModelParams(), prior.name) < prior.high


def test_a_simulations_replicates_are_the_mean_of_its_seeds_each_run_alone():
    """``replicates`` seeds of an arm run as one batch; the statistics come from the mean of
    their measures, and each seed's measures are those of that seed run alone."""
    from analysis.calibration import _composed, run_measures

    run = _composed("library", "baseline", 60)
    both = run_measures(run, [4, 5])
    alone = [run_measures(run, [seed]) for seed in (4, 5)]
    assert set(both) == set(alone[0])
    for key, value in both.items():
        assert value == pytest.approx((alone[0][key] + alone[1][key]) / 2, rel=1e-12, abs=1e-12)
    assert alone[0] != alone[1]  # the seeds differ, so the mean is of two runs
    sim = Simulator(("library",), (TARGETS["2b"],), steps=60, replicates=3)
    assert sim.seeds(2) == [6, 7, 8] and set(sim.seeds(3)).isdisjoint(sim.seeds(2))


def test_calibration_launchers_and_their_errors(tmp_path, capsys):
    from analysis.abc_sampler import launcher_settings, launchers

    assert launchers() == ["local", "slurm", "submitit_local"]  # joblib and basic are not submitit's
    cluster, parameters, at_once = launcher_settings("slurm")
    assert cluster == "slurm" and parameters["timeout_min"] > 0 and at_once >= 1
    assert "slurm_partition" not in parameters  # the file leaves it unset (null)
    with pytest.raises(InputError) as info:
        launcher_settings("joblib")
    assert info.value.key == "launcher" and "submitit_local" in info.value.allowed
    for argv, word in ((["--launcher", "nowhere"], "nowhere"),
                       (["--launcher-option", "partition"], "KEY=VALUE"),
                       (["--replicates", "0"], "replicates")):  # fmt: skip
        with pytest.raises(SystemExit) as exit_info:
            cli.main([*argv, "--out", str(tmp_path / "c" / "c.md")])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert word in err[-1]
    assert not (tmp_path / "c").exists()


# --------------------------------------------------------------------- mapping
ROSTER = "docs/example_roster.yaml"
HEADER = "source,target,form,date\n"


@functools.cache
def _centre():
    from experiments.cli import compose_run

    return compose_run([f"centre={ROSTER}"]).centre


def _mapping(tmp_path, text):
    path = tmp_path / "mapping.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_mapping_gives_the_start_and_the_targets(tmp_path):
    path = _mapping(tmp_path, HEADER
                    + "biblioteksleder,cafe,resource_exchange,2025-01-06\n"
                    + "cafe,biblioteksleder,ressourceudveksle,2025-01-06\n"  # same pair, Danish label
                    + "biblioteksleder,cafe,resource_exchange,2025-07-07\n"
                    + "lektiecafe,kvindeforening,Videndele,2025-07-07\n")  # fmt: skip
    mapping = read_mapping(path, _centre())
    assert [str(d) for d in mapping.dates] == ["2025-01-06", "2025-07-07"]
    assert mapping.week_of(mapping.dates[1]) == 26
    assert mapping.counts(mapping.dates[0])["resource_exchange"] == 1
    targets = {t.id: t for t in mapping_targets(mapping)}
    assert targets["knowledge_sharing@2025-07-07"].low == 1 and targets["co_creation@2025-07-07"].high == 0
    centre = starting_centre(_centre(), mapping)
    assert [(r.source, r.target, r.form) for r in centre.relations] == [
        ("biblioteksleder", "cafe", "resource_exchange")]


def test_a_semicolon_mapping_from_danish_excel_is_read(tmp_path):
    path = _mapping(tmp_path, "source;target;form;date\ncafe;it_hjaelp;videndele;2025-01-06\n"
                    "cafe;it_hjaelp;samvirke;2025-03-03\n")  # fmt: skip
    assert len(read_mapping(path, _centre()).dates) == 2


@pytest.mark.parametrize("rows, key, value", [
    ("nobody,cafe,alignment,2025-01-06\n", "mapping row 2 source", "nobody"),
    ("cafe,cafe,alignment,2025-01-06\n", "mapping row 2 target", "cafe"),
    ("cafe,lektiecafe,friendship,2025-01-06\n", "mapping row 2 form", "friendship"),
    ("cafe,lektiecafe,alignment,06-01-2025\n", "mapping row 2 date", "06-01-2025"),
    ("cafe,lektiecafe,alignment,2025-01-06\ncafe,lektiecafe,alignment,2025-01-06\n", "mapping dates",
     "2025-01-06"),
    ("cafe,lektiecafe,alignment,2025-01-06\ncafe,lektiecafe,alignment,2025-01-08\n", "mapping date",
     "2025-01-08"),
])  # fmt: skip
def test_a_bad_mapping_row_is_one_clear_line(tmp_path, rows, key, value):
    second_date = "" if "\n" in rows[:-1] else "cafe,lektiecafe,alignment,2025-06-02\n"
    path = _mapping(tmp_path, HEADER + rows + second_date)
    with pytest.raises(InputError) as info:
        read_mapping(path, _centre())
    assert (info.value.key, str(info.value.value)) == (key, value)
    assert "\n" not in str(info.value)


def test_wrong_mapping_columns_are_named(tmp_path):
    with pytest.raises(InputError, match="mapping columns"):
        read_mapping(_mapping(tmp_path, "from,to,form,date\na,b,c,d\n"), _centre())


def test_the_calibrate_command_refuses_a_bad_mapping_with_one_line(tmp_path, capsys):
    path = _mapping(tmp_path, HEADER + "nobody,cafe,alignment,2025-01-06\n")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--mapping", str(path), "--centre", ROSTER, "--out", str(tmp_path / "c" / "c.md")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nobody" in err[0] and "biblioteksleder" in err[0]
    assert not (tmp_path / "c").exists()


# ------------------------------------------------------------------ end to end
@pytest.mark.slow
def test_calibrate_end_to_end_then_a_whatif_from_its_posterior(tmp_path):
    """A tiny calibration (4 particles, 2 generations, 60 weeks) writes the posterior,
    its provenance, diagnostics and the report; a what-if then draws from it."""
    out = tmp_path / "docs" / "calibration.md"
    assert cli.main(["--population", "4", "--generations", "2", "--max-simulations", "12",
                     "--steps", "60", "--draws", "2", "--targets", "2b", "--check", "2b", "2c",
                     "--cases", "library", "--held-out-cases", "health", "--jobs", "1",
                     "--out", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    for section in ("## Posterior", "## Diagnostics", "## Calibration targets", "## Held-out patterns",
                    "## Held-out cases"):  # fmt: skip
        assert section in text
    frame, provenance = load_posterior(out.parent / "calibration" / "posterior.csv")
    assert len(frame) == 4 and set(frame.columns) >= {p.name for p in PRIORS}
    assert provenance["versions"]["pyabc"].startswith("0.13") and provenance["git"]["commit"]
    assert provenance["seed"] == 0 and provenance["budget"]["population"] == 4
    generations = pd.read_csv(out.parent / "calibration" / "generations.csv")
    assert (generations["acceptance_rate"] > 0).all() and (generations["ess"] > 0).all()
    assert (out.parent / "calibration" / "posterior.png").stat().st_size > 1000
    assert not list(tmp_path.rglob("*.db"))  # pyabc's database is not a result
    report = tmp_path / "whatif"
    request = whatif.prepare(["centre=library", "scenario=coordinator_stops", "drivers.coordinator=true",
                              "replicates=4", "steps=80", "params=posterior", "parameter_sets=2",
                              f"posterior={out.parent / 'calibration' / 'posterior.csv'}",
                              f"out={report}"])  # fmt: skip
    whatif.run_whatif(request, show_progress=False, n_jobs=1)
    shares = pd.read_csv(report / "uncertainty.csv")
    assert np.allclose(shares["parameter_share"] + shares["chance_share"], 1)
    assert "Usikkerhed" in (report / "report.md").read_text(encoding="utf-8")
    assert len(pd.read_csv(report / "parameter_sets.csv")) == 2


def test_a_posterior_whatif_verifies_seed_by_seed(tmp_path, capsys):
    """``params=posterior`` what-ifs record each parameter set's config over its own seeds,
    so ``experiments.verify`` can re-run them; a forged value is caught."""
    from experiments import verify

    path = _posterior(tmp_path)
    out = tmp_path / "r"
    request = whatif.prepare(["centre=library", "scenario=coordinator_stops", "replicates=4",
                              "steps=80", f"out={out}", "params=posterior", f"posterior={path}",
                              "parameter_sets=2"])  # fmt: skip
    whatif.run_whatif(request, show_progress=False, n_jobs=1)
    assert verify.main([str(out), "--seeds", "2"]) == 0
    assert "scenario/set1:3" in capsys.readouterr().out
    frame = pd.read_parquet(out / "timeseries.parquet")
    rows = (frame["arm"] == "baseline") & (frame["seed"] == 3) & (frame["step"] == 40)
    frame.loc[rows, "ties_any"] += 1
    frame.to_parquet(out / "timeseries.parquet", index=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["timeseries.parquet"] = verify.sha256(out / "timeseries.parquet")
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify.main([str(out), "--seeds", "2"]) == 1
    assert "baseline/set1 seed 3" in capsys.readouterr().err


# ------------------------------------------------------- params=posterior in runs and sweeps
def test_each_seed_draws_its_blocks_set_whichever_job_runs_it(tmp_path):
    """Seeds 0–5 in one job and in two chunks get the same parameter sets and the same
    results; seeds of one block share a set."""
    from experiments.cli import compose_run
    from experiments.simulate import simulate

    path = _posterior(tmp_path, weights=(1.0, 1.0, 1.0))
    base = ["centre=library", "steps=15", f"posterior.file={path}", "posterior.seeds_per_set=2"]
    whole = simulate(compose_run([*base, "replicates=6"]))
    parts = [simulate(compose_run([*base, f"seed={s}", "replicates=3"])) for s in (0, 3)]
    chunked = pd.concat([p.parameters for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(whole.parameters, chunked)
    assert list(whole.parameters["parameter_set"]) == [0, 0, 1, 1, 2, 2]
    per_block = whole.parameters.groupby("parameter_set")["particle"].nunique()
    assert (per_block == 1).all()
    ts = pd.concat([p.timeseries for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(whole.timeseries, ts)
    plain = simulate(compose_run(["centre=library", "steps=15", "replicates=6"]))
    assert plain.parameters is None
    changed = whole.parameters["encounter_rate"] != 1.0  # the default: sets did reach the model
    differs = [not whole.timeseries[whole.timeseries["seed"] == s].reset_index(drop=True).equals(
        plain.timeseries[plain.timeseries["seed"] == s].reset_index(drop=True)) for s in range(6)]
    assert any(changed) and all(d for d, c in zip(differs, changed, strict=True) if c)


def test_run_params_posterior_words_and_their_errors(tmp_path):
    from experiments.cli import compose_run
    from experiments.posterior import posterior_overrides

    path = _posterior(tmp_path)
    words = posterior_overrides(["centre=library", "params=posterior", f"posterior={path}"])
    assert words[0] == "centre=library" and words[1] == f"posterior.file='{path.resolve().as_posix()}'"
    assert words[2].startswith("posterior.sha256=") and len(words[2].split("=")[1]) == 64
    assert posterior_overrides(["replicates=3"]) == ["replicates=3"]
    for bad, key in ((["params=prior"], "params"), ([f"posterior={tmp_path / 'no.csv'}"], "posterior")):
        with pytest.raises(InputError) as info:
            posterior_overrides(bad)
        assert info.value.key == key
    with pytest.raises(InputError) as info:  # the file changed since the sweep began
        compose_run(["centre=library", *words[1:2], "posterior.sha256=" + "0" * 64])
    assert info.value.key == "posterior.file"
    with pytest.raises(InputError) as info:
        compose_run(["centre=library", *words[1:], "posterior.seeds_per_set=0"])
    assert info.value.key == "posterior.seeds_per_set"


def test_a_run_with_params_posterior_writes_each_seeds_parameters(tmp_path):
    import subprocess
    import sys

    path = _posterior(tmp_path)
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "experiments.run", "centre=library", "steps=5",
                           "replicates=3", "params=posterior", f"posterior={path}",
                           f"hydra.run.dir={out}"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    frame = pd.read_parquet(out / "parameters.parquet")
    assert list(frame["seed"]) == [0, 1, 2] and "encounter_rate" in frame
    assert "parameters.parquet" in json.loads((out / "manifest.json").read_text())["files"]
    bad = subprocess.run([sys.executable, "-m", "experiments.run", "params=prior"],
                         capture_output=True, text=True)  # fmt: skip
    last = bad.stderr.strip().splitlines()[-1]
    assert bad.returncode == 2 and last.startswith("error: params=") and "prior" in last


def test_a_long_posterior_path_does_not_count_against_job_folder_names(tmp_path):
    """Hydra leaves the posterior's path and hash out of job folder names, so the guard on
    folder-name length must too (a clone in a deep temporary folder failed it)."""
    from experiments.cli import check_hydra_settings, compose_run, folder_name_excluded
    from experiments.posterior import posterior_overrides

    deep = tmp_path / ("d" * 100) / ("e" * 100)
    deep.mkdir(parents=True)
    path = _posterior(deep)
    words = posterior_overrides(["params=posterior", f"posterior={path}"])
    assert {"posterior.file", "posterior.sha256"} <= folder_name_excluded()
    argv = ["-m", "drivers.leadership_support=0.2,0.8", "replicates=2", *words,
            f"hydra.sweep.dir={tmp_path / 'sweep'}"]  # fmt: skip
    check_hydra_settings(argv, [compose_run(["centre=library", *words])])
    too_long = ["-m", "drivers.leadership_support=0.2,0.8", "centre.name=" + "x" * 300]
    with pytest.raises(InputError) as info:
        check_hydra_settings(too_long, [compose_run(["centre=library"])])
    assert info.value.key == "overrides"
