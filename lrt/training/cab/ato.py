"""The automatic driver (ATO mode): drives the way :func:`lrt.runtime.run_profile` does without allowance.

It accelerates at the line's ATO rate up to the limit in force (easing off at the jerk limit so as not to
overshoot it), holds the limit, and brakes on a constant-deceleration curve at the ATO braking rate (the
line's, times the weather's CBTC braking factor, and never beyond adhesion) to every lower limit ahead and
to the stop mark.  It asks for *net* accelerations and corrects for resistance and gradient, which it
knows; the train's jerk limit shapes every change (:mod:`lrt.training.cab.dynamics`).  Braking for a
target, it asks for the constant deceleration that reaches the target speed exactly at the target
``(v² − v_t²) / (2·d)``, recomputed every step, so that a late or slow start is made up, until it has
reached the target speed of the target it began braking for.  It starts braking so that the brake,
built up at the jerk limit, reaches the ATO rate on the curve, and eases off into the stop at the jerk limit (``d ≤ sqrt(2·j·v)``), as runtime does.
"""

from __future__ import annotations

import math

__all__ = ["Ato"]

ADHESION_MARGIN = 0.999
"""The ATO pulls and brakes with up to this share of the adhesion limit: it knows the rail's state, and
runtime uses all of it (the margin keeps round-off from reading as a slip or a slide) [1]."""


class Ato:
    """The automatic driver of one drive."""

    def __init__(self, spec, route, dynamics) -> None:
        ops, train = spec.line.operations, spec.train
        self.accel = min(ops.acceleration_ms2, train.max_acceleration_ms2)
        self.brake = min(ops.braking_ms2, train.service_brake_ms2) * spec.conditions.braking_rate_factor
        self.route = route
        self.dyn = dynamics
        self.targets = route.targets(route.length_m)
        self.braking: int | None = None  # the target being braked for
        self.arrived = False
        # easing off into the stop at the jerk limit runs this much further than a constant deceleration [m]
        self.release_m = self.brake ** 3 / (24.0 * dynamics.jerk ** 2)

    def demand(self, s: float, v: float) -> float:
        """The effort to ask for with the head at ``s`` [m] at speed ``v`` [m/s] [m/s²]; once it has stopped at
        the mark it holds the brake and sets ``arrived``."""
        dyn, car = self.dyn, self.dyn.car
        m_eff = car.m_eff
        if self.arrived:
            return -dyn.service
        other = (car.resistance_n(v) + car.m * self.route.extra(s)) / m_eff  # what decelerates the train anyway
        brake = min(self.brake, ADHESION_MARGIN * car.brake_cap_n(v) / m_eff)
        # the net acceleration falls from a0 to −brake at the jerk limit, over tau: the distance run and the
        # speed reached meanwhile; the deceleration needed after that is what the brake must give
        a0, j = dyn.u - other, dyn.jerk
        tau = max(a0 + brake, 0.0) / j
        v_tau = max(v + a0 * tau - j * tau * tau / 2.0, 0.0)
        x_tau = v * tau + a0 * tau * tau / 2.0 - j * tau ** 3 / 6.0
        needs = {}
        for k, (x, vt) in enumerate(self.targets):
            if x >= s and v > vt:
                gap = x - s - (self.release_m if vt == 0.0 else 0.0)
                plain = (v * v - vt * vt) / (2.0 * max(gap, 1e-6))
                ahead = max(v_tau * v_tau - vt * vt, 0.0) / (2.0 * max(gap - x_tau, 1e-6))
                needs[k] = max(plain, ahead)
        if max(needs.values(), default=0.0) >= brake:
            self.braking = max(needs, key=needs.get)
        if self.braking in needs:
            need = max(needs.values())
            if self.targets[self.braking][1] == 0.0:  # ease off into the stop at the jerk limit
                need = min(need, math.sqrt(2.0 * dyn.jerk * v))
            return max(other - need, -ADHESION_MARGIN * car.brake_cap_n(v) / m_eff)
        self.braking = None
        if v == 0.0 and s > 0.0 and self.route.length_m - s < 1.0:
            self.arrived = True
            return -dyn.service
        room = self.route.limit(s) - v
        a = min(self.accel, math.sqrt(2.0 * dyn.jerk * room)) if room > 0.0 else 0.0
        grip = min(dyn.motor_n(v), ADHESION_MARGIN * dyn.traction_adhesion_n(v)) / m_eff
        return min(other + a, grip)
