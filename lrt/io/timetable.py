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
from collections import defaultdict
from pathlib import Path

from ..errors import InputError
from ..network import Line
from ..timetable.model import EVENTS, BlockEvent, Timetable, Trip
from ..units import format_clock, parse_clock
from .files import atomic_dir, read_csv, read_toml

__all__ = ["read_timetable", "write_timetable", "DAYS", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DIRECTIONS = {"0": "up", "1": "down"}


def read_timetable(folder: Path, line: Line | None = None) -> Timetable:
    """Read a timetable folder. Stop ids are station codes; with ``line`` they are matched by code or name.

    Unknown stops are kept when no line is given (``check`` reports them); with a line they are an error.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "folder", "no such folder", "a timetable folder with meta.toml")
    meta = read_toml(folder / "meta.toml")
    meta.check_schema(SCHEMA_VERSION)
    service_id = meta.string("service_id")
    trips_meta: dict[str, tuple[str, str, str, str]] = {}
    for row in read_csv(folder / "trips.csv", ["trip_id", "direction_id", "block_id"]):
        trip_id = row.text("trip_id")
        row.label = f"trip {trip_id}"
        if trip_id in trips_meta:
            raise row.error("trip_id", repr(trip_id), "a trip id used once")
        direction = row.text("direction_id")
        if direction not in _DIRECTIONS:
            raise row.error("direction_id", repr(direction), "0 (up, Airport → Nurly Zhol) or 1 (down)")
        trips_meta[trip_id] = (_DIRECTIONS[direction], row.text("block_id"),
                               row.text("service_id", required=False) or service_id,
                               row.text("route_id", required=False) or "L1")
    times: dict[str, list[tuple[int, int, float, float]]] = defaultdict(list)
    for row in read_csv(folder / "stop_times.csv",
                        ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]):
        trip_id = row.text("trip_id")
        row.label = f"trip {trip_id}"
        if trip_id not in trips_meta:
            raise row.error("trip_id", repr(trip_id), "a trip listed in trips.csv")
        stop = _stop(row, line)
        arr = row.parsed("arrival_time", parse_clock, "a time HH:MM:SS")
        dep = row.parsed("departure_time", parse_clock, "a time HH:MM:SS")
        times[trip_id].append((row.integer("stop_sequence"), stop, arr, dep))
    trips = []
    for trip_id, (direction, block, service, route) in trips_meta.items():
        rows = sorted(times.get(trip_id, []))
        if len(rows) < 2:
            raise InputError(str(folder / "stop_times.csv"), f"trip {trip_id}", f"{len(rows)} stop time(s)",
                             "at least two stops per trip")
        trips.append(Trip(trip_id=trip_id, block_id=block, direction=direction, service_id=service, route_id=route,
                          stops=tuple(r[1] for r in rows), arrival_s=tuple(r[2] for r in rows),
                          departure_s=tuple(r[3] for r in rows)))
    trips.sort(key=lambda t: (t.start_s, t.trip_id))
    operations = _operations(folder / "operations.csv", line) if (folder / "operations.csv").exists() else ()
    days, start, end = _calendar(folder / "calendar.csv", service_id)
    return Timetable(name=meta.string("name"), service_id=service_id, trips=tuple(trips), operations=operations,
                     days=days, start_date=start, end_date=end,
                     notes={k: v for k, v in meta.data.items() if k not in ("schema_version", "name", "service_id")})


def _stop(row, line: Line | None) -> int:
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


def _operations(path: Path, line: Line | None) -> tuple[BlockEvent, ...]:
    out = []
    for row in read_csv(path, ["block_id", "event", "stop_id", "start_time", "end_time"]):
        block = row.text("block_id")
        row.label = f"block {block}"
        event = row.text("event")
        if event not in EVENTS:
            raise row.error("event", repr(event), " or ".join(EVENTS))
        start = row.parsed("start_time", parse_clock, "a time HH:MM:SS")
        end = row.parsed("end_time", parse_clock, "a time HH:MM:SS")
        if end < start:
            raise row.error("end_time", format_clock(end), f"a time not before start_time {format_clock(start)}")
        out.append(BlockEvent(block_id=block, event=event, stop=_stop(row, line), start_s=start, end_s=end,
                              from_trip=row.text("from_trip", required=False),
                              to_trip=row.text("to_trip", required=False)))
    return tuple(sorted(out, key=lambda e: (e.start_s, e.block_id)))


def _calendar(path: Path, service_id: str) -> tuple[tuple[str, ...], str, str]:
    if not path.exists():
        return DAYS[:5], "20260101", "20261231"
    for row in read_csv(path, ["service_id", *DAYS, "start_date", "end_date"]):
        if row.text("service_id") == service_id:
            days = tuple(d for d in DAYS if row.text(d) == "1")
            return days, row.text("start_date"), row.text("end_date")
    raise InputError(str(path), "service_id", f"no row for {service_id!r}", "the service_id named in meta.toml")


def write_timetable(timetable: Timetable, line: Line, folder: Path) -> None:
    """Write the folder atomically (built aside, then moved into place)."""
    with atomic_dir(Path(folder)) as tmp:
        _write_meta(timetable, tmp / "meta.toml")
        _write(tmp / "stops.csv", ["stop_id", "stop_name", "stop_lat", "stop_lon"],
               [[s.code, s.name_en, f"{s.lat:.6f}", f"{s.lon:.6f}"] for s in line.stations])
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
