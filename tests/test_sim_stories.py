"""lrt.sim in short exact stories on tiny lines, and its random parts against their distributions.

Every expected number is worked out by hand in the test (the arithmetic is written out), from the
dwell model of Puong (2000), the regulation rules and the closed-form run of an ideal train; the
random parts are checked against their distributions with tolerances of a few standard errors
computed in the test.  Fast on purpose: mutation testing (tools/mutate.py) runs this file for every
mutant of lrt/sim/; the full-day invariants stay in tests/test_sim_invariants.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import ideal_train, make_line, make_train

from lrt.conditions import Conditions, Failure, Failures
from lrt.demand import Arrivals
from lrt.disruptions import Fault
from lrt.network import Depot, Terminal
from lrt.runtime import run_profile
from lrt.sim import Controller, Regulation, Scenario, SimOptions, StopContext, make_plan, simulate
from lrt.sim.dwell import DwellModel, puong_dwell
from lrt.sim.faults import SERVICE_HOURS, FaultBook, random_faults
from lrt.sim.noise import Noise
from lrt.sim.plan import _planned_headways, _stops_served
from lrt.sim.service import service_for, trains_needed
from lrt.timetable.model import BlockEvent, Timetable, Trip

# -- the tiny line ----------------------------------------------------------------------------------
# three stations 1500 m apart; an ideal train (1 m/s2 both ways, 20 m/s, no resistance, no jerk limit)
# runs each leg in closed form: 20 s up to 20 m/s over 200 m, 1100 m at 20 m/s in 55 s, 20 s braking
# over 200 m -- 95 s whatever its load.
LINE = make_line((1000.0, 2500.0, 4000.0))
TRAIN = ideal_train(1.0, 1.0, 20.0)
RUN = 20.0 + 1100.0 / 20.0 + 20.0
CALM = SimOptions(variability=False, hold_station_departures=False)
TOL = 1e-8  # [s]: the running-time integration gives the ideal train's 95 s to about 1e-9 s a leg


def _approx(row):
    """A row of expected values, times within TOL."""
    return tuple(pytest.approx(x, abs=TOL) if isinstance(x, float) else x for x in row)


def _terminal(code, crossover_m, tracks=2):
    return Terminal(station=code, arrangement="scissors crossover before the platform", platform_tracks=tracks,
                    crossover_chainage_m=crossover_m, crossover_speed_ms=10.0, switch_throw_s=6.0)


def _with_termini(tracks=2, depot=True):
    """The tiny line with a scissors crossover 100 m before each terminus platform, and a depot at S1."""
    return dataclasses.replace(
        LINE, terminals=(_terminal(1, 1100.0, tracks), _terminal(3, 3900.0, tracks)),
        depot=Depot(name="depot", station=1, connection_chainage_m=500.0, pull_out_s=300.0, pull_in_s=300.0)
        if depot else None)


def _trip(trip_id, block, direction, stops, start, dwell=20.0, run=RUN):
    """A trip planned with the ideal train's run and the 20 s door cycle at every intermediate stop."""
    arr, dep, t = [], [], start
    for i, _ in enumerate(stops):
        arr.append(t)
        t += 0.0 if i in (0, len(stops) - 1) else dwell
        dep.append(t)
        t += run
    return Trip(trip_id=trip_id, block_id=block, direction=direction, stops=tuple(stops), arrival_s=tuple(arr),
                departure_s=tuple(dep))


def _riders(*groups, codes=(1, 2, 3)):
    """Arrivals from (count, first time [s], spacing [s], origin code, destination code) groups."""
    t, o, d = [], [], []
    for count, first, step, origin, dest in groups:
        t += [first + step * k for k in range(count)]
        o += [codes.index(origin)] * count
        d += [codes.index(dest)] * count
    order = np.argsort(t, kind="stable")
    return Arrivals(time_s=np.asarray(t, float)[order], origin=np.asarray(o)[order],
                    destination=np.asarray(d)[order], codes=codes)


def _run(trips, *, line=LINE, train=TRAIN, options=CALM, riders=None, faults=(), conditions=Conditions(),
         operations=(), seed=1):
    tt = Timetable(name="story", service_id="s", trips=tuple(trips), operations=tuple(operations))
    scenario = Scenario(line=line, train=train, timetable=tt, options=options, faults=tuple(faults),
                        conditions=conditions)
    return simulate(scenario, seed, passengers=riders)


def _calls(result, *columns):
    """The event log as {(trip, station): (columns...)}."""
    e = result.events
    return {(t, int(s)): tuple(e[c][k] for c in columns)
            for k, (t, s) in enumerate(zip(e["trip_id"], e["station"]))}


def test_the_ideal_train_runs_a_leg_in_closed_form():
    for load in (0, 652):
        assert run_profile(LINE, TRAIN, stops=[1, 2], passengers=load).running_s == pytest.approx(RUN, rel=1e-9)
    assert RUN == 95.0


# -- dwell (Puong 2000, at the busiest door) ----------------------------------------------------------
def test_puong_dwell_is_the_published_regression():
    # 12.22 + 2.27 B + 1.82 A + 6.2e-4 S^3 B, MBTA Red Line, per door
    assert puong_dwell(0, 0, 0) == 12.22
    assert puong_dwell(10, 0, 0) == pytest.approx(12.22 + 22.7, rel=1e-12)
    assert puong_dwell(0, 10, 0) == pytest.approx(12.22 + 18.2, rel=1e-12)
    assert puong_dwell(4, 3, 5) == pytest.approx(12.22 + 9.08 + 5.46 + 6.2e-4 * 125 * 4, rel=1e-12)  # 27.07
    assert puong_dwell(4, 3, 5) == pytest.approx(27.07, rel=1e-12)


def test_dwell_model_at_the_busiest_door_with_standees():
    m = DwellModel(doors=8, seats=96)  # busiest door 1.4 x the mean of 8 doors: 0.175 of everyone
    # 64 on, 40 off, 160 on board after alighting: 11.2 boarding and 7 alighting at the busiest door,
    # (160 - 96) / 8 = 8 standees per door: 12.22 + 2.27*11.2 + 1.82*7 + 6.2e-4*8^3*11.2
    assert m.dwell_s(64, 40, 160) == pytest.approx(12.22 + 25.424 + 12.74 + 3.555328, rel=1e-12)  # 53.939328
    # the other way round (40 on, 64 off) is another dwell: 12.22 + 15.89 + 20.384 + 2.22208
    assert m.dwell_s(40, 64, 160) == pytest.approx(50.71608, rel=1e-12)
    # seated only (90 < 96 seats): no crowding term
    assert m.dwell_s(64, 40, 90) == pytest.approx(12.22 + 25.424 + 12.74, rel=1e-12)
    # 400 on board: (400 - 96) / 8 = 38 standees a door, held at 10: 6.2e-4 * 1000 * 11.2 = 6.944
    assert m.dwell_s(64, 40, 400) == pytest.approx(12.22 + 25.424 + 12.74 + 6.944, rel=1e-12)
    assert DwellModel(doors=8, seats=96, max_standees_per_door=20).dwell_s(64, 40, 400) == pytest.approx(
        12.22 + 25.424 + 12.74 + 6.2e-4 * 8000 * 11.2, rel=1e-12)
    # never below the door cycle: 4 on -> 12.22 + 2.27 * 0.7 = 13.809 < 20
    assert m.dwell_s(4, 0, 0) == 20.0
    assert DwellModel(doors=8, min_dwell_s=10.0).dwell_s(4, 0, 0) == pytest.approx(13.809, rel=1e-12)
    # winter coats: the per-passenger seconds x 1.2, the 12.22 s constant unchanged
    coats = DwellModel(doors=8, seats=96, passenger_factor=1.2)
    assert coats.dwell_s(64, 40, 160) == pytest.approx(12.22 + 1.2 * 41.719328, rel=1e-12)
    # boarding even over the doors (factor 1): 8 on a door, 5 off, 8 standees
    even = DwellModel(doors=8, seats=96, busiest_door_factor=1.0)
    assert even.dwell_s(64, 40, 160) == pytest.approx(12.22 + 2.27 * 8 + 1.82 * 5 + 6.2e-4 * 512 * 8, rel=1e-12)


# -- regulation -------------------------------------------------------------------------------------
def _ctx(index, earliest=100.0, planned=150.0, previous=None, headway=None):
    return StopContext(block="T1", trip_id="U1", direction="up", station=2, index=index, now_s=90.0,
                       earliest_departure_s=earliest, planned_departure_s=planned, previous_departure_s=previous,
                       planned_headway_s=headway, load=0)


def test_regulation_holds_to_the_timetable_and_for_even_headways():
    default = Regulation(SimOptions())
    assert default.departure_s(_ctx(0)) == 150.0 and default.departure_s(_ctx(2)) == 150.0
    assert default.departure_s(_ctx(2, earliest=170.0)) == 170.0  # late: never held back further
    free = Regulation(SimOptions(hold_terminal_departures=False, hold_station_departures=False))
    assert free.departure_s(_ctx(0)) == 100.0 and free.departure_s(_ctx(1)) == 100.0
    terminal_only = Regulation(SimOptions(hold_station_departures=False))
    assert terminal_only.departure_s(_ctx(0)) == 150.0 and terminal_only.departure_s(_ctx(1)) == 100.0
    stations_only = Regulation(SimOptions(hold_terminal_departures=False))
    assert stations_only.departure_s(_ctx(0)) == 100.0 and stations_only.departure_s(_ctx(1)) == 150.0
    # headway holding: not before the previous departure + 0.8 x the planned headway (40 + 0.8 * 100)
    hold = Regulation(SimOptions(hold_station_departures=False, headway_holding=True))
    assert hold.departure_s(_ctx(1, previous=40.0, headway=100.0)) == pytest.approx(120.0, abs=1e-12)
    assert hold.departure_s(_ctx(1, previous=10.0, headway=100.0)) == 100.0  # 90 < 100: not held
    assert hold.departure_s(_ctx(0, previous=100.0, headway=100.0)) == 150.0  # a terminus keeps its timetable
    assert hold.departure_s(_ctx(1, previous=None, headway=100.0)) == 100.0  # the first train of the day
    assert hold.departure_s(_ctx(1, previous=40.0, headway=None)) == 100.0   # the first trip at that stop
    half = Regulation(SimOptions(hold_station_departures=False, headway_holding=True, headway_holding_share=0.5))
    assert half.departure_s(_ctx(1, previous=40.0, headway=100.0)) == 100.0  # 40 + 50 = 90 < 100
    assert Regulation(SimOptions(hold_station_departures=False)).departure_s(
        _ctx(1, previous=40.0, headway=100.0)) == 100.0  # holding off


# -- options ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["run_time_cv", "dwell_cv", "primary_delay_share", "primary_delay_mean_s",
                                  "min_turnback_s", "min_dwell_s", "door_closing_s"])
def test_options_refuse_a_negative_value_naming_it(name):
    with pytest.raises(ValueError) as err:
        SimOptions(**{name: -1.0})
    assert str(err.value) == f"{name} must be >= 0, got -1.0"
    SimOptions(**{name: 0.0, **({"door_closing_s": 0.0} if name == "min_dwell_s" else {})})  # zero is allowed


def test_options_boundaries():
    SimOptions(door_closing_s=20.0, min_dwell_s=20.0)  # closing may take the whole door cycle
    with pytest.raises(ValueError) as err:
        SimOptions(door_closing_s=20.5, min_dwell_s=20.0)
    assert str(err.value) == "door_closing_s (20.5) must not exceed min_dwell_s (20.0)"
    SimOptions(primary_delay_share=1.0)
    with pytest.raises(ValueError) as err:
        SimOptions(primary_delay_share=1.01)
    assert str(err.value) == "primary_delay_share must be in [0, 1], got 1.01"
    with pytest.raises(ValueError) as err:
        SimOptions(load_standard="seated")
    assert str(err.value) == "load_standard must be 'design', 'crush' or a number, got 'seated'"


def test_capacity_by_load_standard_and_winter_coats():
    train = make_train()  # 652 design (6/m2), 930 crush
    coats = Conditions(name="coats", capacity_factor=0.85)
    assert SimOptions().capacity(train, Conditions()) == 652
    assert SimOptions(load_standard="crush").capacity(train, Conditions()) == 930
    assert SimOptions(load_standard=500).capacity(train, Conditions()) == 500
    assert SimOptions().capacity(train, coats) == 554  # 652 x 0.85 = 554.2, whole passengers
    assert SimOptions(load_standard="crush").capacity(train, coats) == 790  # 930 x 0.85 = 790.5
    assert SimOptions(load_standard=500).capacity(train, coats) == 425


# -- noise: against the distributions, tolerances from standard errors --------------------------------
N_DRAWS = 40_000


def _se_of_std(x):
    """Standard error of the sample standard deviation (delta method on the variance) [units of x]."""
    d = x - x.mean()
    m2, m4 = np.mean(d**2), np.mean(d**4)
    return math.sqrt((m4 - m2**2) / x.size) / (2 * math.sqrt(m2))


def _draws(noise, kind, rows=200, cols=200):
    """Every draw of the timetable's (trip, stop) table of ``shape`` (rows, cols), then as many calls beyond it
    (trips past the timetable: a spare train's), which come from the kind's own stream."""
    f = getattr(noise, kind)
    table = np.array([f(k, i) for k in range(rows) for i in range(cols)])
    beyond = np.array([f(rows + k, 0) for k in range(rows * cols)])
    return table, beyond


def _noise(seed, **options):
    return Noise(SimOptions(**options), np.random.SeedSequence(seed), (200, 200))


def test_run_time_noise_is_normal_with_its_cv_and_held_at_half():
    cv = 0.05
    for x in _draws(_noise(11, run_time_cv=cv), "run"):  # the table and the calls beyond it alike
        assert x.size == N_DRAWS
        assert abs(x.mean() - 1.0) < 4 * cv / math.sqrt(N_DRAWS)
        assert abs(x.std() - cv) < 4 * _se_of_std(x)
    # a wide spread is held at half the run time: P(1 + N(0, 0.4) < 0.5) = Phi(-1.25) = 0.10565
    p = 0.5 * math.erfc(1.25 / math.sqrt(2))
    for y in _draws(_noise(12, run_time_cv=0.4), "run"):
        assert y.min() == 0.5 and abs(np.mean(y == 0.5) - p) < 4 * math.sqrt(p * (1 - p) / N_DRAWS)


def test_dwell_noise_is_lognormal_with_mean_one_and_its_cv():
    cv = 0.25
    s = math.sqrt(math.log(1 + cv**2))  # log-sd of a lognormal with CV 0.25: 0.2462
    for x in _draws(_noise(13, dwell_cv=cv), "dwell"):
        assert abs(x.mean() - 1.0) < 4 * x.std() / math.sqrt(N_DRAWS)
        assert abs(x.std() - cv) < 4 * _se_of_std(x)
        logs = np.log(x)  # normal with mean -s^2/2 and sd s
        assert abs(logs.mean() + s * s / 2) < 4 * s / math.sqrt(N_DRAWS)
        assert abs(logs.std() - s) < 4 * s / math.sqrt(2 * N_DRAWS)


