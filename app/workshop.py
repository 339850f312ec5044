"""The model the workshop page runs: a centre preset by name plus the four drivers.

Mesa's SolaraViz re-creates the model on Reset as ``type(model)(**model_params)``, with
plain keyword values from its sliders, so this thin subclass of
:class:`model.CentreModel` takes a preset *name* and resolves it through the same Hydra
configs as the command line (``configs/centre/<name>.yaml``).
"""

from __future__ import annotations

import copy
import threading
from functools import cache

from experiments.cli import compose_run, presets
from model import CentreModel, CentreSpec, InputError

#: The centre presets a teacher can choose (``configs/centre/``).
CENTRE_NAMES: tuple[str, ...] = tuple(presets("centre"))

_compose_lock = threading.Lock()  # Hydra's global state is not thread-safe


@cache
def _preset(name: str) -> CentreSpec:
    with _compose_lock:
        return compose_run([f"centre={name}"]).centre


def load_centre(name: str) -> CentreSpec:
    """A fresh copy of a centre preset; an unknown name raises :class:`model.InputError`."""
    if name not in CENTRE_NAMES:
        raise InputError("centre_name", name, ", ".join(CENTRE_NAMES))
    return copy.deepcopy(_preset(name))


def parse_seed(value) -> int | None:
    """The seed from a text field: a whole number, or empty for a random run."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError("seed", value, "a whole number") from None


class WorkshopModel(CentreModel):
    """A :class:`model.CentreModel` built from a preset name, safe to change while it runs.

    Args:
        centre_name: centre preset in ``configs/centre/``.
        use_preset_drivers: keep the preset's own four drivers and ignore the four below
            (the presets differ, e.g. the health centre's heavy core tasks).
        co_location, coordinator, leadership_support, core_load: the four drivers.
        rng: seed (a whole number, also as text) or ``None`` for a random run.
    """

    def __init__(
        self,
        *,
        centre_name: str = "housing_area",
        use_preset_drivers: bool = True,
        co_location: float | None = None,
        coordinator: bool | None = None,
        leadership_support: float | None = None,
        core_load: float | None = None,
        rng=None,
    ):
        centre = load_centre(centre_name)
        if use_preset_drivers:
            co_location = coordinator = leadership_support = core_load = None
        super().__init__(
            centre=centre,
            co_location=co_location,
            coordinator=coordinator,
            leadership_support=leadership_support,
            core_load=core_load,
            rng=parse_seed(rng),
        )
        self.centre_name = centre_name
        # Play steps the model in a worker thread while a teacher presses intervention
        # buttons; a step and a change to the actor and pair arrays must not interleave.
        self.lock = threading.RLock()

    def step(self) -> None:
        with self.lock:
            super().step()
