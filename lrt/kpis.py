"""Key performance indicators of one simulated day, and the tables behind them.

:func:`compute_kpis` turns a :class:`~lrt.sim.SimulationResult` into a flat, JSON-ready dict;
:func:`headway_table` and :func:`load_table` give the station-hour and segment-hour detail (pandas);
:func:`kpi_table_text` prints the dict for a planner.  pandas is imported inside the functions so that
``import lrt.kpis`` stays light (``lrt --help`` must not import it).

Conventions used throughout:

* A *departure* is every call of the event log except the last call of its trip (the arrival at the
  terminus, logged with departure = arrival and load 0).  The last call is the highest
  ``stop_sequence`` the log holds for the trip.
* An *hour* is the clock hour of the service day, ``floor(t / 3600)`` (it may pass 23).
* *Capacity* is ``scenario.options.capacity(train, conditions)``: the load at which boarding stops
  (design load, 6/m², by default; engineering reference, section 4), times the weather's capacity factor.
* A passenger's direction is ``up`` when the destination lies further along the line than the origin.
* Undefined values (no passengers, no departures) are ``None``, so the dict stays valid JSON.

Everything is computed with numpy over the event log and the passenger records (groups by integer keys,
``np.bincount``), so a day's KPIs cost under ten milliseconds at 92,000 passengers; the two tables are handed
out as pandas frames for their users.
"""

from __future__ import annotations

import math
from itertools import chain

import numpy as np

__all__ = ["compute_kpis", "headway_table", "load_table", "kpi_table_text"]


