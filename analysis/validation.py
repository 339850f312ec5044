"""Pattern-oriented validation: the report's stylised facts as comparisons over seeds.

Pattern-oriented modelling (Grimm et al. 2005): a model is credible when it reproduces
several patterns at once, at different levels — the centre (how many ties of each form),
the actor (who is central, who exchanges) and the pair (trust before co-creation, tunnel
vision). Every pattern here is one of the eleven stylised facts of ``DOMAIN.md`` or
another concrete observation of the report, written as a comparison between *arms* (a
centre preset plus config overrides) over the same seeds.

Runs are shared: an :class:`Arm` is run once per seed (in parallel with joblib) and its
per-seed measures are reused by every pattern that needs it. Each seed's run is a pure
function of (arm, seed), so results do not depend on the number of workers.

Statistics. Comparisons between arms use the mean *paired* difference over seeds (same
seed in both arms: common random numbers) with a normal 95 % interval; ratios pooled over
a run's events (rare events such as co-creation) use a seed-cluster bootstrap (2000
resamples, fixed generator) for a 95 % percentile interval. A pattern passes when its
interval lies wholly on the side the report predicts AND the effect is large enough to
matter (usually ≥ 10 % of the reference level); each function's docstring says which.
Too few events for an interval gives ``inconclusive`` — not a pass.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from experiments.cli import compose_run
from experiments.simulate import build_model
from model import ActorKind, Form

CENTRES = ("housing_area", "association", "library", "health")
FORM_IDS = ("knowledge_sharing", "alignment", "resource_exchange", "joint_action", "co_creation")
#: Weeks at which scenario comparisons read the weekly table.
CHECK_WEEKS = (26, 78, 104, 112, 130, 156)
PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"


# ----------------------------------------------------------------------------- arms
@dataclass(frozen=True)
class Arm:
    """One configuration to run over seeds: a centre preset plus Hydra overrides.

    ``variant`` names a change to the preset's actors that overrides cannot express
    (``few_permanent``: municipal and housing-social staff on project money that ran
    out in week 78); ``lose_central_at`` removes the most central actor in that week.
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


VARIANTS: dict[str, Callable] = {"few_permanent": _few_permanent}