def test_primary_delays_hit_their_share_with_an_exponential_mean():
    share, mean = 0.2, 45.0
    for x in _draws(_noise(14, primary_delay_share=share, primary_delay_mean_s=mean), "primary_delay"):
        hit = x[x > 0]
        assert abs(hit.size / N_DRAWS - share) < 4 * math.sqrt(share * (1 - share) / N_DRAWS)
        assert abs(hit.mean() - mean) < 4 * mean / math.sqrt(hit.size)  # an exponential's sd is its mean
        q = math.exp(-1.0)  # P(X > mean) of an exponential
        assert abs(np.mean(hit > mean) - q) < 4 * math.sqrt(q * (1 - q) / hit.size)
    every = _noise(15, primary_delay_share=1.0, primary_delay_mean_s=mean)
    assert all(every.primary_delay(k, i) > 0 for k in range(40) for i in range(25))
    assert all(every.primary_delay(200 + k, 0) > 0 for k in range(1000))


def test_no_variability_draws_nothing_and_changes_nothing():
    for options in (dict(variability=False), dict(run_time_cv=0.0, dwell_cv=0.0, primary_delay_share=0.0)):
        noise = _noise(5, **options)
        for k, i in ((0, 0), (7, 3), (199, 199), (5000, 0)):  # in the table and beyond it
            assert [noise.run(k, i), noise.dwell(k, i), noise.primary_delay(k, i)] == [1.0, 1.0, 0.0]
    # each draw is switched off by its own parameter only, and the others are the draws they would be
    # anyway (each kind has its own stream: switching one off moves no other)
    full = _noise(5, run_time_cv=0.05, dwell_cv=0.2, primary_delay_share=0.3)
    some = _noise(5, run_time_cv=0.0, dwell_cv=0.2, primary_delay_share=0.0)
    for k, i in ((0, 0), (7, 3), (199, 199), (5000, 0)):
        assert some.run(k, i) == 1.0 and some.primary_delay(k, i) == 0.0
        assert some.dwell(k, i) == full.dwell(k, i) != 1.0


# -- the service a day's fleet allows -----------------------------------------------------------------
def _three_blocks():
    trips = (_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 200.0),
             _trip("U3", "T3", "up", (1, 2, 3), 600.0))
    ops = (BlockEvent(block_id="T2", event="pull_out", stop=1, start_s=0.0, end_s=200.0, to_trip="U2"),
           BlockEvent(block_id="T3", event="pull_out", stop=1, start_s=300.0, end_s=600.0, to_trip="U3"))
    return Timetable(name="three", service_id="s", trips=trips, operations=ops)


def test_trains_needed_is_the_most_trains_out_at_once():
    # out: T1 100-310 (its trip), T2 0-410 (pull-out to the end of its trip), T3 300-810
    # at 0: T2 -> 1; at 100: T1, T2 -> 2; at 300: T1, T2, T3 -> 3
    assert trains_needed(_three_blocks()) == 3
    assert trains_needed(Timetable(name="none", service_id="s", trips=())) == 0


def test_too_few_fit_trains_drop_the_last_to_pull_out():
    tt = _three_blocks()
    fleet_of = {f: Conditions(name=f"c{f}", fleet_availability=f / 19) for f in (2, 3)}  # fleet 19
    same, note = service_for(LINE, TRAIN, tt, fleet_of[3])
    assert same is tt and note == "3 trains fit for service, 3 needed: timetable as planned"
    thin, note = service_for(LINE, TRAIN, tt, fleet_of[2])
    assert note == "2 trains fit for service, 3 needed: the last 1 trains to pull out are not run"
    assert [t.trip_id for t in thin.trips] == ["U1", "U2"] and [e.block_id for e in thin.operations] == ["T2"]
    assert thin.name == "three (thinned for c2)" and thin.service_id == "s"


def test_too_few_fit_trains_rebuild_a_pattern_keeping_a_reserve_from_four():
    from lrt.timetable.build import build_timetable
    from lrt.timetable.pattern import Band, ServicePattern

    line = _with_termini(depot=False)
    pattern = ServicePattern(name="p", service_id="p", days=("monday",), start_date="20260101",
                             end_date="20261231", bands=(Band(name="b", start_s=21600.0, end_s=25200.0,
                                                              headway_s=150.0),),
                             dwell_s=20.0, turnback_min_s=120.0, reserve_trains=0)
    planned = build_timetable(line, TRAIN, pattern)
    needed = trains_needed(planned)
    assert needed == 5  # a 660 s cycle (2 x 210 s trips, 2 x 120 s turnbacks) every 150 s
    for fit, reserve in ((4, 1), (3, 0)):
        cond = Conditions(name="few", fleet_availability=fit / 19)
        thin, note = service_for(line, TRAIN, planned, cond, pattern)
        expected = build_timetable(line, TRAIN, dataclasses.replace(pattern, reserve_trains=reserve), conditions=cond,
                                   thin=True)
        assert [(t.trip_id, t.block_id, t.departure_s) for t in thin.trips] == \
            [(t.trip_id, t.block_id, t.departure_s) for t in expected.trips], fit
        assert trains_needed(thin) == fit - reserve
        assert thin.name == f"{planned.name} (thinned for few)"
        assert note == f"{fit} trains fit for service, {needed} needed: pattern p rebuilt with {fit - reserve} trains"


# -- plan helpers -------------------------------------------------------------------------------------
def test_planned_headways_are_per_stop_and_direction():
    trips = [_trip("U2", "T2", "up", (1, 2, 3), 400.0), _trip("U1", "T1", "up", (1, 2, 3), 100.0),
             _trip("D1", "T1", "down", (3, 2, 1), 500.0), _trip("U3", "T3", "up", (1, 2, 3), 550.0)]
    # departures at S1: 100, 400, 550; at S2: 215, 515, 665; the down trip has nothing before it
    assert _planned_headways(trips) == {("U2", 0): 300.0, ("U2", 1): 300.0, ("U3", 0): 150.0, ("U3", 1): 150.0}


def test_stops_served_only_for_short_and_skipping_trips():
    line = make_line((1000.0, 2500.0, 4000.0, 5500.0))
    trips = [_trip("U1", "T1", "up", (1, 2, 3, 4), 0.0), _trip("D1", "T1", "down", (4, 3, 2, 1), 0.0),
             _trip("X1", "T2", "up", (1, 3, 4), 0.0), _trip("S1", "T3", "up", (2, 3), 0.0),
             _trip("Y1", "T2", "down", (4, 2, 1), 0.0)]
    masks = _stops_served(line, trips)
    assert all(m.dtype == bool for m in masks.values())  # boolean masks, to index destinations with
    served = {k: v.tolist() for k, v in masks.items()}
    assert served == {("X1", 0): [False, False, True, True], ("X1", 1): [False, False, False, True],
                      ("S1", 0): [False, False, True, False],
                      ("Y1", 0): [True, True, False, False], ("Y1", 1): [True, False, False, False]}


def test_the_plan_takes_the_day_s_physics_from_runtime_energy_and_headway():
    from lrt.energy import segment_energies
    from lrt.headway import Signalling, headway_report, station_close_in
    from lrt.runtime import run_both

    # a real train on the line with termini, a 10 % allowance, on an icy day with a 54 km/h cap; the crush
    # load standard; trips that skip S2 both ways
    base = _with_termini()
    line = dataclasses.replace(base, operations=dataclasses.replace(base.operations, allowance=0.1))
    train = make_train()
    icy = Conditions(name="icy", adhesion_traction=0.08, adhesion_braking=0.06, speed_cap_ms=15.0)
    trips = (_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("X1", "T2", "up", (1, 3), 200.0),
             _trip("Y1", "T2", "down", (3, 1), 600.0))
    scenario = Scenario(line=line, train=train, conditions=icy, options=SimOptions(load_standard="crush"),
                        timetable=Timetable(name="p", service_id="s", trips=trips))
    plan = make_plan(scenario)
    legs = {("up", 1, 2), ("up", 2, 3), ("down", 3, 2), ("down", 2, 1), ("up", 1, 3), ("down", 3, 1)}
    assert set(plan.legs) == legs
    for direction, a, b in legs:
        leg = plan.legs[(direction, a, b)]
        for k, load in enumerate((0, 652)):  # empty and at the design load
            for allowance, times, kwh in ((None, leg.run_s, leg.run_kwh), (0.0, leg.fast_s, leg.fast_kwh)):
                p = run_profile(line, train, direction=direction, stops=[a, b], conditions=icy, passengers=load,
                                allowance=allowance)
                energy = segment_energies(p, train, line, icy).total
                assert times[k] == pytest.approx(p.running_s, rel=1e-12), (direction, a, b, load, allowance)
                assert kwh[0][k] == pytest.approx(energy.drawn_kwh, rel=1e-12)
                assert kwh[1][k] == pytest.approx(energy.returned_kwh, rel=1e-12)
        assert leg.run_s[0] > leg.fast_s[0]  # the allowance is really there
    # CBTC at the design load, as lrt headway computes it for the day
    profiles = run_both(line, train, conditions=icy, passengers=train.capacity)
    close_in = station_close_in(line, train, profiles, icy, Signalling())
    assert plan.close_in == {k: v[0] for k, v in close_in.items()} and set(plan.close_in) == {(2, "up"), (2, "down")}
    report = headway_report(line, train, conditions=icy)
    for code in (1, 3):
        d = next(loc.detail for loc in report.locations if loc.location == f"S{code}")
        assert plan.terminal_in[code] == (d["arrival_s"], d["arrival_cross_s"])
        assert plan.terminal_out[code] == d["departure_clear_s"]
    assert (plan.capacity, plan.full_load) == (930, 652)
    # a line with a terminus at S1 only: its times, and none for S3
    one = dataclasses.replace(line, terminals=line.terminals[:1])
    plan = make_plan(dataclasses.replace(scenario, line=one))
    assert set(plan.terminal_in) == set(plan.terminal_out) == {1}


# -- faults -------------------------------------------------------------------------------------------
def test_random_timed_faults_follow_their_poisson_rates_and_places():
    line = _with_termini()
    rate = 4000.0  # per day; the service hours are 18 h = 0.75 day
    cond = Conditions(failures=Failures(switch=Failure(kind="switch", rate=rate, mean_duration_s=600.0),
                                        power_rail=Failure(kind="power_rail", rate=rate, mean_duration_s=900.0)))
    faults = random_faults(cond, line, np.random.default_rng(21), first_id=4)
    assert SERVICE_HOURS == (21600.0, 86400.0)
    for kind, mean_duration in (("switch", 600.0), ("power_rail", 900.0)):
        f = [x for x in faults if x.kind == kind]
        lam = rate * 0.75
        assert abs(len(f) - lam) < 4 * math.sqrt(lam)
        start = np.array([x.start_s for x in f])
        assert start.min() >= 21600.0 and start.max() < 86400.0 and start.min() < 21600.0 + 200.0
        assert start.max() > 86400.0 - 200.0
        assert abs(start.mean() - 54000.0) < 4 * 64800.0 / math.sqrt(12 * len(f))  # uniform over the 18 h
        d = np.array([x.duration_s for x in f])
        assert abs(d.mean() - mean_duration) < 4 * mean_duration / math.sqrt(len(f))  # exponential (shape 1)
        assert {x.source for x in f} == {"random"}
    where = [x.station for x in faults if x.kind == "switch"]
    sections = [x.section for x in faults if x.kind == "power_rail"]
    assert set(where) == {1, 3, 0} and set(sections) == {(1, 2), (2, 3)}  # termini and the depot; sections
    at_depot = np.mean(np.array(where) == 0)  # one place in three
    assert abs(at_depot - 1 / 3) < 4 * math.sqrt(2 / 9 / len(where))
    first_section = np.mean([s == (1, 2) for s in sections])  # one section in two
    assert abs(first_section - 1 / 2) < 4 * math.sqrt(1 / 4 / len(sections))
    assert [x.start_s for x in faults] == sorted(x.start_s for x in faults)
    assert sorted(int(x.fault_id[1:]) for x in faults) == list(range(4, 4 + len(faults)))
    assert all(x.station is None for x in faults if x.kind == "power_rail")
    assert all(x.section is None for x in faults if x.kind == "switch")


def test_random_timed_faults_each_process_on_its_own():
    only_ice = Conditions(failures=Failures(power_rail=Failure(kind="power_rail", rate=40.0)))
    faults = random_faults(only_ice, LINE, np.random.default_rng(2))
    assert faults and {f.kind for f in faults} == {"power_rail"}
    assert [f.fault_id for f in sorted(faults, key=lambda f: int(f.fault_id[1:]))][0] == "F01"
    assert random_faults(Conditions(), LINE, np.random.default_rng(2)) == []
    # on a line without termini or depot a switch can only fail at the depot connection (code 0)
    only_switch = Conditions(failures=Failures(switch=Failure(kind="switch", rate=40.0)))
    assert {f.station for f in random_faults(only_switch, LINE, np.random.default_rng(2))} == {0}


def _book(scripted=(), failures=Failures(), seed=3):
    return FaultBook(list(scripted), Conditions(failures=failures), LINE, np.random.default_rng(seed))


def test_scripted_faults_meet_their_train_once_at_or_after_their_time():
    door = Fault(fault_id="F01", kind="door", start_s=500.0, duration_s=60.0, train="T1", station=2)
    anywhere = Fault(fault_id="F02", kind="door", start_s=500.0, duration_s=30.0, train="T2")
    book = _book([door, anywhere])
    assert book.door("T1", 2, 499.9) is None and book.door("T2", 1, 499.9) is None  # not yet
    assert book.door("T1", 1, 600.0) is None  # another station
    assert book.door("T3", 2, 600.0) is None  # another train
    assert book.door("T1", 2, 500.0) is door and book.door("T1", 2, 600.0) is None  # once
    assert book.door("T2", 3, 700.0) is anywhere  # no station given: the train's next call


def test_a_scripted_train_failure_happens_during_the_run_that_reaches_it():
    f = Fault(fault_id="F01", kind="train", start_s=150.0, duration_s=60.0, train="T1")
    book = _book([f])
    assert book.train_failure("T1", 0.0, 149.0) is None  # the run ends before 150 s
    assert book.train_failure("T2", 100.0, 95.0) is None
    assert book.train_failure("T1", 100.0, 95.0) == (f, 50.0)  # 50 s into the run
    late = Fault(fault_id="F02", kind="train", start_s=80.0, duration_s=60.0, train="T1")
    assert _book([late]).train_failure("T1", 100.0, 95.0) == (late, 0.0)  # missed its time: at once
    edge = Fault(fault_id="F03", kind="train", start_s=195.0, duration_s=60.0, train="T1")
    assert _book([edge]).train_failure("T1", 100.0, 95.0) == (edge, 95.0)  # at the end of the run


