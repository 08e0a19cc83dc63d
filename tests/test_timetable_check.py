"""The timetable check on both sides of every limit, on a tiny line whose limits are worked out by hand.

The line: stations S1, S2, S3 at chainage 1000, 3000 and 5000 m, a terminus with two platform tracks
and a crossover 200 m out at each end; the train: the ideal train of conftest (accelerates at exactly
1 m/s², brakes at exactly 1 m/s², no resistance) with a top speed of 24 m/s and a length of 22 m.
Every limit below is worked out from those numbers and the published TCQSM values, not from the code.
"""

from __future__ import annotations

import math

import pytest
from conftest import ideal_train, make_line, replace

from lrt.conditions import Conditions
from lrt.network import Depot, Terminal
from lrt.timetable.check import check_timetable
from lrt.timetable.model import BlockEvent, Timetable, Trip

V = 24.0   # top speed [m/s]
A = 1.0    # acceleration and braking [m/s²]
L = 22.0   # train length [m]
CROSSOVER_SPEED = 25 / 3.6  # [m/s]

TRAIN = replace(ideal_train(A, A, V), length_m=L)
LINE = replace(make_line((1000.0, 3000.0, 5000.0), line_speed_ms=30.0), terminals=(
    Terminal(station=1, arrangement="crossover", platform_tracks=2, crossover_chainage_m=1200.0,
             crossover_speed_ms=CROSSOVER_SPEED, switch_throw_s=6.0),
    Terminal(station=3, arrangement="crossover", platform_tracks=2, crossover_chainage_m=4800.0,
             crossover_speed_ms=CROSSOVER_SPEED, switch_throw_s=6.0)))

# Technical minimum S1 -> S2 (2000 m): up to 24 m/s in 24 s over 288 m, the same down again, and
# 2000 - 2·288 = 1424 m at 24 m/s in between.
RUN_MIN = 2000 / V + V / A
assert RUN_MIN == pytest.approx(107.3333, abs=1e-4)

# TCQSM moving-block close-in time at S2 (Transit Capacity and Quality of Service Manual, 3rd ed., ch. 8):
# t_cs = sqrt(2 (L + P_mb) / a) + t_os + t_jl + t_br + v_a / d + v_a / (2 d) (1/K - 1)
# with the safety margin P_mb = 50 m, sensing 3 s, jerk 0.5 s, brake reaction 1.5 s, the approach speed
# v_a = 24 m/s, a = d = 1 m/s² and the braking safety factor K = 0.75 of normal conditions.
CLOSE_IN = math.sqrt(2 * (L + 50) / A) + (3 + 0.5 + 1.5) + V / A + V / (2 * A) * (1 / 0.75 - 1)
assert CLOSE_IN == 12 + 5 + 24 + 4 == 45
MARGIN = 20.0  # TCQSM operating margin


def _terminal_headway() -> float:
    """Minimum headway of departures from S1 [s], worked by hand (two platforms control, not the crossover).

    A down train arriving at S1 stops with its head at 1000 - L/2 = 989 m, braking from 1277 m
    (24² / 2 = 288 m).  Its route over the crossover (1140-1260 m) is set when its head is the setting
    distance before the crossover's near end: v² / (2 d K) + P_mb + v·t_reaction at the crossover speed.
    From there it runs at 24 m/s to 1277 m, then brakes 24 s.  A departing up train starts with its
    head at 1011 m and clears the crossover when its head is at 1260 + L.  Each of the two platforms
    takes every second train: (in + switch throw 6 s + sensing 3 s + turnback 180 s + out) / 2.
    """
    setting = CROSSOVER_SPEED**2 / (2 * A * 0.75) + 50 + CROSSOVER_SPEED * 5
    t_in = (1260 + setting - 1277) / V + V / A
    t_out = math.sqrt(2 * (1260 + L - 1011) / A)
    return (t_in + 6 + 3 + 180 + t_out) / 2 + MARGIN


TERMINAL = _terminal_headway()
assert TERMINAL == pytest.approx(140.22, abs=0.01)


def _trip(trip_id, block, start, *, direction="up", dwell=30.0, run=110.0):
    """A trip over the whole line from ``start``: ``run`` seconds per segment, ``dwell`` at S2."""
    stops = (1, 2, 3) if direction == "up" else (3, 2, 1)
    arr = (start, start + run, start + 2 * run + dwell)
    dep = (start, start + run + dwell, start + 2 * run + dwell)
    return Trip(trip_id=trip_id, block_id=block, direction=direction, stops=stops, arrival_s=arr, departure_s=dep)


def _check(*trips, operations=(), line=LINE, **kw):
    timetable = Timetable(name="t", service_id="t", trips=tuple(trips), operations=tuple(operations))
    return check_timetable(timetable, line, TRAIN, **kw)


def test_a_clean_day_has_no_findings():
    # two trains, each up and back: every gap, run, layover and count inside its limit
    assert _check(_trip("U1", "T1", 0.0), _trip("U2", "T2", 300.0),
                  _trip("D1", "T1", 430.0, direction="down"), _trip("D2", "T2", 730.0, direction="down")) == []


# --- headway at a station: close-in time + the follower's dwell + the operating margin, less 1 s ------

