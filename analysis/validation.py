"""Pattern-oriented validation: the report's stylised facts as comparisons over seeds.

Pattern-oriented modelling (Grimm et al. 2005): a model is credible when it reproduces
several patterns at once, at different levels — the centre (how many pairs hold each
form), the actor (who is central, who exchanges) and the pair (trust before co-creation,
tunnel vision). Every pattern is one of the eleven stylised facts (``docs/ODD.md`` § 1) or
another concrete observation of the report, written as a comparison between *arms* (a
centre preset plus config overrides) over the same seeds.

Two kinds of pattern (issue 12). A **verification** pattern holds by construction of one
mechanism (its docstring names it): it checks that the mechanism works as written in the
running model, not that the model is right. A **validation** pattern must *emerge* from
several interacting mechanisms; its docstring says why it is not built in.

The palette (issue 9): a pair holds any set of the five forms. "Ties of form g" are the
pairs holding g (``ties_<form>``); "ties" are pairs holding any form (``ties_any``); "deep
ties" are pairs holding joint action or co-creation.

The observer only *reads* the model's records after each week (``model.outcomes``,
``model.taken_up``, ``model.pairs``, ``model.actor_table``); it never replaces a model
method or recomputes a model rule.

Runs are shared: an :class:`Arm`'s seeds run once, as one batch on the batched engine
(``model/batch.py``; arms in parallel with joblib), and its per-seed measures are reused by
every pattern that needs it. Each seed's run is a pure function of (arm, seed), the same
as that seed alone, so results do not depend on the number of workers or the batching.

Statistics come from ``analysis/stats.py``, shared with the what-if report, the sweep
plots and the tests: mean paired differences over seeds (same seed in both arms: common
random numbers) get a Student-t 95 % interval; ratios and relative changes (ratio of
means over paired seeds, minus one) a paired bootstrap (``scipy.stats.bootstrap``, BCa
where it can, else percentile), bounded at −100 %; ratios pooled over a run's events
(rare events such as co-creation) a seed-cluster bootstrap. Bootstrap intervals need at
least ``stats.MIN_BOOTSTRAP_SEEDS`` seeds. A pattern passes when
its interval lies wholly on the side the report predicts AND the effect is large enough
to matter; each function's docstring says which. Too few events for an interval gives
``inconclusive`` — not a pass.
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from analysis import stats
from experiments.cli import compose_run
from experiments.simulate import build_model
from model import ActorKind, Form
from model.batch import SeedBatch
from model.centre import ActorGroup
from model.forms import FORMS

CENTRES = ("housing_area", "association", "library", "health")
FORM_IDS = tuple(f.id for f in FORMS)
#: Weeks at which scenario comparisons read the weekly table (6, 12, 24 and 60 months
#: after a stop in week 52 are weeks 78, 104, 156 and 312).
CHECK_WEEKS = (26, 78, 104, 112, 130, 156, 312)
#: Weeks at which the planners' question is asked (6, 12, 24, 60 months after week 52).
PLANNER_WEEKS = (78, 104, 156, 312)
#: Quarter over which slow and noisy weekly counts (referrals) are averaged at a check week.
QUARTER = 13
PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
VERIFICATION, VALIDATION = "verification", "validation"
DEEP = (Form.JOINT_ACTION, Form.CO_CREATION)
SHALLOW = (Form.KNOWLEDGE_SHARING, Form.ALIGNMENT, Form.RESOURCE_EXCHANGE)


# ----------------------------------------------------------------------------- arms
@dataclass(frozen=True)
class Arm:
    """One configuration to run over seeds: a centre preset plus Hydra overrides.

    ``variant`` names a change to the preset's actors that overrides cannot express
    (``few_permanent``: municipal and housing-social staff on project money that ran
    out in week 78; ``more_volunteers``: eight more volunteer associations);
    ``lose_central_at`` removes the most central actor at the start of that week.
    """

    centre: str
    overrides: tuple[str, ...] = ()
    steps: int = 260
    variant: str | None = None
    lose_central_at: int | None = None

    def label(self) -> str:
        parts = [f"centre={self.centre}", *self.overrides, f"steps={self.steps}"]
        if self.variant:
            parts.append(f"variant={self.variant}")
        if self.lose_central_at:
            parts.append(f"lose_central_at={self.lose_central_at}")
        return " ".join(parts)


def _few_permanent(centre):
    """Staff (municipal, housing-social) on project money that ends in week 78."""
    groups = [
        replace(g, funding="project", funding_end_week=78)
        if g.kind in ("municipal", "housing_social") else g
        for g in centre.actor_groups
    ]
    return replace(centre, actor_groups=groups)


def _more_volunteers(centre):
    """Eight more volunteer associations, each with the kind's defaults."""
    extra = ActorGroup(kind="volunteer", count=8, name="extra_association")
    return replace(centre, actor_groups=[*centre.actor_groups, extra])


VARIANTS: dict[str, Callable] = {"few_permanent": _few_permanent,
                                 "more_volunteers": _more_volunteers}  # fmt: skip


# -------------------------------------------------------------------- one observed run
class _SquareRecord:
    """A per-pair record kept as a row × row matrix, so it survives growth of the pair
    arrays when newcomers arrive (pair positions move; actor rows do not)."""

    def __init__(self, fill, dtype):
        self.fill, self.dtype = fill, dtype
        self.matrix = np.full((0, 0), fill, dtype=dtype)

    def fit(self, capacity: int) -> None:
        if capacity > self.matrix.shape[0]:
            new = np.full((capacity, capacity), self.fill, dtype=self.dtype)
            n = self.matrix.shape[0]
            new[:n, :n] = self.matrix
            self.matrix = new


