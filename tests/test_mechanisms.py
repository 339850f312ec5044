"""Issue 9's findings over many seeds: they must emerge from the mechanisms (slow).

Each compares two arms on the same seeds (paired differences), with a 95 % t-interval over
seeds; "below" means the whole interval lies below zero. Seeds are few (10–12) because
every arm runs 2–6 years of a centre; the t-interval accounts for that.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model import ActorGroup, CentreModel, Form
from model.events import EventSpec

from .helpers import preset

pytestmark = pytest.mark.slow

CENTRES = ("housing_area", "association", "library", "health")


def t_interval(diff) -> tuple[float, float, float]:
    """Mean of paired differences and its 95 % t-interval."""
    diff = np.asarray(diff, float)
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return diff.mean(), diff.mean() - half, diff.mean() + half


def weekly(centre, seed, weeks, events=(), spec=None, **drivers):
    model = CentreModel(centre=spec or preset(centre), rng=seed, events=list(events), **drivers)
    for _ in range(weeks):
        model.step()
    return model.datacollector.get_model_vars_dataframe(), model


def _stop_arms(centre, seeds=range(10)):
    stop = [EventSpec(week=52, action="coordinator_stops")]
    kept = [weekly(centre, s, 52 + 260, coordinator=True)[0] for s in seeds]
    stopped = [weekly(centre, s, 52 + 260, stop, coordinator=True)[0] for s in seeds]
    return kept, stopped


HORIZONS = ((6, 78), (12, 104), (24, 156), (60, 312))


@pytest.mark.parametrize("centre", ["housing_area", "library", "health"])
def test_after_the_coordinator_stops_ties_alignment_and_referrals_stay_lower(centre):
    """The planners' question (Aalborg Øst): 6, 12, 24 and 60 months after the stop, in
    centres where nobody else convenes meetings."""
    kept, stopped = _stop_arms(centre)
    for months, week in HORIZONS:
        for measure in ("ties_any", "ties_alignment", "referrals"):
            diffs = [_at(s, measure, week) - _at(k, measure, week)
                     for s, k in zip(stopped, kept, strict=True)]
            mean, lo, hi = t_interval(diffs)
            assert hi < 0, f"{centre} {months} months {measure}: {mean:+.1f} [{lo:+.1f}, {hi:+.1f}]"


def test_where_a_house_council_has_its_own_convener_the_stop_changes_little():
    """Aarhus: the house leader convenes the house council (*husråd*), so when the
    coordinating role stops the forum carries on keeping actors updated; ties move by
    less than a tenth at every horizon (a finding of the mechanisms, see docs/validation.md)."""
    kept, stopped = _stop_arms("association")
    for months, week in HORIZONS:
        assert all(frame["forum_vitality"].loc[week] == 1.0 for frame in stopped)
        diffs = [_at(s, "ties_any", week) - _at(k, "ties_any", week)
                 for s, k in zip(stopped, kept, strict=True)]
        level = np.mean([_at(k, "ties_any", week) for k in kept])
        mean, lo, hi = t_interval(diffs)
        assert max(abs(lo), abs(hi)) < 0.1 * level, f"{months} months: {mean:+.1f} [{lo:+.1f}, {hi:+.1f}]"


def _at(frame, measure: str, week: int) -> float:
    if measure == "referrals":  # a quarter's referrals up to that week
        return frame[measure].loc[week - 12: week].sum()
    return frame[measure].loc[week]


@pytest.mark.parametrize("centre", CENTRES)
def test_losing_the_most_central_actor_never_adds_ties(centre):
    """Losing an actor, the most central one included, leaves fewer ties a year later."""
    diffs = []
    for seed in range(10):
        _, model = weekly(centre, seed, 51)
        top = max(model.actor_by_row, key=lambda a: a.degree if a.active else -1).name
        kept, _ = weekly(centre, seed, 104)
        lost, _ = weekly(centre, seed, 104, [EventSpec(week=52, action="actor_leaves", names=[top])])
        diffs.append(lost["ties_any"].loc[104] - kept["ties_any"].loc[104])
    mean, lo, hi = t_interval(diffs)
    assert hi < 0, f"{centre}: {mean:+.1f} [{lo:+.1f}, {hi:+.1f}]"


def test_pairs_hold_several_forms_where_the_report_expects_it():
    """Exchange next to alignment or joint action (Ressourceudveksle: loose or binding)."""
    shares, beside = [], []
    for seed in range(10):
        _, model = weekly("housing_area", seed, 260)
        p, here = model.pairs, model.present
        tied = p.tied & here
        shares.append((p.held[1:, tied].sum(axis=0) >= 2).mean())
        exchange = p.held[Form.RESOURCE_EXCHANGE] & here
        beside.append((exchange & (p.held[Form.ALIGNMENT] | p.held[Form.JOINT_ACTION])).sum())
    assert np.mean(shares) >= 0.25, np.mean(shares)
    assert np.mean(np.array(beside) > 0) >= 0.8, beside


def test_the_default_centre_shows_co_creation_and_it_stays_the_rarest_form():
    seen, last_year = [], []
    for seed in range(20):
        frame, _ = weekly("housing_area", seed, 260)
        seen.append((frame["ties_co_creation"] > 0).any())
        last_year.append(frame.iloc[-52:][[f"ties_{f.id}" for f in Form if f]].mean())
    assert np.mean(seen) >= 0.6, f"co-creation in {np.mean(seen):.0%} of seeds"
    means = np.mean(last_year, axis=0)
    assert means[-1] < means[:-1].min(), means


@pytest.mark.parametrize("centre", ["housing_area", "library"])
def test_co_location_zero_still_leaves_a_substantial_share_of_ties(centre):
    """Korsør works with actors based outside the house: they seek each other out."""
    home = [weekly(centre, s, 260)[0]["ties_any"].iloc[-52:].mean() for s in range(8)]
    away = [weekly(centre, s, 260, co_location=0.0)[0]["ties_any"].iloc[-52:].mean() for s in range(8)]
    share = np.mean(away) / np.mean(home)
    assert 0.25 <= share < 0.9, share  # a substantial share, but co-location still matters


@pytest.mark.parametrize("centre", CENTRES)
def test_more_volunteer_associations_make_the_centre_more_fragile(centre):
    """A house resting on volunteers keeps fewer of its ties from one year to the next
    (*Del 1*, "POTENTIEL SÅRBAR ORGANISERING"; "Man kan ikke stille de samme krav til
    frivillige").

    It emerges from three mechanisms, none written for it: volunteer hours vary week to
    week, enthusiasts stop (sooner when saturated), an association whose last enthusiast
    stops dissolves. Volunteer pairs keep 0.77–0.80 of their ties over a year, paid pairs
    0.95, so the effect is a composition effect and small (−2 to −8 points): volunteers
    already carry most ties in these presets. 30 seeds, because at 12 the interval was
    about ±0.08 wide against an effect of −0.04 (measured in session 4).
    """
    def survival(extra, seed):
        spec = preset(centre)
        if extra:
            spec.actor_groups.append(ActorGroup(kind="volunteer", count=extra, name="new_association"))
        model = CentreModel(centre=copy.deepcopy(spec), rng=seed)
        for _ in range(156):
            model.step()
        before = model.pairs.tied & model.present
        for _ in range(52):
            model.step()
        return (before & model.pairs.tied).sum() / max(before.sum(), 1)

    diffs = [survival(8, s) - survival(0, s) for s in range(30)]
    mean, lo, hi = t_interval(diffs)
    assert hi < 0, f"survival with 8 more associations: {mean:+.3f} [{lo:+.3f}, {hi:+.3f}]"


@pytest.mark.parametrize("centre", ["housing_area", "library", "health"])
def test_core_task_pressure_squeezes_the_binding_forms_first(centre):
    """*Del 3* / *Aalborg Øst*: under heavy core tasks the binding forms (joint action,
    co-creation) lose the largest share, the loose forms the least.

    Verification, not validation: it follows from two mechanisms (binding forms live on
    allocated hours only; the extra role is squeezed less by core tasks than allocation).
    Margin: the binding forms' relative loss exceeds every loose form's by 20 points; over
    8 seeds a loose form's relative change varies by about ±10 points between seed sets.
    """
    def last_year(load):
        frames = [weekly(centre, s, 260, core_load=load)[0].iloc[-52:] for s in range(8)]
        return pd.concat(frames).mean()

    light, heavy = last_year(0.5), last_year(0.85)
    change = {f.id: heavy[f"ties_{f.id}"] / light[f"ties_{f.id}"] - 1 for f in Form if f}
    binding = (heavy["ties_joint_action"] + heavy["ties_co_creation"]) / (
        light["ties_joint_action"] + light["ties_co_creation"]) - 1
    loose = [change[f] for f in ("knowledge_sharing", "alignment", "resource_exchange")]
    assert binding < min(loose) - 0.2, (binding, change)
