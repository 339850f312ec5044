"""A planner's what-if: run a scenario and its baseline over many seeds and write a report.

    python -m experiments.whatif centre=health scenario=coordinator_stops
    python -m experiments.whatif centre=docs/example_roster.yaml scenario=funding_expires
    python -m experiments.whatif centre=library scenario=helhedsplan_shift replicates=50 out=mine

Any override of ``experiments.run`` works (``drivers.…``, ``params.…``, ``steps=``,
``seed=``); ``replicates`` defaults to 30 here and ``out=`` sets the report folder
(default ``reports/<centre>_<scenario>/``). Both arms use the same seeds, so they are
identical until the scenario's first event. Writes ``report.html`` (self-contained),
``report.md`` with ``figures/*.png``, ``effects.csv``, ``effects_da.csv`` (for Danish Excel:
``;`` and decimal comma) and ``timeseries.parquet``; bad input gives one line and exit
status 2 before anything is written.

Your own events need no preset; the scenario is then named after them::

    python -m experiments.whatif centre=health 'scenario.events=[{week:26,action:coordinator_stops}]'

Parameters from a calibration (``python -m analysis.calibrate``) instead of the defaults::

    python -m experiments.whatif centre=health scenario=coordinator_stops params=posterior
    python -m experiments.whatif centre=health scenario=coordinator_stops params=posterior \
        posterior=calibrations/mine/posterior.csv parameter_sets=5

``params=posterior`` draws ``parameter_sets`` (default 10) parameter sets from the posterior
and runs each for ``replicates / parameter_sets`` seeds (both arms alike); the report then
says how much of the interval comes from the parameters and how much from chance.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
import time
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis.whatif_report import HORIZONS, build_report
from model import InputError

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
from .parallel import merge, simulate_many
from .posterior import DEFAULT_POSTERIOR, apply_set, draw_sets, load_posterior, variance_shares
from .simulate import RunResult

DEFAULT_REPLICATES = 30
DEFAULT_PARAMETER_SETS = 10
USAGE = __doc__.split("\n\n")[1]


@dataclasses.dataclass
class WhatIf:
    """A checked what-if request: the scenario run, its baseline and where to write."""

    scenario: RunConfig
    baseline: RunConfig
    week: int
    out: Path
    parameter_sets: pd.DataFrame | None = None  # drawn from a posterior (params=posterior)
    posterior: Path | None = None


def intervention_week(run: RunConfig) -> int:
    """The first event's week; 0 for a structural scenario without events (dispersed)."""
    return min((e.week for e in run.scenario.events), default=0)


def _is_scenario_override(arg: str) -> bool:
    return arg.lstrip("+~").startswith(("scenario=", "scenario."))


def custom_name(events) -> str:
    """A scenario name made of its events, e.g. ``coordinator_stops_w26`` (for folders)."""
    ordered = sorted(events, key=lambda e: (e.week, e.action))
    return "+".join(f"{e.action}_w{e.week}" for e in ordered) or "custom"


