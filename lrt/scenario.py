"""Scenarios: a scenario file assembled into a runnable :class:`~lrt.sim.Scenario` (format: docs/scenarios.md).

:func:`load` reads a file (through :mod:`lrt.io.scenario`), applies overrides (command-line flags, a
sweep's grid point) and :func:`build` assembles it: the line, the train, the weather preset with the
scenario's factors, the timetable checked as ``lrt timetable check`` checks it and thinned to the trains
fit for service, the scripted faults, the demand and the simulation options.  ``lrt simulate``,
``compare``, ``batch`` and the exercises all start here.  An :class:`Inputs` cache lets a sweep build many
grid points without reading or checking the same file twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .io.scenario import ScenarioSpec, read_scenario
from .limits import MAX_DAILY_PASSENGERS
from .sim.scenario import Scenario, SimOptions

__all__ = ["load", "build", "Inputs", "read_checked_timetable", "default_scenario_path"]


def default_scenario_path() -> Path:
    """The shipped weekday scenario (``scenarios/weekday.toml``): what ``lrt simulate`` runs by default."""
    from .paths import shipped

    return shipped("scenarios", "weekday.toml")


def load(path: Path | None = None, overrides: Mapping[str, Any] | None = None, *, origin: str = "") -> Scenario:
    """Read a scenario file (default: the shipped weekday), apply ``overrides`` and assemble it.

    Parameters
    ----------
    path : Path, optional
        The scenario file.
    overrides : mapping of dotted key -> value, optional
        Changes to the file (:data:`lrt.io.scenario.SCENARIO_KEYS`); a path is taken as given (make it
        absolute when it is relative to somewhere else than the file).
    origin : str
        Where the overrides come from, for error messages (``"--daily"``, ``"sweep.toml: grid"``).
    """
    return build(read_scenario(path or default_scenario_path(), overrides, origin=origin))


class Inputs:
    """The files a scenario names, each read (and a timetable checked) once: for building many scenarios."""

    def __init__(self) -> None:
        self._memo: dict = {}

    def _get(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def line(self, path: Path):
        from .io.line import read_line

        return self._get(("line", path), lambda: read_line(path))

    def train(self, path: Path):
        from .io.rollingstock import read_train

        return self._get(("train", path), lambda: read_train(path))

    def conditions(self, weather: str, line):
        from .io.conditions import read_conditions, resolve_weather

        return self._get(("weather", weather, id(line)), lambda: read_conditions(resolve_weather(weather), line))

    def timetable(self, path: Path, line, train):
        return self._get(("timetable", path, id(line), id(train)), lambda: read_checked_timetable(path, line, train))

    def pattern(self, path: Path, line):
        from .io.pattern import read_pattern

        return self._get(("pattern", path, id(line)), lambda: read_pattern(path, line))

    def digest(self, path: Path) -> str:
        from .io.files import file_digest

        return self._get(("digest", path), lambda: file_digest(path))


def build(spec: ScenarioSpec, inputs: Inputs | None = None) -> Scenario:
    """Assemble a runnable scenario from a checked spec (see the module docstring)."""
    from .io.faults import read_faults
    from .paths import shipped_network, shipped_rolling_stock, shipped_timetable
    from .sim.service import service_for

    inputs = inputs or Inputs()
    network = spec.network or shipped_network()
    rolling_stock = spec.rolling_stock or shipped_rolling_stock()
    line, train = inputs.line(network), inputs.train(rolling_stock)
    conditions = _adjusted(inputs.conditions(spec.weather, line), spec)
    if spec.reserve_trains is not None and not spec.reserve_trains < line.operations.fleet:
        raise InputError(spec.source, "service.reserve_trains", str(spec.reserve_trains),
                         f"0 to {line.operations.fleet - 1} trains (fewer than the fleet of {line.name})")
    folder = spec.timetable or shipped_timetable("weekday")
    planned = inputs.timetable(folder, line, train)
    pattern_path = _pattern_path(planned, folder)
    pattern = inputs.pattern(pattern_path, line) if pattern_path is not None else None
    timetable, note = service_for(line, train, planned, conditions, pattern, reserve=spec.reserve_trains)
    faults = read_faults(spec.faults, line, set(timetable.blocks())) if spec.faults is not None else ()
    day = spec.day or ("weekend" if "weekend" in timetable.service_id else "weekday")
    demand = _demand(spec, line, day, conditions.demand_factor)
    try:
        options = SimOptions(**spec.options)
    except ValueError as exc:  # a rule across the options (a share above 1, closing longer than the dwell)
        raise InputError(spec.source, "options", str(exc), "consistent options") from None
    sources = {"scenario": spec.source, "network": inputs.digest(Path(line.source)),
               "rolling_stock": inputs.digest(rolling_stock), "timetable": inputs.digest(folder)}
    for name, path in (("od", spec.od), ("demand_model", spec.demand_model), ("faults", spec.faults),
                       ("weather", Path(conditions.source) if conditions.source else None)):
        if path is not None:
            sources[name] = inputs.digest(path)
    notes = {"planned_trips": len(planned.trips), "service": note, "thinned": timetable is not planned,
             "timetable_folder": str(folder), "description": spec.description}
    return Scenario(name=spec.name, line=line, train=train, timetable=timetable, conditions=conditions, demand=demand,
                    options=options, faults=tuple(faults), seed=spec.seed, sources=sources, notes=notes)


def read_checked_timetable(folder: Path, line, train):
    """Read a timetable folder and refuse it unless ``lrt timetable check`` passes it in normal conditions.

    Every command that runs or converts a timetable reads it here.  The check is made in the design
    conditions (``Conditions()``): a weather preset only shows how a sound timetable suffers (its
    shorter-than-possible run times are the late running a simulation is meant to show).  The error
    names the folder, the first violation (trip, train, station, time, what was found and expected)
    and how many more there are.
    """
    from .conditions import Conditions
    from .io.timetable import read_timetable
    from .timetable.check import check_timetable

    timetable = read_timetable(folder, line)
    reserve = timetable.notes.get("reserve_trains")
    if reserve is not None and not (isinstance(reserve, int) and 0 <= reserve < line.operations.fleet):
        raise InputError(str(Path(folder) / "meta.toml"), "reserve_trains", repr(reserve),
                         f"0 to {line.operations.fleet - 1} trains (fewer than the fleet of {line.name})")
    violations = check_timetable(timetable, line, train, conditions=Conditions(), reserve=reserve)
    if violations:
        first, more = violations[0], len(violations) - 1
        hint = f"run `lrt timetable check {folder}`"
        raise InputError(str(folder), first.where, f"{first.kind} at {first.clock}: {first.message}",
                         f"{first.expected} ({f'and {more} more: ' if more else ''}{hint})")
    return timetable


def _pattern_path(timetable, folder: Path) -> Path | None:
    """The service pattern a timetable was built from (``meta.toml`` ``pattern_file``, looked for beside the
    timetable folders: ``../patterns/``), to thin it when the fleet is short; None if it cannot be found."""
    from .paths import shipped

    name = timetable.notes.get("pattern_file", "")
    if not name:
        return None
    for path in (Path(folder).parent / "patterns" / name, shipped("timetables", "patterns", name)):
        if path.is_file():
            return path
    return None


def _adjusted(conditions, spec: ScenarioSpec):
    """The weather preset with the scenario's factors on its dwell factor and failure rates."""
    if spec.dwell_factor == 1.0 and spec.failure_rate_factor == 1.0:
        return conditions
    failures = conditions.failures
    if spec.failure_rate_factor != 1.0:
        scaled = {f.kind: dataclasses.replace(f, rate=f.rate * spec.failure_rate_factor) for f in failures}
        if "pull_out" in scaled and scaled["pull_out"].rate > 1:  # a share of pull-outs
            scaled["pull_out"] = dataclasses.replace(scaled["pull_out"], rate=1.0)
        failures = dataclasses.replace(failures, **scaled)
    return dataclasses.replace(conditions, dwell_factor=conditions.dwell_factor * spec.dwell_factor,
                               failures=failures)


def _demand(spec: ScenarioSpec, line, day: str, demand_factor: float):
    """The day's demand: a measured OD table, or the gravity model at ``spec.daily`` × the weather's factor."""
    from .demand import build_demand
    from .io.demand import read_demand_model, read_measured_od

    if spec.od is not None:
        demand = read_measured_od(spec.od, line)
        if demand.total > MAX_DAILY_PASSENGERS:
            raise InputError(str(spec.od), "passengers", f"{demand.total:,.0f} in the table",
                             f"at most {MAX_DAILY_PASSENGERS:,} a day")
        return demand
    model = read_demand_model(spec.demand_model or Path(line.source) / "demand.toml", line)
    demand = build_demand(line, model, daily=spec.daily, day=day, demand_factor=demand_factor)
    if demand.total > MAX_DAILY_PASSENGERS * (1 + 1e-9):  # the weather's demand factor can push daily past it
        raise InputError(spec.source, "demand.daily", f"{demand.total:,.0f} passengers a day after the weather's "
                         f"demand factor {demand_factor:g}", f"at most {MAX_DAILY_PASSENGERS:,}")
    return demand
