"""Sweeps over ranges: a Latin hypercube design, run job by job like any other sweep.

    python -m experiments.design lhs n=40 drivers.leadership_support=0:1 drivers.co_location=0:1 \\
        centre=health replicates=5 sweep.name=lead_coloc
    python -m experiments.design lhs n=40 ... design_seed=1 n_jobs=2

A grid (``python -m experiments.run -m key=a,b,c``) grows as the product of its values; a
Latin hypercube spreads ``n`` points over every range at once, each range cut into ``n``
strata hit once (scipy's ``qmc.LatinHypercube``, seeded by ``design_seed`` so the same
command gives the same design). ``key=low:high`` is a range; any other ``key=value`` is a
fixed override of every job. Each point is one job of the sweep folder ``sweeps/<sweep.name>``
(named by its overrides, as Hydra names grid jobs), run by :func:`experiments.sweep.execute_job`:
complete jobs are skipped on a re-run, a failing job is isolated in its ``error.txt``, and the
exit status is 1 if any failed. ``design.csv`` lists the points; ``experiments.collect`` and
``analysis.discover`` read the folder as they read a grid sweep.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf
from scipy.stats import qmc

from model import InputError

from . import sweep
from .cli import CONFIG_DIR, compose_run, describe_key, explain, fail, roster_overrides
from .manifest import command_line, write_manifest
from .outputs import write_csv, write_json, write_text

METHODS = ("lhs",)
RANGE = re.compile(r"^(-?\d+(?:\.\d*)?):(-?\d+(?:\.\d*)?)$")
DIGITS = 4  # decimals kept of a design value: short folder names, far finer than any effect
USAGE = __doc__.split("\n\n")[1]


@dataclass
class Design:
    """A checked design request: the ranges, the fixed overrides and where the sweep goes."""

    n: int
    design_seed: int
    ranges: dict[str, tuple[float, float]]
    fixed: list[str]
    sweep_dir: Path
    n_jobs: int = 1
    whole: set[str] = field(default_factory=set)  # keys that take whole numbers

    def spec(self) -> dict:
        """What makes the design: stored in ``design.json`` so a re-run can be checked."""
        return {"method": "lhs", "n": self.n, "design_seed": self.design_seed,
                "ranges": {k: list(v) for k, v in self.ranges.items()}, "fixed": self.fixed}  # fmt: skip


def parse(argv: list[str]) -> Design:
    """Check the arguments; raises :class:`InputError` before anything is written."""
    if not argv or argv[0] not in METHODS:
        raise InputError("method", argv[0] if argv else "", "one of " + ", ".join(METHODS))
    settings = {"n": 20, "design_seed": 0, "n_jobs": 1}
    ranges: dict[str, tuple[float, float]] = {}
    fixed: list[str] = []
    sweep_dir = None
    for arg in argv[1:]:
        key, sep, value = arg.partition("=")
        if not sep or arg.startswith("-"):
            raise InputError("argument", arg, "key=value or key=low:high, e.g. n=40 "
                             "drivers.leadership_support=0:1")  # fmt: skip
        if key in settings:
            if not value.isdigit() or int(value) < (0 if key == "design_seed" else 1):
                raise InputError(key, value, "a whole number >= " + ("0" if key == "design_seed" else "1"))
            settings[key] = int(value)
        elif key == "hydra.sweep.dir":
            sweep_dir = Path(value)
        elif match := RANGE.match(value):
            low, high = float(match.group(1)), float(match.group(2))
            if not low < high:
                raise InputError(key, value, "a range low:high with low < high")
            ranges[key] = (low, high)
        else:
            fixed.append(arg)
    if not ranges:
        raise InputError("ranges", "", "at least one key=low:high, e.g. drivers.co_location=0:1")
    fixed = roster_overrides(fixed)
    whole = set()
    for key, (low, high) in ranges.items():
        kind = describe_key(key)
        if kind not in ("a number", "a whole number"):
            raise InputError(key, f"{low:g}:{high:g}", "a range only over a numeric key")
        if kind == "a whole number":
            whole.add(key)
        for end in (low, high):  # both ends must be valid values of the key
            compose_run([*fixed, f"{key}={_value(end, key in whole)}"])
    compose_run(fixed)
    name = next((a.partition("=")[2] for a in fixed if a.startswith("sweep.name=")), "design")
    return Design(settings["n"], settings["design_seed"], ranges, fixed,
                  sweep_dir or Path("sweeps") / name, settings["n_jobs"], whole)  # fmt: skip


def _value(number: float, whole: bool) -> str:
    return str(int(round(number))) if whole else repr(round(float(number), DIGITS))


def points(design: Design) -> pd.DataFrame:
    """The design: one row per point, one column per range, every value inside its range."""
    sampler = qmc.LatinHypercube(d=len(design.ranges), seed=design.design_seed)
    unit = sampler.random(design.n)
    lows = [low for low, _ in design.ranges.values()]
    highs = [high for _, high in design.ranges.values()]
    scaled = qmc.scale(unit, lows, highs)
    frame = pd.DataFrame(scaled, columns=list(design.ranges))
    for key, (low, high) in design.ranges.items():
        values = frame[key].round(0 if key in design.whole else DIGITS).clip(low, high)
        frame[key] = values.astype(int) if key in design.whole else values
    frame.insert(0, "point", range(design.n))
    return frame


def job_overrides(design: Design, row: pd.Series) -> list[str]:
    """A point's overrides: the fixed ones and its value of every range."""
    return [*design.fixed, *(f"{k}={_value(row[k], k in design.whole)}" for k in design.ranges)]


