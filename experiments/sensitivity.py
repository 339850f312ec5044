"""Which model parameters matter for which form: Morris screening and Sobol indices.

    python -m experiments.sensitivity                                  # Morris, default centre
    python -m experiments.sensitivity method=sobol sobol.base_samples=128
    python -m experiments.sensitivity 'run=[centre=health]' morris.trajectories=20 n_jobs=2

Reads ``configs/sensitivity/<config>.yaml`` (``config=default``), overridable key=value:
``parameters.trust_decay=[0.01,0.05]`` changes or adds one range, ``parameters={a: [..]}``
replaces the whole set; a nested parameter is named with dots,
``parameters.residents.cafe_draw=[0.5,1.5]`` (``params.residents.*``).
Three steps in ``sweeps/<name>/``: write the SALib sample (``sample.csv``); run every
sample point as a job folder ``points/<index>`` with ``replicates`` seeds, through the
sweep machinery of :mod:`experiments.sweep` (complete points are skipped on a re-run, a
failing point leaves ``error.txt``); analyse the final-week outcomes (mean over the
seeds) into ``indices.csv``/``.parquet`` and a figure. The replicate seeds are the same
at every point (common random numbers), so differences between points come from the
parameters, not from luck.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from model import InputError, ModelParams
from model.forms import FORMS

from .cli import CONFIG_DIR, compose_run, fail
from .outputs import write_csv, write_json, write_parquet, write_text
from .sweep import ERROR_FILE, JobOutcome, execute_job

#: Final-week outcomes analysed: ties per form, trust, and the residents in touch with the
#: house (so ``params.residents.*`` have an outcome they act on directly).
OUTPUTS = (*(f"ties_{f.id}" for f in FORMS), "ties_any", "ties_total", "multiplex_pairs", "mean_trust",
           "residents_reached")  # fmt: skip
METHODS = ("morris", "sobol")
LAUNCHERS = ("joblib", "submitit_local", "slurm")


@dataclass
class MorrisConfig:
    """Args: trajectories: r, the number of one-at-a-time paths; levels: grid levels (even)."""

    trajectories: int = 10
    levels: int = 4


@dataclass
class SobolConfig:
    """Args: base_samples: N of Saltelli's scheme, a power of 2 (points = N × (k + 2))."""

    base_samples: int = 64


@dataclass
class SlurmConfig:
    """Resources of each array task when ``launcher`` is ``slurm`` or ``submitit_local``."""

    partition: str | None = None
    account: str | None = None
    timeout_min: int = 120
    mem_gb: int = 2
    points_per_job: int = 20


@dataclass
class SensitivityConfig:
    """A sensitivity analysis: method, parameter ranges, seeds, and where points run.

    Args:
        name: the analysis's name.
        folder: where sample, points and results go (``sweeps/<name>``).
        method: ``morris`` or ``sobol``.
        parameters: ``params.*`` name → ``[low, high]``; scalar float parameters only,
            a nested one by its dotted name (``residents.cafe_draw``).
        replicates: seeds per sample point.
        seed: first replicate seed; also seeds the sample and the bootstrap intervals.
        steps: weeks per run.
        run: run overrides applied to every point, e.g. ``[centre=health]``.
        launcher: ``joblib`` (local cores), ``submitit_local`` or ``slurm``.
        n_jobs: joblib workers (-1: every core).
    """

    name: str = "sensitivity"
    folder: str = "sweeps/${name}"
    method: str = "morris"
    parameters: dict[str, Any] = field(default_factory=dict)
    morris: MorrisConfig = field(default_factory=MorrisConfig)
    sobol: SobolConfig = field(default_factory=SobolConfig)
    replicates: int = 3
    seed: int = 0
    steps: int = 260
    run: list[str] = field(default_factory=list)
    launcher: str = "joblib"
    n_jobs: int = -1
    slurm: SlurmConfig = field(default_factory=SlurmConfig)


def load_config(argv: list[str]) -> SensitivityConfig:
    """``config=NAME`` picks the YAML preset; other ``key=value`` arguments override it."""
    name = "default"
    dotlist = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if not sep:
            raise InputError("argument", arg, "key=value, e.g. method=sobol")
        if key == "config":
            name = value
        else:
            dotlist.append(arg)
    folder = CONFIG_DIR / "sensitivity"
    presets = sorted(p.stem for p in folder.glob("*.yaml"))
    if name not in presets:
        raise InputError("config", name, "one of " + ", ".join(presets))
    try:
        preset = OmegaConf.load(folder / f"{name}.yaml")
        if any(arg.startswith("parameters=") for arg in dotlist):
            preset.pop("parameters", None)  # a whole mapping replaces the preset's set
        cfg = OmegaConf.merge(OmegaConf.structured(SensitivityConfig), preset,
                              OmegaConf.from_dotlist(dotlist))  # fmt: skip
        sa: SensitivityConfig = OmegaConf.to_object(cfg)  # type: ignore[assignment]
        sa.parameters = dotted(sa.parameters)
    except OmegaConfBaseException as err:
        key = getattr(err, "full_key", None) or "override"
        raise InputError(str(key), " ".join(dotlist), str(err).splitlines()[0]) from None
    validate(sa)
    return sa


