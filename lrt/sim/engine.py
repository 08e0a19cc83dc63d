"""The operations simulation: trains as SimPy processes, passengers as arrays.

Trains run the timetable block by block: out of the depot, stop by stop, turnback at the termini,
back to the depot.  Moving block (CBTC) is modelled in its time form, the TCQSM close-in: a train may
not arrive at a platform sooner than the close-in time after the train ahead has left it, and never
overtakes; it asks for the platform a close-in time before it would arrive and is slowed on approach
when it is not yet clear, so a late leader delays its follower and knock-on delays emerge.  One train
per platform track (:mod:`lrt.sim.track` at the stations, SimPy resources at the termini); a terminus has
its platform tracks and one scissors crossover, held for the arrival and departure movements.  Dwell
follows Puong at the busiest door; the load feeds the running time through the train's mass.  The stop
by stop part is in :mod:`lrt.sim.stops`.

``simulate(scenario, seed)`` is a pure function: same scenario and seed, same result.  A
:class:`Simulation` can also be advanced step by step (``run(until=...)``), as the training exercises do.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import simpy

from ..demand import Arrivals, arrivals
from ..disruptions import Fault
from ..errors import SimulationError
from ..timetable.model import Trip
from .controller import Controller, OpsEvent, Regulation
from .dwell import DwellModel
from .faults import FaultBook
from .noise import Noise
from .passengers import PassengerBook
from .plan import Plan, make_leg, make_plan, plan_key
from .records import SimulationResult
from .scenario import Scenario
from .service import trains_needed
from .stops import Stops
from .track import Track

__all__ = ["simulate", "Simulation", "draw_passengers", "run_seeds"]


class _Train:
    """Mutable state of one train during a run."""

    __slots__ = ("block", "load", "platform", "ready_s", "at", "fault", "run_kwh", "skip", "serves", "trip", "wake",
                 "next_code", "out", "noise", "out_causes", "door_draws")

    def __init__(self, block: str) -> None:
        self.block = block
        self.load = None  # passengers on board (lrt.sim.passengers.Load) on the current trip
        self.skip = frozenset()  # stations of the current trip it runs through (the controller's orders)
        self.serves = None  # the destinations it takes then
        self.trip = None  # the current trip
        self.noise = None  # its calls' run factors, dwell factors and primary delays (Noise.trip)
        self.door_draws = True  # whether a door fault is drawn at one of the current trip's calls (FaultBook.trip)
        self.out_causes = []  # why its pull-out was late (a depot switch failure, a reserve), for its first call
        self.wake = None  # an event that a held train waits on, to hear a changed decision
        self.next_code = None  # the station it runs to
        self.out = False  # out of the depot, in service
        self.platform = None  # (resource, request) held
        self.ready_s = 0.0
        self.at = None  # station code where the train stands
        self.fault = ""  # the fault behind this train's current delay
        self.run_kwh = (0.0, 0.0)  # traction energy drawn and returned on the run into the current call [kWh]


class Simulation(Stops):
    """One simulated day: set up from a scenario and a seed, advanced with :meth:`run`, read with :meth:`result`.

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

    def __init__(self, scenario: Scenario, seed: int, *, controller: Controller | None = None,
                 plan: Plan | None = None, passengers: Arrivals | None = None) -> None:
        _, ops_seq, fault_seq = run_seeds(seed)[:3]
        self.seed = seed
        self.plan = plan = plan or make_plan(scenario)
        if plan.made_for != plan_key(scenario):
            raise SimulationError("the plan was made for another timetable, conditions or train: make_plan(scenario) "
                                  "for this one")
        if passengers is None and scenario.demand is not None:
            passengers = draw_passengers(scenario, seed)
        if passengers is not None and tuple(passengers.codes) != scenario.line.codes:
            raise ValueError("the demand's stations are not the line's")
        self.has_passengers = passengers is not None
        self.book = PassengerBook(passengers if passengers is not None else _nobody(scenario.line),
                                  len(scenario.line.codes))
        ends = (scenario.line.codes[0], scenario.line.codes[-1])
        for term in scenario.line.terminals:  # as lrt.io.line refuses one in a file
            if term.station not in ends:
                raise SimulationError(f"the line has a terminus at station {term.station}, between its ends: a terminus "
                                      f"is at an end of the line ({ends[0]} or {ends[1]}); a station where trains "
                                      f"turn short has a crossover (Line.crossovers)")
        self.s = scenario
        self.controller = controller or Regulation(scenario.options)
        kind = type(self.controller)
        # hooks a controller does not override cost nothing at every call
        self._orders = kind.orders is not Controller.orders
        self._limits = kind.leg_limit_ms is not Controller.leg_limit_ms
        self._notifies = kind.notify is not Controller.notify
        # departures settled at arrival (see Stops._call): only for a controller that cannot change a hold, give
        # orders, limit speeds or listen, so that nothing happens between a call's arrival and its departure
        self._ahead = not (self._orders or self._limits or self._notifies or self.controller.holds_may_change)
        self.opt = scenario.options
        self.env = simpy.Environment()
        line = scenario.line
        self.index = {code: i for i, code in enumerate(line.codes)}
        self.platforms = {}  # terminus code -> its platform tracks (SimPy)
        self.tracks = {}     # (station code, direction) -> Track
        for code in line.codes:
            term = line.terminal(code)
            if term is not None:  # a failed crossover takes a track out of use ahead of waiting trains
                self.platforms[code] = simpy.PriorityResource(self.env, capacity=term.platform_tracks)
            else:
                for d in ("up", "down"):
                    self.tracks[(code, d)] = Track()
        self.crossovers = {t.station: simpy.Resource(self.env, capacity=1) for t in line.terminals}
        self.holder: dict = {}  # request -> block, to name the train a follower waits for
        self.last_request: dict = {}
        self.last_in: dict = {}  # segment into a terminus -> (arrival, block) of the last train to come in on it
        self.last_departure: dict = {}
        self.events: list[tuple] = []
        self.trips_run: set[str] = set()
        self.dwell = DwellModel(doors=scenario.train.doors_per_side, seats=scenario.train.seats,
                                busiest_door_factor=self.opt.busiest_door_factor, min_dwell_s=self.opt.min_dwell_s,
                                passenger_factor=scenario.conditions.dwell_factor)
        self.max_extension_s = line.operations.max_dwell_extension_s
        tt = scenario.timetable
        self.pull_out_to = {e.to_trip for e in tt.operations if e.event == "pull_out"}
        self.pull_in_from = {e.from_trip for e in tt.operations if e.event == "pull_in"}
        self.trip_no = {t.trip_id: i for i, t in enumerate(tt.trips)}
        self.planned_headway = plan.planned_headway
        self.serves = plan.serves
        shape = (len(tt.trips), max((len(t.stops) for t in tt.trips), default=0))
        self.noise = Noise(self.opt, ops_seq, shape)
        self.faults = FaultBook(list(scenario.faults), scenario.conditions, line, fault_seq, shape)
        self.fault_of: dict[str, str] = {}  # block -> fault behind its delay (for knock-on causes)
        self.closed: dict[frozenset, tuple[float, str]] = {}  # power-rail sections: until, fault label
        self.depot_closed: tuple[float, str] = (-math.inf, "")
        self.switch_failed: dict[int, tuple[float, str]] = {}  # terminus -> until, fault label
        self.cancelled: list[tuple[str, str, str]] = []
        self.reserves = max(scenario.conditions.trains_available(line.operations.fleet) - trains_needed(tt), 0)
        for f in self.faults.timed("switch") + self.faults.timed("power_rail"):
            self.env.process(self._timed_fault(f))
        if self._notifies:
            self.faults.on_record = self._fault_recorded
        self.told: set[str] = set()  # faults the controller has heard of already
        self.extra_legs: dict = {}   # legs the plan has not: runs through stations, runs under a speed limit
        self.extra_trips: list[Trip] = []  # trips of spare trains started during the day
        self.states: dict[str, _Train] = {}  # block -> its train now
        self._pause = None
        self.trains = {block: self.env.process(self.train(block, trips)) for block, trips in tt.blocks().items()}
        self.controller.bind(self)

    @property
    def now(self) -> float:
        """The simulated time [s of the service day]."""
        return self.env.now

    def run(self, until: float | None = None) -> "Simulation":
        """Advance the day to ``until`` [s] (default: until every train has finished), or until
        :meth:`pause` is called (by the controller, on an event)."""
        env = self.env
        if not self._notifies and until is None:
            env.run()
            return self
        self._pause = env.event()
        limit = math.inf if until is None else until
        while not self._pause.triggered and env.peek() <= limit and env.peek() < math.inf:
            env.step()
        if until is not None and not self._pause.triggered and env.now < until:
            env.run(until=until)  # nothing happens before it: the clock moves on
        return self

    def pause(self) -> None:
        """Stop :meth:`run` once the event being processed is done (a decision point)."""
        if self._pause is not None and not self._pause.triggered:
            self._pause.succeed()

    @property
    def finished(self) -> bool:
        """Every train has ended its day."""
        return not any(p.is_alive for p in self.trains.values())

    def reconsider(self) -> None:
        """Wake every train held at a platform, to ask the controller again (a decision has changed)."""
        for t in list(self.states.values()):
            if t.wake is not None and not t.wake.triggered:
                t.wake.succeed()

    def start_train(self, block: str, trips: list[Trip]) -> None:
        """Put a further train into service (a spare from the depot) to run ``trips`` (new trip ids), from a
        minute before the first one's departure at its origin."""
        if block in self.trains:
            raise ValueError(f"train {block} is already in service")
        for trip in trips:
            if trip.trip_id in self.trip_no:
                raise ValueError(f"trip {trip.trip_id} is already in the day")
            self.trip_no[trip.trip_id] = len(self.s.timetable.trips) + len(self.extra_trips)
            self.extra_trips.append(trip)
        self.trains[block] = self.env.process(self.train(block, list(trips)))

    def inject(self, fault: Fault) -> None:
        """A further fault from now on (an instructor's): a switch or power-rail fault starts at its time; a
        door, train or pull-out fault waits for its train as a scripted one does."""
        fault = replace(fault, fault_id=f"F{self.faults.next_id:02d}", start_s=max(fault.start_s, self.env.now))
        self.faults.next_id += 1
        self.faults.faults.append(fault)
        if fault.kind in ("switch", "power_rail"):
            self.env.process(self._timed_fault(fault))
        else:
            self.faults.pending[fault.kind].append(fault)

    def state(self) -> dict:
        """The line now: every train (where, its trip, its delay, its load), the passengers waiting on every
        platform, the faults in force."""
        now = self.env.now
        trains = []
        for block, t in sorted(self.states.items()):
            if not self.trains[block].is_alive:
                continue
            trip = t.trip
            delay = None
            if trip is not None and t.at in trip.stops:
                delay = now - trip.departure_s[trip.stops.index(t.at)] if t.at is not None else None
            trains.append({"train": block, "trip": trip.trip_id if trip is not None else "",
                           "direction": trip.direction if trip is not None else "",
                           "at": t.at, "running_to": None if t.at is not None else t.next_code,
                           "load": t.load.size if t.load is not None else 0,
                           "delay_s": max(delay, 0.0) if delay is not None else None, "held": t.wake is not None})
        crowd = {(code, d): self.book.platforms[(i, d)].waiting(now) for code, i in self.index.items()
                 for d in ("up", "down")}
        faults = [f for f in self.faults.log if f["start_s"] <= now < f["start_s"] + f["duration_s"]]
        return {"time_s": now, "trains": trains, "waiting": crowd, "faults": faults, "reserves": self.reserves}

    def _notify(self, kind: str, train: str, station: int, direction: str, value: float, text: str = "") -> None:
        self.controller.notify(OpsEvent(kind=kind, time_s=self.env.now, train=train, station=station,
                                        direction=direction, value=value, text=text))

    def _fault_recorded(self, row: dict) -> None:
        if row["fault_id"] in self.told:  # a train failure, told when it happened
            return
        self._notify("fault", row["train"], row["station"] or 0, "", row["duration_s"],
                     f"{row['description']}: {row['response']}")

    def result(self) -> SimulationResult:
        """The day's records; the day must have been run to its end."""
        stuck = sorted(block for block, process in self.trains.items() if process.is_alive)
        if stuck:  # a train waiting for ever (a platform or crossover never freed) is a bug, not a result
            raise SimulationError(f"trains {', '.join(stuck)} never finished their day: each waits for ever for a "
                                  f"platform or crossover (a deadlock; their last calls are in the event log)")
        self.faults.close()
        return SimulationResult.collect(self.s, self.seed, self.events, self.book if self.has_passengers else None,
                                        self.trips_run, faults=self.faults.log, cancelled=self.cancelled,
                                        reserves_left=self.reserves, extra_trips=self.extra_trips)

    # -- helpers -----------------------------------------------------------------------------------
    def _release(self, train: _Train, at: float | None = None) -> None:
        """The train leaves its platform now (or at ``at``, a departure already settled)."""
        held = train.platform
        if held is None:
            return
        if isinstance(held, tuple):  # a terminus: (resource, request)
            res, req = held
            res.release(req)
            self.holder.pop(req, None)
        else:  # a station's track: its turn
            held.release(self.env.now if at is None else at)
        train.platform = None

    def _leg(self, direction: str, a: int, b: int, late: bool, load: int,
             noise: float) -> tuple[float, float, float]:
        """A segment's run: time scheduled (flat out when late) at the train's load, times its noise factor [s]; and
        its traction energy drawn and returned at the substations [kWh].  Under a speed limit from the controller,
        or between stations that are not neighbours in the plan, the run is worked out now (and kept)."""
        limit = self.controller.leg_limit_ms(direction, a, b, self.env.now) if self._limits else None
        leg = self.plan.legs.get((direction, a, b)) if limit is None else None
        if leg is None:
            key = (direction, a, b, limit)
            if key not in self.extra_legs:
                self.extra_legs[key] = make_leg(self.s, direction, a, b, limit)
            leg = self.extra_legs[key]
        p = self.plan
        share = load / p.full_load if p.full_load else 0.0
        if share > 1.5:  # (min written out: asked at every run)
            share = 1.5
        fast = late and self.opt.recovery
        (t0, t1), ((d0, d1), (r0, r1)) = (leg.fast_s, leg.fast_kwh) if fast else (leg.run_s, leg.run_kwh)
        return (t0 + (t1 - t0) * share) * noise, d0 + (d1 - d0) * share, r0 + (r1 - r0) * share

    # -- the train process -------------------------------------------------------------------------
    def train(self, block: str, trips: list[Trip]):
        env = self.env
        t = _Train(block)
        self.states[block] = t
        k = 0
        start = 0  # a train turned back short joins its next trip part-way
        while k < len(trips):
            trip = trips[k]
            if start == 0 and (k == 0 or trip.trip_id in self.pull_out_to or t.at != trip.origin):
                ok = yield from self._pull_out(t, trip)
                if not ok:
                    k = self._cancel(trips, k, self._next_pull_out(trips, k), "pull-out failed, no reserve")
                    continue
            outcome = yield from self._trip(t, trip, start)
            start = 0
            if isinstance(outcome, tuple):  # the controller ended the trip early
                kind, where = outcome
                nxt = trips[k + 1] if k + 1 < len(trips) else None
                if kind == "turned" and nxt is not None and nxt.direction != trip.direction and where in nxt.stops:
                    k, start = k + 1, nxt.stops.index(where)
                    self.cancelled.append((nxt.trip_id, block, f"joined at {where} after a short turn: the calls "
                                                               f"before it not made"))
                    continue
                self._release(t)
                t.at, t.out = None, False
                k = self._cancel(trips, k + 1, len(trips), f"train {kind} by control at {where}")
                continue
            if outcome:  # failed and withdrawn
                t = _Train(block)  # a reserve, if any, takes over from the depot's terminus
                self.states[block] = t
                resume = self._next_from_depot(trips, k) if self.reserves > 0 else len(trips)
                if resume < len(trips):
                    self.reserves -= 1
                k = self._cancel(trips, k + 1, resume, f"train withdrawn ({outcome})")
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
                t.at, t.out = None, False
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
            t.out_causes.append(f"{label} (held in the depot {until - env.now:.0f} s)")
            yield env.timeout(until - env.now)
        failed = self.faults.pull_out(t.block, env.now, self.trip_no.get(trip.trip_id, -1))
        if failed is not None:
            if self.reserves <= 0:
                self.faults.record(failed, "no reserve fit: trips cancelled until the train's next pull-out")
                return False
            self.reserves -= 1
            self.faults.record(failed, f"replaced by a reserve {self.opt.reserve_delay_s:.0f} s later")
            t.fault = failed.label(self.s.line)
            t.out_causes.append(f"{t.fault} (a reserve out {self.opt.reserve_delay_s:.0f} s later)")
            yield env.timeout(self.opt.reserve_delay_s)
        if trip.origin in self.platforms:  # a terminus
            res = self.platforms[trip.origin]
            req = res.request()
            self.holder[req] = t.block
            yield req
            t.platform = (res, req)
        else:  # a line without termini: the station's track, in turn
            turn = self.tracks[(trip.origin, trip.direction)].claim(t.block)
            if turn.ahead is not None and turn.ahead.released_s is None:
                if turn.ahead.waiters is None:
                    turn.ahead.waiters = env.event()
                yield turn.ahead.waiters
            t.platform = turn
        t.at = trip.origin
        t.out = True
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
        # the crossover is freed when the movement is over (a callback on a timeout, not a process of its own)
        self.env.timeout(hold_s + extra).callbacks.append(lambda _event: self.crossovers[code].release(req))
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


def run_seeds(seed: int) -> list[np.random.SeedSequence]:
    """The seed sequences of a run: the passengers, the operations, the faults, and one for extra passengers
    that an exercise adds (a crowd surge), all children of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed).spawn(4)


def draw_passengers(scenario: Scenario, seed: int) -> Arrivals:
    """The passengers of a run of ``scenario`` with ``seed`` (what :class:`Simulation` draws by itself)."""
    return arrivals(scenario.demand, np.random.default_rng(run_seeds(seed)[0]))


def simulate(scenario: Scenario, seed: int, *, controller: Controller | None = None,
             plan: Plan | None = None, passengers: Arrivals | None = None) -> SimulationResult:
    """Run one operating day (the arguments are those of :class:`Simulation`)."""
    return Simulation(scenario, seed, controller=controller, plan=plan, passengers=passengers).run().result()


def _nobody(line) -> Arrivals:
    """No passengers (a run of the trains alone)."""
    empty = np.empty(0)
    return Arrivals(time_s=empty, origin=empty.astype(np.int64), destination=empty.astype(np.int64),
                    codes=line.codes)

