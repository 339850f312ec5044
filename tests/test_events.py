"""Each timed event changes what it stands for, from its week on, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from model import ActorGroup, ActorKind, CentreModel, CentreSpec, Form, InputError
from model.events import EventSpec

WEEK = 3


def small_centre(**changes) -> CentreSpec:
    """Eleven actors of every kind (the generic centre), two funders."""
    spec = CentreSpec(funders=2)
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


def run_to(model: CentreModel, week: int) -> CentreModel:
    while model.week < week:
        model.step()
    return model


def rows_of(model: CentreModel, kind: str) -> np.ndarray:
    t = model.actor_table
    return np.flatnonzero(t.kind[: t.n] == ActorKind.from_id(kind))


def test_coordinator_stops_and_starts_in_their_week():
    events = [EventSpec(week=WEEK, action="coordinator_stops"),
              EventSpec(week=WEEK + 2, action="coordinator_starts")]  # fmt: skip
    model = CentreModel(centre=small_centre(), coordinator=True, events=events, rng=1)
    run_to(model, WEEK + 3)
    flags = model.datacollector.get_model_vars_dataframe()["coordinator_active"].tolist()
    assert flags == [True, True, True, False, False, True, True]


def test_funding_ends_cuts_hours_of_project_actors_only():
    model = CentreModel(centre=small_centre(),
                        events=[EventSpec(week=WEEK, action="funding_ends")], rng=2)  # fmt: skip
    run_to(model, WEEK - 1)
    t = model.actor_table
    project = np.flatnonzero(~t.permanent[: t.n])
    # (volunteers' hours vary from week to week, so compare paid permanent staff)
    permanent = np.flatnonzero(t.permanent[: t.n] & (t.kind[: t.n] != ActorKind.VOLUNTEER))
    assert len(project) > 0 and len(permanent) > 0
    before = model.budget.copy()
    run_to(model, WEEK)
    assert t.expired[project].all() and not t.expired[permanent].any()
    assert np.all(model.budget[project] < before[project])
    np.testing.assert_allclose(model.budget[permanent], before[permanent])


def test_funding_ends_for_one_kind():
    model = CentreModel(
        centre=small_centre(actor_groups=[
            ActorGroup(kind="housing_social", count=2),
            ActorGroup(kind="municipal", count=2, funding="project"),
        ]),
        events=[EventSpec(week=WEEK, action="funding_ends", kind="municipal")], rng=3,
    )  # fmt: skip
    run_to(model, WEEK)
    t = model.actor_table
    assert t.expired[rows_of(model, "municipal")].all()
    assert not t.expired[rows_of(model, "housing_social")].any()


def test_funder_pull_out_shrinks_places_and_opening_also_for_newcomers():
    events = [EventSpec(week=WEEK, action="funder_pulls_out"),
              EventSpec(week=WEEK + 1, action="actors_arrive",
                        group=ActorGroup(kind="municipal", count=3, co_located=True))]  # fmt: skip
    model = CentreModel(centre=small_centre(), events=events, rng=4)
    run_to(model, WEEK - 1)
    t = model.actor_table
    open_before = t.presence[: t.n].any(axis=0)
    overlap_before = model.pairs.overlap.sum()
    run_to(model, WEEK)
    assert model.shared_places == pytest.approx(0.5 * small_centre().shared_places)
    open_after = t.presence[: t.n].any(axis=0)
    assert open_after.sum() < open_before.sum()
    assert model.pairs.overlap.sum() < overlap_before
    run_to(model, WEEK + 1)
    assert t.n == 11 + 3
    # Closed slots stay closed for the newcomers too.
    assert not t.presence[: t.n][:, ~open_after].any()


def test_leadership_changes_for_one_kind_only():
    model = CentreModel(centre=small_centre(), rng=5, events=[
        EventSpec(week=WEEK, action="leadership_changes", kind="volunteer", value=0.1)])
    run_to(model, WEEK - 1)
    before = model.actor_table.leadership.copy()
    run_to(model, WEEK)
    volunteers = rows_of(model, "volunteer")
    others = np.setdiff1d(np.arange(model.actor_table.n), volunteers)
    assert np.all(model.actor_table.leadership[volunteers] == 0.1)
    np.testing.assert_array_equal(model.actor_table.leadership[others], before[others])


def test_presence_cut_reduces_slots_and_overlap_of_that_kind():
    model = CentreModel(centre=small_centre(), co_location=1.0, rng=6, events=[
        EventSpec(week=WEEK, action="presence_cut", kind="housing_social", share=0.6)])
    run_to(model, WEEK - 1)
    t, p = model.actor_table, model.pairs
    slots_before = t.presence[: t.n].sum(axis=1)
    overlap_before = p.overlap.copy()
    run_to(model, WEEK)
    slots_after = t.presence[: t.n].sum(axis=1)
    cut = rows_of(model, "housing_social")
    others = np.setdiff1d(np.arange(t.n), cut)
    assert np.all(slots_after[cut] < slots_before[cut])
    np.testing.assert_array_equal(slots_after[others], slots_before[others])
    touches = np.isin(p.iu, cut) | np.isin(p.ju, cut)
    assert np.all(p.overlap[touches] <= overlap_before[touches])
    assert p.overlap[touches].sum() < overlap_before[touches].sum()
    np.testing.assert_array_equal(p.overlap[~touches], overlap_before[~touches])


def test_presence_cut_by_names_cuts_every_named_actor():
    model = CentreModel(centre=small_centre(), co_location=1.0, rng=7)
    names = [model.actor_by_row[0].name, model.actor_by_row[1].name]
    before = model.actor_table.presence[:2].sum(axis=1)
    model2 = CentreModel(centre=small_centre(), co_location=1.0, rng=7, events=[
        EventSpec(week=1, action="presence_cut", names=names, share=0.5)])
    run_to(model2, 1)
    assert np.all(model2.actor_table.presence[:2].sum(axis=1) < before)


def test_arrivals_get_their_arrival_week_and_start_as_strangers():
    group = ActorGroup(kind="private", count=2, name="newcomer")
    model = CentreModel(centre=small_centre(), rng=8,
                        events=[EventSpec(week=WEEK, action="actors_arrive", group=group)])
    n_start = model.actor_table.n
    run_to(model, WEEK)
    frame = {r["name"]: r for r in model.actors_frame()}
    assert model.stats["n_actors"] == n_start + 2
    assert frame["newcomer_1"]["arrived_step"] == WEEK == frame["newcomer_2"]["arrived_step"]
    assert all(r["arrived_step"] == 0 for r in frame.values() if not r["name"].startswith("new"))


def test_actor_leaving_keeps_its_row_and_ends_its_pairs():
    model = CentreModel(centre=small_centre(), co_location=1.0, rng=9)
    run_to(model, 20)
    busiest = max(model.actor_by_row, key=lambda a: a.degree)
    assert busiest.degree > 0
    model2 = CentreModel(centre=small_centre(), co_location=1.0, rng=9, events=[
        EventSpec(week=21, action="actor_leaves", names=[busiest.name])])
    run_to(model2, 30)
    gone = model2.actor_by_row[busiest.row]
    record = next(r for r in model2.actors_frame() if r["name"] == busiest.name)
    assert record["left_step"] == 21 and not gone.active
    assert gone.degree == 0 and record["degree"] == 0
    ties = model2.ties_frame()
    assert busiest.row not in set(ties["source"]) | set(ties["target"])
    assert model2.stats["n_actors"] == model2.actor_table.n - 1


def test_forum_founded_and_dissolved():
    events = [EventSpec(week=WEEK, action="forum_founded"),
              EventSpec(week=WEEK + 2, action="forum_dissolved")]  # fmt: skip
    model = CentreModel(centre=small_centre(forum=False), coordinator=False, events=events, rng=10)
    run_to(model, WEEK + 3)
    flags = model.datacollector.get_model_vars_dataframe()["forum_active"].tolist()
    assert flags == [False, False, False, True, True, False, False]


def test_bad_event_is_refused_before_the_run():
    with pytest.raises(InputError, match=r"events\[1\]\.action"):
        CentreModel(centre=small_centre(), events=[
            EventSpec(week=2, action="coordinator_stops"), EventSpec(week=2, action="party")])
    with pytest.raises(InputError, match=r"events\[0\]\.value"):
        CentreModel(centre=small_centre(), events=[
            EventSpec(week=2, action="leadership_changes", value=1.5)])


def test_known_relations_start_in_their_form():
    spec = CentreSpec(actor_groups=[
        ActorGroup(kind="municipal", name="library", target_groups=["children"]),
        ActorGroup(kind="housing_social", name="worker", target_groups=["children"]),
        ActorGroup(kind="volunteer", count=2, name="club"),
    ])  # fmt: skip
    from model.centre import KnownRelation

    spec.relations = [KnownRelation("library", "worker", "joint_action")]
    model = CentreModel(centre=spec, rng=11)
    assert [a.name for a in model.actor_by_row] == ["library", "worker", "club_1", "club_2"]
    assert model.actor_by_row[0].partners() == {1: {Form.JOINT_ACTION}}
    assert model.stats["ties_joint_action"] == 1
    spec.relations = [KnownRelation("library", "nobody", "alignment")]
    with pytest.raises(InputError, match=r"relations\[0\]\.target='nobody'"):
        CentreModel(centre=spec, rng=11)
