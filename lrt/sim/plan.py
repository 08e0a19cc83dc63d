"""Per-scenario constants: running-time tables, CBTC times and what each call of the timetable needs (done once,
reused by every seed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..energy import segment_energies
from ..headway import Signalling, guaranteed_braking, station_close_in, terminal_headway
from ..runtime import run_profile
from .scenario import Scenario

__all__ = ["Plan", "Leg", "make_plan", "make_leg", "plan_key"]


@dataclass(frozen=True, slots=True)
class Leg:
    """One stop-to-stop run of the timetable, empty and at the design load (linear between them).

    ``run_s`` as scheduled (the allowance driven as coasting) and ``fast_s`` flat out [s], each
    ``(empty, design load)``; ``run_kwh`` and ``fast_kwh`` the traction energy at the substations, each
    ``((drawn empty, drawn full), (returned empty, returned full))`` [kWh] (:mod:`lrt.energy`).
    """

    run_s: tuple
    fast_s: tuple
    run_kwh: tuple
    fast_kwh: tuple


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Per-scenario constants (running times and energies, close-in and terminal times, call details)."""

    legs: dict               # (direction, from, to) -> Leg, for every stop pair of the timetable's trips
    close_in: dict           # (code, direction) -> close-in time [s]
    terminal_in: dict        # terminal code -> (route set to stop [s], crossover held on arrival [s])
    terminal_out: dict       # terminal code -> crossover held on departure [s]
    capacity: int
    full_load: int
    planned_headway: dict    # (trip id, stop index) -> planned headway behind the previous trip there [s]
    serves: dict             # (trip id, stop index) -> destinations taken, for trips that skip stations
    made_for: tuple = ()     # what it was made for (plan_key): compared by value, the same in any process


def plan_key(scenario: Scenario) -> tuple:
    """What a plan depends on: the line, the train, the timetable's trips, the conditions, the capacity (compared
    by value: a hash would differ between processes)."""
    return (scenario.line.name, scenario.train.name, scenario.timetable.trips, scenario.conditions,
            scenario.options.capacity(scenario.train, scenario.conditions))


def make_leg(scenario: Scenario, direction: str, a: int, b: int, limit_ms: float | None = None) -> Leg:
    """One run from stop a to stop b (neighbours or not), empty and at the design load, as scheduled and flat out,
    under an extra speed limit over the whole run if given [m/s] (a temporary restriction, restricted manual)."""
    import dataclasses

    line, train, cond = scenario.line, scenario.train, scenario.conditions
    if limit_ms is not None:
        cap = limit_ms if cond.speed_cap_ms is None else min(limit_ms, cond.speed_cap_ms)
        cond = dataclasses.replace(cond, speed_cap_ms=cap)
    loads = (0.0, float(train.capacity))
    values = {}
    for kind, allowance in (("run", None), ("fast", 0.0)):
        for load in loads:
            p = run_profile(line, train, direction=direction, stops=[a, b], conditions=cond, passengers=load,
                            allowance=allowance)
            e = segment_energies(p, train, line, cond).total
            values[(kind, load)] = (p.running_s, e.drawn_kwh, e.returned_kwh)

    def pair(kind, k):
        return tuple(values[(kind, load)][k] for load in loads)

    return Leg(run_s=pair("run", 0), fast_s=pair("fast", 0), run_kwh=(pair("run", 1), pair("run", 2)),
               fast_kwh=(pair("fast", 1), pair("fast", 2)))


def make_plan(scenario: Scenario) -> Plan:
    """Running-time tables and CBTC times for a scenario (the physics, done once per run)."""
    line, train, cond = scenario.line, scenario.train, scenario.conditions
    runs: dict = {}  # (kind, load) -> {(direction, from, to): (run_s, drawn_kwh, returned_kwh)}
    profiles = {}

    def add(kind, load, profile):
        energy = segment_energies(profile, train, line, cond).segments
        table = runs.setdefault((kind, load), {})
        for seg, e in zip(profile.segments, energy):
            table[(profile.direction, seg.from_code, seg.to_code)] = (seg.run_s, e.drawn_kwh, e.returned_kwh)

    loads = (0.0, float(train.capacity))
    for direction in ("up", "down"):
        for load in loads:
            for kind, allowance in (("run", None), ("fast", 0.0)):
                p = run_profile(line, train, direction=direction, conditions=cond, passengers=load, allowance=allowance)
                add(kind, load, p)
                if load == train.capacity and kind == "run":
                    profiles[direction] = p  # CBTC times at the design load, as lrt headway computes them
    # trips that skip stations run between stops that are not neighbours on the line
    skipping = {(t.direction, a, b) for t in scenario.timetable.trips for a, b in zip(t.stops, t.stops[1:])}
    for direction, a, b in sorted(skipping - set(runs[("run", 0.0)])):
        for load in loads:
            for kind, allowance in (("run", None), ("fast", 0.0)):
                add(kind, load, run_profile(line, train, direction=direction, stops=[a, b], conditions=cond,
                                            passengers=load, allowance=allowance))

    def pair(kind, key, k):
        return tuple(runs[(kind, load)][key][k] for load in loads)

    legs = {key: Leg(run_s=pair("run", key, 0), fast_s=pair("fast", key, 0),
                     run_kwh=(pair("run", key, 1), pair("run", key, 2)),
                     fast_kwh=(pair("fast", key, 1), pair("fast", key, 2)))
            for key in runs[("run", 0.0)]}
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
    return Plan(legs=legs, close_in=close_in, terminal_in=t_in, terminal_out=t_out,
                capacity=scenario.options.capacity(train, cond), full_load=train.capacity,
                planned_headway=_planned_headways(scenario.timetable.trips),
                serves=_stops_served(line, scenario.timetable.trips), made_for=plan_key(scenario))


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

