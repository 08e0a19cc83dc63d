"""Read a rolling-stock TOML file into a validated :class:`~lrt.rollingstock.TrainSpec`."""

from __future__ import annotations

from pathlib import Path

from ..rollingstock import Hvac, TrainEnergy, TrainSpec
from .files import Doc, read_toml
from .quantities import bounded, only_keys

__all__ = ["read_train"]

SCHEMA_VERSION = 1


def read_train(path: Path) -> TrainSpec:
    """Read a train file (see docs/formats.md); raise InputError naming the field on anything wrong."""
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    cap, mass, trac, res, brk = (doc.table(k) for k in ("capacity", "mass", "traction", "resistance", "braking"))
    design = cap.quantity("design", "count", positive=True)
    seats = cap.quantity("seats", "count", minimum=0)
    if seats > design:
        raise cap.error("seats", f"{seats:g}", f"at most the design capacity ({design:g})")
    design_density = cap.quantity("design_density", "density", positive=True)
    crush_density = cap.quantity("crush_density", "density", positive=True)
    if crush_density < design_density:
        raise cap.error("crush_density", f"{crush_density:g}", f"at least design_density ({design_density:g})")
    standing_area = (design - seats) / design_density
    max_speed = trac.quantity("max_speed", "speed", positive=True)
    base_speed = trac.quantity("base_speed", "speed", positive=True)
    if base_speed > max_speed:
        raise trac.error("base_speed", f"{base_speed * 3.6:g} km/h", f"at most max_speed ({max_speed * 3.6:g} km/h)")
    service = brk.quantity("service", "acceleration", positive=True)
    emergency = brk.quantity("emergency", "acceleration", positive=True)
    if emergency < service:
        raise brk.error("emergency", f"{emergency:g} m/s2", f"at least the service rate ({service:g} m/s2)")
    shares = {}
    for table, key in ((trac, "driven_axle_share"), (brk, "braked_axle_share")):
        shares[key] = table.quantity(key, "dimensionless", positive=True)
        if shares[key] > 1:
            raise table.error(key, f"{shares[key]:g}", "a share between 0 and 1")
    return TrainSpec(
        name=doc.string("name"),
        cars=int(doc.quantity("cars", "dimensionless", positive=True)),
        length_m=doc.quantity("length", "length", positive=True),
        doors_per_side=int(doc.quantity("doors_per_side", "dimensionless", positive=True)),
        capacity=int(round(design)),
        seats=int(round(seats)),
        crush_capacity=int(round(seats + standing_area * crush_density)),
        tare_mass_kg=mass.quantity("tare", "mass", positive=True),
        passenger_mass_kg=mass.quantity("per_passenger", "mass", positive=True),
        rotating_mass_factor=mass.quantity("rotating_mass_factor", "dimensionless", minimum=0),
        max_speed_ms=max_speed,
        max_tractive_force_n=trac.quantity("max_tractive_force", "force", positive=True),
        base_speed_ms=base_speed,
        max_acceleration_ms2=trac.quantity("max_acceleration", "acceleration", positive=True),
        driven_axle_share=shares["driven_axle_share"],
        davis_a_n_per_kg=res.quantity("a", "force per mass", minimum=0),
        davis_b_n_per_kg_ms=res.quantity("b", "force per mass per speed", minimum=0),
        davis_c_n_per_ms2=res.quantity("c", "force per speed squared", minimum=0),
        curve_resistance_k_m=res.quantity("curve_k", "length", minimum=0),
        service_brake_ms2=service,
        emergency_brake_ms2=emergency,
        jerk_ms3=brk.quantity("jerk", "jerk", positive=True),
        braked_axle_share=shares["braked_axle_share"],
        energy=_energy(doc.table("energy")) if doc.has("energy") else TrainEnergy(),
        source=str(path),
    )


ENERGY_KEYS = ("drive_efficiency", "regen_efficiency", "electric_brake_force", "electric_brake_power",
               "electric_brake_fade_speed", "auxiliary_power", "hvac")
HVAC_KEYS = ("ua", "fresh_air", "door_air", "heating_setpoint", "cooling_setpoint", "heating_power",
             "cooling_capacity", "cooling_cop", "fan_power", "passenger_heat")


def _energy(t: Doc) -> TrainEnergy:
    """The optional ``[energy]`` table: when given, every key of it (docs/formats.md)."""
    only_keys(t, ENERGY_KEYS)
    share = "an efficiency between 0 and 1"
    return TrainEnergy(
        drive_efficiency=bounded(t, "drive_efficiency", "dimensionless", 0, 1, share, open_low=True),
        regen_efficiency=bounded(t, "regen_efficiency", "dimensionless", 0, 1, share, open_low=True),
        electric_brake_force_n=t.quantity("electric_brake_force", "force", minimum=0),
        electric_brake_power_w=t.quantity("electric_brake_power", "power", minimum=0),
        electric_brake_fade_speed_ms=t.quantity("electric_brake_fade_speed", "speed", positive=True),
        auxiliary_power_w=t.quantity("auxiliary_power", "power", minimum=0),
        hvac=_hvac(t.table("hvac")))


def _hvac(t: Doc) -> Hvac:
    only_keys(t, HVAC_KEYS)
    setpoint = "a saloon temperature between 0 and 40 degC"
    heating = bounded(t, "heating_setpoint", "temperature", 0, 40, setpoint)
    cooling = bounded(t, "cooling_setpoint", "temperature", 0, 40, setpoint)
    if cooling < heating:
        raise t.error("cooling_setpoint", f"{cooling:g} degC", f"at least the heating set-point ({heating:g} degC)")
    return Hvac(
        ua_w_per_k=t.quantity("ua", "thermal conductance", minimum=0),
        fresh_air_m3s=t.quantity("fresh_air", "volume flow", minimum=0),
        door_air_m3s=t.quantity("door_air", "volume flow", minimum=0),
        heating_setpoint_c=heating, cooling_setpoint_c=cooling,
        heating_power_w=t.quantity("heating_power", "power", minimum=0),
        cooling_capacity_w=t.quantity("cooling_capacity", "power", minimum=0),
        cooling_cop=bounded(t, "cooling_cop", "dimensionless", 0, 10, "a COP between 0 and 10", open_low=True),
        fan_power_w=t.quantity("fan_power", "power", minimum=0),
        passenger_heat_w=bounded(t, "passenger_heat", "power", 0, 500, "a sensible heat between 0 and 500 W"))
