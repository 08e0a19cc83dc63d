"""Read demand inputs: the gravity model (``demand.toml``) and a measured OD table in 15-min bins (CSV).

Formats: docs/demand.md.  Every problem is an :class:`~lrt.errors.InputError` naming the file, the
place (key path or line and column), what was found and what was expected.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..demand import PERIODS, DayProfile, Demand, DemandModel
from ..errors import InputError
from ..limits import MAX_DAILY_PASSENGERS, SERVICE_DAY_END_S
from ..network import Line
from ..units import format_clock, parse_clock
from .files import Doc, read_csv, read_toml

__all__ = ["read_demand_model", "read_measured_od", "BIN_S"]

SCHEMA_VERSION = 1
BIN_S = 900.0
"""Length of a demand bin [s]: 15 min, in the model's profiles and in measured OD tables."""
_DAY_S = 86400.0


def read_demand_model(path: Path, line: Line | None = None) -> DemandModel:
    """Read ``demand.toml``; with ``line``, also check its station codes against the line's."""
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    gravity = doc.table("gravity")
    profiles = doc.table("profiles")
    days = {day: _profile(profiles.table(day)) for day in profiles.data}
    if "weekday" not in days:
        raise profiles.error("weekday", "missing", "a [profiles.weekday] table (and usually [profiles.weekend])")
    codes, production, attraction = _weights(doc.table("weights"), line)
    return DemandModel(
        daily_total=_daily(doc, "daily_total", None, positive=True),
        initial_daily=_daily(doc, "initial_daily", 0.0, minimum=0),
        profiles=days,
        codes=codes,
        production=production,
        attraction=attraction,
        beta_per_km=1000.0 / gravity.quantity("deterrence_length", "length", positive=True),
        adjacent_factor=gravity.quantity("adjacent_factor", "dimensionless", minimum=0),
        source=doc.source,
    )


def _daily(doc: Doc, key: str, default: float | None, **bounds) -> float:
    """Passengers a day, at most :data:`~lrt.limits.MAX_DAILY_PASSENGERS`."""
    value = doc.quantity(key, "count", default, **bounds)
    if value > MAX_DAILY_PASSENGERS:
        raise doc.error(key, f"{value:g} passengers", f"at most {MAX_DAILY_PASSENGERS:,} passengers a day")
    return value


def _numbers(doc: Doc, key: str, count: int | None = None) -> list[float]:
    """An array of numbers >= 0 (with ``count`` entries when given)."""
    values = doc.data.get(key)
    if values is None:
        raise doc.error(key, "missing", "an array of numbers")
    if not isinstance(values, list):
        raise doc.error(key, f"{values!r}", "an array of numbers")
    if count is not None and len(values) != count:
        raise doc.error(key, f"{len(values)} values", f"{count} values")
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
            raise doc.error(f"{key}[{i}]", f"{v!r}", "a number >= 0")
    return [float(v) for v in values]


def _profile(p: Doc) -> DayProfile:
    n_bins = int(_DAY_S / BIN_S)
    share = _numbers(p, "share", n_bins)
    if not sum(share) > 0:
        raise p.error("share", "all zero", "some positive shares (they are normalised to sum 1)")
    periods = []
    for name in ("am", "pm"):
        key = f"{name}_period"
        if p.has(key):
            window = p.table(key)
            start, end = (_clock(window, k) for k in ("start", "end"))
            if end <= start:
                raise window.error("end", window.string("end"), f"a time after start ({window.string('start')})")
            periods.append((name, start, end))
    if len(periods) == 2 and periods[0][2] > periods[1][1]:
        raise p.error("pm_period", "a window that overlaps am_period", "am and pm windows that do not overlap")
    return DayProfile(share=np.array(share), bin_s=BIN_S, periods=tuple(periods))


def _clock(window: Doc, key: str) -> float:
    text = window.string(key)
    try:
        t = parse_clock(text)
    except ValueError:
        raise window.error(key, repr(text), "a time HH:MM") from None
    if t % BIN_S or t > _DAY_S:
        raise window.error(key, repr(text), "a time between 00:00 and 24:00 on a 15-min boundary")
    return t


