"""Funders of split operating money (*kludetæppe*) weigh what the house did for their groups.

Foreningernes Hus in Aarhus is paid for by "Aarhus Kommune, boligafdelingen, helhedsplanen
med fysisk indhold, helhedsplanen med boligsocialt indhold og foreningerne selv", and
"Dette kludetæppe er til forhandling hvert andet år" (*Del 1, Aarhus, Organisering*); with
split funding any contributor may pull out (*Del 3, Skaf økonomisk dækning af husets drift
fra stabile aktører*). Each funder pays for its own purpose, so at a renegotiation it looks
at the residents the house reached in *its* target groups, not at the house as a whole.

The report does not say which groups each funder weighs. Assumption: the first funder (the
municipality) weighs every group, its citizens all; the others deal out, in turn, the
groups the house's actors aim at, so every such group is someone's own concern. A funder
who withdraws stays out and weighs no more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Funders:
    """The contributors to one house's operating money (shapes: F funders, G groups).

    Args:
        weighs: (F, G) bool, the target groups each funder looks at.
        paying: (F,) bool, still paying its share.
        seen: (F,) residents reached in its groups at the last renegotiation (or at the
            half-way week before the first), what the next one compares with.
    """

    weighs: np.ndarray
    paying: np.ndarray
    seen: np.ndarray

    @classmethod
    def of_house(cls, funders: int, aimed: np.ndarray, reached: np.ndarray) -> Funders:
        """Funders of a house whose actors aim at ``aimed`` (G,) groups, having seen
        ``reached`` (G,) residents reached per group."""
        weighs = funder_groups(funders, aimed)
        return cls(weighs, np.ones(funders, dtype=bool), in_groups(weighs, reached))


def funder_groups(funders: int, aimed: np.ndarray) -> np.ndarray:
    """(F, G) bool: funder 0 weighs every group; funder k ≥ 1 the aimed groups dealt to
    it in turn (group number i of the aimed goes to funder 1 + i mod (F − 1)); with more
    funders than aimed groups, they share them round."""
    aimed_groups = np.flatnonzero(aimed)
    weighs = np.zeros((funders, len(aimed)), dtype=bool)
    weighs[0] = True
    others = funders - 1
    if others == 0 or len(aimed_groups) == 0:
        weighs[1:] = True
        return weighs
    for i, g in enumerate(aimed_groups):
        weighs[1 + i % others, g] = True
    for k in range(1 + len(aimed_groups), funders):  # more funders than groups
        weighs[k, aimed_groups[(k - 1) % len(aimed_groups)]] = True
    return weighs


def in_groups(weighs: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """(F,) residents reached in each funder's groups."""
    return weighs.astype(np.float64) @ reached


def funders_weigh(seen_now: np.ndarray, seen_before: np.ndarray, paying: np.ndarray, rp,
                  u: np.ndarray) -> np.ndarray:  # fmt: skip
    """Each funder's verdict at a renegotiation (F,): −1 withdraws its share, +1 raises
    it, 0 keeps it (a funder no longer paying always 0).

    A funder compares the residents reached in its own groups now with the last
    renegotiation: below ``1 − funder_tolerance`` of it, it withdraws with
    ``funder_cut_chance``; above ``1 + funder_tolerance``, it raises with
    ``funder_raise_chance``.
    """
    change = seen_now / np.maximum(seen_before, 1.0) - 1.0
    u = u[: len(paying)]
    cut = (change < -rp.funder_tolerance) & (u < rp.funder_cut_chance)
    raise_ = (change > rp.funder_tolerance) & (u < rp.funder_raise_chance)
    return np.where(paying, raise_.astype(int) - cut.astype(int), 0)


__all__ = ["Funders", "funder_groups", "funders_weigh", "in_groups"]
