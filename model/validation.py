"""One kind of error for bad input, so every entry point can report it on one line."""

from __future__ import annotations

import math
from typing import Any

#: Specs found valid: ``id`` → (the spec, its ``repr`` then). Kept small, oldest out first.
_FOUND_VALID: dict[int, tuple[Any, str]] = {}
_FOUND_VALID_MAX = 16


class InputError(ValueError):
    """A value outside what the model allows; carries the key, the value and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r} is not allowed; allowed: {allowed}")

    def prefixed(self, prefix: str) -> InputError:
        """The same error with its key placed under ``prefix`` (e.g. ``centre.``)."""
        return InputError(f"{prefix}{self.key}", self.value, self.allowed)


def check_unit(key: str, value: float | None, *, optional: bool = False) -> None:
    """Check that ``value`` is a number in [0, 1] (or None when optional)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        # (NaN fails the range comparison too)
        raise InputError(key, value, "a number from 0 to 1" + (" or null" if optional else ""))


def check_positive(key: str, value: float, *, allow_zero: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise InputError(key, value, "a finite number " + (">= 0" if allow_zero else "> 0"))


def check_choice(key: str, value: Any, choices: tuple[str, ...] | list[str]) -> None:
    if value not in choices:
        raise InputError(key, value, "one of " + ", ".join(map(str, choices)))


def validate_once(spec) -> None:
    """``spec.validate()``, skipped if this very object passed it before and has not changed.

    A batch builds one model per seed from one centre and one set of parameters, and
    checking them again for every seed cost more than most of a seed's build. Safe though
    the specs are mutable dataclasses: a skip needs the same object *and* the same
    ``repr``, which writes out every field, nested ones too, with its type (``1``, ``1.0``
    and ``True`` differ; floats are written exactly), and ``validate`` reads nothing but
    those fields.
    """
    text = repr(spec)
    known = _FOUND_VALID.get(id(spec))
    if known is not None and known[0] is spec and known[1] == text:
        return
    spec.validate()
    if len(_FOUND_VALID) >= _FOUND_VALID_MAX:
        del _FOUND_VALID[next(iter(_FOUND_VALID))]
    _FOUND_VALID[id(spec)] = (spec, text)
