"""Operating conditions (weather): adhesion, CBTC braking, restrictions and factors.

One ``Conditions`` object passes through every layer (running time, headway, timetable check,
simulation).  The default is a normal dry day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .network import SpeedLimit

__all__ = ["Conditions", "Failure", "Failures", "curtius_kniffler", "FAILURE_KINDS"]

FAILURE_KINDS = {
    "door": "per station call",
    "switch": "per day, at the terminal crossovers and the depot",
    "train": "per train-hour in service",
    "power_rail": "per day, on the whole line",
    "pull_out": "per pull-out (the train fails its pre-heating)",
}
"""Failure processes a conditions preset may set, with the unit of their rate."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """A failure process: events at ``rate`` (per the unit of its kind) lasting a random time.

    Durations are Weibull with ``shape`` (1 = exponential; < 1 = many short, a few very long: major
    incidents, engineering reference section 7) and mean ``mean_duration_s`` [s].
    """

    kind: str
    rate: float
    mean_duration_s: float = 0.0
    shape: float = 1.0
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FAILURE_KINDS:
            raise ValueError(f"failure kind {self.kind!r} is not one of {sorted(FAILURE_KINDS)}")
        if self.rate < 0 or self.mean_duration_s < 0 or not self.shape > 0:
            raise ValueError(f"failure {self.kind}: rate, duration and shape must be >= 0 (shape > 0)")

    def duration_s(self, rng) -> float:
        """One random duration [s]."""
        if self.mean_duration_s == 0:
            return 0.0
        scale = self.mean_duration_s / math.gamma(1 + 1 / self.shape)
        return float(scale * rng.weibull(self.shape))


@dataclass(frozen=True, slots=True, kw_only=True)
class Failures:
    """The failure processes of a conditions preset (None: does not happen)."""

    door: Failure | None = None
    switch: Failure | None = None
    train: Failure | None = None
    power_rail: Failure | None = None
    pull_out: Failure | None = None

    def __iter__(self):
        return iter(f for f in (self.door, self.switch, self.train, self.power_rail, self.pull_out) if f)


def curtius_kniffler(speed_kmh):
    """Dry-rail adhesion coefficient by speed, Curtius–Kniffler: μ = 7.5/(v + 44) + 0.161 [1].

    Parameters
    ----------
    speed_kmh : float or array
        Train speed [km/h].
    """
    return 7.5 / (speed_kmh + 44.0) + 0.161


@dataclass(frozen=True, slots=True, kw_only=True)
class Conditions:
    """What the weather does to the line.

    Parameters
    ----------
    name : str
        Preset name, shown in outputs.
    adhesion_traction, adhesion_braking : float or None
        Wheel–rail adhesion coefficient [1]; ``None`` means dry rail by Curtius–Kniffler.
    braking_rate_factor : float
        Multiplier on the braking rates the CBTC guarantees and ATO uses [1].
    braking_safety_factor : float
        TCQSM braking safety factor K [1] (0.75 normal).
    speed_cap_ms : float or None
        A line-wide speed restriction [m/s].
    speed_limits : tuple of SpeedLimit
        Extra restrictions (exposed sections in wind and ice).
    dwell_factor, capacity_factor, demand_factor : float
        Multipliers on dwell times, usable train capacity and passenger demand [1].
    failures : Failures
        Door, switch, train, power-rail and pull-out failure processes.
    fleet_availability : float
        Share of the fleet fit for service at the start of the day [1].
    temperature_c : float or None
        Outside air temperature [°C]; drives the HVAC energy (:func:`lrt.energy.hvac_power_w`). Presets read
        from files always have one.
    """

    name: str = "normal"
    adhesion_traction: float | None = None
    adhesion_braking: float | None = None
    braking_rate_factor: float = 1.0
    braking_safety_factor: float = 0.75
    speed_cap_ms: float | None = None
    speed_limits: tuple[SpeedLimit, ...] = ()
    dwell_factor: float = 1.0
    capacity_factor: float = 1.0
    demand_factor: float = 1.0
    failures: Failures = field(default_factory=Failures)
    fleet_availability: float = 1.0
    temperature_c: float | None = None
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("adhesion_traction", "adhesion_braking"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {value!r}")
        for name in ("braking_rate_factor", "dwell_factor", "capacity_factor", "demand_factor"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if not 0 < self.braking_safety_factor <= 1:
            raise ValueError(f"braking_safety_factor must be in (0, 1], got {self.braking_safety_factor!r}")
        if not 0 < self.fleet_availability <= 1:
            raise ValueError(f"fleet_availability must be in (0, 1], got {self.fleet_availability!r}")
        if self.speed_cap_ms is not None and not self.speed_cap_ms > 0:
            raise ValueError(f"speed_cap_ms must be positive, got {self.speed_cap_ms!r}")

    def trains_available(self, fleet: int) -> int:
        """Trains fit for service at the start of the day [1]."""
        return int(math.floor(fleet * self.fleet_availability + 1e-9))