@pytest.mark.parametrize("dwell", [30.0, 50.0])
@pytest.mark.parametrize("direction", ["up", "down"])
def test_station_headway_exactly_at_the_limit_and_one_second_less(dwell, direction):
    need = CLOSE_IN + dwell + MARGIN  # 95 s with a 30 s dwell, 115 s with 50 s
    # the follower leaves the first stop 400 s after the leader (far above the terminal headway); the
    # leader stands at S2 long enough that the follower leaves S2 need - 1 s after it (accepted) or
    # need - 2 s after it (one second less: refused)
    for gap, found in ((need - 1, False), (need - 2, True)):
        follower_dep_s2 = 400.0 + 110.0 + dwell
        leader_dwell = follower_dep_s2 - gap - 110.0
        lead = _trip("A", "T1", 0.0, direction=direction, dwell=leader_dwell)
        follow = _trip("B", "T2", 400.0, direction=direction, dwell=dwell)
        assert lead.departure_s[1] == follow.departure_s[1] - gap
        out = _check(lead, follow)
        assert [v.kind for v in out] == (["headway"] if found else []), (gap, out)
    (v,) = out
    assert (v.trip, v.train, v.station, v.time_s) == ("B", "T2", "S2", follow.departure_s[1])
    assert v.message == f"departs {gap:.0f} s after trip A (train T1); the minimum station headway here is {need:.0f} s"
    assert v.expected == f"a headway of at least {need:.0f} s"


def test_terminal_headway_at_the_origin_on_both_sides():
    # S1 is the origin of up trips: the terminal headway (about 140.2 s) less 1 s is 139.2 s
    assert _check(_trip("A", "T1", 0.0), _trip("B", "T2", 140.0)) == []
    (v,) = _check(_trip("A", "T1", 0.0), _trip("B", "T2", 139.0))
    assert (v.kind, v.trip, v.station, v.time_s) == ("headway", "B", "S1", 139.0)
    assert v.message == "departs 139 s after trip A (train T1); the minimum terminal headway here is 140 s"


def test_headways_are_between_consecutive_departures_in_time_order():
    # listed out of order, three trains 300 s apart: no finding; the middle one 100 s after the first: one
    # finding, against the train just before it (not the first of the day, not the one listed before it)
    trips = [_trip("C", "T3", 600.0), _trip("A", "T1", 0.0), _trip("B", "T2", 300.0)]
    assert _check(*trips) == []
    out = _check(_trip("C", "T3", 600.0), _trip("A", "T1", 0.0), _trip("B", "T2", 100.0))
    # (at S2 they leave 100 s apart too, above the 95 - 1 s there)
    assert [(v.kind, v.trip, v.station) for v in out] == [("headway", "B", "S1")]
    assert out[0].message.startswith("departs 100 s after trip A (train T1)")


# --- run time: the technical minimum less 1 s --------------------------------------------------------

@pytest.mark.parametrize("direction", ["up", "down"])
def test_run_time_at_the_technical_minimum_and_just_below(direction):
    # times are published to the second: 107 s is 0.33 s under the 107.33 s minimum (accepted),
    # 106 s is 1.33 s under (refused)
    for run, found in ((108.0, False), (107.0, False), (106.0, True)):
        out = _check(_trip("A", "T1", 0.0, direction=direction, run=run))
        assert [v.kind for v in out] == ["run time"] * 2 * found, (run, out)
    first, second = ("S1", "S2") if direction == "up" else ("S3", "S2")
    v = out[0]
    assert (v.trip, v.train, v.station, v.time_s) == ("A", "T1", f"{first} → {second}", 0.0)
    assert v.message == f"scheduled 106 s, below the technical minimum {RUN_MIN:.1f} s"
    assert v.expected == "at least the technical minimum (flat out, no allowance) less 1 s"


def test_run_time_minimum_at_the_load_factor():
    # a train whose tractive force (124.23 kN) gives 0.75 m/s² at the design load (120 t + 652 × 70 kg):
    # empty it still accelerates at the 1 m/s² the ATO allows. Full: 2000/24 + 24/(2·0.75) + 24/2 = 111.33 s
    full_mass = 120_000 + 652 * 70
    heavy = replace(TRAIN, max_tractive_force_n=0.75 * full_mass)
    full_min = 2000 / V + V / (2 * 0.75) + V / (2 * A)
    timetable = Timetable(name="t", service_id="t", trips=(_trip("A", "T1", 0.0, run=110.0),))
    assert check_timetable(timetable, LINE, heavy) == []  # empty: minimum 107.33 s
    out = check_timetable(timetable, LINE, heavy, load_factor=1.0)
    assert [v.message for v in out] == [f"scheduled 110 s, below the technical minimum {full_min:.1f} s"] * 2
    assert check_timetable(replace(timetable, trips=(_trip("A", "T1", 0.0, run=111.0),)), LINE, heavy,
                           load_factor=1.0) == []


# --- turnback: the layover minimum less 1 s ----------------------------------------------------------

