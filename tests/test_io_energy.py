"""Reading the train's ``[energy]`` table and the line's ``[power]`` table: values, defaults, located errors."""

from __future__ import annotations

import re
import shutil

import pytest

from lrt.errors import InputError
from lrt.io.line import read_line
from lrt.io.rollingstock import read_train
from lrt.network import PowerSupply
from lrt.paths import shipped_network, shipped_rolling_stock
from lrt.rollingstock import Hvac, TrainEnergy


def _edited_train(tmp_path, old: str, new: str):
    path = tmp_path / "train.toml"
    text = shipped_rolling_stock().read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path


def test_shipped_energy_values_in_si(astana):
    line, train = astana
    e, h = train.energy, train.energy.hvac
    assert (e.drive_efficiency, e.regen_efficiency) == (0.88, 0.88)
    assert e.electric_brake_force_n == 190_000 and e.electric_brake_power_w == 2_400_000
    assert e.electric_brake_fade_speed_ms == pytest.approx(7 / 3.6)          # km/h -> m/s
    assert e.auxiliary_power_w == 25_000                                        # kW -> W
    assert h.ua_w_per_k == 350 and h.fresh_air_m3s == pytest.approx(800 / 3600)  # m3/h -> m3/s
    assert h.door_air_m3s == pytest.approx(400 / 3600) and h.heating_power_w == 50_000
    assert (h.heating_setpoint_c, h.cooling_setpoint_c, h.cooling_cop) == (17, 24, 2.5)
    assert (h.fan_power_w, h.passenger_heat_w, h.cooling_capacity_w) == (1_500, 75, 40_000)
    assert line.power == PowerSupply(receptivity=0.5, supply_efficiency=0.92, nominal_voltage_v=750)


def test_without_the_tables_the_defaults_apply(tmp_path):
    text = shipped_rolling_stock().read_text()
    path = tmp_path / "train.toml"
    path.write_text(text[:text.index("[energy]")])
    assert read_train(path).energy == TrainEnergy()
    net = tmp_path / "net"
    shutil.copytree(shipped_network(), net)
    line_toml = (net / "line.toml").read_text()
    (net / "line.toml").write_text(line_toml[:line_toml.index("[power]")])
    assert read_line(net).power == PowerSupply()


TRAIN_CASES = [
    ('drive_efficiency = { value = 0.88', 'drive_efficiency = { value = 1.2',
     r"energy\.drive_efficiency: 1\.2 1, expected an efficiency between 0 and 1"),
    ('regen_efficiency = { value = 0.88', 'regen_efficiency = { value = 0',
     r"energy\.regen_efficiency: 0 1, expected an efficiency between 0 and 1"),
    ('electric_brake_force = { value = 190', 'electric_brake_force = { value = -1',
     r"energy\.electric_brake_force: -1 kN, expected a value >= 0"),
    ('electric_brake_power = { value = 2.4, unit = "MW"', 'electric_brake_power = { value = 2.4, unit = "MJ"',
     r"energy\.electric_brake_power\.unit: unknown unit 'MJ', expected one of W, kW, MW"),
    ('electric_brake_fade_speed = { value = 7', 'electric_brake_fade_speed = { value = 0',
     r"energy\.electric_brake_fade_speed: 0 km/h, expected a positive value"),
    ('auxiliary_power = { value = 25, unit = "kW"', 'auxiliary_power = { value = 25, unit = "km/h"',
     r"energy\.auxiliary_power\.unit: 'km/h' \(a speed\), expected a power unit: W, kW, MW"),
    ('auxiliary_power = {', 'auxilary_power = {',
     r"energy\.auxilary_power: unknown key 'auxilary_power', expected one of drive_efficiency, .*hvac"),
    ("[energy.hvac]", "[energy.hvak]", r"energy\.hvak: unknown key 'hvak', expected one of .*hvac"),
    ('ua = { value = 350', 'ua = { value = -350', r"energy\.hvac\.ua: -350 W/K, expected a value >= 0"),
    ('fresh_air = { value = 800, unit = "m3/h"', 'fresh_air = { value = 800, unit = "m3"',
     r"energy\.hvac\.fresh_air\.unit: unknown unit 'm3', expected one of m3/s, m3/h"),
    ('door_air = { value = 400', 'door_air = { value = -1',
     r"energy\.hvac\.door_air: -1 m3/h, expected a value >= 0"),
    ('heating_setpoint = { value = 17', 'heating_setpoint = { value = 45',
     r"energy\.hvac\.heating_setpoint: 45 degC, expected a saloon temperature between 0 and 40 degC"),
    ('cooling_setpoint = { value = 24', 'cooling_setpoint = { value = 15',
     r"energy\.hvac\.cooling_setpoint: 15 degC, expected at least the heating set-point \(17 degC\)"),
    ('heating_power = { value = 50', 'heating_power = { value = -5',
     r"energy\.hvac\.heating_power: -5 kW, expected a value >= 0"),
    ('cooling_capacity = { value = 40', 'cooling_capacity = { value = "forty"',
     r"energy\.hvac\.cooling_capacity\.value: 'forty', expected a number"),
    ('cooling_cop = { value = 2.5', 'cooling_cop = { value = 0',
     r"energy\.hvac\.cooling_cop: 0 1, expected a COP between 0 and 10"),
    ('fan_power = { value = 1.5', 'fan_power = { value = -1.5',
     r"energy\.hvac\.fan_power: -1\.5 kW, expected a value >= 0"),
    ('passenger_heat = { value = 75', 'passenger_heat = { value = 750',
     r"energy\.hvac\.passenger_heat: 750 W, expected a sensible heat between 0 and 500 W"),
    ("passenger_heat = {", "# passenger_heat = {", r"energy\.hvac\.passenger_heat: missing, expected"),
]


