"""The train: masses, traction, resistance and braking of one trainset (``TrainSpec``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TrainSpec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainSpec:
    """One trainset, in SI units. Files are read by :mod:`lrt.io.rollingstock`.

    Traction: a constant maximum force ``max_tractive_force_n`` up to ``base_speed_ms``, then constant
    power ``max_tractive_force_n * base_speed_ms``.  Resistance (Davis): ``A·m + B·m·v + C·v²`` with
    ``A``, ``B`` per kilogram of train mass (they grow with the load) and ``C`` per train.
    """

    name: str
    cars: int
    length_m: float
    capacity: int
    seats: int
    crush_capacity: int
    tare_mass_kg: float
    passenger_mass_kg: float
    max_speed_ms: float
    max_tractive_force_n: float
    base_speed_ms: float
    rotating_mass_factor: float
    davis_a_n_per_kg: float
    davis_b_n_per_kg_ms: float
    davis_c_n_per_ms2: float
    curve_resistance_k_m: float
    max_acceleration_ms2: float
    service_brake_ms2: float
    emergency_brake_ms2: float
    jerk_ms3: float
    doors_per_side: int
    driven_axle_share: float
    braked_axle_share: float
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("length_m", "tare_mass_kg", "max_speed_ms", "max_tractive_force_n", "base_speed_ms",
                     "max_acceleration_ms2", "service_brake_ms2", "emergency_brake_ms2", "jerk_ms3"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if not 0 < self.driven_axle_share <= 1 or not 0 < self.braked_axle_share <= 1:
            raise ValueError("axle shares must be in (0, 1]")

    @property
    def max_power_w(self) -> float:
        """Traction power at the wheel above the base speed [W]."""
        return self.max_tractive_force_n * self.base_speed_ms

    def mass_kg(self, passengers: float) -> float:
        """Train mass with ``passengers`` on board [kg]."""
        return self.tare_mass_kg + passengers * self.passenger_mass_kg

    def effective_mass_kg(self, passengers: float) -> float:
        """Mass including the rotating-mass allowance on the tare (passengers do not rotate) [kg]."""
        return self.tare_mass_kg * (1 + self.rotating_mass_factor) + passengers * self.passenger_mass_kg

    def resistance_n(self, speed_ms, passengers: float = 0.0):
        """Davis running resistance on straight level track [N] (Davis 1926)."""
        m = self.mass_kg(passengers)
        return self.davis_a_n_per_kg * m + self.davis_b_n_per_kg_ms * m * speed_ms + self.davis_c_n_per_ms2 * speed_ms**2
