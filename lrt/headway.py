"""Minimum headway and capacity of a moving-block (CBTC) line, following the TCQSM structure.

TCRP Report 165 (Transit Capacity and Quality of Service Manual, 3rd ed.), chapter 8: at a station
``h = t_cs + t_d + t_om`` (close-in time, dwell, operating margin).  The moving-block close-in time
is assembled from its components (engineering reference, section 2)::

    t_cs = sqrt(2·(L + P_mb)/a) + (t_os + t_jl + t_br) + v_a/d + (v_a/(2·d))·(1/K − 1)

L train length, P_mb moving-block safety margin, a acceleration, d guaranteed service braking,
v_a approach speed, t_os operating sensing, t_jl jerk limit, t_br brake reaction, K braking safety
factor.  Between stations the separation is (L + P_mb + v²/(2·d·K) + v·(t_os + t_jl + t_br)) / v at
every point of the running profile.  At a terminus with a scissors crossover before the platforms
the crossover is used by one movement at a time and each platform serves every n-th train (see
:func:`terminal_headway`).  Pure functions of a RunProfile; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .conditions import Conditions, curtius_kniffler
from .network import Line
from .rollingstock import TrainSpec
from .runtime import RunProfile, run_both
from .units import G

__all__ = ["Signalling", "Location", "HeadwayReport", "close_in_time", "line_separation", "terminal_headway",
           "station_close_in", "headway_report", "guaranteed_braking", "available_acceleration"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Signalling:
    """Moving-block CBTC parameters (TCQSM typical values [R]).

    Parameters
    ----------
    safety_margin_m : float
        Moving-block safety margin P_mb [m].
    sensing_s, jerk_s, brake_reaction_s : float
        Operating sensing t_os, jerk-limit t_jl and brake-reaction t_br times [s].
    operating_margin_s : float
        Operating margin t_om added to every headway [s].
    min_line_speed_ms : float
        Line separation is evaluated where the train runs at least this fast; slower running near a
        stop is the station's close-in case [m/s].
    """

    safety_margin_m: float = 50.0
    sensing_s: float = 3.0
    jerk_s: float = 0.5
    brake_reaction_s: float = 1.5
    operating_margin_s: float = 20.0
    min_line_speed_ms: float = 8.0

    @property
    def reaction_s(self) -> float:
        return self.sensing_s + self.jerk_s + self.brake_reaction_s


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """One place's minimum headway [s]: ``kind`` station, line or terminal."""

    kind: str
    location: str
    direction: str
    headway_s: float
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadwayReport:
    """Minimum headway, capacity and the fleet-limited headway of a line.

    Attributes
    ----------
    min_headway_s : the controlling (largest) minimum headway [s]
    critical : the Location that controls it
    capacity_trains_per_hour, capacity_pphpd : at the minimum headway [1/h], [passengers/h/direction]
    cycle_time_s : both one-way runs with dwells plus both turnbacks [s]
    trains_in_service : trains fit for service (fleet × availability) minus the reserve [1]
    fleet_limited_headway_s : cycle time / trains in service [s]
    """

    min_headway_s: float
    critical: Location
    capacity_trains_per_hour: float
    capacity_pphpd: float
    cycle_time_s: float
    trains_in_service: int
    fleet_limited_headway_s: float
    one_way_s: dict
    turnback_s: dict
    locations: tuple[Location, ...]
    conditions: str = "normal"

    @property
    def operable_headway_s(self) -> float:
        """The best headway both the infrastructure and the fleet allow [s]."""
        return max(self.min_headway_s, self.fleet_limited_headway_s)


def guaranteed_braking(train: TrainSpec, conditions: Conditions, rate_ms2: float) -> float:
    """The braking rate CBTC can guarantee [m/s²]: the service rate scaled by the conditions and capped by
    the adhesion available (μ·g on the braked share of the weight)."""
    mu = conditions.adhesion_braking if conditions.adhesion_braking is not None else 0.25
    return min(rate_ms2 * conditions.braking_rate_factor, mu * G * train.braked_axle_share)


def available_acceleration(train: TrainSpec, conditions: Conditions, rate_ms2: float) -> float:
    """The acceleration a train can hold from a standstill [m/s²]: the ATO rate capped by the adhesion on
    the driven axles (dry rail: Curtius–Kniffler at standstill)."""
    mu = conditions.adhesion_traction if conditions.adhesion_traction is not None else curtius_kniffler(0.0)
    return min(rate_ms2, mu * G * train.driven_axle_share)


