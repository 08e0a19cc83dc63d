"""Minimum headway against hand-worked TCQSM arithmetic, and its sensitivities."""

from __future__ import annotations

import json
import math

import pytest
from conftest import ideal_train, make_line, make_train, replace

from lrt.cli import main
from lrt.conditions import Conditions
from lrt.headway import (Signalling, available_acceleration, close_in_time, guaranteed_braking, headway_report,
                         line_separation, station_close_in, terminal_headway)
from lrt.network import SpeedLimit, Terminal
from lrt.runtime import run_both

SIG = Signalling()


def test_close_in_time_hand_worked_example():
    # L = 60 m, P_mb = 50 m, a = d = 1.0 m/s², K = 0.75, t_os + t_jl + t_br = 3 + 0.5 + 1.5 s
    # v_a = 40 km/h = 11.111 m/s: sqrt(2*110/1) = 14.832; + 5; + 11.111/1 = 11.111; + 11.111/2*(1/0.75-1) = 1.852
    t40 = close_in_time(length_m=60, approach_ms=40 / 3.6, accel_ms2=1.0, decel_ms2=1.0, k=0.75, sig=SIG)
    assert t40 == pytest.approx(math.sqrt(220) + 5 + 40 / 3.6 + 40 / 3.6 / 2 * (1 / 0.75 - 1), rel=1e-12)
    assert t40 == pytest.approx(14.832 + 5 + 11.111 + 1.852, abs=0.001)
    # v_a = 80 km/h = 22.222 m/s: 14.832 + 5 + 22.222 + 3.704 = 45.758
    t80 = close_in_time(length_m=60, approach_ms=80 / 3.6, accel_ms2=1.0, decel_ms2=1.0, k=0.75, sig=SIG)
    assert t80 == pytest.approx(math.sqrt(220) + 5 + 80 / 3.6 + 80 / 3.6 / 2 * (1 / 0.75 - 1), rel=1e-12)
    assert t80 == pytest.approx(45.758, abs=0.001)
    # TCQSM station headway with dwell 30 s and operating margin 20 s: 83 to 96 s (reference worked example)
    assert t40 + 30 + 20 == pytest.approx(82.8, abs=0.1)
    assert t80 + 30 + 20 == pytest.approx(95.8, abs=0.1)


def test_line_separation_hand_worked():
    # v = 20 m/s, d = 1, K = 0.75: (60 + 50 + 20²/(2*1*0.75) + 20*5) / 20 = (110 + 266.67 + 100) / 20 = 23.83 s
    sep = line_separation([20.0], length_m=60, decel_ms2=1.0, k=0.75, sig=SIG)[0]
    assert sep == pytest.approx((110 + 400 / 1.5 + 100) / 20, rel=1e-12)
    assert sep == pytest.approx(23.833, abs=0.001)


def test_shipped_line_headway_capacity_and_fleet(astana):
    line, train = astana
    r = headway_report(line, train)
    assert r.critical.kind == "terminal"  # terminals, not the line, limit capacity
    assert 120 <= r.min_headway_s <= 170
    stations = [loc for loc in r.locations if loc.kind == "station"]
    assert len(stations) == 2 * 16
    # every station: close-in + dwell + margin, and the close-in inside the TCQSM range for 40-80 km/h at 0.8 m/s²
    for loc in stations:
        assert loc.headway_s == pytest.approx(loc.detail["close_in_s"] + loc.detail["dwell_s"] + 20, abs=0.06)
        assert 33 <= loc.detail["close_in_s"] <= 60
    assert r.capacity_trains_per_hour == pytest.approx(3600 / r.min_headway_s)
    assert r.capacity_pphpd == pytest.approx(r.capacity_trains_per_hour * 652)
    # cycle = both one-way times with dwells + both turnbacks; fleet-limited = cycle / (19 - 2)
    assert r.cycle_time_s == pytest.approx(r.one_way_s["up"] + r.one_way_s["down"] + 2 * 180)
    assert r.trains_in_service == 17
    assert r.fleet_limited_headway_s == pytest.approx(r.cycle_time_s / 17)
    assert 4.75 * 60 <= r.fleet_limited_headway_s <= 5.25 * 60  # "4-5 min" published, ~5 min with 17 trains


