"""Build a full day's timetable from a service pattern.

1. Trip templates from the running-time calculation (allowance included) plus the pattern's dwells.
2. Departures from the Airport terminus band by band; across a band boundary the gap stays between the
   two bands' headways.  A ``"fleet"`` band gets the best headway the fleet and the infrastructure allow.
3. Every up trip turns back at Nurly Zhol after the turnback minimum and returns as a down trip; before
   the first one arrives there, trains stabled overnight at Nurly Zhol (``far_end_stabling``) start the
   down service at the same band times.
4. At the Airport each departure takes the train that became ready most recently; when none is ready a
   train pulls out of the depot, and a train that would wait longer than ``max_layover_s`` (default: the
   turnback minimum plus two headways) pulls in and out again if the depot round trip fits, or when it is
   not needed again.  Every up trip is thus covered, and trains in service never exceed the fleet
   (checked, with the numbers, before anything is built).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..conditions import Conditions
from ..errors import InputError
from ..headway import HeadwayReport, headway_report
from ..network import Line
from ..rollingstock import TrainSpec
from ..runtime import run_profile
from ..units import format_clock
from .model import BlockEvent, Timetable, Trip
from .pattern import ServicePattern

__all__ = ["build_timetable", "TripTemplate", "trip_template", "departure_times"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TripTemplate:
    """Arrival and departure offsets from the trip's start, one per stop [s]."""

    direction: str
    stops: tuple[int, ...]
    arrival_s: tuple[float, ...]
    departure_s: tuple[float, ...]

    @property
    def duration_s(self) -> float:
        return self.arrival_s[-1]

    def at(self, start_s: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Whole-second times of a trip starting at ``start_s``."""
        return (tuple(float(round(start_s + a)) for a in self.arrival_s),
                tuple(float(round(start_s + d)) for d in self.departure_s))


def trip_template(line: Line, train: TrainSpec, pattern: ServicePattern, direction: str,
                  conditions: Conditions = Conditions()) -> TripTemplate:
    """Offsets of every stop from the running-time calculation plus the pattern's dwells."""
    p = run_profile(line, train, direction=direction, conditions=conditions,
                    passengers=pattern.load_factor * train.capacity)
    arrivals, departures, t = [0.0], [0.0], 0.0
    for i, seg in enumerate(p.segments):
        t += seg.run_s
        arrivals.append(t)
        last = i == len(p.segments) - 1
        t += 0.0 if last else pattern.dwell_at(seg.to_code) * conditions.dwell_factor
        departures.append(t)
    return TripTemplate(direction=direction, stops=p.stops, arrival_s=tuple(arrivals), departure_s=tuple(departures))


def departure_times(pattern: ServicePattern, headways: list[float]) -> list[float]:
    """Departure times from the first band's start to the last band's end [s].

    ``headways`` gives each band's headway [s].  Across a boundary the next departure is
    ``max(boundary, last + min(h_old, h_new))`` once ``last + h_old`` passes the boundary.
    """
    bands = pattern.bands
    out = [bands[0].start_s]
    i = 0
    while True:
        t = out[-1]
        while i < len(bands) - 1 and t >= bands[i].end_s:
            i += 1
        nxt = t + headways[i]
        j = i
        while j < len(bands) - 1 and nxt >= bands[j].end_s:
            j += 1
        if j != i:
            nxt = max(bands[j].start_s, t + min(headways[i], headways[j]))
            i = j
        if nxt >= bands[-1].end_s:
            return out
        out.append(nxt)


def build_timetable(line: Line, train: TrainSpec, pattern: ServicePattern, *, conditions: Conditions = Conditions(),
                    max_layover_s: float | None = None, thin: bool = False) -> Timetable:
    """A full day's timetable for the pattern; InputError (naming the band) if the fleet cannot run it.

    With ``thin`` a band that needs more trains than are fit for service (``conditions.fleet_availability``)
    runs at the best headway the available trains allow instead (the service pattern thins).
    """
    up = trip_template(line, train, pattern, "up", conditions)
    down = trip_template(line, train, pattern, "down", conditions)
    report = headway_report(line, train, conditions=conditions, dwell_s=pattern.dwell_s,
                            reserve=pattern.reserve_trains, passengers=pattern.load_factor * train.capacity)
    headways = _band_headways(line, pattern, report, up, down, conditions, thin)
    turnback = pattern.turnback_min_s
    starts = departure_times(pattern, headways)
    depot = line.depot
    pull_out = depot.pull_out_s if depot else 0.0
    pull_in = depot.pull_in_s if depot else 0.0
    home = depot.station if depot else up.stops[0]

    trips, operations, waiting = _far_end_starts(pattern, up, down, starts, headways)
    blocks = len(trips)
    for n, start in enumerate(starts, start=1):
        ready = [w for w in waiting if w[0] <= start]
        if ready:
            chosen = ready[-1]
            waiting.remove(chosen)
            ready_s, block, last_trip = chosen
            arrived = ready_s - turnback
            wait = start - arrived
            long_wait = turnback + 2 * headways[_band_index(pattern, start)] if max_layover_s is None else max_layover_s
            if wait > long_wait and wait >= pull_in + pull_out + 300:  # rather than hold a platform: depot and back
                operations.append(_event(block, "pull_in", home, arrived, arrived + pull_in, last_trip, ""))
                operations.append(_event(block, "pull_out", home, start - pull_out, start, "", f"U{n:03d}"))
            else:
                operations.append(_event(block, "turnback", up.stops[0], arrived, start, last_trip, f"U{n:03d}"))
        else:
            blocks += 1
            block = f"T{blocks:02d}"
            operations.append(_event(block, "pull_out", home, start - pull_out, start, "", f"U{n:03d}"))
        arr, dep = up.at(start)
        trips.append(Trip(trip_id=f"U{n:03d}", block_id=block, direction="up", stops=up.stops, arrival_s=arr,
                          departure_s=dep, service_id=pattern.service_id))
        back = arr[-1] + turnback
        operations.append(_event(block, "turnback", up.stops[-1], arr[-1], back, f"U{n:03d}", f"D{n:03d}"))
        arr, dep = down.at(back)
        trips.append(Trip(trip_id=f"D{n:03d}", block_id=block, direction="down", stops=down.stops, arrival_s=arr,
                          departure_s=dep, service_id=pattern.service_id))
        waiting.append((arr[-1] + turnback, block, f"D{n:03d}"))
        waiting.sort()
    for ready_s, block, last_trip in waiting:
        arrived = ready_s - turnback
        operations.append(_event(block, "pull_in", home, arrived, arrived + pull_in, last_trip, ""))
    timetable = Timetable(
        name=pattern.name, service_id=pattern.service_id, days=pattern.days, start_date=pattern.start_date,
        end_date=pattern.end_date, trips=tuple(sorted(trips, key=lambda t: (t.start_s, t.trip_id))),
        operations=tuple(sorted(operations, key=lambda e: (e.start_s, e.block_id, e.event))),
        notes={"pattern": pattern.name, "pattern_file": Path(pattern.source).name if pattern.source else "",
               "built_by": "lrt timetable build",
               "running_time_load_factor": pattern.load_factor, "reserve_trains": pattern.reserve_trains})
    _check_fleet(timetable, line, pattern, conditions)
    return timetable


def _far_end_starts(pattern: ServicePattern, up: TripTemplate, down: TripTemplate, starts: list[float],
                    headways: list[float]) -> tuple[list[Trip], list[BlockEvent], list[tuple[float, str, str]]]:
    """Down trips from the far terminus before the first train arrives there from the Airport.

    Up to ``pattern.far_end_stabling`` trains stand overnight at the far end; each leaves at a band
    departure time (the same clock as the Airport's) that comes at least a headway before the first
    turned-back train, then joins the trains at the Airport.  Returns the trips, their block events and
    the (ready at the Airport, block, trip) entries of those trains.
    """
    trips: list[Trip] = []
    operations: list[BlockEvent] = []
    waiting: list[tuple[float, str, str]] = []
    if pattern.far_end_stabling <= 0 or not starts:
        return trips, operations, waiting
    first_turned = up.at(starts[0])[0][-1] + pattern.turnback_min_s
    early = [t for t in starts if t + headways[_band_index(pattern, t)] <= first_turned]
    for k, start in enumerate(early[:pattern.far_end_stabling], start=1):
        block, trip_id = f"T{k:02d}", f"DS{k}"
        operations.append(_event(block, "pull_out", down.stops[0], start - 60.0, start, "", trip_id))
        arr, dep = down.at(start)
        trips.append(Trip(trip_id=trip_id, block_id=block, direction="down", stops=down.stops, arrival_s=arr,
                          departure_s=dep, service_id=pattern.service_id))
        waiting.append((arr[-1] + pattern.turnback_min_s, block, trip_id))
    return trips, operations, sorted(waiting)


def _band_index(pattern: ServicePattern, t_s: float) -> int:
    return next((i for i, b in enumerate(pattern.bands) if b.start_s <= t_s < b.end_s), len(pattern.bands) - 1)


def _event(block, event, stop, start, end, from_trip, to_trip) -> BlockEvent:
    return BlockEvent(block_id=block, event=event, stop=stop, start_s=float(round(start)), end_s=float(round(end)),
                      from_trip=from_trip, to_trip=to_trip)


def _band_headways(line: Line, pattern: ServicePattern, report: HeadwayReport, up: TripTemplate,
                   down: TripTemplate, conditions: Conditions, thin: bool) -> list[float]:
    """Each band's headway [s]; ``fleet`` bands resolved; refuse (or thin) bands the fleet cannot run."""
    available = max(conditions.trains_available(line.operations.fleet) - pattern.reserve_trains, 1)
    cycle = up.duration_s + down.duration_s + 2 * pattern.turnback_min_s
    best = max(report.min_headway_s, cycle / available)
    # planners publish headways in steps of 15 s (a cycle worked out as 660.000000004 s for 660 s over 4 trains
    # is 165 s, not 180 s: the same tolerance as the trains needed below)
    best = math.ceil(best / 15.0 - 1e-9) * 15.0
    out = []
    for i, band in enumerate(pattern.bands):
        h = best if band.headway_s is None else band.headway_s
        where = f"bands[{i}] ({band.name} {format_clock(band.start_s)}-{format_clock(band.end_s)})"
        if thin:
            h = max(h, best)
        needed = math.ceil(cycle / h - 1e-9)
        if needed > available:
            raise InputError(pattern.source or "pattern", where,
                             f"headway {_mmss(h)} needs {needed} trains (cycle {_mmss(cycle)} / {_mmss(h)})",
                             f"at most {available} trains (fleet {line.operations.fleet} - {pattern.reserve_trains} "
                             f"reserve), i.e. a headway of at least {_mmss(cycle / available)}")
        if h < report.min_headway_s - 1e-9:
            raise InputError(pattern.source or "pattern", where, f"headway {_mmss(h)}",
                             f"at least the minimum headway {_mmss(report.min_headway_s)} "
                             f"({report.critical.kind} {report.critical.location})")
        out.append(h)
    return out


def _check_fleet(timetable: Timetable, line: Line, pattern: ServicePattern, conditions: Conditions) -> None:
    available = conditions.trains_available(line.operations.fleet) - pattern.reserve_trains
    moments = sorted({e.start_s for e in timetable.operations})
    counts = timetable.trains_in_service(moments)
    worst = max(range(len(moments)), key=lambda i: counts[i])
    if counts[worst] > available:
        raise InputError(pattern.source or "pattern", f"at {format_clock(moments[worst])}",
                         f"{counts[worst]} trains needed at once (band transitions)",
                         f"at most {available} (fleet {line.operations.fleet} - {pattern.reserve_trains} reserve)")


def _mmss(s: float) -> str:
    s = int(round(s))
    return f"{s // 60}:{s % 60:02d}"
