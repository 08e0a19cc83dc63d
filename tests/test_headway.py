"""Minimum headway against hand-worked TCQSM arithmetic, and its sensitivities."""

from __future__ import annotations

import json
import math

import pytest

from lrt.cli import main
from lrt.conditions import Conditions
from lrt.headway import Signalling, close_in_time, headway_report, line_separation

SIG = Signalling()


def test_close_in_time_hand_worked_example():
    # L = 60 m, P_mb = 50 m, a = d = 1.0 m/s², K = 0.75, t_os + t_jl + t_br = 3 + 0.5 + 1.5 s
    # v_a = 40 km/h = 11.111 m/s: sqrt(2*110/1) = 14.832; + 5; + 11.111/1 = 11.111; + 11.111/2*(1/0.75-1) = 1.852
    t40 = close_in_time(length_m=60, approach_ms=40 / 3.6, accel_ms2=1.0, decel_ms2=1.0, k=0.75, sig=SIG)
    assert t40 == pytest.approx(14.832 + 5 + 11.111 + 1.852, abs=0.01)
    # v_a = 80 km/h = 22.222 m/s: 14.832 + 5 + 22.222 + 3.704 = 45.758
    t80 = close_in_time(length_m=60, approach_ms=80 / 3.6, accel_ms2=1.0, decel_ms2=1.0, k=0.75, sig=SIG)
    assert t80 == pytest.approx(45.758, abs=0.01)
    # TCQSM station headway with dwell 30 s and operating margin 20 s: 83 to 96 s (reference worked example)
    assert t40 + 30 + 20 == pytest.approx(82.8, abs=0.1)
    assert t80 + 30 + 20 == pytest.approx(95.8, abs=0.1)


def test_line_separation_hand_worked():
    # v = 20 m/s, d = 1, K = 0.75: (60 + 50 + 20²/(2*1*0.75) + 20*5) / 20 = (110 + 266.67 + 100) / 20 = 23.83 s
    assert line_separation([20.0], length_m=60, decel_ms2=1.0, k=0.75, sig=SIG)[0] == pytest.approx(23.833, abs=0.001)


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
