"""Check a timetable against the line, the train and the headway analysis.

Each finding is a :class:`Violation` with the trip, the train (block), the station, the time and the
numbers.  Checks: unknown stops, times outside the service day, times that do not increase (a
departure before the arrival, an arrival not after the previous departure), stops out of line order,
run times below the technical minimum, headways below the minimum at a station, turnbacks below the
minimum, a train in two places, more trains at a terminus than platform tracks, more trains out than
the fleet allows.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass

from ..conditions import Conditions
from ..errors import SimulationError
from ..headway import Signalling, headway_report
from ..limits import SERVICE_DAY_END_S
from ..network import DIRECTIONS, Line
from ..rollingstock import TrainSpec
from ..runtime import run_profile
from ..units import format_clock
from .model import Timetable, Trip

__all__ = ["Violation", "check_timetable"]

_TOLERANCE_S = 1.0  # times are published to the second
_ONE_PLACE = "each of a train's trips to start where and after the previous one ended (or via the depot)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One finding of :func:`check_timetable`: ``message`` says what was found, ``expected`` the rule."""

    kind: str
    time_s: float
    message: str
    expected: str = ""
    trip: str = ""
    train: str = ""
    station: str = ""

    @property
    def where(self) -> str:
        """The trip, train and station, for an error line (``trip U001 (train T05) at Baiterek``)."""
        parts = [f"trip {self.trip}"] if self.trip else []
        parts += ([f"(train {self.train})"] if self.trip else [f"train {self.train}"]) if self.train else []
        parts += [f"at {self.station}"] if self.station else []
        return " ".join(parts) or self.kind

    @property
    def clock(self) -> str:
        return format_clock(self.time_s) if _in_day(self.time_s) else "--:--:--"

    def __str__(self) -> str:
        parts = [self.clock, self.kind]
        parts += [f"trip {self.trip}"] if self.trip else []
        parts += [f"train {self.train}"] if self.train else []
        parts += [f"at {self.station}"] if self.station else []
        return "  ".join(parts) + f": {self.message}"


def check_timetable(timetable: Timetable, line: Line, train: TrainSpec, *, conditions: Conditions = Conditions(),
                    turnback_min_s: float | None = None, reserve: int | None = None,
                    load_factor: float = 0.0) -> list[Violation]:
    """All violations, in time order. ``load_factor`` sets the load for the technical minimum run times."""
    ops = line.operations
    turnback_min = ops.turnback_min_s if turnback_min_s is None else turnback_min_s
    reserve = ops.reserve_trains if reserve is None else reserve
    out: list[Violation] = _service_day(timetable)
    # a time outside the day is no time at all: such trips and moves take no part in the other checks
    timed = dataclasses.replace(timetable, trips=tuple(t for t in timetable.trips if all(map(_in_day, _times(t)))),
                                operations=tuple(e for e in timetable.operations
                                                 if _in_day(e.start_s) and _in_day(e.end_s)))
    known = set(line.codes)
    good: list[Trip] = []
    for trip in timed.trips:
        found = _trip_shape(trip, line, known)
        out += found
        if not found:
            good.append(trip)
    out += _run_times(good, line, train, conditions, load_factor)
    out += _headways(good, line, train, conditions)
    out += _blocks(timed, line, turnback_min)
    out += _terminal_occupancy(good, line, turnback_min)
    out += _fleet(timed, line, reserve, conditions)
    return sorted(out, key=lambda v: (v.time_s if _in_day(v.time_s) else -1.0, v.kind, v.trip))


def _in_day(t: float) -> bool:
    return math.isfinite(t) and 0 <= t <= SERVICE_DAY_END_S


def _times(trip: Trip) -> tuple[float, ...]:
    return trip.arrival_s + trip.departure_s


def _service_day(timetable: Timetable) -> list[Violation]:
    """Times before 00:00:00 or after the end of the service day (:data:`~lrt.limits.SERVICE_DAY_END_S`)."""
    expected = f"times from 00:00:00 to {format_clock(SERVICE_DAY_END_S)} (the service day)"
    out = []
    for trip in timetable.trips:
        bad = [t for t in _times(trip) if not _in_day(t)]
        if bad:
            out.append(Violation(kind="service day", time_s=bad[0], trip=trip.trip_id, train=trip.block_id,
                                 message=f"a time of {bad[0]:g} s", expected=expected))
    for e in timetable.operations:
        bad = [t for t in (e.start_s, e.end_s) if not _in_day(t)]
        if bad:
            out.append(Violation(kind="service day", time_s=bad[0], train=e.block_id,
                                 message=f"{e.event.replace('_', '-')} at {bad[0]:g} s", expected=expected))
    return out


def _name(line: Line, code: int) -> str:
    try:
        return line.station(code).name_en
    except KeyError:
        return str(code)


