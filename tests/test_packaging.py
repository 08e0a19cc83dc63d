"""The shipped data is found after a plain, non-editable install, from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_the_data_and_runs_from_anywhere(tmp_path):
    # Build the wheel exactly as `pip install .` does (hatchling is in the test extra), unpack it as
    # site-packages would hold it, and run it from an unrelated folder with the source tree out of reach.
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("lrt-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        z.extractall(site)
    assert "lrt/_shipped/network/astana-line1/line.toml" in names
    assert "lrt/_shipped/network/rolling-stock/crrc-tangshan-4car.toml" in names
    assert "lrt/_shipped/timetables/weekday/stop_times.csv" in names
    assert "lrt/_shipped/timetables/patterns/weekday.toml" in names
    assert "lrt/_shipped/scenarios/weather/extreme.toml" in names
    assert "lrt/_shipped/scenarios/weekday.toml" in names
    assert "lrt/_shipped/exercises/icy-stop-baiterek/exercise.toml" in names
    assert "lrt/_shipped/exercises/icy-stop-baiterek/reference.csv" in names
    assert "lrt/_shipped/exercises/crossover-failure/exercise.toml" in names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import lrt.paths as p; print(p.data_root())"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where) == site / "lrt" / "_shipped"
    run = subprocess.run([sys.executable, "-m", "lrt", "runtime", "--format", "json"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, check=True)
    assert len(json.loads(run.stdout)["directions"]) == 2
    run = subprocess.run([sys.executable, "-m", "lrt", "exercise", "list"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, check=True)
    assert "crossover-failure" in run.stdout and "arena-crowd" in run.stdout
    # the main job: the shipped timetable, demand model and weather preset are all found
    run = subprocess.run([sys.executable, "-m", "lrt", "simulate", "--daily", "2000", "--weather", "severe",
                          "--format", "json"], cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout)["kpis"]["trips_run"] > 200
    # and the shipped exercises, with the reference plan of a driving one
    ref = site / "lrt" / "_shipped" / "exercises" / "icy-stop-baiterek" / "reference.csv"
    run = subprocess.run([sys.executable, "-m", "lrt", "exercise", "drive", "icy-stop-baiterek", "--plan", str(ref),
                          "--format", "json"], cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout)["outcome"] == "arrived"