class _Observer:
    """Pair-level records accumulated over a run (the model itself keeps only the present).

    Reads, after each week, what the model recorded for it: ``model.outcomes`` (that
    week's events), ``model.taken_up`` (forms taken up that week) and the pair and actor
    state. Copies of last week's state give the values "at the start of the week".
    """

    COUNTS = (
        "cc_weeks_total", "cc_weeks_hs", "cc_takeups", "cc_takeup_trust", "cc_takeup_ref",
        "cc_takeup_after_shallow", "deep_success_n", "deep_success_dtrust",
        "deep_failure_n", "deep_failure_dtrust", "cc_succ_young", "cc_new_young",
        "cc_succ_old", "cc_new_old", "cc_succ_old_fresh", "cc_new_old_fresh",
        "cc_succ_old_stale", "cc_new_old_stale", "ex_n_crowded", "ex_fail_crowded",
        "ex_n_free", "ex_fail_free", "priv_work", "priv_re", "other_work", "other_re",
        "hs_degree", "other_degree", "degree_samples", "ja_takeups", "ja_takeup_aligned",
        "tied_weeks", "tied_aligned_weeks", "re_weeks", "re_beside_weeks",
    )  # fmt: skip

    #: A co-creation partner "joined" an actor when the two first took co-creation up
    #: together within this many weeks (the observer's own definition).
    JOINED_WITHIN = 26

    def __init__(self, model, last_year_from: int):
        self.model = model
        self.last_year_from = last_year_from
        self.m: dict[str, float] = dict.fromkeys(self.COUNTS, 0.0)
        self.shallow_weeks = _SquareRecord(0, np.int32)
        self.ever_cocreated = _SquareRecord(False, np.bool_)
        self.tied_at_156 = _SquareRecord(False, np.bool_)
        self.last_new_partner = np.full(0, -10_000, dtype=np.int64)
        self.retention = np.nan

    def _fit(self):
        cap = self.model.pairs.capacity
        for record in (self.shallow_weeks, self.ever_cocreated, self.tied_at_156):
            record.fit(cap)
        if len(self.last_new_partner) < cap:
            self.last_new_partner = np.concatenate(
                [self.last_new_partner, np.full(cap - len(self.last_new_partner), -10_000, dtype=np.int64)])

    def before_week(self) -> None:
        """Copies of the state the week will change (read again by :meth:`after_week`)."""
        p = self.model.pairs
        self.n_before = p.n_pairs
        self.trust_start = p.trust.copy()
        self.cc_age = p.cocreation_weeks.copy()  # co-creation weeks before this week's outcomes

    def after_week(self) -> None:
        """Read the week's records (the model, or its batch, has just run the week)."""
        model, m = self.model, self.m
        trust_start, cc_age = self.trust_start, self.cc_age
        self._fit()
        p, t = model.pairs, model.actor_table
        if p.n_pairs != self.n_before:  # pair arrays grew this week: skip its pair records
            return
        o, up, week, present = model.outcomes, model.taken_up, model.week, model.present
        iu, ju, held = p.iu, p.ju, p.held
        hs = t.kind == ActorKind.HOUSING_SOCIAL
        hs_pair = hs[iu] | hs[ju]

        # Fact 8b: who takes part in co-creation (held this week, concluded ones included).
        cocreating = held[Form.CO_CREATION] | o.cocreation_ended
        m["cc_weeks_total"] += cocreating.sum()
        m["cc_weeks_hs"] += (cocreating & hs_pair).sum()

        # Fact 9a: trust in the week co-creation was taken up, against all present pairs.
        took_cc = up[Form.CO_CREATION]
        if took_cc.any():
            m["cc_takeups"] += took_cc.sum()
            m["cc_takeup_trust"] += trust_start[took_cc].sum()
            m["cc_takeup_ref"] += took_cc.sum() * trust_start[present].mean()
            m["cc_takeup_after_shallow"] += (self.shallow_weeks.matrix[iu, ju][took_cc] >= 26).sum()
        shallower = present & held[Form.KNOWLEDGE_SHARING: Form.CO_CREATION].any(axis=0)
        self.shallow_weeks.matrix[iu[shallower], ju[shallower]] += 1

        # Fact 9b: trust change of a concluded joint effort, success against failure.
        dtrust = p.trust - trust_start
        success = o.joint_offer | o.cocreation_success
        failure = o.joint_failure | o.cocreation_failure
        for name, mask in (("success", success), ("failure", failure)):
            m[f"deep_{name}_n"] += mask.sum()
            m[f"deep_{name}_dtrust"] += dtrust[mask].sum()

        # Fact 10: novelty of a successful co-creation by how long the pair co-created,
        # and whether a new co-creation partner joined either actor in the last half year.
        first = took_cc & ~self.ever_cocreated.matrix[iu, ju]
        self.ever_cocreated.matrix[iu[took_cc], ju[took_cc]] = True
        self.last_new_partner[iu[first]] = week
        self.last_new_partner[ju[first]] = week
        joined = week - self.last_new_partner <= self.JOINED_WITHIN
        fresh = (joined[iu] | joined[ju]) & ~first
        cc_success = o.cocreation_success
        old = cc_age >= 52
        for name, mask in (("young", cc_success & ~old), ("old", cc_success & old),
                           ("old_fresh", cc_success & old & fresh),
                           ("old_stale", cc_success & old & ~fresh)):  # fmt: skip
            m[f"cc_succ_{name}"] += mask.sum()
            m[f"cc_new_{name}"] += (mask & o.new_initiative).sum()

        # O3: exchange events that failed, where a partner holds many exchange ties.
        exchanged = o.exchange_success | o.exchange_failure
        n_rows = t.capacity
        exchanging = held[Form.RESOURCE_EXCHANGE] | exchanged
        crowd = np.bincount(iu[exchanging], minlength=n_rows) + np.bincount(
            ju[exchanging], minlength=n_rows)
        many = np.maximum(crowd[iu], crowd[ju]) > model.params.crowding_capacity
        for name, mask in (("crowded", exchanged & many), ("free", exchanged & ~many)):
            m[f"ex_n_{name}"] += mask.sum()
            m[f"ex_fail_{name}"] += (mask & o.exchange_failure).sum()

        # O2: holding alignment when joint action is taken up, against all tied pairs.
        tied = present & p.tied
        took_ja = up[Form.JOINT_ACTION]
        m["ja_takeups"] += took_ja.sum()
        m["ja_takeup_aligned"] += (took_ja & held[Form.ALIGNMENT]).sum()
        m["tied_weeks"] += tied.sum()
        m["tied_aligned_weeks"] += (tied & held[Form.ALIGNMENT]).sum()

        if week == 156:
            self.tied_at_156.matrix[iu[tied], ju[tied]] = True
        if week == 208:
            before = self.tied_at_156.matrix[iu, ju]
            self.retention = float((before & tied).sum() / before.sum()) if before.any() else np.nan

        if week > self.last_year_from:
            # Fact 7: private actors' working ties (alignment or deeper), last year.
            private = t.kind == ActorKind.PRIVATE
            priv_pair = private[iu] | private[ju]
            working = present & held[Form.ALIGNMENT:].any(axis=0)
            re = present & held[Form.RESOURCE_EXCHANGE]
            m["priv_work"] += (working & priv_pair).sum()
            m["priv_re"] += (re & priv_pair).sum()
            m["other_work"] += (working & ~priv_pair).sum()
            m["other_re"] += (re & ~priv_pair).sum()
            # Multiplex: resource exchange held beside alignment or joint action.
            m["re_weeks"] += re.sum()
            m["re_beside_weeks"] += (re & (held[Form.ALIGNMENT] | held[Form.JOINT_ACTION])).sum()
            # Fact 8a: degree of housing-social actors against the others, every 4 weeks.
            if week % 4 == 0:
                degree = _degree(model)
                active = t.active[: t.capacity]
                if (active & hs).any() and (active & ~hs).any():
                    m["hs_degree"] += degree[active & hs].mean()
                    m["other_degree"] += degree[active & ~hs].mean()
                    m["degree_samples"] += 1


def _degree(model) -> np.ndarray:
    """Number of partners in any form, per actor row."""
    p, t = model.pairs, model.actor_table
    tied = model.present & p.tied
    return (np.bincount(p.iu[tied], minlength=t.capacity)
            + np.bincount(p.ju[tied], minlength=t.capacity))  # fmt: skip


def _central_actor(model) -> str:
    """The actor with most partners now (ties broken by row: deterministic)."""
    degree = _degree(model)
    active = model.actor_table.active[: len(degree)]
    row = int(np.argmax(np.where(active, degree, -1)))
    return model.actor_by_row[row].name


def _deep_held(held: np.ndarray) -> np.ndarray:
    return held[Form.JOINT_ACTION] | held[Form.CO_CREATION]


@functools.lru_cache(maxsize=64)
def _composed(centre: str, overrides: tuple[str, ...], steps: int):
    """An arm's run configuration, composed once per worker process: Hydra's compose
    costs about a fifth of a validation run, and every seed of an arm asks for the same."""
    return compose_run([f"centre={centre}", *overrides, f"steps={steps}"])


def run_arm_seed(arm: Arm, seed: int) -> dict[str, float]:
    """Run one seed of an arm and return its measures (all plain floats)."""
    return run_arm_seeds(arm, [seed])[0]


def run_arm_seeds(arm: Arm, seeds) -> list[dict[str, float]]:
    """Run seeds of an arm together on the batched engine (each seed exactly as it runs
    alone: ``tests/test_batch.py``) and return each seed's measures (plain floats).

    The observers read each seed's records after every week (``SeedBatch.at_week``);
    nothing of the model is replaced or stepped by them.
    """
    run = copy.deepcopy(_composed(arm.centre, tuple(arm.overrides), arm.steps))
    if arm.variant:
        run.centre = VARIANTS[arm.variant](run.centre)
    seeds = list(seeds)
    batch = SeedBatch([build_model(run, seed) for seed in seeds])
    observers = [_Observer(m, last_year_from=arm.steps - 52) for m in batch.models]
    newcomer_degree = [np.nan] * len(seeds)
    for _ in range(arm.steps):
        if arm.lose_central_at is not None and batch.week == arm.lose_central_at - 1:
            for s, model in enumerate(batch.at_week()):
                batch.remove_actor(s, _central_actor(model))
        for observer in observers:
            observer.before_week()
        batch.step()
        models = batch.at_week()
        for s, (observer, model) in enumerate(zip(observers, models, strict=True)):
            observer.after_week()
            if model.week == 130:
                degree = _degree(model)
                new = [degree[a.row] for a in model.actor_by_row if a.name.startswith("new_tenant")]
                newcomer_degree[s] = float(np.mean(new)) if new else np.nan
    batch.finish()
    tables = batch.timeseries(seeds)
    return [_measures(model, observer, tables[tables["seed"] == seed], seed, newcomer_degree[s])
            for s, (seed, model, observer) in enumerate(zip(seeds, batch.models, observers, strict=True))]


