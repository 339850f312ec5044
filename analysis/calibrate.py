"""Calibrate the free parameters by ABC-SMC (pyabc) and check the posterior on held-out
patterns and cases; writes docs/calibration.md with its posterior file and figures.

    python -m analysis.calibrate                      # small budget: ~4 min on 2 cores
    python -m analysis.calibrate --larger             # 60 particles, ≤ 5 generations, 260 weeks (~40 min)
    python -m analysis.calibrate --larger --launcher slurm --launcher-option slurm_partition=normal
    python -m analysis.calibrate --population 32 --generations 4 --draws 16 --jobs 2
    python -m analysis.calibrate --mapping docs/example_mapping.csv --centre docs/example_roster.yaml \\
        --out calibrations/mit_medborgerhus/calibration.md   # a planner's own centre

Default: calibrate the five parameters of ``analysis.calibration.PRIORS`` on the patterns
2a, 2b, M1, 6a of two cases (housing_area, library); then draw parameter sets from the
posterior and check every pattern target on those two cases (the other patterns are held
out) and on the other two cases (held out), next to the same checks at the default
parameters. With ``--mapping`` the targets are the mapped numbers of pairs per form at each
later date instead, on the given centre.

Writes, atomically, next to ``--out``: ``calibration/posterior.csv`` (particles and weights)
and ``calibration/posterior.json`` (provenance), ``calibration/generations.csv``,
``calibration/predictive.csv`` and ``calibration/posterior.png``. pyabc's own database is a
temporary SQLite file, deleted afterwards. Bad input: one line, exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import io
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.abc_sampler import LOCAL, launchers, make_sampler  # noqa: E402
from analysis.calibration import (  # noqa: E402
    CALIBRATION_CASES,
    CALIBRATION_TARGETS,
    HELD_OUT_CASES,
    PRIORS,
    TARGETS,
    Budget,
    Posterior,
    Simulator,
    predictive,
    predictive_table,
    run_abc,
)
from experiments.cli import compose_run, fail  # noqa: E402
from experiments.manifest import command_line, git_state  # noqa: E402
from experiments.outputs import stop_cleanly_on_sigterm, write_atomic, write_csv, write_text  # noqa: E402
from experiments.posterior import draw_sets, write_posterior  # noqa: E402
from model import InputError, ModelParams  # noqa: E402

CASES = ("housing_area", "association", "library", "health")
NOTES = Path(__file__).resolve().parents[1] / "docs" / "calibration_notes.md"
LARGER = Budget(population=60, generations=5, max_simulations=1200, steps=260)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analysis.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    small = Budget()
    parser.add_argument("--population", type=int, default=None,
                        help=f"particles (default {small.population})")
    parser.add_argument("--generations", type=int, default=None,
                        help=f"most ABC-SMC generations (default {small.generations})")
    parser.add_argument("--max-simulations", type=int, default=None,
                        help=f"cap on simulations in all (default {small.max_simulations})")
    parser.add_argument("--steps", type=int, default=None, help=f"weeks per run (default {small.steps})")
    parser.add_argument("--draws", type=int, default=None,
                        help="posterior draws for the predictive checks (default 8; --larger 30)")
    parser.add_argument("--larger", action="store_true",
                        help="the documented larger budget: 60 particles, 5 generations, 260 weeks")
    parser.add_argument("--seed", type=int, default=0, help="seeds pyabc and the predictive draws")
    parser.add_argument("--jobs", type=int, default=2, help="local cores (default 2)")
    parser.add_argument("--replicates", type=int, default=None,
                        help=f"seeds per arm and simulation, run as one batch (default {small.replicates})")
    parser.add_argument("--launcher", default=LOCAL, metavar="NAME",
                        help="where simulations run: local (--jobs cores) or a launcher file of "
                        f"configs/launcher run through submitit ({', '.join(launchers()[1:])})")
    parser.add_argument("--launcher-option", action="append", default=[], metavar="KEY=VALUE",
                        help="a submitit setting over the launcher file's, e.g. slurm_partition=debug")
    parser.add_argument("--sims-per-job", type=int, default=4,
                        help="simulations per cluster job (default 4)")
    parser.add_argument("--targets", nargs="+", default=list(CALIBRATION_TARGETS), choices=list(TARGETS),
                        metavar="ID", help=f"calibration patterns (default {' '.join(CALIBRATION_TARGETS)})")
    parser.add_argument("--check", nargs="+", default=list(TARGETS), choices=list(TARGETS), metavar="ID",
                        help="patterns in the predictive checks (default: all targets)")
    parser.add_argument("--cases", nargs="+", default=list(CALIBRATION_CASES), choices=CASES,
                        metavar="CENTRE", help="cases to calibrate on (default housing_area library)")
    parser.add_argument("--held-out-cases", nargs="*", default=None, choices=CASES, metavar="CENTRE",
                        help="cases only predicted (default: the other presets)")
    parser.add_argument("--mapping", type=Path, default=None,
                        help="a planner's mapping CSV (source,target,form,date) to calibrate to")
    parser.add_argument("--centre", default=None,
                        help="with --mapping: a centre preset or roster file the mapping names")
    parser.add_argument("--out", type=Path, default=Path("docs/calibration.md"))
    args = parser.parse_args(argv)
    budget = LARGER if args.larger else Budget()
    for key in ("population", "generations", "max_simulations", "steps", "draws", "jobs", "replicates",
                "sims_per_job"):
        value = getattr(args, key)
        if value is not None and value < (2 if key in ("population", "draws") else 1):
            parser.error(f"--{key.replace('_', '-')}: {value} is not allowed; use a larger integer")
    args.budget = Budget(
        population=args.population or budget.population,
        generations=args.generations or budget.generations,
        max_simulations=args.max_simulations or budget.max_simulations,
        steps=args.steps or budget.steps,
        replicates=args.replicates or budget.replicates,
    )
    if args.launcher not in launchers():
        parser.error(f"--launcher: {args.launcher} is not allowed; use one of {', '.join(launchers())}")
    args.launcher_options = {}
    for item in args.launcher_option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--launcher-option: {item} is not allowed; use KEY=VALUE")
        args.launcher_options[key] = int(value) if value.isdigit() else value
    args.draws = args.draws or (30 if args.larger else 8)
    if args.held_out_cases is None:
        args.held_out_cases = [c for c in HELD_OUT_CASES if c not in args.cases]
    if args.mapping is not None and args.centre is None:
        parser.error("--mapping needs --centre (the preset or roster file whose actors it names)")
    return args


# --------------------------------------------------------------------------- setup
def pattern_setup(args) -> tuple[Simulator, dict[str, Simulator]]:
    """The calibration simulator and the predictive ones, by role."""
    steps = args.budget.steps
    k = args.budget.replicates
    calibrate = Simulator(tuple(args.cases), tuple(TARGETS[t] for t in args.targets), steps, replicates=k)
    held = [t for t in args.check if t not in args.targets]
    checks = {"calibration target": calibrate}
    if held:
        checks["held-out pattern"] = Simulator(tuple(args.cases), tuple(TARGETS[t] for t in held), steps,
                                               replicates=k)  # fmt: skip
    if args.held_out_cases:
        checks["held-out case"] = Simulator(tuple(args.held_out_cases), tuple(TARGETS[t] for t in args.check),
                                            steps, replicates=k)  # fmt: skip
    return calibrate, checks


def mapping_setup(args) -> tuple[Simulator, dict[str, Simulator], dict]:
    """A planner's centre: start from the first mapped date, aim at the later ones."""
    from analysis.mapping import mapping_targets, mapping_weeks, read_mapping, starting_centre, steps_for

    run = compose_run([f"centre={args.centre}"])
    mapping = read_mapping(args.mapping, run.centre)
    steps = steps_for(mapping)
    run = replace(run, centre=starting_centre(run.centre, mapping), steps=steps)
    runs = {"centre": {"baseline": run}}
    args.budget.steps = steps  # to the last mapped date
    targets = mapping_targets(mapping)
    simulator = Simulator(("centre",), targets, steps, runs=runs, weeks=mapping_weeks(mapping),
                          replicates=args.budget.replicates)  # fmt: skip
    info = {"mapping": str(args.mapping), "centre": args.centre,
            "dates": [str(d) for d in mapping.dates], "weeks": [0, *mapping_weeks(mapping)],
            "observed": {str(d): mapping.counts(d) for d in mapping.dates}}  # fmt: skip
    return simulator, {"calibration target": simulator}, info


