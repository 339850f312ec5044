"""A sweep through a real Slurm controller: ``launcher=slurm`` as a researcher runs it.

Needs a Slurm cluster whose default partition ``debug`` takes jobs on this machine —
``.ci/slurm-up.sh`` (run by ``.ci/run``) starts a one-node one; without it the tests skip.
The sweep uses ``configs/launcher/slurm.yaml`` unchanged except for the partition and a
short time limit, runs its jobs as a Slurm job array, loses one job to ``scancel`` while it
runs, is finished by running the same command again, and gives the same files as the
basic launcher; a sweep cut into chunks of seeds (``sweep.seeds_per_job``) gives the same numbers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
PARTITION = "debug"
# Three jobs of about a second of simulation each, so one can be cancelled while it runs.
ARGS = ["steps=52", "replicates=4", "drivers.co_location=0.2,0.5,0.9"]
SLURM = ["launcher=slurm", f"hydra.launcher.partition={PARTITION}", "hydra.launcher.timeout_min=5"]
RESULTS = ("timeseries.parquet", "actors.parquet", "ties.parquet")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _cluster_problem() -> str | None:
    """Why no Slurm job can run here, or None if the partition has a node taking jobs."""
    if shutil.which("sinfo") is None or shutil.which("sbatch") is None:
        return "Slurm is not installed (no sinfo/sbatch); start a test cluster: sudo .ci/slurm-up.sh"
    try:
        info = subprocess.run(["sinfo", "-h", "-p", PARTITION, "-o", "%t"],
                              capture_output=True, text=True, timeout=20)  # fmt: skip
    except subprocess.TimeoutExpired:
        return "the Slurm controller does not answer (sinfo timed out)"
    if info.returncode != 0:
        return f"no Slurm controller answers ({info.stderr.strip()}); start one: sudo .ci/slurm-up.sh"
    states = info.stdout.split()
    if not {"idle", "mix", "alloc"} & set(states):
        return f"partition {PARTITION!r} has no node taking jobs (states: {states or 'none'})"
    return None


@pytest.fixture(scope="module")
def cluster():
    problem = _cluster_problem()
    if problem:
        pytest.skip(problem)


def command(sweep_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "experiments.run", "-m", *ARGS, *extra,
            f"hydra.sweep.dir={sweep_dir}"]  # fmt: skip


def run(sweep_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(sweep_dir, *extra), cwd=ROOT, capture_output=True, text=True,
                          timeout=180)  # fmt: skip


def complete(sweep_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in sweep_dir.glob("*/summary.json"))


def array_id(sweep_dir: Path, timeout: float = 60) -> str:
    """The Slurm job array id, from submitit's submission script ``.submitit/<id>/``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for script in sweep_dir.glob(".submitit/*/*_submission.sh"):
            if re.fullmatch(r"\d+", script.parent.name):
                return script.parent.name
        time.sleep(0.1)
    raise AssertionError("the sweep submitted no Slurm job array")


def task_states(array: str) -> dict[str, str]:
    """Task id (``<array>_<index>``) → Slurm state, for tasks Slurm still lists."""
    out = subprocess.run(["squeue", "-h", "-r", "-j", array, "-o", "%i %T"],
                         capture_output=True, text=True, timeout=20).stdout  # fmt: skip
    return dict(line.split() for line in out.splitlines() if line.strip())


def job_state(task: str) -> str:
    out = subprocess.run(["scontrol", "show", "job", task], capture_output=True, text=True,
                         timeout=20).stdout  # fmt: skip
    found = re.search(r"JobState=(\w+)", out)
    return found.group(1) if found else "?"


def states_settle(tasks: list[str], timeout: float = 30) -> set[str]:
    """The tasks' job states once none is still pending or running (or after ``timeout``).
    A task writes its result before it ends, and the sweep returns on the results, so the
    controller may still show the last task RUNNING for a moment (seen once in CI)."""
    deadline = time.monotonic() + timeout
    while True:
        states = {job_state(task) for task in tasks}
        if not states & {"PENDING", "RUNNING", "COMPLETING"} or time.monotonic() > deadline:
            return states
        time.sleep(0.5)


