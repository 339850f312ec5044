"""Atomic writing of result files: a temporary name in the same folder, then a rename.

A reader (or a resumed sweep) therefore sees either no file or a whole file, never half
of one. Results are Parquet, CSV, JSON or GraphML — never pickle. A temporary name carries
the writing process's host and id, so one left by a killed process (``kill -9`` allows no
clean-up) is recognised and removed by the next run (:func:`remove_leftovers`), while a
file still being written by a live process is left alone.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a sweep's launching process writes JSON only: no pandas to import
    import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)
_HOST = socket.gethostname().replace(".", "-") or "host"


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then move the temporary file onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    owner = f"{_HOST}-{os.getpid()}"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{owner}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_leftovers(folder: Path, pattern: str = ".*.tmp") -> list[Path]:
    """Delete temporary files under ``folder`` whose writer (on this host) is gone."""
    removed = []
    for tmp in Path(folder).glob(pattern):
        owner = tmp.name.removesuffix(".tmp").rsplit(".", 2)
        host, _, pid = owner[-2].rpartition("-") if len(owner) == 3 else ("", "", "")
        if host == _HOST and pid.isdigit() and not process_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def process_alive(pid: int) -> bool:
    """True if process ``pid`` runs on this host (a killed one not yet reaped does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a zombie has exited but still answers signal 0
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def stop_cleanly_on_sigterm() -> None:
    """Turn SIGTERM (``kill``, a scheduler's time limit) into SystemExit, so a file being
    written is removed by :func:`write_atomic` instead of left half-written."""

    def _exit(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


def write_json(data: dict, path: Path) -> Path:
    text = json.dumps(data, indent=2, sort_keys=True, default=_jsonable) + "\n"
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_text(text: str, path: Path) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
