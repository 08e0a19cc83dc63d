"""lrt.sim.engine's own interface in short stories: the state of the line at moments worked out by hand, the
day advanced and paused, faults injected during the day, what a controller hears and when, spare trains.

The tiny line of tests/test_sim_stories.py: three stations 1500 m apart and an ideal train (1 m/s2 both ways,
20 m/s, no resistance, no jerk limit), which runs each leg in closed form: 20 s up to 20 m/s over 200 m,
1100 m at 20 m/s in 55 s, 20 s braking over 200 m -- 95 s, whatever its load.  The door cycle is 20 s
(SimOptions.min_dwell_s), the doors take 4 s to close; a few passengers board within it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import ideal_train, make_line

from lrt.demand import Arrivals
from lrt.disruptions import Fault
from lrt.sim import Regulation, Scenario, SimOptions, Simulation, simulate
from lrt.timetable.model import BlockEvent, Timetable, Trip

LINE = make_line((1000.0, 2500.0, 4000.0))
TRAIN = ideal_train(1.0, 1.0, 20.0)
RUN = 20.0 + 1100.0 / 20.0 + 20.0  # 95 s a leg
CALM = SimOptions(variability=False, hold_station_departures=False)


def _trip(trip_id, block, start, stops=(1, 2, 3), direction="up"):
    """Planned with the 95 s run and the 20 s door cycle at the intermediate stops."""
    arr, dep, t = [], [], start
    for i, _ in enumerate(stops):
        arr.append(t)
        t += 0.0 if i in (0, len(stops) - 1) else 20.0
        dep.append(t)
        t += RUN
    return Trip(trip_id=trip_id, block_id=block, direction=direction, stops=tuple(stops), arrival_s=tuple(arr),
                departure_s=tuple(dep))


def _riders(rows):
    """Arrivals from (time [s], origin code, destination code) rows, in time order."""
    t, o, d = zip(*rows)
    return Arrivals(time_s=np.asarray(t, float), origin=np.asarray(o) - 1, destination=np.asarray(d) - 1,
                    codes=(1, 2, 3))


def _scenario(trips, operations=(), faults=(), options=CALM):
    return Scenario(line=LINE, train=TRAIN, options=options, faults=tuple(faults),
                    timetable=Timetable(name="t", service_id="s", trips=tuple(trips), operations=tuple(operations)))


# -- the state of the line ---------------------------------------------------------------------------
# T1 runs U1 from S1 at 100 s, goes to the depot from S3, and comes out again for U3 from S1 at 1000 s; T2 runs
# U2 from S1 at 2000 s.  Three riders reach S1 at 10, 20 and 30 s for S3; two reach S2 at 150 and 160 s for S3;
# one reaches S2 at 50 s going down, where no train goes.  A scripted door fault holds T1 30 s at S2; the
# depot's switch fails from 500 s to 600 s (no train leaves or enters the depot then).
#   U1: on the S1 platform a minute before its departure (40 s), the three board when the doors open; it
#       leaves at 100 s (held to the timetable at the terminus), arrives at S2 at 100 + 95 = 195 s, the two
#       board; doors 20 s + the door fault 30 s: leaves at 245 s (planned 215 s); at S3 at 245 + 95 = 340 s;
#       the last off in 20 s, to the depot at 360 s.
#   U3: on the platform at 1000 - 60 = 940 s.
DOOR = Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=30.0, train="T1", station=2)
DEPOT = Fault(fault_id="F02", kind="switch", start_s=500.0, duration_s=100.0, station=0)
DAY = _scenario(
    [_trip("U1", "T1", 100.0), _trip("U3", "T1", 1000.0), _trip("U2", "T2", 2000.0)],
    operations=[BlockEvent(block_id="T1", event="pull_in", stop=3, start_s=310.0, end_s=610.0, from_trip="U1"),
                BlockEvent(block_id="T1", event="pull_out", stop=1, start_s=700.0, end_s=1000.0, to_trip="U3")],
    faults=[DOOR, DEPOT])
RIDERS = _riders([(10.0, 1, 3), (20.0, 1, 3), (30.0, 1, 3), (50.0, 2, 1), (150.0, 2, 3), (160.0, 2, 3)])
NOT_OUT = {"trip": "", "direction": "", "at": None, "running_to": None, "load": 0, "delay_s": None, "held": False}


def _waiting(**counts):
    """Every platform's crowd: none but those given as s2_down=1 (station 2, direction down)."""
    out = {(code, d): 0 for code in (1, 2, 3) for d in ("up", "down")}
    for key, n in counts.items():
        code, d = key[1:].split("_")
        out[(int(code), d)] = n
    return out


