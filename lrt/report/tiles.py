"""KPI tiles with their traffic lights: one day's, and one per grid point or preset as a coloured table."""

from __future__ import annotations

from collections.abc import Mapping

from .html import Cell, table, tiles
from .thresholds import TILE_KPIS, Threshold, TileKpi, light

__all__ = ["day_tiles", "tile_table", "rule_text", "value_text"]


def rule_text(kpi: TileKpi, t: Threshold | None) -> str:
    if t is None:
        return ""
    op = "≤" if kpi.lower_is_better else "≥"
    return f"green {op} {t.green:g}, amber {op} {t.amber:g}"


def value_text(value: float | None, kpi: TileKpi) -> str:
    if value is None:
        return "n/a"
    unit = "" if kpi.unit == "1" else f" {kpi.unit.split(' ')[0] if kpi.unit.startswith('%') else kpi.unit}"
    return f"{value:,.{kpi.digits}f}{unit}"


def day_tiles(kpis: Mapping, thresholds: Mapping[str, Threshold]) -> str:
    """The tiles of one day's KPIs (``kpis.json``)."""
    items = []
    for k in TILE_KPIS:
        value = k.of_day(kpis)
        t = thresholds.get(k.name)
        items.append({"kpi": k.name, "label": f"{k.label} [{k.unit}]" if k.unit != "1" else k.label,
                      "value": value_text(value, k), "status": light(value, k, t), "rule": rule_text(k, t),
                      "reason": t.reason if t else ""})
    return tiles(items)


def tile_table(values: Mapping[str, Mapping[str, float | None]], thresholds: Mapping[str, Threshold],
               label: str) -> str:
    """One row per scenario (``values[scenario][kpi name]``, the mean over its runs), one coloured cell per KPI."""
    kpis = [k for k in TILE_KPIS if any(v.get(k.name) is not None for v in values.values())]
    header = [label] + [f"{k.label} [{k.unit}]" if k.unit != "1" else k.label for k in kpis]
    rows = []
    for name, v in values.items():
        row = [name]
        for k in kpis:
            x = v.get(k.name)
            row.append(Cell(value_text(x, k), x, css=light(x, k, thresholds.get(k.name))))
        rows.append(row)
    rules = "; ".join(f"{k.label}: {rule_text(k, thresholds.get(k.name))}" for k in kpis if thresholds.get(k.name))
    return table(header, rows, caption=f"Mean over the runs of each; thresholds: {rules}")