def compute_kpis(result, scenario) -> dict:
    """The day's KPIs as a flat dict of plain ints, floats, strings and None.

    Parameters
    ----------
    result : SimulationResult
        The run's event log and passenger records.
    scenario : Scenario
        The scenario that was run (line chainages, timetable, train capacity, options).

    Returns
    -------
    dict
        Service

        - ``trips_planned``, ``trips_run`` [1]: trips in the timetable; trips that reached their last stop.
        - ``train_km`` [km]: revenue train-km, the chainage between consecutive calls of every trip in
          the event log, summed (depot moves and turnbacks excluded).

        Passengers (records of :mod:`lrt.sim.records`; ``generated = completed + stranded``)

        - ``passengers_generated`` [1]: passengers who arrived at a platform.
        - ``passengers_completed`` [1]: alighted at their destination.
        - ``passengers_stranded`` [1]: still waiting on a platform when the last train had passed (they
          arrived after it, or full trains or a failure left them behind); ``stranded_share`` [1] of
          those generated.
        - ``passengers_detrained`` [1]: put off a failed train at least once (they wait for a later one).
        - ``mean_wait_s``, ``p95_wait_s`` [s]: mean and 95th percentile (linear interpolation) of
          boarding time minus platform arrival time, over passengers who boarded; includes the wait for
          the first train of the day and for trains after a denied boarding.
        - ``excess_wait_s`` [s]: excess wait time (TfL's EWT), what irregular service adds to the wait:
          the passenger-weighted mean of (AWT − SWT) over platform-hours.  For a platform (station,
          direction) and hour, SWT = Σh² / (2 Σh) over the *planned* headways h that end in that hour and
          AWT the same over the *actual* departure headways (the mean wait of randomly arriving passengers
          for trains leaving the instant they come, engineering reference, section 8; TfL computes both
          from headways, so boarding during dwells shortens neither).  Weights: the passengers who
          arrived on that platform in that hour; those arriving before the first or after the last
          planned departure of their platform are left out (their wait is set by the service span).
        - ``mean_journey_s``, ``p95_journey_s`` [s]: alighting time minus platform arrival time, over
          completed passengers.
        - ``mean_in_vehicle_s`` [s]: alighting minus boarding time, over completed passengers.

        Capacity

        - ``capacity`` [1]: passengers per train at which boarding stops (see the module docstring).
        - ``peak_load`` [1]: the most passengers on board leaving any stop; ``peak_load_segment``: where,
          as ``"from->to"`` station codes (the first such call in time).
        - ``max_load_factor`` [1]: ``peak_load / capacity``.
        - ``peak_pphpd_carried`` [passengers/h]: the largest, over direction, segment and clock hour, of
          the sum of the loads of the trains that left the segment's first station in that hour;
          ``peak_pphpd_offered`` [passengers/h]: trains on that segment in that hour × capacity;
          ``peak_pphpd_direction`` (``"up"``/``"down"``) and ``peak_pphpd_hour`` [h] say where and when.
        - ``denied_boardings`` [1]: boarding refusals, the sum of ``denied`` over all calls (a passenger
          left behind by three full trains counts three times).
        - ``denied_boardings_share`` [1]: passengers left behind at least once / passengers generated.

        Reliability (over departures; delay = actual − planned departure time)

        - ``punctuality_1min``, ``punctuality_3min`` [1]: share of departures with |delay| ≤ 60 s and
          ≤ 180 s.  Early departures count as off time: a passenger who keeps to the timetable misses them.
        - ``early_departures_share`` [1]: share of departures more than 60 s before plan.
        - ``mean_departure_delay_s`` [s]: mean delay, signed (negative = early on average).
        - ``delay_minutes`` [min]: sum of the positive departure delays / 60.
        - ``headway_cv_mean`` [1]: mean, over (station, direction, hour) cells with at least two
          headways, of the coefficient of variation of actual departure headways (see
          :func:`headway_table`).

        Energy at the substations (:func:`lrt.energy.day_energy`; docs/energy.md)

        - ``train_hours`` [h]: time in service, from the first call of every trip run (the train at its
          platform, the layover before the trip included) to its last; depot moves are left out.
        - ``traction_drawn_mwh``, ``regenerated_mwh``, ``traction_net_mwh`` [MWh]: traction energy drawn,
          returned by regenerative braking and taken up, and the difference, over the runs in the event log
          (``drawn_kwh``, ``returned_kwh``: at each run's actual load).
        - ``hvac_mwh``, ``auxiliary_mwh`` [MWh]: heating, ventilation and air conditioning at the
          conditions' temperature, with the heat of the mean load per car, and the auxiliaries, over the
          train-hours.
        - ``energy_mwh`` [MWh]: all of it; ``energy_kwh_per_train_km`` and ``traction_kwh_per_train_km``
          [kWh/train-km] per revenue train-km.
    """
    calls = _calls(result)
    train_km = _train_km(calls, scenario.line)
    out: dict = {"trips_planned": int(result.trips_planned), "trips_run": int(result.trips_run),
                 "train_km": _round(train_km, 1)}
    out.update(_passenger_kpis(result, scenario, calls))
    out.update(_capacity_kpis(result, scenario, calls))
    out.update(_reliability_kpis(result, calls))
    out.update(_energy_kpis(result, scenario, train_km))
    return out


# -- tables ------------------------------------------------------------------------------------------
def headway_table(result):
    """Actual departure headways per station, direction and hour.

    A headway is a departure's time minus the previous departure's from the same station in the same
    direction; it belongs to the hour of the later departure.  The CV uses the population standard
    deviation (ddof = 0), as in the waiting-time formula ``h/2·(1 + c²)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``station`` (code), ``direction``, ``hour`` [h], ``n`` (headways) [1],
        ``headway_mean_s`` [s], ``headway_cv`` [1] (standard deviation / mean of the actual headways),
        ``planned_headway_mean_s`` [s] (timetabled headways of the same departures) and ``adherence_cv``
        [1], TCQSM's headway adherence: standard deviation of (actual − planned headway) / mean planned
        headway (TCQSM 3rd ed., ch. 5), which, unlike ``headway_cv``, is 0 when trains keep a timetable
        whose headway changes within the hour.  Sorted by station, direction, hour.
    """
    import pandas as pd

    t = _headway_cells(_calls(result))
    return pd.DataFrame({"station": t["station"], "direction": np.where(t["up"], "up", "down").astype(object),
                         "hour": t["hour"], "n": t["n"], "headway_mean_s": t["mean"], "headway_cv": t["cv"],
                         "planned_headway_mean_s": t["planned_mean"], "adherence_cv": t["adherence_cv"]})


