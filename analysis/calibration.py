"""Calibration targets, the simulator behind them and ABC-SMC (pyabc) over the free parameters.

Pattern-oriented calibration (Grimm et al. 2005; Hartig et al. 2011 on approximate Bayesian
computation for simulation models): the report is qualitative, so its patterns are
*regions*, not numbers — "resource exchange is held by at least 15 % of tied pairs". Each
:class:`Target` is one validation pattern of ``analysis/validation.py`` turned into a
statistic of one or two cheap runs and the region the pattern asks of it. The distance of
a simulation is how far its statistics lie outside their regions (0 inside), scaled per
target, so ABC-SMC's posterior is the prior narrowed to where the calibration patterns
hold together despite the model's chance. A planner's mapping (:mod:`analysis.mapping`)
gives point targets instead (ties of each form at each mapped date).

Only *validation* patterns (those that must emerge) are targets: fitting a pattern that one
rule builds in would prove nothing. Runs are shorter than the validation report's (see
``steps``) and use a few seeds per case per particle (``replicates``, one batch); the
posterior therefore still carries the model's chance, as ABC does by design, but less of it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd

from experiments.cli import compose_run
from experiments.config import RunConfig
from experiments.simulate import build_model
from model import ModelParams
from model.batch import run_batch
from model.forms import FORMS

FORM_IDS = tuple(f.id for f in FORMS)
DEEP_IDS = ("joint_action", "co_creation")


# ---------------------------------------------------------------------------- priors
@dataclass(frozen=True)
class Prior:
    """A uniform prior over [low, high] (the Morris screening's range, ``docs/sensitivity.md``)."""

    name: str
    low: float
    high: float

    def __post_init__(self):
        if self.name not in ModelParams.__dataclass_fields__:
            raise ValueError(f"{self.name} is not a ModelParams field")


#: The five parameters with the largest effects in the Morris screening (``docs/sensitivity.md``:
#: familiarity decay, encounter rate and learning, trust lost on failure, the extra-role floor),
#: each uniform over the screening's ±50 % range. Stated in ``docs/ODD.md`` § 7.
PRIORS: tuple[Prior, ...] = (
    Prior("encounter_rate", 0.5, 1.5),
    Prior("encounter_learning", 0.06, 0.18),
    Prior("familiarity_decay", 0.01, 0.04),
    Prior("trust_loss_failure", 0.1, 0.4),
    Prior("collaboration_floor", 0.1, 0.5),
)


# --------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class ArmSpec:
    """A run of a case: overrides on the centre preset (or roster), as the validation arms."""

    name: str
    overrides: tuple[str, ...] = ()
    coordinated: bool = False  # add drivers.coordinator=true where the preset has none


ARMS = {
    "baseline": ArmSpec("baseline"),
    "load_heavy": ArmSpec("load_heavy", ("drivers.core_load=0.85",)),
    "load_light": ArmSpec("load_light", ("drivers.core_load=0.3",)),
    "colocated": ArmSpec("colocated", ("drivers.co_location=0.9",)),
    "dispersed": ArmSpec("dispersed", ("drivers.co_location=0.2",)),
    "lead_high": ArmSpec("lead_high", ("drivers.leadership_support=0.9",)),
    "lead_low": ArmSpec("lead_low", ("drivers.leadership_support=0.2",)),
    "coordinated": ArmSpec("coordinated", (), coordinated=True),
    "stopped": ArmSpec("stopped", ("scenario=coordinator_stops",), coordinated=True),
}


def _log_ratio(a: float, b: float) -> float:
    """log((a + ½) / (b + ½)): a ratio of counts that stays finite when either is 0."""
    return math.log((a + 0.5) / (b + 0.5))


def _share(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


@dataclass(frozen=True)
class Target:
    """A pattern as a statistic of one seed's arms, and the region the pattern asks for.

    Args:
        id: the validation pattern's id (``analysis/validation.py``).
        statistic: what is measured, in words.
        arms: names in :data:`ARMS` the statistic needs.
        measure: per-arm measures of one seed → the statistic.
        low, high: the region where the pattern holds.
        scale: a distance of 1 is this far outside the region.
    """

    id: str
    statistic: str
    arms: tuple[str, ...]
    measure: Callable[[dict[str, dict[str, float]]], float]
    low: float = -math.inf
    high: float = math.inf
    scale: float = 0.1

    def region(self) -> str:
        if self.low == self.high:
            return f"= {self.low:.3g} (± {self.scale:.3g})"
        if math.isinf(self.high):
            return f"≥ {self.low:.3g}"
        if math.isinf(self.low):
            return f"≤ {self.high:.3g}"
        return f"{self.low:.3g} – {self.high:.3g}"

    def miss(self, value: float) -> float:
        """How far ``value`` lies outside the region, in units of ``scale`` (0 inside)."""
        if not math.isfinite(value):
            return 10.0
        return max(self.low - value, value - self.high, 0.0) / self.scale

    def holds(self, value: float) -> bool:
        """Inside the region; a point target (a mapped count) within one ``scale`` of it."""
        if self.low == self.high:
            return self.miss(value) <= 1.0
        return math.isfinite(value) and self.low <= value <= self.high


def _rarer_the_deeper(m):
    b = m["baseline"]
    steps = zip(FORM_IDS[:-1], FORM_IDS[1:], strict=True)
    return min(_log_ratio(b[f"ly_{s}"], b[f"ly_{d}"]) for s, d in steps)


def _cocreation_rarest(m):
    b = m["baseline"]
    return min(_log_ratio(b[f"ly_{f}"], b["ly_co_creation"]) for f in FORM_IDS[:-1])


#: Every pattern usable as a target (validation patterns only); criteria as in validation.py.
TARGETS: dict[str, Target] = {t.id: t for t in (
    Target("2a", "smallest log ratio of pairs holding a form to pairs holding the next deeper one",
           ("baseline",), _rarer_the_deeper, low=math.log(1.1), scale=0.2),
    Target("2b", "share of tied pairs holding resource exchange (last year)", ("baseline",),
           lambda m: _share(m["baseline"]["ly_resource_exchange"], m["baseline"]["ly_any"]),
           low=0.15, scale=0.05),
    Target("2c", "smallest log ratio of pairs holding another form to pairs co-creating",
           ("baseline",), _cocreation_rarest, low=math.log(1.1), scale=0.2),
    Target("M1", "share of tied pairs holding two or more forms (last year)", ("baseline",),
           lambda m: _share(m["baseline"]["ly_multiplex"], m["baseline"]["ly_any"]),
           low=0.25, scale=0.05),
    Target("6a", "relative change in ties, core load 0.85 vs 0.3", ("load_heavy", "load_light"),
           lambda m: _share(m["load_heavy"]["ly_any"], m["load_light"]["ly_any"]) - 1,
           high=-0.10, scale=0.05),
    Target("1a", "relative change in ties, co-location 0.9 vs 0.2", ("colocated", "dispersed"),
           lambda m: _share(m["colocated"]["ly_any"], m["dispersed"]["ly_any"]) - 1,
           low=0.10, scale=0.05),
    Target("5c", "ratio of knowledge-sharing ties, leadership 0.9 vs 0.2", ("lead_high", "lead_low"),
           lambda m: (m["lead_high"]["ly_knowledge_sharing"] + 0.5)
           / (m["lead_low"]["ly_knowledge_sharing"] + 0.5), low=0.8, high=1.25, scale=0.1),
    Target("3a", "relative change in ties at week 104 after the coordinator stops in week 52",
           ("stopped", "coordinated"),
           lambda m: _share(m["stopped"]["w104_any"], m["coordinated"]["w104_any"]) - 1,
           high=-0.05, scale=0.05),
)}  # fmt: skip

#: Calibrate on these; the rest of :data:`TARGETS` are held out (posterior predictive checks).
CALIBRATION_TARGETS = ("2a", "2b", "M1", "6a")
#: Calibrate on these two cases; the other two centre presets are held out.
CALIBRATION_CASES = ("housing_area", "library")
HELD_OUT_CASES = ("association", "health")


# ------------------------------------------------------------------------- simulator
@cache
def _composed(case: str, arm: str, steps: int) -> RunConfig:
    """The run config of a case's arm, composed once per process (Hydra is slow to compose)."""
    spec = ARMS[arm]
    run = compose_run([f"centre={case}", *spec.overrides, f"steps={steps}"])
    if spec.coordinated and not run.centre.coordinator:
        run = compose_run([f"centre={case}", *spec.overrides, f"steps={steps}",
                           "drivers.coordinator=true"])  # fmt: skip
    return run


def run_measures(run: RunConfig, seeds: list[int], weeks: tuple[int, ...] = ()) -> dict[str, float]:
    """Measures of a run, as the mean over ``seeds`` (run as one batch, each seed as it runs
    alone) of each seed's weekly table: last-year means of ties per form, any form and
    several forms; ties of each form at ``weeks``; ties at week 104."""
    if len(seeds) == 1:
        model = build_model(run, seeds[0])
        for _ in range(run.steps):
            model.step()
        tables = [model.datacollector.get_model_vars_dataframe()]
    else:
        frame = run_batch(lambda seed: build_model(run, seed), seeds, run.steps).timeseries(seeds)
        tables = [frame[frame["seed"] == seed].reset_index(drop=True) for seed in seeds]
    per_seed = [_table_measures(table, weeks) for table in tables]
    return {key: float(np.mean([m[key] for m in per_seed])) for key in per_seed[0]}


def _table_measures(table: pd.DataFrame, weeks: tuple[int, ...]) -> dict[str, float]:
    last = table.iloc[-52:]
    out = {f"ly_{f}": float(last[f"ties_{f}"].mean()) for f in FORM_IDS}
    out["ly_any"] = float(last["ties_any"].mean())
    out["ly_multiplex"] = float(last["multiplex_pairs"].mean())
    if len(table) > 104:
        out["w104_any"] = float(table["ties_any"].iloc[104])
    for week in weeks:
        for f in FORM_IDS:
            out[f"w{week}_{f}"] = float(table[f"ties_{f}"].iloc[week])
    return out


@dataclass
class Simulator:
    """Statistics ``<case>:<target>`` for one parameter set: every needed arm of every case
    run for ``replicates`` seeds (from the caller's ``seed``) as one batch, the targets
    computed from the arms' means over those seeds.

    ``runs`` maps a case to the run config of each arm; the default composes the centre
    presets; a planner's mapping supplies its own (:mod:`analysis.mapping`). Replicates cost
    little on the batched engine and make a particle's statistics less a matter of one
    seed's chance, which is what the validation patterns compare (means over seeds).
    """

    cases: tuple[str, ...]
    targets: tuple[Target, ...]
    steps: int = 156
    runs: dict[str, dict[str, RunConfig]] | None = None
    weeks: tuple[int, ...] = ()
    replicates: int = 1
    _arms: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self):
        self._arms = tuple(dict.fromkeys(a for t in self.targets for a in t.arms))

    def run_for(self, case: str, arm: str) -> RunConfig:
        if self.runs is not None:
            return self.runs[case][arm]
        return _composed(case, arm, self.steps)

    def prepare(self) -> None:
        """Compose every config now and keep them: worker processes and cluster jobs get
        them with the simulator instead of composing them again."""
        if self.runs is None:
            self.runs = {case: {arm: _composed(case, arm, self.steps) for arm in self._arms}
                         for case in self.cases}  # fmt: skip

    def seeds(self, seed: int) -> list[int]:
        """The replicate seeds of a simulation numbered ``seed`` (disjoint across numbers)."""
        return [seed * self.replicates + j for j in range(self.replicates)]

    def __call__(self, values: dict[str, float], seed: int) -> dict[str, float]:
        stats = {}
        for case in self.cases:
            measures = {}
            for arm in self._arms:
                run = self.run_for(case, arm)
                run = replace(run, params=replace(run.params, **values))
                measures[arm] = run_measures(run, self.seeds(seed), self.weeks)
            for target in self.targets:
                stats[f"{case}:{target.id}"] = float(target.measure(measures))
        return stats

    def keys(self) -> list[str]:
        return [f"{c}:{t.id}" for c in self.cases for t in self.targets]

    def distance(self, stats: dict[str, float]) -> float:
        """Root mean square of the targets' misses (0: every pattern holds)."""
        by_id = {t.id: t for t in self.targets}
        misses = [by_id[key.split(":", 1)[1]].miss(value) for key, value in stats.items()]
        return float(np.sqrt(np.mean(np.square(misses))))


# ------------------------------------------------------------------------ ABC-SMC
@dataclass
class Budget:
    """How much ABC-SMC may simulate.

    Args:
        population: particles per generation.
        generations: most generations (fewer if the tolerance reaches 0).
        max_simulations: a cap on simulations in all (each runs every arm of every case).
        steps: weeks per run.
        replicates: seeds per arm in one simulation (one batch); its statistics are their means.
    """

    population: int = 16
    generations: int = 3
    max_simulations: int = 160
    steps: int = 156
    replicates: int = 4


@dataclass
class Posterior:
    """The last generation's particles and weights, and per-generation diagnostics."""

    particles: pd.DataFrame
    weights: np.ndarray
    generations: pd.DataFrame
    distances: np.ndarray


def effective_sample_size(weights) -> float:
    """Kish's ESS: (Σw)² / Σw² — how many equally weighted particles the weights are worth."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.square(w).sum()) if w.size and w.sum() > 0 else 0.0


def run_abc(simulator: Simulator, priors: tuple[Prior, ...], budget: Budget, seed: int,
            sampler, database: str) -> Posterior:  # fmt: skip
    """ABC-SMC with pyabc: uniform priors, the targets' miss distance, a median-quantile
    tolerance starting at infinity (the first generation is the prior, no extra calibration
    sample). ``sampler`` runs the simulations (``analysis.abc_sampler.make_sampler``: local
    cores or cluster jobs). ``database`` is pyabc's working store (a temporary SQLite
    file): the posterior is read out of it into plain tables."""
    import logging

    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)  # pyabc's own progress lines
    simulator.prepare()
    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors})

    def model(parameters):
        # each simulation is a fresh realisation; its seed comes from pyabc's seeded stream
        values = {p.name: float(parameters[p.name]) for p in priors}
        return simulator(values, int(np.random.randint(0, 2**31 - 1)))

    def distance(x, _x0):
        return simulator.distance({k: x[k] for k in simulator.keys()})

    np.random.seed(seed)
    abc = pyabc.ABCSMC(model, prior, distance, population_size=budget.population, sampler=sampler,
                       eps=pyabc.MedianEpsilon(initial_epsilon=math.inf))  # fmt: skip
    abc.new(database, {k: 0.0 for k in simulator.keys()})
    with warnings.catch_warnings():  # pyabc compares an infinite first tolerance with itself
        warnings.simplefilter("ignore", RuntimeWarning)
        history = abc.run(minimum_epsilon=0.0, max_nr_populations=budget.generations,
                          max_total_nr_simulations=budget.max_simulations)  # fmt: skip
    particles, weights = history.get_distribution(m=0, t=history.max_t)
    particles = particles[[p.name for p in priors]].reset_index(drop=True)
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0]
    rows = []
    for _, pop in populations.iterrows():
        t = int(pop["t"])
        _, w = history.get_distribution(m=0, t=t)
        eps = float(pop["epsilon"])
        rows.append({"generation": t, "epsilon": eps if math.isfinite(eps) else None,
                     "simulations": int(pop["samples"]), "accepted": int(pop["particles"]),
                     "acceptance_rate": float(pop["particles"]) / max(int(pop["samples"]), 1),
                     "ess": effective_sample_size(w)})  # fmt: skip
    distances = history.get_weighted_distances(t=history.max_t)["distance"].to_numpy()
    return Posterior(particles, np.asarray(weights, dtype=float), pd.DataFrame(rows), distances)


# ------------------------------------------------------------ posterior predictive
def predictive(simulator: Simulator, sets: pd.DataFrame, seed: int, jobs: int) -> pd.DataFrame:
    """Every statistic of ``simulator`` for each parameter set (a row of ``sets``), one seed
    each (seed + row number): a posterior (or default) predictive sample."""
    from joblib import Parallel, delayed

    simulator.prepare()
    names = list(sets.columns)
    rows = Parallel(n_jobs=jobs)(
        delayed(simulator)({n: float(v) for n, v in zip(names, row, strict=True)}, seed + i)
        for i, row in enumerate(sets.itertuples(index=False))
    )
    frame = pd.DataFrame(rows)
    frame.insert(0, "draw", np.arange(len(frame)))
    return frame


def predictive_table(sample: pd.DataFrame, targets: dict[str, Target], role: str) -> pd.DataFrame:
    """Per ``case:target`` column of a predictive sample: median, 90 % range, the share of
    draws where the pattern holds, and the verdict (holds in at least half the draws)."""
    rows = []
    for key in [c for c in sample.columns if c != "draw"]:
        case, tid = key.split(":", 1)
        target, values = targets[tid], sample[key].to_numpy(dtype=float)
        share = float(np.mean([target.holds(v) for v in values]))
        rows.append({"role": role, "case": case, "target": tid, "statistic": target.statistic,
                     "region": target.region(), "median": float(np.median(values)),
                     "p05": float(np.quantile(values, 0.05)), "p95": float(np.quantile(values, 0.95)),
                     "share_holding": share, "holds": share >= 0.5, "draws": len(values)})  # fmt: skip
    return pd.DataFrame(rows)
