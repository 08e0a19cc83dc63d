"""Scenario files: reading, overriding, assembling, and the shipped ones."""

from __future__ import annotations

import json
import shutil

import pytest
from badinput import refused

from lrt.cli import main
from lrt.errors import InputError
from lrt.io.scenario import SCENARIO_KEYS, read_scenario, with_overrides
from lrt.paths import shipped
from lrt.scenario import Inputs, build, load

SHIPPED = ("weekday", "weekend", "weekday-cold", "weekday-severe", "weekday-extreme", "weekday-icing",
           "weekday-am-peak-disruption")


def _copy_shipped(tmp_path):
    """The shipped data laid out as in the repository, so a scenario's relative paths resolve."""
    for folder in ("network", "timetables", "scenarios"):
        shutil.copytree(shipped(folder), tmp_path / folder)
    return tmp_path / "scenarios"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_loads_with_its_weather_and_timetable(name):
    s = load(shipped("scenarios", f"{name}.toml"))
    weather = "normal" if name in ("weekday", "weekend", "weekday-am-peak-disruption") else name.split("-")[1]
    if name == "weekday-am-peak-disruption":
        weather = "severe"
    assert s.conditions.name == weather
    assert s.timetable.service_id == ("weekend" if name == "weekend" else "weekday")
    assert s.seed == 1 and s.demand is not None
    # the demand model scaled to the file's daily total times the weather's demand factor
    daily = 60_000 if name == "weekend" else 92_000
    assert s.demand.total == pytest.approx(daily * s.conditions.demand_factor, rel=1e-9)
    assert len(s.faults) == (2 if name == "weekday-am-peak-disruption" else 0)
    # fewer trains fit than the weekday needs (17) in severe (16) and extreme (13): thinned
    assert s.notes["thinned"] == (weather in ("severe", "extreme"))


def test_paths_are_relative_to_the_file_wherever_it_is_run_from(tmp_path, monkeypatch):
    folder = _copy_shipped(tmp_path / "copy")
    monkeypatch.chdir(tmp_path)
    spec = read_scenario(folder / "weekday.toml")
    assert spec.timetable == (tmp_path / "copy" / "timetables" / "weekday").resolve()
    assert spec.weather == str((folder / "weather" / "normal.toml").resolve())
    assert spec.network == (tmp_path / "copy" / "network" / "astana-line1").resolve()


def test_overrides_change_only_what_they_name_and_are_checked_as_the_file():
    base = read_scenario(shipped("scenarios", "weekday.toml"))
    spec = read_scenario(shipped("scenarios", "weekday.toml"),
                         {"demand.daily": 25_000, "weather": "cold", "options.headway_holding": True, "seed": 9})
    assert (spec.daily, spec.weather, spec.options, spec.seed) == (25_000, "cold", {"headway_holding": True}, 9)
    assert (spec.timetable, spec.day, spec.network) == (base.timetable, base.day, base.network)
    assert "(overrides)" in spec.source
    # None removes a key: the model's own daily total
    assert read_scenario(shipped("scenarios", "weekday.toml"), {"demand.daily": None}).daily is None
    with pytest.raises(InputError, match=r"demand.dialy: an unknown scenario field, expected one of name, "):
        with_overrides({}, {"demand.dialy": 1}, source="sweep.toml")
    with pytest.raises(InputError, match=r"weekday.toml \(grid point 2\): demand.daily: -5, expected a positive value"):
        read_scenario(shipped("scenarios", "weekday.toml"), {"demand.daily": -5}, origin="grid point 2")
    assert len(SCENARIO_KEYS) == len(set(SCENARIO_KEYS))


@pytest.mark.parametrize("change, where, text", [
    ({"schema_version": 2}, "schema_version", "2, expected 1"),
    ({"seed": -1}, "seed", "-1, expected an integer >= 0"),
    ({"seed": 2**32}, "seed", "4294967296, expected a whole number from 0 to 4,294,967,295"),
    ({"bogus": 1}, "bogus", "an unknown key, expected one of schema_version, name"),
    ({"demand": {"daily": 3e6}}, "demand.daily", "3e+06, expected a number of passengers a day from 1 to 2,000,000"),
    ({"demand": {"daily": 1000, "od": "od.csv"}}, "demand.od", "a measured OD table beside daily or model"),
    ({"demand": {"day": "holiday"}}, "demand.day", "'holiday', expected weekday or weekend"),
    ({"service": {"reserve_trains": -1}}, "service.reserve_trains", "-1, expected an integer >= 0"),
    ({"weather_factors": {"dwell": 0}}, "weather_factors.dwell", "0, expected a positive value"),
    ({"weather_factors": {"failure_rate": 101}}, "weather_factors.failure_rate",
     "101, expected a factor above 0 and at most 100"),
    ({"options": {"variability": "yes"}}, "options.variability", "'yes', expected true or false"),
    ({"options": {"dwell_cv": -0.1}}, "options.dwell_cv", "-0.1, expected a number >= 0"),
    ({"options": {"load_standard": 0}}, "options.load_standard", "0, expected \"design\", \"crush\" or a whole"),
    ({"options": {"warp_speed": 1}}, "options.warp_speed", "an unknown option, expected one of variability"),
])
def test_a_bad_scenario_is_refused_in_one_line(tmp_path, capsys, change, where, text):
    import tomllib

    with shipped("scenarios", "weekday.toml").open("rb") as f:
        table = tomllib.load(f)
    for key, value in change.items():
        if isinstance(value, dict):
            table.setdefault(key, {}).update(value)
        else:
            table[key] = value
    folder = _copy_shipped(tmp_path)
    path = folder / "bad.toml"
    path.write_text(_toml(table), encoding="utf-8")
    refused(capsys, ["simulate", path], "bad.toml", f"{where}: {text}")


