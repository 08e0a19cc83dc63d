"""The operations simulation: trains as SimPy processes, passengers as arrays.

Trains run the timetable block by block: out of the depot, stop by stop, turnback at the termini,
back to the depot.  Moving block (CBTC) is modelled in its time form, the TCQSM close-in: a train may
not arrive at a platform sooner than the close-in time after the train ahead has left it, and never
overtakes; it asks for the platform a close-in time before it would arrive and is slowed on approach
when it is not yet clear, so a late leader delays its follower and knock-on delays emerge.  One train
per platform track (SimPy resources); a terminus has its platform tracks and one scissors crossover,
held for the arrival and departure movements.  Dwell follows Puong at the busiest door; the load feeds
the running time through the train's mass.

``simulate(scenario, seed)`` is a pure function: same scenario and seed, same result.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from ..demand import Arrivals, arrivals
from ..disruptions import Fault
from ..errors import SimulationError
from ..timetable.model import Trip
from .controller import Controller, Regulation, StopContext
from .dwell import DwellModel
from .faults import FaultBook
from .noise import Noise
from .passengers import PassengerBook
from .plan import Plan, make_plan
from .records import SimulationResult
from .scenario import Scenario
from .service import trains_needed

__all__ = ["simulate"]


class _Train:
    """Mutable state of one train during a run."""

    __slots__ = ("block", "load", "platform", "ready_s", "at", "fault", "run_kwh")

    def __init__(self, block: str) -> None:
        self.block = block
        self.load = None  # passengers on board (lrt.sim.passengers.Load) on the current trip
        self.platform = None  # (resource, request) held
        self.ready_s = 0.0
        self.at = None  # station code where the train stands
        self.fault = ""  # the fault behind this train's current delay
        self.run_kwh = (0.0, 0.0)  # traction energy drawn and returned on the run into the current call [kWh]


class _Run:
    """One simulation run (SimPy environment, resources, records)."""

    def __init__(self, scenario: Scenario, plan: Plan, book: PassengerBook, rng: np.random.Generator,
                 controller: Controller, faults: FaultBook) -> None:
        self.s = scenario
        self.plan = plan
        self.book = book
        self.rng = rng
        self.controller = controller
        self.opt = scenario.options
        self.env = simpy.Environment()
        line = scenario.line
        self.index = {code: i for i, code in enumerate(line.codes)}
        self.platforms = {}
        for code in line.codes:
            term = line.terminal(code)
            if term is not None:  # a failed crossover takes a track out of use ahead of waiting trains
                self.platforms[code] = simpy.PriorityResource(self.env, capacity=term.platform_tracks)
            else:
                for d in ("up", "down"):
                    self.platforms[(code, d)] = simpy.Resource(self.env, capacity=1)
        self.crossovers = {t.station: simpy.Resource(self.env, capacity=1) for t in line.terminals}
        self.holder: dict = {}  # request -> block, to name the train a follower waits for
        self.last_request: dict = {}
        self.last_departure: dict = {}
        self.events: list[tuple] = []
        self.trips_run: set[str] = set()
        self.dwell = DwellModel(doors=scenario.train.doors_per_side, seats=scenario.train.seats,
                                busiest_door_factor=self.opt.busiest_door_factor, min_dwell_s=self.opt.min_dwell_s,
                                passenger_factor=scenario.conditions.dwell_factor)
        tt = scenario.timetable
        self.pull_out_to = {e.to_trip for e in tt.operations if e.event == "pull_out"}
        self.pull_in_from = {e.from_trip for e in tt.operations if e.event == "pull_in"}
        self.trip_no = {t.trip_id: i for i, t in enumerate(tt.trips)}
        self.planned_headway = plan.planned_headway
        self.serves = plan.serves
        self.noise = Noise(self.opt, rng)
        self.faults = faults
        self.fault_of: dict[str, str] = {}  # block -> fault behind its delay (for knock-on causes)
        self.closed: dict[frozenset, tuple[float, str]] = {}  # power-rail sections: until, fault label
        self.depot_closed: tuple[float, str] = (-math.inf, "")
        self.switch_failed: dict[int, tuple[float, str]] = {}  # terminus -> until, fault label
        self.cancelled: list[tuple[str, str, str]] = []
        self.reserves = max(scenario.conditions.trains_available(line.operations.fleet) - trains_needed(tt), 0)
        for f in faults.timed("switch") + faults.timed("power_rail"):
            self.env.process(self._timed_fault(f))

    # -- helpers -----------------------------------------------------------------------------------
    def _platform(self, code: int, direction: str):
        return self.platforms.get(code) or self.platforms[(code, direction)]

    def _release(self, train: _Train) -> None:
        if train.platform is not None:
            res, req = train.platform
            res.release(req)
            self.holder.pop(req, None)
            train.platform = None

    def _occupy(self, res, req, duration: float):
        yield self.env.timeout(duration)
        res.release(req)

    def _leg(self, direction: str, a: int, b: int, late: bool, load: int) -> tuple[float, float, float]:
        """A segment's run: time scheduled (flat out when late) at the train's load, with noise [s]; and its
        traction energy drawn and returned at the substations [kWh]."""
        leg = self.plan.legs.get((direction, a, b))
        if leg is None:
            raise SimulationError(f"no running time from {a} to {b} ({direction}): the plan was made for "
                                  f"another timetable")
        p = self.plan
        share = min(load / p.full_load, 1.5) if p.full_load else 0.0
        fast = late and self.opt.recovery
        (t0, t1), ((d0, d1), (r0, r1)) = (leg.fast_s, leg.fast_kwh) if fast else (leg.run_s, leg.run_kwh)
        return (t0 + (t1 - t0) * share) * self.noise.run(), d0 + (d1 - d0) * share, r0 + (r1 - r0) * share

    # -- the train process -------------------------------------------------------------------------
    def train(self, block: str, trips: list[Trip]):
        env = self.env
        t = _Train(block)
        k = 0
        while k < len(trips):
            trip = trips[k]
            if k == 0 or trip.trip_id in self.pull_out_to or t.at != trip.origin:
                ok = yield from self._pull_out(t, trip)
                if not ok:
                    k = self._cancel(trips, k, self._next_pull_out(trips, k), "pull-out failed, no reserve")
                    continue
            withdrawn = yield from self._trip(t, trip)
            if withdrawn:
                t = _Train(block)  # a reserve, if any, takes over from the depot's terminus
                resume = self._next_from_depot(trips, k) if self.reserves > 0 else len(trips)
                if resume < len(trips):
                    self.reserves -= 1
                k = self._cancel(trips, k + 1, resume, f"train withdrawn ({withdrawn})")
                continue
            k += 1
            nxt = trips[k] if k < len(trips) else None
            if nxt is None or trip.trip_id in self.pull_in_from or nxt.origin != trip.destination:
                yield env.timeout(self.opt.min_dwell_s)  # last passengers off, then to the depot
                until, _ = self.depot_closed
                if env.now < until:  # depot switch failure: the train waits on its platform
                    yield env.timeout(until - env.now)
                self._release(t)
                code = trip.destination
                if code in self.crossovers:
                    extra = yield from self._cross(t, code, self.plan.terminal_out.get(code, 30.0))
                    yield env.timeout(extra)
                t.at = None
            else:
                t.ready_s = env.now + self.opt.min_turnback_s

    def _cancel(self, trips: list[Trip], start: int, stop: int, reason: str) -> int:
        for trip in trips[start:stop]:
            self.cancelled.append((trip.trip_id, trip.block_id, reason))
        return stop

    def _next_pull_out(self, trips: list[Trip], k: int) -> int:
        return next((j for j in range(k + 1, len(trips)) if trips[j].trip_id in self.pull_out_to), len(trips))

    def _next_from_depot(self, trips: list[Trip], k: int) -> int:
        home = self.s.line.depot.station if self.s.line.depot else trips[0].origin
        return next((j for j in range(k + 1, len(trips)) if trips[j].origin == home), len(trips))

    def _pull_out(self, t: _Train, trip: Trip):
        """From the depot to the first platform; False when the train fails and no reserve can replace it."""
        env = self.env
        appear = trip.start_s - 60.0  # on the platform a minute before departure
        if appear > env.now:
            yield env.timeout(appear - env.now)
        until, label = self.depot_closed
        at_depot = self.s.line.depot is None or trip.origin == self.s.line.depot.station
        if at_depot and env.now < until:  # depot switch failure: nothing leaves the depot
            t.fault = label
            yield env.timeout(until - env.now)
        failed = self.faults.pull_out(t.block, env.now)
        if failed is not None:
            if self.reserves <= 0:
                self.faults.record(failed, "no reserve fit: trips cancelled until the train's next pull-out")
                return False
            self.reserves -= 1
            self.faults.record(failed, f"replaced by a reserve {self.opt.reserve_delay_s:.0f} s later")
            t.fault = failed.label(self.s.line)
            yield env.timeout(self.opt.reserve_delay_s)
        res = self._platform(trip.origin, trip.direction)
        req = res.request()
        self.holder[req] = t.block
        yield req
        t.platform = (res, req)
        t.at = trip.origin
        t.ready_s = env.now
        return True

    def _cross(self, t: _Train, code: int, hold_s: float):
        """Take the terminus crossover for a movement; with its switch failed the points are set and locked by
        hand first.  Returns the extra time this costs the train [s]."""
        req = self.crossovers[code].request()
        yield req
        until, label = self.switch_failed.get(code, (-math.inf, ""))
        extra = self.opt.manual_points_s if self.env.now < until else 0.0
        if extra:
            t.fault = label
        self.env.process(self._occupy(self.crossovers[code], req, hold_s + extra))
        return extra

    def _timed_fault(self, f: Fault):
        """A switch failure or power-rail icing, from its start to its repair."""
        env = self.env
        yield env.timeout(max(f.start_s - env.now, 0.0))
        label = f.label(self.s.line)
        if f.kind == "power_rail":
            self.closed[frozenset(f.section)] = (f.end_s, label)
            self.faults.record(f, "section out of service; trains wait at the station before it")
        elif f.station == 0 or f.station not in self.platforms:
            self.depot_closed = (f.end_s, label)
            self.faults.record(f, "pull-outs and pull-ins wait for the repair")
        else:
            res = self.platforms[f.station]
            req = res.request(priority=-1)
            self.holder[req] = label
            self.switch_failed[f.station] = (f.end_s, label)
            self.faults.record(f, "turnback on one platform, points set by hand, until repaired")
            yield req
            yield env.timeout(max(f.end_s - env.now, 0.0))
            res.release(req)

    def _trip(self, t: _Train, trip: Trip):
        """Run one trip; returns '' or, when the train failed and was withdrawn, the fault's label."""
        env = self.env
        n = len(trip.stops)
        direction = trip.direction
        t.load = self.book.new_load(self.trip_no[trip.trip_id], self.plan.capacity)
        for i, code in enumerate(trip.stops):
            causes: list[str] = []
            failed = None
            t.run_kwh = (0.0, 0.0)
            if i > 0:
                late = env.now - trip.departure_s[i - 1] > 10.0
                r, *energy = self._leg(direction, trip.stops[i - 1], code, late, t.load.size)
                t.run_kwh = tuple(energy)
                failed = self.faults.train_failure(t.block, env.now, r)
                wait, holder = yield from self._approach(t, trip, i, r, failed)
                if failed is not None:
                    t.fault = failed[0].label(self.s.line)
                    causes.append(f"{t.fault} ({failed[0].duration_s:.0f} s)")
                if wait > 0.5:
                    behind = self.fault_of.get(holder, "")
                    causes.append(f"following {holder} ({wait:.0f} s)" + (f" <- {behind}" if behind else ""))
                    t.fault = behind or t.fault
            arrival = env.now
            t.at = code
            idx = self.index[code]
            alighted = self.book.alight(t.load, idx) if i > 0 else 0
            if i == n - 1 or failed is not None:
                # the end of the trip, or withdrawn: whoever is still on board waits here for a later train
                alighted += self.book.detrain(t.load, idx, direction, arrival)
                return (yield from self._end_trip(t, trip, i, arrival, alighted, causes, failed))
            yield from self._call(t, trip, i, arrival, alighted, causes)
        return ""

    def _end_trip(self, t: _Train, trip: Trip, i: int, arrival: float, alighted: int, causes: list[str],
                  failed: tuple[Fault, float] | None):
        """The last call of a trip, or the call where a failed train is withdrawn (to the depot, freeing its
        platform; a reserve may take over its later trips)."""
        env = self.env
        code = trip.stops[i]
        last = i == len(trip.stops) - 1
        if failed is not None:
            yield env.timeout(self.opt.min_dwell_s)  # everyone off
            self._release(t)
            t.at = None
            where = "reached the terminus" if last else f"detrained at {self.s.line.station(code).name_en}"
            self.faults.record(failed[0], f"stopped {failed[0].duration_s:.0f} s, {where}, withdrawn to the depot")
            if not last:
                self.cancelled.append((trip.trip_id, t.block, f"withdrawn at {code} ({t.fault})"))
        self.events.append((t.block, trip.trip_id, trip.direction, i, code, trip.arrival_s[i], trip.departure_s[i],
                            arrival, env.now, 0, 0, alighted, 0, env.now - arrival, env.now, *t.run_kwh,
                            "; ".join(causes)))
        if last:
            self.trips_run.add(trip.trip_id)
        return t.fault if failed is not None else ""

    def _call(self, t: _Train, trip: Trip, i: int, arrival: float, alighted: int, causes: list[str]):
        """A call with passengers: doors open, boarding until they close, regulation, departure."""
        env = self.env
        code, direction = trip.stops[i], trip.direction
        planned_arr, planned_dep = trip.arrival_s[i], trip.departure_s[i]
        load = t.load
        load.serves = self.serves.get((trip.trip_id, i))
        platform = self.book.platforms[(self.index[code], direction)]
        before = load.size  # on board once those for this station are off
        platform.open_doors(load, arrival, priority=planned_dep)
        closes = self._doors_close(platform, load, arrival, alighted, before)
        if i > 0 and closes - arrival - (planned_dep - planned_arr) > 30.0:
            causes.append(f"long dwell: {load.size - before} on, {alighted} off ({closes - arrival:.0f} s)")
        # a terminus: not before the turnback minimum; passengers board all through the layover
        earliest = max(closes, t.ready_s) if i == 0 else closes
        delay = self.noise.primary_delay()
        if delay > 0:
            causes.append(f"primary delay ({delay:.0f} s)")
        door = self.faults.door(t.block, code, env.now)
        if door is not None:
            delay += door.duration_s
            t.fault = door.label(self.s.line)
            causes.append(f"{t.fault} ({door.duration_s:.0f} s)")
            self.faults.record(door, f"dwell +{door.duration_s:.0f} s")
        earliest += delay
        ctx = StopContext(block=t.block, trip_id=trip.trip_id, direction=direction, station=code, index=i,
                          now_s=env.now, earliest_departure_s=earliest, planned_departure_s=planned_dep,
                          previous_departure_s=self.last_departure.get((code, direction)),
                          planned_headway_s=self.planned_headway.get((trip.trip_id, i)), load=load.size)
        departure = max(earliest, self.controller.departure_s(ctx))
        closing = self.opt.door_closing_s
        if departure - closing > env.now:  # doors open until the closing sequence begins
            yield env.timeout(departure - closing - env.now)
        if self.closed:  # power-rail icing ahead: wait here with the doors open, holding the platform
            until, label = self.closed.get(frozenset((code, trip.stops[i + 1])), (-math.inf, ""))
            if env.now < until:
                causes.append(f"{label} ({until - env.now:.0f} s)")
                t.fault = label
                yield env.timeout(until - env.now)
        doors_closed = env.now
        denied = platform.close_doors(load, doors_closed)
        yield env.timeout(closing)
        if i == 0 and code in self.crossovers:
            extra = yield from self._cross(t, code, self.plan.terminal_out.get(code, 30.0))
            if extra:
                causes.append(f"{t.fault} (points by hand, {extra:.0f} s)")
                yield env.timeout(extra)
        departure = env.now
        self._release(t)
        self.last_departure[(code, direction)] = departure
        if departure - planned_dep <= 60.0:
            t.fault = ""  # back on time: later delays are not this fault's
        self.fault_of[t.block] = t.fault
        self.events.append((t.block, trip.trip_id, direction, i, code, planned_arr, planned_dep, arrival, departure,
                            load.size, load.size - before, alighted, denied, departure - arrival, doors_closed,
                            *t.run_kwh, "; ".join(causes)))

    def _doors_close(self, platform, load, opened: float, alighted: int, before: int) -> float:
        """When the doors close [s]: the dwell model (Puong) on the passengers who board, those who reach the
        platform while the doors are open included, up to the line's dwell-extension limit."""
        noise = self.noise.dwell()
        closing = self.opt.door_closing_s

        def closes(boarding: int) -> float:
            return opened + max(self.opt.min_dwell_s, self.dwell.dwell_s(boarding, alighted, before) * noise)

        boarded = load.size - before
        t = closes(boarded)
        limit = t + self.s.line.operations.max_dwell_extension_s
        while t < limit:
            later = closes(boarded + platform.peek(load, opened, t - closing))
            if later <= t:
                break
            t = min(later, limit)
        return t

    def _approach(self, t: _Train, trip: Trip, i: int, run_s: float, failed: tuple[Fault, float] | None = None):
        """Run to stop i; ask for its platform a close-in time before arriving; return (wait, train waited for).

        A train that fails on the way claims the platform ahead at once (nothing passes it under moving
        block), stands for the fault's duration, then limps on.
        """
        env = self.env
        code, direction = trip.stops[i], trip.direction
        start = env.now
        terminal = code in self.plan.terminal_in
        lead = self.plan.terminal_in[code][0] if terminal else self.plan.close_in.get((code, direction), 30.0)
        lead = min(lead, run_s)
        seg = (direction, trip.stops[i - 1], code)
        t_req = max(start + run_s - lead, self.last_request.get(seg, -math.inf))  # no overtaking
        if failed is not None:
            t_req = max(min(t_req, start + failed[1]), self.last_request.get(seg, -math.inf))
            run_s += failed[0].duration_s
        self.last_request[seg] = t_req
        if t_req > env.now:
            yield env.timeout(t_req - env.now)
        res = self._platform(code, direction)
        holder = next((self.holder.get(r) for r in res.users), "")
        req = res.request()
        self.holder[req] = t.block
        yield req
        granted = env.now
        extra = 0.0
        if terminal:
            extra = yield from self._cross(t, code, self.plan.terminal_in[code][1])
        arrival = max(start + run_s, env.now + lead) + extra
        t.platform = (res, req)
        if arrival > env.now:
            yield env.timeout(arrival - env.now)
        return max(granted - t_req, 0.0), holder