def _measures(model, observer: _Observer, table: pd.DataFrame, seed: int,
              newcomer_degree: float) -> dict[str, float]:  # fmt: skip
    """One seed's measures from its weekly table, its final state and its observer."""
    out: dict[str, float] = {"seed": float(seed)}
    out["newcomer_degree"] = newcomer_degree
    out["retention_156_208"] = observer.retention
    table = table.drop(columns=["seed", "step"]).reset_index(drop=True)
    table["deep"] = table["deepest_joint_action"] + table["deepest_co_creation"]
    table["shallow"] = sum(table[f"ties_{f.id}"] for f in FORMS if f in SHALLOW)
    last = table.iloc[-52:]
    for f in FORM_IDS:
        out[f"ly_{f}"] = float(last[f"ties_{f}"].mean())
    out["ly_any"] = float(last["ties_any"].mean())
    out["ly_total"] = float(last["ties_total"].mean())
    out["ly_deep"] = float(last["deep"].mean())
    out["ly_multiplex"] = float(last["multiplex_pairs"].mean())
    out["end_any"] = float(table["ties_any"].iloc[-1])
    for col in ("residents_reached", "referrals_completed", "residents_in_joint", "resident_links"):
        out[f"ly_{col}"] = float(last[col].mean())
    for week in CHECK_WEEKS:
        if week < len(table):
            row = table.iloc[week]
            quarter = table.iloc[week - QUARTER + 1: week + 1]
            out[f"w{week}_any"] = float(row["ties_any"])
            out[f"w{week}_trust"] = float(row["mean_trust"])
            out[f"w{week}_familiarity"] = float(row["mean_familiarity"])
            out[f"w{week}_ks"] = float(row["ties_knowledge_sharing"])
            out[f"w{week}_deep"] = float(row["deep"])
            out[f"w{week}_shallow"] = float(row["shallow"])
            for col in ("ties_any", "ties_alignment", "referrals", "residents_reached"):
                out[f"q{week}_{col}"] = float(quarter[col].mean())
    p, present = model.pairs, model.present
    trusting = present & (p.trust >= 0.55)
    out["deep_share_of_trusting"] = (
        float(_deep_held(p.held)[trusting].mean()) if trusting.any() else 0.0
    )
    tied = present & p.tied
    working = present & p.held[Form.ALIGNMENT:].any(axis=0)
    # How much more of the week tied partners share than pairs in general do.
    out["overlap_selectivity"] = float(p.overlap[tied].mean() / p.overlap[present].mean())
    ranks = p.familiarity[present].argsort().argsort() / max(present.sum() - 1, 1)
    out["familiarity_rank_of_partners"] = (
        float(ranks[working[present]].mean()) if working.any() else np.nan
    )
    t = model.actor_table
    same_kind = t.kind[p.iu] == t.kind[p.ju]
    out["same_kind_selectivity"] = float(same_kind[tied].mean() / same_kind[present].mean())
    out.update({k: float(v) for k, v in observer.m.items()})
    return out


