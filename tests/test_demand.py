"""Demand: gravity OD against hand-worked answers, the shipped model's totals and shape, Poisson
arrivals over many seeds, the peak-hour report on a tiny line, and the measured-OD reader's errors."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest
from conftest import make_line
from numpy.testing import assert_allclose

from lrt.demand import Demand, arrivals, build_demand, gravity_od
from lrt.demand_report import demand_report, format_demand_report, segment_loads
from lrt.errors import InputError
from lrt.io.demand import read_demand_model, read_measured_od
from lrt.paths import shipped_network

KM3 = np.array([[0.0, 1000.0, 2000.0], [1000.0, 0.0, 1000.0], [2000.0, 1000.0, 0.0]])


@pytest.fixture(scope="module")
def shipped(astana):
    line, _ = astana
    return line, read_demand_model(shipped_network() / "demand.toml", line)


# --- gravity model -------------------------------------------------------------------------------

@pytest.mark.parametrize("adjacent_factor, expected", [
    # beta = ln 2 per km: f = 1/2 at 1 km, 1/4 at 2 km. The balanced answer has the form
    # T_ij = a_i·b_j·f_ij; take a = (1, 2, 3), b = (3, 1, 2) (×100 below):
    #   T01 = 1·1·1/2 = 0.5   T02 = 1·2·1/4 = 0.5   T10 = 2·3·1/2 = 3
    #   T12 = 2·2·1/2 = 2     T20 = 3·3·1/4 = 2.25  T21 = 3·1·1/2 = 1.5
    # rows O = (1, 5, 3.75), columns D = (5.25, 2, 2.5). Given only O, D and f, Furness must find it
    # (the biproportional fit is unique).
    (1.0, [[0, 50, 50], [300, 0, 200], [225, 150, 0]]),
    # adjacent factor 1/2: f01 = f12 = 1/2·1/2 = 1/4 = f02, so T_ij = a_i·b_j/4:
    #   T01 = 1/4, T02 = 2/4, T10 = 6/4, T12 = 4/4, T20 = 9/4, T21 = 3/4 -> O = (75, 250, 300), D = (375, 100, 150)
    (0.5, [[0, 25, 50], [150, 0, 100], [225, 75, 0]]),
])
def test_gravity_furness_matches_the_hand_worked_three_station_answer(adjacent_factor, expected):
    expected = np.array(expected, dtype=float)
    O, D = expected.sum(axis=1), expected.sum(axis=0)
    T = gravity_od(O, D, KM3, math.log(2), adjacent_factor)
    assert_allclose(T.sum(axis=1), O, rtol=1e-6)
    assert_allclose(T.sum(axis=0), D, rtol=1e-6)
    assert np.all(np.diag(T) == 0)
    assert_allclose(T, expected, rtol=1e-6, atol=1e-9)


def test_gravity_rejects_margins_with_different_totals():
    with pytest.raises(ValueError, match="same positive total"):
        gravity_od([1, 2, 3], [1, 2, 4], KM3, 0.1, 1.0)


def test_gravity_cannot_balance_a_station_with_most_of_the_trips():
    # station 0 starts 8 of 10 trips but the others attract only 2 of them: impossible without i = i trips
    with pytest.raises(ValueError, match="did not converge"):
        gravity_od([8, 1, 1], [8, 1, 1], KM3, 0.1, 1.0, max_iter=200)


def test_segment_loads_assign_each_trip_to_every_segment_it_crosses():
    od = np.array([[0, 5, 10], [0, 0, 0], [4, 0, 0]]) + np.array([[0, 0, 0], [2, 0, 0], [0, 0, 0]])
    loads = segment_loads(od)
    assert_allclose(loads["up"], [15, 10])    # 0->1 and 0->2 on (0,1); 0->2 on (1,2)
    assert_allclose(loads["down"], [6, 4])    # 2->0 and 1->0 on (0,1); 2->0 on (1,2)


# --- the shipped model ---------------------------------------------------------------------------

def test_profiles_sum_to_one_and_run_only_in_service_hours(shipped):
    _, model = shipped
    for profile in model.profiles.values():
        assert profile.share.sum() == pytest.approx(1.0, abs=1e-12)
        assert profile.share.size == 96
        assert np.all(profile.share[:24] == 0)   # nothing before 06:00
        assert profile.share[24] > 0


def test_weekday_peak_hour_is_10_to_14_percent_of_the_day_in_the_am(shipped):
    line, model = shipped
    report = demand_report(build_demand(line, model), line)
    assert 0.10 <= report["peak_hour"]["share_of_day"] <= 0.14
    assert "07:00" <= report["peak_hour"]["start"] <= "08:00"
    weekend = demand_report(build_demand(line, model, day="weekend"), line)
    assert weekend["peak_hour"]["share_of_day"] < report["peak_hour"]["share_of_day"] - 0.02


@pytest.mark.parametrize("daily", [25_000, 92_000])
def test_shipped_model_gives_the_requested_daily_total(shipped, daily):
    line, model = shipped
    demand = build_demand(line, model, daily=daily)
    assert demand.total == pytest.approx(daily, rel=1e-6)
    assert demand.per_bin.sum() == pytest.approx(daily, rel=1e-6)
    assert demand.codes == line.codes
    assert demand.start_s == 6 * 3600 and demand.end_s == 24 * 3600
    n = len(line.codes)
    assert np.all(demand.trips[:, np.arange(n), np.arange(n)] == 0)


def test_default_is_the_design_figure_and_the_factor_scales_it(shipped):
    line, model = shipped
    assert build_demand(line, model).total == pytest.approx(92_000, rel=1e-9)
    assert build_demand(line, model, demand_factor=1.5).total == pytest.approx(138_000, rel=1e-9)
    assert model.initial_daily == 25_000


def test_am_flow_runs_towards_the_government_core(shipped):
    line, model = shipped
    demand = build_demand(line, model)
    core = [line.index(c) for c in (111, 112, 113, 114)]
    bins = ((demand.bin_starts_s - demand.start_s) // 900).astype(int)
    am = (demand.bin_starts_s >= 7 * 3600) & (demand.bin_starts_s < 9 * 3600)
    pm = (demand.bin_starts_s >= 17 * 3600) & (demand.bin_starts_s < 19 * 3600)
    arriving_am = demand.alightings[bins[am]][:, core].sum() / demand.trips[bins[am]].sum()
    arriving_pm = demand.alightings[bins[pm]][:, core].sum() / demand.trips[bins[pm]].sum()
    assert arriving_am > 1.5 * arriving_pm
    report = demand_report(demand, line)
    assert report["peak_direction"]["direction"] == "up"           # Airport side -> core in the AM
    assert 0.65 <= report["peak_direction"]["share"] <= 0.85          # "about 3/4" (reference, section 6)
    assert report["peak_segment"]["up"]["to_code"] in (110, 111, 112)


def test_shipped_demand_file_notes_where_every_number_comes_from():
    import tomllib

    data = tomllib.loads((shipped_network() / "demand.toml").read_text(encoding="utf-8"))
    for key in ("daily_total", "initial_daily"):
        assert "source" in data[key] or "estimate" in data[key], key
    for key, entry in data["gravity"].items():
        assert "source" in entry or "estimate" in entry, key
    for day, profile in data["profiles"].items():
        assert "estimate" in profile or "source" in profile, day
    assert len(data["weights"]) == 18
    for code, entry in data["weights"].items():
        assert "estimate" in entry or "source" in entry, code


# --- arrivals ------------------------------------------------------------------------------------

def test_arrival_counts_average_to_the_expected_total_over_many_seeds(shipped):
    line, model = shipped
    demand = build_demand(line, model, daily=25_000)
    counts = np.array([len(arrivals(demand, np.random.default_rng(s)))
                       for s in np.random.SeedSequence(20250819).spawn(200)])
    sigma_of_mean = math.sqrt(demand.total / counts.size)   # Poisson: variance = mean
    assert abs(counts.mean() - demand.total) < 3 * sigma_of_mean
    assert counts.var(ddof=1) == pytest.approx(demand.total, rel=0.3)  # not a fixed count


def test_arrivals_per_bin_follow_the_bin_expectations(shipped):
    line, model = shipped
    demand = build_demand(line, model)
    rng = np.random.default_rng(7)
    runs = 10
    observed = np.zeros(demand.n_bins)
    by_origin = np.zeros(len(line.codes))
    for _ in range(runs):
        a = arrivals(demand, rng)
        b = ((a.time_s - demand.start_s) // demand.bin_s).astype(int)
        observed += np.bincount(b, minlength=demand.n_bins)
        by_origin += np.bincount(a.origin, minlength=len(line.codes))
    expected = runs * demand.per_bin
    chi2 = ((observed - expected) ** 2 / expected).sum()
    dof = demand.n_bins - 1
    assert chi2 < dof + 5 * math.sqrt(2 * dof)
    assert_allclose(by_origin, runs * demand.boardings.sum(axis=0), rtol=0.05)


def test_arrivals_are_sorted_and_inside_their_bins():
    trips = np.zeros((3, 3, 3))
    trips[1, 0, 2] = 500.0   # only in 07:15-07:30
    trips[2, 2, 0] = 300.0   # only in 07:30-07:45
    demand = Demand(codes=(1, 2, 3), trips=trips, start_s=7 * 3600.0)
    a = arrivals(demand, np.random.default_rng(3))
    assert np.all(np.diff(a.time_s) >= 0)
    up = a.origin == 0
    assert np.all(a.destination[up] == 2) and np.all(a.destination[~up] == 0)
    assert np.all((a.time_s[up] >= 7 * 3600 + 900) & (a.time_s[up] < 7 * 3600 + 1800))
    assert np.all((a.time_s[~up] >= 7 * 3600 + 1800) & (a.time_s[~up] < 7 * 3600 + 2700))
    assert 400 < up.sum() < 600 and 220 < (~up).sum() < 380


def test_same_seed_same_arrivals_and_different_seeds_differ(shipped):
    line, model = shipped
    demand = build_demand(line, model, daily=25_000)
    a, b = (arrivals(demand, np.random.default_rng(11)) for _ in range(2))
    c = arrivals(demand, np.random.default_rng(12))
    for field in ("time_s", "origin", "destination"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert len(a) != len(c) or not np.array_equal(a.time_s, c.time_s)


# --- report ---------------------------------------------------------------------------------------

def test_report_finds_the_peak_hour_direction_and_segment_on_a_tiny_line():
    line = make_line(stations_m=(1000.0, 2000.0, 3000.0))
    base = np.array([[0, 5, 10], [2, 0, 0], [4, 0, 0]], dtype=float)   # 21 trips, 15 of them up
    scale = [1, 0, 2, 3, 4, 1]   # 4-bin windows: 6, 9, 10 -> the peak hour is bins 2-5
    demand = Demand(codes=line.codes, trips=np.array([s * base for s in scale]), start_s=6 * 3600.0)
    report = demand_report(demand, line, offered_pphpd=120.0)
    assert report["daily"] == pytest.approx(11 * 21)
    assert report["daily_by_direction"] == {"up": pytest.approx(11 * 15), "down": pytest.approx(11 * 6)}
    assert (report["peak_hour"]["start"], report["peak_hour"]["end"]) == ("06:30", "07:30")
    assert report["peak_hour"]["passengers"] == pytest.approx(10 * 21)
    assert report["peak_hour"]["share_of_day"] == pytest.approx(10 / 11, abs=1e-4)
    assert report["peak_direction"]["direction"] == "up"
    assert report["peak_direction"]["share"] == pytest.approx(15 / 21, abs=1e-4)
    up, down = report["peak_segment"]["up"], report["peak_segment"]["down"]
    assert (up["from_code"], up["to_code"], up["load_pph"]) == (1, 2, pytest.approx(150))
    assert (down["from_code"], down["to_code"], down["load_pph"]) == (2, 1, pytest.approx(60))
    assert report["capacity"]["load_over_offered"] == pytest.approx(150 / 120, abs=1e-3)
    assert report["capacity"]["verdict"].startswith("over capacity")
    text = format_demand_report(report)
    assert "06:30-07:30" in text and "S1 → S2: 150" in text and "over capacity" in text


# --- measured OD ---------------------------------------------------------------------------------

HEADER = "bin_start,origin,destination,passengers\n"


def test_measured_od_round_trips(astana, tmp_path):
    line, _ = astana
    cells = {(7 * 3600, 101, 113): 12.0, (7 * 3600 + 900, 101, 113): 3.0,
             (7 * 3600 + 900, 118, 112): 5.5, (8 * 3600, 113, 101): 7.0}
    expected = np.zeros((5, 18, 18))
    for (t, o, d), n in cells.items():
        expected[(t - 7 * 3600) // 900, o - 101, d - 101] = n
    path = tmp_path / "od.csv"
    path.write_text(HEADER + "07:00,101,113,12\n07:15,Airport,House of Ministries,3\n"
                    "07:15:00,118,байтерек,5.5\n08:00,113,101,7\n", encoding="utf-8")
    demand = read_measured_od(path, line)
    assert demand.start_s == 7 * 3600 and demand.bin_s == 900
    assert demand.codes == line.codes
    assert_allclose(demand.trips, expected)


@pytest.mark.parametrize("rows, line_no, found", [
    ("07:00,101,113,4\n07:00,Nowhere,113,2\n", 3, "'Nowhere'"),
    ("07:00,101,113,-3\n", 2, "-3"),
    ("07:00,101,113,4\n07:10,101,113,2\n", 3, "'07:10'"),
    ("07:00,101,Airport,4\n", 2, "same station"),
])
def test_measured_od_bad_cells_give_one_line_errors(astana, tmp_path, rows, line_no, found):
    line, _ = astana
    path = tmp_path / "od.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_measured_od(path, line)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path)) and f": line {line_no}: " in message and found in message
    assert "expected" in message


def test_measured_od_missing_column_is_named(astana, tmp_path):
    line, _ = astana
    path = tmp_path / "od.csv"
    path.write_text("bin_start,origin,destination\n07:00,101,113\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"od\.csv: header: .*passengers"):
        read_measured_od(path, line)


# --- demand.toml errors --------------------------------------------------------------------------

@pytest.fixture()
def model_file(tmp_path):
    target = tmp_path / "demand.toml"
    shutil.copy(shipped_network() / "demand.toml", target)
    return target


def test_model_with_an_unknown_station_names_it(astana, model_file):
    line, _ = astana
    text = model_file.read_text(encoding="utf-8").replace("\n118 = {", "\n119 = {")
    model_file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"demand\.toml: weights\.119: station 119 is not on Astana"):
        read_demand_model(model_file, line)
    model = read_demand_model(model_file)   # without a line the file itself is fine ...
    with pytest.raises(InputError, match=r"demand\.toml: weights\.119: station 119 is not on"):
        build_demand(line, model)           # ... until it meets the line


def test_model_with_a_short_profile_says_how_many_values(model_file):
    text = model_file.read_text(encoding="utf-8").replace("     0,  0,  0,  0,   # 00:00\n", "", 1)
    model_file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"profiles\.weekday\.share: 92 values, expected 96 values"):
        read_demand_model(model_file)


def test_model_with_one_dominant_station_cannot_be_balanced(astana, model_file):
    line, _ = astana
    text = model_file.read_text(encoding="utf-8").replace("113 = { am = [ 1, 14]", "113 = { am = [90, 200]")
    model_file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"demand\.toml: weights\.113\.am: .*start and .* end at this station"):
        build_demand(line, read_demand_model(model_file, line))


def test_capacity_shortfall_names_the_worst_hour_and_segment():
    from lrt.demand_report import capacity_shortfall, shortfall_text
    from lrt.timetable.model import Timetable, Trip

    line = make_line((1000.0, 2500.0, 4000.0))
    trips = np.zeros((8, 3, 3))  # 15-min bins from 07:00
    trips[0:4, 0, 2] = 250.0     # 07:00-08:00: 1,000 from S1 to S3, over both segments up
    trips[0:4, 1, 2] = 50.0      # and 200 from S2 to S3: 1,200 on S2 -> S3
    trips[4:8, 0, 1] = 100.0     # 08:00-09:00: 400 from S1 to S2
    demand = Demand(codes=(1, 2, 3), trips=trips, start_s=7 * 3600.0, bin_s=900.0)

    def up(trip_id, start):
        return Trip(trip_id=trip_id, block_id="B" + trip_id, direction="up", stops=(1, 2, 3),
                    arrival_s=(start, start + 120, start + 240), departure_s=(start, start + 150, start + 240))

    timetable = Timetable(name="t", service_id="s", trips=(up("1", 7 * 3600 + 600), up("2", 8 * 3600 + 600)))
    s = capacity_shortfall(demand, timetable, line, capacity=652)
    # 07:00: S1 -> S2 needs 1,000 against one train (652): 1.53; S2 -> S3 needs 1,200 against 652: 1.84
    assert (s["hour"], s["direction"], s["from_code"], s["to_code"], s["trains"]) == (7, "up", 2, 3, 1)
    assert (s["demand_pph"], s["offered_pph"]) == (1200.0, 652.0) and s["ratio"] == pytest.approx(1200 / 652)
    assert shortfall_text(s, 652).startswith("demand exceeds what the timetable can carry: 07:00-08:00 up S2 → S3 "
                                             "needs 1,200 passengers/h, the timetable offers 652 (1 trains × 652)")
    assert capacity_shortfall(demand, timetable, line, capacity=1200) is None  # 1,200 fits exactly
    # no train at all in an hour with demand: the ratio is infinite
    lone = Timetable(name="t", service_id="s", trips=(up("1", 7 * 3600 + 600),))
    assert capacity_shortfall(demand, lone, line, capacity=5000)["hour"] == 8
