"""Read and write a timetable folder: GTFS-shaped CSV files plus operations and metadata.

Folder layout (see docs/timetables.md)::

    meta.toml        schema_version, name, service_id
    stops.csv        stop_id, stop_name, stop_lat, stop_lon
    routes.csv       route_id, route_short_name, route_long_name, route_type
    trips.csv        route_id, service_id, trip_id, direction_id, block_id, trip_headsign
    stop_times.csv   trip_id, arrival_time, departure_time, stop_id, stop_sequence
    calendar.csv     service_id, monday..sunday, start_date, end_date
    operations.csv   block_id, event, stop_id, start_time, end_time, from_trip, to_trip
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..network import Line
from ..timetable.model import EVENTS, BlockEvent, Timetable, Trip
from ..units import format_clock
from .files import Doc, Row, display_path, read_csv, read_toml
from .outputs import atomic_dir
from .tables import DAYS, calendar_entry, listed, station_of_name, stop_position, stop_sequence

__all__ = ["read_timetable", "write_timetable", "DAYS", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
_DIRECTIONS = {"0": "up", "1": "down"}
_DEFAULT_CALENDAR = (DAYS[:5], "20260101", "20261231")


@dataclass(frozen=True, slots=True)
class _TripRow:
    direction: str
    block_id: str
    service_id: str
    route_id: str


def read_timetable(folder: Path, line: Line | None = None) -> Timetable:
    """Read and validate a timetable folder (docs/timetables.md, "What is checked when reading").

    Stop ids are station codes; with ``line`` they are matched by code or name and must be stations
    of the line.  Without a line unknown stops are kept (``lrt timetable check`` reports them).
    ``stops.csv``, ``routes.csv``, ``calendar.csv`` and ``operations.csv`` are optional; when present
    every row is checked, and the other files must agree with them.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "folder", "no such folder", "a timetable folder with meta.toml")
    meta = read_toml(folder / "meta.toml")
    meta.check_schema(SCHEMA_VERSION)
    name, service_id = _nonblank(meta, "name"), _nonblank(meta, "service_id")
    notes = _notes(meta)
    stops = _stops(folder / "stops.csv", line) if (folder / "stops.csv").exists() else None
    routes = _routes(folder / "routes.csv") if (folder / "routes.csv").exists() else None
    calendar = _calendar(folder / "calendar.csv") if (folder / "calendar.csv").exists() else None
    trip_rows = _trips(folder / "trips.csv", service_id, routes, calendar)
    calls = _stop_times(folder / "stop_times.csv", trip_rows, line, stops)
    trips = []
    for trip_id, t in trip_rows.items():
        rows = sorted(calls.get(trip_id, []))
        if len(rows) < 2:
            raise InputError(display_path(folder / "stop_times.csv"), f"trip {trip_id}", f"{len(rows)} stop time(s)",
                             "at least two stops per trip")
        trips.append(Trip(trip_id=trip_id, block_id=t.block_id, direction=t.direction, service_id=t.service_id,
                          route_id=t.route_id, stops=tuple(r[1] for r in rows), arrival_s=tuple(r[2] for r in rows),
                          departure_s=tuple(r[3] for r in rows)))
    trips.sort(key=lambda t: (t.start_s, t.trip_id))
    path = folder / "operations.csv"
    operations = _operations(path, line, trip_rows, stops) if path.exists() else ()
    if calendar is None:
        days, start, end = _DEFAULT_CALENDAR
    elif service_id in calendar:
        days, start, end = calendar[service_id]
    else:
        raise InputError(display_path(folder / "calendar.csv"), "service_id", f"no row for {service_id!r}",
                         "the service_id named in meta.toml")
    return Timetable(name=name, service_id=service_id, trips=tuple(trips), operations=operations,
                     days=days, start_date=start, end_date=end, notes=notes)


def _nonblank(doc: Doc, key: str) -> str:
    value = doc.string(key)
    if not value.strip():
        raise doc.error(key, "an empty string", "a name")
    return value


