"""The workshop app without a browser: the model it builds, its drawings, its buttons, export."""

from __future__ import annotations

import shutil
from collections import Counter

import numpy as np
import pytest
from matplotlib.collections import LineCollection

from app.export import main as export_main
from app.figures import layout_of, network_figure, png_bytes, timeline_figure
from app.network import edges_of
from app.workshop import CENTRE_NAMES, WorkshopModel, load_centre
from model import FORMS, ActorGroup, InputError


def _run(model, weeks):
    for _ in range(weeks):
        model.step()
    return model


# ------------------------------------------------------------------ the model


def test_the_default_lesson_shows_all_five_forms():
    """The page's default centre and seed show co-creation and the other four forms at
    once within a lesson; if the model changes, pick a new DEFAULT_SEED (or centre)."""
    from app.workshop import DEFAULT_CENTRE, DEFAULT_SEED, LESSON_WEEKS

    model = _run(WorkshopModel(centre_name=DEFAULT_CENTRE, rng=DEFAULT_SEED), LESSON_WEEKS)
    weekly = model.datacollector.get_model_vars_dataframe()
    held = weekly[[f"ties_{form.id}" for form in FORMS]] > 0
    weeks_with_all_five = held.all(axis=1)
    assert weeks_with_all_five.any(), held.any().to_dict()
    assert WorkshopModel().centre_name == DEFAULT_CENTRE  # the page opens with these


def test_every_preset_builds_with_its_own_drivers():
    assert set(CENTRE_NAMES) == {"housing_area", "association", "library", "health"}
    for name in CENTRE_NAMES:
        centre = load_centre(name)
        model = WorkshopModel(centre_name=name, co_location=0.0, rng="3")
        # The preset's drivers win unless the teacher unticks "the centre's own drivers".
        assert model.drivers.co_location == centre.co_location
        assert model.stats["n_actors"] == sum(
            g.count for g in centre.actor_groups if g.arrive_week == 0
        )


def test_slider_drivers_apply_when_preset_drivers_are_off():
    model = WorkshopModel(
        centre_name="health",
        use_preset_drivers=False,
        co_location=0.1,
        coordinator=False,
        leadership_support=0.3,
        core_load=0.2,
        rng=1,
    )
    assert (model.drivers.co_location, model.drivers.coordinator) == (0.1, False)
    assert model.coordinator_active is False


def test_bad_preset_or_seed_names_the_key():
    with pytest.raises(InputError, match="centre_name"):
        WorkshopModel(centre_name="harbour")
    with pytest.raises(InputError, match="seed"):
        WorkshopModel(rng="twelve")


def test_reset_with_the_same_seed_repeats_the_run():
    a = _run(WorkshopModel(centre_name="library", rng="7"), 10)
    b = _run(WorkshopModel(centre_name="library", rng=7), 10)
    assert a.datacollector.get_model_vars_dataframe().equals(b.datacollector.get_model_vars_dataframe())
    assert edges_of(a) == edges_of(b) != []


# ------------------------------------------------------------------ drawings


def test_layout_is_fixed_and_newcomers_go_to_the_outer_ring():
    model = WorkshopModel(centre_name="housing_area", rng=1)
    before = dict(layout_of(model).positions)
    _run(model, 5)
    (newcomer,) = model.add_actors(ActorGroup(kind="volunteer", count=1))
    _run(model, 3)
    after = layout_of(model).positions
    assert {row: after[row] for row in before} == before
    assert np.hypot(*after[newcomer.name]) > 1.1 > max(np.hypot(*xy) for xy in before.values())


def _tie_collection(fig):
    (collection,) = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    return collection


def test_network_draws_each_tie_in_its_forms_colour_and_depth():
    model = _run(WorkshopModel(centre_name="health", rng=2), 40)
    collection = _tie_collection(network_figure(model))
    segments = collection.get_segments()
    assert len(segments) == model.stats["ties_any"] > 0  # one line per pair holding a form
    widths = collection.get_linewidths()
    colours = [tuple(np.round(c[:3], 3)) for c in collection.get_colors()]
    from matplotlib.colors import to_rgb

    by_colour = {tuple(np.round(to_rgb(f.colour), 3)): f for f in FORMS}
    drawn_forms = [by_colour[c] for c in colours]
    # Each pair is drawn by the deepest form it holds.
    assert Counter(drawn_forms) == +Counter({f: model.stats[f"deepest_{f.id}"] for f in FORMS})
    # Deeper forms are drawn thicker.
    depth_width = {f: w for f, w in zip(drawn_forms, widths, strict=True)}
    ordered = sorted(depth_width)
    assert all(depth_width[a] < depth_width[b] for a, b in zip(ordered, ordered[1:], strict=False))


