"""A planner's question: how long must the coordinator run, and does a restart help?

    python -m experiments.stopweek centre=health
    python -m experiments.stopweek centre=health weeks=26,52,104,156 restart_after=26 replicates=20
    python -m experiments.stopweek centre=docs/example_roster.yaml weeks=52,104 out=reports/mine

Runs the centre with its coordinator (tovholder) kept all the way, and once per candidate
week with the coordinator stopping that week (``weeks=``, default 26,52,104,156) — and, with
``restart_after=N``, once more with it starting again N weeks after the stop. Every arm uses
the same seeds (``replicates``, default 20), so the differences are the stop's effect. Any
override of ``experiments.run`` works (``drivers.…``, ``params.…``, ``steps=``, ``seed=``);
the coordinator is switched on at the start. Writes ``report.html`` (self-contained),
``report.md`` with ``figures/*.png``, ``losses.csv``, ``timeseries.parquet`` and
``manifest.json`` into ``out=`` (default ``reports/<centre>_stopweek/``).
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis.stopweek_report import build_report
from model import WEEKLY_MEASURES, InputError

from .cli import compose_run, request_from
from .config import RunConfig
from .guards import check_writable
from .manifest import write_manifest
from .outputs import (
    remove_leftovers,
    write_atomic,
    write_csv,
    write_parquet,
    write_text,
)
from .parallel import simulate_many
from .whatif import centre_name, folder_name

DEFAULT_WEEKS = (26, 52, 104, 156)
DEFAULT_REPLICATES = 20
USAGE = __doc__.split("\n\n")[1]


@dataclasses.dataclass
class StopWeek:
    """A checked request: every arm's run config, their stop and restart weeks, the folder."""

    runs: dict[str, RunConfig]
    arms: pd.DataFrame  # arm, stop_week, restart_week
    out: Path


def _whole(key: str, value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise InputError(key, value, "whole weeks >= 1, e.g. weeks=26,52,104")
    return int(value)


def events(stop: int, restart: int | None) -> str:
    """The arm's scenario events as a Hydra override value."""
    items = [f"{{week:{stop},action:coordinator_stops}}"]
    if restart is not None:
        items.append(f"{{week:{restart},action:coordinator_starts}}")
    return "[" + ",".join(items) + "]"


def prepare(argv: list[str]) -> StopWeek:
    """Parse and check the arguments; raises :class:`InputError` (nothing is written)."""
    weeks, restart_after, out, overrides = list(DEFAULT_WEEKS), None, None, []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if not sep or arg.startswith("-"):
            raise InputError("argument", arg, "key=value overrides, e.g. centre=health "
                             "weeks=26,52,104 restart_after=26")  # fmt: skip
        if key == "weeks":
            weeks = sorted({_whole("weeks", w) for w in value.split(",")})
        elif key == "restart_after":
            restart_after = _whole("restart_after", value)
        elif key == "out":
            out = Path(value) if value else None
            if out is None:
                raise InputError("out", value, "a folder path")
        elif key.lstrip("+") == "scenario" or key.startswith("scenario."):
            raise InputError(key, value, "no scenario: this command sets the coordinator's "
                             "stop (and restart) itself")  # fmt: skip
        elif key == "drivers.coordinator" and value.lower() != "true":
            raise InputError(key, value, "true (the question is when to stop a coordinator)")
        else:
            overrides.append(arg)
    if not any(a.lstrip("+").startswith("replicates=") for a in overrides):
        overrides.append(f"replicates={DEFAULT_REPLICATES}")
    overrides.append("drivers.coordinator=true")
    kept = compose_run([*overrides, "scenario=baseline", "scenario.name=kept"])
    for week in weeks:
        if week >= kept.steps:
            raise InputError("weeks", week, f"weeks from 1 to {kept.steps - 1} (steps={kept.steps})")
    runs, rows = {"kept": kept}, [{"arm": "kept", "stop_week": None, "restart_week": None}]
    for week in weeks:
        plans = [(f"stop_{week}", None)]
        if restart_after is not None and week + restart_after < kept.steps:
            plans.append((f"stop_{week}_restart_{week + restart_after}", week + restart_after))
        for name, restart in plans:
            runs[name] = compose_run([*overrides, "scenario=baseline", f"scenario.name={name}",
                                      f"scenario.events={events(week, restart)}"])  # fmt: skip
            rows.append({"arm": name, "stop_week": week, "restart_week": restart})
    arms = pd.DataFrame(rows).astype({"stop_week": "Int64", "restart_week": "Int64"})
    out = out or Path("reports") / folder_name(f"{centre_name(kept)}_stopweek")
    check_writable("out", out)  # before any arm runs, as the what-if does
    return StopWeek(runs, arms, out)


def run_stopweek(request: StopWeek, show_progress: bool = True) -> Path:
    """Simulate every arm on the same seeds, build the report and write its files."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    for folder in (request.out, request.out / "figures"):  # files of a report killed mid-write
        remove_leftovers(folder)
    kept = request.runs["kept"]
    bar = tqdm(total=len(request.runs) * kept.replicates, desc="kørsler / runs", unit="run",
               file=sys.stderr, disable=not show_progress)  # fmt: skip
    # Every arm on every core (as the what-if's arms); the same tables as one after another.
    results = simulate_many(list(request.runs.values()), progress=bar.update)
    frames = [result.timeseries.assign(arm=arm) for arm, result in zip(request.runs, results, strict=True)]
    bar.close()
    timeseries = pd.concat(frames, ignore_index=True)
    seeds = list(range(kept.seed, kept.seed + kept.replicates))
    report = build_report(centre=kept.centre.name, timeseries=timeseries, arms=request.arms,
                          seeds=seeds, steps=kept.steps, measures=WEEKLY_MEASURES)  # fmt: skip
    out = request.out
    for name, (_, png) in report.figures.items():
        write_atomic(out / "figures" / name, lambda tmp, data=png: tmp.write_bytes(data))
    write_csv(report.table, out / "losses.csv")
    write_parquet(timeseries, out / "timeseries.parquet")
    write_text(report.markdown(), out / "report.md")
    write_text(report.html(), out / "report.html")
    write_manifest(out, "stopweek", request.runs, arm_column="arm")  # last: hashes all above
    return out


def main(argv: list[str] | None = None) -> None:
    request = request_from(argv, USAGE, prepare)
    if request is None:
        return
    started = time.perf_counter()
    out = run_stopweek(request)
    kept = request.runs["kept"]
    print(f"{kept.centre.name}: {len(request.runs)} arms × {kept.replicates} seeds × {kept.steps} "
          f"weeks in {time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"Report: {out / 'report.html'} (and report.md, losses.csv)")


if __name__ == "__main__":
    main()
