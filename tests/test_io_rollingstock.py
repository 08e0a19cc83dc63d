"""Reading a rolling-stock file: every check on both sides of its limit, each refusal as the exact line the
user reads after ``error: `` (the command prints ``str(InputError)``; tests/test_bad_input.py shows it through
``lrt runtime --rolling-stock``), and the shipped train read into SI units field by field.
"""

from __future__ import annotations

import pytest
from badinput import copy_of, edit

from lrt.errors import InputError
from lrt.io.rollingstock import read_train
from lrt.paths import shipped_rolling_stock
from lrt.rollingstock import Hvac, TrainEnergy


@pytest.fixture()
def train(tmp_path):
    return copy_of(shipped_rolling_stock(), tmp_path / "train.toml")


def _edited(path, *changes):
    for old, new in changes:
        edit(path, old, new)
    return read_train(path)


def _value(key, value):
    """The change of one quantity's value: ``key = { value = ..`` as the shipped file writes it."""
    return f"{key} = {{ value = {value},"


SHIPPED = {  # the value of each quantity in the shipped file, for the edits below
    "cars": 4, "length": 60, "doors_per_side": 8, "design": 652, "seats": 96, "design_density": 6, "crush_density": 9,
    "tare": 120, "per_passenger": 70, "rotating_mass_factor": 0.08, "max_speed": 80, "max_tractive_force": 190,
    "base_speed": 38, "max_acceleration": 1.0, "driven_axle_share": 0.5, "a": 15, "b": 0, "c": 5.4, "curve_k": 600,
    "service": 1.0, "emergency": 1.25, "jerk": 0.8, "braked_axle_share": 1.0, "drive_efficiency": 0.88,
    "regen_efficiency": 0.88, "electric_brake_force": 190, "electric_brake_power": 2.4, "electric_brake_fade_speed": 7,
    "auxiliary_power": 25, "ua": 350, "fresh_air": 800, "door_air": 400, "heating_setpoint": 17, "cooling_setpoint": 24,
    "heating_power": 50, "cooling_capacity": 40, "cooling_cop": 2.5, "fan_power": 1.5, "passenger_heat": 75,
}


def _set(key, value):
    return _value(key, SHIPPED[key]), _value(key, value)


