"""Time–distance (Marey) diagram of a timetable: time of day across, chainage up, one line per trip.

Each trip is drawn through its (arrival, chainage) and (departure, chainage) points, so a dwell is a
short horizontal step; terminal layovers (``turnback`` operations) are thin grey steps.  With
``actual`` trips (the same :class:`~lrt.timetable.model.Trip` shape, with the times that happened)
the plan is dashed and the actual running solid.

:func:`marey_chart` draws from plain data (station names and chainages, trips as arrays) on an Axes;
the trips of one kind and direction are one ``LineCollection`` (a whole day is some 600 lines: one
artist each would cost most of a second to draw).  :func:`plot_marey` draws a timetable into a file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..network import Line
from ..timetable.model import Timetable, Trip
from . import figure, save_figure

__all__ = ["plot_marey", "marey_chart", "marey_lines", "marey_trips", "MareyTrip", "COLOURS", "clock"]

COLOURS = {"up": "#1f5fa8", "down": "#c8441c"}
"""Line colour per direction: blue up (Airport → Nurly Zhol), red-orange down."""
_LABEL_TRIPS_BELOW_S = 4 * 3600  # trip ids are legible on windows up to this length [s]
_MARGINS = (1.9, 3.2, 0.95, 0.6)  # left (station names), right (km axis, legend), top (title, clock), bottom [in]


class MareyTrip(NamedTuple):
    """One line of the diagram: ``time_s`` and ``chainage_m`` of the points it passes through, in order."""

    trip_id: str
    direction: str
    time_s: np.ndarray
    chainage_m: np.ndarray


def marey_lines(line: Line, trips: Sequence[Trip]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The points each trip's line passes through, as the diagram draws them.

    Parameters
    ----------
    line : Line
        Gives each stop's chainage.
    trips : sequence of Trip

    Returns
    -------
    dict
        ``trip_id -> (time_s, chainage_m)``: per stop the arrival then the departure [s], each at the
        stop's chainage [m]; ``2 * len(trip.stops)`` points in travel order.
    """
    return {t.trip_id: (t.time_s, t.chainage_m) for t in marey_trips(line, trips)}


def marey_trips(line: Line, trips: Sequence[Trip]) -> list[MareyTrip]:
    """The trips as :class:`MareyTrip` lines (see :func:`marey_lines`)."""
    chainage = {s.code: s.chainage_m for s in line.stations}
    out = []
    for t in trips:
        chain = np.array([chainage[c] for c in t.stops], dtype=float)
        times = np.column_stack([t.arrival_s, t.departure_s]).ravel()
        out.append(MareyTrip(t.trip_id, t.direction, times, np.repeat(chain, 2)))
    return out