def dotted(parameters: dict, prefix: str = "") -> dict[str, Any]:
    """Nested ranges (``{residents: {cafe_draw: [..]}}``, as a dotted override makes them)
    as one flat mapping of dotted names (``residents.cafe_draw``)."""
    flat: dict[str, Any] = {}
    for key, value in parameters.items():
        if isinstance(value, dict):
            flat |= dotted(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def scalar_parameters(params: Any = None, prefix: str = "") -> list[str]:
    """Names of every scalar float parameter of ``params.*``, nested ones dotted
    (``residents.cafe_draw``): what a sensitivity analysis can vary."""
    params = ModelParams() if params is None else params
    names = []
    for f in fields(params):
        value = getattr(params, f.name)
        if hasattr(value, "__dataclass_fields__"):
            names += scalar_parameters(value, f"{prefix}{f.name}.")
        elif isinstance(value, float):
            names.append(f"{prefix}{f.name}")
    return names


def validate(sa: SensitivityConfig) -> None:
    """Check the method, each parameter's name and range, and the sample sizes."""
    if sa.method not in METHODS:
        raise InputError("method", sa.method, "one of " + ", ".join(METHODS))
    if sa.launcher not in LAUNCHERS:
        raise InputError("launcher", sa.launcher, "one of " + ", ".join(LAUNCHERS))
    scalar = scalar_parameters()
    if not sa.parameters:
        raise InputError("parameters", sa.parameters, "at least one params.* name: [low, high]")
    for key, bounds in sa.parameters.items():
        if key not in scalar:
            group, dot, _ = key.rpartition(".")
            inside = [n.removeprefix(f"{group}.") for n in scalar if n.startswith(f"{group}.")]
            if dot and inside:
                raise InputError(f"parameters.{key}", bounds, f"a scalar float parameter of {group}: "
                                 + ", ".join(inside))  # fmt: skip
            top = [n for n in scalar if "." not in n]
            nested = sorted({n.rpartition(".")[0] for n in scalar if "." in n})
            raise InputError(f"parameters.{key}", bounds, "a scalar float parameter ("
                             + ", ".join(f"{g}.<name>" for g in nested) + " for nested ones): "
                             + ", ".join(top))  # fmt: skip
        numbers = isinstance(bounds, list) and all(
            isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)  # fmt: skip
        if not numbers or len(bounds) != 2 or not bounds[0] < bounds[1]:
            raise InputError(f"parameters.{key}", bounds, "[low, high] with low < high")
    for key in ("replicates", "steps"):
        if getattr(sa, key) < 1:
            raise InputError(key, getattr(sa, key), "a whole number >= 1")
    if sa.morris.trajectories < 2 or sa.morris.levels < 2 or sa.morris.levels % 2:
        raise InputError("morris", f"{sa.morris}", "trajectories >= 2 and an even levels >= 2")
    n = sa.sobol.base_samples
    if n < 2 or n & (n - 1):
        raise InputError("sobol.base_samples", n, "a power of 2, e.g. 64")


def problem(sa: SensitivityConfig) -> dict:
    """The SALib problem: parameter names and bounds."""
    names = list(sa.parameters)
    return {"num_vars": len(names), "names": names,
            "bounds": [list(map(float, sa.parameters[k])) for k in names]}  # fmt: skip


def sample(sa: SensitivityConfig) -> pd.DataFrame:
    """The sample points, one row each (deterministic for a given config and seed)."""
    spec = problem(sa)
    if sa.method == "morris":
        from SALib.sample import morris as morris_sample

        points = morris_sample.sample(spec, N=sa.morris.trajectories,
                                      num_levels=sa.morris.levels, seed=sa.seed)  # fmt: skip
    else:
        from SALib.sample import sobol as sobol_sample

        points = sobol_sample.sample(spec, sa.sobol.base_samples, calc_second_order=False,
                                     seed=sa.seed)  # fmt: skip
    frame = pd.DataFrame(points, columns=spec["names"])
    frame.insert(0, "point", np.arange(len(frame)))
    return frame


def point_configs(sa: SensitivityConfig, points: pd.DataFrame) -> list[tuple[list[str], DictConfig]]:  # noqa: E501
    """Each point's overrides and composed run config (validated like any run)."""
    base = [*sa.run, f"seed={sa.seed}", f"replicates={sa.replicates}", f"steps={sa.steps}"]
    compose_run(base)  # a bad run override fails here with the run CLI's one-line error
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=base)
    GlobalHydra.instance().clear()
    configs = []
    for row in points.to_dict("records"):  # names may be dotted (residents.cafe_draw)
        overrides = [f"params.{k}={float(row[k])!r}" for k in sa.parameters]
        point = cfg.copy()
        for key in sa.parameters:
            OmegaConf.update(point, f"params.{key}", float(row[key]))
        point.sweep.name = sa.name
        configs.append((base + overrides, point))
    return configs


