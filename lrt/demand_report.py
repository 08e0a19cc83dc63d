"""What the demand means for the line: peak hour, peak direction, segment loads against capacity."""

from __future__ import annotations

import numpy as np

from .demand import Demand
from .network import Line
from .units import format_clock

__all__ = ["segment_loads", "peak_hour", "demand_report", "format_demand_report", "capacity_shortfall",
           "shortfall_text"]


def segment_loads(od: np.ndarray) -> dict[str, np.ndarray]:
    """Passengers on each segment (k, k+1) by direction, from an OD matrix on a single line.

    A trip from i to j loads every segment between them: ``up`` (i < j) loads segments i..j−1,
    ``down`` (i > j) segments j..i−1. Returns ``{"up": (n−1,), "down": (n−1,)}`` [passengers].
    """
    od = np.asarray(od, dtype=float)
    up, down = np.triu(od, 1), np.tril(od, -1)
    # load on segment k = trips boarding at or before k minus those alighting at or before k
    load_up = np.cumsum(up.sum(axis=1) - up.sum(axis=0))[:-1]
    load_down = np.cumsum(down.sum(axis=0) - down.sum(axis=1))[:-1]
    return {"up": load_up, "down": load_down}


def peak_hour(demand: Demand) -> slice:
    """The bins of the 60-min window on bin boundaries with the most trips (the earliest of equals)."""
    width = min(demand.n_bins, max(1, round(3600 / demand.bin_s)))
    first = int(np.argmax(np.convolve(demand.per_bin, np.ones(width), mode="valid")))
    return slice(first, first + width)


def demand_report(demand: Demand, line: Line, *, offered_pphpd: float | None = None) -> dict:
    """Totals, peak hour, peak direction and peak-segment loads, as plain JSON-ready numbers.

    Segment loads are over the peak hour [passengers/h], assigned on the single line (a trip i -> j
    loads every segment between i and j), compared with the offered capacity ``offered_pphpd``
    (trains/h × train capacity) [passengers/h/direction] when given (engineering reference, section 4).
    """
    if offered_pphpd is not None and not offered_pphpd > 0:
        raise ValueError(f"offered_pphpd must be positive, got {offered_pphpd}")
    names, codes = {s.code: s.name_en for s in line.stations}, demand.codes
    hour = peak_hour(demand)
    peak = demand.trips[hour].sum(axis=0)
    peak_total = float(peak.sum())
    by_dir = {"up": float(np.triu(peak, 1).sum()), "down": float(np.tril(peak, -1).sum())}
    direction = max(by_dir, key=by_dir.get)
    loads = segment_loads(peak)
    segments = [{"from_code": codes[k], "to_code": codes[k + 1], "from": names[codes[k]],
                 "to": names[codes[k + 1]], "up": round(float(loads["up"][k]), 1),
                 "down": round(float(loads["down"][k]), 1)} for k in range(len(codes) - 1)]
    peak_segment = {}
    for d in ("up", "down"):
        k = int(np.argmax(loads[d]))
        a, b = (codes[k], codes[k + 1]) if d == "up" else (codes[k + 1], codes[k])
        peak_segment[d] = {"from_code": a, "to_code": b, "from": names[a], "to": names[b],
                           "load_pph": round(float(loads[d][k]), 1)}
    start, end = demand.start_s + hour.start * demand.bin_s, demand.start_s + hour.stop * demand.bin_s
    od, total = demand.od_total, demand.total
    report = {
        "label": demand.label, "line": line.name, "up": f"{names[codes[0]]} → {names[codes[-1]]}",
        "daily": round(total, 1),
        "daily_by_direction": {"up": round(float(np.triu(od, 1).sum()), 1),
                               "down": round(float(np.tril(od, -1).sum()), 1)},
        "peak_hour": {"start": format_clock(start)[:5], "end": format_clock(end)[:5], "start_s": start,
                      "passengers": round(peak_total, 1), "share_of_day": round(peak_total / total, 4) if total else 0.0},
        "peak_direction": {"direction": direction, "passengers": round(by_dir[direction], 1),
                           "share": round(by_dir[direction] / peak_total, 4) if peak_total else 0.0},
        "peak_segment": peak_segment, "segments": segments, "offered_pphpd": offered_pphpd}
    if offered_pphpd is not None:
        ratio = {d: round(peak_segment[d]["load_pph"] / offered_pphpd, 3) for d in ("up", "down")}
        worst = max(ratio, key=ratio.get)
        report["capacity"] = {"direction": worst, "load_over_offered": ratio[worst], **ratio,
                              "verdict": _verdict(ratio[worst])}
    return report


