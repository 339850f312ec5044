"""The cheap draws of ``model/sampling.py`` take exactly the numbers numpy's own would."""

from __future__ import annotations

import numpy as np
import pytest

from model.sampling import sample_without_replacement


@pytest.mark.parametrize("n", [1, 2, 3, 7, 15, 40])
def test_sample_without_replacement_is_numpy_choice(n):
    for k in range(min(n, 4) + 1):
        for seed in range(300):
            ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
            if seed % 2:  # leave half a 64-bit draw buffered, as earlier small draws do
                ours.integers(5), numpys.integers(5)
            expected = numpys.choice(n, size=k, replace=False).tolist()
            assert sample_without_replacement(ours, n, k) == expected
            # ... and leaves the stream where choice leaves it
            assert ours.integers(1000) == numpys.integers(1000)
            assert ours.random() == numpys.random()


def test_large_population_asks_numpy():
    ours, numpys = np.random.default_rng(1), np.random.default_rng(1)
    expected = numpys.choice(20_000, size=1000, replace=False).tolist()
    assert sample_without_replacement(ours, 20_000, 1000) == expected
    assert ours.random() == numpys.random()


def test_scalar_integers_is_choice_of_one():
    """``_presence_for`` picks one candidate slot with ``rng.integers`` for ``rng.choice``."""
    candidates = np.array([0, 3, 4, 9, 13])
    for seed in range(300):
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        assert candidates[ours.integers(len(candidates))] == numpys.choice(candidates)
        assert ours.random() == numpys.random()


def test_normal_block_is_scalar_normals():
    """``_new_rows`` draws an actor's four trait noises in one call for four scalar calls."""
    for seed in range(100):
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        assert ours.normal(0, 0.05, 4).tolist() == [numpys.normal(0, 0.05) for _ in range(4)]
        assert ours.random() == numpys.random()