# ------------------------------------------------------------------------- outputs
def provenance(args, seconds: float, posterior: Posterior, extra: dict) -> dict:
    """What made the posterior: enough to run it again and to judge it."""
    defaults = ModelParams()
    return {
        "command": command_line("analysis.calibrate", args.argv),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "versions": {name: _version(name) for name in ("medborgersim", "pyabc", "mesa", "numpy")},
        "method": "ABC-SMC (pyabc): uniform priors, median-quantile tolerance from infinity, "
                  "distance = root mean square of the targets' misses",
        "priors": {p.name: {"distribution": "uniform", "low": p.low, "high": p.high,
                            "default": getattr(defaults, p.name)} for p in PRIORS},
        "targets": extra.get("targets", list(args.targets)),
        "cases": extra.get("cases", list(args.cases)),
        "budget": vars(args.budget),
        "seed": args.seed,
        "jobs": args.jobs,
        "launcher": args.launcher,
        "reproducible": "byte for byte with --jobs 1 and the local launcher; with several cores "
                        "or cluster jobs the sampler's order depends on timing",
        "seconds": round(seconds, 1),
        "generations": posterior.generations.to_dict(orient="records"),
        **{k: v for k, v in extra.items() if k not in ("targets", "cases")},
    }


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def figure(posterior: Posterior) -> bytes:
    """Weighted posterior histogram of each parameter over its prior range, and the
    tolerance and effective sample size by generation."""
    n = len(PRIORS)
    fig, axes = plt.subplots(1, n + 1, figsize=(2.6 * (n + 1), 2.6))
    defaults = ModelParams()
    for ax, prior in zip(axes, PRIORS, strict=False):
        ax.hist(posterior.particles[prior.name], bins=10, range=(prior.low, prior.high),
                weights=posterior.weights, color="#377eb8", alpha=0.8)  # fmt: skip
        ax.axhline(1 / 10, color="grey", lw=1, ls=":", label="prior")
        ax.axvline(getattr(defaults, prior.name), color="#e41a1c", lw=1, label="default")
        ax.set_title(prior.name, fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=6)
    gens = posterior.generations
    eps = gens["epsilon"].astype(float)
    ax = axes[-1]
    ax.plot(gens["generation"], gens["ess"], "o-", label="ESS", color="#4daf4a")
    ax.set_xlabel("generation", fontsize=7)
    ax2 = ax.twinx()
    ax2.plot(gens["generation"], eps, "s--", label="tolerance", color="#984ea3")
    ax.set_title("ESS (green), tolerance (purple)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax2.tick_params(labelsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x) >= 0.001 or x == 0 else f"{x:.1e}"


def posterior_table(posterior: Posterior) -> list[str]:
    defaults = ModelParams()
    lines = ["| parameter | prior (uniform) | default | posterior mean | 90 % interval |",
             "|---|---|---|---|---|"]
    w = posterior.weights / posterior.weights.sum()
    for p in PRIORS:
        x = posterior.particles[p.name].to_numpy()
        order = np.argsort(x)
        cum = np.cumsum(w[order])
        lo, hi = x[order][np.searchsorted(cum, 0.05)], x[order][min(np.searchsorted(cum, 0.95), len(x) - 1)]
        lines.append(f"| {p.name} | {_num(p.low)} – {_num(p.high)} | {_num(getattr(defaults, p.name))} "
                     f"| {_num(float(np.sum(w * x)))} | {_num(lo)} – {_num(hi)} |")  # fmt: skip
    return lines


def check_table(table: pd.DataFrame, role: str, title: str, intro: str) -> list[str]:
    mine = table[table["role"] == role]
    if mine.empty:
        return []
    lines = ["", f"## {title}", "", intro, "",
             "| pattern | case | statistic | region | posterior median [5 %, 95 %] | holds (posterior) "
             "| holds (defaults) |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for _, r in mine.iterrows():
        mark = "✅" if r["holds"] else "❌"
        default = "–" if pd.isna(r.get("default_share")) else _pct(r["default_share"])
        lines.append(f"| {r['target']} | {r['case']} | {r['statistic']} | {r['region']} | "
                     f"{_num(r['median'])} [{_num(r['p05'])}, {_num(r['p95'])}] | {mark} "
                     f"{_pct(r['share_holding'])} | {default} |")  # fmt: skip
    held = int(mine["holds"].sum())
    lines += ["", f"{held} of {len(mine)} hold in at least half the posterior draws."]
    return lines


def report(args, posterior: Posterior, table: pd.DataFrame, seconds: dict, extra: dict) -> str:
    b = args.budget
    lines = [
        "# Calibration: ABC-SMC of the free parameters, with held-out checks",
        "",
        "Approximate Bayesian computation by sequential Monte Carlo (pyabc) narrows uniform "
        "priors over the five parameters that mattered most in the Morris screening "
        "(`docs/sensitivity.md`) to the parameter sets under which the *calibration targets* "
        "hold. A target is a pattern of `docs/validation.md` as one statistic and the region "
        "the pattern asks of it; only validation patterns (which must emerge) are targets. "
        "The distance is the root mean square of how far the statistics lie outside their "
        "regions (0: all hold). Definitions: `analysis/calibration.py`; priors: "
        "`docs/ODD.md` § 7.",
        "",
        f"Produced by `{command_line('analysis.calibrate', args.argv)}`: "
        f"{b.population} particles, at most {b.generations} generations and {b.max_simulations} "
        f"simulations, {b.steps} weeks per run, {b.replicates} seed(s) per arm per simulation (one "
        f"batch; statistics of their means), seed {args.seed}, launcher {args.launcher}"
        f"{f' ({args.jobs} cores)' if args.launcher == LOCAL else ''}; ABC {seconds['abc'] / 60:.1f} min, "
        "predictive checks "
        f"{seconds['checks'] / 60:.1f} min. Posterior: `calibration/posterior.csv` "
        "(particles, weights) with its provenance in `calibration/posterior.json`.",
        "",
    ]
    if "mapping" in extra:
        lines += [f"Calibrated to the mapping `{extra['mapping']}` of centre `{extra['centre']}`: "
                  f"the model starts from the relations mapped on {extra['dates'][0]} and aims at "
                  f"the pairs per form mapped on {', '.join(extra['dates'][1:])} (weeks "
                  f"{', '.join(map(str, extra['weeks'][1:]))}).", ""]  # fmt: skip
    else:
        lines += [f"Calibration targets {', '.join(args.targets)} on cases {', '.join(args.cases)}; "
                  f"held-out patterns {', '.join(t for t in args.check if t not in args.targets) or '–'}; "
                  f"held-out cases {', '.join(args.held_out_cases) or '–'}.", ""]  # fmt: skip
    lines += ["## Posterior", ""] + posterior_table(posterior)
    lines += ["", "![posterior](calibration/posterior.png)", "",
              "Bars: weighted posterior over the prior range (dotted: the flat prior); red: the "
              "default in `model/params.py`.", "", "## Diagnostics", "",
              "| generation | tolerance | simulations | accepted | acceptance rate | ESS |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for _, g in posterior.generations.iterrows():
        eps = "∞" if pd.isna(g["epsilon"]) else f"{g['epsilon']:.3g}"
        lines.append(f"| {int(g['generation'])} | {eps} | {int(g['simulations'])} | "
                     f"{int(g['accepted'])} | {g['acceptance_rate']:.0%} | {g['ess']:.1f} |")  # fmt: skip
    d = posterior.distances
    lines += ["", f"Final generation: distance median {np.median(d):.3g}, {np.mean(d == 0):.0%} of "
              "particles with every target inside its region. ESS is Kish's effective sample "
              "size of the weights. Generation 0 samples the prior (tolerance ∞).", ""]  # fmt: skip
    ess = float(posterior.generations["ess"].iloc[-1])
    if ess < b.population / 4:
        lines += [f"⚠️ The last generation's ESS is {ess:.1f} of {b.population} particles: the "
                  "posterior rests on a few particles, so read it as rough. `--larger` (or a "
                  "larger `--population`) gives a steadier one.", ""]  # fmt: skip
    draws = int(table["draws"].max()) if not table.empty else 0
    how = (f"{draws} parameter sets drawn by weight from the posterior, {b.replicates} seed(s) each; "
           f"the defaults column runs the default parameters on the same seeds. A pattern "
           "holds (✅) when it holds in at least half the draws.")
    lines += check_table(table, "calibration target", "Calibration targets (fit)", how)
    lines += check_table(table, "held-out pattern", "Held-out patterns (posterior predictive)",
                         "Patterns not used in calibration, on the calibrated cases. " + how)
    lines += check_table(table, "held-out case", "Held-out cases (posterior predictive)",
                         "Every pattern on the centre presets not used in calibration. " + how)
    if "mapping" in extra:
        posterior_file = (args.out.parent / "calibration" / "posterior.csv").as_posix()
        lines += ["", "## Reading it", "",
                  "- A mapped count *holds* when the model comes within its tolerance (a quarter "
                  "of the count, at least one pair). A form the model keeps missing with every "
                  "parameter set is governed by something the five calibrated parameters do not "
                  "reach (e.g. how often exchanges happen, `exchange_rate`): say so, don't tune "
                  "the number by hand.",
                  f"- {b.replicates} seed(s) per simulation (one batch; statistics of their means), "
                  f"{b.steps} weeks; a small budget gives a rough posterior (see the ESS above).",
                  "- A what-if from this posterior: `python -m experiments.whatif "
                  f"centre={extra['centre']} scenario=funding_expires params=posterior "
                  f"posterior={posterior_file}`."]  # fmt: skip
        return "\n".join(lines) + "\n"
    lines += ["", "## Reading it", "",
              f"- Each simulation runs every arm for {b.replicates} seed(s) as one batch over "
              f"{b.steps} weeks, and its statistics are of their means: the batched engine runs "
              "many seeds of one configuration at once (every particle has its own parameters, "
              "so particles are not batched together). The posterior still carries some of the "
              "model's chance besides parameter uncertainty; `--larger` is the documented "
              "heavier run.",
              "- The targets are regions, not numbers: once every particle of a generation has "
              "all its targets inside their regions (tolerance 0), ABC-SMC stops, and the "
              "posterior is the part of the prior where the calibration patterns hold — "
              "narrow only where they constrain a parameter.",
              "- A held-out failure is a finding, not a bug to tune away: the patterns and "
              "cases held out were not looked at while choosing priors or targets.",
              "- A what-if can draw from this posterior: `python -m experiments.whatif "
              "centre=health scenario=coordinator_stops params=posterior` (see "
              "`docs/planners.md`)."]  # fmt: skip
    if NOTES.exists():
        lines += ["", NOTES.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    args.argv = argv
    args.git = git_state()  # the code as it was when the run started
    try:
        if args.mapping is not None:
            calibrate, checks, extra = mapping_setup(args)
            extra |= {"targets": [t.id for t in calibrate.targets], "cases": ["centre"]}
        else:
            calibrate, checks = pattern_setup(args)
            extra = {"held_out_patterns": [t for t in args.check if t not in args.targets],
                     "held_out_cases": list(args.held_out_cases)}  # fmt: skip
    except InputError as err:
        fail(err)
    stop_cleanly_on_sigterm()
    folder = args.out.parent / "calibration"
    started = time.perf_counter()
    jobs_folder = folder / ".submitit"  # on the output's file system: cluster nodes read it
    try:
        sampler = make_sampler(args.launcher, args.jobs, jobs_folder, args.sims_per_job,
                               args.launcher_options, args.budget.population)  # fmt: skip
    except (InputError, TypeError, ValueError) as err:
        fail(err if isinstance(err, InputError) else InputError("--launcher-option", str(err),
                                                                 "settings submitit knows"))  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pyabc-") as tmp:
        posterior = run_abc(calibrate, PRIORS, args.budget, args.seed, sampler,
                            f"sqlite:///{Path(tmp) / 'abc.db'}")  # fmt: skip
    shutil.rmtree(jobs_folder, ignore_errors=True)
    abc_seconds = time.perf_counter() - started
    print(f"ABC-SMC: {len(posterior.generations)} generations in {abc_seconds:.0f} s", file=sys.stderr)
    frame = posterior.particles.copy()
    frame.insert(0, "weight", posterior.weights / posterior.weights.sum())
    sets = draw_sets(frame, args.draws, args.seed).drop(columns="weight")
    defaults = pd.DataFrame([{p.name: getattr(ModelParams(), p.name) for p in PRIORS}] * args.draws)
    tables = []
    for role, simulator in checks.items():
        post = predictive_table(predictive(simulator, sets, 10_000 + args.seed, args.jobs), TARGETS
                                if args.mapping is None else {t.id: t for t in simulator.targets}, role)
        base = predictive_table(predictive(simulator, defaults, 10_000 + args.seed, args.jobs),
                                TARGETS if args.mapping is None else {t.id: t for t in simulator.targets},
                                role)  # fmt: skip
        post["default_share"] = base["share_holding"].to_numpy()
        post["default_median"] = base["median"].to_numpy()
        tables.append(post)
    table = pd.concat(tables, ignore_index=True)
    check_seconds = time.perf_counter() - started - abc_seconds
    write_posterior(posterior.particles, posterior.weights,
                    provenance(args, abc_seconds, posterior, extra), folder / "posterior.csv")  # fmt: skip
    write_csv(posterior.generations, folder / "generations.csv")
    write_csv(table, folder / "predictive.csv")
    write_atomic(folder / "posterior.png", lambda tmp: tmp.write_bytes(figure(posterior)))
    write_text(report(args, posterior, table, {"abc": abc_seconds, "checks": check_seconds}, extra),
               args.out)  # fmt: skip
    held = table.groupby("role")["holds"].agg(["sum", "count"])
    summary = "; ".join(f"{role}: {int(r['sum'])}/{int(r['count'])}" for role, r in held.iterrows())
    print(f"{summary}; {abc_seconds + check_seconds:.0f} s; wrote {args.out} and {folder}/posterior.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