def test_the_state_of_the_line_at_moments_worked_out_by_hand():
    sim = Simulation(DAY, 1, passengers=RIDERS)
    # (time, T1's state, whether T1 is out of the depot, the platforms' crowds, the faults in force)
    moments = [
        (0.0, NOT_OUT, False, _waiting(), []),
        # on the S1 platform: the three on board; 60 s is before the departure at 100 s: not late
        (60.0, dict(NOT_OUT, trip="U1", direction="up", at=1, load=3, delay_s=0.0), True, _waiting(s2_down=1), []),
        # standing at S2 with its door fault, 230 - 215 = 15 s late, five on board
        (230.0, dict(NOT_OUT, trip="U1", direction="up", at=2, load=5, delay_s=15.0), True, _waiting(s2_down=1),
         []),
        # in the depot between its trips: no station, its last trip's run to S3 and nobody on board
        (400.0, dict(NOT_OUT, trip="U1", direction="up", running_to=3), False, _waiting(s2_down=1), []),
        (500.0, dict(NOT_OUT, trip="U1", direction="up", running_to=3), False, _waiting(s2_down=1), ["F02"]),
        (599.0, dict(NOT_OUT, trip="U1", direction="up", running_to=3), False, _waiting(s2_down=1), ["F02"]),
        (600.0, dict(NOT_OUT, trip="U1", direction="up", running_to=3), False, _waiting(s2_down=1), []),
        (950.0, dict(NOT_OUT, trip="U3", direction="up", at=1, delay_s=0.0), True, _waiting(s2_down=1), []),
    ]
    for now, t1, out, waiting, faults in moments:
        assert sim.run(until=now) is sim and sim.now == now
        state = sim.state()
        assert state["time_s"] == now
        assert state["trains"] == [{"train": "T1", **t1}, {"train": "T2", **NOT_OUT}], now
        assert sim.states["T1"].out is out and sim.states["T2"].out is False, now  # what the training console reads
        assert state["waiting"] == waiting, now
        assert [f["fault_id"] for f in state["faults"]] == faults, now
        assert state["reserves"] == 18  # 19 fit, one train out at a time
    r = sim.run().result()
    assert sim.finished and sim.state()["trains"] == []
    u1 = r.events["trip_id"] == "U1"
    assert list(r.events["departure_s"][u1]) == pytest.approx([100.0, 245.0, 340.0], abs=1e-8)  # the last: its arrival


def test_the_depot_switch_fault_in_force_as_the_state_shows_it():
    sim = Simulation(DAY, 1, passengers=RIDERS).run(until=500.0)
    assert sim.state()["faults"] == [
        {"fault_id": "F02", "kind": "switch", "source": "scripted", "start_s": 500.0, "duration_s": 100.0,
         "train": "", "station": 0, "section": "", "description": "F02 switch at the depot",
         "response": "pull-outs and pull-ins wait for the repair"}]


# -- the day advanced, paused, and what a controller hears ---------------------------------------------
def test_pausing_outside_a_run_or_twice_changes_nothing():
    sim = Simulation(DAY, 1, passengers=RIDERS)
    sim.pause()  # before the day has started: nothing to stop
    sim.run(until=60.0)
    sim.pause()
    sim.pause()  # twice: the second is no error
    assert sim.run(until=230.0).now == 230.0
    r = sim.run().result()
    assert list(r.events["departure_s"]) == pytest.approx(list(simulate(DAY, 1, passengers=RIDERS).events[
        "departure_s"]), abs=1e-9)


class Listening(Regulation):
    """Regulation that hears everything."""

    def __init__(self, options):
        super().__init__(options)
        object.__setattr__(self, "heard", [])

    def notify(self, event):
        self.heard.append((event.kind, event.time_s, event.train, event.station, event.direction, event.value,
                           event.text))


