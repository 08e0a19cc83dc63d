"""Debrief charts of a drive (lrt exercise drive --out): one function per chart, each taking the drive's
trace (:class:`~lrt.training.cab.drive.Trace`) and an optional Axes.  Deterministic: the same trace draws
the same chart."""

from __future__ import annotations

import numpy as np

from ..training.cab.controls import EMERGENCY, LEVER

__all__ = ["speed_chart", "lever_chart"]


def _axes(ax):
    if ax is None:
        from . import pyplot

        _, ax = pyplot().subplots(figsize=(11, 4))
    return ax


def speed_chart(trace, ax=None, *, stop_m: float | None = None, title: str = ""):
    """Speed over the distance run, against the speed limit, the permitted speed (the ATP's braking curve)
    and the emergency-brake trigger; the stop mark; ATP emergency brakes marked [km/h against m]."""
    ax = _axes(ax)
    s = trace["position_m"]
    kmh = 3.6
    ax.plot(s, trace["limit_ms"] * kmh, color="tab:red", lw=1, label="speed limit")
    ax.plot(s, trace["permitted_ms"] * kmh, color="tab:orange", lw=1, ls="--", label="permitted (braking curve)")
    ax.plot(s, trace["intervention_ms"] * kmh, color="0.5", lw=0.8, ls=":", label="emergency brake above")
    ax.plot(s, trace["speed_ms"] * kmh, color="tab:blue", lw=1.4, label="speed")
    eb = np.flatnonzero(np.diff(trace["emergency"].astype(int)) == 1) + 1
    if len(eb):
        ax.plot(s[eb], trace["speed_ms"][eb] * kmh, "v", color="black", ms=7, label="emergency brake")
    if stop_m is not None:
        ax.axvline(stop_m, color="tab:green", lw=0.8, label="stop mark")
    top = max(float(np.max(trace["limit_ms"], initial=0.0)) * kmh * 1.1, 10.0)
    ax.set_ylim(0, top)
    ax.set_xlabel("distance from the departure stop mark [m]")
    ax.set_ylabel("speed [km/h]")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=7)
    if title:
        ax.set_title(title, loc="left", fontsize=9)
    return ax


def lever_chart(trace, ax=None, *, stop_m: float | None = None, title: str = ""):
    """The master controller's position over time (EB, B7 .. B1, C, P1 .. P4), wheel slides shaded [s]."""
    ax = _axes(ax)
    t = trace["time_s"]
    ax.step(t, trace["lever"], where="post", color="tab:purple", lw=1.2, label="lever (ATO: C)")
    slide = trace["slide"] | trace["slip"]
    if slide.any():
        ax.fill_between(t, EMERGENCY, len(LEVER) + EMERGENCY - 1, where=slide, step="post", color="tab:red",
                        alpha=0.15, label="wheel slide or slip")
    ax.set_yticks(range(EMERGENCY, EMERGENCY + len(LEVER)), LEVER)
    ax.set_ylim(EMERGENCY - 0.5, EMERGENCY + len(LEVER) - 0.5)
    ax.set_xlabel("time since departure [s]")
    ax.set_ylabel("lever")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=7)
    if title:
        ax.set_title(title, loc="left", fontsize=9)
    return ax
