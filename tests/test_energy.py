"""Energy at the substations (lrt.energy) against answers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ideal_train, make_line, replace

from lrt.conditions import Conditions
from lrt.energy import (
    SegmentEnergy,
    air_density,
    between_loads,
    day_energy,
    electric_brake_limit_n,
    hvac_power_w,
    segment_energies,
)
from lrt.network import PowerSupply
from lrt.rollingstock import Hvac, TrainEnergy
from lrt.runtime import run_both, run_profile

J_PER_KWH = 3.6e6
# Adhesion out of the way (μ = 1): the ideal train brakes at exactly b everywhere.
GRIP = Conditions(adhesion_traction=1.0, adhesion_braking=1.0)
# The electric brake out of the way: no force or power limit worth the name, fading only below 1 µm/s.
UNLIMITED = dict(electric_brake_force_n=1e12, electric_brake_power_w=1e15, electric_brake_fade_speed_ms=1e-6)


def ideal_run(energy: TrainEnergy, stations=(1000.0, 3000.0), power=PowerSupply(), conditions=GRIP, step_m=1.0):
    """A 120 t ideal train (no resistance, λ = 0, a = b = 1 m/s², 20 m/s) on a straight level line."""
    train = replace(ideal_train(1.0, 1.0, 20.0), energy=energy)
    line = replace(make_line(stations), power=power)
    profile = run_profile(line, train, conditions=conditions, step_m=step_m)
    return segment_energies(profile, train, line, conditions), profile


# -- traction and braking ------------------------------------------------------------------------------
def test_ideal_train_start_and_stop_by_hand():
    # m = 120,000 kg, λ = 0, v = 20 m/s: each start costs m·v²/2 = 120,000 · 400 / 2 = 24 MJ = 6.6667 kWh at
    # the wheel and each stop brakes the same 24 MJ away. With an unlimited electric brake all of it is
    # electric. η_drive 0.9, η_supply 0.95: drawn = 6.6667 / (0.9 · 0.95) = 7.7973 kWh;
    # η_regen 0.8, receptivity 0.6: returned = 6.6667 · 0.8 · 0.6 = 3.2 kWh; net = 4.5973 kWh over 2 km.
    energy = TrainEnergy(drive_efficiency=0.9, regen_efficiency=0.8, **UNLIMITED)
    run, profile = ideal_run(energy, power=PowerSupply(receptivity=0.6, supply_efficiency=0.95))
    (seg,) = run.segments
    assert (seg.from_code, seg.to_code, seg.distance_m) == (1, 2, pytest.approx(2000.0))
    assert seg.traction_kwh == pytest.approx(24e6 / J_PER_KWH, rel=1e-9)
    assert seg.braking_kwh == pytest.approx(24e6 / J_PER_KWH, rel=1e-9)
    assert seg.electric_braking_kwh == pytest.approx(seg.braking_kwh, rel=1e-9)
    assert seg.drawn_kwh == pytest.approx(6.666667 / 0.855, rel=1e-6) == pytest.approx(7.797271, rel=1e-6)
    assert seg.returned_kwh == pytest.approx(3.2, rel=1e-6)
    assert seg.net_kwh == pytest.approx(4.597271, rel=1e-6)
    assert seg.net_kwh_per_train_km == pytest.approx(4.597271 / 2.0, rel=1e-6)
    assert seg.traction_kwh == pytest.approx(profile.segments[0].energy_kwh, rel=1e-12)  # the runtime's own sum


def test_segments_split_at_the_stops_and_total_adds_them():
    # stops at 1, 3 and 5 km: two 2-km segments, each one start and one stop (6.6667 kWh each way)
    run, profile = ideal_run(TrainEnergy(**UNLIMITED), stations=(1000.0, 3000.0, 5000.0))
    assert [(s.from_code, s.to_code) for s in run.segments] == [(1, 2), (2, 3)]
    for seg, ref in zip(run.segments, profile.segments):
        assert seg.traction_kwh == pytest.approx(24e6 / J_PER_KWH, rel=1e-9)
        assert seg.traction_kwh == pytest.approx(ref.energy_kwh, rel=1e-12)
        assert seg.distance_m == pytest.approx(2000.0)
    total = run.total
    assert (total.from_code, total.to_code, total.distance_m) == (1, 3, pytest.approx(4000.0))
    assert total.braking_kwh == pytest.approx(2 * 24e6 / J_PER_KWH, rel=1e-9)
    assert total.net_kwh == pytest.approx(sum(s.net_kwh for s in run.segments), rel=1e-12)


def test_electric_brake_force_cap_over_a_stop():
    # braking at 1 m/s² needs m·b = 120 kN; a 60 kN electric limit does half of it over the whole braking
    # distance v²/(2b) = 200 m: 60,000 · 200 = 12 MJ electric, the other 12 MJ by friction.
    run, _ = ideal_run(TrainEnergy(electric_brake_force_n=60e3, electric_brake_power_w=1e15,
                                   electric_brake_fade_speed_ms=1e-6))
    assert run.total.electric_braking_kwh == pytest.approx(12e6 / J_PER_KWH, rel=1e-6)


def test_electric_brake_power_cap_over_a_stop():
    # P = 1.2 MW: above v_p = P/(m·b) = 1.2e6/120e3 = 10 m/s the electric force is P/v, i.e. P for the
    # (20 − 10)/1 = 10 s it takes to slow to 10 m/s: 12 MJ; below, all of m·v_p²/2 = 120,000·100/2 = 6 MJ.
    run, _ = ideal_run(TrainEnergy(electric_brake_force_n=1e12, electric_brake_power_w=1.2e6,
                                   electric_brake_fade_speed_ms=1e-6))
    assert run.total.electric_braking_kwh == pytest.approx(18e6 / J_PER_KWH, rel=1e-4)


def test_electric_brake_fade_over_a_stop():
    # a limit of exactly m·b = 120 kN fading linearly over the whole 20 m/s: electric force m·b·v/v_f, and with
    # dx = v·dv/b the electric energy is ∫ m·v²/v_f dv from 0 to v_f = m·v_f²/3 = 120,000·400/3 = 16 MJ
    # (2/3 of the 24 MJ braked; the friction brake does m·v_f²/6 = 8 MJ).
    run, _ = ideal_run(TrainEnergy(electric_brake_force_n=120e3, electric_brake_power_w=1e15,
                                   electric_brake_fade_speed_ms=20.0))
    assert run.total.electric_braking_kwh == pytest.approx(16e6 / J_PER_KWH, rel=5e-4)


def test_electric_brake_only_on_the_motored_axles_at_low_adhesion():
    # μ = 0.05 when braking: the whole train brakes at μ·g = 0.4903 m/s² (all axles braked), the electric
    # brake has only the motored half: 0.05 · 120,000 · 9.80665 · 0.5 = 29.42 kN of the 58.84 kN needed, so
    # it does half of the 24 MJ (to within the one grid step where the run turns from traction to braking).
    train_cond = Conditions(adhesion_traction=1.0, adhesion_braking=0.05)
    energy = TrainEnergy(**UNLIMITED)
    train = replace(ideal_train(1.0, 1.0, 20.0), energy=energy, driven_axle_share=0.5)
    line = make_line()
    profile = run_profile(line, train, conditions=train_cond, step_m=1.0)
    run = segment_energies(profile, train, line, train_cond)
    assert run.total.braking_kwh == pytest.approx(24e6 / J_PER_KWH, rel=1e-9)
    assert run.total.electric_braking_kwh == pytest.approx(12e6 / J_PER_KWH, rel=1e-3)


def test_electric_brake_limit_values():
    e = TrainEnergy(electric_brake_force_n=190e3, electric_brake_power_w=2.4e6, electric_brake_fade_speed_ms=2.0)
    v = np.array([0.0, 1.0, 2.0, 10.0, 12.631578947368421, 20.0])
    # 0: faded out; 1 m/s: half the force (1/2 of the fade speed); 2 and 10 m/s: the force cap (P/v = 1.2 MN,
    # 240 kN); 12.63 m/s: P/v = 2.4e6/12.6316 = 190 kN, where the two caps meet; 20 m/s: P/v = 120 kN
    expected = [0.0, 95e3, 190e3, 190e3, 190e3, 120e3]
    np.testing.assert_allclose(electric_brake_limit_n(v, e), expected, rtol=1e-12)
    assert electric_brake_limit_n(1.999, e) == pytest.approx(190e3 * 1.999 / 2.0)  # just below: still fading
    np.testing.assert_allclose(electric_brake_limit_n(v, e, adhesion_n=50e3), [0, 25e3, 50e3, 50e3, 50e3, 50e3])


def test_heavier_train_costs_more_on_the_astana_line(astana):
    line, train = astana
    empty = {d: segment_energies(p, train, line).total for d, p in run_both(line, train).items()}
    full = {d: segment_energies(p, train, line).total
            for d, p in run_both(line, train, passengers=train.capacity).items()}
    for d in ("up", "down"):
        e, f = empty[d], full[d]
        assert 0 < e.electric_braking_kwh <= e.braking_kwh < e.traction_kwh
        assert f.net_kwh > e.net_kwh > 0 and f.traction_kwh > e.traction_kwh
        assert e.distance_m == pytest.approx(21151.1, abs=1.0)


def test_between_loads_is_linear():
    empty = SegmentEnergy(from_code=1, to_code=2, distance_m=1000.0, traction_kwh=10.0, braking_kwh=8.0,
                          electric_braking_kwh=7.0, drawn_kwh=12.0, returned_kwh=3.0)
    full = replace(empty, traction_kwh=14.0, braking_kwh=12.0, electric_braking_kwh=9.0, drawn_kwh=16.0,
                   returned_kwh=4.0)
    quarter = between_loads(empty, full, 0.25)   # 10 + 0.25·4 = 11, 8 + 1 = 9, 7 + 0.5, 12 + 1, 3 + 0.25
    assert quarter == replace(empty, traction_kwh=11.0, braking_kwh=9.0, electric_braking_kwh=7.5, drawn_kwh=13.0,
                              returned_kwh=3.25)
    assert quarter.net_kwh == 13.0 - 3.25
    with pytest.raises(ValueError):
        between_loads(empty, replace(full, to_code=3), 0.5)


# -- HVAC and auxiliaries ------------------------------------------------------------------------------
HVAC = Hvac(ua_w_per_k=300.0, fresh_air_m3s=0.2, door_air_m3s=0.1, heating_setpoint_c=18.0, cooling_setpoint_c=25.0,
            heating_power_w=60_000.0, cooling_capacity_w=30_000.0, cooling_cop=2.0, fan_power_w=1_000.0,
            passenger_heat_w=80.0)


def test_air_density_by_hand():
    # ρ = p/(R·T): 101,325 / (287.05 · 273.15) = 101,325 / 78,407.7 = 1.29229 kg/m³ at 0 °C
    assert air_density(0.0) == pytest.approx(1.29229, rel=1e-5)


def test_hvac_heating_by_hand():
    # −20 °C: ρ = 101,325 / (287.05 · 253.15) = 101,325 / 72,666.71 = 1.394375 kg/m³
    # H = 300 + 1.394375 · 1005 · (0.2 + 0.1) = 300 + 420.404 = 720.404 W/K
    # heating = 720.404 · (18 − (−20)) − 20 · 80 = 27,375.4 − 1,600 = 25,775.4 W; + fans 1,000 = 26,775.4 W
    assert hvac_power_w(HVAC, -20.0, passengers_per_car=20) == pytest.approx(26_775.4, abs=0.5)
    # empty: 27,375.4 + 1,000 = 28,375.4 W
    assert hvac_power_w(HVAC, -20.0) == pytest.approx(28_375.4, abs=0.5)


def test_hvac_cooling_by_hand():
    # +30 °C: ρ = 101,325 / (287.05 · 303.15) = 101,325 / 87,019.21 = 1.164398 kg/m³
    # H = 300 + 1.164398 · 1005 · 0.3 = 300 + 351.066 = 651.066 W/K
    # cooling = 651.066 · (30 − 25) + 20 · 80 = 3,255.3 + 1,600 = 4,855.3 W of heat, / COP 2 = 2,427.7 W
    # + fans 1,000 = 3,427.7 W
    assert hvac_power_w(HVAC, 30.0, passengers_per_car=20) == pytest.approx(3_427.7, abs=0.5)


def test_hvac_between_set_points_runs_only_the_fans_and_is_never_negative():
    assert hvac_power_w(HVAC, 20.0) == 1_000.0
    assert hvac_power_w(HVAC, 18.0) == 1_000.0 == hvac_power_w(HVAC, 25.0)   # exactly at the set-points
    # +20 °C with 20 passengers: heating 650·(18 − 20) − 1,600 < 0 and cooling 650·(20 − 25) + 1,600 < 0
    assert hvac_power_w(HVAC, 20.0, passengers_per_car=20) == 1_000.0
    assert min(hvac_power_w(replace(HVAC, fan_power_w=0.0), np.linspace(-60, 50, 221), 0.0)) >= 0.0


def test_hvac_capped_at_the_installed_power():
    # −60 °C: H ≈ 300 + 1.6538 · 1005 · 0.3 = 798.6 W/K, demand 798.6 · 78 = 62.3 kW > 60 kW installed
    assert hvac_power_w(HVAC, -60.0) == 60_000.0 + 1_000.0
    # +50 °C: cooling demand 300 + ... ≈ 626 W/K · 25 = 15.6 kW of heat; 10 kW capacity caps it: 10,000/2
    assert hvac_power_w(replace(HVAC, cooling_capacity_w=10_000.0), 50.0) == 5_000.0 + 1_000.0
    t = np.array([-60.0, -40.0, -20.0, 0.0])
    power = hvac_power_w(HVAC, t)
    assert np.all(np.diff(power) < 0)               # colder never costs less


def test_hvac_of_the_shipped_car_is_tens_of_kw_in_deep_cold(astana):
    _, train = astana
    kw = {t: hvac_power_w(train.energy.hvac, t) / 1000 for t in (10, -25, -40, -50)}
    assert 5 < kw[10] < 10 and 30 < kw[-25] < kw[-40] < 60
    assert kw[-50] == pytest.approx(51.5)           # the 50 kW of heaters and 1.5 kW of fans


def test_day_energy_by_hand():
    # 4 cars, H = 500 W/K, no air exchange, heating to 20 °C, no fans: at −30 °C each car takes
    # 500 · 50 = 25 kW, the train 100 kW, plus 20 kW of auxiliaries. Over 300 train-hours at the train:
    # HVAC 30 MWh, auxiliaries 6 MWh; at the substations (η_supply 0.92): 32.6087 and 6.5217 MWh.
    # Traction 30,000 kWh drawn − 9,000 returned = 21 MWh net; total 60.1304 MWh over 6,000 train-km:
    # 10.0217 kWh/train-km, of which traction 3.5.
    hvac = Hvac(ua_w_per_k=500.0, fresh_air_m3s=0.0, door_air_m3s=0.0, heating_setpoint_c=20.0,
                heating_power_w=1e6, fan_power_w=0.0)
    train = replace(ideal_train(1.0, 1.0, 20.0), energy=TrainEnergy(auxiliary_power_w=20_000.0, hvac=hvac))
    assert train.cars == 4
    day = day_energy(drawn_kwh=30_000.0, returned_kwh=9_000.0, train_km=6_000.0, train_hours=300.0, train=train,
                     power=PowerSupply(supply_efficiency=0.92), temperature_c=-30.0)
    assert day.traction_drawn_mwh == 30.0 and day.regenerated_mwh == 9.0 and day.traction_net_mwh == 21.0
    assert day.hvac_mwh == pytest.approx(30 / 0.92, rel=1e-12) == pytest.approx(32.6087, abs=1e-4)
    assert day.auxiliary_mwh == pytest.approx(6 / 0.92, rel=1e-12)
    assert day.total_mwh == pytest.approx(60.1304, abs=1e-4)
    assert day.kwh_per_train_km == pytest.approx(10.0217, abs=1e-4)
    assert day.traction_kwh_per_train_km == pytest.approx(3.5)
    assert (day.train_km, day.train_hours) == (6_000.0, 300.0)
    none = day_energy(drawn_kwh=0.0, returned_kwh=0.0, train_km=0.0, train_hours=0.0, train=train,
                      power=PowerSupply(), temperature_c=-30.0)
    assert none.total_mwh == 0.0 and math.isnan(none.kwh_per_train_km)
    with pytest.raises(ValueError):
        day_energy(drawn_kwh=-1.0, returned_kwh=0.0, train_km=1.0, train_hours=1.0, train=train,
                   power=PowerSupply(), temperature_c=0.0)
