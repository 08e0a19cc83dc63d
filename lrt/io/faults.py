"""Read scripted faults (``scenarios/disruptions/*.toml``) into :class:`~lrt.disruptions.Fault` objects."""

from __future__ import annotations

from pathlib import Path

from ..disruptions import KINDS, Fault
from ..limits import SERVICE_DAY_END_S
from ..network import Line
from ..units import format_clock
from .files import Doc, read_toml

__all__ = ["read_faults", "faults_from"]

SCHEMA_VERSION = 1


def read_faults(path: Path, line: Line, trains: set[str] | None = None) -> tuple[Fault, ...]:
    """Read a disruption file; stations by code or name, trains (blocks) checked against ``trains``."""
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    return faults_from(doc, line, trains)


def faults_from(doc: Doc, line: Line, trains: set[str] | None = None, *, first: int = 1) -> tuple[Fault, ...]:
    """The ``[[faults]]`` of a table (a disruption file, an exercise), numbered from ``first``."""
    out = []
    for i, f in enumerate(doc.tables("faults"), start=first):
        kind = f.string("kind")
        if kind not in KINDS:
            raise f.error("kind", repr(kind), f"one of {', '.join(KINDS)}")
        start = f.clock("time")
        if f.has("end"):
            end = f.clock("end")
            if end <= start:
                raise f.error("end", f.data["end"], f"a time after {f.data['time']}")
            duration = end - start
        else:
            duration = f.quantity("duration", "time", 0.0 if kind == "pull_out" else None, minimum=0)
            if start + duration > SERVICE_DAY_END_S:
                raise f.error("duration", f"{duration / 60:g} min from {f.data['time']}",
                              f"a fault that ends by the end of the service day ({format_clock(SERVICE_DAY_END_S)})")
        train = ""
        if kind in ("door", "train", "pull_out"):
            train = f.string("train")
            if trains is not None and train not in trains:
                raise f.error("train", repr(train), f"a train (block) of the timetable: {', '.join(sorted(trains))}")
        station = section = None
        if kind == "door" and f.has("station"):
            station = _station(f, "station", f.data["station"], line)
        if kind == "switch":
            raw = f.data.get("station")
            station = 0 if raw == "depot" else _station(f, "station", raw, line)
            if station and line.terminal(station) is None:
                raise f.error("station", repr(raw), "a terminus (" + " or ".join(
                    line.station(t.station).name_en for t in line.terminals) + ') or "depot"')
        if kind == "power_rail":
            raw = f.data.get("section")
            if not isinstance(raw, list) or len(raw) != 2:
                raise f.error("section", repr(raw), "two adjacent stations, e.g. [112, 113]")
            a, b = (_station(f, "section", x, line) for x in raw)
            if abs(line.index(a) - line.index(b)) != 1:
                raise f.error("section", repr(raw), "two adjacent stations")
            section = (a, b)
        out.append(Fault(fault_id=f"F{i:02d}", kind=kind, start_s=start, duration_s=duration, train=train,
                         station=station, section=section, source="scripted", note=f.string("note", "")))
    return tuple(out)


def _station(f: Doc, key: str, raw, line: Line) -> int:
    try:
        return line.station(raw if isinstance(raw, int) else str(raw)).code
    except KeyError:
        raise f.error(key, f"unknown station {raw!r}", f"a station of {line.name} (code or name)") from None
    except TypeError:
        raise f.error(key, repr(raw), "a station code or name") from None
