"""Cold-weather presets through every layer, faults and the standard responses."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lrt.cli import main
from lrt.conditions import Conditions, Failure, Failures
from lrt.demand import build_demand
from lrt.disruptions import Fault
from lrt.headway import headway_report
from lrt.io.conditions import PRESETS, read_conditions, resolve_weather
from lrt.io.demand import read_demand_model
from lrt.io.faults import read_faults
from lrt.io.timetable import read_timetable
from lrt.paths import shipped, shipped_network, shipped_timetable
from lrt.runtime import run_profile
from lrt.sim import Scenario, SimOptions, make_plan, simulate


@pytest.fixture(scope="module")
def day(astana):
    line, train = astana
    tt = read_timetable(shipped_timetable("weekday"), line)
    model = read_demand_model(shipped_network() / "demand.toml", line)
    scenario = Scenario(line=line, train=train, timetable=tt, demand=build_demand(line, model, daily=40_000))
    return scenario, make_plan(scenario)


def test_every_preset_loads_with_its_sources(astana):
    line, _ = astana
    seen = {}
    for name in PRESETS:
        c = read_conditions(resolve_weather(name), line)
        seen[name] = c
        assert c.name == name
    assert seen["normal"].adhesion_traction is None  # dry rail, Curtius-Kniffler
    assert seen["extreme"].adhesion_braking < seen["cold"].adhesion_braking
    assert seen["extreme"].fleet_availability < seen["severe"].fleet_availability < seen["cold"].fleet_availability
    assert seen["icing"].failures.power_rail.rate > seen["severe"].failures.power_rail.rate
    for path in shipped("scenarios", "weather").glob("*.toml"):
        text = path.read_text()
        assert text.count("value =") == text.count("source =") + text.count("estimate =")


@pytest.mark.parametrize("old, new, message", [
    ('traction = { value = 0.10, unit = "1", source = "snow about x0.4 of dry 0.25 (§5)" }', 'traction = "wet"',
     r"adhesion\.traction: 'wet', expected \"dry\" or \{ value = \.\., unit = \"1\" \}"),
    ('capacity_factor = { value = 0.9,', 'capacity_factor = { value = 3,',
     r"passengers\.capacity_factor: 3, expected a factor between 0 and 1\.5"),
    ("[failures.door]", "[failures.doors]", r"failures\.doors: unknown failure 'doors', expected one of door"),
    ('line_cap = { value = 70, unit = "km/h"', 'line_cap = { value = 70, unit = "kmh"',
     r"speed\.line_cap\.unit: unknown unit 'kmh', expected one of m/s, km/h"),
    ('end = { value = 16855, unit = "m"', 'end = { value = 36855, unit = "m"',
     r"speed\.restrictions\[0\]\.end: 36855 m, expected a chainage on the line \(0-22401 m\)"),
    ("temperature = {", "# temperature = {", r"temperature: missing, expected \{ value = \.\., unit = \"degC\" \}"),
    ('temperature = { value = -40,', 'temperature = { value = -90,',
     r"temperature: -90 degC, expected an air temperature between -70 and 60 degC"),
    ("[fleet]", '[energy]\nheating = { value = 100, unit = "kW", estimate = "old format" }\n\n[fleet]',
     r"energy: an \[energy\] table, expected no \[energy\] table: heating now follows the train's HVAC model"),
])
def test_a_broken_preset_names_the_field(tmp_path, capsys, old, new, message):
    import re

    path = tmp_path / "mine.toml"
    text = shipped("scenarios", "weather", "severe.toml").read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    assert main(["runtime", "--weather", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "mine.toml: " in err
    assert re.search(message, err), err


def test_lower_adhesion_means_longer_running_and_headway(astana):
    line, train = astana
    normal, severe = (read_conditions(resolve_weather(n), line) for n in ("normal", "severe"))
    icy = dataclasses.replace(normal, adhesion_traction=0.06, adhesion_braking=0.06)
    base = run_profile(line, train, conditions=normal).running_s
    assert run_profile(line, train, conditions=icy).running_s > base
    assert run_profile(line, train, conditions=severe).running_s > base
    assert headway_report(line, train, conditions=icy).min_headway_s > headway_report(line, train).min_headway_s
    # the severe line cap and the bridge restriction really bind
    p = run_profile(line, train, conditions=severe)
    assert p.speed_ms.max() <= 70 / 3.6 + 1e-9
    on_bridge = (p.chainage_m > 16125) & (p.chainage_m < 16280)
    assert p.speed_ms[on_bridge].max() <= 50 / 3.6 + 1e-9


def _run(day, seed=3, **changes):
    scenario, plan = day
    scenario = dataclasses.replace(scenario, **changes)
    if "conditions" in changes:
        plan = make_plan(scenario)
    return scenario, simulate(scenario, seed, plan=plan)


def test_a_failed_terminal_crossover_lengthens_turnbacks(day):
    failure = Fault(fault_id="F01", kind="switch", start_s=7 * 3600, duration_s=2 * 3600, station=118)
    _, base = _run(day)
    _, hit = _run(day, faults=(failure,))

    def delay_from_nurly_zhol(r):
        e = r.events
        rows = (e["station"] == 118) & (e["stop_sequence"] == 0) & (e["planned_departure_s"] >= 7 * 3600) \
            & (e["planned_departure_s"] < 9 * 3600)
        return float(np.sum(e["departure_s"][rows] - e["planned_departure_s"][rows]))

    assert delay_from_nurly_zhol(hit) > delay_from_nurly_zhol(base) + 600
    assert hit.trips_run <= base.trips_run
    assert any("F01 switch at Nurly Zhol" in c for c in hit.events["cause"])
    assert hit.faults[0]["response"] == "turnback on one platform, points set by hand, until repaired"


def test_a_lower_capacity_factor_lowers_the_maximum_load(day):
    scenario, _ = day
    line = scenario.line
    heavy = build_demand(line, read_demand_model(shipped_network() / "demand.toml", line), daily=200_000)
    _, full = _run(day, demand=heavy)
    coats = Conditions(name="coats", capacity_factor=0.85)
    _, coated = _run(day, demand=heavy, conditions=coats)
    assert full.events["load_departure"].max() == 652
    assert coated.events["load_departure"].max() == int(652 * 0.85)
    assert coated.events["denied"].sum() > full.events["denied"].sum()


def test_more_train_failures_mean_fewer_trains_in_service(day):
    breaking = Conditions(name="breaking", failures=Failures(train=Failure(kind="train", rate=0.3,
                                                                               mean_duration_s=300)))
    _, base = _run(day)
    _, broken = _run(day, conditions=breaking)

    def trains_running(r, start_s, end_s):  # trains with a call in the window
        e = r.events
        rows = (e["departure_s"] >= start_s) & (e["arrival_s"] < end_s)
        return len(np.unique(e["train"][rows]))

    assert len(broken.faults) > 10
    assert broken.trips_run < base.trips_run - 20
    assert len(broken.cancelled) > 20 and all("withdrawn" in c["reason"] for c in broken.cancelled)
    assert trains_running(broken, 17 * 3600, 18 * 3600) < trains_running(base, 17 * 3600, 18 * 3600)
    assert broken.generated == broken.completed + broken.stranded
    assert broken.passengers["detrained"].sum() > 0


def test_power_rail_icing_holds_trains_before_the_section(day):
    ice = Fault(fault_id="F01", kind="power_rail", start_s=10 * 3600, duration_s=1800, section=(112, 113))
    _, r = _run(day, faults=(ice,))
    e = r.events
    into = ((e["station"] == 112) & (e["direction"] == "up")) | ((e["station"] == 113) & (e["direction"] == "down"))
    blocked = into & (e["departure_s"] > 10 * 3600) & (e["arrival_s"] < 10 * 3600 + 1800)
    assert blocked.any()
    assert (e["departure_s"][blocked] >= 10 * 3600 + 1800 - 1e-6).all()  # nobody enters while it is out
    assert any("F01 power-rail Baiterek-House of Ministries" in c for c in e["cause"][blocked])


def test_scripted_fault_appears_at_its_time_and_place_and_seeds_repeat(astana, day, tmp_path):
    line, _ = astana
    scenario, _ = day
    faults = read_faults(shipped("scenarios", "disruptions", "am-peak.toml"), line, set(scenario.timetable.blocks()))
    # no noise: the train behind T07 (5 min) certainly reaches Baiterek while T07 stands there 4 min longer
    _, r = _run(day, faults=faults, options=SimOptions(variability=False))
    e = r.events
    row = np.nonzero((e["train"] == "T07") & (e["station"] == 112) & (e["arrival_s"] >= 7 * 3600 + 42 * 60))[0][0]
    assert e["dwell_s"][row] >= 240.0
    assert "F01 door T07 at Baiterek (240 s)" in e["cause"][row]
    followers = [c for c in e["cause"] if "<- F01 door T07 at Baiterek" in c]
    assert followers  # the knock-on delay names the fault
    severe = read_conditions(resolve_weather("severe"), line)
    _, a = _run(day, seed=5, conditions=severe)
    _, b = _run(day, seed=5, conditions=severe)
    _, c = _run(day, seed=6, conditions=severe)
    assert a.faults == b.faults and len(a.faults) > 3
    assert a.faults != c.faults


def test_extreme_weather_flags_the_normal_weekday_timetable(capsys):
    assert main(["timetable", "check", "--weather", "extreme"]) == 1
    out = capsys.readouterr().out
    assert "run time" in out and "below the technical minimum" in out
    assert "fleet" in out and "13 of 19 fit for service in extreme conditions" in out
    assert main(["timetable", "check", "--weather", "normal"]) == 0


def test_simulate_with_weather_and_faults_writes_the_fault_log(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["simulate", "--daily", "20000", "--weather", "severe", "--faults",
                 str(shipped("scenarios", "disruptions", "am-peak.toml")), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "service thinned" in text and "F02 switch at Nurly Zhol: turnback on one platform" in text
    import pandas as pd

    faults = pd.read_csv(out / "faults.csv")
    assert {"F01", "F02"} <= set(faults.fault_id) and set(faults.source) == {"scripted", "random"}
    assert (out / "cancelled.csv").exists()


def test_bad_fault_file(tmp_path, capsys):
    bad = tmp_path / "f.toml"
    bad.write_text('schema_version = 1\n[[faults]]\nkind = "door"\ntime = "07:42"\ntrain = "T99"\n'
                   'duration = { value = 4, unit = "min" }\n')
    assert main(["simulate", "--daily", "1000", "--faults", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "f.toml: faults[0].train: 'T99', expected a train (block) of the timetable" in err