@pytest.mark.parametrize("turnback_min, layover, found", [
    (None, 179.0, False), (None, 178.0, True),     # the line's 180 s
    (240.0, 239.0, False), (240.0, 238.0, True),   # the minimum given to the check
])
def test_turnback_exactly_at_the_minimum_and_just_below(turnback_min, layover, found):
    up = _trip("U1", "T1", 0.0)                       # arrives at S3 at 250 s
    down = _trip("D1", "T1", up.end_s + layover, direction="down")
    out = _check(up, down, turnback_min_s=turnback_min)
    assert [v.kind for v in out] == ["turnback"] * found, out
    if found:
        minimum = turnback_min or 180.0
        v = out[0]
        assert (v.trip, v.train, v.station, v.time_s) == ("D1", "T1", "S3", 250.0)
        assert v.message == f"{layover:.0f} s between trip U1 and D1, below the turnback minimum {minimum:.0f} s"
        assert v.expected == f"a layover of at least {minimum:.0f} s"


def test_a_train_in_two_places():
    up = _trip("U1", "T1", 0.0)  # ends at S3 at 250 s
    (v,) = _check(up, _trip("D1", "T1", 249.0, direction="down"))
    assert (v.kind, v.trip, v.train, v.station, v.time_s) == ("train in two places", "D1", "T1", "S3", 249.0)
    assert v.message == "starts 00:04:09 before trip U1 ends 00:04:10"
    assert v.expected.startswith("each of a train's trips to start where and after the previous one ended")
    # starting at the right time at the wrong end: no turnback finding on top
    (v,) = _check(up, _trip("U2", "T1", 600.0))
    assert (v.kind, v.trip, v.station) == ("train in two places", "U2", "S1")
    assert v.message == "starts at S1 but trip U1 ended at S3"


# --- platforms at a terminus: exactly full, and one more -----------------------------------------------

@pytest.mark.parametrize("third_start, found", [(450.0, False), (449.0, True)])
def test_terminus_platforms_exactly_full_and_one_more(third_start, found):
    # three trains reach S3 (250 s after leaving S1) and turn back there after a 450 s layover; the first
    # leaves S3 at 700 s.  The third arrives at 700 s (the first has just left: two trains stand there,
    # its two platforms) or at 699 s (three trains at once)
    trips = []
    for k, start in enumerate((0.0, 150.0, third_start), start=1):
        trips += [_trip(f"U{k}", f"T{k}", start), _trip(f"D{k}", f"T{k}", 700.0 + 150 * (k - 1), direction="down")]
    out = _check(*trips)
    assert [v.kind for v in out] == ["platforms"] * found, out
    if found:
        v = out[0]
        assert (v.train, v.station, v.time_s) == ("T3", "S3", 699.0)
        assert v.message == "3 trains at the terminus (T1, T2, T3), it has 2 platform tracks"
        assert v.expected == "at most 2 trains at the terminus at once"


def test_a_train_standing_an_hour_or_more_at_a_terminus_is_stabled_off_the_platforms():
    # T1 stands at S3 from 250 s for an hour (until 3850 s): not on a platform, so T2 and T3 fit; one
    # second less and it is the third train there
    for layover, found in ((3600.0, False), (3599.0, True)):
        trips = [_trip("U1", "T1", 0.0), _trip("D1", "T1", 250.0 + layover, direction="down")]
        for k, start in ((2, 150.0), (3, 300.0)):
            trips += [_trip(f"U{k}", f"T{k}", start), _trip(f"D{k}", f"T{k}", start + 250.0 + 450.0 + 150 * k,
                                                            direction="down")]
        assert [v.kind for v in _check(*trips)] == ["platforms"] * found, layover


# --- the fleet: exactly available, and one more --------------------------------------------------------

SMALL_FLEET = replace(LINE, operations=replace(LINE.operations, fleet=3, reserve_trains=1))  # 2 available


@pytest.mark.parametrize("third_start, found", [(430.0, False), (429.0, True)])
def test_fleet_exactly_available_and_one_more(third_start, found):
    # without depot moves a train is out from its first departure to its last arrival: T1 0-430 s,
    # T2 150-580 s (200 s runs).  T3 leaves when T1 is back (two out at once) or one second before (three)
    out = _check(_trip("U1", "T1", 0.0, run=200.0), _trip("U2", "T2", 150.0, run=200.0),
                 _trip("U3", "T3", third_start, run=200.0), line=SMALL_FLEET)
    assert [v.kind for v in out] == ["fleet"] * found, out
    if found:
        v = out[0]
        assert (v.time_s, v.trip, v.train, v.station) == (429.0, "", "", "")
        assert v.message == "up to 3 trains out at once until 00:07:10, 2 available (fleet 3 - 1 reserve)"
        assert v.expected == "at most 2 trains out of the depot at once"


# --- the service day: 00:00:00 to 30:00:00 ---------------------------------------------------------------

def test_service_day_ends_exactly_at_30_00_00():
    end = 30 * 3600.0
    assert _check(_trip("L", "T1", end - 250.0)) == []  # arrives at S3 at 30:00:00
    (v,) = _check(_trip("L", "T1", end - 249.0))         # one second later
    assert (v.kind, v.time_s, v.trip, v.train) == ("service day", end + 1, "L", "T1")
    assert v.message == "a time of 108001 s"
    assert v.expected == "times from 00:00:00 to 30:00:00 (the service day)"
    assert v.clock == "--:--:--"
    assert str(v) == "--:--:--  service day  trip L  train T1: a time of 108001 s"


