"""Automatic train protection and the mode selector, as a small state machine.

Modes (:data:`~lrt.training.cab.controls.MODES`):

* ``ATO``: the automatic driver drives (:mod:`lrt.training.cab.ato`); needs CBTC.
* ``PM``, protected manual: the driver drives; the ATP supervises the speed against the *permitted speed*,
  the limit in force and a braking curve (at the ATP's braking rate) to every lower limit ahead and to
  the end of the movement authority just beyond the stop mark; needs CBTC.
* ``RM``, restricted manual: after a CBTC failure; the ATP supervises only a fixed ceiling (25 km/h), the
  driver keeps to the line's limits; needs the control centre's authorisation.

Rules: the mode changes only with the train standing and no emergency brake applied; ATO and PM only
with CBTC working; RM only once authorised (``request`` asks, the control centre answers after
``authorisation_delay_s``).  Without a movement authority (ATO or PM after a CBTC failure) traction is
cut.  Above the supervised speed plus ``emergency_margin`` the ATP applies the emergency brake (an
*intervention*); it cannot be released until the train stands, and then only with the control centre's
authority, ``reset_delay_s`` after a ``reset``.  The overspeed warning sounds above the permitted speed
plus ``warning_margin``.  Every change and refusal goes to the event log.
"""

from __future__ import annotations

from ...units import G, KMH
from .route import braking_curve
from .spec import DriveSpec

__all__ = ["Atp"]


class Atp:
    """The ATP and mode state of one drive; ``log(kind, text)`` receives its events."""

    def __init__(self, spec: DriveSpec, route, log) -> None:
        self.rules = spec.atp
        self.route = route
        self.log = log
        self.mode = spec.mode
        self.cbtc = spec.cbtc
        self.authorised = spec.authorisation == "given"
        self.authorisation_delay_s = spec.authorisation_delay_s
        self.requested_at: float | None = None
        self.braking_ms2 = self.rules.braking_ms2 or _supervision_rate(spec)
        self.end_of_authority_m = route.length_m + self.rules.end_of_authority_m
        self._curve = braking_curve(route, self.braking_ms2, self.end_of_authority_m).tolist()
        self.emergency = False
        self.by_atp = False
        self.release_at: float | None = None
        self.interventions = 0
        self.warning = False
        self._inhibited = False

    # what is supervised -------------------------------------------------------------------------------
    def permitted(self, s: float) -> float:
        """The speed the driver may run at with the head at ``s`` [m/s] (displayed as the target speed)."""
        if self.mode == "RM":
            return min(self.rules.restricted_ceiling_ms, self.route.limit(s))
        i, _ = self.route.cell(s)
        return min(self._curve[i], self._curve[i + 1])

    def supervised(self, s: float) -> float:
        """The speed the ATP enforces (the emergency brake comes at this plus the emergency margin) [m/s]."""
        if self.mode == "RM":
            return self.rules.restricted_ceiling_ms
        return self.permitted(s)

    def traction_allowed(self) -> bool:
        """False without a movement authority: ATO or PM after a CBTC failure, or RM without authorisation."""
        return self.authorised if self.mode == "RM" else self.cbtc

    # controls ------------------------------------------------------------------------------------------
    def select(self, mode: str, v: float) -> None:
        if mode == self.mode:
            return
        why = None
        if v > 0.0:
            why = "the train is moving"
        elif self.emergency:
            why = "the emergency brake is applied"
        elif mode in ("ATO", "PM") and not self.cbtc:
            why = "CBTC has failed"
        elif mode == "RM" and not self.authorised:
            why = "no authorisation from the control centre (request it)"
        if why:
            self.log("refused", f"mode {mode} refused: {why}")
            return
        self.log("mode", f"mode {self.mode} → {mode}")
        self.mode = mode
        self._inhibited = False

    def request(self, t: float) -> None:
        if self.authorised:
            self.log("refused", "authorisation request: already authorised")
        elif self.requested_at is None:
            self.requested_at = t
            self.log("authorisation", "restricted manual requested from the control centre")

    def apply_emergency(self) -> None:
        if not self.emergency:
            self.emergency, self.by_atp, self.release_at = True, False, None
            self.log("emergency", "emergency brake applied by the driver")

    def reset(self, t: float, v: float) -> None:
        if not self.emergency:
            self.log("refused", "reset refused: no emergency brake applied")
        elif v > 0.0:
            self.log("refused", "reset refused: the train is moving")
        elif self.release_at is None:
            self.release_at = t + (self.rules.reset_delay_s if self.by_atp else 0.0)
            if self.by_atp:
                self.log("authorisation", "emergency brake reset asked of the control centre")

    # every step --------------------------------------------------------------------------------------
    def tick(self, t: float, s: float, v: float, wants_traction: bool) -> None:
        """Grant what is due, then supervise the speed ``v`` at ``s``."""
        if self.requested_at is not None and not self.authorised and t >= self.requested_at + self.authorisation_delay_s:
            self.authorised = True
            self.log("authorisation", "restricted manual authorised by the control centre")
        if self.emergency and self.release_at is not None and t >= self.release_at - 1e-9 and v == 0.0:
            self.emergency, self.release_at = False, None
            self.log("released", "emergency brake released" + (" with the control centre's authority" if self.by_atp
                                                                else ""))
        if wants_traction and not self.traction_allowed() and not self._inhibited:
            self._inhibited = True
            self.log("refused", f"traction cut: no movement authority in {self.mode}")
        permitted = self.permitted(s)
        over = v > permitted + self.rules.warning_margin_ms
        if over and not self.warning:
            self.log("warning", f"overspeed warning: {v / KMH:.1f} km/h, permitted {permitted / KMH:.1f}")
        self.warning = over
        limit = self.supervised(s) + self.rules.emergency_margin_ms
        if v > limit and not (self.emergency and self.by_atp):
            self.emergency, self.by_atp, self.release_at = True, True, None
            self.interventions += 1
            self.log("intervention", f"ATP emergency brake: {v / KMH:.1f} km/h above {limit / KMH:.1f} in {self.mode}")


def _supervision_rate(spec: DriveSpec) -> float:
    """Full service braking times the weather's CBTC braking factor, no more than the braking adhesion
    gives (with the rotating mass) [m/s²]."""
    train, cond = spec.train, spec.conditions
    rate = train.service_brake_ms2 * cond.braking_rate_factor
    if cond.adhesion_braking is not None:
        m, m_eff = train.mass_kg(spec.passengers), train.effective_mass_kg(spec.passengers)
        rate = min(rate, cond.adhesion_braking * G * train.braked_axle_share * m / m_eff)
    return rate