def test_a_controller_hears_every_arrival_departure_and_fault_as_it_happens():
    control = Listening(CALM)
    simulate(DAY, 1, passengers=RIDERS, controller=control)
    # arrivals: the crowd waiting on the platform then; departures: the delay on the timetable; faults: the
    # duration, and what happened and what was done (the depot's switch is at station 0)
    t1 = [("arrival", 40.0, "T1", 1, "up", 3.0, ""),  # the three for S3 on the platform
          ("departure", 100.0, "T1", 1, "up", 0.0, ""),
          ("arrival", 195.0, "T1", 2, "up", 2.0, ""),  # the two for S3 (the one going down waits elsewhere)
          ("fault", 195.0, "T1", 2, "", 30.0, "F01 door T1 at S2: dwell +30 s"),
          ("departure", 245.0, "T1", 2, "up", 30.0, ""),
          ("arrival", 340.0, "T1", 3, "up", 0.0, ""),
          ("fault", 500.0, "", 0, "", 100.0, "F02 switch at the depot: pull-outs and pull-ins wait for the repair"),
          ("arrival", 940.0, "T1", 1, "up", 0.0, ""),
          ("departure", 1000.0, "T1", 1, "up", 0.0, ""),
          ("arrival", 1095.0, "T1", 2, "up", 0.0, ""),
          ("departure", 1115.0, "T1", 2, "up", 0.0, ""),
          ("arrival", 1210.0, "T1", 3, "up", 0.0, "")]
    t2 = [(kind, time + 1000.0, "T2", *rest) for kind, time, _, *rest in t1[7:]]
    expected = t1 + t2
    assert len(control.heard) == len(expected)
    for heard, want in zip(control.heard, expected):  # times and values within the running time's 1e-9 s a leg
        assert heard == tuple(pytest.approx(x, abs=1e-8) if isinstance(x, float) else x for x in want), heard


# -- faults injected during the day -------------------------------------------------------------------
def test_faults_injected_during_the_day_are_numbered_on_and_start_no_earlier_than_now():
    # one scripted fault, F01 (the loader numbers a scenario's faults from F01)
    day = _scenario(DAY.timetable.trips, DAY.timetable.operations, faults=[dataclasses.replace(DEPOT, fault_id="F01")])
    sim = Simulation(day, 1).run(until=150.0)  # T1 on its way from S1 (left at 100 s) to S2 (195 s)
    # a door fault for T1 at S2, dated before now: it starts now and meets T1 at S2, 30 s longer there
    sim.inject(Fault(fault_id="x", kind="door", start_s=0.0, duration_s=30.0, train="T1", station=2))
    # the depot's switch fails again from 900 s to 1000 s, set now: T1 on its way out for U3 (on the platform
    # at 940 s) waits until 1000 s, then the 20 s door cycle: leaves S1 at 1020 s, 20 s late; S2 at
    # 1020 + 95 = 1115 s, doors 20 s: 1135 s; S3 at 1135 + 95 = 1230 s
    sim.inject(Fault(fault_id="x", kind="switch", start_s=900.0, duration_s=100.0, station=0))
    # the power rail between S1 and S2 ices after the last train has passed
    sim.inject(Fault(fault_id="x", kind="power_rail", start_s=2300.0, duration_s=60.0, section=(1, 2)))
    r = sim.run().result()
    assert [(f["fault_id"], f["kind"], f["start_s"], f["response"]) for f in r.faults] == [
        ("F02", "door", 150.0, "dwell +30 s"),
        ("F01", "switch", 500.0, "pull-outs and pull-ins wait for the repair"),
        ("F03", "switch", 900.0, "pull-outs and pull-ins wait for the repair"),
        ("F04", "power_rail", 2300.0, "section out of service; trains wait at the station before it")]
    e = r.events
    assert list(e["departure_s"][e["trip_id"] == "U1"]) == pytest.approx([100.0, 245.0, 340.0], abs=1e-8)
    assert list(e["departure_s"][e["trip_id"] == "U3"]) == pytest.approx([1020.0, 1135.0, 1230.0], abs=1e-8)
    assert list(e["cause"][e["trip_id"] == "U3"]) == ["F03 switch at the depot (held in the depot 60 s)", "", ""]
    assert list(e["cause"][e["trip_id"] == "U1"]) == ["", "F02 door T1 at S2 (30 s)", ""]  # out before F01 (500 s)