def test_a_trip_outside_the_day_is_named_by_its_first_time_outside():
    end = 30 * 3600.0
    # arrives at S2 at 30:00:10 and S3 at 30:02:30: the first time outside is the arrival at S2
    (v,) = _check(_trip("L", "T1", end - 100.0))
    assert (v.time_s, v.message) == (end + 10, "a time of 108010 s")


def test_service_day_starts_exactly_at_midnight():
    assert _check(_trip("E", "T1", 0.0)) == []
    (v,) = _check(_trip("E", "T1", -1.0))
    assert (v.kind, v.time_s, v.message) == ("service day", -1.0, "a time of -1 s")


def test_block_events_outside_the_service_day():
    end = 30 * 3600.0
    trip = _trip("U1", "T1", 600.0)

    def pull_in(a, b):
        return BlockEvent(block_id="T1", event="pull_in", stop=3, start_s=a, end_s=b, from_trip="U1")

    assert _check(trip, operations=[pull_in(end - 10, end)]) == []
    out = _check(trip, operations=[pull_in(end - 10, end + 1), pull_in(-1.0, 5.0)])
    assert [(v.kind, v.time_s, v.train, v.trip, v.message) for v in out] == [
        ("service day", end + 1, "T1", "", "pull-in at 108001 s"), ("service day", -1.0, "T1", "", "pull-in at -1 s")]


def test_a_trip_outside_the_day_takes_no_part_in_the_other_checks():
    # 40 s after a trip that starts at -1 s would be a headway finding, were that trip in the day
    out = _check(_trip("E", "T1", -1.0), _trip("F", "T2", 39.0))
    assert [(v.kind, v.trip) for v in out] == [("service day", "E")]
    # a pull-out from -10 s to 700 s would overlap the trip at 600 s, were it in the day
    pull_out = BlockEvent(block_id="T1", event="pull_out", stop=1, start_s=-10.0, end_s=700.0)
    out = _check(_trip("U1", "T1", 600.0), operations=[pull_out])
    assert [(v.kind, v.train, v.message) for v in out] == [("service day", "T1", "pull-out at -10 s")]


def test_findings_come_in_time_order_after_those_outside_the_day():
    # runs of 100 s (below 107.33 - 1) on two trips 100 s apart (below the terminal headway, not the station's)
    out = _check(_trip("A", "T1", 1000.0, run=100.0), _trip("B", "T2", 1100.0, run=100.0),
                 _trip("L", "T3", 30 * 3600.0))
    # at the same time, by kind
    assert [(v.kind, v.trip, v.time_s) for v in out] == [
        ("service day", "L", 30 * 3600 + 110), ("run time", "A", 1000.0), ("headway", "B", 1100.0),
        ("run time", "B", 1100.0), ("run time", "A", 1130.0), ("run time", "B", 1230.0)]
    assert str(out[2]) == ("00:18:20  headway  trip B  train T2  at S1: departs 100 s after trip A (train T1); "
                           "the minimum terminal headway here is 140 s")
    assert out[2].where == "trip B (train T2) at S1" and out[2].clock == "00:18:20"
    # a finding at 00:00:00 still comes after those outside the day
    out = _check(_trip("A", "T1", 0.0, run=100.0), _trip("L", "T3", 30 * 3600.0))
    assert [(v.kind, v.time_s) for v in out] == [("service day", 30 * 3600 + 110), ("run time", 0.0),
                                                 ("run time", 130.0)]


def test_where_a_finding_is_for_the_error_line():
    trip = _trip("U1", "T1", 600.0)
    (fleet,) = _check(_trip("U1", "T1", 0.0, run=200.0), _trip("U2", "T2", 150.0, run=200.0), line=SMALL_FLEET,
                      reserve=2)
    (event,) = _check(trip, operations=[BlockEvent(block_id="T1", event="pull_in", stop=3, start_s=850.0,
                                                   end_s=30 * 3600.0 + 5)])
    assert (fleet.where, fleet.clock, str(fleet)) == (
        "fleet", "00:02:30", "00:02:30  fleet: up to 2 trains out at once until 00:07:10, 1 available (fleet 3 - 2 "
                             "reserve)")
    assert (event.where, str(event)) == ("train T1", "--:--:--  service day  train T1: pull-in at 108005 s")


# --- the shape of a trip: known stops, times that increase, stops in line order ---------------------------

def _times(trip, arr, dep):
    return replace(trip, arrival_s=tuple(arr), departure_s=tuple(dep))


