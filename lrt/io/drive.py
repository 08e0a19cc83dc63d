"""Read the tables of a driving exercise (``kind = "drive"``): ``[drive]``, ``[atp]``, ``[stop]`` and the
rubric items of ``[scoring.weights]`` into a checked :class:`~lrt.training.cab.spec.DriveSpec`
(format: docs/driving.md).  Paths are relative to the exercise's folder; every problem is one located
:class:`~lrt.errors.InputError`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import InputError
from ..network import SpeedLimit
from ..training.cab.controls import MODES
from ..training.cab.score import RUBRIC
from ..training.cab.spec import AUTHORISATIONS, AtpRules, DriveSpec, StopRules
from ..units import KMH
from .exercise import Exercise
from .files import Doc
from .quantities import bounded, only_keys

__all__ = ["read_drive", "check_plan_fits", "DRIVE_KEYS", "ATP_KEYS", "STOP_KEYS"]

DRIVE_KEYS = ("from", "to", "weather", "network", "rolling_stock", "load", "mode", "cbtc", "authorisation",
              "authorisation_delay", "scheduled", "departure", "time_limit", "step", "restrictions")
ATP_KEYS = ("warning_margin", "emergency_margin", "restricted_ceiling", "braking_rate", "end_of_authority",
            "reset_delay")
STOP_KEYS = ("tolerance", "limit", "creep_speed", "approval_delay")
HEADER_KEYS = ("schema_version", "kind", "title", "summary", "reference", "scoring", "drive", "atp", "stop")


def read_drive(exercise: Exercise) -> DriveSpec:
    """The drive of a ``kind = "drive"`` exercise, read and checked."""
    from ..paths import shipped_network, shipped_rolling_stock
    from .line import read_line
    from .rollingstock import read_train

    doc = exercise.body
    if exercise.kind != "drive":
        raise doc.error("kind", repr(exercise.kind), '"drive" (lrt exercise drive drives a driving exercise)')
    only_keys(doc, HEADER_KEYS)
    weights = doc.table("scoring").table("weights")
    for item in weights.data:
        if item not in RUBRIC:
            raise weights.error(item, "unknown rubric item", f"one of {', '.join(RUBRIC)}")
    d = doc.table("drive")
    only_keys(d, DRIVE_KEYS)
    folder = exercise.folder
    line = read_line(_path(d, "network", folder, "folder") if d.has("network") else shipped_network())
    train = read_train(_path(d, "rolling_stock", folder, "file") if d.has("rolling_stock") else shipped_rolling_stock())
    conditions = _weather(d, folder, line)
    restrictions = tuple(_restriction(r, line) for r in d.tables("restrictions")) if d.has("restrictions") else ()
    conditions = dataclasses.replace(conditions, speed_limits=conditions.speed_limits + restrictions)
    stations = {}
    for key in ("from", "to"):
        raw = d.data.get(key)
        try:
            stations[key] = line.station(raw if isinstance(raw, int) and not isinstance(raw, bool) else d.string(key)).code
        except KeyError:
            raise d.error(key, repr(raw), f"a station of {line.name} (name or code)") from None
    if stations["from"] == stations["to"]:
        raise d.error("to", repr(d.data["to"]), "a station other than the departure")
    load = d.quantity("load", "count", 0.0, minimum=0)
    if load > train.crush_capacity:
        raise d.error("load", f"{load:g} passengers", f"at most the crush load of {train.crush_capacity}")
    mode = d.string("mode", "PM")
    if mode not in MODES:
        raise d.error("mode", repr(mode), f"one of {', '.join(MODES)}")
    cbtc = d.string("cbtc", "working")
    if cbtc not in ("working", "failed"):
        raise d.error("cbtc", repr(cbtc), "working or failed")
    authorisation = d.string("authorisation", "given")
    if authorisation not in AUTHORISATIONS:
        raise d.error("authorisation", repr(authorisation), " or ".join(repr(a) for a in AUTHORISATIONS))
    if mode == "RM" and authorisation != "given":
        raise d.error("authorisation", repr(authorisation), '"given" for a drive that starts in RM')
    departure = d.clock("departure") if d.has("departure") else 8 * 3600.0
    spec = dict(
        line=line, train=train, conditions=conditions, from_code=stations["from"], to_code=stations["to"],
        passengers=load, mode=mode, cbtc=cbtc == "working", authorisation=authorisation,
        authorisation_delay_s=bounded(d, "authorisation_delay", "time", 0, 3600, "0 to 3600 s")
        if d.has("authorisation_delay") else 30.0,
        scheduled_s=bounded(d, "scheduled", "time", 0, 7200, "a scheduled time above 0 s, at most 2 h", open_low=True),
        start_clock_s=departure,
        time_limit_s=bounded(d, "time_limit", "time", 60, 7200, "60 s to 2 h") if d.has("time_limit") else 1800.0,
        step_s=bounded(d, "step", "time", 0.1, 0.2, "a time step from 0.1 to 0.2 s") if d.has("step") else 0.1,
        atp=_atp(doc.table("atp", required=False)), stop=_stop(doc.table("stop", required=False)))
    return DriveSpec(**spec)


def _path(d: Doc, key: str, folder: Path, kind: str) -> Path:
    path = folder / d.string(key)
    if not (path.is_dir() if kind == "folder" else path.is_file()):
        raise d.error(key, f"{d.data[key]!r}: no such {kind}", f"a {kind} relative to the exercise")
    return path


def _weather(d: Doc, folder: Path, line):
    from ..paths import shipped
    from .conditions import read_conditions

    raw = d.string("weather", "normal")
    if "/" not in raw and not raw.endswith(".toml"):
        path = shipped("scenarios", "weather", f"{raw}.toml")
        if not path.is_file():
            known = sorted(p.stem for p in path.parent.glob("*.toml"))
            raise d.error("weather", f"unknown preset {raw!r}", f"one of {', '.join(known)} or a .toml file")
    else:
        path = folder / raw
        if not path.is_file():
            raise d.error("weather", f"{raw!r}: no such file", "a weather preset file relative to the exercise")
    return read_conditions(path, line)


def _restriction(r: Doc, line) -> SpeedLimit:
    only_keys(r, ("start", "end", "limit", "note"))
    start = bounded(r, "start", "length", line.start_m, line.end_m, f"a chainage on the line ({line.start_m:g} to "
                                                                     f"{line.end_m:g} m)")
    end = bounded(r, "end", "length", line.start_m, line.end_m, f"a chainage on the line ({line.start_m:g} to "
                                                                 f"{line.end_m:g} m)")
    if not end > start:
        raise r.error("end", f"{end:g} m", f"a chainage after the start ({start:g} m)")
    limit = bounded(r, "limit", "speed", 5 * KMH, 120 * KMH, "a speed limit from 5 to 120 km/h")
    return SpeedLimit(start_m=start, end_m=end, limit_ms=limit, kind="temporary", note=r.string("note", ""))


def _atp(t: Doc) -> AtpRules:
    only_keys(t, ATP_KEYS)
    kw = {}
    for key, field, low, high, expected in (
            ("warning_margin", "warning_margin_ms", 0, 10 * KMH, "0 to 10 km/h"),
            ("emergency_margin", "emergency_margin_ms", 0, 15 * KMH, "above 0, at most 15 km/h"),
            ("restricted_ceiling", "restricted_ceiling_ms", 0, 40 * KMH, "above 0, at most 40 km/h"),
            ("braking_rate", "braking_ms2", 0, 1.5, "above 0, at most 1.5 m/s²"),
            ("end_of_authority", "end_of_authority_m", 0, 200, "0 to 200 m"),
            ("reset_delay", "reset_delay_s", 0, 3600, "0 to 3600 s")):
        if t.has(key):
            dimension = {"braking_rate": "acceleration", "end_of_authority": "length", "reset_delay": "time"}.get(key,
                                                                                                           "speed")
            kw[field] = bounded(t, key, dimension, low, high, expected,
                                open_low=key in ("emergency_margin", "restricted_ceiling", "braking_rate"))
    try:
        return AtpRules(**kw)
    except ValueError:
        raise t.error("warning_margin", f"{kw.get('warning_margin_ms', 0) / KMH:g} km/h",
                      "a warning margin below the emergency margin") from None


def _stop(t: Doc) -> StopRules:
    only_keys(t, STOP_KEYS)
    kw = {}
    for key, field, dimension, low, high, expected in (
            ("tolerance", "tolerance_m", "length", 0, 2, "above 0, at most 2 m"),
            ("limit", "limit_m", "length", 0, 50, "above 0, at most 50 m"),
            ("creep_speed", "creep_speed_ms", "speed", 0, 15 * KMH, "above 0, at most 15 km/h"),
            ("approval_delay", "approval_delay_s", "time", 0, 3600, "0 to 3600 s")):
        if t.has(key):
            kw[field] = bounded(t, key, dimension, low, high, expected, open_low=key != "approval_delay")
    try:
        return StopRules(**kw)
    except ValueError:
        raise t.error("limit", f"{kw.get('limit_m', 5.0):g} m", "a stop limit above the tolerance") from None


def check_plan_fits(plan, spec: DriveSpec) -> None:
    """Refuse a plan whose positions lie beyond the drive's route (the target stop mark and 200 m more)."""
    from ..training.cab.route import BEYOND_M

    line = spec.line
    a, b = (line.station(c).chainage_m for c in (spec.from_code, spec.to_code))
    room = abs(b - a) + BEYOND_M
    for c in plan.controls:
        if c.position_m is not None and c.position_m > room:
            raise InputError(plan.source, f"line {c.line}: position_m", f"{c.position_m:g}",
                             f"a position on the drive, 0 to {room:,.0f} m")