REFUSED = [
    ("cars", 0, "cars: 0 1, expected a positive value"),
    ("length", 0, "length: 0 m, expected a positive value"),
    ("doors_per_side", 0, "doors_per_side: 0 1, expected a positive value"),
    ("design", 0, "capacity.design: 0 passengers, expected a positive value"),
    ("seats", -1, "capacity.seats: -1 passengers, expected a value >= 0"),
    ("seats", 653, "capacity.seats: 653, expected at most the design capacity (652)"),
    ("design_density", 0, "capacity.design_density: 0 passengers/m2, expected a positive value"),
    ("crush_density", 0, "capacity.crush_density: 0 passengers/m2, expected a positive value"),
    ("crush_density", 5.9, "capacity.crush_density: 5.9, expected at least design_density (6)"),
    ("tare", 0, "mass.tare: 0 t, expected a positive value"),
    ("per_passenger", 0, "mass.per_passenger: 0 kg, expected a positive value"),
    ("rotating_mass_factor", -0.01, "mass.rotating_mass_factor: -0.01 1, expected a value >= 0"),
    ("max_speed", 0, "traction.max_speed: 0 km/h, expected a positive value"),
    ("max_tractive_force", 0, "traction.max_tractive_force: 0 kN, expected a positive value"),
    ("base_speed", 0, "traction.base_speed: 0 km/h, expected a positive value"),
    ("base_speed", 80.5, "traction.base_speed: 80.5 km/h, expected at most max_speed (80 km/h)"),
    ("max_acceleration", 0, "traction.max_acceleration: 0 m/s2, expected a positive value"),
    ("driven_axle_share", 0, "traction.driven_axle_share: 0 1, expected a positive value"),
    ("driven_axle_share", 1.001, "traction.driven_axle_share: 1.001, expected a share between 0 and 1"),
    ("a", -1, "resistance.a: -1 N/t, expected a value >= 0"),
    ("b", -1, "resistance.b: -1 N/t per m/s, expected a value >= 0"),
    ("c", -1, "resistance.c: -1 N per (m/s)2, expected a value >= 0"),
    ("curve_k", -1, "resistance.curve_k: -1 m, expected a value >= 0"),
    ("service", 0, "braking.service: 0 m/s2, expected a positive value"),
    ("emergency", 0, "braking.emergency: 0 m/s2, expected a positive value"),
    ("emergency", 0.99, "braking.emergency: 0.99 m/s2, expected at least the service rate (1 m/s2)"),
    ("jerk", 0, "braking.jerk: 0 m/s3, expected a positive value"),
    ("braked_axle_share", 0, "braking.braked_axle_share: 0 1, expected a positive value"),
    ("braked_axle_share", 1.001, "braking.braked_axle_share: 1.001, expected a share between 0 and 1"),
    ("drive_efficiency", 0, "energy.drive_efficiency: 0 1, expected an efficiency between 0 and 1"),
    ("drive_efficiency", 1.001, "energy.drive_efficiency: 1.001 1, expected an efficiency between 0 and 1"),
    ("regen_efficiency", 0, "energy.regen_efficiency: 0 1, expected an efficiency between 0 and 1"),
    ("regen_efficiency", 1.001, "energy.regen_efficiency: 1.001 1, expected an efficiency between 0 and 1"),
    ("electric_brake_force", -1, "energy.electric_brake_force: -1 kN, expected a value >= 0"),
    ("electric_brake_power", -1, "energy.electric_brake_power: -1 MW, expected a value >= 0"),
    ("electric_brake_fade_speed", 0, "energy.electric_brake_fade_speed: 0 km/h, expected a positive value"),
    ("auxiliary_power", -1, "energy.auxiliary_power: -1 kW, expected a value >= 0"),
    ("ua", -1, "energy.hvac.ua: -1 W/K, expected a value >= 0"),
    ("fresh_air", -1, "energy.hvac.fresh_air: -1 m3/h, expected a value >= 0"),
    ("door_air", -1, "energy.hvac.door_air: -1 m3/h, expected a value >= 0"),
    ("heating_setpoint", -0.1, "energy.hvac.heating_setpoint: -0.1 degC, expected a saloon temperature between 0 and 40 degC"),
    ("heating_setpoint", 40.1, "energy.hvac.heating_setpoint: 40.1 degC, expected a saloon temperature between 0 and 40 degC"),
    ("cooling_setpoint", 40.1, "energy.hvac.cooling_setpoint: 40.1 degC, expected a saloon temperature between 0 and 40 degC"),
    ("cooling_setpoint", 16.9, "energy.hvac.cooling_setpoint: 16.9 degC, expected at least the heating set-point (17 degC)"),
    ("heating_power", -1, "energy.hvac.heating_power: -1 kW, expected a value >= 0"),
    ("cooling_capacity", -1, "energy.hvac.cooling_capacity: -1 kW, expected a value >= 0"),
    ("cooling_cop", 0, "energy.hvac.cooling_cop: 0 1, expected a COP between 0 and 10"),
    ("cooling_cop", 10.1, "energy.hvac.cooling_cop: 10.1 1, expected a COP between 0 and 10"),
    ("fan_power", -1, "energy.hvac.fan_power: -1 kW, expected a value >= 0"),
    ("passenger_heat", -1, "energy.hvac.passenger_heat: -1 W, expected a sensible heat between 0 and 500 W"),
    ("passenger_heat", 500.5, "energy.hvac.passenger_heat: 500.5 W, expected a sensible heat between 0 and 500 W"),
]


@pytest.mark.parametrize("key, value, message", REFUSED, ids=[f"{c[0]}={c[1]}" for c in REFUSED])
def test_each_check_of_the_train_refuses_with_its_exact_message(train, key, value, message):
    edit(train, *_set(key, value))
    with pytest.raises(InputError) as exc:
        read_train(train)
    assert str(exc.value) == f"{train}: {message}"


@pytest.mark.parametrize("old, new, message", [
    ('auxiliary_power = {', 'auxilary_power = {', "energy.auxilary_power: unknown key 'auxilary_power', expected one of "
     "drive_efficiency, regen_efficiency, electric_brake_force, electric_brake_power, electric_brake_fade_speed, "
     "auxiliary_power, hvac"),
    ("fan_power = {", "fans = {", "energy.hvac.fans: unknown key 'fans', expected one of ua, fresh_air, door_air, "
     "heating_setpoint, cooling_setpoint, heating_power, cooling_capacity, cooling_cop, fan_power, passenger_heat"),
    ("[energy.hvac]", "[energy.cabin]", "energy.cabin: unknown key 'cabin', expected one of drive_efficiency, "
     "regen_efficiency, electric_brake_force, electric_brake_power, electric_brake_fade_speed, auxiliary_power, hvac"),
    ("schema_version = 1", "schema_version = 2", "schema_version: 2, expected 1"),
])
def test_unknown_keys_and_other_versions_are_refused(train, old, new, message):
    edit(train, old, new)
    with pytest.raises(InputError) as exc:
        read_train(train)
    assert str(exc.value) == f"{train}: {message}"


