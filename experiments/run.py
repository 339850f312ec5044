"""Run a centre under a scenario and write tidy result files.

    python -m experiments.run                       # housing_area, baseline, seed 0, 260 weeks
    python -m experiments.run centre=health drivers.coordinator=false replicates=20
    python -m experiments.run -m drivers.leadership_support=0.2,0.8 replicates=30 sweep.name=lead
    python -m experiments.run -m ... launcher=joblib      # all local cores (or slurm, ...)

Writes ``timeseries.parquet``, ``actors.parquet``, ``ties.parquet``, ``summary.json`` and
last ``manifest.json`` (provenance, see :mod:`experiments.manifest`) into Hydra's run (or
sweep job) folder; ``docs/outputs.md`` documents every column.
A sweep (``-m``) skips complete jobs, keeps going past failed ones and exits with status 1
if any failed (see :mod:`experiments.sweep` and ``docs/researchers.md``).
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

import model

from . import sweep
from .cli import fail, precheck, roster_overrides
from .config import RunConfig, to_run_config
from .manifest import MANIFEST, command_line, write_manifest
from .outputs import remove_leftovers, stop_cleanly_on_sigterm, write_json, write_parquet
from .posterior import posterior_overrides

if TYPE_CHECKING:
    from .simulate import RunResult

RESULT_TABLES = ("timeseries.parquet", "actors.parquet", "ties.parquet")
RESULT_FILES = (*RESULT_TABLES, "summary.json")


def write_results(run: RunConfig, result: RunResult, out: Path, resolved: dict) -> None:
    """Write every result file of a job atomically; ``summary.json`` last marks it complete."""
    from .simulate import summarise
    write_parquet(result.timeseries, out / "timeseries.parquet")
    write_parquet(result.actors, out / "actors.parquet")
    write_parquet(result.ties, out / "ties.parquet")
    if result.parameters is not None:
        write_parquet(result.parameters, out / "parameters.parquet")
    if result.networks:
        from analysis.network import write_network  # networkx: only when networks are asked for

        for week, frame in result.networks.items():
            write_network(frame, result.actors, out / "networks", week)
    summary = {
        "version": model.__version__,
        "centre": run.centre.name,
        "scenario": run.scenario.name,
        "seeds": list(range(run.seed, run.seed + run.replicates)),
        "steps": run.steps,
        "headline": summarise(run, result),
        "config": resolved,
    }
    write_json(summary, out / "summary.json")


def run_job(cfg: DictConfig) -> Path:
    """Simulate a composed config and write its files into Hydra's output folder."""
    try:
        run = to_run_config(cfg)
    except model.InputError as err:
        fail(err)
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    out = Path(HydraConfig.get().runtime.output_dir)
    # A run killed with kill -9 could not remove its temporary file: earlier runs' folders
    # are this one's siblings (outputs/<date>_<time>_…/), so clean them up now.
    remove_leftovers(out.parent, "*/.*.tmp")
    remove_leftovers(out.parent, "*/networks/.*.tmp")
    from tqdm import tqdm  # a single run's progress bar; sweep jobs print lines instead

    # Here, not at the top: the simulation imports Mesa (pandas, scipy, networkx: seconds),
    # which a sweep's launching process, composing and checking configs only, never needs.
    from .simulate import forms_table, simulate

    started = time.perf_counter()
    bar = tqdm(total=run.replicates, desc="seeds", unit="seed", disable=run.replicates < 2,
               file=sys.stderr)  # fmt: skip
    result = simulate(run, progress=lambda _seed: bar.update())
    bar.close()
    resolved = OmegaConf.to_container(cfg, resolve=True)
    if run.roster:  # record the roster's centre, not the default preset it replaced
        resolved["centre"] = dataclasses.asdict(run.centre)
    write_results(run, result, out, resolved)
    write_manifest(out, "run", {"run": run}, tables=RESULT_TABLES)
    seconds = time.perf_counter() - started
    print(f"{run.centre.name} / {run.scenario.name}: {run.replicates} seed(s) × {run.steps} weeks "
          f"in {seconds:.1f} s")  # fmt: skip
    print("Mean ties per form (and mean trust) over seeds:")
    print(forms_table(result).round(2).to_string())
    extra = ("parameters.parquet",) if result.parameters is not None else ()
    print(f"Files: {out}/ ({', '.join((*RESULT_FILES, *extra, MANIFEST))})")
    return out


def run_sweep_job(cfg: DictConfig) -> sweep.JobOutcome:
    """One job of a sweep: skip if complete, isolate a failure, print a progress line."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    sweep.watch_launcher()  # a worker process exits if the sweep that started it is killed
    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    command = command_line("experiments.run", list(hydra_cfg.overrides.task))
    outcome = sweep.execute_job(cfg, out, command=command)
    print(sweep.record(Path(hydra_cfg.sweep.dir), out, outcome), flush=True)
    return outcome


@hydra.main(config_path="../configs", config_name="config", version_base="1.3")
def hydra_main(cfg: DictConfig) -> None:
    if HydraConfig.get().mode == RunMode.MULTIRUN:
        run_sweep_job(cfg)
    else:
        run_job(cfg)


def main() -> None:
    try:
        sys.argv[1:] = roster_overrides(sys.argv[1:])  # centre=path/to/roster.yaml
        sys.argv[1:] = posterior_overrides(sys.argv[1:])  # params=posterior posterior=PATH
    except model.InputError as err:
        fail(err)
    precheck(sys.argv[1:])
    stop_cleanly_on_sigterm()
    sweep.LAST_SWEEP = None
    try:
        hydra_main()
    except SystemExit:  # Hydra stopped (e.g. a full disk): still list the failures it saw
        if sweep.SEEN_FAILURES and sweep.LAST_SWEEP is None:
            print("Failed jobs before the sweep stopped:", file=sys.stderr)
            for job, note in sorted(sweep.SEEN_FAILURES.items()):
                print(f"  {job}" + (f" — {note}" if note else ""), file=sys.stderr)
        raise
    if sweep.LAST_SWEEP is not None and not sweep.LAST_SWEEP.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