def test_a_scripted_pull_out_failure_within_the_hour_before_its_time():
    f = Fault(fault_id="F01", kind="pull_out", start_s=5000.0, duration_s=0.0, train="T1")
    book = _book([f])
    assert book.pull_out("T1", 1399.0) is None  # 1399 + 3600 < 5000
    assert book.pull_out("T1", 1400.0) is f and book.pull_out("T1", 1400.0) is None


def test_random_door_train_and_pull_out_failures_at_their_rates():
    n = 20_000
    p_door, per_hour, p_pull = 0.1, 36.0, 0.2
    failures = Failures(door=Failure(kind="door", rate=p_door, mean_duration_s=30.0),
                        train=Failure(kind="train", rate=per_hour, mean_duration_s=300.0),
                        pull_out=Failure(kind="pull_out", rate=p_pull))
    book = _book([Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=5.0, train="T9")], failures, seed=4)
    doors = [book.door("T1", 2, float(k)) for k in range(n)]
    hit = [f for f in doors if f is not None]
    assert abs(len(hit) / n - p_door) < 4 * math.sqrt(p_door * (1 - p_door) / n)
    assert hit[0].fault_id == "F02" and hit[1].fault_id == "F03"  # numbered after the scripted ones
    assert all(f.kind == "door" and f.train == "T1" and f.station == 2 and f.source == "random" for f in hit)
    assert abs(np.mean([f.duration_s for f in hit]) - 30.0) < 4 * 30.0 / math.sqrt(len(hit))
    assert hit[5].start_s == doors.index(hit[5])  # at the call's time
    # a train fails on a run of 10 s with probability 36/h x 10 s = 0.1, uniformly during the run
    runs = [book.train_failure("T1", 1000.0, 10.0) for _ in range(n)]
    broke = [r for r in runs if r is not None]
    assert abs(len(broke) / n - 0.1) < 4 * math.sqrt(0.1 * 0.9 / n)
    at = np.array([a for _, a in broke])
    assert at.min() >= 0.0 and at.max() <= 10.0 and abs(at.mean() - 5.0) < 4 * 10.0 / math.sqrt(12 * at.size)
    assert all(f.start_s == 1000.0 + a and f.kind == "train" and f.train == "T1" for f, a in broke)
    assert abs(np.mean([f.duration_s for f, _ in broke]) - 300.0) < 4 * 300.0 / math.sqrt(len(broke))
    pulls = [book.pull_out("T2", 50.0) for _ in range(n)]
    failed = [f for f in pulls if f is not None]
    assert abs(len(failed) / n - p_pull) < 4 * math.sqrt(p_pull * (1 - p_pull) / n)
    assert all(f.kind == "pull_out" and f.train == "T2" and f.start_s == 50.0 and f.duration_s == 0.0 for f in failed)
    ids = [int(f.fault_id[1:]) for f in book.faults]
    assert ids == list(range(1, len(ids) + 1))  # every fault drawn is kept, numbered in turn


class _Draws:
    """A stand-in for the run's generator: random() gives the values listed, poisson() records its mean."""

    def __init__(self, *values):
        self.values = list(values)
        self.means = []

    def random(self):
        return self.values.pop(0)

    def poisson(self, lam):
        self.means.append(lam)
        return 0

    def uniform(self, a, b):
        return (a + b) / 2


def test_the_failure_probabilities_exactly():
    # the Poisson means of the timed faults: rate x 18 h of service / 24 h
    draws = _Draws()
    cond = Conditions(failures=Failures(switch=Failure(kind="switch", rate=4.0),
                                        power_rail=Failure(kind="power_rail", rate=2.0)))
    assert random_faults(cond, LINE, draws) == [] and draws.means == [3.0, 1.5]
    # a door fails when its call's draw < rate, a train when the draw < rate/h x run [h], a pull-out when < rate.
    # Each is one uniform draw per call of the timetable (lrt.sim.noise.Keyed): stand-ins give the values listed
    failures = Failures(door=Failure(kind="door", rate=0.25), train=Failure(kind="train", rate=36.0),
                        pull_out=Failure(kind="pull_out", rate=0.5))
    book = _book_drawing(failures, door=(0.25, 0.2499999), train=(0.1, 0.0999999))
    assert book.door("T1", 2, 0.0) is None and book.door("T1", 2, 0.0) is not None
    assert book.train_failure("T1", 0.0, 10.0) is None  # 36/h x 10 s = 0.1
    f, at = book.train_failure("T1", 0.0, 10.0)
    assert at == 5.0 and f.start_s == 5.0  # where uniform(0, 10 s) put it
    book = _book_drawing(failures, pull=(0.5, 0.4999999))
    assert book.pull_out("T1", 0.0) is None and book.pull_out("T1", 0.0) is not None


def _book_drawing(failures, door=(), train=(), pull=()):
    """A fault book whose per-call draws are the values listed, and whose fault details come from _Draws."""
    book = FaultBook([], Conditions(failures=failures), LINE, np.random.SeedSequence(0))
    book._door, book._train, book._pull = (lambda trip, stop, v=list(v): v.pop(0) for v in (door, train, pull))
    book.rng = _Draws()  # a call beyond the timetable (the default call) draws its details here
    return book


def test_random_timed_faults_are_numbered_after_the_scripted_ones():
    scripted = [Fault(fault_id="F01", kind="door", start_s=50.0, duration_s=5.0, train="T1"),
                Fault(fault_id="F02", kind="train", start_s=60.0, duration_s=5.0, train="T1")]
    cond = Conditions(failures=Failures(switch=Failure(kind="switch", rate=40.0, mean_duration_s=60.0),
                                        door=Failure(kind="door", rate=1.0)))
    book = FaultBook(scripted, cond, LINE, np.random.default_rng(8))
    timed = book.timed("switch")
    assert len(timed) > 10 and sorted(int(f.fault_id[1:]) for f in timed) == list(range(3, 3 + len(timed)))
    assert book.faults[:2] == scripted  # in time order: the scripted come first here, the timed from 6 h
    assert book.door("T2", 2, 100.0).fault_id == f"F{3 + len(timed):02d}"  # the next number


def test_the_fault_log_rows_and_the_faults_that_never_happened():
    line = _with_termini()
    icing = Fault(fault_id="F02", kind="power_rail", start_s=100.04, duration_s=59.96, section=(2, 3))
    switch = Fault(fault_id="F03", kind="switch", start_s=100.04, duration_s=10.26, station=3)
    lost = [Fault(fault_id="F01", kind="train", start_s=900.0, duration_s=60.0, train="T1"),
            Fault(fault_id="F04", kind="door", start_s=50.0, duration_s=60.0, train="T2", station=2),
            Fault(fault_id="F05", kind="pull_out", start_s=10.0, duration_s=0.0, train="T3")]
    book = FaultBook([*lost, icing, switch], Conditions(), line, np.random.default_rng(1))
    assert book.timed("power_rail") == [icing] and book.timed("switch") == [switch]
    book.record(switch, "points by hand")
    book.record(icing, "held")
    book.close()
    assert book.log == [
        {"fault_id": "F05", "kind": "pull_out", "source": "scripted", "start_s": 10.0, "duration_s": 0.0,
         "train": "T3", "station": "", "section": "", "description": "F05 pull-out T3",
         "response": "did not happen: train T3 made no such call after that time"},
        {"fault_id": "F04", "kind": "door", "source": "scripted", "start_s": 50.0, "duration_s": 60.0,
         "train": "T2", "station": 2, "section": "", "description": "F04 door T2 at S2",
         "response": "did not happen: train T2 made no such call after that time"},
        {"fault_id": "F02", "kind": "power_rail", "source": "scripted", "start_s": 100.0, "duration_s": 60.0,
         "train": "", "station": "", "section": "2-3", "description": "F02 power-rail S2-S3", "response": "held"},
        {"fault_id": "F03", "kind": "switch", "source": "scripted", "start_s": 100.0, "duration_s": 10.3,
         "train": "", "station": 3, "section": "", "description": "F03 switch at S3", "response": "points by hand"},
        {"fault_id": "F01", "kind": "train", "source": "scripted", "start_s": 900.0, "duration_s": 60.0,
         "train": "T1", "station": "", "section": "", "description": "F01 train T1",
         "response": "did not happen: train T1 made no such call after that time"},
    ]
    book.close()  # nothing pending any more: logged once
    assert len(book.log) == 5


# -- stories: the engine on the tiny line ---------------------------------------------------------------
def _close_in(line=LINE, train=TRAIN):
    """The CBTC close-in time at S2 from lrt.headway (the same number lrt headway prints) [s]."""
    from lrt.headway import Signalling, station_close_in
    from lrt.runtime import run_both

    profiles = run_both(line, train, passengers=train.capacity)
    return station_close_in(line, train, profiles, Conditions(), Signalling())[(2, "up")][0]


def _terminal_times(line):
    """(route set to stop, crossover held on arrival, crossover held on departure) at S3, from lrt headway."""
    from lrt.headway import headway_report

    d = next(loc.detail for loc in headway_report(line, TRAIN).locations if loc.location == "S3")
    return d["arrival_s"], d["arrival_cross_s"], d["departure_clear_s"]


COLUMNS = ("arrival_s", "departure_s", "load_departure", "boarded", "alighted", "denied", "dwell_s",
           "doors_close_s", "cause")


@pytest.mark.parametrize("dwell_factor", [1.0, 1.2])
def test_story_a_busy_stop_dwells_by_puong_at_the_busiest_door(dwell_factor):
    # 200 board at S1 (160 for S3, 40 for S2) before the train opens its doors; 64 wait at S2 for S3
    riders = _riders((160, 0.0, 0.1, 1, 3), (40, 20.0, 0.1, 1, 2), (64, 50.0, 1.0, 2, 3))
    coats = Conditions(name="coats", dwell_factor=dwell_factor)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], riders=riders, conditions=coats)
    k = 1.4 / 8  # share of the passengers at the busiest door (1.4 x the mean of 8 doors)

    def seconds(boarding, alighting, standees):  # Puong's per-passenger terms, x the winter factor
        return (2.27 * boarding * k + 1.82 * alighting * k + 6.2e-4 * standees**3 * boarding * k) * dwell_factor

    # S1: the train stands open from 60 s before its departure (40 s); 200 on, nobody off, nobody standing
    # (the train was empty): 12.22 + 2.27 x 35 = 91.67 s, so it leaves late at 131.67 s
    dwell_1 = 12.22 + seconds(200, 0, 0)
    assert dwell_1 == pytest.approx(91.67 if dwell_factor == 1.0 else 107.56, rel=1e-12)
    dep_1 = 40.0 + dwell_1
    arr_2 = dep_1 + RUN
    # S2: 40 off first; 160 stay, (160 - 96 seats) / 8 doors = 8 standees a door; 64 on
    # 12.22 + 2.27 x 11.2 + 1.82 x 7 + 6.2e-4 x 8^3 x 11.2 = 53.939328 s (43.7 s the other way round)
    dwell_2 = 12.22 + seconds(64, 40, 8)
    assert dwell_2 == pytest.approx(53.939328 if dwell_factor == 1.0 else 62.2831936, rel=1e-12)
    dep_2 = arr_2 + dwell_2
    arr_3 = dep_2 + RUN
    calls = _calls(r, *COLUMNS)
    expected = {
        ("U1", 1): (40.0, dep_1, 200, 200, 0, 0, dwell_1, dep_1 - 4.0, ""),
        ("U1", 2): (arr_2, dep_2, 224, 64, 40, 0, dwell_2, dep_2 - 4.0,
                    f"long dwell: 64 on, 40 off ({dwell_2:.0f} s)"),  # 20 s planned
        ("U1", 3): (arr_3, arr_3, 0, 0, 224, 0, 0.0, arr_3, ""),
    }
    assert calls.keys() == expected.keys()
    for key, row in expected.items():
        assert calls[key] == _approx(row), key
    p = r.passengers
    on_at_1 = p["origin"] == 1
    assert (p["board_s"][on_at_1] == 40.0).all() and p["board_s"][~on_at_1] == pytest.approx(arr_2, abs=TOL)
    assert p["alight_s"][p["destination"] == 2] == pytest.approx(arr_2, abs=TOL)
    assert p["alight_s"][p["destination"] == 3] == pytest.approx(arr_3, abs=TOL)
    assert r.completed == 264 and r.stranded == 0 and set(p["trip"]) == {"U1"}


@pytest.mark.parametrize("share, held", [(0.8, 555.0), (0.9, 585.0), (0.5, None)])
def test_story_headway_holding_evens_out_the_gap_behind_a_late_train(share, held):
    # U1 (T1) and U2 (T2) leave S1 at 100 s and 400 s: a planned headway of 300 s at every stop.
    # A door fault holds U1 100 s at S2: it arrives at 195, leaves at 195 + 20 + 100 = 315 s.
    # U2 reaches S2 on time at 495 s and could leave at 515 s; holding keeps it until U1's departure
    # plus share x 300 s: 315 + 240 = 555 s at 0.8, 585 s at 0.9; at 0.5 (465 s) it is not held.
    options = SimOptions(variability=False, hold_station_departures=False, headway_holding=True,
                         headway_holding_share=share)
    door = Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=100.0, train="T1", station=2)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 400.0)]
    r = _run(trips, options=options, faults=[door])
    dep = held or 515.0
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls == {("U1", 1): _approx((40.0, 100.0, "")),
                     ("U1", 2): _approx((195.0, 315.0, "F01 door T1 at S2 (100 s)")),
                     ("U1", 3): _approx((410.0, 410.0, "")),
                     ("U2", 1): _approx((340.0, 400.0, "")), ("U2", 2): _approx((495.0, dep, "")),
                     ("U2", 3): _approx((dep + RUN, dep + RUN, ""))}
    assert [(f["fault_id"], f["response"]) for f in r.faults] == [("F01", "dwell +100 s")]
    # without holding U2 keeps its own time
    free = _run(trips, options=dataclasses.replace(options, headway_holding=False), faults=[door])
    assert _calls(free, "departure_s")[("U2", 2)] == _approx((515.0,))


