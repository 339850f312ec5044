"""The workshop page: ``python -m app`` (or ``solara run app.app``), see docs/workshop.md.

Mesa's SolaraViz gives the sidebar (Step, Play/Pause, Reset and the model parameters);
the main area is ours, drawn by :mod:`app.components`. The page's default centre and seed
are set in one place, :data:`app.workshop.DEFAULT_CENTRE` and ``DEFAULT_SEED``.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from app.components import Dashboard, language
from app.labels import text
from app.workshop import CENTRE_NAMES, DEFAULT_CENTRE, DEFAULT_SEED, WorkshopModel

#: Fit a 1024×768 projector: a lower title bar, less padding around the main area.
PAGE_CSS = """
.v-navigation-drawer .v-card__title { font-size: 1.05rem; padding: 4px 12px; }
.v-navigation-drawer .v-card__text { padding: 2px 12px; }
main.v-content { padding-top: 40px !important; }
nav.v-navigation-drawer { top: 40px !important; }
.v-toolbar.v-app-bar, .v-toolbar.v-app-bar .v-toolbar__content { height: 40px !important; }
.solara-autorouter-content { padding: 0 !important; }
.workshop-dashboard { font-size: 15px; padding: 2px 8px; }
"""


def model_params(lang: str = "da", model: WorkshopModel | None = None) -> dict:
    """SolaraViz inputs in ``lang``, showing the settings ``model`` runs with.

    The sidebar thus always agrees with the status line: after a Reset with the centre's
    own drivers, the four driver inputs show the drivers the new run uses.
    """
    if model is None:
        model = _default_model()
    d = model.drivers
    return {
        "centre_name": {"type": "Select", "value": model.centre_name, "values": list(CENTRE_NAMES),
                        "label": text("param_centre", lang)},
        "use_preset_drivers": {"type": "Checkbox", "value": model.use_preset_drivers,
                               "label": text("param_preset", lang)},
        "co_location": {"type": "SliderFloat", "value": d.co_location, "min": 0.0,
                        "max": 1.0, "step": 0.05, "label": text("param_co_location", lang)},
        "coordinator": {"type": "Checkbox", "value": d.coordinator,
                        "label": text("param_coordinator", lang)},
        "leadership_support": {"type": "SliderFloat", "value": d.leadership_support,
                               "min": 0.0, "max": 1.0, "step": 0.05,
                               "label": text("param_leadership", lang)},
        "core_load": {"type": "SliderFloat", "value": d.core_load, "min": 0.0, "max": 0.95,
                      "step": 0.05, "label": text("param_core_load", lang)},
        "rng": {"type": "InputText", "value": str(model.seed), "label": text("param_seed", lang)},
        "twins": {"type": "Checkbox", "value": model.untouched is not None,
                  "label": text("param_twins", lang)},
    }  # fmt: skip


def _default_model() -> WorkshopModel:
    return WorkshopModel(centre_name=DEFAULT_CENTRE, rng=DEFAULT_SEED)


@solara.component
def Page():
    """One model per browser session; Reset in the sidebar replaces it.

    SolaraViz keeps the sidebar's values to itself and reads its inputs only once, so it is
    mounted afresh for each run and language: the sidebar then shows what is running.
    """
    first = solara.use_memo(_default_model, [])
    model = solara.use_reactive(first)
    lang = language.value
    solara.Style(PAGE_CSS)
    SolaraViz(model, components=[], model_params=model_params(lang, model.value),
              name="Medborgercenter — workshop").key(f"{id(model.value)}-{lang}")  # fmt: skip
    Dashboard(model.value)
