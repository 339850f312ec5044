"""Benchmark: how fast the model runs, as ratios measured in one run on this machine.

    python -m experiments.bench                          # all three parts, defaults below
    python -m experiments.bench --sizes 50 200 --same-weeks 3 --sweep-runs 0

1. **Engines on the same weeks.** The per-pair reference (each mechanism's ``*_reference``
   function, ``engine=reference``), the vectorised engine and the compiled engine (numba
   loops, ``engine=compiled``) step the same seed of the same centre (50, 200 and 1,000
   actors: the generic kind mix scaled up) through the same weeks 1 … ``--same-weeks``;
   their weekly tables must be identical (they share every random draw). The ratio
   compares like with like; early weeks need not cost what a settled centre's do, so the
   vectorised and compiled engines' mean weeks over weeks 1 … ``--context-weeks`` are shown
   beside it, as context and not as part of the ratio. The compiled engine's one-off start
   in this process (importing numba, loading its cached loops or compiling them) is
   printed above the table and not counted in its weeks.
2. **One seed at a time vs batched**, at 18 actors (the default centre) and 40 actors:
   seconds per seed-run of ``--steps`` weeks (building the model included), ``--seeds``
   seeds one after another with the vectorised engine (the ratio's baseline) and the
   compiled one (its loops already loaded), against ``--batch-seeds`` seeds run as one
   batch (``engine=batched``, ``model/batch.py``). The batch's weekly tables are checked
   equal to the one-at-a-time runs of the seeds both ran. Each is timed ``--repeats``
   times, taking turns, and the fastest kept.
3. **A sweep vs its model time.** ``--sweep-runs`` runs of the default centre (two configs,
   ``drivers.leadership_support=0.3,0.7``) as a real sweep (``python -m experiments.run
   -m … launcher=joblib``, ``sweep.seeds_per_job`` set so each core gets
   ``--sweep-jobs-per-core`` jobs, default 2), its
   wall time × cores against the pure model time of the same runs simulated one after
   another in this process. Also as CPU time (the sweep's processes against the model's),
   which a busy machine distorts less than wall time.

The first lines name the machine (cores, load average), since every number depends on it.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from model import ActorGroup, CentreModel, CentreSpec

MIX = {"municipal": 0.35, "housing_social": 0.1, "volunteer": 0.4, "private": 0.15}
ROOT = Path(__file__).resolve().parent.parent
SWEEP_CONFIGS = ("0.3", "0.7")  # drivers.leadership_support of the sweep's two configs


def centre_of_size(n_actors: int) -> CentreSpec:
    """A mixed centre of ``n_actors`` with the generic kind mix."""
    counts = {kind: max(1, round(share * n_actors)) for kind, share in MIX.items()}
    counts["volunteer"] += n_actors - sum(counts.values())
    groups = [ActorGroup(kind=kind, count=count) for kind, count in counts.items()]
    return CentreSpec(name=f"bench_{n_actors}", actor_groups=groups, coordinator=True)


def timed_weeks(centre: CentreSpec, weeks: int, engine: str, seed: int = 0) -> tuple[float, pd.DataFrame]:
    """Seconds per week over weeks 1 … ``weeks`` of one seed, and the weekly table."""
    model = CentreModel(centre=centre, engine=engine, rng=seed)
    started = time.perf_counter()
    for _ in range(weeks):
        model.step()
    return (time.perf_counter() - started) / weeks, model.datacollector.get_model_vars_dataframe()


def compiled_engine_start() -> float:
    """Seconds until the compiled engine's loops are ready in this process (numba's import
    and loading the loops from their disk cache, or compiling them the first time)."""
    started = time.perf_counter()
    model = CentreModel(engine="compiled", rng=0)
    for _ in range(3):  # every loop runs at least once in three weeks
        model.step()
    return time.perf_counter() - started


def engines_on_the_same_weeks(sizes: list[int], weeks: int, context: int) -> pd.DataFrame:
    """Part 1: the three engines over the same weeks of the same seed, per centre size."""
    rows = []
    for n in sizes:
        centre = centre_of_size(n)
        reference, ref_table = timed_weeks(centre, weeks, "reference")
        vectorised, vec_table = timed_weeks(centre, weeks, "vectorised")
        compiled, com_table = timed_weeks(centre, weeks, "compiled")
        later, _ = timed_weeks(centre, context, "vectorised")
        later_compiled, _ = timed_weeks(centre, context, "compiled")
        rows.append({
            "actors": n,
            "pairs": n * (n - 1) // 2,
            "weeks": f"1-{weeks}",
            "reference_ms_per_week": round(reference * 1000, 1),
            "vectorised_ms_per_week": round(vectorised * 1000, 2),
            "compiled_ms_per_week": round(compiled * 1000, 2),
            "vectorised_vs_reference": f"{reference / vectorised:.1f}x",
            "compiled_vs_reference": f"{reference / compiled:.1f}x",
            "compiled_vs_vectorised": f"{vectorised / compiled:.1f}x",
            "identical_weeks": vec_table.equals(ref_table) and com_table.equals(ref_table),
            f"vectorised_ms_per_week_1-{context}": round(later * 1000, 2),
            f"compiled_ms_per_week_1-{context}": round(later_compiled * 1000, 2),
        })  # fmt: skip
        print(f"  engines: {n} actors done", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def one_seed_at_a_time(seeds: int, steps: int, batch_seeds: int = 100, repeats: int = 3) -> pd.DataFrame:
    """Part 2: seconds per seed-run, seeds one after another against seeds in one batch;
    each timed ``repeats`` times, taking turns, and the fastest kept (on a shared machine
    the slower repeats measure the neighbours)."""
    from model.batch import run_batch

    from .cli import compose_run
    from .simulate import build_model

    default = compose_run([f"steps={steps}"])
    centres = {"default centre": default.centre, "40 actors": centre_of_size(40)}
    rows = []
    for label, centre in centres.items():
        per_seed = {"vectorised": math.inf, "compiled": math.inf, "batched": math.inf}
        tables = {}
        batched = dataclasses.replace(default, centre=centre, engine="batched")
        run_batch(lambda s, run=batched: build_model(run, s), [0], 1)  # load the compiled loops first
        for _ in range(repeats):
            for engine in ("vectorised", "compiled"):
                run = dataclasses.replace(default, centre=centre, engine=engine)
                started = time.perf_counter()
                for seed in range(seeds):
                    model = build_model(run, seed)
                    for _ in range(steps):
                        model.step()
                    tables[seed] = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
                per_seed[engine] = min(per_seed[engine], (time.perf_counter() - started) / seeds)
            started = time.perf_counter()
            batch = run_batch(lambda s, run=batched: build_model(run, s), range(batch_seeds), steps)
            per_seed["batched"] = min(per_seed["batched"], (time.perf_counter() - started) / batch_seeds)
        table = batch.timeseries(range(batch_seeds))
        for seed in range(min(seeds, batch_seeds)):
            got = table[table["seed"] == seed].drop(columns=["seed", "step"]).reset_index(drop=True)
            pd.testing.assert_frame_equal(got, tables[seed], check_exact=True)
        rows.append({
            "centre": label,
            "actors": sum(g.count for g in centre.actor_groups),
            "seeds": f"{seeds} / {batch_seeds}",
            "weeks": steps,
            "one_at_a_time_s_per_seed": round(per_seed["vectorised"], 4),
            "compiled_s_per_seed": round(per_seed["compiled"], 4),
            "batched_s_per_seed": round(per_seed["batched"], 4),
            "batched_vs_one_at_a_time": f"{per_seed['vectorised'] / per_seed['batched']:.1f}x",
            "batched_vs_compiled": f"{per_seed['compiled'] / per_seed['batched']:.1f}x",
        })  # fmt: skip
        print(f"  one seed at a time: {label} done", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def sweep_vs_model_time(runs: int, steps: int, cores: int, jobs_per_core: int = 2) -> pd.DataFrame:
    """Part 3: a real sweep's wall time × cores (and CPU time) against its model time.
    Its runs are cut into ``jobs_per_core`` jobs per core: a batched job's fixed cost (a
    worker's start, composing, writing files) is a large share of a batch's time, so few
    large jobs cost least as long as no core idles. Two per core (the default) beat one:
    the two configs differ in cost, and with one job each the cheaper one's core waits
    (``docs/performance.md`` § 9)."""
    from .cli import compose_run
    from .simulate import simulate

    per_config = math.ceil(runs / len(SWEEP_CONFIGS))
    jobs_per_config = max(1, math.ceil(jobs_per_core * cores / len(SWEEP_CONFIGS)))
    seeds_per_job = max(1, math.ceil(per_config / jobs_per_config))
    configs = [compose_run([f"drivers.leadership_support={v}", f"replicates={per_config}",
                            f"steps={steps}"]) for v in SWEEP_CONFIGS]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as folder:
        command = [sys.executable, "-m", "experiments.run", "-m",
                   f"drivers.leadership_support={','.join(SWEEP_CONFIGS)}",
                   f"replicates={per_config}", f"steps={steps}",
                   f"sweep.seeds_per_job={seeds_per_job}", "launcher=joblib",
                   f"hydra.launcher.n_jobs={cores}", f"hydra.sweep.dir={folder}/sweep"]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"the bench sweep failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    sweep_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    model_wall, model_cpu = time.perf_counter(), time.process_time()
    for run in configs:
        simulate(run)
    model_wall, model_cpu = time.perf_counter() - model_wall, time.process_time() - model_cpu
    print("  sweep done", file=sys.stderr, flush=True)
    return pd.DataFrame([{
        "runs": per_config * len(SWEEP_CONFIGS),
        "weeks": steps,
        "jobs": len(SWEEP_CONFIGS) * math.ceil(per_config / seeds_per_job),
        "cores": cores,
        "sweep_wall_s": round(wall, 1),
        "model_wall_s": round(model_wall, 1),
        "wall_x_cores_vs_model": f"{wall * cores / model_wall:.2f}x",
        "sweep_cpu_s": round(sweep_cpu, 1),
        "model_cpu_s": round(model_cpu, 1),
        "cpu_vs_model": f"{sweep_cpu / model_cpu:.2f}x",
    }])  # fmt: skip


def machine() -> str:
    """Cores, load and processor of this machine: every number below depends on them."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {platform.node()}, {os.cpu_count()} cores (nproc), {cpu}; load average "
            f"{load} (1, 5, 15 min); Python {platform.python_version()}; "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m experiments.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000],
                        help="centre sizes (actors) for the engine comparison")  # fmt: skip
    parser.add_argument("--same-weeks", type=int, default=2,
                        help="weeks both engines run (the reference takes ~3 min a week at 1,000 actors)")
    parser.add_argument("--context-weeks", type=int, default=52,
                        help="weeks of the vectorised engine's context column in part 1")
    parser.add_argument("--steps", type=int, default=260, help="weeks of a whole run (parts 2 and 3)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds for one-at-a-time (part 2)")
    parser.add_argument("--batch-seeds", type=int, default=100, help="seeds in the batch (part 2)")
    parser.add_argument("--repeats", type=int, default=3, help="timings of part 2 (the fastest is kept)")
    parser.add_argument("--sweep-runs", type=int, default=40, help="runs of the sweep (part 3); 0 skips it")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="sweep workers")
    parser.add_argument("--sweep-jobs-per-core", type=int, default=2, help="jobs of the sweep per core")
    args = parser.parse_args(argv)
    print(machine(), flush=True)
    pd.set_option("display.width", 200)
    print(f"\n1. Per-pair reference vs vectorised vs compiled, same seed, same weeks 1-{args.same_weeks}:")
    print(f"   (compiled engine ready in {compiled_engine_start():.2f} s: numba import and cached loops,"
          " or compiling them if there is no cache yet)")
    engines = engines_on_the_same_weeks(args.sizes, args.same_weeks, args.context_weeks)
    print(engines.to_string(index=False))
    print(f"\n2. One seed at a time vs batched ({args.steps} weeks a seed):")
    print(one_seed_at_a_time(args.seeds, args.steps, args.batch_seeds, args.repeats).to_string(index=False))
    if args.sweep_runs > 0:
        print(f"\n3. A sweep (launcher=joblib, {args.cores} cores) vs the same runs' model time:")
        print(sweep_vs_model_time(args.sweep_runs, args.steps, args.cores,
                                  args.sweep_jobs_per_core).to_string(index=False))  # fmt: skip
    print(f"\n(end) {machine()}")


if __name__ == "__main__":
    main()