def test_story_a_follower_closes_in_on_a_delayed_leader_and_names_the_cause():
    # U2 leaves S1 120 s behind U1; U1 stands 100 s longer at S2 (door fault) and leaves at 315 s.
    # Moving block: U2 asks for the S2 platform a close-in time L before it would arrive (220 + 95 - L),
    # gets it when U1 leaves (315 s) and arrives L later; it waited L for U1, whose delay is the door's.
    L = _close_in()
    assert 40.0 < L < 50.0
    door = Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=100.0, train="T1", station=2)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 220.0)]
    r = _run(trips, faults=[door])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("U1", 2)] == _approx((195.0, 315.0, "F01 door T1 at S2 (100 s)"))
    assert calls[("U2", 2)] == _approx((315.0 + L, 335.0 + L, f"following T1 ({L:.0f} s) <- F01 door T1 at S2"))
    # U2 is back within a minute of its timetable (335 s): its own delay is no longer the fault's
    assert calls[("U2", 3)] == _approx((430.0 + L, 430.0 + L, ""))
    # a wait of about a second is named too: U2 leaving at 219 + L asks for S2 at 314 s, one second
    # before U1 leaves
    r = _run([trips[0], _trip("U2", "T2", "up", (1, 2, 3), 219.0 + L)], faults=[door])
    assert _calls(r, "cause")[("U2", 2)] == ("following T1 (1 s) <- F01 door T1 at S2",)
    # knock-on down a chain: with U1 200 s late (leaves S2 at 415 s), U2 leaves S2 more than a minute late
    # (435 + L), so U3, which asks for S2 at 380 + 95 - L while U2 stands there, names the door fault too
    long = dataclasses.replace(door, duration_s=200.0)
    r = _run([trips[0], trips[1], _trip("U3", "T3", "up", (1, 2, 3), 380.0)], faults=[long])
    calls = _calls(r, "arrival_s", "cause")
    assert calls[("U2", 2)] == _approx((415.0 + L, f"following T1 ({100.0 + L:.0f} s) <- F01 door T1 at S2"))
    assert calls[("U3", 2)] == _approx((435.0 + 2 * L,
                                        f"following T2 ({2 * L - 40.0:.0f} s) <- F01 door T1 at S2"))
    # the same with U1 only 50 s late: still behind it, but U1 was back within a minute, so no fault is named
    small = dataclasses.replace(door, duration_s=50.0)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 170.0)], faults=[small])
    c = _calls(r, "arrival_s", "cause")[("U2", 2)]
    assert c == _approx((265.0 + L, f"following T1 ({L:.0f} s)"))


def test_story_a_late_train_running_flat_out_never_overtakes_the_train_ahead():
    # a 30 % running-time allowance (driven as coasting): 122.1 s a leg on time, 95 s flat out when late
    line = make_line((1000.0, 2500.0, 4000.0), allowance=0.3)
    slow = run_profile(line, TRAIN, stops=[1, 2]).running_s
    assert slow == pytest.approx(122.10958, abs=1e-4) and run_profile(line, TRAIN, stops=[1, 2], allowance=0.0
                                                                     ).running_s == pytest.approx(RUN, abs=TOL)
    L = _close_in(line)
    # U2 is planned only 5 s behind U1: it gets the S1 platform when U1 leaves (100 s), leaves 20 s later,
    # 15 s late, and runs flat out.  Alone it would ask for the S2 platform at 120 + 95 - L, before U1
    # (100 + 122.1 - L); it may not ask before U1 did, so U1 arrives first and U2 a close-in after U1 leaves.
    # (U2 is a short trip ending at S2: the rule holds between trips of any pattern on the same leg)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0, run=slow), _trip("U2", "T2", "up", (1, 2), 105.0, run=slow)]
    r = _run(trips, line=line)
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("U1", 1)] == _approx((40.0, 100.0, "")) and calls[("U2", 1)] == _approx((100.0, 120.0, ""))
    assert calls[("U1", 2)] == _approx((100.0 + slow, 120.0 + slow, ""))
    # the wait is the time U2 lost to T1 against its own run: alone it would have asked at 120 + 95 - L; it was
    # given the platform when U1 left (120 + slow)
    assert calls[("U2", 2)] == _approx((120.0 + slow + L, 120.0 + slow + L,
                                        f"following T1 ({120.0 + slow - (120.0 + RUN - L):.0f} s)"))


def _turnback_day():
    """T1: U1 up from S1 at 100 s, turns back at S3 as D1 at 400 s, then to the depot.  T2 starts at S3
    (no depot there) with D0 down at 300 s and goes to the depot after it."""
    return [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D0", "T2", "down", (3, 2, 1), 300.0),
            _trip("D1", "T1", "down", (3, 2, 1), 400.0)]


def test_story_turnback_on_two_platform_tracks_and_the_scissors_crossover():
    line = _with_termini(tracks=2)
    A, X, O = _terminal_times(line)  # route set to stop, crossover held on arrival, crossover held leaving
    assert (A, X, O) == (27.8, 23.4, 19.5)
    r = _run(_turnback_day(), line=line)
    calls = _calls(r, "arrival_s", "departure_s", "dwell_s", "doors_close_s", "cause")
    # U1 asks for the S3 route at 215 + 95 - A = 282.2 s and holds the crossover until 282.2 + X = 305.6 s,
    # so D0 (T2), ready to leave S3 at 300 s, crosses only at 305.6 s; U1 arrives on time (310 s), turns
    # back in the 120 s minimum (ready 430 s, 30 s after D1's time) and leaves as D1 at 430 s.
    expected = {
        ("U1", 1): (40.0, 100.0, 60.0, 96.0, ""), ("U1", 2): (195.0, 215.0, 20.0, 211.0, ""),
        ("U1", 3): (310.0, 310.0, 0.0, 310.0, ""),
        ("D0", 3): (240.0, 305.6, 65.6, 296.0, ""), ("D0", 2): (400.6, 420.6, 20.0, 416.6, ""),
        ("D0", 1): (515.6, 515.6, 0.0, 515.6, ""),
        ("D1", 3): (310.0, 430.0, 120.0, 426.0, ""), ("D1", 2): (525.0, 545.0, 20.0, 541.0, ""),
        ("D1", 1): (640.0, 640.0, 0.0, 640.0, ""),
    }
    assert calls == {k: _approx(v) for k, v in expected.items()}
    assert r.trips_run == r.trips_planned == 3 and r.cancelled == ()
    # the log is in order of arrival, then departure: U1's last call at S3 before D1's first
    assert list(r.events["trip_id"]) == ["U1", "U1", "D0", "U1", "D1", "D0", "D0", "D1", "D1"]
    assert list(r.events["stop_sequence"]) == [0, 1, 0, 2, 0, 1, 2, 1, 2]


def test_story_turnback_on_one_platform_track():
    line = _with_termini(tracks=1)
    A, X, O = _terminal_times(line)
    assert (A, X, O) == (27.8, 23.4, 19.5)
    r = _run(_turnback_day(), line=line)
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    # D0 holds the only S3 track from 240 s until it leaves at 300 s (crossover 300-319.5 s); U1, which
    # asked at 282.2 s, gets the track at 300 s (17.8 s wait) and the crossover at 319.5 s: it arrives
    # at 319.5 + A = 347.3 s and turns back by 467.3 s
    expected = {
        ("U1", 3): (347.3, 347.3, "following T2 (18 s)"),
        ("D0", 3): (240.0, 300.0, ""), ("D0", 2): (395.0, 415.0, ""), ("D0", 1): (510.0, 510.0, ""),
        ("D1", 3): (347.3, 467.3, ""), ("D1", 2): (562.3, 582.3, ""), ("D1", 1): (677.3, 677.3, ""),
    }
    assert {k: calls[k] for k in expected} == {k: _approx(v) for k, v in expected.items()}


def test_story_a_failed_terminus_switch_takes_a_track_and_costs_each_crossing_the_manual_points():
    line = _with_termini(tracks=2)
    switch = Fault(fault_id="F01", kind="switch", start_s=0.0, duration_s=1000.0, station=3)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0)],
             line=line, faults=[switch])
    calls = _calls(r, "arrival_s", "departure_s", "doors_close_s", "cause")
    # the repair takes one of the two S3 tracks; U1 takes the other at 282.2 s and the points are set by
    # hand (180 s) before it crosses: it arrives at 310 + 180 = 490 s, turns back by 610 s and waits
    # another 180 s for the points before it leaves as D1: 790 s
    expected = {("U1", 3): (490.0, 490.0, 490.0, ""),
                ("D1", 3): (490.0, 790.0, 606.0, "F01 switch at S3 (points by hand, 180 s)"),
                ("D1", 2): (885.0, 905.0, 901.0, ""), ("D1", 1): (1000.0, 1000.0, 1000.0, "")}
    assert {k: calls[k] for k in expected} == {k: _approx(v) for k, v in expected.items()}
    assert [(f["fault_id"], f["response"]) for f in r.faults] == [
        ("F01", "turnback on one platform, points set by hand, until repaired")]
    # a second train at S3 meanwhile finds no track free: T2 (D0 at 300 s) must wait for D1 to leave
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0),
              _trip("D0", "T2", "down", (3, 2, 1), 700.0)], line=line, faults=[switch])
    calls = _calls(r, "arrival_s", "departure_s")
    # T2 (appearing at 640 s) gets D1's track when D1 has left (790 s), closes its doors 20 s later, finds
    # the crossover free again (D1 held it 610-809.5 s: 19.5 s + 180 s by hand) and sets the points by hand
    assert calls[("D0", 3)] == _approx((790.0, 810.0 + 180.0))


def test_story_a_failed_switch_at_the_depot_s_terminus_costs_leaving_and_going_in():
    # S1 is a terminus (crossover, two tracks) and the depot's station; its switch fails from 0 to 2000 s and
    # the repair takes one of the two tracks.
    line = _with_termini(tracks=2)
    switch = Fault(fault_id="F01", kind="switch", start_s=0.0, duration_s=2000.0, station=1)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0),
             _trip("V1", "T2", "up", (1, 2, 3), 900.0)]
    r = _run(trips, line=line, faults=[switch])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    # U1 crosses at 100 s over points set by hand: leaves at 280 s, S3 at 280 + 95 + 20 + 95 = 490 s
    assert calls[("U1", 1)] == _approx((40.0, 280.0, "F01 switch at S1 (points by hand, 180 s)"))
    assert calls[("U1", 3)] == _approx((490.0, 490.0, ""))
    # D1 leaves S3 after the 120 s turnback (610 s), asks for S1 at 610 + 95 + 20 + 95 - 27.8 = 792.2 s and
    # arrives over points set by hand at 820 + 180 = 1000 s
    assert calls[("D1", 1)] == _approx((1000.0, 1000.0, ""))
    # T1 keeps the only S1 track 20 s for the last passengers, then goes to the depot over points set by
    # hand (crossover busy 1020 s to 1020 + 19.5 + 180 = 1219.5 s).  V1 (T2), due on the platform at 840 s,
    # gets the track at 1020 s, stands 20 s, and crosses when T1 is through, setting the points by hand
    assert calls[("V1", 1)] == _approx((1020.0, 1219.5 + 180.0, "F01 switch at S1 (points by hand, 180 s)"))


def test_story_a_depot_switch_failure_holds_pull_outs_and_pull_ins():
    line = _with_termini(tracks=1)
    depot = Fault(fault_id="F01", kind="switch", start_s=0.0, duration_s=500.0, station=0)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 540.0)]
    r = _run(trips, line=line, faults=[depot])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    # U1 leaves the depot when it is repaired (500 s) and stands 20 s at S1: 520 s, 420 s late.  U2, due at
    # the platform at 480 s, waits for the depot too, then for U1 to leave the only S1 track (520 s), and
    # closes in on U1 at S2: a knock-on delay of the depot's switch
    L = _close_in(line)
    # the first calls say why (each train on the platform a minute before its departure: 40 s and 480 s)
    assert calls[("U1", 1)] == _approx((500.0, 520.0, "F01 switch at the depot (held in the depot 460 s)"))
    assert calls[("U1", 2)] == _approx((615.0, 635.0, ""))
    assert calls[("U2", 1)] == _approx((520.0, 540.0, "F01 switch at the depot (held in the depot 20 s)"))
    assert calls[("U2", 2)] == _approx((635.0 + L, 655.0 + L, f"following T1 ({635.0 - (635.0 - L):.0f} s) "
                                                               f"<- F01 switch at the depot"))
    assert r.faults[0]["response"] == "pull-outs and pull-ins wait for the repair"
    assert r.faults[0]["description"] == "F01 switch at the depot"
    # pull-in: D1 ends at S1 (the depot's station, one track) at 640 s while the depot is shut until 800 s;
    # it keeps the track, so D2 (T2) behind it gets the track at 800 s and the crossover after D1's
    # pull-in movement over it (800 + 19.5 s): it arrives at 819.5 + 27.8 = 847.3 s
    shut = Fault(fault_id="F01", kind="switch", start_s=600.0, duration_s=200.0, station=0)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0),
             _trip("D2", "T2", "down", (3, 2, 1), 600.0)]
    r = _run(trips, line=line, faults=[shut])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("D1", 1)] == _approx((640.0, 640.0, ""))
    assert calls[("D2", 2)] == _approx((695.0, 715.0, ""))
    assert calls[("D2", 1)] == _approx((847.3, 847.3, "following T1 (18 s)"))
    # a fault is in force from its start: the depot shuts at 0.5 s, U1 would leave it at 0.7 s
    early = dataclasses.replace(depot, start_s=0.5, duration_s=99.5)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 60.7)], line=line, faults=[early])
    assert _calls(r, "arrival_s")[("U1", 1)] == (100.0,)
    # a switch away from any terminus (here S1 of a line without termini) is the depot connection's
    nowhere = dataclasses.replace(depot, station=1)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], faults=[nowhere])
    assert _calls(r, "arrival_s")[("U1", 1)] == (500.0,)
    assert r.faults[0]["response"] == "pull-outs and pull-ins wait for the repair"


def test_story_power_rail_icing_holds_trains_at_the_station_before_the_section_with_doors_open():
    ice = Fault(fault_id="F01", kind="power_rail", start_s=0.0, duration_s=600.0, section=(2, 3))
    riders = _riders((1, 400.0, 0.0, 2, 3))
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T2", "down", (3, 2, 1), 300.0),
             _trip("U2", "T3", "up", (1, 2, 3), 200.0)]
    r = _run(trips, faults=[ice], riders=riders)
    calls = _calls(r, "arrival_s", "departure_s", "doors_close_s", "boarded", "cause")
    # U1 would leave S2 at 215 s; the section S2-S3 is out until 600 s: its departure waits for it, 385 s, with
    # the doors open (the closing sequence ends as the section comes back, like a hold), and the rider who
    # comes at 400 s boards; D1 is due out of S3 at 300 s and waits 300 s the same way, in the other direction
    assert calls[("U1", 2)] == _approx((195.0, 600.0, 596.0, 1, "F01 power-rail S2-S3 (385 s)"))
    assert calls[("D1", 3)] == _approx((240.0, 600.0, 596.0, 0, "F01 power-rail S2-S3 (300 s)"))
    assert calls[("U1", 3)] == _approx((695.0, 695.0, 600.0 + 95.0, 0, ""))
    assert r.passengers["board_s"][0] == 400.0
    assert r.faults[0]["response"] == "section out of service; trains wait at the station before it"
    # U2 behind U1 asks for S2 at 295 - L and gets it when U1 leaves (600 s): the icing's knock-on
    L = _close_in()
    assert calls[("U2", 2)] == _approx((600.0 + L, 620.0 + L, 616.0 + L, 0,
                                        f"following T1 ({600.0 - (295.0 - L):.0f} s) <- F01 power-rail S2-S3"))
    # a section behind is no obstacle: S1-S2 ices over at 200 s, when U1 is past it; U1 at S2 goes on
    other = dataclasses.replace(ice, section=(1, 2), start_s=200.0)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], faults=[other])
    assert _calls(r, "departure_s")[("U1", 2)] == _approx((215.0,))
    # and a section back in service when the doors are to close (96 s at S1) does not hold the train
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], faults=[dataclasses.replace(ice, section=(1, 2),
                                                                                       duration_s=96.0)])
    assert _calls(r, "departure_s", "cause")[("U1", 1)] == _approx((100.0, ""))


