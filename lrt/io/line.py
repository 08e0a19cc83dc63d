"""Read a line folder (``line.toml`` plus its CSV tables) into a validated :class:`~lrt.network.Line`."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..network import (
    DIRECTIONS,
    Crossover,
    Curve,
    Depot,
    Gradient,
    Line,
    Operations,
    PowerSupply,
    SpeedLimit,
    Station,
    Terminal,
)
from ..units import KMH
from .files import Doc, read_csv, read_toml
from .quantities import bounded, only_keys
from .tables import check_position

__all__ = ["read_line"]

SCHEMA_VERSION = 1


def read_line(folder: Path) -> Line:
    """Read ``folder/line.toml`` and the tables it names; raise InputError on anything inconsistent."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "folder", "no such folder", "a line folder with line.toml")
    doc = read_toml(folder / "line.toml")
    doc.check_schema(SCHEMA_VERSION)
    length = doc.quantity("length", "length", positive=True)
    files = doc.table("files")
    stations = _stations(folder / files.string("stations"), length)
    limits = _speed_limits(folder / files.string("speed_limits"), length)
    gradients = _gradients(folder / files.string("gradients"), length)
    curves = _curves(folder / files.string("curves"), length)
    codes = {s.code for s in stations}
    terminals = tuple(_terminal(t, codes, length) for t in doc.tables("terminals"))
    crossovers = tuple(_crossover(c, stations, {t.station for t in terminals}) for c in doc.tables("crossovers")) \
        if doc.has("crossovers") else ()
    ends = {stations[0].code, stations[-1].code}
    for t, tdoc in zip(terminals, doc.tables("terminals")):
        if t.station not in ends:
            raise tdoc.error("station", str(t.station), f"a terminal station ({' or '.join(map(str, sorted(ends)))})")
    depot = _depot(doc.table("depot"), codes, length) if doc.has("depot") else None
    ops = doc.table("operations")
    operations = Operations(
        acceleration_ms2=ops.quantity("acceleration", "acceleration", positive=True),
        braking_ms2=ops.quantity("braking", "acceleration", positive=True),
        dwell_s=ops.quantity("dwell", "time", minimum=0),
        allowance=ops.quantity("allowance", "dimensionless", minimum=0),
        turnback_min_s=ops.quantity("turnback_min", "time", minimum=0),
        fleet=int(ops.quantity("fleet", "dimensionless", positive=True)),
        reserve_trains=int(ops.quantity("reserve_trains", "dimensionless", minimum=0)),
        max_dwell_extension_s=ops.quantity("max_dwell_extension", "time", 10.0, minimum=0),
    )
    if operations.reserve_trains >= operations.fleet:
        raise ops.error("reserve_trains", str(operations.reserve_trains), f"fewer than the fleet ({operations.fleet})")
    if operations.allowance > 0.5:
        raise ops.error("allowance", f"{operations.allowance * 100:g} %", "a running-time margin of at most 50 %")
    return Line(
        name=doc.string("name"),
        stations=stations,
        start_m=0.0,
        end_m=length,
        line_speed_ms=doc.quantity("line_speed", "speed", positive=True),
        platform_length_m=doc.quantity("platform_length", "length", positive=True),
        speed_limits=limits,
        gradients=gradients,
        curves=curves,
        terminals=terminals,
        crossovers=crossovers,
        depot=depot,
        operations=operations,
        power=_power(doc.table("power")) if doc.has("power") else PowerSupply(),
        credit=doc.string("credit", ""),
        source=str(folder),
    )


POWER_KEYS = ("receptivity", "supply_efficiency", "nominal_voltage")


def _power(t: Doc) -> PowerSupply:
    """The optional ``[power]`` table: when given, every key of it (docs/formats.md)."""
    only_keys(t, POWER_KEYS)
    return PowerSupply(
        receptivity=bounded(t, "receptivity", "dimensionless", 0, 1, "a share between 0 and 1"),
        supply_efficiency=bounded(t, "supply_efficiency", "dimensionless", 0, 1, "an efficiency between 0 and 1",
                                  open_low=True),
        nominal_voltage_v=t.quantity("nominal_voltage", "voltage", positive=True))


def _stations(path: Path, length: float) -> tuple[Station, ...]:
    rows = read_csv(path, ["code", "name_en", "chainage_m"])
    if len(rows) < 2:
        raise InputError(str(path), "rows", f"{len(rows)} station(s)", "at least two stations")
    out: list[Station] = []
    seen: dict[int, int] = {}
    names: dict[str, int] = {}
    for row in rows:
        code = row.integer("code")
        row.label = f"station {code}"
        if code in seen:
            raise row.error("code", str(code), f"a code not already used on line {seen[code]}")
        seen[code] = row.line
        chainage = row.number("chainage_m", minimum=0)
        if chainage > length:
            raise row.error("chainage_m", f"{chainage:g}", f"a chainage within the line (0-{length:g} m)")
        if out and chainage <= out[-1].chainage_m:
            raise row.error("chainage_m", f"{chainage:g} is not after station {out[-1].code} ({out[-1].chainage_m:g})",
                            "stations in line order")
        lat, lon = row.number("lat", default=float("nan")), row.number("lon", default=float("nan"))
        check_position(lat, lon, row.error, ("lat", "lon"))
        out.append(Station(
            code=code, name_en=_name(row, "name_en", code, names), name_ru=_name(row, "name_ru", code, names),
            name_kk=_name(row, "name_kk", code, names), lat=lat, lon=lon,
            chainage_m=chainage, source=row.text("source", required=False)))
    return tuple(out)