# -- spare trains ---------------------------------------------------------------------------------------
def test_a_spare_train_s_trips_draw_their_own_noise_not_a_timetable_trip_s():
    from lrt.sim.engine import run_seeds
    from lrt.sim.noise import Noise

    options = SimOptions(run_time_cv=0.05, dwell_cv=0.0, primary_delay_share=0.0, hold_station_departures=False)
    s = _scenario([_trip("U1", "T1", 100.0), _trip("U2", "T2", 400.0)], options=options)
    sim = Simulation(s, 7).run(until=500.0)
    with pytest.raises(ValueError) as err:
        sim.start_train("SP1", [_trip("U2", "SP1", 3000.0)])
    assert str(err.value) == "trip U2 is already in the day"
    sim.start_train("SP1", [_trip("X1", "SP1", 3000.0), _trip("X2", "SP1", 3500.0, stops=(3, 2, 1), direction="down")])
    sim.run(until=600.0)
    assert [t["train"] for t in sim.state()["trains"]] == ["SP1", "T2"]  # T1 has finished its day, T2 is at S2
    r = sim.run().result()
    # the timetable's trips draw from the table of (trip, stop); the spare's four runs, beyond the table, from
    # the stream of the calls beyond it, in the order they are run
    noise = Noise(options, run_seeds(7)[1], (2, 3))
    beyond = [noise.run(2, 1), noise.run(2, 2), noise.run(2, 1), noise.run(2, 2)]
    e = r.events
    runs = []
    for trip in ("X1", "X2"):
        rows = np.flatnonzero(e["trip_id"] == trip)
        runs += [e["arrival_s"][b] - e["departure_s"][a] for a, b in zip(rows[:-1], rows[1:])]
    assert runs == pytest.approx([RUN * x for x in beyond], abs=1e-8)
    assert set(e["train"][np.isin(e["trip_id"], ["X1", "X2"])]) == {"SP1"}


# -- what a controller decides, and when it is asked ----------------------------------------------------
class Limiting(Regulation):
    """Regulation plus speed limits on runs ({(a, b): m/s}); writes down when it is asked."""

    def __init__(self, options, limits):
        super().__init__(options)
        object.__setattr__(self, "limits", dict(limits))
        object.__setattr__(self, "asked", [])

    def leg_limit_ms(self, direction, a, b, now_s):
        self.asked.append((direction, a, b, now_s))
        return self.limits.get((a, b))


def test_speed_limits_on_two_runs_are_each_driven_and_asked_for_when_the_train_leaves():
    # the ideal train under a limit v (1 m/s2 both ways): v s up to v and v s down from it cover v^2 m, the rest
    # at v: 1500 / v + v [s]; at 10 m/s 160 s, at 5 m/s 305 s (the calculation's grid meets the cap within a
    # step of where the closed form does: 0.004 s and 0.018 s later, docs/testing.md), and to the last bit
    # what lrt.runtime gives under that cap
    from lrt.conditions import Conditions
    from lrt.runtime import run_profile

    def capped(a, b, v):
        return run_profile(LINE, TRAIN, direction="up", stops=[a, b],
                           conditions=Conditions(speed_cap_ms=v)).running_s

    control = Limiting(CALM, {(1, 2): 10.0, (2, 3): 5.0})
    r = simulate(_scenario([_trip("U1", "T1", 100.0)]), 1, controller=control)
    e = r.events
    first, second = capped(1, 2, 10.0), capped(2, 3, 5.0)
    assert first == pytest.approx(160.0, abs=0.02) and second == pytest.approx(305.0, abs=0.02)
    assert list(e["arrival_s"]) == pytest.approx([40.0, 100.0 + first, 120.0 + first + second], abs=1e-8)
    assert list(e["departure_s"]) == pytest.approx([100.0, 120.0 + first, 120.0 + first + second], abs=1e-8)
    # asked as it leaves each stop (S2 after its 20 s door cycle), not when it arrived there
    assert control.asked == [("up", 1, 2, 100.0), ("up", 2, 3, pytest.approx(120.0 + first, abs=1e-8))]