def _notes(meta: Doc) -> dict:
    """The notes of meta.toml: plain strings and numbers (they are written back), the known ones checked."""
    notes = {k: v for k, v in meta.data.items() if k not in ("schema_version", "name", "service_id")}
    for key, value in notes.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise meta.error(key, f"{type(value).__name__} {value!r}"[:60], "a string or a number (a note)")
    if "reserve_trains" in notes:
        meta.integer("reserve_trains", minimum=0)
    if "running_time_load_factor" in notes:
        meta.number("running_time_load_factor", minimum=0)
    pattern = notes.get("pattern_file")
    if pattern is not None and (not isinstance(pattern, str) or "/" in pattern or "\\" in pattern
                                or not pattern.endswith(".toml")):
        raise meta.error("pattern_file", repr(pattern), "the file name of a shipped service pattern, e.g. weekday.toml")
    return notes


def _stop(row: Row, line: Line | None) -> int:
    raw = row.text("stop_id")
    if line is None:
        try:
            return int(raw)
        except ValueError:
            raise row.error("stop_id", repr(raw), "a station code") from None
    try:
        return line.station(int(raw) if raw.isdigit() else raw).code
    except KeyError:
        raise row.error("stop_id", f"unknown stop {raw!r}",
                        f"a station of {line.name} ({line.codes[0]}-{line.codes[-1]} or a name)") from None


def _stops(path: Path, line: Line | None) -> set[int]:
    """The station codes stops.csv lists: each once, named, with a position on the globe."""
    seen: dict[int, int] = {}
    for row in read_csv(path, ["stop_id", "stop_name", "stop_lat", "stop_lon"]):
        row.label = f"stop {row.text('stop_id', required=False)}"
        code = _stop(row, line)
        if code in seen:
            raise row.error("stop_id", repr(row.text("stop_id")), f"a stop listed once (first on line {seen[code]})")
        seen[code] = row.line
        name = row.text("stop_name")
        named = station_of_name(line, name) if line is not None else None
        if named is not None and named != code:
            raise row.error("stop_name", f"{name!r} is station {named}", f"a name of station {code}")
        stop_position(row)
    return set(seen)


def _routes(path: Path) -> set[str]:
    routes: dict[str, int] = {}
    for row in read_csv(path, ["route_id"]):
        route = row.text("route_id")
        row.label = f"route {route}"
        if route in routes:
            raise row.error("route_id", repr(route), f"a route listed once (first on line {routes[route]})")
        routes[route] = row.line
        if row.text("route_type", required=False):
            row.parsed("route_type", int, "a GTFS route_type number (0: light rail)")
    return set(routes)


def _calendar(path: Path) -> dict[str, tuple[tuple[str, ...], str, str]]:
    out: dict[str, tuple[tuple[str, ...], str, str]] = {}
    for row in read_csv(path, ["service_id", *DAYS, "start_date", "end_date"]):
        service, days, start, end = calendar_entry(row)
        if service in out:
            raise row.error("service_id", repr(service), "a service listed once")
        out[service] = (days, start, end)
    return out


def _trips(path: Path, service_id: str, routes: set[str] | None,
           calendar: dict | None) -> dict[str, _TripRow]:
    out: dict[str, _TripRow] = {}
    for row in read_csv(path, ["trip_id", "direction_id", "block_id"]):
        trip_id = row.text("trip_id")
        row.label = f"trip {trip_id}"
        if trip_id in out:
            raise row.error("trip_id", repr(trip_id), "a trip id used once")
        direction = row.text("direction_id")
        if direction not in _DIRECTIONS:
            raise row.error("direction_id", repr(direction), "0 (up, Airport → Nurly Zhol) or 1 (down)")
        service = row.text("service_id", required=False) or service_id
        if calendar is not None and service not in calendar:
            raise row.error("service_id", repr(service), f"a service of calendar.csv ({listed(sorted(calendar))})")
        route = row.text("route_id", required=False) or "L1"
        if routes is not None and route not in routes:
            raise row.error("route_id", repr(route), f"a route of routes.csv ({listed(sorted(routes))})")
        out[trip_id] = _TripRow(_DIRECTIONS[direction], row.text("block_id"), service, route)
    return out


def _stop_times(path: Path, trips: dict[str, _TripRow], line: Line | None,
                stops: set[int] | None) -> dict[str, list[tuple[int, int, float, float]]]:
    """Each trip's calls as (stop_sequence, station code, arrival [s], departure [s])."""
    calls: dict[str, list[tuple[int, int, float, float]]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for row in read_csv(path, ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]):
        trip_id = row.text("trip_id")
        row.label = f"trip {trip_id}"
        if trip_id not in trips:
            raise row.error("trip_id", repr(trip_id), "a trip listed in trips.csv")
        stop = _listed_stop(row, line, stops)
        arr, dep = row.clock("arrival_time"), row.clock("departure_time")
        calls[trip_id].append((stop_sequence(row, seen, trip_id), stop, arr, dep))
    return calls


