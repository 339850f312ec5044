"""Scenario discovery finds a planted region; Latin hypercube designs are reproducible.

The synthetic sweep plants a collapse (no joint action) where leadership support < 0.3 and
co-location < 0.5, with a coordinator switch and core load as inputs that do not matter;
discovery must name exactly the two planted inputs with limits near the planted ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import discover
from experiments import collect, design, verify
from experiments.manifest import MANIFEST
from model import InputError


def synthetic_runs(planted: bool = True, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    lead, coloc, load = rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    joint = rng.poisson(6, n).astype(float)
    if planted:
        joint[(lead < 0.3) & (coloc < 0.5) & (rng.uniform(size=n) < 0.9)] = 0
    return pd.DataFrame({
        "job": [f"job{i}" for i in range(n)], "drivers.co_location": coloc,
        "drivers.coordinator": rng.integers(0, 2, n).astype(bool), "drivers.core_load": load,
        "drivers.leadership_support": lead, "steps": 260, "seed": 0, "weeks": 260,
        "final_ties_joint_action": joint,
    })  # fmt: skip


def test_discovery_finds_the_planted_region_and_says_it_in_both_languages(tmp_path):
    runs = synthetic_runs()
    runs.to_parquet(tmp_path / "runs.parquet", index=False)
    assert discover.main([str(tmp_path), "--outcome", "final_ties_joint_action"]) == 0
    table = pd.read_csv(tmp_path / "discovery_final_ties_joint_action.csv")
    first = table.iloc[0]
    assert first["direction"] == "collapse" and first["threshold"] == 0
    assert first["density"] >= 0.8 and first["coverage"] >= 0.8
    limits = dict(re.findall(r"([\w.]+): \[, ([\d.]+)\]", first["restrictions"]))
    assert set(limits) == {"drivers.leadership_support", "drivers.co_location"}  # upper bounds only
    assert first["restrictions"].count(":") == 2
    assert 0.22 <= float(limits["drivers.leadership_support"]) <= 0.38
    assert 0.42 <= float(limits["drivers.co_location"]) <= 0.58
    assert "leadership support below 0." in first["rule_en"] and "runs end with no" in first["rule_en"]
    assert "ledelsesopbakning under 0," in first["rule_da"] and "kørsler uden" in first["rule_da"]
    text = (tmp_path / "discovery_final_ties_joint_action.md").read_text(encoding="utf-8")
    assert "## Dansk" in text and "## English" in text


def test_discovery_reports_no_region_when_nothing_is_planted():
    regions, inputs = discover.discover(synthetic_runs(planted=False), "final_ties_joint_action")
    assert regions == []
    assert "steps" not in inputs and "drivers.core_load" in inputs  # constant columns are not swept


def test_discovery_rejects_an_unknown_outcome():
    with pytest.raises(InputError, match="final_ties_joint_action"):
        discover.discover(synthetic_runs(), "final_nothing")


def lhs(design_seed: int = 0) -> design.Design:
    ranges = {"drivers.leadership_support": (0.1, 0.9), "drivers.co_location": (0.0, 1.0)}
    return design.Design(8, design_seed, ranges, [], Path("unused"))


def test_lhs_design_is_reproducible_stratified_and_within_ranges():
    first, again, other = design.points(lhs()), design.points(lhs()), design.points(lhs(1))
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    lead = first["drivers.leadership_support"]
    assert lead.between(0.1, 0.9).all() and first["drivers.co_location"].between(0, 1).all()
    strata = np.floor((lead - 0.1) / 0.8 * 8).clip(0, 7)  # one point in each eighth of the range
    assert sorted(strata.astype(int)) == list(range(8))


def test_lhs_rejects_a_range_outside_what_the_key_allows():
    with pytest.raises(InputError, match="drivers.leadership_support"):
        design.parse(["lhs", "n=4", "drivers.leadership_support=0:2"])


def test_lhs_sweep_runs_through_the_sweep_machinery(tmp_path, capsys):
    sweep_dir = tmp_path / "lhs"
    args = ["lhs", "n=3", "drivers.leadership_support=0:1", "steps=8", "replicates=1",
            f"hydra.sweep.dir={sweep_dir}"]  # fmt: skip
    assert design.main(args) == 0
    assert design.main(args) == 0  # a re-run resumes: every job is complete
    assert "0 ran, 3 skipped" in capsys.readouterr().out
    merged = collect.collect(sweep_dir)
    assert len(merged.runs) == 3 and "drivers.leadership_support" in merged.keys
    assert (sweep_dir / MANIFEST).is_file() and len(list(sweep_dir.glob(f"*/{MANIFEST}"))) == 3
    problems, _ = verify.verify(sweep_dir, seeds=1, jobs=1)
    assert problems == []