def load_table(result, scenario):
    """Loads per direction, segment and hour of departure from the segment's first station.

    Returns
    -------
    pandas.DataFrame
        Columns ``direction``, ``from_station``, ``to_station`` (codes), ``hour`` [h], ``trains`` [1],
        ``load_mean``, ``load_max`` [passengers], ``load_factor_max`` [1] (``load_max / capacity``),
        ``carried`` [passengers/h] (sum of loads: passengers carried over the segment in that hour) and
        ``offered`` [passengers/h] (trains × capacity); rows in travel order of each direction, then hour.
    """
    import pandas as pd

    return pd.DataFrame(load_columns(result, scenario))


def load_columns(result, scenario) -> dict:
    """The columns of :func:`load_table` as numpy arrays (no pandas: for charts drawn in a hurry)."""
    cap = scenario.options.capacity(scenario.train, scenario.conditions)
    t = _load_cells(_calls(result), scenario.line, cap)
    return {"direction": np.where(t["up"], "up", "down").astype(object), "from_station": t["from"],
            "to_station": t["to"], "hour": t["hour"], "trains": t["trains"], "load_mean": t["mean"],
            "load_max": t["max"], "load_factor_max": t["max"] / cap, "carried": t["carried"],
            "offered": t["trains"] * cap}


# -- the KPI groups ----------------------------------------------------------------------------------
def _passenger_kpis(result, scenario, calls) -> dict:
    p = result.passengers
    out = {"passengers_generated": result.generated, "passengers_completed": result.completed,
           "passengers_stranded": result.stranded,
           "stranded_share": _round(result.stranded / result.generated, 4) if result.generated else None,
           "passengers_detrained": int(np.count_nonzero(p["detrained"])) if p else 0}
    if not p or len(p["arrival_s"]) == 0:
        return out | dict.fromkeys(("mean_wait_s", "p95_wait_s", "excess_wait_s", "mean_journey_s",
                                    "p95_journey_s", "mean_in_vehicle_s"))
    arrival, board, alight = (np.asarray(p[k], dtype=float) for k in ("arrival_s", "board_s", "alight_s"))
    boarded = np.isfinite(board)
    done = np.isfinite(alight)
    wait = (board - arrival)[boarded]  # (arrival times are finite: inf - t is inf, without a warning)
    journey = (alight - arrival)[done]
    out |= {"mean_wait_s": _mean(wait), "p95_wait_s": _pct(wait, 95), "excess_wait_s": _excess_wait(result, scenario, calls),
            "mean_journey_s": _mean(journey), "p95_journey_s": _pct(journey, 95),
            "mean_in_vehicle_s": _mean(alight[done] - board[done])}
    return out


