"""Solara components of the workshop page: status, interventions, drawings, legend.

Each component reads Mesa's ``update_counter`` so it redraws after Step, Play and every
intervention button (which call ``force_update``). Texts follow the language switch.
The page is laid out to fit a 1024×768 projector: status, buttons and both drawings
above the fold, legends as page text (readable at any size).
"""

from __future__ import annotations

import contextlib

import solara
from mesa.visualization.utils import force_update, update_counter

from model import FORMS, ActorGroup, ActorKind, CentreModel
from model.residents import cut_cafe_hours

from .figures import timeline_png
from .labels import intervention_label, kind_label, text
from .layout import KIND_COLOUR, layout_of
from .network import network_svg
from .workshop import coordinator_state

#: The page's language, ``da`` or ``en`` (one value per browser session).
language = solara.reactive("da")

_COORDINATOR_STATE_TEXT = {"active": "coordinator_on", "stopped": "coordinator_off",
                           "none": "coordinator_none"}  # fmt: skip


def status_line(model: CentreModel, lang: str) -> str:
    """One line a room can read from the back: week, actors, ties, trust, coordinator."""
    stats = model.stats
    coordinator = text(_COORDINATOR_STATE_TEXT[coordinator_state(model)], lang)
    return (
        f"{text('week', lang)} {model.week} · {stats['n_actors']} {text('actors', lang)} · "
        f"{stats['ties_any']} {text('ties', lang)} · "
        f"{text('mean_trust', lang)} {stats['mean_trust']:.2f} · "
        f"{text('coordinator', lang)}: {coordinator}"
    )


def cafe_label(share: float, lang: str) -> str:
    """The café button: it closes (share 1) or cuts its opening hours by ``share``
    (*Del 1, Korsør, En café som samlingssted*; ``model.residents.cut_cafe_hours``)."""
    if share >= 1:
        return text("cafe_closes", lang)
    return f"{text('cafe_shorter', lang)} {share:.0%}"


def drivers_line(model: CentreModel, lang: str) -> str:
    """The centre, the drivers in force since the last Reset and where they came from."""
    d = model.drivers
    name = getattr(model, "centre_name", model.centre.name)
    source = "preset_drivers_used" if getattr(model, "use_preset_drivers", True) else \
        "sidebar_drivers_used"  # fmt: skip
    seed = getattr(model, "seed", None)
    return (
        f"{text('centre', lang)}: {name} ({text(source, lang)}) · "
        f"{text('co_location', lang)} {d.co_location:.2f} · "
        f"{text('leadership_support', lang)} {d.leadership_support:.2f} · "
        f"{text('core_load', lang)} {d.core_load:.2f}"
        + (f" · {text('seed', lang)} {seed}" if seed is not None else "")
    )


def _drawing_key(model: CentreModel, lang: str) -> tuple:
    """What a drawing depends on: redraw only when the model or the language changed."""
    return (id(model), model.week, len(model.interventions), len(model.actor_by_row),
            model.coordinator_active, lang)  # fmt: skip


def _locked(model: CentreModel):
    """The model's lock if it has one (``WorkshopModel``), so drawing never sees half a step."""
    return getattr(model, "lock", None) or contextlib.nullcontext()


def _runs(model: CentreModel) -> list[CentreModel]:
    return model.runs() if hasattr(model, "runs") else [model]


@solara.component
def LanguageSwitch():
    """Dansk / English."""
    with solara.ToggleButtonsSingle(value=language, classes=["workshop-language"]):
        solara.Button("Dansk", value="da", small=True)
        solara.Button("English", value="en", small=True)


@solara.component
def Status(model: CentreModel):
    """Week, actors, ties, mean trust and whether the coordinator runs."""
    update_counter.get()
    lang = language.value
    with solara.Column(gap="0px"):
        solara.Text(status_line(model, lang), classes=["workshop-status"],
                    style={"font-size": "1.25em", "font-weight": "bold"})  # fmt: skip
        solara.Text(drivers_line(model, lang), classes=["workshop-drivers"],
                    style={"color": "#444", "font-size": "0.9em"})  # fmt: skip


