"""The shipped driving exercises: their reference plans reach their recorded (golden) scores; the drive is
deterministic; lrt exercise drive prints and writes its debrief."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lrt.io.exercise import list_exercises, read_exercise
from lrt.io.drive import read_drive
from lrt.io.plan import read_plan
from lrt.paths import shipped
from lrt.training.cab.drive import drive_plan
from lrt.training.cab.score import measure, score_drive

ROOT = Path(__file__).resolve().parents[1]

GOLDEN = {
    # id: (total, stop error [m], arrival [s], net energy [kWh])
    "icy-stop-baiterek": (98.70, 0.031, 158.0, 6.076),
    "rm-cbtc-failure-snow": (99.07, 0.044, 234.0, 1.476),
    "esil-bridge-approach": (99.09, -0.115, 203.0, 12.005),
}


def lrt(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "lrt", *args], capture_output=True, text=True, cwd=ROOT, **kwargs)


def test_three_driving_exercises_are_shipped():
    drives = [e.id for e in list_exercises(shipped("exercises")) if e.kind == "drive"]
    assert sorted(drives) == sorted(GOLDEN)


@pytest.mark.parametrize("exercise_id", sorted(GOLDEN))
def test_the_reference_plan_reaches_its_golden_score(exercise_id):
    exercise = read_exercise(shipped("exercises", exercise_id))
    spec = read_drive(exercise)
    plan = read_plan(exercise.reference)
    result = drive_plan(spec, plan)
    m = measure(result, spec)
    score = score_drive(m, spec, exercise.weights, reference_kwh=m.net_kwh)
    total, stop_error, arrival, energy = GOLDEN[exercise_id]
    assert result.outcome == "arrived"
    assert score.total == pytest.approx(total, abs=0.005)
    assert result.stop_error_m == pytest.approx(stop_error, abs=0.0005)
    assert m.net_kwh == pytest.approx(energy, abs=0.0005)
    # parts derived from the plan alone: the doors open at the time the plan gives (on the mark: no approval
    # wait), so the schedule item is 100 − 0.5 a second late; no ATP intervention, no overspeed
    doors = next(c.time_s for c in plan.controls if c.action == "doors")
    assert result.arrival_s == doors == arrival
    assert score.points("schedule") == pytest.approx(min(100.0, 100.0 - 0.5 * (doors - spec.scheduled_s)))
    assert abs(result.stop_error_m) <= spec.stop.tolerance_m
    assert score.points("stop_error") == pytest.approx(100 - 20 * abs(result.stop_error_m) / spec.stop.tolerance_m)
    assert score.points("interventions") == 100.0 and score.points("overspeed") == 100.0
    assert not any(e.kind in ("slide", "slip", "intervention") for e in result.events)


def test_a_drive_is_a_pure_function_of_the_exercise_and_the_plan():
    exercise = read_exercise(shipped("exercises", "icy-stop-baiterek"))
    spec = read_drive(exercise)
    plan = read_plan(exercise.reference)
    a, b = drive_plan(spec, plan), drive_plan(read_drive(exercise), read_plan(exercise.reference))
    assert a.trace == b.trace
    assert a.events == b.events
    # the control log of a drive (the controls as they fired, by time) replays it exactly
    c = drive_plan(spec, a.controls)
    assert c.trace == a.trace and c.events == a.events and c.controls == a.controls


def test_lrt_exercise_drive_with_a_plan_prints_the_score_beside_the_reference_and_writes_a_debrief(tmp_path):
    out = tmp_path / "debrief"
    run = lrt("exercise", "drive", "esil-bridge-approach", "--plan", "exercises/esil-bridge-approach/reference.csv",
              "--out", str(out))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == ("Protected-manual approach to a speed restriction on the Esil bridge  "
                        "(drive exercise esil-bridge-approach)")
    assert lines[1] == "House of Ministries → National Museum, weather cold: arrived after 203.0 s (scheduled 205 s)"
    assert lines[-1].split() == ["total", "99.1", "99.1"]
    assert sorted(p.name for p in out.iterdir()) == ["controls.csv", "drive.json", "events.csv", "notches.png",
                                                    "speed.png", "trace.csv"]
    report = json.loads((out / "drive.json").read_text())
    assert report["score"]["total"] == report["reference"]["score"]["total"] == 99.09
    assert report["stop_error_m"] == -0.115
    # the control log in the debrief is a valid plan that replays the drive
    again = tmp_path / "again"
    run = lrt("exercise", "drive", "esil-bridge-approach", "--plan", str(out / "controls.csv"), "--out", str(again))
    assert run.returncode == 0, run.stderr
    assert (again / "trace.csv").read_bytes() == (out / "trace.csv").read_bytes()
    # the charts are deterministic
    assert (again / "speed.png").read_bytes() == (out / "speed.png").read_bytes()
    # the debrief folder is replaced on a second run; a folder of the user's is refused
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    run = lrt("exercise", "drive", "esil-bridge-approach", "--plan", str(out / "controls.csv"), "--out",
              str(tmp_path / "mine"))
    assert run.returncode == 2 and run.stderr.startswith("error: --out: command line: ")


def test_the_json_report_has_the_events():
    run = lrt("exercise", "drive", "rm-cbtc-failure-snow", "--plan", "exercises/rm-cbtc-failure-snow/reference.csv",
              "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert [e["text"] for e in report["events"]][:4] == [
        "restricted manual requested from the control centre", "traction cut: no movement authority in ATO",
        "restricted manual authorised by the control centre", "mode ATO → RM"]


def test_help_imports_neither_pandas_nor_matplotlib_nor_curses():
    code = ("import sys; from lrt.cli import main; main(['--help']); main(['exercise', 'drive', '--help']); "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'curses', '_curses', 'numpy') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.splitlines()[-1] == "[]"