def _listed_stop(row: Row, line: Line | None, stops: set[int] | None) -> int:
    code = _stop(row, line)
    if stops is not None and code not in stops:
        raise row.error("stop_id", f"{row.text('stop_id')!r} is not in stops.csv", "a stop listed in stops.csv")
    return code


def _operations(path: Path, line: Line | None, trips: dict[str, _TripRow],
                stops: set[int] | None) -> tuple[BlockEvent, ...]:
    blocks = {t.block_id for t in trips.values()}
    out = []
    for row in read_csv(path, ["block_id", "event", "stop_id", "start_time", "end_time"]):
        block = row.text("block_id")
        row.label = f"block {block}"
        if block not in blocks:
            raise row.error("block_id", repr(block), f"a block (train) of trips.csv ({listed(sorted(blocks))})")
        event = row.text("event")
        if event not in EVENTS:
            raise row.error("event", repr(event), " or ".join(EVENTS))
        start, end = row.clock("start_time"), row.clock("end_time")
        if end < start:
            raise row.error("end_time", format_clock(end), f"a time not before start_time {format_clock(start)}")
        linked = []
        for column in ("from_trip", "to_trip"):
            trip_id = row.text(column, required=False)
            if trip_id and trip_id not in trips:
                raise row.error(column, repr(trip_id), "a trip listed in trips.csv")
            if trip_id and trips[trip_id].block_id != block:
                raise row.error(column, f"{trip_id!r} of train {trips[trip_id].block_id}", f"a trip of train {block}")
            linked.append(trip_id)
        out.append(BlockEvent(block_id=block, event=event, stop=_listed_stop(row, line, stops), start_s=start,
                              end_s=end, from_trip=linked[0], to_trip=linked[1]))
    return tuple(sorted(out, key=lambda e: (e.start_s, e.block_id)))


def write_timetable(timetable: Timetable, line: Line, folder: Path) -> None:
    """Write the folder atomically (built aside, then moved into place)."""
    with atomic_dir(Path(folder)) as tmp:
        _write_meta(timetable, tmp / "meta.toml")
        _write(tmp / "stops.csv", ["stop_id", "stop_name", "stop_lat", "stop_lon"],
               [[s.code, s.name_en, *_position(s)] for s in line.stations])
        _write(tmp / "routes.csv", ["route_id", "route_short_name", "route_long_name", "route_type"],
               [[r, "1", line.name, 0] for r in sorted({t.route_id for t in timetable.trips})])
        _write(tmp / "trips.csv", ["route_id", "service_id", "trip_id", "direction_id", "block_id", "trip_headsign"],
               [[t.route_id, t.service_id, t.trip_id, 0 if t.direction == "up" else 1, t.block_id,
                 line.station(t.destination).name_en] for t in timetable.trips])
        _write(tmp / "stop_times.csv", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
               [[t.trip_id, format_clock(a), format_clock(d), s, i + 1] for t in timetable.trips
                for i, (s, a, d) in enumerate(zip(t.stops, t.arrival_s, t.departure_s))])
        _write(tmp / "calendar.csv", ["service_id", *DAYS, "start_date", "end_date"],
               [[timetable.service_id, *(int(d in timetable.days) for d in DAYS), timetable.start_date,
                 timetable.end_date]])
        _write(tmp / "operations.csv", ["block_id", "event", "stop_id", "start_time", "end_time", "from_trip", "to_trip"],
               [[e.block_id, e.event, e.stop, format_clock(e.start_s), format_clock(e.end_s), e.from_trip, e.to_trip]
                for e in timetable.operations])


def _position(station) -> list[str]:
    """Latitude and longitude with 6 decimals (about 0.1 m), empty when the line does not give them."""
    if math.isnan(station.lat) or math.isnan(station.lon):
        return ["", ""]
    return [f"{station.lat:.6f}", f"{station.lon:.6f}"]


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _write_meta(timetable: Timetable, path: Path) -> None:
    lines = [f"schema_version = {SCHEMA_VERSION}", f"name = {_toml_str(timetable.name)}",
             f"service_id = {_toml_str(timetable.service_id)}"]
    for key, value in timetable.notes.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {_toml_str(str(value))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
