"""A train's trip, stop by stop: the run to each platform, the call there, the end of the trip.

Part of :class:`lrt.sim.engine.Simulation` (a mixin, so that the engine reads by mechanism): the run to
a platform under moving block (:meth:`_approach`), a call with passengers (:meth:`_call`: doors, dwell,
regulation by the controller, departure) and the end of a trip (:meth:`_end_trip`).
"""

from __future__ import annotations

import math

import numpy as np

from ..disruptions import Fault
from ..errors import SimulationError
from ..timetable.model import Trip
from .controller import StopContext

__all__ = ["Stops"]


class Stops:
    """The stop-by-stop part of a simulation run (mixed into :class:`lrt.sim.engine.Simulation`)."""

    def _trip(self, t, trip: Trip, start: int = 0):
        """Run one trip from its stop ``start`` (a train turned back short joins its next trip part-way).

        Returns '' when the trip ends at its last stop; the fault's label when the train failed and was
        withdrawn; ``("withdrawn", station)`` or ``("turned", station)`` when the controller ended the trip
        there.
        """
        env = self.env
        stops = trip.stops
        n = len(stops)
        direction = trip.direction
        number = self.trip_no.get(trip.trip_id, -1)
        t.load = self.book.new_load(number, self.plan.capacity)
        t.noise = self.noise.trip(number)
        t.door_draws, fails_from = self.faults.trip(number)
        pending = self.faults.pending  # scripted faults still to happen, by kind
        runs = t.noise[0]
        t.skip = frozenset()
        t.trip = trip
        prev = start
        left = env.now  # when the train left its previous stop (known ahead of the clock on the plain path)
        out_causes, t.out_causes = t.out_causes, []  # a late pull-out's, told at the trip's first call
        for i in range(start, n):
            code = stops[i]
            if i > start and i < n - 1 and code in t.skip:  # run through, no call
                continue
            causes: list[str] = out_causes if i == start else []
            failed = None
            t.run_kwh = (0.0, 0.0)
            if i > start:
                late = left - trip.departure_s[prev] > 10.0
                r, drawn, returned = self._leg(direction, stops[prev], code, late, t.load.size, runs[i])
                t.run_kwh = (drawn, returned)
                failed = self.faults.train_failure(t.block, left, r, (number, i)) \
                    if r >= fails_from or pending["train"] else None
                t.next_code = code
                wait, holder = yield from self._approach(t, trip, i, r, failed, stops[prev], left)
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
            alighted = self.book.alight(t.load, idx) if i > start else 0
            if self._notifies:
                platform = self.book.platforms[(idx, direction)]
                self._notify("arrival", t.block, code, direction, platform.waiting(arrival))
            if i == n - 1 or failed is not None:
                # the end of the trip, or withdrawn: whoever is still on board waits here for a later train
                alighted += self.book.detrain(t.load, idx, direction, arrival)
                return (yield from self._end_trip(t, trip, i, arrival, alighted, causes, failed))
            if self._orders:
                outcome = yield from self._ordered(t, trip, i, arrival, alighted, causes)
                if outcome:
                    return outcome
            left = yield from self._call(t, trip, i, arrival, alighted, causes)
            prev = i
        return ""

    def _ordered(self, t, trip: Trip, i: int, arrival: float, alighted: int, causes: list[str]):
        """Ask the controller for orders at this call; carry out an end of the trip here (returning its outcome),
        or note the stations to run through."""
        code = trip.stops[i]
        ctx = StopContext(block=t.block, trip_id=trip.trip_id, direction=trip.direction, station=code, index=i,
                          now_s=self.env.now, earliest_departure_s=self.env.now,
                          planned_departure_s=trip.departure_s[i], previous_departure_s=None,
                          planned_headway_s=None, load=t.load.size, next_station=trip.stops[i + 1])
        orders = self.controller.orders(ctx)
        if orders is None:
            return None
        if orders.skip:
            t.skip = frozenset(orders.skip) & frozenset(trip.stops[i + 1:-1])
            served = [self.index[c] for c in trip.stops[i + 1:] if c not in t.skip]
            mask = np.zeros(len(self.index), dtype=bool)
            mask[served] = True
            t.serves = mask
        if not (orders.withdraw or orders.turn_back):
            return None
        idx = self.index[code]
        alighted += self.book.detrain(t.load, idx, trip.direction, arrival)
        kind = "withdrawn" if orders.withdraw else "turned"
        causes.append(f"{'withdrawn' if orders.withdraw else 'turned back short'} by control at "
                      f"{self.s.line.station(code).name_en}")
        yield self.env.timeout(self.opt.min_dwell_s)  # everyone off
        self.events.append((t.block, trip.trip_id, trip.direction, i, code, trip.arrival_s[i], trip.departure_s[i],
                            arrival, self.env.now, 0, 0, alighted, 0, self.env.now - arrival, self.env.now,
                            *t.run_kwh, "; ".join(causes)))
        self.cancelled.append((trip.trip_id, t.block, f"{kind} by control at {code}"))
        if orders.withdraw:
            self._release(t)
            t.at, t.out = None, False
            return ("withdrawn", code)
        yield from self._turn_back(t, code, trip.direction)
        return ("turned", code)

    def _turn_back(self, t, code: int, direction: str):
        """Over the station's crossover to the other track's platform (the change of ends included)."""
        crossover = self.s.line.crossover(code)
        if crossover is None:
            raise SimulationError(f"train {t.block} was turned back at {code}, which has no crossover")
        self._release(t)
        other = "down" if direction == "up" else "up"
        turn = self.tracks[(code, other)].claim(t.block)
        if turn.ahead is not None and turn.ahead.released_s is None:
            if turn.ahead.waiters is None:
                turn.ahead.waiters = self.env.event()
            yield turn.ahead.waiters
        yield self.env.timeout(crossover.turnback_s)
        t.platform = turn
        t.ready_s = self.env.now

    def _end_trip(self, t, trip: Trip, i: int, arrival: float, alighted: int, causes: list[str],
                  failed: tuple[Fault, float] | None):
        """The last call of a trip, or the call where a failed train is withdrawn (to the depot, freeing its
        platform; a reserve may take over its later trips)."""
        env = self.env
        code = trip.stops[i]
        last = i == len(trip.stops) - 1
        if failed is not None:
            yield env.timeout(self.opt.min_dwell_s)  # everyone off
            self._release(t)
            t.at, t.out = None, False
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

    def _call(self, t, trip: Trip, i: int, arrival: float, alighted: int, causes: list[str]):
        """A call with passengers: doors open, boarding until they close, regulation, departure.

        At an intermediate call the train has the station's track to itself (:mod:`lrt.sim.track`): nothing
        else boards from the platform while it stands there, so boarding is brought up to the closing of the
        doors at once; at a trip's first call (a terminus, where two trains may stand with their doors open)
        boarding follows the clock.  (Here and in :meth:`_approach`, asked at every call, ``max`` and ``min`` are
        written out as comparisons: a builtin's call costs more than the comparison.)
        """
        env = self.env
        code, direction = trip.stops[i], trip.direction
        planned_arr, planned_dep = trip.arrival_s[i], trip.departure_s[i]
        load = t.load
        load.serves = t.serves if t.skip else (self.serves.get((trip.trip_id, i)) if self.serves else None)
        platform = self.book.platforms[(self.index[code], direction)]
        before = load.size  # on board once those for this station are off
        # the plain call (the usual one): this train alone at an intermediate platform whose queue is plain,
        # and a departure nothing can change; its boarders are counted by the time the doors close, and
        # boarded once, when they close (Platform.board_alone)
        alone = (self._ahead and i > 0 and not isinstance(t.platform, tuple) and load.serves is None
                 and platform.plain())
        if alone:
            count = platform.boarding_alone(load)
        else:
            platform.open_doors(load, arrival, priority=planned_dep)
            boarded = load.size - before

            def count(until: float) -> int:  # passengers on by ``until``, those arriving while the doors are open
                return boarded + platform.peek(load, arrival, until)
        closes, on = self.dwell.doors_close(arrival, alighted, before, count, t.noise[1][i], self.opt.door_closing_s,
                                            self.max_extension_s)
        if i > 0 and closes - arrival - (planned_dep - planned_arr) > 30.0:
            causes.append(f"long dwell: {on} on, {alighted} off ({closes - arrival:.0f} s)")
        # a terminus: not before the turnback minimum; passengers board all through the layover
        earliest = (t.ready_s if t.ready_s > closes else closes) if i == 0 else closes
        delay = t.noise[2][i]
        if delay > 0:
            causes.append(f"primary delay ({delay:.0f} s)")
        door = self.faults.door(t.block, code, env.now, (load.trip, i)) \
            if t.door_draws or self.faults.pending["door"] else None
        if door is not None:
            delay += door.duration_s
            t.fault = door.label(self.s.line)
            causes.append(f"{t.fault} ({door.duration_s:.0f} s)")
            self.faults.record(door, f"dwell +{door.duration_s:.0f} s")
        earliest += delay
        # (the fields by position, in StopContext's order: block, trip, direction, station, index, now, earliest,
        # planned, previous departure here, planned headway, load, next station)
        ctx = StopContext(t.block, trip.trip_id, direction, code, i, env.now, earliest, planned_dep,
                          self.last_departure.get((code, direction)), self.planned_headway.get((trip.trip_id, i)),
                          before + on if alone else load.size,  # with those waiting on its arrival
                          next((c for c in trip.stops[i + 1:] if c not in t.skip), None) if t.skip
                          else trip.stops[i + 1] if i + 1 < len(trip.stops) else None)
        departure = self.controller.departure_s(ctx)
        if earliest > departure:
            departure = earliest
        if self.closed:  # power-rail icing ahead: wait here with the doors open, holding the platform
            until, label = self.closed.get(frozenset((code, trip.stops[i + 1])), (-math.inf, ""))
            if departure < until:
                causes.append(f"{label} ({until - max(departure, env.now):.0f} s)")
                t.fault = label
                departure = until
        closing = self.opt.door_closing_s
        settled = False
        if i == 0 or isinstance(t.platform, tuple) or self.controller.holds_may_change:
            departure = yield from self._hold(t, ctx, earliest, departure)  # boarding follows the clock
            doors_closed = env.now
            denied = platform.close_doors(load, doors_closed)
            yield env.timeout(closing)
            if i == 0 and code in self.crossovers:
                extra = yield from self._cross(t, code, self.plan.terminal_out.get(code, 30.0))
                if extra:
                    causes.append(f"{t.fault} (points by hand, {extra:.0f} s)")
                    yield env.timeout(extra)
        else:
            doors_closed = departure - closing
            if env.now > doors_closed:
                doors_closed = env.now
            denied = platform.board_alone(load, arrival, doors_closed) if alone else \
                platform.close_doors(load, doors_closed)
            settled = self._ahead
            if not settled:
                yield env.timeout(doors_closed + closing - env.now)
        # on the plain path (nothing can change this departure any more, and no controller hears of it) the
        # departure is settled now: the track is released for that time, and the train's run to its next stop
        # starts from it without a wake-up in between (one SimPy event per call instead of two)
        departure = doors_closed + closing if settled else env.now
        self._release(t, departure)
        self.last_departure[(code, direction)] = departure
        if departure - planned_dep <= 60.0:
            t.fault = ""  # back on time: later delays are not this fault's
        self.fault_of[t.block] = t.fault
        if self._notifies:
            self._notify("departure", t.block, code, direction, departure - planned_dep)
        self.events.append((t.block, trip.trip_id, direction, i, code, planned_arr, planned_dep, arrival, departure,
                            load.size, load.size - before, alighted, denied, departure - arrival, doors_closed,
                            *t.run_kwh, "; ".join(causes)))
        return departure

    def _hold(self, t, ctx: StopContext, earliest: float, departure: float):
        """Wait with the doors open until the closing sequence begins; a controller whose holds may change is
        asked again when the time comes, or when woken (:meth:`lrt.sim.Simulation.reconsider`).  Returns
        the departure [s]."""
        env = self.env
        closing = self.opt.door_closing_s
        while True:
            target = departure - closing
            if target <= env.now:
                return departure
            if not self.controller.holds_may_change:
                yield env.timeout(target - env.now)
                return departure
            t.wake = env.event()
            yield env.any_of([t.wake] if math.isinf(target) else [t.wake, env.timeout(target - env.now)])
            t.wake = None
            ctx.now_s = env.now
            departure = max(earliest, self.controller.departure_s(ctx))

    def _approach(self, t, trip: Trip, i: int, run_s: float, failed: tuple[Fault, float] | None, previous: int,
                  start: float):
        """Run to stop i under moving block; return (the wait for the train ahead [s], the train waited for).

        Its turn on the platform begins when the train ahead has left it; it arrives no sooner than the
        close-in time after that (TCQSM), nor sooner than its run allows.  A train that fails on the way
        claims the platform ahead at once (nothing passes it under moving block), stands for the fault's
        duration, then limps on.  ``start``: when the train left the stop before (now, or later when that
        departure was settled ahead of the clock).
        """
        env = self.env
        code, direction = trip.stops[i], trip.direction
        terminal = code in self.plan.terminal_in
        lead = self.plan.terminal_in[code][0] if terminal else self.plan.close_in.get((code, direction), 30.0)
        if run_s < lead:
            lead = run_s
        t_req = start + run_s - lead
        held, held_by = 0.0, ""
        if abs(self.index[code] - self.index[previous]) > 1:  # runs through stations on the way
            passed, held_by = yield from self._run_through(t, direction, previous, code, start, run_s)
            held = passed - start  # held up behind a train at one of them: the rest of the run starts later
            start, t_req = passed, t_req + held
        if failed is not None:
            t_req = min(t_req, start + failed[1])
            run_s += failed[0].duration_s
            if self._notifies:  # the control room hears of the failure when it happens, not when the train arrives
                self._tell_failure(t, failed, previous, code, start)
        if terminal:
            wait, holder = yield from self._approach_terminus(t, trip, i, start, run_s, lead, t_req, previous)
            return wait + held, holder or held_by
        turn = self.tracks[(code, direction)].claim(t.block)
        ahead = turn.ahead
        holder = ""
        grant = t_req
        if ahead is not None:
            holder = ahead.block
            if ahead.released_s is None:  # the train ahead is still on its way or at the platform
                if ahead.waiters is None:
                    ahead.waiters = env.event()
                yield ahead.waiters
            grant = ahead.released_s if ahead.released_s > t_req else t_req
        t.platform = turn
        arrival = start + run_s
        if grant + lead > arrival:
            arrival = grant + lead
        if arrival > env.now:
            yield env.timeout(arrival - env.now)
        return (grant - t_req if grant - t_req > 0.0 else 0.0) + held, holder or held_by

    def _run_through(self, t, direction: str, a: int, b: int, start: float, run_s: float):
        """Pass the stations between stops a and b in turn, as one more train on each platform track: a train
        standing at one is not overtaken (this one waits for it to leave, and comes by no sooner than the
        close-in time after), and the trains behind may have the track once this one has passed (at its
        share of the run by distance).  Returns when the run to b may be taken to have started [s] (``start``,
        or later when a train ahead held it up) and the train that held it up last ('' if none)."""
        line = self.s.line
        ia, ib = self.index[a], self.index[b]
        step = 1 if ib > ia else -1
        origin = line.stations[ia].chainage_m
        span = abs(line.stations[ib].chainage_m - origin)
        shift, held_by = 0.0, ""
        for k in range(ia + step, ib, step):
            p = line.stations[k].code
            track = self.tracks.get((p, direction))
            if track is None:  # a terminus between the stops: its platforms are not taken by passing
                continue
            turn = track.claim(t.block)
            ahead = turn.ahead
            passing = start + shift + run_s * abs(line.stations[k].chainage_m - origin) / span
            if ahead is not None:
                if ahead.released_s is None:  # the train ahead is still on its way there or standing there
                    if ahead.waiters is None:
                        ahead.waiters = self.env.event()
                    yield ahead.waiters
                behind = ahead.released_s + self.plan.close_in.get((p, direction), 30.0)
                if behind > passing:
                    shift += behind - passing
                    passing, held_by = behind, ahead.block
            turn.release(passing)
        return start + shift, held_by

    def _tell_failure(self, t, failed: tuple[Fault, float], previous: int, code: int, start: float) -> None:
        fault, after = failed
        line = self.s.line
        text = (f"{fault.label(line)}: stopped between {line.station(previous).name_en} and "
                f"{line.station(code).name_en} for {fault.duration_s:.0f} s")

        def tell(_event) -> None:
            self.told.add(fault.fault_id)
            self._notify("fault", t.block, code, "", fault.duration_s, text)

        self.env.timeout(start + after - self.env.now).callbacks.append(tell)

    def _approach_terminus(self, t, trip: Trip, i: int, start: float, run_s: float, lead: float, t_req: float,
                           previous: int):
        """The run into a terminus: a platform track of the terminus and the crossover before it."""
        env = self.env
        code, direction = trip.stops[i], trip.direction
        seg = (direction, previous, code)
        t_req = max(t_req, self.last_request.get(seg, -math.inf))  # no overtaking on the way in
        self.last_request[seg] = t_req
        if t_req > env.now:
            yield env.timeout(t_req - env.now)
        res = self.platforms[code]
        holder = next((self.holder.get(r) for r in res.users), "")
        req = res.request()
        self.holder[req] = t.block
        yield req
        granted = env.now
        extra = yield from self._cross(t, code, self.plan.terminal_in[code][1])
        arrival = max(start + run_s, env.now + lead) + extra
        # one track leads in: a train behind does not pass one that stands on it (a failed train), even with a
        # platform of the terminus free; it arrives no sooner than the close-in time after the one ahead
        ahead = self.last_in.get(seg)
        if ahead is not None and arrival < ahead[0] + lead:
            arrival = ahead[0] + lead
            granted, holder = max(granted, arrival - lead), ahead[1]
        self.last_in[seg] = (arrival, t.block)
        t.platform = (res, req)
        if arrival > env.now:
            yield env.timeout(arrival - env.now)
        return max(granted - t_req, 0.0), holder
