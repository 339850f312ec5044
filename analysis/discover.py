"""Scenario discovery in words: where in the swept inputs does an outcome collapse or thrive?

    python -m experiments.collect sweeps/lead_coloc          # first: runs.parquet
    python -m analysis.discover sweeps/lead_coloc --outcome final_ties_joint_action
    python -m analysis.discover sweeps/lead_coloc --outcome total_joint_offers --below 5

Each seed-run of ``runs.parquet`` is a case; a run *collapses* when the outcome ends at or
below a threshold (default: 0 if at least a tenth of the runs reach 0, else the lower
quartile) and *thrives* at or above one (default: the upper quartile). PRIM (the Patient
Rule Induction Method, Friedman & Fisher 1999, from the EMA Workbench) peels the box of
swept inputs until most runs inside it share that fate; each box is written as a rule in
Danish and English with its *density* (the share of runs in the region that collapse) and
*coverage* (the share of all collapsing runs that fall in the region). The swept inputs are
read from the table (the columns between ``job`` and ``seed`` that vary), not by name.
Writes ``discovery_<outcome>.md`` and ``discovery_<outcome>.csv`` in the sweep folder.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.outputs import write_csv, write_text
from model import FORMS, InputError
from model.drivers import DRIVERS

MIN_COVERAGE = 0.5  # a region that explains fewer than half the cases is not "the" region
MAX_BOXES = 2
DENSITY_TOLERANCE = 0.05  # a restriction must raise the region's density by more to be kept
#: Words for inputs and measures (Danish, English); anything else is shown by its key.
WORDS: dict[str, tuple[str, str]] = {
    **{d.name: (d.danish, d.english) for d in DRIVERS},
    "forum": ("husråd", "house council"),
    "ties_total": ("samarbejdsrelationer", "collaboration ties"),
    "ties_any": ("par med mindst én samarbejdsform", "pairs with any form of collaboration"),
    "mean_trust": ("gennemsnitlig tillid", "mean trust"),
    "mean_familiarity": ("gennemsnitligt kendskab", "mean familiarity"),
    "n_actors": ("aktører i huset", "actors in the house"),
    "referrals": ("henvisninger", "referrals"),
    "resources_shared": ("delte ressourcer", "resources shared"),
    "joint_offers": ("fælles tilbud", "joint offers"),
    "new_initiatives": ("nye initiativer", "new initiatives"),
    "failed_efforts": ("mislykkede forsøg", "failed efforts"),
    **{f"ties_{f.id}": (f"{f.danish}-relationer", f"{f.label('en')} ties") for f in FORMS},
}
NOT_OUTCOMES = {"job", "seed", "weeks"}


@dataclass
class Region:
    """One box PRIM found: its limits on the restricted inputs and how well it fits."""

    direction: str  # "collapse" or "thrive"
    threshold: float
    limits: dict[str, tuple]  # input -> (low, high) or ("in", values)
    coverage: float
    density: float
    runs_in_region: int
    cases_in_region: int
    cases: int
    runs: int


def words(key: str, language: str) -> str:
    """Danish or English words for a swept key or a measure column."""
    i = 0 if language == "da" else 1
    base = key.rpartition(".")[2]
    for prefix in ("final_", "total_"):
        if base.startswith(prefix) and base.removeprefix(prefix) in WORDS:
            return WORDS[base.removeprefix(prefix)][i]
    return WORDS[base][i] if base in WORDS else key


def swept_inputs(runs: pd.DataFrame) -> list[str]:
    """Columns between ``job`` and ``seed`` (how collect lays them out) that vary."""
    columns = list(runs.columns)
    start = columns.index("job") + 1 if "job" in columns else 0
    stop = columns.index("seed") if "seed" in columns else len(columns)
    return [c for c in columns[start:stop] if runs[c].nunique(dropna=False) > 1]


def outcome_columns(runs: pd.DataFrame, inputs: list[str]) -> list[str]:
    return [c for c in runs.columns if c not in NOT_OUTCOMES and c not in inputs
            and pd.api.types.is_numeric_dtype(runs[c])]  # fmt: skip


def default_thresholds(values: pd.Series) -> dict[str, float]:
    """Collapse at 0 when reaching 0 is common, else the lower quartile; thrive at the upper."""
    collapse = 0.0 if (values <= 0).mean() >= 0.1 else float(values.quantile(0.25))
    return {"collapse": collapse, "thrive": float(values.quantile(0.75))}


def _prim_inputs(runs: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    x = pd.DataFrame(index=runs.index)
    for key in inputs:
        column = runs[key]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            x[key] = column.astype(float)  # the workbench pastes fractional limits
        else:
            x[key] = column.astype(str).astype("category")
    return x.reset_index(drop=True)


def find_regions(runs: pd.DataFrame, inputs: list[str], outcome: str, direction: str,
                 threshold: float, min_coverage: float = MIN_COVERAGE) -> list[Region]:  # fmt: skip
    """Up to ``MAX_BOXES`` regions where most runs collapse (or thrive), densest first."""
    with warnings.catch_warnings():  # the workbench warns about optional parallel back-ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    values = runs[outcome].to_numpy(dtype=float)
    y = values <= threshold if direction == "collapse" else values >= threshold
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        return []
    x = _prim_inputs(runs, inputs)
    finder = prim.Prim(x, y, mass_min=max(0.05, 3 / len(y)))
    regions = []
    for _ in range(MAX_BOXES):
        box = finder.find_box()
        if box is None:
            break
        trajectory = box.peeling_trajectory
        fits = trajectory[(trajectory["res_dim"] > 0) & (trajectory["coverage"] >= min_coverage)]
        if fits.empty:
            break
        best = fits.sort_values(["density", "coverage"], ascending=False).index[0]
        row = trajectory.loc[best]
        if row["density"] < max(0.5, 1.25 * y.mean()):
            break  # no region where this fate is clearly more common than elsewhere
        chosen = simplify(box, int(best), finder.box_init)
        limits = open_ends(_restrictions(box.box_lims[chosen], finder.box_init), x, y)
        if not limits:
            break
        inside = in_region(x, limits)
        regions.append(Region(direction, threshold, limits, float(y[inside].sum() / cases),
                              float(y[inside].mean()), int(inside.sum()), int(y[inside].sum()),
                              cases, len(y)))  # fmt: skip
        min_coverage = min_coverage / 2  # a second region explains what the first left over
    return regions


def simplify(box, index: int, full: pd.DataFrame, tolerance: float = DENSITY_TOLERANCE) -> int:
    """Drop each restriction that costs less than ``tolerance`` density: a rule a planner can
    read names only the inputs that matter. Returns the selected trajectory index."""
    box.select(index)
    for key in list(_restrictions(box.box_lims[index], full)):
        now = box.peeling_trajectory.iloc[index]
        box.drop_restriction(key)
        trial = len(box.peeling_trajectory) - 1
        if worth_dropping(now, box.peeling_trajectory.iloc[trial], tolerance):
            index = trial
        box.select(index)
    return index


def worth_dropping(now, without, tolerance: float = DENSITY_TOLERANCE) -> bool:
    """A restriction goes if it barely raises density, or if dropping it gains more in
    coverage than it costs in density (a larger density × coverage)."""
    return bool(without["density"] >= now["density"] - tolerance
                or without["density"] * without["coverage"] > now["density"] * now["coverage"])  # fmt: skip


def in_region(x: pd.DataFrame, limits: dict[str, tuple]) -> np.ndarray:
    """Which runs lie inside the region (bounds inclusive, as PRIM's boxes are)."""
    inside = np.ones(len(x), dtype=bool)
    for key, limit in limits.items():
        column = x[key]
        if limit[0] == "in":
            inside &= column.astype(str).isin([str(v) for v in limit[1]]).to_numpy()
            continue
        low, high = limit
        if low is not None:
            inside &= (column >= low).to_numpy()
        if high is not None:
            inside &= (column <= high).to_numpy()
    return inside


def open_ends(limits: dict[str, tuple], x: pd.DataFrame, y: np.ndarray,
              tolerance: float = DENSITY_TOLERANCE) -> dict[str, tuple]:  # fmt: skip
    """Open each bound of a two-sided range whose removal costs less than ``tolerance``
    density ("below 0.29" rather than "between 0.02 and 0.29" when the 0.02 is peeling noise)."""
    limits = dict(limits)

    def fit(region: dict) -> dict:
        inside = in_region(x, region)
        return {"density": y[inside].mean(), "coverage": y[inside].sum() / y.sum()}

    for key, limit in list(limits.items()):
        if limit[0] == "in" or None in limit:
            continue
        for trial in ((None, limit[1]), (limit[0], None)):
            if worth_dropping(fit(limits), fit({**limits, key: trial}), tolerance):
                limits[key] = trial
                break
    return limits


def _restrictions(box: pd.DataFrame, full: pd.DataFrame) -> dict[str, tuple]:
    limits = {}
    for key in box.columns:
        low, high = box[key].iloc[0], box[key].iloc[1]
        if isinstance(low, set):
            if low != full[key].iloc[0]:
                limits[key] = ("in", tuple(sorted(low)))
            continue
        lower = low > full[key].iloc[0]
        upper = high < full[key].iloc[1]
        if lower or upper:
            limits[key] = (float(low) if lower else None, float(high) if upper else None)
    return limits


def _num(value: float, language: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.0f}"
    return text.replace(".", ",") if language == "da" else text


def condition(key: str, limit: tuple, values: pd.Series, language: str) -> str:
    """One restriction in words, e.g. "leadership support below 0.3"."""
    da, name = language == "da", words(key, language)
    if limit[0] == "in":
        options = (" eller " if da else " or ").join(str(v) for v in limit[1])
        return f"{name} {'er' if da else 'is'} {options}"
    low, high = limit
    if set(values.dropna().unique()) <= {0, 1}:  # a switch, e.g. the coordinator
        on = low is not None
        return f"{'med' if on else 'uden'} {name}" if da else f"{'with' if on else 'without'} {name}"
    if low is not None and high is not None:
        return (f"{name} mellem {_num(low, 'da')} og {_num(high, 'da')}" if da
                else f"{name} between {_num(low, 'en')} and {_num(high, 'en')}")  # fmt: skip
    if high is not None:
        return f"{name} under {_num(high, 'da')}" if da else f"{name} below {_num(high, 'en')}"
    return f"{name} over {_num(low, 'da')}" if da else f"{name} above {_num(low, 'en')}"


def fate(outcome: str, direction: str, threshold: float, language: str) -> str:
    """What happens to a run, e.g. "end with no joint action ties"."""
    name, da = words(outcome, language), language == "da"
    if direction == "collapse" and threshold == 0:
        return f"ender uden {name}" if da else f"end with no {name}"
    if direction == "collapse":
        return (f"ender med højst {_num(threshold, 'da')} {name}" if da
                else f"end with at most {_num(threshold, 'en')} {name}")  # fmt: skip
    return (f"ender med mindst {_num(threshold, 'da')} {name}" if da
            else f"end with at least {_num(threshold, 'en')} {name}")  # fmt: skip


def rule(region: Region, outcome: str, runs: pd.DataFrame, language: str) -> str:
    """The region as one sentence with its density and coverage."""
    da = language == "da"
    parts = [condition(k, v, runs[k], language) for k, v in region.limits.items()]
    joined = (", ".join(parts[:-1]) + (" og " if da else " and ") + parts[-1]) if len(parts) > 1 else parts[0]
    k, m = region.cases_in_region, region.runs_in_region
    coverage, density = round(100 * region.coverage), round(100 * region.density)
    what = fate(outcome, region.direction, region.threshold, language)
    if da:
        return (f"Med {joined} {what.replace('ender', f'ender {k} af {m} kørsler', 1)} "
                f"(tæthed {density} %; dækning {coverage} %: området rummer {coverage} % af de "
                f"{region.cases} kørsler, der gør det).")  # fmt: skip
    return (f"With {joined}, {k} of {m} runs {what} (density {density} %; coverage {coverage} %: "
            f"the region holds {coverage} % of the {region.cases} runs that do).")  # fmt: skip


def discover(runs: pd.DataFrame, outcome: str, below: float | None = None,
             above: float | None = None) -> tuple[list[Region], list[str]]:  # fmt: skip
    """Regions for the outcome (collapse, thrive or both) over the swept inputs."""
    inputs = swept_inputs(runs)
    if not inputs:
        raise InputError("sweep", "one value per key", "a sweep whose inputs vary")
    allowed = outcome_columns(runs, inputs)
    if outcome not in allowed:
        raise InputError("--outcome", outcome, "a column of runs.parquet: " + ", ".join(allowed))
    defaults = default_thresholds(runs[outcome].astype(float))
    asked = {"collapse": below, "thrive": above}
    if below is None and above is None:
        asked = defaults
    regions = []
    for direction, threshold in asked.items():
        if threshold is not None:
            regions += find_regions(runs, inputs, outcome, direction, float(threshold))
    return regions, inputs


def table(regions: list[Region], outcome: str, runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(regions):
        rows.append({
            "region": i + 1, "outcome": outcome, "direction": r.direction, "threshold": r.threshold,
            "restrictions": "; ".join(f"{k}: {_limit_text(v)}" for k, v in r.limits.items()),
            "runs_in_region": r.runs_in_region, "cases_in_region": r.cases_in_region,
            "density": r.density, "coverage": r.coverage,
            "rule_da": rule(r, outcome, runs, "da"), "rule_en": rule(r, outcome, runs, "en"),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["region", "outcome", "direction", "threshold", "restrictions",
                                       "runs_in_region", "cases_in_region", "density", "coverage",
                                       "rule_da", "rule_en"])  # fmt: skip


def _limit_text(limit: tuple) -> str:
    if limit[0] == "in":
        return "in {" + ", ".join(map(str, limit[1])) + "}"
    low, high = limit
    return f"[{'' if low is None else f'{low:.4g}'}, {'' if high is None else f'{high:.4g}'}]"


def markdown(regions: list[Region], outcome: str, runs: pd.DataFrame, inputs: list[str]) -> str:
    lines = [f"# Scenarieopdagelse / scenario discovery: {words(outcome, 'da')} / "
             f"{words(outcome, 'en')} (`{outcome}`)", "",
             f"- **Kørsler / runs:** {len(runs)} ({runs['job'].nunique() if 'job' in runs else '?'} "
             "jobs)",
             f"- **Varierede input / swept inputs:** {', '.join(f'`{k}`' for k in inputs)}", ""]  # fmt: skip
    if not regions:
        lines += ["Ingen tydelig region fundet: udfaldet afhænger ikke klart af de varierede "
                  "input i denne sweep. / No clear region found: the outcome does not depend "
                  "clearly on the swept inputs in this sweep.", ""]  # fmt: skip
    for title, language in (("Dansk", "da"), ("English", "en")):
        if regions:
            lines += [f"## {title}", ""] + [f"- {rule(r, outcome, runs, language)}" for r in regions] + [""]
    lines += ["Tæthed = andel af kørslerne i området med udfaldet; dækning = andel af alle "
              "kørsler med udfaldet, der ligger i området (PRIM, EMA Workbench). / Density = share "
              "of runs in the region with the outcome; coverage = share of all runs with the "
              "outcome that lie in the region (PRIM, EMA Workbench).", ""]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.discover", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("sweep_dir", type=Path, help="a sweep folder holding runs.parquet")
    parser.add_argument("--outcome", required=True, help="a column of runs.parquet")
    parser.add_argument("--below", type=float, help="a run collapses at or below this value")
    parser.add_argument("--above", type=float, help="a run thrives at or above this value")
    args = parser.parse_args(argv)
    path = args.sweep_dir / "runs.parquet"
    if not path.is_file():
        print(f"error: sweep_dir={args.sweep_dir} is not allowed; allowed: a sweep folder with "
              f"runs.parquet (run python -m experiments.collect {args.sweep_dir} first)",
              file=sys.stderr)  # fmt: skip
        return 2
    runs = pd.read_parquet(path)
    try:
        regions, inputs = discover(runs, args.outcome, args.below, args.above)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    stem = f"discovery_{args.outcome}"
    write_csv(table(regions, args.outcome, runs), args.sweep_dir / f"{stem}.csv")
    text = markdown(regions, args.outcome, runs, inputs)
    write_text(text, args.sweep_dir / f"{stem}.md")
    for r in regions:
        print(rule(r, args.outcome, runs, "en"))
    if not regions:
        print("No clear region found.")
    print(f"Files: {args.sweep_dir / stem}.md, {args.sweep_dir / stem}.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
