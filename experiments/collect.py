"""Merge a sweep's complete jobs into two tidy tables in the sweep folder.

    python -m experiments.collect sweeps/coord_study          # runs.parquet, timeseries.parquet
    python -m experiments.collect sweeps/coord_study --csv    # ... and the same as CSV

``runs.parquet`` has one row per seed-run: every swept key as a column (e.g.
``drivers.coordinator``), ``seed``, and that seed's figures — the final week's ties per
form, trust and familiarity, and the totals over all weeks of the outcomes (referrals,
exchanges, joint offers, new initiatives, failed efforts), and with ``params=posterior``
the seed's parameter set (``parameter_set``, ``particle``, ``weight``, the parameter
values, from the job's ``parameters.parquet``). ``timeseries.parquet`` is the
weekly table of every seed-run with the same key columns. A job counts only when its
``summary.json`` (written last) exists; failed or unfinished jobs are listed, not merged,
and so are broken ones (a truncated file, a summary that is not a run's), one line each.
The chunks of a config (a sweep with ``sweep.seeds_per_job``, :mod:`experiments.chunks`)
are joined into one job: its ``job`` name leaves out the chunk's ``seed=`` and
``replicates=``, and its rows are its seeds in order, as an unchunked job's are.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser

from model.forms import FORMS

from .chunks import CHUNK_KEYS, is_chunked
from .cli import GROUPS, folder_name_excluded
from .outputs import write_csv, write_parquet
from .sweep import ERROR_FILE

# How a sweep was named, launched or cut into jobs, not what it varies, and the posterior's
# path and hash (each seed's set is in the parameter columns): the keys Hydra leaves out of
# job folder names.
NOT_SWEPT = folder_name_excluded()
FINAL_MEASURES = (
    *(f"ties_{f.id}" for f in FORMS), "ties_any", "ties_total", "multiplex_pairs",
    "mean_trust", "mean_familiarity",
    "n_actors", "coordinator_active", "forum_active",
    "residents_reached", "residents_in_joint",
)  # fmt: skip
TOTAL_MEASURES = ("referrals", "resources_shared", "joint_offers", "new_initiatives",
                  "failed_efforts", "referrals_completed", "residents_volunteered")  # fmt: skip


@dataclass
class Collected:
    """A merged sweep: the two tables, the swept keys (those that vary across jobs), and
    jobs left out."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    keys: list[str]
    incomplete: list[Path]
    broken: dict[Path, str] = field(default_factory=dict)


def job_dirs(sweep_dir: Path) -> tuple[list[Path], list[Path]]:
    """Complete job folders (with ``summary.json``) and failed or unfinished ones."""
    sweep_dir = Path(sweep_dir)
    complete, incomplete = [], []
    for marker in sorted(sweep_dir.rglob(".hydra/overrides.yaml")):
        job = marker.parent.parent
        if any(part.startswith(".") for part in job.relative_to(sweep_dir).parts):
            continue  # .submitit, .sweep: launcher and progress files
        (complete if (job / "summary.json").is_file() else incomplete).append(job)
    for error in sorted(sweep_dir.rglob(ERROR_FILE)):
        if error.parent not in complete and error.parent not in incomplete:
            incomplete.append(error.parent)
    return complete, incomplete


def job_overrides(job: Path) -> list[str]:
    """The job's command-line overrides, as Hydra saved them."""
    lines = yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text(encoding="utf-8")) or []
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ValueError(".hydra/overrides.yaml is not a list of overrides")
    return lines


def config_name(lines: list[str]) -> str:
    """The folder name of the job these overrides make, as Hydra names it (sorted
    ``key=value`` joined by commas), without a chunk's ``seed`` and ``replicates``: the
    name of the config a chunk belongs to."""
    skip = set(NOT_SWEPT) | (set(CHUNK_KEYS) if is_chunked(lines) else set())
    kept = [item.input_line for item in OverridesParser.create().parse_overrides(lines)
            if item.key_or_group not in skip and not item.key_or_group.startswith("hydra")]  # fmt: skip
    return ",".join(sorted(kept))


def swept_values(job: Path, config: dict) -> dict:
    """The job's overrides as typed values, keyed by their dotted key (not a chunk's seeds)."""
    lines = job_overrides(job)
    chunk = set(CHUNK_KEYS) if is_chunked(lines) else set()
    values = {}
    for item in OverridesParser.create().parse_overrides(lines):
        key = item.key_or_group
        if key in NOT_SWEPT or key in chunk or key.startswith("hydra"):
            continue
        if key in GROUPS:
            values[key] = item.get_value_element_as_str()
            continue
        node = config
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        values[key] = node if not isinstance(node, list | dict) else json.dumps(node)
    return values


