"""The cab's physics: the same force functions as lrt runtime, stepped in time (lrt.training.cab)."""

from __future__ import annotations

import math

import pytest

from lrt.conditions import Conditions
from lrt.runtime import run_profile
from lrt.training.cab.controls import Control, Plan
from lrt.training.cab.drive import drive_plan
from lrt.training.cab.dynamics import WSP_EFFICIENCY
from lrt.training.cab.spec import AtpRules, DriveSpec
from lrt.units import G, KMH

from conftest import ideal_train, make_line, make_train


def plan(*rows) -> Plan:
    """Controls from (time or "@position", action) pairs."""
    out = []
    for at, action in rows:
        if isinstance(at, str):
            out.append(Control(action=action, position_m=float(at[1:])))
        else:
            out.append(Control(action=action, time_s=float(at)))
    return Plan(controls=tuple(out))


def weather(astana, name):
    from lrt.io.conditions import read_conditions, resolve_weather

    return read_conditions(resolve_weather(name), astana[0])


@pytest.mark.parametrize("name", ["normal", "cold", "severe", "icing"])
@pytest.mark.parametrize("pair", [(101, 102), (113, 114), (117, 116), (111, 112)])
@pytest.mark.parametrize("passengers", [0, 652])
def test_the_cab_driven_as_runtime_drives_takes_runtimes_time_within_one_percent(astana, name, pair, passengers):
    # The cab's ATO: full traction at the line's ATO rate to the limit, the same braking rate, no coasting;
    # runtime without allowance drives the same way.  Airport-Atameken has two curve limits, House of
    # Ministries-National Museum the Esil bridge ramps (12 per mille) and its restriction.
    line, train = astana
    cond = weather(astana, name)
    spec = DriveSpec(line=line, train=train, conditions=cond, from_code=pair[0], to_code=pair[1], mode="ATO",
                     passengers=passengers, scheduled_s=100)
    result = drive_plan(spec, Plan())
    profile = run_profile(line, train, direction=spec.direction, stops=list(pair), conditions=cond, allowance=0.0,
                          passengers=passengers)
    assert result.outcome == "arrived"
    assert result.arrival_s == pytest.approx(profile.running_s, rel=0.01)
    assert abs(result.stop_error_m) < 0.05
    assert result.interventions == 0
    # and it keeps to the limit the way runtime does (within the ATP's warning margin of none)
    tr = result.trace
    assert (tr["speed_ms"] <= tr["limit_ms"] + 0.05).all()


def test_full_traction_on_a_level_line_accelerates_at_the_closed_form_rate():
    # An ideal train (no resistance, no rotating mass, no jerk limit): P4 asks for the maximum acceleration
    # a = 1.0 m/s², so after 10 s it runs at 10 m/s, 50 m from the start (v = a·t, s = a·t²/2).
    train = ideal_train(1.0, 1.0, 30.0)
    spec = DriveSpec(line=make_line(), train=train, from_code=1, to_code=2, scheduled_s=200, time_limit_s=10.0)
    tr = drive_plan(spec, plan((0, "P4"))).trace
    assert tr["time_s"][-1] == pytest.approx(9.9)
    assert tr["speed_ms"][-1] == pytest.approx(9.9)
    assert tr["position_m"][-1] == pytest.approx(9.9**2 / 2)


def test_half_traction_is_half_the_acceleration_and_the_power_limit_caps_it_above_the_base_speed():
    # A real train: 190 kN up to 38 km/h, then 2.0 MW; P2 asks for half of 1.0 m/s² (load-weighed: m_eff·0.5).
    train = make_train(davis_a_n_per_kg=0.0, davis_c_n_per_ms2=0.0, jerk_ms3=1e9)
    spec = DriveSpec(line=make_line(), train=train, from_code=1, to_code=2, scheduled_s=200, time_limit_s=40.0)
    tr = drive_plan(spec, plan((0, "P2"))).trace
    assert tr["accel_ms2"][5] == pytest.approx(0.5)
    tr = drive_plan(spec, plan((0, "P4"))).trace
    m_eff = train.effective_mass_kg(0)
    fast = (tr["speed_ms"] > 60 * KMH) & (tr["speed_ms"] < 75 * KMH) & ~tr["emergency"]
    v = tr["speed_ms"][fast]
    # above the base speed the force is P/v = 190 kN·(38/3.6)/v, below the 129.6 kN the notch asks for
    assert tr["accel_ms2"][fast] == pytest.approx(190_000 * 38 / 3.6 / v / m_eff)


