"""A driving exercise as validated data: the run, the ATP's rules and the stop's rules (read by
:mod:`lrt.io.drive` from an exercise's ``[drive]``, ``[atp]`` and ``[stop]`` tables, docs/driving.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...conditions import Conditions
from ...network import Line
from ...rollingstock import TrainSpec
from ...units import KMH
from .controls import MODES

__all__ = ["AtpRules", "StopRules", "DriveSpec", "AUTHORISATIONS"]

AUTHORISATIONS = ("given", "on request")
"""Restricted manual needs the control centre's authorisation: already given, or asked for with ``request``."""


def _positive(obj, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be positive, got {value!r}")


def _non_negative(obj, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be >= 0, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class AtpRules:
    """How the automatic train protection supervises the driver.

    Attributes
    ----------
    warning_margin_ms : the overspeed warning sounds above the permitted speed plus this [m/s]
    emergency_margin_ms : the emergency brake is applied above the permitted speed plus this [m/s]
        (no public figure: +3 to +5 km/h is usual, docs/driving.md)
    restricted_ceiling_ms : the ceiling of restricted manual [m/s] (25 km/h: Delhi, Bangalore rules)
    braking_ms2 : the braking rate of the supervision curves [m/s²]; None: the train's full service rate
        times the weather's CBTC braking factor, capped by the braking adhesion
    end_of_authority_m : the supervised end of the movement authority beyond the stop mark [m]
    reset_delay_s : from a reset request at a standstill to the control centre's authority to release an
        emergency brake [s]
    """

    warning_margin_ms: float = 0.0
    emergency_margin_ms: float = 5 * KMH
    restricted_ceiling_ms: float = 25 * KMH
    braking_ms2: float | None = None
    end_of_authority_m: float = 5.0
    reset_delay_s: float = 30.0

    def __post_init__(self) -> None:
        _non_negative(self, "warning_margin_ms", "end_of_authority_m", "reset_delay_s")
        _positive(self, "emergency_margin_ms", "restricted_ceiling_ms")
        if self.braking_ms2 is not None:
            _positive(self, "braking_ms2")
        if self.warning_margin_ms >= self.emergency_margin_ms:
            raise ValueError("the warning margin must be below the emergency-brake margin")


@dataclass(frozen=True, slots=True, kw_only=True)
class StopRules:
    """What a good stop is.

    Attributes
    ----------
    tolerance_m : the platform screen doors open when the head stands within this of the stop mark [m]
        (±0.30 m, Taipei Metro; the usual figure for CBTC lines with platform doors)
    limit_m : a standstill within this of the mark is a stop at the platform: further moves are corrections;
        the doors may be opened off the mark (outside the tolerance) with the control centre's approval;
        passing the mark by more than this fails the stop [m]
    creep_speed_ms : the most a correction move may reach [m/s]
    approval_delay_s : the wait for the control centre's approval to open the doors off the mark [s]
    """

    tolerance_m: float = 0.30
    limit_m: float = 5.0
    creep_speed_ms: float = 5 * KMH
    approval_delay_s: float = 60.0

    def __post_init__(self) -> None:
        _positive(self, "tolerance_m", "limit_m", "creep_speed_ms")
        _non_negative(self, "approval_delay_s")
        if self.tolerance_m >= self.limit_m:
            raise ValueError("the stop tolerance must be below the stop limit")


@dataclass(frozen=True, slots=True, kw_only=True)
class DriveSpec:
    """One drive: a train from the stop mark of ``from_code`` to that of ``to_code`` on ``line``.

    Attributes
    ----------
    line, train, conditions : the infrastructure, the train and the weather (temporary speed restrictions
        are in ``conditions.speed_limits``)
    from_code, to_code : the departure station and the target stop (the train passes any between)
    passengers : on board, for the mass [1]
    mode : the mode at the start (``ATO``, ``PM`` or ``RM``)
    cbtc : False after a CBTC failure: ATO and PM cannot be selected, ATO cannot move the train
    authorisation : ``given`` or ``on request`` (restricted manual needs it)
    authorisation_delay_s : from ``request`` to the control centre's authorisation [s]
    scheduled_s : the scheduled time from departure to the doors opening at the target [s]
    start_clock_s : the time of day at departure, for the display [s since the start of the service day]
    time_limit_s : the drive ends unfinished after this [s]
    step_s : the fixed time step [s] (0.1 to 0.2)
    atp, stop : the supervision's and the stop's rules
    """

    line: Line
    train: TrainSpec
    conditions: Conditions = field(default_factory=Conditions)
    from_code: int
    to_code: int
    passengers: float = 0.0
    mode: str = "PM"
    cbtc: bool = True
    authorisation: str = "given"
    authorisation_delay_s: float = 30.0
    scheduled_s: float
    start_clock_s: float = 8 * 3600.0
    time_limit_s: float = 1800.0
    step_s: float = 0.1
    atp: AtpRules = field(default_factory=AtpRules)
    stop: StopRules = field(default_factory=StopRules)

    def __post_init__(self) -> None:
        for code in (self.from_code, self.to_code):
            self.line.station(code)  # KeyError for a station not on the line
        if self.from_code == self.to_code:
            raise ValueError("the drive must run between two different stations")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.authorisation not in AUTHORISATIONS:
            raise ValueError(f"authorisation must be one of {', '.join(AUTHORISATIONS)}, got {self.authorisation!r}")
        if not 0.1 - 1e-12 <= self.step_s <= 0.2 + 1e-12:
            raise ValueError(f"step_s must be from 0.1 to 0.2 s, got {self.step_s!r}")
        _positive(self, "scheduled_s", "time_limit_s")
        _non_negative(self, "passengers", "authorisation_delay_s", "start_clock_s")

    @property
    def direction(self) -> str:
        """``up`` when the target lies at a higher chainage (Airport → Nurly Zhol)."""
        a, b = (self.line.station(c).chainage_m for c in (self.from_code, self.to_code))
        return "up" if b > a else "down"
