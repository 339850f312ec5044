"""A planner's roster: parsed whole, checked row by row, and run like any preset."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from experiments.cli import compose_run
from experiments.roster import load_roster
from experiments.simulate import build_model
from model import Form, InputError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example_roster.yaml"

CSV = """name,kind,hours,core_load,days,co_located,funding,funding_end_week
leder,municipal,37,0.7,mon;tue;wed;thu;fri,ja,permanent,
boligsocial,housing_social,30,0.4,mon wed,yes,project,52
forening,volunteer,5,,thu,nej,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_roster_names_days_and_relations():
    run = compose_run([f"centre={EXAMPLE}", "steps=10"])
    assert run.centre.name == "mit_medborgerhus" and run.roster
    model = build_model(run, seed=0)
    by_name = {a.name: a for a in model.actor_by_row}
    assert list(by_name) == [g.name for g in run.centre.actor_groups]  # exact, no _1 suffix
    # Days in the house fix the presence slots: jobcentre only on Tuesday (day pattern).
    assert by_name["jobcenter_udekørende"].presence == ["tue_morning", "tue_afternoon"]
    assert by_name["lektiecafe"].presence == ["mon_afternoon", "mon_evening",
                                              "wed_afternoon", "wed_evening"]  # fmt: skip
    leader, worker = by_name["biblioteksleder"], by_name["boligsocial_medarbejder"]
    assert leader.partners()[worker.row] == {Form.JOINT_ACTION}
    assert model.stats["ties_total"] == len(run.centre.relations) == 3
    assert by_name["biblioteksudvikler"].funding_end_week == 104
    assert by_name["cafe"].co_located and not by_name["lektiecafe"].co_located
    # Per-actor core load is the roster's value (up to the model's small variation).
    assert by_name["biblioteksleder"].core_load == pytest.approx(0.7, abs=0.2)


def test_csv_roster(tmp_path):
    spec = load_roster(write(tmp_path, "hus.csv", CSV))
    assert spec.name == "hus"
    leader, worker, club = spec.actor_groups
    assert (leader.kind, leader.capacity_hours) == ("municipal", 37.0)
    assert leader.days == ["mon", "tue", "wed", "thu", "fri"]
    assert leader.co_located is True and club.co_located is False
    assert (worker.funding, worker.funding_end_week, worker.days) == ("project", 52, ["mon", "wed"])
    assert spec.co_location == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CSV.replace("volunteer,5", "volunter,5"), "hus.csv row 4 (forening): kind='volunter'"),
        (CSV.replace("37,0.7", "many,0.7"), "hus.csv row 2 (leder): hours='many'"),
        (CSV.replace("30,0.4", "30,1.4"), "hus.csv row 3 (boligsocial): core_load='1.4'"),
        (CSV.replace("mon wed", "mon sun"), "hus.csv row 3 (boligsocial): days='sun'"),
        (CSV.replace(",ja,", ",maybe,"), "hus.csv row 2 (leder): co_located='maybe'"),
        (CSV.replace("forening,", "leder,"), "hus.csv row 4 (leder): name='leder'"),
        (CSV.replace("permanent,\n", "permanent,30\n"), "row 2 (leder): funding_end_week='30'"),
        (CSV.replace("funding_end_week", "funding_end_week,colour"), "row 2 (leder): colour"),
        (CSV.replace("forening,volunteer", ",volunteer"), "hus.csv row 4: name=None"),
    ],
)
def test_bad_csv_row_names_row_and_field(tmp_path, text, expected):
    with pytest.raises(InputError) as caught:
        load_roster(write(tmp_path, "hus.csv", text))
    message = str(caught.value)
    assert expected in message and "\n" not in message