def test_values_exactly_at_their_limits_are_accepted(train):
    t = _edited(train, _set("seats", 652), _set("crush_density", 6), _set("base_speed", 80), _set("emergency", 1.0),
                _set("driven_axle_share", 1), _set("drive_efficiency", 1), _set("regen_efficiency", 1),
                _set("heating_setpoint", 24), _set("cooling_cop", 10), _set("passenger_heat", 500))
    assert (t.seats, t.capacity, t.crush_capacity) == (652, 652, 652)  # no standing room left
    assert t.base_speed_ms == t.max_speed_ms and t.emergency_brake_ms2 == t.service_brake_ms2 == 1.0
    assert t.driven_axle_share == 1.0
    e = t.energy
    assert (e.drive_efficiency, e.regen_efficiency) == (1.0, 1.0)
    assert (e.hvac.heating_setpoint_c, e.hvac.cooling_setpoint_c, e.hvac.cooling_cop, e.hvac.passenger_heat_w) == (
        24, 24, 10, 500)


def test_zero_is_accepted_wherever_the_limit_is_zero(train):
    keys = ("seats", "rotating_mass_factor", "a", "b", "c", "curve_k", "electric_brake_force", "electric_brake_power",
            "auxiliary_power", "ua", "fresh_air", "door_air", "heating_setpoint", "heating_power", "cooling_capacity",
            "fan_power", "passenger_heat")
    t = _edited(train, *(_set(key, 0) for key in keys if key != "b"), _set("cooling_setpoint", 0))
    assert (t.seats, t.rotating_mass_factor, t.davis_a_n_per_kg, t.davis_b_n_per_kg_ms, t.davis_c_n_per_ms2,
            t.curve_resistance_k_m) == (0, 0, 0, 0, 0, 0)
    e, h = t.energy, t.energy.hvac
    assert (e.electric_brake_force_n, e.electric_brake_power_w, e.auxiliary_power_w) == (0, 0, 0)
    assert (h.ua_w_per_k, h.fresh_air_m3s, h.door_air_m3s, h.heating_setpoint_c, h.cooling_setpoint_c, h.heating_power_w,
            h.cooling_capacity_w, h.fan_power_w, h.passenger_heat_w) == (0,) * 9


def test_the_shipped_train_is_read_into_si_units_field_by_field():
    """Each value as typed in network/rolling-stock/crrc-tangshan-4car.toml, converted by hand."""
    t = read_train(shipped_rolling_stock())
    kmh = 1 / 3.6
    assert (t.name, t.cars, t.length_m, t.doors_per_side) == ("CRRC Tangshan 4-car GoA4", 4, 60, 8)
    assert all(isinstance(n, int) for n in (t.cars, t.doors_per_side, t.capacity, t.seats, t.crush_capacity))
    # crush: 96 seats + (652 - 96) / 6 m2 of standing room at 9 a m2 = 96 + 834
    assert (t.capacity, t.seats, t.crush_capacity) == (652, 96, 930)
    assert (t.tare_mass_kg, t.passenger_mass_kg, t.rotating_mass_factor) == (120_000, 70, 0.08)
    assert t.max_speed_ms == pytest.approx(80 * kmh, rel=1e-15) and t.base_speed_ms == pytest.approx(38 * kmh, rel=1e-15)
    assert (t.max_tractive_force_n, t.max_acceleration_ms2, t.driven_axle_share) == (190_000, 1.0, 0.5)
    # Davis: 15 N/t = 0.015 N/kg; 5.4 N per (m/s)2 as it is; k = 600 m
    assert t.davis_a_n_per_kg == pytest.approx(0.015, rel=1e-15)
    assert (t.davis_b_n_per_kg_ms, t.davis_c_n_per_ms2, t.curve_resistance_k_m) == (0, 5.4, 600)
    assert (t.service_brake_ms2, t.emergency_brake_ms2, t.jerk_ms3, t.braked_axle_share) == (1.0, 1.25, 0.8, 1.0)
    assert t.source == str(shipped_rolling_stock())
    e = t.energy
    assert (e.drive_efficiency, e.regen_efficiency, e.electric_brake_force_n) == (0.88, 0.88, 190_000)
    assert e.electric_brake_power_w == 2_400_000 and e.auxiliary_power_w == 25_000
    assert e.electric_brake_fade_speed_ms == pytest.approx(7 * kmh, rel=1e-15)
    h = e.hvac
    assert (h.ua_w_per_k, h.heating_setpoint_c, h.cooling_setpoint_c, h.heating_power_w) == (350, 17, 24, 50_000)
    assert h.fresh_air_m3s == pytest.approx(800 / 3600, rel=1e-15) and h.door_air_m3s == pytest.approx(400 / 3600, rel=1e-15)
    assert (h.cooling_capacity_w, h.cooling_cop, h.fan_power_w, h.passenger_heat_w) == (40_000, 2.5, 1_500, 75)


def test_a_train_without_an_energy_table_has_the_default_one(train):
    text = train.read_text(encoding="utf-8")
    train.write_text(text[:text.index("[energy]")], encoding="utf-8")
    assert read_train(train).energy == TrainEnergy()
    assert TrainEnergy().hvac == Hvac()