def marey_chart(stations: Sequence[tuple[str, float]], planned: Sequence[MareyTrip],
                actual: Sequence[MareyTrip] | None = None, ax=None, *, title: str = "",
                start_s: float | None = None, end_s: float | None = None,
                layovers: Sequence[tuple[float, float, float]] = (), markers: Sequence[tuple[float, str]] = (),
                credit: str | None = None):
    """Draw a time–distance diagram on ``ax`` (a new figure sized to the window when None); return the Axes.

    Parameters
    ----------
    stations : sequence of (name, chainage [m])
        In line order; named on the left at their chainage.
    planned : sequence of MareyTrip
        The plan: blue up, red-orange down; dashed when ``actual`` is given.
    actual : sequence of MareyTrip, optional
        The trips as run, solid.
    start_s, end_s : float, optional
        Time window [s since the start of the service day]; default: every trip's span, to the hour.
    layovers : sequence of (start [s], end [s], chainage [m])
        Terminal layovers, drawn as thin grey steps.
    markers : sequence of (time [s], label)
        Moments marked with a green vertical line and their number (an exercise's decision points).

    The collections carry ``gid`` ``"planned-up"``, ``"planned-down"``, ``"actual-up"``, ``"actual-down"``
    and ``"layovers"``; their segments are the trips in the order given, named by the collection's ``trip_ids``.
    """
    from matplotlib.collections import LineCollection

    planned, done = list(planned), list(actual or [])
    t0, t1 = _window(planned + done, start_s, end_s)
    hours = (t1 - t0) / 3600
    if ax is None:
        width = min(26.0, max(11.0, 1.15 * hours + 3.0))
        ax = figure(width, 8.5, margins=_MARGINS).add_subplot()

    def in_view(t: MareyTrip) -> bool:
        return len(t.time_s) > 0 and t.time_s[-1] >= t0 and t.time_s[0] <= t1

    lw = 1.0 if hours <= 6 else 0.85  # a whole day at peak headways needs thinner lines to stay apart
    kinds = [("planned", planned, {"linewidths": 0.9 * lw, "alpha": 0.55, "linestyles": (0, (4, 2))} if done
              else {"linewidths": lw, "alpha": 0.9, "linestyles": "solid"})]
    if done:
        kinds.append(("actual", done, {"linewidths": 1.3, "alpha": 1.0, "linestyles": "solid"}))
    for kind, trips, style in kinds:
        for direction in ("up", "down"):
            mine = [t for t in trips if t.direction == direction and in_view(t)]
            segments = [np.column_stack([t.time_s, t.chainage_m]) for t in mine]
            lines = LineCollection(segments, colors=COLOURS[direction], gid=f"{kind}-{direction}", capstyle="butt",
                                   **style)
            lines.trip_ids = tuple(t.trip_id for t in mine)  # which trip each segment is, for inspection
            ax.add_collection(lines, autolim=False)
    label = hours * 3600 <= _LABEL_TRIPS_BELOW_S
    for t in planned if label else ():  # upright beside the start, in the gap before the line leaves
        if in_view(t) and len(t.time_s) > 1:
            up = t.chainage_m[-1] >= t.chainage_m[0]
            ax.annotate(t.trip_id, (t.time_s[1], t.chainage_m[1]), xytext=(-1.5, 3 if up else -3),
                        textcoords="offset points", rotation=90, fontsize=6.5, color=COLOURS.get(t.direction, "0.3"),
                        ha="right", va="bottom" if up else "top", annotation_clip=True)
    shown = [[(a, y), (b, y)] for a, b, y in layovers if b >= t0 and a <= t1]
    if shown:
        ax.add_collection(LineCollection(shown, colors="0.45", linewidths=1.4, alpha=0.7, capstyle="butt",
                                         gid="layovers"), autolim=False)
    for k, (t, _) in enumerate(markers, start=1):
        if t0 <= t <= t1:
            ax.axvline(t, color="#2ca02c", lw=1.2, alpha=0.9, zorder=5)
            ax.annotate(f"{k}", (t, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -12),
                        textcoords="offset points", fontsize=8, color="#2ca02c", fontweight="bold")
    _axes(ax, stations, t0, t1)
    _legend(ax, stations, bool(done), bool(layovers))
    n_up = sum(t.direction == "up" for t in planned)
    ax.set_title(title or f"{len(planned)} trips ({n_up} up, {len(planned) - n_up} down); shown "
                          f"{clock(t0)}–{clock(t1)}", loc="left", fontsize=12, fontweight="bold", pad=26,
                 y=1.0)  # a fixed place: finding one clear of the clock labels measures every text
    if credit is not None:
        ax.figure.text(0.01, 0.005, credit, fontsize=7, color="0.4", va="bottom")
    return ax


def plot_marey(line: Line, timetable: Timetable, path: Path, *, actual: Sequence[Trip] | None = None,
               title: str | None = None, start_s: float | None = None, end_s: float | None = None,
               markers: Sequence[tuple[float, str]] = ()):
    """Draw the time–distance diagram of ``timetable`` and save it at ``path`` (.png, .svg or .pdf).

    Parameters
    ----------
    line : Line
        Stations are placed at their chainage [m] and named on the left.
    timetable : Timetable
        The plan: one line per trip, blue up, red-orange down.
    path : Path
        The chart file, written atomically.
    actual : sequence of Trip, optional
        Trips as run; when given, the plan is dashed and these are solid.
    title : str, optional
        Defaults to the timetable's name and trip counts.
    start_s, end_s : float, optional
        Time window [s since the start of the service day]; defaults to the whole day, to the hour.
    markers : sequence of (time [s], label)
        Moments to mark with a vertical line and a numbered label (the decisions of an exercise).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, for inspection (see :func:`marey_chart` for its collections).
    """
    stations = [(s.name_en, s.chainage_m) for s in line.stations]
    planned = marey_trips(line, timetable.trips)
    done = marey_trips(line, actual) if actual else None
    chainage = {s.code: s.chainage_m for s in line.stations}
    layovers = [(e.start_s, e.end_s, chainage[e.stop]) for e in timetable.operations if e.event == "turnback"]
    t0, t1 = _window(planned + (done or []), start_s, end_s)
    n_up = sum(t.direction == "up" for t in planned)
    ax = marey_chart(stations, planned, done, title=title or f"{line.name} — {timetable.name}: {len(planned)} trips "
                     f"({n_up} up, {len(planned) - n_up} down); shown {clock(t0)}–{clock(t1)}",
                     start_s=t0, end_s=t1, layovers=layovers, markers=markers, credit=line.credit)
    save_figure(ax.figure, path, tight=False, dpi=100)
    return ax.figure


