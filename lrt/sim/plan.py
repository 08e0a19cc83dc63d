"""Per-run constants derived from a scenario: running-time tables and CBTC times (the physics, done once)."""

from __future__ import annotations

from dataclasses import dataclass

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
                capacity=scenario.options.capacity(train, cond), full_load=train.capacity)
