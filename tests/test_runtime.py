"""Running time against closed forms, physics invariants and the published Astana figure."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from conftest import ideal_train, make_line, make_train, replace
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from lrt.conditions import Conditions
from lrt.errors import SimulationError
from lrt.network import Curve, SpeedLimit
from lrt.runtime import run_both, run_profile, speed_limit_profile
from lrt.units import G

DRY = Conditions(adhesion_traction=1.0, adhesion_braking=1.0)  # never the binding limit


def _grid_lag(a, b, v, dx):
    """Bound on the grid's error where a rate change (end of acceleration, onset of braking) falls inside a step.

    The step is taken at one constant rate from v − Δv to v (Δv ≤ a·dx/v): it is at most dx·Δv/(2v²) slow [s].
    Where the changes fall on grid points the integration is exact.
    """
    return (a + b) * dx**2 / (2 * v**3)


@pytest.mark.parametrize("d, a, b, v, exact", [
    (2000.0, 1.0, 1.0, 80 / 3.6, False), (1500.0, 0.8, 1.2, 60 / 3.6, False), (3000.0, 0.6, 0.5, 22.0, False),
    (2000.0, 1.0, 0.5, 20.0, True),  # 200 m accelerating, 400 m braking: on the 2 m grid
    (1600.0, 0.625, 1.25, 20.0, True)])  # 320 m, 160 m
def test_trapezoidal_run_matches_closed_form(d, a, b, v, exact):
    # t = d/v + v/(2a) + v/(2b) for accelerate - cruise - brake with constant rates
    line = make_line((1000.0, 1000.0 + d), line_speed_ms=v, acceleration=a, braking=b)
    p = run_profile(line, ideal_train(a, b, v), conditions=DRY, allowance=0.0, step_m=2.0)
    expected = d / v + v / (2 * a) + v / (2 * b)
    if exact:
        assert p.running_s == pytest.approx(expected, rel=1e-9)
    else:
        assert p.running_s == pytest.approx(expected, abs=_grid_lag(a, b, v, 2.0))  # 2e-6 relative at most
    assert p.segments[0].max_speed_kmh == pytest.approx(v * 3.6, rel=1e-9)
    assert p.min_running_s == pytest.approx(p.running_s, rel=1e-12)  # no allowance: the flat-out run


@pytest.mark.parametrize("d, a, b, exact", [(400.0, 1.0, 1.0, True), (300.0, 0.625, 1.25, True),
                                            (300.0, 0.7, 1.1, False)])
def test_triangular_run_matches_closed_form(d, a, b, exact):
    # v is never reached: peak v_p = sqrt(2 d a b / (a + b)), t = v_p/a + v_p/b
    line = make_line((1000.0, 1000.0 + d), acceleration=a, braking=b)
    p = run_profile(line, ideal_train(a, b, 80 / 3.6), conditions=DRY, allowance=0.0, step_m=1.0)
    v_p = math.sqrt(2 * d * a * b / (a + b))  # 20, 15.81 (peak 200 m from the start, on the grid), 17.02 m/s
    assert v_p < 80 / 3.6
    peak = p.segments[0].max_speed_kmh / 3.6
    if exact:
        assert p.running_s == pytest.approx(v_p / a + v_p / b, rel=1e-9)
        assert peak == pytest.approx(v_p, rel=1e-9)
    else:
        assert p.running_s == pytest.approx(v_p / a + v_p / b, abs=_grid_lag(a, b, v_p, 1.0))
        # the grid misses the peak by less than a step: v_p² − v² < 2·max(a, b)·dx
        assert 0 < v_p**2 - peak**2 < 2 * max(a, b) * 1.0


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
    # exact on the grid: the kinetic terms telescope to zero, the resistance at each step's start sums to the
    # trapezoid when both ends stand still, and the train (60 m) is a whole number of steps, so the work of the
    # gradient averaged over its length telescopes to the rise between the level platforms
    assert traction - braking == pytest.approx(resistance + potential, rel=1e-9)
    assert p.energy_j[-1] == pytest.approx(traction, rel=1e-9)


def test_allowance_is_driven_not_added(astana):
    line, train = astana
    stops = line.codes[:6]
    flat = run_profile(line, train, stops=stops, allowance=0.0)
    slack = run_profile(line, train, stops=stops, allowance=0.07)
    assert slack.running_s == pytest.approx(1.07 * flat.running_s, rel=0.005)
    # each run keeps its own 7 %, never more: the coasting point is found on the grid, up to 0.3 % short
    for seg in slack.segments:
        assert 1.07 * seg.min_run_s * (1 - 0.005) < seg.run_s <= 1.07 * seg.min_run_s * (1 + 1e-12)
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
    # the steps (segment length / its step count) are not a whole fraction of the train length here: the gradient
    # and curve work are sums over the steps of what lies under the train, off by a few 1e-8 (measured 4e-8)
    assert net == pytest.approx(resistance + curves + potential, rel=1e-6)


@pytest.mark.parametrize("jerk", [0.5, 0.8])
def test_jerk_limited_start_and_stop_cost_the_closed_form_lag(jerk):
    # The acceleration ramps up linearly over tau = a/j: at the end of the ramp v = a·tau/2 and x = a·tau²/6, so
    # the train reaches v at t = v/a + tau/2 having run v²/(2a) + a·tau²/24, a·tau²/24 further than a train
    # starting tau/2 late at constant a: the start costs tau/2 − a·tau²/(24 v).  The final brake release costs
    # the same with b.  (The ramps last 0.3-1.3 m here, inside the first and last step, which are exact.)
    d, a, b, v = 2000.0, 1.0, 0.8, 80 / 3.6
    line = make_line((1000.0, 1000.0 + d), line_speed_ms=v, acceleration=a, braking=b)
    train = replace(ideal_train(a, b, v), jerk_ms3=jerk)
    t = run_profile(line, train, conditions=DRY, allowance=0.0, step_m=2.0).running_s
    base = d / v + v / (2 * a) + v / (2 * b)

    def lag(rate):
        tau = rate / jerk
        return tau / 2 - rate * tau**2 / (24 * v)

    # 1.1263 s at 0.5 m/s³, 0.7036 s at 0.8 m/s³; the rate changes at cruising speed fall off the grid
    assert t - base == pytest.approx(lag(a) + lag(b), abs=_grid_lag(a, b, v, 2.0))


# --- adhesion limits as values ---------------------------------------------------------------------------
# An ideal train (no resistance, jerk or force limit) between stops 2 km apart at 20 m/s, the ATO rates 1 m/s².
# On μ = 0.05 the force at the wheel is capped at μ·g·(axle share)·m, and that force moves the translating mass
# m and the rotating tare λ·m_tare: the rate is μ·g·share·m/m_eff.  With half the axles (braked or driven):
#   λ = 0,    empty:          0.05 × 9.80665 × 0.5                       = 0.24517 m/s², 20²/(2·0.24517) = 815.8 m
#   λ = 0.08, empty:          0.24517 × 120 t / 129.6 t                   = 0.22701 m/s²,                   881.0 m
#   λ = 0.08, 300 passengers: 0.24517 × (120 + 21) t / (129.6 + 21) t     = 0.22954 m/s²,                   871.3 m
LOW_ADHESION_CASES = [(0.0, 0, 0.24516625, 815.8), (0.08, 0, 0.22700579, 881.0), (0.08, 300, 0.22953812, 871.3)]


def _adhesion_run(rotating, load, **conditions):
    line = make_line((1000.0, 3000.0), line_speed_ms=20.0, acceleration=1.0, braking=1.0)
    train = replace(ideal_train(1.0, 1.0, 20.0), driven_axle_share=0.5, braked_axle_share=0.5,
                    rotating_mass_factor=rotating)
    return run_profile(line, train, conditions=Conditions(**conditions), passengers=load, allowance=0.0, step_m=4.0)


@pytest.mark.parametrize("rotating, load, rate, stopping_m", LOW_ADHESION_CASES)
def test_braking_on_low_adhesion_as_a_stopping_distance(rotating, load, rate, stopping_m):
    m, m_eff = 120_000 + 70 * load, 120_000 * (1 + rotating) + 70 * load
    beta = 0.05 * G * 0.5 * m / m_eff
    assert beta == pytest.approx(rate, rel=1e-7) and 20**2 / (2 * beta) == pytest.approx(stopping_m, abs=0.05)
    p = _adhesion_run(rotating, load, adhesion_traction=1.0, adhesion_braking=0.05)
    to_go = p.position_m[-1] - p.position_m
    # beyond the 200 m of acceleration the speed is the line speed or the braking curve v = sqrt(2·β·s), whichever
    # is lower: the braking starts `stopping_m` before the stop, and the grid integrates it exactly
    beyond = p.position_m >= 200.0
    assert_allclose(p.speed_ms[beyond], np.minimum(20.0, np.sqrt(2 * beta * to_go[beyond])), rtol=1e-9, atol=1e-12)
    # the brakes hold exactly the adhesion's force μ·g·share·m (not m_eff) on every step after the onset
    braking = to_go[:-1] < stopping_m - 4.0
    assert_allclose(p.force_n[:-1][braking], -0.05 * G * 0.5 * m, rtol=1e-9)
    # t = d/v + v/(2a) + v/(2β); the onset of braking falls inside a 4 m step, taken at one constant rate:
    # at most dx²·β/(2v³) off
    assert p.running_s == pytest.approx(2000 / 20 + 20 / 2 + 20 / (2 * beta), abs=4.0**2 * beta / (2 * 20**3))


@pytest.mark.parametrize("rotating, load, rate, accelerating_m", LOW_ADHESION_CASES)
def test_traction_on_low_adhesion_as_an_acceleration(rotating, load, rate, accelerating_m):
    m, m_eff = 120_000 + 70 * load, 120_000 * (1 + rotating) + 70 * load
    alpha = 0.05 * G * 0.5 * m / m_eff
    p = _adhesion_run(rotating, load, adhesion_traction=0.05, adhesion_braking=1.0)
    # up to the line speed (reached `accelerating_m` from the start) v = sqrt(2·α·x); the last 200 m brake at 1 m/s²
    before = p.position_m <= 2000.0 - 200.0
    assert_allclose(p.speed_ms[before], np.minimum(20.0, np.sqrt(2 * alpha * p.position_m[before])), rtol=1e-9)
    starting = p.position_m[:-1] < accelerating_m - 4.0
    assert_allclose(p.force_n[:-1][starting], 0.05 * G * 0.5 * m, rtol=1e-9)
    assert p.running_s == pytest.approx(2000 / 20 + 20 / (2 * alpha) + 20 / 2, abs=4.0**2 * alpha / (2 * 20**3))


def test_a_train_that_cannot_climb_is_a_simulation_error():
    # μ = 0.05 on every axle gives 0.05 g = 0.49 m/s²; a 10 % climb asks 0.98 m/s²
    train = ideal_train(1.0, 1.0, 20.0)
    weak = Conditions(adhesion_traction=0.05, adhesion_braking=1.0)
    climb = make_line((1000.0, 3000.0), gradients=[(0.0, 4000.0, 0.1)])
    with pytest.raises(SimulationError, match="^the train cannot start: traction is below resistance and gradient$"):
        run_profile(climb, train, conditions=weak)
    # starting on the level it gets up to about 8 m/s in the 70 m before the climb, then stalls on it
    later = make_line((1000.0, 3000.0), gradients=[(1100.0, 2900.0, 0.1)])
    with pytest.raises(SimulationError, match="^the train stalls: traction is below resistance and gradient$"):
        run_profile(later, train, conditions=weak)
    # and with μ = 0.15 (1.47 m/s² at most) it climbs at its ATO rate of 1 m/s² plus the gradient
    run_profile(later, train, conditions=Conditions(adhesion_traction=0.15, adhesion_braking=1.0))


def test_jerk_ramps_longer_than_a_step_mirror_the_start_and_the_stop():
    # At 0.1 m/s³ the ramp to 1 m/s² lasts 10 s and 16.7 m: several grid steps.  A start from rest and a stop
    # at the same rate and jerk are mirror images of each other (time reversal), so the speeds on the grid are
    # too, point for point; the first step is the ramp's closed form: t = (6·dx/j)^(1/3), v = j·t²/2.
    jerk, dx = 0.1, 2.0
    line = make_line((1000.0, 3000.0), line_speed_ms=20.0, acceleration=1.0, braking=1.0)
    p = run_profile(line, replace(ideal_train(1.0, 1.0, 20.0), jerk_ms3=jerk), conditions=DRY, allowance=0.0,
                    step_m=dx)
    t1 = (6 * dx / jerk) ** (1 / 3)  # 4.932 s
    assert p.time_s[1] == pytest.approx(t1, rel=1e-12)
    assert p.speed_ms[1] == pytest.approx(jerk * t1**2 / 2, rel=1e-12)  # 1.216 m/s
    assert p.time_s[-1] - p.time_s[-2] == pytest.approx(t1, rel=1e-12)
    assert_allclose(p.speed_ms, p.speed_ms[::-1], rtol=1e-12, atol=1e-12)
    # each ramp costs tau/2 - a·tau²/(24 v) = 5 - 0.208 s; beyond its first step the grid takes the ramp with
    # Δt ≈ Δx/v, first order where v -> 0, about 8 % short of it at this jerk
    lag = 2 * (10 / 2 - 1.0 * 10**2 / (24 * 20))
    assert p.running_s - (2000 / 20 + 20 / 2 + 20 / 2) == pytest.approx(lag, rel=0.1)
    # a ramp shorter than the step (0.8 m/s³: 1.25 s, 0.26 m) ends inside the first step, exactly:
    # v = sqrt(v_r² + 2a(dx - x_r)) with v_r = a·tau/2 = 0.625 m/s, x_r = j·tau³/6; t = tau + (v - v_r)/a
    p = run_profile(line, replace(ideal_train(1.0, 1.0, 20.0), jerk_ms3=0.8), conditions=DRY, allowance=0.0,
                    step_m=dx)
    tau, v_r, x_r = 1.25, 0.625, 0.8 * 1.25**3 / 6
    v1 = math.sqrt(v_r**2 + 2 * (dx - x_r))
    assert (p.speed_ms[1], p.time_s[1]) == pytest.approx((v1, tau + v1 - v_r), rel=1e-12)


@pytest.mark.parametrize("kw, message", [
    (dict(direction="sideways"), "direction must be 'up' or 'down', got 'sideways'"),
    (dict(passengers=-1.0), "passengers must be >= 0, got -1.0"),
    (dict(allowance=0.51), "allowance must be a fraction in [0, 0.5], got 0.51"),
    (dict(allowance=-0.01), "allowance must be a fraction in [0, 0.5], got -0.01"),
    (dict(stops=[2]), "a run needs at least two stops"),
    (dict(stops=[1, 1]), "stops [1, 1] are not in up order"),
    (dict(stops=[2, 1, 3]), "stops [2, 1, 3] are not in up order"),
    (dict(stops=[1, 3, 2]), "stops [1, 3, 2] are not in up order"),
    (dict(stops=[1, 2], direction="down"), "stops [1, 2] are not in down order"),
])
def test_run_profile_refuses_what_it_cannot_run(kw, message):
    line = make_line((1000.0, 2000.0, 3000.0))
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        run_profile(line, make_train(), **kw)


def test_a_one_metre_shunt_on_the_four_step_minimum():
    # stops 1 m apart: at least 4 steps (0.25 m); a = b = 1 m/s² peak at v = sqrt(2·0.5·1) = 1 m/s mid-way,
    # t = 1 s + 1 s; the speeds sqrt(2·1·x) = 0, 0.707, 1, 0.707, 0 on the grid
    line = make_line((1000.0, 1001.0))
    p = run_profile(line, ideal_train(1.0, 1.0, 20.0), conditions=DRY, allowance=0.0)
    assert_allclose(p.position_m, [0.0, 0.25, 0.5, 0.75, 1.0], rtol=1e-12)
    assert_allclose(p.speed_ms, [0.0, math.sqrt(0.5), 1.0, math.sqrt(0.5), 0.0], rtol=1e-9, atol=1e-12)
    assert p.running_s == pytest.approx(2.0, rel=1e-9)
    assert p.total_s(30.0) == p.running_s  # no intermediate stop, no dwell


def test_speed_limits_hold_over_the_whole_train_in_both_directions():
    # line speed 20 m/s and a 25 m/s train, given as integers: restrictions below them are not truncated
    line = replace(make_line((1000.0, 4000.0), line_speed_ms=20), speed_limits=(
        SpeedLimit(start_m=1000.0, end_m=1300.0, limit_ms=10.0),
        SpeedLimit(start_m=2500.0, end_m=2600.0, limit_ms=15.0, direction="down"),
        SpeedLimit(start_m=3000.0, end_m=3100.0, limit_ms=12.5, direction="up")))
    train = make_train(length_m=60.0, max_speed_ms=25)
    # up, s = chainage: from the head at the start until the tail (60 m behind) clears the end
    s = np.array([999.0, 1000.0, 1359.0, 1360.0, 2550.0, 2999.0, 3000.0, 3159.0, 3160.0])
    assert_allclose(speed_limit_profile(line, train, "up", s), [20, 10, 10, 20, 20, 20, 12.5, 12.5, 20], rtol=1e-15)
    assert_allclose(speed_limit_profile(line, train, "up", s, whole_train=False),
                    [20, 10, 20, 20, 20, 20, 12.5, 20, 20], rtol=1e-15)
    assert_allclose(speed_limit_profile(line, train, "up", np.array([1299.0, 1300.0]), whole_train=False), [10, 20])
    # down, s = end − chainage = 5000 − c: 1000-1300 m is s 3700-4000, 2500-2600 m (down only) is s 2400-2500
    s = np.array([2399.0, 2400.0, 2559.0, 2560.0, 1900.0, 3699.0, 3700.0, 4059.0, 4060.0])
    assert_allclose(speed_limit_profile(line, train, "down", s), [20, 15, 15, 20, 20, 20, 10, 10, 20], rtol=1e-15)
    # the conditions add a line-wide cap and restrictions of their own
    windy = Conditions(speed_cap_ms=18.0, speed_limits=(SpeedLimit(start_m=2000.0, end_m=2100.0, limit_ms=5.5),))
    assert_allclose(speed_limit_profile(line, train, "up", np.array([1500.0, 2050.0, 2160.0, 3050.0]), windy),
                    [18, 5.5, 18, 12.5], rtol=1e-15)


# Restrictions over the arrival platforms, one for each direction: 10 m/s up into S2 (3700-4000 m), 8 m/s down
# into S1 (1000-1300 m); a = 0.5, b = 1 m/s², v = 20 m/s, 2 m steps.
# up (head 1030 -> 4030): 0 -> 20 m/s in 400 m, 40 s; cruise 1430 -> 3550: 2120 m, 106 s; 20 -> 10 in 150 m, 10 s;
#   10 m/s from 3700 to 3980: 280 m, 28 s; 10 -> 0 in 50 m, 10 s: 194 s
# down (head 3970 -> 970): 40 s; cruise 3570 -> 1468: 2102 m, 105.1 s; 20 -> 8 in 168 m, 12 s;
#   8 m/s from 1300 to 1002: 298 m, 37.25 s; 8 -> 0 in 32 m, 8 s: 202.35 s
RESTRICTIONS = (SpeedLimit(start_m=1000.0, end_m=1300.0, limit_ms=8.0, direction="down"),
                SpeedLimit(start_m=3700.0, end_m=4000.0, limit_ms=10.0, direction="up"))
RESTRICTED = {"up": 194.0, "down": 202.35}


@pytest.mark.parametrize("direction", ["up", "down"])
@pytest.mark.parametrize("source", ["line", "conditions"])
def test_restrictions_into_the_platforms_match_the_closed_form(direction, source):
    line = make_line((1000.0, 4000.0), line_speed_ms=20.0, acceleration=0.5, braking=1.0)
    conditions = DRY
    if source == "line":
        line = replace(line, speed_limits=RESTRICTIONS)
    else:
        conditions = replace(DRY, speed_limits=RESTRICTIONS)
    p = run_profile(line, ideal_train(0.5, 1.0, 20.0), direction=direction, conditions=conditions, allowance=0.0,
                    step_m=2.0)
    assert p.running_s == pytest.approx(RESTRICTED[direction], rel=1e-9)


def test_run_both_runs_each_direction_with_the_arguments_given():
    line = replace(make_line((1000.0, 4000.0), line_speed_ms=20.0, acceleration=0.5, braking=1.0),
                   speed_limits=RESTRICTIONS)
    both = run_both(line, ideal_train(0.5, 1.0, 20.0), conditions=DRY, allowance=0.0, step_m=2.0, passengers=100)
    assert sorted(both) == ["down", "up"]
    for direction, p in both.items():
        assert (p.direction, p.passengers, p.stops) == (direction, 100, (1, 2) if direction == "up" else (2, 1))
        assert p.running_s == pytest.approx(RESTRICTED[direction], rel=1e-9)


def test_davis_gradient_and_curve_forces_as_values():
    # cruising at 20 m/s on a 1 % climb in a 400 m radius curve, the whole train inside both, with 100 passengers
    # (m = 127 t): A·m + B·m·v + C·v² + m·g·i + m·g·k/(1000·R)
    #   = 1905 + 5080 + 2160 + 12454.4 + 1868.2 = 23467.6 N
    line = replace(make_line((1000.0, 4000.0), line_speed_ms=20.0, gradients=[(1500.0, 4500.0, 0.01)]),
                   curves=(Curve(start_m=1500.0, end_m=3500.0, radius_m=400.0),))
    train = replace(ideal_train(1.0, 1.0, 20.0), davis_a_n_per_kg=0.015, davis_b_n_per_kg_ms=0.002,
                    davis_c_n_per_ms2=5.4, curve_resistance_k_m=600.0, rotating_mass_factor=0.08)
    p = run_profile(line, train, conditions=DRY, passengers=100, allowance=0.0, step_m=4.0)
    m = 127_000.0
    expected = 0.015 * m + 0.002 * m * 20 + 5.4 * 20**2 + m * G * 0.01 + m * G * 600 / 1000 / 400
    assert expected == pytest.approx(23467.6, abs=0.1)
    cruise = (p.chainage_m[:-1] >= 1560.0) & (p.chainage_m[:-1] <= 3496.0)
    assert cruise.sum() > 400 and (p.speed_ms[:-1][cruise] == 20.0).all()
    assert_allclose(p.force_n[:-1][cruise], expected, rtol=1e-9)
    # the brakes hold the ATO rate on the climb: the brakes give what the climb and the resistance do not, and
    # the train stops along v = sqrt(2·1·s) exactly
    to_go = p.position_m[-1] - p.position_m
    final = to_go < 200.0
    assert_allclose(p.speed_ms[final], np.sqrt(2 * 1.0 * to_go[final]), rtol=1e-9, atol=1e-12)


def test_on_a_steep_climb_gravity_alone_slows_a_gently_braking_train():
    # ATO braking 0.3 m/s², a 6 % climb into the stop: gravity alone decelerates at g·0.06 = 0.588 m/s², the
    # brakes are off, and the train stops along v = sqrt(2·0.588·s)
    line = make_line((1000.0, 3000.0), line_speed_ms=20.0, braking=0.3, gradients=[(1500.0, 4000.0, 0.06)])
    p = run_profile(line, ideal_train(1.0, 0.3, 20.0), conditions=DRY, allowance=0.0, step_m=4.0)
    to_go = p.position_m[-1] - p.position_m
    final = to_go < 300.0  # 20²/(2·0.588) = 340 m
    assert_allclose(p.speed_ms[final], np.sqrt(2 * G * 0.06 * to_go[final]), rtol=1e-9, atol=1e-12)


def test_dry_rail_adhesion_follows_curtius_kniffler_by_speed():
    # a tenth of the axles driven and braked: μ(v)·g·0.1 = 0.22-0.33 m/s² binds below the ATO's 1 m/s², and
    # μ(v) = 7.5/(3.6 v + 44) + 0.161 at the speed of each step (traction at its start, braking at its end)
    line = make_line((1000.0, 4000.0), line_speed_ms=20.0)
    train = replace(ideal_train(1.0, 1.0, 20.0), driven_axle_share=0.1, braked_axle_share=0.1)
    p = run_profile(line, train, allowance=0.0, step_m=4.0)
    weight = 120_000 * G * 0.1
    mu = 7.5 / (3.6 * p.speed_ms + 44) + 0.161
    f, v = p.force_n[:-1], p.speed_ms
    starting = (f > 0) & (v[1:] < 20.0)
    stopping = (f < 0) & (v[:-1] < 20.0)
    assert starting.sum() > 100 and stopping.sum() > 100
    assert_allclose(f[starting], mu[:-1][starting] * weight, rtol=1e-9)
    assert_allclose(f[stopping], -mu[1:][stopping] * weight, rtol=1e-9)


def test_profile_arrays_hand_worked_over_two_runs():
    # S1 -> S2 -> S3, 2 km apart: a = b = 1 m/s² to 20 m/s: 200 m and 20 s each way, 120 s a run.  λ = 0.08,
    # no resistance: the traction work is the kinetic energy of the effective mass, m_eff·v²/2 = 25.92 MJ a run
    line = make_line((1000.0, 3000.0, 5000.0), line_speed_ms=20.0)
    train = replace(ideal_train(1.0, 1.0, 20.0), rotating_mass_factor=0.08)
    p = run_profile(line, train, conditions=DRY, allowance=0.0)  # the default step: 4 m
    m_eff = 129_600.0
    assert p.passengers == 0.0 and len(p.position_m) == 4000 // 4 + 1
    assert p.stop_index == (0, 500, 1000) and p.stops == (1, 2, 3)
    assert_allclose(p.position_m[list(p.stop_index)], [0.0, 2000.0, 4000.0], rtol=1e-12, atol=0)
    assert_allclose(p.time_s[list(p.stop_index)], [0.0, 120.0, 240.0], rtol=1e-9, atol=0)
    assert p.total_s(30.0) == pytest.approx(240.0 + 30.0, rel=1e-9)
    assert [s.run_s for s in p.segments] == pytest.approx([120.0, 120.0], rel=1e-9)
    kinetic_j = m_eff * 20.0**2 / 2
    assert [s.energy_kwh for s in p.segments] == pytest.approx([kinetic_j / 3.6e6] * 2, rel=1e-9)
    assert p.energy_j.dtype == np.float64 and p.energy_j[0] == 0.0
    assert_allclose(p.energy_j[list(p.stop_index)], [0.0, kinetic_j, 2 * kinetic_j], rtol=1e-9)
    assert p.energy_kwh == pytest.approx(2 * kinetic_j / 3.6e6, rel=1e-9)
    # per step: +1 m/s² accelerating (force m_eff·a, power force × mean speed), 0 cruising, −1 braking
    x = p.position_m % 2000.0
    accelerating = (x < 200.0) & (p.position_m < 4000.0)
    braking = x >= 1800.0
    assert_allclose(p.accel_ms2[accelerating], 1.0, rtol=1e-9)
    assert_allclose(p.accel_ms2[braking], -1.0, rtol=1e-9)
    assert (p.accel_ms2[~accelerating & ~braking] == 0.0).all() and p.accel_ms2[-1] == 0.0
    assert_allclose(p.force_n[accelerating], m_eff, rtol=1e-9)
    mean_speed = (p.speed_ms[:-1] + p.speed_ms[1:]) / 2
    assert_allclose(p.power_w[:-1][accelerating[:-1]], m_eff * mean_speed[accelerating[:-1]], rtol=1e-9)
    assert (p.power_w[:-1][braking[:-1]] == 0.0).all()
    assert p.force_n[-1] == 0.0 and p.power_w[-1] == 0.0
    # only the stops asked for, and the CBTC braking-rate factor scales the ATO braking
    skip = run_profile(line, train, conditions=DRY, allowance=0.0, stops=[1, 3])
    assert skip.stops == (1, 3) and skip.running_s == pytest.approx(4000 / 20 + 20, rel=1e-9)
    slow = run_profile(line, train, conditions=replace(DRY, braking_rate_factor=0.5), allowance=0.0, stops=[1, 2])
    assert slow.running_s == pytest.approx(2000 / 20 + 20 / 2 + 20 / (2 * 0.5), rel=1e-9)
    # runs of other lengths take other steps (1998 m: 500 steps of 3.996 m): the same kinetic energy for each
    uneven = run_profile(make_line((1000.0, 3000.0, 4998.0), line_speed_ms=20.0), train, conditions=DRY,
                         allowance=0.0)
    assert uneven.energy_j[-1] == pytest.approx(2 * kinetic_j, rel=1e-9)


# --- the running-time allowance, driven by coasting --------------------------------------------------------
COAST = 0.04  # [N/kg] Davis A of a train with no other resistance: it coasts at a constant 0.04 m/s²


def _coasting_time(x0, d, a=1.0, b=1.0, v=20.0, c=COAST):
    """Closed form: accelerate at a (to v at most) until x0, coast at −c, brake at b into the stop d away [s]."""
    v0 = min(v, math.sqrt(2 * a * x0))
    t = v0 / a + (x0 - v**2 / (2 * a)) / v if v0 == v else v0 / a
    x_meet = (2 * b * d - v0**2 - 2 * c * x0) / (2 * b - 2 * c)  # v0² − 2c(x − x0) = 2b(d − x)
    v_meet = math.sqrt(2 * b * (d - x_meet))
    return t + (v0 - v_meet) / c + v_meet / b, v_meet


@pytest.mark.parametrize("d, allowance", [(2000.0, 0.04), (2000.0, 0.03), (2000.0, 0.05), (2000.0, 0.07),
                                          (2000.0, 0.1), (2000.0, 0.5), (392.0, 0.2)])
def test_allowance_is_coasting_from_the_earliest_point_that_keeps_the_time(d, allowance):
    # flat out: 2000 m at 20 m/s in 120 s; 392 m peaks at sqrt(392) = 19.8 m/s 196 m out (on the grid), 39.6 s
    line = make_line((1000.0, 1000.0 + d), line_speed_ms=20.0)
    train = replace(ideal_train(1.0, 1.0, 20.0), davis_a_n_per_kg=COAST)
    dx = 4.0
    p = run_profile(line, train, conditions=DRY, allowance=allowance, step_m=dx)
    t_min = 2000 / 20 + 20 / 2 + 20 / 2 if d == 2000.0 else 2 * math.sqrt(392.0)
    assert p.min_running_s == pytest.approx(t_min, rel=1e-9)
    # the coasting steps carry exactly no force, and the speed falls as v² = v0² − 2·c·(x − x0) on them
    coasting = np.nonzero(p.force_n[:-1] == 0.0)[0]
    k0, k1 = coasting[0], coasting[-1] + 1
    assert (np.diff(coasting) == 1).all() and (p.force_n[:k0] > 0).all() and (p.force_n[k1:-1] < 0).all()
    x0, v0 = p.position_m[k0], p.speed_ms[k0]
    x = p.position_m[k0:k1 + 1]
    assert_allclose(p.speed_ms[k0:k1 + 1], np.sqrt(v0**2 - 2 * COAST * (x - x0)), rtol=1e-12)
    to_go = p.position_m[k1 + 1:]
    assert_allclose(p.speed_ms[k1 + 1:], np.sqrt(2 * 1.0 * (d - to_go)), rtol=1e-9, atol=1e-12)
    # the run keeps (1 + allowance) × flat out, and coasting one step earlier would not: the bisection found the
    # earliest coasting point on the grid.  The closed form holds to the grid's bound on the step where the coast
    # meets the braking curve.
    target = (1 + allowance) * t_min
    t_here, v_meet = _coasting_time(x0, d)
    eps = (1.0 + COAST) * dx**2 / (2 * v_meet**3)
    assert p.running_s <= target * (1 + 1e-12)
    assert p.running_s == pytest.approx(t_here, abs=eps)
    assert _coasting_time(x0 - dx, d)[0] > target + eps
    assert p.segments[0].run_s == pytest.approx(p.running_s, rel=1e-12)
    assert p.segments[0].min_run_s == pytest.approx(t_min, rel=1e-9)


def test_coasting_down_a_descent_keeps_to_the_speed_limit():
    # on a 2 % descent gravity (0.196 m/s²) beats the coasting resistance (0.04): a coasting train speeds up
    # at 0.156 m/s² until the limit, where it is held
    line = make_line((1000.0, 3000.0), line_speed_ms=20.0, gradients=[(0.0, 4000.0, -0.02)])
    train = replace(ideal_train(1.0, 1.0, 20.0), davis_a_n_per_kg=COAST)
    p = run_profile(line, train, conditions=DRY, allowance=0.05, step_m=4.0)
    assert (p.speed_ms <= p.limit_ms).all()
    coasting = np.nonzero(p.force_n[:-1] == 0.0)[0]
    k0, x0 = coasting[0], p.position_m[coasting[0]]
    gaining = k0 + np.nonzero(p.speed_ms[k0:] >= 20.0)[0][0]
    x = p.position_m[k0:gaining]
    assert gaining > k0 + 10
    assert_allclose(p.speed_ms[k0:gaining], np.sqrt(p.speed_ms[k0]**2 + 2 * (G * 0.02 - COAST) * (x - x0)), rtol=1e-12)
    assert p.running_s <= 1.05 * p.min_running_s * (1 + 1e-12)


def test_leaving_a_restriction_and_the_jerk_of_the_re_acceleration():
    # Both directions held at 10 m/s over 1000-1300 m (S1's platform); a = 0.5, b = 1 m/s², v = 20 m/s, 2 m steps.
    # up: 0 -> 10 m/s in 100 m, 20 s; 10 m/s until the tail clears 1300 m (head 1360): 230 m, 23 s; 10 -> 20 in
    # 300 m, 20 s; cruise 1660 -> 3830: 2170 m, 108.5 s; 20 -> 0 in 200 m, 20 s: 191.5 s
    line = make_line((1000.0, 4000.0), line_speed_ms=20.0, acceleration=0.5, braking=1.0,
                     limits=[(1000.0, 1300.0, 10.0)])
    dx, v_r, v = 2.0, 10.0, 20.0
    t = run_profile(line, ideal_train(0.5, 1.0, v), conditions=DRY, allowance=0.0, step_m=dx).running_s
    # The grid takes the limit at the end of each step, so the train leaves the restriction up to one step early
    # (the last step inside, where the tail has not cleared, already accelerates): up to dx·(1/v_r − 1/v) = 0.1 s
    # faster, never slower
    assert 191.5 - dx * (1 / v_r - 1 / v) - 1e-9 <= t <= 191.5 + 1e-9
    # With a jerk limit the start (to 10 m/s), the re-acceleration at 10 m/s and the stop each cost their lag.  A
    # ramp from a cruise at v_r delays the train by tau/2 there, which at v is tau·(v − v_r)/(2v) − a·tau²/(24 v);
    # from a standstill (v_r = 0) tau/2 − a·tau²/(24 v).  The start and stop ramps end inside one step (exact); the
    # re-acceleration's spans steps of dx/v_r = 0.2 s, each taken at its final acceleration: at most
    # (dx/v_r)·(v − v_r)/(2v) = 0.05 s short.
    jerk = 0.8
    t_jerk = run_profile(line, replace(ideal_train(0.5, 1.0, v), jerk_ms3=jerk), conditions=DRY, allowance=0.0,
                         step_m=dx).running_s
    tau_a, tau_b = 0.5 / jerk, 1.0 / jerk
    start = tau_a / 2 - 0.5 * tau_a**2 / (24 * v_r)
    stop = tau_b / 2 - 1.0 * tau_b**2 / (24 * v)
    again = tau_a * (v - v_r) / (2 * v) - 0.5 * tau_a**2 / (24 * v)  # 0.156 s
    assert again - (dx / v_r) * (v - v_r) / (2 * v) <= t_jerk - t - start - stop <= again