def _two_days(u2=1300.0):
    """T1: U1 at 100 s, D1 at 400 s, to the depot (S1), out again for U2 (at 1300 s)."""
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0),
             _trip("U2", "T1", "up", (1, 2, 3), u2)]
    ops = [BlockEvent(block_id="T1", event="pull_out", stop=1, start_s=-200.0, end_s=100.0, to_trip="U1"),
           BlockEvent(block_id="T1", event="pull_in", stop=1, start_s=610.0, end_s=910.0, from_trip="D1"),
           BlockEvent(block_id="T1", event="pull_out", stop=1, start_s=u2 - 300.0, end_s=u2, to_trip="U2")]
    return trips, ops


@pytest.mark.parametrize("fit", [19, 3])
def test_story_a_pull_out_failure_is_covered_by_a_reserve_when_one_is_fit(fit):
    # T2 (V1) follows 10 s behind U1's timetable: it is ahead of the late reserve at S1, behind it after
    trips, ops = _two_days()
    follower = _trip("V1", "T2", "up", (1, 2, 3), 670.0)
    fails = Fault(fault_id="F01", kind="pull_out", start_s=100.0, duration_s=0.0, train="T1")
    r = _run([*trips, follower], operations=ops, faults=[fails], line=_with_termini(),
             conditions=Conditions(name="c", fleet_availability=fit / 19))
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    # the reserve appears 600 s after the failed train would have (40 s): 640 s, doors 20 s; the call says why
    assert calls[("U1", 1)] == _approx((640.0, 660.0, "F01 pull-out T1 (a reserve out 600 s later)"))
    assert r.faults[0]["response"] == "replaced by a reserve 600 s later"
    assert r.metadata["reserves_left"] == fit - 2 - 1  # two trains needed, one reserve used
    assert r.trips_run == 4 and r.cancelled == ()
    # V1, due out at 670 s, waits for the crossover the reserve holds from 660 s (19.5 s): it leaves at
    # 679.5 s, asks for S2 at 679.5 + 95 - L and gets it when the reserve leaves (775 s): the delay is the
    # pull-out failure's
    L = _close_in()
    assert calls[("V1", 1)] == _approx((610.0, 679.5, ""))
    assert calls[("V1", 2)] == _approx((775.0 + L, 795.0 + L, f"following T1 ({775.0 - (774.5 - L):.0f} s) "
                                                               f"<- F01 pull-out T1"))


def test_story_a_pull_out_failure_without_a_reserve_cancels_trips_until_the_next_pull_out():
    trips, ops = _two_days()
    fails = Fault(fault_id="F01", kind="pull_out", start_s=100.0, duration_s=0.0, train="T1")
    one_train = Conditions(name="one", fleet_availability=1 / 19)  # one fit train, and it is needed
    r = _run(trips, operations=ops, faults=[fails], conditions=one_train, line=_with_termini())
    assert r.faults[0]["response"] == "no reserve fit: trips cancelled until the train's next pull-out"
    assert r.cancelled == ({"trip_id": "U1", "train": "T1", "reason": "pull-out failed, no reserve"},
                           {"trip_id": "D1", "train": "T1", "reason": "pull-out failed, no reserve"})
    assert _calls(r, "arrival_s", "departure_s") == {("U2", 1): _approx((1240.0, 1300.0)),
                                                     ("U2", 2): _approx((1395.0, 1415.0)),
                                                     ("U2", 3): _approx((1510.0, 1510.0))}
    assert r.trips_run == 1 and r.trips_planned == 3 and r.metadata["reserves_left"] == 0
    # the second pull-out fails (U2 at 5000 s; a scripted pull-out failure meets the first pull-out within
    # the hour before it): U1 and D1 run, U2 is cancelled
    trips, ops = _two_days(u2=5000.0)
    late = dataclasses.replace(fails, start_s=4800.0)
    r = _run(trips, operations=ops, faults=[late], conditions=one_train, line=_with_termini())
    assert [c["trip_id"] for c in r.cancelled] == ["U2"] and r.trips_run == 2
    trips, ops = _two_days()
    # the depot's moves, not the terminus, decide where the day picks up again: with no later pull-out
    # everything is cancelled
    r = _run(trips, operations=ops[:1], faults=[fails], conditions=one_train, line=_with_termini())
    assert [c["trip_id"] for c in r.cancelled] == ["U1", "D1", "U2"] and r.trips_run == 0


@pytest.mark.parametrize("fit, depot", [(19, True), (2, True), (1, True), (19, False)])
def test_story_a_train_failure_withdraws_the_train_and_a_reserve_takes_over_from_the_depot(fit, depot):
    # without a depot the reserve comes in where the train's day began (S1)
    trips, _ = _two_days()
    L = _close_in()
    assert L < 45.0  # so the failed train claims the S2 platform at the failure (150 s), before 195 - L
    fails = Fault(fault_id="F01", kind="train", start_s=150.0, duration_s=60.0, train="T1")
    riders = _riders((3, 10.0, 1.0, 1, 3))
    r = _run(trips, faults=[fails], riders=riders, conditions=Conditions(name="c", fleet_availability=fit / 19),
             line=_with_termini() if depot else LINE)
    calls = _calls(r, "arrival_s", "departure_s", "load_departure", "alighted", "doors_close_s", "cause")
    # 50 s into the run it stops for 60 s and limps on: S2 at 100 + 95 + 60 = 255 s; everyone off (20 s)
    assert calls[("U1", 2)] == _approx((255.0, 275.0, 0, 3, 275.0, "F01 train T1 (60 s)"))
    assert r.faults[0]["response"] == "stopped 60 s, detrained at S2, withdrawn to the depot"
    withdrawn = {"trip_id": "U1", "train": "T1", "reason": "withdrawn at 2 (F01 train T1)"}
    if fit > 1:  # a reserve takes over T1's next trip from the depot's station (S1): U2; D1 is not run
        assert r.cancelled == (withdrawn, {"trip_id": "D1", "train": "T1", "reason": "train withdrawn (F01 train T1)"})
        assert calls[("U2", 1)] == _approx((1240.0, 1300.0, 0, 0, 1296.0, ""))
        assert set(r.events["train"]) == {"T1"}  # the reserve runs under the train's block
        assert r.metadata["reserves_left"] == fit - 1 - 1 and r.trips_run == 1
        # the three put off at S2 wait there for U2 (1395 s), which takes them first
        assert calls[("U2", 2)][2] == 3 and list(r.passengers["trip"]) == ["U2"] * 3
        assert r.passengers["board_s"] == pytest.approx([1395.0] * 3, abs=TOL) and r.stranded == 0
    else:
        assert [c["trip_id"] for c in r.cancelled] == ["U1", "D1", "U2"] and r.trips_run == 0
        assert r.metadata["reserves_left"] == 0 and r.stranded == 3
    assert list(r.passengers["detrained"]) == [1, 1, 1]


@pytest.mark.parametrize("first", ["U1", "D0"])
def test_story_a_reserve_takes_the_next_trip_from_the_depot_s_station(first):
    # U1 first: T1 fails on D1 (down, 20 s out of S3 at 450 s) and is withdrawn at S2; the reserve takes
    # the very next trip, U2 from S1.  D0 first: T1 starts its day at S3, fails on D0 and the reserve
    # takes U1, the next trip from the depot's station S1 (not D1, from where T1's day began)
    fails = Fault(fault_id="F01", kind="train", start_s=150.0 if first == "D0" else 450.0, duration_s=60.0,
                  train="T1")
    if first == "U1":
        trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0),
                 _trip("U2", "T1", "up", (1, 2, 3), 800.0)]
        riders = _riders((1, 350.0, 0.0, 3, 2), (1, 351.0, 0.0, 3, 1))
    else:
        trips = [_trip("D0", "T1", "down", (3, 2, 1), 100.0), _trip("U1", "T1", "up", (1, 2, 3), 400.0),
                 _trip("D1", "T1", "down", (3, 2, 1), 700.0)]
        riders = _riders((1, 50.0, 0.0, 3, 2), (1, 51.0, 0.0, 3, 1))
    r = _run(trips, faults=[fails], riders=riders, line=_with_termini())
    failed, later = trips[k := (1 if first == "U1" else 0)].trip_id, trips[k + 1].trip_id
    assert r.cancelled == ({"trip_id": failed, "train": "T1", "reason": "withdrawn at 2 (F01 train T1)"},)
    calls = _calls(r, "arrival_s", "departure_s", "alighted")
    start = trips[k].departure_s[0] if first == "D0" else 430.0  # D1 leaves after the 120 s turnback
    assert calls[(failed, 2)] == _approx((start + 95.0 + 60.0, start + 175.0, 2))  # one off, one put off
    assert calls[(later, 1)][:2] == _approx((trips[k + 1].start_s - 60.0, trips[k + 1].start_s))
    # the one put off at S2 waits for the next train down: D1 (the reserve) when D0 failed; none after D1
    assert r.passengers["detrained"].tolist() == [0, 1] and r.stranded == (1 if first == "U1" else 0)


@pytest.mark.parametrize("door_s, named", [(100.0, False), (100.5, True)])
def test_story_a_train_back_within_a_minute_of_its_time_no_longer_carries_its_fault(door_s, named):
    # a door fault at S1 holds U1 door_s from its doors' closing (60 s): it leaves 60 s (60.5 s) late.
    # Exactly a minute late counts as back on time.  U2 behind it closes in on it at S2.
    door = Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=door_s, train="T1", station=1)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 170.0)]
    r = _run(trips, faults=[door])
    L = _close_in()
    late = door_s - 40.0
    calls = _calls(r, "departure_s", "cause")
    assert calls[("U1", 1)] == _approx((100.0 + late, f"F01 door T1 at S1 ({door_s:.0f} s)"))
    suffix = " <- F01 door T1 at S1" if named else ""
    assert calls[("U2", 2)] == _approx((215.0 + late + L + 20.0, f"following T1 ({L:.0f} s){suffix}"))


def test_story_every_cause_of_a_call_is_named():
    # 120 board U1 at S2: 12.22 + 2.27 x 21 = 59.89 s, 39.89 s over the 20 s planned; a 30 s door fault
    # on top: "long dwell: 120 on, 0 off (60 s); F01 door T1 at S2 (30 s)"
    door = Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=30.0, train="T1", station=2)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], riders=_riders((120, 0.0, 0.1, 2, 3)), faults=[door])
    dwell = 12.22 + 2.27 * 120 * 1.4 / 8
    assert _calls(r, "departure_s", "cause")[("U1", 2)] == _approx((
        195.0 + dwell + 30.0, "long dwell: 120 on, 0 off (60 s); F01 door T1 at S2 (30 s)"))
    # just over 30 s beyond the plan is a long dwell: 64 on (37.644 s) against 7.144 s planned
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0, dwell=7.144)], riders=_riders((64, 0.0, 0.1, 2, 3)))
    assert _calls(r, "cause")[("U1", 2)] == ("long dwell: 64 on, 0 off (38 s)",)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0, dwell=7.65)], riders=_riders((64, 0.0, 0.1, 2, 3)))
    assert _calls(r, "cause")[("U1", 2)] == ("",)  # 29.994 s over: not long
    # a primary delay and a door fault at one call add up
    options = SimOptions(run_time_cv=0.0, dwell_cv=0.0, primary_delay_share=1.0, hold_station_departures=False)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], options=options, faults=[door], seed=5)
    arr, dep, cause = _calls(r, "arrival_s", "departure_s", "cause")[("U1", 2)]
    primary, fault = cause.split("; ")
    assert fault == "F01 door T1 at S2 (30 s)" and primary.startswith("primary delay (")
    assert abs((dep - arr - 20.0 - 30.0) - float(primary[15:-3])) <= 0.5 and dep - arr - 50.0 > 1.0


def test_story_a_late_leader_with_no_fault_names_no_fault():
    # 300 board U1 at S1 (busiest door 52.5): 12.22 + 2.27 x 52.5 = 131.395 s from 40 s: it leaves 71.4 s
    # late, for no fault.  U2, following, waits for U1 at S2 and names U1 alone.
    riders = _riders((300, 0.0, 0.01, 1, 3))
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 180.0)]
    r = _run(trips, riders=riders)
    L = _close_in()
    dep_1 = 40.0 + 12.22 + 2.27 * 300 * 1.4 / 8
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("U1", 1)] == _approx((40.0, dep_1, "")) and calls[("U1", 2)] == _approx((dep_1 + 95.0, dep_1 + 115.0, ""))
    # U2 gets the S1 platform when U1 leaves, stands 20 s, leaves at dep_1 + 20 and asks for S2 at
    # dep_1 + 115 - L: granted when U1 leaves S2 at dep_1 + 115
    assert calls[("U2", 1)] == _approx((dep_1, dep_1 + 20.0, ""))
    assert calls[("U2", 2)] == _approx((dep_1 + 115.0 + L, dep_1 + 135.0 + L, f"following T1 ({L:.0f} s)"))


def test_story_a_failed_train_queueing_for_the_terminus_has_two_causes():
    # U2 fails as it leaves S2 (60 s) and finds U1 still on the S3 platform (no terminus here: the 20 s for
    # the last passengers, to 330 s): "F01 train T2 (60 s); following T1 (52 s)"
    L = _close_in()
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 120.0)]
    dep_2 = 235.0 + L  # U2 behind U1 at S2: arrives 215 + L, leaves 20 s later
    fails = Fault(fault_id="F01", kind="train", start_s=dep_2, duration_s=60.0, train="T2")
    r = _run(trips, faults=[fails])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("U2", 2)] == _approx((215.0 + L, dep_2, f"following T1 ({L:.0f} s)"))
    # it claims S3 at once (at dep_2, when it fails), gets it when U1 has left it at 330 s, and arrives
    # after its 95 s run and 60 s standstill: dep_2 + 155 s.  The wait is from its claim to the platform
    # (its standstill hides it: it would have arrived no sooner alone)
    wait = 330.0 - dep_2
    assert calls[("U2", 3)] == _approx((dep_2 + 155.0, dep_2 + 175.0, f"F01 train T2 (60 s); following T1 ({wait:.0f} s)"))


def test_story_a_terminus_mid_line_is_refused_as_the_line_loader_refuses_it():
    from lrt.errors import SimulationError

    # the engine knows termini (platform tracks, crossover times from lrt headway) only at the line's ends;
    # a station where trains turn short is an intermediate station with a crossover (Line.crossovers)
    line = dataclasses.replace(LINE, terminals=(_terminal(2, 2400.0),))
    with pytest.raises(SimulationError, match=r"^the line has a terminus at station 2, between its ends: a terminus "
                                              r"is at an end of the line \(1 or 3\)"):
        _run([_trip("S0", "T3", "up", (1, 2), 100.0)], line=line)