def _with_crossover():
    from lrt.network import Crossover

    return dataclasses.replace(LINE, crossovers=(Crossover(station=2, chainage_m=2600.0, kind="scissors",
                                                           turnback_s=180.0),))


class Ordering(Regulation):
    """Regulation plus fixed orders {(block, trip, station): Orders}, and nothing else (no limits, no listening)."""

    def __init__(self, options, orders):
        super().__init__(options)
        object.__setattr__(self, "told", dict(orders))

    def orders(self, ctx):
        return self.told.pop((ctx.block, ctx.trip_id, ctx.station), None)


def test_a_train_turned_back_waits_for_the_train_on_the_other_platform_to_leave():
    from lrt.sim.controller import Orders

    # T2 runs D2 from S3 at 105 s: at S2 (down) at 200 s, leaves after its 20 s door cycle at 220 s.  T1 runs
    # U1 from S1 at 100 s: at S2 (up) at 195 s, turned back there: everyone off in 20 s (215 s); it may cross to
    # the down platform only once T2 has left it (220 s), then 180 s over the crossover: there at 400 s, and
    # runs D1 from there after the 20 s door cycle (no one to wait for: CALM does not hold to the timetable).
    # Its day goes on: U2 from S1 at 900 s
    trips = [_trip("U1", "T1", 100.0), _trip("D1", "T1", 500.0, stops=(3, 2, 1), direction="down"),
             _trip("U2", "T1", 900.0), _trip("D2", "T2", 105.0, stops=(3, 2, 1), direction="down")]
    s = dataclasses.replace(_scenario(trips), line=_with_crossover())
    r = simulate(s, 1, controller=Ordering(CALM, {("T1", "U1", 2): Orders(turn_back=True)}))
    e = r.events
    d2 = (e["trip_id"] == "D2") & (e["station"] == 2)
    assert e["departure_s"][d2][0] == pytest.approx(220.0, abs=1e-8)
    d1 = e["trip_id"] == "D1"
    assert list(e["station"][d1]) == [2, 1]
    assert list(e["arrival_s"][d1]) == pytest.approx([400.0, 420.0 + RUN], abs=1e-8)
    assert list(e["departure_s"][e["trip_id"] == "U2"]) == pytest.approx([900.0, 1015.0, 1110.0], abs=1e-8)
    assert r.cancelled == (
        {"trip_id": "U1", "train": "T1", "reason": "turned by control at 2"},
        {"trip_id": "D1", "train": "T1", "reason": "joined at 2 after a short turn: the calls before it not made"})


def test_a_train_turned_back_on_its_last_trip_ends_its_day_there():
    from lrt.sim.controller import Orders

    trips = [_trip("U1", "T1", 100.0), _trip("D1", "T1", 500.0, stops=(3, 2, 1), direction="down")]
    s = dataclasses.replace(_scenario(trips), line=_with_crossover())
    r = simulate(s, 1, controller=Ordering(CALM, {("T1", "D1", 2): Orders(turn_back=True)}))
    e = r.events
    assert list(zip(e["trip_id"], e["station"])) == [("U1", 1), ("U1", 2), ("U1", 3), ("D1", 3), ("D1", 2)]
    assert r.cancelled == ({"trip_id": "D1", "train": "T1", "reason": "turned by control at 2"},)
    assert r.trips_run == 1


def test_a_train_withdrawn_on_its_second_trip_cancels_only_the_trips_after_it():
    from lrt.sim.controller import Orders

    trips = [_trip("U1", "T1", 100.0), _trip("D1", "T1", 500.0, stops=(3, 2, 1), direction="down"),
             _trip("U2", "T1", 900.0)]
    r = simulate(_scenario(trips), 1, controller=Ordering(CALM, {("T1", "D1", 2): Orders(withdraw=True)}))
    assert r.cancelled == ({"trip_id": "D1", "train": "T1", "reason": "withdrawn by control at 2"},
                           {"trip_id": "U2", "train": "T1", "reason": "train withdrawn by control at 2"})
    assert r.trips_run == 1 and set(r.events["trip_id"]) == {"U1", "D1"}


