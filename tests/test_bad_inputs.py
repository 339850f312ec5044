"""Bad or edge input, by class: one line naming key, value and what is allowed; nothing runs.

Most checks call the command-line precheck in-process (no simulation), so they are fast.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import collect, whatif
from experiments.cli import compose_run, fail, precheck, roster_overrides
from experiments.guards import check_folder_name, folder_name
from experiments.outputs import write_json, write_parquet
from experiments.roster import load_roster
from experiments.run import write_results
from experiments.simulate import simulate
from model import InputError

LONG = "x" * 300


def refused(argv: list[str], capsys) -> str:
    """Run the precheck on ``argv``; return its single error line (it must exit 2)."""
    with pytest.raises(SystemExit) as stop:
        precheck(roster_overrides(argv))
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "is not allowed; allowed:" in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "shown", "allowed"),
    [
        # silent corruption: values the types accept but a run cannot store or use
        (["seed=9223372036854775807", "replicates=2"], "seed=", "replicates + 1"),
        (["seed=18446744073709551616"], "seed=", "whole number"),
        (["params.encounter_rate=nan"], "params.encounter_rate=nan", "finite"),
        (["params.seek_familiar=-inf"], "params.seek_familiar=-inf", "finite"),
        (["drivers.core_load=nan"], "drivers.core_load=nan", "finite"),
        (["params.trust_to_enter=[0,0.1,0.2,inf,0.5,0.6]"], "params.trust_to_enter[3]=inf",
         "finite"),
        (["steps=99999999999999999999999"], "steps=", "<= 5200"),
        (["steps=5201"], "steps=5201", "<= 5200"),
        (["replicates=1000000"], "replicates=1000000", "<= 10000"),
        (["centre.actor_groups.0.count=100000"], "centre.actor_groups", "at most 2000 actors"),
        # tracebacks and grammar dumps
        (["steps=${oops}"], "steps='${oops}'", "missing keys"),
        (["steps==5"], "steps=", "a value Hydra can read"),
        (["network_weeks=[0,52"], "network_weeks='[0,52'", "a value Hydra can read"),
        (["drivers.co_location"], "drivers.co_location=", "key=value"),
        (["-m", "launcher=joblib", "hydra.launcher.n_jobs=0"], "hydra.launcher.n_jobs='0'",
         "-1 for every core"),
        (["-m", "hydra.launcher.n_jobs=-3"], "hydra.launcher.n_jobs='-3'", ">= 1"),
        (["-m", "drivers.co_location=0.1,0.2", f"scenario.description={LONG}"], "overrides=",
         "255 bytes"),
        # accepted but wrong: keys nobody reads
        (["+foo=1"], "foo='1'", "a known key"),
        (["++drivers.speed=2"], "drivers.speed='2'", "co_location"),
        # names that would leave or hide in their folder
        (["sweep.name="], "sweep.name=''", "a name of 1 to 80"),
        (["sweep.name=../../x"], "sweep.name='../../x'", "folder name"),
        (["centre.name=a/b"], "centre.name='a/b'", "folder name"),
        (["scenario.name='.hidden'"], "scenario.name='.hidden'", "folder name"),
        ([f"centre.name={'k' * 81}"], "centre.name=", "1 to 80 characters"),
    ],
)
def test_bad_input_is_one_line_before_anything_runs(argv, shown, allowed, capsys, tmp_path):
    line = refused([*argv, f"hydra.run.dir={tmp_path / 'run'}"], capsys)
    assert shown in line and allowed in line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("flag", ["hydra.run.dir", "hydra.sweep.dir"])
def test_unwritable_or_file_output_folder_is_refused_before_running(flag, tmp_path, capsys):
    sweep = ["-m"] if "sweep" in flag else []
    line = refused([*sweep, "steps=5", f"{flag}=/proc/nope/out"], capsys)
    assert f"{flag}='/proc/nope/out'" in line and "write to" in line
    a_file = tmp_path / "taken"
    a_file.write_text("")
    line = refused([*sweep, "steps=5", f"{flag}={a_file}/run"], capsys)
    assert "is a file" in line


def test_long_values_are_shortened_to_one_line(capsys):
    with pytest.raises(SystemExit):
        fail(InputError("centre", "a\nb" + "y" * 5000, "something"))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 400 and "…" in err


@pytest.mark.parametrize("name", ["Fælleshuset Møllevangen", "æblehuset", "Kvarterhuset Vest-2"])
def test_danish_names_are_kept_as_typed(name):
    assert check_folder_name("centre.name", name) == name
    run = compose_run(roster_overrides([f"centre.name={name}", "steps=5"]))
    assert run.centre.name == name


def test_free_text_becomes_a_usable_folder_name():
    assert folder_name("Møllevangen roster") == "Møllevangen roster"
    assert folder_name("../a/b#c") == "_a_b_c"
    assert check_folder_name("x", folder_name("..")) == "roster"
    assert len(folder_name("z" * 200)) == 80


# --- rosters ------------------------------------------------------------------------


ACTORS = "actors: [{name: a, kind: municipal}, {name: b, kind: volunteer}]\n"


def _roster(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_alias_bomb_is_refused_fast_without_echoing_it(tmp_path):
    layers = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, cur in zip("abcdefg", "bcdefgh", strict=True):
        layers.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = _roster(tmp_path, "name: bomb\n" + "\n".join(layers) + "\nactors: [*h]\n")
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        load_roster(path)
    assert time.perf_counter() - started < 1
    assert "alias" in str(err.value) and len(str(err.value)) < 300


def test_one_alias_is_refused_with_its_line(tmp_path):
    path = _roster(tmp_path, "name: n\nx: &k municipal\n"
                   "actors: [{name: a, kind: *k}, {name: b, kind: volunteer}]\n")  # fmt: skip
    with pytest.raises(InputError, match="line 3"):
        load_roster(path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("name: [x, y]\n" + ACTORS, "r.yaml: name"),
        ("name: {a: 1}\n" + ACTORS, "r.yaml: name"),
        ("name: ../up\n" + ACTORS, "r.yaml: name"),
        ("name: ok\nactors: [{name: [a, b], kind: municipal}, {name: b, kind: volunteer}]\n",
         "row 1: name"),
        ("name: ok\nactors: [{name: a, kind: municipal, funding: project, funding_end_week: .inf},"
         " {name: b, kind: volunteer}]\n", "funding_end_week"),
        ("name: ok\nactors: [{name: a, kind: municipal, hours: .nan}, {name: b, kind: volunteer}]\n",
         "hours"),
    ],
)
def test_bad_roster_values_name_the_field(tmp_path, text, key):
    with pytest.raises(InputError) as err:
        load_roster(_roster(tmp_path, text))
    assert key in err.value.key


def test_danish_excel_csv_roster_is_read(tmp_path):
    text = ("sep=;\r\nname;kind;hours;core_load;co_located;days\r\n"
            "Fælleshusets kontor;municipal;7,5;0,6;SAND;man,ons\r\n"
            "Børneklubben;volunteer;4;0,25;FALSK;tor\r\n")  # fmt: skip
    path = tmp_path / "Møllevangen.csv"
    path.write_bytes(text.encode("cp1252"))
    centre = load_roster(path)
    office, club = centre.actor_groups
    assert centre.name == "Møllevangen"
    assert office.name == "Fælleshusets kontor" and office.capacity_hours == 7.5
    assert abs(office.core_load_offset + float(centre.core_load) - 0.6) < 1e-12
    assert office.co_located is True and club.co_located is False
    assert club.name == "Børneklubben" and club.capacity_hours == 4.0


def test_semicolon_csv_without_sep_line_and_utf8(tmp_path):
    path = tmp_path / "hus.csv"
    path.write_text("name;kind;hours\nA;municipal;12,5\nB;private;3\n", encoding="utf-8")
    centre = load_roster(path)
    assert [g.capacity_hours for g in centre.actor_groups] == [12.5, 3.0]


def test_roster_path_with_a_comma_is_read(tmp_path):
    path = _roster(tmp_path, "name: Fælleshuset Møllevangen\n" + ACTORS, "a,b.yaml")
    run = compose_run([f"centre={path}", "steps=5"])
    assert run.centre.name == "Fælleshuset Møllevangen"
    assert [g.name for g in run.centre.actor_groups] == ["a", "b"]


# --- what-if ------------------------------------------------------------------------


WHATIF = ["centre=health", "scenario=coordinator_stops", "steps=80"]


@pytest.mark.parametrize(
    ("extra", "key", "allowed"),
    [
        (["replicates=1"], "replicates", "at least 2"),
        (["out=/proc/nope/rep"], "out", "write to"),
        (["+foo=1"], "foo", "a known key"),
        (["scenario.name=../../x"], "scenario.name", "folder name"),
    ],
)
def test_whatif_refuses_before_running_the_arms(extra, key, allowed):
    with pytest.raises(InputError) as err:
        whatif.prepare([*WHATIF, *extra])
    assert err.value.key == key and allowed in err.value.allowed


def test_whatif_out_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "rep").write_text("")
    with pytest.raises(InputError, match="is a file"):
        whatif.prepare([*WHATIF, f"out={tmp_path / 'rep'}"])


# --- collect ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake_sweep(tmp_path_factory):
    """Five complete jobs of a tiny run, written without Hydra; four are then damaged."""
    root = tmp_path_factory.mktemp("sweep")
    run = compose_run(["steps=5"])
    result = simulate(run)
    resolved = {"drivers": {"co_location": None}, "steps": 5}
    for i, name in enumerate(["good", "truncated", "empty_summary", "not_json", "bad_overrides"]):
        job = root / name
        (job / ".hydra").mkdir(parents=True)
        (job / ".hydra" / "overrides.yaml").write_text(f"- drivers.core_load=0.{i}\n")
        write_results(run, result, job, {**resolved, "drivers": {"core_load": i / 10}})
    data = (root / "truncated" / "timeseries.parquet").read_bytes()
    (root / "truncated" / "timeseries.parquet").write_bytes(data[: len(data) // 2])
    write_json({}, root / "empty_summary" / "summary.json")
    (root / "not_json" / "summary.json").write_text("{not json")
    (root / "bad_overrides" / ".hydra" / "overrides.yaml").write_text("- [unclosed\n")
    return root


def test_collect_reports_broken_jobs_one_line_each(fake_sweep, capsys):
    code = collect.main([str(fake_sweep)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Left out 4 broken job(s)" in out
    for name in ("truncated", "empty_summary", "not_json", "bad_overrides"):
        lines = [line for line in out.splitlines() if f"/{name}:" in line]
        assert len(lines) == 1, (name, out)
    runs = pd.read_parquet(fake_sweep / "runs.parquet")
    assert set(runs["job"]) == {"good"}


def test_collect_with_only_broken_jobs_is_one_line(fake_sweep, tmp_path, capsys):
    import shutil

    shutil.copytree(fake_sweep / "not_json", tmp_path / "s" / "not_json")
    write_parquet(pd.DataFrame({"x": [1]}), tmp_path / "s" / "x.parquet")
    assert collect.main([str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "broken" in err[0]