def test_equal_times_along_a_trip():
    up = _trip("A", "T1", 0.0)  # 0 | 110 140 | 250
    # a dwell of zero is a dwell (accepted); a departure a second before the arrival is not
    assert _check(_times(up, (0, 110, 250), (0, 110, 250))) == []
    (v,) = _check(_times(up, (0, 110, 250), (0, 109, 250)))
    assert (v.kind, v.trip, v.train, v.station, v.time_s) == ("time order", "A", "T1", "S2", 110.0)
    assert v.message == "departs 00:01:49 before it arrives 00:01:50"
    assert v.expected == "a departure not before the arrival (a dwell >= 0)"
    # an arrival at the time of the previous departure is not after it
    out = _check(_times(up, (0, 110, 140), (0, 140, 140)))
    assert [(v.kind, v.station, v.time_s) for v in out] == [("time order", "S3", 140.0)]
    assert out[0].message == "arrives 00:02:20, not after the departure from S2 at 00:02:20"
    assert out[0].expected == "times that increase along the trip"


@pytest.mark.parametrize("direction, stops, found", [
    ("up", (1, 3, 2), "S2 does not follow S3"), ("up", (1, 2, 2), "S2 does not follow S2"),
    ("up", (2, 1, 3), "S1 does not follow S2"), ("down", (2, 3, 1), "S3 does not follow S2"),
    ("down", (2, 2, 1), "S2 does not follow S2"), ("down", (3, 1, 2), "S2 does not follow S1"),
])
def test_stops_out_of_line_order(direction, stops, found):
    trip = replace(_trip("A", "T1", 600.0, direction=direction), stops=stops)
    out = [v for v in _check(trip) if v.kind == "stop order"]
    assert [(v.trip, v.station, v.time_s, v.message) for v in out] == [
        ("A", found.split()[0], 600.0, f"{found} in the {direction} direction")]
    assert out[0].expected == f"stops in line order in the {direction} direction"


def test_an_unknown_stop_is_the_only_finding_of_its_trip():
    # stop 9 is not on the line; the trip is not checked further (its 50 s runs and the 10 s gap after
    # trip A would be findings)
    bad = replace(_trip("B", "T2", 10.0, run=50.0), stops=(1, 9, 3))
    out = _check(_trip("A", "T1", 0.0), bad)
    assert [(v.kind, v.trip, v.train, v.station, v.time_s) for v in out] == [("unknown stop", "B", "T2", "9", 60.0)]
    assert out[0].message == "stop 9 is not a station of test line"
    assert out[0].expected == "a station of test line (1-3)"
    # a station that is not on the line is named by its code where the train is found in two places
    after = replace(_trip("U2", "T2", 700.0), stops=(9, 2, 3))
    out = [v for v in _check(bad, after) if v.kind == "train in two places"]
    assert [(v.trip, v.station, v.message) for v in out] == [("U2", "9", "starts at 9 but trip B ended at S3")]


# --- depot moves ----------------------------------------------------------------------------------------

DEPOT_LINE = replace(SMALL_FLEET, depot=Depot(name="depot", station=1, connection_chainage_m=500.0, pull_out_s=300.0,
                                               pull_in_s=300.0))


def _move(block, event, start, end, stop=1):
    return BlockEvent(block_id=block, event=event, stop=stop, start_s=start, end_s=end)


def test_a_layover_spent_in_the_depot_is_no_turnback():
    # T1 comes back to S1 at 1600 s, goes to the depot and out again for a trip at 2320 s: 720 s at S1,
    # below a turnback minimum of 1000 s, but the train was in the depot (its layover at S3 is 1100 s)
    trips = (_trip("U1", "T1", 0.0), _trip("D1", "T1", 1350.0, direction="down"), _trip("U2", "T1", 2320.0))
    moves = [_move("T1", "pull_in", 1600.0, 1900.0), _move("T1", "pull_out", 2020.0, 2320.0)]
    assert _check(*trips, operations=moves, line=DEPOT_LINE, turnback_min_s=1000.0) == []
    # without the depot moves, or with a turnback event (a layover at the platform), it stood there
    for ops in ([], [_move("T1", "turnback", 1600.0, 2320.0)]):
        (v,) = _check(*trips, operations=ops, line=DEPOT_LINE, turnback_min_s=1000.0)
        assert (v.kind, v.trip, v.station, v.time_s) == ("turnback", "U2", "S1", 1600.0)
        assert v.message == "720 s between trip D1 and U2, below the turnback minimum 1000 s"


@pytest.mark.parametrize("pull_out_end, found", [(601.0, False), (602.0, True)])
def test_a_depot_move_that_overlaps_a_trip_by_more_than_a_second(pull_out_end, found):
    moves = [_move("T1", "pull_out", pull_out_end - 300.0, pull_out_end)]
    out = _check(_trip("U1", "T1", 600.0), operations=moves, line=DEPOT_LINE)
    assert [v.kind for v in out] == ["train in two places"] * found, out
    if found:
        v = out[0]
        assert (v.trip, v.train, v.station, v.time_s) == ("U1", "T1", "S1", 302.0)
        assert v.message == "pull-out 00:05:02-00:10:02 overlaps trip U1"


@pytest.mark.parametrize("pull_in_start, found", [(1029.0, False), (1028.0, True)])
def test_a_pull_in_that_starts_before_the_trip_ends(pull_in_start, found):
    # the down trip from S3 at 780 s is back at S1 at 1030 s
    trips = (_trip("U1", "T1", 0.0), _trip("D1", "T1", 780.0, direction="down"))
    out = _check(*trips, operations=[_move("T1", "pull_in", pull_in_start, pull_in_start + 300)], line=DEPOT_LINE)
    assert [(v.kind, v.trip) for v in out] == [("train in two places", "D1")] * found, out