def test_the_jerk_limit_shapes_a_start():
    # From a standstill the effort rises at j = 0.8 m/s³: after 0.5 s the acceleration is 0.4 m/s².
    train = make_train(davis_a_n_per_kg=0.0, davis_c_n_per_ms2=0.0, rotating_mass_factor=0.0)
    spec = DriveSpec(line=make_line(), train=train, from_code=1, to_code=2, scheduled_s=200, time_limit_s=3.0)
    tr = drive_plan(spec, plan((0, "P4"))).trace
    assert tr["accel_ms2"][4] == pytest.approx(0.4)  # the step from 0.4 to 0.5 s has the effort of 0.5 s
    assert tr["accel_ms2"][20] == pytest.approx(1.0)


def ice(mu=0.06):
    return Conditions(name="ice", adhesion_traction=mu, adhesion_braking=mu)


def stop_distance(train, cond, lever, v0=10.0):
    """From v0 on a level line (no resistance): brake at ``lever`` and measure the distance to the stand."""
    spec = DriveSpec(line=make_line(), train=train, conditions=cond, from_code=1, to_code=2, scheduled_s=400,
                     time_limit_s=80.0, atp=AtpRules(emergency_margin_ms=80.0))
    result = drive_plan(spec, plan((0, "P4"), ("@" + str(v0 * v0 / 2), "C"), (20.0, lever)))
    tr = result.trace
    braking = tr["time_s"] >= 20.0
    v_start = tr["speed_ms"][braking][0]
    stopped = tr["speed_ms"][braking] == 0.0
    start = tr["position_m"][braking][0]
    end = tr["position_m"][braking][stopped][0]
    return end - start, v_start, result


def test_braking_beyond_adhesion_slides_and_wheel_slide_protection_lengthens_the_stop():
    # On ice (μ = 0.06) full service asks for 1.0 m/s²; all axles braked give at most μ·g·m/m_eff.  WSP
    # holds the slide but achieves only WSP_EFFICIENCY of that: the stop is 1/WSP_EFFICIENCY longer than
    # braking just inside adhesion (B3 = 3/7 m/s² < 0.588 m/s² on an ideal train, m = m_eff).
    train = ideal_train(1.0, 1.0, 30.0)
    cap = 0.06 * G
    d_slide, v0, result = stop_distance(train, ice(), "B7")
    assert any(e.kind == "slide" for e in result.events)
    assert d_slide == pytest.approx(v0**2 / (2 * WSP_EFFICIENCY * cap), rel=1e-3)
    d_inside, v0b, result = stop_distance(train, ice(), "B3")
    assert not any(e.kind == "slide" for e in result.events)
    assert d_inside == pytest.approx(v0b**2 / (2 * 3 / 7), rel=1e-3)
    # B4 (0.571 m/s²) is inside adhesion and stops shorter than B7, which slides
    d_b4, _, _ = stop_distance(train, ice(), "B4")
    assert d_b4 < d_slide
    # on dry rail full service does not slide: v²/(2·1.0)
    d_dry, v0c, result = stop_distance(train, Conditions(), "B7")
    assert d_dry == pytest.approx(v0c**2 / 2.0, rel=1e-3)
    assert not any(e.kind == "slide" for e in result.events)


def test_traction_beyond_adhesion_slips_and_is_cut_back():
    # μ = 0.06 on the motored half of an ideal train: at most 0.5·0.06·g = 0.294 m/s²; P4 asks for 1.0.
    train = ideal_train(1.0, 1.0, 30.0)
    train = make_train(**{**{f: getattr(train, f) for f in train.__dataclass_fields__}, "driven_axle_share": 0.5})
    spec = DriveSpec(line=make_line(), train=train, conditions=ice(), from_code=1, to_code=2, scheduled_s=400,
                     time_limit_s=10.0)
    result = drive_plan(spec, plan((0, "P4")))
    assert any(e.kind == "slip" for e in result.events)
    assert result.trace["accel_ms2"][-1] == pytest.approx(0.8 * 0.5 * 0.06 * G)
    result = drive_plan(spec, plan((0, "P1")))  # 0.25 m/s² is inside adhesion
    assert not any(e.kind == "slip" for e in result.events)
    assert result.trace["accel_ms2"][-1] == pytest.approx(0.25)


def test_a_climb_slows_a_coasting_train_by_g_times_the_gradient():
    # 10 per mille up over the whole segment: coasting decelerates at g·0.01 (an ideal train, no curves).
    line = make_line(gradients=[(0.0, 5000.0, 0.01)])
    train = ideal_train(1.0, 1.0, 30.0)
    spec = DriveSpec(line=line, train=train, from_code=1, to_code=2, scheduled_s=400, time_limit_s=30.0)
    tr = drive_plan(spec, plan((0, "P4"), (10.0, "C"))).trace
    coasting = tr["time_s"] > 11.0
    assert tr["accel_ms2"][coasting] == pytest.approx(-G * 0.01)
    assert math.isclose(tr["gradient_permille"][-1], 10.0)
