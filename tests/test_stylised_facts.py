"""Stylised facts 1, 2, 5 and 6 (docs/ODD.md § 1) as comparisons over 24 seeds.

Criterion, for every comparison: the 95% t-interval of the mean paired difference over
seeds (both arms run seeds 0–23; ``analysis.stats.paired_difference``) must lie wholly on
the side the report predicts, AND the effect must be large enough
to matter — at least 10% of the reference level. The interval guards against noise; the
minimum size guards against a direction that is "significant" but invisible to a reader.
Measures are means over the last year (weeks 209–260) of each run, on the default centre
(Kvarterhuset Motalavej); the validation suite repeats them on every preset.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.stats import paired_difference
from model import CentreModel, Form

from .helpers import preset

pytestmark = pytest.mark.slow  # statistical checks over many seeds (--runslow)

SEEDS = range(24)
FORMS = ["knowledge_sharing", "alignment", "resource_exchange", "joint_action", "co_creation"]


def last_year(**kwargs) -> dict[str, np.ndarray]:
    """Per-seed means over the last year of each form's ties, and concentration measures."""
    rows = []
    for seed in SEEDS:
        model = CentreModel(centre=preset("housing_area"), rng=seed, **kwargs)
        for _ in range(260):
            model.step()
        table = model.datacollector.get_model_vars_dataframe().iloc[-52:]
        row = {f: table[f"ties_{f}"].mean() for f in FORMS}
        row["total"] = table["ties_any"].mean()
        row["deep"] = row["joint_action"] + row["co_creation"]
        row["week26_ks"] = model.datacollector.get_model_vars_dataframe()[
            "ties_knowledge_sharing"
        ].iloc[26]
        p, present = model.pairs, model.present
        working = present & p.held[Form.ALIGNMENT:].any(axis=0)
        trusting = present & (p.trust >= 0.55)
        binding = p.held[Form.JOINT_ACTION] | p.held[Form.CO_CREATION]
        row["deep_share_of_trusting"] = binding[trusting].mean() if trusting.any() else 0.0
        tied = present & p.tied
        # How much more of the week tied partners share than pairs in general do.
        row["overlap_selectivity"] = p.overlap[tied].mean() / p.overlap[present].mean()
        ranks = p.familiarity[present].argsort().argsort() / (present.sum() - 1)
        row["familiarity_rank_of_partners"] = ranks[working[present]].mean()
        rows.append(row)
    return {key: np.array([r[key] for r in rows]) for key in rows[0]}


def assert_higher(high, low, min_relative=0.10):
    interval = paired_difference(high, low)
    diff, lo, hi = interval.estimate, interval.low, interval.high
    assert lo > 0, f"difference {diff:.3g} [{lo:.3g}, {hi:.3g}] does not exclude 0"
    assert diff >= min_relative * max(abs(np.mean(low)), 1e-9), (
        f"difference {diff:.3g} is under {min_relative:.0%} of {np.mean(low):.3g}"
    )


@pytest.fixture(scope="module")
def baseline():
    return last_year()


# --- Fact 1: co-location and places to meet -------------------------------------------
@pytest.fixture(scope="module")
def co_location():
    return last_year(co_location=0.2), last_year(co_location=0.9)


@pytest.mark.parametrize("measure", ["total", *FORMS[:3], "deep"])
def test_fact1_more_co_location_more_ties_of_every_form(co_location, measure):
    low, high = co_location
    assert_higher(high[measure], low[measure])


def test_fact1_knowledge_sharing_responds_first(co_location):
    low, high = co_location
    assert_higher(high["week26_ks"], low["week26_ks"])


def test_fact1_more_shared_places_more_ties(baseline):
    centre = preset("housing_area")
    centre.shared_places = 0.1
    few = []
    for seed in SEEDS:
        model = CentreModel(centre=centre, rng=seed)
        for _ in range(260):
            model.step()
        few.append(model.datacollector.get_model_vars_dataframe()["ties_any"].iloc[-52:].mean())
    assert_higher(baseline["total"], np.array(few))


# --- Fact 2: the deeper, the rarer; resource exchange a substantial share --------------
@pytest.mark.parametrize("shallower,deeper", list(zip(FORMS[:-1], FORMS[1:], strict=False)))
def test_fact2_forms_are_rarer_the_deeper(baseline, shallower, deeper):
    assert_higher(baseline[shallower], baseline[deeper])


def test_fact2_resource_exchange_is_a_substantial_share(baseline):
    share = baseline["resource_exchange"] / baseline["total"]
    assert share.mean() >= 0.15, f"resource exchange is {share.mean():.0%} of ties"


# --- Fact 5: leadership support and deep forms ------------------------------------------
@pytest.fixture(scope="module")
def leadership():
    return last_year(leadership_support=0.2), last_year(leadership_support=0.9)


def test_fact5_low_leadership_suppresses_deep_forms(leadership):
    low, high = leadership
    assert_higher(high["deep"], low["deep"], min_relative=1.0)  # at least doubles


def test_fact5_even_between_trusting_pairs(leadership):
    low, high = leadership
    assert_higher(high["deep_share_of_trusting"], low["deep_share_of_trusting"], min_relative=1.0)


def test_fact5_knowledge_sharing_barely_depends_on_leadership(leadership):
    # Pairs holding knowledge sharing may move by at most a fifth while deep ties change
    # many-fold.
    low, high = leadership
    ratio = high["knowledge_sharing"].mean() / low["knowledge_sharing"].mean()
    deep_ratio = (high["deep"].mean() + 1e-9) / (low["deep"].mean() + 1e-9)
    assert 0.8 <= ratio <= 1.25, ratio
    assert deep_ratio > 5 * ratio


# --- Fact 6: core-task load ---------------------------------------------------------------
@pytest.fixture(scope="module")
def core_load():
    return last_year(core_load=0.3), last_year(core_load=0.85)


@pytest.mark.parametrize("measure", ["total", "deep"])
def test_fact6_high_core_load_less_collaboration(core_load, measure):
    light, heavy = core_load
    assert_higher(light[measure], heavy[measure])


@pytest.mark.parametrize("measure", ["overlap_selectivity", "familiarity_rank_of_partners"])
def test_fact6_collaboration_concentrates_on_familiar_nearby_partners(core_load, measure):
    light, heavy = core_load
    assert_higher(heavy[measure], light[measure], min_relative=0.05)