def test_options_that_clash_are_refused_with_the_file_named(tmp_path, capsys):
    folder = _copy_shipped(tmp_path)
    path = folder / "clash.toml"
    path.write_text((folder / "weekday.toml").read_text() + "\n[options]\ndoor_closing_s = 30\n", encoding="utf-8")
    refused(capsys, ["simulate", path], "clash.toml", "options: door_closing_s (30.0) must not exceed min_dwell_s")
    path.write_text((folder / "weekday.toml").read_text() + "\n[service]\nreserve_trains = 19\n", encoding="utf-8")
    refused(capsys, ["simulate", path], "clash.toml", "service.reserve_trains: 19, expected 0 to 18 trains")


def test_weather_factors_scale_the_preset():
    plain = load(shipped("scenarios", "weekday-cold.toml"))
    scaled = load(shipped("scenarios", "weekday-cold.toml"),
                  {"weather_factors.dwell": 1.5, "weather_factors.failure_rate": 4.0})
    assert scaled.conditions.dwell_factor == pytest.approx(1.5 * plain.conditions.dwell_factor)
    for kind in ("door", "switch", "train", "power_rail"):
        a, b = getattr(plain.conditions.failures, kind), getattr(scaled.conditions.failures, kind)
        if a is not None:
            assert b.rate == pytest.approx(4 * a.rate) and b.mean_duration_s == a.mean_duration_s
    pull = plain.conditions.failures.pull_out  # a share of pull-outs: capped at 1
    assert scaled.conditions.failures.pull_out.rate == pytest.approx(min(4 * pull.rate, 1.0))


def test_reserve_trains_thin_the_service_to_keep_them():
    # the weekday needs 17 trains; 19 are fit on a normal day: keeping 2 back runs it as planned,
    # keeping 5 leaves 14, so the pattern is rebuilt for 14 trains in service
    as_planned = load(shipped("scenarios", "weekday.toml"), {"service.reserve_trains": 2})
    assert not as_planned.notes["thinned"] and len(as_planned.timetable.trips) == 314
    thinned = load(shipped("scenarios", "weekday.toml"), {"service.reserve_trains": 5})
    assert thinned.notes["thinned"]
    from lrt.sim.service import trains_needed

    assert trains_needed(thinned.timetable) <= 14 < trains_needed(as_planned.timetable)


def test_inputs_are_read_once_for_many_scenarios(monkeypatch):
    import lrt.io.line

    calls = []
    real = lrt.io.line.read_line
    monkeypatch.setattr(lrt.io.line, "read_line", lambda p: calls.append(p) or real(p))
    inputs = Inputs()
    for daily in (25_000, 50_000):
        build(read_scenario(shipped("scenarios", "weekday.toml"), {"demand.daily": daily}), inputs)
    assert len(calls) == 1


def test_simulate_runs_a_scenario_file_and_options_override_it(capsys):
    path = shipped("scenarios", "weekday.toml")
    assert main(["simulate", str(path), "--daily", "20000", "--seed", "4", "--format", "json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["simulate", "--daily", "20000", "--seed", "4", "--format", "json"]) == 0  # the default file
    b = json.loads(capsys.readouterr().out)
    assert a == b and a["seed"] == 4 and 15_000 < a["kpis"]["passengers_generated"] < 25_000
    assert main(["simulate", str(shipped("scenarios", "weekend.toml")), "--format", "json",
                 "--daily", "20000", "--seed", "4"]) == 0
    weekend = json.loads(capsys.readouterr().out)["kpis"]
    assert weekend["trips_planned"] == 236 != a["kpis"]["trips_planned"]


def _toml(table: dict) -> str:
    """A minimal TOML writer for the test tables (strings, numbers, booleans, one level of tables)."""
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        return repr(v)

    top = [f"{k} = {value(v)}" for k, v in table.items() if not isinstance(v, dict)]
    tables = [f"\n[{k}]\n" + "\n".join(f"{kk} = {value(vv)}" for kk, vv in v.items())
              for k, v in table.items() if isinstance(v, dict)]
    return "\n".join(top) + "\n" + "\n".join(tables) + "\n"