def per_seed(timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per seed: final-week measures and totals of the outcomes over all weeks."""
    by_seed = timeseries.sort_values(["seed", "step"]).groupby("seed")
    final = by_seed.tail(1).set_index("seed")
    row = final[["step", *FINAL_MEASURES]].rename(
        columns={"step": "weeks", **{m: f"final_{m}" for m in FINAL_MEASURES}}
    )
    totals = by_seed[list(TOTAL_MEASURES)].sum().add_prefix("total_")
    return row.join(totals).reset_index()


def collect(sweep_dir: Path) -> Collected:
    """Read every complete job of ``sweep_dir`` into the two tidy tables."""
    complete, incomplete = job_dirs(sweep_dir)
    if not complete:
        raise FileNotFoundError(f"no complete job (summary.json) under {sweep_dir}")
    runs, series, keys, broken = [], [], [], {}
    for job in complete:
        try:
            values, timeseries = read_job(job)
        except Exception as err:  # one broken job is reported, the others still merge
            broken[job] = " ".join(f"{type(err).__name__}: {err}".split())[:200]
            continue
        keys += [k for k in values if k not in keys]
        name = str(job.relative_to(sweep_dir))
        lines = job_overrides(job)
        if is_chunked(lines):  # one name for all chunks of a config, so they join
            name = str((job.relative_to(sweep_dir).parent / config_name(lines)).as_posix())
        seed_rows = per_seed(timeseries)
        if (job / "parameters.parquet").is_file():  # params=posterior: each seed's set
            seed_rows = seed_rows.merge(pd.read_parquet(job / "parameters.parquet"), on="seed", how="left")
        runs.append(_with_keys(seed_rows, name, values))
        series.append(_with_keys(timeseries, name, values))
    if not runs:
        raise FileNotFoundError(f"no readable complete job under {sweep_dir} ({len(broken)} "
                                f"broken, e.g. {next(iter(broken.values()))})")  # fmt: skip
    keys = sorted(keys)
    runs_frame = _order(pd.concat(runs, ignore_index=True), keys)
    series_frame = _order(pd.concat(series, ignore_index=True), keys)
    # Only keys that take more than one value across jobs are swept; the others (e.g.
    # replicates=10 given once for the whole sweep) stay as columns but are not named.
    swept = [k for k in keys if runs_frame[k].astype(str).nunique() > 1]
    return Collected(runs_frame, series_frame, swept, incomplete, broken)


def read_job(job: Path) -> tuple[dict, pd.DataFrame]:
    """A complete job's swept values and weekly table; raises on any damaged file."""
    summary = json.loads((job / "summary.json").read_text(encoding="utf-8"))
    if not isinstance(summary, dict) or not isinstance(summary.get("config"), dict):
        raise ValueError("summary.json holds no run config")
    values = swept_values(job, summary["config"])
    timeseries = pd.read_parquet(job / "timeseries.parquet")
    missing = [m for m in ("seed", "step", *FINAL_MEASURES, *TOTAL_MEASURES)
               if m not in timeseries]  # fmt: skip
    if missing:
        raise ValueError(f"timeseries.parquet lacks {', '.join(missing)}")
    return values, timeseries


def _with_keys(frame: pd.DataFrame, name: str, values: dict) -> pd.DataFrame:
    frame.insert(0, "job", name)
    for i, (key, value) in enumerate(values.items()):
        frame.insert(1 + i, key, value)
    return frame


def _order(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    for key in keys:
        if key not in frame:
            frame[key] = None
    rest = [c for c in frame.columns if c not in keys and c != "job"]
    return frame[["job", *keys, *rest]].sort_values(["job", "seed"], kind="stable")


def missing_sweep_dir(sweep_dir: Path) -> bool:
    """Say on one line (and return True) when ``sweep_dir`` is not a folder."""
    if sweep_dir.is_dir():
        return False
    print(f"error: sweep_dir={sweep_dir} is not allowed; allowed: an existing sweep folder",
          file=sys.stderr)  # fmt: skip
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.collect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_dir", type=Path, help="a sweep folder, e.g. sweeps/coord_study")
    parser.add_argument("--csv", action="store_true", help="also write runs.csv, timeseries.csv")
    args = parser.parse_args(argv)
    if missing_sweep_dir(args.sweep_dir):
        return 2
    try:
        merged = collect(args.sweep_dir)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = args.sweep_dir
    write_parquet(merged.runs, out / "runs.parquet")
    write_parquet(merged.timeseries, out / "timeseries.parquet")
    if args.csv:
        write_csv(merged.runs, out / "runs.csv")
        write_csv(merged.timeseries, out / "timeseries.csv")
    jobs = merged.runs["job"].nunique()
    print(f"{jobs} job(s), {len(merged.runs)} seed-run(s); swept: {', '.join(merged.keys) or '-'}")
    also = " (+ .csv)" if args.csv else ""
    print(f"Files: {out}/runs.parquet, {out}/timeseries.parquet{also}")
    if merged.incomplete:
        print(f"Left out {len(merged.incomplete)} failed or unfinished job(s):")
        for job in merged.incomplete:
            print(f"  {job}")
    if merged.broken:
        print(f"Left out {len(merged.broken)} broken job(s) (a damaged file; delete the job's "
              "folder and run the sweep again to redo it):")  # fmt: skip
        for job, reason in merged.broken.items():
            print(f"  {job}: {reason}")
    return 1 if merged.broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
