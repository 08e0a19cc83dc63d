"""Rules shared by the GTFS-shaped tables of a timetable folder and of a GTFS feed.

A timetable folder (:mod:`lrt.io.timetable`) and a feed (:mod:`lrt.io.gtfs`) hold the same tables
under other names (``stops.csv`` / ``stops.txt``); both readers check them here, so a stop, a calendar
row or a stop time is judged the same way whichever way it came in.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from ..network import Line
from .files import Row

__all__ = ["DAYS", "DATE_EXPECTED", "yyyymmdd", "real_date", "calendar_entry", "stop_position", "check_position",
           "stop_sequence", "station_of_name", "listed"]

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


DATE_EXPECTED = "a date YYYYMMDD that exists"


def yyyymmdd(raw: str) -> str:
    """``raw`` if it is a ``YYYYMMDD`` date that exists on the calendar (20260230 does not), else ValueError."""
    if len(raw) != 8 or not raw.isdigit():
        raise ValueError(raw)
    datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    return raw


def real_date(row: Row, column: str) -> str:
    """The ``YYYYMMDD`` date in ``column`` (see :func:`yyyymmdd`)."""
    return row.parsed(column, yyyymmdd, DATE_EXPECTED)


def calendar_entry(row: Row) -> tuple[str, tuple[str, ...], str, str]:
    """``(service_id, days, start_date, end_date)`` of a calendar row; flags 0/1, real dates, start <= end."""
    service = row.text("service_id")
    row.label = f"service {service}"
    for day in DAYS:
        if row.text(day) not in ("0", "1"):
            raise row.error(day, repr(row.text(day)), "0 or 1")
    start, end = real_date(row, "start_date"), real_date(row, "end_date")
    if end < start:  # YYYYMMDD strings sort as dates
        raise row.error("end_date", end, f"a date not before start_date {start}")
    return service, tuple(d for d in DAYS if row.text(d) == "1"), start, end


def stop_position(row: Row) -> tuple[float, float]:
    """``stop_lat`` and ``stop_lon`` [degrees, WGS84]: finite and within ±90 and ±180, or both empty (unknown)."""
    nan = float("nan")
    lat, lon = row.number("stop_lat", default=nan), row.number("stop_lon", default=nan)
    if math.isnan(lat) != math.isnan(lon):
        column = "stop_lat" if math.isnan(lat) else "stop_lon"
        raise row.error(column, "empty", "a latitude and a longitude, or neither")
    check_position(lat, lon, lambda column, found, expected: row.error(column, found, expected),
                   ("stop_lat", "stop_lon"))
    return lat, lon


def check_position(lat: float, lon: float, error, columns: tuple[str, str]) -> None:
    """Refuse a latitude outside ±90 or a longitude outside ±180 degrees (NaN means unknown and passes)."""
    if not math.isnan(lat) and not -90 <= lat <= 90:
        raise error(columns[0], f"{lat:g}", "a latitude from -90 to 90 degrees")
    if not math.isnan(lon) and not -180 <= lon <= 180:
        raise error(columns[1], f"{lon:g}", "a longitude from -180 to 180 degrees")


def stop_sequence(row: Row, seen: set[tuple[str, int]], trip_id: str) -> int:
    """A trip's ``stop_sequence``: a whole number >= 0, used once per trip (``seen`` collects them)."""
    raw = row.text("stop_sequence")
    if not raw.isdigit():
        raise row.error("stop_sequence", repr(raw), "a whole number >= 0")
    sequence = int(raw)
    if (trip_id, sequence) in seen:
        raise row.error("stop_sequence", str(sequence), "a stop_sequence used once per trip")
    seen.add((trip_id, sequence))
    return sequence


def station_of_name(line: Line, name: str) -> int | None:
    """The station code a stop name means (any language, any case), or None."""
    if not name or name.isdigit():  # a number is a code, not a name
        return None
    try:
        return line.station(name).code
    except KeyError:
        return None


def listed(values: Sequence[str]) -> str:
    """Up to five values for a message: ``a, b, c, ...``."""
    return ", ".join(values[:5]) + (", ..." if len(values) > 5 else "")
