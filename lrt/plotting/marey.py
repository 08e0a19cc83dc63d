"""Time–distance (Marey) diagram of a timetable: time of day across, chainage up, one line per trip.

Each trip is drawn through its (arrival, chainage) and (departure, chainage) points, so a dwell is a
short horizontal step; terminal layovers (``turnback`` operations) are thin grey steps.  With
``actual`` trips (the same :class:`~lrt.timetable.model.Trip` shape, with the times that happened)
the plan is dashed and the actual running solid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..network import Line
from ..timetable.model import Timetable, Trip
from . import pyplot, save_figure

__all__ = ["plot_marey", "marey_lines", "COLOURS"]

COLOURS = {"up": "#1f5fa8", "down": "#c8441c"}
"""Line colour per direction: blue up (Airport → Nurly Zhol), red-orange down."""
_LABEL_TRIPS_BELOW_S = 4 * 3600  # trip ids are legible on windows up to this length [s]


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
    out = {}
    for t in trips:
        chain = np.array([line.station(c).chainage_m for c in t.stops], dtype=float)
        times = np.column_stack([t.arrival_s, t.departure_s]).ravel()
        out[t.trip_id] = (times, np.repeat(chain, 2))
    return out


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
        The (closed) figure, for inspection; each trip's line carries ``gid = trip_id``.
    """
    plt = pyplot()
    planned, done = list(timetable.trips), list(actual or [])
    everything = planned + done
    t0, t1 = _window(everything, start_s, end_s)
    hours = (t1 - t0) / 3600
    fig, ax = plt.subplots(figsize=(min(26.0, max(11.0, 1.15 * hours + 3.0)), 8.5))

    def in_view(t: Trip) -> bool:
        return t.arrival_s[-1] >= t0 and t.departure_s[0] <= t1

    lw = 1.0 if hours <= 6 else 0.85  # a whole day at peak headways needs thinner lines to stay apart
    style = {"lw": 0.9 * lw, "alpha": 0.55, "ls": (0, (4, 2))} if done else {"lw": lw, "alpha": 0.9, "ls": "-"}
    _draw_trips(ax, line, [t for t in planned if in_view(t)], style, label_ids=hours * 3600 <= _LABEL_TRIPS_BELOW_S)
    _draw_trips(ax, line, [t for t in done if in_view(t)], {"lw": 1.3, "alpha": 1.0, "ls": "-"}, label_ids=False)
    _draw_turnbacks(ax, line, timetable, t0, t1)
    for k, (t, label) in enumerate(markers, start=1):
        if t0 <= t <= t1:
            ax.axvline(t, color="#2ca02c", lw=1.2, alpha=0.9, zorder=5)
            ax.annotate(f"{k}", (t, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -12),
                        textcoords="offset points", fontsize=8, color="#2ca02c", fontweight="bold")
    _axes(ax, line, t0, t1)
    _legend(ax, line, bool(done), any(e.event == "turnback" for e in timetable.operations))
    n_up = sum(t.direction == "up" for t in planned)
    ax.set_title(title or f"{line.name} — {timetable.name}: {len(planned)} trips ({n_up} up, "
                 f"{len(planned) - n_up} down); shown {_clock(t0)}–{_clock(t1)}", loc="left", fontsize=12,
                 fontweight="bold", pad=26)
    fig.text(0.01, 0.005, line.credit, fontsize=7, color="0.4", va="bottom")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    save_figure(fig, path)
    plt.close(fig)
    return fig


def _window(trips: Sequence[Trip], start_s: float | None, end_s: float | None) -> tuple[float, float]:
    """The time window [s]: as given, else the trips' span widened to whole hours."""
    if trips:
        first, last = min(t.departure_s[0] for t in trips), max(t.arrival_s[-1] for t in trips)
    else:
        first, last = 6 * 3600.0, 7 * 3600.0
    t0 = start_s if start_s is not None else math.floor(first / 3600) * 3600.0
    t1 = end_s if end_s is not None else math.ceil(last / 3600) * 3600.0
    if t1 <= t0:
        raise ValueError(f"time window end {t1} s is not after its start {t0} s")
    return t0, t1


