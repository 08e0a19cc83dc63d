"""The controller interface: orders at a call, speed limits on a run, notifications, pauses, spares.

Short stories on a four-station line with a crossover at S2, worked out from the running-time
calculation the same way as the engine's own stories (tests/test_sim.py).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import make_line, make_train, make_trip

from lrt.demand import Arrivals
from lrt.network import Crossover
from lrt.runtime import run_profile
from lrt.sim import Controller, Regulation, Scenario, SimOptions, Simulation, simulate
from lrt.sim.controller import Orders
from lrt.timetable.model import Timetable
from lrt.units import KMH

CALM = SimOptions(variability=False, headway_holding=False, hold_station_departures=False)
STATIONS = (1000.0, 2500.0, 4000.0, 5500.0)


def _scenario(trips, options=CALM):
    line = dataclasses.replace(make_line(STATIONS), crossovers=(
        Crossover(station=2, chainage_m=2600.0, kind="scissors", turnback_s=180.0),))
    return Scenario(line=line, train=make_train(), timetable=Timetable(name="t", service_id="s", trips=tuple(trips)),
                    options=options)


def _riders(times, origins, destinations):
    return Arrivals(time_s=np.asarray(times, float), origin=np.asarray(origins), destination=np.asarray(destinations),
                    codes=(1, 2, 3, 4))


class Told(Regulation):
    """Regulation plus fixed orders: {(block, station): Orders}."""

    def __init__(self, options, orders, limits=None):
        super().__init__(options)
        object.__setattr__(self, "told", dict(orders))
        object.__setattr__(self, "limits", dict(limits or {}))

    def orders(self, ctx):
        return self.told.pop((ctx.block, ctx.station), None)

    def leg_limit_ms(self, direction, a, b, now_s):
        return self.limits.get((a, b))


def _run(line, a, b, load=0, **kw):
    """Running time interpolated on the load, as the engine does (empty and full runs from the calculation)."""
    empty = run_profile(line, make_train(), direction="up", stops=[a, b], **kw).running_s
    full = run_profile(line, make_train(), direction="up", stops=[a, b], passengers=652, **kw).running_s
    return empty + (full - empty) * load / 652


def test_a_train_told_to_skip_runs_the_longer_run_and_takes_no_one_for_the_skipped_station():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0), make_trip("U2", "T2", "up", (1, 2, 3, 4), 700.0)])
    # at S1: one rider for S2 and one for S3; at S2: one rider for S4
    riders = _riders([10.0, 11.0, 12.0], [0, 0, 1], [1, 2, 3])
    r = simulate(s, 1, passengers=riders, controller=Told(CALM, {("T1", 1): Orders(skip=frozenset({2}))}))
    e = r.events
    u1 = e["trip_id"] == "U1"
    assert list(e["station"][u1]) == [1, 3, 4]  # no call at S2
    arr3 = e["arrival_s"][u1][1]
    assert arr3 == pytest.approx(100.0 + _run(s.line, 1, 3, load=1), abs=1e-9)  # one run, one stop, over 3 km, one rider
    assert list(r.passengers["trip"]) == ["U2", "U1", "U2"]  # the S2 rider waits for U2; so does the one at S2


def test_a_train_withdrawn_puts_everyone_off_and_its_later_trips_are_cancelled():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0), make_trip("D1", "T1", "down", (4, 3, 2, 1), 900.0),
                   make_trip("U2", "T2", "up", (1, 2, 3, 4), 700.0)])
    riders = _riders([10.0, 11.0], [0, 0], [2, 3])
    r = simulate(s, 1, passengers=riders, controller=Told(CALM, {("T1", 2): Orders(withdraw=True)}))
    e = r.events
    row = np.flatnonzero((e["trip_id"] == "U1") & (e["station"] == 2))[0]
    assert e["alighted"][row] == 2 and e["load_departure"][row] == 0  # both off at S2
    assert "withdrawn by control at S2" in e["cause"][row]
    assert {c["trip_id"] for c in r.cancelled} == {"U1", "D1"} and "D1" not in set(e["trip_id"])
    assert list(r.passengers["trip"]) == ["U2", "U2"] and list(r.passengers["detrained"]) == [1, 1]


def test_a_train_turned_back_short_crosses_over_and_joins_its_next_trip_there():
    # U1 would go on to S4 and come back as D1 from 900 s; turned back at S2 it takes 180 s over the
    # scissors crossover and leaves S2 down at D1's planned time there (held to the timetable)
    trips = [make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0), make_trip("D1", "T1", "down", (4, 3, 2, 1), 900.0)]
    options = dataclasses.replace(CALM, hold_station_departures=True)
    s = _scenario(trips, options)
    riders = _riders([10.0, 11.0, 1200.0], [0, 0, 1], [1, 3, 0])  # for S2, for S4; one at S2 going down
    r = simulate(s, 1, passengers=riders, controller=Told(options, {("T1", 2): Orders(turn_back=True)}))
    e = r.events
    u1 = e["trip_id"] == "U1"
    assert list(e["station"][u1]) == [1, 2]
    arrive2 = e["arrival_s"][u1][1]
    leave2 = e["departure_s"][u1][1]
    assert leave2 == pytest.approx(arrive2 + 20.0)  # everyone off in the door cycle
    d1 = e["trip_id"] == "D1"
    assert list(e["station"][d1]) == [2, 1]  # D1 joined at S2
    d1_at_2 = trips[1].departure_s[2]
    assert e["arrival_s"][d1][0] == pytest.approx(leave2 + 180.0)
    assert e["departure_s"][d1][0] == pytest.approx(d1_at_2)
    p = r.passengers
    assert list(p["trip"]) == ["U1", "", "D1"]  # the rider for S4 is put off at S2 and, no train after, stranded
    assert p["stranded"][1] and p["detrained"][1] == 1
    assert {c["trip_id"] for c in r.cancelled} == {"U1", "D1"}  # U1 cut short, D1's calls before S2 not made


def test_a_speed_limit_on_a_run_is_driven_as_such():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0)])
    limit = 25 * KMH
    r = simulate(s, 1, controller=Told(CALM, {}, limits={(2, 3): limit}))
    e = r.events
    capped = dataclasses.replace(s.conditions, speed_cap_ms=limit)
    assert e["arrival_s"][2] - e["departure_s"][1] == pytest.approx(_run(s.line, 2, 3, conditions=capped), abs=1e-9)
    assert e["arrival_s"][1] - e["departure_s"][0] == pytest.approx(_run(s.line, 1, 2), abs=1e-9)  # elsewhere not
    assert _run(s.line, 2, 3, conditions=capped) > 1500 / limit  # really at or under 25 km/h


class Watching(Regulation):
    """Pauses the day at the first departure more than 60 s late; holds T2 at S2 until released."""

    holds_may_change = True

    def __init__(self, options):
        super().__init__(options)
        object.__setattr__(self, "seen", [])
        object.__setattr__(self, "released", False)
        object.__setattr__(self, "sim", None)

    def bind(self, simulation):
        object.__setattr__(self, "sim", simulation)

    def notify(self, event):
        self.seen.append(event)
        if event.kind == "departure" and event.value > 60.0:
            self.sim.pause()

    def departure_s(self, ctx):
        t = super().departure_s(ctx)
        return t if self.released or (ctx.block, ctx.station) != ("T2", 2) else math.inf


def test_the_day_pauses_on_an_event_and_a_hold_waits_for_a_changed_decision():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0), make_trip("U2", "T2", "up", (1, 2, 3, 4), 700.0)],
                  dataclasses.replace(CALM, primary_delay_share=0.0))
    control = Watching(s.options)
    sim = Simulation(s, 1, controller=control)
    sim.run(until=3000.0)  # T2 stands at S2 held for ever: no departure late by a minute yet before that?
    held = [t for t in sim.state()["trains"] if t["train"] == "T2"][0]
    assert held["at"] == 2 and held["held"]
    # T2 left S1 on time and arrived at S2; its hold makes it later than a minute only when it leaves
    assert not any(ev.kind == "departure" and ev.train == "T2" and ev.station == 2 for ev in control.seen)
    object.__setattr__(control, "released", True)
    sim.reconsider()
    sim.run()  # stops again at the late departure of T2 from S2 (pause), then on to the end
    assert sim.now == pytest.approx(3000.0 + 4.0, abs=1e-6)  # the doors close, then it leaves
    late = [ev for ev in control.seen if ev.kind == "departure" and ev.value > 60.0]
    assert late and late[0].train == "T2" and late[0].station == 2
    pauses = 0
    while not sim.finished:  # T2 stays late: each later departure pauses the day again
        sim.run()
        pauses += 1
        assert pauses < 10
    assert pauses == 2  # the late departure from S3, then the end of the day
    assert [ev.station for ev in control.seen if ev.kind == "departure" and ev.value > 60.0] == [2, 3]
    r = sim.result()
    assert r.trips_run == 2
    kinds = {ev.kind for ev in control.seen}
    assert kinds == {"arrival", "departure"}


def test_a_spare_train_started_during_the_day_runs_and_carries_passengers():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0)])
    riders = _riders([900.0], [0], [3])
    sim = Simulation(s, 1, passengers=riders)
    sim.run(until=500.0)
    sim.start_train("SP1", [make_trip("SP1-U1", "SP1", "up", (1, 2, 3, 4), 1000.0)])
    r = sim.run().result()
    assert list(r.passengers["trip"]) == ["SP1-U1"] and r.trips_run == 2
    rows = r.events["trip_id"] == "SP1-U1"
    assert r.events["departure_s"][rows][0] == pytest.approx(1000.0)
    with pytest.raises(ValueError, match="already"):
        sim.start_train("T1", [])


def test_a_controller_whose_holds_may_change_gives_the_same_day():
    # such a controller makes every call board by the clock (not up to the doors' closing at once): the
    # two ways must give the same day to the last passenger
    from lrt.demand import build_demand
    from lrt.io.demand import read_demand_model
    from lrt.io.line import read_line
    from lrt.io.rollingstock import read_train
    from lrt.io.timetable import read_timetable
    from lrt.paths import shipped_network, shipped_rolling_stock, shipped_timetable

    line = read_line(shipped_network())
    scenario = Scenario(line=line, train=read_train(shipped_rolling_stock()),
                        timetable=read_timetable(shipped_timetable("weekday"), line),
                        demand=build_demand(line, read_demand_model(shipped_network() / "demand.toml", line),
                                            daily=92000))

    class Changeable(Regulation):
        holds_may_change = True

    a = simulate(scenario, 3)
    b = simulate(scenario, 3, controller=Changeable(scenario.options))
    for name in ("arrival_s", "departure_s", "load_departure", "boarded", "denied"):
        assert np.array_equal(a.events[name], b.events[name]), name
    for name in ("board_s", "alight_s", "left_behind"):
        assert np.array_equal(a.passengers[name], b.passengers[name]), name


def test_the_base_controller_decides_nothing():
    c = Controller()
    assert c.orders(None) is None and c.leg_limit_ms("up", 1, 2, 0.0) is None
    assert not Controller.holds_may_change


class Listening(Regulation):
    """Regulation that hears everything."""

    def __init__(self, options):
        super().__init__(options)
        object.__setattr__(self, "heard", [])

    def notify(self, event):
        self.heard.append(event)


def test_the_controller_hears_of_a_train_failure_when_it_happens_and_once():
    from lrt.disruptions import Fault

    s = dataclasses.replace(
        _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0)]),
        faults=(Fault(fault_id="F01", kind="train", start_s=150.0, duration_s=120.0, train="T1"),))
    control = Listening(CALM)
    r = simulate(s, 1, controller=control)
    told = [ev for ev in control.heard if ev.kind == "fault"]
    assert len(told) == 1  # not again when the failed train reaches the next station
    assert told[0].time_s == pytest.approx(150.0, abs=1e-9)  # 50 s after leaving S1 at 100 s and told[0].train == "T1" and told[0].station == 2
    assert told[0].text == "F01 train T1: stopped between S1 and S2 for 120 s"
    arrival_s2 = [ev.time_s for ev in control.heard if ev.kind == "arrival" and ev.station == 2][0]
    assert arrival_s2 == pytest.approx(100.0 + _run(s.line, 1, 2) + 120.0, abs=1e-9)  # stood 120 s, then limped on
    assert [f["fault_id"] for f in r.faults] == ["F01"]


class HoldOne(Regulation):
    """Regulation that holds one train at one station for a while longer."""

    def __init__(self, options, block, station, hold_s):
        super().__init__(options)
        object.__setattr__(self, "hold", (block, station, hold_s))

    def departure_s(self, ctx):
        block, station, hold_s = self.hold
        t = super().departure_s(ctx)
        return t + hold_s if (ctx.block, ctx.station, ctx.index) == (block, station, 1) else t


def test_a_decision_about_one_train_moves_no_random_failure_to_another():
    """Failures and their durations are drawn per call of the timetable: holding the last train of the day
    changes the order of events, but no other train's door faults, failures or pull-outs."""
    from lrt.conditions import Conditions, Failure, Failures

    trips = []
    for k in range(4):  # T1..T4 ten minutes apart, each up and back
        trips.append(make_trip(f"U{k + 1}", f"T{k + 1}", "up", (1, 2, 3, 4), 100.0 + 600.0 * k))
        trips.append(make_trip(f"D{k + 1}", f"T{k + 1}", "down", (4, 3, 2, 1), 1300.0 + 600.0 * k))
    failures = Failures(door=Failure(kind="door", rate=0.3, mean_duration_s=40.0),
                        train=Failure(kind="train", rate=4.0, mean_duration_s=60.0),
                        pull_out=Failure(kind="pull_out", rate=0.4))
    s = dataclasses.replace(_scenario(trips), conditions=dataclasses.replace(Conditions(), failures=failures))

    def others(r):
        # which call, and for how long (a train held up behind T4 meets its faults later, but the same ones)
        return sorted((f["kind"], f["train"], f["station"], f["duration_s"]) for f in r.faults if f["train"] != "T4")

    compared = held_runs = 0
    for seed in range(1, 9):
        plain = simulate(s, seed, controller=Regulation(CALM))
        held = simulate(s, seed, controller=HoldOne(CALM, "T4", 2, 200.0))
        assert others(plain) == others(held), seed
        compared += len(others(plain))
        u4 = plain.events["trip_id"] == "U4"
        at = u4 & (plain.events["station"] == 2)
        if (u4 & (plain.events["station"] == 3)).any():  # T4 pulled out and ran on from S2: the hold took effect
            later = (held.events["trip_id"] == "U4") & (held.events["station"] == 2)
            assert held.events["departure_s"][later][0] == pytest.approx(plain.events["departure_s"][at][0] + 200.0)
            held_runs += 1
    assert compared >= 8 and held_runs >= 3  # the check had faults to compare and holds that changed the day