def run_point(cfg: DictConfig, out: Path, overrides: list[str]) -> JobOutcome:
    """One sample point as a sweep job (skips if complete; errors go to ``error.txt``)."""
    import logging

    import yaml

    logging.getLogger("MESA").setLevel(logging.WARNING)
    # The same overrides file a Hydra job leaves, so experiments.collect reads points too.
    write_text(yaml.safe_dump(overrides), out / ".hydra" / "overrides.yaml")
    return execute_job(cfg, out)


def run_points(sa: SensitivityConfig, folder: Path, jobs: list) -> list[JobOutcome]:
    """Run every point with the configured launcher; prints a progress line per point."""
    started = time.time()
    targets = [(cfg, folder / "points" / f"{i:05d}", o) for i, (o, cfg) in enumerate(jobs)]
    outcomes: list[JobOutcome] = []

    def progress(i: int, outcome: JobOutcome) -> None:
        outcomes.append(outcome)
        done = len(outcomes)
        left = (time.time() - started) / done * (len(targets) - done)
        print(f"[{done}/{len(targets)}] point {i:05d}: {outcome.status}"
              f" — {left:.0f} s left", flush=True)  # fmt: skip

    if sa.launcher == "joblib":
        from joblib import Parallel, delayed

        tasks = (delayed(run_point)(cfg, out, o) for cfg, out, o in targets)
        results = Parallel(n_jobs=sa.n_jobs, return_as="generator")(tasks)
        for i, outcome in enumerate(results):
            progress(i, outcome)
    else:
        import submitit

        cluster = "slurm" if sa.launcher == "slurm" else "local"
        executor = submitit.AutoExecutor(folder=folder / ".submitit", cluster=cluster)
        params = {"timeout_min": sa.slurm.timeout_min, "mem_gb": sa.slurm.mem_gb,
                  "cpus_per_task": 1}  # fmt: skip
        if sa.launcher == "slurm":
            params |= {"slurm_partition": sa.slurm.partition, "slurm_account": sa.slurm.account}
            params = {k: v for k, v in params.items() if v is not None}
        executor.update_parameters(**params)
        size = max(1, sa.slurm.points_per_job)
        chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
        array = executor.map_array(_run_chunk, chunks)
        i = 0
        for job in array:
            for outcome in job.result():
                progress(i, outcome)
                i += 1
    return outcomes


def _run_chunk(chunk: list) -> list[JobOutcome]:
    return [run_point(cfg, out, o) for cfg, out, o in chunk]


def outputs_table(folder: Path, n_points: int) -> pd.DataFrame:
    """Per point: final-week outcomes, mean over the replicate seeds (from the time series)."""
    rows = []
    for i in range(n_points):
        ts = pd.read_parquet(folder / "points" / f"{i:05d}" / "timeseries.parquet")
        final = ts[ts["step"] == ts["step"].max()]
        rows.append({"point": i, **{m: float(final[m].mean()) for m in OUTPUTS}})
    return pd.DataFrame(rows)


def analyse(sa: SensitivityConfig, points: pd.DataFrame, outputs: pd.DataFrame) -> pd.DataFrame:
    """Indices per output and parameter, in one tidy table with confidence intervals."""
    spec = problem(sa)
    x = points[spec["names"]].to_numpy()
    rows = []
    for output in OUTPUTS:
        y = outputs[output].to_numpy()
        if sa.method == "morris":
            from SALib.analyze import morris as morris_analyze

            res = morris_analyze.analyze(spec, x, y, num_levels=sa.morris.levels,
                                         num_resamples=1000, seed=sa.seed)  # fmt: skip
            stats = ("mu", "mu_star", "sigma", "mu_star_conf")
        else:
            from SALib.analyze import sobol as sobol_analyze

            if np.ptp(y) == 0:  # a form no point ever reaches: no variance to split
                res = {k: np.full(len(spec["names"]), np.nan)
                       for k in ("S1", "S1_conf", "ST", "ST_conf")}  # fmt: skip
            else:
                res = sobol_analyze.analyze(spec, y, calc_second_order=False,
                                            num_resamples=1000, seed=sa.seed)  # fmt: skip
            stats = ("S1", "S1_conf", "ST", "ST_conf")
        for j, name in enumerate(spec["names"]):
            rows.append({"method": sa.method, "output": output, "parameter": name,
                         **{s: float(np.asarray(res[s])[j]) for s in stats}})  # fmt: skip
    return pd.DataFrame(rows)