def test_terminal_turnback_structure(astana):
    line, train = astana
    two = headway_report(line, train)
    one = headway_report(line, train, platform_tracks={118: 1})
    t2 = next(loc for loc in two.locations if loc.kind == "terminal" and loc.location == "Nurly Zhol")
    t1 = next(loc for loc in one.locations if loc.kind == "terminal" and loc.location == "Nurly Zhol")
    d = t1.detail
    switching = 6 + 3  # switch throw + sensing
    # one platform: arrival + switching + layover + departure clear, all in one headway
    assert t1.headway_s == pytest.approx(d["arrival_s"] + switching + 180 + d["departure_clear_s"] + 20, abs=0.2)
    # two platforms share that work between two headways, unless the crossover itself controls
    assert t2.headway_s == pytest.approx(max(t2.detail["crossover_s"], (t1.headway_s - 20) / 2) + 20, abs=0.2)
    assert one.min_headway_s > 1.8 * two.min_headway_s
    assert one.critical.location == "Nurly Zhol"


@pytest.mark.parametrize("conditions", [Conditions(braking_rate_factor=0.7), Conditions(adhesion_traction=0.07,
                                                                                         adhesion_braking=0.07)])
def test_worse_braking_or_adhesion_lengthens_headways(astana, conditions):
    line, train = astana
    base = headway_report(line, train)
    worse = headway_report(line, train, conditions=conditions)
    for a, b in zip(base.locations, worse.locations):
        assert b.headway_s >= a.headway_s - 1e-9, (a, b)
    assert worse.min_headway_s > base.min_headway_s
    assert worse.cycle_time_s >= base.cycle_time_s


def test_more_reserve_trains_lengthen_the_fleet_limited_headway(astana):
    line, train = astana
    r2 = headway_report(line, train, reserve=2)
    r5 = headway_report(line, train, reserve=5)
    assert r5.fleet_limited_headway_s == pytest.approx(r2.cycle_time_s / 14)
    assert math.isclose(r5.cycle_time_s, r2.cycle_time_s)


def test_cli_json_has_the_documented_fields(capsys):
    assert main(["headway", "--format", "json", "--dwell", "30", "--reserve", "3"]) == 0
    r = json.loads(capsys.readouterr().out)
    for key in ("min_headway_s", "critical", "capacity_trains_per_hour", "capacity_pphpd", "cycle_time_s",
                "trains_in_service", "fleet_limited_headway_s", "locations", "sensitivity"):
        assert key in r
    assert r["trains_in_service"] == 16
    assert r["critical"]["kind"] in ("station", "line", "terminal") and r["critical"]["location"]
    stations = [loc for loc in r["locations"] if loc["kind"] == "station"]
    assert all(loc["dwell_s"] == 30 for loc in stations)
    factors = [row["min_headway_s"] for row in r["sensitivity"]["braking_rate_factor"]]
    assert factors == sorted(factors)  # lower guaranteed braking, longer headway


def test_cli_bad_reserve(capsys):
    assert main(["headway", "--reserve", "19"]) == 2
    assert capsys.readouterr().err == "error: --reserve: command line: 19, expected 0 to 18 trains\n"


# --- hand-worked headways on tiny lines -------------------------------------------------------------------
# An ideal train (no resistance, no rotating mass, no jerk) accelerates at a = 0.625 and brakes at b = 1.25 m/s²
# to v = 20 m/s: 320 m and 32 s to accelerate, 160 m and 16 s to brake; stations 2 km apart take
# 32 + (2000 - 480)/20 + 16 = 124 s.  The train (60 m) stops centred on the platform, its head 30 m past the
# station; on the 4 m grid the queried chainages fall on grid points or in the cruise, where the profile's time
# is exact (tests/test_runtime.py), so the expected values below hold to round-off.
A, B, V = 0.625, 1.25, 20.0
K = 0.8  # 2·d·K = 2 m/s²
SIG_T = Signalling(safety_margin_m=15.0, sensing_s=2.0, jerk_s=0.7, brake_reaction_s=1.3, operating_margin_s=25.0)
REACTION = 2.0 + 0.7 + 1.3
COND = Conditions(name="tested", braking_safety_factor=K, dwell_factor=1.2, capacity_factor=0.9)