def test_story_a_train_failing_on_its_last_leg_reaches_the_terminus_and_its_trip_counts():
    fails = Fault(fault_id="F01", kind="train", start_s=250.0, duration_s=60.0, train="T1")
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0)]
    r = _run(trips, faults=[fails])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("U1", 3)] == _approx((370.0, 390.0, "F01 train T1 (60 s)"))  # 310 + 60; everyone off, 20 s
    assert r.faults[0]["response"] == "stopped 60 s, reached the terminus, withdrawn to the depot"
    assert r.trips_run == 1 and [c["trip_id"] for c in r.cancelled] == ["D1"]
    assert r.cancelled[0]["reason"] == "train withdrawn (F01 train T1)"


@pytest.mark.parametrize("door_s, recovery, fast", [(10.0, True, False), (10.5, True, True), (10.5, False, False)])
def test_story_a_train_more_than_10_s_late_recovers_flat_out(door_s, recovery, fast):
    line = make_line((1000.0, 2500.0, 4000.0), allowance=0.1)
    slow = run_profile(line, TRAIN, stops=[2, 3]).running_s  # the allowance driven as coasting: 104.39 s
    assert slow == pytest.approx(104.39038, abs=1e-4)
    door = Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=door_s, train="T1", station=2)
    options = dataclasses.replace(CALM, recovery=recovery)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0, run=slow)], line=line, faults=[door], options=options)
    calls = _calls(r, "arrival_s", "departure_s")
    dep_2 = 100.0 + slow + 20.0 + door_s  # door_s late on the 20 s planned
    assert calls[("U1", 2)] == _approx((100.0 + slow, dep_2))
    assert calls[("U1", 3)][0] == pytest.approx(dep_2 + (RUN if fast else slow), abs=TOL)
    # and the energy of the run it made: flat out draws more and coasts less
    from lrt.energy import segment_energies

    profile = run_profile(line, TRAIN, stops=[2, 3], allowance=0.0 if fast else None)
    energy = segment_energies(profile, TRAIN, line).total
    e = r.events
    assert (e["drawn_kwh"][-1], e["returned_kwh"][-1]) == pytest.approx((energy.drawn_kwh, energy.returned_kwh),
                                                                         rel=1e-12)


def test_story_an_express_skips_s2_and_takes_only_the_passengers_for_its_stops():
    # X1 (T1) runs S1 -> S3 non-stop: one acceleration, 2600 m at 20 m/s, one stop: 20 + 130 + 20 = 170 s.
    # At S1, in arrival order, riders for S2, S3, S2, S3, S2: X1 takes the two for S3; U1 (T2), stopping
    # everywhere, the three for S2.
    express = Trip(trip_id="X1", block_id="T1", direction="up", stops=(1, 3), arrival_s=(100.0, 270.0),
                   departure_s=(100.0, 270.0))
    riders = _riders(*[(1, 10.0 + k, 0.0, 1, 2 + k % 2) for k in range(5)])
    r = _run([express, _trip("U1", "T2", "up", (1, 2, 3), 400.0)], riders=riders)
    calls = _calls(r, "arrival_s", "departure_s", "boarded", "alighted")
    assert calls == {("X1", 1): _approx((40.0, 100.0, 2, 0)), ("X1", 3): _approx((270.0, 270.0, 0, 2)),
                     ("U1", 1): _approx((340.0, 400.0, 3, 0)), ("U1", 2): _approx((495.0, 515.0, 0, 3)),
                     ("U1", 3): _approx((610.0, 610.0, 0, 0))}
    assert list(r.passengers["trip"]) == ["U1", "X1", "U1", "X1", "U1"]


def test_story_a_full_train_leaves_the_rest_behind_for_the_next():
    # room for 5 (load standard 5 passengers); 8 wait at S1 for S3 when U1 opens its doors at 40 s
    options = dataclasses.replace(CALM, load_standard=5)
    riders = _riders((8, 0.0, 1.0, 1, 3), (2, 150.0, 1.0, 2, 3))
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 400.0)]
    r = _run(trips, options=options, riders=riders)
    calls = _calls(r, "load_departure", "boarded", "denied")
    # U1 takes the first 5 (first come, first served) and leaves 3; at S2 it is full: both left there
    assert calls[("U1", 1)] == (5, 5, 3) and calls[("U1", 2)] == (5, 0, 2)
    assert calls[("U2", 1)] == (3, 3, 0) and calls[("U2", 2)] == (5, 2, 0)
    p = r.passengers
    assert list(p["trip"]) == ["U1"] * 5 + ["U2"] * 3 + ["U2"] * 2
    assert list(p["left_behind"]) == [0] * 5 + [1] * 3 + [1] * 2
    assert list(p["board_s"]) == pytest.approx([40.0] * 5 + [340.0] * 3 + [495.0] * 2, abs=TOL)


def test_story_passengers_board_the_train_that_leaves_first():
    # two tracks at S1: T1 ends D1 there at 310 s and stands open until it leaves as U1 at 600 s; T2 pulls
    # out onto the other track at 440 s and leaves first, as U2 at 500 s.  A rider at 400 s boards U1
    # (the only train open), one at 450 s U2 (leaving first), one at 497 s (U2's doors closed at 496 s) U1
    line = _with_termini(tracks=2)
    riders = _riders((1, 400.0, 0.0, 1, 3), (1, 450.0, 0.0, 1, 3), (1, 497.0, 0.0, 1, 3))
    trips = [_trip("D1", "T1", "down", (3, 2, 1), 100.0), _trip("U1", "T1", "up", (1, 2, 3), 600.0),
             _trip("U2", "T2", "up", (1, 2, 3), 500.0)]
    r = _run(trips, line=line, riders=riders)
    calls = _calls(r, "arrival_s", "departure_s", "boarded")
    assert calls[("D1", 1)] == _approx((310.0, 310.0, 0))
    assert calls[("U1", 1)] == _approx((310.0, 600.0, 2)) and calls[("U2", 1)] == _approx((440.0, 500.0, 1))
    assert list(r.passengers["trip"]) == ["U1", "U2", "U1"]
    assert list(r.passengers["board_s"]) == [400.0, 450.0, 497.0]


BUSY_DWELL = 12.22 + 2.27 * 30 + 1.82 * 30  # 134.92 s


def _noisy_day(options, trips=20):
    """Twelve stations 1500 m apart; trips 6000 s apart (never in each other's way); at every station but
    the last, 60 riders for the next station wait for each trip: 60 on and 60 off at each of the ten
    intermediate calls, 30 of each at the busiest door (factor 4 of 8 doors):
    12.22 + 2.27 x 30 + 1.82 x 30 = 134.92 s, far above the 20 s door cycle."""
    codes = tuple(range(1, 13))
    line = make_line(tuple(1000.0 + 1500.0 * k for k in range(12)))
    starts = [1000.0 + 6000.0 * j for j in range(trips)]
    riders = _riders(*[(60, s - 100.0, 0.0, c, c + 1) for s in starts for c in codes[:-1]], codes=codes)
    tt = [_trip(f"U{j}", f"T{j}", "up", codes, s, dwell=BUSY_DWELL) for j, s in enumerate(starts)]
    r = _run(tt, line=line, options=dataclasses.replace(options, busiest_door_factor=4.0), riders=riders)
    e = r.events
    mid = (e["stop_sequence"] > 0) & (e["stop_sequence"] < 11)
    legs = np.array([e["arrival_s"][k] - e["departure_s"][k - 1] for k in np.flatnonzero(e["stop_sequence"] > 0)])
    assert mid.sum() == 10 * trips and (e["boarded"][mid] == 60).all() and (e["alighted"][mid] == 60).all()
    return r, mid, legs



def test_story_run_time_noise_scales_every_leg():
    cv = 0.3
    r, mid, legs = _noisy_day(SimOptions(run_time_cv=cv, dwell_cv=0.0, primary_delay_share=0.0,
                                         hold_station_departures=False), trips=40)
    factor = legs / RUN  # the ideal train's leg whatever its load, times the noise
    # E[max(X, 1/2)] for X ~ N(1, 0.3): 1/2 Phi(a) + (1 - Phi(a)) + 0.3 phi(a), a = (1/2 - 1) / 0.3
    a = -0.5 / cv
    cdf, pdf = 0.5 * math.erfc(-a / math.sqrt(2)), math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    mean = 0.5 * cdf + (1 - cdf) + cv * pdf
    assert abs(factor.mean() - mean) < 4 * factor.std() / math.sqrt(factor.size)
    assert abs(factor.std() - cv) < 4 * _se_of_std(factor) + 0.02  # the clip at 1/2 trims the spread a little
    # the upper tail of the normal: P(X > 1.5) = Phi(-5/3) = 0.0478
    p = 0.5 * math.erfc((0.5 / cv) / math.sqrt(2))
    assert abs(np.mean(factor > 1.5) - p) < 4 * math.sqrt(p * (1 - p) / factor.size)
    assert factor.min() >= 0.5 and (r.events["dwell_s"][mid] == pytest.approx(BUSY_DWELL, rel=1e-12))


def test_story_dwell_noise_is_lognormal_around_puong():
    cv = 0.5
    r, mid, legs = _noisy_day(SimOptions(run_time_cv=0.0, dwell_cv=cv, primary_delay_share=0.0,
                                         hold_station_departures=False))
    assert legs == pytest.approx(RUN, abs=TOL)
    ratio = r.events["dwell_s"][mid] / BUSY_DWELL  # lognormal, mean 1, CV 0.5 (20 s is 0.15: never reached)
    assert abs(ratio.mean() - 1.0) < 4 * ratio.std() / math.sqrt(ratio.size)
    s = math.sqrt(math.log(1 + cv * cv))
    logs = np.log(ratio)
    assert abs(logs.mean() + s * s / 2) < 4 * s / math.sqrt(logs.size)
    assert abs(logs.std() - s) < 4 * s / math.sqrt(2 * logs.size)


def test_story_primary_delays_are_added_to_the_departure_and_named():
    share, mean = 0.5, 45.0
    r, mid, legs = _noisy_day(SimOptions(run_time_cv=0.0, dwell_cv=0.0, primary_delay_share=share,
                                         primary_delay_mean_s=mean, hold_station_departures=False))
    e = r.events
    delay = e["departure_s"][mid] - e["arrival_s"][mid] - BUSY_DWELL
    hit = delay > 1e-6
    assert (delay > -1e-9).all()
    assert abs(hit.mean() - share) < 4 * math.sqrt(share * (1 - share) / hit.size)
    assert abs(delay[hit].mean() - mean) < 4 * mean / math.sqrt(hit.sum())
    causes = e["cause"][mid]
    assert all(c == f"primary delay ({d:.0f} s)" for c, d in zip(causes[hit], delay[hit]))
    assert set(causes[~hit]) <= {""}


# -- passengers on platforms (lrt.sim.passengers) -------------------------------------------------------
def _book_of(*riders, n_stations=4):
    """A passenger book of riders (time [s], origin code, destination code), in time order."""
    from lrt.sim.passengers import PassengerBook

    codes = tuple(range(1, n_stations + 1))
    return PassengerBook(_riders(*[(1, t, 0.0, o, d) for t, o, d in riders], codes=codes), n_stations)


def test_a_platform_boards_first_come_first_served_up_to_the_room():
    # at S1 (index 0) going up: riders at 10, 20, ..., 60 s for S3, S4, S3, S4, S3, S4
    book = _book_of(*[(10.0 * (k + 1), 1, 3 + k % 2) for k in range(6)])
    platform = book.platforms[(0, "up")]
    assert (platform.station, platform.direction) == (0, "up") and book.platforms[(2, "down")].direction == "down"
    assert book.platforms[(0, "down")].ids.size == 0 and len(book) == 6
    assert book.platforms[(0, "down")].waiting(100.0) == 0 and platform.waiting(5.0) == 0
    assert platform.arrived(35.0) == 3 and platform.waiting(35.0) == 3
    load = book.new_load(trip=0, room=4)
    platform.open_doors(load, 35.0, priority=100.0)  # the three waiting board at once
    assert (load.size, load.room, load.dest.tolist()) == (3, 1, [0, 0, 2, 1])
    assert platform.peek(load, 35.0, 55.0) == 1  # two more would come by 55 s; room for one
    platform.advance(45.0)  # the fourth (40 s) boards on arrival; the train is full
    assert (load.size, load.room) == (4, 0) and platform.peek(load, 45.0, 70.0) == 0
    assert platform.close_doors(load, 55.0) == 1  # the one at 50 s is left behind
    assert platform.waiting(55.0) == 1 and platform.waiting(65.0) == 2
    assert book.alight(load, 2) == 2 and (load.size, load.room) == (2, 2) and book.alight(load, 2) == 0
    later = book.new_load(trip=1, room=10)
    assert platform.peek(later, 45.0, 65.0) == 0  # not open yet
    platform.open_doors(later, 56.0, priority=200.0)
    assert later.size == 1 and platform.head == 5
    assert platform.peek(later, 56.0, 65.0) == 1 and platform.peek(later, 40.0, 80.0) == 1  # the one at 60 s
    platform.advance(70.0)
    assert later.size == 2 and platform.close_doors(later, 80.0) == 0
    arrivals = np.full((2, 4), np.nan)
    arrivals[0, 2:] = (150.0, 250.0)
    arrivals[1, 2:] = (180.0, 280.0)
    rec, log = book.records(arrivals)
    assert rec["board_s"].tolist() == [35.0, 35.0, 35.0, 40.0, 56.0, 60.0]
    assert rec["trip"].tolist() == [0, 0, 0, 0, 1, 1] and rec["left_behind"].tolist() == [0, 0, 0, 0, 1, 0]
    assert rec["left_behind"].dtype == np.int32 and rec["detrained"].dtype == np.int32
    assert rec["alight_s"].tolist() == [150.0, 250.0, 150.0, 250.0, 180.0, 280.0]
    assert not rec["stranded"].any() and not rec["detrained"].any()
    assert log["passenger"].tolist() == [0, 1, 2, 3, 4, 5] and log["station"].tolist() == [0] * 6
    assert log["board_s"].tolist() == rec["board_s"].tolist() and log["trip"].tolist() == rec["trip"].tolist()


def test_passengers_nobody_took_are_stranded_with_no_times():
    book = _book_of((5.0, 3, 1), (10.0, 2, 4), (20.0, 2, 4))
    rec, log = book.records(np.full((1, 4), np.nan))
    assert rec["stranded"].tolist() == [True] * 3 and np.isinf(rec["board_s"]).all()
    assert np.isinf(rec["alight_s"]).all() and rec["trip"].tolist() == [-1] * 3
    assert log["passenger"].size == 0 and [log[k].dtype for k in ("passenger", "trip", "station", "board_s")] == [
        np.int64, np.int64, np.int64, float]  # indices stay integers even when nobody boarded
    assert book.platforms[(2, "down")].ids.tolist() == [0] and book.platforms[(1, "up")].ids.tolist() == [1, 2]