def test_a_listening_controller_sees_the_same_day_as_the_plain_one():
    """With the plain regulation a departure is settled at arrival, ahead of the clock (one event per call); a
    controller that listens makes every call wait for its departure on the clock. The day is the same."""
    from lrt.paths import shipped
    from lrt.scenario import load

    s = load(shipped("scenarios", "weekday-severe.toml"))
    plain = simulate(s, 3)
    heard = Listening(s.options)
    listened = simulate(s, 3, controller=heard)
    assert plain.generated > 50_000 and len(plain.events["trip_id"]) > 3000  # a full day with passengers
    for name in plain.events:
        assert np.array_equal(plain.events[name], listened.events[name]), name
    for name in plain.passengers:
        assert np.array_equal(plain.passengers[name], listened.passengers[name]), name
    assert plain.faults == listened.faults and len(plain.faults) > 0
    assert sum(ev.kind == "departure" for ev in heard.heard) == len(plain.events["trip_id"]) - plain.trips_run


def test_a_train_that_fails_on_the_way_into_a_terminus_is_not_overtaken(astana):
    """Found by the invariants (seed 432896, icing): with a platform of the Airport free, the train behind went
    past a train standing failed on the one track in.  It now arrives the close-in time after it."""
    from lrt.disruptions import Fault
    from lrt.sim import make_plan

    line, train = astana
    stops = tuple(reversed(line.codes))  # Nurly Zhol to the Airport
    trips = (make_trip("D1", "T1", "down", stops, 3600.0), make_trip("D2", "T2", "down", stops, 3840.0))
    s = Scenario(line=line, train=train, timetable=Timetable(name="t", service_id="s", trips=trips), options=CALM)
    plain = simulate(s, 1)

    def at(r, trip, code, column):
        e = r.events
        return float(e[column][(e["trip_id"] == trip) & (e["station"] == code)][0])

    leaves = at(plain, "D1", 102, "departure_s")
    failing = dataclasses.replace(s, faults=(Fault(fault_id="F01", kind="train", start_s=leaves + 20.0,
                                                   duration_s=900.0, train="T1"),))
    r = simulate(failing, 1)
    first, second = at(r, "D1", 101, "arrival_s"), at(r, "D2", 101, "arrival_s")
    assert first == pytest.approx(at(plain, "D1", 101, "arrival_s") + 900.0, abs=1e-6)  # stood 900 s on the way
    assert at(plain, "D2", 101, "arrival_s") < first  # unhindered, the second would have come in first
    lead = make_plan(s).terminal_in[101][0]  # the time from the route set to the stop (lrt headway's terminal)
    assert second == pytest.approx(first + lead, abs=1e-6)
    assert "following T1" in r.events["cause"][(r.events["trip_id"] == "D2") & (r.events["station"] == 101)][0]