# -- pull-outs, and the draws of the random faults -------------------------------------------------------
def test_a_failed_pull_out_without_a_reserve_cancels_until_the_very_next_pull_out():
    from lrt.conditions import Conditions

    # T1 pulls out for U1 (100 s), goes in after it, and pulls out again for U3 (1000 s); its first pull-out
    # fails and no train is spare (one fit, one needed): U1 is cancelled, U3, the next trip, runs
    one_train = Conditions(name="one", fleet_availability=1 / 19)
    s = dataclasses.replace(DAY, conditions=one_train, timetable=dataclasses.replace(
        DAY.timetable, trips=DAY.timetable.trips[:2]), faults=(
        Fault(fault_id="F01", kind="pull_out", start_s=0.0, duration_s=0.0, train="T1"),))
    r = simulate(s, 1)
    assert r.cancelled == ({"trip_id": "U1", "train": "T1", "reason": "pull-out failed, no reserve"},)
    assert r.trips_run == 1
    assert list(r.events["departure_s"][r.events["trip_id"] == "U3"]) == pytest.approx([1000.0, 1115.0, 1210.0],
                                                                                        abs=1e-8)


def test_random_faults_are_drawn_for_each_call_and_pull_out_of_the_timetable():
    """The engine asks the fault book about trip k's call i and trip k's pull-out by their numbers in the
    timetable (common random numbers): the faults of a run are those a fault book with the run's seed gives for
    those numbers, whatever the order in which the calls come."""
    from lrt.conditions import Conditions, Failure, Failures
    from lrt.sim.engine import run_seeds
    from lrt.sim.faults import FaultBook

    failures = Failures(door=Failure(kind="door", rate=0.4, mean_duration_s=40.0),
                        pull_out=Failure(kind="pull_out", rate=0.4))
    cond = Conditions(name="faulty", failures=failures)
    trips = [_trip(f"U{k}", f"T{k}", 100.0 + 400.0 * k) for k in range(8)]  # one trip a train, 8 in all
    s = dataclasses.replace(_scenario(trips), conditions=cond)
    doors = pulls = 0
    for seed in (1, 2):
        r = simulate(s, seed)
        book = FaultBook([], cond, LINE, run_seeds(seed)[2], (8, 3))
        expected = set()
        for k, trip in enumerate(trips):
            if book.pull_out(trip.block_id, 0.0, k) is not None:
                expected.add(("pull_out", trip.block_id, "", 0.0))
            for i in (0, 1):  # the calls with doors to open (not the last stop)
                f = book.door(trip.block_id, trip.stops[i], 0.0, (k, i))
                if f is not None:
                    expected.add(("door", trip.block_id, trip.stops[i], round(f.duration_s, 1)))
        got = {(f["kind"], f["train"], f["station"], f["duration_s"]) for f in r.faults}
        assert got == expected, seed
        doors += sum(kind == "door" for kind, *_ in got)
        pulls += sum(kind == "pull_out" for kind, *_ in got)
    assert doors >= 3 and pulls >= 3  # the check compared faults of both kinds



def test_random_train_failures_are_drawn_for_each_run_of_the_timetable():
    """A train failure on the run into trip k's stop i takes its details (where on the run, how long) from the
    fault book's stream for (k, i): each failure of a run lasts what a fault book with the run's seed draws for
    the run it happened on (the trip of the failed train, the stop it was withdrawn at)."""
    from lrt.conditions import Conditions, Failure, Failures
    from lrt.sim.engine import run_seeds
    from lrt.sim.faults import FaultBook

    failures = Failures(train=Failure(kind="train", rate=12.0, mean_duration_s=40.0))  # about one run in four
    cond = Conditions(name="failing", failures=failures)
    trips = [_trip(f"U{k}", f"T{k}", 100.0 + 400.0 * k) for k in range(8)]  # one trip a train, 8 in all
    s = dataclasses.replace(_scenario(trips), conditions=cond)
    seen = 0
    for seed in (1, 2, 3):
        r = simulate(s, seed)
        book = FaultBook([], cond, LINE, run_seeds(seed)[2], (8, 3))
        for f in r.faults:
            k = int(f["train"][1:])
            i = int(r.events["stop_sequence"][r.events["trip_id"] == f"U{k}"].max())  # where it was withdrawn
            details = book._details(1, (k, i))
            details.uniform(0.0, 1.0)  # where on the run it failed: one draw, whatever the run's length
            assert (f["kind"], f["duration_s"]) == ("train", round(failures.train.duration_s(details), 1)), (seed, k)
            seen += 1
    assert seen >= 4  # the check compared failures


