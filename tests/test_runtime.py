"""Running time against closed forms, physics invariants and the published Astana figure."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ideal_train, make_line, make_train, replace
from hypothesis import given, settings
from hypothesis import strategies as st

from lrt.conditions import Conditions
from lrt.network import SpeedLimit
from lrt.runtime import run_profile
from lrt.units import G

DRY = Conditions(adhesion_traction=1.0, adhesion_braking=1.0)  # never the binding limit


@pytest.mark.parametrize("d, a, b, v", [(2000.0, 1.0, 1.0, 80 / 3.6), (1500.0, 0.8, 1.2, 60 / 3.6),
                                        (3000.0, 0.6, 0.5, 22.0)])
def test_trapezoidal_run_matches_closed_form(d, a, b, v):
    # t = d/v + v/(2a) + v/(2b) for accelerate - cruise - brake with constant rates
    line = make_line((1000.0, 1000.0 + d), line_speed_ms=v, acceleration=a, braking=b)
    p = run_profile(line, ideal_train(a, b, v), conditions=DRY, allowance=0.0, step_m=2.0)
    expected = d / v + v / (2 * a) + v / (2 * b)
    assert p.running_s == pytest.approx(expected, rel=0.005)
    assert p.segments[0].max_speed_kmh == pytest.approx(v * 3.6, rel=1e-9)


@pytest.mark.parametrize("d, a, b", [(400.0, 1.0, 1.0), (300.0, 0.7, 1.1)])
def test_triangular_run_matches_closed_form(d, a, b):
    # v is never reached: peak v_p = sqrt(2 d a b / (a + b)), t = v_p/a + v_p/b
    line = make_line((1000.0, 1000.0 + d), acceleration=a, braking=b)
    p = run_profile(line, ideal_train(a, b, 80 / 3.6), conditions=DRY, allowance=0.0, step_m=1.0)
    v_p = math.sqrt(2 * d * a * b / (a + b))
    assert v_p < 80 / 3.6
    assert p.running_s == pytest.approx(v_p / a + v_p / b, rel=0.005)
    assert p.segments[0].max_speed_kmh / 3.6 == pytest.approx(v_p, rel=0.005)


def test_stops_exactly_at_every_stop_mark(astana):
    line, train = astana
    for direction in ("up", "down"):
        p = run_profile(line, train, direction=direction)
        sgn = 1 if direction == "up" else -1
        for code, k in zip(p.stops, p.stop_index):
            assert p.speed_ms[k] == 0.0
            assert p.chainage_m[k] == pytest.approx(line.station(code).chainage_m + sgn * train.length_m / 2)
        between = np.ones(len(p.speed_ms), bool)
        between[list(p.stop_index)] = False
        assert (p.speed_ms[between] > 0).all()
        assert (p.speed_ms <= p.limit_ms + 1e-9).all()


def _flat_out(line, train, **kw):
    return run_profile(line, train, allowance=0.0, **kw).running_s


@settings(max_examples=15, deadline=None)
@given(st.floats(0, 900), st.floats(1, 300))
def test_heavier_train_is_never_faster(load, more):
    line = make_line((1000.0, 2300.0, 4500.0), gradients=[(1300, 2000, 0.02)])
    train = make_train()
    assert _flat_out(line, train, passengers=load + more) >= _flat_out(line, train, passengers=load)


@pytest.mark.parametrize("mu_low, mu_high", [(0.05, 0.1), (0.1, 0.2), (0.15, None)])
def test_lower_adhesion_is_never_faster(mu_low, mu_high, astana):
    line, train = astana
    low = Conditions(adhesion_traction=mu_low, adhesion_braking=mu_low)
    high = Conditions(adhesion_traction=mu_high, adhesion_braking=mu_high)
    stops = line.codes[:5]
    assert _flat_out(line, train, stops=stops, conditions=low) > _flat_out(line, train, stops=stops, conditions=high)


def test_adhesion_caps_traction_and_braking_forces(astana):
    line, train = astana
    mu = 0.06
    p = run_profile(line, train, conditions=Conditions(adhesion_traction=mu, adhesion_braking=mu), stops=line.codes[:4])
    m = train.mass_kg(0)
    assert p.force_n.max() <= mu * m * G * train.driven_axle_share * 1.001
    assert -p.force_n.min() <= mu * m * G * train.braked_axle_share * 1.001


def test_added_restriction_and_steeper_climb_are_never_faster():
    train = make_train()
    # the climb starts at the first platform, so it bites while the train accelerates
    base = make_line((1000.0, 3500.0), gradients=[(1000, 3000, 0.01)])
    restricted = replace(base, speed_limits=(SpeedLimit(start_m=2000, end_m=2200, limit_ms=40 / 3.6),))
    steeper = make_line((1000.0, 3500.0), gradients=[(1000, 3000, 0.03)])
    t0 = _flat_out(base, train)
    assert _flat_out(restricted, train) > t0
    assert _flat_out(steeper, train) > t0
    # and a descent of the same line run the other way is faster than the climb
    assert _flat_out(base, train, direction="down") < t0


def test_restriction_shorter_than_train_holds_until_tail_clears():
    train = make_train(length_m=60.0)
    a, b, v_lim = 2000.0, 2020.0, 30 / 3.6  # 20 m restriction, 60 m train
    line = make_line((1000.0, 4000.0), limits=[(a, b, v_lim)])
    p = run_profile(line, train, allowance=0.0, step_m=1.0)
    head = p.chainage_m
    inside = (head >= a) & (head < b + train.length_m)  # at b + L the tail is clear
    assert p.speed_ms[inside].max() <= v_lim + 1e-9
    assert p.speed_ms[inside].max() == pytest.approx(v_lim)  # it is really held, not braked below
    # once the tail has cleared, the train accelerates away
    after = (head > b + train.length_m + 50) & (head < b + train.length_m + 60)
    assert p.speed_ms[after].min() > v_lim * 1.2


@pytest.mark.parametrize("direction", ["up", "down"])
def test_energy_balance_stop_to_stop(direction):
    # traction work - braking work = resistance work + change of potential energy (kinetic: 0 -> 0)
    train = make_train()
    line = make_line((1000.0, 2400.0, 5200.0), gradients=[(1200, 2200, 0.015), (2600, 5000, -0.008)])
    load = 300.0
    p = run_profile(line, train, direction=direction, passengers=load, step_m=1.0)
    x = p.position_m
    dx = np.diff(x)
    traction = np.sum(np.maximum(p.force_n[:-1], 0) * dx)
    braking = np.sum(np.maximum(-p.force_n[:-1], 0) * dx)
    resistance = np.trapezoid(train.resistance_n(p.speed_ms, load), x)
    z = line.elevation([line.stations[0].chainage_m, line.stations[-1].chainage_m])  # platforms are level
    rise = (z[1] - z[0]) * (1 if direction == "up" else -1)
    potential = train.mass_kg(load) * G * rise
    assert abs(potential) > 0.2 * resistance  # the gradient matters in this check
    assert traction - braking == pytest.approx(resistance + potential, rel=0.01)
    assert p.energy_j[-1] == pytest.approx(traction, rel=1e-9)


def test_allowance_is_driven_not_added(astana):
    line, train = astana
    stops = line.codes[:6]
    flat = run_profile(line, train, stops=stops, allowance=0.0)
    slack = run_profile(line, train, stops=stops, allowance=0.07)
    assert slack.running_s == pytest.approx(1.07 * flat.running_s, rel=0.005)
    # realised by coasting: less traction energy, same distance, no standing time added
    assert slack.energy_kwh < flat.energy_kwh
    assert (slack.speed_ms <= flat.speed_ms + 1e-9).all()
    coasting = (slack.force_n == 0) & (slack.speed_ms > 1)
    assert coasting.sum() > 0.1 * len(slack.speed_ms)


def test_shipped_astana_one_way_time_is_the_published_forty_minutes(astana):
    line, train = astana
    for direction in ("up", "down"):
        p = run_profile(line, train, direction=direction)
        minutes = p.total_s(line.operations.dwell_s) / 60
        assert 36 <= minutes <= 42, (direction, minutes)
        assert len(p.segments) == 17
        assert sum(s.distance_m for s in p.segments) == pytest.approx(21151.1, abs=0.5)


@pytest.mark.parametrize("direction", ["up", "down"])
def test_energy_balance_over_the_astana_line_with_its_curves(astana, direction):
    line, train = astana
    p = run_profile(line, train, direction=direction, passengers=200, step_m=1.0)
    dx = np.diff(p.position_m)
    net = np.sum(p.force_n[:-1] * dx)  # traction work - braking work
    resistance = np.trapezoid(train.resistance_n(p.speed_ms, 200), p.position_m)
    m = train.mass_kg(200)
    # every curve is passed completely, so the curve work is m g k/1000 * sum(length / R)
    curves = m * G * train.curve_resistance_k_m / 1000 * sum((c.end_m - c.start_m) / c.radius_m for c in line.curves)
    z = line.elevation([line.station(p.stops[0]).chainage_m, line.station(p.stops[-1]).chainage_m])
    potential = m * G * (z[1] - z[0])
    assert curves > 0.02 * resistance
    assert net == pytest.approx(resistance + curves + potential, rel=0.01)


@pytest.mark.parametrize("jerk", [0.5, 0.8])
def test_jerk_limited_start_and_stop_cost_the_closed_form_lag(jerk):
    # a linear ramp of the acceleration over tau = a/j delays the motion by tau/2: the start costs a/(2j)
    # and the final brake release b/(2j) on top of the constant-rate closed form
    d, a, b, v = 2000.0, 1.0, 0.8, 80 / 3.6
    line = make_line((1000.0, 1000.0 + d), line_speed_ms=v, acceleration=a, braking=b)
    train = replace(ideal_train(a, b, v), jerk_ms3=jerk)
    t = run_profile(line, train, conditions=DRY, allowance=0.0, step_m=2.0).running_s
    base = d / v + v / (2 * a) + v / (2 * b)
    assert t - base == pytest.approx(a / (2 * jerk) + b / (2 * jerk), rel=0.01)