def test_the_trips_as_run_are_the_event_log_trip_by_trip():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0), make_trip("D1", "T1", "down", (4, 3, 2, 1), 1000.0),
                   make_trip("U2", "T2", "up", (1, 2, 3, 4), 400.0)])
    r = simulate(s, 1)
    trips = r.actual_trips()
    assert [(t.trip_id, t.block_id, t.direction, t.stops) for t in trips] == [
        ("U1", "T1", "up", (1, 2, 3, 4)), ("U2", "T2", "up", (1, 2, 3, 4)), ("D1", "T1", "down", (4, 3, 2, 1))]
    e = r.events
    for t in trips:
        rows = np.flatnonzero(e["trip_id"] == t.trip_id)
        assert t.arrival_s == tuple(e["arrival_s"][rows]) and t.departure_s == tuple(e["departure_s"][rows])
    assert t.trip_id == "D1" and t.departure_s[0] == pytest.approx(1000.0) and t.arrival_s[0] < 1000.0  # as run
    assert simulate(_scenario([]), 1).actual_trips() == []


class Seeing(Regulation):
    """Regulation that writes down what it is shown at each call."""

    def __init__(self, options):
        super().__init__(options)
        object.__setattr__(self, "seen", [])

    def departure_s(self, ctx):
        self.seen.append((ctx.trip_id, ctx.station, ctx.index, ctx.next_station, ctx.load))
        return super().departure_s(ctx)