def _draw_trips(ax, line: Line, trips: Sequence[Trip], style: dict, *, label_ids: bool) -> None:
    for t in trips:
        x, y = marey_lines(line, [t])[t.trip_id]
        ax.plot(x, y, color=COLOURS.get(t.direction, "0.3"), lw=style["lw"], alpha=style["alpha"],
                ls=style["ls"], gid=t.trip_id, solid_capstyle="butt")
        if label_ids:  # upright beside the start, in the gap before the line leaves the terminus
            up = y[-1] >= y[0]
            ax.annotate(t.trip_id, (x[1], y[1]), xytext=(-1.5, 3 if up else -3), textcoords="offset points",
                        rotation=90, fontsize=6.5, color=COLOURS.get(t.direction, "0.3"), ha="right",
                        va="bottom" if up else "top", annotation_clip=True)


def _draw_turnbacks(ax, line: Line, timetable: Timetable, t0: float, t1: float) -> None:
    """A terminal layover as a thin grey step at the station (the train's working continues there)."""
    for e in timetable.operations:
        if e.event == "turnback" and e.end_s >= t0 and e.start_s <= t1:
            y = line.station(e.stop).chainage_m
            ax.plot([e.start_s, e.end_s], [y, y], color="0.45", lw=1.4, alpha=0.7, solid_capstyle="butt")


def _axes(ax, line: Line, t0: float, t1: float) -> None:
    """Hour and quarter-hour grid with HH:MM labels, stations named at their chainage, km on the right."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    ax.set_xlim(t0, t1)
    margin = 0.015 * (line.stations[-1].chainage_m - line.stations[0].chainage_m)
    ax.set_ylim(line.stations[0].chainage_m - margin, line.stations[-1].chainage_m + margin)
    hours = (t1 - t0) / 3600
    ax.xaxis.set_major_locator(MultipleLocator(3600 if hours > 3 else 900))
    ax.xaxis.set_minor_locator(MultipleLocator(900 if hours > 3 else 300))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda s, _: _clock(s)))
    ax.tick_params(axis="x", which="major", labelsize=9, labeltop=True, top=True)
    ax.grid(True, axis="x", which="major", color="0.55", lw=0.8, alpha=0.6)
    ax.grid(True, axis="x", which="minor", color="0.75", lw=0.5, alpha=0.5)
    ax.set_yticks([s.chainage_m for s in line.stations], [s.name_en for s in line.stations], fontsize=9)
    ax.grid(True, axis="y", color="0.8", lw=0.6)
    ax.set_xlabel("time of day")
    km = ax.secondary_yaxis("right", functions=(lambda m: m / 1000, lambda k: k * 1000))
    km.set_ylabel("chainage [km]")
    ax.set_axisbelow(True)


def _legend(ax, line: Line, with_actual: bool, with_turnbacks: bool) -> None:
    from matplotlib.lines import Line2D

    first, last = line.stations[0].name_en, line.stations[-1].name_en
    handles = [Line2D([], [], color=COLOURS["up"], lw=2, label=f"up: {first} → {last}"),
               Line2D([], [], color=COLOURS["down"], lw=2, label=f"down: {last} → {first}")]
    if with_actual:
        handles += [Line2D([], [], color="0.3", lw=1, ls=(0, (4, 2)), label="planned"),
                    Line2D([], [], color="0.3", lw=1.5, label="actual")]
    if with_turnbacks:
        handles.append(Line2D([], [], color="0.45", lw=1.4, label="terminal layover"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.045, 1.0), fontsize=8, frameon=False)


def _clock(seconds: float) -> str:
    """HH:MM of a time of day [s]; after midnight the hours go on (24:30)."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
