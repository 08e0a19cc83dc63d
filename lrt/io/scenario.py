"""Read a scenario file (``scenarios/*.toml``) into a :class:`ScenarioSpec`: where a run's inputs are and the
settings it makes, every path relative to the file (format: docs/scenarios.md).

A spec names files but reads none of them; :func:`lrt.scenario.build` loads them into a runnable
:class:`~lrt.sim.Scenario`.  Overrides (command-line flags, a sweep's grid point) are applied to the file's
table by dotted key (``demand.daily``) and the result is checked exactly as the file is.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..limits import MAX_DAILY_PASSENGERS, MAX_SEED
from .files import Doc, read_toml

__all__ = ["ScenarioSpec", "read_scenario", "scenario_from_table", "with_overrides", "SCENARIO_KEYS",
           "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

_OPTIONS = {  # the fields of lrt.sim.SimOptions a scenario may set, by kind (that class checks the rest)
    **dict.fromkeys(("variability", "hold_terminal_departures", "hold_station_departures", "headway_holding",
                     "recovery"), bool),
    **dict.fromkeys(("run_time_cv", "dwell_cv", "primary_delay_share", "primary_delay_mean_s",
                     "headway_holding_share", "min_turnback_s", "min_dwell_s", "busiest_door_factor",
                     "door_closing_s", "reserve_delay_s", "manual_points_s"), float),
    "load_standard": "load",
}
SCENARIO_KEYS = (
    "name", "description", "seed", "network", "rolling_stock", "timetable", "weather", "faults",
    "demand.daily", "demand.day", "demand.model", "demand.od",
    "service.reserve_trains", "weather_factors.dwell", "weather_factors.failure_rate",
    *(f"options.{name}" for name in _OPTIONS),
)
"""Every key a scenario file may set (and a sweep or a flag may override), dotted by table."""

_PATHS = ("network", "rolling_stock", "timetable", "faults", "demand.model", "demand.od")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioSpec:
    """A scenario file, read and checked; no input it names is read yet.

    Paths are absolute (resolved against the file's folder); ``None`` means the shipped default
    (the Astana line and train, the weekday timetable), or, for ``faults``, ``demand.model`` and
    ``demand.od``: none.

    Attributes
    ----------
    name, description : str
    source : the file it came from (with the overrides applied, if any)
    seed : int, the run's seed (a batch derives its own from it)
    network, rolling_stock, timetable : Path or None
    weather : a preset name (``cold``) or a preset file
    faults : Path or None, scripted faults
    daily : passengers a day before the weather's demand factor [1], or None for the model's own
    day : ``weekday``, ``weekend`` or None (from the timetable's service)
    demand_model, od : Path or None (a measured OD table replaces the model)
    reserve_trains : trains fit for service kept back as reserves, or None (the timetable's)
    dwell_factor, failure_rate_factor : multipliers on the weather preset's dwell factor and failure
        rates [1]
    options : dict, fields of :class:`~lrt.sim.SimOptions` the file sets (checked by kind; the class
        checks the rules across them)
    table : the file's table with the overrides applied (to apply more)
    """

    name: str
    description: str = ""
    source: str = ""
    seed: int = 1
    network: Path | None = None
    rolling_stock: Path | None = None
    timetable: Path | None = None
    weather: str = "normal"
    faults: Path | None = None
    daily: float | None = None
    day: str | None = None
    demand_model: Path | None = None
    od: Path | None = None
    reserve_trains: int | None = None
    dwell_factor: float = 1.0
    failure_rate_factor: float = 1.0
    options: dict = field(default_factory=dict)
    table: dict = field(default_factory=dict, compare=False, repr=False)
    folder: Path = field(default=Path("."), compare=False, repr=False)


def read_scenario(path: Path, overrides: Mapping[str, Any] | None = None, *, origin: str = "") -> ScenarioSpec:
    """Read a scenario file, apply ``overrides`` (dotted keys, see :data:`SCENARIO_KEYS`) and check it all.

    ``origin`` names where the overrides come from (``"--daily"``, ``"sweep.toml: grid point 3"``) for
    the error message of a value that is refused.
    """
    doc = read_toml(Path(path))
    table = with_overrides(doc.data, overrides or {}, source=origin or doc.source)
    return scenario_from_table(table, source=doc.source if not overrides else f"{doc.source} ({origin or 'overrides'})",
                               folder=Path(path).resolve().parent)


def with_overrides(table: Mapping[str, Any], overrides: Mapping[str, Any], *, source: str) -> dict:
    """A copy of a scenario table with dotted-key overrides set; an unknown key is refused by ``source``."""
    out = copy.deepcopy(dict(table))
    for key, value in overrides.items():
        if key not in SCENARIO_KEYS:
            raise InputError(source, key, "an unknown scenario field", "one of " + ", ".join(SCENARIO_KEYS))
        *tables, leaf = key.split(".")
        node = out
        for name in tables:
            node = node.setdefault(name, {})
            if not isinstance(node, dict):
                raise InputError(source, key, f"{name} is not a table in the scenario", "a table")
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return out


def scenario_from_table(table: Mapping[str, Any], *, source: str, folder: Path) -> ScenarioSpec:
    """Check a scenario table (a file's, with any overrides) and resolve its paths against ``folder``."""
    doc = Doc(table, source, "")
    doc.check_schema(SCHEMA_VERSION)
    _only(doc, ("schema_version", "name", "description", "seed", "network", "rolling_stock", "timetable",
                "weather", "faults", "demand", "service", "weather_factors", "options"))
    demand = doc.table("demand", required=False)
    _only(demand, ("daily", "day", "model", "od"))
    service = doc.table("service", required=False)
    _only(service, ("reserve_trains",))
    factors = doc.table("weather_factors", required=False)
    _only(factors, ("dwell", "failure_rate"))
    seed = doc.integer("seed", 1, minimum=0)
    if seed > MAX_SEED:
        raise doc.error("seed", str(seed), f"a whole number from 0 to {MAX_SEED:,}")
    daily = None
    if demand.has("daily"):
        daily = demand.number("daily", positive=True)
        if daily > MAX_DAILY_PASSENGERS:
            raise demand.error("daily", f"{daily:g}", f"a number of passengers a day from 1 to {MAX_DAILY_PASSENGERS:,}")
    day = demand.string("day", "") or None
    if day not in (None, "weekday", "weekend"):
        raise demand.error("day", repr(day), "weekday or weekend")
    if demand.has("od") and (demand.has("daily") or demand.has("model")):
        raise demand.error("od", "a measured OD table beside daily or model",
                           "either od (the measured passengers) or daily and model (the gravity model)")
    reserve = service.integer("reserve_trains", -1, minimum=0) if service.has("reserve_trains") else None
    paths = {key: _path(doc, key, folder) for key in _PATHS}
    return ScenarioSpec(
        name=doc.string("name"), description=doc.string("description", ""), source=source, seed=seed,
        network=paths["network"], rolling_stock=paths["rolling_stock"], timetable=paths["timetable"],
        weather=_weather(doc, folder), faults=paths["faults"], daily=daily, day=day,
        demand_model=paths["demand.model"], od=paths["demand.od"], reserve_trains=reserve,
        dwell_factor=_factor(factors, "dwell", 5.0), failure_rate_factor=_factor(factors, "failure_rate", 100.0),
        options=_options(doc.table("options", required=False)), table=copy.deepcopy(dict(table)), folder=folder)


def _only(doc: Doc, keys: tuple[str, ...]) -> None:
    for key in doc.data:
        if key not in keys:
            raise doc.error(key, "an unknown key", "one of " + ", ".join(keys))


def _path(doc: Doc, dotted: str, folder: Path) -> Path | None:
    *tables, key = dotted.split(".")
    node = doc
    for name in tables:
        node = node.table(name, required=False)
    raw = node.string(key, "")
    return (folder / raw).resolve() if raw else None


def _weather(doc: Doc, folder: Path) -> str:
    """A preset name (checked against the shipped presets) or a preset file relative to the scenario."""
    from .conditions import resolve_weather

    raw = doc.string("weather", "normal")
    if "/" in raw or raw.endswith(".toml"):
        return str((folder / raw).resolve())
    try:
        resolve_weather(raw)
    except InputError as exc:
        raise doc.error("weather", exc.found, exc.expected) from None
    return raw


def _factor(doc: Doc, key: str, high: float) -> float:
    value = doc.number(key, 1.0, positive=True)
    if value > high:
        raise doc.error(key, f"{value:g}", f"a factor above 0 and at most {high:g}")
    return value


def _options(doc: Doc) -> dict:
    """The ``[options]`` table: fields of :class:`~lrt.sim.SimOptions`, each of its kind."""
    values = {}
    for key, raw in doc.data.items():
        kind = _OPTIONS.get(key)
        if kind is None:
            raise doc.error(key, "an unknown option", "one of " + ", ".join(_OPTIONS))
        if kind is bool:
            if not isinstance(raw, bool):
                raise doc.error(key, repr(raw), "true or false")
            values[key] = raw
        elif kind == "load":
            if raw in ("design", "crush") or (isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw <= 2000):
                values[key] = raw
            else:
                raise doc.error(key, repr(raw), '"design", "crush" or a whole number of passengers from 1 to 2,000')
        else:
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw) or raw < 0:
                raise doc.error(key, repr(raw), "a number >= 0")
            values[key] = float(raw)
    return values