def _capacity_kpis(result, scenario, calls) -> dict:
    cap = scenario.options.capacity(scenario.train, scenario.conditions)
    p = result.passengers
    generated = result.generated
    left = int(np.count_nonzero(np.asarray(p["left_behind"]) > 0)) if p else 0
    out = {"capacity": int(cap), "denied_boardings": int(np.sum(result.events["denied"])),
           "denied_boardings_share": _round(left / generated, 4) if generated else None}
    dep = ~calls["last"]
    if not dep.any():
        return out | dict.fromkeys(("peak_load", "peak_load_segment", "max_load_factor", "peak_pphpd_carried",
                                    "peak_pphpd_offered", "peak_pphpd_direction", "peak_pphpd_hour"))
    rows = np.flatnonzero(dep)
    load = calls["load"][rows]
    full = rows[load == load.max()]
    top = full[np.argmin(calls["departure"][full])]  # the fullest, the first in time of equals (argmin: the first)
    cells = _load_cells(calls, scenario.line, cap)
    peak = np.lexsort((np.arange(cells["hour"].size), cells["hour"], -cells["carried"]))[0]
    return out | {"peak_load": int(calls["load"][top]),
                  "peak_load_segment": f"{int(calls['station'][top])}->{int(calls['to'][top])}",
                  "max_load_factor": _round(calls["load"][top] / cap, 3) if cap else None,
                  "peak_pphpd_carried": int(cells["carried"][peak]),
                  "peak_pphpd_offered": int(cells["trains"][peak] * cap),
                  "peak_pphpd_direction": "up" if cells["up"][peak] else "down",
                  "peak_pphpd_hour": int(cells["hour"][peak])}


def _reliability_kpis(result, calls) -> dict:
    dep = ~calls["last"]
    delay = calls["departure"][dep] - calls["planned"][dep]
    cells = _headway_cells(calls)
    cv = cells["cv"][cells["n"] >= 2]
    if delay.size == 0:
        return dict.fromkeys(("punctuality_1min", "punctuality_3min", "early_departures_share",
                              "mean_departure_delay_s")) | {"delay_minutes": 0.0, "headway_cv_mean": _mean(cv, 3)}
    return {"punctuality_1min": _round(np.mean(np.abs(delay) <= 60.0), 4),
            "punctuality_3min": _round(np.mean(np.abs(delay) <= 180.0), 4),
            "early_departures_share": _round(np.mean(delay < -60.0), 4),
            "mean_departure_delay_s": _mean(delay),
            "delay_minutes": _round(np.sum(np.clip(delay, 0.0, None)) / 60.0, 1),
            "headway_cv_mean": _mean(cv, 3)}


def _energy_kpis(result, scenario, train_km: float) -> dict:
    from .energy import day_energy

    e, p = result.events, result.passengers
    hours = _train_hours(e)
    temperature = scenario.conditions.temperature_c
    names = ("train_hours", "traction_drawn_mwh", "regenerated_mwh", "traction_net_mwh", "hvac_mwh",
             "auxiliary_mwh", "energy_mwh", "energy_kwh_per_train_km", "traction_kwh_per_train_km")
    if temperature is None:  # conditions built in code without a temperature: no HVAC figure
        return dict.fromkeys(names) | {"train_hours": _round(hours, 2)}
    riding = 0.0
    if p:
        done = np.isfinite(p["alight_s"])
        riding = float(np.sum(p["alight_s"][done] - p["board_s"][done])) / 3600.0  # passenger-hours on board
    per_car = riding / hours / scenario.train.cars if hours > 0 else 0.0
    day = day_energy(drawn_kwh=float(np.sum(e["drawn_kwh"])), returned_kwh=float(np.sum(e["returned_kwh"])),
                     train_km=train_km, train_hours=hours, train=scenario.train, power=scenario.line.power,
                     temperature_c=temperature, passengers_per_car=per_car)
    return {"train_hours": _round(hours, 2), "traction_drawn_mwh": _round(day.traction_drawn_mwh, 3),
            "regenerated_mwh": _round(day.regenerated_mwh, 3), "traction_net_mwh": _round(day.traction_net_mwh, 3),
            "hvac_mwh": _round(day.hvac_mwh, 3), "auxiliary_mwh": _round(day.auxiliary_mwh, 3),
            "energy_mwh": _round(day.total_mwh, 3), "energy_kwh_per_train_km": _round(day.kwh_per_train_km, 2),
            "traction_kwh_per_train_km": _round(day.traction_kwh_per_train_km, 2)}