def job_name(overrides: list[str]) -> str:
    """The job's folder, named like Hydra names a grid job (sorted overrides, no sweep name)."""
    kept = sorted(o for o in overrides if o.partition("=")[0] not in ("sweep.name", "launcher"))
    return ",".join(kept).replace("/", "_")


def compose_job(overrides: list[str]) -> DictConfig:
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        try:
            return compose(config_name="config", overrides=overrides)
        except Exception as err:
            raise explain(overrides, err) from None


def run_point(overrides: list[str], job_dir: Path, sweep_dir: Path) -> str:
    """Run one design point as a sweep job (skip if complete, isolate a failure)."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    cfg = compose_job(overrides)
    # Hydra's own job record: collect reads a job's swept values from overrides.yaml.
    write_text(yaml.safe_dump(list(overrides)), job_dir / ".hydra" / "overrides.yaml")
    write_text(OmegaConf.to_yaml(cfg), job_dir / ".hydra" / "config.yaml")
    outcome = sweep.execute_job(cfg, job_dir, command=command_line("experiments.run", overrides))
    print(sweep.record(sweep_dir, job_dir, outcome), flush=True)
    return outcome.status


def run_design(design: Design) -> sweep.SweepSummary:
    """Write the design, run every point into the sweep folder and the sweep's manifest."""
    sweep_dir = design.sweep_dir
    stored = sweep_dir / "design.json"
    if stored.is_file() and json.loads(stored.read_text(encoding="utf-8")) != design.spec():
        raise InputError("sweep.name", sweep_dir.name, "a new name: this sweep folder holds "
                         "another design (or the same arguments as before, to resume it)")  # fmt: skip
    table = points(design)
    jobs = [job_overrides(design, row) for _, row in table.iterrows()]
    table.insert(1, "job", [job_name(o) for o in jobs])
    sweep.lock_folder(sweep_dir)  # one design session at a time in a folder
    try:
        write_json(design.spec(), stored)
        write_csv(table, sweep_dir / "design.csv")
        sweep.start_session(sweep_dir, len(jobs))
        tasks = [(o, sweep_dir / job_name(o), sweep_dir) for o in jobs]
        if design.n_jobs > 1:
            from joblib import Parallel, delayed

            Parallel(n_jobs=design.n_jobs)(delayed(run_point)(*task) for task in tasks)
        else:
            for task in tasks:
                run_point(*task)
        summary = sweep.summarise_session(sweep_dir)
        print(sweep.describe(summary), flush=True)
        write_manifest(sweep_dir, "sweep")
    finally:
        sweep.unlock_folder()
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    try:
        design = parse(argv)
        summary = run_design(design)
    except InputError as err:
        fail(err)
    finally:
        GlobalHydra.instance().clear()
    return 0 if summary.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