def _close_in():
    """The CBTC close-in time at S2 up from lrt.headway (the number lrt headway prints) [s]."""
    from lrt.conditions import Conditions
    from lrt.headway import Signalling, station_close_in
    from lrt.runtime import run_both

    profiles = run_both(LINE, TRAIN, passengers=TRAIN.capacity)
    return station_close_in(LINE, TRAIN, profiles, Conditions(), Signalling())[(2, "up")][0]


def test_a_train_behind_one_that_pulled_out_mid_line_is_held_and_names_it():
    # T2 comes out of the depot onto S2 a minute before its trip from there at 150 s (90 s, before T1 leaves S1
    # at 100 s: first in line for S2's track); its scripted door fault of 120 s keeps it there until
    # 90 + 20 + 120 = 230 s.  T1, due at S2 at 195 s, may arrive no sooner than the close-in time after that.
    lead = _close_in()
    trips = [_trip("U1", "T1", 100.0), _trip("W2", "T2", 150.0, stops=(2, 3))]
    s = _scenario(trips, faults=[Fault(fault_id="F01", kind="door", start_s=0.0, duration_s=120.0, train="T2",
                                       station=2)])
    r = simulate(s, 1)
    e = r.events
    w2 = e["trip_id"] == "W2"
    assert e["departure_s"][w2][0] == pytest.approx(230.0, abs=1e-8)
    at2 = (e["trip_id"] == "U1") & (e["station"] == 2)
    assert e["arrival_s"][at2][0] == pytest.approx(230.0 + lead, abs=1e-8)
    # held from the moment it asked for the platform (195 - lead) to the moment it got it (230 s)
    assert e["cause"][at2][0] == f"following T2 ({230.0 - (195.0 - lead):.0f} s) <- F01 door T2 at S2"


def test_a_run_of_the_trains_alone_has_nobody_on_any_platform():
    from lrt.sim.engine import _nobody

    nobody = _nobody(LINE)
    assert nobody.time_s.shape == nobody.origin.shape == nobody.destination.shape == (0,)
    assert nobody.origin.dtype == nobody.destination.dtype == np.int64 and nobody.codes == (1, 2, 3)
    sim = Simulation(DAY, 1).run(until=230.0)
    assert set(sim.state()["waiting"].values()) == {0}
    r = sim.run().result()
    assert r.passengers == {}  # no passenger records at all
    assert set(r.events["boarded"]) == {0} and set(r.events["load_departure"]) == {0}


def test_a_reserve_taking_over_a_failed_train_s_day_is_the_train_the_state_shows():
    # T1 fails 50 s into its run from S1 (left at 100 s) and stands 60 s: at S2 at 100 + 95 + 60 = 255 s, all
    # off in 20 s, withdrawn; a reserve takes its next trip from S1 (U2 at 900 s; D1 is cancelled)
    trips = [_trip("U1", "T1", 100.0), _trip("D1", "T1", 500.0, stops=(3, 2, 1), direction="down"),
             _trip("U2", "T1", 900.0)]
    s = _scenario(trips, faults=[Fault(fault_id="F01", kind="train", start_s=150.0, duration_s=60.0, train="T1")])
    sim = Simulation(s, 1).run(until=300.0)
    state = sim.state()
    assert state["trains"] == [{"train": "T1", **NOT_OUT}] and state["reserves"] == 19 - 1 - 1
    r = sim.run().result()
    e = r.events
    assert e["arrival_s"][(e["trip_id"] == "U1") & (e["station"] == 2)][0] == pytest.approx(255.0, abs=1e-8)
    assert list(e["departure_s"][e["trip_id"] == "U2"]) == pytest.approx([900.0, 1015.0, 1110.0], abs=1e-8)
    assert [c["trip_id"] for c in r.cancelled] == ["U1", "D1"]


class HoldFirst(Regulation):
    """Regulation that keeps T1 at its first stop until 180 s."""

    def departure_s(self, ctx):
        t = super().departure_s(ctx)
        return max(t, 180.0) if (ctx.block, ctx.index) == ("T1", 0) else t