def simulate(scenario: Scenario, seed: int, *, controller: Controller | None = None,
             plan: Plan | None = None, passengers: Arrivals | None = None) -> SimulationResult:
    """Run one operating day.

    Parameters
    ----------
    scenario : Scenario
        Line, train, timetable, conditions, demand and rules.
    seed : int
        Seeds one ``numpy.random.SeedSequence``: child 0 draws the passengers, child 1 the operations,
        child 2 the faults (so the same seed gives the same faults whatever the demand).
    controller : Controller, optional
        Decides departures at each stop (default: :class:`Regulation` from the scenario's options).
    plan : Plan, optional
        Precomputed :func:`make_plan` (for many seeds of one scenario).
    passengers : Arrivals, optional
        Use these passengers instead of drawing them from the scenario's demand.
    """
    seq = np.random.SeedSequence(seed)
    demand_seq, ops_seq, fault_seq = seq.spawn(3)
    plan = plan or make_plan(scenario)
    if passengers is None and scenario.demand is not None:
        passengers = arrivals(scenario.demand, np.random.default_rng(demand_seq))
    if passengers is not None and tuple(passengers.codes) != scenario.line.codes:
        raise ValueError("the demand's stations are not the line's")
    book = PassengerBook(passengers if passengers is not None else _nobody(scenario.line), len(scenario.line.codes))
    faults = FaultBook(list(scenario.faults), scenario.conditions, scenario.line, np.random.default_rng(fault_seq))
    run = _Run(scenario, plan, book, np.random.default_rng(ops_seq), controller or Regulation(scenario.options),
               faults)
    trains = {block: run.env.process(run.train(block, trips)) for block, trips in scenario.timetable.blocks().items()}
    run.env.run()
    stuck = sorted(block for block, process in trains.items() if process.is_alive)
    if stuck:  # a train waiting for ever (a platform or crossover never freed) is a bug, not a result
        raise SimulationError(f"trains {', '.join(stuck)} never finished their day: each waits for ever for a "
                              f"platform or crossover (a deadlock; their last calls are in the event log)")
    faults.close()
    return SimulationResult.collect(scenario, seed, run.events, book if passengers is not None else None,
                                    run.trips_run, faults=faults.log, cancelled=run.cancelled,
                                    reserves_left=run.reserves)


def _nobody(line) -> Arrivals:
    """No passengers (a run of the trains alone)."""
    empty = np.empty(0)
    return Arrivals(time_s=empty, origin=empty.astype(np.int64), destination=empty.astype(np.int64),
                    codes=line.codes)

