"""The four drivers are declared once (``model/drivers.py``) and every user-facing place
follows that table (issue 9, item 9)."""

from __future__ import annotations

import dataclasses

import pytest

from model import CentreModel, CentreSpec, InputError
from model.drivers import DRIVER_NAMES, DRIVERS, Drivers, resolve_drivers


def test_the_model_the_run_config_and_the_workshop_name_the_same_drivers():
    from app.app import model_params
    from experiments.config import DriversConfig

    assert tuple(f.name for f in dataclasses.fields(Drivers)) == DRIVER_NAMES
    assert tuple(f.name for f in dataclasses.fields(DriversConfig)) == DRIVER_NAMES
    assert set(DRIVER_NAMES) <= set(model_params())


def test_a_driver_left_out_takes_the_centres_value_and_a_given_one_wins():
    centre = CentreSpec(co_location=0.2, coordinator=True, leadership_support=0.4, core_load=0.7)
    resolved = resolve_drivers(centre, {"core_load": 0.3, "coordinator": None})
    assert resolved == Drivers(co_location=0.2, coordinator=True, leadership_support=0.4, core_load=0.3)
    assert CentreModel(centre=centre, rng=0, co_location=0.9).drivers.co_location == 0.9


@pytest.mark.parametrize(("given", "key"), [
    ({"co_locaton": 0.5}, "driver"),         # a misspelt driver names what is allowed
    ({"core_load": 1.5}, "core_load"),
    ({"coordinator": "yes"}, "coordinator"),
    ({"leadership_support": float("nan")}, "leadership_support"),
])  # fmt: skip
def test_a_bad_driver_gets_one_line_naming_it(given, key):
    with pytest.raises(InputError) as caught:
        CentreModel(rng=0, **given)
    assert caught.value.key == key
    assert "\n" not in str(caught.value)


def test_every_driver_has_a_danish_and_an_english_label():
    for spec in DRIVERS:
        assert spec.label("da") and spec.label("en") and spec.label("da") != spec.name
        assert spec.kind in ("share", "switch")
