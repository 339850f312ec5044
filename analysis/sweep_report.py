"""Turn a sweep into a folder of PNG figures.

    python -m analysis.sweep_report sweeps/coord_study            # → sweeps/coord_study/figures/
    python -m analysis.sweep_report sweeps/coord_study --lang da  # the same figures in Danish

Collects the sweep first if ``runs.parquet`` is missing or older than a job's results.
Writes, for the keys that vary in the sweep: ``forms_vs_<key>.png`` (each form against one
key, band over seeds), ``heatmap_<key1>__<key2>.png`` (two keys at a time) and
``composition.png`` (share of each form per combination of keys). Each figure is in one
language (``--lang en``, the default, or ``da``).
"""

from __future__ import annotations

import argparse
import re
import sys
from itertools import combinations
from pathlib import Path

import pandas as pd

from experiments import collect as collecting
from experiments.outputs import write_parquet

from .sweep_plots import LANGUAGES, composition, forms_against_driver, heatmap, save, varying_keys

MAX_HEATMAPS = 6


def load_runs(sweep_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """The per-seed table and the swept keys, collecting the sweep if needed."""
    runs_path = sweep_dir / "runs.parquet"
    complete, _ = collecting.job_dirs(sweep_dir)
    newest = max(((job / "summary.json").stat().st_mtime for job in complete), default=0.0)
    if not runs_path.is_file() or runs_path.stat().st_mtime < newest:
        merged = collecting.collect(sweep_dir)
        write_parquet(merged.runs, runs_path)
        write_parquet(merged.timeseries, sweep_dir / "timeseries.parquet")
    runs = pd.read_parquet(runs_path)
    start, end = list(runs.columns).index("job") + 1, list(runs.columns).index("seed")
    return runs, list(runs.columns[start:end])


def report(sweep_dir: Path, out: Path | None = None, lang: str = "en") -> list[Path]:
    """Write every figure for ``sweep_dir`` in ``lang`` and return their paths."""
    runs, keys = load_runs(sweep_dir)
    out = out or sweep_dir / "figures"
    drivers = varying_keys(runs, keys)
    written = []
    for driver in drivers:
        others = [k for k in drivers if k != driver]
        written.append(save(forms_against_driver(runs, driver, others, lang),
                            out / f"forms_vs_{_slug(driver)}.png"))  # fmt: skip
    for x_key, y_key in list(combinations(drivers, 2))[:MAX_HEATMAPS]:
        written.append(save(heatmap(runs, x_key, y_key, lang),
                            out / f"heatmap_{_slug(x_key)}__{_slug(y_key)}.png"))  # fmt: skip
    written.append(save(composition(runs, drivers, lang), out / "composition.png"))
    return written


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.sweep_report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_dir", type=Path, help="a sweep folder, e.g. sweeps/coord_study")
    parser.add_argument("--out", type=Path, help="figure folder (default: SWEEP_DIR/figures)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of every label: en (default) or da")
    args = parser.parse_args(argv)
    if collecting.missing_sweep_dir(args.sweep_dir):
        return 2
    try:
        written = report(args.sweep_dir, args.out, args.lang)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
