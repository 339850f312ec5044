"""Faults: killed runs and sweeps, two sweeps at once, a full disk.

Each test runs the real command line in a subprocess with tiny runs; the kill and
concurrency tests take a few seconds each.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from experiments import outputs

ROOT = Path(__file__).resolve().parent.parent
TINY = ["steps=10", "replicates=1"]
# One actor leaving twice: valid in every part, impossible at week 6 (see test_sweeps).
FAILING_EVENT = (
    "[{week:5,action:actor_leaves,names:[youth_outreach_1]},"
    "{week:6,action:actor_leaves,names:[youth_outreach_1]}]"
)


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "experiments.run", *args]


def dead_pid() -> int:
    """The id of a process that has just ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def leftover_name(target: str, pid: int) -> str:
    return f".{target}.{outputs._HOST}-{pid}.abc123.tmp"


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- atomic files ---------------------------------------------------------------------


def test_a_failing_writer_leaves_no_temporary_file(tmp_path):
    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        outputs.write_atomic(tmp_path / "a.json", broken)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from experiments.outputs import stop_cleanly_on_sigterm, write_atomic
        stop_cleanly_on_sigterm()
        def slow(tmp):
            tmp.write_text("half")
            print("writing", flush=True)
            time.sleep(30)
        write_atomic(Path({str(tmp_path)!r}) / "summary.json", slow)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)  # fmt: skip
    assert process.stdout.readline().strip() == "writing"
    assert len(list(tmp_path.glob(".*.tmp"))) == 1  # the test has teeth: it was there
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_dead_writers_go_and_live_ones_stay(tmp_path):
    dead = tmp_path / leftover_name("summary.json", dead_pid())
    live = tmp_path / leftover_name("ties.parquet", os.getpid())
    other_host = tmp_path / ".actors.parquet.elsewhere-1.abc123.tmp"
    for path in (dead, live, other_host):
        path.write_text("")
    assert outputs.remove_leftovers(tmp_path) == [dead]
    assert not dead.exists() and live.exists() and other_host.exists()


def test_next_run_removes_a_killed_runs_temporary_file(tmp_path):
    """kill -9 allows no clean-up; the next run cleans its sibling folders."""
    killed = tmp_path / "outputs" / "2026-01-01_killed_run"
    killed.mkdir(parents=True)
    leftover = killed / leftover_name("timeseries.parquet", dead_pid())
    leftover.write_text("half")
    done = subprocess.run(command(*TINY, "centre.name=æblehuset",
                                  f"hydra.run.dir={tmp_path / 'outputs' / 'next'}"),
                          cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()
    summary = json.loads((tmp_path / "outputs" / "next" / "summary.json").read_text())
    assert summary["centre"] == "æblehuset"  # Danish letters kept, not "_blehuset"


# --- sweeps ---------------------------------------------------------------------------


def test_killing_a_joblib_sweep_leaves_no_worker_and_resumes(tmp_path):
    args = ["-m", "steps=200", "replicates=4", "drivers.leadership_support=0.2,0.8",
            "launcher=joblib", "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={tmp_path}"]  # fmt: skip
    parent = subprocess.Popen(command(*args), cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    workers: list[int] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and parent.poll() is None:
            workers = [p for p in children(parent.pid)
                       if "LokyProcess" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]
            if len(workers) == 2 and list(tmp_path.glob("*/.hydra")):  # jobs have started
                break
            time.sleep(0.05)
        assert len(workers) == 2 and parent.poll() is None, "the sweep never started its workers"
    finally:
        parent.send_signal(signal.SIGKILL)  # the launcher only, as a crash or OOM kill would
        parent.wait()
    deadline = time.monotonic() + 30
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [p for p in workers if alive(p)]
    for pid in survivors:  # do not leave them running if the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == []

    again = subprocess.run(command(*args[:-3], f"hydra.sweep.dir={tmp_path}"), cwd=ROOT,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert len(list(tmp_path.glob("*/summary.json"))) == 2


def test_two_identical_sweeps_at_once_run_each_job_once(tmp_path):
    args = command("-m", *TINY, "drivers.leadership_support=0.2,0.5,0.8",
                   f"hydra.sweep.dir={tmp_path}")  # fmt: skip
    first, second = (subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2))  # fmt: skip
    results = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
    ran = sum(out.count(": ran in") for _, out, _ in results)
    assert ran == 3  # each job once, whichever sweep ran it
    for code, out, err in results:
        for done, total in re.findall(r"\[(\d+)/(\d+)\]", out):
            assert int(done) <= int(total) == 3
        if code == 2:  # the sweep that found the folder busy says so in one line
            assert err.strip().count("\n") == 0 and "no other sweep" in err
        else:
            assert code == 0, err
    assert len(list(tmp_path.glob("*/summary.json"))) == 3


FULL_DISK = textwrap.dedent("""
    import errno, runpy, sys
    import hydra.core.utils as hydra_utils
    import experiments.outputs as outputs

    full = False
    real_write, real_save = outputs.write_atomic, hydra_utils._save_config

    def no_space(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    def write_atomic(path, write):  # the disk fills as the first error.txt is written
        global full
        full = full or path.name == "error.txt"
        return no_space(path) if full else real_write(path, write)

    def save_config(cfg, filename, output_dir):  # then Hydra cannot write the next job's config
        return no_space(output_dir / filename) if full else real_save(cfg, filename, output_dir)

    outputs.write_atomic, hydra_utils._save_config = write_atomic, save_config
    sys.argv = ["experiments.run", *sys.argv[1:]]
    runpy.run_module("experiments.run", run_name="__main__", alter_sys=True)
""")


def test_a_failure_on_a_full_disk_is_still_reported(tmp_path):
    args = ["-m", *TINY, f"scenario.events={FAILING_EVENT},[]", f"hydra.sweep.dir={tmp_path}"]
    done = subprocess.run([sys.executable, "-c", FULL_DISK, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode != 0
    assert not list(tmp_path.glob("*/error.txt"))  # the disk really was full for it
    output = done.stdout + done.stderr
    failed = [line for line in output.splitlines() if "youth_outreach_1" in line and "FAILED" in line]
    assert failed and "error.txt not written" in failed[0] and "No space left" in failed[0]
    assert "Failed jobs before the sweep stopped:" in done.stderr
    listed = done.stderr.split("Failed jobs before the sweep stopped:")[1]
    assert "youth_outreach_1" in listed