def test_a_train_that_skips_stops_takes_only_its_passengers_out_of_turn():
    # at S1 going up, in arrival order: for S2, S3, S2, S4, S3; the train stops at S3 and S4 only
    book = _book_of((10.0, 1, 2), (20.0, 1, 3), (30.0, 1, 2), (40.0, 1, 4), (50.0, 1, 3))
    platform = book.platforms[(0, "up")]
    skipper = book.new_load(trip=0, room=2)
    skipper.serves = np.array([False, False, True, True])
    assert platform.waiting(60.0, skipper) == 3 and platform.waiting(60.0) == 5
    platform.open_doors(skipper, 60.0, priority=1.0)
    assert skipper.size == 2 and skipper.dest.tolist() == [0, 0, 1, 1]  # riders 1 and 3, room for two
    assert platform.head == 0 and platform.taken.tolist() == [False, True, False, True, False]
    assert platform.waiting(60.0) == 3 and platform.waiting(60.0, skipper) == 1
    assert platform.close_doors(skipper, 60.0) == 1  # rider 4 (for S3) is left behind by the full train
    full = book.new_load(trip=2, room=0)  # a stopping train with no room: leaves the three still waiting
    platform.open_doors(full, 65.0, priority=1.5)
    assert platform.peek(full, 0.0, 65.0) == 0 and platform.close_doors(full, 65.0) == 3
    peeker = book.new_load(trip=3, room=10)
    platform.open_doors(peeker, 5.0, priority=0.5)  # (as if open since 5 s: it would take the three)
    assert platform.peek(peeker, 5.0, 65.0) == 3 and platform.peek(peeker, 25.0, 65.0) == 2
    platform.close_doors(peeker, 5.0)
    local = book.new_load(trip=1, room=10)
    platform.open_doors(local, 70.0, priority=2.0)  # the stopping train takes the rest, in order
    assert local.size == 3 and local.dest.tolist() == [0, 2, 1, 0] and platform.head == 5
    assert platform.taken is None  # back to the plain queue
    arrivals = np.full((2, 4), np.nan)
    arrivals[0, 2:] = (300.0, 400.0)
    arrivals[1, 1:] = (200.0, 350.0, 450.0)
    rec, _ = book.records(arrivals)
    assert rec["trip"].tolist() == [1, 0, 1, 0, 1] and rec["board_s"].tolist() == [70.0, 60.0, 70.0, 60.0, 70.0]
    assert rec["alight_s"].tolist() == [200.0, 300.0, 200.0, 400.0, 350.0]
    assert rec["left_behind"].tolist() == [1, 0, 1, 0, 2]


def test_a_skipping_train_peeks_only_at_its_own_passengers():
    book = _book_of((10.0, 1, 2), (20.0, 1, 3), (30.0, 1, 2), (40.0, 1, 3))
    platform = book.platforms[(0, "up")]
    skipper = book.new_load(trip=0, room=5)
    skipper.serves = np.array([False, False, True, False])
    platform.open_doors(skipper, 5.0, priority=1.0)
    assert platform.peek(skipper, 5.0, 45.0) == 2 and platform.peek(skipper, 25.0, 45.0) == 1
    assert platform.peek(skipper, 45.0, 45.0) == 0
    other = book.new_load(trip=1, room=5)
    assert platform.peek(other, 5.0, 45.0) == 0  # not the train boarding
    platform.advance(45.0)
    assert skipper.size == 2 and platform.close_doors(skipper, 45.0) == 0


def test_a_platform_serves_both_directions_of_a_station_apart():
    # at S2: riders down to S1 and up to S3, interleaved; integer arrival times are times all the same
    from lrt.sim.passengers import PassengerBook

    riders = Arrivals(time_s=np.array([10, 20, 30, 40]), origin=np.array([1, 1, 1, 1]),
                      destination=np.array([0, 2, 0, 2]), codes=(1, 2, 3))
    book = PassengerBook(riders, 3)
    assert book.platforms[(1, "up")].ids.tolist() == [1, 3] and book.platforms[(1, "down")].ids.tolist() == [0, 2]
    assert book.arrival_s.dtype == float and book.platforms[(1, "up")].times == [20.0, 40.0]
    rec, _ = book.records(np.full((1, 3), np.nan))
    assert rec["board_s"].dtype == float


def test_open_trains_board_in_order_of_departure_and_a_full_one_passes_the_rest_on():
    book = _book_of(*[(10.0 + k, 1, 3) for k in range(5)])
    platform = book.platforms[(0, "up")]
    first, second = book.new_load(trip=0, room=0), book.new_load(trip=1, room=10)
    platform.open_doors(second, 5.0, priority=200.0)
    platform.open_doors(first, 5.0, priority=100.0)
    assert [e[0] for e in platform.open] == [100.0, 200.0]
    platform.advance(20.0)  # the first to leave is full: the others board the second
    assert second.size == 5 and first.size == 0
    # two trains due out at the same second, opened together: they board in the order they opened
    book = _book_of(*[(10.0 + k, 1, 3) for k in range(5)])
    platform = book.platforms[(0, "up")]
    a, b = book.new_load(trip=0, room=2), book.new_load(trip=1, room=10)
    platform.open_doors(a, 5.0, priority=100.0)
    platform.open_doors(b, 5.0, priority=100.0)
    platform.advance(20.0)
    assert (a.size, b.size) == (2, 3)


def test_detrained_passengers_fill_the_first_train_and_the_queue_boards_the_next():
    book = _book_of((1.0, 1, 3), (2.0, 1, 3), (50.0, 2, 3), (51.0, 2, 3), (52.0, 2, 3))
    s1, s2 = book.platforms[(0, "up")], book.platforms[(1, "up")]
    failed = book.new_load(trip=0, room=10)
    s1.open_doors(failed, 5.0, priority=1.0)
    book.detrain(failed, 1, "up", 60.0)
    a, b = book.new_load(trip=1, room=2), book.new_load(trip=2, room=10)
    s2.open_doors(a, 70.0, priority=1.0)  # takes the two put off, first
    assert a.size == 2 and a.room == 0 and s2.first.size == 0
    s2.open_doors(b, 70.0, priority=2.0)  # the queue boards the next train open
    assert b.size == 3


def test_passengers_boarded_out_of_turn_are_put_off_a_failed_train_too():
    # a train serving S3 only takes riders 1 and 3 out of turn at S1, then fails before S2
    book = _book_of((10.0, 1, 2), (20.0, 1, 3), (30.0, 1, 2), (40.0, 1, 3))
    s1 = book.platforms[(0, "up")]
    skipper = book.new_load(trip=0, room=5)
    skipper.serves = np.array([False, False, True])
    s1.open_doors(skipper, 50.0, priority=1.0)
    assert book.detrain(skipper, 1, "up", 100.0) == 2 and book.platforms[(1, "up")].first.tolist() == [1, 3]


def test_passengers_put_off_a_failed_train_board_the_next_first():
    # at S2 (index 1) going up: two wait (for S3 and S4) when a failed train puts off three (S3, S4, S4)
    book = _book_of((1.0, 1, 3), (2.0, 1, 4), (3.0, 1, 4), (50.0, 2, 3), (60.0, 2, 4))
    s1, s2 = book.platforms[(0, "up")], book.platforms[(1, "up")]
    failed = book.new_load(trip=0, room=100)
    s1.open_doors(failed, 10.0, priority=1.0)
    s1.close_doors(failed, 10.0)
    assert book.alight(failed, 1) == 0
    assert book.detrain(failed, 1, "up", 80.0) == 3 and failed.size == 0 and failed.room == 100
    assert failed.dest.tolist() == [0, 0, 0, 0]
    assert s2.first.tolist() == [0, 1, 2] and s2.waiting(80.0) == 5
    assert book.detrain(failed, 1, "up", 81.0) == 0  # nobody left on board
    # a short train to S3 only, with room for two: takes rider 0 (put off, for S3), then rider 3 (for S3)
    short = book.new_load(trip=1, room=2)
    short.serves = np.array([False, False, True, False])
    assert s2.waiting(90.0, short) == 2
    s2.open_doors(short, 90.0, priority=1.0)
    assert short.size == 2 and s2.first.tolist() == [1, 2]
    assert s2.close_doors(short, 90.0) == 0  # the rest are for S4, which this train does not serve
    full = book.new_load(trip=2, room=3)
    s2.open_doors(full, 100.0, priority=2.0)
    assert full.size == 3 and s2.first.size == 0 and s2.head == 2
    assert full.dest.tolist() == [0, 0, 0, 3]
    arrivals = np.full((3, 4), np.nan)
    arrivals[0, 1] = 80.0
    arrivals[1, 2] = 150.0
    arrivals[2, 2:] = (160.0, 260.0)
    rec, log = book.records(arrivals)
    assert rec["trip"].tolist() == [1, 2, 2, 1, 2] and rec["board_s"].tolist() == [90.0, 100.0, 100.0, 90.0, 100.0]
    assert rec["detrained"].tolist() == [1, 1, 1, 0, 0] and not rec["stranded"].any()
    assert rec["alight_s"].tolist() == [150.0, 260.0, 260.0, 150.0, 260.0]
    # the boarding log: the boardings in queue order (0, 1, 2 at S1; 4 at S2), then those out of turn in the
    # order they happened (0 put off, 3 taken by the short train; 1, 2 put off)
    assert log["passenger"].tolist() == [0, 1, 2, 4, 0, 3, 1, 2]
    assert log["station"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1] and log["trip"].tolist() == [0, 0, 0, 2, 1, 1, 2, 2]


def test_detrained_passengers_nobody_picks_up_are_stranded_and_a_full_train_leaves_them():
    book = _book_of((1.0, 1, 4), (2.0, 1, 4), (3.0, 3, 1))  # and one bystander going down from S3
    s1, s2 = book.platforms[(0, "up")], book.platforms[(1, "up")]
    failed = book.new_load(trip=0, room=10)
    s1.open_doors(failed, 5.0, priority=1.0)
    book.detrain(failed, 1, "up", 80.0)
    full = book.new_load(trip=1, room=0)  # no room at all
    s2.open_doors(full, 90.0, priority=1.0)
    assert s2.close_doors(full, 95.0) == 2
    rec, log = book.records(np.full((2, 4), np.nan))
    assert rec["stranded"].tolist() == [True] * 3 and rec["left_behind"].tolist() == [1, 1, 0]
    assert np.isinf(rec["board_s"]).all() and rec["trip"].tolist() == [-1] * 3 and np.isinf(rec["alight_s"]).all()
    assert rec["detrained"].tolist() == [1, 1, 0] and log["passenger"].tolist() == [0, 1]


# -- what a run leaves behind -------------------------------------------------------------------------------
def test_a_run_without_passengers_records_the_trains_its_metadata_and_frames():
    from lrt import __version__
    from lrt.sim import EVENT_COLUMNS, PASSENGER_COLUMNS

    tt = Timetable(name="story", service_id="s", trips=(_trip("U1", "T1", "up", (1, 2, 3), 100.0),))
    scenario = Scenario(name="tiny", line=LINE, train=TRAIN, timetable=tt, options=CALM, sources={"network": "abc"})
    r = simulate(scenario, 42)
    assert r.seed == 42 and r.passengers == {} and r.boardings == {} and r.faults == () and r.cancelled == ()
    assert (r.generated, r.completed, r.stranded, r.trips_planned, r.trips_run) == (0, 0, 0, 1, 1)
    options = {name: getattr(CALM, name) for name in CALM.__dataclass_fields__}
    assert r.metadata == {"seed": 42, "lrt_version": __version__, "scenario": "tiny", "line": "test line",
                          "train": "test train", "timetable": "story", "conditions": "normal",
                          "inputs": {"network": "abc"}, "reserves_left": 18, "options": options}
    e = r.events
    assert tuple(e) == EVENT_COLUMNS
    assert [e[c].dtype.kind for c in EVENT_COLUMNS] == list("OOOiiffffiiiiffffO")
    assert e["stop_sequence"].dtype == np.int32 and e["load_departure"].dtype == np.int32
    frame = r.events_frame()
    assert list(frame.columns) == list(EVENT_COLUMNS) and len(frame) == 3
    assert frame["departure_s"].tolist() == pytest.approx([100.0, 215.0, 310.0], abs=TOL)
    empty = r.passengers_frame()
    assert list(empty.columns) == list(PASSENGER_COLUMNS) and len(empty) == 0
    (trip,) = r.actual_trips()
    assert (trip.trip_id, trip.block_id, trip.direction, trip.stops) == ("U1", "T1", "up", (1, 2, 3))
    assert trip.arrival_s == pytest.approx((40.0, 195.0, 310.0), abs=TOL)
    assert trip.departure_s == pytest.approx((100.0, 215.0, 310.0), abs=TOL)


def test_the_event_log_is_in_order_of_arrival_departure_and_train():
    # U1 (T1) up and D1 (T2) down meet at S2 at the same times (195 s, 215 s): T1's call comes first
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T2", "down", (3, 2, 1), 100.0)]
    r = _run(trips)
    assert list(zip(r.events["trip_id"], r.events["station"])) == [
        ("U1", 1), ("D1", 3), ("U1", 2), ("D1", 2), ("U1", 3), ("D1", 1)]
    # an empty day still has every column
    from lrt.sim import EVENT_COLUMNS

    empty = _run([])
    assert tuple(empty.events) == EVENT_COLUMNS and all(v.size == 0 for v in empty.events.values())
    assert empty.trips_planned == empty.trips_run == 0


def test_the_passenger_records_and_frames_of_a_run():
    from lrt.sim import PASSENGER_COLUMNS

    riders = _riders((2, 10.0, 5.0, 1, 3), (1, 150.0, 0.0, 2, 1))
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D1", "T1", "down", (3, 2, 1), 400.0)]
    r = _run(trips, riders=riders)
    p = r.passengers
    assert tuple(p) == ("arrival_s", "origin", "destination", "board_s", "alight_s", "left_behind", "trip",
                        "stranded", "detrained")
    assert p["origin"].tolist() == [1, 1, 2] and p["destination"].tolist() == [3, 3, 1]  # station codes
    # D1 leaves S3 at 430 s (the 120 s turnback after U1's arrival at 310 s): S2 at 525 s, S1 at 640 s
    assert p["trip"].tolist() == ["U1", "U1", "D1"] and p["board_s"] == pytest.approx([40.0, 40.0, 525.0], abs=TOL)
    assert p["alight_s"] == pytest.approx([310.0, 310.0, 640.0], abs=TOL)
    from lrt.sim.records import BOARDING_COLUMNS

    b = r.boardings
    assert tuple(b) == BOARDING_COLUMNS == ("passenger", "trip", "station", "board_s")
    assert b["passenger"].tolist() == [0, 1, 2] and b["board_s"] == pytest.approx([40.0, 40.0, 525.0], abs=TOL)
    assert b["trip"].tolist() == ["U1", "U1", "D1"] and b["station"].tolist() == [1, 1, 2]
    assert p["origin"].dtype == np.int32 and p["destination"].dtype == np.int32 and b["station"].dtype == np.int32
    assert p["trip"].dtype == object and b["trip"].dtype == object  # trip ids of any length
    assert (r.generated, r.completed, r.stranded) == (3, 3, 0)
    frame = r.passengers_frame()
    assert list(frame.columns) == list(PASSENGER_COLUMNS) and frame["trip"].tolist() == ["U1", "U1", "D1"]
    # a rider for whom no train comes is stranded, and counted so
    late = _run(trips, riders=_riders((1, 700.0, 0.0, 2, 3), (1, 10.0, 0.0, 1, 3)))
    assert (late.generated, late.completed, late.stranded) == (2, 1, 1)
    assert late.passengers["trip"].tolist() == ["U1", ""]


