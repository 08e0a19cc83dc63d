"""Operating conditions (weather): adhesion, CBTC braking, restrictions and factors.

One ``Conditions`` object passes through every layer (running time, headway, timetable check,
simulation).  The default is a normal dry day.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Conditions", "curtius_kniffler"]


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
    dwell_factor, capacity_factor, demand_factor : float
        Multipliers on dwell times, usable train capacity and passenger demand [1].
    """

    name: str = "normal"
    adhesion_traction: float | None = None
    adhesion_braking: float | None = None
    braking_rate_factor: float = 1.0
    braking_safety_factor: float = 0.75
    speed_cap_ms: float | None = None
    dwell_factor: float = 1.0
    capacity_factor: float = 1.0
    demand_factor: float = 1.0
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
        if self.speed_cap_ms is not None and not self.speed_cap_ms > 0:
            raise ValueError(f"speed_cap_ms must be positive, got {self.speed_cap_ms!r}")

    def adhesion_t(self, speed_kmh):
        """Traction adhesion at a speed [1]."""
        return curtius_kniffler(speed_kmh) if self.adhesion_traction is None else self.adhesion_traction

    def adhesion_b(self, speed_kmh):
        """Braking adhesion at a speed [1]."""
        return curtius_kniffler(speed_kmh) if self.adhesion_braking is None else self.adhesion_braking
