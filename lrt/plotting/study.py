"""Charts of many runs (a comparison or a batch) for the report, and of an exercise's score.

A study is given as ``sweep`` (anything with ``name``, ``grid`` = [(field, values)] and ``points`` = one dict
of field values per grid point, such as :class:`~lrt.io.sweep.Sweep`) and ``rows`` (one dict per run:
``point``, ``status``, ``seed``, ``kpis``), as :mod:`lrt.plotting.batch` takes them.
"""

from __future__ import annotations

import math

import numpy as np

from . import axes_of, figure
from .batch import MAIN_KPIS, _values, draw_convergence, draw_kpi_against, draw_punctuality

__all__ = ["kpi_distribution", "kpi_distributions", "kpis_against", "punctuality_curves", "convergence",
           "score_bars"]


def _label(point: dict) -> str:
    from ..study.batch import point_label

    return point_label(point)


def kpi_distribution(ax, sweep, rows, kpi: str, label: str, factor: float = 1.0):
    """One box per grid point: whiskers p5-p95, box p25-p75, line the median, dot the mean with its 95 %
    interval (Student t) as an error bar.  Returns the Axes."""
    from ..study.stats import describe

    ax = axes_of(ax, 6.0, 3.4, (0.9, 0.2, 0.4, 1.2))
    stats, means, cis, pos = [], [], [], []
    for p, point in enumerate(sweep.points):
        v = _values(rows, p, kpi, factor)
        if v.size == 0:
            continue
        p5, p25, p50, p75, p95 = np.percentile(v, [5, 25, 50, 75, 95])
        stats.append({"whislo": p5, "q1": p25, "med": p50, "q3": p75, "whishi": p95, "fliers": [],
                      "label": _label(point)})
        d = describe(v)
        means.append(d["mean"])
        cis.append(d["ci95"] or 0.0)
        pos.append(len(pos) + 1)
    if stats:
        ax.bxp(stats, positions=pos, widths=0.55, showfliers=False, patch_artist=True,
               boxprops={"facecolor": "#cfe0f1", "edgecolor": "#1f4e79"}, medianprops={"color": "#1f4e79"})
        ax.errorbar(pos, means, yerr=cis, fmt="o", color="#c8441c", ms=3.5, capsize=3, lw=1, label="mean ± 95 %")
        ax.tick_params(axis="x", labelrotation=20 if len(stats) > 3 else 0, labelsize=7)
    ax.set_title(label, loc="left", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def _grid(n: int, ncols: int, panel_w: float, panel_h: float):
    nrows = math.ceil(n / ncols)
    height = panel_h * nrows + 0.5
    fig = figure(panel_w * ncols, height)
    fig.subplots_adjust(left=0.06, right=0.99, top=1 - 0.75 / height, bottom=0.6 / height, hspace=0.55, wspace=0.28)
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(n)]
    return fig, axes


def kpi_distributions(sweep, rows, kpis=MAIN_KPIS):
    """A panel per KPI (name, label, factor) of :func:`kpi_distribution`; returns the figure."""
    fig, axes = _grid(len(kpis), 3, 4.4, 3.2)
    for ax, (name, label, factor) in zip(axes, kpis):
        kpi_distribution(ax, sweep, rows, name, label, factor)
    axes[0].legend(fontsize=6, loc="best")
    fig.suptitle("Distribution over the runs: whiskers p5-p95, box p25-p75, line the median; "
                 "red: mean with its 95 % interval", fontsize=9, x=0.01, ha="left")
    return fig


def kpis_against(sweep, rows, kpis=MAIN_KPIS):
    """A panel per KPI: its mean against the first swept field with the 95 % interval and the p5-p95 band
    (:func:`~lrt.plotting.batch.draw_kpi_against`); returns the figure."""
    fig, axes = _grid(len(kpis), 3, 4.4, 3.2)
    for ax, (name, label, factor) in zip(axes, kpis):
        draw_kpi_against(ax, sweep, rows, name, label, factor)
    fig.suptitle(f"{sweep.name}: mean with its 95 % interval, band p5-p95 of the runs", fontsize=9, x=0.01,
                 ha="left")
    return fig


def punctuality_curves(sweep, rows, ax=None, minutes=None):
    """The share of departures within x min of plan: median run and p5-p95 band per grid point."""
    ax = axes_of(ax, 8.5, 4.2, (0.8, 0.2, 0.4, 0.6))
    draw_punctuality(ax, sweep, rows, minutes=minutes)
    return ax


def convergence(sweep, rows, kpi: str = "mean_wait_s", ax=None):
    """The running mean of ``kpi`` over the replications of each grid point, with its 95 % interval."""
    ax = axes_of(ax, 8.5, 4.2, (0.8, 0.2, 0.4, 0.6))
    label, factor = next(((lab, f) for n, lab, f in MAIN_KPIS if n == kpi), (kpi, 1.0))
    draw_convergence(ax, sweep, rows, kpi, label, factor)
    return ax


def score_bars(items, ax=None):
    """An exercise's points per rubric item: ``items`` = (item, trainee points, reference points or None)."""
    ax = axes_of(ax, 8.0, 0.45 * len(items) + 1.3, (1.9, 0.3, 0.4, 0.5))
    y = np.arange(len(items), dtype=float)
    trainee = [t for _, t, _ in items]
    ax.barh(y - 0.2, trainee, height=0.4, color="#1f5fa8", label="trainee")
    if any(r is not None for _, _, r in items):
        ax.barh(y + 0.2, [r or 0.0 for _, _, r in items], height=0.4, color="0.65", label="reference solution")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(y, [name for name, _, _ in items], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("points (positive: better than doing nothing)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    return ax
