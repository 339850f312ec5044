"""medborgersim: collaboration in a Danish medborgercenter (CFBU 2019) as an agent-based model."""

from .centre import ActorGroup, CentreSpec
from .forms import FORMS, Form
from .kinds import ActorKind
from .params import ModelParams
from .validation import InputError

__version__ = "0.2.0"

#: Imported on first use: they import Mesa (and with it pandas, scipy and networkx, ~2-3 s),
#: which composing and checking a config (a sweep's launching process) does not need.
_NEEDS_MESA = {"Actor": "actors", "CentreModel": "centre_model", "Drivers": "centre_model",
               "WEEKLY_MEASURES": "centre_model"}  # fmt: skip


def __getattr__(name: str):
    if name in _NEEDS_MESA:
        import importlib

        value = getattr(importlib.import_module(f".{_NEEDS_MESA[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Actor", "ActorGroup", "ActorKind", "CentreModel", "CentreSpec", "Drivers", "FORMS",
    "Form", "InputError", "ModelParams", "WEEKLY_MEASURES", "__version__",
]  # fmt: skip
