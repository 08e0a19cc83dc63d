"""The operations simulation: an exact story, invariants over many seeds, queueing, capacity, seeds."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_line, make_train, make_trip

from lrt.demand import Arrivals, build_demand
from lrt.energy import segment_energies
from lrt.io.demand import read_demand_model
from lrt.io.timetable import read_timetable
from lrt.paths import shipped_network, shipped_timetable
from lrt.runtime import run_profile
from lrt.sim import Scenario, SimOptions, make_plan, simulate
from lrt.timetable.build import trip_template
from lrt.timetable.model import Timetable, Trip
from lrt.timetable.pattern import Band, ServicePattern

CALM = SimOptions(variability=False, headway_holding=False, hold_station_departures=False)


def test_story_on_a_three_station_line():
    line = make_line((1000.0, 2500.0, 4000.0))
    train = make_train()
    tt = Timetable(name="story", service_id="s", trips=(make_trip("U1", "T1", "up", (1, 2, 3), 100.0),
                                                          make_trip("D1", "T1", "down", (3, 2, 1), 600.0)))
    riders = Arrivals(time_s=np.array([10.0, 50.0, 200.0]), origin=np.array([1, 0, 1]),
                      destination=np.array([2, 2, 0]), codes=(1, 2, 3))
    result = simulate(Scenario(line=line, train=train, timetable=tt, options=CALM), seed=7, passengers=riders)

    # independent arithmetic: run times from the running-time calculation, interpolated on the load
    def run(direction, a, b, load):
        empty = run_profile(line, train, direction=direction, stops=[a, b]).running_s
        full = run_profile(line, train, direction=direction, stops=[a, b], passengers=652).running_s
        return empty + (full - empty) * load / 652

    # dwell: Puong at the busiest door (1.4 x the average of 8 doors), never below the 20 s door cycle
    def dwell(b, a):
        return max(20.0, 12.22 + 2.27 * b * 1.4 / 8 + 1.82 * a * 1.4 / 8)

    assert dwell(1, 0) == 20.0
    # the train appears at S1 a minute before its departure and opens its doors: rider 1 (at 50 s) boards
    # at once; doors close 4 s before the departure held to the timetable
    dep_u1 = 100.0
    arr_u2 = dep_u1 + run("up", 1, 2, 1)
    dep_u2 = arr_u2 + 20.0  # rider 0 (waiting since 10 s) boards on arrival
    arr_u3 = dep_u2 + run("up", 2, 3, 2)
    dep_d3 = 600.0  # turned back, held to the timetable
    arr_d2 = dep_d3 + run("down", 3, 2, 0)
    dep_d2 = arr_d2 + 20.0  # rider 2 (at 200 s) boards
    arr_d1 = dep_d2 + run("down", 2, 1, 1)
    expected = [
        ("T1", "U1", "up", 0, 1, 100.0, 100.0, 40.0, dep_u1, 1, 1, 0, 0, dep_u1 - 4),
        ("T1", "U1", "up", 1, 2, 250.0, 280.0, arr_u2, dep_u2, 2, 1, 0, 0, dep_u2 - 4),
        ("T1", "U1", "up", 2, 3, 430.0, 430.0, arr_u3, arr_u3, 0, 0, 2, 0, arr_u3),
        ("T1", "D1", "down", 0, 3, 600.0, 600.0, arr_u3, dep_d3, 0, 0, 0, 0, dep_d3 - 4),
        ("T1", "D1", "down", 1, 2, 750.0, 780.0, arr_d2, dep_d2, 1, 1, 0, 0, dep_d2 - 4),
        ("T1", "D1", "down", 2, 1, 930.0, 930.0, arr_d1, arr_d1, 0, 0, 1, 0, arr_d1),
    ]
    e = result.events
    got = list(zip(e["train"], e["trip_id"], e["direction"], e["stop_sequence"], e["station"],
                   e["planned_arrival_s"], e["planned_departure_s"], e["arrival_s"], e["departure_s"],
                   e["load_departure"], e["boarded"], e["alighted"], e["denied"], e["doors_close_s"]))
    assert len(got) == len(expected)
    for g, x in zip(got, expected):
        assert g[:7] == x[:7] and g[9:13] == x[9:13], (g, x)
        assert g[7] == pytest.approx(x[7], abs=1e-9) and g[8] == pytest.approx(x[8], abs=1e-9), (g, x)
        assert g[13] == pytest.approx(x[13], abs=1e-9), (g, x)
    # traction energy drawn at the substations on each run, interpolated on the load like the run time
    def drawn(direction, a, b, load):
        empty, full = (segment_energies(run_profile(line, train, direction=direction, stops=[a, b], passengers=x),
                                        train, line).total.drawn_kwh for x in (0, 652))
        return empty + (full - empty) * load / 652

    assert list(e["drawn_kwh"]) == pytest.approx([0.0, drawn("up", 1, 2, 1), drawn("up", 2, 3, 2), 0.0,
                                                  drawn("down", 3, 2, 0), drawn("down", 2, 1, 1)], rel=1e-12)
    p = result.passengers
    assert list(p["board_s"]) == pytest.approx([arr_u2, 50.0, arr_d2])  # on arrival of the train, or of the rider
    assert list(p["alight_s"]) == pytest.approx([arr_u3, arr_u3, arr_d1])
    assert list(p["trip"]) == ["U1", "U1", "D1"]
    assert result.trips_run == result.trips_planned == 2


def _dwell_story(late_offsets):
    """30 riders wait at S2 when U1 arrives; others reach S2 ``late_offsets`` s after it arrived; U2 follows."""
    line = make_line((1000.0, 2500.0, 4000.0))
    train = make_train()
    tt = Timetable(name="dwell", service_id="s", trips=(make_trip("U1", "T1", "up", (1, 2, 3), 100.0),
                                                         make_trip("U2", "T2", "up", (1, 2, 3), 400.0)))
    arr2 = 100.0 + run_profile(line, train, direction="up", stops=[1, 2]).running_s  # U1 is empty from S1
    times = np.concatenate([np.arange(30.0), arr2 + np.asarray(late_offsets, dtype=float)])
    riders = Arrivals(time_s=times, origin=np.ones(times.size, int), destination=np.full(times.size, 2),
                      codes=(1, 2, 3))
    result = simulate(Scenario(line=line, train=train, timetable=tt, options=CALM), seed=1, passengers=riders)
    return result, arr2


def test_passengers_reaching_the_platform_during_the_dwell_board_and_extend_it():
    # Puong at the busiest door (1.4 x the average of 8 doors), nobody alighting or standing at S2:
    # dwell(B) = 12.22 + 2.27 * B * 1.4 / 8; boarding ends 4 s (door closing) before the train leaves
    def dwell(b):
        return 12.22 + 2.27 * b * 1.4 / 8

    assert dwell(30) == pytest.approx(24.1375)  # 30 waiting: boarding until 20.1375 s after arrival
    # a rider at +10 s boards: dwell(31) = 24.535, boarding until 20.535; one at +20.3 s boards too:
    # dwell(32) = 24.9325, boarding until 20.9325; one at +21.0 s is too late and waits for U2
    result, arr2 = _dwell_story([10.0, 20.3, 21.0])
    e = result.events
    at_s2 = (e["station"] == 2)
    u1, u2 = at_s2 & (e["trip_id"] == "U1"), at_s2 & (e["trip_id"] == "U2")
    assert e["boarded"][u1][0] == 32 and e["boarded"][u2][0] == 1
    assert e["departure_s"][u1][0] == pytest.approx(arr2 + dwell(32), abs=1e-9)
    assert e["doors_close_s"][u1][0] == pytest.approx(arr2 + dwell(32) - 4.0, abs=1e-9)
    p = result.passengers
    assert list(p["trip"][30:]) == ["U1", "U1", "U2"]
    assert list(p["board_s"][30:32]) == pytest.approx([arr2 + 10.0, arr2 + 20.3])  # at once, doors open
    assert p["board_s"][32] == pytest.approx(e["arrival_s"][u2][0])
    assert (p["board_s"][:30] == pytest.approx(arr2)) and set(p["trip"][:30]) == {"U1"}


def test_late_arrivals_extend_the_dwell_only_up_to_the_line_limit():
    # a rider every 0.3 s from 0.15 s after the arrival: each adds 2.27 * 1.4 / 8 = 0.397 s, so the dwell
    # would run on; the line's limit (10 s beyond the dwell of those waiting) closes the doors at
    # 24.1375 + 10 = 34.1375 s, boarding until 30.1375 s: riders at 0.15 + 0.3 k for k = 0..99 board
    offsets = 0.15 + 0.3 * np.arange(120)
    result, arr2 = _dwell_story(offsets)
    e = result.events
    u1 = (e["station"] == 2) & (e["trip_id"] == "U1")
    assert make_line().operations.max_dwell_extension_s == 10.0
    assert e["departure_s"][u1][0] == pytest.approx(arr2 + 24.1375 + 10.0, abs=1e-9)
    assert e["boarded"][u1][0] == 30 + 100
    trips = result.passengers["trip"]
    assert set(trips[:130]) == {"U1"} and set(trips[130:]) == {"U2"}


@pytest.mark.parametrize("follower", [True, False])
def test_a_failed_train_puts_its_passengers_off_and_the_next_train_takes_them_first(follower):
    from lrt.disruptions import Fault

    line = make_line((1000.0, 2500.0, 4000.0, 5500.0))
    train = make_train()
    trips = [make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0)] + ([make_trip("U2", "T2", "up", (1, 2, 3, 4), 700.0)]
                                                              if follower else [])
    dep2 = 100.0 + run_profile(line, train, direction="up", stops=[1, 2], passengers=5).running_s + 20.0
    fault = Fault(fault_id="F01", kind="train", start_s=dep2 + 10.0, duration_s=60.0, train="T1")
    # five riders S1 -> S4 board U1; two riders S3 -> S4 wait at S3 from 50 s
    riders = Arrivals(time_s=np.array([10.0, 11.0, 12.0, 13.0, 14.0, 50.0, 51.0]),
                      origin=np.array([0, 0, 0, 0, 0, 2, 2]), destination=np.full(7, 3), codes=(1, 2, 3, 4))
    scenario = Scenario(line=line, train=train, timetable=Timetable(name="f", service_id="s", trips=tuple(trips)),
                        options=CALM, faults=(fault,))
    r = simulate(scenario, 1, passengers=riders)
    e, p = r.events, r.passengers
    withdrawn = (e["trip_id"] == "U1") & (e["station"] == 3)
    assert e["alighted"][withdrawn][0] == 5 and [c["trip_id"] for c in r.cancelled] == ["U1"]
    assert list(p["detrained"]) == [1] * 5 + [0, 0]
    assert r.generated == r.completed + r.stranded == 7
    if follower:  # U2 takes the five put off first (they waited longest), then the two who came at 50 s
        u2_at_3 = (e["trip_id"] == "U2") & (e["station"] == 3)
        assert e["boarded"][u2_at_3][0] == 7 and r.stranded == 0
        assert list(p["trip"]) == ["U2"] * 7 and p["board_s"] == pytest.approx([e["arrival_s"][u2_at_3][0]] * 7)
        assert np.bincount(r.boardings["passenger"]).tolist() == [2] * 5 + [1, 1]  # twice after the failure
    else:  # no train after them: all seven are stranded at S3
        assert r.stranded == 7 and not np.isfinite(p["board_s"]).any() and list(p["trip"]) == [""] * 7


@pytest.fixture(scope="module")
def weekday(astana):
    line, train = astana
    tt = read_timetable(shipped_timetable("weekday"))
    model = read_demand_model(shipped_network() / "demand.toml", line)
    scenario = Scenario(line=line, train=train, timetable=tt, demand=build_demand(line, model, daily=92000))
    return scenario, make_plan(scenario)


def _one_station_scenario(astana, starts, options):
    """Up trips only, one train each, leaving the Airport at ``starts``; riders measured there."""
    line, train = astana
    pattern = ServicePattern(name="q", service_id="q", days=("monday",), start_date="20260101", end_date="20261231",
                             bands=(Band(name="b", start_s=0.0, end_s=86400.0, headway_s=600.0),), dwell_s=30.0,
                             turnback_min_s=180.0, reserve_trains=0)
    up = trip_template(line, train, pattern, "up")
    trips = []
    for n, s in enumerate(starts):
        arr, dep = up.at(s)
        trips.append(Trip(trip_id=f"U{n}", block_id=f"T{n:03d}", direction="up", stops=up.stops, arrival_s=arr,
                          departure_s=dep))
    return Scenario(line=line, train=train, timetable=Timetable(name="q", service_id="q", trips=tuple(trips)),
                    options=options)


@pytest.mark.parametrize("gaps", [(300.0,), (120.0, 480.0)])
def test_mean_wait_follows_the_headway_less_the_time_a_train_stands_open(astana, gaps):
    # Random arrivals, departures d_k with headways h_k. A train pulls out onto the Airport platform 60 s
    # before its departure and boards until its doors close 4 s before it: a rider arriving in
    # (d_{k-1} - 4, d_k - 4] waits max(0, d_k - 60 - a).  Over uniform arrivals the mean wait is
    # sum_k (h_k - 56)^2 / (2 sum_k h_k) -- h/2 (1 + c^2) of section 8 when the doors are open only an
    # instant, less the time a train stands there open.
    n_trips = 120
    starts = 7200.0 + np.cumsum([0.0] + [gaps[i % len(gaps)] for i in range(n_trips - 1)])
    # boarding made nearly instant (busiest door 0.05 x the mean) so that the dwells stay at the 20 s
    # door cycle and every train leaves on time
    options = SimOptions(variability=False, headway_holding=False, load_standard=10**6, busiest_door_factor=0.05)
    scenario = _one_station_scenario(astana, starts, options)
    rng = np.random.default_rng(3)
    n = 40_000
    t = np.sort(rng.uniform(starts[0] - 4.0, starts[-1] - 4.0, n))  # random arrivals at the Airport platform
    riders = Arrivals(time_s=t, origin=np.zeros(n, int), destination=np.full(n, 17), codes=scenario.line.codes)
    r = simulate(scenario, 1, passengers=riders)
    wait = r.passengers["board_s"] - r.passengers["arrival_s"]
    h = np.diff(starts)
    expected = np.sum(np.clip(h - 56.0, 0.0, None) ** 2) / (2 * np.sum(h))
    assert np.isfinite(wait).all() and r.passengers["left_behind"].sum() == 0
    first = r.events["stop_sequence"] == 0
    assert np.array_equal(r.events["departure_s"][first], starts)
    standard_error = wait.std() / np.sqrt(n)
    assert abs(wait.mean() - expected) < 4 * standard_error, (wait.mean(), expected, standard_error)
    assert np.mean(wait == 0) == pytest.approx(56.0 * len(h) / np.sum(h), abs=4 * np.sqrt(0.25 / n))
    if len(gaps) == 2:
        regular = (h.mean() - 56.0) ** 2 / (2 * h.mean())  # the same trains evenly spaced
        assert wait.mean() > 1.3 * regular  # irregular headways really cost waiting time


def test_demand_above_capacity_fills_trains_and_leaves_passengers_behind(weekday):
    scenario, plan = weekday
    line = scenario.line
    model = read_demand_model(shipped_network() / "demand.toml", line)
    heavy = Scenario(line=line, train=scenario.train, timetable=scenario.timetable,
                     demand=build_demand(line, model, daily=250_000))
    r = simulate(heavy, 1, plan=plan)
    e = r.events
    capacity = scenario.options.capacity(scenario.train, scenario.conditions)
    assert e["denied"].sum() > 1000
    assert e["load_departure"].max() == capacity  # the peak segment reaches capacity, never more
    assert (r.passengers["left_behind"] > 0).sum() > 500
    assert r.generated == r.completed + r.stranded


def test_same_seed_same_numbers_different_seed_different_numbers(weekday):
    scenario, plan = weekday
    a, b, c = simulate(scenario, 11, plan=plan), simulate(scenario, 11, plan=plan), simulate(scenario, 12, plan=plan)
    for name in ("arrival_s", "departure_s", "load_departure"):
        assert np.array_equal(a.events[name], b.events[name])
    assert np.array_equal(a.passengers["board_s"], b.passengers["board_s"])
    assert not np.array_equal(a.events["departure_s"], c.events["departure_s"])
    assert a.generated != c.generated


def test_a_trip_that_skips_a_station_runs_the_longer_leg():
    from lrt.errors import SimulationError

    line = make_line((1000.0, 2500.0, 4000.0))
    train = make_train()
    express = Trip(trip_id="X1", block_id="T1", direction="up", stops=(1, 3), arrival_s=(100.0, 300.0),
                   departure_s=(100.0, 300.0))
    scenario = Scenario(line=line, train=train, options=CALM,
                        timetable=Timetable(name="x", service_id="s", trips=(express,)))
    r = simulate(scenario, 1)
    leg = run_profile(line, train, stops=[1, 3]).running_s  # one acceleration and one stop over 3 km
    assert r.events["arrival_s"][-1] == pytest.approx(100.0 + leg)
    assert leg < sum(s.run_s for s in run_profile(line, train).segments)
    # a plan made for another timetable is refused with a clear error, not a wrong answer
    local = Scenario(line=line, train=train, options=CALM, timetable=Timetable(
        name="l", service_id="s", trips=(make_trip("U1", "T1", "up", (1, 2, 3), 100.0),)))
    with pytest.raises(SimulationError, match="the plan was made for another timetable"):
        simulate(scenario, 1, plan=make_plan(local))


def test_the_simulation_and_lrt_headway_use_one_close_in_time(weekday):
    # both at the design load (652): the CBTC separation must hold for a full train
    from lrt.headway import headway_report

    scenario, plan = weekday
    report = headway_report(scenario.line, scenario.train)
    stations = [loc for loc in report.locations if loc.kind == "station"]
    assert len(stations) == len(plan.close_in) == 32
    for loc in stations:
        code = scenario.line.station(loc.location).code
        assert plan.close_in[(code, loc.direction)] == pytest.approx(loc.detail["close_in_s"], abs=0.05)
    for loc in (x for x in report.locations if x.kind == "terminal"):
        code = scenario.line.station(loc.location).code
        assert plan.terminal_in[code] == (loc.detail["arrival_s"], loc.detail["arrival_cross_s"])
        assert plan.terminal_out[code] == loc.detail["departure_clear_s"]


def test_a_decision_changes_no_draw_of_the_calls_it_does_not_touch(weekday):
    # every call has its own run-time, dwell, delay and fault draws (common random numbers): holding one
    # up train for two minutes changes that train and the trains behind it, and nothing else.  Without
    # holding to the timetable, so that every draw shows in the times.
    import dataclasses

    from lrt.sim import Regulation

    scenario, plan = weekday
    scenario = dataclasses.replace(scenario, options=SimOptions(hold_station_departures=False))

    class HoldOne(Regulation):
        def departure_s(self, ctx):
            t = super().departure_s(ctx)
            return t + 120.0 if (ctx.trip_id, ctx.index) == ("U050", 5) else t

    plain = simulate(scenario, 4, plan=plan)
    held = simulate(scenario, 4, plan=plan, controller=HoldOne(scenario.options))
    e, h = plain.events, held.events
    row = np.flatnonzero((h["trip_id"] == "U050") & (h["stop_sequence"] == 5))[0]
    assert h["departure_s"][row] >= e["departure_s"][row] + 119.0  # the hold took effect
    u050_end = e["arrival_s"][(e["trip_id"] == "U050")].max()
    # the up trains ahead of U050, and the down trips that leave Nurly Zhol before it gets there
    ahead = [f"U{n:03d}" for n in range(40, 50)]
    down = [t for t in set(e["trip_id"]) if t.startswith("D") and e["departure_s"][e["trip_id"] == t].min() < u050_end]
    changed = [t for t in ahead + down if not np.array_equal(e["departure_s"][e["trip_id"] == t],
                                                              h["departure_s"][h["trip_id"] == t])]
    assert changed == []
    assert not np.array_equal(e["departure_s"][e["trip_id"] == "U051"], h["departure_s"][h["trip_id"] == "U051"])
