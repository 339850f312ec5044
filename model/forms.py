"""The five collaboration forms of the report (CFBU 2019, *Del 2*, Figure 7).

Ordered by mutual commitment: each step deeper costs more time and resources and needs
more trust, but can solve more complex problems. ``NONE`` is "no collaboration tie".
Every table, plot and UI label takes its ids and labels from here.
"""

from __future__ import annotations

from enum import IntEnum


class Form(IntEnum):
    """A collaboration form; the integer value is its depth (0 = no tie).

    A pair can hold any set of the five forms at once (*Del 2*: actors move between the
    forms in practice); a pair's *deepest* form is the deepest one it holds.
    """

    NONE = 0
    KNOWLEDGE_SHARING = 1
    ALIGNMENT = 2
    RESOURCE_EXCHANGE = 3
    JOINT_ACTION = 4
    CO_CREATION = 5

    @property
    def id(self) -> str:
        """Stable English id used in files and configs, e.g. ``joint_action``."""
        return self.name.lower()

    @property
    def danish(self) -> str:
        """The report's Danish name of the form."""
        return _DANISH[self]

    @property
    def meaning_en(self) -> str:
        """The report's one-line meaning, in English."""
        return _MEANING_EN[self]

    @property
    def meaning_da(self) -> str:
        """The report's one-line meaning, in Danish (Figure 7)."""
        return _MEANING_DA[self]

    @property
    def colour(self) -> str:
        """One colour per form, shared by every plot and the browser app."""
        return _COLOUR[self]

    def label(self, language: str = "en") -> str:
        """Display label in ``en`` or ``da``."""
        if language == "da":
            return self.danish
        return "co-creation" if self is Form.CO_CREATION else self.id.replace("_", " ")

    @classmethod
    def from_id(cls, form_id: str) -> Form:
        """Look a form up by its English id; raises ``ValueError`` naming the allowed ids."""
        for form in cls:
            if form.id == form_id:
                return form
        raise ValueError(f"unknown form {form_id!r}; allowed: {', '.join(f.id for f in cls)}")


#: The five forms proper, without NONE, in the report's order.
FORMS: tuple[Form, ...] = tuple(f for f in Form if f is not Form.NONE)
#: The binding forms (*Del 3*: "de mere forpligtende samarbejdsformer som samordne og
#: samskabe"): they need hours that leadership allocates, not only an extra role.
BINDING: tuple[Form, ...] = (Form.JOINT_ACTION, Form.CO_CREATION)
#: The loose forms, which actors can also take on as an extra role.
LOOSE: tuple[Form, ...] = (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT, Form.RESOURCE_EXCHANGE)

_DANISH = {
    Form.NONE: "intet samarbejde",
    Form.KNOWLEDGE_SHARING: "videndele",
    Form.ALIGNMENT: "samvirke",
    Form.RESOURCE_EXCHANGE: "ressourceudveksle",
    Form.JOINT_ACTION: "samordne",
    Form.CO_CREATION: "samskabe",
}
_MEANING_EN = {
    Form.NONE: "no collaboration",
    Form.KNOWLEDGE_SHARING: "we talk about our respective work",
    Form.ALIGNMENT: "we refer to each other and avoid doing the same",
    Form.RESOURCE_EXCHANGE: "we give, share or lend each other material things",
    Form.JOINT_ACTION: "we draw on each other and do something together",
    Form.CO_CREATION: "we make something new together",
}
_MEANING_DA = {
    Form.NONE: "intet samarbejde",
    Form.KNOWLEDGE_SHARING: "vi taler om vores respektive arbejde",
    Form.ALIGNMENT: "vi henviser til hinanden og undgår at lave det samme",
    Form.RESOURCE_EXCHANGE: "vi giver, deler eller låner hinanden noget materielt",
    Form.JOINT_ACTION: "vi trækker på hinanden og laver noget sammen",
    Form.CO_CREATION: "vi laver noget nyt sammen",
}
_COLOUR = {
    Form.NONE: "#dddddd",
    Form.KNOWLEDGE_SHARING: "#9ecae1",
    Form.ALIGNMENT: "#4292c6",
    Form.RESOURCE_EXCHANGE: "#fdae6b",
    Form.JOINT_ACTION: "#74c476",
    Form.CO_CREATION: "#b22222",
}
