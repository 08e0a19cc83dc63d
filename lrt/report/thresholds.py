"""The KPI tiles' traffic lights: the KPIs a tile can show, and the thresholds file that colours them.

The shipped defaults are ``lrt/report/thresholds.toml`` (package data); a planner's file replaces the
tables it names.  Rule, for a KPI where lower is better::

    value <= green  -> green      value <= amber  -> amber      otherwise -> red

and the mirror image (``>=``) where higher is better.  A value that is missing is grey ("n/a").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TileKpi", "TILE_KPIS", "Threshold", "DEFAULT_THRESHOLDS", "read_thresholds", "default_thresholds",
           "light"]

DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.toml")


def _get(k: Mapping, key: str, factor: float = 1.0):
    value = k.get(key)
    return None if value is None else float(value) * factor


def _trips_run_pct(k: Mapping):
    planned = k.get("trips_in_timetable") or k.get("trips_planned")
    return None if not planned or k.get("trips_run") is None else 100.0 * k["trips_run"] / planned


@dataclass(frozen=True, slots=True)
class TileKpi:
    """A KPI a tile can show: ``name`` (its key in a thresholds file), ``label``, ``unit``, ``lower_is_better``,
    ``digits``, and ``of_day(kpis)``: its value from a day's KPIs (``kpis.json``, a row of ``results.csv``)."""

    name: str
    label: str
    unit: str
    lower_is_better: bool
    digits: int
    of_day: Callable[[Mapping], float | None]


TILE_KPIS = (
    TileKpi("p95_wait_min", "95th-percentile wait", "min", True, 1, lambda k: _get(k, "p95_wait_s", 1 / 60)),
    TileKpi("mean_wait_min", "mean wait", "min", True, 2, lambda k: _get(k, "mean_wait_s", 1 / 60)),
    TileKpi("peak_load_factor_pct", "peak load factor", "% of capacity", True, 0,
            lambda k: _get(k, "max_load_factor", 100.0)),
    TileKpi("punctuality_3min_pct", "departures within 3 min", "%", False, 1,
            lambda k: _get(k, "punctuality_3min", 100.0)),
    TileKpi("punctuality_1min_pct", "departures within 1 min", "%", False, 1,
            lambda k: _get(k, "punctuality_1min", 100.0)),
    TileKpi("stranded_passengers", "stranded passengers", "passengers", True, 0,
            lambda k: _get(k, "passengers_stranded")),
    TileKpi("denied_boardings_pct", "denied boardings", "% of passengers", True, 2,
            lambda k: _get(k, "denied_boardings_share", 100.0)),
    TileKpi("trips_run_pct", "trips run", "% of the timetable", False, 1, _trips_run_pct),
    TileKpi("headway_cv", "headway CV", "1", True, 3, lambda k: _get(k, "headway_cv_mean")),
    TileKpi("energy_kwh_per_train_km", "energy per train-km", "kWh", True, 2,
            lambda k: _get(k, "energy_kwh_per_train_km")),
)
"""The tiles, in display order."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """``green`` and ``amber`` bounds of one KPI (in its tile's unit) and where they come from."""

    green: float
    amber: float
    reason: str
    source: str


def light(value: float | None, kpi: TileKpi, threshold: Threshold | None) -> str:
    """``"green"``, ``"amber"``, ``"red"``, or ``"none"`` (no value, or no threshold for the KPI)."""
    if value is None or threshold is None or not math.isfinite(value):
        return "none"
    if kpi.lower_is_better:
        return "green" if value <= threshold.green else "amber" if value <= threshold.amber else "red"
    return "green" if value >= threshold.green else "amber" if value >= threshold.amber else "red"


def _read(path: Path) -> dict[str, Threshold]:
    from ..io.files import read_toml

    doc = read_toml(path)
    doc.check_schema(1)
    known = {k.name: k for k in TILE_KPIS}
    out = {}
    for name in doc.data:
        if name == "schema_version":
            continue
        if name not in known:
            raise doc.error(name, "an unknown KPI", "one of " + ", ".join(known))
        table = doc.table(name)
        for key in table.data:
            if key not in ("green", "amber", "reason"):
                raise table.error(key, "an unknown key", "green, amber or reason")
        green, amber = table.number("green"), table.number("amber")
        kpi = known[name]
        if kpi.lower_is_better and amber < green:
            raise table.error("amber", f"{amber:g} below green {green:g}",
                              f"amber >= green ({kpi.label}: lower is better)")
        if not kpi.lower_is_better and amber > green:
            raise table.error("amber", f"{amber:g} above green {green:g}",
                              f"amber <= green ({kpi.label}: higher is better)")
        out[name] = Threshold(green, amber, table.string("reason", ""), doc.source)
    return out


def default_thresholds() -> dict[str, Threshold]:
    """The shipped thresholds (``lrt/report/thresholds.toml``)."""
    return _read(DEFAULT_THRESHOLDS)


def read_thresholds(path: Path | None = None) -> dict[str, Threshold]:
    """The shipped thresholds with the tables of a planner's file ``path`` in place of theirs.

    Raises :class:`~lrt.errors.InputError` naming the file, the place, what was found and what was expected.
    """
    out = default_thresholds()
    if path is not None:
        out.update(_read(Path(path)))
    return out
