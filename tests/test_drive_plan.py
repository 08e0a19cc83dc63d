"""Driving plans and control logs (lrt.io.plan), the drive tables of an exercise (lrt.io.drive): what is
accepted, and the one error line for what is not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lrt.errors import InputError
from lrt.io.plan import plan_text, read_plan
from lrt.training.cab.controls import ACTIONS, Control, Plan

ROOT = Path(__file__).resolve().parents[1]
CONTROLS = ", ".join(ACTIONS)


def lrt(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "lrt", *args], capture_output=True, text=True, cwd=ROOT, **kwargs)


def write(tmp_path, text: str, name="plan.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_plan_reads_times_positions_comments_and_any_case(tmp_path):
    path = write(tmp_path, "# a comment\n\ntime_s,position_m,control,note\n0,,p4,go\n,412.5,c,\n# later\n"
                           "30,, Mode rm ,\n31,,DOORS,\n")
    plan = read_plan(path)
    assert plan.controls == (Control(action="P4", time_s=0.0), Control(action="C", position_m=412.5),
                             Control(action="mode RM", time_s=30.0), Control(action="doors", time_s=31.0))
    assert [c.line for c in plan.controls] == [4, 5, 7, 8]


def test_a_plan_with_a_bom_and_crlf_reads_the_same(tmp_path):
    text = "time_s,position_m,control\r\n0,,P4\r\n,100,B7\r\n"
    assert read_plan(write(tmp_path, "\ufeff" + text, "bom.csv")).controls == \
        read_plan(write(tmp_path, text.replace("\r\n", "\n"))).controls


def test_plan_text_reads_back_exactly(tmp_path):
    plan = Plan(controls=(Control(action="P4", time_s=0.1 * 3), Control(action="B3", position_m=1148.0000000001),
                          Control(action="end", time_s=123.4)))
    back = read_plan(write(tmp_path, plan_text(plan, "two\nlines")))
    assert back.controls == plan.controls


@pytest.mark.parametrize("rows, where, found, expected", [
    ("0,,P5\n", "line 2: control", "'P5'", f"a control: {CONTROLS}"),
    ("0,,mode XX\n", "line 2: control", "'mode XX'", f"a control: {CONTROLS}"),
    ("0,,\n", "line 2: control", "empty", "a value"),
    (",,P4\n", "line 2: time_s", "neither time_s nor position_m", "a time [s] or a position [m], one of the two"),
    ("3,40,P4\n", "line 2: time_s", "both time_s and position_m", "a time [s] or a position [m], one of the two"),
    ("abc,,P4\n", "line 2: time_s", "'abc'", "a number"),
    ("nan,,P4\n", "line 2: time_s", "'nan'", "a finite number"),
    (",-5,P4\n", "line 2: position_m", "-5", "a number >= 0"),
    ("90000,,P4\n", "line 2: time_s", "90000", "a number from 0 to 86,400"),
    ("10,,P4\n5,,C\n", "line 3: time_s", "5", "a time no earlier than the row before (10 s): controls fire in order"),
    ("0,,P4,x,y,z\n", "line 2", "6 cells", "4 (as in the header)"),
])
def test_a_malformed_plan_names_the_file_the_line_and_the_field(tmp_path, rows, where, found, expected):
    path = write(tmp_path, "time_s,position_m,control,note\n" + rows)
    with pytest.raises(InputError) as err:
        read_plan(path)
    assert (err.value.where, err.value.found, err.value.expected) == (where, found, expected)


def test_a_plan_without_its_columns_or_not_utf8_is_refused(tmp_path):
    with pytest.raises(InputError, match="header: columns"):
        read_plan(write(tmp_path, "time,control\n0,P4\n"))
    with pytest.raises(InputError, match="encoding: bytes that are not UTF-8"):
        read_plan(write(tmp_path, "time_s,position_m,control\n0,,P4 é\n", encoding="latin-1"))


def test_the_cli_gives_the_promised_error_line_for_a_malformed_plan(tmp_path):
    path = write(tmp_path, "# my plan\ntime_s,position_m,control\n0,,P4\n,400,coast\n")
    run = lrt("exercise", "drive", "icy-stop-baiterek", "--plan", str(path))
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == f"error: {path}: line 4: control: 'coast', expected a control: {CONTROLS}\n"


def test_a_position_beyond_the_drive_is_refused(tmp_path):
    path = write(tmp_path, "time_s,position_m,control\n,9000,C\n")
    run = lrt("exercise", "drive", "icy-stop-baiterek", "--plan", str(path))
    assert run.returncode == 2
    assert run.stderr == f"error: {path}: line 2: position_m: 9000, expected a position on the drive, 0 to 1,566 m\n"


def test_a_missing_plan_or_exercise_is_one_line(tmp_path):
    run = lrt("exercise", "drive", "icy-stop-baiterek", "--plan", str(tmp_path / "none.csv"))
    assert (run.returncode, run.stderr) == (2, f"error: {tmp_path / 'none.csv'}: file: no such file, expected a "
                                               "driving plan (CSV)\n")
    run = lrt("exercise", "drive", "no-such", "--plan", str(tmp_path / "none.csv"))
    assert run.returncode == 2 and run.stderr.startswith("error: ID: command line: 'no-such', expected one of ")
    run = lrt("exercise", "drive", "icy-stop-baiterek", "--clock-rate", "100", "--plan", "x.csv")
    assert run.stderr == ("error: --clock-rate: command line: 100, expected a clock rate (1 = real time) from 0.25 "
                          "to 16\n")


def exercise_copy(tmp_path, old: str, new: str) -> Path:
    root = tmp_path / "exercises"
    shutil.copytree(ROOT / "exercises" / "icy-stop-baiterek", root / "icy")
    toml = root / "icy" / "exercise.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new))
    return root


@pytest.mark.parametrize("old, new, message", [
    ('to = "Baiterek"', 'to = "Baikonur"', "exercise.toml: drive.to: 'Baikonur', expected a station of "
                                            "Astana LRT Line 1 (name or code)"),
    ('to = "Baiterek"', 'to = "Syganak"', "exercise.toml: drive.to: 'Syganak', expected a station other than "
                                           "the departure"),
    ('weather = "icing"', 'weather = "hail"', "exercise.toml: drive.weather: unknown preset 'hail', expected one of "
                                              "cold, extreme, icing, normal, severe or a .toml file"),
    ('mode = "PM"', 'mode = "CM"', "exercise.toml: drive.mode: 'CM', expected one of ATO, PM, RM"),
    ('cbtc = "working"', 'cbtc = "broken"', "exercise.toml: drive.cbtc: 'broken', expected working or failed"),
    ('energy = 1', 'elegance = 1', "exercise.toml: scoring.weights.elegance: unknown rubric item, expected one of "
                                   "stop_error, schedule, interventions, overspeed, comfort, energy"),
    ('[stop]', '[stop]\nsped = 3', "exercise.toml: stop.sped: unknown key 'sped', expected one of tolerance, limit, "
                                   "creep_speed, approval_delay"),
    ('tolerance = { value = 0.30, unit = "m"', 'tolerance = { value = 30, unit = "m"',
     "exercise.toml: stop.tolerance: 30 m, expected above 0, at most 2 m"),
    ('emergency_margin = { value = 5, unit = "km/h"', 'emergency_margin = { value = 5, unit = "kg"',
     "exercise.toml: atp.emergency_margin.unit: 'kg' (a mass), expected a speed unit: m/s, km/h"),
    ('load = { value = 300,', 'load = { value = 3000,', "exercise.toml: drive.load: 3000 passengers, expected at most "
                                                        "the crush load of 930"),
    ('scheduled = { value = 150,', 'scheduled = { value = 0,', "exercise.toml: drive.scheduled: 0 s, expected a "
                                                               "scheduled time above 0 s, at most 2 h"),
])
def test_bad_drive_tables_give_one_located_error_line(tmp_path, old, new, message):
    root = exercise_copy(tmp_path, old, new)
    run = lrt("exercise", "drive", "icy", "--exercises", str(root), "--plan", str(root / "icy" / "reference.csv"))
    assert run.returncode == 2, run.stdout
    assert run.stdout == ""
    assert run.stderr.startswith("error: ") and run.stderr.endswith(message + "\n"), run.stderr
    assert run.stderr.count("\n") == 1
