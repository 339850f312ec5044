"""Every command in README.md and docs/*.md runs as written, on small settings.

:mod:`tests.docs_commands` reads the commands out of the documents; :data:`HOW` says for
each one how the test shrinks it (fewer seeds, weeks and points; files into a temporary
folder) or which other test or CI step runs it. A command added to the docs without an
entry here, or an entry whose command left the docs, fails
:func:`test_every_documented_command_has_an_entry`, so docs and test cannot drift apart.

Each document's commands run in its order in one temporary folder (a sweep, then its
``collect``, then its report), with ``docs/example_roster.yaml`` and ``my_centre.yaml`` (the
planners' guide says to copy it) in place. Running them takes minutes on a busy machine, so
they are ``slow`` (CI runs them with ``--runslow``); the check that every command has an
entry is instant and in the default suite.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.docs_commands import DOCUMENTS, ROOT, Documented, documented_commands


@dataclass(frozen=True)
class Shrink:
    """Run the command with smaller settings: ``set`` replaces a ``key=value`` word, a
    ``--flag value`` pair or a whole word; ``add`` appends words; ``before`` runs first.
    ``once``: a costly command documented in several places runs only in the first
    document that has it (README first)."""

    set: dict[str, str] = field(default_factory=dict)
    add: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    codes: tuple[int, ...] = (0,)
    once: bool = False


@dataclass(frozen=True)
class Server:
    """A command that starts the workshop page: start it on a free port, wait for its
    address, stop it with Ctrl+C (SIGINT) as a teacher does."""

    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Elsewhere:
    """Run by another test or by CI, not here (named, with the reason)."""

    where: str


@dataclass(frozen=True)
class Placeholder:
    """Prose naming a command (bare, or with a placeholder such as ``FOLDER``); ``see`` is
    the full documented command, which runs where it is documented."""

    see: str


_CONFIG_KEY = re.compile(r"[a-z_][a-z_.]*")
WEEKS_10 = ("steps=10",)
SLURM = Elsewhere("tests/test_slurm.py (slow): CI starts a one-node Slurm with .ci/slurm-up.sh")
INSTALL = Elsewhere(".ci/run: a fresh checkout, the README's install into .venv, then the suite")
SUITE = Elsewhere(".ci/run runs the suite, this test included")
SWEEP = Shrink(set={"replicates": "2"}, add=WEEKS_10)
STOPWEEK = Shrink(set={"weeks": "20", "restart_after": "10", "replicates": "2"}, add=("steps=40",))
VALIDATE = Shrink(set={"--seeds": "2", "--centres": "housing_area"},
                  add=("--patterns", "1a", "--out", "v.md"))  # 1a: also a robustness pattern
# --patterns narrows the one-at-a-time sweep too: 16 × 2 arms × 2 seeds instead of hours
ROBUSTNESS = Shrink(add=("--seeds", "2", "--centres", "housing_area", "--patterns", "1a", "--out", "v.md"),
                    once=True)
EXPORT = Shrink(set={"--weeks": "6", "--stop-coordinator-at": "3"})
APP = Server()
LHS = Shrink(set={"n": "8", "replicates": "1"}, add=WEEKS_10)
# The small budget takes ~40 min here; tests/test_calibration.py runs a tiny one end to end too.
CALIBRATE = Shrink(add=("--population", "4", "--generations", "1", "--max-simulations", "8", "--steps", "40",
                        "--draws", "2", "--targets", "2b", "--check", "2b", "--cases", "library",
                        "--held-out-cases", "--jobs", "1", "--out", "cal/calibration.md"), once=True)
SOBOL = Shrink(set={"sobol.base_samples": "2"}, add=("replicates=1", "steps=10"))

#: How each documented command runs here (keys as :func:`tests.docs_commands.normalise` writes them).
HOW: dict[str, Shrink | Server | Elsewhere | Placeholder] = {
    # README
    "python -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && python -m experiments.run": INSTALL,
    "python -m pytest -n 2 --runslow": SUITE,
    "python -m pytest": SUITE,
    "python -m experiments.run": Shrink(add=WEEKS_10),
    "python -m experiments.run centre=health drivers.coordinator=false replicates=20": SWEEP,
    "python -m experiments.run centre=health --cfg job": Shrink(),
    "python -m experiments.run -m centre=housing_area,health drivers.coordinator=true,false replicates=30 "
    "sweep.name=coord_study launcher=joblib": SWEEP,
    "python -m experiments.collect sweeps/coord_study": Shrink(),
    "python -m analysis.sweep_report sweeps/coord_study": Shrink(),
    "python -m analysis.sweep_report sweeps/coord_study --lang da "
    "--out sweeps/coord_study/figures_da": Shrink(),
    "python -m experiments.run -m drivers.leadership_support=0.2,0.8 replicates=30 params=posterior "
    "posterior.seeds_per_set=5 sweep.seeds_per_job=10 launcher=joblib sweep.name=lead_posterior": Shrink(
        set={"replicates": "4", "posterior.seeds_per_set": "2", "sweep.seeds_per_job": "2"}, add=WEEKS_10),
    "python -m experiments.run -m drivers.leadership_support=0.1,0.3,0.5,0.7,0.9 replicates=100 "
    "sweep.name=cluster_study launcher=slurm hydra.launcher.partition=normal "
    "hydra.launcher.account=my_project": SLURM,
    "python -m experiments.sensitivity method=morris n_jobs=2": Shrink(
        add=("morris.trajectories=2", "replicates=1", "steps=10"), once=True),
    "python -m experiments.design lhs n=40 drivers.leadership_support=0:1 drivers.co_location=0:1 "
    "centre=health replicates=5 sweep.name=lead_coloc": LHS,
    "python -m analysis.discover sweeps/lead_coloc --outcome final_ties_joint_action": Shrink(
        before=("python -m experiments.collect sweeps/lead_coloc",)),  # README: "after collect"
    "python -m experiments.verify sweeps/lead_coloc": Shrink(),
    "python -m experiments.bench": Shrink(add=("--sizes", "50", "--same-weeks", "1", "--context-weeks", "5",
                                               "--steps", "10", "--seeds", "1", "--batch-seeds", "2",
                                               "--sweep-runs", "0"),
                                          once=True),
    "python -m experiments.whatif centre=health scenario=coordinator_stops": Shrink(
        add=("replicates=2", "steps=78"), once=True),
    "python -m experiments.whatif centre=docs/example_roster.yaml scenario=funding_expires": Shrink(
        add=("replicates=2", "steps=130")),
    "python -m experiments.stopweek centre=health restart_after=26": STOPWEEK,
    "python -m app": APP,
    "python -m app.export centre=health --weeks 104 --stop-coordinator-at 52 --out run.gif": EXPORT,
    "python -m app.bench health": Shrink(add=("--weeks", "2"), once=True),
    "python -m analysis.validate --robustness": ROBUSTNESS,
    # docs/outputs.md
    "python -m experiments.whatif": Placeholder(
        "python -m experiments.whatif centre=health scenario=coordinator_stops"),
    "python -m experiments.verify FOLDER": Placeholder(
        "python -m experiments.verify outputs/2026-11-27_10-00-00_health_baseline_s0"),
    "python -m experiments.design lhs '…'": Placeholder(
        "python -m experiments.design lhs n=40 drivers.leadership_support=0:1 drivers.co_location=0:1 "
        "centre=health replicates=5 sweep.name=lead_coloc"),
    "python -m analysis.discover SWEEP --outcome X": Placeholder(
        "python -m analysis.discover sweeps/lead_coloc --outcome final_ties_joint_action"),
    "python -m experiments.stopweek": Placeholder("python -m experiments.stopweek centre=health"),
    # docs/planners.md
    "python -m venv .venv": INSTALL,
    ". .venv/bin/activate": INSTALL,
    "pip install -e .": INSTALL,
    "python -m experiments.whatif centre=my_centre.yaml scenario=funding_expires": Shrink(
        add=("replicates=2", "steps=130")),
    "python -m experiments.run centre=health 'network_weeks=[0,52,260]'": Shrink(
        set={"network_weeks": "[0,5,10]"}, add=WEEKS_10),
    "python -m experiments.stopweek centre=health": STOPWEEK,
    "python -m experiments.stopweek centre=health weeks=26,52,104,156 restart_after=26 "
    "replicates=20": STOPWEEK,
    # docs/researchers.md
    "python -m experiments.run -m drivers.leadership_support=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0 "
    "replicates=100 launcher=joblib hydra.launcher.n_jobs=2 sweep.name=bench1000": Shrink(
        set={"drivers.leadership_support": "0.1,0.9", "replicates": "1"}, add=WEEKS_10),
    "python -m experiments.run -m centre=housing_area,health,library,association "
    "drivers.coordinator=true,false drivers.leadership_support=0.2,0.4,0.6,0.8 replicates=100 "
    "sweep.name=cluster_study launcher=slurm "
    "hydra.launcher.partition=normal hydra.launcher.account=my_project": SLURM,
    "squeue -u '$USER'": SLURM,
    "sudo .ci/slurm-up.sh": SLURM,
    "python -m experiments.run -m steps=52 replicates=4 drivers.co_location=0.2,0.5,0.9 launcher=slurm "
    "hydra.launcher.partition=debug hydra.launcher.timeout_min=5 sweep.name=try": SLURM,
    "python -m pytest tests/test_slurm.py --runslow": SLURM,
    "python -m experiments.sensitivity method=sobol sobol.base_samples=256 n_jobs=2": SOBOL,
    "python -m experiments.design lhs n=40 drivers.leadership_support=0:1 drivers.co_location=0:1 "
    "drivers.core_load=0.3:0.95 centre=health replicates=5 sweep.name=lead_coloc": LHS,
    "python -m experiments.collect sweeps/lead_coloc": Shrink(),
    "python -m analysis.discover sweeps/lead_coloc --outcome total_joint_offers "
    "--below 5 --above 40": Shrink(),
    "python -m experiments.verify outputs/2026-11-27_10-00-00_health_baseline_s0": Shrink(
        before=("python -m experiments.run centre=health steps=10",),
        set={"outputs/2026-11-27_10-00-00_health_baseline_s0": "glob:outputs/*_health_baseline_s0"}),
    "python -m experiments.verify sweeps/lead_coloc --seeds 1 --jobs 3": Shrink(),
    # docs/sensitivity.md
    "python -m experiments.sensitivity method=sobol sobol.base_samples=256 n_jobs=2 "
    "'parameters={familiarity_decay: [0.01, 0.04], encounter_learning: [0.06, 0.18], "
    "encounter_rate: [0.5, 1.5], trust_loss_failure: [0.1, 0.4], collaboration_floor: [0.1, 0.5]}'": SOBOL,
    # docs/validation_notes.md (the residents' patterns, run per centre)
    "python -m analysis.validate --patterns R1 R2 R3 R4 --centres '<c>' --seeds 30": Placeholder(
        "python -m analysis.validate --seeds 30 --centres housing_area association library health "
        "--robustness"),
    # docs/validation.md (its robustness sweep narrowed to 1a, like the README's)
    "python -m analysis.validate --seeds 30 --centres housing_area association library health "
    "--robustness": VALIDATE,
    # docs/workshop.md
    "git clone '<this' 'repository>' medborgersim && cd medborgersim": INSTALL,
    "python -m venv .venv && .venv/bin/pip install -q -e '.[dev]'": INSTALL,
    "python -m app --open": Server(env={"BROWSER": "true"}),  # "opens" the page with /bin/true
    "python -m app --port 8800": APP,
    # docs/researchers.md, docs/performance.md (chunked sweeps)
    "python -m experiments.run -m drivers.leadership_support=0.2,0.5,0.8 replicates=20 "
    "sweep.seeds_per_job=10 launcher=joblib sweep.name=lead3": Shrink(
        set={"replicates": "4", "sweep.seeds_per_job": "2"}, add=WEEKS_10),
    "python -m experiments.run -m drivers.leadership_support=0.3,0.7 'replicates=<runs/2>' "
    "'sweep.seeds_per_job=<so' each core gets 4 'jobs>' launcher=joblib 'hydra.launcher.n_jobs=<cores>'":
    Placeholder("python -m experiments.run -m drivers.leadership_support=0.2,0.5,0.8 replicates=20 "
                "sweep.seeds_per_job=10 launcher=joblib sweep.name=lead3"),
    "python -m cProfile -m experiments.run -m steps=1 replicates=1 'drivers.co_location=<N' 'values>'":
    Placeholder("python -m experiments.run"),
    # docs/calibration.md, ODD § 7, planners § 7 (calibration and params=posterior)
    "python -m analysis.calibrate": CALIBRATE,
    # --larger with the small flags: explicit flags override its budget
    "python -m analysis.calibrate --larger": Shrink(add=CALIBRATE.add, once=True),
    "python -m analysis.calibrate --larger --launcher slurm --launcher-option slurm_partition=normal "
    "--launcher-option slurm_account=my_project --sims-per-job 8 --out calibrations/larger/calibration.md":
    Elsewhere("tests/test_slurm.py::test_calibration_runs_its_simulations_as_slurm_jobs (slow) runs a tiny "
              "calibration with --launcher slurm on the one-node cluster; a site's partition and account "
              "cannot be tried here"),
    "python -m experiments.whatif centre=health scenario=coordinator_stops params=posterior": Shrink(
        add=("replicates=4", "steps=78", "parameter_sets=2"), once=True),
    "python -m analysis.calibrate --mapping docs/example_mapping.csv --centre docs/example_roster.yaml "
    "--population 40 --generations 5 --max-simulations 600 "
    "--out calibrations/mit_medborgerhus/calibration.md": Shrink(
        set={"--population": "4", "--generations": "1", "--max-simulations": "8"},
        add=("--jobs", "1", "--steps", "60", "--draws", "2")),
    "python -m experiments.whatif centre=docs/example_roster.yaml scenario=funding_expires params=posterior "
    "posterior=calibrations/mit_medborgerhus/calibration/posterior.csv": Shrink(
        add=("replicates=4", "steps=130", "parameter_sets=2")),
    # docs/ODD.md § 8, docs/performance.md (one seed's week: fingerprint, compiled engine)
    "python -m experiments.fingerprint": Shrink(add=("--weeks", "3", "--seeds", "0")),
    "python -m experiments.fingerprint --engine compiled": Shrink(add=("--weeks", "3", "--seeds", "0")),
    "python -m experiments.fingerprint --engine batched": Shrink(add=("--weeks", "3", "--seeds", "0")),
    "python -m experiments.bench --sweep-runs 0": Shrink(add=("--sizes", "50", "--same-weeks", "1",
                                                              "--context-weeks", "5", "--steps", "10",
                                                              "--seeds", "1", "--batch-seeds", "2")),
    "python -m experiments.whatif centre=health scenario=coordinator_stops engine=compiled": Shrink(
        add=("replicates=2", "steps=78")),
    "python -m app.export centre=library --language en --every 1 --fps 12 --out library.mp4": Shrink(
        set={"--every": "2"}, add=("--weeks", "4"), codes=(0,) if shutil.which("ffmpeg") else (2,)),
}



def _all_documented() -> list[Documented]:
    return [command for document in DOCUMENTS for command in documented_commands(document)]


def test_every_documented_command_has_an_entry():
    documented = _all_documented()
    assert len(documented) > 40  # the reader found the commands
    missing = [str(c) for c in documented if c.key not in HOW]
    assert not missing, "documented commands without an entry in HOW:\n" + "\n".join(missing)
    keys = {c.key for c in documented}
    stale = [key for key in HOW if key not in keys]
    assert not stale, f"entries for commands no longer in the docs: {stale}"
    for key, how in HOW.items():
        if isinstance(how, Placeholder):
            assert how.see in keys and isinstance(HOW[how.see], Shrink), key


def _words(how: Shrink, key: str, folder: Path) -> list[str]:
    """The shrunk command: ``python`` is this interpreter, settings replaced (or added where
    the documented command leaves them at their default) and ``add`` appended."""
    words, out, seen, i = shlex.split(key), [], set(), 0
    while i < len(words):
        word, name = words[i], words[i].partition("=")[0]
        i += 1
        if word.startswith("--") and word in how.set:  # --flag value(s): the values replaced
            out += [word, how.set[word]]
            while i < len(words) and not words[i].startswith("--"):
                i += 1
        elif word in how.set:  # a whole word, e.g. a folder name in the docs
            out.append(_resolve(how.set[word], folder))
        elif "=" in word and name in how.set:
            out.append(f"{name}={how.set[name]}")
        else:
            out.append(word)
            continue
        seen.add(name)
    for setting, value in how.set.items():
        if setting not in seen and setting.startswith("--"):
            out += [setting, value]
        elif setting not in seen and _CONFIG_KEY.fullmatch(setting):
            out.append(f"{setting}={value}")
    out += list(how.add)
    return [sys.executable if w == "python" else w for w in out]


def _resolve(value: str, folder: Path) -> str:
    if not value.startswith("glob:"):
        return value
    found = sorted(folder.glob(value.removeprefix("glob:")))
    assert found, f"nothing matches {value} in {folder}"
    return str(found[-1].relative_to(folder))


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}


def _run(how: Shrink, key: str, folder: Path, where: str) -> None:
    for before in how.before:
        _run(HOW.get(before, Shrink()) if before in HOW else Shrink(), before, folder, where + " (before)")
    words = _words(how, key, folder)
    done = subprocess.run(words, cwd=folder, env=_env(), capture_output=True, text=True, timeout=900)
    assert done.returncode in how.codes, (f"{where}\nran: {shlex.join(words)}\nexit {done.returncode}\n"
                                         f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(how: Server, key: str, folder: Path, where: str) -> None:
    words = [w for w in shlex.split(key)]
    if "--port" in words:
        del words[words.index("--port"):words.index("--port") + 2]
    port = _free_port()
    words = [sys.executable if w == "python" else w for w in words] + ["--port", str(port)]
    server = subprocess.Popen(words, cwd=folder, env={**_env(), **how.env}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    try:
        deadline, seen = time.monotonic() + 240, ""
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, f"{where}: the page stopped: {server.stdout.read()}"
                time.sleep(0.5)
        else:
            pytest.fail(f"{where}: no page on port {port} within 240 s")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            seen, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            seen, _ = server.communicate()
    assert f"http://127.0.0.1:{port}" in seen, f"{where}: the address was not printed: {seen}"


def _document_params():
    for document in DOCUMENTS:
        name = document.relative_to(ROOT).as_posix()
        yield pytest.param(document, id=name, marks=pytest.mark.slow)


@pytest.mark.parametrize("document", list(_document_params()))
def test_documented_commands_run(document, tmp_path):
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "example_roster.yaml", tmp_path / "docs" / "example_roster.yaml")
    shutil.copy(ROOT / "docs" / "example_roster.yaml", tmp_path / "my_centre.yaml")
    shutil.copy(ROOT / "docs" / "example_mapping.csv", tmp_path / "docs" / "example_mapping.csv")
    earlier = {c.key for d in DOCUMENTS[:DOCUMENTS.index(document)] for c in documented_commands(d)}
    for command in documented_commands(document):
        how = HOW[command.key]
        if isinstance(how, Shrink) and how.once and command.key in earlier:
            continue  # run where it is first documented
        if isinstance(how, Shrink):
            _run(how, command.key, tmp_path, str(command))
        elif isinstance(how, Server):
            _serve(how, command.key, tmp_path, str(command))
