"""Sweeps: parallel launchers, resume, failure isolation, collect and the figure report.

Every sweep runs the real command line (``python -m experiments.run -m ...``) in a
subprocess, so exit codes and Hydra's launchers are exercised as a user meets them.
Runs are short (20 weeks, 2 seeds, the default centre) to keep the suite fast.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import collect
from model.forms import FORMS

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["steps=20", "replicates=2"]
# One actor leaving twice: valid in every part (the name exists), impossible at week 6.
FAILING_EVENT = (
    "[{week:5,action:actor_leaves,names:[youth_outreach_1]},"
    "{week:6,action:actor_leaves,names:[youth_outreach_1]}]"
)


def sweep(sweep_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a multirun into ``sweep_dir`` and return the finished process."""
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "experiments.run", "-m", *args, f"hydra.sweep.dir={sweep_dir}"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


def jobs(sweep_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in sweep_dir.glob("*/summary.json"))


@pytest.fixture(scope="module")
def basic_and_joblib(tmp_path_factory):
    """The same three-job sweep, once with the basic launcher, once with 2 joblib workers."""
    root = tmp_path_factory.mktemp("launchers")
    overrides = [*SMALL, "drivers.coordinator=true,false", "drivers.co_location=0.2,0.9"]
    basic = sweep(root / "basic", *overrides, "launcher=basic")
    joblib = sweep(root / "joblib", *overrides, "launcher=joblib", "hydra.launcher.n_jobs=2")
    return root, basic, joblib


def test_joblib_sweep_runs_every_job_on_two_workers(basic_and_joblib):
    root, _, joblib = basic_and_joblib
    assert joblib.returncode == 0, joblib.stderr
    assert "Joblib.Parallel(n_jobs=2" in joblib.stdout  # really the joblib launcher
    assert len(jobs(root / "joblib")) == 4
    assert "[4/4]" in joblib.stdout  # progress counts every finished job


def test_same_config_and_seed_give_identical_results_on_basic_and_joblib(basic_and_joblib):
    root, basic, joblib = basic_and_joblib
    assert basic.returncode == 0 and joblib.returncode == 0
    assert jobs(root / "basic") == jobs(root / "joblib")  # folders named by overrides alone
    for job in jobs(root / "basic"):
        for name in ("timeseries.parquet", "ties.parquet"):
            expected = pd.read_parquet(root / "basic" / job / name)
            pd.testing.assert_frame_equal(expected, pd.read_parquet(root / "joblib" / job / name))
    # the comparison has teeth: the swept drivers do change the results
    frames = [pd.read_parquet(root / "basic" / job / "timeseries.parquet") for job in
              jobs(root / "basic")]  # fmt: skip
    assert any(not frames[0].equals(other) for other in frames[1:])


def test_job_folders_are_named_by_overrides_without_sweep_name(tmp_path):
    result = sweep(tmp_path, *SMALL, "drivers.coordinator=true,false", "sweep.name=named")
    assert result.returncode == 0, result.stderr
    assert jobs(tmp_path) == ["drivers.coordinator=False,replicates=2,steps=20",
                              "drivers.coordinator=True,replicates=2,steps=20"]  # fmt: skip


