"""Read a service-pattern TOML (see docs/timetables.md) into a :class:`~lrt.timetable.pattern.ServicePattern`."""

from __future__ import annotations

from pathlib import Path

from ..network import Line
from ..timetable.pattern import FLEET, Band, ServicePattern
from .files import read_toml
from .tables import DATE_EXPECTED, DAYS, yyyymmdd

MAX_DWELL_S = 600.0
"""Longest dwell a pattern may ask for [s], the same limit as ``--dwell``."""

__all__ = ["read_pattern"]

SCHEMA_VERSION = 1


def read_pattern(path: Path, line: Line) -> ServicePattern:
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    days = doc.data.get("days", list(DAYS[:5]))
    if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
        raise doc.error("days", repr(days), f"a list of day names from {', '.join(DAYS)}")
    bands = []
    previous_end = None
    for b in doc.tables("bands"):
        name = b.string("name")
        start, end = (b.clock(key, "a time HH:MM or HH:MM:SS (may pass 24:00)") for key in ("start", "end"))
        if end <= start:
            raise b.error("end", b.data["end"], f"a time after start ({b.data['start']})")
        if previous_end is not None and start != previous_end:
            raise b.error("start", b.data["start"], "the end of the previous band (bands are contiguous)")
        previous_end = end
        raw = b.data.get("headway")
        if isinstance(raw, str) and raw != FLEET:
            raise b.error("headway", repr(raw), f'"{FLEET}" or {{ value = .., unit = "min" }}')
        headway = None if raw == FLEET else b.quantity("headway", "time", positive=True)
        if headway is not None and headway < 60:
            raise b.error("headway", f"{headway:g} s", "a headway of at least 60 s")
        bands.append(Band(name=name, start_s=start, end_s=end, headway_s=headway))
    if not bands:  # ServicePattern would refuse it with a ValueError: a traceback instead of one line
        raise doc.error("bands", "[]", "at least one [[bands]] table")
    dwell = doc.table("dwell")
    station_dwell = {}
    if dwell.has("stations"):
        stations = dwell.table("stations")
        for key in sorted(stations.data):
            try:
                code = line.station(int(key) if key.isdigit() else key).code
            except KeyError:
                raise stations.error(key, f"unknown station {key!r}",
                                     f"a station of {line.name} (code or name)") from None
            station_dwell[code] = _dwell(stations, key)
    ops = line.operations
    reserve = doc.integer("reserve_trains", ops.reserve_trains, minimum=0)
    if reserve >= ops.fleet:
        raise doc.error("reserve_trains", str(reserve), f"fewer than the fleet ({ops.fleet})")
    load = doc.number("load_factor", 0.5, minimum=0)
    if load > 1.5:
        raise doc.error("load_factor", f"{load:g}", "a share of the design load between 0 and 1.5")
    stabling = doc.integer("far_end_stabling", 0, minimum=0)
    if stabling > ops.fleet - reserve:
        raise doc.error("far_end_stabling", str(stabling), f"at most the trains in service ({ops.fleet - reserve})")
    start_date, end_date = _date(doc, "start_date"), _date(doc, "end_date")
    if end_date < start_date:
        raise doc.error("end_date", end_date, f"a date not before start_date {start_date}")
    return ServicePattern(
        name=doc.string("name"), service_id=doc.string("service_id"), days=tuple(days),
        start_date=start_date, end_date=end_date, bands=tuple(bands),
        dwell_s=_dwell(dwell, "default"), station_dwell_s=station_dwell,
        turnback_min_s=doc.quantity("turnback_min", "time", ops.turnback_min_s, minimum=0),
        reserve_trains=reserve, load_factor=load, far_end_stabling=stabling,
        source=str(path))


def _dwell(doc, key: str) -> float:
    dwell = doc.quantity(key, "time", minimum=0)
    if dwell > MAX_DWELL_S:
        raise doc.error(key, f"{dwell:g} s", f"a dwell of at most {MAX_DWELL_S:g} s")
    return dwell


def _date(doc, key: str) -> str:
    raw = doc.string(key, "20260101" if key == "start_date" else "20261231")
    try:
        return yyyymmdd(raw)
    except ValueError:
        raise doc.error(key, repr(raw), DATE_EXPECTED) from None