# -------------------------------------------------------------------- one observed run
class _Observer:
    """Pair-level records accumulated over a run (the model itself keeps only the present).

    Wraps the model's ``realise_outcomes`` to see each week's outcomes; it only reads.
    Pair records are square (row × row) matrices so they survive growth of the pair arrays
    when newcomers arrive.
    """

    def __init__(self, model, last_year_from: int):
        self.model = model
        self.last_year_from = last_year_from
        self.cap = 0
        self.first_align = self.first_joint = self.shallow_weeks = None
        self._grow()
        self.m: dict[str, float] = dict.fromkeys((
            "cc_weeks_total", "cc_weeks_hs", "cc_entries", "cc_entry_trust", "cc_entry_ref",
            "cc_entry_after_shallow", "deep_success_n", "deep_success_dtrust",
            "deep_failure_n", "deep_failure_dtrust", "cc_succ_young", "cc_new_young",
            "cc_succ_old", "cc_new_old", "cc_succ_old_fresh", "cc_new_old_fresh",
            "cc_succ_old_stale", "cc_new_old_stale", "ex_n_crowded", "ex_ok_crowded",
            "ex_n_free", "ex_ok_free", "priv_work", "priv_re", "other_work", "other_re",
            "hs_degree", "other_degree", "degree_samples",
        ), 0.0)  # fmt: skip
        self._outcomes = None
        original = model.realise_outcomes

        def observed():
            self._before_outcomes()
            self._outcomes = original()
            return self._outcomes

        model.realise_outcomes = observed

    def _grow(self):
        cap = self.model.pairs.capacity
        if cap == self.cap:
            return
        def pad(old, fill):
            new = np.full((cap, cap), fill, dtype=np.int32)
            if old is not None:
                new[: old.shape[0], : old.shape[1]] = old
            return new
        self.first_align = pad(self.first_align, -1)
        self.first_joint = pad(self.first_joint, -1)
        self.shallow_weeks = pad(self.shallow_weeks, 0)
        self.cap = cap

    def _before_outcomes(self):
        """Exchange crowding and co-creation age as ``realise_outcomes`` will see them."""
        model, p = self.model, self.model.pairs
        n_rows = model.actor_table.capacity
        exchanging = p.form == Form.RESOURCE_EXCHANGE
        crowd = np.bincount(p.iu[exchanging], minlength=n_rows) + np.bincount(
            p.ju[exchanging], minlength=n_rows)
        capacity = model.params.crowding_capacity * (2 if model.system_active else 1)
        self._crowded = (crowd[p.iu] > capacity) | (crowd[p.ju] > capacity)
        cocreating = p.form == Form.CO_CREATION
        fresh_tie = cocreating & (p.weeks_in_form < model.params.fresh_partner_weeks)
        fresh = (np.bincount(p.iu[fresh_tie], minlength=n_rows)
                 + np.bincount(p.ju[fresh_tie], minlength=n_rows)) > 0  # fmt: skip
        self._fresh = fresh[p.iu] | fresh[p.ju]
        self._cc_age = p.cocreation_weeks.copy()
        self._trust_before = p.trust.copy()
        self._exchanging = exchanging
        self._form = p.form.copy()  # the week's form, before concluded efforts end

    def step(self):
        model, m = self.model, self.m
        p = model.pairs
        before_form = p.form.copy()
        trust_start = p.trust.copy()
        model.step()
        self._grow()
        p = model.pairs
        t = model.actor_table
        present = model.present
        o = self._outcomes
        week = model.week
        hs = t.kind == ActorKind.HOUSING_SOCIAL
        hs_pair = hs[p.iu] | hs[p.ju]
        private = t.kind == ActorKind.PRIVATE
        priv_pair = private[p.iu] | private[p.ju]
        if len(before_form) != p.n_pairs:  # pair arrays grew this week: skip its records
            return
        # The week's form as outcomes saw it: a co-creation that concludes this week counts.
        form = self._form
        iu, ju = p.iu, p.ju

        # Fact 8: who takes part in co-creation, over the whole run.
        cocreating = form == Form.CO_CREATION
        m["cc_weeks_total"] += cocreating.sum()
        m["cc_weeks_hs"] += (cocreating & hs_pair).sum()

        # Fact 9: trust at entry into co-creation, against all present pairs that week.
        entered = cocreating & (before_form != Form.CO_CREATION)
        if entered.any():
            m["cc_entries"] += entered.sum()
            m["cc_entry_trust"] += trust_start[entered].sum()
            m["cc_entry_ref"] += entered.sum() * trust_start[present].mean()
            m["cc_entry_after_shallow"] += (self.shallow_weeks[iu, ju][entered] >= 26).sum()
        shallow = present & (form >= Form.KNOWLEDGE_SHARING) & (form <= Form.JOINT_ACTION)
        self.shallow_weeks[iu[shallow], ju[shallow]] += 1

        # Fact 9: trust change of a concluded joint effort, success against failure.
        ended = o.ended
        dtrust = p.trust - self._trust_before
        for name, mask in (("success", ended & o.success), ("failure", ended & o.failure)):
            m[f"deep_{name}_n"] += mask.sum()
            m[f"deep_{name}_dtrust"] += dtrust[mask].sum()

        # Fact 10: novelty of a successful co-creation by how long the pair co-created.
        cc_success = o.cocreation_success
        old = self._cc_age >= 52
        for name, mask in (("young", cc_success & ~old), ("old", cc_success & old),
                           ("old_fresh", cc_success & old & self._fresh),
                           ("old_stale", cc_success & old & ~self._fresh)):  # fmt: skip
            m[f"cc_succ_{name}"] += mask.sum()
            m[f"cc_new_{name}"] += (mask & o.new_initiative).sum()

        # Too many sharing one thing weakens exchange.
        attempt = (o.exchange_success | o.failure) & self._exchanging
        for name, mask in (("crowded", attempt & self._crowded),
                           ("free", attempt & ~self._crowded)):  # fmt: skip
            m[f"ex_n_{name}"] += mask.sum()
            m[f"ex_ok_{name}"] += (mask & o.exchange_success).sum()

        # Alignment as a building block: first alignment and first joint action per pair.
        for record, f in ((self.first_align, Form.ALIGNMENT), (self.first_joint, Form.JOINT_ACTION)):
            now = (form == f) & (record[iu, ju] < 0)
            record[iu[now], ju[now]] = week

        form = p.form
        if week > self.last_year_from:
            # Fact 7: private actors' working ties, last year of the run.
            working = present & (form >= Form.ALIGNMENT)
            re = present & (form == Form.RESOURCE_EXCHANGE)
            m["priv_work"] += (working & priv_pair).sum()
            m["priv_re"] += (re & priv_pair).sum()
            m["other_work"] += (working & ~priv_pair).sum()
            m["other_re"] += (re & ~priv_pair).sum()
            # Fact 8: degree of housing-social actors against the others, every 4 weeks.
            if week % 4 == 0:
                tied = present & (form > 0)
                degree = (np.bincount(iu[tied], minlength=t.capacity)
                          + np.bincount(ju[tied], minlength=t.capacity))  # fmt: skip
                active = t.active[: t.capacity]
                if (active & hs).any() and (active & ~hs).any():
                    m["hs_degree"] += degree[active & hs].mean()
                    m["other_degree"] += degree[active & ~hs].mean()
                    m["degree_samples"] += 1

    def alignment_records(self) -> dict[str, float]:
        """Pairs that aligned and later acted jointly, against tied pairs that had not aligned."""
        p = self.model.pairs
        fa, fj = self.first_align[p.iu, p.ju], self.first_joint[p.iu, p.ju]
        tied = (self.shallow_weeks[p.iu, p.ju] > 0) | (fj >= 0)
        aligned = (fa >= 0) & ((fj < 0) | (fa < fj))
        return {
            "aligned_pairs": float(aligned.sum()),
            "aligned_then_joint": float((aligned & (fj > fa)).sum()),
            "unaligned_pairs": float((tied & ~aligned).sum()),
            "unaligned_joint": float((tied & ~aligned & (fj >= 0)).sum()),
        }