def plot(indices: pd.DataFrame, method: str, path: Path) -> Path:
    """Morris: μ* against σ per output; Sobol: S1 and ST bars with 95 % intervals."""
    from analysis.sweep_plots import plt, save

    outputs = list(dict.fromkeys(indices["output"]))
    columns = (len(outputs) + 1) // 2
    fig, axes = plt.subplots(2, columns, figsize=(4.2 * columns, 8), layout="constrained")
    for ax, output in zip(axes.flat, outputs, strict=False):
        part = indices[indices["output"] == output]
        if method == "morris":
            ax.errorbar(part["mu_star"], part["sigma"], xerr=part["mu_star_conf"], fmt="o", ms=4)
            _label_influential(ax, part)
            ax.set_xlabel("μ* (mean |elementary effect|)")
            ax.set_ylabel("σ (interaction / non-linearity)")
        else:
            y = np.arange(len(part))
            ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="S1 (first order)")
            ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="ST (total)")
            ax.set_yticks(y, part["parameter"], fontsize=7)
            ax.set_xlabel("Sobol index")
        ax.set_title(output.removeprefix("final_").replace("_", " "))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(outputs):]:
        ax.set_visible(False)
    if method == "sobol":
        axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"{method.capitalize()} sensitivity of final-week outcomes")
    return save(fig, path)


#: Morris plots name the parameters with the largest μ*; the rest cluster near the origin,
#: where names would only cover each other (their values are in the CSV).
MORRIS_LABELS = 8


def _label_influential(ax, part: pd.DataFrame) -> None:
    """Name the most influential parameters, moved apart by adjustText so none overlap."""
    from adjustText import adjust_text

    top = part.sort_values("mu_star", ascending=False).head(MORRIS_LABELS)
    texts = [ax.text(r.mu_star, r.sigma, r.parameter.replace("_", " "), fontsize=7)
             for r in top.itertuples(index=False)]  # fmt: skip
    adjust_text(texts, x=part["mu_star"].to_numpy(), y=part["sigma"].to_numpy(), ax=ax,
                arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.5})  # fmt: skip
    if len(part) > len(top):
        ax.text(0.99, 0.01, f"named: top {len(top)} of {len(part)} by μ*", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=6, color="grey")  # fmt: skip


def ranking(indices: pd.DataFrame, method: str, top: int = 3) -> str:
    """The most influential parameters per output, as text for the console and docs."""
    measure = "mu_star" if method == "morris" else "ST"
    lines = []
    for output, part in indices.groupby("output", sort=False):
        best = part.sort_values(measure, ascending=False).head(top)
        named = [f"{r.parameter} ({getattr(r, measure):.3g})" for r in best.itertuples()]
        lines.append(f"{output:>28}: " + ", ".join(named))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        sa = load_config(argv)
        points = sample(sa)
        jobs = point_configs(sa, points)
    except InputError as err:
        fail(err)
    folder = Path(sa.folder)
    write_csv(points, folder / "sample.csv")
    write_json(OmegaConf.to_container(OmegaConf.structured(sa)), folder / "sensitivity.json")
    print(f"{sa.method}: {len(points)} points × {sa.replicates} seeds → {folder}/", flush=True)
    run_points(sa, folder, jobs)
    failed = [folder / "points" / f"{i:05d}" / ERROR_FILE for i in range(len(points))
              if not (folder / "points" / f"{i:05d}" / "summary.json").is_file()]  # fmt: skip
    if failed:
        print(f"{len(failed)} point(s) failed or are missing; the analysis needs every point:",
              file=sys.stderr)  # fmt: skip
        for path in failed:
            print(f"  {path}", file=sys.stderr)
        return 1
    outputs = outputs_table(folder, len(points))
    write_parquet(points.merge(outputs, on="point"), folder / "points.parquet")
    indices = analyse(sa, points, outputs)
    write_csv(indices, folder / "indices.csv")
    write_parquet(indices, folder / "indices.parquet")
    figure = plot(indices, sa.method, folder / f"{sa.method}.png")
    print(ranking(indices, sa.method))
    print(f"Files: {folder}/indices.csv, indices.parquet, points.parquet, {figure.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