def _train_hours(events) -> float:
    """Time in service [h]: from the first call of every trip to its last (see :func:`compute_kpis`)."""
    trips = events["trip_id"]
    if len(trips) == 0:
        return 0.0
    names = trips.tolist()
    rank = {name: k for k, name in enumerate(sorted(set(names)))}  # np.unique's groups, without sorting them all
    first = np.fromiter(map(rank.__getitem__, names), np.int64, len(names))
    start = np.full(first.max() + 1, np.inf)
    end = np.full(first.max() + 1, -np.inf)
    np.minimum.at(start, first, np.asarray(events["arrival_s"], dtype=float))
    np.maximum.at(end, first, np.asarray(events["departure_s"], dtype=float))
    return float(np.sum(end - start)) / 3600.0


# -- building blocks ---------------------------------------------------------------------------------
def _calls(result) -> dict:
    """The event log in trip order, as arrays: ``station``, ``to`` (the next call's station, -1 at a trip's
    last call), ``last``, ``up``, ``departure``, ``planned`` (departure), ``arrival``, ``load``, ``hour``."""
    e = result.events
    trips = e["trip_id"]
    names = trips.tolist()
    number = {t: i for i, t in enumerate(dict.fromkeys(names))}  # in the order the trips first appear
    trip = np.fromiter(map(number.__getitem__, names), dtype=np.int64, count=len(names))
    order = np.lexsort((np.asarray(e["stop_sequence"]), trip))
    trip = trip[order]
    station = np.asarray(e["station"], dtype=np.int64)[order]
    same = trip[1:] == trip[:-1]
    last = np.ones(trip.size, dtype=bool)
    last[:-1] = ~same
    to = np.full(trip.size, -1, dtype=np.int64)
    to[:-1][same] = station[1:][same]
    departure = np.asarray(e["departure_s"], dtype=float)[order]
    return {"station": station, "to": to, "last": last, "up": np.asarray(e["direction"])[order] == "up",
            "departure": departure, "planned": np.asarray(e["planned_departure_s"], dtype=float)[order],
            "arrival": np.asarray(e["arrival_s"], dtype=float)[order],
            "load": np.asarray(e["load_departure"], dtype=np.int64)[order],
            "hour": np.floor(departure / 3600.0).astype(np.int64)}