def close_in_time(*, length_m: float, approach_ms: float, accel_ms2: float, decel_ms2: float,
                  k: float, sig: Signalling) -> float:
    """TCQSM moving-block close-in time t_cs [s] (formula in the module docstring)."""
    return (math.sqrt(2 * (length_m + sig.safety_margin_m) / accel_ms2) + sig.reaction_s
            + approach_ms / decel_ms2 + approach_ms / (2 * decel_ms2) * (1 / k - 1))


def line_separation(speed_ms: np.ndarray, *, length_m: float, decel_ms2: float, k: float,
                    sig: Signalling) -> np.ndarray:
    """Time separation needed at running speed v under moving block [s]."""
    v = np.asarray(speed_ms, dtype=float)
    return (length_m + sig.safety_margin_m + v**2 / (2 * decel_ms2 * k) + v * sig.reaction_s) / v


def _approach_speed(p: RunProfile, stop: int) -> float:
    """Speed where the final braking into stop number ``stop`` begins [m/s]."""
    k_end = p.stop_index[stop]
    k_start = p.stop_index[stop - 1]
    braking = p.force_n[k_start:k_end] < 0
    not_braking = np.nonzero(~braking)[0]
    k = k_start + (not_braking[-1] + 1 if len(not_braking) else 0)
    return float(p.speed_ms[k])


def _time_at(p: RunProfile, chainage_m: float) -> float:
    """Time the head passes a chainage on a profile (clamped to the run) [s]."""
    c = p.chainage_m if p.direction == "up" else -p.chainage_m
    x = chainage_m if p.direction == "up" else -chainage_m
    return float(np.interp(x, c, p.time_s))


def terminal_headway(line: Line, train: TrainSpec, arrival: RunProfile, departure: RunProfile, *, station: int,
                     turnback_s: float, decel_ms2: float, k: float, sig: Signalling,
                     platform_tracks: int | None = None, crossover_length_m: float = 120.0) -> Location:
    """Turnback headway at a terminus with a crossover before the platforms [s].

    The crossover carries one movement at a time: an arriving train holds it from the moment its
    route must be set (its braking distance plus the safety margin before the crossover) until its
    tail clears it; a departing train from its start until its tail clears it; each needs a switch
    throw and sensing.  Each of the ``n`` platforms serves every n-th train: the arrival, the layover
    ``turnback_s`` and the departure must fit in n headways.  The larger bound plus the operating
    margin is the turnback headway.
    """
    term = line.terminal(station)
    if term is None:
        raise ValueError(f"station {station} is not a terminus of {line.name}")
    n = platform_tracks or term.platform_tracks
    sgn_in = 1.0 if arrival.direction == "up" else -1.0
    x_near = term.crossover_chainage_m - sgn_in * crossover_length_m / 2  # crossover end met first on arrival
    x_far = term.crossover_chainage_m + sgn_in * crossover_length_m / 2
    v_a = term.crossover_speed_ms
    setting = v_a**2 / (2 * decel_ms2 * k) + sig.safety_margin_m + v_a * sig.reaction_s
    t_route = _time_at(arrival, x_near - sgn_in * setting)
    t_stop = float(arrival.time_s[-1])
    t_in_cross = _time_at(arrival, x_far + sgn_in * train.length_m) - t_route  # head clear + tail clear
    t_in = t_stop - t_route
    # leaving: the crossover lies ahead of the departing train, which runs away from the terminus
    t_out = _time_at(departure, term.crossover_chainage_m - sgn_in * (crossover_length_m / 2 + train.length_m))
    switching = term.switch_throw_s + sig.sensing_s
    h_crossover = t_in_cross + t_out + 2 * switching
    h_platform = (t_in + switching + turnback_s + t_out) / n
    h = max(h_crossover, h_platform) + sig.operating_margin_s
    return Location(kind="terminal", location=line.station(station).name_en, direction="turnback", headway_s=h,
                    detail={"platform_tracks": n, "crossover_s": round(h_crossover, 1),
                            "platform_s": round(h_platform, 1), "arrival_s": round(t_in, 1),
                            "arrival_cross_s": round(t_in_cross, 1),
                            "departure_clear_s": round(t_out, 1), "turnback_s": turnback_s,
                            "controls": "crossover" if h_crossover >= h_platform else "platforms"})