@solara.component
def Interventions(model: CentreModel):
    """Buttons for the report's turning points, applied to the running model."""
    update_counter.get()
    lang = language.value
    new_kind = solara.use_reactive(ActorKind.VOLUNTEER.id)
    new_leadership = solara.use_reactive(0.2)
    cafe_cut = solara.use_reactive(1.0)  # share of the café's hours cut; 1 = it closes

    def act(change):
        def handler():
            with _locked(model):
                change()
            force_update()

        return handler

    def toggle_coordinator():
        model.set_coordinator(not model.coordinator_active)

    state = coordinator_state(model)
    label = {"active": "stop_coordinator", "stopped": "restore_coordinator",
             "none": "start_coordinator"}[state]  # fmt: skip
    row = {"flex-wrap": "wrap", "align-items": "center", "gap": "6px"}
    with solara.Column(gap="2px", classes=["workshop-interventions"]):
        with solara.Row(style=row):
            solara.Text(f"{text('interventions', lang)}:", style={"font-weight": "bold"})
            solara.Button(text(label, lang), on_click=act(toggle_coordinator), small=True,
                          color="error" if state == "active" else "success",
                          classes=["workshop-coordinator"])  # fmt: skip
            solara.Button(text("cut_funding", lang), on_click=act(model.end_project_funding),
                          small=True, classes=["workshop-funding"])  # fmt: skip
            kinds = {kind_label(k, lang): k.id for k in ActorKind}
            newcomer = kind_label(ActorKind.from_id(new_kind.value), lang)
            solara.Button(
                f"{text('new_actor', lang)} ({newcomer})", small=True,
                on_click=act(lambda: model.add_actors(ActorGroup(kind=new_kind.value, count=1))),
                classes=["workshop-arrival"],
            )  # fmt: skip
            with solara.Column(style={"width": "140px"}):
                solara.Select(text("new_actor_kind", lang), value=newcomer, values=list(kinds),
                              on_value=lambda label: new_kind.set(kinds[label]),
                              dense=True)  # fmt: skip
        with solara.Row(style=row):
            solara.Button(
                f"{text('leadership_drops', lang)} ({new_leadership.value:.2f})", small=True,
                on_click=act(lambda: model.set_leadership_support(new_leadership.value)),
                classes=["workshop-leadership"],
            )  # fmt: skip
            with solara.Column(style={"width": "150px"}):
                solara.SliderFloat("", value=new_leadership, min=0.0, max=1.0, step=0.05)
        # The café and the history share a row (the history wraps beside them), so the
        # drawings stay above the fold of a 1024×768 projector.
        with solara.Row(style={**row, "flex-wrap": "nowrap"}):
            solara.Button(
                cafe_label(cafe_cut.value, lang), small=True,
                on_click=act(lambda: cut_cafe_hours(model, cafe_cut.value)),
                classes=["workshop-cafe"],
            )  # fmt: skip
            with solara.Column(style={"width": "100px", "flex": "0 0 100px"}):
                solara.SliderFloat("", value=cafe_cut, min=0.25, max=1.0, step=0.25)
            notes = [f"{text('week', lang).lower()} {week}: {intervention_label(note, lang)}"
                     for week, note in model.interventions]  # fmt: skip
            solara.Text(f"{text('history', lang)}: " + ("; ".join(notes) if notes
                        else text("no_interventions", lang)), classes=["workshop-history"],
                        style={"flex": "1 1 0", "min-width": "0"})  # fmt: skip