def _central_actor(model) -> str:
    """The actor with most ties (ties broken by row: deterministic)."""
    return max(model.actor_by_row, key=lambda a: (a.degree if a.active else -1, -a.row)).name


def run_arm_seed(arm: Arm, seed: int) -> dict[str, float]:
    """Run one seed of an arm and return its measures (all plain floats)."""
    run = compose_run([f"centre={arm.centre}", *arm.overrides, f"steps={arm.steps}"])
    if arm.variant:
        run.centre = VARIANTS[arm.variant](run.centre)
    model = build_model(run, seed)
    observer = _Observer(model, last_year_from=arm.steps - 52)
    out: dict[str, float] = {"seed": float(seed)}
    newcomer_degree = np.nan
    for _ in range(arm.steps):
        if arm.lose_central_at is not None and model.week == arm.lose_central_at - 1:
            model.remove_actor(_central_actor(model))
        observer.step()
        if model.week == 130:
            new = [a.degree for a in model.actor_by_row if a.name.startswith("new_tenant")]
            newcomer_degree = float(np.mean(new)) if new else np.nan
    out["newcomer_degree"] = newcomer_degree
    table = model.datacollector.get_model_vars_dataframe()
    last = table.iloc[-52:]
    for f in FORM_IDS:
        out[f"ly_{f}"] = float(last[f"ties_{f}"].mean())
    out["ly_total"] = float(last["ties_total"].mean())
    out["ly_deep"] = out["ly_joint_action"] + out["ly_co_creation"]
    out["end_ties"] = float(table["ties_total"].iloc[-1])
    for week in CHECK_WEEKS:
        if week < len(table):
            row = table.iloc[week]
            out[f"w{week}_total"] = float(row["ties_total"])
            out[f"w{week}_trust"] = float(row["mean_trust"])
            out[f"w{week}_familiarity"] = float(row["mean_familiarity"])
            out[f"w{week}_ks"] = float(row["ties_knowledge_sharing"])
            out[f"w{week}_deep"] = float(row["ties_joint_action"] + row["ties_co_creation"])
            out[f"w{week}_shallow"] = float(row["ties_knowledge_sharing"] + row["ties_alignment"]
                                            + row["ties_resource_exchange"])  # fmt: skip
    p, present = model.pairs, model.present
    trusting = present & (p.trust >= 0.55)
    out["deep_share_of_trusting"] = (
        float((p.form[trusting] >= Form.JOINT_ACTION).mean()) if trusting.any() else 0.0
    )
    tied = present & (p.form >= Form.KNOWLEDGE_SHARING)
    working = present & (p.form >= Form.ALIGNMENT)
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
    out.update(observer.alignment_records())
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
        """Run every missing (arm, seed) in one parallel batch."""
        todo = list(dict.fromkeys(a for a in arms if a not in self._frames))
        jobs = [(a, s) for a in todo for s in self.seeds]
        rows = list(tqdm(Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(run_arm_seed)(self._runnable(a), s) for a, s in jobs
        ), total=len(jobs), desc="kørsler / runs", unit="run", file=sys.stderr,
            disable=not jobs))  # progress on stderr: a full validation takes many minutes
        for arm in todo:
            mine = [r for (a, _), r in zip(jobs, rows, strict=True) if a == arm]
            self._frames[arm] = pd.DataFrame(mine).set_index("seed").sort_index()

    def get(self, arm: Arm) -> pd.DataFrame:
        if arm not in self._frames:
            self.prefetch([arm])
        return self._frames[arm]

    @property
    def arms(self) -> list[Arm]:
        return list(self._frames)


# ------------------------------------------------------------------------ statistics
def paired(a: pd.Series, b: pd.Series, z: float = 1.96) -> tuple[float, float, float]:
    """Mean of ``a − b`` over seeds present in both, with a normal 95 % interval."""
    diff = (a - b).dropna()
    if len(diff) < 2:
        return np.nan, np.nan, np.nan
    mean, se = float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))
    return mean, mean - z * se, mean + z * se


def relative(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """Paired difference as a share of ``b``'s mean (effect size readable across centres)."""
    scale = abs(float(b.mean())) or 1e-9
    return tuple(v / scale for v in paired(a, b))


def bootstrap(frame: pd.DataFrame, statistic: Callable[[pd.DataFrame], float],
              reps: int = 2000) -> tuple[float, float, float]:  # fmt: skip
    """Statistic of seed-pooled counts with a seed-cluster bootstrap 95 % interval.

    ``statistic`` reads columns by name and sums them, so each resample is handed a dict
    of numpy columns (fast) rather than a DataFrame.
    """
    point = statistic(frame)
    rng = np.random.default_rng(12345)
    n = len(frame)
    columns = {c: frame[c].to_numpy(float) for c in frame.columns}
    draws = np.array([
        statistic({c: v[idx] for c, v in columns.items()})
        for idx in rng.integers(0, n, (reps, n))
    ], dtype=float)  # fmt: skip
    draws = draws[np.isfinite(draws)]
    if not np.isfinite(point) or len(draws) < reps * 0.9:
        return point, np.nan, np.nan
    return point, float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))