def prepare(argv: list[str]) -> WhatIf:
    """Parse and check the arguments; raises :class:`InputError` (nothing is written).

    Events given on the command line (``'scenario.events=[{week:26,action:…}]'``) make a
    custom scenario: no preset is needed, and unless ``scenario.name=`` is given it is
    named after its events, so a preset's name and description never label other events.
    """
    out = None
    overrides = []
    posterior_args: dict[str, str] = {}
    for arg in argv:
        key, sep, value = arg.partition("=")
        if not sep or arg.startswith("-"):
            raise InputError("argument", arg, "key=value overrides, e.g. centre=health "
                             "scenario=coordinator_stops out=reports/mine")  # fmt: skip
        if key == "out":
            if not value:
                raise InputError("out", value, "a folder path")
            out = Path(value)
        elif key in ("params", "posterior", "parameter_sets"):
            posterior_args[key] = value
        else:
            overrides.append(arg)
    posterior = posterior_file(posterior_args)  # before composing: a wrong file fails fast
    if not any(a.lstrip("+").startswith("replicates=") for a in overrides):
        overrides.append(f"replicates={DEFAULT_REPLICATES}")
    scenario = compose_run(overrides)
    if scenario.replicates < 2:  # one seed has no spread, so no interval to report
        raise InputError("replicates", scenario.replicates, "at least 2 seeds (a 95 % interval "
                         f"needs two or more; the default is {DEFAULT_REPLICATES})")  # fmt: skip
    own_events = any(a.lstrip("+~").startswith("scenario.events") for a in overrides)
    own_name = any(a.lstrip("+~").startswith("scenario.name=") for a in overrides)
    if own_events and not own_name and scenario.scenario.events:
        scenario.scenario.name = custom_name(scenario.scenario.events)
        scenario.scenario.description = ""
    if scenario.scenario.name == "baseline":
        raise InputError("scenario", "baseline", "a scenario to compare with the baseline, e.g. "
                         "coordinator_stops, funding_expires, dispersed, or your own events "
                         "'scenario.events=[{week:26,action:coordinator_stops}]'")  # fmt: skip
    # The baseline is the same centre and drivers without any of the scenario's settings.
    baseline = compose_run([*(a for a in overrides if not _is_scenario_override(a)),
                            "scenario=baseline"])  # fmt: skip
    week = intervention_week(scenario)
    if scenario.steps < week + HORIZONS[0]:
        raise InputError("steps", scenario.steps,
                         f"at least {week + HORIZONS[0]} (the change in week {week} + 26 weeks)")
    after = min(week + 52, scenario.steps)
    weeks = sorted({max(week - 1, 0), after})
    scenario = dataclasses.replace(scenario, network_weeks=weeks)
    baseline = dataclasses.replace(baseline, network_weeks=weeks)
    sets = None if posterior is None else posterior_sets(posterior, posterior_args, scenario)
    out = out or Path("reports") / folder_name(f"{centre_name(scenario)}_{scenario.scenario.name}")
    check_writable("out", out)  # before both arms run, not after
    return WhatIf(scenario, baseline, week, out, sets, posterior)


def posterior_file(args: dict[str, str]) -> Path | None:
    """The posterior file of ``params=posterior`` (checked), or None without it."""
    if not args:
        return None
    if args.get("params") != "posterior":
        raise InputError("params", args.get("params", "(missing)"),
                         "posterior (with posterior= and parameter_sets=), or params.<name>=value")
    path = Path(args.get("posterior") or DEFAULT_POSTERIOR)
    load_posterior(path)
    return path


