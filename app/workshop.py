"""The model the workshop page runs: a centre preset by name plus the four drivers.

Mesa's SolaraViz re-creates the model on Reset as ``type(model)(**model_params)``, with
plain keyword values from its sliders, so this thin subclass of
:class:`model.CentreModel` takes a preset *name* and resolves it through the same Hydra
configs as the command line (``configs/centre/<name>.yaml``).
"""

from __future__ import annotations

import copy
import random
import threading
from functools import cache

from experiments.cli import compose_run, presets
from model import CentreModel, CentreSpec, InputError

#: The centre presets a teacher can choose (``configs/centre/``).
CENTRE_NAMES: tuple[str, ...] = tuple(presets("centre"))

#: What the page opens with (and ``app.bench`` times): change the lesson's defaults here.
#: Foreningernes Hus, seed 9: all five forms are held at once from week 39, so a lesson of
#: 40–60 weeks sees co-creation too (tests/test_app_render.py checks it). In the 0.2
#: model no seed from 0 to 19 does that within 60 weeks in the three other presets.
DEFAULT_CENTRE = "association"
DEFAULT_SEED = 9
#: A lesson's worth of weeks, in which the default run shows all five forms.
LESSON_WEEKS = 52

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

    With ``twins``, the model carries an :attr:`untouched` twin: a second model built with
    the same centre, drivers and seed and stepped with it. The buttons act on this model
    only, so the two runs are identical until the first intervention (common random
    numbers) and the difference after it is the intervention's effect, not noise.

    Args:
        centre_name: centre preset in ``configs/centre/``.
        use_preset_drivers: keep the preset's own four drivers and ignore the four below
            (the presets differ, e.g. the health centre's heavy core tasks).
        co_location, coordinator, leadership_support, core_load: the four drivers.
        rng: seed (a whole number, also as text) or ``None`` for a random run.
        twins: also run an untouched twin on the same random numbers.
    """

    def __init__(
        self,
        *,
        centre_name: str = DEFAULT_CENTRE,
        use_preset_drivers: bool = True,
        co_location: float | None = None,
        coordinator: bool | None = None,
        leadership_support: float | None = None,
        core_load: float | None = None,
        rng=None,
        twins: bool = False,
    ):
        centre = load_centre(centre_name)
        if use_preset_drivers:
            co_location = coordinator = leadership_support = core_load = None
        seed = parse_seed(rng)
        if seed is None:  # a random run, but both twins must share its seed
            seed = random.SystemRandom().randrange(2**31)
        drivers = dict(co_location=co_location, coordinator=coordinator,
                       leadership_support=leadership_support, core_load=core_load)  # fmt: skip
        super().__init__(centre=centre, rng=seed, **drivers)
        self.centre_name = centre_name
        self.use_preset_drivers = use_preset_drivers
        self.seed = seed
        #: The twin that receives no interventions (``None`` without ``twins``).
        self.untouched: CentreModel | None = (
            CentreModel(centre=load_centre(centre_name), rng=seed, **drivers) if twins else None
        )
        # Play steps the model in a worker thread while a teacher presses intervention
        # buttons; a step and a change to the actor and pair arrays must not interleave.
        self.lock = threading.RLock()

    def step(self) -> None:
        with self.lock:
            super().step()
            if self.untouched is not None:
                self.untouched.step()

    def runs(self) -> list[CentreModel]:
        """The runs the charts show: the untouched twin first (if any), then this one."""
        return [self] if self.untouched is None else [self.untouched, self]


def coordinator_state(model: CentreModel) -> str:
    """``active``, ``stopped`` (there was one) or ``none`` (the centre never had one)."""
    if model.coordinator_active:
        return "active"
    had_one = model.drivers.coordinator or any(
        note.startswith(("coordinator starts", "coordinator stops")) for _, note in model.interventions
    )
    return "stopped" if had_one else "none"
