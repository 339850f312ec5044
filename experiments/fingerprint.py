"""A fingerprint of the model's outputs: did a change (a speed-up, a refactoring) leave
every output bit-identical?

    python -m experiments.fingerprint                  # 4 presets × 2 scenarios × seeds 0, 1
    python -m experiments.fingerprint --weeks 30 --engine reference

Runs ``--weeks`` weeks of every centre preset under the baseline and under
``coordinator_stops`` (with ``drivers.coordinator=true``, so the role exists in every
preset and then stops), for each seed, composed as the CLI composes a run; hashes the
weekly table, the actors and the ties (and the network at week ``--weeks // 2``) of each
case, exactly (every float's bits, every dtype and column name). Prints one line per case
and the total; equal totals before and after a change mean identical outputs. A case's
seeds run in one job, so ``--engine batched`` runs them as one batch and each seed's rows
must hash as if it had run alone.
"""

from __future__ import annotations

import argparse
import hashlib

import numpy as np
import pandas as pd

PRESETS = ("housing_area", "association", "library", "health")
SCENARIOS = {
    "baseline": ["scenario=baseline"],
    "coordinator_stops": ["scenario=coordinator_stops", "drivers.coordinator=true"],
}


def frame_digest(frame: pd.DataFrame, digest) -> None:
    """Feed a frame's column names, dtypes, index and exact values into ``digest``."""
    digest.update(repr((list(frame.columns), [str(t) for t in frame.dtypes], list(frame.index))).encode())
    for name in frame.columns:
        values = frame[name].to_numpy()
        if values.dtype.kind in "biuf":
            digest.update(np.ascontiguousarray(values).tobytes())
        else:
            digest.update(repr(values.tolist()).encode())


def case_fingerprints(preset: str, scenario: str, seeds, weeks: int, engine: str) -> list[str]:
    """The hash of each seed's outputs after ``weeks`` weeks, for one preset and scenario.

    The seeds run in one job (so ``engine=batched`` runs them as one batch); each seed's
    rows are hashed on their own, as if the seed had run alone."""
    from .cli import compose_run
    from .simulate import simulate

    mid = max(weeks // 2, 1)
    seeds = list(seeds)
    consecutive = seeds == list(range(seeds[0], seeds[0] + len(seeds)))
    groups = [seeds] if consecutive else [[seed] for seed in seeds]
    hashes = []
    for group in groups:
        run = compose_run([f"centre={preset}", *SCENARIOS[scenario], f"seed={group[0]}",
                           f"replicates={len(group)}", f"steps={weeks}", f"engine={engine}",
                           f"network_weeks=[{mid}]"])  # fmt: skip
        result = simulate(run)
        for seed in group:
            digest = hashlib.sha256()
            for frame in (result.timeseries, result.actors, result.ties, *result.networks.values()):
                frame_digest(frame[frame["seed"] == seed].reset_index(drop=True), digest)
            hashes.append(digest.hexdigest()[:16])
    return hashes


def case_fingerprint(preset: str, scenario: str, seed: int, weeks: int, engine: str) -> str:
    """The hash of one preset, scenario and seed's outputs after ``weeks`` weeks."""
    return case_fingerprints(preset, scenario, [seed], weeks, engine)[0]


def fingerprint(weeks: int = 120, seeds=(0, 1), engine: str = "vectorised", presets=PRESETS,
                echo=None) -> str:  # fmt: skip
    """The combined hash of every case; ``echo`` is called with each case's line."""
    total = hashlib.sha256()
    for preset in presets:
        for scenario in SCENARIOS:
            for seed, h in zip(seeds, case_fingerprints(preset, scenario, seeds, weeks, engine), strict=True):
                total.update(h.encode())
                if echo is not None:
                    echo(f"{preset:13s} {scenario:18s} seed {seed}: {h}")
    return total.hexdigest()[:16]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m experiments.fingerprint", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--weeks", type=int, default=120, help="weeks per case")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="seeds per case")
    parser.add_argument("--engine", default="vectorised", help="model engine (vectorised, reference, …)")
    args = parser.parse_args(argv)
    total = fingerprint(args.weeks, args.seeds, args.engine, echo=print)
    print(f"total: {total}")


if __name__ == "__main__":
    main()
