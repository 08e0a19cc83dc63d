"""`lrt simulate` and `lrt demand` as a user runs them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lrt.cli import main

REQUIRED = ("passengers_generated", "passengers_completed", "mean_wait_s", "p95_wait_s", "denied_boardings",
            "max_load_factor", "punctuality_1min", "headway_cv_mean", "trips_planned", "trips_run")


def test_default_run_prints_a_kpi_summary(capsys):
    assert main(["simulate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Weekday, 92,000 passengers/day, normal weather, seed 1 (")
    for label in ("trips run / planned", "wait: mean / 95th percentile", "max load factor",
                  "departures within 1 / 3 min of plan", "denied boardings"):
        assert label in out


def test_json_and_out_folder(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["simulate", "--daily", "25000", "--seed", "4", "--format", "json", "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["seed"] == 4
    k = report["kpis"]
    assert all(name in k for name in REQUIRED)
    assert 20_000 < k["passengers_generated"] < 30_000 and k["trips_run"] == k["trips_planned"] == 314
    assert sorted(p.name for p in out.iterdir()) == ["cancelled.csv", "events.csv", "faults.csv", "kpis.json",
                                                     "loads.png", "marey.png", "passengers.csv", "run.json"]
    assert json.loads((out / "kpis.json").read_text()) == k
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 4 and run["lrt_version"] and len(run["inputs"]["timetable"]) == 64
    events = pd.read_csv(out / "events.csv")
    passengers = pd.read_csv(out / "passengers.csv")
    assert len(events) == 314 * 18 and len(passengers) == k["passengers_generated"]
    assert set(events.columns) >= {"train", "trip_id", "station", "planned_arrival_s", "arrival_s",
                                   "departure_s", "load_departure", "cause"}
    # the same run again gives the same numbers
    assert main(["simulate", "--daily", "25000", "--seed", "4", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kpis"] == k


def test_demand_beyond_the_timetable_warns_once_and_strands_passengers(capsys):
    assert main(["simulate", "--daily", "400000", "--no-variability", "--format", "json"]) == 0
    captured = capsys.readouterr()
    warnings = captured.err.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("warning: normal: demand exceeds what the timetable can "
                                                         "carry: ") and "expect denied boardings" in warnings[0]
    k = json.loads(captured.out)["kpis"]
    assert k["passengers_stranded"] > 10_000
    assert k["passengers_generated"] == k["passengers_completed"] + k["passengers_stranded"]
    assert main(["simulate", "--daily", "25000", "--no-variability", "--format", "json"]) == 0
    assert capsys.readouterr().err == ""  # no warning when the timetable carries the day


@pytest.mark.parametrize("args, message", [
    (["--daily", "-5"], "error: --daily: command line: -5, expected a finite number of passengers a day from 1 to "
                        "2,000,000"),
    (["--seed", "-1"], "error: --seed: command line: -1, expected a whole number from 0 to 4,294,967,295"),
    (["--load-standard", "lots"], "error: --load-standard: command line: 'lots', expected design, crush or a whole "
                                  "number of passengers from 1 to 2,000"),
])
def test_bad_options(capsys, args, message):
    assert main(["simulate", *args]) == 2
    assert capsys.readouterr().err.startswith(message)


def test_out_refuses_a_folder_that_is_not_an_output(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["simulate", "--daily", "1000", "--out", str(tmp_path)]) == 2
    assert "is not an lrt output folder" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_demand_command(capsys):
    assert main(["demand", "--daily", "25000", "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["daily"] == 25000 and r["peak_direction"]["direction"] in ("up", "down")
    assert r["offered_pphpd"] == 12 * 652  # the weekday timetable's 5-min peak
    assert 0 < r["capacity"]["load_over_offered"] < 1