def test_stopping_the_coordinator_thins_the_drawn_network():
    model = _run(WorkshopModel(centre_name="health", rng=4), 40)
    before = len(_tie_collection(network_figure(model)).get_segments())
    model.set_coordinator(False)
    _run(model, 30)
    after = len(_tie_collection(network_figure(model)).get_segments())
    # Without the coordinator every tie costs more hours (ODD: hour budgets), so with
    # heavy core tasks a clear share of ties must go; 5 % is far above seed noise here.
    assert after < 0.95 * before


def test_timeline_marks_the_intervention_week():
    model = _run(WorkshopModel(centre_name="health", rng=1), 6)
    model.set_coordinator(False)
    week = model.next_week
    _run(model, 4)
    fig = timeline_figure(model, "en")
    assert len(fig.axes) == 3
    for ax in fig.axes:
        vertical = [line for line in ax.get_lines() if list(line.get_xdata()) == [week, week]]
        assert vertical, ax.get_title()
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert any("coordinator stops" in label for label in labels)
    drawn = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 11]
    assert len(drawn) == len(FORMS)  # one line per form for the single run, weeks 0–10


def test_language_switch_changes_every_label():
    model = _run(WorkshopModel(centre_name="association", rng=1), 3)
    model.set_coordinator(False)
    model.step()

    def words(fig):
        out = []
        for ax in fig.axes:
            out += [ax.get_title()] + [t.get_text() for t in ax.texts]
            legend = ax.get_legend()
            if legend is not None:
                out += [t.get_text() for t in legend.get_texts()]
        return " | ".join(out)

    da = words(network_figure(model, "da")) + words(timeline_figure(model, "da"))
    en = words(network_figure(model, "en")) + words(timeline_figure(model, "en"))
    for form in FORMS:
        assert form.danish in da
        assert form.label("en") in en and form.label("en") not in da
    assert "tovholderen stopper" in da and "coordinator stops" in en
    assert "kommunal" in da and "municipal" in en


def test_drawings_are_png():
    model = WorkshopModel(centre_name="library", rng=1)
    for fig in (network_figure(model), timeline_figure(model)):
        assert png_bytes(fig).startswith(b"\x89PNG")


# ------------------------------------------------------------------ components


def test_dashboard_buttons_change_the_running_model():
    import ipyvuetify as v
    import solara

    from app.components import Dashboard, language

    language.set("da")
    model = _run(WorkshopModel(centre_name="health", rng=1), 3)
    _, rc = solara.render(Dashboard(model), handle_error=False)

    def status():
        return rc.find(v.Html, class_="workshop-status").widget.children[0]

    def button(name):
        return rc.find(v.Btn, class_=f"workshop-{name}").widget

    assert "Tovholder: aktiv" in status()
    assert button("coordinator").children == ["Stop tovholderen"]
    button("coordinator").click()
    assert model.coordinator_active is False
    assert "Tovholder: stoppet" in status()
    assert button("coordinator").children == ["Genindsæt tovholderen"]

    n_actors = model.stats["n_actors"]
    button("arrival").click()
    assert len(model.actor_by_row) == n_actors + 1

    project = model.actor_table.permanent[: model.actor_table.n] == 0
    button("funding").click()
    model.step()  # the money ends from the next week on
    assert model.actor_table.expired[: model.actor_table.n][project].all()

    button("leadership").click()
    assert np.allclose(model.actor_table.leadership[: model.actor_table.n], 0.2)
    history = rc.find(v.Html, class_="workshop-history").widget.children[0]
    assert "tovholderen stopper" in history and "ledelsesopbakning" in history

    language.set("en")
    assert "Coordinator: stopped" in status()
    language.set("da")


# ------------------------------------------------------------------ export


def test_export_writes_a_gif_with_one_frame_per_drawn_week(tmp_path):
    import imageio.v3 as iio

    out = tmp_path / "run.gif"
    code = export_main(["centre=library", "--weeks", "6", "--every", "2",
                        "--stop-coordinator-at", "3", "--out", str(out)])  # fmt: skip
    assert code == 0
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 4  # weeks 0, 2, 4, 6
    assert not frames[0].shape[1] < frames[0].shape[0]  # network and chart side by side
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.gif"]  # no temporary left


