"""The train: masses, traction, resistance, braking and energy data of one trainset (``TrainSpec``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .units import KMH

__all__ = ["TrainSpec", "TrainEnergy", "Hvac"]


def _check(obj, positive: tuple[str, ...] = (), shares: tuple[str, ...] = (), non_negative: tuple[str, ...] = ()):
    """Raise ValueError naming the first field out of range (finite > 0, in (0, 1], or >= 0)."""
    for name in positive:
        value = getattr(obj, name)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be positive, got {value!r}")
    for name in shares:
        value = getattr(obj, name)
        if not 0 < value <= 1:
            raise ValueError(f"{name} must be a share in (0, 1], got {value!r}")
    for name in non_negative:
        value = getattr(obj, name)
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be >= 0, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Hvac:
    """Heating, ventilation and air conditioning of one car; the model is :func:`lrt.energy.hvac_power_w`.

    The defaults are the estimates shipped for the CRRC Tangshan car (``[energy.hvac]`` in
    ``network/rolling-stock/crrc-tangshan-4car.toml``, where each carries its note; docs/energy.md).

    Attributes
    ----------
    ua_w_per_k : transmission loss coefficient of the body, U·A [W/K]
    fresh_air_m3s : fresh (outside) air the HVAC units take in [m³/s]
    door_air_m3s : outside air let in through the doors at stops, as a mean flow [m³/s]
    heating_setpoint_c, cooling_setpoint_c : saloon temperature held in winter and in summer [°C]
    heating_power_w : installed electric heating (resistive) [W]
    cooling_capacity_w : installed cooling (thermal) [W]
    cooling_cop : coefficient of performance of the cooling units [1]
    fan_power_w : ventilation fans, running whenever the train is in service [W]
    passenger_heat_w : sensible heat given off by one passenger [W]
    """

    ua_w_per_k: float = 350.0
    fresh_air_m3s: float = 800 / 3600
    door_air_m3s: float = 400 / 3600
    heating_setpoint_c: float = 17.0
    cooling_setpoint_c: float = 24.0
    heating_power_w: float = 50_000.0
    cooling_capacity_w: float = 40_000.0
    cooling_cop: float = 2.5
    fan_power_w: float = 1_500.0
    passenger_heat_w: float = 75.0

    def __post_init__(self) -> None:
        _check(self, positive=("cooling_cop",),
               non_negative=("ua_w_per_k", "fresh_air_m3s", "door_air_m3s", "heating_power_w",
                             "cooling_capacity_w", "fan_power_w", "passenger_heat_w"))
        if not self.heating_setpoint_c <= self.cooling_setpoint_c:
            raise ValueError(f"heating_setpoint_c ({self.heating_setpoint_c!r}) must not be above "
                             f"cooling_setpoint_c ({self.cooling_setpoint_c!r})")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainEnergy:
    """The drive chain, the electric brake and the on-board consumers of a trainset.

    The defaults are the estimates shipped for the CRRC Tangshan train (``[energy]`` in its file).

    Attributes
    ----------
    drive_efficiency : pantograph (current collector) to wheel when motoring: inverter, motor, gearbox [1]
    regen_efficiency : wheel to current collector when braking electrically [1]
    electric_brake_force_n : maximum electric braking force at the wheel [N]
    electric_brake_power_w : maximum electric braking power at the wheel [W]
    electric_brake_fade_speed_ms : below this speed the electric brake force falls linearly to zero at
        standstill and the friction brake takes over [m/s]
    auxiliary_power_w : constant on-board load of the train besides HVAC (air compressor, lighting,
        control and communications, battery charging, equipment cooling) [W]
    hvac : HVAC of one car
    """

    drive_efficiency: float = 0.88
    regen_efficiency: float = 0.88
    electric_brake_force_n: float = 190_000.0
    electric_brake_power_w: float = 2_400_000.0
    electric_brake_fade_speed_ms: float = 7 * KMH
    auxiliary_power_w: float = 25_000.0
    hvac: Hvac = field(default_factory=Hvac)

    def __post_init__(self) -> None:
        _check(self, positive=("electric_brake_fade_speed_ms",), shares=("drive_efficiency", "regen_efficiency"),
               non_negative=("electric_brake_force_n", "electric_brake_power_w", "auxiliary_power_w"))


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainSpec:
    """One trainset, in SI units. Files are read by :mod:`lrt.io.rollingstock`.

    Traction: a constant maximum force ``max_tractive_force_n`` up to ``base_speed_ms``, then constant
    power ``max_tractive_force_n * base_speed_ms``.  Resistance (Davis): ``A·m + B·m·v + C·v²`` with
    ``A``, ``B`` per kilogram of train mass (they grow with the load) and ``C`` per train.  ``energy``
    holds the drive chain, electric brake and on-board consumers (:class:`TrainEnergy`, used by
    :mod:`lrt.energy`).
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
    energy: TrainEnergy = field(default_factory=TrainEnergy)
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
