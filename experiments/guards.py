"""Checks the config types cannot express: names that become folders, numbers that must be
finite and in range, and output folders that must be writable — all before anything runs.

A wrong value here would otherwise run silently wrong (a NaN rate gives zero ties every
week), hang (``steps`` of 10^23), write outside its folder (``sweep.name=../../x``), or fail
only after the simulation, leaving a half-made folder.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from model import InputError

#: Highest whole number stored in a result table (int64).
INT64_MAX = 2**63 - 1
#: Upper bounds that keep a run finite on a laptop: 100 years of weeks, seeds, actors.
MAX_STEPS = 5200
MAX_REPLICATES = 10_000
MAX_ACTORS = 2000
#: Names go into folder names (``outputs/…_<centre>_<scenario>_s0``, ``sweeps/<name>``).
MAX_NAME = 80
_NAME = re.compile(r"\w[\w .,()&+-]*")
NAME_ALLOWED = (f"a name of 1 to {MAX_NAME} characters: letters (æøå too), digits, spaces and "
                "_ - . , ( ) & +, starting with a letter or digit (it becomes a folder name)")  # fmt: skip


def check_folder_name(key: str, value: Any) -> str:
    """Refuse a name that could leave its folder (``..``, ``/``), hide, be empty or too long.

    Danish letters and spaces are kept: "Fælleshuset Møllevangen" stays readable in the
    report and in the folder name.
    """
    if not isinstance(value, str) or len(value) > MAX_NAME or not _NAME.fullmatch(value):
        raise InputError(key, value, NAME_ALLOWED)
    if value != value.strip():
        raise InputError(key, value, NAME_ALLOWED + "; no space at either end")
    return value


def folder_name(text: str) -> str:
    """A usable folder name made from free text (e.g. a CSV roster's file name)."""
    name = re.sub(r"[^\w .,()&+-]", "_", text).lstrip(" .,()&+-")[:MAX_NAME].strip()
    return name if name and _NAME.fullmatch(name) else "roster"


def check_numbers(key: str, value: Any) -> None:
    """Every float finite and every whole number within int64, anywhere in a config tree.

    NaN passes every ``<`` and ``>`` check, so it has to be refused by name.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(key, value, "a finite number (not nan or inf)")
    if isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise InputError(key, value, f"a whole number from {-INT64_MAX - 1} to {INT64_MAX}")
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            check_numbers(f"{key}.{f.name}" if key else f.name, getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_numbers(f"{key}[{i}]", item)
    elif isinstance(value, dict):
        for k, item in value.items():
            check_numbers(f"{key}.{k}", item)


def check_writable(key: str, path: Path) -> None:
    """Refuse an output folder that cannot be made or written, without leaving anything.

    Probes the nearest existing folder by creating (and removing) a temporary folder in
    it, which also catches read-only and virtual file systems such as ``/proc``.
    """
    path = Path(path)
    for part in path.parts:
        if len(os.fsencode(part)) > 255:
            raise InputError(key, str(path), "folder names of at most 255 bytes each")
    if path.exists() and not path.is_dir():
        raise InputError(key, str(path), "a folder (this path is a file)")
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(key, str(path), f"a folder path ({existing} is a file)")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".probe.", dir=existing))
    except OSError as err:
        raise InputError(key, str(path), f"a folder you can write to ({existing}: "
                         f"{err.strerror or err})") from None  # fmt: skip