def _window(trips: Sequence[MareyTrip], start_s: float | None, end_s: float | None) -> tuple[float, float]:
    """The time window [s]: as given, else the trips' span widened to whole hours."""
    spans = [(t.time_s[0], t.time_s[-1]) for t in trips if len(t.time_s)]
    if spans:
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
    else:
        first, last = 6 * 3600.0, 7 * 3600.0
    t0 = start_s if start_s is not None else math.floor(first / 3600) * 3600.0
    t1 = end_s if end_s is not None else math.ceil(last / 3600) * 3600.0
    if t1 <= t0:
        raise ValueError(f"time window end {t1} s is not after its start {t0} s")
    return t0, t1


def _axes(ax, stations: Sequence[tuple[str, float]], t0: float, t1: float) -> None:
    """Hour and quarter-hour grid with HH:MM labels, stations named at their chainage, km on the right."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    ax.set_xlim(t0, t1)
    low, high = stations[0][1], stations[-1][1]
    margin = 0.015 * (high - low) or 100.0
    ax.set_ylim(low - margin, high + margin)
    hours = (t1 - t0) / 3600
    major, minor = (3600, 900) if hours > 3 else (900, 300)
    ax.xaxis.set_major_locator(MultipleLocator(major))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda s, _: clock(s)))
    ax.tick_params(axis="x", which="major", labelsize=9, labeltop=True, top=True)
    ax.grid(True, axis="x", which="major", color="0.55", lw=0.8, alpha=0.6)
    _minor_grid(ax, np.arange(math.ceil(t0 / minor) * minor, t1 + 1e-6, minor), major)
    ax.set_yticks([c for _, c in stations], [n for n, _ in stations], fontsize=9)
    ax.grid(True, axis="y", color="0.8", lw=0.6)
    ax.set_xlabel("time of day")
    km = ax.secondary_yaxis("right", functions=(lambda m: m / 1000, lambda k: k * 1000))
    km.set_ylabel("chainage [km]")
    ax.set_axisbelow(True)


def _minor_grid(ax, times_s: np.ndarray, major: float) -> None:
    """Thin grid lines and short ticks below the axis at ``times_s`` [s] between the labelled ones.

    Drawn as one collection and one line of tick marks: matplotlib's minor ticks are an object each with its
    own grid line, and a day's 80 quarter-hours cost a tenth of the chart's drawing time.
    """
    import matplotlib as mpl
    from matplotlib.collections import LineCollection
    from matplotlib.lines import TICKDOWN

    times = times_s[np.mod(times_s, major) != 0]
    across = ax.get_xaxis_transform()  # x in data, y in axes fractions
    ax.add_collection(LineCollection([[(t, 0.0), (t, 1.0)] for t in times], transform=across, colors="0.75",
                                     linewidths=0.5, alpha=0.5, zorder=0.5, gid="minor-grid"), autolim=False)
    ax.plot(times, np.zeros_like(times), transform=across, linestyle="none", marker=TICKDOWN, color="black",
            markersize=mpl.rcParams["xtick.minor.size"], markeredgewidth=mpl.rcParams["xtick.minor.width"],
            clip_on=False, zorder=2.5, gid="minor-ticks")


def _legend(ax, stations, with_actual: bool, with_turnbacks: bool) -> None:
    from matplotlib.lines import Line2D

    first, last = stations[0][0], stations[-1][0]
    handles = [Line2D([], [], color=COLOURS["up"], lw=2, label=f"up: {first} → {last}"),
               Line2D([], [], color=COLOURS["down"], lw=2, label=f"down: {last} → {first}")]
    if with_actual:
        handles += [Line2D([], [], color="0.3", lw=1, ls=(0, (4, 2)), label="planned"),
                    Line2D([], [], color="0.3", lw=1.5, label="actual")]
    if with_turnbacks:
        handles.append(Line2D([], [], color="0.45", lw=1.4, label="terminal layover"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.045, 1.0), fontsize=8, frameon=False)


def clock(seconds: float) -> str:
    """HH:MM of a time of day [s]; after midnight the hours go on (24:30)."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
