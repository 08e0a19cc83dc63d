"""Crowding chart: the load factor of every segment in every hour, one panel per direction."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import figure, save_figure
from .day import heatmap

__all__ = ["plot_load_heatmap", "load_factor_grid", "load_heatmap_figure"]


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
    from ..kpis import load_columns

    table = load_columns(result, scenario)
    hours = np.arange(int(table["hour"].min()), int(table["hour"].max()) + 1) if len(table["hour"]) else np.arange(0)
    mine = table["direction"] == direction
    rows = {name: column[mine] for name, column in table.items()}
    segments = list(dict.fromkeys(zip(rows["from_station"], rows["to_station"])))  # travel order, kept
    index = {seg: i for i, seg in enumerate(segments)}
    grid = np.full((len(segments), len(hours)), np.nan)
    for a, b, h, lf in zip(rows["from_station"], rows["to_station"], rows["hour"], rows["load_factor_max"]):
        grid[index[(a, b)], int(h) - hours[0]] = lf
    name = {s.code: s.name_en for s in scenario.line.stations}
    labels = [f"{name.get(int(a), a)} → {name.get(int(b), b)}" for a, b in segments]
    return labels, hours, grid


def _percent(value: float) -> str:
    """The cell's percentage from half full: the crowded cells are the ones to read (and each written
    number costs a third of a millisecond to draw; a day has some 700 cells)."""
    return f"{100 * value:.0f}" if value >= 0.5 else ""


def load_heatmap_figure(panels: Sequence[tuple[str, list[str], np.ndarray, np.ndarray]], capacity: int, *,
                        title: str = "", annotate: bool = True):
    """Segment × hour heat maps of the maximum load factor [1], one per ``(direction title, labels, hours,
    grid)`` panel (see :func:`load_factor_grid`), on one colour scale from 0 to at least 100 %.

    The maximum, not the mean, because one full train is what leaves passengers behind.  Cells show the
    percentage; grey cells had no train.  Returns the figure.
    """
    panels = [p for p in panels if len(p[1])]
    if not panels:
        raise ValueError("load_heatmap_figure: no departures to plot")
    top = max(1.0, *(float(np.nanmax(g)) if np.isfinite(g).any() else 0.0 for *_, g in panels))
    n_hours = len(panels[0][2])
    width = max(8.0, 0.5 * n_hours + 5.0)
    row_in, gap_in, top_in, bottom_in = 0.24, 0.85, 0.55, 0.3
    height = top_in + bottom_in + sum(len(p[1]) * row_in + gap_in for p in panels)
    fig = figure(width, height)
    y = height - top_in
    for direction, labels, hours, grid in panels:
        h = len(labels) * row_in
        y -= h
        ax = fig.add_axes((3.6 / width, y / height, 1 - 4.9 / width, h / height))
        heatmap(grid, labels, hours, ax, vmax=top, fmt=_percent, annotate=annotate, title=direction,
                label=f"max load factor [% of {capacity}]", scale=100.0)
        y -= gap_in
    if title:
        fig.text(0.01, 1 - 0.12 / height, title, ha="left", va="top", fontsize=10)
    fig.text(0.01, 0.1 / height, "grey: no train in that hour; numbers: the fullest train's load in % of capacity, from 50 %",
             fontsize=7, color="0.4")
    return fig


def plot_load_heatmap(result, scenario, path: Path) -> None:
    """Segment × hour heat map of the *maximum* load factor (the fullest train), one panel per direction.

    Load factor = passengers on board leaving the segment's first station / capacity, with capacity =
    ``scenario.options.capacity(train, conditions)`` (engineering reference, section 4).
    """
    cap = scenario.options.capacity(scenario.train, scenario.conditions)
    names = {s.code: s.name_en for s in scenario.line.stations}
    ends = {"up": (scenario.line.stations[0].code, scenario.line.stations[-1].code)}
    ends["down"] = ends["up"][::-1]
    panels = []
    for d in ("up", "down"):
        labels, hours, grid = load_factor_grid(result, scenario, d)
        panels.append((f"{d}: {names[ends[d][0]]} → {names[ends[d][1]]}", labels, hours, grid))
    if not any(p[1] for p in panels):
        raise ValueError("plot_load_heatmap: the event log has no departures to plot")
    meta = result.metadata
    fig = load_heatmap_figure(panels, cap, title=f"Fullest train per segment and hour — {meta.get('timetable', '')}, "
                              f"{meta.get('conditions', '')} conditions, load standard "
                              f"{scenario.options.load_standard!r}, seed {result.seed}")
    save_figure(fig, path, tight=False, dpi=100)
