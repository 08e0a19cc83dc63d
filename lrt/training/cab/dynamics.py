"""The train in the cab, stepped in time on the force functions of :mod:`lrt.runtime` (pure Python).

Each step of ``dt`` (0.1–0.2 s) holds the forces at the step's start and moves the train with the
constant acceleration they give (exact kinematics for that acceleration; a train that comes to a stand
inside a step stops there)::

    m_eff·a = F_traction − F_brake − R_davis(v) − m·(g·i + curve)      (lrt.runtime, engineering ref. §1)

The effort asked for (a traction notch or a brake step, as a share of the train's maximum acceleration or
full service braking, load-weighed: ``F = share × rate × m_eff``) is reached at the train's jerk limit;
the emergency brake applies at once.  Traction is capped by the motor curve (``min(F_max, P/v)``) and by
adhesion on the motored axles; braking by adhesion on the braked axles (the same caps as
``lrt.runtime.train_forces``).  Asking for more than adhesion gives:

* braking: a wheel slide; wheel-slide protection releases and re-applies the brake, which holds the
  slide but achieves only :data:`WSP_EFFICIENCY` of the adhesion limit, so the stop is longer than with
  braking just inside adhesion (the lesson of driving on ice);
* traction: a wheel slip; the traction control cuts back to :data:`SLIP_EFFICIENCY` of the limit.

A standing train with its brake applied, or whose traction does not overcome resistance and gradient,
stays where it is (the holding brake: it never rolls back).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...conditions import curtius_kniffler
from ...runtime import train_forces
from .spec import DriveSpec

__all__ = ["Dynamics", "StepForces", "WSP_EFFICIENCY", "SLIP_EFFICIENCY"]

WSP_EFFICIENCY = 0.8
"""Share of the adhesion limit a brake achieves while wheel-slide protection cycles [1] (estimate: WSP
typically uses 70–90 % of the available adhesion; a locked wheel would use less)."""
SLIP_EFFICIENCY = 0.8
"""Share of the adhesion limit the traction control holds after a wheel slip [1] (estimate, as WSP)."""


@dataclass(frozen=True, slots=True)
class StepForces:
    """What one step applied: traction and braking at the wheel [N], the acceleration [m/s²], the distance
    run [m], the mean speed [m/s], and whether the wheels slid (braking) or slipped (traction)."""

    traction_n: float
    brake_n: float
    accel_ms2: float
    distance_m: float
    mean_speed_ms: float
    slide: bool
    slip: bool


class Dynamics:
    """The state of the train (head position ``s`` [m], speed ``v`` [m/s], applied effort ``u`` [m/s²])
    and one step of its motion."""

    def __init__(self, spec: DriveSpec, route) -> None:
        train = spec.train
        self.car = train_forces(train, spec.conditions, spec.passengers, acceleration_ms2=train.max_acceleration_ms2,
                                braking_ms2=train.service_brake_ms2)
        self.route = route
        self.dt = spec.step_s
        self.jerk = train.jerk_ms3
        self.max_accel = train.max_acceleration_ms2
        self.service = train.service_brake_ms2
        self.emergency = train.emergency_brake_ms2
        self.s = 0.0
        self.v = 0.0
        self.u = 0.0

    def lever_demand(self, lever: int) -> float:
        """The effort a lever position asks for [m/s²]: k/4 of the maximum acceleration for ``Pk``, −k/7 of
        full service braking for ``Bk`` (the emergency brake is applied through :meth:`step`)."""
        from .controls import BRAKE_STEPS, TRACTION_NOTCHES

        if lever >= 0:
            return lever / TRACTION_NOTCHES * self.max_accel
        return max(lever, -BRAKE_STEPS) / BRAKE_STEPS * self.service

    def motor_n(self, v: float) -> float:
        """The motors' tractive force at speed ``v``, before adhesion [N]."""
        car = self.car
        return car.f_max if v * car.f_max <= car.p_max else car.p_max / v

    def traction_adhesion_n(self, v: float) -> float:
        """The most the motored axles can pull before they slip [N]."""
        mu = self.car.mu_t if self.car.mu_t is not None else curtius_kniffler(v * 3.6)
        return mu * self.car.w_driven

    def step(self, demand_ms2: float, emergency: bool) -> StepForces:
        """Move the train over one step with the effort ``demand_ms2`` asked for [m/s²] (> 0 traction, < 0
        braking), or the emergency brake."""
        car, dt, v = self.car, self.dt, self.v
        if emergency:
            self.u = -self.emergency
        else:
            change = demand_ms2 - self.u
            limit = self.jerk * dt
            self.u += limit if change > limit else -limit if change < -limit else change
        u, m_eff = self.u, car.m_eff
        traction = brake = 0.0
        slide = slip = False
        if u > 0.0:
            want = min(u * m_eff, self.motor_n(v))
            grip = self.traction_adhesion_n(v)
            traction, slip = (SLIP_EFFICIENCY * grip, True) if want > grip else (want, False)
        elif u < 0.0:
            want = -u * m_eff
            grip = car.brake_cap_n(v)
            brake, slide = (WSP_EFFICIENCY * grip, True) if want > grip and v > 0.0 else (want, False)
        pull = traction - car.resistance_n(v) - car.m * self.route.extra(self.s)
        if v > 0.0:
            a = (pull - brake) / m_eff
        else:  # standing: the brakes hold, and the train starts only if traction wins
            a = max(pull, 0.0) / m_eff if brake == 0.0 else 0.0
        v_new = v + a * dt
        if v_new < 0.0:  # comes to a stand inside the step
            ds, v_new = v * v / (-2.0 * a), 0.0
        else:
            ds = (v + v_new) / 2.0 * dt
        self.s += ds
        self.v = v_new
        return StepForces(traction, brake, a, ds, ds / dt, slide, slip)