def test_a_train_ending_at_the_far_end_cannot_reach_the_depot():
    # the depot is at S1: a train that ended at S3 and 'pulled in and out' still starts at S1 out of nowhere
    trips = (_trip("U1", "T1", 0.0), _trip("U2", "T1", 1000.0))
    moves = [_move("T1", "pull_in", 250.0, 550.0, stop=3), _move("T1", "pull_out", 700.0, 1000.0)]
    (v,) = _check(*trips, operations=moves, line=DEPOT_LINE)
    assert (v.kind, v.trip, v.message) == ("train in two places", "U2", "starts at S1 but trip U1 ended at S3")


@pytest.mark.parametrize("pull_out_start, found", [(730.0, False), (729.0, True)])
def test_the_fleet_counts_trains_on_their_way_to_and_from_the_depot(pull_out_start, found):
    # T1 is out from its first trip until its pull-in ends at 730 s; T2 runs 150-980 s; T3 is out from
    # the start of its pull-out: when T1 is in (two out) or one second before (three)
    trips = (_trip("U1", "T1", 0.0, run=200.0), _trip("U2", "T2", 150.0, run=400.0),
             _trip("U3", "T3", pull_out_start + 300.0))
    moves = [_move("T1", "pull_in", 430.0, 730.0, stop=3),
             _move("T3", "pull_out", pull_out_start, pull_out_start + 300)]
    out = _check(*trips, operations=moves, line=DEPOT_LINE)
    assert [(v.kind, v.time_s) for v in out] == [("fleet", 729.0)] * found, out


def test_an_excess_is_reported_from_its_first_moment_with_its_peak():
    # T1 0-430 s, T2 150-580 s, T3 from 300 s and T4 from 350 s: three, then four out at once until T1
    # and T2 are back (580 s); two are available
    trips = (_trip("U1", "T1", 0.0, run=200.0), _trip("U2", "T2", 150.0, run=200.0),
             _trip("U3", "T3", 300.0, run=200.0), _trip("U4", "T4", 350.0, run=200.0))
    out = [v for v in _check(*trips, line=SMALL_FLEET) if v.kind == "fleet"]
    assert [(v.time_s, v.message) for v in out] == [
        (300.0, "up to 4 trains out at once until 00:09:40, 2 available (fleet 3 - 1 reserve)")]


def test_no_train_fit_for_service_beyond_the_reserve():
    # 30 % of a fleet of 3 is 0.9 train: none fit for service, none available (not -1, which no moment
    # would ever end: the excess went unreported)
    (v,) = _check(_trip("U1", "T1", 0.0), line=SMALL_FLEET, conditions=Conditions(name="bad", fleet_availability=0.3))
    assert (v.kind, v.time_s) == ("fleet", 0.0)
    assert v.message == ("up to 1 trains out at once until 00:04:10, 0 available (0 of 3 fit for service in bad "
                         "conditions - 1 reserve)")


def test_the_fleet_fit_for_service_in_the_conditions():
    # 70 % of a fleet of 3 is 2.1 trains: 2 fit for service; with no reserve 2 may be out at once
    cold = Conditions(name="cold", fleet_availability=0.7)
    trips = (_trip("U1", "T1", 0.0, run=200.0), _trip("U2", "T2", 150.0, run=200.0),
             _trip("U3", "T3", 429.0, run=200.0))
    (v,) = _check(*trips, line=SMALL_FLEET, conditions=cold, reserve=0)
    assert v.message == ("up to 3 trains out at once until 00:07:10, 2 available (2 of 3 fit for service in cold "
                         "conditions - 0 reserve)")
    # the reserve given to the check, not the line's (1)
    assert _check(*trips, line=SMALL_FLEET, reserve=0) == []
    (v,) = _check(*trips[:2], line=SMALL_FLEET, reserve=2)
    assert v.message == "up to 2 trains out at once until 00:07:10, 1 available (fleet 3 - 2 reserve)"
    assert v.time_s == 150.0


# --- issue 14: the survivors of mutation testing, each on both sides of its limit ----------------------

ONE_PLACE = "each of a train's trips to start where and after the previous one ended (or via the depot)"


def test_a_trip_starting_the_moment_the_last_one_ended_is_a_layover_of_zero():
    # U1 ends at S3 at 250 s; D1 starts there at 250 s: the train is in one place (no 'two places'), with
    # a layover of 0 s, below the 180 s turnback minimum
    (v,) = _check(_trip("U1", "T1", 0.0), _trip("D1", "T1", 250.0, direction="down"))
    assert (v.kind, v.trip, v.train, v.station, v.time_s) == ("turnback", "D1", "T1", "S3", 250.0)
    assert v.message == "0 s between trip U1 and D1, below the turnback minimum 180 s"