def _groups(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the integer ``keys`` (sorted by the first key, then the next...) and the group of
    every element (one combined integer key per row: a 1-D ``np.unique`` is fast)."""
    if keys[0].size == 0:
        return np.empty((0, len(keys)), dtype=np.int64), np.empty(0, dtype=np.int64)
    keys = [np.asarray(k, dtype=np.int64) for k in keys]
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows)]
    combined = np.zeros(keys[0].size, dtype=np.int64)
    for k, low, span in zip(keys, lows, spans):
        combined = combined * span + (k - low)
    size = math.prod(spans)
    if size <= max(4 * combined.size, 1 << 16):  # a small key space (the usual case): count, no sort
        present = np.bincount(combined, minlength=size) > 0
        unique = np.flatnonzero(present)
        inverse = (np.cumsum(present) - 1)[combined]
    else:
        unique, inverse = np.unique(combined, return_inverse=True)
    columns = []
    for low, span in zip(reversed(lows), reversed(spans)):
        columns.append(unique % span + low)
        unique = unique // span
    return np.stack(columns[::-1], axis=1), inverse.reshape(-1)


def _headway_cells(calls: dict) -> dict:
    """Headway statistics per (station, direction, hour) (see :func:`headway_table`)."""
    dep = np.flatnonzero(~calls["last"])
    station, down = calls["station"][dep], (~calls["up"][dep]).astype(np.int64)
    actual, planned = calls["departure"][dep], calls["planned"][dep]
    order = np.lexsort((actual, down, station))  # paired in the order they actually left
    station, down, actual, planned = station[order], down[order], actual[order], planned[order]
    same = (station[1:] == station[:-1]) & (down[1:] == down[:-1])
    h, hp = np.diff(actual)[same], np.diff(planned)[same]
    st, dn, hour = station[1:][same], down[1:][same], np.floor(actual[1:][same] / 3600.0).astype(np.int64)
    keys, g = _groups(st, 1 - dn, hour)  # "down" sorts before "up", as the direction names do
    n = np.bincount(g, minlength=len(keys)).astype(float)
    mean = np.bincount(g, h, len(keys)) / np.maximum(n, 1)
    planned_mean = np.bincount(g, hp, len(keys)) / np.maximum(n, 1)
    sd = np.sqrt(np.bincount(g, (h - mean[g]) ** 2, len(keys)) / np.maximum(n, 1))
    dev = h - hp
    dev_mean = np.bincount(g, dev, len(keys)) / np.maximum(n, 1)
    dev_sd = np.sqrt(np.bincount(g, (dev - dev_mean[g]) ** 2, len(keys)) / np.maximum(n, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {"station": keys[:, 0], "up": keys[:, 1] == 1, "hour": keys[:, 2], "n": n.astype(np.int64),
                "mean": mean, "cv": sd / mean, "planned_mean": planned_mean, "adherence_cv": dev_sd / planned_mean}


def _load_cells(calls: dict, line, cap: int) -> dict:
    """Loads per (direction, segment, hour), in travel order of each direction (see :func:`load_table`)."""
    dep = np.flatnonzero(~calls["last"])
    up, fr, to, hour = calls["up"][dep], calls["station"][dep], calls["to"][dep], calls["hour"][dep]
    load = calls["load"][dep]
    n_pos = len(line.codes)
    # travel order: along the line for up, against it for down (unknown codes last)
    lut = np.full(max(max(line.codes), int(fr.max(initial=0))) + 1, -1, dtype=np.int64)
    lut[list(line.codes)] = np.arange(n_pos)
    at = lut[fr]
    rank = np.where(at < 0, n_pos, np.where(up, at, n_pos - 1 - at))
    keys, g = _groups((~up).astype(np.int64), rank, to, hour, fr)
    trains = np.bincount(g, minlength=len(keys))
    carried = np.bincount(g, load, len(keys))
    top = np.zeros(len(keys), dtype=np.int64)
    np.maximum.at(top, g, load)
    return {"up": keys[:, 0] == 0, "from": keys[:, 4], "to": keys[:, 2], "hour": keys[:, 3], "trains": trains,
            "mean": carried / np.maximum(trains, 1), "max": top, "carried": carried.astype(np.int64)}


def _train_km(calls: dict, line) -> float:
    run = ~calls["last"]
    if not run.any():
        return 0.0
    chain = np.zeros(max(line.codes) + 1)
    chain[list(line.codes)] = [s.chainage_m for s in line.stations]
    return float(np.sum(np.abs(chain[calls["to"][run]] - chain[calls["station"][run]]))) / 1000.0


def _excess_wait(result, scenario, calls) -> float | None:
    """TfL excess wait time [s] (definition in :func:`compute_kpis`).

    Every platform (station code, up) and clock hour is a cell of one dense table, numbered in the order of
    the keys (code, up, hour): cell ``(2 * code + up) * hours + hour - lo``.  Headways and passengers are
    summed into their cells with ``np.bincount``: the day's passengers are counted, not sorted by key.
    """
    pos = {code: i for i, code in enumerate(scenario.line.codes)}
    trips = scenario.timetable.trips
    times = np.fromiter(chain.from_iterable(trip.departure_s[:-1] for trip in trips), float)  # planned departures
    if times.size == 0:
        return None  # nothing planned: no scheduled wait to compare with
    planned = (2 * np.fromiter(chain.from_iterable(trip.stops[:-1] for trip in trips), np.int64)  # their platforms
               + np.repeat([trip.direction == "up" for trip in trips], [len(trip.stops) - 1 for trip in trips]))
    dep = ~calls["last"]
    stations = max(pos) + 1  # codes 0 .. the line's largest (a timetable's stops, and the log's, are the line's)
    lo = math.floor(times.min() / 3600.0)  # the hours of the planned service (no passenger counts outside)
    hours = math.floor(times.max() / 3600.0) - lo + 1
    cells = 2 * stations * hours
    swt_h, swt_h2 = _headway_sums(planned, times, lo, hours, cells)
    awt_h, awt_h2 = _headway_sums(2 * calls["station"][dep] + calls["up"][dep], calls["departure"][dep], lo, hours,
                                  cells)
    first = np.full(2 * stations, np.inf)  # the planned service span of every platform
    last = np.full(2 * stations, -np.inf)
    np.minimum.at(first, planned, times)
    np.maximum.at(last, planned, times)
    p = result.passengers
    origin, dest = np.asarray(p["origin"], dtype=np.int64), np.asarray(p["destination"], dtype=np.int64)
    rank = np.zeros(stations, dtype=np.int64)
    rank[list(pos)] = list(pos.values())
    platform = 2 * origin + (rank[dest] > rank[origin])
    arrival = np.asarray(p["arrival_s"], dtype=float)
    inside = (arrival >= first[platform]) & (arrival <= last[platform])
    n = np.bincount(platform[inside] * hours + (np.floor(arrival[inside] / 3600.0).astype(np.int64) - lo),
                    minlength=cells)
    use = (n > 0) & (swt_h > 0) & (awt_h > 0)  # cells with passengers, a scheduled and an actual wait
    terms = n[use] * (awt_h2[use] / (2.0 * awt_h[use]) - swt_h2[use] / (2.0 * swt_h[use]))  # n (AWT - SWT)
    total_n = int(np.sum(n[use]))
    # np.cumsum adds the terms one after another in key order, as a running total does (np.sum adds them
    # pairwise, which may differ in the last bit)
    return _round(float(np.cumsum(terms)[-1]) / total_n, 1) if total_n else None


def _headway_sums(platform: np.ndarray, t: np.ndarray, lo: int, hours: int, cells: int) -> tuple[np.ndarray, ...]:
    """Σh and Σh² [s, s²] in every cell of :func:`_excess_wait`'s table (``cells`` long, ``hours`` a platform
    from hour ``lo``) over the headways between consecutive departures ``t`` of a platform, each in the
    clock hour it ends in; headways ending outside the table's hours are left out.  ``np.bincount`` adds
    each cell's headways in input order: time order."""
    order = np.lexsort((t, platform))
    platform, t = platform[order], t[order]
    same = platform[1:] == platform[:-1]
    h = np.diff(t)[same]
    hour = np.floor(t[1:][same] / 3600.0).astype(np.int64) - lo
    keep = (hour >= 0) & (hour < hours)
    cell, h = platform[1:][same][keep] * hours + hour[keep], h[keep]
    return np.bincount(cell, h, cells), np.bincount(cell, h * h, cells)


