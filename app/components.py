"""Solara components of the workshop page: status, interventions, drawings, legend.

Each component reads Mesa's ``update_counter`` so it redraws after Step, Play and every
intervention button (which call ``force_update``). Texts follow the language switch.
"""

from __future__ import annotations

import contextlib

import solara
from mesa.visualization.utils import force_update, update_counter

from model import FORMS, ActorGroup, ActorKind, CentreModel

from .figures import network_png, timeline_png
from .labels import intervention_label, kind_label, text

#: The page's language, ``da`` or ``en`` (one value per browser session).
language = solara.reactive("da")


def status_line(model: CentreModel, lang: str) -> str:
    """One line a room can read from the back: week, actors, ties, trust, coordinator."""
    stats = model.stats
    coordinator = text("coordinator_on" if model.coordinator_active else "coordinator_off", lang)
    return (
        f"{text('week', lang)} {model.week} · {stats['n_actors']} {text('actors', lang)} · "
        f"{stats['ties_any']} {text('ties', lang)} · "
        f"{text('mean_trust', lang)} {stats['mean_trust']:.2f} · "
        f"{text('coordinator', lang)}: {coordinator}"
    )


def drivers_line(model: CentreModel, lang: str) -> str:
    """The centre and the drivers in force at the start of this run."""
    d = model.drivers
    name = getattr(model, "centre_name", model.centre.name)
    return (
        f"{text('centre', lang)}: {name} · {text('co_location', lang)} {d.co_location:.2f} · "
        f"{text('leadership_support', lang)} {d.leadership_support:.2f} · "
        f"{text('core_load', lang)} {d.core_load:.2f}"
    )


def _drawing_key(model: CentreModel, lang: str) -> tuple:
    """What a drawing depends on: redraw only when the model or the language changed."""
    return (id(model), model.week, len(model.interventions), len(model.actor_by_row),
            model.coordinator_active, lang)  # fmt: skip


def _locked(model: CentreModel):
    """The model's lock if it has one (``WorkshopModel``), so drawing never sees half a step."""
    return getattr(model, "lock", None) or contextlib.nullcontext()


@solara.component
def LanguageSwitch():
    """Dansk / English."""
    with solara.ToggleButtonsSingle(value=language, classes=["workshop-language"]):
        solara.Button("Dansk", value="da")
        solara.Button("English", value="en")


@solara.component
def Status(model: CentreModel):
    """Week, actors, ties, mean trust and whether the coordinator runs."""
    update_counter.get()
    lang = language.value
    with solara.Column(gap="0px"):
        solara.Text(status_line(model, lang), classes=["workshop-status"],
                    style={"font-size": "1.3em", "font-weight": "bold"})  # fmt: skip
        solara.Text(drivers_line(model, lang), style={"color": "#555"})


@solara.component
def Interventions(model: CentreModel):
    """Buttons for the report's turning points, applied to the running model."""
    update_counter.get()
    lang = language.value
    new_kind = solara.use_reactive(ActorKind.VOLUNTEER.id)
    new_leadership = solara.use_reactive(0.2)

    def act(change):
        def handler():
            with _locked(model):
                change()
            force_update()

        return handler

    def toggle_coordinator():
        model.set_coordinator(not model.coordinator_active)

    with solara.Card(text("interventions", lang)):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Button(
                text("stop_coordinator" if model.coordinator_active else "restore_coordinator",
                     lang),
                on_click=act(toggle_coordinator), color="error" if model.coordinator_active
                else "success", classes=["workshop-coordinator"],
            )  # fmt: skip
            solara.Button(text("cut_funding", lang), on_click=act(model.end_project_funding),
                          classes=["workshop-funding"])  # fmt: skip
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            kinds = {kind_label(k, lang): k.id for k in ActorKind}
            newcomer = kind_label(ActorKind.from_id(new_kind.value), lang)
            solara.Select(
                text("new_actor_kind", lang),
                value=newcomer,
                on_value=lambda label: new_kind.set(kinds[label]),
                values=list(kinds),
            )
            solara.Button(
                f"{text('new_actor', lang)} ({newcomer})",
                on_click=act(lambda: model.add_actors(ActorGroup(kind=new_kind.value, count=1))),
                classes=["workshop-arrival"],
            )  # fmt: skip
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.SliderFloat(text("leadership_to", lang), value=new_leadership, min=0.0,
                               max=1.0, step=0.05)  # fmt: skip
            solara.Button(
                text("leadership_drops", lang),
                on_click=act(lambda: model.set_leadership_support(new_leadership.value)),
                classes=["workshop-leadership"],
            )
        notes = [f"{text('week', lang).lower()} {week}: {intervention_label(note, lang)}"
                 for week, note in model.interventions]  # fmt: skip
        solara.Text(f"{text('history', lang)}: " + ("; ".join(notes) if notes
                    else text("no_interventions", lang)), classes=["workshop-history"])  # fmt: skip


@solara.component
def Drawing(model: CentreModel, render, css_class: str):
    """One of the page's pictures (``render(model, language)`` → PNG bytes), redrawn only
    when the model changed."""
    update_counter.get()
    lang = language.value

    def draw():
        # The reused figure is saved under the lock too: one figure, one drawer at a time.
        with _locked(model):
            return render(model, lang)

    png = solara.use_memo(draw, _drawing_key(model, lang))
    solara.Image(png, width="100%", classes=[css_class])


def NetworkView(model: CentreModel):
    """The network on its fixed layout."""
    return Drawing(model, network_png, "workshop-network")


def TimelineView(model: CentreModel):
    """Forms over time, mean trust and outcomes, with the interventions marked."""
    return Drawing(model, timeline_png, "workshop-timeline")


@solara.component
def FormsLegend():
    """Each form in one line, as in the report's Figure 7."""
    lang = language.value
    with solara.Card(text("forms_legend", lang)):
        for form in FORMS:
            meaning = form.meaning_da if lang == "da" else form.meaning_en
            name = form.danish if lang == "da" else f"{form.label('en')} ({form.danish})"
            with solara.Row(style={"align-items": "center"}):
                solara.Text("■", style={"color": form.colour, "font-size": "1.6em"})
                solara.Text(f"{name}: {meaning}", classes=["workshop-form-legend"])
        solara.Text(text("depth_note", lang), style={"color": "#555"})


@solara.component
def Dashboard(model: CentreModel):
    """The main area: status and language, interventions, the two drawings, the legend."""
    lang = language.value
    with solara.Column():
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            Status(model)
            LanguageSwitch()
        Interventions(model)
        with solara.Columns([11, 9]):
            NetworkView(model)
            TimelineView(model)
        FormsLegend()
        solara.Text(text("reset_note", lang), style={"color": "#555"})
