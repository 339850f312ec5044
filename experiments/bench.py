"""Benchmark: seconds per run for 50, 200 and 1,000 actors, vectorised vs per-pair loops.

    python -m experiments.bench                 # 260 weeks, sizes 50 200 1000
    python -m experiments.bench --sizes 50 200 --weeks 104 --reference-weeks 10

The per-pair reference (``engine=reference``) is timed over ``--reference-weeks`` weeks
and its time per week scaled to the full run, since a full reference run of 1,000 actors
would take hours. Before timing, both engines are run side by side on a small centre and
must give identical weekly tables (they share the random draws).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from model import ActorGroup, CentreModel, CentreSpec

MIX = {"municipal": 0.35, "housing_social": 0.1, "volunteer": 0.4, "private": 0.15}


def centre_of_size(n_actors: int) -> CentreSpec:
    """A mixed centre of ``n_actors`` with the generic kind mix."""
    counts = {kind: max(1, round(share * n_actors)) for kind, share in MIX.items()}
    counts["volunteer"] += n_actors - sum(counts.values())
    groups = [ActorGroup(kind=kind, count=count) for kind, count in counts.items()]
    return CentreSpec(name=f"bench_{n_actors}", actor_groups=groups, coordinator=True)


def seconds_per_week(n_actors: int, weeks: int, engine: str, seed: int = 0) -> float:
    model = CentreModel(centre=centre_of_size(n_actors), engine=engine, rng=seed)
    started = time.perf_counter()
    for _ in range(weeks):
        model.step()
    return (time.perf_counter() - started) / weeks


def engines_agree(n_actors: int = 12, weeks: int = 60, seeds: int = 3) -> bool:
    """Both engines give identical weekly tables on a small centre."""
    for seed in range(seeds):
        tables = []
        for engine in ("vectorised", "reference"):
            model = CentreModel(centre=centre_of_size(n_actors), engine=engine, rng=seed)
            for _ in range(weeks):
                model.step()
            tables.append(model.datacollector.get_model_vars_dataframe())
        if not tables[0].equals(tables[1]):
            return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--reference-weeks", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"engines agree on small centres (3 seeds × 60 weeks): {engines_agree()}")
    rows = []
    for n in args.sizes:
        vec = seconds_per_week(n, args.weeks, "vectorised")
        ref = seconds_per_week(n, args.reference_weeks, "reference")
        rows.append({
            "actors": n,
            "pairs": n * (n - 1) // 2,
            "vectorised_s_per_run": round(vec * args.weeks, 3),
            "vectorised_ms_per_week": round(vec * 1000, 2),
            "reference_s_per_run_est": round(ref * args.weeks, 1),
            "speedup": round(ref / vec, 1),
        })  # fmt: skip
        print(f"  {n} actors done", flush=True)
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"{args.weeks} weeks per run; reference timed over {args.reference_weeks} weeks.")


if __name__ == "__main__":
    main()
