"""Charts of one simulated day, each from plain arrays on an optional Axes (a new figure when None).

The heat map serves the load factor (segment × hour) and the denied boardings (station × hour); the
others are the headway regularity by station, the wait-time distribution, the trains in service through
the day and the traction energy by hour.  The data come from the run's tables (:mod:`lrt.report.day`
computes them from ``events.csv`` and ``passengers.csv``); nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import axes_of

__all__ = ["heatmap", "headway_regularity", "wait_distribution", "trains_in_service", "energy_by_hour",
           "TCQSM_CV_LOS"]

TCQSM_CV_LOS = ((0.21, "A"), (0.30, "B"), (0.39, "C"), (0.52, "D"), (0.74, "E"))
"""Headway adherence levels of service by coefficient of variation (TCQSM 3rd ed., exhibit 5-24): the upper
bound of each level; above 0.74 is F."""

_BLUE, _ORANGE, _GREY = "#1f5fa8", "#c8441c", "0.45"


def heatmap(grid: np.ndarray, rows: Sequence[str], hours: Sequence[int], ax=None, *, vmax: float | None = None,
            cmap: str = "YlOrRd", fmt=None, title: str = "", label: str = "", annotate: bool = True,
            scale: float = 1.0):
    """A rows × hours heat map; ``fmt(value) -> str`` writes each cell's value; NaN cells are light grey.

    ``hours`` are clock hours [h] (the column ``08`` is 08:00-08:59); ``label`` names the colour bar (with its
    unit), whose numbers are the values times ``scale`` (100 for fractions shown in %).  Returns the Axes.
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    grid = np.asarray(grid, dtype=float)
    hours = np.asarray(hours, dtype=int)
    ax = axes_of(ax, max(8.0, 0.5 * len(hours) + 4.5), 0.27 * len(rows) + 1.6, (3.6, 1.2, 0.45, 0.75))
    finite = grid[np.isfinite(grid)]
    top = vmax if vmax is not None else max(float(finite.max()) if finite.size else 1.0, 1e-9)
    norm = Normalize(vmin=0.0, vmax=top)
    colours = colormaps[cmap].with_extremes(bad="0.92")
    first = int(hours[0]) if len(hours) else 0
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=colours, norm=norm, aspect="auto", interpolation="nearest",
                      extent=(first, first + len(hours), len(rows), 0))
    _cell_labels(ax, list(rows), [f"{h % 24:02d}" for h in hours], first)
    ax.set_xlabel("hour of the day (08 = 08:00-08:59)", fontsize=8, labelpad=_PAD + _LABEL_SIZE + 4)
    if annotate and fmt is not None:
        for i, j in zip(*np.nonzero(np.isfinite(grid))):
            value = grid[i, j]
            text = fmt(value)
            if text:
                ax.text(first + j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=5.5,
                        color="white" if norm(value) > 0.6 else "black")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    if scale != 1.0:
        from matplotlib.ticker import FuncFormatter

        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * scale:g}"))
    bar.set_label(label, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    if title:
        ax.set_title(title, loc="left", fontsize=9)
    return ax


_PAD, _LABEL_SIZE = 3.5, 7  # tick labels' distance from the axes [pt] (matplotlib's default) and size [pt]


def _cell_labels(ax, rows: Sequence[str], columns: Sequence[str], first: int) -> None:
    """Name each row on the left and each column below, centred on the cells, where matplotlib's tick labels
    would be, as plain texts: a tick is five artists, and the ticks of a day's two load panels were a quarter
    of the chart's drawing time."""
    from matplotlib.transforms import offset_copy

    ax.set_xticks([])
    ax.set_yticks([])
    left = offset_copy(ax.get_yaxis_transform(), fig=ax.figure, x=-_PAD, units="points")
    below = offset_copy(ax.get_xaxis_transform(), fig=ax.figure, y=-_PAD, units="points")
    for i, name in enumerate(rows):
        ax.text(0, i + 0.5, name, transform=left, ha="right", va="center_baseline", fontsize=_LABEL_SIZE)
    for j, name in enumerate(columns):  # the cell's label, not its edge's
        ax.text(first + j + 0.5, 0, name, transform=below, ha="center", va="top", fontsize=_LABEL_SIZE)


def headway_regularity(stations: Sequence[str], cv_up: Sequence[float], cv_down: Sequence[float], ax=None, *,
                       title: str = ""):
    """The headway coefficient of variation at each station [1], up and down, against TCQSM's levels A and B."""
    ax = axes_of(ax, 11.0, 4.2, (0.8, 0.3, 0.45, 1.9))
    x = np.arange(len(stations), dtype=float)
    ax.bar(x - 0.2, np.asarray(cv_up, dtype=float), width=0.4, color=_BLUE, label="up")
    ax.bar(x + 0.2, np.asarray(cv_down, dtype=float), width=0.4, color=_ORANGE, label="down")
    for bound, los in TCQSM_CV_LOS[:2]:
        ax.axhline(bound, color="0.4", lw=0.8, ls="--")
        ax.text(len(stations) - 0.45, bound, f"TCQSM level {los} up to {bound:.2f}", fontsize=7, ha="right",
                va="bottom", color="0.3")
    ax.set_xticks(x, list(stations), rotation=45, ha="right", fontsize=7)
    ax.set_xlim(-0.6, len(stations) - 0.4)
    ax.set_ylabel("headway CV [1]", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title(title or "Headway regularity: coefficient of variation of the actual headways, by station",
                 loc="left", fontsize=9)
    return ax


def wait_distribution(waits_min: np.ndarray, ax=None, *, stranded: int = 0, title: str = ""):
    """Histogram of the waits of the passengers who boarded [min], with the median and the 95th percentile."""
    ax = axes_of(ax, 8.0, 3.8, (0.8, 0.3, 0.45, 0.6))
    waits = np.asarray(waits_min, dtype=float)
    top = max(float(np.percentile(waits, 99.5)) if waits.size else 1.0, 1.0)
    bins = np.arange(0.0, np.ceil(top) + 0.5, 0.5)
    counts, edges = np.histogram(np.minimum(waits, bins[-1]), bins=bins)
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=_BLUE, alpha=0.85, lw=0)
    for q, style in ((50, ":"), (95, "--")):
        if waits.size:
            v = float(np.percentile(waits, q))
            ax.axvline(v, color="0.15", lw=1, ls=style)
            ax.text(v, 1.0, f" p{q} {v:.1f} min", transform=ax.get_xaxis_transform(), fontsize=7, va="top")
    ax.set_xlabel("wait on the platform [min] (the last bar holds every longer wait)", fontsize=8)
    ax.set_ylabel("passengers", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_title(title or f"Waits of {waits.size:,} passengers who boarded; {stranded:,} stranded (no train came)",
                 loc="left", fontsize=9)
    return ax


def trains_in_service(time_s: np.ndarray, planned: np.ndarray, actual: np.ndarray, ax=None, *, title: str = ""):
    """Trains in service through the day: planned and as run, each a step count at ``time_s`` [s]."""
    from .marey import clock

    ax = axes_of(ax, 11.0, 3.4, (0.8, 0.3, 0.45, 0.6))
    t = np.asarray(time_s, dtype=float)
    ax.step(t, planned, where="post", color=_GREY, lw=1.2, ls="--", label="planned")
    ax.step(t, actual, where="post", color=_BLUE, lw=1.4, label="as run")
    if t.size:
        ax.set_xlim(np.floor(t[0] / 3600) * 3600, np.ceil(t[-1] / 3600) * 3600)
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    ax.xaxis.set_major_locator(MultipleLocator(3600 * 2))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda s, _: clock(s)))
    ax.set_ylim(0, max(float(np.max(planned, initial=0)), float(np.max(actual, initial=0)), 1) * 1.15)
    ax.set_ylabel("trains in service", fontsize=8)
    ax.set_xlabel("time of day", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title(title or "Trains in service (between the first and the last call of their trips)", loc="left",
                 fontsize=9)
    return ax


def energy_by_hour(hours: Sequence[int], drawn_kwh: Sequence[float], returned_kwh: Sequence[float], ax=None, *,
                   title: str = ""):
    """Traction energy per hour [kWh]: drawn (up), regenerated and taken up (down), and the net."""
    ax = axes_of(ax, 11.0, 3.4, (0.8, 0.3, 0.45, 0.6))
    h = np.asarray(hours, dtype=float)
    drawn, returned = np.asarray(drawn_kwh, dtype=float), np.asarray(returned_kwh, dtype=float)
    ax.bar(h, drawn, width=0.8, align="edge", color=_ORANGE, label="drawn")
    ax.bar(h, -returned, width=0.8, align="edge", color="#2ca02c", label="regenerated, taken up")
    ax.plot(h + 0.4, drawn - returned, "o-", color="0.15", ms=3, lw=1, label="net")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_xticks(h + 0.4, [f"{int(x) % 24:02d}" for x in h], fontsize=7)
    ax.set_xlabel("hour of the day (08 = 08:00-08:59)", fontsize=8)
    ax.set_ylabel("traction energy [kWh]", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title(title or "Traction energy by hour, at the trains' pantographs", loc="left", fontsize=9)
    return ax