def capacity_shortfall(demand: Demand, timetable, line: Line, capacity: int) -> dict | None:
    """The worst clock hour, direction and segment where the demand exceeds what the timetable carries.

    For every hour the expected passengers on each segment (the hour's OD trips assigned to the single
    line, :func:`segment_loads`) are set against the trains of ``timetable`` leaving the segment's first
    station in that hour times ``capacity`` (passengers a train takes) [passengers/h].

    Returns
    -------
    dict or None
        ``hour`` [h], ``direction``, ``from_code``/``to_code``, ``from``/``to`` names, ``demand_pph`` and
        ``offered_pph`` [passengers/h], ``trains`` [1/h] and ``ratio`` [1] at the largest demand/offered
        above 1; None when the timetable carries the demand everywhere.
    """
    codes = list(demand.codes)
    index = {c: k for k, c in enumerate(codes)}
    names = {s.code: s.name_en for s in line.stations}
    hours = np.floor(demand.bin_starts_s / 3600.0).astype(int)
    trains: dict = {}
    for trip in timetable.trips:  # departures per (direction, segment index, hour)
        for code, nxt, t in zip(trip.stops, trip.stops[1:], trip.departure_s):
            a, b = index.get(code), index.get(nxt)
            if a is None or b is None:
                continue
            for k in range(min(a, b), max(a, b)):  # a train that skips stations still carries the segments
                key = (trip.direction, k, int(t // 3600))
                trains[key] = trains.get(key, 0) + 1
    worst = None
    for hour in np.unique(hours).tolist():
        loads = segment_loads(demand.trips[hours == hour].sum(axis=0))
        for direction in ("up", "down"):
            for k, load in enumerate(loads[direction].tolist()):
                n = trains.get((direction, k, hour), 0)
                offered = n * capacity
                if load < 1.0 or load <= offered:
                    continue
                ratio = load / offered if offered else np.inf
                if worst is None or ratio > worst["ratio"]:
                    a, b = (codes[k], codes[k + 1]) if direction == "up" else (codes[k + 1], codes[k])
                    worst = {"hour": hour, "direction": direction, "from_code": a, "to_code": b, "from": names[a],
                             "to": names[b], "demand_pph": round(load, 1), "offered_pph": float(offered),
                             "trains": n, "ratio": float(ratio)}
    return worst


def shortfall_text(s: dict, capacity: int) -> str:
    """One line for a planner: where and when the demand exceeds what the timetable carries."""
    return (f"demand exceeds what the timetable can carry: {s['hour']:02d}:00-{s['hour'] + 1:02d}:00 "
            f"{s['direction']} {s['from']} → {s['to']} needs {s['demand_pph']:,.0f} passengers/h, the timetable "
            f"offers {s['offered_pph']:,.0f} ({s['trains']} trains × {capacity}); expect denied boardings and "
            f"stranded passengers")


def _verdict(ratio: float) -> str:
    if ratio > 1:
        return f"over capacity: {ratio - 1:.0%} more than offered, passengers are left behind"
    if ratio > 0.85:  # a margin for irregular headways and uneven loading along the train
        return "tight: above 85 % of the offered capacity, little room for irregular headways"
    return "enough capacity in the peak hour"


def format_demand_report(report: dict) -> str:
    """The report as a fixed-width table for the terminal."""
    day, ph, pd = report["daily"], report["peak_hour"], report["peak_direction"]
    up, down = report["daily_by_direction"]["up"], report["daily_by_direction"]["down"]
    out = [f"{report['line']} — demand: {report['label'] or 'measured'}",
           f"  trips in the day     {day:>9,.0f}   up {up:,.0f} ({up / day if day else 0:.0%}), "
           f"down {down:,.0f} ({down / day if day else 0:.0%})",
           f"  peak hour            {ph['start']}-{ph['end']}   {ph['passengers']:,.0f} trips "
           f"({ph['share_of_day']:.1%} of the day)",
           f"  peak direction       {pd['direction']:<11} {pd['share']:.0%} of the peak-hour trips",
           "", f"  peak-hour load per segment [passengers/h]   (up = {report['up']})",
           f"  {'segment':<48}{'up':>9}{'down':>9}"]
    for s in report["segments"]:
        name = f"{s['from_code']} {s['from']} – {s['to_code']} {s['to']}"
        out.append(f"  {name:<48}{s['up']:>9,.0f}{s['down']:>9,.0f}")
    out.append("")
    for d, s in report["peak_segment"].items():
        out.append(f"  peak segment {d:<5}   {s['from']} → {s['to']}: {s['load_pph']:,.0f} passengers/h")
    cap = report.get("capacity")
    if cap is not None:
        out.append(f"  offered              {report['offered_pphpd']:,.0f} passengers/h/direction: "
                   f"load/offered {cap['load_over_offered']:.2f} ({cap['direction']})")
        out.append(f"  verdict              {cap['verdict']}")
    return "\n".join(out)