def test_rerun_resumes_an_interrupted_sweep_without_rerunning_complete_jobs(tmp_path):
    args = [*SMALL, "drivers.leadership_support=0.2,0.5,0.8"]
    first = sweep(tmp_path, *args)
    assert first.returncode == 0, first.stderr
    names = jobs(tmp_path)
    assert len(names) == 3
    interrupted, corrupted, complete = (tmp_path / n for n in names)
    # an interruption before summary.json was written, and a damaged summary
    (interrupted / "summary.json").unlink()
    text = (corrupted / "summary.json").read_text()
    (corrupted / "summary.json").write_text(text[: len(text) // 2])
    untouched = {p.name: p.stat().st_mtime_ns for p in complete.iterdir() if p.is_file()}

    second = sweep(tmp_path, *args)
    assert second.returncode == 0, second.stderr
    assert "2 ran, 1 skipped" in second.stdout
    assert jobs(tmp_path) == names  # every job present, exactly once
    assert {p.name: p.stat().st_mtime_ns for p in complete.iterdir() if p.is_file()} == untouched
    json.loads((corrupted / "summary.json").read_text())  # whole again
    runs = collect.collect(tmp_path).runs
    assert not runs.duplicated(["job", "seed"]).any()
    assert len(runs) == 3 * 2


def test_a_killed_sweep_is_finished_by_running_it_again(tmp_path):
    """Kill the whole sweep as soon as its first job is complete, then run it again."""
    args = ["steps=260", "replicates=4", "drivers.leadership_support=0.2,0.5,0.8"]
    command = [sys.executable, "-m", "experiments.run", "-m", *args,
               f"hydra.sweep.dir={tmp_path}"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        while not jobs(tmp_path) and process.poll() is None:
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    finished = jobs(tmp_path)
    assert 1 <= len(finished) < 3  # killed part-way (jobs take about a second each)
    kept = {name: (tmp_path / name / "summary.json").stat().st_mtime_ns for name in finished}

    again = sweep(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert f"{len(finished)} skipped" in again.stdout
    assert len(jobs(tmp_path)) == 3
    assert {n: (tmp_path / n / "summary.json").stat().st_mtime_ns for n in finished} == kept
    assert not list(tmp_path.glob("*/.*.tmp"))  # no half-written file left behind
    runs = collect.collect(tmp_path).runs
    assert len(runs) == 3 * 4 and not runs.duplicated(["job", "seed"]).any()


def test_a_changed_config_is_not_taken_for_complete(tmp_path):
    first = sweep(tmp_path, *SMALL, "drivers.coordinator=true,false")
    assert first.returncode == 0, first.stderr
    summary_path = tmp_path / jobs(tmp_path)[0] / "summary.json"
    summary = json.loads(summary_path.read_text())
    summary["config"]["params"]["encounter_rate"] = 0.123  # as if run with another default
    summary_path.write_text(json.dumps(summary))
    second = sweep(tmp_path, *SMALL, "drivers.coordinator=true,false")
    assert "1 ran, 1 skipped" in second.stdout
    assert json.loads(summary_path.read_text())["config"]["params"]["encounter_rate"] != 0.123


@pytest.mark.parametrize("launcher", ["basic", "submitit_local"])
def test_failing_job_is_isolated_and_reported(tmp_path, launcher):
    """An actor who has left cannot leave again: that job fails at week 6, alone."""
    result = sweep(tmp_path, *SMALL, f"scenario.events=[],{FAILING_EVENT}", f"launcher={launcher}")
    assert result.returncode == 1
    failed = [p for p in tmp_path.iterdir() if p.is_dir() and "youth_outreach_1" in p.name]
    ok = [p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith("replicates")
          and "youth_outreach_1" not in p.name]  # fmt: skip
    assert len(failed) == 1 and len(ok) == 1
    error = (failed[0] / "error.txt").read_text()
    assert "Traceback" in error and "youth_outreach_1" in error
    assert not (failed[0] / "summary.json").exists()
    assert (ok[0] / "summary.json").is_file()
    assert "1 failed" in result.stdout and str(failed[0] / "error.txt") in result.stdout
    assert (tmp_path / "failures.txt").read_text().strip() == str(failed[0] / "error.txt")


def test_bad_launcher_name_is_one_line_before_anything_runs(tmp_path):
    result = sweep(tmp_path / "s", *SMALL, "launcher=laptop")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "launcher='laptop'" in result.stderr and "joblib" in result.stderr
    assert not (tmp_path / "s").exists()


@pytest.fixture(scope="module")
def collected(basic_and_joblib):
    root, _, _ = basic_and_joblib
    code = collect.main([str(root / "basic"), "--csv"])
    assert code == 0
    return root / "basic"


def test_collect_writes_one_row_per_seed_run_with_swept_keys(collected):
    runs = pd.read_parquet(collected / "runs.parquet")
    forms = [f"final_ties_{f.id}" for f in FORMS]
    for column in ["job", "drivers.coordinator", "drivers.co_location", "seed",
                   *forms, "final_mean_trust", "total_referrals", "total_failed_efforts"]:
        assert column in runs.columns, column  # fmt: skip
    assert len(runs) == 4 * 2 and not runs.duplicated(["job", "seed"]).any()
    assert set(runs["drivers.coordinator"]) == {True, False}
    assert set(runs["drivers.co_location"]) == {0.2, 0.9}
    # the per-seed figures are the job's own final week and weekly sums
    row = runs.iloc[0]
    ts = pd.read_parquet(collected / row["job"] / "timeseries.parquet")
    seed_ts = ts[ts["seed"] == row["seed"]]
    assert row["final_ties_alignment"] == seed_ts["ties_alignment"].iloc[-1]
    assert row["total_referrals"] == seed_ts["referrals"].sum()
    series = pd.read_parquet(collected / "timeseries.parquet")
    assert len(series) == 4 * 2 * 21  # weeks 0..20
    assert {"drivers.coordinator", "drivers.co_location", "seed", "step"} <= set(series.columns)
    assert len(pd.read_csv(collected / "runs.csv")) == len(runs)


def test_collect_lists_failed_jobs_and_leaves_them_out(tmp_path):
    result = sweep(tmp_path, *SMALL, f"scenario.events=[],{FAILING_EVENT}")
    assert result.returncode == 1
    merged = collect.collect(tmp_path)
    assert merged.runs["job"].nunique() == 1
    assert [p.name for p in merged.incomplete] == [p.name for p in tmp_path.iterdir()
                                                   if "youth_outreach_1" in p.name]  # fmt: skip


def test_sweep_report_writes_png_figures(collected, tmp_path):
    from analysis.sweep_report import report

    written = report(collected, tmp_path / "figures")
    names = sorted(p.name for p in written)
    assert names == ["composition.png", "forms_vs_drivers.co_location.png",
                     "forms_vs_drivers.coordinator.png",
                     "heatmap_drivers.co_location__drivers.coordinator.png"]  # fmt: skip
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_joblib_workers_stop_when_the_sweep_ends():
    """``stop_idle_workers`` (called at a sweep's end) ends loky's kept workers at once, so
    the launcher's exit does not wait for them; a later pool starts afresh."""
    from joblib import Parallel, delayed

    from experiments.sweep import stop_idle_workers

    pids = Parallel(n_jobs=2, backend="loky")(delayed(os.getpid)() for _ in range(2))
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    assert executor is not None and any(p.is_alive() for p in executor._processes.values())
    stop_idle_workers()
    assert not any(p.is_alive() for p in executor._processes.values())
    for pid in set(pids):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert Parallel(n_jobs=2, backend="loky")(delayed(abs)(-n) for n in range(3)) == [0, 1, 2]