def posterior_sets(path: Path, args: dict[str, str], run: RunConfig) -> pd.DataFrame:
    """The parameter sets of ``params=posterior``, drawn with the run's seed."""
    frame, _ = load_posterior(path)
    text = args.get("parameter_sets", str(DEFAULT_PARAMETER_SETS))
    n = run.replicates
    divisors = [k for k in range(2, n // 2 + 1) if n % k == 0]
    if not text.isdigit() or int(text) not in divisors:
        raise InputError("parameter_sets", text, f"a divisor of replicates={n} from 2 to {n // 2} "
                         f"(each set needs two seeds or more): {', '.join(map(str, divisors)) or 'none'}")
    sets = draw_sets(frame, int(text), run.seed)
    for _, row in sets.iterrows():
        apply_set(run.params, row.drop(["particle", "weight"]))  # out-of-range values fail now
    return sets


def set_runs(run: RunConfig, sets: pd.DataFrame) -> list[RunConfig]:
    """``run`` split into one run per parameter set, over consecutive seed blocks."""
    per_set = run.replicates // len(sets)
    return [dataclasses.replace(run, params=apply_set(run.params, row.drop(["particle", "weight"])),
                                seed=run.seed + k * per_set, replicates=per_set)
            for k, (_, row) in enumerate(sets.iterrows())]  # fmt: skip


def uncertainty_table(request: WhatIf, scenario_ts: pd.DataFrame, baseline_ts: pd.DataFrame,
                      measure: str = "ties_any") -> pd.DataFrame:  # fmt: skip
    """Per horizon: the spread over seeds of the scenario's effect on ``measure``, split into
    the parameters' part (between parameter sets) and chance's part (within a set)."""
    per_set = request.scenario.replicates // len(request.parameter_sets)
    rows = []
    for horizon in HORIZONS:
        week = request.week + horizon
        if week > request.scenario.steps:
            continue
        s = scenario_ts[scenario_ts["step"] == week].set_index("seed")[measure]
        b = baseline_ts[baseline_ts["step"] == week].set_index("seed")[measure]
        effects = (s - b).rename("effect").reset_index()
        effects["parameter_set"] = (effects["seed"] - request.scenario.seed) // per_set
        shares = variance_shares(effects)
        rows.append({"measure": measure, "weeks_after": horizon, "months": horizon * 12 // 52,
                     "mean_effect": float(effects["effect"].mean()),
                     "sd_effect": float(effects["effect"].std(ddof=1)), **shares})  # fmt: skip
    return pd.DataFrame(rows)


def uncertainty_notes(table: pd.DataFrame) -> list[str]:
    """The split of the interval into parameters and chance, in plain Danish and English."""
    if table.empty or table["parameter_share"].isna().all():
        return []
    r = table.dropna(subset=["parameter_share"]).iloc[-1]
    p, c, months = r["parameter_share"], r["chance_share"], int(r["months"])
    return [
        f"Usikkerhed: Intervallerne dækker både det, modellen ikke ved om sine parametre, og "
        f"tilfældigheder. For ændringen i antal samarbejdsrelationer efter {months} måneder "
        f"skyldes ca. {p:.0%} af spredningen parametrene (forskelle mellem {int(r['sets'])} "
        f"parametersæt fra kalibreringen) og ca. {c:.0%} tilfældigheder (forskelle mellem "
        "kørsler med samme parametre). / Uncertainty: the intervals cover both what the model "
        f"does not know about its parameters and chance. For the change in ties after {months} "
        f"months, about {p:.0%} of the spread comes from the parameters (differences between "
        f"{int(r['sets'])} parameter sets from the calibration) and about {c:.0%} from chance "
        "(runs differing with the same parameters).",
    ]


def centre_name(run: RunConfig) -> str:
    """The centre's name as the user wrote it (a roster's own ``name:``, Danish letters
    and spaces intact), else the preset's name."""
    if run.roster:
        from .roster import load_roster

        return load_roster(run.roster).name
    return run.centre.name


def folder_name(name: str) -> str:
    """``name`` with only what a file system forbids replaced (letters like æøå stay)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(". ") or "report"


def notes(request: WhatIf) -> list[str]:
    """Warnings where a scenario does little in this centre, in Danish and English."""
    run, found = request.scenario, []
    actions = [e.action for e in sorted(run.scenario.events, key=lambda e: e.week)]
    coordinator = run.drivers.coordinator
    coordinator = run.centre.coordinator if coordinator is None else coordinator
    if "coordinator_stops" in actions and not coordinator and (
        "coordinator_starts" not in actions[: actions.index("coordinator_stops")]
    ):
        found.append("Bemærk: centret har ingen koordinator ved start, så der er intet at "
                     "stoppe; tilføj drivers.coordinator=true. / Note: the centre has no "
                     "coordinator at the start, so there is nothing to stop; add "
                     "drivers.coordinator=true.")  # fmt: skip
    if "funding_ends" in actions and not any(
        g.funding == "project" or (g.funding is None and g.profile.permanent is False)
        for g in run.centre.actor_groups
    ):
        found.append("Bemærk: ingen aktører er projektfinansierede. / Note: no actor is "
                     "project-funded.")  # fmt: skip
    if run.drivers.co_location is not None and all(
        g.co_located is not None for g in run.centre.actor_groups
    ):
        found.append("Bemærk: centret fastlægger for alle aktører, om de har til huse i "
                     "centret, så drivers.co_location ændrer intet. / Note: the centre fixes for "
                     "every actor whether it is housed, so drivers.co_location changes "
                     "nothing.")  # fmt: skip
    if "funder_pulls_out" in actions and run.centre.funders == 1:
        found.append("Bemærk: centret har kun én finansieringskilde, så den trækker alle penge ud "
                     "og huset holder næsten lukket. / Note: the centre has one funder, so its "
                     "pull-out takes all the money and the house all but closes.")  # fmt: skip
    return found


def _network_panels(request: WhatIf, scenario: RunResult, baseline: RunResult):
    seed = request.scenario.seed
    before, after = request.scenario.network_weeks[0], request.scenario.network_weeks[-1]

    def panel(title, result, week):
        ties = result.networks[week]
        actors = result.actors[result.actors["seed"] == seed]
        present = actors["arrived_step"].le(week) & (
            actors["left_step"].isna() | actors["left_step"].gt(week)
        )
        return title, ties[ties["seed"] == seed], actors[present]

    return [
        panel(f"før / before (uge {before})", baseline, before),
        panel(f"med / with {request.scenario.scenario.name} (uge {after})", scenario, after),
        panel(f"uden / baseline (uge {after})", baseline, after),
    ]


def write_danish_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV that Danish Excel opens in columns: ``;`` between fields, decimal comma, and
    UTF-8 with a byte-order mark so æ, ø and å survive a double-click."""
    return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False, sep=";", decimal=",",
                                                       encoding="utf-8-sig"))


