"""A planner's own centre: a roster of named actors (YAML or CSV) turned into a CentreSpec.

The report recommends *mapping* the centre's relations (*Del 3, SKAB SYSTEM FOR
DOKUMENTATION*; Lunar et al. 2017). A roster is that mapping's input side: who is in the
house, how many hours they have, how much their core tasks take, which days they are
there, whether they are housed, when project money ends — and, optionally, which relations
already exist and in which form. Every actor becomes an ``ActorGroup`` of one that keeps
its name exactly, so events and relations can address it.

The whole file is read and checked before anything runs; the first problem is reported on
one line naming the row and the field. See ``docs/planners.md`` and
``docs/example_roster.yaml``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

import yaml

from model import ActorGroup, CentreSpec, InputError
from model.centre import KnownRelation
from model.kinds import DAYS, PRESENCE_PATTERNS, RESOURCES, TARGET_GROUPS, ActorKind

from .guards import check_folder_name, folder_name

SUFFIXES = (".yaml", ".yml", ".csv")

#: Centre-level keys a YAML roster may set (the rest take CentreSpec's defaults).
CENTRE_KEYS = ("name", "description", "coordinator", "forum", "forum_interval_weeks",
               "leadership_support", "core_load", "shared_places", "opening", "funders",
               "co_location", "residents")  # fmt: skip
#: Per-actor fields; ``name`` and ``kind`` are required.
ACTOR_KEYS = ("name", "kind", "hours", "core_load", "leadership_support", "days", "presence",
              "co_located", "funding", "funding_end_week", "target_groups", "offers",
              "needs")  # fmt: skip
_TRUE = {"true", "yes", "ja", "1", "y", "j", "sand"}  # SAND/FALSK: Danish Excel's booleans
_FALSE = {"false", "no", "nej", "0", "n", "falsk"}
#: Separators a spreadsheet may save a CSV with: Danish Excel uses ``;`` (the comma is
#: the decimal mark there), others ``,`` or a tab.
SEPARATORS = (",", ";", "\t")
#: Encodings tried in turn: UTF-8 (with or without Excel's byte-order mark), then
#: Windows-1252, which Excel on Danish Windows uses for "CSV (semikolonsepareret)".
ENCODINGS = ("utf-8-sig", "cp1252")
#: Danish day names (and their short forms) as a planner may write them.
_DANISH_DAYS = {"man": "mon", "mandag": "mon", "tir": "tue", "tirsdag": "tue", "ons": "wed",
                "onsdag": "wed", "tor": "thu", "torsdag": "thu", "fre": "fri", "fredag": "fri"}  # fmt: skip
_DECIMAL_COMMA = re.compile(r"\s*[-+]?\d+,\d+\s*")


class RosterLoader(yaml.SafeLoader):
    """YAML without aliases: a roster never needs ``*ref``, and a few nested aliases
    ("billion laughs") expand into more memory than the machine has."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            line = event.start_mark.line + 1
            raise InputError(f"line {line}", f"*{event.anchor}",
                             "plain values; YAML aliases (*name) are not read in a roster: "
                             "write the value out")  # fmt: skip
        return super().compose_node(parent, index)


def is_roster_path(value: str) -> bool:
    """True if ``value`` names a roster file (by its ending), whether or not it exists."""
    return value.lower().endswith(SUFFIXES)


def load_roster(path: str | Path) -> CentreSpec:
    """Read and check a roster file; raises :class:`InputError` on the first problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError("centre", str(path), "an existing roster file (.yaml or .csv)")
    try:
        if path.suffix.lower() == ".csv":
            rows, first_row = read_csv_rows(path.read_bytes())
            data: dict[str, Any] = {"name": folder_name(path.stem), "actors": rows}
        else:
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=RosterLoader)  # noqa: S506
            except InputError as err:
                raise err.prefixed(f"{path.name}: ") from None
            first_row = 1
    except yaml.MarkedYAMLError as err:
        problem = _yaml_problem(err, path)
        raise InputError("centre", str(path), f"a readable roster file ({problem})") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, csv.Error) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError("centre", str(path), f"a readable roster file ({message})") from None
    if not isinstance(data, dict):
        raise InputError(path.name, type(data).__name__, "a mapping with an `actors:` list")
    return roster_spec(data, path.name, first_row)


def _yaml_problem(err: yaml.MarkedYAMLError, path: Path) -> str:
    """Where a YAML syntax error is and what is wrong, on one line: a planner editing the
    file needs the line number, not the parser's "while parsing a flow mapping"."""
    mark = err.problem_mark or err.context_mark
    where = f"{path.name} line {mark.line + 1}, column {mark.column + 1}" if mark else path.name
    problem = " ".join((err.problem or err.context or type(err).__name__).split())
    opened = err.context_mark if err.problem_mark else None
    if opened is not None and err.context and opened.line != mark.line:
        # "while parsing a flow mapping": the bracket opened earlier is often the mistake
        problem += f" ({err.context.removeprefix('while parsing ')} that starts on line {opened.line + 1})"
    return f"{where}: {problem}"


