"""The pattern-oriented validation suite (analysis/validation.py) and its report.

Fast tests check the machinery (shared runs, worker-independence, dry-run arm discovery,
a pattern that must fail on reversed data, the intervals, the observer's records against
the model's own counts, the report end to end). Slow tests check strong patterns on few
seeds and repeat the validation on two centres with 10 seeds, requiring the patterns that
pass there with a margin in the full report (docs/validation.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import validate as cli
from analysis.validation import (
    FAIL,
    PASS,
    PATTERNS,
    VALIDATION,
    VERIFICATION,
    Arm,
    RunStore,
    _Observer,
    bootstrap,
    fact1_co_location,
    fact3_coordinator_stops,
    fact3_newcomers,
    fact7_private_resource_exchange,
    needed_arms,
    paired,
    ratio,
    relative,
    run_arm_seed,
    t_interval,
    validate,
)
from experiments.cli import compose_run
from experiments.simulate import build_model
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
            "steps=313") in labels  # fmt: skip
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
    frames = {high: pd.DataFrame({"ly_any": 40 + rng.normal(0, 1, 10)}),
              low: pd.DataFrame({"ly_any": 120 + rng.normal(0, 1, 10)})}  # fmt: skip
    assert fact1_co_location(_Canned(frames), "housing_area").status == FAIL
    frames[high], frames[low] = frames[low], frames[high]
    assert fact1_co_location(_Canned(frames), "housing_area").status == PASS


def test_every_pattern_says_whether_it_verifies_or_validates():
    assert {p.kind for p in PATTERNS.values()} == {VALIDATION, VERIFICATION}
    for pid, spec in PATTERNS.items():
        doc = " ".join(spec.check.__doc__.split())
        if spec.kind == VERIFICATION:
            assert "Verification of" in doc, pid  # names the mechanism it checks
        else:
            assert "Validation" in doc, pid  # says why it is not built in


# ------------------------------------------------------------------------ intervals
def test_t_interval_is_students_and_wider_than_the_normal_one():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mean, low, high = t_interval(x)
    half = stats.t.ppf(0.975, 3) * x.std(ddof=1) / 2
    assert mean == 2.5 and np.isclose(high - mean, half) and np.isclose(mean - low, half)
    assert high - mean > 1.96 * x.std(ddof=1) / 2  # few seeds: t is wider than z = 1.96
    assert np.isnan(t_interval([1.0])[1])


def test_paired_difference_uses_seeds_present_in_both():
    a = pd.Series([1.0, 2.0, 3.0, np.nan], index=[0, 1, 2, 3])
    b = pd.Series([0.0, 1.0, 1.0, 5.0], index=[0, 1, 2, 3])
    mean, low, high = paired(a, b)
    assert np.isclose(mean, 4 / 3) and low < mean < high


def test_a_relative_interval_never_goes_below_minus_100_percent():
    """A scenario that nearly wipes out a noisy measure: a normal interval on the
    relative paired difference would reach below −100 %; the bounded one does not."""
    a = pd.Series([0.0, 0.0, 0.0, 6.0, 0.0, 0.0] * 2)
    b = pd.Series([10.0, 1.0, 30.0, 2.0, 1.0, 20.0] * 2)
    diff = (a - b) / b.mean()
    assert diff.mean() - 1.96 * diff.std(ddof=1) / np.sqrt(len(diff)) < -1  # the old error
    eff, low, high = relative(a, b)
    assert -1 <= low <= eff <= high
    assert np.isnan(relative(a[:6], b[:6])[1])  # too few seeds for a bootstrap: no interval


@pytest.mark.parametrize("seed", range(5))
def test_the_effect_lies_inside_its_own_interval(seed):
    rng = np.random.default_rng(seed)
    base = pd.Series(rng.gamma(4, 5, 12))
    scen = base * rng.uniform(0.5, 0.9, 12) + rng.normal(0, 2, 12).clip(-base * 0.4)
    eff, low, high = relative(scen, base)
    assert low <= eff <= high and low >= -1
    frame = pd.DataFrame({"num": rng.integers(0, 10, 12), "den": rng.integers(10, 20, 12)})
    share, slow, shigh = bootstrap(frame, ratio("num", "den"))
    assert 0 <= slow <= share <= shigh <= 1


def test_newcomer_effect_and_interval_come_from_the_same_quantity():
    """3b: the old report gave −46 % against an interval of [−37 %, −31 %]."""
    rng = np.random.default_rng(1)
    extra = ("drivers.coordinator=true",)
    after = Arm("housing_area", ("scenario=newcomers", *extra), steps=130)
    during = Arm("housing_area", ("scenario=newcomers_coordinated", *extra), steps=130)
    frames = {after: pd.DataFrame({"newcomer_degree": 6 + rng.normal(0, 1, 10)}),
              during: pd.DataFrame({"newcomer_degree": 10 + rng.normal(0, 1, 10)})}  # fmt: skip
    result = fact3_newcomers(_Canned(frames), "housing_area")
    assert result.low <= result.effect <= result.high < 0
    assert np.isclose(result.effect, frames[after]["newcomer_degree"].mean()
                      / frames[during]["newcomer_degree"].mean() - 1)  # fmt: skip
    assert result.status == PASS


# ------------------------------------------------------------------------- observer
def test_the_observer_reads_the_models_records_and_patches_nothing():
    """Exchange events the observer classifies (crowded or not) add up to the model's own
    weekly counts of exchanges; the model's methods stay its own."""
    model = build_model(compose_run(["centre=housing_area", "steps=80"]), 2)
    observer = _Observer(model, last_year_from=28)
    for _ in range(80):
        observer.before_week()
        model.step()
        observer.after_week()
    # no method of the model class is replaced on the instance (Mesa itself wraps step)
    replaced = [n for n in vars(model) if callable(getattr(type(model), n, None)) and n != "step"]
    assert replaced == []
    table = model.datacollector.get_model_vars_dataframe()
    m = observer.m
    events = m["ex_n_crowded"] + m["ex_n_free"]
    successes = events - m["ex_fail_crowded"] - m["ex_fail_free"]
    assert events > 0 and successes == table["resources_shared"].sum()
    assert m["ja_takeups"] >= m["ja_takeup_aligned"] and m["tied_weeks"] > 0