def ratio(num: str, den: str) -> Callable[[pd.DataFrame], float]:
    def statistic(frame):
        d = frame[den].sum()
        return float(frame[num].sum() / d) if d > 0 else np.nan
    return statistic


# --------------------------------------------------------------------------- records
@dataclass
class PatternResult:
    """One pattern on one centre: what the report expects and what the model gives."""

    pattern: str
    centre: str
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
    return PatternResult(pid, centre, spec.expected, spec.passage, float(effect), float(low),
                         float(high), status, note, [a.label() for a in arms])  # fmt: skip


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


def coordinated(centre: str, steps: int = 156, scenario: str | None = None) -> Arm:
    """The centre with a running coordinator (added where the preset has none)."""
    extra = () if _preset_flags(centre)[0] else ("drivers.coordinator=true",)
    if scenario is None and not extra:
        return baseline(centre)
    scen = (f"scenario={scenario}",) if scenario else ()
    return Arm(centre, (*scen, *extra), steps=steps)


# --------------------------------------------------------------------------- patterns
def fact1_co_location(store: RunStore, centre: str) -> PatternResult:
    """More co-location → more ties in total (≥ 10 %, interval > 0), co-location 0.2 vs 0.9."""
    arms = [Arm(centre, ("drivers.co_location=0.9",)), Arm(centre, ("drivers.co_location=0.2",))]
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["ly_total"], lo["ly_total"])
    return _result("1a", centre, eff, ci, ok, f"ties {lo['ly_total'].mean():.1f} → "
                   f"{hi['ly_total'].mean():.1f} (last-year mean)", arms)  # fmt: skip


def fact1_every_form(store: RunStore, centre: str) -> PatternResult:
    """Every form (deep forms pooled) rises with co-location: the weakest form's relative
    effect is reported; passes if each one's interval is > 0 and ≥ 10 %."""
    arms = [Arm(centre, ("drivers.co_location=0.9",)), Arm(centre, ("drivers.co_location=0.2",))]
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
    week 26 (interval > 0, ≥ 10 %), when deep forms have hardly begun anywhere."""
    arms = [Arm(centre, ("drivers.co_location=0.9",)), Arm(centre, ("drivers.co_location=0.2",))]
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["w26_ks"], lo["w26_ks"])
    return _result("1c", centre, eff, ci, ok, f"week-26 knowledge sharing "
                   f"{lo['w26_ks'].mean():.1f} → {hi['w26_ks'].mean():.1f}; deep ties then "
                   f"{hi['w26_deep'].mean():.1f}", arms)  # fmt: skip


def fact1_shared_places(store: RunStore, centre: str) -> PatternResult:
    """More shared places (preset vs 0.1) → more ties (≥ 10 %, interval > 0)."""
    arms = [baseline(centre), Arm(centre, ("centre.shared_places=0.1",))]
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _higher(hi["ly_total"], lo["ly_total"])
    return _result("1d", centre, eff, ci, ok, f"ties {lo['ly_total'].mean():.1f} → "
                   f"{hi['ly_total'].mean():.1f}", arms)  # fmt: skip


def fact2_rarer_the_deeper(store: RunStore, centre: str) -> PatternResult:
    """Each form has more ties than the next deeper one (paired within runs): every step's
    interval > 0 and ≥ 10 %. Effect: the smallest relative step."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    steps = {}
    for shallow, deep in zip(FORM_IDS[:-1], FORM_IDS[1:], strict=True):
        steps[f"{shallow}>{deep}"] = _higher(b[f"ly_{shallow}"], b[f"ly_{deep}"])
    weakest = min(steps, key=lambda k: steps[k][0])
    eff, ci, _ = steps[weakest]
    means = " / ".join(f"{b[f'ly_{f}'].mean():.1f}" for f in FORM_IDS)
    return _result("2a", centre, eff, ci, all(s[2] for s in steps.values()),
                   f"ties by form {means}; weakest step {weakest}", arms)  # fmt: skip