def tiny_line(stations_m, crossovers_m, *, line_speed_ms=V, limits=()):
    """A make_line with a terminus at each end, its scissors crossover at ``crossovers_m`` (6.5 m/s, 6 s throw)."""
    first, last = crossovers_m
    terminals = tuple(Terminal(station=code, arrangement="scissors crossover before the platforms", platform_tracks=2,
                               crossover_chainage_m=x, crossover_speed_ms=6.5, switch_throw_s=6.0)
                      for code, x in ((1, first), (len(stations_m), last)))
    line = make_line(stations_m, line_speed_ms=line_speed_ms, acceleration=A, braking=B, dwell=30.0)
    return replace(line, terminals=terminals, speed_limits=tuple(limits))


LINE_A = tiny_line((1000.0, 3000.0, 5000.0), (1190.0, 4810.0))  # symmetric: S1 mirrors S3
TRAIN_A = ideal_train(A, B, V)


def _terminal_a():
    # Arrival (up) at S3: the head stops at 5030 at t = 2 × 124 = 248 s.  Crossover 4810 ± 60 m.
    setting = 6.5**2 / (2 * B * K) + 15 + 6.5 * REACTION  # 21.125 + 15 + 26 = 62.125 m
    t_route = 248 - 16 - ((5030 - (4750 - setting)) - 160) / 20  # 342.125 m before the stop: cruising, 222.894 s
    t_clear = 248 - math.sqrt(2 * (5030 - (4870 + 60)) / B)  # tail clears 4870: head 100 m before the stop, braking
    t_out = math.sqrt(2 * (4970 - (4810 - 60 - 60)) / A)  # departing (down) from 4970: 280 m, still accelerating
    switching = 6 + 2  # switch throw + sensing
    return 248 - t_route, t_clear - t_route, t_out, switching


def test_terminal_turnback_hand_worked_on_a_tiny_line():
    t_in, t_cross, t_out, switching = _terminal_a()  # 25.106, 12.457, 29.933, 8 s
    h_crossover = t_cross + t_out + 2 * switching  # 58.390 s
    h_platform = (t_in + switching + 180 + t_out) / 2  # 121.520 s: the two platforms control
    r = headway_report(LINE_A, TRAIN_A, conditions=COND, sig=SIG_T)
    for station in ("S3", "S1"):  # the line is symmetric: the Airport-end terminus works out the same
        loc = next(loc for loc in r.locations if loc.kind == "terminal" and loc.location == station)
        assert loc.direction == "turnback"
        assert loc.headway_s == pytest.approx(h_platform + 25, rel=1e-9)
        assert loc.detail == {"platform_tracks": 2, "crossover_s": 58.4, "platform_s": 121.5, "arrival_s": 25.1,
                              "arrival_cross_s": 12.5, "departure_clear_s": 29.9, "turnback_s": 180.0,
                              "controls": "platforms"}
        assert (round(h_crossover, 1), round(h_platform, 1), round(t_in, 1), round(t_cross, 1), round(t_out, 1)) == (
            58.4, 121.5, 25.1, 12.5, 29.9)
    assert r.critical.kind == "terminal" and r.min_headway_s == pytest.approx(h_platform + 25, rel=1e-9)
    assert r.turnback_s == {1: 180.0, 3: 180.0}


