"""A calibrated posterior as a file, and parameter sets drawn from it (``params=posterior``).

``python -m analysis.calibrate`` writes the posterior of an ABC-SMC calibration as two
plain files side by side: ``posterior.csv`` (one row per particle: ``particle``,
``weight`` and one column per calibrated parameter of :class:`model.ModelParams`) and
``posterior.json`` (its provenance: priors, targets, cases, seeds, budget, git commit,
pyabc version, date). No pickle, no database: a reader needs nothing but a CSV reader.

A what-if or sweep with ``params=posterior`` draws whole parameter sets (rows, by weight)
so the parameters' joint uncertainty, correlations included, reaches the planner's
interval; each set is then run for a few seeds, so chance and parameters can be told
apart (:func:`variance_shares`).
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model import InputError, ModelParams

from .manifest import sha256
from .outputs import write_csv, write_json

if TYPE_CHECKING:  # every run's command line passes here (posterior_overrides): pandas on use
    import pandas as pd

#: Where ``python -m analysis.calibrate`` writes its posterior by default (committed).
DEFAULT_POSTERIOR = Path(__file__).resolve().parent.parent / "docs" / "calibration" / "posterior.csv"
FIXED_COLUMNS = ("particle", "weight")


def scalar_parameters() -> dict[str, type]:
    """The :class:`ModelParams` fields a posterior may hold (numbers, not per-form lists)."""
    defaults = ModelParams()
    return {f.name: type(getattr(defaults, f.name)) for f in fields(ModelParams)
            if isinstance(getattr(defaults, f.name), int | float)}  # fmt: skip


def write_posterior(particles: pd.DataFrame, weights, provenance: dict, path: Path) -> Path:
    """Write ``path`` (CSV) and its provenance beside it (same name, ``.json``), atomically.

    ``particles`` has one column per calibrated parameter; ``weights`` are normalised here.
    """
    w = np.asarray(weights, dtype=float)
    frame = particles.reset_index(drop=True).copy()
    frame.insert(0, "weight", w / w.sum())
    frame.insert(0, "particle", np.arange(len(frame)))
    path = Path(path)
    write_json(provenance, path.with_suffix(".json"))
    return write_csv(frame, path)  # last: a whole CSV means its provenance is there too


def load_posterior(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read and check a posterior file; raises :class:`InputError` (one line) if unusable."""
    import pandas as pd

    path = Path(path)
    allowed = "a posterior.csv written by python -m analysis.calibrate"
    if not path.is_file():
        raise InputError("posterior", str(path), allowed)
    try:
        frame = pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError):
        raise InputError("posterior", str(path), allowed) from None
    known = scalar_parameters()
    names = [c for c in frame.columns if c not in FIXED_COLUMNS]
    if any(c not in frame.columns for c in FIXED_COLUMNS) or not names or frame.empty:
        raise InputError("posterior", str(path), allowed + " (columns particle, weight, parameters)")
    for name in names:
        if name not in known:
            raise InputError(f"posterior column {name!r}", str(path),
                             "names of number parameters of ModelParams")  # fmt: skip
        if not pd.api.types.is_numeric_dtype(frame[name]) or not np.isfinite(frame[name]).all():
            raise InputError(f"posterior column {name!r}", str(path), "finite numbers in every row")
    w = frame["weight"]
    if not pd.api.types.is_numeric_dtype(w) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InputError("posterior column 'weight'", str(path), "finite weights >= 0, not all 0")
    provenance = {}
    meta = path.with_suffix(".json")
    if meta.is_file():
        try:
            provenance = json.loads(meta.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise InputError("posterior provenance", str(meta), "the JSON written beside it") from None
    return frame, provenance


def parameter_names(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in FIXED_COLUMNS]


def draw_sets(frame: pd.DataFrame, n_sets: int, seed: int) -> pd.DataFrame:
    """``n_sets`` particles drawn by weight (with replacement) with a generator seeded by
    ``seed``: the same request draws the same sets. Returns their rows in draw order."""
    rng = np.random.default_rng([seed, 1729])  # a stream of its own, apart from the runs'
    w = frame["weight"].to_numpy(dtype=float)
    rows = rng.choice(len(frame), size=n_sets, replace=True, p=w / w.sum())
    return frame.iloc[rows].reset_index(drop=True)


def set_of_seed(frame: pd.DataFrame, seed: int, seeds_per_set: int) -> tuple[int, pd.Series]:
    """The parameter set of ``seed`` in a run or sweep: block ``seed // seeds_per_set``,
    one particle drawn by weight with a generator seeded by the block, so the same seed
    gets the same set whichever job, chunk or launcher runs it."""
    block = seed // seeds_per_set
    return block, draw_sets(frame, 1, block).iloc[0]


def check_run_posterior(run) -> None:
    """A run's ``posterior.*`` settings (one line naming the key if wrong); every set the
    run's seeds draw is applied once, so an out-of-range value fails before anything runs."""
    per_set = run.posterior.seeds_per_set
    if isinstance(per_set, bool) or not isinstance(per_set, int) or per_set < 1:
        raise InputError("posterior.seeds_per_set", per_set, "a whole number >= 1")
    frame, _ = load_posterior(run.posterior.file)
    digest = sha256(Path(run.posterior.file))
    if run.posterior.sha256 is not None and run.posterior.sha256 != digest:
        raise InputError("posterior.file", run.posterior.file,
                         f"the file with SHA-256 {run.posterior.sha256[:12]}… this sweep began with")
    blocks = range(run.seed // per_set, (run.seed + run.replicates - 1) // per_set + 1)
    for block in blocks:
        apply_set(run.params, draw_sets(frame, 1, block).iloc[0].drop(list(FIXED_COLUMNS)))


def posterior_overrides(overrides: list[str]) -> list[str]:
    """Command-line words of ``experiments.run``: ``params=posterior`` (the committed
    posterior) and ``posterior=PATH`` become ``posterior.file=<absolute path>`` with the
    file's ``posterior.sha256``, so every job of a sweep reads the same posterior."""
    rest, path, wanted = [], None, False
    for override in overrides:
        key, _, value = override.partition("=")
        if key == "params" and value == "posterior":
            wanted = True
        elif key == "params":
            raise InputError("params", value, "posterior (with posterior=PATH), or params.<name>=value")
        elif key == "posterior":
            path, wanted = value, True
        else:
            rest.append(override)
    if not wanted:
        return rest
    file = Path(path).expanduser().resolve() if path else DEFAULT_POSTERIOR
    load_posterior(file)
    return [*rest, f"posterior.file='{file.as_posix()}'", f"posterior.sha256={sha256(file)}"]


def apply_set(params: ModelParams, row: pd.Series) -> ModelParams:
    """``params`` with the values of one drawn particle; checked like any config."""
    kinds = scalar_parameters()
    values = {}
    for name in parameter_names(row.to_frame().T):
        value = float(row[name])
        values[name] = int(round(value)) if kinds[name] is int else value
    updated = replace(params, **values)
    updated.validate()
    return updated


def variance_shares(effects: pd.DataFrame, value: str = "effect", group: str = "parameter_set") -> dict:
    """How much of the spread of ``value`` comes from parameters and how much from chance.

    One-way random-effects decomposition (method of moments): within a parameter set the
    seeds differ only by chance (``within``); the variance of the set means beyond what
    chance gives them is the parameters' part (``between``, floored at 0). Needs at least
    two sets with two or more seeds each; otherwise the shares are NaN.
    """
    groups = [g[value].dropna().to_numpy(dtype=float) for _, g in effects.groupby(group)]
    groups = [g for g in groups if len(g) >= 2]
    nan = {"within": math.nan, "between": math.nan, "parameter_share": math.nan,
           "chance_share": math.nan, "sets": len(groups)}  # fmt: skip
    if len(groups) < 2:
        return nan
    within = float(np.mean([g.var(ddof=1) for g in groups]))
    mean_size = float(np.mean([len(g) for g in groups]))
    between = max(float(np.var([g.mean() for g in groups], ddof=1)) - within / mean_size, 0.0)
    total = within + between
    if total <= 0:
        return nan | {"within": within, "between": between}
    return {"within": within, "between": between, "parameter_share": between / total,
            "chance_share": within / total, "sets": len(groups)}  # fmt: skip
