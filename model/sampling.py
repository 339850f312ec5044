"""Cheaper ways to make numpy's own draws, for code that runs once per actor.

Building a centre draws a few numbers for every actor, and a batch builds one centre per
seed; ``Generator.choice`` spends most of its time checking its arguments, not drawing.
These helpers take the very same numbers from the stream, in the same order, so every
seed's run stays bit-for-bit what it was (``tests/test_sampling.py`` checks this against
``Generator.choice`` itself).
"""

from __future__ import annotations

import numpy as np

#: Largest population for which ``Generator.choice(replace=False)`` always uses Floyd's algorithm.
_FLOYD_MAX_POPULATION = 10_000


def sample_without_replacement(rng: np.random.Generator, n: int, k: int) -> list[int]:
    """``rng.choice(n, size=k, replace=False).tolist()``, from the same draws.

    For a small population numpy uses Floyd's algorithm: for each ``j`` from ``n - k`` to
    ``n - 1`` one draw in ``[0, j]``, kept unless already picked, else ``j`` is kept; then
    it shuffles the ``k`` picks (one draw in ``[0, i]`` for ``i = k - 1 … 1``). A scalar
    ``rng.integers`` makes each of those draws the way ``choice`` does. Above 10,000 numpy
    may shuffle instead, so there this simply asks ``choice``.
    """
    if n > _FLOYD_MAX_POPULATION:
        return rng.choice(n, size=k, replace=False).tolist()
    picks: list[int] = []
    for j in range(n - k, n):
        pick = int(rng.integers(j + 1))
        picks.append(j if pick in picks else pick)
    for i in range(k - 1, 0, -1):
        other = int(rng.integers(i + 1))
        picks[i], picks[other] = picks[other], picks[i]
    return picks


__all__ = ["sample_without_replacement"]
