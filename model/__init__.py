"""medborgersim: collaboration in a Danish medborgercenter (CFBU 2019) as an agent-based model."""

from .actors import Actor
from .centre import ActorGroup, CentreSpec
from .centre_model import WEEKLY_MEASURES, CentreModel, Drivers
from .forms import FORMS, Form
from .kinds import ActorKind
from .params import ModelParams
from .validation import InputError

__version__ = "0.2.0"

__all__ = [
    "Actor", "ActorGroup", "ActorKind", "CentreModel", "CentreSpec", "Drivers", "FORMS",
    "Form", "InputError", "ModelParams", "WEEKLY_MEASURES", "__version__",
]  # fmt: skip
