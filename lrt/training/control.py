"""The control room: a trainee's decisions applied to the simulation through its controller interface.

:class:`ControlRoom` is a :class:`~lrt.sim.Controller`: the engine asks it, like any controller, when
each train may leave, what orders it has at a call and what speed limit holds on a run.  A decision
(:class:`Decision`) changes what it answers from then on; one the line cannot carry out is refused with
the reason (:class:`Refused`) and changes nothing.  The actions (docs/exercises.md):

* ``hold``: a train waits at its station (or the next one) for ``seconds``, or until ``headway_s`` after
  the train before it left there;
* ``short_turn``: at a station with a crossover ahead of the train, it ends its trip, its passengers for
  beyond wait for the next train, and it runs its next trip from there as soon as it can (into the gap ahead
  of its own timetable path, which it rejoins at the terminus);
* ``skip``: it runs through the ``stations`` ahead without stopping (refused while passengers on board travel
  to one of them: the simulation cannot carry them past their station and back);
* ``spare``: a spare train from the depot runs ``trips`` round trips from the depot's terminus (the
  first leaves ``spare_delay_s`` after the decision: the time to prepare and pull it out);
* ``withdraw``: a train ends its trip at its next station (everyone off) and goes to the depot;
* ``reduce``: from now on at most ``trains`` trains in service: the others are withdrawn when they next
  leave the depot's terminus, and the trains left are held for even headways;
* ``restrict``: a temporary speed limit between two neighbouring stations, until a time or the day's end;
* ``authorise_rm``: trains may enter a section whose signalling (CBTC) has failed, in restricted manual
  at 25 km/h, after a minute to change mode (without it they wait at the station before it until the
  signalling is restored);
* ``nothing``.

Rules of the exercise count violations (a hold longer than ``max_hold_s``, fewer trains than
``min_trains``, a skip of a station in ``no_skip``); the decision is carried out, and the score counts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..io.decisions import Decision
from ..sim.controller import Controller, Orders, OpsEvent, Regulation, StopContext
from ..units import KMH, format_clock

__all__ = ["Decision", "Refused", "ControlRoom", "RM_SPEED_KMH", "RM_CHANGE_S"]

RM_SPEED_KMH = 25.0
"""Restricted manual driving: the ATP ceiling [km/h] (training-and-batch reference: Delhi §60(3),
Bangalore §20(7))."""
RM_CHANGE_S = 60.0
"""Time for an attendant to take over and change the train to restricted manual at a station [s] (estimate)."""


class Refused(Exception):
    """A decision the line cannot carry out; ``str()`` is the reason."""


@dataclass
class _Hold:
    seconds: float | None
    headway_s: float | None
    set_s: float
    call: tuple | None = None  # the call it applies to, once the train asks there


@dataclass
class ControlRoom(Controller):
    """The controller of a control-room exercise (see the module docstring)."""

    spec: object                       # lrt.io.control.ControlSpec
    options: object                    # lrt.sim.SimOptions
    holds: dict = field(default_factory=dict)
    withdraw: set = field(default_factory=set)
    turn_back: dict = field(default_factory=dict)
    turned: dict = field(default_factory=dict)  # block -> the trip it was turned back on
    skips: dict = field(default_factory=dict)
    restrictions: list = field(default_factory=list)
    authorised: dict = field(default_factory=dict)
    reduce_to: int | None = None
    violations: list = field(default_factory=list)
    fired: list = field(default_factory=list)
    spares: int = 0

    holds_may_change = True

    def __post_init__(self) -> None:
        self.sim = None
        self.regulation = Regulation(self.options)
        self.even = Regulation(replace(self.options, headway_holding=True))
        self.free = Regulation(replace(self.options, hold_station_departures=False))
        self.free_even = Regulation(replace(self.options, hold_station_departures=False, headway_holding=True))
        self._waiting = [p for p in self.spec.points if p.on != "time"]

    # -- the engine's questions ------------------------------------------------------------------
    def bind(self, simulation) -> None:
        self.sim = simulation

    def departure_s(self, ctx: StopContext) -> float:
        t = (self.even if self.reduce_to is not None else self.regulation).departure_s(ctx)
        turned = self.turned.get(ctx.block)
        if turned is not None and ctx.index == 0:
            del self.turned[ctx.block]  # back on its timetable from the terminus
        elif turned is not None and ctx.trip_id != turned:
            # turned back short, it runs into the gap ahead of its own timetable path: held to that path it
            # would stand at the platform until its planned time and block the trains due before it
            t = (self.free_even if self.reduce_to is not None else self.free).departure_s(ctx)
        hold = self.holds.get(ctx.block)
        call = (ctx.trip_id, ctx.index)
        if hold is not None and hold.call in (None, call):
            hold.call = call
            if hold.seconds is not None:
                t = max(t, max(hold.set_s, ctx.earliest_departure_s) + hold.seconds)
            elif ctx.previous_departure_s is not None:
                t = max(t, ctx.previous_departure_s + hold.headway_s)
        if ctx.next_station is not None:
            section = frozenset((ctx.station, ctx.next_station))
            failure = self._failed(section, ctx.now_s)
            if failure is not None:
                since = self.authorised.get(section)
                # without restricted manual the train waits for the signalling to be restored (not for ever:
                # nothing would wake it when the failure ends)
                t = max(t, failure.end_s) if since is None else max(t, since + RM_CHANGE_S)
        return t

    def orders(self, ctx: StopContext) -> Orders | None:
        block = ctx.block
        hold = self.holds.get(block)
        if hold is not None and hold.call not in (None, (ctx.trip_id, ctx.index)):
            del self.holds[block]  # a hold is for one call: the train has left it
        if block in self.withdraw:
            self.withdraw.discard(block)
            return Orders(withdraw=True)
        if self.turn_back.get(block) == ctx.station:
            del self.turn_back[block]
            self.turned[block] = ctx.trip_id
            return Orders(turn_back=True)
        if (self.reduce_to is not None and ctx.index == 0 and self.sim is not None
                and ctx.station == self._depot_station() and self._in_service() > self.reduce_to):
            return Orders(withdraw=True)
        skip = self.skips.pop(block, None)
        if skip and self.sim is not None:
            # passengers who boarded since the decision and are bound for a station to be run through: the train
            # stops there for them (the simulation cannot carry a passenger past the station and back)
            skip = {c for c in skip if not self._bound_for(self.sim.states[block], c)}
        return Orders(skip=frozenset(skip)) if skip else None

    def leg_limit_ms(self, direction: str, a: int, b: int, now_s: float) -> float | None:
        section = frozenset((a, b))
        limit = None
        for sec, limit_ms, start, until in self.restrictions:
            if sec == section and start <= now_s < until:
                limit = limit_ms if limit is None else min(limit, limit_ms)
        if section in self.authorised and self._failed(section, now_s) is not None:
            rm = RM_SPEED_KMH * KMH
            limit = rm if limit is None else min(limit, rm)
        return limit

    def notify(self, event: OpsEvent) -> None:
        for point in list(self._waiting):
            if event.time_s < point.after_s:
                continue
            hit = ((point.on == "fault" and event.kind == "fault")
                   or (point.on == "delay" and event.kind == "departure" and event.value > point.over)
                   or (point.on == "crowd" and event.kind == "arrival" and event.station == point.station
                       and event.value > point.over))
            if hit:
                self._waiting.remove(point)
                self.fired.append((point, event))
                if self.sim is not None:
                    self.sim.pause()
                return

    # -- the trainee's decisions -----------------------------------------------------------------
    def apply(self, d: Decision, now: float) -> str:
        """Carry out a decision now; returns what was done, or raises :class:`Refused` with the reason."""
        if d.action not in self.spec.actions:
            raise Refused(f"{d.action} is not one of this exercise's actions ({', '.join(self.spec.actions)})")
        line = self.sim.s.line
        if d.action in ("hold", "short_turn", "skip", "withdraw"):
            t = self._train(d.train)
        if d.action == "hold":
            if (d.seconds is None) == (d.headway_s is None):
                raise Refused("a hold needs either seconds or a headway")
            if d.seconds is not None and d.seconds > self.spec.max_hold_s:
                self.violations.append(f"{format_clock(now)} held {d.train} {d.seconds:.0f} s, over the "
                                       f"{self.spec.max_hold_s:.0f} s the rules allow")
            self.holds[d.train] = _Hold(seconds=d.seconds, headway_s=d.headway_s, set_s=now)
        elif d.action == "short_turn":
            if line.crossover(d.station) is None:
                where = ", ".join(f"{line.station(c.station).name_en} ({c.station})" for c in line.crossovers)
                raise Refused(f"{_name(line, d.station)} has no crossover to turn a train back (crossovers: "
                              f"{where or 'none'})")
            ahead = self._ahead(t)
            if d.station not in ahead[:-1]:
                raise Refused(f"{d.train} does not reach {_name(line, d.station)} before the end of its trip "
                              f"(next: {', '.join(_name(line, c) for c in ahead[:3]) or 'none'})")
            self.turn_back[d.train] = d.station
        elif d.action == "skip":
            ahead = self._ahead(t)
            bad = [c for c in d.stations if c not in ahead[:-1]]
            if bad or not d.stations:
                raise Refused(f"{d.train} can only run through stations ahead of it before its last stop "
                              f"({', '.join(_name(line, c) for c in ahead[:-1]) or 'none'})")
            bound = {c: self._bound_for(t, c) for c in d.stations}
            if any(bound.values()):
                who = ", ".join(f"{n} for {_name(line, c)}" for c, n in bound.items() if n)
                raise Refused(f"{d.train} carries passengers to the stations it would run through ({who}): a "
                              f"train runs through only stations nobody on board is travelling to")
            for c in d.stations:
                if c in self.spec.no_skip:
                    self.violations.append(f"{format_clock(now)} {d.train} ran through {_name(line, c)}, which the "
                                           f"rules say every train serves")
            self.skips[d.train] = set(d.stations)
        elif d.action == "withdraw":
            self.withdraw.add(d.train)
        elif d.action == "spare":
            self._spare(d, now)
        elif d.action == "reduce":
            if d.trains is None or d.trains < 1:
                raise Refused("reduce needs a number of trains to keep in service (at least 1)")
            if d.trains < self.spec.min_trains:
                self.violations.append(f"{format_clock(now)} service reduced to {d.trains} trains, below the "
                                       f"{self.spec.min_trains} the rules require")
            self.reduce_to = d.trains
        elif d.action == "restrict":
            self._section(d)
            if d.limit_kmh is None or not 5 <= d.limit_kmh <= 80:
                raise Refused("a speed restriction needs a limit from 5 to 80 km/h")
            until = d.until_s if d.until_s is not None else math.inf
            if until <= now:
                raise Refused(f"the restriction ends at {format_clock(until)}, before now ({format_clock(now)})")
            self.restrictions.append((frozenset(d.section), d.limit_kmh * KMH, now, until))
        elif d.action == "authorise_rm":
            self._section(d)
            section = frozenset(d.section)
            if self._failed(section, now) is None:
                raise Refused(f"the signalling between {_name(line, d.section[0])} and {_name(line, d.section[1])} "
                              f"works: restricted manual is for a section whose CBTC has failed")
            self.authorised[section] = now
        self.sim.reconsider()
        return d.text(line)

    # -- helpers ---------------------------------------------------------------------------------
    def _train(self, block: str):
        t = self.sim.states.get(block)
        if t is None or not self.sim.trains[block].is_alive or not t.out:
            in_service = ", ".join(sorted(b for b, p in self.sim.trains.items() if p.is_alive)) or "none"
            raise Refused(f"train {block!r} is not in service (in service: {in_service})")
        return t

    def _ahead(self, t) -> list[int]:
        """The stations still ahead of a train on its trip (its current station excluded)."""
        trip = t.trip
        if trip is None:
            return []
        here = t.at if t.at is not None else None
        if here is not None and here in trip.stops:
            return list(trip.stops[trip.stops.index(here) + 1:])
        if t.next_code in trip.stops:
            return list(trip.stops[trip.stops.index(t.next_code):])
        return []

    def _bound_for(self, t, code: int) -> int:
        """Passengers on board train state ``t`` travelling to station ``code``."""
        load = t.load
        return int(load.dest[self.sim.index[code]]) if load is not None else 0

    def _section(self, d: Decision) -> None:
        line = self.sim.s.line
        if d.section is None or len(d.section) != 2 or any(c not in line.codes for c in d.section) \
                or abs(line.index(d.section[0]) - line.index(d.section[1])) != 1:
            raise Refused("a section is two neighbouring stations, e.g. 113-114")

    def _failed(self, section: frozenset, now: float):
        for f in self.spec.signalling:
            if frozenset(f.section) == section and f.start_s <= now < f.end_s:
                return f
        return None

    def _depot_station(self) -> int:
        line = self.sim.s.line
        return line.depot.station if line.depot is not None else line.codes[0]

    def _in_service(self) -> int:
        return sum(1 for b, t in self.sim.states.items() if self.sim.trains[b].is_alive and t.out)

    def _spare(self, d: Decision, now: float) -> None:
        sim = self.sim
        if sim.reserves <= 0:
            raise Refused("no spare train is left: every train fit for service is already out")
        rounds = d.trains or 1
        depot = self._depot_station()
        tt = sim.s.timetable
        up = next((t for t in tt.trips if t.origin == depot and t.stops[-1] != depot), None)
        down = next((t for t in tt.trips if t.destination == depot and t.origin == (up.destination if up else None)),
                    None)
        if up is None or down is None:
            raise Refused("the timetable has no round trip from the depot's terminus to copy")
        self.spares += 1
        block = f"SP{self.spares}"
        start = now + self.spec.spare_delay_s
        trips = []
        for k in range(rounds):
            for template, tag in ((up, "U"), (down, "D")):
                shift = start - template.start_s
                trips.append(replace(template, trip_id=f"{block}-{tag}{k + 1}", block_id=block,
                                     arrival_s=tuple(x + shift for x in template.arrival_s),
                                     departure_s=tuple(x + shift for x in template.departure_s)))
                start = trips[-1].end_s + sim.s.line.operations.turnback_min_s
        sim.reserves -= 1
        sim.start_train(block, trips)


def _name(line, code) -> str:
    try:
        return line.station(code).name_en
    except (KeyError, TypeError):
        return str(code)
