"""Every scenario preset runs on every centre preset and does what its events say."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.stats import paired_difference
from experiments.cli import CONFIG_DIR, compose_run, presets
from experiments.simulate import build_model, simulate
from model import ActorGroup, CentreModel, CentreSpec

CENTRES = presets("centre")
SCENARIOS = presets("scenario")
STEPS = 110  # past the latest event week (104) of any preset


def test_presets_exist():
    assert set(CENTRES) == {"housing_area", "association", "library", "health"}
    assert {"baseline", "coordinator_stops", "funding_expires", "helhedsplan_shift",
            "kludetaeppe_pullout", "low_leadership", "dispersed", "newcomers",
            "newcomers_coordinated"} <= set(SCENARIOS)  # fmt: skip


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "baseline"])
def test_each_scenario_cites_the_report(scenario):
    text = (CONFIG_DIR / "scenario" / f"{scenario}.yaml").read_text(encoding="utf-8")
    comments = " ".join(line for line in text.splitlines() if line.startswith("#"))
    assert "Report" in comments or "report" in comments
    assert compose_run([f"scenario={scenario}"]).scenario.description


@pytest.mark.parametrize("centre", CENTRES)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_runs_on_centre(centre, scenario):
    run = compose_run([f"centre={centre}", f"scenario={scenario}", f"steps={STEPS}"])
    model = build_model(run, seed=0)
    for _ in range(STEPS):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == STEPS + 1 and frame["ties_any"].iloc[-1] > 0
    # The model adds notes of its own: associations dissolving, a role ending with its money,
    # funders weighing the residents reached at a renegotiation.
    planned = [week for week, what in model.interventions
               if "volunteers stopped" not in what and "project money ends)" not in what
               and "renegotiation" not in what and "resident democrats stepped down" not in what]  # fmt: skip
    assert sorted(planned) == sorted(e.week for e in run.scenario.events)
    if scenario.startswith("newcomers"):
        dissolved = sum(a.left_step is not None for a in model.actor_by_row)
        assert model.stats["n_actors"] == len(run.centre.initial_actor_names()) + 4 - dissolved


def test_dispersed_houses_no_actor():
    """Co-location 0 moves every actor out, even those a preset marks as housed."""
    for centre in CENTRES:
        housed = []
        for scenario in ("baseline", "dispersed"):
            model = build_model(compose_run([f"centre={centre}", f"scenario={scenario}"]), 0)
            housed.append(int(model.actor_table.co_located[: model.actor_table.n].sum()))
        assert housed[0] > 0 and housed[1] == 0, (centre, housed)


def test_coordinator_stops_needs_a_running_coordinator():
    run = compose_run(["centre=library", "scenario=coordinator_stops", "steps=60",
                       "drivers.coordinator=true"])  # fmt: skip
    model = build_model(run, 0)
    for _ in range(60):
        model.step()
    flags = model.datacollector.get_model_vars_dataframe()["coordinator_active"]
    assert flags.iloc[51] and not flags.iloc[52]


# --------------------------------------------------------------- stylised facts (slow)
# Each compares a scenario with its baseline over the same seeds (paired differences), so
# seed-to-seed variation between centres cancels. "Clearly" below means the 95 % t-interval
# of the mean paired difference (``analysis.stats.paired_difference``) excludes zero.
SEEDS = 20


def paired(scenario: pd.Series, baseline: pd.Series) -> tuple[float, float]:
    """Mean paired difference over seeds and the upper end of its 95 % t-interval."""
    interval = paired_difference(scenario, baseline)
    return interval.estimate, interval.high


def at_week(result, week: int, column: str) -> pd.Series:
    ts = result.timeseries
    return ts[ts["step"] == week].set_index("seed")[column].astype(float)


@pytest.mark.slow
def test_fact3_stopping_the_coordinator_decays_relations():
    """Fact 3 (Aalborg Øst, ET KOORDINERENDE FORUM): once the coordinating function stops,
    familiarity and trust decay and there are fewer ties over the following months."""
    runs = {s: simulate(compose_run(["centre=health", f"scenario={s}", "steps=156",
                                     f"replicates={SEEDS}"]))  # fmt: skip
            for s in ("coordinator_stops", "baseline")}
    for week in (52 + 26, 52 + 52):
        for column in ("ties_any", "mean_trust", "mean_familiarity"):
            mean, high = paired(at_week(runs["coordinator_stops"], week, column),
                                at_week(runs["baseline"], week, column))  # fmt: skip
            assert high < 0, (week, column, mean, high)
        base = at_week(runs["baseline"], week, "ties_any").mean()
        mean, _ = paired(at_week(runs["coordinator_stops"], week, "ties_any"),
                         at_week(runs["baseline"], week, "ties_any"))  # fmt: skip
        # At least 5 % fewer ties: well beyond the ~1 % week-to-week wobble of the mean.
        assert mean / base < -0.05, (week, mean / base)


def newcomer_degree(centre: str, scenario: str, week: int = 130) -> pd.Series:
    """Mean number of ties of the four new tenant teams in ``week``, per seed."""
    extra = ["drivers.coordinator=true"] if centre in ("library", "housing_area") else []
    run = compose_run([f"centre={centre}", f"scenario={scenario}", f"steps={week}",
                       f"replicates={SEEDS}", f"network_weeks=[{week}]", *extra])  # fmt: skip
    result = simulate(run)
    ties = result.networks[week]
    ends = [ties.groupby(["seed", end]).size() for end in ("source", "target")]
    degree = pd.concat(ends).groupby(level=[0, 1]).sum()
    new = result.actors[result.actors["name"].str.startswith("new_tenant")]
    values = [degree.get((seed, row), 0) for seed, row in zip(new["seed"], new["actor_id"],
                                                              strict=True)]  # fmt: skip
    return pd.Series(values, index=new["seed"].to_numpy(), dtype=float).groupby(level=0).mean()


@pytest.mark.slow
@pytest.mark.parametrize("centre", [
    "health",
    "association", "library", "housing_area",
])  # fmt: skip
def test_fact3_newcomers_after_the_stop_get_fewer_ties(centre):
    """Fact 3 (Aalborg Øst): actors who arrive after the coordinating function stopped end up
    with fewer ties than actors who arrived while it ran (same arrival week 78, a year on)."""
    mean, high = paired(newcomer_degree(centre, "newcomers"),
                        newcomer_degree(centre, "newcomers_coordinated"))  # fmt: skip
    assert high < 0, (mean, high)


@pytest.mark.slow
def test_fact4_funding_expiry_hits_deep_forms_first_and_most():
    """Fact 4 (Albertslund, SVÆRE VILKÅR FOR AT ARBEJDE BORGERNÆRT): when project money ends,
    joint action and co-creation fall first and most; running existing offers (shallow
    forms) goes on.

    Failed on the first 0.2 mechanisms (deep ties fell by only 0.15, SE 0.08, 8 weeks
    after); holds since the extra role is squeezed less than allocated hours and the
    residents joined the model, but it passed at extra_role_squeeze 0.3 and failed at 0.5
    before the residents: it sits near its criterion (session 3 closing note)."""
    runs = {s: simulate(compose_run(["centre=library", f"scenario={s}", "steps=156",
                                     f"replicates={SEEDS}"]))  # fmt: skip
            for s in ("funding_expires", "baseline")}
    shallow = ("ties_knowledge_sharing", "ties_alignment", "ties_resource_exchange")
    for after in (8, 26, 52):  # 8 weeks: "first"; 26 and 52: "most"
        week = 104 + after
        totals = {}
        for arm, result in runs.items():
            ts = result.timeseries[result.timeseries["step"] == week].set_index("seed")
            deep = ts["ties_joint_action"] + ts["ties_co_creation"]
            totals[arm] = (deep, ts[list(shallow)].sum(axis=1))
        deep_change = (totals["funding_expires"][0].mean() / totals["baseline"][0].mean()) - 1
        shallow_change = (totals["funding_expires"][1].mean() / totals["baseline"][1].mean()) - 1
        mean, high = paired(totals["funding_expires"][0], totals["baseline"][0])
        assert high < 0, (after, mean, high)
        # Deep forms lose at least twice the share the shallow forms lose, and at least 20 %.
        assert deep_change < -0.2 and deep_change < 2 * min(shallow_change, 0.0), (
            after, deep_change, shallow_change)


def _mixed_centre(permanent: bool) -> CentreSpec:
    """Fifteen actors; municipal and housing-social staff permanent, or on project money that
    ran out in week 78 (the report's few-permanent-actors centre)."""
    funding = {"funding": "permanent"} if permanent else {"funding": "project",
                                                          "funding_end_week": 78}  # fmt: skip
    return CentreSpec(name="mixed", co_location=0.7, actor_groups=[
        ActorGroup(kind="municipal", count=6, **funding),
        ActorGroup(kind="housing_social", count=3, **funding),
        ActorGroup(kind="volunteer", count=4), ActorGroup(kind="private", count=2)])


def _ties_after_loss(spec: CentreSpec, seed: int, lose: bool, week: int = 104) -> int:
    model = CentreModel(centre=spec, rng=seed)
    while model.week < week - 1:
        model.step()
    if lose:  # the most central actor leaves (ties broken by row: deterministic)
        model.remove_actor(max(model.actor_by_row, key=lambda a: (a.degree, -a.row)).name)
    while model.week < week + 52:
        model.step()
    return model.stats["ties_any"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "fails on the 0.2 mechanisms (a finding, not loosened): without the instant hand-over "
    "of 0.1 the loss is 15.5 % with a permanent mix vs 16.0 % without (SE of the difference "
    "1.0 point); hand-over now takes weeks and hours; see docs/validation.md"))
def test_fact11_permanent_actors_make_collaboration_survive_a_loss():
    """Fact 11 (Del 3, SAML EN BRED PALET AF FASTE AKTØRER I HUSET): with a broad mix of
    permanent actors, collaboration survives the loss of one actor better."""
    drops = {}
    for permanent in (True, False):
        spec = _mixed_centre(permanent)
        drops[permanent] = pd.Series([
            1 - _ties_after_loss(spec, s, True) / _ties_after_loss(spec, s, False)
            for s in range(SEEDS)])  # fmt: skip
    mean, high = paired(drops[True], drops[False])
    assert high < 0, (drops[True].mean(), drops[False].mean(), high)
