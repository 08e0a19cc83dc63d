"""What a driver can do in the cab, and a driving plan: controls fired by time or by position.

The master controller is one lever (as on most metro trains): the emergency brake ``EB``, seven service
brake steps ``B7`` (full service) to ``B1``, coast ``C``, and four traction notches ``P1`` to ``P4`` (full
traction).  A traction notch asks for a share of the train's maximum acceleration, a brake step for a
share of its full service braking; both load-weighed (the force is ``share × rate × effective mass``) and
not corrected for the gradient, as on a real train.  The other controls: ``mode ATO|PM|RM`` (the mode
selector), ``request`` (ask the control centre for authorisation to drive in restricted manual),
``reset`` (ask to release an emergency brake once the train stands), ``doors`` (open the doors) and ``end``
(give up the drive: a live drive's quit, logged so that its replay ends there too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["TRACTION_NOTCHES", "BRAKE_STEPS", "EMERGENCY", "LEVER", "ACTIONS", "MODES", "Control", "Plan",
           "lever_value", "lever_name", "parse_action"]

TRACTION_NOTCHES = 4
"""Traction notches ``P1`` .. ``P4``; notch k asks for k/4 of the maximum acceleration."""
BRAKE_STEPS = 7
"""Service brake steps ``B1`` .. ``B7``; step k asks for k/7 of full service braking."""
EMERGENCY = -(BRAKE_STEPS + 1)
"""The lever value of the emergency brake position."""

LEVER = ("EB", *(f"B{k}" for k in range(BRAKE_STEPS, 0, -1)), "C", *(f"P{k}" for k in range(1, TRACTION_NOTCHES + 1)))
"""Lever positions from the emergency brake to full traction; ``lever_value`` runs from -8 to 4."""
MODES = ("ATO", "PM", "RM")
"""Automatic (ATO), protected manual (PM: supervised against the limit and a braking curve) and restricted
manual (RM: a fixed ceiling, for CBTC failures)."""
ACTIONS = (*LEVER, *(f"mode {m}" for m in MODES), "request", "reset", "doors", "end")
"""Every control a plan may give, as written in a plan."""


def lever_value(action: str) -> int:
    """The lever value of a position: -8 (EB), -7 .. -1 (B7 .. B1), 0 (C), 1 .. 4 (P1 .. P4)."""
    return LEVER.index(action) + EMERGENCY


def lever_name(value: int) -> str:
    """The position of a lever value (inverse of :func:`lever_value`)."""
    return LEVER[value - EMERGENCY]


def parse_action(text: str) -> str:
    """A control as written (any case, spaces around words ignored) in its canonical form; ValueError if none."""
    words = text.split()
    if len(words) == 2 and words[0].lower() == "mode" and words[1].upper() in MODES:
        return f"mode {words[1].upper()}"
    if len(words) == 1:
        word = words[0]
        if word.upper() in LEVER:
            return word.upper()
        if word.lower() in ("request", "reset", "doors", "end"):
            return word.lower()
    raise ValueError(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Control:
    """One control of a plan: ``action`` once the drive clock reaches ``time_s`` [s] or the head has run
    ``position_m`` [m] from the departure stop mark (exactly one of the two).

    ``line`` is where it was written in a plan file (0 when made in code), for messages only.
    """

    action: str
    time_s: float | None = None
    position_m: float | None = None
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"action {self.action!r} is not one of {', '.join(ACTIONS)}")
        if (self.time_s is None) == (self.position_m is None):
            raise ValueError("a control needs exactly one of time_s and position_m")
        value = self.time_s if self.time_s is not None else self.position_m
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"time_s and position_m must be finite and >= 0, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A driving plan or a control log: controls fired in their order, each once its condition holds
    and every control before it has fired.  ``source`` names the file it came from."""

    controls: tuple[Control, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        last = 0.0
        for c in self.controls:
            if c.time_s is not None:
                if c.time_s < last:
                    raise ValueError(f"control {c.action!r} at {c.time_s} s comes after one at {last} s")
                last = c.time_s