@pytest.mark.parametrize("station, arriving, departing", [(3, "up", "down"), (1, "down", "up")])
def test_terminal_crossover_or_one_platform_controls(station, arriving, departing):
    t_in, t_cross, t_out, switching = _terminal_a()
    profiles = run_both(LINE_A, TRAIN_A, conditions=COND, passengers=652)
    kw = dict(station=station, decel_ms2=B, k=K, sig=SIG_T)
    # no layover: (25.106 + 8 + 29.933)/2 = 31.5 s on the platforms, the crossover's 58.390 s controls
    quick = terminal_headway(LINE_A, TRAIN_A, profiles[arriving], profiles[departing], turnback_s=0.0, **kw)
    assert quick.headway_s == pytest.approx(t_cross + t_out + 2 * switching + 25, rel=1e-9)
    assert quick.detail["controls"] == "crossover" and quick.detail["platform_s"] == 31.5
    # one platform: arrival, switching, layover and departure all in one headway
    one = terminal_headway(LINE_A, TRAIN_A, profiles[arriving], profiles[departing], turnback_s=180.0,
                           platform_tracks=1, **kw)
    assert one.headway_s == pytest.approx(t_in + switching + 180 + t_out + 25, rel=1e-9)
    assert (one.detail["platform_tracks"], one.detail["controls"]) == (1, "platforms")


def test_terminal_headway_refuses_a_station_that_is_not_a_terminus():
    profiles = run_both(LINE_A, TRAIN_A)
    with pytest.raises(ValueError, match="^station 2 is not a terminus of test line$"):
        terminal_headway(LINE_A, TRAIN_A, profiles["up"], profiles["down"], station=2, turnback_s=180.0,
                         decel_ms2=B, k=K, sig=SIG_T)


def test_station_and_line_headways_hand_worked_on_a_tiny_line():
    r = headway_report(LINE_A, TRAIN_A, conditions=COND, sig=SIG_T)
    # S2 is approached at the line speed 20 m/s; L + P_mb = 60 + 15 m; reaction 2 + 0.7 + 1.3 s
    t_cs = math.sqrt(2 * 75 / A) + REACTION + V / B + V / (2 * B) * (1 / K - 1)  # 15.492 + 4 + 16 + 2 = 37.492 s
    dwell = 30 * 1.2
    # separation (75 + v²/(2·1.25·0.8) + 4·v)/v: 17.75 s at 20 m/s, more than 17.375 s at 8 m/s (the slowest
    # counted); the first point at 20 m/s is 320 m from the start
    sep = (75 + V**2 / (2 * B * K) + V * REACTION) / V
    assert sep == pytest.approx(17.75, rel=1e-12) and sep > (75 + 8**2 / 2 + 8 * REACTION) / 8
    expected = {("station", "up"): ("S2", t_cs + dwell + 25, {"close_in_s": 37.5, "dwell_s": 36.0, "approach_kmh": 72.0}),
                ("station", "down"): ("S2", t_cs + dwell + 25, {"close_in_s": 37.5, "dwell_s": 36.0, "approach_kmh": 72.0}),
                ("line", "up"): ("chainage 1350 m", sep + 25, {"speed_kmh": 72.0}),
                ("line", "down"): ("chainage 4650 m", sep + 25, {"speed_kmh": 72.0})}
    got = {(loc.kind, loc.direction): loc for loc in r.locations if loc.kind != "terminal"}
    assert set(got) == set(expected)
    for key, (where, h, detail) in expected.items():
        assert (got[key].location, got[key].detail) == (where, detail), key
        assert got[key].headway_s == pytest.approx(h, rel=1e-9), key
    assert round(t_cs, 1) == 37.5


def test_line_separation_counts_speeds_at_the_threshold():
    # Signalling.min_line_speed_ms is "at least this fast": at 20 m/s exactly the cruise still counts
    sig = replace(SIG_T, min_line_speed_ms=V)
    r = headway_report(LINE_A, TRAIN_A, conditions=COND, sig=sig)
    line = [loc for loc in r.locations if loc.kind == "line"]
    assert [loc.headway_s for loc in line] == pytest.approx([17.75 + 25] * 2, rel=1e-12)


