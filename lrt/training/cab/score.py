"""The score of a drive, broken down by rubric item (formulas, units and sources in docs/driving.md).

Each item scores 0 to 100 points from a measure of the drive; the total is the mean of the items weighted
by the exercise's ``[scoring.weights]`` (only the items it names)::

    stop_error     |e| ≤ tol: 100 − 20·|e|/tol;  tol < |e| ≤ limit: 60·(1 − (|e| − tol)/(limit − tol));
                   −10 a correction, −10 more if above creep speed; 0 if the doors did not open
    schedule       100 − 0.5 a second late against the scheduled time (doors open); 0 if they did not
    interventions  100 − 50 an ATP emergency brake
    overspeed      100 − 1.5 a second above the permitted speed (Open Rails' speed evaluation)
    comfort        100 − 50·clip((a_peak − a_s)/(a_e − a_s)) − 50·clip(J / 2 m/s²), with a_peak the peak
                   deceleration, a_s and a_e the train's full service and emergency rates, and J the jerk
                   above 1.0 m/s³ summed over the drive, ∫ max(|da/dt| − 1.0, 0) dt [m/s²]
    energy         100·clip(1 − (E − E_ref)/E_ref), E the net energy at the substations [kWh] against the
                   reference run's; 0 if the doors did not open

every item clipped to 0–100.  Energy at the substations follows lrt.energy (docs/energy.md): traction
drawn through the drive chain and the supply, less the electric braking regenerated and taken up by the
network; the emergency brake is friction only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...conditions import curtius_kniffler
from ...energy import electric_brake_limit_n
from ...units import G
from .spec import DriveSpec

__all__ = ["RUBRIC", "Measures", "ScoreItem", "Score", "measure", "score_drive", "COMFORT_JERK_MS3"]

RUBRIC = {
    "stop_error": "distance of the head from the stop mark when the doors opened [m]",
    "schedule": "seconds late against the scheduled time to the doors opening [s]",
    "interventions": "ATP emergency brakes [1]",
    "overspeed": "time above the permitted speed [s]",
    "comfort": "peak deceleration [m/s²] and jerk above the comfort limit [m/s²]",
    "energy": "net energy at the substations [kWh]",
}
"""The rubric items an exercise may weigh, and what each measures."""

COMFORT_JERK_MS3 = 1.0
"""Jerk a standing passenger takes without discomfort [m/s³] (engineering reference: 0.75–1.0 m/s³)."""
JERK_SPAN_MS2 = 2.0
"""Summed excess jerk that takes all 50 jerk points [m/s²] (about an emergency brake and its stand)."""
_J_PER_KWH = 3.6e6


@dataclass(frozen=True, slots=True, kw_only=True)
class Measures:
    """What the score is computed from (units in the names)."""

    outcome: str
    arrival_s: float | None
    late_s: float | None
    stop_error_m: float | None
    corrections: int
    fast_corrections: int
    off_mark: bool
    interventions: int
    overspeed_s: float
    peak_decel_ms2: float
    excess_jerk_ms2: float
    traction_kwh: float
    drawn_kwh: float
    returned_kwh: float

    @property
    def net_kwh(self) -> float:
        return self.drawn_kwh - self.returned_kwh


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreItem:
    """One rubric item: its weight, what was measured (as shown) and its points [0–100]."""

    item: str
    weight: float
    measured: str
    points: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    """The items and their weighted mean [points, 0–100]."""

    items: tuple[ScoreItem, ...]
    total: float

    def points(self, item: str) -> float:
        return next(i.points for i in self.items if i.item == item)


def measure(result, spec: DriveSpec) -> Measures:
    """The measures of a finished drive (:class:`~lrt.training.cab.drive.DriveResult`)."""
    tr, train, dt = result.trace, spec.train, spec.step_s
    accel = tr["accel_ms2"]
    jerk = np.abs(np.diff(accel)) / dt if len(accel) > 1 else np.zeros(0)
    over = tr["speed_ms"] > tr["permitted_ms"] + spec.atp.warning_margin_ms + 1e-9
    step = tr["step_m"]
    v_mean = step / dt
    mu = spec.conditions.adhesion_braking
    mu = curtius_kniffler(v_mean * 3.6) if mu is None else mu  # as lrt.energy
    grip = mu * train.mass_kg(spec.passengers) * G * train.driven_axle_share
    electric = np.where(tr["emergency"], 0.0, np.minimum(tr["brake_n"], electric_brake_limit_n(v_mean, train.energy,
                                                                                                grip)))
    traction_kwh = float(np.sum(tr["traction_n"] * step)) / _J_PER_KWH
    e, p = train.energy, spec.line.power
    late = None if result.arrival_s is None else result.arrival_s - spec.scheduled_s
    return Measures(outcome=result.outcome, arrival_s=result.arrival_s, late_s=late, stop_error_m=result.stop_error_m,
                    corrections=result.corrections, fast_corrections=result.fast_corrections,
                    off_mark=result.off_mark, interventions=result.interventions,
                    overspeed_s=float(np.count_nonzero(over)) * dt,
                    peak_decel_ms2=float(max(-accel.min(), 0.0)) if len(accel) else 0.0,
                    excess_jerk_ms2=float(np.sum(np.maximum(jerk - COMFORT_JERK_MS3, 0.0)) * dt),
                    traction_kwh=traction_kwh,
                    drawn_kwh=traction_kwh / (e.drive_efficiency * p.supply_efficiency),
                    returned_kwh=float(np.sum(electric * step)) / _J_PER_KWH * e.regen_efficiency * p.receptivity)


def _clip(points: float) -> float:
    return min(max(points, 0.0), 100.0)


def _stop_points(m: Measures, spec: DriveSpec) -> float:
    if m.outcome != "arrived" or m.stop_error_m is None:
        return 0.0
    e, tol, limit = abs(m.stop_error_m), spec.stop.tolerance_m, spec.stop.limit_m
    points = 100.0 - 20.0 * e / tol if e <= tol else 60.0 * (1.0 - (e - tol) / (limit - tol))
    return _clip(points - 10.0 * m.corrections - 10.0 * m.fast_corrections)


def _comfort_points(m: Measures, spec: DriveSpec) -> float:
    a_s, a_e = spec.train.service_brake_ms2, spec.train.emergency_brake_ms2
    peak = min(max((m.peak_decel_ms2 - a_s) / (a_e - a_s), 0.0), 1.0) if a_e > a_s else float(m.peak_decel_ms2 > a_s)
    return _clip(100.0 - 50.0 * peak - 50.0 * min(m.excess_jerk_ms2 / JERK_SPAN_MS2, 1.0))


def _energy_points(m: Measures, reference_kwh: float | None) -> float:
    if m.outcome != "arrived":
        return 0.0
    if reference_kwh is None or reference_kwh <= 0.0:
        return 100.0
    return _clip(100.0 * (1.0 - max(m.net_kwh - reference_kwh, 0.0) / reference_kwh))


def score_drive(m: Measures, spec: DriveSpec, weights: dict, reference_kwh: float | None = None) -> Score:
    """Score the measures ``m`` with ``weights`` (rubric item -> weight); ``reference_kwh`` is the reference
    run's net energy at the substations [kWh] (None: the energy item gets full points when the doors open)."""
    arrived = m.outcome == "arrived"
    points = {
        "stop_error": (_stop_points(m, spec), "-" if m.stop_error_m is None else
                       f"{m.stop_error_m:+.2f} m" + (f", {m.corrections} correction(s)" if m.corrections else "")
                       + (" off the mark" if m.off_mark else "")),
        "schedule": (_clip(100.0 - 0.5 * max(m.late_s, 0.0)) if arrived else 0.0,
                     f"{m.late_s:+.1f} s" if m.late_s is not None else "did not arrive"),
        "interventions": (_clip(100.0 - 50.0 * m.interventions), f"{m.interventions}"),
        "overspeed": (_clip(100.0 - 1.5 * m.overspeed_s), f"{m.overspeed_s:.1f} s"),
        "comfort": (_comfort_points(m, spec), f"{m.peak_decel_ms2:.2f} m/s², jerk {m.excess_jerk_ms2:.2f} m/s²"),
        "energy": (_energy_points(m, reference_kwh), f"{m.net_kwh:.2f} kWh"),
    }
    unknown = sorted(set(weights) - set(RUBRIC))
    if unknown:
        raise ValueError(f"unknown rubric item(s) {unknown}; expected {', '.join(RUBRIC)}")
    items = tuple(ScoreItem(item=k, weight=float(w), measured=points[k][1], points=points[k][0])
                  for k, w in weights.items())
    total_w = sum(i.weight for i in items)
    if not total_w > 0:
        raise ValueError("the weights must add up to more than 0")
    return Score(items=items, total=sum(i.weight * i.points for i in items) / total_w)