@pytest.mark.parametrize("old, new, message", TRAIN_CASES, ids=[c[2][:40] for c in TRAIN_CASES])
def test_bad_energy_table_names_the_field(tmp_path, old, new, message):
    with pytest.raises(InputError) as exc:
        read_train(_edited_train(tmp_path, old, new))
    assert "train.toml: " in str(exc.value)
    assert re.search(message, str(exc.value)), str(exc.value)


LINE_CASES = [
    ('receptivity = { value = 0.5', 'receptivity = { value = 1.5',
     r"power\.receptivity: 1\.5 1, expected a share between 0 and 1"),
    ('supply_efficiency = { value = 0.92', 'supply_efficiency = { value = 0',
     r"power\.supply_efficiency: 0 1, expected an efficiency between 0 and 1"),
    ('nominal_voltage = { value = 750, unit = "V"', 'nominal_voltage = { value = 750, unit = "kW"',
     r"power\.nominal_voltage\.unit: 'kW' \(a power\), expected a voltage unit: V, kV"),
    ('nominal_voltage = { value = 750', 'nominal_voltage = { value = -750',
     r"power\.nominal_voltage: -750 V, expected a positive value"),
    ('receptivity = {', 'receptiveness = {', r"power\.receptiveness: unknown key 'receptiveness', expected one of"),
]


@pytest.mark.parametrize("old, new, message", LINE_CASES, ids=[c[2][:30] for c in LINE_CASES])
def test_bad_power_table_names_the_field(tmp_path, old, new, message):
    net = tmp_path / "net"
    shutil.copytree(shipped_network(), net)
    text = (net / "line.toml").read_text()
    assert old in text, old
    (net / "line.toml").write_text(text.replace(old, new, 1))
    with pytest.raises(InputError) as exc:
        read_line(net)
    assert "line.toml: " in str(exc.value)
    assert re.search(message, str(exc.value)), str(exc.value)


@pytest.mark.parametrize("make, message", [
    (lambda: TrainEnergy(drive_efficiency=0.0), "drive_efficiency must be a share in \\(0, 1\\]"),
    (lambda: TrainEnergy(electric_brake_fade_speed_ms=0.0), "electric_brake_fade_speed_ms must be positive"),
    (lambda: TrainEnergy(auxiliary_power_w=-1.0), "auxiliary_power_w must be >= 0"),
    (lambda: Hvac(cooling_cop=0.0), "cooling_cop must be positive"),
    (lambda: Hvac(heating_setpoint_c=25.0, cooling_setpoint_c=24.0), "must not be above cooling_setpoint_c"),
    (lambda: PowerSupply(receptivity=-0.1), "receptivity must be a share in \\[0, 1\\]"),
    (lambda: PowerSupply(supply_efficiency=1.1), "supply_efficiency must be a share in \\(0, 1\\]"),
])
def test_objects_built_in_code_are_validated_too(make, message):
    with pytest.raises(ValueError, match=message):
        make()
