"""Sweeps that survive scale: skip complete jobs, isolate failures, report progress.

A sweep (``python -m experiments.run -m ...``) is many jobs, each one config × its
replicate seeds, in ``sweeps/<sweep.name>/<the job's overrides>/``. Three rules make it
safe to run on a laptop, with joblib or on a Slurm cluster alike:

* **Resume** — a job whose ``summary.json`` (written after its results) holds the same
  resolved config and model version is complete and is skipped (its ``manifest.json``,
  written last, is added if the job was killed just before it); anything else is (re)run,
  so running an interrupted sweep's command again finishes it without duplicates.
* **Isolation** — a job that raises writes its traceback to ``error.txt`` in its own
  folder and returns; the other jobs go on. The check happens inside the job, so it works
  whichever process or node runs it.
* **Report** — :class:`SweepReport`, a Hydra callback in the launching process, counts the
  jobs, and at the end lists the failures (also in ``failures.txt``); ``experiments.run``
  then exits with status 1. Each job prints one progress line with counts and time left,
  from small status files under ``.sweep/`` (a shared folder works across cluster nodes).
* **One sweep per folder** — the launching process holds a lock on ``.sweep/lock``; a
  second sweep into the same folder stops with one line instead of running every job
  again and mixing up the counts. The lock goes with the process, so a killed sweep
  never blocks the next one.
* **No orphans** — a worker process (joblib, submitit_local) watches its launcher and
  exits when the launcher is killed, instead of simulating on unseen.
* **Failures are never lost** — when ``error.txt`` or a status file cannot be written
  (a full disk), the failure is still printed and kept in memory for the closing list.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import shutil
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

import model

from .chunks import SWEEPER as CHUNKED_SWEEPER
from .manifest import MANIFEST, write_manifest
from .orphans import exit_with
from .outputs import process_alive, write_json, write_text

STATE = ".sweep"
ERROR_FILE = "error.txt"
FAILURES_FILE = "failures.txt"
LOCK_FILE = "lock"
#: Environment variable naming the launching process, for its workers' watchdog.
LAUNCHER_PID = "MEDBORGERSIM_LAUNCHER_PID"


@dataclass
class JobOutcome:
    """What became of one job: ``done`` (ran now), ``skipped`` (complete before) or ``failed``."""

    status: str
    seconds: float = 0.0
    note: str = ""


@dataclass
class SweepSummary:
    """Counts of one sweep session, as the launching process saw them at the end."""

    sweep_dir: Path
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    missing: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed and self.missing == 0


LAST_SWEEP: SweepSummary | None = None  # set by SweepReport.on_multirun_end, read by run.main
#: Failed jobs this process saw (job name → note), kept even when no file can be written.
SEEN_FAILURES: dict[str, str] = {}
_LOCK = None  # the open lock file of the sweep folder this process launches into
_WATCHING = False


def resolved_config(cfg: DictConfig) -> dict:
    """The job's config as ``summary.json`` stores it (after a JSON round trip)."""
    return json.loads(json.dumps(OmegaConf.to_container(cfg, resolve=True)))


def is_complete(out: Path, resolved: dict) -> bool:
    """True if ``out`` holds every result of exactly this config and model version."""
    from .run import RESULT_FILES

    if not all((out / name).is_file() for name in RESULT_FILES):
        return False
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        _identity(summary.get("config")) == _identity(resolved)
        and summary.get("version") == model.__version__
    )


def _identity(config) -> dict | None:
    """A config without the sweep's name: renaming a sweep folder does not change results."""
    if not isinstance(config, dict):
        return None
    return {k: v for k, v in config.items() if k != "sweep"}


def execute_job(cfg: DictConfig, out: Path, command: str | None = None) -> JobOutcome:
    """Run one job into ``out`` unless it is complete; a failure goes to ``error.txt``.

    ``command`` is the single-run command line recorded in the job's ``manifest.json``.
    """
    from .config import to_run_config
    from .run import RESULT_TABLES, write_results
    from .simulate import simulate

    out = Path(out)
    started = time.perf_counter()
    resolved = resolved_config(cfg)
    if is_complete(out, resolved):
        if not (out / MANIFEST).is_file():  # killed between summary.json and the manifest
            write_manifest(out, "sweep_job", {"run": to_run_config(cfg)}, command=command,
                           tables=RESULT_TABLES)  # fmt: skip
        return JobOutcome("skipped")
    # Until summary.json is rewritten for this config the job counts as incomplete.
    (out / "summary.json").unlink(missing_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)
    (out / ERROR_FILE).unlink(missing_ok=True)
    for leftover in out.glob(".*.tmp"):  # temporary files of a job killed mid-write
        leftover.unlink(missing_ok=True)
    try:
        run = to_run_config(cfg)
        write_results(run, simulate(run), out, resolved)
        write_manifest(out, "sweep_job", {"run": run}, command=command, tables=RESULT_TABLES)
    except Exception:  # isolate: any error of this job must not stop the others
        text = traceback.format_exc()
        seconds = time.perf_counter() - started
        try:
            write_text(text, out / ERROR_FILE)
        except OSError as err:  # e.g. a full disk: say why here, since no file will
            cause = text.strip().splitlines()[-1]
            return JobOutcome("failed", seconds, f"{cause}; {ERROR_FILE} not written: {err}")
        return JobOutcome("failed", seconds)
    return JobOutcome("done", time.perf_counter() - started)


