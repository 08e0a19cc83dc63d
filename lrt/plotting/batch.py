"""Charts of a batch: KPIs against the swept field with their bands, the punctuality curve, convergence.

Each ``draw_*`` function draws on the Axes it is given (or a new figure) from plain data; ``plot_batch``
writes the three charts of ``lrt batch``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from . import pyplot, save_figure

__all__ = ["MAIN_KPIS", "draw_kpi_against", "draw_punctuality", "draw_convergence", "plot_batch"]

MAIN_KPIS = (("mean_wait_s", "mean wait [min]", 1 / 60), ("p95_wait_s", "95th-percentile wait [min]", 1 / 60),
             ("denied_boardings", "denied boardings", 1.0), ("passengers_stranded", "stranded passengers", 1.0),
             ("punctuality_1min", "departures within 1 min [%]", 100.0),
             ("energy_kwh_per_train_km", "energy [kWh/train-km]", 1.0))
"""The KPIs charted against the swept field: (name, label with unit, factor to the displayed unit)."""


def _values(rows, point: int, kpi: str, factor: float) -> np.ndarray:
    v = [r["kpis"].get(kpi) for r in rows if r["point"] == point and r["status"] == "ok"]
    return np.array([x * factor for x in v if x is not None], dtype=float)


def _groups(sweep) -> tuple[str, list, list[tuple[str, list[int]]]]:
    """The x field and its values, and the lines: (label, grid point of each x value)."""
    if not sweep.grid:
        return "", ["base"], [("", [0])]
    xkey, xs = sweep.grid[0][0], list(sweep.grid[0][1])
    lines: dict[tuple, list[int]] = {}
    for i, point in enumerate(sweep.points):
        rest = tuple((k, v) for k, v in point.items() if k != xkey)
        lines.setdefault(rest, []).append(i)
    return xkey, xs, [(", ".join(f"{k}={v}" for k, v in rest), idx) for rest, idx in lines.items()]


def draw_kpi_against(ax, sweep, rows, kpi: str, label: str, factor: float = 1.0) -> None:
    """Mean of ``kpi`` at each value of the first swept field (one line per combination of the others),
    with its 95 % interval (error bars) and the p5-p95 band of the runs."""
    from ..study.stats import describe

    xkey, xs, lines = _groups(sweep)
    numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
    pos = np.asarray(xs, dtype=float) if numeric else np.arange(len(xs), dtype=float)
    for name, points in lines:
        stats = [describe(_values(rows, p, kpi, factor)) for p in points]
        mean = np.array([s["mean"] if s["mean"] is not None else np.nan for s in stats])
        ci = np.array([s["ci95"] if s["ci95"] is not None else 0.0 for s in stats])
        p5 = np.array([s["p5"] if s["p5"] is not None else np.nan for s in stats])
        p95 = np.array([s["p95"] if s["p95"] is not None else np.nan for s in stats])
        line = ax.errorbar(pos, mean, yerr=ci, marker="o", ms=4, capsize=3, lw=1.4, label=name or None)
        ax.fill_between(pos, p5, p95, alpha=0.15, color=line[0].get_color(), lw=0)
    ax.set_ylabel(label, fontsize=8)
    ax.set_xlabel(xkey or "scenario", fontsize=8)
    if not numeric:
        ax.set_xticks(pos, [str(x) for x in xs], fontsize=7)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=7)
    if len(lines) > 1:
        ax.legend(fontsize=6)


def draw_punctuality(ax, sweep, rows, *, minutes=None) -> None:
    """Share of departures within x min of plan, x from 0.5 to 15 min (or ``minutes``): the median run of each
    grid point and the p5-p95 band across its runs (``punctual_Xmin`` of each run's KPIs; minutes no run
    records are left out)."""
    from ..study.batch import point_label
    from ..study.execute import PUNCTUALITY_MINUTES

    minutes = list(minutes or PUNCTUALITY_MINUTES)
    x = np.asarray(minutes, dtype=float)
    for p, point in enumerate(sweep.points):
        curves = np.array([[np.nan if r["kpis"].get(f"punctual_{m:g}min") is None else r["kpis"][f"punctual_{m:g}min"]
                            for m in minutes] for r in rows if r["point"] == p and r["status"] == "ok"],
                          dtype=float).reshape(-1, len(minutes)) * 100
        known = np.isfinite(curves).any(axis=0)
        if curves.size == 0 or not known.any():
            continue
        low, mid, high = np.nanpercentile(curves[:, known], [5, 50, 95], axis=0)
        (line,) = ax.plot(x[known], mid, marker="o", ms=3, lw=1.3, label=point_label(point))
        ax.fill_between(x[known], low, high, alpha=0.15, color=line.get_color(), lw=0)
    ax.set_xscale("log")
    ax.set_xticks(x, [f"{m:g}" for m in minutes], fontsize=7)
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())  # the log axis would label its minor ticks (2×10⁰)
    ax.set_xlabel("within x min of plan [min]", fontsize=8)
    ax.set_ylabel("departures [%]", fontsize=8)
    ax.set_ylim(top=100.5)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6)
    ax.set_title("Punctuality curve: median run, band p5-p95 of the runs", fontsize=9, loc="left")


def draw_convergence(ax, sweep, rows, kpi: str, label: str, factor: float = 1.0) -> None:
    """The running mean of ``kpi`` over the replications of each grid point, with its 95 % interval."""
    from ..study.batch import point_label
    from ..study.stats import running_ci95

    for p, point in enumerate(sweep.points):
        v = _values(rows, p, kpi, factor)
        if v.size == 0:
            continue
        mean, half = running_ci95(v)
        n = np.arange(1, v.size + 1)
        (line,) = ax.plot(n, mean, lw=1.3, label=point_label(point))
        ax.fill_between(n, mean - half, mean + half, alpha=0.15, color=line.get_color(), lw=0)
    ax.set_xlabel("replications", fontsize=8)
    ax.set_ylabel(label, fontsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=6)
    ax.set_title(f"Convergence of the {label.split(' [')[0]}: running mean and 95 % interval", fontsize=9,
                 loc="left")


def plot_batch(sweep, rows, folder: Path, *, kpi: str = "mean_wait_s") -> list[str]:
    """Write ``kpis.png``, ``punctuality.png`` and ``convergence.png`` into ``folder``; return their names."""
    plt = pyplot()
    ncols = 3
    nrows = math.ceil(len(MAIN_KPIS) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows + 0.5), squeeze=False)
    for ax, (name, label, factor) in zip(axes.flat, MAIN_KPIS):
        draw_kpi_against(ax, sweep, rows, name, label, factor)
    fig.suptitle(f"{sweep.name}: mean with its 95 % interval, band p5-p95 of the runs", fontsize=10)
    fig.tight_layout()
    save_figure(fig, Path(folder) / "kpis.png")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    draw_punctuality(ax, sweep, rows)
    fig.tight_layout()
    save_figure(fig, Path(folder) / "punctuality.png")
    plt.close(fig)
    label, factor = next(((lab, f) for n, lab, f in MAIN_KPIS if n == kpi), (kpi, 1.0))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    draw_convergence(ax, sweep, rows, kpi, label, factor)
    fig.tight_layout()
    save_figure(fig, Path(folder) / "convergence.png")
    plt.close(fig)
    return ["kpis.png", "punctuality.png", "convergence.png"]
