"""Check a result folder against its ``manifest.json``: files untouched, seeds reproducible.

    python -m experiments.verify outputs/2026-11-27_10-00-00_health_baseline_s0
    python -m experiments.verify sweeps/coord_study --seeds 1 --jobs 3
    python -m experiments.verify reports/health_coordinator_stops

Every file listed in the manifest must exist with the same SHA-256; then a sample of the
recorded seeds (``--seeds``, spread over the range) is simulated again from the manifest's
config and must give exactly the values stored (for a sweep, in a sample of ``--jobs`` jobs).
Prints one line per problem and exits 1 if there is any, 0 if everything matches.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

import model

from .config import RunConfig, to_run_config
from .manifest import MANIFEST, REPLAYABLE, sha256
from .simulate import simulate


def spread(items: list, count: int) -> list:
    """``count`` items spread evenly over ``items`` (first and last included)."""
    if count <= 0 or not items:
        return []
    if count >= len(items):
        return list(items)
    picks = np.linspace(0, len(items) - 1, count).round().astype(int)
    return [items[i] for i in sorted(set(picks))]


def read_manifest(folder: Path) -> dict:
    """The folder's manifest; raises ``FileNotFoundError``/``ValueError`` with a clear message."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing (not an output folder of medborgersim?)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise ValueError(f"{path} is not valid JSON ({err})") from None


def check_files(folder: Path, manifest: dict) -> list[str]:
    """One line per listed file that is missing or whose SHA-256 differs."""
    problems = []
    for name, expected in sorted(manifest.get("files", {}).items()):
        path = Path(folder) / name
        if not path.is_file():
            problems.append(f"missing: {path} (listed in {MANIFEST})")
        elif sha256(path) != expected:
            problems.append(f"changed: {path} (SHA-256 differs from {MANIFEST})")
    return problems


def rebuild(config: dict) -> RunConfig:
    """The run config recorded in a manifest, checked like any other."""
    return to_run_config(OmegaConf.merge(OmegaConf.structured(RunConfig), config))


def replay(folder: Path, manifest: dict, seeds: int) -> tuple[list[str], list[str]]:
    """Re-run a sample of each arm's seeds; returns (problems, what was checked)."""
    problems, checked = [], []
    tables = manifest.get("replay", {}).get("tables", [])
    arm_column = manifest.get("replay", {}).get("arm_column")
    stored = {}
    for table in tables:
        path = Path(folder) / table
        if path.is_file():
            stored[table] = pd.read_parquet(path)
    if manifest.get("runs") and manifest.get("model_version") != model.__version__:
        problems.append(f"version: {folder} was made by model version "
                        f"{manifest.get('model_version')}, this code is {model.__version__}")  # fmt: skip
        return problems, checked
    for arm, record in manifest.get("runs", {}).items():
        run = rebuild(record["config"])
        # A run may be one part of an arm ("scenario/set0": one parameter set of a
        # params=posterior what-if); its rows carry the arm's name and its own seeds.
        arm_value = arm.partition("/")[0]
        for seed in spread(record["seeds"], seeds):
            fresh = simulate(dataclasses.replace(run, seed=seed, replicates=1))
            for table, frame in stored.items():
                kept = frame
                if arm_column is not None:
                    kept = kept[kept[arm_column] == arm_value].drop(columns=arm_column)
                kept = kept[kept["seed"] == seed].reset_index(drop=True)
                new = getattr(fresh, REPLAYABLE[table]).reset_index(drop=True)
                where = first_difference(kept, new)
                label = f"{arm} seed {seed}" if arm_column else f"seed {seed}"
                if where:
                    problems.append(f"differs: {Path(folder) / table}: {label} re-run gives "
                                    f"other values ({where})")  # fmt: skip
            checked.append(f"{arm}:{seed}" if arm_column else str(seed))
    return problems, checked


def first_difference(stored: pd.DataFrame, fresh: pd.DataFrame) -> str | None:
    """Where two tables first differ, in words; None if their values are identical."""
    if list(stored.columns) != list(fresh.columns):
        return "columns " + ", ".join(sorted(set(stored.columns) ^ set(fresh.columns)))
    if len(stored) != len(fresh):
        return f"{len(stored)} rows stored, {len(fresh)} re-run"
    for column in stored.columns:
        a, b = stored[column], fresh[column]
        try:
            pd.testing.assert_series_equal(a, b, check_dtype=False, check_exact=True,
                                           check_names=False)  # fmt: skip
        except AssertionError:
            equal = (a == b).fillna(False).astype(bool) | (a.isna() & b.isna())
            rows = np.flatnonzero(~equal.to_numpy())
            row = int(rows[0]) if len(rows) else 0
            return f"column {column}, row {row}: stored {a.iloc[row]!r}, re-run {b.iloc[row]!r}"
    return None


def verify(folder: Path, seeds: int = 2, jobs: int = 2) -> tuple[list[str], list[str]]:
    """Problems found in ``folder`` (empty if it verifies) and a line per thing checked."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = check_files(folder, manifest)
    notes = [f"{len(manifest.get('files', {}))} file(s) checked against their SHA-256"]
    listed = set(manifest.get("files", {}))
    extra = sorted(set(_current_files(folder)) - listed)
    if extra:
        notes.append(f"not covered by {MANIFEST} (added later, e.g. by experiments.collect): "
                     + ", ".join(extra[:5]) + (" …" if len(extra) > 5 else ""))  # fmt: skip
    if seeds <= 0:
        return problems, notes
    if manifest.get("kind") == "sweep":
        job_dirs = sorted(p.parent for p in folder.glob(f"*/{MANIFEST}"))
        for job in spread(job_dirs, jobs):
            job_problems, job_notes = verify(job, seeds, jobs)
            problems += job_problems
            notes += [f"{job.name}: {n}" for n in job_notes]
        return problems, notes
    replay_problems, checked = replay(folder, manifest, seeds)
    problems += replay_problems
    if checked:
        notes.append("re-ran seed(s) " + ", ".join(checked))
    return problems, notes


def _current_files(folder: Path) -> list[str]:
    from .manifest import file_hashes

    return list(file_hashes(folder))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.verify", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a run, sweep or report folder")
    parser.add_argument("--seeds", type=int, default=2, help="seeds to re-run per arm (0: none)")
    parser.add_argument("--jobs", type=int, default=2, help="jobs to re-run in a sweep folder")
    args = parser.parse_args(argv)
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if not args.folder.is_dir():
        print(f"error: folder={args.folder} is not allowed; allowed: an existing output folder",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        problems, notes = verify(args.folder, args.seeds, args.jobs)
    except (FileNotFoundError, ValueError, model.InputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for note in notes:
        print(note)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {args.folder}", file=sys.stderr)
        return 1
    print(f"OK: {args.folder} matches its {MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