def _trip_shape(trip: Trip, line: Line, known: set[int]) -> list[Violation]:
    out = []
    for code, t in zip(trip.stops, trip.arrival_s):
        if code not in known:
            out.append(Violation(kind="unknown stop", time_s=t, trip=trip.trip_id, train=trip.block_id,
                                 station=str(code), message=f"stop {code} is not a station of {line.name}",
                                 expected=f"a station of {line.name} ({line.codes[0]}-{line.codes[-1]})"))
    if out:
        return out
    for i, code in enumerate(trip.stops):
        if trip.departure_s[i] < trip.arrival_s[i]:
            out.append(Violation(kind="time order", time_s=trip.arrival_s[i], trip=trip.trip_id, train=trip.block_id,
                                 station=_name(line, code),
                                 message=f"departs {format_clock(trip.departure_s[i])} before it arrives "
                                         f"{format_clock(trip.arrival_s[i])}",
                                 expected="a departure not before the arrival (a dwell >= 0)"))
        if i and trip.arrival_s[i] <= trip.departure_s[i - 1]:
            out.append(Violation(kind="time order", time_s=trip.departure_s[i - 1], trip=trip.trip_id,
                                 train=trip.block_id, station=_name(line, code),
                                 message=f"arrives {format_clock(trip.arrival_s[i])}, not after the departure from "
                                         f"{_name(line, trip.stops[i - 1])} at {format_clock(trip.departure_s[i - 1])}",
                                 expected="times that increase along the trip"))
    idx = [line.index(c) for c in trip.stops]
    step = 1 if trip.direction == "up" else -1
    for a, b, code in zip(idx, idx[1:], trip.stops[1:]):
        if (b - a) * step <= 0:
            out.append(Violation(kind="stop order", time_s=trip.start_s, trip=trip.trip_id, train=trip.block_id,
                                 station=_name(line, code),
                                 message=f"{_name(line, code)} does not follow {line.stations[a].name_en} "
                                         f"in the {trip.direction} direction",
                                 expected=f"stops in line order in the {trip.direction} direction"))
    return out


def _run_times(trips, line, train, conditions, load_factor) -> list[Violation]:
    minimum: dict[tuple[str, int, int], float] = {}
    load = load_factor * train.capacity
    for direction in sorted({trip.direction for trip in trips if len(trip.stops) > 1} & set(DIRECTIONS)):
        # every station-to-station run at once (a run between two stops does not depend on the runs around it);
        # the same flat-out runs the simulation plans with (lrt.sim.plan), worked out once in a command
        try:
            whole = run_profile(line, train, direction=direction, conditions=conditions, allowance=0.0,
                                passengers=load)
        except (SimulationError, ValueError):  # somewhere on the line the train cannot run: leg by leg below
            continue
        for seg in whole.segments:
            minimum[(direction, seg.from_code, seg.to_code)] = seg.run_s
    out = []
    for trip in trips:
        for i in range(len(trip.stops) - 1):
            a, b = trip.stops[i], trip.stops[i + 1]
            key = (trip.direction, a, b)
            if key not in minimum:  # a trip that runs through stations
                minimum[key] = run_profile(line, train, direction=trip.direction, stops=[a, b], conditions=conditions,
                                           allowance=0.0, passengers=load).running_s
            run = trip.arrival_s[i + 1] - trip.departure_s[i]
            if run < minimum[key] - _TOLERANCE_S:
                out.append(Violation(kind="run time", time_s=trip.departure_s[i], trip=trip.trip_id, train=trip.block_id,
                                     station=f"{_name(line, a)} → {_name(line, b)}",
                                     message=f"scheduled {run:.0f} s, below the technical minimum {minimum[key]:.1f} s",
                                     expected=f"at least the technical minimum (flat out, no allowance) less "
                                              f"{_TOLERANCE_S:g} s"))
    return out


def _headways(trips, line, train, conditions) -> list[Violation]:
    report = headway_report(line, train, conditions=conditions)  # the design load, as the simulation uses
    close_in = {(loc.location, loc.direction): loc.detail["close_in_s"] for loc in report.locations
                if loc.kind == "station"}
    terminal = {loc.location: loc.headway_s for loc in report.locations if loc.kind == "terminal"}
    margin = Signalling().operating_margin_s
    calls: dict[tuple[int, str], list[tuple[float, float, Trip]]] = defaultdict(list)
    for trip in trips:
        for code, arr, dep in list(zip(trip.stops, trip.arrival_s, trip.departure_s))[:-1]:
            calls[(code, trip.direction)].append((dep, arr, trip))
    out = []
    for (code, direction), seq in sorted(calls.items()):
        seq.sort(key=lambda c: c[0])
        name = _name(line, code)
        for (dep0, _, lead), (dep1, arr1, follow) in zip(seq, seq[1:]):
            if (name, direction) in close_in:
                need = close_in[(name, direction)] + (dep1 - arr1) + margin
                what = "station"
            else:  # the origin terminus: trains leave alternately from its platforms
                need = terminal.get(name, 0.0)
                what = "terminal"
            if dep1 - dep0 < need - _TOLERANCE_S:
                out.append(Violation(kind="headway", time_s=dep1, trip=follow.trip_id, train=follow.block_id,
                                     station=name,
                                     message=f"departs {dep1 - dep0:.0f} s after trip {lead.trip_id} "
                                             f"(train {lead.block_id}); the minimum {what} headway here is {need:.0f} s",
                                     expected=f"a headway of at least {need:.0f} s"))
    return out


