"""The operations simulation: an exact story, invariants over many seeds, queueing, capacity, seeds."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_line, make_train

from lrt.demand import Arrivals, build_demand
from lrt.headway import Signalling, station_close_in
from lrt.io.demand import read_demand_model
from lrt.io.timetable import read_timetable
from lrt.paths import shipped_network, shipped_timetable
from lrt.runtime import run_both, run_profile
from lrt.sim import Scenario, SimOptions, make_plan, simulate
from lrt.timetable.build import trip_template
from lrt.timetable.model import Timetable, Trip
from lrt.timetable.pattern import Band, ServicePattern

CALM = SimOptions(variability=False, headway_holding=False, hold_station_departures=False)


def _trip(trip_id, block, direction, stops, start, run=150.0, dwell=30.0):
    arr, dep, t = [], [], start
    for i, _ in enumerate(stops):
        arr.append(t)
        t += 0 if i in (0, len(stops) - 1) else dwell
        dep.append(t)
        t += run
    return Trip(trip_id=trip_id, block_id=block, direction=direction, stops=tuple(stops), arrival_s=tuple(arr),
                departure_s=tuple(dep))


def test_story_on_a_three_station_line():
    line = make_line((1000.0, 2500.0, 4000.0))
    train = make_train()
    tt = Timetable(name="story", service_id="s", trips=(_trip("U1", "T1", "up", (1, 2, 3), 100.0),
                                                          _trip("D1", "T1", "down", (3, 2, 1), 600.0)))
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
    dep_u1 = 100.0  # appears 60 s before, held to the timetable; rider 1 (at 50 s) boards
    arr_u2 = dep_u1 + run("up", 1, 2, 1)
    dep_u2 = arr_u2 + 20.0  # rider 0 (at 10 s) boards
    arr_u3 = dep_u2 + run("up", 2, 3, 2)
    dep_d3 = 600.0  # turned back, held to the timetable
    arr_d2 = dep_d3 + run("down", 3, 2, 0)
    dep_d2 = arr_d2 + 20.0  # rider 2 (at 200 s) boards
    arr_d1 = dep_d2 + run("down", 2, 1, 1)
    expected = [
        ("T1", "U1", "up", 0, 1, 100.0, 100.0, 40.0, dep_u1, 1, 1, 0, 0),
        ("T1", "U1", "up", 1, 2, 250.0, 280.0, arr_u2, dep_u2, 2, 1, 0, 0),
        ("T1", "U1", "up", 2, 3, 430.0, 430.0, arr_u3, arr_u3, 0, 0, 2, 0),
        ("T1", "D1", "down", 0, 3, 600.0, 600.0, arr_u3, dep_d3, 0, 0, 0, 0),
        ("T1", "D1", "down", 1, 2, 750.0, 780.0, arr_d2, dep_d2, 1, 1, 0, 0),
        ("T1", "D1", "down", 2, 1, 930.0, 930.0, arr_d1, arr_d1, 0, 0, 1, 0),
    ]
    e = result.events
    got = list(zip(e["train"], e["trip_id"], e["direction"], e["stop_sequence"], e["station"],
                   e["planned_arrival_s"], e["planned_departure_s"], e["arrival_s"], e["departure_s"],
                   e["load_departure"], e["boarded"], e["alighted"], e["denied"]))
    assert len(got) == len(expected)
    for g, x in zip(got, expected):
        assert g[:7] == x[:7] and g[9:] == x[9:], (g, x)
        assert g[7] == pytest.approx(x[7], abs=1e-9) and g[8] == pytest.approx(x[8], abs=1e-9), (g, x)
    p = result.passengers
    assert list(p["board_s"]) == pytest.approx([arr_u2, dep_u1, arr_d2])  # boarding at the train's arrival
    assert list(p["alight_s"]) == pytest.approx([arr_u3, arr_u3, arr_d1])
    assert list(p["trip"]) == ["U1", "U1", "D1"]
    assert result.trips_run == result.trips_planned == 2


@pytest.fixture(scope="module")
def weekday(astana):
    line, train = astana
    tt = read_timetable(shipped_timetable("weekday"))
    model = read_demand_model(shipped_network() / "demand.toml", line)
    scenario = Scenario(line=line, train=train, timetable=tt, demand=build_demand(line, model, daily=92000))
    return scenario, make_plan(scenario)


def test_invariants_over_twenty_seeds(weekday):
    scenario, plan = weekday
    line, train = scenario.line, scenario.train
    profiles = run_both(line, train)
    close_in = {k: v[0] for k, v in station_close_in(line, train, profiles, scenario.conditions, Signalling()).items()}
    capacity = scenario.options.capacity(train, scenario.conditions)
    for seed in range(20):
        r = simulate(scenario, seed, plan=plan)
        # passengers are conserved
        assert r.generated == r.completed + r.waiting_at_end + r.on_board_at_end + r.stranded
        assert r.generated > 80_000 and r.stranded == 0
        e = r.events
        assert (e["load_departure"] <= capacity).all() and (e["load_departure"] >= 0).all()
        # each train's times never decrease
        for block in np.unique(e["train"]):
            rows = np.nonzero(e["train"] == block)[0]
            times = np.column_stack([e["arrival_s"][rows], e["departure_s"][rows]]).ravel()
            assert (np.diff(times) >= -1e-9).all(), (seed, block)
        # moving block: at every platform a follower arrives no sooner than the close-in time after the
        # leader left, and trains keep their order along the line
        for (code, direction), t_cs in close_in.items():
            rows = np.nonzero((e["station"] == code) & (e["direction"] == direction))[0]
            order = rows[np.argsort(e["arrival_s"][rows], kind="stable")]
            gap = e["arrival_s"][order][1:] - e["departure_s"][order][:-1]
            assert gap.min() >= t_cs - 1e-6, (seed, code, direction, gap.min(), t_cs)
            assert (np.diff(e["departure_s"][order]) >= 0).all()


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
def test_mean_wait_follows_h_over_two_times_one_plus_c_squared(astana, gaps):
    n_trips = 120
    starts = 7200.0 + np.cumsum([0.0] + [gaps[i % len(gaps)] for i in range(n_trips - 1)])
    options = SimOptions(variability=False, headway_holding=False, load_standard=10**6)
    scenario = _one_station_scenario(astana, starts, options)
    rng = np.random.default_rng(3)
    n = 40_000
    t = np.sort(rng.uniform(starts[0], starts[-1], n))  # random arrivals at the Airport platform
    riders = Arrivals(time_s=t, origin=np.zeros(n, int), destination=np.full(n, 17), codes=scenario.line.codes)
    r = simulate(scenario, 1, passengers=riders)
    wait = r.passengers["board_s"] - r.passengers["arrival_s"]
    h = np.diff(starts)
    mean_h, c = h.mean(), h.std() / h.mean()
    assert np.isfinite(wait).all() and r.passengers["left_behind"].sum() == 0
    assert wait.mean() == pytest.approx(mean_h / 2 * (1 + c**2), rel=0.05)
    if len(gaps) == 2:
        assert wait.mean() > 1.3 * mean_h / 2  # irregular headways really cost waiting time


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
    assert r.generated == r.completed + r.waiting_at_end + r.on_board_at_end + r.stranded


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
        name="l", service_id="s", trips=(_trip("U1", "T1", "up", (1, 2, 3), 100.0),)))
    with pytest.raises(SimulationError, match="the plan was made for another timetable"):
        simulate(scenario, 1, plan=make_plan(local))
