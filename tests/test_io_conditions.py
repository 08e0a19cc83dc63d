"""Reading a weather preset: every check on both sides of its limit, each refusal as the exact line the user
reads after ``error: `` (the command prints ``str(InputError)``; tests/test_bad_input.py shows it through
``lrt runtime --weather``), and the shipped severe preset read field by field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from badinput import copy_of, edit

from lrt.conditions import Failure, Failures
from lrt.errors import InputError
from lrt.io.conditions import PRESETS, read_conditions, resolve_weather
from lrt.paths import shipped

KMH = 1 / 3.6


@pytest.fixture()
def severe(tmp_path):
    return copy_of(shipped("scenarios", "weather", "severe.toml"), tmp_path / "mine.toml")


def _edited(path, *changes, line=None):
    for old, new in changes:
        edit(path, old, new)
    return read_conditions(path, line)


def _refusal(path, line=None) -> str:
    with pytest.raises(InputError) as exc:
        read_conditions(path, line)
    return str(exc.value)


REFUSED = [
    ("schema_version = 1", "schema_version = 2", "schema_version: 2, expected 1"),
    ("temperature = { value = -40,", "temperature = { value = -70.1,",
     "temperature: -70.1 degC, expected an air temperature between -70 and 60 degC"),
    ("temperature = { value = -40,", "temperature = { value = 60.1,",
     "temperature: 60.1 degC, expected an air temperature between -70 and 60 degC"),
    ("[fleet]", '[energy]\nheating = { value = 100, unit = "kW" }\n\n[fleet]', "energy: an [energy] table, expected no "
     "[energy] table: heating now follows the train's HVAC model at the preset's temperature (docs/energy.md)"),
    ('traction = { value = 0.10, unit = "1", source = "snow about x0.4 of dry 0.25 (§5)" }', 'traction = "wet"',
     "adhesion.traction: 'wet', expected \"dry\" or { value = .., unit = \"1\" }"),
    ("traction = { value = 0.10,", "traction = { value = 0,", "adhesion.traction: 0 1, expected a positive value"),
    ("braking = { value = 0.10,", "braking = { value = 0.501,",
     "adhesion.braking: 0.501, expected an adhesion coefficient between 0 and 0.5"),
    ("braking_rate_factor = { value = 0.75,", "braking_rate_factor = { value = 1.501,",
     "cbtc.braking_rate_factor: 1.501, expected a factor between 0 and 1.5"),
    ("braking_safety_factor = { value = 0.7,", "braking_safety_factor = { value = 1.001,",
     "cbtc.braking_safety_factor: 1.001, expected a factor between 0 and 1"),
    ("dwell_factor = { value = 1.2,", "dwell_factor = { value = 5.001,",
     "passengers.dwell_factor: 5.001, expected a factor between 0 and 5"),
    ("dwell_factor = { value = 1.2,", "dwell_factor = { value = 0,", "passengers.dwell_factor: 0 1, expected a positive value"),
    ("capacity_factor = { value = 0.9,", "capacity_factor = { value = 1.501,",
     "passengers.capacity_factor: 1.501, expected a factor between 0 and 1.5"),
    ("demand_factor = { value = 1.0,", "demand_factor = { value = 10.01,",
     "passengers.demand_factor: 10.01, expected a factor between 0 and 10"),
    ("demand_factor = {", "# demand_factor = {", 'passengers.demand_factor: missing, expected { value = .., unit = "1" }'),
    ("availability = { value = 0.88,", "availability = { value = 1.001,",
     "fleet.availability: 1.001, expected a factor between 0 and 1"),
    ("line_cap = { value = 70,", "line_cap = { value = 0,", "speed.line_cap: 0 km/h, expected a positive value"),
    ("line_cap = { value = 70,", "line_cap = { value = 4.9,", "speed.line_cap: 4.9 km/h, expected a speed between 5 and "
                                                            "200 km/h"),
    ("line_cap = { value = 70,", "line_cap = { value = 200.1,", "speed.line_cap: 200.1 km/h, expected a speed between 5 "
                                                              "and 200 km/h"),
    ("start = { value = 15550,", "start = { value = -1,", "speed.restrictions[0].start: -1 m, expected a value >= 0"),
    ("end = { value = 16855,", "end = { value = 0,", "speed.restrictions[0].end: 0 m, expected a positive value"),
    ("end = { value = 16855,", "end = { value = 15550,",
     "speed.restrictions[0].end: 15550 m, expected a chainage after start (15550 m)"),
    ("limit = { value = 50,", "limit = { value = 0,", "speed.restrictions[0].limit: 0 km/h, expected a positive value"),
    ("[failures.door]", "[failures.doors]", "failures.doors: unknown failure 'doors', expected one of door, switch, "
                                            "train, power_rail, pull_out"),
    ("rate = { value = 0.002,", "rate = { value = -0.001,", "failures.door.rate: -0.001 1, expected a value >= 0"),
    ("rate = { value = 0.08,", "rate = { value = 1.001,",
     "failures.pull_out.rate: 1.001, expected a share of pull-outs between 0 and 1"),
    ('duration = { value = 120, unit = "s", estimate = "ice in the door tracks" }', "",
     'failures.door.duration: missing, expected { value = .., unit = "s" }'),
    ("duration = { value = 1200,", "duration = { value = -1,", "failures.switch.duration: -1 s, expected a value >= 0"),
    ("shape = { value = 0.7,", "shape = { value = 0,", "failures.switch.shape: 0 1, expected a positive value"),
]


@pytest.mark.parametrize("old, new, message", REFUSED, ids=[c[2][:50] for c in REFUSED])
def test_each_check_of_a_preset_refuses_with_its_exact_message(severe, old, new, message):
    edit(severe, old, new)
    assert _refusal(severe) == f"{severe}: {message}"


def test_unknown_failures_are_reported_in_name_order(severe):
    edit(severe, "[failures.door]", "[failures.zeta]")     # first in the file
    edit(severe, "[failures.switch]", "[failures.beta]")   # first by name
    assert _refusal(severe) == (f"{severe}: failures.beta: unknown failure 'beta', expected one of door, switch, train, "
                                "power_rail, pull_out")


def test_restrictions_must_lie_on_the_line_when_it_is_given(severe, astana):
    line, _ = astana
    edit(severe, "end = { value = 16855,", "end = { value = 22402,")
    assert read_conditions(severe).speed_limits[0].end_m == 22402  # no line: nothing to check against
    assert _refusal(severe, line) == (f"{severe}: speed.restrictions[0].end: 22402 m, expected a chainage on the line "
                                      "(0-22401 m)")
    edit(severe, "end = { value = 22402,", "end = { value = 22401,")
    assert read_conditions(severe, line).speed_limits[0].end_m == 22401


def test_values_exactly_at_their_limits_are_accepted(severe):
    c = _edited(severe, ("temperature = { value = -40,", "temperature = { value = -70,"),
                ("braking = { value = 0.10,", "braking = { value = 0.5,"),
                ("braking_rate_factor = { value = 0.75,", "braking_rate_factor = { value = 1.5,"),
                ("braking_safety_factor = { value = 0.7,", "braking_safety_factor = { value = 1,"),
                ("dwell_factor = { value = 1.2,", "dwell_factor = { value = 5,"),
                ("capacity_factor = { value = 0.9,", "capacity_factor = { value = 1.5,"),
                ("demand_factor = { value = 1.0,", "demand_factor = { value = 10,"),
                ("availability = { value = 0.88,", "availability = { value = 1,"),
                ("line_cap = { value = 70,", "line_cap = { value = 5,"),
                ("start = { value = 15550,", "start = { value = 0,"),
                ("rate = { value = 0.08,", "rate = { value = 1,"),        # every pull-out fails
                ("rate = { value = 0.002,", "rate = { value = 2,"),       # a rate of another kind may pass 1
                ("duration = { value = 1200,", "duration = { value = 0,"))
    assert (c.temperature_c, c.adhesion_braking, c.braking_rate_factor, c.braking_safety_factor) == (-70, 0.5, 1.5, 1.0)
    assert (c.dwell_factor, c.capacity_factor, c.demand_factor, c.fleet_availability) == (5, 1.5, 10, 1)
    assert c.speed_cap_ms == pytest.approx(5 * KMH, rel=1e-15) and c.speed_limits[0].start_m == 0
    assert (c.failures.pull_out.rate, c.failures.door.rate, c.failures.switch.mean_duration_s) == (1, 2, 0)
    edit(severe, "temperature = { value = -70,", "temperature = { value = 60,")
    edit(severe, "line_cap = { value = 5,", "line_cap = { value = 200,")
    c = read_conditions(severe)
    assert c.temperature_c == 60 and c.speed_cap_ms == pytest.approx(200 * KMH, rel=1e-15)


def test_optional_tables_and_keys_take_their_defaults(severe):
    text = severe.read_text(encoding="utf-8")
    start, end = text.index("[speed]"), text.index("[passengers]")
    severe.write_text(text[:start] + text[end:text.index("[fleet]")], encoding="utf-8")  # no [speed], [fleet], failures
    c = read_conditions(severe)
    assert (c.speed_cap_ms, c.speed_limits, c.fleet_availability, c.failures) == (None, (), 1.0, Failures())
    severe.write_text(text.replace('[[speed.restrictions]]', '[unused]'), encoding="utf-8")  # a cap, no restrictions
    c = read_conditions(severe)
    assert c.speed_limits == () and c.speed_cap_ms == pytest.approx(70 * KMH, rel=1e-15)
    severe.write_text(text.replace("availability = {", "# availability = {"), encoding="utf-8")  # [fleet], no key
    c = read_conditions(severe)
    assert c.fleet_availability == 1.0
    # no shape: exponential (1); a pull-out failure has no duration (0)
    assert (c.failures.door.shape, c.failures.pull_out.mean_duration_s) == (1.0, 0.0)
    # no description: an empty one
    severe.write_text(text.replace('description = "-40 °C with snow"', ""), encoding="utf-8")
    assert read_conditions(severe).description == ""


def test_dry_rail_is_no_coefficient(severe):
    c = _edited(severe, ('traction = { value = 0.10, unit = "1", source = "snow about x0.4 of dry 0.25 (§5)" }',
                         'traction = "dry"'))
    assert (c.adhesion_traction, c.adhesion_braking) == (None, 0.1)


def test_the_shipped_severe_preset_field_by_field():
    """Each value as typed in scenarios/weather/severe.toml, converted by hand."""
    path = shipped("scenarios", "weather", "severe.toml")
    c = read_conditions(path)
    assert (c.name, c.description, c.temperature_c, c.source) == ("severe", "-40 °C with snow", -40, str(path))
    assert (c.adhesion_traction, c.adhesion_braking, c.braking_rate_factor, c.braking_safety_factor) == (0.1, 0.1, 0.75, 0.7)
    assert c.speed_cap_ms == pytest.approx(70 * KMH, rel=1e-15)
    (bridge,) = c.speed_limits
    assert (bridge.start_m, bridge.end_m, bridge.kind, bridge.note) == (15550, 16855, "weather",
                                                                        "estimate: wind and snow on the cable-stayed bridge")
    assert bridge.limit_ms == pytest.approx(50 * KMH, rel=1e-15)
    assert (c.dwell_factor, c.capacity_factor, c.demand_factor, c.fleet_availability) == (1.2, 0.9, 1.0, 0.88)
    f = c.failures
    assert f.door == Failure(kind="door", rate=0.002, mean_duration_s=120, note="estimate: door faults x4 (§5: x2-5)")
    assert f.switch == Failure(kind="switch", rate=1.0, mean_duration_s=1200, shape=0.7,
                               note="0.5-2 switch failures a day at -30 to -40 °C (§5)")
    assert (f.train.rate, f.train.mean_duration_s, f.power_rail.rate, f.power_rail.shape) == (0.001, 600, 0.2, 0.8)
    assert f.pull_out == Failure(kind="pull_out", rate=0.08, note="estimate: trains failing pre-heating")


def test_a_preset_is_found_by_name_or_read_from_a_path(capsys):
    assert resolve_weather("cold") == shipped("scenarios", "weather", "cold.toml")
    assert [resolve_weather(name).stem for name in PRESETS] == list(PRESETS)
    assert resolve_weather("cold.toml") == Path("cold.toml")       # a file name: the user's file
    assert resolve_weather("mine/cold") == Path("mine/cold")
    with pytest.raises(InputError) as exc:
        resolve_weather("blizzard")
    assert str(exc.value) == ("--weather: command line: unknown preset 'blizzard', expected one of cold, extreme, icing, "
                              "normal, severe or a path to a .toml file")