def _blocks(timetable: Timetable, line: Line, turnback_min: float) -> list[Violation]:
    out = []
    depot = line.depot.station if line.depot else None
    events = defaultdict(list)
    for e in timetable.operations:
        events[e.block_id].append(e)
    for block, trips in timetable.blocks().items():
        moves = sorted((e for e in events[block] if e.event != "turnback"), key=lambda e: e.start_s)
        for prev, nxt in zip(trips, trips[1:]):
            if nxt.start_s < prev.end_s:
                out.append(Violation(kind="train in two places", time_s=nxt.start_s, trip=nxt.trip_id, train=block,
                                     station=_name(line, nxt.origin),
                                     message=f"starts {format_clock(nxt.start_s)} before trip {prev.trip_id} ends "
                                             f"{format_clock(prev.end_s)}", expected=_ONE_PLACE))
                continue
            via_depot = [e for e in moves if prev.end_s <= e.start_s and e.end_s <= nxt.start_s]
            if nxt.origin != prev.destination and not (
                    {e.event for e in via_depot} == {"pull_in", "pull_out"}
                    and prev.destination == depot and nxt.origin == depot):
                out.append(Violation(kind="train in two places", time_s=nxt.start_s, trip=nxt.trip_id, train=block,
                                     station=_name(line, nxt.origin),
                                     message=f"starts at {_name(line, nxt.origin)} but trip {prev.trip_id} ended at "
                                             f"{_name(line, prev.destination)}", expected=_ONE_PLACE))
            elif not via_depot and nxt.start_s - prev.end_s < turnback_min - _TOLERANCE_S:
                out.append(Violation(kind="turnback", time_s=prev.end_s, trip=nxt.trip_id, train=block,
                                     station=_name(line, nxt.origin),
                                     message=f"{nxt.start_s - prev.end_s:.0f} s between trip {prev.trip_id} and "
                                             f"{nxt.trip_id}, below the turnback minimum {turnback_min:.0f} s",
                                     expected=f"a layover of at least {turnback_min:.0f} s"))
        for e in moves:
            for trip in trips:
                if e.start_s < trip.end_s - _TOLERANCE_S and trip.start_s < e.end_s - _TOLERANCE_S:
                    out.append(Violation(kind="train in two places", time_s=e.start_s, trip=trip.trip_id, train=block,
                                         station=_name(line, e.stop),
                                         message=f"{e.event.replace('_', '-')} {format_clock(e.start_s)}-"
                                                 f"{format_clock(e.end_s)} overlaps trip {trip.trip_id}",
                                         expected=_ONE_PLACE))
    return out


def _terminal_occupancy(trips, line: Line, turnback_min: float) -> list[Violation]:
    """Trains standing at a terminus at once: from arrival to departure (or turnback minimum if none)."""
    out = []
    for term in line.terminals:
        stays = []
        by_block = defaultdict(list)
        for t in trips:
            by_block[t.block_id].append(t)
        for block, seq in by_block.items():
            seq.sort(key=lambda t: t.start_s)
            for prev, nxt in zip(seq, seq[1:]):
                if prev.destination == term.station and nxt.origin == term.station and nxt.start_s - prev.end_s < 3600:
                    stays.append((prev.end_s, nxt.start_s, block))
        edges = sorted([(a, 1, b) for a, _, b in stays] + [(d, -1, b) for _, d, b in stays])
        present = set()
        for t, step, block in edges:
            if step > 0:
                present.add(block)
                if len(present) > term.platform_tracks:
                    out.append(Violation(kind="platforms", time_s=t, train=block, station=_name(line, term.station),
                                         message=f"{len(present)} trains at the terminus "
                                                 f"({', '.join(sorted(present))}), it has {term.platform_tracks} "
                                                 f"platform tracks",
                                         expected=f"at most {term.platform_tracks} trains at the terminus at once"))
            else:
                present.discard(block)
    return out


def _fleet(timetable: Timetable, line: Line, reserve: int, conditions: Conditions) -> list[Violation]:
    """One finding per period with more trains out of the depot than the fleet allows, with its peak."""
    fit = conditions.trains_available(line.operations.fleet)
    available = max(fit - reserve, 0)  # below zero no moment would end the excess, and nothing was reported
    fleet_text = (f"fleet {line.operations.fleet}" if fit == line.operations.fleet else
                  f"{fit} of {line.operations.fleet} fit for service in {conditions.name} conditions")
    spans = [(a, b) for block in timetable.blocks() for a, b in timetable.out_intervals(block)]
    moments = sorted({a for a, _ in spans} | {b for _, b in spans})
    out, start, peak = [], None, 0
    for t in moments:
        count = sum(1 for a, b in spans if a <= t < b)
        if count > available:
            start = t if start is None else start
            peak = max(peak, count)
        elif start is not None:
            out.append(Violation(kind="fleet", time_s=start,
                                 message=f"up to {peak} trains out at once until {format_clock(t)}, {available} "
                                         f"available ({fleet_text} - {reserve} reserve)",
                                 expected=f"at most {available} trains out of the depot at once"))
            start, peak = None, 0
    return out
