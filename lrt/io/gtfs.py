"""GTFS in and out: write a timetable as a GTFS Schedule feed (zip), read a feed back into a timetable.

The export is a complete feed (agency, stops, routes, trips, stop_times, calendar, feed_info); times
are whole seconds, ``HH:MM:SS``, and pass 24:00:00 after midnight as GTFS allows.  The import matches
the feed's stops to the line by ``stop_id`` (a station code, or a name) or by ``stop_name`` (any
language, any case), or through a platform's ``parent_station``; see docs/gtfs.md.  GTFS has no depot
moves or turnbacks, so an imported timetable has no operations.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ..errors import InputError
from ..network import Line
from ..timetable.model import Timetable, Trip
from ..limits import GTFS_MAX_FEED_BYTES, GTFS_MAX_MEMBER_BYTES, GTFS_MAX_RATIO, GTFS_RATIO_FROM_BYTES
from ..units import format_clock
from .files import Row, parse_csv
from .outputs import atomic_write
from .tables import DAYS, calendar_entry, listed, real_date, stop_position, stop_sequence

__all__ = ["export_gtfs", "import_gtfs", "ROUTE_TYPE_LIGHT_RAIL"]

ROUTE_TYPE_LIGHT_RAIL = 0
"""GTFS ``route_type`` 0: tram, streetcar, light rail."""
_DIRECTION_IDS = {"up": 0, "down": 1}
# A fixed member date makes the zip's bytes depend on the timetable only (reproducible exports).
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def export_gtfs(timetable: Timetable, line: Line, path: Path, *, agency_name: str = "Astana LRT",
                agency_url: str = "https://example.invalid/astana-lrt", timezone: str = "Asia/Almaty") -> None:
    """Write ``timetable`` as a GTFS feed (a zip) at ``path``, atomically.

    Parameters
    ----------
    timetable : Timetable
        The day to export; its operations (depot moves, turnbacks) have no place in GTFS and are left out.
    line : Line
        Gives every station's ``stop_id`` (its code), English name and coordinates.
    path : Path
        The zip to write.
    agency_name, agency_url : str
        The operator, as GTFS ``agency.txt`` requires.
    timezone : str
        IANA zone of the times. ``Asia/Almaty`` is the zone of "most of Kazakhstan", Astana
        included (tz database ``zone1970.tab``); it is UTC+5 since 1 March 2024 (tzdata 2024a).

    Times are written to the whole second (GTFS has no finer resolution).
    """
    for t in timetable.trips:
        for code in t.stops:
            try:
                line.station(code)
            except KeyError:
                raise InputError(timetable.name, f"trip {t.trip_id}", f"stop {code}",
                                 f"a station of {line.name} ({line.codes[0]}-{line.codes[-1]})") from None
    for s in line.stations:
        if not (-90 <= s.lat <= 90 and -180 <= s.lon <= 180):  # also refuses NaN
            raise InputError(line.source or line.name, f"station {s.code}", f"lat {s.lat}, lon {s.lon}",
                             "coordinates (GTFS requires stop_lat and stop_lon)")
    tables = _feed_tables(timetable, line, agency_name, agency_url, timezone)
    with atomic_write(Path(path), "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (header, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            z.writestr(zipfile.ZipInfo(name, _ZIP_DATE), text.getvalue().encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED)


def _feed_tables(timetable: Timetable, line: Line, agency_name: str, agency_url: str,
                 timezone: str) -> dict[str, tuple[list[str], list[list]]]:
    """Each GTFS file's header and rows."""
    agency_id = "LRT"
    services = sorted({timetable.service_id, *(t.service_id for t in timetable.trips)})
    trips = sorted(timetable.trips, key=lambda t: (t.start_s, t.trip_id))
    return {
        "agency.txt": (["agency_id", "agency_name", "agency_url", "agency_timezone"],
                       [[agency_id, agency_name, agency_url, timezone]]),
        "stops.txt": (["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"],
                      [[s.code, s.name_en, f"{s.lat:.6f}", f"{s.lon:.6f}", 0] for s in line.stations]),
        "routes.txt": (["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
                       [[r, agency_id, "1", line.name, ROUTE_TYPE_LIGHT_RAIL]
                        for r in sorted({t.route_id for t in trips})]),
        "trips.txt": (["route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "block_id"],
                      [[t.route_id, t.service_id, t.trip_id, line.station(t.destination).name_en,
                        _DIRECTION_IDS[t.direction], t.block_id] for t in trips]),
        "stop_times.txt": (["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
                           [[t.trip_id, format_clock(a), format_clock(d), s, i + 1] for t in trips
                            for i, (s, a, d) in enumerate(zip(t.stops, t.arrival_s, t.departure_s))]),
        "calendar.txt": (["service_id", *DAYS, "start_date", "end_date"],
                         [[s, *(int(d in timetable.days) for d in DAYS), timetable.start_date, timetable.end_date]
                          for s in services]),
        "feed_info.txt": (["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                           "feed_end_date", "feed_version", "feed_contact_url"],
                          [[agency_name, agency_url, "en", timetable.start_date, timetable.end_date,
                            timetable.name, agency_url]]),
    }


def import_gtfs(path: Path, line: Line, *, service_id: str | None = None) -> Timetable:
    """Read a GTFS feed (a zip, or a folder of ``.txt`` files) into a timetable on ``line``.

    Parameters
    ----------
    path : Path
        The feed.
    line : Line
        The line its stops are matched to (by ``stop_id`` or ``stop_name``, see docs/gtfs.md).
    service_id : str, optional
        The service to read when the feed has several (a timetable is one service day).

    Returns
    -------
    Timetable
        Named after ``feed_info.txt`` ``feed_version`` (else the file name); ``block_id`` defaults to
        the trip id; the direction follows the stop order (``up`` when chainage increases).
    """
    feed = _Feed(Path(path))
    stops = _StopMatcher(feed, line)
    all_trips = _trip_rows(feed)
    service = _service(feed, all_trips, service_id)
    trip_rows = {k: r for k, r in all_trips.items() if r.text("service_id") == service}
    calls = _stop_times(feed, all_trips, trip_rows, stops)
    trips = []
    for trip_id, row in trip_rows.items():
        rows = sorted(calls.get(trip_id, []))
        if len(rows) < 2:
            raise row.error("trip_id", f"{len(rows)} stop time(s) in stop_times.txt", "at least two stops per trip")
        codes = tuple(r[1] for r in rows)
        trips.append(Trip(trip_id=trip_id, block_id=row.text("block_id", required=False) or trip_id,
                          direction=_direction(row, codes, line), service_id=service,
                          route_id=row.text("route_id", required=False) or "L1", stops=codes,
                          arrival_s=tuple(r[2] for r in rows), departure_s=tuple(r[3] for r in rows)))
    trips.sort(key=lambda t: (t.start_s, t.trip_id))
    days, start, end = _calendar(feed, service)
    version = ""
    if feed.has("feed_info.txt"):
        version = next((r.text("feed_version", required=False) for r in feed.rows("feed_info.txt", [])), "")
    return Timetable(name=version or feed.path.stem, service_id=service, trips=tuple(trips), operations=(),
                     days=days, start_date=start, end_date=end, notes={"imported_from": feed.path.name})


class _Feed:
    """The files of a feed, from a zip or a folder; every row knows its file and line for errors.

    A member is read only when its size is within :data:`~lrt.limits.GTFS_MAX_MEMBER_BYTES` and its
    compression ratio within :data:`~lrt.limits.GTFS_MAX_RATIO`, judged on the zip's headers before
    anything is decompressed; zipfile then stops at the declared size and checks the CRC, so a header
    that claims less than the member holds makes it unreadable, never larger.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = str(path)
        self._members: dict[str, zipfile.ZipInfo | Path] = {}
        if path.is_dir():
            self._members = {p.name: p for p in sorted(path.glob("*.txt"))}
        elif path.is_file():
            size = path.stat().st_size
            if size > GTFS_MAX_FEED_BYTES:
                raise InputError(self.source, "file", f"{size:,} bytes",
                                 f"a feed of at most {GTFS_MAX_FEED_BYTES:,} bytes (cut it down to the line)")
            try:
                with zipfile.ZipFile(path) as z:
                    infos = z.infolist()
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise InputError(self.source, "file", "not a zip archive",
                                 "a GTFS feed: a .zip of .txt files or a folder of them") from None
            # files at the top or in one folder inside the zip; the shallowest wins
            for info in sorted(infos, key=lambda i: (i.filename.count("/"), i.filename), reverse=True):
                if info.filename.endswith(".txt") and not info.is_dir():
                    self._members[PurePosixPath(info.filename).name] = info
        else:
            raise InputError(self.source, "file", "no such file or folder", "a GTFS feed (.zip or folder)")

    def has(self, name: str) -> bool:
        return name in self._members

    def rows(self, name: str, required: Sequence[str]) -> list[Row]:
        """The rows of one file, which must exist and have the ``required`` columns."""
        source = f"{self.source}/{name}"
        if name not in self._members:
            raise InputError(self.source, name, "missing", f"a GTFS feed with {name}")
        try:
            text = self._read(self._members[name], source).decode("utf-8-sig")  # many feeds start with a BOM
        except UnicodeDecodeError:
            raise InputError(source, "encoding", "bytes that are not UTF-8", "a UTF-8 text file") from None
        return parse_csv(text, source, required, skip_blank=True)

    def _read(self, member: zipfile.ZipInfo | Path, source: str) -> bytes:
        limit = GTFS_MAX_MEMBER_BYTES
        too_big = f"a file of at most {limit:,} bytes (cut the feed down to the line)"
        try:
            if isinstance(member, Path):
                if member.stat().st_size > limit:
                    raise InputError(source, "size", f"{member.stat().st_size:,} bytes", too_big)
                with member.open("rb") as f:
                    data = f.read(limit + 1)  # bounded even if the file grows meanwhile
            else:
                if member.file_size > limit:
                    raise InputError(source, "size", f"{member.file_size:,} bytes uncompressed", too_big)
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > GTFS_RATIO_FROM_BYTES and ratio > GTFS_MAX_RATIO:
                    raise InputError(source, "size", f"{member.compress_size:,} bytes that expand {ratio:,.0f} times",
                                     f"a compression ratio of at most {GTFS_MAX_RATIO} (a decompression bomb?)")
                with zipfile.ZipFile(self.path) as z, z.open(member) as f:
                    data = f.read()
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError,
                zlib.error) as exc:  # RuntimeError: an encrypted member; NotImplementedError: unknown compression
            raise InputError(source, "file", f"unreadable ({exc})", "a readable file") from None
        if len(data) > limit:
            raise InputError(source, "size", f"more than {limit:,} bytes", too_big)
        return data


class _StopMatcher:
    """Maps the feed's stop_ids to station codes, matching each stop when it is first used."""

    def __init__(self, feed: _Feed, line: Line) -> None:
        self.line = line
        self.rows: dict[str, Row] = {}
        self.codes: dict[str, int] = {}
        for row in feed.rows("stops.txt", ["stop_id"]):
            stop_id = row.text("stop_id")
            row.label = f"stop {stop_id}"
            if stop_id in self.rows:
                raise row.error("stop_id", repr(stop_id), "a stop id used once")
            stop_position(row)
            self.rows[stop_id] = row

    def code(self, stop_id: str, used_at: Row) -> int:
        """The station code of ``stop_id``; ``used_at`` is the stop_times row that names it."""
        if stop_id not in self.codes:
            if stop_id not in self.rows:
                raise used_at.error("stop_id", f"{stop_id!r} is not in stops.txt", "a stop_id listed in stops.txt")
            self.codes[stop_id] = self._match(self.rows[stop_id], depth=0)
        return self.codes[stop_id]

    def _match(self, row: Row, depth: int) -> int:
        stop_id, name = row.text("stop_id"), row.text("stop_name", required=False)
        by_id, by_name = self._lookup(stop_id), self._lookup(name)
        if by_id is not None and by_name is not None and by_id != by_name:
            raise row.error("stop_name", f"{name!r} is station {by_name} but stop_id {stop_id!r} is station {by_id}",
                            "a stop_id and stop_name of the same station")
        if by_id is not None or by_name is not None:
            return by_id if by_id is not None else by_name
        parent = row.text("parent_station", required=False)
        if parent and parent in self.rows and depth < 2:  # a platform: match its station
            return self._match(self.rows[parent], depth + 1)
        first, last = self.line.stations[0], self.line.stations[-1]
        raise row.error("stop_id", f"unknown stop {stop_id!r}" + (f" named {name!r}" if name else ""),
                        f"a station of {self.line.name}: a code {first.code}-{last.code} or a name such as "
                        f"{first.name_en!r} (English, Russian or Kazakh) in stop_id or stop_name")

    def _lookup(self, key: str) -> int | None:
        if not key:
            return None
        try:
            return self.line.station(int(key) if key.isdigit() else key).code
        except KeyError:
            return None


def _trip_rows(feed: _Feed) -> dict[str, Row]:
    """The rows of trips.txt by trip id; a trip's route must be in routes.txt when the feed has one."""
    routes = _routes(feed) if feed.has("routes.txt") else None
    rows: dict[str, Row] = {}
    for row in feed.rows("trips.txt", ["trip_id", "service_id"]):
        trip_id = row.text("trip_id")
        row.label = f"trip {trip_id}"
        if trip_id in rows:
            raise row.error("trip_id", repr(trip_id), "a trip id used once")
        route = row.text("route_id", required=False)
        if routes is not None and route and route not in routes:
            raise row.error("route_id", repr(route), f"a route of routes.txt ({listed(sorted(routes))})")
        rows[trip_id] = row
    if not rows:
        raise InputError(f"{feed.source}/trips.txt", "trips", "none", "at least one trip")
    return rows


def _routes(feed: _Feed) -> set[str]:
    routes: set[str] = set()
    for row in feed.rows("routes.txt", ["route_id"]):
        route = row.text("route_id")
        if route in routes:
            raise row.error("route_id", repr(route), "a route id used once")
        routes.add(route)
    return routes


def _service(feed: _Feed, trips: dict[str, Row], service_id: str | None) -> str:
    """The one service to read: ``service_id``, or the feed's only one."""
    services = sorted({r.text("service_id") for r in trips.values()})
    source = f"{feed.source}/trips.txt"
    if service_id is None:
        if len(services) > 1:
            raise InputError(source, "service_id", f"{len(services)} services ({', '.join(services)})",
                             "one service per timetable (choose one with service_id)")
        return services[0]
    if service_id not in services:
        raise InputError(source, "service_id", f"no trips of service {service_id!r}", f"one of {', '.join(services)}")
    return service_id


def _stop_times(feed: _Feed, known: dict[str, Row], trips: dict[str, Row],
                stops: _StopMatcher) -> dict[str, list[tuple[int, int, float, float]]]:
    """The calls of ``trips`` as (stop_sequence, station code, arrival [s], departure [s]) by trip id."""
    calls: dict[str, list[tuple[int, int, float, float]]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for row in feed.rows("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]):
        trip_id = row.text("trip_id")
        row.label = f"trip {trip_id}"
        if trip_id not in known:
            raise row.error("trip_id", repr(trip_id), "a trip listed in trips.txt")
        if trip_id not in trips:
            continue  # another service
        sequence = stop_sequence(row, seen, trip_id)
        code = stops.code(row.text("stop_id"), row)
        arrival, departure = _times(row)
        calls[trip_id].append((sequence, code, arrival, departure))
    return calls


def _times(row: Row) -> tuple[float, float]:
    """Arrival and departure [s]; one may stand for both, but lrt needs a time at every stop."""
    raw_a, raw_d = row.text("arrival_time", required=False), row.text("departure_time", required=False)
    if not raw_a and not raw_d:
        raise row.error("arrival_time", "empty", "a time HH:MM:SS at every stop (lrt does not interpolate)")
    a = row.clock("arrival_time") if raw_a else None
    d = row.clock("departure_time") if raw_d else None
    return (a if a is not None else d), (d if d is not None else a)


def _direction(row: Row, codes: tuple[int, ...], line: Line) -> str:
    """``up`` when the trip runs towards higher chainage; GTFS leaves the meaning of direction_id to each feed."""
    first, last = line.station(codes[0]).chainage_m, line.station(codes[-1]).chainage_m
    if first != last:
        return "up" if last > first else "down"
    raw = row.text("direction_id", required=False)
    if raw in ("0", "1"):  # a trip that ends where it starts: only the feed can tell
        return "up" if raw == "0" else "down"
    raise row.error("direction_id", f"{raw or 'empty'} for a trip that starts and ends at station {codes[0]}",
                    "0 (up, Airport → Nurly Zhol) or 1 (down)")


def _calendar(feed: _Feed, service: str) -> tuple[tuple[str, ...], str, str]:
    """Days and date range of ``service`` from calendar.txt, else from calendar_dates.txt."""
    if feed.has("calendar.txt"):
        entries = {}
        for row in feed.rows("calendar.txt", ["service_id", *DAYS, "start_date", "end_date"]):
            name, days, start, end = calendar_entry(row)
            if name in entries:
                raise row.error("service_id", repr(name), "a service listed once")
            entries[name] = (days, start, end)
        if service in entries:
            return entries[service]
    if feed.has("calendar_dates.txt"):
        added = []
        for row in feed.rows("calendar_dates.txt", ["service_id", "date", "exception_type"]):
            date, kind = real_date(row, "date"), row.text("exception_type")
            if kind not in ("1", "2"):
                raise row.error("exception_type", repr(kind), "1 (service added) or 2 (service removed)")
            if row.text("service_id") == service and kind == "1":
                added.append(date)
        if added:
            added.sort()
            return (), added[0], added[-1]  # service on listed dates only: no weekly pattern
    raise InputError(feed.source, "calendar", f"no calendar.txt or calendar_dates.txt entry for service {service!r}",
                     "the service's days in calendar.txt (or its dates in calendar_dates.txt)")