def test_every_pair_of_a_train_s_trips_is_checked_after_a_train_in_two_places():
    # D1 starts 1 s before U1 ends (two places); D1 ends at S1 at 499 s and U2 leaves 100 s later,
    # below the turnback minimum: both findings, not only the first
    out = _check(_trip("U1", "T1", 0.0), _trip("D1", "T1", 249.0, direction="down"), _trip("U2", "T1", 599.0))
    assert [(v.kind, v.trip, v.time_s) for v in out] == [("train in two places", "D1", 249.0),
                                                         ("turnback", "U2", 499.0)]
    assert out[1].message == "100 s between trip D1 and U2, below the turnback minimum 180 s"


def test_a_train_in_two_places_names_the_train_and_the_rule():
    # D1 ends at S1, the depot's station; the train pulls in and out there, then starts at S3: the depot
    # took it nowhere, it is in two places
    trips = (_trip("U1", "T1", 0.0), _trip("D1", "T1", 1350.0, direction="down"),
             _trip("D2", "T1", 2320.0, direction="down"))
    moves = [_move("T1", "pull_in", 1600.0, 1900.0), _move("T1", "pull_out", 2020.0, 2320.0)]
    (v,) = _check(*trips, operations=moves, line=DEPOT_LINE)
    assert (v.kind, v.trip, v.train, v.station, v.time_s) == ("train in two places", "D2", "T1", "S3", 2320.0)
    assert v.message == "starts at S3 but trip D1 ended at S1"
    assert v.expected == ONE_PLACE


@pytest.mark.parametrize("pull_in, pull_out", [
    ((1600.0, 1900.0), (2021.0, 2321.0)),   # the pull-in from the end of D1, the pull-out 1 s into U2
    ((1599.0, 1899.0), (2020.0, 2320.0)),   # the pull-in 1 s before D1 ends, the pull-out up to U2's start
])
def test_depot_moves_touching_the_trips_within_the_second_take_the_layover_off_the_platform(pull_in, pull_out):
    # D1 is back at S1 at 1600 s, U2 leaves at 2320 s: 720 s, below a turnback minimum of 1000 s unless the
    # train was in the depot.  A move that starts exactly when D1 ends, or ends exactly when U2 starts, is
    # in the layover; the other overlaps its trip by 1 s, within the published second (no finding)
    trips = (_trip("U1", "T1", 0.0), _trip("D1", "T1", 1350.0, direction="down"), _trip("U2", "T1", 2320.0))
    moves = [_move("T1", "pull_in", *pull_in), _move("T1", "pull_out", *pull_out)]
    assert _check(*trips, operations=moves, line=DEPOT_LINE, turnback_min_s=1000.0) == []


def test_findings_name_the_train_and_the_rule():
    # a depot move overlapping a trip
    (v,) = _check(_trip("U1", "T1", 600.0), operations=[_move("T1", "pull_out", 302.0, 602.0)], line=DEPOT_LINE)
    assert (v.kind, v.train, v.expected) == ("train in two places", "T1", ONE_PLACE)
    # a pull-in outside the service day
    pull_in = BlockEvent(block_id="T1", event="pull_in", stop=3, start_s=850.0, end_s=30 * 3600.0 + 5)
    (v,) = _check(_trip("U1", "T1", 600.0), operations=[pull_in])
    assert (v.kind, v.train, v.expected) == ("service day", "T1", "times from 00:00:00 to 30:00:00 (the service day)")
    # times along a trip and stops out of order
    up = _trip("A", "T7", 0.0)
    out = _check(_times(up, (0, 110, 140), (0, 140, 140)))
    assert [(v.kind, v.train) for v in out] == [("time order", "T7")]
    out = [v for v in _check(replace(up, stops=(1, 3, 2))) if v.kind == "stop order"]
    assert [(v.kind, v.train) for v in out] == [("stop order", "T7")]


def test_two_trains_leaving_at_the_same_second():
    # A and B leave S1 together and S2 together (0 s apart): one headway finding at each, against the
    # trip listed first
    out = _check(_trip("A", "T1", 0.0), _trip("B", "T2", 0.0))
    assert [(v.kind, v.trip, v.station, v.time_s) for v in out] == [("headway", "B", "S1", 0.0),
                                                                    ("headway", "B", "S2", 140.0)]
    assert out[1].message == "departs 0 s after trip A (train T1); the minimum station headway here is 95 s"


def test_headways_follow_the_departures_not_the_arrivals():
    # A reaches S2 at 110 s and stands there until 600 s; B leaves S1 at 400 s and leaves S2 at 540 s,
    # before A: at S2 A follows B, 60 s later, with its own dwell of 490 s: 45 + 490 + 20 = 555 s needed
    lead = _trip("A", "T1", 0.0, dwell=490.0)
    follow = _trip("B", "T2", 400.0)
    assert (lead.arrival_s[1], lead.departure_s[1], follow.arrival_s[1], follow.departure_s[1]) == (110, 600, 510, 540)
    (v,) = _check(lead, follow)
    assert (v.kind, v.trip, v.train, v.station, v.time_s) == ("headway", "A", "T1", "S2", 600.0)
    assert v.message == "departs 60 s after trip B (train T2); the minimum station headway here is 555 s"