def watch_launcher() -> None:
    """In a worker process: exit as soon as the launching process is gone.

    A killed launcher (``kill``, a closed terminal) otherwise leaves its joblib workers
    simulating on, unseen. Called when this module is imported in a worker (before Hydra
    sets up the job) and again when the job starts. The launcher's own process (basic
    launcher) and jobs on other hosts (Slurm) do not watch.
    """
    global _WATCHING
    host, _, pid = os.environ.get(LAUNCHER_PID, "").rpartition(":")
    if _WATCHING or host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return
    launcher = int(pid)
    if os.getppid() != launcher:
        if not process_alive(launcher):  # it died before this worker got here
            os._exit(1)
        return  # started by some other process of this host, e.g. submitit's own
    _WATCHING = True
    exit_with(launcher)


def lock_folder(sweep_dir: Path) -> None:
    """Hold the sweep folder for this process, or stop with one line if another has it."""
    global _LOCK
    state = Path(sweep_dir) / STATE
    state.mkdir(parents=True, exist_ok=True)
    handle = open(state / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115 (held until exit)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        print(f"error: hydra.sweep.dir={str(sweep_dir)!r} is not allowed; allowed: a sweep folder "
              f"no other sweep is running in (process {holder} is; wait for it to finish or "
              "choose another sweep.name)", file=sys.stderr, flush=True)  # fmt: skip
        raise SystemExit(2) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    _LOCK = handle


def unlock_folder() -> None:
    global _LOCK
    if _LOCK is not None:
        _LOCK.close()  # closing releases the lock
        _LOCK = None


def count_jobs(task_overrides: list[str]) -> int:
    """Jobs Hydra's basic sweeper makes of these overrides (the product of sweep values)."""
    parsed = OverridesParser.create().parse_overrides(list(task_overrides))
    total = 1
    for item in parsed:
        if item.is_sweep_override():
            total *= len(list(item.sweep_string_iterator()))
    return total


def record(sweep_dir: Path, job_dir: Path, outcome: JobOutcome) -> str:
    """Note a finished job for this session and return its progress line."""
    sweep_dir, job_dir = Path(sweep_dir), Path(job_dir)
    name = _job_name(sweep_dir, job_dir)
    verb = {"done": "ran", "skipped": "skipped (complete)", "failed": "FAILED"}[outcome.status]
    line = f"{name}: {verb}" + (f" in {outcome.seconds:.1f} s" if outcome.seconds else "")
    line += f" ({outcome.note})" if outcome.note else ""
    if outcome.status == "failed":
        SEEN_FAILURES[name] = outcome.note
    session = _read_session(sweep_dir)
    if session is None:
        return line
    folder = sweep_dir / STATE / "progress" / session["id"]
    key = hashlib.sha1(name.encode()).hexdigest()[:16]
    # The status is in the file name, so counting is a directory listing, not N reads.
    try:
        write_json({"job": name, **outcome.__dict__}, folder / f"{key}.{outcome.status}.json")
    except OSError as err:
        return f"{line} (progress not recorded: {err})"
    statuses = _statuses(folder)
    done, total = len(statuses), session["total"]
    elapsed = time.time() - session["started"]
    # Time left from the jobs that ran: skipped ones take no time and would fake an ETA.
    ran = sum(1 for x in statuses.values() if x != "skipped")
    left = elapsed / ran * max(total - done, 0) if ran else math.nan
    counts = [(s, sum(1 for x in statuses.values() if x == s)) for s in ("skipped", "failed")]
    extra = ", ".join(f"{n} {s}" for s, n in counts if n)
    eta = "" if outcome.status == "skipped" or math.isnan(left) else f" — {_eta(left)} left"
    return f"[{done}/{total}] {line}" + (f" ({extra})" if extra else "") + eta


class SweepReport(Callback):
    """Hydra callback: set up the session's progress folder, report failures at the end."""

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir))
        lock_folder(sweep_dir)  # before touching the progress of a sweep that may be running
        SEEN_FAILURES.clear()
        os.environ[LAUNCHER_PID] = f"{socket.gethostname()}:{os.getpid()}"  # workers watch it
        if OmegaConf.select(config, "hydra.sweeper._target_") != CHUNKED_SWEEPER:
            start_session(sweep_dir, count_jobs(list(config.hydra.overrides.task)))
        # else the chunked sweeper starts the count: it alone knows how many jobs there are
        if config.sweep.name == "sweep" and sweep_dir.name == "sweep":
            print("  (unnamed: add sweep.name=<name> so different sweeps do not share this "
                  "folder)", flush=True)  # fmt: skip

    def on_multirun_end(self, config: DictConfig, **kwargs) -> None:
        global LAST_SWEEP
        sweep_dir = Path(str(config.hydra.sweep.dir))
        LAST_SWEEP = summarise_session(sweep_dir)
        try:
            write_manifest(sweep_dir, "sweep")  # last: hashes every job's files and manifest
        finally:
            unlock_folder()
        print(describe(LAST_SWEEP), flush=True)
        stop_idle_workers()


