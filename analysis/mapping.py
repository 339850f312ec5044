"""A planner's own mapping of relations at two or more dates, as calibration targets.

*Del 3, Skab et system for samarbejdet*: the report recommends *mapping* who works with whom
and in which form (Lunar et al. 2017). A centre that has mapped its relations more than
once can calibrate the model to its own house: the first date's relations are where the
model starts (``CentreSpec.relations``), and the number of pairs holding each form at each
later date is a target the model must reach (:class:`analysis.calibration.Target`).

The file is a CSV with one row per relation and date::

    source,target,form,date
    biblioteksleder,cafe,resource_exchange,2025-02-01

``source`` and ``target`` name actors of the centre (as in the roster), ``form`` is a
form's id, English or Danish label (``videndele``, ``samvirke`` …), ``date`` is
``YYYY-MM-DD``. Map every actor's relations at every date: a pair missing on a date
counts as holding no form then. Every problem is one line naming the row.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from model import InputError
from model.centre import CentreSpec, KnownRelation
from model.forms import FORMS

from .calibration import Target

COLUMNS = ("source", "target", "form", "date")


def form_names() -> dict[str, str]:
    """Every accepted spelling of a form (lower case) → its id."""
    names = {}
    for f in FORMS:
        for spelling in (f.id, f.label("en"), f.label("da"), f.id.replace("_", " ")):
            names[spelling.lower()] = f.id
    return names


@dataclass(frozen=True)
class Mapping:
    """A checked mapping: the relations of each date, in date order."""

    dates: tuple[dt.date, ...]
    relations: dict[dt.date, frozenset[tuple[str, str, str]]]  # (actor, actor, form), names sorted

    def counts(self, date: dt.date) -> dict[str, int]:
        """Pairs holding each form on ``date``."""
        return {f.id: sum(1 for r in self.relations[date] if r[2] == f.id) for f in FORMS}

    def week_of(self, date: dt.date) -> int:
        """Weeks since the first mapping (the model's week 0), rounded."""
        return round((date - self.dates[0]).days / 7)


def read_mapping(path: str | Path, centre: CentreSpec) -> Mapping:
    """Read and check a mapping CSV against the centre's actors; raises :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError("mapping", str(path), "a CSV file with columns source,target,form,date")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        raise InputError("mapping", str(path),
                         "a UTF-8 CSV file with columns source,target,form,date") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","  # Danish Excel
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if sorted(header) != sorted(COLUMNS):
        raise InputError("mapping columns", ",".join(header), "exactly source,target,form,date")
    try:
        rows = list(reader)
    except csv.Error:
        raise InputError("mapping", str(path), "a CSV file with columns source,target,form,date") from None
    names = centre.initial_actor_names()
    forms = form_names()
    relations: dict[dt.date, set[tuple[str, str, str]]] = {}
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        where = f"mapping row {number}"
        for key in ("source", "target"):
            if row[key] not in names:
                raise InputError(f"{where} {key}", row[key], "an actor of the centre: " + ", ".join(names))
        if row["source"] == row["target"]:
            raise InputError(f"{where} target", row["target"], "an actor other than the source")
        form = forms.get(row["form"].lower())
        if form is None:
            raise InputError(f"{where} form", row["form"],
                             "a form: " + ", ".join(f"{f.id} ({f.label('da')})" for f in FORMS))  # fmt: skip
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            raise InputError(f"{where} date", row["date"], "a date as YYYY-MM-DD, e.g. 2025-03-01") from None
        a, b = sorted((row["source"], row["target"]))
        relations.setdefault(date, set()).add((a, b, form))
    dates = tuple(sorted(relations))
    if len(dates) < 2:
        raise InputError("mapping dates", ", ".join(map(str, dates)) or "none",
                         "two or more dates (the first is where the model starts)")  # fmt: skip
    mapping = Mapping(dates, {d: frozenset(r) for d, r in relations.items()})
    for date in dates[1:]:
        if mapping.week_of(date) < 1:
            raise InputError("mapping date", str(date), f"at least a week after {dates[0]}")
    return mapping


def starting_centre(centre: CentreSpec, mapping: Mapping) -> CentreSpec:
    """The centre with the first date's relations as its known relations at week 0."""
    first = sorted(mapping.relations[mapping.dates[0]])
    return replace(centre, relations=[KnownRelation(source=a, target=b, form=f) for a, b, f in first])


def mapping_targets(mapping: Mapping) -> tuple[Target, ...]:
    """A point target per later date and form: the mapped number of pairs holding it,
    with a scale of a quarter of that number (at least one pair)."""
    targets = []
    for date in mapping.dates[1:]:
        week = mapping.week_of(date)
        for form, count in mapping.counts(date).items():
            targets.append(Target(
                f"{form}@{date}", f"pairs holding {form} in week {week} ({date})", ("baseline",),
                lambda m, key=f"w{week}_{form}": m["baseline"][key],
                low=float(count), high=float(count), scale=max(1.0, 0.25 * count),
            ))  # fmt: skip
    return tuple(targets)


def mapping_weeks(mapping: Mapping) -> tuple[int, ...]:
    return tuple(mapping.week_of(d) for d in mapping.dates[1:])


def steps_for(mapping: Mapping) -> int:
    """Weeks to simulate: to the last mapped date (at least the 52 weeks of last-year means)."""
    return max(max(mapping_weeks(mapping)) + 1, 53)