def station_close_in(line: Line, train: TrainSpec, profiles: dict[str, RunProfile],
                     conditions: Conditions = Conditions(), sig: Signalling = Signalling()) -> dict:
    """Close-in time [s] and approach speed [m/s] at every intermediate stop, by (station code, direction)."""
    ops = line.operations
    accel = available_acceleration(train, conditions, min(ops.acceleration_ms2, train.max_acceleration_ms2))
    decel = guaranteed_braking(train, conditions, min(ops.braking_ms2, train.service_brake_ms2))
    out = {}
    for direction, p in profiles.items():
        for i, code in enumerate(p.stops[1:-1], start=1):
            v_a = _approach_speed(p, i)
            out[(code, direction)] = (close_in_time(length_m=train.length_m, approach_ms=v_a, accel_ms2=accel,
                                                    decel_ms2=decel, k=conditions.braking_safety_factor, sig=sig), v_a)
    return out


def headway_report(line: Line, train: TrainSpec, *, conditions: Conditions = Conditions(), dwell_s: float | None = None,
                   reserve: int | None = None, fleet: int | None = None, sig: Signalling = Signalling(),
                   passengers: float | None = None, platform_tracks: dict[int, int] | None = None) -> HeadwayReport:
    """Minimum headway at every station, along every section and at both termini; capacity; fleet limit.

    Parameters
    ----------
    dwell_s : float, optional
        Dwell at intermediate stations [s] (default the line's), scaled by ``conditions.dwell_factor``.
    reserve, fleet : int, optional
        Trains held in reserve and the fleet size (default the line's operations).
    passengers : float, optional
        Load for the running profiles (default: the design load, the peak case).
    platform_tracks : dict, optional
        Platform tracks usable at a terminus (a failed crossover leaves one), by station code.
    """
    ops = line.operations
    dwell = (ops.dwell_s if dwell_s is None else dwell_s) * conditions.dwell_factor
    reserve = ops.reserve_trains if reserve is None else reserve
    fleet = ops.fleet if fleet is None else fleet
    load = train.capacity if passengers is None else passengers
    profiles = run_both(line, train, conditions=conditions, passengers=load)
    decel = guaranteed_braking(train, conditions, min(ops.braking_ms2, train.service_brake_ms2))
    k = conditions.braking_safety_factor
    close_in = station_close_in(line, train, profiles, conditions, sig)
    locations: list[Location] = []
    for direction, p in profiles.items():
        for code in p.stops[1:-1]:
            t_cs, v_a = close_in[(code, direction)]
            locations.append(Location(kind="station", location=line.station(code).name_en, direction=direction,
                                      headway_s=t_cs + dwell + sig.operating_margin_s,
                                      detail={"close_in_s": round(t_cs, 1), "dwell_s": dwell,
                                              "approach_kmh": round(v_a * 3.6, 1)}))
        fast = p.speed_ms >= sig.min_line_speed_ms
        sep = line_separation(p.speed_ms[fast], length_m=train.length_m, decel_ms2=decel, k=k, sig=sig)
        j = int(np.argmax(sep))
        at = p.chainage_m[fast][j]
        locations.append(Location(kind="line", location=f"chainage {at:.0f} m", direction=direction,
                                  headway_s=float(sep[j]) + sig.operating_margin_s,
                                  detail={"speed_kmh": round(float(p.speed_ms[fast][j]) * 3.6, 1)}))
    turnback = {}
    ends = {"up": profiles["up"].stops[-1], "down": profiles["down"].stops[-1]}
    for arriving, departing in (("up", "down"), ("down", "up")):
        station = ends[arriving]
        tracks = (platform_tracks or {}).get(station)
        loc = terminal_headway(line, train, profiles[arriving], profiles[departing], station=station,
                               turnback_s=ops.turnback_min_s, decel_ms2=decel, k=k, sig=sig, platform_tracks=tracks)
        locations.append(loc)
        turnback[station] = ops.turnback_min_s
    critical = max(locations, key=lambda loc: loc.headway_s)
    one_way = {d: p.total_s(dwell) for d, p in profiles.items()}
    cycle = sum(one_way.values()) + sum(turnback.values())
    in_service = max(conditions.trains_available(fleet) - reserve, 0)
    per_hour = 3600.0 / critical.headway_s
    return HeadwayReport(
        min_headway_s=critical.headway_s, critical=critical, capacity_trains_per_hour=per_hour,
        capacity_pphpd=per_hour * train.capacity * conditions.capacity_factor, cycle_time_s=cycle,
        trains_in_service=in_service,
        fleet_limited_headway_s=cycle / in_service if in_service else math.inf,
        one_way_s=one_way, turnback_s=turnback, locations=tuple(locations), conditions=conditions.name)