def _name(row, column: str, code: int, names: dict[str, int]) -> str:
    """A station name, unique on the line in any language and case (a name finds its station)."""
    name = row.text(column, required=column == "name_en")
    if not name:
        return name
    if name.strip().isdigit():
        raise row.error(column, repr(name), "a name with letters (numbers are station codes)")
    key = name.strip().casefold()
    if names.setdefault(key, code) != code:
        raise row.error(column, f"{name!r}, already the name of station {names[key]}", "a name of one station only")
    return name


def _span(row, length: float) -> tuple[float, float]:
    start = row.number("start_m", minimum=0)
    end = row.number("end_m")
    if end <= start:
        raise row.error("end_m", f"{end:g}", f"a chainage after start_m ({start:g})")
    if end > length:
        raise row.error("end_m", f"{end:g}", f"a chainage within the line (0-{length:g} m)")
    return start, end


def _speed_limits(path: Path, length: float) -> tuple[SpeedLimit, ...]:
    out = []
    for row in read_csv(path, ["start_m", "end_m", "speed_limit_kmh"]):
        row.label = "speed limit"
        start, end = _span(row, length)
        direction = (row.text("direction", required=False) or "both").lower()
        if direction not in ("both",) + DIRECTIONS:
            raise row.error("direction", repr(direction), "both, up or down")
        out.append(SpeedLimit(start_m=start, end_m=end, limit_ms=row.number("speed_limit_kmh", positive=True) * KMH,
                              kind=row.text("kind", required=False) or "restriction", direction=direction,
                              note=row.text("source", required=False)))
    return tuple(out)


def _gradients(path: Path, length: float) -> tuple[Gradient, ...]:
    out: list[Gradient] = []
    for row in read_csv(path, ["start_m", "end_m", "gradient_permille"]):
        row.label = "gradient"
        start, end = _span(row, length)
        if out and start < out[-1].end_m:
            raise row.error("start_m", f"{start:g} overlaps the previous section (ends {out[-1].end_m:g})",
                            "sections in chainage order without overlap")
        permille = row.number("gradient_permille")
        if abs(permille) > 80:
            raise row.error("gradient_permille", f"{permille:g}", "a gradient within ±80 ‰")
        out.append(Gradient(start_m=start, end_m=end, gradient=permille / 1000, note=row.text("source", required=False)))
    return tuple(out)


def _curves(path: Path, length: float) -> tuple[Curve, ...]:
    out = []
    for row in read_csv(path, ["start_m", "end_m", "radius_m"]):
        row.label = "curve"
        start, end = _span(row, length)
        out.append(Curve(start_m=start, end_m=end, radius_m=row.number("radius_m", minimum=20),
                         note=row.text("source", required=False)))
    return tuple(out)


def _terminal(t: Doc, codes: set[int], length: float) -> Terminal:
    station = t.integer("station")
    if station not in codes:
        raise t.error("station", str(station), "a station code from the stations table")
    crossover = t.quantity("crossover_chainage", "length", minimum=0)
    if crossover > length:
        raise t.error("crossover_chainage", f"{crossover:g} m", f"a chainage within the line (0-{length:g} m)")
    return Terminal(station=station, arrangement=t.string("arrangement"),
                    platform_tracks=t.integer("platform_tracks", minimum=1),
                    crossover_chainage_m=crossover,
                    crossover_speed_ms=t.quantity("crossover_speed", "speed", positive=True),
                    switch_throw_s=t.quantity("switch_throw", "time", minimum=0),
                    note=t.note("crossover_chainage"))


def _crossover(c: Doc, stations, termini: set[int]) -> Crossover:
    """An intermediate crossover: at a station that is not a terminus, within 400 m of its centre."""
    by_code = {s.code: s for s in stations}
    station = c.integer("station")
    if station not in by_code or station in termini:
        raise c.error("station", str(station), "an intermediate station code (the termini have their own crossovers)")
    chainage = c.quantity("chainage", "length", minimum=0)
    if abs(chainage - by_code[station].chainage_m) > 400:
        raise c.error("chainage", f"{chainage:g} m", f"a chainage within 400 m of station {station} "
                                                      f"({by_code[station].chainage_m:g} m)")
    kind = c.string("kind")
    if kind not in ("scissors", "single"):
        raise c.error("kind", repr(kind), "scissors or single")
    return Crossover(station=station, chainage_m=chainage, kind=kind,
                     turnback_s=c.quantity("turnback", "time", positive=True), note=c.note("chainage"))


def _depot(d: Doc, codes: set[int], length: float) -> Depot:
    station = d.integer("station")
    if station not in codes:
        raise d.error("station", str(station), "a station code from the stations table")
    connection = d.quantity("connection_chainage", "length", minimum=0)
    if connection > length:
        raise d.error("connection_chainage", f"{connection:g} m", f"a chainage within the line (0-{length:g} m)")
    return Depot(name=d.string("name"), station=station, connection_chainage_m=connection,
                 pull_out_s=d.quantity("pull_out", "time", minimum=0),
                 pull_in_s=d.quantity("pull_in", "time", minimum=0), note=d.string("source", ""))