def test_cycle_fleet_and_capacity_hand_worked_on_a_tiny_line():
    r = headway_report(LINE_A, TRAIN_A, conditions=COND, sig=SIG_T, fleet=10, reserve=3)
    one_way = 2 * 124 + 30 * 1.2  # two runs of 124 s and one dwell, scaled by the conditions' 1.2
    assert r.one_way_s == pytest.approx({"up": one_way, "down": one_way}, rel=1e-9)
    assert r.cycle_time_s == pytest.approx(2 * one_way + 2 * 180, rel=1e-9)  # 928 s
    assert r.trains_in_service == 7
    assert r.fleet_limited_headway_s == pytest.approx(928 / 7, rel=1e-9)
    t_in, _, t_out, switching = _terminal_a()
    h = (t_in + switching + 180 + t_out) / 2 + 25
    assert r.capacity_trains_per_hour == pytest.approx(3600 / h, rel=1e-9)
    assert r.capacity_pphpd == pytest.approx(3600 / h * 652 * 0.9, rel=1e-9)  # design load × capacity factor
    assert r.conditions == "tested"
    # the fleet's availability: floor(10 × 0.75) = 7 fit, 3 in reserve
    part = headway_report(LINE_A, TRAIN_A, conditions=replace(COND, fleet_availability=0.75), sig=SIG_T, fleet=10,
                          reserve=3)
    assert part.trains_in_service == 4 and part.fleet_limited_headway_s == pytest.approx(928 / 4, rel=1e-9)
    # every train in reserve: no service, the fleet cannot give a headway
    none = headway_report(LINE_A, TRAIN_A, conditions=COND, sig=SIG_T, fleet=10, reserve=10)
    assert none.trains_in_service == 0 and none.fleet_limited_headway_s == math.inf


def test_approach_speed_after_a_restriction_and_at_a_triangular_peak():
    # S1 -> S2 is 300 m: the train never reaches the line speed; it peaks at
    # v_p = sqrt(2·300·a·b/(a + b)) = sqrt(250) = 15.811 m/s (200 m accelerating, 100 m braking)
    # S3 -> S2 (down) runs into a 10 m/s down-only restriction (1328-1800 m) that holds it into S2: it brakes
    # from 20 to 10 m/s before 1800 m, cruises, and brakes into S2 from 10 m/s.  The line speed 20.15 m/s
    # (72.54 km/h) shows the rounding of the details.
    v_line = 20.15
    line = tiny_line((1000.0, 1300.0, 3300.0), (1190.0, 3110.0), line_speed_ms=v_line,
                     limits=[SpeedLimit(start_m=1328.0, end_m=1800.0, limit_ms=10.0, direction="down")])
    train = ideal_train(A, B, v_line)
    v_p = math.sqrt(2 * 300 * A * B / (A + B))
    assert v_p == pytest.approx(math.sqrt(250), rel=1e-15)
    profiles = run_both(line, train, conditions=COND, passengers=652)
    close_in = station_close_in(line, train, profiles, COND, SIG_T)

    def t_cs(v_a):
        return math.sqrt(2 * 75 / A) + REACTION + v_a / B + v_a / (2 * B) * (1 / K - 1)

    assert close_in[(2, "up")] == pytest.approx((t_cs(v_p), v_p), rel=1e-12)  # 33.722 s
    assert close_in[(2, "down")] == pytest.approx((t_cs(10.0), 10.0), rel=1e-12)  # 28.492 s
    r = headway_report(line, train, conditions=COND, sig=SIG_T)
    up = {loc.kind: loc for loc in r.locations if loc.direction == "up"}
    assert up["station"].detail == {"close_in_s": 33.7, "dwell_s": 36.0, "approach_kmh": 56.9}  # 33.72 s, 56.92 km/h
    down = next(loc for loc in r.locations if loc.direction == "down" and loc.kind == "station")
    assert down.detail == {"close_in_s": 28.5, "dwell_s": 36.0, "approach_kmh": 36.0}
    # on the line the separation peaks at the line speed, first reached 20.15²/(2a) = 324.8 m from S2's stop
    # mark (1330 m), the next grid point at 1330 + 328 m
    assert (up["line"].location, up["line"].detail) == ("chainage 1658 m", {"speed_kmh": 72.5})
    assert up["line"].headway_s == pytest.approx((75 + v_line**2 / 2 + v_line * REACTION) / v_line + 25, rel=1e-12)


