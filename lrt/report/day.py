"""The sections of one simulated day, from ``events.csv``, ``passengers.csv``, ``kpis.json``, ``run.json``,
``faults.csv`` and ``cancelled.csv``: the chart data are computed here from the tables, the charts drawn by
:mod:`lrt.plotting`."""

from __future__ import annotations

import numpy as np

from .charts import chart
from .html import Cell, Page, note, number, table
from .tiles import day_tiles

__all__ = ["day_sections", "stations_of", "marey_data", "load_panels", "headway_cv_by_station",
           "trains_in_service_counts", "denied_grid", "energy_by_hour_table", "waits_min", "LAYOVER_IN_SERVICE_S"]

LAYOVER_IN_SERVICE_S = 1800.0
"""A train between two trips for at most this long [s] stays in service (a terminal layover); longer, it is
counted out (back at the depot)."""

EVENT_COLUMNS = ("train", "trip_id", "direction", "stop_sequence", "station", "planned_arrival_s",
                 "planned_departure_s", "arrival_s", "departure_s", "load_departure", "denied", "drawn_kwh",
                 "returned_kwh")


def stations_of(run: dict | None, events) -> tuple[list[tuple[int, str, float]], str]:
    """(code, name, chainage [m]) of the stations in line order, and a note when run.json lacks them (the
    codes are then spaced evenly in the order the longest up trip calls at them)."""
    listed = (run or {}).get("stations")
    if listed:
        return [(int(c), str(n), float(x)) for c, n, x in listed], ""
    up = events[events["direction"] == "up"]
    trips = up if len(up) else events
    longest = trips.groupby("trip_id", sort=False)["stop_sequence"].count().idxmax()
    codes = trips[trips["trip_id"] == longest].sort_values("stop_sequence")["station"].astype(int).tolist()
    if not len(up):  # only down trips: line order is against their travel
        codes = codes[::-1]
    return ([(c, str(c), 1000.0 * i) for i, c in enumerate(codes)],
            "run.json does not list the stations (a run written before the report): station codes are shown, "
            "evenly spaced, instead of names at their chainage")


def _ordered(events):
    order = {t: i for i, t in enumerate(dict.fromkeys(events["trip_id"].tolist()))}
    e = events.assign(_trip=events["trip_id"].map(order))
    return e.sort_values(["_trip", "stop_sequence"], kind="stable")


