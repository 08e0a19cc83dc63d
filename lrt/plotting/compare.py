"""Weather comparison chart: one small panel per KPI, one bar per preset with its 95 % interval."""

from __future__ import annotations

import math
from pathlib import Path

from . import pyplot, save_figure

__all__ = ["plot_comparison"]

_BASE_COLOUR = "#1f4e79"   # the baseline bar: dark blue, so the eye finds it first
_OTHER_COLOUR = "#9ecae1"  # the other presets: light blue


def plot_comparison(comparison, path: Path, *, title: str = "") -> None:
    """Small multiples of a :class:`~lrt.study.compare.Comparison`: a panel per KPI, bars per preset.

    Error bars are the 95 % intervals over the seeds (none for fixed figures or one seed), drawn clipped
    to the values a KPI can take (>= 0, shares <= 100 %; the table and JSON keep them whole); the baseline
    bar is dark, and every other bar is labelled with its change from the baseline (percentage points for
    shares).  Each panel has its own scale, starting at zero.
    """
    from ..study.compare import KPIS

    plt = pyplot()
    from matplotlib.ticker import FuncFormatter

    by = {(r["kpi"], r["preset"]): r for r in comparison.rows}
    presets = list(comparison.presets)
    ncols = 4
    nrows = math.ceil(len(KPIS) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.7 * nrows + 0.6), squeeze=False)
    for ax, k in zip(axes.flat, KPIS):
        rows = [by[(k.name, p)] for p in presets]
        means = [r["mean"] if r["mean"] is not None else math.nan for r in rows]
        low, high = _whiskers(rows, k)
        colours = [_BASE_COLOUR if p == comparison.baseline else _OTHER_COLOUR for p in presets]
        x = list(range(len(presets)))
        ax.bar(x, means, color=colours, edgecolor="0.3", linewidth=0.5)
        with_ci = [i for i, r in enumerate(rows) if r["ci95"] is not None and r["mean"] is not None]
        if with_ci:
            ax.errorbar([x[i] for i in with_ci], [means[i] for i in with_ci],
                        yerr=[[low[i] for i in with_ci], [high[i] for i in with_ci]], fmt="none",
                        ecolor="0.15", elinewidth=1, capsize=3)
        errors = high
        top = max((m + e for m, e in zip(means, errors) if not math.isnan(m)), default=1.0) or 1.0
        ax.set_ylim(0, top * 1.22)
        for i, r in enumerate(rows):
            if r["mean"] is None:
                ax.text(i, 0, "n/a", ha="center", va="bottom", fontsize=7)
                continue
            ax.text(i, r["mean"] + errors[i] + top * 0.02, _label(r, k, comparison.baseline), ha="center",
                    va="bottom", fontsize=7, color="0.1")
        ax.set_title(f"{k.label} [{k.unit}]" + ("" if k.simulated else " (fixed)"), fontsize=9, loc="left")
        ax.set_xticks(list(x), presets, fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    for ax in list(axes.flat)[len(KPIS):]:
        ax.set_visible(False)
    k = len(comparison.seeds)
    fig.suptitle(title or f"Weather comparison, {k} seed{'s' if k != 1 else ''} (common random numbers); "
                          f"bars: mean, whiskers: 95 % interval; dark: {comparison.baseline}", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def _whiskers(rows: list[dict], k) -> tuple[list[float], list[float]]:
    """Lower and upper whisker lengths: the 95 % half-width, clipped to [0, 100] for shares and >= 0 else."""
    low, high = [], []
    for r in rows:
        m, ci = r["mean"], r["ci95"]
        if m is None or ci is None:
            low.append(0.0)
            high.append(0.0)
            continue
        low.append(min(ci, max(m, 0.0)))
        high.append(min(ci, max(100.0 - m, 0.0)) if k.unit == "%" else ci)
    return low, high


def _label(r: dict, k, baseline: str) -> str:
    """The bar's value, and its change from the baseline."""
    value = f"{r['mean']:,.{k.digits}f}"
    if r["preset"] == baseline or r["change"] is None:
        return value
    if k.unit == "%":
        return f"{value}\n{r['change']:+.{k.digits}f} pp"
    if r["change_pct"] is None:
        return f"{value}\n{r['change']:+,.{k.digits}f}"
    return f"{value}\n{r['change_pct']:+.0f} %"
