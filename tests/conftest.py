"""Small lines and trains built in code, and the shipped data."""

from __future__ import annotations

import dataclasses
import os

import pytest

from lrt.network import Gradient, Line, Operations, SpeedLimit, Station
from lrt.rollingstock import TrainSpec
from lrt.timetable.model import Trip

# the suite never reads or writes the user's cache of runs (lrt.io.cache), nor do the commands it runs: every
# test works its runs out, and a mutation run leaves nothing behind; tests/test_cache.py turns it on in tmp_path
os.environ["LRT_CACHE_DIR"] = "off"


def make_trip(trip_id, block, direction, stops, start, run=150.0, dwell=30.0) -> Trip:
    """A planned trip leaving its first stop at ``start`` [s]: ``run`` [s] per leg, ``dwell`` [s] at each
    intermediate stop, none at the ends."""
    arr, dep, t = [], [], start
    for i, _ in enumerate(stops):
        arr.append(t)
        t += 0 if i in (0, len(stops) - 1) else dwell
        dep.append(t)
        t += run
    return Trip(trip_id=trip_id, block_id=block, direction=direction, stops=tuple(stops), arrival_s=tuple(arr),
                departure_s=tuple(dep))


def make_train(**changes) -> TrainSpec:
    """A plain 60 m train; tests override what they need."""
    base = dict(
        name="test train", cars=4, length_m=60.0, capacity=652, seats=96, crush_capacity=930,
        tare_mass_kg=120_000.0, passenger_mass_kg=70.0, max_speed_ms=80 / 3.6,
        max_tractive_force_n=190_000.0, base_speed_ms=38 / 3.6, rotating_mass_factor=0.08,
        davis_a_n_per_kg=0.015, davis_b_n_per_kg_ms=0.0, davis_c_n_per_ms2=5.4, curve_resistance_k_m=600.0,
        max_acceleration_ms2=1.0, service_brake_ms2=1.0, emergency_brake_ms2=1.25, jerk_ms3=0.8,
        doors_per_side=8, driven_axle_share=0.5, braked_axle_share=1.0)
    base.update(changes)
    return TrainSpec(**base)


def ideal_train(a: float, b: float, v_max: float) -> TrainSpec:
    """No resistance, no rotating mass, no jerk limit, unlimited force: accelerates at exactly a, brakes at b."""
    return make_train(max_speed_ms=v_max, max_tractive_force_n=1e9, base_speed_ms=v_max, rotating_mass_factor=0.0,
                      davis_a_n_per_kg=0.0, davis_c_n_per_ms2=0.0, curve_resistance_k_m=0.0,
                      max_acceleration_ms2=a, service_brake_ms2=b, emergency_brake_ms2=max(b, 1.3),
                      jerk_ms3=1e9, driven_axle_share=1.0)


def make_line(stations_m=(1000.0, 3000.0), *, length_m=None, line_speed_ms=80 / 3.6, limits=(), gradients=(),
              acceleration=1.0, braking=1.0, dwell=30.0, allowance=0.0) -> Line:
    """A straight line with stations at the given chainages (codes 1, 2, ...)."""
    stations = tuple(Station(code=i + 1, name_en=f"S{i + 1}", chainage_m=c) for i, c in enumerate(stations_m))
    return Line(
        name="test line", stations=stations, start_m=0.0, end_m=length_m or stations_m[-1] + 1000.0,
        line_speed_ms=line_speed_ms, platform_length_m=70.0,
        speed_limits=tuple(SpeedLimit(start_m=a, end_m=b, limit_ms=v) for a, b, v in limits),
        gradients=tuple(Gradient(start_m=a, end_m=b, gradient=g) for a, b, g in gradients),
        operations=Operations(acceleration_ms2=acceleration, braking_ms2=braking, dwell_s=dwell,
                              allowance=allowance, turnback_min_s=180.0, fleet=19, reserve_trains=2))


replace = dataclasses.replace


@pytest.fixture(scope="session")
def astana():
    from lrt.io.line import read_line
    from lrt.io.rollingstock import read_train
    from lrt.paths import shipped_network, shipped_rolling_stock

    return read_line(shipped_network()), read_train(shipped_rolling_stock())
