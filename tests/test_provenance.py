"""Provenance: every output folder gets manifest.json, and experiments.verify checks it.

A run made through the real command line must verify (hashes match, re-run seeds give the
same values); a changed, missing or re-written file must make verify fail with one line each.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments import verify
from experiments.manifest import MANIFEST, git_state, sha256

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prov") / "run"
    done = subprocess.run(
        [sys.executable, "-m", "experiments.run", "centre=health", "steps=15", "replicates=3",
         f"hydra.run.dir={out}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_manifest_records_code_config_seeds_and_every_file(run_dir):
    manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["kind"] == "run"
    assert manifest["command"].startswith("python -m experiments.run centre=health steps=15")
    assert set(manifest["files"]) == {"timeseries.parquet", "actors.parquet", "ties.parquet",
                                      "summary.json"}  # fmt: skip
    assert manifest["files"]["summary.json"] == sha256(run_dir / "summary.json")
    record = manifest["runs"]["run"]
    assert record["seeds"] == [0, 1, 2]
    assert record["config"]["centre"]["name"] == "health" and record["config"]["steps"] == 15
    assert "numpy" in manifest["packages"] and manifest["python"].startswith("3.")
    assert len(manifest["git"]["commit"] or "") == 40  # the tests run inside the repository


def test_verify_passes_on_a_fresh_run(run_dir, capsys):
    assert verify.main([str(run_dir), "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "re-ran seed(s) 0, 2" in out and "OK:" in out


def test_verify_fails_with_one_line_per_tampered_file(run_dir, tmp_path, capsys):
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(run_dir), str(copy)], check=True)
    (copy / "summary.json").write_text("{}\n", encoding="utf-8")
    (copy / "ties.parquet").unlink()
    assert verify.main([str(copy), "--seeds", "0"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("changed:") and "summary.json" in line for line in err)
    assert any(line.startswith("missing:") and "ties.parquet" in line for line in err)
    assert err[-1].startswith("FAILED: 2 problem(s)")


def test_verify_catches_values_a_rerun_does_not_give(run_dir, tmp_path, capsys):
    """A table re-written with one changed value (and its hash updated) still fails."""
    copy = tmp_path / "forged"
    subprocess.run(["cp", "-r", str(run_dir), str(copy)], check=True)
    frame = pd.read_parquet(copy / "timeseries.parquet")
    frame.loc[(frame["seed"] == 0) & (frame["step"] == 10), "ties_total"] += 1
    frame.to_parquet(copy / "timeseries.parquet", index=False)
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["timeseries.parquet"] = sha256(copy / "timeseries.parquet")
    (copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert verify.main([str(copy), "--seeds", "1"]) == 1
    err = capsys.readouterr().err
    assert "differs:" in err and "seed 0" in err and "ties_total" in err


def test_git_state_outside_a_repository_says_so(tmp_path):
    state = git_state(tmp_path)
    assert state["commit"] is None and "not a git repository" in state["note"]


def test_spread_picks_first_and_last():
    assert verify.spread(list(range(10)), 2) == [0, 9]
    assert verify.spread([3], 5) == [3]