def stop_idle_workers() -> None:
    """Stop the joblib launcher's worker processes once every job has returned.

    Loky keeps its workers for reuse and, when the launching process exits, waits for
    each to shut down on its own: about a second with the model loaded, which a sweep of
    a few minutes pays in wall time for nothing. A later sweep in the same process gets
    new workers. Other launchers leave no workers here, and this does nothing.
    """
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")  # not imported: no pool
    executor = getattr(loky, "_executor", None)  # loky's one shared pool, if any
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


def start_session(sweep_dir: Path, total: int) -> None:
    """Begin counting a session of ``total`` jobs in ``sweep_dir`` (progress lines, summary)."""
    shutil.rmtree(sweep_dir / STATE / "progress", ignore_errors=True)  # older sessions
    session = {"id": f"{time.time_ns()}", "started": time.time(), "total": total}
    write_json(session, sweep_dir / STATE / "session.json")
    print(f"Sweep {sweep_dir}/: {total} job(s)", flush=True)


def summarise_session(sweep_dir: Path) -> SweepSummary:
    """Counts of the last session of ``sweep_dir``; writes or clears ``failures.txt``."""
    session = _read_session(sweep_dir)
    if session is None:
        return SweepSummary(sweep_dir, 0)
    folder = sweep_dir / STATE / "progress" / session["id"]
    statuses = _statuses(folder)
    kinds = ("done", "skipped", "failed")
    counts = {s: sum(1 for x in statuses.values() if x == s) for s in kinds}
    failed = sorted(_job_of(folder / f"{key}.failed.json")
                    for key, status in statuses.items() if status == "failed")  # fmt: skip
    unrecorded = sorted(set(SEEN_FAILURES) - set(failed))  # its status file could not be written
    failed += unrecorded
    counts["failed"] += len(unrecorded)
    summary = SweepSummary(sweep_dir, session["total"], counts, failed,
                           max(session["total"] - len(statuses) - len(unrecorded), 0))  # fmt: skip
    failures = sweep_dir / FAILURES_FILE
    try:
        if failed:
            write_text("".join(f"{sweep_dir / job / ERROR_FILE}\n" for job in failed), failures)
        else:
            failures.unlink(missing_ok=True)
    except OSError as err:
        print(f"({FAILURES_FILE} not written: {err})", flush=True)
    return summary


def describe(summary: SweepSummary) -> str:
    """The closing lines of a sweep: counts, then every failed job's traceback file."""
    c = summary.counts
    lines = [f"Sweep {summary.sweep_dir}/ finished: {summary.total} job(s), "
             f"{c.get('done', 0)} ran, {c.get('skipped', 0)} skipped (complete), "
             f"{c.get('failed', 0)} failed"]  # fmt: skip
    if summary.missing:
        lines.append(f"{summary.missing} job(s) never reported back (killed or lost?)")
    if summary.failed:
        lines.append("Failed jobs (traceback in each error.txt; listed in failures.txt):")
        lines += [f"  {summary.sweep_dir / job / ERROR_FILE}"
                  + (f" — {SEEN_FAILURES[job]}" if SEEN_FAILURES.get(job) else "")
                  for job in summary.failed]  # fmt: skip
        lines.append("Fix the cause and run the same command again: complete jobs are skipped.")
    return "\n".join(lines)


def _job_name(sweep_dir: Path, job_dir: Path) -> str:
    try:
        name = str(job_dir.resolve().relative_to(sweep_dir.resolve()))
    except ValueError:
        name = str(job_dir)
    return name


def _read_session(sweep_dir: Path) -> dict | None:
    try:
        return json.loads((Path(sweep_dir) / STATE / "session.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _statuses(folder: Path) -> dict[str, str]:
    """Job key → status, from the names of the session's status files."""
    statuses = {}
    if Path(folder).is_dir():
        for entry in os.scandir(folder):
            key, _, rest = entry.name.partition(".")
            status = rest.removesuffix(".json")
            if status in ("done", "skipped", "failed"):  # not a temporary file mid-rename
                statuses[key] = status
    return statuses


def _job_of(path: Path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["job"]


def _eta(seconds: float) -> str:
    if math.isnan(seconds):
        return "? s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


watch_launcher()  # in a worker, from the moment it loads this module
