"""KPIs against hand-worked answers on small hand-built days, and consistency on a simulated day."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from conftest import make_line, make_train, replace

from lrt.conditions import Conditions
from lrt.kpis import compute_kpis, headway_table, kpi_table_text, load_table
from lrt.sim import (
    EVENT_COLUMNS,
    PASSENGER_COLUMNS,
    Scenario,
    SimOptions,
    SimulationResult,
)
from lrt.timetable.model import Timetable, Trip

T0 = 7 * 3600.0  # the hand-built days run in the 07:00 hour
INF = math.inf
REQUIRED = ("passengers_generated", "passengers_completed", "mean_wait_s", "p95_wait_s", "denied_boardings",
            "max_load_factor", "punctuality_1min", "headway_cv_mean", "trips_planned", "trips_run")


def _day(trips, passengers=(), *, capacity=2, conditions=None, stations_m=(1000.0, 3000.0, 6000.0, 8000.0),
         planned=(), energy=(10.0, 3.0)):
    """A result and its scenario from trips written as dicts of per-call lists (times relative to T0).

    Stations 1-4 at chainage 1000, 3000, 6000 and 8000 m.  The timetable is the trips' planned times, and
    those of the ``planned`` trips that never ran.  Every run draws and returns ``energy`` [kWh].
    """
    rows, tt_trips = [], []
    for trip in planned:
        tt_trips.append(Trip(trip_id=trip["id"], block_id="B" + trip["id"], direction=trip["direction"],
                             stops=tuple(trip["stops"]), arrival_s=tuple(T0 + t for t in trip["planned_arr"]),
                             departure_s=tuple(T0 + t for t in trip["planned_dep"])))
    for trip in trips:
        n = len(trip["stops"])
        p_arr = [T0 + t for t in trip["planned_arr"]]
        p_dep = [T0 + t for t in trip["planned_dep"]]
        for i in range(n):
            arr, dep = T0 + trip["arr"][i], T0 + trip["dep"][i]
            rows.append(("B" + trip["id"], trip["id"], trip["direction"], i, trip["stops"][i], p_arr[i], p_dep[i],
                         arr, dep, trip["load"][i], 0, 0, trip["denied"][i], dep - arr, dep - 4.0,
                         energy[0] if i else 0.0, energy[1] if i else 0.0, ""))
        tt_trips.append(Trip(trip_id=trip["id"], block_id="B" + trip["id"], direction=trip["direction"],
                             stops=tuple(trip["stops"]), arrival_s=tuple(p_arr), departure_s=tuple(p_dep)))
    cols = list(zip(*rows)) or [()] * len(EVENT_COLUMNS)
    events = {name: np.asarray(col, dtype=object if name in ("train", "trip_id", "direction", "cause") else None)
              for name, col in zip(EVENT_COLUMNS, cols)}
    pax = {}
    if passengers:
        pcols = list(zip(*passengers))
        pax = {name: np.asarray(col) for name, col in zip(PASSENGER_COLUMNS, pcols)}
        for name in ("arrival_s", "board_s", "alight_s"):
            pax[name] = pax[name].astype(float) + T0
        pax["stranded"] = pax["stranded"].astype(bool)
    line = make_line(stations_m)
    timetable = Timetable(name="hand", service_id="weekday", trips=tuple(tt_trips))
    scenario = Scenario(line=line, train=make_train(), timetable=timetable,
                        options=SimOptions(load_standard=capacity), conditions=conditions or Conditions())
    result = SimulationResult(seed=0, events=events, passengers=pax, trips_planned=len(tt_trips),
                              trips_run=len(trips), metadata={})
    return result, scenario


def _up(trip_id, planned_dep1, delays, arr_late, loads, denied):
    """An up trip 1 -> 2 -> 3: 120 s planned run 1-2 plus 30 s dwell, 150 s run 2-3.

    ``delays``: departure delays at stations 1 and 2 [s]; ``arr_late``: arrival delays at 2 and 3 [s].
    """
    p_dep = [planned_dep1, planned_dep1 + 150, planned_dep1 + 300]
    p_arr = [planned_dep1, planned_dep1 + 120, planned_dep1 + 300]
    dep = [p_dep[0] + delays[0], p_dep[1] + delays[1], p_arr[2] + arr_late[1]]
    arr = [dep[0] - 60, p_arr[1] + arr_late[0], dep[2]]
    return {"id": trip_id, "direction": "up", "stops": [1, 2, 3], "planned_arr": p_arr, "planned_dep": p_dep,
            "arr": arr, "dep": dep, "load": loads + [0], "denied": denied + [0]}


# Three up trips, planned from station 1 at 0, 300 and 900 s (headways 300 and 600 s).
# Actual departures: station 1 at 0, 390, 870 (delays 0, +90, -30); station 2 at 180, 650, 980
# (delays +30, +200, -70).  Capacity 2 passengers; every train leaves full.
TRIPS = [_up("U1", 0, [0, 30], [30, 30], [2, 2], [1, 0]),
         _up("U2", 300, [90, 200], [200, 200], [2, 2], [1, 1]),
         _up("U3", 900, [-30, -70], [-70, -70], [2, 2], [0, 1])]
# arrival, origin, destination, board, alight, left_behind, trip, stranded, detrained (times relative to T0)
PASSENGERS = [
    (-500, 1, 3, 0, 330, 0, "U1", False, 0),    # wait 500, in vehicle 330, journey 830
    (-200, 1, 2, 0, 150, 0, "U1", False, 0),    # wait 200, 150, 350
    (100, 1, 3, 390, 800, 0, "U2", False, 0),   # wait 290, 410, 700
    (300, 1, 2, 390, 620, 0, "U2", False, 0),   # wait 90, 230, 320
    (-100, 1, 3, 870, 1130, 2, "U3", False, 0),  # left behind by U1 and U2: wait 970, 260, 1230
    (600, 1, 3, 870, 1130, 0, "U3", False, 1),  # put off a failed train once, then U3: wait 270, 260, 530
    (100, 2, 3, 180, 330, 0, "U1", False, 0),   # wait 80, 150, 230
    (500, 2, 3, 650, 800, 0, "U2", False, 0),   # wait 150, 150, 300
    (400, 2, 3, INF, INF, 2, "", True, 0),      # left behind by U2 and U3, stranded
]


@pytest.fixture()
def hand():
    # built for every test (a few ms): a test that only reads a cached result would be invisible to
    # mutmut, which runs for each mutant only the tests that call the mutated function
    result, scenario = _day(TRIPS, PASSENGERS)
    return result, scenario, compute_kpis(result, scenario)


def test_passenger_accounting_waits_and_journeys(hand):
    _, _, k = hand
    assert (k["passengers_generated"], k["passengers_completed"], k["passengers_stranded"],
            k["passengers_detrained"]) == (9, 8, 1, 1)
    assert k["stranded_share"] == pytest.approx(1 / 9, abs=1e-4)
    # waits of the 8 who boarded: 500 200 290 90 970 270 80 150, sum 2550
    assert k["mean_wait_s"] == pytest.approx(2550 / 8, abs=0.06)
    # sorted 80 90 150 200 270 290 500 970; p95 at rank 0.95*7 = 6.65: 500 + 0.65*(970-500) = 805.5
    assert k["p95_wait_s"] == pytest.approx(805.5, abs=0.06)
    # the 8 completed: journeys 830 350 700 320 1230 530 230 300 (sum 4490); sorted 230 300 320 350 530 700
    # 830 1230: p95 at rank 0.95*7 = 6.65: 830 + 0.65*(1230-830) = 1090
    assert k["mean_journey_s"] == pytest.approx(4490 / 8, abs=0.06)
    assert k["p95_journey_s"] == pytest.approx(1090.0, abs=0.06)
    assert k["mean_in_vehicle_s"] == pytest.approx((330 + 150 + 410 + 230 + 260 + 260 + 150 + 150) / 8, abs=0.06)


def test_denied_boardings_count_refusals_and_share_counts_passengers(hand):
    _, _, k = hand
    assert k["denied_boardings"] == 4  # U1@1, U2@1, U2@2, U3@2
    assert k["denied_boardings_share"] == pytest.approx(2 / 9, abs=1e-4)  # two passengers were refused


def test_excess_wait_time_two_headways(hand):
    _, _, k = hand
    # scheduled wait at stations 1 and 2 (planned headways 300 and 600 s): (300² + 600²) / (2 * 900) = 250 s
    swt = (300**2 + 600**2) / (2 * 900)
    assert swt == 250.0
    # actual wait from the actual headways: station 1 leaves at 0, 390, 870 (390, 480);
    # station 2 at 180, 650, 980 (470, 330)
    awt1 = (390**2 + 480**2) / (2 * 870)
    awt2 = (470**2 + 330**2) / (2 * 800)
    assert (round(awt1, 2), awt2) == (219.83, 206.125)
    # weights: passengers arriving inside the planned service of their platform, boarded or not:
    # station 1 (0..900 s): at 100, 300, 600 (three); station 2 (150..1050 s): at 500 and 400 (two)
    ewt = (3 * (awt1 - swt) + 2 * (awt2 - swt)) / 5
    assert k["excess_wait_s"] == pytest.approx(ewt, abs=0.06)


def test_energy_at_the_substations_over_the_runs_and_train_hours():
    from lrt.energy import hvac_power_w

    result, scenario = _day(TRIPS, PASSENGERS, conditions=Conditions(temperature_c=-25.0))
    k = compute_kpis(result, scenario)
    # six runs (two per trip), each logged with 10 kWh drawn and 3 kWh returned
    assert (k["traction_drawn_mwh"], k["regenerated_mwh"], k["traction_net_mwh"]) == (0.06, 0.018, 0.042)
    # in service from each trip's first call to its last: U1 -60..330, U2 330..800, U3 810..1130 s
    hours = (390 + 470 + 320) / 3600
    assert k["train_hours"] == pytest.approx(hours, abs=0.005)
    # HVAC of 4 cars at -25 °C with the mean load per car: 1940 passenger-seconds on board / in service / 4
    per_car = 1940 / 1180 / 4
    train, power = scenario.train, scenario.line.power
    hvac = 4 * hvac_power_w(train.energy.hvac, -25.0, per_car) * hours / 1e6 / power.supply_efficiency
    aux = train.energy.auxiliary_power_w * hours / 1e6 / power.supply_efficiency
    assert k["hvac_mwh"] == pytest.approx(hvac, abs=5e-4) and k["auxiliary_mwh"] == pytest.approx(aux, abs=5e-4)
    assert k["energy_mwh"] == pytest.approx(0.042 + hvac + aux, abs=1e-3)
    assert k["energy_kwh_per_train_km"] == pytest.approx(1000 * (0.042 + hvac + aux) / 15.0, abs=0.01)
    assert k["traction_kwh_per_train_km"] == pytest.approx(42 / 15.0, abs=0.01)


def test_energy_of_an_hvac_that_only_removes_the_passengers_heat():
    # An HVAC with no losses, no fans and a COP of 1, whose only load is the passengers' heat (10 MW each,
    # to see the figures to the published kWh): its energy is the passenger-hours on board × 10 MW,
    # whatever the train-hours: 1940 s × 10 MW = 5.3889 MWh at the wheel, / 0.92 at the substations
    from lrt.rollingstock import Hvac, TrainEnergy

    hvac = Hvac(ua_w_per_k=0.0, fresh_air_m3s=0.0, door_air_m3s=0.0, fan_power_w=0.0, cooling_cop=1.0,
                cooling_capacity_w=1e12, passenger_heat_w=1e7)
    # The auxiliaries draw 100 MW, so that the train-hours show to the published kWh too.
    result, scenario = _day(TRIPS, PASSENGERS, conditions=Conditions(temperature_c=20.0), energy=(10.1234, 3.1111))
    train = replace(scenario.train, energy=TrainEnergy(hvac=hvac, auxiliary_power_w=1e8))
    k = compute_kpis(result, replace(scenario, train=train))
    hvac_mwh = 1940 / 3600 * 10.0 / 0.92                    # 5.857488
    aux_mwh = 100 * 1180 / 3600 / 0.92                      # 100 MW over 1180 s in service: 35.628019
    net_mwh = 6 * (10.1234 - 3.1111) / 1000                # six runs: 0.0420738
    total = net_mwh + aux_mwh + hvac_mwh                    # 41.527581
    assert k == k | {
        "train_hours": 0.33, "traction_drawn_mwh": 0.061, "regenerated_mwh": 0.019, "traction_net_mwh": 0.042,
        "hvac_mwh": 5.857, "auxiliary_mwh": 35.628, "energy_mwh": 41.528,
        "energy_kwh_per_train_km": 2768.51,                 # 41527.58 kWh / 15 km
        "traction_kwh_per_train_km": 2.8}                   # 42.07 / 15
    assert (round(hvac_mwh, 3), round(aux_mwh, 3), round(total, 3)) == (5.857, 35.628, 41.528)
    # nobody on board: no heat to remove
    result, scenario = _day(TRIPS, conditions=Conditions(temperature_c=20.0))
    k = compute_kpis(result, replace(scenario, train=train))
    assert k["hvac_mwh"] == 0.0


def test_punctuality_delay_and_headway_cv(hand):
    result, _, k = hand
    # departure delays: 0, +30, +90, +200, -30, -70 (the terminus arrivals are not departures)
    assert k["punctuality_1min"] == pytest.approx(3 / 6, abs=1e-4)      # 0, +30, -30
    assert k["punctuality_3min"] == pytest.approx(5 / 6, abs=1e-4)      # all but +200
    assert k["early_departures_share"] == pytest.approx(1 / 6, abs=1e-4)  # -70
    assert k["mean_departure_delay_s"] == pytest.approx(220 / 6, abs=0.06)
    assert k["delay_minutes"] == pytest.approx((30 + 90 + 200) / 60, abs=0.06)
    # station 1 departs at 0, 390, 870: headways 390, 480, mean 435, population sd 45 -> CV 0.10345
    # station 2 departs at 180, 650, 980: headways 470, 330, mean 400, sd 70 -> CV 0.175
    hw = headway_table(result).set_index(["station", "direction", "hour"])
    assert len(hw) == 2
    s1, s2 = hw.loc[(1, "up", 7)], hw.loc[(2, "up", 7)]
    assert (s1.n, s1.headway_mean_s, s1.headway_cv) == (2, pytest.approx(435.0), pytest.approx(45 / 435))
    assert (s2.n, s2.headway_mean_s, s2.headway_cv) == (2, pytest.approx(400.0), pytest.approx(70 / 400))
    # TCQSM adherence at station 1: deviations +90, -120 from planned 300, 600: sd 105 / mean 450
    assert s1.planned_headway_mean_s == pytest.approx(450.0)
    assert s1.adherence_cv == pytest.approx(105 / 450)
    assert k["headway_cv_mean"] == pytest.approx((45 / 435 + 70 / 400) / 2, abs=5e-4)


def test_train_km_loads_and_trips(hand):
    _, _, k = hand
    assert k["train_km"] == pytest.approx(3 * (2000 + 3000) / 1000)  # three runs 1000 -> 3000 -> 6000 m
    assert (k["trips_planned"], k["trips_run"]) == (3, 3)
    assert (k["capacity"], k["peak_load"], k["max_load_factor"]) == (2, 2, 1.0)
    assert k["peak_load_segment"] == "1->2"  # the first full departure in time


def test_load_table_and_peak_pphpd():
    # Two up trips in the 07:00 hour, loads 1 then 2 leaving 1, 2 and 2 leaving 2; one down trip at 08:00.
    up1 = _up("U1", 0, [0, 0], [0, 0], [1, 2], [0, 0])
    up2 = _up("U2", 600, [0, 0], [0, 0], [2, 2], [0, 0])
    down = {"id": "D1", "direction": "down", "stops": [3, 2, 1], "planned_arr": [3600, 3750, 3900],
            "planned_dep": [3600, 3780, 3900], "arr": [3540, 3750, 3900], "dep": [3600, 3780, 3900],
            "load": [1, 2, 0], "denied": [0, 0, 0]}
    result, scenario = _day([up1, up2, down], capacity=4)
    t = load_table(result, scenario)
    assert list(zip(t.direction, t.from_station, t.to_station, t.hour)) == [
        ("up", 1, 2, 7), ("up", 2, 3, 7), ("down", 3, 2, 8), ("down", 2, 1, 8)]
    seg = t.iloc[1]
    assert (seg.trains, seg.load_mean, seg.load_max, seg.carried, seg.offered) == (2, 2.0, 2, 4, 8)
    assert seg.load_factor_max == pytest.approx(0.5)
    k = compute_kpis(result, scenario)
    # busiest segment-hour: 2 -> 3 up at 07:00 with 2 + 2 carried; offered 2 trains * 4
    assert (k["peak_pphpd_carried"], k["peak_pphpd_offered"], k["peak_pphpd_direction"], k["peak_pphpd_hour"]) \
        == (4, 8, "up", 7)
    assert k["train_km"] == pytest.approx(3 * 5.0)
    assert k["max_load_factor"] == pytest.approx(0.5)
    # no passenger records: passenger KPIs are absent (None), not NaN
    assert k["passengers_generated"] == 0 and k["mean_wait_s"] is None and k["denied_boardings_share"] is None
    json.dumps(k, allow_nan=False)


def test_every_kpi_of_the_hand_day_as_published(hand):
    # the whole dict, rounded as published (shares to 4 digits, seconds to 0.1 s, CV to 3 digits,
    # train-hours to 0.01 h); every value is worked out in the tests above
    _, _, k = hand
    assert k == {
        "trips_planned": 3, "trips_run": 3, "train_km": 15.0,
        "passengers_generated": 9, "passengers_completed": 8, "passengers_stranded": 1, "stranded_share": 0.1111,
        "passengers_detrained": 1,
        "mean_wait_s": 318.8, "p95_wait_s": 805.5,                 # 2550 / 8 = 318.75
        "excess_wait_s": -35.7,                                      # (3·(-30.17) + 2·(-43.875)) / 5 = -35.65
        "mean_journey_s": 561.2, "p95_journey_s": 1090.0,           # 4490 / 8 = 561.25
        "mean_in_vehicle_s": 242.5,                                  # 1940 / 8
        "capacity": 2, "denied_boardings": 4, "denied_boardings_share": 0.2222,
        "peak_load": 2, "peak_load_segment": "1->2", "max_load_factor": 1.0,
        "peak_pphpd_carried": 6, "peak_pphpd_offered": 6, "peak_pphpd_direction": "up", "peak_pphpd_hour": 7,
        "punctuality_1min": 0.5, "punctuality_3min": 0.8333, "early_departures_share": 0.1667,
        "mean_departure_delay_s": 36.7, "delay_minutes": 5.3,        # 220 / 6 = 36.67; 320 / 60 = 5.33
        "headway_cv_mean": 0.139,                                    # (45/435 + 70/400) / 2 = 0.1392
        "train_hours": 0.33,                                         # 1180 s
        "traction_drawn_mwh": None, "regenerated_mwh": None, "traction_net_mwh": None, "hvac_mwh": None,
        "auxiliary_mwh": None, "energy_mwh": None, "energy_kwh_per_train_km": None,
        "traction_kwh_per_train_km": None,
    }


def test_tables_have_the_documented_columns_and_whole_hours(hand):
    result, scenario, _ = hand
    hw, loads = headway_table(result), load_table(result, scenario)
    assert list(hw.columns) == ["station", "direction", "hour", "n", "headway_mean_s", "headway_cv",
                                "planned_headway_mean_s", "adherence_cv"]
    assert list(loads.columns) == ["direction", "from_station", "to_station", "hour", "trains", "load_mean",
                                   "load_max", "load_factor_max", "carried", "offered"]
    assert hw["hour"].dtype.kind == loads["hour"].dtype.kind == "i"
    assert list(loads.index) == [0, 1] and list(loads.hour) == [7, 7]


def test_a_day_where_nothing_ran():
    # one trip planned, none run, nobody came: counts are zero, everything undefined is None (not NaN)
    planned = [{"id": "U1", "direction": "up", "stops": [1, 2], "planned_arr": [0, 120], "planned_dep": [0, 120]}]
    result, scenario = _day([], planned=planned, conditions=Conditions(temperature_c=-10.0))
    k = compute_kpis(result, scenario)
    nothing = dict.fromkeys(("stranded_share", "mean_wait_s", "p95_wait_s", "excess_wait_s", "mean_journey_s",
                             "p95_journey_s", "mean_in_vehicle_s", "denied_boardings_share", "peak_load",
                             "peak_load_segment", "max_load_factor", "peak_pphpd_carried", "peak_pphpd_offered",
                             "peak_pphpd_direction", "peak_pphpd_hour", "punctuality_1min", "punctuality_3min",
                             "early_departures_share", "mean_departure_delay_s", "headway_cv_mean",
                             "energy_kwh_per_train_km", "traction_kwh_per_train_km"))
    assert k == nothing | {
        "trips_planned": 1, "trips_run": 0, "train_km": 0.0, "passengers_generated": 0, "passengers_completed": 0,
        "passengers_stranded": 0, "passengers_detrained": 0, "capacity": 2, "denied_boardings": 0,
        "delay_minutes": 0.0, "train_hours": 0.0, "traction_drawn_mwh": 0.0, "regenerated_mwh": 0.0,
        "traction_net_mwh": 0.0, "hvac_mwh": 0.0, "auxiliary_mwh": 0.0, "energy_mwh": 0.0}
    json.dumps(k, allow_nan=False)
    assert headway_table(result).empty and list(headway_table(result).columns)[:3] == ["station", "direction", "hour"]
    assert load_table(result, scenario).empty and list(load_table(result, scenario).columns)[-2:] == ["carried",
                                                                                                       "offered"]
    text = kpi_table_text(k)
    # nothing ran: no peak anywhere (not "None")
    assert [line for line in text.splitlines() if "peak" in line or "wait" in line] == [
        "  wait: mean / 95th percentile         n/a / n/a",
        "  excess wait (EWT)                    n/a",
        "  peak load                            n/a on n/a",
        "  peak pphpd carried / offered         n/a / n/a passengers/h (n/a, n/a)",
    ]


def test_a_day_where_nobody_boarded_and_a_train_that_only_stood_at_its_platform():
    # one call: the train stood at S1 from 06:54 to 07:00 and went no further; its passenger never boarded
    stood = {"id": "U1", "direction": "up", "stops": [1], "planned_arr": [0], "planned_dep": [0], "arr": [-360],
             "dep": [0], "load": [0], "denied": [0]}
    k = compute_kpis(*_day([stood], [(-100, 1, 2, INF, INF, 0, "", True, 0)], conditions=Conditions(temperature_c=0.0)))
    assert (k["passengers_generated"], k["passengers_stranded"], k["stranded_share"]) == (1, 1, 1.0)
    assert k == k | dict.fromkeys(("mean_wait_s", "p95_wait_s", "mean_journey_s", "p95_journey_s",
                                   "mean_in_vehicle_s", "punctuality_1min", "peak_load"))
    assert (k["train_km"], k["train_hours"]) == (0.0, 0.1)  # 360 s in service


def _run(trip_id, stops, planned, delays, *, direction="up", loads=None, denied=None):
    """A trip with no planned dwell: ``planned`` times at each stop, actual = planned + ``delays`` [s]."""
    actual = [t + d for t, d in zip(planned, delays)]
    return {"id": trip_id, "direction": direction, "stops": list(stops), "planned_arr": list(planned),
            "planned_dep": list(planned), "arr": actual, "dep": actual,
            "load": list(loads or [0] * len(stops)), "denied": list(denied or [0] * len(stops))}


def test_one_passenger_on_one_run():
    # S1 at 1000 m, S2 at 2234.56 m: 1.23456 train-km.  The train leaves S1 60 s late with the one
    # passenger, who waited 123.456 s, was left behind once and rides 150.2 s; capacity 3
    trip = _run("U1", [1, 2], [-60.0, 90.0], [60.0, 60.2], loads=[1, 0], denied=[1, 0])
    passenger = [(-123.456, 1, 2, 0.0, 150.2, 1, "U1", False, 0)]
    result, scenario = _day([trip], passenger, capacity=3, stations_m=(1000.0, 2234.56, 6000.0))
    k = compute_kpis(result, scenario)
    assert k["train_km"] == 1.2
    assert (k["mean_wait_s"], k["p95_wait_s"]) == (123.5, 123.5)
    assert (k["mean_journey_s"], k["p95_journey_s"], k["mean_in_vehicle_s"]) == (273.7, 273.7, 150.2)
    assert (k["stranded_share"], k["denied_boardings"], k["denied_boardings_share"]) == (0.0, 1, 1.0)
    assert (k["peak_load"], k["peak_load_segment"], k["max_load_factor"]) == (1, "1->2", 0.333)
    # one departure, exactly 60 s late: within a minute (|delay| <= 60 s), not early
    assert (k["punctuality_1min"], k["punctuality_3min"], k["early_departures_share"]) == (1.0, 1.0, 0.0)
    assert (k["mean_departure_delay_s"], k["delay_minutes"]) == (60.0, 1.0)
    assert k["excess_wait_s"] is None and k["headway_cv_mean"] is None  # one departure: no headway


def test_punctuality_on_both_sides_of_one_and_three_minutes():
    # nine departures late by +60, -60, +61 | -61, +180, -180 | +181, 0, 0 s
    trips = [_run("U1", [1, 2, 3, 4], [0, 300, 600, 900], [60, -60, 61, 0]),
             _run("U2", [1, 2, 3, 4], [1200, 1500, 1800, 2100], [-61, 180, -180, 0]),
             _run("U3", [1, 2, 3, 4], [2400, 2700, 3000, 3300], [181, 0, 0, 0])]
    k = compute_kpis(*_day(trips))
    assert k["punctuality_1min"] == 0.4444        # 60, -60, 0, 0: 4/9
    assert k["punctuality_3min"] == 0.8889        # all but 181: 8/9
    assert k["early_departures_share"] == 0.2222  # more than 60 s early: -61, -180 (not -60): 2/9
    assert k["mean_departure_delay_s"] == 20.1    # 181 / 9
    assert k["delay_minutes"] == 8.0              # (60 + 61 + 180 + 181) / 60 = 8.03


def test_excess_wait_over_two_hours_and_two_platforms():
    # Four up trips planned from S1 at 07:50, 07:55, 08:00, 08:05 (S2 150 s later).  The second leaves S1
    # 100 s and S2 160 s late, the third 20 s late at both.
    trips = [_up("U1", 3000, [0, 0], [0, 0], [2, 2], [0, 0]), _up("U2", 3300, [100, 160], [140, 160], [2, 2], [0, 0]),
             _up("U3", 3600, [20, 20], [20, 20], [2, 2], [0, 0]), _up("U4", 3900, [0, 0], [0, 0], [2, 2], [0, 0])]
    # S1 planned 3000, 3300, 3600, 3900: SWT 07:00 300²/(2·300) = 150 (the headway ending 07:55);
    #   08:00 (300² + 300²)/(2·600) = 150 (ending 08:00:00 and 08:05).  Actual 3000, 3400, 3620, 3900:
    #   AWT 07:00 400²/800 = 200 (+50); 08:00 (220² + 280²)/(2·500) = 126.8 (-23.2)
    # S2 planned 3150, 3450, 3750, 4050; actual 3150, 3610, 3770, 4050: no actual headway ends in the
    #   07:00 hour (left out); 08:00: SWT (300² + 300²)/600 = 150, AWT (460² + 160² + 280²)/1800 = 175.33
    passengers = [
        (2990, 1, 3, 3000, 3300, 0, "U1", False, 0),   # before the first planned departure: left out
        (3000, 1, 3, 3000, 3300, 0, "U1", False, 0),   # at it: 07:00, +50
        (3500, 1, 3, 3620, 3920, 0, "U3", False, 0),   # 07:58:20, +50
        (3603, 1, 3, 3620, 3920, 0, "U3", False, 0),   # 08:00:03, -23.2
        (3900, 1, 3, 3900, 4200, 0, "U4", False, 0),   # at the last planned departure: -23.2
        (3901, 1, 3, INF, INF, 0, "", True, 0),        # after it: left out
        (3200, 2, 3, 3610, 3760, 0, "U2", False, 0),   # S2 in the 07:00 hour: left out
        (3700, 2, 3, 3770, 3920, 0, "U3", False, 0),   # S2 at 08:00: +25.33
    ]
    # a down trip planned but never run: its platforms have no actual headway at all
    never = [{"id": "D1", "direction": "down", "stops": [3, 2, 1], "planned_arr": [3000, 3150, 3300],
              "planned_dep": [3000, 3180, 3300]}]
    k = compute_kpis(*_day(trips, passengers, planned=never))
    ewt = (2 * 50 + 2 * (126.8 - 150) + (315600 / 1800 - 150)) / 5
    assert ewt == pytest.approx(15.787, abs=1e-3)
    assert k["excess_wait_s"] == 15.8
    # nobody inside the planned service: no EWT
    k = compute_kpis(*_day(trips, [passengers[0], passengers[5]]))
    assert k["excess_wait_s"] is None


def test_peak_pphpd_tie_goes_to_the_earlier_hour_and_a_train_that_takes_nobody():
    # 2 -> 3 up in the 07:00 hour and 3 -> 2 down in the 08:00 hour both carry 4
    up1 = _up("U1", 0, [0, 0], [0, 0], [1, 2], [0, 0])
    up2 = _up("U2", 600, [0, 0], [0, 0], [2, 2], [0, 0])
    down = _run("D1", [3, 2, 1], [3600, 3780, 3900], [0, 0, 0], direction="down", loads=[4, 2, 0])
    k = compute_kpis(*_day([up1, up2, down], capacity=4))
    assert (k["peak_pphpd_carried"], k["peak_pphpd_direction"], k["peak_pphpd_hour"]) == (4, "up", 7)
    assert (k["peak_load"], k["peak_load_segment"]) == (4, "3->2")
    # a train that takes nobody (load standard 0): no load factor
    k = compute_kpis(*_day([up1], capacity=0))
    assert (k["capacity"], k["peak_load"], k["max_load_factor"]) == (0, 2, None)


def test_headway_table_hours_are_clock_hours_of_the_later_departure():
    # S1 departures at 07:59:00, 08:00:03 and 08:05:00: headways of 63 s (08:00 hour) and 297 s (08:00)
    trips = [_run("U1", [1, 2], [3540, 3660], [0, 0]), _run("U2", [1, 2], [3603, 3723], [0, 0]),
             _run("U3", [1, 2], [3900, 4020], [0, 0])]
    hw = headway_table(_day(trips)[0])
    row = hw.set_index(["station", "direction", "hour"]).loc[(1, "up", 8)]
    assert (row.n, row.headway_mean_s) == (2, 180.0)


def test_load_heatmap_grid_and_file(hand, tmp_path):
    from lrt.plotting.loads import load_factor_grid, plot_load_heatmap

    result, scenario, _ = hand
    labels, hours, grid = load_factor_grid(result, scenario, "up")
    assert labels == ["S1 → S2", "S2 → S3"] and list(hours) == [7]
    np.testing.assert_allclose(grid, [[1.0], [1.0]])
    path = tmp_path / "loads.png"
    plot_load_heatmap(result, scenario, path)
    assert path.stat().st_size > 10_000 and path.read_bytes()[:4] == b"\x89PNG"


def test_import_is_light():
    code = "import sys, lrt.kpis; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# -- a simulated day ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def simulated_day():
    from lrt.demand import build_demand
    from lrt.io.demand import read_demand_model
    from lrt.io.line import read_line
    from lrt.io.rollingstock import read_train
    from lrt.io.timetable import read_timetable
    from lrt.paths import shipped_network, shipped_rolling_stock, shipped_timetable
    from lrt.sim import simulate

    line = read_line(shipped_network())
    demand = build_demand(line, read_demand_model(shipped_network() / "demand.toml", line), daily=92000)
    scenario = Scenario(line=line, train=read_train(shipped_rolling_stock()),
                        timetable=read_timetable(shipped_timetable("weekday")), demand=demand)
    result = simulate(scenario, seed=1)
    return result, scenario, compute_kpis(result, scenario)


def test_simulated_day_is_consistent(simulated_day):
    result, scenario, k = simulated_day
    assert set(REQUIRED) <= set(k)
    json.dumps(k, allow_nan=False)
    assert all(v is None or type(v) in (int, float, str) for v in k.values())
    assert k["passengers_generated"] > 50_000
    assert k["passengers_generated"] == k["passengers_completed"] + k["passengers_stranded"]
    assert scenario.options.load_standard == "design"
    assert 0 < k["max_load_factor"] <= 1.0
    assert k["trips_run"] == k["trips_planned"] == len(scenario.timetable.trips)
    assert 0 < k["peak_pphpd_carried"] <= k["peak_pphpd_offered"]
    assert 0 <= k["punctuality_1min"] <= k["punctuality_3min"] <= 1
    assert k["denied_boardings"] == int(result.events["denied"].sum())
    # revenue train-km: every trip runs the whole line, Airport (625 m) to Nurly Zhol (21 776 m)
    chain = [s.chainage_m for s in scenario.line.stations]
    assert k["train_km"] == pytest.approx(len(scenario.timetable.trips) * (chain[-1] - chain[0]) / 1000, abs=0.1)
    boarded = np.isfinite(result.passengers["board_s"])
    wait = result.passengers["board_s"][boarded] - result.passengers["arrival_s"][boarded]
    assert k["mean_wait_s"] == pytest.approx(wait.mean(), abs=0.05)
    text = kpi_table_text(k)
    for heading in ("Service", "Passengers", "Capacity", "Reliability"):
        assert heading in text


# -- the planner's summary ---------------------------------------------------------------------------
def test_summary_table_of_the_hand_day(hand):
    # every figure from the hand-worked values above: mean wait 2550/8 = 318.75 s -> 5.3 min, p95 805.5 s
    # -> 13.4 min; EWT (3·(219.83 - 250) + 2·(206.125 - 250)) / 5 = -35.7 s; journeys 4490/8 = 561.25 s
    # -> 9.4 min, p95 1090 s -> 18.2 min; in vehicle 1940/8 = 242.5 s -> 4.0 min; 3 trains of 2 over each
    # segment in the 07:00 hour: 6 carried of 6 offered; mean delay 220/6 = 36.7 s; 320 s late = 5.3 min;
    # train-hours 1180 s = 0.33 h; no temperature: no energy figures
    _, _, k = hand
    assert kpi_table_text(k).splitlines() == [
        "Service",
        "  trips run / planned                  3 / 3",
        "  revenue train-km                     15 km",
        "Passengers",
        "  generated                            9",
        "  completed                            8",
        "  stranded (no train after them)       1 (11.1 %)",
        "  put off a failed train               1",
        "  wait: mean / 95th percentile         5.3 min / 13.4 min",
        "  excess wait (EWT)                    -36 s",
        "  journey: mean / 95th percentile      9.4 min / 18.2 min",
        "  in vehicle: mean                     4.0 min",
        "Capacity",
        "  train capacity                       2 passengers",
        "  peak load                            2 passengers on 1->2",
        "  max load factor                      100.0 %",
        "  peak pphpd carried / offered         6 / 6 passengers/h (up, 07:00-08:00)",
        "  denied boardings                     4 refusals, 22.2 % of passengers",
        "Reliability",
        "  departures within 1 / 3 min of plan  50.0 % / 83.3 %",
        "  departures > 1 min early             16.7 %",
        "  mean departure delay                 36.7 s",
        "  delay (sum of late departures)       5.3 min",
        "  headway CV, mean over station-hours  0.139",
        "Energy at the substations",
        "  traction drawn / regenerated / net   n/a / n/a / n/a MWh",
        "  HVAC / auxiliaries                   n/a / n/a MWh over 0.33 train-hours",
        "  total, per train-km                  n/a MWh, n/a kWh/train-km (traction n/a)",
    ]


def test_summary_table_formats_every_kind_of_figure():
    # counts with thousands separators, figures >= 100 without decimals, smaller ones to 3 significant
    # digits; times under 100 s in seconds, longer in minutes; shares in per cent; missing figures n/a
    k = {"trips_run": 312, "trips_planned": 314, "train_km": 6641.4, "passengers_generated": 91_234,
         "passengers_completed": 90_001, "passengers_stranded": 1233, "stranded_share": 0.01351,
         "passengers_detrained": 0, "mean_wait_s": 99.4, "p95_wait_s": 100.0, "excess_wait_s": -150.0,
         "mean_journey_s": None, "p95_journey_s": None, "mean_in_vehicle_s": 1234.5, "capacity": 652,
         "peak_load": 1043, "peak_load_segment": "110->111", "max_load_factor": 0.9995,
         "peak_pphpd_carried": 5850, "peak_pphpd_offered": 7824, "peak_pphpd_direction": "down",
         "peak_pphpd_hour": 23, "denied_boardings": 12_345, "denied_boardings_share": None,
         "punctuality_1min": 1.0, "punctuality_3min": None, "early_departures_share": 0.0,
         "mean_departure_delay_s": -3.25, "delay_minutes": 100.0, "headway_cv_mean": 0.0123,
         "traction_drawn_mwh": 12.345, "regenerated_mwh": 3.5, "traction_net_mwh": 8.846, "hvac_mwh": 0.5,
         "auxiliary_mwh": 99.99, "train_hours": 250.0, "energy_mwh": 109.3, "energy_kwh_per_train_km": 16.46,
         "traction_kwh_per_train_km": 1.33}
    text = kpi_table_text(k).splitlines()
    assert [line for line in text if not line.startswith(" ")] == [
        "Service", "Passengers", "Capacity", "Reliability", "Energy at the substations"]
    assert [line[39:] for line in text if line.startswith(" ")] == [
        "312 / 314",
        "6,641 km",
        "91,234", "90,001", "1,233 (1.4 %)", "0",
        "99 s / 1.7 min",             # 99.4 s; 100 s = 1.67 min
        "-2.5 min",
        "n/a / n/a",
        "20.6 min",                   # 1234.5 s
        "652 passengers",
        "1,043 passengers on 110->111",
        "100.0 %",                    # 99.95 %
        "5,850 / 7,824 passengers/h (down, 23:00-24:00)",
        "12,345 refusals, n/a of passengers",
        "100.0 % / n/a",
        "0.0 %",
        "-3.25 s",
        "100 min",
        "0.0123",
        "12.3 / 3.5 / 8.85 MWh",
        "0.5 / 100 MWh over 250 train-hours",
        "109 MWh, 16.5 kWh/train-km (traction 1.33)",
    ]


# --- issue 14: the survivors of mutation testing ---------------------------------------------------------

def _both_ways():
    """Two up trips 1 -> 2 -> 3 (07:00, 07:10) and a third 1 -> 2 at 08:01:40; two down trips 3 -> 2 -> 1
    (07:01:40, 07:11:40), the second 30 s late at 2 and 1.  No planned dwell (runs of 300 s)."""
    return [_run("U1", [1, 2, 3], [0, 300, 600], [0, 0, 0], loads=[1, 1, 0]),
            _run("U2", [1, 2, 3], [600, 900, 1200], [0, 0, 0], loads=[1, 1, 0]),
            _run("U3", [1, 2], [3700, 4000], [0, 0], loads=[2, 0]),
            _run("D1", [3, 2, 1], [100, 400, 700], [0, 0, 0], direction="down", loads=[3, 3, 0]),
            _run("D2", [3, 2, 1], [700, 1000, 1300], [0, 30, 30], direction="down", loads=[2, 3, 0])]


def test_headway_table_in_both_directions_with_one_headway_a_cell():
    hw = headway_table(_day(_both_ways())[0])
    # by station, then "down" before "up", then hour; one headway a cell: its own mean, no spread.  At 2 down
    # D2 leaves 630 s after D1 (planned 600 s): adherence CV = sd(630 - 600) / 600 = 0 for a single headway
    rows = [(1, "up", 7, 1, 600.0, 0.0, 600.0, 0.0), (1, "up", 8, 1, 3100.0, 0.0, 3100.0, 0.0),
            (2, "down", 7, 1, 630.0, 0.0, 600.0, 0.0), (2, "up", 7, 1, 600.0, 0.0, 600.0, 0.0),
            (3, "down", 7, 1, 600.0, 0.0, 600.0, 0.0)]
    assert [tuple(r) for r in hw.itertuples(index=False)] == rows
    assert [hw[c].dtype.kind for c in ("station", "hour", "n")] == ["i", "i", "i"]


def test_load_table_and_the_peak_in_the_down_direction_at_the_design_load():
    result, scenario = _day(_both_ways(), capacity="design")  # make_train: 652 passengers at 6/m²
    loads = load_table(result, scenario)
    # up first, each direction in travel order, then hour: up 1->2 at 07 (two trains, 1 + 1) and at 08
    # (one train, 2), up 2->3 (1 + 1); down 3->2 (3 + 2), down 2->1 (3 + 3)
    rows = [("up", 1, 2, 7, 2, 1.0, 1, 2), ("up", 1, 2, 8, 1, 2.0, 2, 2), ("up", 2, 3, 7, 2, 1.0, 1, 2),
            ("down", 3, 2, 7, 2, 2.5, 3, 5), ("down", 2, 1, 7, 2, 3.0, 3, 6)]
    assert [tuple(r) for r in loads[["direction", "from_station", "to_station", "hour", "trains", "load_mean",
                                     "load_max", "carried"]].itertuples(index=False)] == rows
    assert list(loads.offered) == [2 * 652, 652, 2 * 652, 2 * 652, 2 * 652]
    assert list(loads.load_factor_max) == [1 / 652, 2 / 652, 1 / 652, 3 / 652, 3 / 652]
    assert [loads[c].dtype.kind for c in ("from_station", "to_station", "hour", "trains", "load_max", "carried")] \
        == ["i"] * 6
    k = compute_kpis(result, scenario)
    assert (k["peak_pphpd_carried"], k["peak_pphpd_offered"], k["peak_pphpd_direction"], k["peak_pphpd_hour"]) == (
        6, 2 * 652, "down", 7)
    assert (k["capacity"], k["peak_load"], k["peak_load_segment"]) == (652, 3, "3->2")


def test_load_table_puts_stations_off_the_line_last_in_each_direction():
    # codes 0 and 9 are not stations of the line (1-4): their rows come after the line's, in each direction
    trips = [_run("U1", [1, 2], [0, 300], [0, 0], loads=[1, 0]), _run("U9", [9, 2], [0, 300], [0, 0], loads=[2, 0]),
             _run("D1", [2, 1], [0, 300], [0, 0], direction="down", loads=[3, 0]),
             _run("D0", [0, 1], [0, 300], [0, 0], direction="down", loads=[4, 0])]
    result, scenario = _day(trips)
    loads = load_table(result, scenario)
    assert [tuple(r) for r in loads[["direction", "from_station", "to_station", "carried"]].itertuples(index=False)] \
        == [("up", 1, 2, 1), ("up", 9, 2, 2), ("down", 2, 1, 3), ("down", 0, 1, 4)]


def test_empty_tables_keep_their_integer_columns():
    planned = [{"id": "U1", "direction": "up", "stops": [1, 2], "planned_arr": [0, 120], "planned_dep": [0, 120]}]
    result, scenario = _day([], planned=planned)
    hw, loads = headway_table(result), load_table(result, scenario)
    assert hw.empty and loads.empty
    assert [hw[c].dtype.kind for c in ("station", "hour", "n")] == ["i", "i", "i"]
    assert [loads[c].dtype.kind for c in ("from_station", "to_station", "hour", "trains", "load_max", "carried")] \
        == ["i"] * 6


@pytest.mark.filterwarnings("error")  # a KPI is None or NaN where it is undefined, without a numpy warning
def test_undefined_figures_raise_no_numpy_warning():
    # nothing ran: no mean of nothing
    planned = [{"id": "U1", "direction": "up", "stops": [1, 2], "planned_arr": [0, 120], "planned_dep": [0, 120]}]
    assert compute_kpis(*_day([], planned=planned))["headway_cv_mean"] is None
    # a load standard of 0: no load factor (not a division by zero)
    assert compute_kpis(*_day([_run("U1", [1, 2], [0, 300], [0, 0], loads=[2, 0])], capacity=0))[
        "max_load_factor"] is None
    # two trains leaving 2 together (a headway of 0 s: CV 0/0), and three leaving 1 out of their planned order
    # (planned headways +600 and -600 s: a mean planned headway of 0, adherence CV x/0)
    trips = [_run("A", [1, 2, 3], [0, 300, 600], [0, 0, 0]), _run("B", [1, 2, 3], [600, 900, 1200], [-500, -600, -600]),
             _run("C", [1, 2, 3], [0, 1200, 1500], [200, -900, -900])]
    hw = headway_table(_day(trips)[0]).set_index(["station", "direction", "hour"])
    # at 1: A 0 (planned 0), B 100 (600), C 200 (0): headways 100, 100 (planned +600, -600)
    one = hw.loc[(1, "up", 7)]
    assert (one.n, one.headway_mean_s, one.headway_cv, one.planned_headway_mean_s) == (2, 100.0, 0.0, 0.0)
    assert one.adherence_cv == math.inf  # deviations -500 and +700: sd 600 over a mean planned headway of 0
    # at 2: A 300, B 300, C 300: two headways of 0 s
    two = hw.loc[(2, "up", 7)]
    assert (two.n, two.headway_mean_s) == (2, 0.0) and math.isnan(two.headway_cv)


def test_excess_wait_on_the_platforms_and_hours_each_headway_ends_in():
    # No departures from 1.  At 2 up U1, U2, U3 planned 06:55:00, 07:00:00, 07:10:00 (headways 300 s ending
    # at 07:00:00, the 07:00 hour, and 600 s): SWT (300² + 600²) / (2·900) = 250 s.  Actual 06:55:00,
    # 07:01:00, 07:10:00 (360 and 540 s): AWT (360² + 540²) / (2·900) = 234 s: -16 s for its two passengers.
    # At 3 down D1, D2 planned 07:00:00 and 07:05:00 (SWT 300²/600 = 150 s) leave 1 s apart (AWT 1²/2 =
    # 0.5 s): -149.5 s for its passenger.  At 2 down D1 and D2 leave together (planned 300 s apart): a
    # headway of 0 s has no AWT, its passenger is left out.
    trips = [_run("U1", [2, 3], [-300, -100], [0, 0]), _run("U2", [2, 3], [0, 200], [60, 60]),
             _run("U3", [2, 3], [600, 800], [0, 0]),
             _run("D1", [3, 2, 1], [0, 100, 200], [299, 300, 300], direction="down"),
             _run("D2", [3, 2, 1], [300, 400, 500], [0, 0, 0], direction="down")]
    passengers = [(0, 2, 3, 60, 260, 0, "U2", False, 0), (100, 2, 3, 600, 800, 0, "U3", False, 0),
                  (200, 2, 1, 400, 500, 0, "D1", False, 0), (100, 3, 1, 299, 500, 0, "D1", False, 0)]
    swt_2, awt_2 = (300**2 + 600**2) / (2 * 900), (360**2 + 540**2) / (2 * 900)
    assert (swt_2, awt_2) == (250.0, 234.0)
    ewt = (2 * (awt_2 - swt_2) + (1**2 / 2 - 300**2 / 600)) / 3
    assert ewt == -60.5
    assert compute_kpis(*_day(trips, passengers))["excess_wait_s"] == -60.5


def test_energy_figures_are_rounded_to_the_published_kwh():
    # the auxiliaries of the hand day: 25 kW over 1180 s in service at 92 % supply efficiency = 8.907 kWh,
    # published in MWh to the kWh
    result, scenario = _day(TRIPS, PASSENGERS, conditions=Conditions(temperature_c=-25.0))
    assert (scenario.train.energy.auxiliary_power_w, scenario.line.power.supply_efficiency) == (25000.0, 0.92)
    aux = 25000.0 * 1180 / 3600 / 1e6 / 0.92
    assert aux == pytest.approx(0.008907, abs=1e-6)
    assert compute_kpis(result, scenario)["auxiliary_mwh"] == 0.009


# --- the excess wait's table of (station, direction, hour) cells ------------------------------------------

def test_excess_wait_needs_a_scheduled_and_an_actual_headway_in_the_passengers_hour():
    # S1 up: U1 and U2 planned 07:00:00 and 07:00:01 (a headway of 1 s: SWT 1²/(2·1) = 0.5 s), U2 leaves
    # 299 s late (AWT 300²/600 = 150 s): +149.5 s for the passenger who came at 07:00:00.
    # S2 up: V1 and V2 planned 07:50 and 08:05 (the planned headway ends in the 08:00 hour), V2 leaves at
    # 07:58:20, 400 s early: an actual headway in the 07:00 hour but no scheduled one, so the passenger who
    # came at 07:53:20 is left out (and no actual headway ends in the 08:00 hour)
    trips = [_run("U1", [1, 2], [0, 300], [0, 0]), _run("U2", [1, 2], [1, 301], [299, 299]),
             _run("V1", [2, 3], [3000, 3300], [0, 0]), _run("V2", [2, 3], [3900, 4200], [-400, -400])]
    passengers = [(0, 1, 2, 0, 300, 0, "U1", False, 0), (3200, 2, 3, 3500, 3800, 0, "V2", False, 0)]
    assert (300**2 / (2 * 300) - 1**2 / (2 * 1), 500**2 / (2 * 500)) == (149.5, 250.0)
    assert compute_kpis(*_day(trips, passengers))["excess_wait_s"] == 149.5


def test_excess_wait_in_the_last_planned_hour_and_a_headway_after_it():
    # S1 up: W1, W2 planned 07:50 and 08:00:00, the last planned departure of the day, on the hour; W2 leaves
    # 30 s late: in the 08:00 hour SWT 600²/1200 = 300 s, AWT 630²/1260 = 315 s, +15 s for the passenger who
    # came at 08:00:00.  S2 up: Y1, Y2 on time at 07:50 and 07:55 (SWT = AWT = 150 s): 0 for its passenger.
    # S2 down: X2 runs 70 min late, its headway ends at 09:05, after the planned hours: it adds to no cell
    # (S2 down has no passenger, and the S2 up cell beside it in the table keeps its AWT)
    trips = [_run("W1", [1, 2], [3000, 3300], [0, 0]), _run("W2", [1, 2], [3600, 3900], [30, 30]),
             _run("Y1", [2, 3], [3000, 3300], [0, 0]), _run("Y2", [2, 3], [3300, 3600], [0, 0]),
             _run("X1", [2, 1], [3000, 3300], [0, 0], direction="down"),
             _run("X2", [2, 1], [3300, 3600], [4200, 4200], direction="down")]
    passengers = [(3600, 1, 2, 3630, 3930, 0, "W2", False, 0), (3100, 2, 3, 3300, 3600, 0, "Y2", False, 0)]
    assert (630**2 / 1260 - 600**2 / 1200, 300**2 / 600 - 300**2 / 600) == (15.0, 0.0)
    assert compute_kpis(*_day(trips, passengers))["excess_wait_s"] == (15.0 + 0.0) / 2


def test_excess_wait_of_a_day_when_no_train_ran():
    # two trips planned 5 min apart, both cancelled: a scheduled wait but no actual one, no excess wait
    planned = [{"id": f"U{k}", "direction": "up", "stops": [1, 2], "planned_arr": [t, t + 120],
                "planned_dep": [t, t + 120]} for k, t in ((1, 0), (2, 300))]
    k = compute_kpis(*_day([], [(100, 1, 2, INF, INF, 0, "", True, 0)], planned=planned))
    assert (k["passengers_stranded"], k["excess_wait_s"], k["mean_wait_s"]) == (1, None, None)


def test_peak_load_of_equal_loads_is_the_first_in_time_not_in_the_log():
    # U1 comes first in the event log but leaves 2 full at 07:15; U2, listed after it, leaves 1 full at 07:00
    u1 = _run("U1", [1, 2, 3], [600, 900, 1200], [0, 0, 0], loads=[1, 3, 0])
    u2 = _run("U2", [1, 2, 3], [0, 300, 600], [0, 0, 0], loads=[3, 1, 0])
    k = compute_kpis(*_day([u1, u2], capacity=3))
    assert (k["peak_load"], k["peak_load_segment"], k["max_load_factor"]) == (3, "1->2", 1.0)