def test_a_controller_is_shown_the_next_stop_and_the_load_with_those_waiting():
    # at S2 two riders wait for U1 (for S4) and one rides from S1 (for S3); the express X1 runs S1 -> S3 -> S4
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0),
                   make_trip("X1", "T2", "up", (1, 3, 4), 900.0)])
    riders = _riders([10.0, 20.0, 21.0], [0, 1, 1], [2, 3, 3])
    control = Seeing(CALM)
    simulate(s, 1, passengers=riders, controller=control)
    assert control.seen == [("U1", 1, 0, 2, 1), ("U1", 2, 1, 3, 3), ("U1", 3, 2, 4, 2),
                            ("X1", 1, 0, 3, 0), ("X1", 3, 1, 4, 0)]


class Shown(Told):
    """Told, and writes down what it is shown at every call: (train, station, next station, load)."""

    def __init__(self, options, orders):
        super().__init__(options, orders)
        object.__setattr__(self, "seen", [])

    def departure_s(self, ctx):
        self.seen.append((ctx.block, ctx.station, ctx.next_station, ctx.load))
        return super().departure_s(ctx)


def test_a_train_told_to_skip_the_last_station_but_one_shows_its_next_stop_after_it():
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 3, 4), 100.0)])
    riders = _riders([10.0, 11.0], [0, 0], [1, 3])  # at S1: one for S2, one for S4
    watching = Shown(CALM, {("T1", 1): Orders(skip=frozenset({3}))})
    r = simulate(s, 1, passengers=riders, controller=watching)
    assert list(r.events["station"]) == [1, 2, 4]  # S3, the last but one, run through
    # at S1 the next stop is S2 (S3 is the one skipped), at S2 it is S4; the load shown is with those waiting
    assert watching.seen == [("T1", 1, 2, 2), ("T1", 2, 4, 1)]


def test_an_express_in_the_timetable_takes_no_one_for_the_stations_it_runs_through():
    # U1 calls at S1, S2, S4 (S3 run through); U2, behind it, at every station; both under the plain GoA4
    # regulation (no controller that listens or orders: the quick path of a call)
    s = _scenario([make_trip("U1", "T1", "up", (1, 2, 4), 100.0), make_trip("U2", "T2", "up", (1, 2, 3, 4), 700.0)])
    riders = _riders([10.0, 11.0], [1, 1], [2, 3])  # at S2: one for S3, one for S4
    r = simulate(s, 1, passengers=riders)
    assert list(r.passengers["trip"]) == ["U2", "U1"]  # the rider for S3 waits for the local
    row = np.flatnonzero((r.events["trip_id"] == "U1") & (r.events["station"] == 2))[0]
    assert r.events["boarded"][row] == 1