def read_csv_rows(raw: bytes) -> tuple[list[dict], int]:
    """Rows of a CSV roster and the line number of the first, as a spreadsheet saved it.

    Reads UTF-8 or Windows-1252, Excel's ``sep=;`` first line, and the separator the
    header uses most (``;`` from Danish Excel, ``,`` or tab); decimal commas (``7,5``) in
    a ``;`` file are read as numbers by :func:`_number`.
    """
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("encoding", "unknown", "a CSV saved as UTF-8 or Windows-1252 (Excel: "
                         "Gem som → CSV UTF-8)")  # fmt: skip
    lines = text.splitlines(keepends=True)
    first_row = 2  # line 1 is the header
    separator = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        separator, lines, first_row = lines[0].strip()[4], lines[1:], 3
    if separator is None:
        header = lines[0] if lines else ""
        separator = max(SEPARATORS, key=header.count)
    rows = list(csv.DictReader(io.StringIO("".join(lines), newline=""), delimiter=separator))
    return rows, first_row


def roster_spec(data: dict, source: str = "roster", first_row: int = 1) -> CentreSpec:
    """Build the CentreSpec of a parsed roster (a mapping with ``actors`` and optional
    ``relations`` and centre-level keys)."""
    unknown = sorted(set(data) - set(CENTRE_KEYS) - {"actors", "relations"})
    if unknown:
        allowed = "a known key: " + ", ".join((*CENTRE_KEYS, "actors", "relations"))
        raise InputError(f"{source}: {unknown[0]}", data[unknown[0]], allowed)
    actors = data.get("actors")
    if not isinstance(actors, list) or len(actors) < 2:
        raise InputError(f"{source}: actors", actors, "a list of at least 2 actors")
    name = data.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        name = folder_name(Path(source).stem)
    name = check_folder_name(f"{source}: name", str(name).strip() if _scalar(name) else name)
    centre = CentreSpec(name=name, actor_groups=[])
    centre.description = str(data.get("description") or f"A planner's roster ({source})")
    for key in CENTRE_KEYS[2:-1]:
        if data.get(key) is not None:
            setattr(centre, key, data[key])
    if data.get("residents") is not None:
        centre.residents = _residents(data["residents"], source)
    groups, seen = [], set()
    for i, row in enumerate(actors):
        where = f"{source} row {first_row + i}"
        if not isinstance(row, dict):
            raise InputError(where, row, "a mapping of actor fields: " + ", ".join(ACTOR_KEYS))
        group = _actor_group(row, where, centre)
        if group.name in seen:
            raise InputError(f"{where} ({group.name}): name", group.name, "a name used once")
        seen.add(group.name)
        groups.append(group)
    centre.actor_groups = groups
    if data.get("co_location") is None:
        fixed = [g.co_located for g in groups if g.co_located is not None]
        if fixed:
            centre.co_location = sum(fixed) / len(fixed)
    centre.relations = _relations(data.get("relations") or [], source)
    try:
        centre.validate()
    except InputError as err:
        raise _locate(err, source, first_row, groups) from None
    return centre


def _actor_group(row: dict, where: str, centre: CentreSpec) -> ActorGroup:
    row = {str(k).strip(): v for k, v in row.items() if k is not None}
    row = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in row.items()}
    name = row.get("name")
    named = f"{where} ({str(name).strip()})" if name is not None else where
    unknown = sorted(set(row) - set(ACTOR_KEYS))
    if unknown:
        raise InputError(f"{named}: {unknown[0]}", row[unknown[0]],
                         "a known field: " + ", ".join(ACTOR_KEYS))  # fmt: skip
    if name is None or not _scalar(name) or not str(name).strip():
        raise InputError(f"{where}: name", name, "a non-empty actor name (text, not a list)")
    name, where = str(name).strip(), named
    kinds = [k.id for k in ActorKind]
    kind = _choice(row.get("kind"), kinds, f"{where}: kind", required=True)
    group = ActorGroup(kind=kind, count=1, name=name)
    if row.get("hours") is not None:
        group.capacity_hours = _number(row["hours"], f"{where}: hours", 0.0, 80.0)
    # The centre's level plus an offset is how a group's core load and leadership are set;
    # a roster gives the actor's own level, so the offset is the difference.
    if row.get("core_load") is not None:
        value = _number(row["core_load"], f"{where}: core_load", 0.0, 1.0)
        group.core_load_offset = value - float(centre.core_load)
    if row.get("leadership_support") is not None:
        value = _number(row["leadership_support"], f"{where}: leadership_support", 0.0, 1.0)
        group.leadership_offset = value - float(centre.leadership_support)
    if row.get("days") is not None:
        group.days = _list(row["days"], DAYS, f"{where}: days")
        if not group.days:
            raise InputError(f"{where}: days", row["days"], "at least one of " + ", ".join(DAYS))
    if row.get("presence") is not None:
        group.presence = _choice(row["presence"], tuple(PRESENCE_PATTERNS), f"{where}: presence")
    if row.get("co_located") is not None:
        group.co_located = _bool(row["co_located"], f"{where}: co_located")
    if row.get("funding") is not None:
        group.funding = _choice(row["funding"], ("permanent", "project"), f"{where}: funding")
    if row.get("funding_end_week") is not None:
        week = _number(row["funding_end_week"], f"{where}: funding_end_week", 1, None)
        if week != int(week):
            raise InputError(
                f"{where}: funding_end_week", row["funding_end_week"], "a whole week >= 1"
            )
        if group.funding == "permanent":
            raise InputError(f"{where}: funding_end_week", row["funding_end_week"],
                             "empty for permanent funding (or set funding: project)")  # fmt: skip
        group.funding, group.funding_end_week = "project", int(week)
    for key, universe in (("target_groups", TARGET_GROUPS), ("offers", RESOURCES),
                          ("needs", RESOURCES)):  # fmt: skip
        if row.get(key) is not None:
            setattr(group, key, _list(row[key], universe, f"{where}: {key}"))
    return group