def marey_data(events, stations):
    """Planned and actual :class:`~lrt.plotting.marey.MareyTrip` lines of every trip in the event log."""
    from ..plotting.marey import MareyTrip

    chain = {c: x for c, _, x in stations}
    e = _ordered(events)
    y = np.repeat(e["station"].map(chain).to_numpy(dtype=float), 2)
    planned_t = np.column_stack([e["planned_arrival_s"], e["planned_departure_s"]]).ravel()
    actual_t = np.column_stack([e["arrival_s"], e["departure_s"]]).ravel()
    trips = e["trip_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, trips[1:] != trips[:-1]])
    ends = np.r_[starts[1:], len(trips)]
    directions = e["direction"].to_numpy()
    planned, actual = [], []
    for a, b in zip(starts, ends):
        tid, d = str(trips[a]), str(directions[a])
        planned.append(MareyTrip(tid, d, planned_t[2 * a:2 * b], y[2 * a:2 * b]))
        actual.append(MareyTrip(tid, d, actual_t[2 * a:2 * b], y[2 * a:2 * b]))
    return planned, actual


def _legs(events):
    """The calls that leave for another station, with ``to`` (the next station) and the clock ``hour``."""
    e = _ordered(events)
    same = e["trip_id"].to_numpy()[1:] == e["trip_id"].to_numpy()[:-1]
    to = np.full(len(e), -1, dtype=np.int64)
    to[:-1][same] = e["station"].to_numpy(dtype=np.int64)[1:][same]
    e = e.assign(to=to)
    e = e[e["to"] >= 0]
    return e.assign(hour=np.floor(e["departure_s"].to_numpy(dtype=float) / 3600.0).astype(int))


def _hours(values) -> np.ndarray:
    values = np.asarray(values, dtype=int)
    return np.arange(values.min(), values.max() + 1) if values.size else np.arange(0)


def load_panels(events, stations, capacity: float):
    """Per direction ``(title, labels, hours, grid)``: the fullest train's load factor [1] on each segment
    (rows, in travel order) in each clock hour of departure from its first station."""
    legs = _legs(events)
    hours = _hours(legs["hour"])
    name = {c: n for c, n, _ in stations}
    position = {c: i for i, (c, _, _) in enumerate(stations)}
    panels = []
    for direction in ("up", "down"):
        mine = legs[legs["direction"] == direction]
        if len(mine) == 0:
            continue
        top = mine.groupby(["station", "to", "hour"])["load_departure"].max()
        segments = sorted({(int(a), int(b)) for a, b, _ in top.index},
                          key=lambda s: position.get(s[0], 10 ** 6) * (1 if direction == "up" else -1))
        index = {s: i for i, s in enumerate(segments)}
        grid = np.full((len(segments), len(hours)), np.nan)
        for (a, b, h), load in top.items():
            grid[index[(int(a), int(b))], int(h) - hours[0]] = load / capacity
        first, last = name.get(segments[0][0], segments[0][0]), name.get(segments[-1][1], segments[-1][1])
        labels = [f"{name.get(a, a)} → {name.get(b, b)}" for a, b in segments]
        panels.append((f"{direction}: {first} → {last}", labels, hours, grid))
    return panels


def headway_cv_by_station(events, stations) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per station (line order) and direction, the mean over clock hours of the headway CV [1]: standard
    deviation (ddof 0) over mean of the actual departure headways in the hour, in hours with 2 or more."""
    legs = _legs(events).sort_values("departure_s", kind="stable")
    frame = legs.assign(headway=legs.groupby(["station", "direction"])["departure_s"].diff())
    frame = frame.dropna(subset=["headway"])
    frame = frame.assign(hour=np.floor(frame["departure_s"].to_numpy(dtype=float) / 3600.0).astype(int))
    cells = frame.groupby(["station", "direction", "hour"])["headway"].agg(["mean", lambda h: h.std(ddof=0), "count"])
    cells.columns = ["mean", "sd", "n"]
    cells = cells[cells["n"] >= 2]
    cv = (cells["sd"] / cells["mean"]).groupby(level=["station", "direction"]).mean()
    up = np.array([cv.get((c, "up"), np.nan) for c, _, _ in stations])
    down = np.array([cv.get((c, "down"), np.nan) for c, _, _ in stations])
    return [n for _, n, _ in stations], up, down


def trains_in_service_counts(events, step_s: float = 60.0):
    """Trains in service every ``step_s`` [s], planned and as run: a train is in service from the first call
    of a trip to the last, and between two trips at most :data:`LAYOVER_IN_SERVICE_S` apart."""
    def intervals(first_col: str, last_col: str):
        spans = events.groupby("trip_id", sort=False).agg(train=("train", "first"), start=(first_col, "min"),
                                                          end=(last_col, "max"))
        out = []
        for _, g in spans.sort_values(["train", "start"]).groupby("train", sort=True):
            start, end = None, None
            for s, t in zip(g["start"], g["end"]):
                if start is not None and s - end <= LAYOVER_IN_SERVICE_S:
                    end = max(end, t)
                    continue
                if start is not None:
                    out.append((start, end))
                start, end = s, t
            if start is not None:
                out.append((start, end))
        return np.array(out, dtype=float).reshape(-1, 2)

    planned = intervals("planned_arrival_s", "planned_departure_s")
    actual = intervals("arrival_s", "departure_s")
    both = np.vstack([planned, actual])
    if both.size == 0:
        return np.zeros(0), np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    t = np.arange(np.floor(both[:, 0].min() / 3600) * 3600, np.ceil(both[:, 1].max() / 3600) * 3600 + step_s, step_s)

    def count(spans):
        return (np.searchsorted(np.sort(spans[:, 0]), t, side="right")
                - np.searchsorted(np.sort(spans[:, 1]), t, side="right"))

    return t, count(planned), count(actual)


def denied_grid(events, stations):
    """Denied boardings per station (rows, line order) and clock hour of the train's departure."""
    e = events.assign(hour=np.floor(events["departure_s"].to_numpy(dtype=float) / 3600.0).astype(int))
    hours = _hours(e["hour"])
    sums = e.groupby(["station", "hour"])["denied"].sum()
    row = {c: i for i, (c, _, _) in enumerate(stations)}
    grid = np.zeros((len(stations), len(hours)))
    for (s, h), v in sums.items():
        if int(s) in row:
            grid[row[int(s)], int(h) - hours[0]] = v
    return [n for _, n, _ in stations], hours, grid


def energy_by_hour_table(events):
    """Clock hours and the traction energy drawn and regenerated (taken up) in each [kWh], by the hour of the
    arrival the run led to."""
    e = events.assign(hour=np.floor(events["arrival_s"].to_numpy(dtype=float) / 3600.0).astype(int))
    sums = e.groupby("hour")[["drawn_kwh", "returned_kwh"]].sum()
    hours = _hours(sums.index)
    sums = sums.reindex(hours, fill_value=0.0)
    return hours, sums["drawn_kwh"].to_numpy(), sums["returned_kwh"].to_numpy()


def waits_min(passengers) -> tuple[np.ndarray, int]:
    """The waits of the passengers who boarded [min], and the number stranded."""
    board = passengers["board_s"].to_numpy(dtype=float)
    arrival = passengers["arrival_s"].to_numpy(dtype=float)
    boarded = np.isfinite(board)
    stranded = passengers["stranded"].astype(str).str.lower().eq("true").sum() if "stranded" in passengers else 0
    return (board[boarded] - arrival[boarded]) / 60.0, int(stranded)


def _clock(seconds) -> str:
    from ..plotting.marey import clock

    return clock(float(seconds))


def day_sections(folder, thresholds, page: Page) -> None:
    """Add the sections of a day to ``page``."""
    kpis, run = folder.json("kpis.json"), folder.json("run.json")
    page.add("overview", "Overview", day_tiles(kpis, thresholds) if kpis is not None else
             note(f"No KPI tiles: {folder.why_missing('kpis.json')}."),
             "Each tile is green, amber or red by the thresholds below it (docs/report.md); hover for the reason.")
    events = folder.table("events.csv", EVENT_COLUMNS)
    if events is None:
        lacking = note(f"Not drawn: {folder.why_missing('events.csv')} (the event log every day chart is drawn from).")
        for sid, title in (("marey", "Marey diagram"), ("loads", "Loads"), ("headways", "Headway regularity")):
            page.add(sid, title, lacking)
    else:
        stations, station_note = stations_of(run, events)
        _marey(page, folder, events, stations, station_note, run)
        capacity = (kpis or {}).get("capacity")
        if capacity:
            panels = load_panels(events, stations, float(capacity))
            page.add("loads", "Loads", chart("loads", "load_heatmap", panels, int(capacity),
                     caption="The fullest train on each segment in each hour, % of its capacity "
                             f"({int(capacity)} passengers)."),
                     "Read along a row for a segment through the day; the dark cells are where trains ran full.")
        else:
            page.add("loads", "Loads", note("Not drawn: the train capacity (kpis.json: capacity) is not recorded."))
        names, up, down = headway_cv_by_station(events, stations)
        page.add("headways", "Headway regularity", chart("headways", "headway_regularity", names, up, down,
                 caption="Mean over the hours of the coefficient of variation of the actual headways at each "
                         "station (0: perfectly even)."),
                 "Bars above the dashed lines fall below TCQSM's headway-adherence levels A or B.")
    passengers = folder.table("passengers.csv", ("arrival_s", "board_s", "stranded"))
    if passengers is None:
        page.add("waits", "Waiting times", note(f"Not drawn: {folder.why_missing('passengers.csv')}."))
    else:
        waits, stranded = waits_min(passengers)
        page.add("waits", "Waiting times", chart("waits", "wait_distribution", waits, stranded=stranded,
                 caption="Passengers by wait on the platform, half-minute bins; p50 and p95 marked."))
    if events is not None:
        t, planned, actual = trains_in_service_counts(events)
        page.add("trains", "Trains in service", chart("trains", "trains_in_service", t, planned, actual,
                 caption="Trains running trips or in a terminal layover of up to 30 min, minute by minute."))
        names, hours, grid = denied_grid(events, stations)
        total = int(grid.sum())
        body = chart("denied", "heatmap", grid, names, hours, cmap="Purples", fmt=lambda v: f"{v:.0f}" if v else "",
                     title="Denied boardings by station and hour of the train's departure",
                     label="denied boardings [refusals]",
                     caption=f"{total:,} refusals in the day: a passenger left on the platform by a full train, "
                             "counted at each train.") if total else note("No passenger was denied boarding this day.",
                                                                        "info")
        page.add("denied", "Denied boardings", body)
        hours, drawn, returned = energy_by_hour_table(events)
        page.add("energy", "Energy", _energy_table(kpis) + chart(
            "energy", "energy_by_hour", hours, drawn, returned,
            caption="Traction energy of the runs into the calls of each hour, at the trains; the day's totals "
                    "above are at the substations (docs/energy.md)."))
    else:
        for sid, title in (("trains", "Trains in service"), ("denied", "Denied boardings"), ("energy", "Energy")):
            page.add(sid, title, note(f"Not drawn: {folder.why_missing('events.csv')}."))
    page.add("faults", "Faults and cancellations", _faults(folder))


def _marey(page: Page, folder, events, stations, station_note: str, run) -> None:
    planned, actual = marey_data(events, stations)
    title = f"{(run or {}).get('scenario', 'the day')}: planned (dashed) and as run (solid), seed {(run or {}).get('seed', '?')}"
    body = (note(station_note) if station_note else "") + chart(
        "marey", "marey", [(n, x) for _, n, x in stations], planned, actual, title=title, wide=True,
        caption="Time across, distance along the line up; each trip a line, blue up and red-orange down. "
                "Where the solid line leaves the dashed one the train ran late. Scroll sideways for the whole day.")
    cancelled = folder.table("cancelled.csv")
    if cancelled is not None and len(cancelled):
        body += note(f"{len(cancelled)} trip(s) cancelled are not drawn: see Faults and cancellations.", "info")
    page.add("marey", "Marey diagram", body)


def _energy_table(kpis) -> str:
    if not kpis:
        return note("The day's energy totals are not recorded (kpis.json).")
    rows = [("traction drawn", kpis.get("traction_drawn_mwh"), "MWh"), ("regenerated, taken up",
            kpis.get("regenerated_mwh"), "MWh"), ("traction net", kpis.get("traction_net_mwh"), "MWh"),
            ("HVAC", kpis.get("hvac_mwh"), "MWh"), ("auxiliaries", kpis.get("auxiliary_mwh"), "MWh"),
            ("at the substations", kpis.get("energy_mwh"), "MWh"),
            ("per train-km", kpis.get("energy_kwh_per_train_km"), "kWh")]
    return table(["energy of the day", "value", "unit"],
                 [(name, number(v, 2), unit) for name, v, unit in rows], sortable=False)


def _faults(folder) -> str:
    faults = folder.table("faults.csv")
    out = []
    if faults is None:
        out.append(note(f"No fault list: {folder.why_missing('faults.csv')}."))
    elif len(faults) == 0:
        out.append(note("No fault this day.", "info"))
    else:
        rows = []
        for f in faults.itertuples(index=False):
            rows.append((str(f.fault_id), str(f.kind), str(f.source), Cell(_clock(f.start_s), float(f.start_s)),
                         number(f.duration_s, 0), str(getattr(f, "description", "")), str(getattr(f, "response", ""))))
        out.append(table(["fault", "kind", "source", "start", "duration [s]", "what", "response"], rows))
    cancelled = folder.table("cancelled.csv")
    if cancelled is not None and len(cancelled):
        out.append(table(["cancelled trip", "train", "reason"],
                         [(str(c.trip_id), str(c.train), str(c.reason)) for c in cancelled.itertuples(index=False)]))
    return "".join(out)