def wait_for(condition, timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def cancelled_and_resumed(cluster, tmp_path_factory):
    """A slurm sweep with one running job cancelled, then the same command again."""
    root = tmp_path_factory.mktemp("slurm")
    sweep_dir = root / "slurm"
    log = (root / "first.log").open("w")
    first = subprocess.Popen(command(sweep_dir, *SLURM), cwd=ROOT, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    array = victim = None
    try:
        array = array_id(sweep_dir)

        def running_task():
            running = [t for t, s in task_states(array).items() if s == "RUNNING"]
            return sorted(running)[0] if running else None

        victim = wait_for(running_task, 60, "a running task of the job array", poll=0.05)
        subprocess.run(["scancel", victim], check=True, timeout=20)
        # The other two finish; without Slurm accounting (no sacct) submitit cannot tell a
        # cancelled job from one still running, so the launcher would wait for ever: stop it
        # as a researcher would (Ctrl-C) once nothing is left in the queue.
        wait_for(lambda: not task_states(array), 120, "the job array to leave the queue", poll=0.5)
        first_done = complete(sweep_dir)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGINT)
            try:
                first.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
        log.close()
        if array is not None:
            subprocess.run(["scancel", array], timeout=20)
    victim_state = job_state(victim)
    kept = {n: (sweep_dir / n / "summary.json").stat().st_mtime_ns for n in first_done}
    second = run(sweep_dir, *SLURM)
    return root, victim_state, first_done, kept, second


@pytest.fixture(scope="module")
def basic(cluster, tmp_path_factory):
    sweep_dir = tmp_path_factory.mktemp("basic") / "basic"
    result = run(sweep_dir, "launcher=basic")
    assert result.returncode == 0, result.stderr
    return sweep_dir


def test_a_cancelled_slurm_job_is_resumed_by_running_the_sweep_again(cancelled_and_resumed):
    root, victim_state, first_done, kept, second = cancelled_and_resumed
    sweep_dir = root / "slurm"
    assert victim_state == "CANCELLED"
    assert len(first_done) == 2  # the cancelled job left no summary.json
    assert second.returncode == 0, second.stdout + second.stderr
    assert "1 ran, 2 skipped (complete), 0 failed" in second.stdout
    assert len(complete(sweep_dir)) == 3
    # complete jobs were skipped, not rewritten
    assert {n: (sweep_dir / n / "summary.json").stat().st_mtime_ns for n in first_done} == kept


def test_slurm_jobs_ran_on_the_cluster_as_an_array(cancelled_and_resumed):
    root, *_ = cancelled_and_resumed
    arrays = sorted(p.name for p in (root / "slurm" / ".submitit").iterdir() if p.name.isdigit())
    assert len(arrays) == 2  # one job array per session
    for array in arrays:
        for index in range(3):
            assert (root / "slurm" / ".submitit" / f"{array}_{index}").is_dir()
    # the resumed session's tasks all completed under the controller
    assert states_settle([f"{arrays[-1]}_{i}" for i in range(3)]) == {"COMPLETED"}


def test_slurm_results_are_identical_to_the_basic_launcher(cancelled_and_resumed, basic):
    root, *_ = cancelled_and_resumed
    slurm_jobs = complete(root / "slurm")
    assert slurm_jobs == complete(basic) and len(slurm_jobs) == 3
    for job in slurm_jobs:
        for name in RESULTS:
            expected = pd.read_parquet(basic / job / name)
            pd.testing.assert_frame_equal(expected, pd.read_parquet(root / "slurm" / job / name))
    # the comparison has teeth: the swept driver changes the results
    frames = [pd.read_parquet(basic / job / "timeseries.parquet") for job in slurm_jobs]
    assert not frames[0].equals(frames[1])


def test_a_chunked_slurm_sweep_gives_the_basic_launchers_numbers(cluster, basic, tmp_path):
    """``sweep.seeds_per_job=2`` makes each config two array tasks; collected, they equal
    the unchunked basic sweep seed by seed."""
    from experiments import collect

    sweep_dir = tmp_path / "chunked"
    result = run(sweep_dir, *SLURM, "sweep.seeds_per_job=2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 job(s), 6 ran" in result.stdout  # 3 configs × 2 chunks of 2 seeds
    [array] = [p.name for p in (sweep_dir / ".submitit").iterdir() if p.name.isdigit()]
    assert states_settle([f"{array}_{i}" for i in range(6)]) == {"COMPLETED"}
    chunked, whole = collect.collect(sweep_dir).runs, collect.collect(basic).runs
    keys = ["drivers.co_location", "seed"]
    chunked = chunked.drop(columns="job").sort_values(keys).reset_index(drop=True)
    whole = whole.drop(columns=["job", "replicates"]).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(chunked[whole.columns], whole)
    assert len(whole) == 3 * 4


def test_calibration_runs_its_simulations_as_slurm_jobs(cluster, tmp_path):
    """``python -m analysis.calibrate --launcher slurm``: ABC-SMC's simulations go out as
    Slurm jobs (named ``medborgersim-abc``) and the posterior is written as on local cores;
    submitit's job folder is cleaned up afterwards."""
    before = subprocess.run(["scontrol", "show", "jobs", "-o"], capture_output=True, text=True,
                            timeout=20).stdout.count("JobName=medborgersim-abc")  # fmt: skip
    out = tmp_path / "cal" / "calibration.md"
    done = subprocess.run(
        [sys.executable, "-m", "analysis.calibrate", "--population", "4", "--generations", "2",
         "--max-simulations", "24", "--steps", "40", "--draws", "2", "--replicates", "2",
         "--targets", "2b", "--check", "2b", "--cases", "library", "--held-out-cases",
         "--launcher", "slurm", "--launcher-option", f"slurm_partition={PARTITION}",
         "--launcher-option", "timeout_min=5", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    after = subprocess.run(["scontrol", "show", "jobs", "-o"], capture_output=True, text=True,
                           timeout=20).stdout.count("JobName=medborgersim-abc")  # fmt: skip
    assert after > before  # Slurm ran the simulations (it lists finished jobs for 5 minutes)
    provenance = json.loads((out.parent / "calibration" / "posterior.json").read_text())
    assert provenance["launcher"] == "slurm" and provenance["budget"]["replicates"] == 2
    assert len(pd.read_csv(out.parent / "calibration" / "posterior.csv")) > 0
    assert not (out.parent / "calibration" / ".submitit").exists()
