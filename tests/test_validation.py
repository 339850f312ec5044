"""The pattern-oriented validation suite (analysis/validation.py) and its report.

Fast tests check the machinery (shared runs, worker-independence, dry-run arm discovery,
a pattern that must fail on reversed data, the report end to end) and two strong patterns
on few seeds. The slow test repeats the validation on two centres with 10 seeds and
requires the patterns that pass there in the full 30-seed report (docs/validation.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import validate as cli
from analysis.validation import (
    FAIL,
    PASS,
    Arm,
    RunStore,
    fact1_co_location,
    fact3_coordinator_stops,
    fact7_private_resource_exchange,
    needed_arms,
    run_arm_seed,
    validate,
)
from model import CentreModel

from .helpers import preset


def test_a_seed_of_an_arm_is_reproducible():
    arm = Arm("housing_area", steps=60)
    assert run_arm_seed(arm, 3) == run_arm_seed(arm, 3)
    assert run_arm_seed(arm, 3) != run_arm_seed(arm, 4)


def test_results_do_not_depend_on_the_number_of_workers():
    arms = [Arm("housing_area", steps=40), Arm("library", ("drivers.core_load=0.8",), steps=40)]
    one, two = RunStore(range(3), n_jobs=1), RunStore(range(3), n_jobs=2)
    one.prefetch(arms)
    two.prefetch(arms)
    for arm in arms:
        pd.testing.assert_frame_equal(one.get(arm), two.get(arm))


def test_dry_run_finds_each_patterns_arms():
    arms = needed_arms(["housing_area"], ["1a", "3a"])
    labels = {a.label() for a in arms}
    assert "centre=housing_area drivers.co_location=0.9 steps=260" in labels
    assert "centre=housing_area drivers.co_location=0.2 steps=260" in labels
    # housing_area has no coordinator: fact 3 adds one to both arms
    assert ("centre=housing_area scenario=coordinator_stops drivers.coordinator=true "
            "steps=156") in labels  # fmt: skip
    assert len(arms) == 4


class _Canned(RunStore):
    """A store answering with given tables, to check a pattern's verdict logic."""

    def __init__(self, frames):
        super().__init__(range(len(next(iter(frames.values())))))
        self._frames = frames


def test_a_reversed_pattern_fails():
    """Fewer ties with more co-location must fail fact 1a (the check can be false)."""
    rng = np.random.default_rng(0)
    high = Arm("housing_area", ("drivers.co_location=0.9",))
    low = Arm("housing_area", ("drivers.co_location=0.2",))
    frames = {high: pd.DataFrame({"ly_total": 40 + rng.normal(0, 1, 10)}),
              low: pd.DataFrame({"ly_total": 120 + rng.normal(0, 1, 10)})}  # fmt: skip
    assert fact1_co_location(_Canned(frames), "housing_area").status == FAIL
    frames[high], frames[low] = frames[low], frames[high]
    assert fact1_co_location(_Canned(frames), "housing_area").status == PASS


def test_strong_patterns_hold_on_few_seeds():
    """Fact 1 (co-location, +200 % in the full report) and fact 7 (private actors' working
    ties ~97 % resource exchange) are strong enough to show on 5 seeds."""
    store = RunStore(range(5))
    for check in (fact1_co_location, fact7_private_resource_exchange):
        result = check(store, "housing_area")
        assert result.status == PASS, result


def test_report_end_to_end(tmp_path):
    out = tmp_path / "docs" / "validation.md"
    assert cli.main(["--quick", "--seeds", "3", "--centres", "housing_area",
                     "--patterns", "1a", "2b", "--out", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "| 1a | housing_area |" in text and "| 2b | housing_area |" in text
    assert "--seeds 3 --centres housing_area" in text
    assert (out.parent / "validation" / "patterns.png").stat().st_size > 1000
    table = pd.read_csv(out.with_suffix(".csv"))
    assert set(table["status"]) <= {"pass", "fail", "inconclusive"} and len(table) == 2
    assert not list(out.parent.glob(".*.tmp"))


def test_bad_seed_count_is_a_one_line_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--seeds", "1"])
    assert exit_info.value.code == 2
    assert "--seeds: 1 is not allowed" in capsys.readouterr().err


def test_engines_agree_where_co_creation_is_frequent():
    """The tunnel-vision and new-partner rules only act on co-creating pairs: check the
    engines on a centre with strong leadership, where many pairs co-create."""
    tables = []
    for engine in ("vectorised", "reference"):
        model = CentreModel(centre=preset("association"), leadership_support=0.9,
                            engine=engine, rng=1)  # fmt: skip
        for _ in range(200):
            model.step()
        tables.append(model.datacollector.get_model_vars_dataframe())
    assert tables[0].equals(tables[1])
    assert tables[0]["new_initiatives"].sum() > 0 and tables[0]["ties_co_creation"].max() >= 2


# ------------------------------------------------------------------------------ slow
#: Patterns passing on these centres in the full 30-seed report whose 30-seed interval is
#: well clear of the criterion, so with 10 seeds they must still pass. Left out: those
#: near a threshold there (6b: familiarity rank +5 % against a 5 % minimum; 8a on
#: housing_area: ×1.11 against ×1.1) and those needing many co-creation episodes.
SLOW_EXPECTED = {
    "housing_area": ["1a", "1b", "1c", "1d", "2a", "2b", "3a", "3b", "5a", "5c", "6a", "7",
                     "9b", "11", "O1", "O2", "O3"],
    "library": ["1a", "1b", "1c", "1d", "2b", "3a", "3b", "4", "5a", "5c", "6a", "7", "8a",
                "9b", "11", "O1", "O2", "O3"],
}  # fmt: skip


@pytest.mark.slow
def test_validation_reduced_seeds():
    ids = sorted({p for ps in SLOW_EXPECTED.values() for p in ps})
    results, _ = validate(list(SLOW_EXPECTED), ids, seeds=range(10))
    failed = [(r.pattern, r.centre, r.status, r.note) for r in results
              if r.pattern in SLOW_EXPECTED[r.centre] and not r.passed]  # fmt: skip
    assert not failed, failed


@pytest.mark.slow
def test_fact3_on_housing_area_through_the_pattern_function():
    result = fact3_coordinator_stops(RunStore(range(10)), "housing_area")
    assert result.status == PASS, result


@pytest.mark.slow
@pytest.mark.parametrize("centre", ["housing_area", "library"])
def test_engines_agree_seed_by_seed_over_many_seeds(centre):
    """Verification over a distribution: 20 seeds, every weekly measure identical, so the
    two engines' distributions over seeds are identical too (not just close)."""
    for seed in range(20):
        tables = []
        for engine in ("vectorised", "reference"):
            model = CentreModel(centre=preset(centre), engine=engine, rng=seed)
            for _ in range(52):
                model.step()
            tables.append(model.datacollector.get_model_vars_dataframe())
        assert tables[0].equals(tables[1]), (centre, seed)