class RunStore:
    """Per-seed measures of every arm, each arm run once and shared by all patterns.

    ``extra`` overrides (e.g. ``params.encounter_rate=0.5``) are added to every arm the
    store runs: the robustness sweep re-runs the same patterns under other parameters.
    """

    def __init__(self, seeds: range, n_jobs: int = 2, extra: tuple[str, ...] = ()):
        self.seeds = seeds
        self.n_jobs = n_jobs
        self.extra = tuple(extra)
        self._frames: dict[Arm, pd.DataFrame] = {}

    def _runnable(self, arm: Arm) -> Arm:
        return replace(arm, overrides=(*arm.overrides, *self.extra))

    def prefetch(self, arms: list[Arm]) -> None:
        """Run every missing (arm, seed): each arm's seeds as one batch (split in chunks
        only when there are fewer arms than workers), the batches in parallel."""
        todo = list(dict.fromkeys(a for a in arms if a not in self._frames))
        seeds = list(self.seeds)
        n_chunks = max(1, min(len(seeds), -(-self.n_jobs // max(len(todo), 1))))
        chunks = [c.tolist() for c in np.array_split(np.asarray(seeds, dtype=np.int64), n_chunks)]
        jobs = [(a, c) for a in todo for c in chunks if c]
        parts = list(tqdm(Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(run_arm_seeds)(self._runnable(a), c) for a, c in jobs
        ), total=len(jobs), desc="kørsler / runs", unit="batch", file=sys.stderr,
            disable=not jobs))  # progress on stderr: a full validation takes minutes
        for arm in todo:
            mine = [r for (a, _), rows in zip(jobs, parts, strict=True) if a == arm for r in rows]
            self._frames[arm] = pd.DataFrame(mine).set_index("seed").sort_index()

    def get(self, arm: Arm) -> pd.DataFrame:
        if arm not in self._frames:
            self.prefetch([arm])
        return self._frames[arm]

    @property
    def arms(self) -> list[Arm]:
        return list(self._frames)


# ------------------------------------------------------------------------ statistics
# Every interval comes from analysis/stats.py, the module the what-if report, the sweep
# plots and the tests use (issue 12): these adapters only unpack its Interval.


def t_interval(values) -> tuple[float, float, float]:
    """Mean over seeds with a Student-t 95 % interval (few seeds: not the normal z)."""
    return stats.mean_interval(values).as_tuple()


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """Mean of ``a − b`` over seeds present in both, with a t interval."""
    return stats.paired_difference(a, b).as_tuple()


def relative(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """Relative change ``mean(a) / mean(b) − 1`` over paired seeds with its bootstrap
    interval, bounded below by −100 %."""
    return stats.relative_change(a, b).as_tuple()


def ratio_of_means(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """``mean(a) / mean(b)`` over paired seeds with its bootstrap interval (≥ 0)."""
    change, low, high = relative(a, b)
    return change + 1, low + 1, high + 1


def bootstrap(frame, statistic: Callable[[dict], float]) -> tuple[float, float, float]:
    """Statistic of seed-pooled counts with a seed-cluster bootstrap interval."""
    return stats.cluster_bootstrap(frame, statistic).as_tuple()


def ratio(num: str, den: str) -> Callable[[dict], float]:
    def statistic(frame):
        d = np.sum(frame[den])
        return float(np.sum(frame[num]) / d) if d > 0 else np.nan

    return statistic


# --------------------------------------------------------------------------- records
@dataclass
class PatternResult:
    """One pattern on one centre: what the report expects and what the model gives."""

    pattern: str
    centre: str
    kind: str
    expected: str
    passage: str
    effect: float
    low: float
    high: float
    status: str
    note: str
    arms: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == PASS


def _status(ok: bool, low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return INCONCLUSIVE
    return PASS if ok else FAIL


def _result(pid, centre, effect, interval, ok, note, arms, min_events_ok=True):
    low, high = interval
    status = _status(ok, low, high) if min_events_ok else INCONCLUSIVE
    spec = PATTERNS[pid]
    return PatternResult(pid, centre, spec.kind, spec.expected, spec.passage, float(effect),
                         float(low), float(high), status, note,
                         [a.label() for a in arms])  # fmt: skip


def _higher(hi: pd.Series, lo: pd.Series, min_relative: float = 0.10):
    """Relative paired effect and whether it is clearly positive and at least ``min_relative``."""
    eff, low, high = relative(hi, lo)
    return eff, (low, high), bool(low > 0 and eff >= min_relative)


# ------------------------------------------------------------------------------ arms
def baseline(centre: str) -> Arm:
    return Arm(centre)


def _preset_flags(centre: str) -> tuple[bool, bool]:
    spec = compose_run([f"centre={centre}"]).centre
    return spec.coordinator, spec.forum


#: Long enough to ask the planners' question 60 months after a stop in week 52.
COORDINATED_STEPS = 313


def coordinated(centre: str, scenario: str | None = None) -> Arm:
    """The centre with a running coordinator (added where the preset has none), run long
    enough for the planners' question."""
    extra = () if _preset_flags(centre)[0] else ("drivers.coordinator=true",)
    scen = (f"scenario={scenario}",) if scenario else ()
    return Arm(centre, (*scen, *extra), steps=COORDINATED_STEPS)


# --------------------------------------------------------------------------- patterns
def _co_location_arms(centre):
    return [Arm(centre, ("drivers.co_location=0.9",)), Arm(centre, ("drivers.co_location=0.2",))]


def fact1_co_location(store: RunStore, centre: str) -> PatternResult:
    """More co-location → more ties (pairs holding any form; ≥ 10 %, interval > 0),
    co-location 0.2 vs 0.9. Validation: co-location only raises chance encounters and
    lowers the cost of reaching each other; whether that becomes ties depends on
    familiarity, trust, hours and every form's conditions."""
    arms = _co_location_arms(centre)
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["ly_any"], lo["ly_any"])
    return _result("1a", centre, eff, ci, ok, f"ties {lo['ly_any'].mean():.1f} → "
                   f"{hi['ly_any'].mean():.1f} (last-year mean)", arms)  # fmt: skip


def fact1_every_form(store: RunStore, centre: str) -> PatternResult:
    """Every form (deep forms pooled) rises with co-location: the weakest form's relative
    effect is reported; passes if each one's interval is > 0 and ≥ 10 %. Validation: each
    form's conditions and hours interact (hours used by one form are lost to another)."""
    arms = _co_location_arms(centre)
    hi, lo = (store.get(a) for a in arms)
    parts = {}
    for col in ("ly_knowledge_sharing", "ly_alignment", "ly_resource_exchange", "ly_deep"):
        parts[col] = _higher(hi[col], lo[col])
    weakest = min(parts, key=lambda c: parts[c][1][0])
    eff, ci, _ = parts[weakest]
    ok = all(p[2] for p in parts.values())
    note = "; ".join(f"{c[3:]} {p[0]:+.0%}" for c, p in parts.items())
    return _result("1b", centre, eff, ci, ok, f"weakest: {weakest[3:]}; {note}", arms)


def fact1_knowledge_sharing_first(store: RunStore, centre: str) -> PatternResult:
    """Knowledge sharing responds first: clearly more knowledge-sharing ties already in
    week 26 (interval > 0, ≥ 10 %). Validation: the timing comes from how fast
    familiarity builds from encounters against each form's conditions."""
    arms = _co_location_arms(centre)
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["w26_ks"], lo["w26_ks"])
    return _result("1c", centre, eff, ci, ok, f"week-26 knowledge sharing "
                   f"{lo['w26_ks'].mean():.1f} → {hi['w26_ks'].mean():.1f}; deep ties then "
                   f"{hi['w26_deep'].mean():.1f}", arms)  # fmt: skip


def fact1_shared_places(store: RunStore, centre: str) -> PatternResult:
    """More shared places (preset vs 0.1) → more ties (≥ 10 %, interval > 0). Validation:
    shared places only raise encounters; ties depend on what follows."""
    arms = [baseline(centre), Arm(centre, ("centre.shared_places=0.1",))]
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["ly_any"], lo["ly_any"])
    return _result("1d", centre, eff, ci, ok, f"ties {lo['ly_any'].mean():.1f} → "
                   f"{hi['ly_any'].mean():.1f}", arms)  # fmt: skip


def fact1_outside_the_house(store: RunStore, centre: str) -> PatternResult:
    """Co-location 0 (every actor based outside) still keeps a substantial share of the
    preset's ties: ratio of ties (last-year mean) has an interval ≥ 25 % (issue 9; Korsør
    works with actors based outside). Validation: outside actors meet less and reach each
    other at a higher cost, but sought contacts, the forum and introductions go on."""
    arms = [Arm(centre, ("drivers.co_location=0",)), baseline(centre)]
    none, base = (store.get(a) for a in arms)
    eff, low, high = ratio_of_means(none["ly_any"], base["ly_any"])
    return _result("1e", centre, eff, (low, high), bool(low >= 0.25),
                   f"ties {base['ly_any'].mean():.1f} → {none['ly_any'].mean():.1f} with "
                   "nobody housed", arms)  # fmt: skip


def fact2_rarer_the_deeper(store: RunStore, centre: str) -> PatternResult:
    """Each form is held by more pairs than the next deeper one (paired within runs):
    every step's interval > 0 and ≥ 10 %. Effect: the step with the lowest interval bound.
    Validation: a palette, not a ladder — each form has its own conditions and rates."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    steps = {}
    for shallow, deep in zip(FORM_IDS[:-1], FORM_IDS[1:], strict=True):
        steps[f"{shallow}>{deep}"] = _higher(b[f"ly_{shallow}"], b[f"ly_{deep}"])
    weakest = min(steps, key=lambda k: steps[k][1][0])
    eff, ci, _ = steps[weakest]
    means = " / ".join(f"{b[f'ly_{f}'].mean():.1f}" for f in FORM_IDS)
    return _result("2a", centre, eff, ci, all(s[2] for s in steps.values()),
                   f"pairs by form {means}; weakest step {weakest}", arms)  # fmt: skip


def fact2_resource_exchange_share(store: RunStore, centre: str) -> PatternResult:
    """Resource exchange is held by a substantial share of tied pairs: the mean share
    (pairs holding it / pairs holding any form, last year) is ≥ 15 %. Validation: depends
    on complementary resources among the actors and on hours."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    mean, low, high = t_interval(b["ly_resource_exchange"] / b["ly_any"])
    return _result("2b", centre, mean, (low, high), mean >= 0.15,
                   f"{mean:.0%} of tied pairs hold resource exchange", arms)  # fmt: skip


def fact2_cocreation_rarest(store: RunStore, centre: str) -> PatternResult:
    """Co-creation is the rarest form: fewer pairs hold it than each other form (paired
    within runs; every interval > 0 and ≥ 10 %). Effect: the gap with the lowest interval
    bound. Validation."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    gaps = {f: _higher(b[f"ly_{f}"], b["ly_co_creation"]) for f in FORM_IDS[:-1]}
    closest = min(gaps, key=lambda f: gaps[f][1][0])
    eff, ci, _ = gaps[closest]
    return _result("2c", centre, eff, ci, all(g[2] for g in gaps.values()),
                   f"co-creation {b['ly_co_creation'].mean():.2f} pairs; closest form "
                   f"{closest} {b[f'ly_{closest}'].mean():.2f}", arms)  # fmt: skip


def fact3_coordinator_stops(store: RunStore, centre: str) -> PatternResult:
    """Coordinator stops in week 52: at weeks 78 and 104 ties, trust and familiarity are all
    lower (intervals < 0) and ties ≥ 5 % fewer. Validation: the coordinator's hours go to
    introductions and upkeep; what a stop costs depends on how relations fade, what the
    freed hours do and whether a forum goes on."""
    arms = [coordinated(centre, "coordinator_stops"), coordinated(centre)]
    stop, base = (store.get(a) for a in arms)
    ok = True
    for week in (78, 104):
        for col in ("any", "trust", "familiarity"):
            _, _, high = paired(stop[f"w{week}_{col}"], base[f"w{week}_{col}"])
            ok &= bool(high < 0)
    eff, low, high = relative(stop["w104_any"], base["w104_any"])
    ok &= bool(eff <= -0.05)
    tr = paired(stop["w104_trust"], base["w104_trust"])[0]
    return _result("3a", centre, eff, (low, high), ok, f"ties at week 104 {eff:+.0%}, "
                   f"trust {tr:+.3f}", arms)  # fmt: skip


def fact3_newcomers(store: RunStore, centre: str) -> PatternResult:
    """Newcomers arriving (week 78) after the stop have fewer partners at week 130 than
    those arriving while the coordinator runs: relative change (after stop vs coordinated)
    has an interval < 0 and is ≤ −10 %. Verification of the coordinator's introductions,
    which give newcomers priority (``newcomer_priority``, added for this pattern)."""
    extra = () if _preset_flags(centre)[0] else ("drivers.coordinator=true",)
    arms = [Arm(centre, ("scenario=newcomers", *extra), steps=130),
            Arm(centre, ("scenario=newcomers_coordinated", *extra), steps=130)]  # fmt: skip
    after, during = (store.get(a) for a in arms)
    eff, low, high = relative(after["newcomer_degree"], during["newcomer_degree"])
    return _result("3b", centre, eff, (low, high), bool(high < 0 and eff <= -0.10),
                   f"newcomer partners {during['newcomer_degree'].mean():.1f} (coordinated) "
                   f"vs {after['newcomer_degree'].mean():.1f} (after stop)", arms)  # fmt: skip


def fact3_planners_question(store: RunStore, centre: str) -> PatternResult:
    """The planners' question (issue 9): after the coordinator stops in week 52, ties,
    alignment ties and referrals (quarter means) are below the kept arm at 6, 12, 24 and
    60 months (weeks 78, 104, 156, 312): all twelve t-intervals of the paired differences
    < 0. Effect: ties at 60 months, relative. Validation: a stop frees the role's hours,
    which can buy other ties; the answer depends on fading, overview, forum and hours."""
    arms = [coordinated(centre, "coordinator_stops"), coordinated(centre)]
    stop, base = (store.get(a) for a in arms)
    ok, failed = True, []
    for week in PLANNER_WEEKS:
        for col in ("ties_any", "ties_alignment", "referrals"):
            _, _, high = paired(stop[f"q{week}_{col}"], base[f"q{week}_{col}"])
            if not high < 0:
                ok = False
                failed.append(f"{col[5:] if col.startswith('ties_') else col}@{week}")
    eff, low, high = relative(stop["q312_ties_any"], base["q312_ties_any"])
    parts = [f"{m} {relative(stop[f'q{w}_{c}'], base[f'q{w}_{c}'])[0]:+.0%}"
             for w, m in ((104, "ties@12m"), (312, "ties@60m")) for c in ("ties_any",)]  # fmt: skip
    for c, m in (("ties_alignment", "alignment@60m"), ("referrals", "referrals@60m")):
        parts.append(f"{m} {relative(stop[f'q312_{c}'], base[f'q312_{c}'])[0]:+.0%}")
    note = "; ".join(parts) + ("" if ok else f"; not below: {', '.join(failed)}")
    return _result("3c", centre, eff, (low, high), ok, note, arms)


def fact4_funding_expiry(store: RunStore, centre: str) -> PatternResult:
    """Project money ends in week 104: at 8, 26 and 52 weeks after, deep ties fall (interval
    < 0), by ≥ 20 %, and by at least twice the share shallow form-ties lose. Verification
    of the expiry rule (mandate and binding hours cut by ``expiry_mandate_factor`` and
    ``expiry_hours_factor``; deep forms need mandate)."""
    arms = [Arm(centre, ("scenario=funding_expires",), steps=156), baseline(centre)]
    exp, base = (store.get(a) for a in arms)
    ok, notes = True, []
    for week in (112, 130, 156):
        deep_change = exp[f"w{week}_deep"].mean() / max(base[f"w{week}_deep"].mean(), 1e-9) - 1
        shallow_change = exp[f"w{week}_shallow"].mean() / base[f"w{week}_shallow"].mean() - 1
        _, _, high = paired(exp[f"w{week}_deep"], base[f"w{week}_deep"])
        ok &= bool(high < 0 and deep_change < -0.2 and deep_change < 2 * min(shallow_change, 0))
        notes.append(f"wk{week}: deep {deep_change:+.0%}, shallow {shallow_change:+.0%}")
    eff, low, high = relative(exp["w130_deep"], base["w130_deep"])
    return _result("4", centre, eff, (low, high), ok, "; ".join(notes), arms)


def _leadership_arms(centre):
    return [Arm(centre, ("drivers.leadership_support=0.9",)),
            Arm(centre, ("drivers.leadership_support=0.2",))]  # fmt: skip


def _at_least_doubles(hi: pd.Series, lo: pd.Series):
    """Absolute paired difference (readable when the low arm is near zero), and whether the
    interval is > 0 and the high mean is at least twice the low one."""
    eff, low, high = paired(hi, lo)
    return eff, (low, high), bool(low > 0 and hi.mean() >= 2 * lo.mean())


def fact5_leadership_deep(store: RunStore, centre: str) -> PatternResult:
    """Leadership 0.9 vs 0.2: deep ties at least double (interval of the difference > 0).
    Verification of the mandate rule (deep forms need ``mandate_to_enter_deep`` and their
    uptake scales with mandate squared)."""
    arms = _leadership_arms(centre)
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _at_least_doubles(hi["ly_deep"], lo["ly_deep"])
    return _result("5a", centre, eff, ci, ok, f"deep ties {lo['ly_deep'].mean():.2f} → "
                   f"{hi['ly_deep'].mean():.2f}", arms)  # fmt: skip


def fact5_trusting_pairs(store: RunStore, centre: str) -> PatternResult:
    """Even between trusting pairs (trust ≥ 0.55) the share holding a deep form at least
    doubles. Effect: difference in that share. Verification of the mandate rule."""
    arms = _leadership_arms(centre)
    hi, lo = (store.get(a) for a in arms)
    col = "deep_share_of_trusting"
    eff, ci, ok = _at_least_doubles(hi[col], lo[col])
    return _result("5b", centre, eff, ci, ok, f"deep share of trusting pairs "
                   f"{lo[col].mean():.1%} → {hi[col].mean():.1%}", arms)  # fmt: skip


def fact5_knowledge_sharing_barely(store: RunStore, centre: str) -> PatternResult:
    """Knowledge-sharing ties move by at most a fifth (ratio 0.8–1.25, leadership 0.9 vs
    0.2) while deep ties change more than five times as much. Validation: leadership
    allocates hours, which every form uses."""
    arms = _leadership_arms(centre)
    hi, lo = (store.get(a) for a in arms)
    eff, low, high = relative(hi["ly_knowledge_sharing"], lo["ly_knowledge_sharing"])
    deep_ratio = (hi["ly_deep"].mean() + 1e-9) / (lo["ly_deep"].mean() + 1e-9)
    ok = 0.8 <= 1 + eff <= 1.25 and deep_ratio > 5 * (1 + eff)
    return _result("5c", centre, eff, (low, high), ok, f"knowledge sharing ×{1 + eff:.2f}; "
                   f"deep ties {lo['ly_deep'].mean():.2f} → {hi['ly_deep'].mean():.2f}",
                   arms)  # fmt: skip


def _load_arms(centre):
    return [Arm(centre, ("drivers.core_load=0.85",)), Arm(centre, ("drivers.core_load=0.3",))]


def fact6_less_collaboration(store: RunStore, centre: str) -> PatternResult:
    """Core load 0.85 vs 0.3: fewer ties and fewer deep ties (both ≤ −10 %, intervals < 0).
    Effect: ties, relative to the light load. Validation: load cuts hours; how hours
    spread over forms and partners is not written into any rule."""
    arms = _load_arms(centre)
    heavy, light = (store.get(a) for a in arms)
    eff, low, high = relative(heavy["ly_any"], light["ly_any"])
    deff, _, dhigh = relative(heavy["ly_deep"], light["ly_deep"])
    ok = bool(high < 0 and eff <= -0.10 and dhigh < 0 and deff <= -0.10)
    return _result("6a", centre, eff, (low, high), ok, f"heavy load: ties "
                   f"{heavy['ly_any'].mean():.1f} vs {light['ly_any'].mean():.1f}, deep "
                   f"{heavy['ly_deep'].mean():.2f} vs {light['ly_deep'].mean():.2f}",
                   arms)  # fmt: skip


def fact6_concentration(store: RunStore, centre: str) -> PatternResult:
    """Under heavy load ties concentrate on nearby (shared hours) and familiar partners:
    both selectivity measures higher by ≥ 5 % with intervals > 0. Effect: overlap.
    Validation: no rule prefers familiar partners under load; it must come from costs and
    which commitments give way."""
    arms = _load_arms(centre)
    heavy, light = (store.get(a) for a in arms)
    eff, ci, ok = _higher(heavy["overlap_selectivity"], light["overlap_selectivity"], 0.05)
    feff, _, fok = _higher(heavy["familiarity_rank_of_partners"],
                           light["familiarity_rank_of_partners"], 0.05)  # fmt: skip
    return _result("6b", centre, eff, ci, ok and fok, f"overlap selectivity {eff:+.0%}, "
                   f"familiarity rank of partners {feff:+.0%}", arms)  # fmt: skip


def fact7_private_resource_exchange(store: RunStore, centre: str) -> PatternResult:
    """Private actors' working ties (pairs holding alignment or deeper, last year) mostly
    hold resource exchange: pooled share's interval > 50 %, and above the share among
    other pairs. Verification of the private kind's form affinity (``KIND_PROFILES``)."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    eff, low, high = bootstrap(b, ratio("priv_re", "priv_work"))
    other = ratio("other_re", "other_work")(b)
    ok = bool(low > 0.5 and eff > other)
    return _result("7", centre, eff, (low, high), ok, f"private {eff:.0%} vs others "
                   f"{other:.0%} of working pair-weeks; {b['priv_work'].sum():.0f} private "
                   "working pair-weeks", arms, b["priv_work"].sum() >= 30)  # fmt: skip


def fact8_housing_social_central(store: RunStore, centre: str) -> PatternResult:
    """Housing-social actors have a higher mean degree than the others (last year, every 4
    weeks): ratio's interval > 1 and ≥ 1.1. Validation: no rule gives them more partners;
    their presence, targets and the coordinating role (often theirs) interact."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    eff, low, high = bootstrap(b, ratio("hs_degree", "other_degree"))
    return _result("8a", centre, eff, (low, high), bool(low > 1 and eff >= 1.1),
                   f"degree ratio housing-social / others = {eff:.2f}", arms)  # fmt: skip


def cocreation_setting(centre: str) -> Arm:
    """Where pair-level co-creation patterns are read: the centre with strong leadership
    support (0.9), fixed in advance for every centre, because co-creation is rare at the
    presets' own levels; notes give the baseline's event count too."""
    return Arm(centre, ("drivers.leadership_support=0.9",))


def fact8_housing_social_cocreation(store: RunStore, centre: str) -> PatternResult:
    """Housing-social actors take part in most co-creation: share of co-creating pair-weeks
    (whole run) with a housing-social partner has an interval > 50 %. Verification of
    ``housing_social_cocreation_bonus`` in co-creation uptake."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)
    eff, low, high = bootstrap(b, ratio("cc_weeks_hs", "cc_weeks_total"))
    n = b["cc_weeks_total"].sum()
    return _result("8b", centre, eff, (low, high), bool(low > 0.5),
                   f"{eff:.0%} of {n:.0f} co-creating pair-weeks; baseline: "
                   f"{base['cc_weeks_total'].sum():.0f}", arms, n >= 52)  # fmt: skip


def fact9_trust_before_cocreation(store: RunStore, centre: str) -> PatternResult:
    """Co-creation grows out of trust built in shallower forms: in the week a pair takes
    co-creation up (``model.taken_up``) its trust exceeds the present pairs' mean (gap
    interval > 0.1), and most such pairs (interval > 50 %) held shallower forms for ≥ 26
    weeks first. Verification of co-creation's entry conditions (``trust_to_enter``,
    ``successes_for_cocreation``)."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)

    def gap(f):
        n = np.sum(f["cc_takeups"])
        return float((np.sum(f["cc_takeup_trust"]) - np.sum(f["cc_takeup_ref"])) / n) if n else np.nan

    eff, low, high = bootstrap(b, gap)
    share, slow, _ = bootstrap(b, ratio("cc_takeup_after_shallow", "cc_takeups"))
    n = b["cc_takeups"].sum()
    ok = bool(low > 0.1 and slow > 0.5)
    return _result("9a", centre, eff, (low, high), ok, f"trust gap at take-up {eff:+.2f}; "
                   f"{share:.0%} after ≥ 26 shallower weeks; {n:.0f} take-ups; baseline: "
                   f"{base['cc_takeups'].sum():.0f}", arms, n >= 10)  # fmt: skip


def fact9_failure_costs_more(store: RunStore, centre: str) -> PatternResult:
    """A failed joint effort costs more trust than a success earns: mean loss on failure
    minus mean gain on success (concluded joint action / co-creation) has interval > 0.
    Verification of the trust update (``trust_loss_failure`` > ``trust_gain_success``)."""
    arms = [baseline(centre)]
    b = store.get(arms[0])

    def asymmetry(f):
        ns, nf = np.sum(f["deep_success_n"]), np.sum(f["deep_failure_n"])
        if not ns or not nf:
            return np.nan
        return float(-np.sum(f["deep_failure_dtrust"]) / nf - np.sum(f["deep_success_dtrust"]) / ns)

    eff, low, high = bootstrap(b, asymmetry)
    n = b["deep_success_n"].sum() + b["deep_failure_n"].sum()
    return _result("9b", centre, eff, (low, high), bool(low > 0),
                   f"{n:.0f} concluded joint efforts", arms, n >= 20)  # fmt: skip


def fact10_tunnel_vision(store: RunStore, centre: str) -> PatternResult:
    """Long-standing co-creating pairs (≥ 52 weeks together) yield fewer new initiatives per
    success than younger ones: difference interval < 0. Verification of the novelty
    formula (``tunnel_weeks``)."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)

    def drop(f):
        return ratio("cc_new_old", "cc_succ_old")(f) - ratio("cc_new_young", "cc_succ_young")(f)

    eff, low, high = bootstrap(b, drop)
    n_old, n_young = b["cc_succ_old"].sum(), b["cc_succ_young"].sum()
    return _result("10a", centre, eff, (low, high), bool(high < 0),
                   f"{n_old:.0f} long-standing and {n_young:.0f} young co-creation successes; "
                   f"baseline: {base['cc_succ_old'].sum():.0f} long-standing", arms,
                   min(n_old, n_young) >= 10)  # fmt: skip


def fact10_new_partners(store: RunStore, centre: str) -> PatternResult:
    """…unless new partners join: successes of long-standing pairs where either actor took
    co-creation up with a new partner (first time together, per ``model.taken_up``) in the
    last 26 weeks yield more new initiatives than the others (difference interval > 0).
    Verification of the novelty formula (``fresh_partner_novelty``); "new partner" is the
    observer's own definition, read from take-ups, not the model's rule."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)

    def gain(f):
        return (ratio("cc_new_old_fresh", "cc_succ_old_fresh")(f)
                - ratio("cc_new_old_stale", "cc_succ_old_stale")(f))  # fmt: skip

    eff, low, high = bootstrap(b, gain)
    n_f, n_s = b["cc_succ_old_fresh"].sum(), b["cc_succ_old_stale"].sum()
    return _result("10b", centre, eff, (low, high), bool(low > 0),
                   f"{n_f:.0f} with and {n_s:.0f} without a new partner; baseline: "
                   f"{base['cc_succ_old'].sum():.0f} long-standing successes", arms,
                   min(n_f, n_s) >= 10)  # fmt: skip


def fact11_permanent_actors(store: RunStore, centre: str) -> PatternResult:
    """Losing the most central actor in week 104 costs fewer ties at week 156 when staff
    are permanent than when their project money ran out in week 78: difference of the
    relative losses (t interval over seeds) < 0. Verification of the hand-over rule
    (permanent partners take a leaver's relations over)."""
    arms = [Arm(centre, steps=156, lose_central_at=104), baseline(centre),
            Arm(centre, steps=156, variant="few_permanent", lose_central_at=104),
            Arm(centre, steps=156, variant="few_permanent")]  # fmt: skip
    lose_p, keep_p, lose_f, keep_f = (store.get(a) for a in arms)
    drop_p = 1 - lose_p["w156_any"] / keep_p["w156_any"]
    drop_f = 1 - lose_f["w156_any"] / keep_f["w156_any"]
    eff, low, high = paired(drop_p, drop_f)
    return _result("11", centre, eff, (low, high), bool(high < 0),
                   f"tie loss {drop_p.mean():.0%} with permanent staff vs {drop_f.mean():.0%} "
                   "with expired project staff", arms)  # fmt: skip


def fact11_losing_the_centre(store: RunStore, centre: str) -> PatternResult:
    """Losing the most central actor (highest degree at week 51) never raises ties a year
    later: ties at week 104, relative to the same seed without the loss, have an interval
    < 0 (issue 9). Validation: the loss frees the partners' hours, hand-over costs hours;
    whether ties end lower is the net of both."""
    arms = [Arm(centre, steps=104, lose_central_at=52), baseline(centre)]
    lose, keep = (store.get(a) for a in arms)
    eff, low, high = relative(lose["w104_any"], keep["w104_any"])
    return _result("11b", centre, eff, (low, high), bool(high < 0),
                   f"ties at week 104: {keep['w104_any'].mean():.1f} → "
                   f"{lose['w104_any'].mean():.1f}", arms)  # fmt: skip


def obs_multiplex(store: RunStore, centre: str) -> PatternResult:
    """A pair holding several forms is common (issue 9; *Del 2*: actors move between the
    forms in practice): of the tied pairs, ≥ 25 % hold two or more forms, and of the pairs
    holding resource exchange, ≥ 25 % hold alignment or joint action beside it (both
    interval lows, last year). Effect: the second share. Validation: each form's own
    conditions decide; no rule couples exchange to alignment or joint action."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    multi, mlow, _ = bootstrap(b, ratio("ly_multiplex", "ly_any"))
    eff, low, high = bootstrap(b, ratio("re_beside_weeks", "re_weeks"))
    ok = bool(mlow >= 0.25 and low >= 0.25)
    return _result("M1", centre, eff, (low, high), ok, f"{multi:.0%} of tied pairs hold ≥ 2 "
                   f"forms; {eff:.0%} of exchanging pairs also align or act jointly", arms,
                   b["re_weeks"].sum() >= 30)  # fmt: skip


def obs_volunteers_fragile(store: RunStore, centre: str) -> PatternResult:
    """More volunteers make a centre more fragile (issue 9; a house run by a few
    enthusiasts is vulnerable): with eight more volunteer associations, the share of pairs
    tied at week 156 still tied at week 208 is lower (paired t interval < 0). Validation:
    volunteer turnover is a rule, but whether the whole centre's ties become less durable
    depends on how many ties run through volunteers and how the others adapt."""
    arms = [Arm(centre, steps=208, variant="more_volunteers"), baseline(centre)]
    more, base = (store.get(a) for a in arms)
    eff, low, high = paired(more["retention_156_208"], base["retention_156_208"])
    return _result("V1", centre, eff, (low, high), bool(high < 0),
                   f"still tied a year later: {base['retention_156_208'].mean():.0%} → "
                   f"{more['retention_156_208'].mean():.0%}", arms)  # fmt: skip


def obs_informal_sharing_needs_forum(store: RunStore, centre: str) -> PatternResult:
    """Without a forum or coordinator, ties concentrate on same-hours partners more than
    with a forum: overlap selectivity higher by ≥ 5 % (interval > 0). Validation: the
    forum adds meetings across hours; selectivity follows from who then meets whom."""
    coord, forum = _preset_flags(centre)
    none = baseline(centre) if not (coord or forum) else Arm(
        centre, ("drivers.coordinator=false", "centre.forum=false"))
    arms = [none, Arm(centre, ("drivers.coordinator=false", "centre.forum=true"))]
    without, with_forum = (store.get(a) for a in arms)
    eff, ci, ok = _higher(without["overlap_selectivity"], with_forum["overlap_selectivity"], 0.05)
    keff = relative(without["same_kind_selectivity"], with_forum["same_kind_selectivity"])[0]
    return _result("O1", centre, eff, ci, ok, f"overlap selectivity {eff:+.0%}, same-kind "
                   f"selectivity {keff:+.0%} without a forum", arms)  # fmt: skip


def obs_alignment_builds(store: RunStore, centre: str) -> PatternResult:
    """Alignment is a building block: pairs taking up joint action hold alignment more
    often than tied pairs in general that week (difference of shares, interval > 0).
    Verification of shared understanding (built while aligning; joint action needs it)."""
    arms = [baseline(centre)]
    b = store.get(arms[0])

    def lift(f):
        return (ratio("ja_takeup_aligned", "ja_takeups")(f)
                - ratio("tied_aligned_weeks", "tied_weeks")(f))  # fmt: skip

    eff, low, high = bootstrap(b, lift)
    a = ratio("ja_takeup_aligned", "ja_takeups")(b)
    u = ratio("tied_aligned_weeks", "tied_weeks")(b)
    return _result("O2", centre, eff, (low, high), bool(low > 0),
                   f"holding alignment at joint-action take-up {a:.0%} vs {u:.0%} of tied "
                   f"pairs; {b['ja_takeups'].sum():.0f} take-ups", arms,
                   b["ja_takeups"].sum() >= 10)  # fmt: skip


def obs_crowding(store: RunStore, centre: str) -> PatternResult:
    """Too many sharing one thing weakens exchange: exchange events fail more often where
    a partner holds more than ``crowding_capacity`` exchange ties (difference of failure
    shares, interval > 0). Verification of the crowding penalty in exchange outcomes."""
    arms = [baseline(centre)]
    b = store.get(arms[0])

    def gap(f):
        return ratio("ex_fail_crowded", "ex_n_crowded")(f) - ratio("ex_fail_free", "ex_n_free")(f)

    eff, low, high = bootstrap(b, gap)
    n = b["ex_n_crowded"].sum()
    return _result("O3", centre, eff, (low, high), bool(low > 0),
                   f"{n:.0f} crowded of {n + b['ex_n_free'].sum():.0f} exchanges", arms,
                   n >= 20)  # fmt: skip


def residents_cafe(store: RunStore, centre: str) -> PatternResult:
    """More shared places (preset vs 0.1) → residents put more pairs of actors in touch
    AND the offers reach more residents (last-year means, each ≥ 10 %, intervals > 0).
    Verification of ``cafe_draw`` and ``tip_rate``, which scale with shared places by
    construction (``offer_reach``, ``resident_links``)."""
    arms = [baseline(centre), Arm(centre, ("centre.shared_places=0.1",))]
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["ly_residents_reached"], lo["ly_residents_reached"])
    links, _, links_ok = _higher(hi["ly_resident_links"], lo["ly_resident_links"])
    return _result("R1", centre, eff, ci, ok and links_ok,
                   f"reached {lo['ly_residents_reached'].mean():.0f} → "
                   f"{hi['ly_residents_reached'].mean():.0f}; resident links a week "
                   f"{lo['ly_resident_links'].mean():.2f} → {hi['ly_resident_links'].mean():.2f} "
                   f"({links:+.0%})", arms)  # fmt: skip


def residents_coordinated_referrals(store: RunStore, centre: str) -> PatternResult:
    """A coordinated centre (coordinator from the start vs none) completes more referrals
    AND reaches more residents (last-year means; referrals ≥ 10 %, reach interval > 0).
    Validation: the coordinator does not refer; referrals come from alignment, which needs
    familiarity, trust and hours, and reach follows from the referred residents staying."""
    arms = [Arm(centre, ("drivers.coordinator=true",)), Arm(centre, ("drivers.coordinator=false",))]
    on, off = (store.get(a) for a in arms)
    eff, ci, ok = _higher(on["ly_referrals_completed"], off["ly_referrals_completed"])
    reach, low, high = relative(on["ly_residents_reached"], off["ly_residents_reached"])
    return _result("R2", centre, eff, ci, ok and bool(low > 0),
                   f"referrals completed a week {off['ly_referrals_completed'].mean():.2f} → "
                   f"{on['ly_referrals_completed'].mean():.2f}; reached {reach:+.1%} "
                   f"[{low:+.1%}, {high:+.1%}]", arms)  # fmt: skip


def residents_after_a_stop(store: RunStore, centre: str) -> PatternResult:
    """After the coordinator stops (week 52) fewer residents are reached some months on:
    quarter means at 24 and 60 months (weeks 156, 312) below the kept arm (t-intervals
    < 0). Effect: relative at 24 months. Validation: nothing ties reach to the
    coordinator; it falls only if fewer referrals and joint offers follow the stop."""
    arms = [coordinated(centre, "coordinator_stops"), coordinated(centre)]
    stop, base = (store.get(a) for a in arms)
    ok = True
    for week in (156, 312):
        _, _, high = paired(stop[f"q{week}_residents_reached"], base[f"q{week}_residents_reached"])
        ok &= bool(high < 0)
    eff, low, high = relative(stop["q156_residents_reached"], base["q156_residents_reached"])
    diff = paired(stop["q156_residents_reached"], base["q156_residents_reached"])[0]
    late = paired(stop["q312_residents_reached"], base["q312_residents_reached"])[0]
    return _result("R3", centre, eff, (low, high), ok, f"reached {diff:+.0f} residents at 24 "
                   f"months, {late:+.0f} at 60 months", arms)  # fmt: skip


def residents_democrats_step_down(store: RunStore, centre: str) -> PatternResult:
    """When the resident volunteers who run the house step down (week 104), fewer residents
    are reached a year on (last-year mean, interval < 0). Verification of word of mouth
    (``resident_voices``) and of associations dissolving; inconclusive where no volunteer
    association is housed."""
    arms = [Arm(centre, ("scenario=resident_democrats_step_down",)), baseline(centre)]
    down, base = (store.get(a) for a in arms)
    eff, low, high = relative(down["ly_residents_reached"], base["ly_residents_reached"])
    same = bool(np.allclose(down["ly_residents_reached"], base["ly_residents_reached"]))
    return _result("R4", centre, eff, (low, high), bool(high < 0),
                   f"reached {base['ly_residents_reached'].mean():.0f} → "
                   f"{down['ly_residents_reached'].mean():.0f}", arms, min_events_ok=not same)  # fmt: skip


@dataclass(frozen=True)
class PatternSpec:
    """A pattern: what the report says, the function that checks it on one centre, and
    whether it verifies one mechanism or must emerge (``kind``)."""

    expected: str
    passage: str
    check: Callable[[RunStore, str], PatternResult]
    kind: str = VALIDATION


V, W = VALIDATION, VERIFICATION
PATTERNS: dict[str, PatternSpec] = {
    "1a": PatternSpec("more co-location → more ties", "Del 3 intro; Opsamling (generative "
                      "mechanism)", fact1_co_location, V),
    "1b": PatternSpec("… of every form", "Del 2, Videndele: places and occasions to meet",
                      fact1_every_form, V),
    "1c": PatternSpec("… knowledge sharing first (week 26)", "Del 2, Videndele",
                      fact1_knowledge_sharing_first, V),
    "1d": PatternSpec("more shared places → more ties", "Opsamling, Figure 1 (café, kitchen, "
                      "coffee machine)", fact1_shared_places, V),
    "1e": PatternSpec("nobody housed → still ≥ 25 % of the ties", "Del 1, Korsør (actors "
                      "based outside)", fact1_outside_the_house, V),
    "2a": PatternSpec("the deeper the form, the rarer", "Del 2, Figure 7",
                      fact2_rarer_the_deeper, V),
    "2b": PatternSpec("resource exchange held by a substantial share (≥ 15 %)", "Del 2, "
                      "Ressourceudveksle (network study)", fact2_resource_exchange_share, V),
    "2c": PatternSpec("co-creation the rarest form", "Del 2, Figure 7; Samskabe",
                      fact2_cocreation_rarest, V),
    "3a": PatternSpec("coordinator stops → ties, trust, familiarity decay", "Del 1, Aalborg "
                      "Øst, ET KOORDINERENDE FORUM", fact3_coordinator_stops, V),
    "3b": PatternSpec("newcomers after the stop get fewer ties", "Del 1, Aalborg Øst; Del 3, "
                      "SKAB MULIGHED FOR NYE SAMARBEJDER", fact3_newcomers, W),
    "3c": PatternSpec("after a stop: ties, alignment, referrals below at 6–60 months",
                      "Del 1, Aalborg Øst (keeping each other updated became harder)",
                      fact3_planners_question, V),
    "4": PatternSpec("funding expiry → deep forms fall first and most", "Del 1, Albertslund, "
                     "SVÆRE VILKÅR FOR AT ARBEJDE BORGERNÆRT", fact4_funding_expiry, W),
    "5a": PatternSpec("low leadership suppresses deep forms", "Del 2, Samordne; Del 3, Skab "
                      "ledelsesmæssig opbakning", fact5_leadership_deep, W),
    "5b": PatternSpec("… even between trusting pairs", "Del 2, Samordne (no leadership "
                      "backing)", fact5_trusting_pairs, W),
    "5c": PatternSpec("… knowledge sharing barely depends on it", "Del 2, Videndele",
                      fact5_knowledge_sharing_barely, V),
    "6a": PatternSpec("high core load → less collaboration", "Del 1, Aalborg Øst (heavy core "
                      "tasks)", fact6_less_collaboration, V),
    "6b": PatternSpec("… concentrated on familiar, nearby partners", "Del 1, Aalborg Øst",
                      fact6_concentration, V),
    "7": PatternSpec("private actors collaborate mostly by resource exchange", "Del 2, "
                     "Ressourceudveksle; actors (private)", fact7_private_resource_exchange, W),
    "8a": PatternSpec("housing-social actors central", "Del 2, Samskabe (cross-cutting view)",
                      fact8_housing_social_central, V),
    "8b": PatternSpec("housing-social actors in most co-creation", "Del 2, Samskabe",
                      fact8_housing_social_cocreation, W),
    "9a": PatternSpec("co-creation grows out of trust from shallower forms", "Del 2, Samskabe "
                      "(trust and earlier successes)", fact9_trust_before_cocreation, W),
    "9b": PatternSpec("a failure costs more trust than a success earns", "Del 3, Gør aktivt "
                      "brug af hinanden (past failed collaboration, distrust)",
                      fact9_failure_costs_more, W),
    "10a": PatternSpec("long-standing co-creating pairs yield less new", "Del 2, Samskabe "
                       "(tunnel vision)", fact10_tunnel_vision, W),
    "10b": PatternSpec("… unless new partners join", "Del 2, Samskabe", fact10_new_partners, W),
    "11": PatternSpec("permanent actors make collaboration survive a loss", "Del 3, SAML EN "
                      "BRED PALET AF FASTE AKTØRER I HUSET", fact11_permanent_actors, W),
    "11b": PatternSpec("losing the most central actor never raises ties", "Del 3, SAML EN "
                       "BRED PALET AF FASTE AKTØRER I HUSET", fact11_losing_the_centre, V),
    "M1": PatternSpec("several forms at once are common (exchange beside alignment or joint "
                      "action)", "Del 2, intro to Figure 7; Ressourceudveksle",
                      obs_multiplex, V),
    "V1": PatternSpec("more volunteers → a more fragile centre", "Del 1, Korsør/Aarhus "
                      "(volunteers cannot be held to hours; a few enthusiasts)",
                      obs_volunteers_fragile, V),
    "O1": PatternSpec("without a forum, ties stay among same-hours actors", "Del 2, Videndele "
                      "(informal sharing reaches the familiar and same-hours)",
                      obs_informal_sharing_needs_forum, V),
    "O2": PatternSpec("alignment builds into deeper forms", "Del 2, Samvirke (building block)",
                      obs_alignment_builds, W),
    "O3": PatternSpec("too many sharers weaken resource exchange", "Del 2, Ressourceudveksle "
                      "(too many sharing one thing)", obs_crowding, W),
    "R1": PatternSpec("the café brings residents in and residents link actors", "Del 1, Korsør, "
                      "EN CAFÉ SOM SAMLINGSSTED; Del 2, Videndele (kilde til viden)",
                      residents_cafe, W),
    "R2": PatternSpec("coordinated centres reach more residents through referrals", "Del 2, "
                      "Samvirke, HURTIG OG RELEVANT HJÆLP TIL BEBOERE", residents_coordinated_referrals, V),
    "R3": PatternSpec("a coordinator stop lowers reach after some months", "Del 1, Aalborg Øst, "
                      "ET KOORDINERENDE FORUM; Del 2, Samvirke", residents_after_a_stop, V),
    "R4": PatternSpec("resident democrats stepping down → fewer residents reached", "Del 1, "
                      "Korsør, FRIVILLIGT FUNDAMENT OG BEBOERLEDELSE", residents_democrats_step_down, W),
}


def needed_arms(centres, pattern_ids) -> list[Arm]:
    """Every arm the chosen patterns ask for, so they can all run in one parallel batch.

    A dry run: each pattern is called with a store that notes the arms it asks for and
    answers with an empty table (the pattern then fails on a missing column, which ends
    the dry run; every pattern asks for all of its arms before reading any column).
    """

    class _Notes(RunStore):
        def __init__(self):
            self.wanted: list[Arm] = []

        def get(self, arm):
            self.wanted.append(arm)
            return pd.DataFrame()

    notes = _Notes()
    for centre in centres:
        for pid in pattern_ids:
            try:
                PATTERNS[pid].check(notes, centre)
            except (KeyError, ValueError, TypeError, ZeroDivisionError):
                pass
    return list(dict.fromkeys(notes.wanted))


def validate(centres=CENTRES, pattern_ids=None, seeds=range(30), n_jobs: int = 2,
             store: RunStore | None = None) -> tuple[list[PatternResult], RunStore]:  # fmt: skip
    """Run every pattern on every centre; returns the records and the shared runs."""
    pattern_ids = list(pattern_ids or PATTERNS)
    store = store or RunStore(seeds, n_jobs)
    store.prefetch(needed_arms(centres, pattern_ids))
    results = [PATTERNS[pid].check(store, c) for c in centres for pid in pattern_ids]
    return results, store


def results_frame(results: list[PatternResult]) -> pd.DataFrame:
    return pd.DataFrame([{k: v for k, v in r.__dict__.items() if k != "arms"} | {
        "arms": " | ".join(r.arms)} for r in results])  # fmt: skip


# ------------------------------------------------------------------------ robustness
#: Patterns re-checked under other parameter values (those that do not need rare events).
ROBUSTNESS_PATTERNS = ("1a", "1b", "2a", "2b", "3a", "3c", "5a", "5c", "6a", "6b", "7", "9b",
                       "M1", "O1", "O2", "O3")  # fmt: skip
#: Free parameters swept one at a time, to half and one and a half times the default.
ROBUSTNESS_PARAMS = ("encounter_rate", "upgrade_rate", "form_cost", "trust_loss_failure",
                     "familiarity_decay", "collaboration_floor", "reach_cost",
                     "no_overview_factor")  # fmt: skip


def _override(name: str, factor: float) -> str:
    from model import ModelParams

    value = getattr(ModelParams(), name)
    if isinstance(value, list):
        scaled = [round(v * factor, 6) for v in value]
        if name != "form_cost":
            scaled = [min(v, 1.0) for v in scaled]
        return f"params.{name}=[{','.join(str(v) for v in scaled)}]"
    scaled = value * factor
    if name in ("encounter_rate", "reach_cost"):
        return f"params.{name}={scaled:g}"
    return f"params.{name}={min(scaled, 1.0):g}"


def robustness(centre: str = "housing_area", seeds=range(10), n_jobs: int = 2,
               params=ROBUSTNESS_PARAMS, factors=(0.5, 1.5),
               pattern_ids=ROBUSTNESS_PATTERNS) -> pd.DataFrame:  # fmt: skip
    """One-at-a-time sweep: every pattern re-checked with each free parameter scaled."""
    rows = []
    for name in params:
        for factor in factors:
            override = _override(name, factor)
            store = RunStore(seeds, n_jobs, extra=(override,))
            results, _ = validate([centre], pattern_ids, seeds, n_jobs, store=store)
            for r in results:
                rows.append({"parameter": name, "factor": factor, "override": override,
                             "pattern": r.pattern, "kind": r.kind, "centre": centre,
                             "status": r.status, "effect": r.effect, "note": r.note})  # fmt: skip
    return pd.DataFrame(rows)
