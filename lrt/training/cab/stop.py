"""Stop accuracy at the target platform: the stop error, corrections, doors, a failed stop.

The stop error ``e`` is the head's position less the stop mark [m] (> 0 past it).  A standstill within
``limit_m`` of the mark is a stop at the platform; a move after it is a *correction* (at creep speed, or it
counts as too fast).  ``doors`` opens the platform screen doors when ``|e| ≤ tolerance_m``; off the mark but
within ``limit_m`` they open with the control centre's approval, ``approval_delay_s`` later (penalised in the
score); further short they stay shut.  Passing the mark by more than ``limit_m`` fails the stop (the train
cannot reverse: Taipei's rule for an overrun of several doors is to skip the stop).
"""

from __future__ import annotations

from .spec import StopRules

__all__ = ["Berth"]


class Berth:
    """The stop at the target; ``log(kind, text)`` receives its events."""

    def __init__(self, rules: StopRules, mark_m: float, log) -> None:
        self.rules = rules
        self.mark_m = mark_m
        self.log = log
        self.first_error_m: float | None = None
        self.error_m: float | None = None
        self.corrections = 0
        self.fast_corrections = 0
        self.failed = False
        self.off_mark = False
        self.arrival_s: float | None = None
        self._correcting = False
        self._peak = 0.0

    def update(self, s: float, v: float, was_moving: bool) -> None:
        """After each step: the head at ``s`` [m] with speed ``v`` [m/s]."""
        e = s - self.mark_m
        r = self.rules
        if not self.failed and e > r.limit_m:
            self.failed = True
            self.log("failed", f"stop failed: overran the stop mark by more than {r.limit_m:g} m")
        if self._correcting:
            self._peak = max(self._peak, v)
        if v == 0.0 and was_moving:
            if abs(e) <= r.limit_m:
                self.error_m = e
                if self.first_error_m is None:
                    self.first_error_m = e
                    self.log("stop", f"stopped {_where(e)}")
                elif self._correcting:
                    self.corrections += 1
                    fast = self._peak > r.creep_speed_ms + 1e-9
                    self.fast_corrections += fast
                    self.log("correction", f"correction {self.corrections}: now {_where(e)}"
                             + (f", above creep speed ({self._peak * 3.6:.1f} km/h)" if fast else ""))
            self._correcting = False
        elif v > 0.0 and not was_moving and self.first_error_m is not None and not self.failed:
            self._correcting, self._peak = True, v

    def doors(self, t: float, s: float, v: float) -> bool:
        """Open the doors if the stop allows it; True when they open (the drive ends)."""
        e = s - self.mark_m
        r = self.rules
        if v > 0.0:
            self.log("refused", "doors refused: the train is moving")
        elif self.failed:
            self.log("refused", "doors refused: the stop has failed")
        elif abs(e) <= r.tolerance_m:
            self.error_m, self.arrival_s = e, t
            self.log("doors", f"platform doors open, {_where(e)}")
            return True
        elif abs(e) <= r.limit_m:
            self.error_m, self.arrival_s, self.off_mark = e, t + r.approval_delay_s, True
            self.log("doors", f"doors opened off the mark with the control centre's approval, {_where(e)}")
            return True
        else:
            self.log("refused", f"doors refused: not at the platform ({_where(e)})")
        return False


def _where(e: float) -> str:
    side = "beyond" if e > 0 else "short of"
    return f"{abs(e):.2f} m {side} the stop mark"
