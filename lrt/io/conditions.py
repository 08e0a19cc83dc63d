"""Read a weather / conditions preset (``scenarios/weather/*.toml``) into :class:`~lrt.conditions.Conditions`."""

from __future__ import annotations

from pathlib import Path

from ..conditions import FAILURE_KINDS, Conditions, Failure, Failures
from ..errors import InputError
from ..network import Line, SpeedLimit
from .files import Doc, read_toml

__all__ = ["read_conditions", "resolve_weather", "PRESETS"]

SCHEMA_VERSION = 1
PRESETS = ("normal", "cold", "severe", "extreme", "icing")


def resolve_weather(name_or_path: str | Path) -> Path:
    """A shipped preset by name (``cold``), or a user's file by path."""
    from ..paths import shipped

    text = str(name_or_path)
    if "/" not in text and not text.endswith(".toml"):
        path = shipped("scenarios", "weather", f"{text}.toml")
        if not path.is_file():
            available = sorted(p.stem for p in path.parent.glob("*.toml"))
            raise InputError("--weather", "command line", f"unknown preset {text!r}",
                             f"one of {', '.join(available)} or a path to a .toml file")
        return path
    return Path(text)


def read_conditions(path: Path, line: Line | None = None) -> Conditions:
    """Read a preset; with ``line``, restrictions are checked to lie on it."""
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    adhesion = doc.table("adhesion")
    cbtc = doc.table("cbtc")
    pax = doc.table("passengers")
    fleet = doc.table("fleet", required=False)
    if doc.has("energy"):  # presets before the HVAC model carried a flat heating power here
        raise doc.error("energy", "an [energy] table", "no [energy] table: heating now follows the train's HVAC "
                        "model at the preset's temperature (docs/energy.md)")
    temperature = doc.quantity("temperature", "temperature")
    if not -70 <= temperature <= 60:
        raise doc.error("temperature", f"{temperature:g} degC", "an air temperature between -70 and 60 degC")
    speed = doc.table("speed", required=False)
    cap = speed.quantity("line_cap", "speed", positive=True) if speed.has("line_cap") else None
    if cap is not None and not 5 / 3.6 <= cap <= 200 / 3.6:
        raise speed.error("line_cap", f"{cap * 3.6:g} km/h", "a speed between 5 and 200 km/h")
    restrictions = tuple(_restriction(r, line) for r in speed.tables("restrictions")) if speed.has("restrictions") else ()
    try:
        return Conditions(
            name=doc.string("name"), description=doc.string("description", ""),
            temperature_c=temperature,
            adhesion_traction=_adhesion(adhesion, "traction"), adhesion_braking=_adhesion(adhesion, "braking"),
            braking_rate_factor=_factor(cbtc, "braking_rate_factor", high=1.5),
            braking_safety_factor=_factor(cbtc, "braking_safety_factor", high=1.0),
            speed_cap_ms=cap, speed_limits=restrictions,
            dwell_factor=_factor(pax, "dwell_factor", high=5.0),
            capacity_factor=_factor(pax, "capacity_factor", high=1.5),
            demand_factor=_factor(pax, "demand_factor", high=10.0),
            fleet_availability=_factor(fleet, "availability", high=1.0, default=1.0),
            failures=_failures(doc.table("failures", required=False)),
            source=str(path))
    except ValueError as exc:  # a cross-field rule of Conditions
        raise InputError(doc.source, "preset", str(exc), "consistent values") from None


def _adhesion(t: Doc, key: str) -> float | None:
    raw = t.data.get(key)
    if raw == "dry":
        return None
    if isinstance(raw, str):
        raise t.error(key, repr(raw), '"dry" or { value = .., unit = "1" }')
    mu = t.quantity(key, "dimensionless", positive=True)
    if mu > 0.5:
        raise t.error(key, f"{mu:g}", "an adhesion coefficient between 0 and 0.5")
    return mu


def _factor(t: Doc, key: str, *, high: float, default: float | None = None) -> float:
    value = t.quantity(key, "dimensionless", default, positive=True)
    if value > high:
        raise t.error(key, f"{value:g}", f"a factor between 0 and {high:g}")
    return value


def _restriction(r: Doc, line: Line | None) -> SpeedLimit:
    start = r.quantity("start", "length", minimum=0)
    end = r.quantity("end", "length", positive=True)
    if end <= start:
        raise r.error("end", f"{end:g} m", f"a chainage after start ({start:g} m)")
    if line is not None and end > line.end_m:
        raise r.error("end", f"{end:g} m", f"a chainage on the line (0-{line.end_m:g} m)")
    limit = r.quantity("limit", "speed", positive=True)
    return SpeedLimit(start_m=start, end_m=end, limit_ms=limit, kind="weather", note=r.note("limit"))


def _failures(t: Doc) -> Failures:
    found = {}
    for kind in sorted(t.data):
        if kind not in FAILURE_KINDS:
            raise t.error(kind, f"unknown failure {kind!r}", f"one of {', '.join(FAILURE_KINDS)}")
        f = t.table(kind)
        rate = f.quantity("rate", "dimensionless", minimum=0)
        if kind == "pull_out" and rate > 1:
            raise f.error("rate", f"{rate:g}", "a share of pull-outs between 0 and 1")
        duration = f.quantity("duration", "time", 0.0 if kind == "pull_out" else None, minimum=0)
        shape = f.quantity("shape", "dimensionless", 1.0, positive=True)
        found[kind] = Failure(kind=kind, rate=rate, mean_duration_s=duration, shape=shape, note=f.note("rate"))
    return Failures(**found)
