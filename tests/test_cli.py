"""End to end: ``python -m experiments.run`` as a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model import WEEKLY_MEASURES

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, module: str = "experiments.run") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = run_cli("steps=30", "replicates=2", "seed=4", f"hydra.run.dir={out}")
    assert result.returncode == 0, result.stderr
    return out, result


def test_run_writes_the_documented_files_and_columns(small_run):
    out, result = small_run
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert list(ts.columns) == ["seed", "step", *WEEKLY_MEASURES]
    assert sorted(ts["seed"].unique()) == [4, 5] and len(ts) == 2 * 31
    actors = pd.read_parquet(out / "actors.parquet")
    for column in ("seed", "actor_id", "kind", "arrived_step", "left_step", "degree"):
        assert column in actors.columns
    assert len(actors) == 2 * 18  # housing_area has 18 actors
    ties = pd.read_parquet(out / "ties.parquet")
    assert list(ties.columns)[:7] == ["seed", "source", "target", "form", "deepest", "trust", "weeks_in_form"]
    assert set(ties["form"]) <= {"knowledge_sharing", "alignment", "resource_exchange",
                                 "joint_action", "co_creation"}  # fmt: skip
    last = ts[ts["step"] == 30].set_index("seed")["ties_total"]
    assert ties.groupby("seed").size().reindex([4, 5], fill_value=0).tolist() == last.tolist()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["version"] and summary["seeds"] == [4, 5] and summary["steps"] == 30
    assert set(summary["headline"]["final_ties"]) == {
        "knowledge_sharing", "alignment", "resource_exchange", "joint_action", "co_creation",
    }  # fmt: skip
    assert "knowledge_sharing" in result.stdout and str(out) in result.stdout


def test_same_config_and_seed_give_identical_files(small_run, tmp_path):
    out, _ = small_run
    again = run_cli("steps=30", "replicates=2", "seed=4", f"hydra.run.dir={tmp_path}")
    assert again.returncode == 0, again.stderr
    for name in ("timeseries.parquet", "actors.parquet", "ties.parquet", "summary.json"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


@pytest.mark.parametrize(
    ("override", "key", "allowed"),
    [
        ("drivers.co_location=1.5", "drivers.co_location", "from 0 to 1"),
        ("drivers.leadership_support=-0.1", "drivers.leadership_support", "from 0 to 1"),
        ("drivers.core_load=lots", "drivers.core_load", "a number"),
        ("drivers.coordinator=maybe", "drivers.coordinator", "true or false"),
        ("drivers.speed=3", "drivers.speed", "co_location"),
        ("centre=castle", "centre", "housing_area"),
        ("scenario=apocalypse", "scenario", "baseline"),
        ("steps=0", "steps", ">= 1"),
        ("replicates=two", "replicates", "whole number"),
        ("seed=-3", "seed", ">= 0"),
        ("params.trust_loss_failure=2", "params.trust_loss_failure", "from 0 to 1"),
        ("centre.actor_groups.0.kind=robot", "centre.actor_groups[0].kind", "municipal"),
    ],
)
def test_bad_input_gives_one_line_and_writes_nothing(override, key, allowed, tmp_path):
    out = tmp_path / "run"
    result = run_cli("steps=5", override, f"hydra.run.dir={out}")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and key in lines[0] and allowed in lines[0]
    assert not out.exists()


def test_bad_value_inside_a_sweep_is_caught_before_any_job_runs(tmp_path):
    result = run_cli("-m", "drivers.co_location=0.2,1.7", "steps=5",
                     f"hydra.sweep.dir={tmp_path / 'sweep'}")  # fmt: skip
    assert result.returncode == 2 and "drivers.co_location=1.7" in result.stderr
    assert not (tmp_path / "sweep").exists()


def test_bench_compares_engines_on_the_same_weeks_and_names_the_machine():
    result = run_cli("--sizes", "20", "--same-weeks", "3", "--context-weeks", "5", "--steps", "5",
                     "--seeds", "2", "--batch-seeds", "3", "--repeats", "1", "--sweep-runs", "0",
                     module="experiments.bench")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"{os.cpu_count()} cores (nproc)" in result.stdout and "load average" in result.stdout
    engines = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("20 "))
    assert engines.split()[2] == "1-3" and " True " in engines  # same weeks, identical tables
    assert "vectorised_vs_reference" in result.stdout
    batched = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("default centre"))
    assert "2 / 3" in batched and batched.rstrip().endswith("x")  # tables checked equal inside