def test_station_headway_in_the_conditions_given():
    # a braking safety factor K = 0.5 lengthens the close-in time at S2 by v_a/(2d)·(1/K − 1/0.75):
    # 12 + 5 + 24 + 24/2·(1/0.5 − 1) = 53 s, and the headway with a 30 s dwell to 53 + 30 + 20 = 103 s
    cautious = Conditions(name="cautious", braking_safety_factor=0.5)
    need = math.sqrt(2 * (L + 50) / A) + (3 + 0.5 + 1.5) + V / A + V / (2 * A) * (1 / 0.5 - 1) + 30 + MARGIN
    assert need == 103
    for gap, found in ((need - 1, False), (need - 2, True)):
        lead = _trip("A", "T1", 0.0, dwell=400.0 + 30.0 - gap)     # leaves S2 at 540 - gap
        follow = _trip("B", "T2", 400.0)                          # leaves S2 at 540
        out = _check(lead, follow, conditions=cautious)
        assert [(v.kind, v.trip) for v in out] == [("headway", "B")] * found, (gap, out)
        assert _check(lead, follow) == []  # on a normal day 95 s are needed
    assert out[0].message == "departs 101 s after trip A (train T1); the minimum station headway here is 103 s"


def test_run_time_minimum_in_the_conditions_given():
    # a line-wide cap of 20 m/s: up to 20 m/s in 20 s over 200 m, the same down, 1600 m at 20 m/s:
    # 2000/20 + 20/1 = 120 s.  Runs of 119.5 s pass, 118 s do not (on a normal day 107.33 s is the minimum;
    # 119 s sits on the limit itself, where the integration's 1e-9 s decides)
    capped = Conditions(name="capped", speed_cap_ms=20.0)
    assert _check(_trip("A", "T1", 0.0, run=119.5), conditions=capped) == []
    out = _check(_trip("A", "T1", 0.0, run=118.0), conditions=capped)
    assert [v.message for v in out] == ["scheduled 118 s, below the technical minimum 120.0 s"] * 2
    assert _check(_trip("A", "T1", 0.0, run=118.0)) == []


def test_the_technical_minimum_has_no_allowance_whatever_the_line_s():
    # the line's 10 % running-time allowance makes its runs longer, not its technical minimum: a run of
    # 107 s stays within 1 s of the flat-out 107.33 s
    line = replace(LINE, operations=replace(LINE.operations, allowance=0.10))
    assert _check(_trip("A", "T1", 0.0, run=107.0), line=line) == []
    assert [v.kind for v in _check(_trip("A", "T1", 0.0, run=106.0), line=line)] == ["run time"] * 2


@pytest.mark.parametrize("direction", ["up", "down"])
def test_run_time_of_a_trip_running_through_a_station(direction):
    # S1 -> S3 non-stop, 4000 m: up to 24 m/s in 24 s over 288 m, down again the same, 3424 m at 24 m/s:
    # 4000/24 + 24 = 190.67 s.  190 s is 0.67 s under (accepted); 189 s is 1.67 s under (refused)
    stops = (1, 3) if direction == "up" else (3, 1)
    minimum = 4000 / V + V / A
    for run, found in ((191.0, False), (190.0, False), (189.0, True)):
        trip = Trip(trip_id="X", block_id="T1", direction=direction, stops=stops, arrival_s=(0.0, run),
                    departure_s=(0.0, run))
        out = [v for v in _check(trip) if v.kind == "run time"]
        assert len(out) == found, (run, out)
    assert out[0].message == f"scheduled 189 s, below the technical minimum {minimum:.1f} s"
    assert out[0].station == ("S1 → S3" if direction == "up" else "S3 → S1")


def test_run_through_minimum_in_the_conditions_at_the_load_and_without_the_allowance():
    def through(run):
        return Trip(trip_id="X", block_id="T1", direction="up", stops=(1, 3), arrival_s=(0.0, run),
                    departure_s=(0.0, run))

    def refused(run, **kw):
        timetable = Timetable(name="t", service_id="t", trips=(through(run),))
        line = kw.pop("line", LINE)
        return [v.message for v in check_timetable(timetable, line, kw.pop("train", TRAIN), **kw)
                if v.kind == "run time"]

    # a 20 m/s cap: 4000/20 + 20/1 = 220 s (the integration lands a hair above: 219 s itself is refused)
    capped = replace(Conditions(), speed_cap_ms=20.0)
    assert refused(219.5, conditions=capped) == [] and refused(218.0, conditions=capped) == [
        "scheduled 218 s, below the technical minimum 220.0 s"]
    # a 10 % allowance on the line does not lengthen the technical minimum (190.67 s)
    loose = replace(LINE, operations=replace(LINE.operations, allowance=0.10))
    assert refused(190.0, line=loose) == [] and len(refused(189.0, line=loose)) == 1
    # full, a train that accelerates at 0.75 m/s²: 4000/24 + 24/(2·0.75) + 24/2 = 194.67 s
    heavy = replace(TRAIN, max_tractive_force_n=0.75 * (120_000 + 652 * 70))
    assert refused(194.0, train=heavy, load_factor=1.0) == []
    assert refused(193.0, train=heavy, load_factor=1.0) == ["scheduled 193 s, below the technical minimum 194.7 s"]
    assert refused(193.0, train=heavy) == []  # empty it still accelerates at 1 m/s²