@pytest.mark.parametrize("language, stop_week", [("da", 20), ("en", 5), ("en", 35)])
def test_export_frame_names_the_intervention_legibly_and_keeps_the_legend_off_the_areas(language, stop_week):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from app.figures import export_frame_figure

    model = WorkshopModel(centre_name="health", rng=1)
    model.schedule_at_week(stop_week, model.set_coordinator, False)
    fig = export_frame_figure(_run(model, 40), language, weeks=40)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    forms = fig.axes[1]
    areas = forms.get_window_extent(renderer)
    legend = forms.get_legend().get_window_extent(renderer)
    assert legend.x0 >= areas.x1  # right of the chart, not on the areas
    labels = [t for t in forms.texts if t.get_text()]
    assert len(labels) == 1 and labels[0].get_fontsize() >= 10 and labels[0].get_rotation() == 0
    label = labels[0].get_window_extent(renderer)
    assert areas.x0 <= label.x0 and label.x1 <= areas.x1  # inside the chart, beside its line
    stacked = sum(model.datacollector.get_model_vars_dataframe()[f"ties_{f.id}"] for f in FORMS)
    top_of_areas = forms.transData.transform((0, stacked.max()))[1]
    assert label.y0 >= top_of_areas  # in the free band above the areas


@pytest.mark.parametrize(
    "args, key",
    [
        (["centre=harbour"], "centre"),
        (["--weeks", "0"], "--weeks"),
        (["--stop-coordinator-at", "99", "--weeks", "10"], "--stop-coordinator-at"),
        (["--language", "sv"], "--language"),
    ],
)
def test_export_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, key):
    out = tmp_path / "run.gif"
    with pytest.raises(SystemExit) as exit_info:
        export_main([*args, "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and key in err and "\n" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="MP4 export needs ffmpeg on PATH")
def test_export_writes_an_mp4_where_ffmpeg_exists(tmp_path):
    out = tmp_path / "run.mp4"
    assert export_main(["centre=library", "--weeks", "4", "--out", str(out)]) == 0
    assert out.read_bytes()[4:8] == b"ftyp"  # an MP4 container
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.mp4"]


def test_reused_timeline_keeps_no_stale_drawing():
    """The blitted timeline shows the same limits and marks as a fresh one."""
    from app.figures import Timeline

    model = _run(WorkshopModel(centre_name="library", rng=1), 4)
    timeline = Timeline("en")
    timeline.png([model])
    model.set_coordinator(True)
    _run(model, 4)
    model.set_coordinator(False)
    _run(model, 4)
    timeline.png([model])
    reused, fresh = timeline.figure, timeline_figure(model, "en")
    for ax_reused, ax_fresh in zip(reused.axes, fresh.axes, strict=True):
        assert len(ax_reused.collections) == len(ax_fresh.collections)
        assert len(ax_reused.get_lines()) == len(ax_fresh.get_lines())
        assert len(ax_reused.texts) == len(ax_fresh.texts)
        assert ax_reused.get_xlim() == ax_fresh.get_xlim()
        assert ax_reused.get_ylim() == ax_fresh.get_ylim()


# ------------------------------------------------------------------ twins, network, speed


def _weekly(model):
    return model.datacollector.get_model_vars_dataframe()


def test_twins_are_identical_before_the_intervention_and_differ_after():
    from model import WEEKLY_MEASURES

    model = _run(WorkshopModel(centre_name="health", rng=5, twins=True), 12)
    assert model.untouched is not None and model.runs() == [model.untouched, model]
    measures = [m for m in WEEKLY_MEASURES if m in _weekly(model).columns]
    assert _weekly(model.untouched)[measures].equals(_weekly(model)[measures])

    model.set_coordinator(False)  # the button acts on the right twin only
    _run(model, 15)
    left, right = _weekly(model.untouched), _weekly(model)
    assert left[measures].iloc[:13].equals(right[measures].iloc[:13])
    assert model.untouched.coordinator_active and not model.coordinator_active
    assert model.untouched.interventions == []
    assert not left["ties_any"].iloc[13:].equals(right["ties_any"].iloc[13:])


def test_a_random_seed_is_shared_by_both_twins():
    model = _run(WorkshopModel(centre_name="library", rng="", twins=True), 6)
    assert isinstance(model.seed, int)
    assert _weekly(model.untouched).equals(_weekly(model))


def test_edges_name_both_actors_and_the_deepest_form():
    model = _run(WorkshopModel(centre_name="health", rng=2), 30)
    edges = edges_of(model)
    names = {a.name for a in model.actor_by_row}
    assert len(edges) == model.stats["ties_any"] > 0
    assert Counter(e.form for e in edges) == +Counter(
        {f: model.stats[f"deepest_{f.id}"] for f in FORMS}
    )
    assert all(e.source in names and e.target in names and e.source != e.target for e in edges)
    assert [e.form for e in edges] == sorted(e.form for e in edges)  # deep ones drawn last
    assert all(0.0 <= e.trust <= 1.0 for e in edges)


def test_network_svg_names_every_actor_on_hover_and_shares_one_layout():
    import xml.etree.ElementTree as ET

    from app.layout import layout_of
    from app.network import network_svg

    model = _run(WorkshopModel(centre_name="health", rng=2, twins=True), 20)
    model.add_actors(ActorGroup(kind="private", count=1))
    model.step()
    layout = layout_of(model)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    drawn = {}
    for run in model.runs():
        root = ET.fromstring(network_svg(run, layout, "en"))
        actors = [e for e in root if e.get("class") == "actor"]
        ties = root.findall("svg:line", ns)
        assert len(ties) == run.stats["ties_any"]
        titles = [e.find("svg:title", ns).text for e in actors]
        assert sorted(e.get("data-name") for e in actors) == sorted(
            a.name for a in run.actor_by_row if run.actor_table.active[a.row]
        )
        assert all(t.startswith(e.get("data-name")) for t, e in zip(titles, actors, strict=True))
        drawn[run] = {e.get("data-name"): e for e in actors}
    # The same actor sits at the same place in both twins; the newcomer only on the right.
    left, right = drawn[model.untouched], drawn[model]
    shared = [name for name in left if left[name].tag.endswith("circle")]
    assert shared and all(left[n].get("cx") == right[n].get("cx") for n in shared)
    assert len(right) == len(left) + 1


def test_coordinator_button_starts_one_where_there_was_none():
    import ipyvuetify as v
    import solara

    from app.components import Interventions, Status, language

    @solara.component
    def StatusAndButtons(model):  # without the drawings, which other tests cover
        with solara.Column():
            Status(model)
            Interventions(model)

    language.set("en")
    model = WorkshopModel(centre_name="housing_area", rng=1)  # the case without a coordinator
    _, rc = solara.render(StatusAndButtons(model), handle_error=False)
    button = rc.find(v.Btn, class_="workshop-coordinator").widget
    status = rc.find(v.Html, class_="workshop-status").widget
    assert "Coordinator: none" in status.children[0]
    assert button.children == ["Start a coordinator"]
    button.click()
    assert model.coordinator_active and "Coordinator: active" in status.children[0]
    button.click()
    assert button.children == ["Restore the coordinator"]
    language.set("da")


def test_cafe_button_closes_the_cafe_or_cuts_its_hours_in_the_right_twin():
    """The café as a meeting place (*Del 1, Korsør, En café som samlingssted*): the button
    cuts the shared places of the running model, by the slider's share; 1 closes it."""
    import ipyvuetify as v
    import solara

    from app.components import Interventions, language

    language.set("da")
    model = WorkshopModel(centre_name="housing_area", rng=1, twins=True)
    places = model.shared_places
    assert places > 0
    _, rc = solara.render(Interventions(model), handle_error=False)

    def button():
        return rc.find(v.Btn, class_="workshop-cafe").widget

    assert button().children == ["Caféen lukker"]
    rc.find(v.Slider, min=0.25).widget.v_model = 0.5  # the café's share slider
    assert button().children == ["Caféens åbningstid skæres med 50%"]
    button().click()
    assert model.shared_places == pytest.approx(places / 2)
    assert model.untouched.shared_places == pytest.approx(places)  # the untouched twin keeps it
    history = rc.find(v.Html, class_="workshop-history").widget.children[0]
    assert "caféen åbner 50% færre timer" in history
    rc.find(v.Slider, min=0.25).widget.v_model = 1.0
    button().click()
    assert model.shared_places == 0.0
    language.set("en")
    assert button().children == ["The café closes"]
    assert "the café closes" in rc.find(v.Html, class_="workshop-history").widget.children[0]
    language.set("da")


def test_sidebar_follows_the_language_and_shows_the_running_settings():
    from app.app import model_params

    model = WorkshopModel(centre_name="health", rng="", twins=True)
    da, en = model_params("da", model), model_params("en", model)
    assert da.keys() == en.keys()
    assert da["core_load"]["label"] == "Kerneopgavepres" and en["core_load"]["label"] == "Core-task load"
    assert all(da[k]["value"] == en[k]["value"] for k in da)
    # The health centre's own drivers include a coordinator: the checkbox says so too.
    assert da["coordinator"]["value"] is True and model.coordinator_active
    assert da["centre_name"]["value"] == "health" and da["twins"]["value"] is True
    assert da["rng"]["value"] == str(model.seed)  # a random run shows the seed it drew
    assert WorkshopModel(**{k: v["value"] for k, v in da.items()}).drivers == model.drivers


def test_a_step_with_drawing_stays_within_the_budget():
    import statistics

    from app.bench import BUDGET_SECONDS, time_steps

    seconds = time_steps("health", weeks=9, warmup=30)
    assert statistics.median(seconds) <= BUDGET_SECONDS