def _residents(sizes: Any, source: str) -> dict[str, int]:
    """The area's residents per target group, e.g. ``{families: 300, youth: 120}``."""
    key = f"{source}: residents"
    if not isinstance(sizes, dict) or not sizes:
        raise InputError(key, sizes, "a mapping of target group to residents, e.g. {families: 300}")
    counts = {}
    for group, count in sizes.items():
        name = str(group).strip().lower()
        if name not in TARGET_GROUPS:
            raise InputError(key, group, "target groups: " + ", ".join(TARGET_GROUPS))
        number = _number(count, f"{key}.{name}", 0, 1_000_000)
        if number != int(number):
            raise InputError(f"{key}.{name}", count, "a whole number of residents from 0 to 1000000")
        counts[name] = int(number)
    return counts


def _relations(items: Any, source: str) -> list[KnownRelation]:
    if not isinstance(items, list):
        raise InputError(f"{source}: relations", items, "a list of {source, target, form}")
    relations = []
    for i, item in enumerate(items):
        where = f"{source} relation {i + 1}"
        if not isinstance(item, dict) or set(item) - {"source", "target", "form"}:
            raise InputError(where, item, "a mapping with source, target and form")
        relations.append(KnownRelation(source=str(item.get("source", "")),
                                       target=str(item.get("target", "")),
                                       form=str(item.get("form", ""))))  # fmt: skip
    return relations


def _locate(err: InputError, source: str, first_row: int, groups: list[ActorGroup]) -> InputError:
    """Name the roster row (not the internal group index) in a CentreSpec error."""
    key = err.key
    if key.startswith("actor_groups["):
        index, _, rest = key.removeprefix("actor_groups[").partition("].")
        row = first_row + int(index)
        return InputError(f"{source} row {row} ({groups[int(index)].name}): {rest}",
                          err.value, err.allowed)  # fmt: skip
    if key.startswith("relations["):
        index, _, rest = key.removeprefix("relations[").partition("].")
        return InputError(f"{source} relation {int(index) + 1}: {rest}", err.value, err.allowed)
    return InputError(f"{source}: {key}", err.value, err.allowed)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _number(value: Any, key: str, lo: float | None, hi: float | None) -> float:
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value):
        value = value.replace(",", ".")  # a decimal comma, as Danish spreadsheets write it
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not math.isfinite(number) or (lo is not None and number < lo) or (
        hi is not None and number > hi
    ):
        bounds = f"from {lo} to {hi}" if hi is not None else f">= {lo}"
        raise InputError(key, value, f"a number {bounds}")
    return number


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(key, value, "yes or no (true/false, ja/nej)")


def _choice(value: Any, allowed, key: str, required: bool = False) -> str:
    text = None if value is None else str(value).strip().lower()
    if text not in allowed:
        if text is None and not required:
            return None  # type: ignore[return-value]
        raise InputError(key, value, "one of " + ", ".join(allowed))
    return text


def _list(value: Any, universe, key: str) -> list[str]:
    """A YAML list or a CSV cell like ``mon;wed`` or ``mon wed``."""
    if isinstance(value, str):
        items = value.replace(";", " ").replace(",", " ").split()
    elif isinstance(value, list):
        items = [str(v) for v in value]
    else:
        raise InputError(key, value, "a list of " + ", ".join(universe))
    items = [item.strip().lower() for item in items]
    if universe is DAYS:
        items = [_DANISH_DAYS.get(item, item) for item in items]
    for item in items:
        if item not in universe:
            raise InputError(key, item, "one of " + ", ".join(universe))
    return items