def test_bad_yaml_relations_and_keys(tmp_path):
    base = EXAMPLE.read_text(encoding="utf-8")
    cases = {
        "target: cafe, form: resource_exchange": "target: kafe, form: resource_exchange",
        "form: joint_action": "form: teamwork",
        "funders: 1 ": "fundrs: 1 ",
    }
    expected = ["relation 2: target='kafe'", "relation 1: form='teamwork'",
                "example.yaml: fundrs=1"]  # fmt: skip
    for (old, new), want in zip(cases.items(), expected, strict=True):
        assert old in base
        with pytest.raises(InputError, match=want.replace("(", r"\(").replace(")", r"\)")):
            load_roster(write(tmp_path, "example.yaml", base.replace(old, new)))
    with pytest.raises(InputError, match="readable roster"):
        load_roster(write(tmp_path, "broken.yaml", "actors: [ {name: a"))


def test_roster_gives_target_group_sizes_and_bad_sizes_get_one_line(tmp_path):
    """The example roster's residents reach the model; a negative, fractional or
    non-numeric size, an unknown group or a list instead of a mapping is one line naming
    the file, the group and the value."""
    spec = load_roster(EXAMPLE)
    assert spec.residents["families"] == 320 and spec.residents["newcomers"] == 140
    model = build_model(compose_run([f"centre={EXAMPLE}", "steps=1"]), seed=0)
    assert model.residents.state.size.sum() == sum(spec.residents.values())
    base = EXAMPLE.read_text(encoding="utf-8")
    old = "residents: {children: 450, youth: 200, families: 320,"
    assert old in base
    cases = {
        "residents: {children: 450, youth: 200, families: -5,": "example.yaml: residents.families=-5",
        "residents: {children: 450, youth: 200, families: 3.5,": "example.yaml: residents.families=3.5",
        "residents: {children: 450, youth: 200, families: mange,":
            "example.yaml: residents.families='mange'",
        "residents: {children: 450, youth: 200, pensioners: 320,": "example.yaml: residents='pensioners'",
    }  # fmt: skip
    for new, want in cases.items():
        with pytest.raises(InputError) as caught:
            load_roster(write(tmp_path, "example.yaml", base.replace(old, new)))
        message = str(caught.value)
        assert want in message and "\n" not in message, message
    assert "target groups: children" in message  # the unknown group's line lists the groups
    listed = base.replace(old, "residents: [450, 200, 320,").replace("newcomers: 140}", "140]")
    with pytest.raises(InputError, match="a mapping of target group to residents"):
        load_roster(write(tmp_path, "example.yaml", listed))


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    """A forgotten bracket: the planner is told the file and line, not only the parser's
    "while parsing a flow mapping"."""
    base = EXAMPLE.read_text(encoding="utf-8")
    lines = base.splitlines(keepends=True)
    opened = next(i for i, line in enumerate(lines) if line.startswith("  - {name: biblioteksleder"))
    assert lines[opened + 1].rstrip().endswith("}")
    lines[opened + 1] = lines[opened + 1].rstrip().removesuffix("}") + "\n"  # the closing } forgotten
    path = write(tmp_path, "mit hus.yaml", "".join(lines))
    with pytest.raises(InputError) as caught:
        load_roster(path)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert "mit hus.yaml line " in message
    line = int(message.split("mit hus.yaml line ")[1].split(",")[0])
    assert opened + 1 <= line <= opened + 3, message  # at or just after the broken actor
    assert f"starts on line {opened + 1}" in message


def test_cli_refuses_bad_roster_before_writing_anything(tmp_path):
    bad = write(tmp_path, "hus.csv", CSV.replace("volunteer,5", "volunter,5"))
    commands = {"experiments.run": f"hydra.run.dir={tmp_path}/out",
                "experiments.whatif": f"out={tmp_path}/report"}  # fmt: skip
    for module, where in commands.items():
        done = subprocess.run([sys.executable, "-m", module, f"centre={bad}", where],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "row 4 (forening): kind='volunter'" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hus.csv"]


def test_missing_roster_file_is_one_line(tmp_path):
    with pytest.raises(InputError, match="centre='nowhere.yaml'.*roster file"):
        compose_run(["centre=nowhere.yaml"])
