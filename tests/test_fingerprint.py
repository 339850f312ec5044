"""The outputs' fingerprint (``experiments.fingerprint``) sees a one-bit change and nothing else."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from experiments.fingerprint import case_fingerprint, frame_digest


def _digest(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    frame_digest(frame, digest)
    return digest.hexdigest()


def test_a_last_bit_or_a_dtype_changes_the_digest():
    frame = pd.DataFrame({"trust": [0.1, 0.2, 0.3], "ties": [1, 2, 3], "form": ["a", "b", "c"]})
    nudged = frame.copy()
    nudged.loc[1, "trust"] = np.nextafter(0.2, 1.0)
    assert _digest(frame) == _digest(frame.copy())
    assert _digest(nudged) != _digest(frame)
    assert _digest(frame.astype({"ties": np.int32})) != _digest(frame)


def test_engines_share_a_fingerprint_and_seeds_do_not():
    vectorised = case_fingerprint("association", "coordinator_stops", 0, 10, "vectorised")
    assert case_fingerprint("association", "coordinator_stops", 0, 10, "compiled") == vectorised
    assert case_fingerprint("association", "coordinator_stops", 1, 10, "vectorised") != vectorised
