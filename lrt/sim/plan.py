"""Per-scenario constants: running-time tables, CBTC times and what each call of the timetable needs (done once,
reused by every seed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..headway import Signalling, guaranteed_braking, station_close_in, terminal_headway
from ..runtime import run_profile
from .scenario import Scenario

__all__ = ["Plan", "make_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Per-run constants derived from the scenario (running times, close-in and terminal times)."""

    run_empty: dict          # (direction, from, to) -> scheduled run time, empty train [s]; every stop pair
                             # of the timetable's trips
    run_full: dict           # the same at the design load [s]
    fast_empty: dict         # flat-out run time, empty [s]
    fast_full: dict
    close_in: dict           # (code, direction) -> close-in time [s]
    terminal_in: dict        # terminal code -> (route set to stop [s], crossover held on arrival [s])
    terminal_out: dict       # terminal code -> crossover held on departure [s]
    capacity: int
    full_load: int
    planned_headway: dict    # (trip id, stop index) -> planned headway behind the previous trip there [s]
    serves: dict             # (trip id, stop index) -> destinations taken, for trips that skip stations


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
                if load_key == "full" and kind == "run":
                    profiles[direction] = p  # CBTC times at the design load, as lrt headway computes them
    # trips that skip stations run between stops that are not neighbours on the line
    skipping = {(t.direction, a, b) for t in scenario.timetable.trips for a, b in zip(t.stops, t.stops[1:])}
    for key in sorted(skipping - set(tables["run_empty"])):
        direction, a, b = key
        for name, load, allowance in (("run_empty", 0.0, None), ("run_full", train.capacity, None),
                                      ("fast_empty", 0.0, 0.0), ("fast_full", train.capacity, 0.0)):
            tables[name][key] = run_profile(line, train, direction=direction, stops=[a, b], conditions=cond,
                                            passengers=load, allowance=allowance).running_s
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
                capacity=scenario.options.capacity(train, cond), full_load=train.capacity,
                planned_headway=_planned_headways(scenario.timetable.trips),
                serves=_stops_served(line, scenario.timetable.trips))


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


def _stops_served(line, trips) -> dict:
    """Destinations a trip takes at each call, for trips that skip stations or end short of the line's end
    (a normal trip takes everyone travelling its way: no entry) [bool mask by station index]."""
    index = {code: k for k, code in enumerate(line.codes)}
    out = {}
    for trip in trips:
        pos = [index[c] for c in trip.stops]
        end = len(line.codes) - 1 if trip.direction == "up" else 0
        step = 1 if trip.direction == "up" else -1
        if pos == list(range(pos[0], end + step, step)):
            continue
        for i in range(len(pos) - 1):
            mask = np.zeros(len(line.codes), dtype=bool)
            mask[pos[i + 1:]] = True
            out[(trip.trip_id, i)] = mask
    return out

