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
from dataclasses import dataclass

import numpy as np
import simpy

from ..demand import Arrivals, arrivals
from ..headway import Signalling, guaranteed_braking, station_close_in, terminal_headway
from ..runtime import run_profile
from ..timetable.model import Trip
from .controller import Controller, Regulation, StopContext
from .dwell import DwellModel
from .passengers import PassengerBook
from .records import SimulationResult
from .scenario import Scenario

__all__ = ["simulate", "Plan", "make_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Per-run constants derived from the scenario (running times, close-in and terminal times)."""

    run_empty: dict          # (direction, from, to) -> scheduled run time, empty train [s]
    run_full: dict           # the same at the design load [s]
    fast_empty: dict         # flat-out run time, empty [s]
    fast_full: dict
    close_in: dict           # (code, direction) -> close-in time [s]
    terminal_in: dict        # terminal code -> (route set to stop [s], crossover held on arrival [s])
    terminal_out: dict       # terminal code -> crossover held on departure [s]
    capacity: int
    full_load: int


def make_plan(scenario: Scenario) -> Plan:
    """Running-time tables and CBTC times for a scenario (the physics, done once per run)."""
    line, train, cond = scenario.line, scenario.train, scenario.conditions
    tables = {"run_empty": {}, "run_full": {}, "fast_empty": {}, "fast_full": {}}
    profiles = {}
    for direction in ("up", "down"):
        for load_key, load in (("empty", 0.0), ("full", float(train.capacity))):
            for allowance, kind in ((None, "run"), (0.0, "fast")):
                p = run_profile(line, train, direction=direction, conditions=cond, passengers=load, allowance=allowance)
                for seg in p.segments:
                    tables[f"{kind}_{load_key}"][(direction, seg.from_code, seg.to_code)] = seg.run_s
                if load_key == "empty" and kind == "run":
                    profiles[direction] = p
    sig = Signalling()
    close_in = {k: v[0] for k, v in station_close_in(line, train, profiles, cond, sig).items()}
    decel = guaranteed_braking(train, cond, min(line.operations.braking_ms2, train.service_brake_ms2))
    t_in, t_out = {}, {}
    for arriving, departing in (("up", "down"), ("down", "up")):
        code = profiles[arriving].stops[-1]
        if line.terminal(code) is None:
            continue
        loc = terminal_headway(line, train, profiles[arriving], profiles[departing], station=code,
                               turnback_s=line.operations.turnback_min_s, decel_ms2=decel,
                               k=cond.braking_safety_factor, sig=sig)
        t_in[code] = (loc.detail["arrival_s"], loc.detail["arrival_cross_s"])
        t_out[code] = loc.detail["departure_clear_s"]
    return Plan(**tables, close_in=close_in, terminal_in=t_in, terminal_out=t_out,
                capacity=scenario.options.capacity(train, cond), full_load=train.capacity)


class _Train:
    """Mutable state of one train during a run."""

    __slots__ = ("block", "onboard", "platform", "ready_s", "at")

    def __init__(self, block: str) -> None:
        self.block = block
        self.onboard = np.empty(0, dtype=np.int64)
        self.platform = None  # (resource, request) held
        self.ready_s = 0.0
        self.at = None  # station code where the train stands


class _Run:
    """One simulation run (SimPy environment, resources, records)."""

    def __init__(self, scenario: Scenario, plan: Plan, book: PassengerBook | None, rng: np.random.Generator,
                 controller: Controller) -> None:
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
            if term is not None:
                self.platforms[code] = simpy.Resource(self.env, capacity=term.platform_tracks)
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
        self.planned_headway = _planned_headways(tt.trips)

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

    def _noise_run(self) -> float:
        if not self.opt.variability or self.opt.run_time_cv == 0:
            return 1.0
        return max(1.0 + self.rng.normal(0.0, self.opt.run_time_cv), 0.5)

    def _noise_dwell(self) -> float:
        cv = self.opt.dwell_cv
        if not self.opt.variability or cv == 0:
            return 1.0
        sigma = math.sqrt(math.log(1 + cv * cv))
        return float(self.rng.lognormal(-sigma * sigma / 2, sigma))

    def _primary_delay(self) -> float:
        o = self.opt
        if not o.variability or o.primary_delay_share == 0 or self.rng.random() >= o.primary_delay_share:
            return 0.0
        return float(self.rng.exponential(o.primary_delay_mean_s))

    def _run_time(self, direction: str, a: int, b: int, late: bool, load: int) -> float:
        """Segment run time: scheduled (or flat out when late), at the train's load, with noise [s]."""
        key = (direction, a, b)
        p = self.plan
        if key not in p.run_empty:
            self._add_pair(key)
        share = min(load / p.full_load, 1.5) if p.full_load else 0.0
        kind = ("fast_empty", "fast_full") if late and self.opt.recovery else ("run_empty", "run_full")
        lo, hi = getattr(p, kind[0])[key], getattr(p, kind[1])[key]
        return (lo + (hi - lo) * share) * self._noise_run()

    def _add_pair(self, key) -> None:
        """Running times between two stops that are not neighbours on the line (a skipping trip)."""
        direction, a, b = key
        s = self.s
        for table, load, allowance in (("run_empty", 0.0, None), ("run_full", s.train.capacity, None),
                                       ("fast_empty", 0.0, 0.0), ("fast_full", s.train.capacity, 0.0)):
            getattr(self.plan, table)[key] = run_profile(s.line, s.train, direction=direction, stops=[a, b],
                                                         conditions=s.conditions, passengers=load,
                                                         allowance=allowance).running_s

    # -- the train process -------------------------------------------------------------------------
    def train(self, block: str, trips: list[Trip]):
        env = self.env
        t = _Train(block)
        for k, trip in enumerate(trips):
            if k == 0 or trip.trip_id in self.pull_out_to or t.at != trip.origin:
                yield from self._pull_out(t, trip)
            yield from self._trip(t, trip)
            nxt = trips[k + 1] if k + 1 < len(trips) else None
            if nxt is None or trip.trip_id in self.pull_in_from or nxt.origin != trip.destination:
                yield env.timeout(self.opt.min_dwell_s)  # last passengers off, then to the depot
                self._release(t)
                code = trip.destination
                if code in self.crossovers:
                    req = self.crossovers[code].request()
                    yield req
                    env.process(self._occupy(self.crossovers[code], req, self.plan.terminal_out.get(code, 30.0)))
                t.at = None
            else:
                t.ready_s = env.now + self.opt.min_turnback_s

    def _pull_out(self, t: _Train, trip: Trip):
        env = self.env
        appear = trip.start_s - 60.0  # on the platform a minute before departure
        if appear > env.now:
            yield env.timeout(appear - env.now)
        res = self._platform(trip.origin, trip.direction)
        req = res.request()
        self.holder[req] = t.block
        yield req
        t.platform = (res, req)
        t.at = trip.origin
        t.ready_s = env.now

    def _trip(self, t: _Train, trip: Trip):
        env = self.env
        book = self.book
        n = len(trip.stops)
        trip_no = self.trip_no[trip.trip_id]
        direction = trip.direction
        for i, code in enumerate(trip.stops):
            planned_arr, planned_dep = trip.arrival_s[i], trip.departure_s[i]
            cause = ""
            if i > 0:
                late = env.now - trip.departure_s[i - 1] > 10.0
                r = self._run_time(direction, trip.stops[i - 1], code, late, int(t.onboard.size))
                wait, holder = yield from self._approach(t, trip, i, r)
                if wait > 0.5:
                    cause = f"following {holder} ({wait:.0f} s)"
            arrival = env.now
            t.at = code
            alighted = boarded_n = denied = 0
            idx = self.index[code]
            if book is not None:
                t.onboard, alighted = book.alight(t.onboard, idx, arrival)
            if i == n - 1:
                if book is not None and t.onboard.size:
                    book.stranded[t.onboard] = True
                    book.alight_s[t.onboard] = arrival
                    t.onboard = t.onboard[:0]
                self.events.append((t.block, trip.trip_id, direction, i, code, planned_arr, planned_dep, arrival,
                                    arrival, 0, 0, alighted, 0, 0.0, cause))
                self.trips_run.add(trip.trip_id)
                return
            # departure: boarding, dwell, regulation
            ready = max(arrival, t.ready_s) if i == 0 else arrival
            board_at = max(ready, planned_dep) if i == 0 and self.opt.hold_terminal_departures else ready
            if book is not None:
                boarded, denied = book.board(idx, direction, board_at, self.plan.capacity - t.onboard.size, trip_no)
                boarded_n = boarded.size
                if boarded_n:
                    t.onboard = np.concatenate((t.onboard, boarded))
            dwell = self.dwell.dwell_s(boarded_n, alighted, t.onboard.size - boarded_n) * self._noise_dwell()
            dwell = max(dwell, self.opt.min_dwell_s)
            delay = self._primary_delay()
            if delay > 0:
                cause = (cause + "; " if cause else "") + f"primary delay ({delay:.0f} s)"
            earliest = (arrival if i > 0 else ready) + dwell + delay
            ctx = StopContext(block=t.block, trip_id=trip.trip_id, direction=direction, station=code, index=i,
                              now_s=env.now, earliest_departure_s=earliest, planned_departure_s=planned_dep,
                              previous_departure_s=self.last_departure.get((code, direction)),
                              planned_headway_s=self.planned_headway.get((trip.trip_id, i)), load=int(t.onboard.size))
            departure = max(earliest, self.controller.departure_s(ctx))
            if departure > env.now:
                yield env.timeout(departure - env.now)
            if i == 0 and code in self.crossovers:
                req = self.crossovers[code].request()
                yield req
                env.process(self._occupy(self.crossovers[code], req, self.plan.terminal_out.get(code, 30.0)))
                departure = env.now
            self._release(t)
            self.last_departure[(code, direction)] = departure
            self.events.append((t.block, trip.trip_id, direction, i, code, planned_arr, planned_dep, arrival,
                                departure, int(t.onboard.size), boarded_n, alighted, denied, departure - arrival, cause))

    def _approach(self, t: _Train, trip: Trip, i: int, run_s: float):
        """Run to stop i; ask for its platform a close-in time before arriving; return (wait, train waited for)."""
        env = self.env
        code, direction = trip.stops[i], trip.direction
        start = env.now
        terminal = code in self.plan.terminal_in
        lead = self.plan.terminal_in[code][0] if terminal else self.plan.close_in.get((code, direction), 30.0)
        lead = min(lead, run_s)
        seg = (direction, trip.stops[i - 1], code)
        t_req = max(start + run_s - lead, self.last_request.get(seg, -math.inf))  # no overtaking
        self.last_request[seg] = t_req
        if t_req > env.now:
            yield env.timeout(t_req - env.now)
        res = self._platform(code, direction)
        holder = next((self.holder.get(r) for r in res.users), "")
        req = res.request()
        self.holder[req] = t.block
        yield req
        granted = env.now
        if terminal:
            xreq = self.crossovers[code].request()
            yield xreq
            env.process(self._occupy(self.crossovers[code], xreq, self.plan.terminal_in[code][1]))
        arrival = max(start + run_s, env.now + lead)
        t.platform = (res, req)
        if arrival > env.now:
            yield env.timeout(arrival - env.now)
        return max(granted - t_req, 0.0), holder


def _planned_headways(trips) -> dict:
    """Planned headway of every call: its planned departure minus the previous trip's at that stop [s]."""
    by_stop: dict = {}
    for trip in trips:
        for i, (code, dep) in enumerate(zip(trip.stops[:-1], trip.departure_s[:-1])):
            by_stop.setdefault((code, trip.direction), []).append((dep, trip.trip_id, i))
    out = {}
    for seq in by_stop.values():
        seq.sort()
        for (d0, _, _), (d1, trip_id, i) in zip(seq, seq[1:]):
            out[(trip_id, i)] = d1 - d0
    return out


def simulate(scenario: Scenario, seed: int, *, controller: Controller | None = None,
             plan: Plan | None = None, passengers: Arrivals | None = None) -> SimulationResult:
    """Run one operating day.

    Parameters
    ----------
    scenario : Scenario
        Line, train, timetable, conditions, demand and rules.
    seed : int
        Seeds one ``numpy.random.SeedSequence``: child 0 draws the passengers, child 1 the operations.
    controller : Controller, optional
        Decides departures at each stop (default: :class:`Regulation` from the scenario's options).
    plan : Plan, optional
        Precomputed :func:`make_plan` (for many seeds of one scenario).
    passengers : Arrivals, optional
        Use these passengers instead of drawing them from the scenario's demand.
    """
    seq = np.random.SeedSequence(seed)
    demand_seq, ops_seq = seq.spawn(2)
    plan = plan or make_plan(scenario)
    if passengers is None and scenario.demand is not None:
        passengers = arrivals(scenario.demand, np.random.default_rng(demand_seq))
    book = PassengerBook(passengers, len(scenario.line.codes)) if passengers is not None else None
    if book is not None and scenario.demand is not None and tuple(scenario.demand.codes) != scenario.line.codes:
        raise ValueError("the demand's stations are not the line's")
    run = _Run(scenario, plan, book, np.random.default_rng(ops_seq), controller or Regulation(scenario.options))
    for block, trips in scenario.timetable.blocks().items():
        run.env.process(run.train(block, trips))
    run.env.run()
    return SimulationResult.collect(scenario, seed, run.events, book, run.trips_run)

