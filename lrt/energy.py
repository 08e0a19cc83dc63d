"""Energy at the substations: traction with regenerative braking, auxiliaries and HVAC (pure numpy, no I/O).

The model, its parameters and their sources are in docs/energy.md; in short:

Traction, from a :class:`~lrt.runtime.RunProfile` (force ``F`` at the wheel held over each grid step
``Δx``, at the step's mean speed ``v``)::

    traction at the wheel        E_t = Σ max(F, 0)·Δx
    braking at the wheel         E_b = Σ max(−F, 0)·Δx
    electric braking             E_e = Σ min(max(−F, 0), F_e(v))·Δx
    electric brake limit         F_e(v) = min(F_e,max, P_e,max/v, μ(v)·m·g·s_driven) · min(v/v_fade, 1)
    drawn at the substations     E_d = E_t / (η_drive · η_supply)
    returned to the substations  E_r = E_e · η_regen · receptivity
    net                          E_d − E_r

Braking is blended electric first, the friction brake making up the rest, as regenerating stock does;
the electric brake acts on the motored axles only (adhesion ``μ`` as in :mod:`lrt.runtime`) and fades out
linearly below ``v_fade``.  ``receptivity`` is the share of the regenerated energy that the DC network
takes up: with diode-rectifier substations and no wayside storage (none is known on this line) only
trains accelerating nearby at that moment can use it, so it rises with traffic density and falls with
longer headways and sections (Tian et al., IET Electr. Syst. Transp. 6(2), 2016: 27 % between the best and
worst headway on the Beijing Yizhuang line; Energies 16(10) 3975, 2023; González-Gil et al., Energy Convers.
Manag. 80, 2014).  ``E_r`` is counted as the substation energy it displaces: the line losses of the
exchange between trains are folded into the receptivity.

HVAC of one car at the outside temperature ``T`` (steady state; transmission plus the heating of the
outside air let in, the usual building heat-load method, e.g. EN ISO 13789)::

    H(T)    = U·A + ρ(T)·c_p·(V_fresh + V_door)                     [W/K]
    heating = min(max(H·(T_heat − T) − n·q_p, 0), P_heat)          resistive heaters
    cooling = min(max(H·(T − T_cool) + n·q_p, 0), Q_cool) / COP
    P_hvac  = P_fans + heating + cooling                            never negative

with ``ρ`` the outside air's density (ideal gas at standard pressure), ``n`` passengers a car giving
``q_p`` of sensible heat each.  Between the two set-points only the fans run.  The auxiliaries are a
constant load per train.  HVAC and auxiliaries are drawn at the current collector, so the substations
supply them divided by ``η_supply``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from .conditions import Conditions, curtius_kniffler
from .network import Line, PowerSupply
from .rollingstock import Hvac, TrainEnergy, TrainSpec
from .units import G, KMH

__all__ = ["SegmentEnergy", "RunEnergy", "DayEnergy", "electric_brake_limit_n", "segment_energies",
           "between_loads", "air_density", "hvac_power_w", "day_energy"]

AIR_CP = 1005.0
"""Specific heat of dry air at constant pressure near 0 °C [J/(kg·K)] (textbook value)."""
AIR_R = 287.05
"""Specific gas constant of dry air [J/(kg·K)]."""
AIR_PRESSURE = 101_325.0
"""Standard sea-level pressure [Pa]; Astana (about 350 m) is about 4 % lower, well inside the
uncertainty of the fresh-air estimates."""

_J_PER_KWH = 3.6e6


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentEnergy:
    """The energy of one stop-to-stop run (or of several, summed).

    Attributes
    ----------
    from_code, to_code : the stops
    distance_m : distance run [m]
    traction_kwh : traction at the wheel [kWh]
    braking_kwh : braking at the wheel, electric and friction [kWh]
    electric_braking_kwh : the part of ``braking_kwh`` done by the electric brake [kWh]
    drawn_kwh : traction energy drawn at the substations [kWh]
    returned_kwh : regenerated energy taken up by the network, as substation energy saved [kWh]
    """

    from_code: int
    to_code: int
    distance_m: float
    traction_kwh: float
    braking_kwh: float
    electric_braking_kwh: float
    drawn_kwh: float
    returned_kwh: float

    @property
    def net_kwh(self) -> float:
        """Traction energy at the substations, net of what regeneration returned [kWh]."""
        return self.drawn_kwh - self.returned_kwh

    @property
    def net_kwh_per_train_km(self) -> float:
        """``net_kwh`` per train-km run [kWh/train-km]."""
        return self.net_kwh / (self.distance_m / 1000.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunEnergy:
    """The energy of a run, per segment; ``total`` sums them."""

    direction: str
    passengers: float
    segments: tuple[SegmentEnergy, ...]

    @property
    def total(self) -> SegmentEnergy:
        """All segments summed, from the first stop to the last."""
        return _summed(self.segments)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayEnergy:
    """A day's energy at the substations (:func:`day_energy`).

    Attributes
    ----------
    traction_drawn_mwh : traction energy drawn [MWh/day]
    regenerated_mwh : regenerated energy taken up by the network [MWh/day]
    traction_net_mwh : ``traction_drawn_mwh − regenerated_mwh`` [MWh/day]
    auxiliary_mwh : auxiliaries [MWh/day]
    hvac_mwh : heating, ventilation and air conditioning [MWh/day]
    total_mwh : ``traction_net_mwh + auxiliary_mwh + hvac_mwh`` [MWh/day]
    train_km : train-km run [km/day]
    train_hours : train-hours out of the depot [h/day]
    kwh_per_train_km : ``total_mwh`` per train-km [kWh/train-km] (nan without train-km)
    traction_kwh_per_train_km : ``traction_net_mwh`` per train-km [kWh/train-km] (nan without train-km)
    """

    traction_drawn_mwh: float
    regenerated_mwh: float
    traction_net_mwh: float
    auxiliary_mwh: float
    hvac_mwh: float
    total_mwh: float
    train_km: float
    train_hours: float
    kwh_per_train_km: float
    traction_kwh_per_train_km: float


def electric_brake_limit_n(speed_ms, energy: TrainEnergy, adhesion_n=math.inf) -> np.ndarray:
    """The most the electric brake can give at each speed [N].

    ``min(F_max, P_max/v, adhesion_n) · min(v/v_fade, 1)``: the force limit, the power limit (``P/v``) and
    the adhesion of the motored axles, faded linearly to zero at standstill below the fade speed.

    Parameters
    ----------
    speed_ms : float or array
        Train speed [m/s].
    energy : TrainEnergy
        The train's electric-brake limits.
    adhesion_n : float or array
        Adhesion limit on the motored axles [N] (default none).
    """
    v = np.asarray(speed_ms, dtype=float)
    by_power = energy.electric_brake_power_w / np.maximum(v, 1e-9)  # at standstill the fade gives 0 anyway
    force = np.minimum(np.minimum(energy.electric_brake_force_n, by_power), adhesion_n)
    return force * np.clip(v / energy.electric_brake_fade_speed_ms, 0.0, 1.0)


def segment_energies(profile, train: TrainSpec, line: Line, conditions: Conditions = Conditions()) -> RunEnergy:
    """Traction, braking and substation energy of every segment of a run.

    Parameters
    ----------
    profile : RunProfile
        The run (its ``force_n`` per grid step, ``speed_ms``, ``position_m`` and ``passengers``).
    train : TrainSpec
        The train that ran it (``train.energy``; mass and motored-axle share for the adhesion limit).
    line : Line
        The line (``line.power``: receptivity and supply efficiency).
    conditions : Conditions
        Braking adhesion (dry rail by Curtius–Kniffler when None), as the run used.

    Returns
    -------
    RunEnergy
        One :class:`SegmentEnergy` per stop-to-stop segment of the profile.
    """
    dx = np.diff(profile.position_m)
    f = profile.force_n[:-1]
    v = (profile.speed_ms[:-1] + profile.speed_ms[1:]) / 2.0
    mu = conditions.adhesion_braking
    mu = curtius_kniffler(v / KMH) if mu is None else mu
    adhesion = mu * train.mass_kg(profile.passengers) * G * train.driven_axle_share
    brake = np.maximum(-f, 0.0)
    per_step = np.vstack([np.maximum(f, 0.0) * dx, brake * dx,
                          np.minimum(brake, electric_brake_limit_n(v, train.energy, adhesion)) * dx, dx])
    starts = list(profile.stop_index[:-1])
    traction, braking, electric, distance = np.add.reduceat(per_step, starts, axis=1)
    e, p = train.energy, line.power
    segments = tuple(
        SegmentEnergy(from_code=a, to_code=b, distance_m=float(distance[i]),
                      traction_kwh=float(traction[i]) / _J_PER_KWH, braking_kwh=float(braking[i]) / _J_PER_KWH,
                      electric_braking_kwh=float(electric[i]) / _J_PER_KWH,
                      drawn_kwh=float(traction[i]) / _J_PER_KWH / (e.drive_efficiency * p.supply_efficiency),
                      returned_kwh=float(electric[i]) / _J_PER_KWH * e.regen_efficiency * p.receptivity)
        for i, (a, b) in enumerate(zip(profile.stops, profile.stops[1:])))
    return RunEnergy(direction=profile.direction, passengers=profile.passengers, segments=segments)


def between_loads(empty: SegmentEnergy, full: SegmentEnergy, share: float) -> SegmentEnergy:
    """A segment's energy at a load between two computed ones, linear in ``share`` (0 = ``empty``, 1 = ``full``).

    Traction grows about linearly with the mass; the electric-brake limits make braking less so, which a
    full-load run at the other end bounds.
    """
    if not share >= 0:
        raise ValueError(f"share must be >= 0, got {share!r}")
    if (empty.from_code, empty.to_code) != (full.from_code, full.to_code):
        raise ValueError(f"segments differ: {empty.from_code}-{empty.to_code} and {full.from_code}-{full.to_code}")
    values = {f.name: getattr(empty, f.name) + share * (getattr(full, f.name) - getattr(empty, f.name))
              for f in fields(SegmentEnergy) if f.name.endswith(("_kwh", "_m"))}
    return SegmentEnergy(from_code=empty.from_code, to_code=empty.to_code, **values)


def _summed(segments) -> SegmentEnergy:
    if not segments:
        raise ValueError("no segments to sum")
    values = {f.name: float(sum(getattr(s, f.name) for s in segments))
              for f in fields(SegmentEnergy) if f.name.endswith(("_kwh", "_m"))}
    return SegmentEnergy(from_code=segments[0].from_code, to_code=segments[-1].to_code, **values)


def air_density(temperature_c):
    """Density of dry air at standard pressure, ideal gas: ``p / (R·T)`` [kg/m³].

    Parameters
    ----------
    temperature_c : float or array
        Air temperature [°C].
    """
    return AIR_PRESSURE / (AIR_R * (np.asarray(temperature_c, dtype=float) + 273.15))


def hvac_power_w(hvac: Hvac, temperature_c, passengers_per_car=0.0):
    """Electric power of the HVAC of one car at an outside temperature [W] (model in the module docstring).

    Parameters
    ----------
    hvac : Hvac
        The car's HVAC data.
    temperature_c : float or array
        Outside air temperature [°C].
    passengers_per_car : float or array
        Passengers on board a car, whose sensible heat offsets heating and adds to cooling [1].

    Returns
    -------
    float or array
        Fans + resistive heating (capped at the installed power) + cooling / COP (capped at the installed
        capacity) [W]; never negative.
    """
    t = np.asarray(temperature_c, dtype=float)
    loss_w_per_k = hvac.ua_w_per_k + air_density(t) * AIR_CP * (hvac.fresh_air_m3s + hvac.door_air_m3s)
    gains = np.asarray(passengers_per_car, dtype=float) * hvac.passenger_heat_w
    heating = np.clip(loss_w_per_k * (hvac.heating_setpoint_c - t) - gains, 0.0, hvac.heating_power_w)
    cooling = np.clip(loss_w_per_k * (t - hvac.cooling_setpoint_c) + gains, 0.0, hvac.cooling_capacity_w)
    power = hvac.fan_power_w + heating + cooling / hvac.cooling_cop
    return float(power) if power.ndim == 0 else power


def day_energy(*, drawn_kwh: float, returned_kwh: float, train_km: float, train_hours: float, train: TrainSpec,
               power: PowerSupply, temperature_c: float, passengers_per_car: float = 0.0) -> DayEnergy:
    """A day's energy at the substations from its traction totals and its train-hours.

    Parameters
    ----------
    drawn_kwh, returned_kwh : float
        Traction energy drawn and returned at the substations over the day, summed over the segments run
        (:func:`segment_energies`) [kWh].
    train_km : float
        Train-km run [km].
    train_hours : float
        Train-hours out of the depot, over which HVAC and auxiliaries run [h].
    train : TrainSpec
        The train (``cars``, ``energy.auxiliary_power_w``, ``energy.hvac``).
    power : PowerSupply
        The line's supply (``supply_efficiency``).
    temperature_c : float
        The day's outside temperature [°C].
    passengers_per_car : float
        Mean passengers on board a car, for their heat (default 0: an empty train, the upper bound in
        winter) [1].
    """
    if not math.isfinite(temperature_c):
        raise ValueError(f"temperature_c must be a temperature in °C, got {temperature_c!r}")
    for name, value in (("drawn_kwh", drawn_kwh), ("returned_kwh", returned_kwh), ("train_km", train_km),
                        ("train_hours", train_hours), ("passengers_per_car", passengers_per_car)):
        if not value >= 0:
            raise ValueError(f"{name} must be >= 0, got {value!r}")

    def drawn_mwh(watts: float) -> float:  # a load on the train over the train-hours, at the substations
        return watts * train_hours / 1e6 / power.supply_efficiency

    hvac = drawn_mwh(train.cars * hvac_power_w(train.energy.hvac, temperature_c, passengers_per_car))
    auxiliary = drawn_mwh(train.energy.auxiliary_power_w)
    net = (drawn_kwh - returned_kwh) / 1000.0
    total = net + auxiliary + hvac
    per_km = (lambda mwh: 1000.0 * mwh / train_km) if train_km > 0 else (lambda mwh: math.nan)
    return DayEnergy(traction_drawn_mwh=drawn_kwh / 1000.0, regenerated_mwh=returned_kwh / 1000.0,
                     traction_net_mwh=net, auxiliary_mwh=auxiliary, hvac_mwh=hvac, total_mwh=total,
                     train_km=train_km, train_hours=train_hours, kwh_per_train_km=per_km(total),
                     traction_kwh_per_train_km=per_km(net))