def _weights(w: Doc, line: Line | None):
    codes: list[int] = []
    rows: list[dict[str, list[float]]] = []
    for key in w.data:
        try:
            code = int(key)
        except ValueError:
            raise w.error(key, f"key {key!r}", "a station code such as 101") from None
        if code in codes:
            raise w.error(key, f"station {code} given twice", "one entry per station")
        if line is not None and code not in line.codes:
            raise w.error(key, f"station {code} is not on {line.name}",
                          f"a station code of the line ({line.codes[0]}-{line.codes[-1]})")
        entry = w.table(key)
        codes.append(code)
        rows.append({period: _numbers(entry, period, 2) for period in PERIODS})
    if line is not None:
        missing = [c for c in line.codes if c not in codes]
        if missing:
            raise InputError(w.source, w.prefix, f"no weights for station {missing[0]}",
                             f"weights for every station of {line.name}")
    if len(codes) < 2:
        raise InputError(w.source, w.prefix, f"{len(codes)} station(s)", "weights for at least two stations")
    production, attraction = {}, {}
    for period in PERIODS:
        production[period] = np.array([r[period][0] for r in rows])
        attraction[period] = np.array([r[period][1] for r in rows])
        for kind, values in (("production", production[period]), ("attraction", attraction[period])):
            if not values.sum() > 0:
                raise InputError(w.source, w.prefix, f"every {period} {kind} is zero",
                                 "at least one positive weight per period")
    return tuple(codes), production, attraction


def read_measured_od(path: Path, line: Line) -> Demand:
    """Read a measured OD table: one row per 15-min bin and OD pair, passengers in that bin.

    Columns ``bin_start`` (HH:MM or HH:MM:SS on a 15-min boundary, may pass 24:00; the bin must end
    by the end of the service day, :data:`~lrt.limits.SERVICE_DAY_END_S`), ``origin`` and
    ``destination`` (station code or name in any language) and ``passengers`` (>= 0; at most
    :data:`~lrt.limits.MAX_DAILY_PASSENGERS` in the whole table). Pairs and bins not listed have no
    trips; a pair listed twice in a bin is an error.
    """
    rows = read_csv(Path(path), ["bin_start", "origin", "destination", "passengers"])
    if not rows:
        raise InputError(str(path), "rows", "no data rows", "one row per 15-min bin and OD pair")
    expected_station = f"a station code or name of {line.name}"
    cells: list[tuple[float, int, int, float]] = []
    seen: dict[tuple[float, int, int], int] = {}
    last_bin = format_clock(SERVICE_DAY_END_S - BIN_S)[:5]
    total = 0.0
    for row in rows:
        start = row.clock("bin_start", "a time HH:MM or HH:MM:SS")
        if start % BIN_S:
            raise row.error("bin_start", repr(row.text("bin_start")),
                            "a time on a 15-min boundary (HH:00, HH:15, HH:30 or HH:45)")
        if start + BIN_S > SERVICE_DAY_END_S:
            raise row.error("bin_start", repr(row.text("bin_start")),
                            f"a bin that ends by the end of the service day (at most {last_bin})")
        origin = line.index(row.parsed("origin", line.station, expected_station).code)
        destination = line.index(row.parsed("destination", line.station, expected_station).code)
        if origin == destination:
            raise row.error("destination", f"{row.text('destination')!r}, the same station as the origin",
                            "a station other than the origin")
        key = (start, origin, destination)
        if key in seen:
            raise row.error("origin", f"a second row for {row.text('bin_start')} "
                            f"{row.text('origin')} → {row.text('destination')}",
                            f"one row per bin and OD pair (first on line {seen[key]})")
        seen[key] = row.line
        passengers = row.number("passengers", minimum=0)
        total += passengers
        if total > MAX_DAILY_PASSENGERS:
            raise row.error("passengers", f"{passengers:g}, making {total:,.0f} in the table so far",
                            f"at most {MAX_DAILY_PASSENGERS:,} passengers in the whole table (a day)")
        cells.append((start, origin, destination, passengers))
    starts = np.array([c[0] for c in cells])
    first = float(starts.min())
    n_bins = int(round((starts.max() - first) / BIN_S)) + 1
    trips = np.zeros((n_bins, len(line.codes), len(line.codes)))
    b = np.rint((starts - first) / BIN_S).astype(int)
    trips[b, [c[1] for c in cells], [c[2] for c in cells]] = [c[3] for c in cells]
    return Demand(codes=line.codes, trips=trips, start_s=first, bin_s=BIN_S,
                  label=f"measured OD {rows[0].source}")