def test_a_train_out_of_the_depot_as_its_switch_is_repaired_carries_no_fault():
    # the depot's switch is failed until 40 s, when T1 comes out for U1 (100 s): repaired, it does not hold T1,
    # nor is T1's later delay its fault.  T1 is kept at S1 until 180 s (80 s late), at S2 at 275 s, leaves at
    # 295 s.  T2 (U2 at 130 s) waits on the depot line for S1's track until T1 leaves it (180 s), leaves after
    # its 20 s door cycle at 200 s, and may reach S2 no sooner than the close-in time after T1 left it
    lead = _close_in()
    trips = [_trip("U1", "T1", 100.0), _trip("U2", "T2", 130.0)]
    s = _scenario(trips, faults=[Fault(fault_id="F01", kind="switch", start_s=0.0, duration_s=40.0, station=0)])
    r = simulate(s, 1, controller=HoldFirst(CALM))
    e = r.events
    assert list(e["departure_s"][e["trip_id"] == "U1"]) == pytest.approx([180.0, 295.0, 390.0], abs=1e-8)
    at2 = (e["trip_id"] == "U2") & (e["station"] == 2)
    assert e["departure_s"][e["trip_id"] == "U2"][0] == pytest.approx(200.0, abs=1e-8)
    assert e["arrival_s"][at2][0] == pytest.approx(295.0 + lead, abs=1e-8)
    assert e["cause"][at2][0] == f"following T1 ({295.0 - (200.0 + RUN - lead):.0f} s)"  # and no fault behind it


def test_the_engine_runs_the_plan_it_is_given():
    from lrt.sim import make_plan

    s = _scenario([_trip("U1", "T1", 100.0)])
    plan = make_plan(s)
    legs = dict(plan.legs)
    legs[("up", 1, 2)] = dataclasses.replace(legs[("up", 1, 2)], run_s=(100.0, 110.0))  # 5 s longer empty
    r = simulate(s, 1, plan=dataclasses.replace(plan, legs=legs))
    assert list(r.events["arrival_s"]) == pytest.approx([40.0, 200.0, 220.0 + RUN], abs=1e-8)


def test_a_works_train_with_no_room_for_passengers_runs_its_empty_times():
    s = dataclasses.replace(_scenario([_trip("U1", "T1", 100.0)]), train=dataclasses.replace(TRAIN, capacity=0))
    r = simulate(s, 1)
    assert list(r.events["arrival_s"]) == pytest.approx([40.0, 195.0, 310.0], abs=1e-8)


def test_a_switch_failure_repaired_before_a_track_is_free_gives_the_track_straight_on():
    """A failed terminus switch takes a platform track out of use ahead of the trains waiting for one; when the
    switch is repaired before a track comes free, the track goes to the next train at once: that train's day is
    the one it has without the fault."""
    from lrt.network import Terminal

    def terminal(code, crossover_m):
        return Terminal(station=code, arrangement="scissors crossover before the platform", platform_tracks=1,
                        crossover_chainage_m=crossover_m, crossover_speed_ms=10.0, switch_throw_s=6.0)

    line = dataclasses.replace(LINE, terminals=(terminal(1, 1100.0), terminal(3, 3900.0)))
    # T1 stands at S3's one platform track from about 310 s to its next trip at 500 s; T2, due at 410 s, waits
    # for it.  The switch at S3 fails from 350 s to 360 s: it asks for the track first, and is repaired when it
    # gets it (500 s)
    trips = [_trip("U1", "T1", 100.0), _trip("D1", "T1", 500.0, stops=(3, 2, 1), direction="down"),
             _trip("U2", "T2", 200.0), _trip("D2", "T2", 700.0, stops=(3, 2, 1), direction="down")]
    plain = simulate(dataclasses.replace(_scenario(trips), line=line), 1)
    switch = Fault(fault_id="F01", kind="switch", start_s=350.0, duration_s=10.0, station=3)
    failed = simulate(dataclasses.replace(_scenario(trips, faults=[switch]), line=line), 1)
    e = plain.events
    at3 = (e["trip_id"] == "U2") & (e["station"] == 3)
    assert "following T1" in e["cause"][at3][0]  # T2 waited for the track
    for name in e:
        assert np.array_equal(failed.events[name], e[name]), name
    assert [f["fault_id"] for f in failed.faults] == ["F01"]
