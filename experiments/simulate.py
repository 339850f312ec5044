"""Run one config for its replicate seeds and return tidy tables (no file I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from model import WEEKLY_MEASURES, CentreModel, Form
from model.batch import SeedBatch
from model.drivers import DRIVER_NAMES
from model.forms import FORMS

from .config import RunConfig


@dataclass
class RunResult:
    """Tidy tables of a job: one row per seed-week, seed-actor, seed-tie."""

    timeseries: pd.DataFrame
    actors: pd.DataFrame
    ties: pd.DataFrame
    networks: dict[int, pd.DataFrame]
    #: With ``posterior.file``: each seed's parameter set (``parameters.parquet``).
    parameters: pd.DataFrame | None = None


#: Most pairs (seeds × pairs of a seed) one batch holds: ~20 arrays of them, ~1.5 GB.
MAX_BATCH_PAIRS = 8_000_000


def build_model(run: RunConfig, seed: int) -> CentreModel:
    """The model for one seed of a run config (a batched run's seeds are built as
    vectorised models; the batch steps them, with identical results)."""
    return CentreModel(
        centre=run.centre,
        **{name: getattr(run.drivers, name) for name in DRIVER_NAMES},
        params=run.params,
        events=run.scenario.events,
        engine="vectorised" if run.engine == "batched" else run.engine,
        rng=seed,
    )


def simulate_batch(run: RunConfig, seeds: list[int]):
    """Simulate ``seeds`` of one configuration as one batch (``model/batch.py``);
    returns their (timeseries, actors, ties, networks) frames, seed after seed, as
    :func:`simulate_seed` does for one."""
    wanted = set(run.network_weeks)
    networks: dict[int, pd.DataFrame] = {}

    def snapshot(batch: SeedBatch) -> None:
        if batch.week in wanted:
            networks[batch.week] = _network(batch.at_week(), seeds)

    models = [build_model(run, seed) for seed in seeds]
    batch = SeedBatch(models)
    snapshot(batch)
    batch.run(run.steps, on_week=snapshot)
    batch.finish()
    return batch.timeseries(seeds), _actors(models, seeds), _ties(models, seeds), networks


def batch_size(run: RunConfig) -> int:
    """Seeds per batch: all of a job's, unless their pairs would not fit in memory."""
    actors = sum(g.count for g in run.centre.actor_groups)
    actors += sum(e.group.count for e in run.scenario.events if e.group)
    pairs = max(actors * (actors - 1) // 2, 1)
    return max(1, MAX_BATCH_PAIRS // pairs)


def simulate_seed(run: RunConfig, seed: int):
    """Simulate one seed; returns (timeseries, actors, ties, networks) frames."""
    model = build_model(run, seed)
    networks: dict[int, pd.DataFrame] = {}
    wanted = set(run.network_weeks)
    if 0 in wanted:
        networks[0] = _network([model], [seed])
    for _ in range(run.steps):
        model.step()
        if model.week in wanted:
            networks[model.week] = _network([model], [seed])
    ts = model.datacollector.get_model_vars_dataframe().reset_index(names="step")
    ts.insert(0, "seed", seed)
    return ts, _actors([model], [seed]), _ties([model], [seed]), networks


# The tables of several seeds are made as one frame each: a frame per seed, glued
# afterwards, cost ~1.5 ms a seed at 18 actors (~6 % of a batched seed's 260 weeks).


def _actors(models: list[CentreModel], seeds: list[int]) -> pd.DataFrame:
    each = zip(models, seeds, strict=True)
    return pd.DataFrame([{"seed": seed, **row} for model, seed in each for row in model.actors_frame()])


def _ties(models: list[CentreModel], seeds: list[int], week: int | None = None) -> pd.DataFrame:
    """Every model's ``ties_frame``, one after another, with its seed (and ``week``)."""
    frames = [model.ties_frame() for model in models]
    rows = [len(frame["source"]) for frame in frames]
    columns = {"seed": np.repeat(np.asarray(seeds, dtype=np.int64), rows)}
    if week is not None:
        columns["week"] = np.full(sum(rows), week, dtype=np.int64)
    for name in frames[0]:
        values = np.concatenate([frame[name] for frame in frames])
        # ids as strings even with no rows (an empty object column would be stored as numbers)
        columns[name] = pd.array(values, dtype="str") if values.dtype == object else values
    return pd.DataFrame(columns)


def _network(models: list[CentreModel], seeds: list[int]) -> pd.DataFrame:
    return _ties(models, seeds, week=models[0].week)


def simulate(run: RunConfig, progress=None) -> RunResult:
    """Every replicate seed of ``run``; ``progress`` is called after each seed. With
    ``posterior.file`` each seed runs with its block's parameter set (``parameters``)."""
    parts, sets = [], []
    posterior = None
    if run.posterior.file is not None:
        from .posterior import load_posterior

        posterior, _ = load_posterior(run.posterior.file)
    groups: list[tuple[RunConfig, list[int]]] = []
    for seed in range(run.seed, run.seed + run.replicates):
        seed_run = run
        if posterior is not None:
            seed_run, row = _with_posterior_set(run, posterior, seed)
            sets.append(row)
        same = groups and groups[-1][0].params == seed_run.params and len(groups[-1][1]) < batch_size(run)
        if run.engine == "batched" and same:
            groups[-1][1].append(seed)
        else:
            groups.append((seed_run, [seed]))
    for seed_run, seeds in groups:
        # A lone seed runs on its own model (the same numbers): a batch of one would gain
        # nothing and, the first time on a machine, wait for the compiled loops to compile.
        if run.engine == "batched" and len(seeds) > 1:
            parts.append(simulate_batch(seed_run, seeds))
        else:
            parts.append(simulate_seed(seed_run, seeds[0]))
        if progress is not None:
            for seed in seeds:
                progress(seed)
    timeseries = pd.concat([p[0] for p in parts], ignore_index=True)
    timeseries["step"] = timeseries["step"].astype(np.int64)
    actors = pd.concat([p[1] for p in parts], ignore_index=True)
    actors["left_step"] = actors["left_step"].astype("Int64")
    ties = pd.concat([p[2] for p in parts], ignore_index=True)
    networks: dict[int, pd.DataFrame] = {}
    for week in sorted(run.network_weeks):
        networks[week] = pd.concat([p[3][week] for p in parts if week in p[3]], ignore_index=True)
    parameters = pd.DataFrame(sets) if sets else None
    return RunResult(timeseries[["seed", "step", *WEEKLY_MEASURES]], actors, ties, networks, parameters)


def _with_posterior_set(run: RunConfig, posterior: pd.DataFrame, seed: int):
    """``run`` with the parameters of ``seed``'s set, and the row recording it."""
    from .posterior import FIXED_COLUMNS, apply_set, set_of_seed

    block, row = set_of_seed(posterior, seed, run.posterior.seeds_per_set)
    params = apply_set(run.params, row.drop(list(FIXED_COLUMNS)))
    record = {"seed": seed, "parameter_set": block, "particle": int(row["particle"]),
              "weight": float(row["weight"]), **row.drop(list(FIXED_COLUMNS)).to_dict()}  # fmt: skip
    return replace(run, params=params), record


def summarise(run: RunConfig, result: RunResult) -> dict:
    """Headline figures of a job: final-week means over seeds and totals per seed."""
    ts = result.timeseries
    final = ts[ts["step"] == ts["step"].max()]
    per_seed = ts.groupby("seed")
    headline = {
        "final_ties": {f.id: float(final[f"ties_{f.id}"].mean()) for f in FORMS},
        "final_ties_any": float(final["ties_any"].mean()),
        "final_ties_total": float(final["ties_total"].mean()),
        "final_multiplex_pairs": float(final["multiplex_pairs"].mean()),
        "final_mean_trust": float(final["mean_trust"].mean()),
        "final_mean_familiarity": float(final["mean_familiarity"].mean()),
        "final_n_actors": float(final["n_actors"].mean()),
        "totals_per_seed": {
            m: float(per_seed[m].sum().mean())
            for m in ("referrals", "resources_shared", "joint_offers", "new_initiatives",
                      "failed_efforts")
        },  # fmt: skip
        "isolated_actor_share": float(
            (result.actors.query("left_step.isna()")["degree"] == 0).mean()
        ),
    }
    return headline


def forms_table(result: RunResult, every: int = 52) -> pd.DataFrame:
    """Mean ties per form over seeds, every ``every`` weeks (for the printed summary)."""
    ts = result.timeseries
    weeks = sorted(set(range(0, int(ts["step"].max()) + 1, every)) | {int(ts["step"].max())})
    cols = [f"ties_{f.id}" for f in FORMS]
    table = ts[ts["step"].isin(weeks)].groupby("step")[cols + ["mean_trust"]].mean()
    table.columns = [c.removeprefix("ties_") for c in table.columns]
    return table.rename_axis("week")


__all__ = ["Form", "RunResult", "build_model", "forms_table", "simulate", "summarise"]