@solara.component
def NetworkView(model: CentreModel):
    """Each run's network on one shared fixed layout (names on hover)."""
    update_counter.get()
    lang = language.value
    runs = _runs(model)

    def draw():
        with _locked(model):
            layout = layout_of(model)
            return [network_svg(run, layout, lang) for run in runs]

    svgs = solara.use_memo(draw, _drawing_key(model, lang))
    captions = ["untouched", "with_interventions"] if len(runs) == 2 else [None]
    title = (f"{text('network', lang)} — {text('week', lang).lower()} {model.week} "
             f"({text('hover_note', lang)})")  # fmt: skip
    with solara.Column(gap="0px", classes=["workshop-networks"]):
        solara.Text(title, style={"font-weight": "bold"})
        with solara.Row(gap="4px", style={"flex-wrap": "nowrap"}):
            for svg, caption in zip(svgs, captions, strict=True):
                with solara.Column(gap="0px", style={"flex": "1 1 0", "min-width": "0"}):
                    if caption:
                        solara.Text(text(caption, lang), classes=[f"workshop-caption-{caption}"])
                    css = ["workshop-network", f"workshop-network-{caption or 'run'}"]
                    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=css)
        Legend()


@solara.component
def TimelineView(model: CentreModel):
    """Forms over time, mean trust and outcomes, the twins overlaid, interventions marked."""
    update_counter.get()
    lang = language.value

    def draw():
        with _locked(model):  # one figure, one drawer at a time
            return timeline_png(model, lang)

    png = solara.use_memo(draw, _drawing_key(model, lang))
    solara.Image(png, width="100%", classes=["workshop-timeline"])


@solara.component
def Legend():
    """A compact key under the networks: actor kinds, housed or ad hoc, the five forms."""
    lang = language.value
    item = {"align-items": "center", "gap": "3px"}
    with solara.Row(style={"flex-wrap": "wrap", "gap": "0px 12px", "font-size": "0.9em"},
                    classes=["workshop-legend"]):  # fmt: skip
        for kind in ActorKind:
            with solara.Row(style=item):
                solara.Text("●", style={"color": KIND_COLOUR[kind]})
                solara.Text(kind_label(kind, lang))
        with solara.Row(style=item):
            solara.Text("● / ◇", style={"color": "#555"})
            solara.Text(f"{text('co_located', lang)} / {text('ad_hoc', lang)}")
        for form in FORMS:
            with solara.Row(style=item):
                solara.Text("▬", style={"color": form.colour, "font-weight": "bold"})
                solara.Text(form.label(lang), classes=["workshop-form-key"])


@solara.component
def FormsLegend():
    """Each form in one line, as in the report's Figure 7."""
    lang = language.value
    with solara.Column(gap="0px"):
        solara.Text(text("forms_legend", lang), style={"font-weight": "bold"})
        for form in reversed(FORMS):
            meaning = form.meaning_da if lang == "da" else form.meaning_en
            name = form.danish if lang == "da" else f"{form.label('en')} ({form.danish})"
            with solara.Row(gap="4px", style={"align-items": "center"}):
                solara.Text("▬", style={"color": form.colour, "font-size": "1.3em"})
                solara.Text(f"{name}: {meaning}", classes=["workshop-form-legend"])
        solara.Text(text("depth_note", lang), style={"color": "#555"})


@solara.component
def Dashboard(model: CentreModel):
    """The main area: status and language, interventions, the drawings, the legend."""
    lang = language.value
    twins = len(_runs(model)) == 2
    with solara.Column(gap="6px", classes=["workshop-dashboard"]):
        with solara.Row(justify="space-between", style={"align-items": "flex-start"}):
            Status(model)
            LanguageSwitch()
        solara.Text(text("reset_note", lang), classes=["workshop-reset-note"],
                    style={"background": "#fff3cd", "border-left": "4px solid #f0ad4e",
                           "padding": "2px 8px"})  # fmt: skip
        Interventions(model)
        with solara.Columns([11, 9], gutters_dense=True):
            NetworkView(model)
            TimelineView(model)
        if twins:
            solara.Text(text("twins_note", lang), classes=["workshop-twins-note"])
        FormsLegend()