def _round(x, digits: int):
    return None if x is None or not math.isfinite(float(x)) else round(float(x), digits)


def _mean(x, digits: int = 1):
    x = np.asarray(x, dtype=float)
    return _round(np.mean(x), digits) if x.size else None


def _pct(x, q: float, digits: int = 1):
    x = np.asarray(x, dtype=float)
    return _round(np.percentile(x, q), digits) if x.size else None


# -- the planner's summary ---------------------------------------------------------------------------
def _min(s):
    if s is None:
        return "n/a"
    return f"{s:.0f} s" if abs(s) < 100 else f"{s / 60:.1f} min"


def _share(x):
    return f"{100 * x:.1f} %" if x is not None else "n/a"


def _num(x, unit: str = ""):
    if x is None:
        return "n/a"
    text = f"{x:,.0f}" if isinstance(x, int) or abs(x) >= 100 else f"{x:.3g}"
    return f"{text} {unit}".rstrip()


def _hour(h):
    return f"{h:02d}:00-{h + 1:02d}:00" if h is not None else "n/a"


def _text(x):
    return str(x) if x is not None else "n/a"


_SECTIONS = (
    ("Service", (("trips run / planned", lambda k: f"{k['trips_run']} / {k['trips_planned']}"),
                 ("revenue train-km", lambda k: _num(k["train_km"], "km")))),
    ("Passengers", (("generated", lambda k: _num(k["passengers_generated"])),
                    ("completed", lambda k: _num(k["passengers_completed"])),
                    ("stranded (no train after them)",
                     lambda k: f"{_num(k['passengers_stranded'])} ({_share(k['stranded_share'])})"),
                    ("put off a failed train", lambda k: _num(k["passengers_detrained"])),
                    ("wait: mean / 95th percentile", lambda k: f"{_min(k['mean_wait_s'])} / {_min(k['p95_wait_s'])}"),
                    ("excess wait (EWT)", lambda k: _min(k["excess_wait_s"])),
                    ("journey: mean / 95th percentile",
                     lambda k: f"{_min(k['mean_journey_s'])} / {_min(k['p95_journey_s'])}"),
                    ("in vehicle: mean", lambda k: _min(k["mean_in_vehicle_s"])))),
    ("Capacity", (("train capacity", lambda k: _num(k["capacity"], "passengers")),
                  ("peak load", lambda k: f"{_num(k['peak_load'], 'passengers')} on {_text(k['peak_load_segment'])}"),
                  ("max load factor", lambda k: _share(k["max_load_factor"])),
                  ("peak pphpd carried / offered",
                   lambda k: f"{_num(k['peak_pphpd_carried'])} / {_num(k['peak_pphpd_offered'])} passengers/h "
                             f"({_text(k['peak_pphpd_direction'])}, {_hour(k['peak_pphpd_hour'])})"),
                  ("denied boardings", lambda k: f"{_num(k['denied_boardings'])} refusals, "
                                                 f"{_share(k['denied_boardings_share'])} of passengers"))),
    ("Reliability", (("departures within 1 / 3 min of plan",
                      lambda k: f"{_share(k['punctuality_1min'])} / {_share(k['punctuality_3min'])}"),
                     ("departures > 1 min early", lambda k: _share(k["early_departures_share"])),
                     ("mean departure delay", lambda k: _num(k["mean_departure_delay_s"], "s")),
                     ("delay (sum of late departures)", lambda k: _num(k["delay_minutes"], "min")),
                     ("headway CV, mean over station-hours", lambda k: _num(k["headway_cv_mean"])))),
    ("Energy at the substations", (
        ("traction drawn / regenerated / net",
         lambda k: f"{_num(k['traction_drawn_mwh'])} / {_num(k['regenerated_mwh'])} / {_num(k['traction_net_mwh'])} MWh"),
        ("HVAC / auxiliaries", lambda k: f"{_num(k['hvac_mwh'])} / {_num(k['auxiliary_mwh'])} MWh"
                                        f" over {_num(k['train_hours'])} train-hours"),
        ("total, per train-km", lambda k: f"{_num(k['energy_mwh'])} MWh, {_num(k['energy_kwh_per_train_km'])} "
                                         f"kWh/train-km (traction {_num(k['traction_kwh_per_train_km'])})"))),
)


def kpi_table_text(kpis: dict) -> str:
    """The KPIs of :func:`compute_kpis` as a short text table in five groups, units shown."""
    width = max(len(label) for _, rows in _SECTIONS for label, _ in rows) + 2
    lines = []
    for title, rows in _SECTIONS:
        lines.append(title)
        lines.extend(f"  {label:<{width}}{fmt(kpis)}" for label, fmt in rows)
    return "\n".join(lines)