def fact2_cocreation_rarest(store: RunStore, centre: str) -> PatternResult:
    """Co-creation is the rarest form: fewer co-creating ties than ties of each other form
    (paired within runs; every interval > 0 and ≥ 10 %). Effect: the smallest gap."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    gaps = {f: _higher(b[f"ly_{f}"], b["ly_co_creation"]) for f in FORM_IDS[:-1]}
    closest = min(gaps, key=lambda f: gaps[f][0])
    eff, ci, _ = gaps[closest]
    return _result("2c", centre, eff, ci, all(g[2] for g in gaps.values()),
                   f"co-creation {b['ly_co_creation'].mean():.2f} ties; closest form "
                   f"{closest} {b[f'ly_{closest}'].mean():.2f}", arms)  # fmt: skip


def fact2_resource_exchange_share(store: RunStore, centre: str) -> PatternResult:
    """Resource exchange is a substantial share of ties: the mean share is ≥ 15 % (about one
    tie in seven; the report's network study found it a *large* share)."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    share = b["ly_resource_exchange"] / b["ly_total"]
    mean, se = float(share.mean()), float(share.std(ddof=1) / np.sqrt(len(share)))
    return _result("2b", centre, mean, (mean - 1.96 * se, mean + 1.96 * se), mean >= 0.15,
                   f"resource exchange is {mean:.0%} of ties", arms)  # fmt: skip


def fact3_coordinator_stops(store: RunStore, centre: str) -> PatternResult:
    """Coordinator stops in week 52: at weeks 78 and 104 ties, trust and familiarity are all
    lower (intervals < 0) and ties ≥ 5 % fewer (beyond the ~1 % weekly wobble)."""
    arms = [coordinated(centre, scenario="coordinator_stops"), coordinated(centre)]
    stop, base = (store.get(a) for a in arms)
    ok = True
    for week in (78, 104):
        for col in ("total", "trust", "familiarity"):
            _, _, high = paired(stop[f"w{week}_{col}"], base[f"w{week}_{col}"])
            ok &= bool(high < 0)
    eff, low, high = relative(stop["w104_total"], base["w104_total"])
    ok &= bool(eff <= -0.05)
    tr = paired(stop["w104_trust"], base["w104_trust"])[0]
    return _result("3a", centre, eff, (low, high), ok, f"ties at week 104 {eff:+.0%}, "
                   f"trust {tr:+.3f}", arms)  # fmt: skip


def fact3_newcomers(store: RunStore, centre: str) -> PatternResult:
    """Newcomers arriving (week 78) after the stop have fewer ties at week 130 than those
    arriving while the coordinator runs: interval < 0 and ≥ 10 % fewer."""
    extra = () if _preset_flags(centre)[0] else ("drivers.coordinator=true",)
    arms = [Arm(centre, ("scenario=newcomers", *extra), steps=130),
            Arm(centre, ("scenario=newcomers_coordinated", *extra), steps=130)]  # fmt: skip
    after, during = (store.get(a) for a in arms)
    eff, ci, ok = _higher(during["newcomer_degree"], after["newcomer_degree"])
    eff_after = -eff * during["newcomer_degree"].mean() / after["newcomer_degree"].mean()
    return _result("3b", centre, eff_after, (-ci[1], -ci[0]), ok,
                   f"newcomer degree {during['newcomer_degree'].mean():.1f} (coordinated) vs "
                   f"{after['newcomer_degree'].mean():.1f} (after stop); effect relative to "
                   "the after-stop level", arms)  # fmt: skip


def fact4_funding_expiry(store: RunStore, centre: str) -> PatternResult:
    """Project money ends in week 104: at 8, 26 and 52 weeks after, deep ties fall (interval
    < 0), by ≥ 20 %, and by at least twice the share shallow ties lose."""
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


def _at_least_doubles(hi: pd.Series, lo: pd.Series):
    """Absolute paired difference (readable when the low arm is near zero), and whether the
    interval is > 0 and the high mean is at least twice the low one."""
    eff, low, high = paired(hi, lo)
    return eff, (low, high), bool(low > 0 and hi.mean() >= 2 * lo.mean())


def fact5_leadership_deep(store: RunStore, centre: str) -> PatternResult:
    """Leadership 0.9 vs 0.2: deep ties at least double (interval of the difference > 0).
    Effect: difference in deep ties (absolute, since the low arm is often near zero)."""
    arms = [Arm(centre, ("drivers.leadership_support=0.9",)),
            Arm(centre, ("drivers.leadership_support=0.2",))]  # fmt: skip
    hi, lo = (store.get(a) for a in arms)
    eff, ci, ok = _at_least_doubles(hi["ly_deep"], lo["ly_deep"])
    return _result("5a", centre, eff, ci, ok, f"deep ties {lo['ly_deep'].mean():.2f} → "
                   f"{hi['ly_deep'].mean():.2f}", arms)  # fmt: skip


def fact5_trusting_pairs(store: RunStore, centre: str) -> PatternResult:
    """Even between trusting pairs (trust ≥ 0.55) the deep share at least doubles.
    Effect: difference in that share."""
    arms = [Arm(centre, ("drivers.leadership_support=0.9",)),
            Arm(centre, ("drivers.leadership_support=0.2",))]  # fmt: skip
    hi, lo = (store.get(a) for a in arms)
    col = "deep_share_of_trusting"
    eff, ci, ok = _at_least_doubles(hi[col], lo[col])
    return _result("5b", centre, eff, ci, ok, f"deep share of trusting pairs "
                   f"{lo[col].mean():.1%} → {hi[col].mean():.1%}", arms)  # fmt: skip


def fact5_knowledge_sharing_barely(store: RunStore, centre: str) -> PatternResult:
    """All ties (every tie shares knowledge) move by at most a fifth (ratio 0.8–1.25) while
    deep ties change more than five times as much."""
    arms = [Arm(centre, ("drivers.leadership_support=0.9",)),
            Arm(centre, ("drivers.leadership_support=0.2",))]  # fmt: skip
    hi, lo = (store.get(a) for a in arms)
    eff, low, high = relative(hi["ly_total"], lo["ly_total"])
    deep_ratio = (hi["ly_deep"].mean() + 1e-9) / (lo["ly_deep"].mean() + 1e-9)
    ok = 0.8 <= 1 + eff <= 1.25 and deep_ratio > 5 * (1 + eff)
    return _result("5c", centre, eff, (low, high), ok, f"all ties ×{1 + eff:.2f}; deep ties "
                   f"{lo['ly_deep'].mean():.2f} → {hi['ly_deep'].mean():.2f}", arms)  # fmt: skip


def fact6_less_collaboration(store: RunStore, centre: str) -> PatternResult:
    """Core load 0.3 vs 0.85: fewer ties in total and fewer deep ties (both ≥ 10 %, > 0)."""
    arms = [Arm(centre, ("drivers.core_load=0.3",)), Arm(centre, ("drivers.core_load=0.85",))]
    light, heavy = (store.get(a) for a in arms)
    eff, ci, ok = _higher(light["ly_total"], heavy["ly_total"])
    deff, _, dok = _higher(light["ly_deep"], heavy["ly_deep"])
    return _result("6a", centre, -eff / (1 + eff), (-ci[1] / (1 + eff), -ci[0] / (1 + eff)),
                   ok and dok, f"heavy load: ties {heavy['ly_total'].mean():.1f} vs "
                   f"{light['ly_total'].mean():.1f}, deep {heavy['ly_deep'].mean():.2f} vs "
                   f"{light['ly_deep'].mean():.2f}", arms)  # fmt: skip


def fact6_concentration(store: RunStore, centre: str) -> PatternResult:
    """Under heavy load ties concentrate on nearby (shared hours) and familiar partners:
    both selectivity measures higher by ≥ 5 % with intervals > 0. Effect: overlap."""
    arms = [Arm(centre, ("drivers.core_load=0.85",)), Arm(centre, ("drivers.core_load=0.3",))]
    heavy, light = (store.get(a) for a in arms)
    eff, ci, ok = _higher(heavy["overlap_selectivity"], light["overlap_selectivity"], 0.05)
    feff, _, fok = _higher(heavy["familiarity_rank_of_partners"],
                           light["familiarity_rank_of_partners"], 0.05)  # fmt: skip
    return _result("6b", centre, eff, ci, ok and fok, f"overlap selectivity {eff:+.0%}, "
                   f"familiarity rank of partners {feff:+.0%}", arms)  # fmt: skip


def fact7_private_resource_exchange(store: RunStore, centre: str) -> PatternResult:
    """Private actors' working ties (alignment and deeper, last year) are mostly resource
    exchange: pooled share's interval > 50 %, and above the share among other pairs."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    eff, low, high = bootstrap(b, ratio("priv_re", "priv_work"))
    other = ratio("other_re", "other_work")(b)
    ok = bool(low > 0.5 and eff > other)
    return _result("7", centre, eff, (low, high), ok, f"private {eff:.0%} vs others "
                   f"{other:.0%} of working tie-weeks; {b['priv_work'].sum():.0f} private "
                   "working tie-weeks", arms, b["priv_work"].sum() >= 30)  # fmt: skip


def fact8_housing_social_central(store: RunStore, centre: str) -> PatternResult:
    """Housing-social actors have a higher mean degree than the others (last year, every 4
    weeks): ratio's interval > 1 and ≥ 1.1."""
    arms = [baseline(centre)]
    b = store.get(arms[0])
    eff, low, high = bootstrap(b, ratio("hs_degree", "other_degree"))
    return _result("8a", centre, eff, (low, high), bool(low > 1 and eff >= 1.1),
                   f"degree ratio housing-social / others = {eff:.2f}", arms)  # fmt: skip


def cocreation_setting(centre: str) -> Arm:
    """Where pair-level co-creation patterns are read: the centre with strong leadership
    support (0.9). Co-creation is rare at the presets' own levels (e.g. ~0.1 co-creating
    pairs a week in housing_area), too rare for an interval on per-episode measures; the
    report's co-creation passages presuppose co-creation happening. Fixed in advance, the
    same for every centre; notes give the baseline's event count too."""
    return Arm(centre, ("drivers.leadership_support=0.9",))


def fact8_housing_social_cocreation(store: RunStore, centre: str) -> PatternResult:
    """Housing-social actors take part in most co-creation: share of co-creating pair-weeks
    (whole run) with a housing-social partner has an interval > 50 %."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)
    eff, low, high = bootstrap(b, ratio("cc_weeks_hs", "cc_weeks_total"))
    n = b["cc_weeks_total"].sum()
    return _result("8b", centre, eff, (low, high), bool(low > 0.5),
                   f"{eff:.0%} of {n:.0f} co-creating pair-weeks; baseline: "
                   f"{base['cc_weeks_total'].sum():.0f}", arms, n >= 52)  # fmt: skip


def fact9_trust_before_cocreation(store: RunStore, centre: str) -> PatternResult:
    """Co-creation grows out of trust built in shallower forms: pairs entering co-creation
    have higher trust than the present pairs that week (gap interval > 0.1) and most of
    them (interval > 50 %) spent ≥ 26 weeks in shallower forms first."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)

    def gap(f):
        n = f["cc_entries"].sum()
        return float((f["cc_entry_trust"].sum() - f["cc_entry_ref"].sum()) / n) if n else np.nan

    eff, low, high = bootstrap(b, gap)
    share, slow, _ = bootstrap(b, ratio("cc_entry_after_shallow", "cc_entries"))
    n = b["cc_entries"].sum()
    ok = bool(low > 0.1 and slow > 0.5)
    return _result("9a", centre, eff, (low, high), ok, f"trust gap at entry {eff:+.2f}; "
                   f"{share:.0%} after ≥ 26 shallow weeks; {n:.0f} entries; baseline: "
                   f"{base['cc_entries'].sum():.0f}", arms, n >= 10)  # fmt: skip


def fact9_failure_costs_more(store: RunStore, centre: str) -> PatternResult:
    """A failed joint effort costs more trust than a success earns: mean loss on failure
    minus mean gain on success (concluded joint action / co-creation) has interval > 0."""
    arms = [baseline(centre)]
    b = store.get(arms[0])

    def asymmetry(f):
        ns, nf = f["deep_success_n"].sum(), f["deep_failure_n"].sum()
        if not ns or not nf:
            return np.nan
        return float(-f["deep_failure_dtrust"].sum() / nf - f["deep_success_dtrust"].sum() / ns)

    eff, low, high = bootstrap(b, asymmetry)
    n = b["deep_success_n"].sum() + b["deep_failure_n"].sum()
    return _result("9b", centre, eff, (low, high), bool(low > 0),
                   f"{n:.0f} concluded joint efforts", arms, n >= 20)  # fmt: skip


def fact10_tunnel_vision(store: RunStore, centre: str) -> PatternResult:
    """Long-standing co-creating pairs (≥ 52 weeks together) yield fewer new initiatives per
    success than younger ones: difference interval < 0."""
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
    """…unless new partners join: long-standing pairs with a fresh co-creation partner
    yield more new initiatives per success than those without (difference interval > 0)."""
    arms = [cocreation_setting(centre), baseline(centre)]
    b, base = (store.get(a) for a in arms)

    def gain(f):
        return (ratio("cc_new_old_fresh", "cc_succ_old_fresh")(f)
                - ratio("cc_new_old_stale", "cc_succ_old_stale")(f))  # fmt: skip

    eff, low, high = bootstrap(b, gain)
    n_f, n_s = b["cc_succ_old_fresh"].sum(), b["cc_succ_old_stale"].sum()
    return _result("10b", centre, eff, (low, high), bool(low > 0),
                   f"{n_f:.0f} with and {n_s:.0f} without a fresh partner; baseline: "
                   f"{base['cc_succ_old'].sum():.0f} long-standing successes", arms,
                   min(n_f, n_s) >= 10)  # fmt: skip


def fact11_permanent_actors(store: RunStore, centre: str) -> PatternResult:
    """Losing the most central actor in week 104 costs fewer ties a year later when staff
    are permanent than when their project money ran out in week 78: drop difference < 0."""
    arms = [Arm(centre, steps=156, lose_central_at=104), Arm(centre, steps=156),
            Arm(centre, steps=156, variant="few_permanent", lose_central_at=104),
            Arm(centre, steps=156, variant="few_permanent")]  # fmt: skip
    lose_p, keep_p, lose_f, keep_f = (store.get(a) for a in arms)
    drop_p = 1 - lose_p["end_ties"] / keep_p["end_ties"]
    drop_f = 1 - lose_f["end_ties"] / keep_f["end_ties"]
    eff, low, high = paired(drop_p, drop_f)
    return _result("11", centre, eff, (low, high), bool(high < 0),
                   f"tie loss {drop_p.mean():.0%} with permanent staff vs {drop_f.mean():.0%} "
                   "with expired project staff", arms)  # fmt: skip


def obs_informal_sharing_needs_forum(store: RunStore, centre: str) -> PatternResult:
    """Without a forum or coordinator, ties concentrate on same-hours partners more than
    with a forum: overlap selectivity higher by ≥ 5 % (interval > 0)."""
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
    """Alignment is a building block: pairs that aligned later act jointly more often than
    tied pairs that had not aligned (difference of shares, interval > 0)."""
    arms = [baseline(centre)]
    b = store.get(arms[0])

    def lift(f):
        return (ratio("aligned_then_joint", "aligned_pairs")(f)
                - ratio("unaligned_joint", "unaligned_pairs")(f))  # fmt: skip

    eff, low, high = bootstrap(b, lift)
    a = ratio("aligned_then_joint", "aligned_pairs")(b)
    u = ratio("unaligned_joint", "unaligned_pairs")(b)
    return _result("O2", centre, eff, (low, high), bool(low > 0),
                   f"joint action after alignment {a:.0%} vs without {u:.0%}", arms)  # fmt: skip


def obs_crowding(store: RunStore, centre: str) -> PatternResult:
    """Too many sharing one thing weakens exchange: exchanges between crowded actors succeed
    less often than the others (difference of success shares, interval < 0)."""
    arms = [baseline(centre)]
    b = store.get(arms[0])

    def gap(f):
        return ratio("ex_ok_crowded", "ex_n_crowded")(f) - ratio("ex_ok_free", "ex_n_free")(f)

    eff, low, high = bootstrap(b, gap)
    n = b["ex_n_crowded"].sum()
    return _result("O3", centre, eff, (low, high), bool(high < 0),
                   f"{n:.0f} crowded of {n + b['ex_n_free'].sum():.0f} exchanges", arms,
                   n >= 20)  # fmt: skip


@dataclass(frozen=True)
class PatternSpec:
    """A pattern: what the report says, and the function that checks it on one centre."""

    expected: str
    passage: str
    check: Callable[[RunStore, str], PatternResult]


PATTERNS: dict[str, PatternSpec] = {
    "1a": PatternSpec("more co-location → more ties", "Del 3 intro; Opsamling (generative "
                      "mechanism)", fact1_co_location),
    "1b": PatternSpec("… of every form", "Del 2, Videndele: places and occasions to meet",
                      fact1_every_form),
    "1c": PatternSpec("… knowledge sharing first (week 26)", "Del 2, Videndele",
                      fact1_knowledge_sharing_first),
    "1d": PatternSpec("more shared places → more ties", "Opsamling, Figure 1 (café, kitchen, "
                      "coffee machine)", fact1_shared_places),
    "2a": PatternSpec("the deeper the form, the rarer", "Del 2, Figure 7",
                      fact2_rarer_the_deeper),
    "2b": PatternSpec("resource exchange a substantial share (≥ 15 %)", "Del 2, "
                      "Ressourceudveksle (network study)", fact2_resource_exchange_share),
    "2c": PatternSpec("co-creation the rarest form", "Del 2, Figure 7; Samskabe",
                      fact2_cocreation_rarest),
    "3a": PatternSpec("coordinator stops → ties, trust, familiarity decay", "Del 1, Aalborg "
                      "Øst, ET KOORDINERENDE FORUM", fact3_coordinator_stops),
    "3b": PatternSpec("newcomers after the stop get fewer ties", "Del 1, Aalborg Øst; Del 3, "
                      "SKAB MULIGHED FOR NYE SAMARBEJDER", fact3_newcomers),
    "4": PatternSpec("funding expiry → deep forms fall first and most", "Del 1, Albertslund, "
                     "SVÆRE VILKÅR FOR AT ARBEJDE BORGERNÆRT", fact4_funding_expiry),
    "5a": PatternSpec("low leadership suppresses deep forms", "Del 2, Samordne; Del 3, Skab "
                      "ledelsesmæssig opbakning", fact5_leadership_deep),
    "5b": PatternSpec("… even between trusting pairs", "Del 2, Samordne (no leadership "
                      "backing)", fact5_trusting_pairs),
    "5c": PatternSpec("… knowledge sharing barely depends on it", "Del 2, Videndele",
                      fact5_knowledge_sharing_barely),
    "6a": PatternSpec("high core load → less collaboration", "Del 1, Aalborg Øst (heavy core "
                      "tasks)", fact6_less_collaboration),
    "6b": PatternSpec("… concentrated on familiar, nearby partners", "Del 1, Aalborg Øst",
                      fact6_concentration),
    "7": PatternSpec("private actors collaborate mostly by resource exchange", "Del 2, "
                     "Ressourceudveksle; actors (private)", fact7_private_resource_exchange),
    "8a": PatternSpec("housing-social actors central", "Del 2, Samskabe (cross-cutting view)",
                      fact8_housing_social_central),
    "8b": PatternSpec("housing-social actors in most co-creation", "Del 2, Samskabe",
                      fact8_housing_social_cocreation),
    "9a": PatternSpec("co-creation grows out of trust from shallower forms", "Del 2, Samskabe "
                      "(trust and earlier successes)", fact9_trust_before_cocreation),
    "9b": PatternSpec("a failure costs more trust than a success earns", "Del 3, Gør aktivt "
                      "brug af hinanden (past failed collaboration, distrust)",
                      fact9_failure_costs_more),
    "10a": PatternSpec("long-standing co-creating pairs yield less new", "Del 2, Samskabe "
                       "(tunnel vision)", fact10_tunnel_vision),
    "10b": PatternSpec("… unless new partners join", "Del 2, Samskabe", fact10_new_partners),
    "11": PatternSpec("permanent actors make collaboration survive a loss", "Del 3, SAML EN "
                      "BRED PALET AF FASTE AKTØRER I HUSET", fact11_permanent_actors),
    "O1": PatternSpec("without a forum, ties stay among same-hours actors", "Del 2, Videndele "
                      "(informal sharing reaches the familiar and same-hours)",
                      obs_informal_sharing_needs_forum),
    "O2": PatternSpec("alignment builds into deeper forms", "Del 2, Samvirke (building block)",
                      obs_alignment_builds),
    "O3": PatternSpec("too many sharers weaken resource exchange", "Del 2, Ressourceudveksle "
                      "(too many sharing one thing)", obs_crowding),
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
ROBUSTNESS_PATTERNS = ("1a", "1b", "2a", "2b", "3a", "5a", "5c", "6a", "6b", "7", "9b",
                       "O1", "O2", "O3")  # fmt: skip
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
                             "pattern": r.pattern, "centre": centre, "status": r.status,
                             "effect": r.effect, "note": r.note})  # fmt: skip
    return pd.DataFrame(rows)
