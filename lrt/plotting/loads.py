"""Crowding chart: the load factor of every segment in every hour, one panel per direction."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import pyplot, save_figure

__all__ = ["plot_load_heatmap", "load_factor_grid"]


def load_factor_grid(result, scenario, direction: str):
    """Max load factor per segment (rows, in travel order) and hour (columns) for one direction.

    Returns
    -------
    labels : list of str
        ``"from → to"`` station names, in travel order.
    hours : numpy.ndarray of int
        Clock hours of the service day [h], every hour from the first to the last departure of either
        direction (so both panels share one axis).
    grid : numpy.ndarray, shape (len(labels), len(hours))
        The largest ``load_departure / capacity`` of the trains leaving the segment's first station in
        that hour [1]; NaN where no train ran.
    """
    from ..kpis import load_table

    table = load_table(result, scenario)
    hours = np.arange(int(table["hour"].min()), int(table["hour"].max()) + 1) if len(table) else np.arange(0)
    rows = table[table["direction"] == direction]
    segments = list(dict.fromkeys(zip(rows["from_station"], rows["to_station"])))  # travel order, kept
    index = {seg: i for i, seg in enumerate(segments)}
    grid = np.full((len(segments), len(hours)), np.nan)
    for a, b, h, lf in zip(rows["from_station"], rows["to_station"], rows["hour"], rows["load_factor_max"]):
        grid[index[(a, b)], int(h) - hours[0]] = lf
    name = {s.code: s.name_en for s in scenario.line.stations}
    labels = [f"{name.get(int(a), a)} → {name.get(int(b), b)}" for a, b in segments]
    return labels, hours, grid


def plot_load_heatmap(result, scenario, path: Path) -> None:
    """Segment × hour heat map of the *maximum* load factor (the fullest train), one panel per direction.

    Load factor = passengers on board leaving the segment's first station / capacity, with capacity =
    ``scenario.options.capacity(train, conditions)`` (engineering reference, section 4).  The maximum,
    not the mean, because one full train is what leaves passengers behind.  Cells show the percentage
    when they are large enough to read; grey cells had no train.
    """
    plt = pyplot()
    from matplotlib.colors import Normalize

    cap = scenario.options.capacity(scenario.train, scenario.conditions)
    panels = [(d, *load_factor_grid(result, scenario, d)) for d in ("up", "down")]
    panels = [p for p in panels if p[1]]
    if not panels:
        raise ValueError("plot_load_heatmap: the event log has no departures to plot")
    hours = panels[0][2]
    top = max(1.0, float(np.nanmax([np.nanmax(g) for *_, g in panels])))
    norm = Normalize(vmin=0.0, vmax=top)
    cmap = plt.get_cmap("YlOrRd").with_extremes(bad="0.9")
    n_rows = sum(len(p[1]) for p in panels)
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(8.0, 0.55 * len(hours) + 4), 0.32 * n_rows + 2.5),
                             squeeze=False, height_ratios=[len(p[1]) for p in panels], layout="constrained")
    for ax, (direction, labels, hrs, grid) in zip(axes[:, 0], panels):
        image = ax.imshow(grid, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest",
                          extent=(hrs[0], hrs[-1] + 1, len(labels), 0))
        ax.set_yticks(np.arange(len(labels)) + 0.5, labels, fontsize=7)
        ax.set_xticks(hrs + 0.5, [f"{h % 24:02d}" for h in hrs], fontsize=7)  # label the cell, not its edge
        ax.set_xticks(np.arange(hrs[0], hrs[-1] + 2), minor=True)
        ax.set_yticks(np.arange(len(labels) + 1), minor=True)
        ax.grid(which="minor", color="white", lw=0.6)
        ax.tick_params(which="minor", length=0)
        if len(hrs) <= 30 and len(labels) <= 40:
            _annotate(ax, grid, hrs, norm)
        first, last = labels[0].split(" → ")[0], labels[-1].split(" → ")[1]
        ax.set_title(f"{direction}: {first} → {last}", loc="left", fontsize=9)
        ax.set_xlabel("hour of departure from the segment's first station (08 = 08:00-08:59)", fontsize=8)
    bar = fig.colorbar(image, ax=axes[:, 0].tolist(), fraction=0.02, pad=0.01, shrink=0.6,
                       format=lambda x, _: f"{100 * x:.0f} %")
    bar.set_label(f"max load factor [% of {cap} passengers per train]", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    meta = result.metadata
    fig.suptitle(f"Fullest train per segment and hour — {meta.get('timetable', '')}, {meta.get('conditions', '')}"
                 f" conditions, load standard {scenario.options.load_standard!r}, seed {result.seed}",
                 x=0.01, ha="left", fontsize=10)
    fig.text(0.01, 0.0, "grey: no train in that hour", fontsize=7, color="0.4")
    save_figure(fig, path)
    plt.close(fig)


def _annotate(ax, grid, hours, norm) -> None:
    """Write each cell's percentage, white on dark cells, bold where trains were full."""
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if np.isfinite(value):
                colour = "white" if norm(value) > 0.6 else "black"
                ax.text(hours[j] + 0.5, i + 0.5, f"{100 * value:.0f}", ha="center", va="center", fontsize=6,
                        color=colour, fontweight="bold" if value >= 0.995 else "normal")
