"""The workshop page: ``python -m app`` (or ``solara run app/app.py``), see docs/workshop.md.

Mesa's SolaraViz gives the sidebar (Step, Play/Pause, Reset and the model parameters);
the main area is ours, drawn by :mod:`app.components`.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from app.components import Dashboard
from app.workshop import CENTRE_NAMES, WorkshopModel, load_centre

DEFAULT_CENTRE = "housing_area"
DEFAULT_SEED = "1"


def model_params(centre_name: str = DEFAULT_CENTRE) -> dict:
    """SolaraViz inputs; the driver sliders start at the default centre's own values."""
    centre = load_centre(centre_name)
    return {
        "centre_name": {"type": "Select", "value": centre_name, "values": list(CENTRE_NAMES),
                        "label": "Center / centre"},
        "use_preset_drivers": {"type": "Checkbox", "value": True,
                               "label": "Centrets egne drivere / preset drivers"},
        "co_location": {"type": "SliderFloat", "value": centre.co_location, "min": 0.0,
                        "max": 1.0, "step": 0.05,
                        "label": "Samlokalisering / co-location"},
        "coordinator": {"type": "Checkbox", "value": centre.coordinator,
                        "label": "Tovholder / coordinator"},
        "leadership_support": {"type": "SliderFloat", "value": centre.leadership_support,
                               "min": 0.0, "max": 1.0, "step": 0.05,
                               "label": "Ledelse / leadership"},
        "core_load": {"type": "SliderFloat", "value": centre.core_load, "min": 0.0, "max": 0.95,
                      "step": 0.05, "label": "Kerneopgaver / core load"},
        "rng": {"type": "InputText", "value": DEFAULT_SEED, "label": "Seed / frø"},
    }  # fmt: skip


MODEL_PARAMS = model_params()


@solara.component
def Page():
    """One model per browser session; Reset in the sidebar replaces it."""
    first = solara.use_memo(lambda: WorkshopModel(centre_name=DEFAULT_CENTRE, rng=DEFAULT_SEED),
                            [])  # fmt: skip
    model = solara.use_reactive(first)
    SolaraViz(model, components=[], model_params=MODEL_PARAMS,
              name="Medborgercenter — workshop")  # fmt: skip
    Dashboard(model.value)