def test_the_seed_draws_passengers_and_faults_from_their_own_streams():
    from lrt.demand import Demand, arrivals

    trips = np.zeros((1, 3, 3))
    trips[0, 0, 2] = 40.0  # 40 expected from S1 to S3 between 0 and 900 s
    demand = Demand(codes=(1, 2, 3), trips=trips, start_s=0.0, bin_s=900.0, label="tiny")
    storms = Conditions(failures=Failures(switch=Failure(kind="switch", rate=30.0, mean_duration_s=60.0)))
    tt = Timetable(name="story", service_id="s", trips=(_trip("U1", "T1", "up", (1, 2, 3), 1000.0),))
    with_demand = simulate(Scenario(line=LINE, train=TRAIN, timetable=tt, options=CALM, demand=demand,
                                    conditions=storms), 9)
    # the run's seed tree (lrt.sim.simulate): child 0 the passengers, 1 the operations, 2 the faults, 3 what an
    # exercise adds; the faults' child 0 draws the day's timed faults (lrt.sim.faults.FaultBook)
    seq = np.random.SeedSequence(9).spawn(4)
    drawn = arrivals(demand, np.random.default_rng(seq[0]))
    assert with_demand.passengers["arrival_s"].tolist() == drawn.time_s.tolist() and len(drawn) > 20
    assert set(with_demand.passengers["trip"]) == {"U1"}
    without = simulate(Scenario(line=LINE, train=TRAIN, timetable=tt, options=CALM, conditions=storms), 9)
    assert without.faults == with_demand.faults and len(without.faults) > 5
    expected = random_faults(storms, LINE, np.random.default_rng(seq[2].spawn(5)[0]))
    assert [f["start_s"] for f in without.faults] == [round(f.start_s, 1) for f in expected]


def test_passengers_of_another_line_are_refused():
    riders = _riders((1, 10.0, 0.0, 1, 2), codes=(1, 2, 4))
    with pytest.raises(ValueError, match="^the demand's stations are not the line's$"):
        _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], riders=riders)


def test_story_the_load_slows_the_run_and_raises_the_energy_up_to_one_and_a_half_design_loads():
    from lrt.energy import segment_energies

    # a real train (resistance, rotating mass, limited force): 1000 board at S1 (700 for S2, 300 for S3),
    # far beyond the 652 design load; boarding nearly instant (busiest door 0.05 x the mean)
    line, train = LINE, make_train()
    options = dataclasses.replace(CALM, load_standard=2000, busiest_door_factor=0.05)
    riders = _riders((700, 0.0, 0.01, 1, 2), (300, 10.0, 0.01, 1, 3))
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], line=line, train=train, options=options, riders=riders)

    def leg(a, b, share):  # run time and energies interpolated between empty and the design load
        ends = [run_profile(line, train, stops=[a, b], passengers=x) for x in (0, 652)]
        (t0, t1), energy = [p.running_s for p in ends], [segment_energies(p, train, line).total for p in ends]
        d0, d1 = (e.drawn_kwh for e in energy)
        r0, r1 = (e.returned_kwh for e in energy)
        return t0 + (t1 - t0) * share, d0 + (d1 - d0) * share, r0 + (r1 - r0) * share

    run_1, drawn_1, back_1 = leg(1, 2, 1.5)  # 1000 / 652 = 1.53: held at 1.5 design loads
    run_2, drawn_2, back_2 = leg(2, 3, 300 / 652)
    assert run_1 > run_2 > run_profile(line, train, stops=[1, 2]).running_s
    # S2: 700 off at 0.05 x 700 / 8 = 4.375 a door: 12.22 + 1.82 x 4.375 = 20.1825 s (the 300 staying
    # are 25.5 standees a door but nobody boards, so crowding costs nothing)
    dwell_2 = 12.22 + 1.82 * 700 * 0.05 / 8
    e = r.events
    assert e["arrival_s"].tolist() == pytest.approx([40.0, 100.0 + run_1, 100.0 + run_1 + dwell_2 + run_2], rel=1e-12)
    assert e["drawn_kwh"].tolist() == pytest.approx([0.0, drawn_1, drawn_2], rel=1e-12)
    assert e["returned_kwh"].tolist() == pytest.approx([0.0, back_1, back_2], rel=1e-12)
    assert e["load_departure"].tolist() == [1000, 300, 0]


def test_story_a_train_going_to_the_depot_frees_its_platform_track():
    # one track at S1: T1 ends D1 there at 640 s and goes to the depot (a pull-in) before U2; after 20 s
    # for the last passengers it leaves the track (660 s) and crosses the crossover (to 679.5 s).  D2 (T2)
    # behind it asks for S1 at 715 + 95 - 27.8 = 782.2 s and arrives on time at 810 s.
    trips, ops = _two_days()
    line = _with_termini(tracks=1)
    d2 = _trip("D2", "T2", "down", (3, 2, 1), 600.0)
    r = _run([*trips, d2], operations=ops, line=line)
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("D1", 1)] == _approx((640.0, 640.0, "")) and calls[("D2", 1)] == _approx((810.0, 810.0, ""))
    assert calls[("U2", 1)] == _approx((1240.0, 1300.0, ""))
    # the same day with no pull-in recorded: T1 turns back on the only track and asks for it again for U2's
    # pull-out -- it waits for ever, and so does D2: a deadlock is a bug, reported as such
    from lrt.errors import SimulationError

    with pytest.raises(SimulationError) as err:
        _run([*trips, d2], operations=[ops[0], ops[2]], line=line)
    assert str(err.value) == ("trains T1, T2 never finished their day: each waits for ever for a platform or "
                              "crossover (a deadlock; their last calls are in the event log)")


def test_story_what_a_controller_sees_and_that_it_cannot_send_a_train_early():
    seen = []

    class Recorder(Controller):  # a controller overrides what it decides (lrt.sim.Controller)
        def __init__(self, hold):
            self.hold = hold

        def departure_s(self, ctx):
            seen.append((ctx.block, ctx.trip_id, ctx.direction, ctx.station, ctx.index, ctx.now_s,
                         ctx.earliest_departure_s, ctx.planned_departure_s, ctx.previous_departure_s,
                         ctx.planned_headway_s, ctx.load))
            return self.hold(ctx)

    riders = _riders((3, 10.0, 1.0, 1, 3), (2, 150.0, 1.0, 2, 3))
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 400.0)]
    tt = Timetable(name="c", service_id="s", trips=tuple(trips))
    scenario = Scenario(line=LINE, train=TRAIN, timetable=tt, options=CALM)
    r = simulate(scenario, 1, controller=Recorder(lambda ctx: 0.0), passengers=riders, plan=make_plan(scenario))
    # asked once the doors are about to close: at S1 the 20 s door cycle from 40 s (60 s), at S2 on
    # arrival; a controller answering 0 s cannot send a train before the doors have closed
    assert seen == [
        ("T1", "U1", "up", 1, 0, 40.0, 60.0, 100.0, None, None, 3),
        ("T1", "U1", "up", 2, 1, pytest.approx(155.0, abs=TOL), pytest.approx(175.0, abs=TOL), 215.0, None, None, 5),
        ("T2", "U2", "up", 1, 0, 340.0, 360.0, 400.0, 60.0, 300.0, 0),
        ("T2", "U2", "up", 2, 1, pytest.approx(455.0, abs=TOL), pytest.approx(475.0, abs=TOL), 515.0,
         pytest.approx(175.0, abs=TOL), 300.0, 0),
    ]
    assert _calls(r, "departure_s")[("U1", 1)] == (60.0,)
    # a controller may hold a train longer: doors stay open until 4 s before its answer
    seen.clear()
    r = simulate(scenario, 1, controller=Recorder(lambda ctx: ctx.earliest_departure_s + 33.0), passengers=riders)
    calls = _calls(r, "departure_s", "doors_close_s")
    assert calls[("U1", 1)] == (93.0, 89.0) and calls[("U1", 2)] == _approx((208.0 + 33.0, 204.0 + 33.0))


def test_story_a_shorter_door_cycle_lets_puong_s_constant_show():
    # with a 10 s door cycle, an empty call lasts Puong's 12.22 s (not the default 20 s floor)
    options = dataclasses.replace(CALM, min_dwell_s=10.0)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], options=options)
    calls = _calls(r, "arrival_s", "departure_s", "doors_close_s")
    assert calls[("U1", 1)] == _approx((40.0, 100.0, 96.0))
    assert calls[("U1", 2)] == _approx((195.0, 207.22, 203.22))


def test_story_riders_reaching_the_platform_while_the_doors_are_open_board_and_extend_the_dwell():
    # 30 wait at S2 when U1 arrives (195 s): Puong at the busiest door, 12.22 + 2.27 x 30 x 0.175 = 24.1375 s,
    # boarding until 4 s before: 20.1375 s.  A rider at +10 s boards and makes it 24.535 s (boarding until
    # 20.535 s); one at +20.3 s boards too (24.9325 s); one at +21 s is too late and waits for U2.
    def dwell(b):
        return 12.22 + 2.27 * b * 1.4 / 8

    riders = _riders((30, 0.0, 1.0, 2, 3), (1, 205.0, 0.0, 2, 3), (1, 215.3, 0.0, 2, 3), (1, 216.0, 0.0, 2, 3))
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("U2", "T2", "up", (1, 2, 3), 400.0)]
    r = _run(trips, riders=riders)
    calls = _calls(r, "arrival_s", "departure_s", "boarded")
    assert calls[("U1", 2)] == _approx((195.0, 195.0 + dwell(32), 32)) and calls[("U2", 2)][2] == 1
    assert list(r.passengers["trip"][30:]) == ["U1", "U1", "U2"]
    # a rider every 0.3 s from 0.15 s after the arrival: each adds 0.397 s, so the doors would stay open;
    # the line's limit, 10 s beyond the dwell of those waiting (24.1375 s), closes them at 34.1375 s:
    # boarding until 30.1375 s, riders 0..99 of the stream board
    riders = _riders((30, 0.0, 1.0, 2, 3), (120, 195.15, 0.3, 2, 3))
    r = _run(trips, riders=riders)
    calls = _calls(r, "departure_s", "boarded")
    assert calls[("U1", 2)] == _approx((195.0 + dwell(30) + 10.0, 130)) and calls[("U2", 2)][1] == 20


def test_story_an_express_catching_up_a_local_at_its_terminus_waits_for_the_platform():
    # U1 (local) reaches S3 at 310 s and keeps the platform 20 s for the last passengers off (to 330 s);
    # X2 (express, 170 s from S1 to S3) leaves S1 at 150 s and would arrive at 320 s: it asks for S3 30 s
    # before (no close-in is known at a line end without a terminus), at 290 s, gets it at 330 s and
    # arrives 30 s later
    express = Trip(trip_id="X2", block_id="T2", direction="up", stops=(1, 3), arrival_s=(150.0, 320.0),
                   departure_s=(150.0, 320.0))
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0), express])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("U1", 3)] == _approx((310.0, 310.0, ""))
    assert calls[("X2", 1)] == _approx((100.0, 150.0, "")) and calls[("X2", 3)] == _approx((360.0, 360.0,
                                                                                             "following T1 (40 s)"))


def test_story_a_switch_failure_takes_the_track_before_a_waiting_train():
    # one track at S3.  D0 (T2) stands there from 240 s; U1 asks for S3 at 282.2 s and queues behind it;
    # the switch fails at 290 s and its repair queues ahead of U1.  D0 sets its points by hand (300-480 s)
    # and leaves; the repair takes the track until 700 s; only then U1 gets it: 700 + 27.8 = 727.8 s.
    line = _with_termini(tracks=1)
    switch = Fault(fault_id="F01", kind="switch", start_s=290.0, duration_s=410.0, station=3)
    trips = [_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D0", "T2", "down", (3, 2, 1), 300.0)]
    r = _run(trips, line=line, faults=[switch])
    calls = _calls(r, "arrival_s", "departure_s", "cause")
    assert calls[("D0", 3)] == _approx((240.0, 480.0, "F01 switch at S3 (points by hand, 180 s)"))
    assert calls[("U1", 3)] == _approx((727.8, 727.8, "following T2 (418 s) <- F01 switch at S3"))
    # when the repair already holds the only track, U1 waits for the repair itself
    r = _run(trips[:1], line=line, faults=[dataclasses.replace(switch, start_s=250.0, duration_s=450.0)])
    assert _calls(r, "arrival_s", "cause")[("U1", 3)] == _approx((727.8, "following F01 switch at S3 (418 s)"))
    # a train meeting the repaired switch crosses as usual
    late = dataclasses.replace(switch, start_s=0.0, duration_s=250.0)
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0)], line=line, faults=[late])
    assert _calls(r, "arrival_s", "cause")[("U1", 3)] == _approx((310.0, ""))


def test_story_the_depot_switch_holds_only_what_leaves_the_depot():
    line = _with_termini(tracks=2)
    depot = Fault(fault_id="F01", kind="switch", start_s=0.0, duration_s=500.0, station=0)
    # D0 starts at S3, not at the depot's station: it leaves on time
    r = _run([_trip("U1", "T1", "up", (1, 2, 3), 100.0), _trip("D0", "T2", "down", (3, 2, 1), 300.0)],
             line=line, faults=[depot])
    calls = _calls(r, "arrival_s", "departure_s")
    assert calls[("U1", 1)] == _approx((500.0, 520.0)) and calls[("D0", 3)] == _approx((240.0, 300.0))
    # a line without a depot: every train comes from the depot, and waits
    r = _run([_trip("D0", "T2", "down", (3, 2, 1), 300.0)], faults=[depot])
    assert _calls(r, "arrival_s", "departure_s")[("D0", 3)] == _approx((500.0, 520.0))


def test_a_plan_made_for_another_timetable_is_refused():
    from lrt.errors import SimulationError

    express = Trip(trip_id="X1", block_id="T1", direction="up", stops=(1, 3), arrival_s=(100.0, 270.0),
                   departure_s=(100.0, 270.0))
    local = Scenario(line=LINE, train=TRAIN, options=CALM,
                     timetable=Timetable(name="l", service_id="s", trips=(_trip("U1", "T1", "up", (1, 2, 3), 100.0),)))
    with pytest.raises(SimulationError) as err:
        simulate(dataclasses.replace(local, timetable=Timetable(name="x", service_id="s", trips=(express,))), 1,
                 plan=make_plan(local))
    assert str(err.value) == ("the plan was made for another timetable, conditions or train: make_plan(scenario) "
                              "for this one")
    assert simulate(local, 1, plan=make_plan(local)).trips_run == 1  # the plan of its own scenario runs


