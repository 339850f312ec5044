"""The provenance bundle: ``manifest.json`` in every run, sweep and report folder.

A researcher hands a folder to a reviewer; the manifest says what made it — the code's git
commit (and whether the tree had uncommitted changes), Python and package versions, the
command line, every run's fully resolved config and seeds — and the SHA-256 of every file,
so :mod:`experiments.verify` can check the files are untouched and re-run a sample of seeds.
It is written last, atomically, after every other file of the folder.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import platform
import shlex
import subprocess
import sys
from pathlib import Path

import model

from .config import RunConfig
from .outputs import write_json

MANIFEST = "manifest.json"
FORMAT = 1
#: Packages whose version can change results or how they are written.
KEY_PACKAGES = (
    "medborgersim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "hydra-core", "omegaconf",
    "networkx", "matplotlib", "SALib", "ema_workbench",
)  # fmt: skip
#: Tables a re-run can reproduce, by file name → :class:`~experiments.simulate.RunResult` field.
REPLAYABLE = {"timeseries.parquet": "timeseries", "actors.parquet": "actors", "ties.parquet": "ties"}
CODE_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def git_state(root: Path = CODE_ROOT) -> dict:
    """The commit of the code that ran and whether tracked files differed from it.

    Asked once per process (a worker runs many sweep jobs): the code a process runs is
    the code it loaded, whatever happens to the working tree later.
    """

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                  timeout=20, check=False)  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None, "note": "not a git repository (or git missing)"}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


@functools.cache
def package_versions() -> dict[str, str]:
    """Installed versions of the packages that matter for results; absent ones left out
    (looked up once per process: each lookup scans the installed distributions)."""
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def command_line(module: str, argv: list[str] | None = None) -> str:
    """The command as a user would type it again, e.g. ``python -m experiments.run seed=3``."""
    args = sys.argv[1:] if argv is None else argv
    return shlex.join(["python", "-m", module, *args])


def run_record(run: RunConfig) -> dict:
    """A run's fully resolved config (a roster already read into ``centre``) and its seeds."""
    config = dataclasses.asdict(run)
    config["roster"] = None  # the centre is recorded in full; the roster file is not needed
    return {"config": config, "seeds": list(range(run.seed, run.seed + run.replicates))}


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path, except hidden ones (Hydra's
    ``.hydra`` copies, sweep progress state, temporary files) and the folder's own manifest."""
    folder = Path(folder)
    hashes = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or relative.as_posix() == MANIFEST:
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue
        hashes[relative.as_posix()] = sha256(path)
    return hashes


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    folder: Path,
    kind: str,
    runs: dict[str, RunConfig] | None = None,
    *,
    command: str | None = None,
    tables: tuple[str, ...] = ("timeseries.parquet",),
    arm_column: str | None = None,
) -> Path:
    """Write ``folder/manifest.json``; call it after every other file of the folder.

    Args:
        folder: the run, job, sweep or report folder.
        kind: ``run``, ``sweep_job``, ``sweep``, ``whatif``, ``stopweek``, …
        runs: the runs whose results the folder holds, by arm name (one arm for a run);
            an arm run in parts is listed as ``<arm>/<part>`` (e.g. ``scenario/set0``, one
            parameter set of a ``params=posterior`` what-if), each part over its own seeds.
        command: the command line; default this process's ``python -m <module> <args>``.
        tables: result tables a re-run of a seed must reproduce (see ``REPLAYABLE``).
        arm_column: the column telling arms apart in those tables (None: one arm).
    """
    folder = Path(folder)
    main = sys.modules.get("__main__")
    module = getattr(getattr(main, "__spec__", None), "name", None) or Path(sys.argv[0]).stem
    manifest = {
        "format": FORMAT,
        "kind": kind,
        "model_version": model.__version__,
        "command": command or command_line(module),
        "git": dict(git_state()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": dict(package_versions()),
        "runs": {arm: run_record(run) for arm, run in (runs or {}).items()},
        "replay": {"tables": [t for t in tables if t in REPLAYABLE], "arm_column": arm_column},
        "files": file_hashes(folder),
    }
    return write_json(manifest, folder / MANIFEST)