def test_the_new_partner_observer_is_its_own_definition_not_the_models_rule():
    """10b: the old observer copied the model's fresh-partner rule (since dropped). The
    observer now marks a partner "new" from the model's take-up records alone, and splits
    every long-standing pair's success into fresh or stale."""
    import inspect

    assert "fresh_partner" not in inspect.getsource(_Observer)
    model = CentreModel(centre=preset("association"), leadership_support=0.9, rng=1)
    observer = _Observer(model, last_year_from=148)
    for _ in range(200):
        observer.before_week()
        model.step()
        observer.after_week()
    m = observer.m
    assert m["cc_takeups"] > 0  # co-creation was taken up: the take-up records were read
    assert m["cc_succ_old_fresh"] + m["cc_succ_old_stale"] == m["cc_succ_old"]


@pytest.mark.slow
def test_strong_patterns_hold_on_few_seeds():
    """Fact 1 (co-location, +200 % in the full report) and fact 7 (private actors' working
    ties ~97 % resource exchange) are strong enough to show on 10 seeds (the fewest
    a bootstrap interval takes)."""
    store = RunStore(range(10))
    for check in (fact1_co_location, fact7_private_resource_exchange):
        result = check(store, "housing_area")
        assert result.status == PASS, result


def test_report_end_to_end(tmp_path):
    out = tmp_path / "docs" / "validation.md"
    assert cli.main(["--quick", "--seeds", "2", "--centres", "library",
                     "--patterns", "2b", "7", "--out", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "| 2b | library |" in text and "| 7 | library |" in text
    # validation and verification are reported in separate tables, in that order
    assert text.index("## Validation:") < text.index("| 2b | library |")
    assert text.index("## Verification:") < text.index("| 7 | library |")
    assert "--seeds 2 --centres library" in text
    assert (out.parent / "validation" / "patterns.png").stat().st_size > 1000
    table = pd.read_csv(out.with_suffix(".csv"))
    assert set(table["status"]) <= {"pass", "fail", "inconclusive"} and len(table) == 2
    assert list(table["kind"]) == ["validation", "verification"]
    assert not list(out.parent.glob(".*.tmp"))


def test_bad_seed_count_is_a_one_line_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--seeds", "1"])
    assert exit_info.value.code == 2
    assert "--seeds: 1 is not allowed" in capsys.readouterr().err


def test_patterns_narrow_the_robustness_sweep(monkeypatch, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--robustness", "--patterns", "5b"])  # 5b is not re-checked under other parameters
    assert exit_info.value.code == 2 and "not allowed with --robustness" in capsys.readouterr().err
    asked = {}

    def robustness(**kwargs):
        asked.update(kwargs)
        raise SystemExit(0)  # stop before the sweep: only what it was asked for matters here

    monkeypatch.setattr(cli, "validate", lambda *args, **kwargs: ([], None))
    monkeypatch.setattr(cli, "robustness", robustness)
    with pytest.raises(SystemExit):
        cli.main(["--robustness", "--patterns", "1a", "5b", "--out", str(tmp_path / "v.md")])
    assert asked["pattern_ids"] == ["1a"]


# ------------------------------------------------------------------------------ slow
#: Patterns passing on these centres in docs/validation.md (5 seeds) with an interval well
#: clear of the criterion, so with 10 seeds they must still pass. Left out: those near a
#: threshold there (1d, 1e, 2a, 5c on housing_area; M1, O1 on library) and those needing
#: many co-creation episodes (8b, 9a, 10).
SLOW_EXPECTED = {
    "housing_area": ["1a", "1c", "2b", "2c", "3a", "3b", "3c", "5a", "5b", "6a", "6b", "7",
                     "8a", "9b", "11b", "O2", "O3"],
    "library": ["1a", "1b", "1c", "1e", "2b", "3a", "3b", "3c", "5a", "6a", "6b", "7", "8a",
                "11b", "O3"],
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