def run_whatif(request: WhatIf, show_progress: bool = True, n_jobs: int | None = None) -> Path:
    """Simulate both arms (on ``n_jobs`` cores, None: all), build the report and write its
    files into ``request.out``."""
    logging.getLogger("mesa").setLevel(logging.WARNING)
    for folder in (request.out, request.out / "figures"):  # files of a report killed mid-write
        remove_leftovers(folder)
    n = request.scenario.replicates
    bar = tqdm(total=2 * n, desc="kørsler / runs", unit="run", file=sys.stderr,
               disable=not show_progress)  # fmt: skip
    arms = {"scenario": request.scenario, "baseline": request.baseline}
    if request.parameter_sets is None:
        runs = {name: [run] for name, run in arms.items()}
    else:
        runs = {name: set_runs(run, request.parameter_sets) for name, run in arms.items()}
    flat = [r for name in arms for r in runs[name]]
    done = iter(simulate_many(flat, n_jobs, bar.update))
    results = {name: merge([next(done) for _ in runs[name]]) for name in arms}
    bar.close()
    extra_notes, uncertainty = [], None
    if request.parameter_sets is not None:
        uncertainty = uncertainty_table(request, results["scenario"].timeseries,
                                        results["baseline"].timeseries)  # fmt: skip
        extra_notes = uncertainty_notes(uncertainty)
    seeds = list(range(request.scenario.seed, request.scenario.seed + n))
    report = build_report(
        centre=centre_name(request.scenario),
        scenario=request.scenario.scenario.name,
        description=request.scenario.scenario.description,
        events=request.scenario.scenario.events,
        week=request.week,
        scenario_ts=results["scenario"].timeseries,
        baseline_ts=results["baseline"].timeseries,
        networks=_network_panels(request, results["scenario"], results["baseline"]),
        seeds=seeds,
        steps=request.scenario.steps,
        notes=notes(request) + extra_notes,
    )
    out = request.out
    for name, figure in report.figures.items():
        write_atomic(out / "figures" / name, lambda tmp, data=figure.png: tmp.write_bytes(data))
    write_csv(report.effects, out / "effects.csv")
    write_danish_csv(report.effects_danish(), out / "effects_da.csv")
    both = pd.concat(
        [results[arm].timeseries.assign(arm=arm) for arm in ("scenario", "baseline")],
        ignore_index=True,
    )
    write_parquet(both, out / "timeseries.parquet")
    if uncertainty is not None:
        write_csv(uncertainty, out / "uncertainty.csv")
        per_set = n // len(request.parameter_sets)
        sets = request.parameter_sets.assign(first_seed=[r.seed for r in runs["scenario"]],
                                             seeds=per_set, posterior=str(request.posterior))  # fmt: skip
        write_csv(sets.rename_axis("parameter_set").reset_index(), out / "parameter_sets.csv")
    write_text(report.markdown(), out / "report.md")
    write_text(report.html(), out / "report.html")  # last: its presence marks a whole report
    if request.parameter_sets is None:
        write_manifest(out, "whatif", arms, arm_column="arm")  # provenance of everything above
    else:  # every set's config (its parameters applied) over its own seeds: replayable
        sets_runs = {f"{name}/set{k}": run for name in arms for k, run in enumerate(runs[name])}
        write_manifest(out, "whatif", sets_runs, arm_column="arm")
    return out


def main(argv: list[str] | None = None) -> None:
    request = request_from(argv, USAGE, prepare)
    if request is None:
        return
    started = time.perf_counter()
    out = run_whatif(request)
    seconds = time.perf_counter() - started
    print(f"{centre_name(request.scenario)} / {request.scenario.scenario.name}: "
          f"{request.scenario.replicates} seeds × 2 arms × {request.scenario.steps} weeks "
          f"in {seconds:.1f} s")  # fmt: skip
    print(f"Report: {out / 'report.html'} (and report.md, effects.csv, effects_da.csv)")


if __name__ == "__main__":
    main()