def test_guaranteed_braking_and_available_acceleration_hand_worked():
    g = 9.80665
    train = make_train(driven_axle_share=0.25, braked_axle_share=0.3)
    # dry rail: μ = 0.25 assumed for braking, Curtius–Kniffler at standstill 7.5/44 + 0.161 = 0.33145 for traction
    assert guaranteed_braking(train, Conditions(), 1.0) == pytest.approx(0.25 * g * 0.3, rel=1e-12)  # 0.7355
    assert available_acceleration(train, Conditions(), 1.0) == pytest.approx((7.5 / 44 + 0.161) * g * 0.25, rel=1e-12)
    low = Conditions(adhesion_traction=0.05, adhesion_braking=0.07, braking_rate_factor=0.8)
    assert guaranteed_braking(train, low, 1.0) == pytest.approx(0.07 * g * 0.3, rel=1e-12)  # 0.2059
    assert available_acceleration(train, low, 1.0) == pytest.approx(0.05 * g * 0.25, rel=1e-12)  # 0.1226
    # where adhesion does not bind, the rate (scaled by the CBTC factor for braking)
    assert guaranteed_braking(train, low, 0.2) == pytest.approx(0.2 * 0.8, rel=1e-12)
    assert available_acceleration(train, low, 0.1) == 0.1


def test_close_in_time_and_line_separation_with_non_unit_rates():
    # a = 0.9, d = 0.8, K = 0.7, v_a = 15 m/s, L + P_mb = 110 m, reaction 5 s:
    # sqrt(220/0.9) = 15.635; 15/0.8 = 18.75; 15/1.6 × (1/0.7 - 1) = 9.375 × 0.42857 = 4.018
    t = close_in_time(length_m=60, approach_ms=15.0, accel_ms2=0.9, decel_ms2=0.8, k=0.7, sig=SIG)
    assert t == pytest.approx(math.sqrt(220 / 0.9) + 5 + 18.75 + 9.375 * (1 / 0.7 - 1), rel=1e-12)
    assert t == pytest.approx(43.403, abs=0.001)
    # (110 + v²/(2·0.8·0.7) + 5·v)/v at 10 and 20 m/s: (110 + 89.286 + 50)/10, (110 + 357.143 + 100)/20
    sep = line_separation([10.0, 20.0], length_m=60, decel_ms2=0.8, k=0.7, sig=SIG)
    assert sep == pytest.approx([(110 + 100 / 1.12 + 50) / 10, (110 + 400 / 1.12 + 100) / 20], rel=1e-12)
    assert sep == pytest.approx([24.9286, 28.3571], abs=1e-4)


@pytest.mark.parametrize("passengers", [None, 0, 300])
def test_report_runs_its_profiles_at_the_load_in_its_conditions(passengers):
    # On μ = 0.05 the brakes of a train with rotating mass λ = 0.08 hold β = μ·g·m/m_eff, which depends on the
    # load; the report's running times must be those of the design load (652) unless told, in its conditions.
    train = replace(TRAIN_A, rotating_mass_factor=0.08)
    cond = replace(COND, adhesion_braking=0.05)
    load = 652 if passengers is None else passengers
    m, m_eff = 120_000 + 70 * load, 120_000 * 1.08 + 70 * load
    beta = 0.05 * 9.80665 * m / m_eff  # 0.4635 m/s² at 652 passengers, 0.4540 empty
    one_way = 2 * (2000 / V + V / (2 * A) + V / (2 * beta)) + 30 * 1.2
    # the onset of braking falls inside a 4 m step, which the grid takes at a constant rate: at most
    # dx²·β/(2·v³) per onset, two onsets per run
    tol = 2 * 4.0**2 * beta / (2 * V**3)
    r = headway_report(LINE_A, train, conditions=cond, sig=SIG_T, passengers=passengers)
    assert r.one_way_s == pytest.approx({"up": one_way, "down": one_way}, abs=tol)
