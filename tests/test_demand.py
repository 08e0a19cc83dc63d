"""Demand: gravity OD against hand-worked answers, the shipped model's totals and shape, Poisson
arrivals over many seeds, the peak-hour report on a tiny line, and the measured-OD reader's errors."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest
from conftest import make_line
from numpy.testing import assert_allclose

from lrt.demand import Demand, DayProfile, DemandModel, arrivals, build_demand, gravity_od
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


KM4 = 1000.0 * np.abs(np.subtract.outer(np.arange(4), np.arange(4)))  # stations 1 km apart


@pytest.mark.parametrize("adjacent_factor, expected", [
    # On three stations a symmetric deterrence is absorbed by the balancing factors (the one cycle ratio
    # f01·f12·f20 / (f02·f21·f10) is 1), so only four stations show beta and the adjacent factor at work.
    # beta = ln 2 per km: f = 1/2, 1/4, 1/8 at 1, 2, 3 km; a = (1, 2, 1, 2), b = (2, 1, 2, 1), T = a_i·b_j·f_ij:
    #   row 0: 1·1/2, 1·2/4, 1·1/8     row 1: 2·2/2, 2·2/2, 2·1/4
    #   row 2: 1·2/4, 1·1/2, 1·1/2     row 3: 2·2/8, 2·1/4, 2·2/2      (× 8 below)
    (1.0, [[0, 4, 4, 1], [16, 0, 16, 4], [4, 4, 0, 4], [4, 4, 16, 0]]),
    # adjacent factor 1/2: f = 1/4 at 1 km (neighbours) as at 2 km, 1/8 at 3 km
    #   row 0: 1·1/4, 1·2/4, 1·1/8     row 1: 2·2/4, 2·2/4, 2·1/4
    #   row 2: 1·2/4, 1·1/4, 1·1/4     row 3: 2·2/8, 2·1/4, 2·2/4      (× 8 below)
    (0.5, [[0, 2, 4, 1], [8, 0, 8, 4], [4, 2, 0, 2], [4, 4, 8, 0]]),
])
def test_gravity_furness_matches_the_hand_worked_four_station_answer(adjacent_factor, expected):
    expected = np.array(expected, dtype=float)
    T = gravity_od(expected.sum(axis=1), expected.sum(axis=0), KM4, math.log(2), adjacent_factor)
    # converged to 1e-10 of the total on the rows (exact on the columns): cells to 1e-9
    assert_allclose(T, expected, rtol=1e-9, atol=1e-9 * expected.sum())


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


def test_gravity_without_deterrence_splits_each_row_over_the_other_stations():
    # beta = 0 and no adjacent factor: f = 1 off the diagonal.  Equal margins (1, 1, 1): by symmetry every
    # off-diagonal cell is 1/2
    T = gravity_od([1, 1, 1], [1, 1, 1], KM3, 0.0)
    assert_allclose(T, [[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]], rtol=1e-9)
    # one producing station: its row is the attractions, whatever the distances
    T = gravity_od([4, 0, 0], [0, 1, 3], KM3, 5.0, 0.1)
    assert_allclose(T, [[0, 1, 3], [0, 0, 0], [0, 0, 0]], rtol=1e-9)


@pytest.mark.parametrize("args, message", [
    (([1, 2], [1, 2, 0], KM3), r"must be \(n,\) and distance_m \(n, n\); got \(2,\), \(3,\), \(3, 3\)"),
    (([1, 1, 1], [1, 1, 1], KM3[:2]), r"got \(3,\), \(3,\), \(2, 3\)"),
    (([1, -1, 3], [1, 1, 1], KM3), "must be >= 0"),
    (([1, 1, 1], [3, -1, 1], KM3), "must be >= 0"),
    (([1, 1, 1], [1, 1, 1], -KM3), "must be >= 0"),
    (([0, 0, 0], [0, 0, 0], KM3), r"productions \(0\) and attractions \(0\) must have the same positive total"),
])
def test_gravity_refuses_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        gravity_od(*args, 0.1)
    with pytest.raises(ValueError, match="must be >= 0"):
        gravity_od([1, 1, 1], [1, 1, 1], KM3, -0.1)
    with pytest.raises(ValueError, match="must be >= 0"):
        gravity_od([1, 1, 1], [1, 1, 1], KM3, 0.1, -1.0)


def test_gravity_totals_may_differ_by_rounding_only():
    # totals of 3 up to 1e-9 × 3 apart are the same total (rounding), and balance; 4e-9 apart are not
    T = gravity_od([1, 1, 1], [1, 1, 1 + 2e-9], KM3, 0.1)
    assert_allclose(T.sum(axis=1), [1, 1, 1], rtol=1e-10)
    assert_allclose(T.sum(axis=0), [1, 1, 1], rtol=1e-8)
    with pytest.raises(ValueError, match=r"productions \(3\) and attractions \(3\) must have the same"):
        gravity_od([1, 1, 1], [1, 1, 1 + 4e-9], KM3, 0.1)


def test_gravity_stops_at_the_tolerance_it_is_given():
    # a loose tolerance stops Furness early: rows off by more than 1e-10 of the total, but within 1e-2
    O, D = [1.0, 5.0, 3.75], [5.25, 2.0, 2.5]
    T = gravity_od(O, D, KM3, math.log(2), tol=1e-2)
    assert np.abs(T.sum(axis=1) - O).max() <= 1e-2 * 9.75
    assert np.abs(T.sum(axis=1) - O).max() > 1e-10 * 9.75
    assert_allclose(T.sum(axis=0), D, rtol=1e-12)  # columns are exact after their step
    with pytest.raises(ValueError, match="did not converge"):
        gravity_od(O, D, KM3, math.log(2), max_iter=1)
    # the tolerance is relative to the total: rows within the whole total (tol = 1) after one sweep, at any scale
    T = gravity_od(1000 * np.array(O), 1000 * np.array(D), KM3, math.log(2), tol=1.0, max_iter=1)
    assert np.abs(T.sum(axis=1) - 1000 * np.array(O)).max() > 1e-3  # not balanced yet: it stopped after one sweep


# --- the model's data and the demand of a day, on a tiny line ----------------------------------------------

def test_a_profile_is_normalised_and_read_only():
    share = np.array([0.0, 1.0, 3.0])
    profile = DayProfile(share=share)
    share[1] = 100.0  # the caller's array changes; the profile's does not
    assert_allclose(profile.share, [0, 0.25, 0.75], rtol=1e-15)
    assert profile.bin_s == 900.0 and profile.periods == ()
    with pytest.raises(ValueError):
        profile.share[0] = 1.0


@pytest.mark.parametrize("share", [[1.0, -0.1], [0.0, 0.0], [1.0, float("nan")], [[1.0, 1.0]], [1.0, float("inf")]])
def test_a_profile_needs_finite_shares_with_a_positive_sum(share):
    with pytest.raises(ValueError, match="a profile needs finite shares >= 0 with a positive sum"):
        DayProfile(share=share)


@pytest.mark.parametrize("period", [("am", -900.0, 900.0), ("am", 900.0, 900.0), ("night", 0.0, 900.0)])
def test_a_profile_period_is_a_known_window_with_start_before_end(period):
    with pytest.raises(ValueError, match=rf"period '{period[0]}' .* must be one of \('am', 'pm', 'offpeak'\) "
                                         r"with start < end"):
        DayProfile(share=[1.0], periods=(period,))


def test_bins_take_the_period_their_start_falls_in():
    # am 00:15-00:45 (900-2700 s): the bin starting at 900 s is in it, the one starting at 2700 s is not
    profile = DayProfile(share=[1.0] * 5, periods=(("am", 0.0, 900.0), ("pm", 1800.0, 2700.0)))
    assert profile.period_of_bins() == ["am", "offpeak", "pm", "offpeak", "offpeak"]
    profile = DayProfile(share=[1.0] * 4, bin_s=600.0, periods=(("pm", 600.0, 1200.0),))
    assert profile.period_of_bins() == ["offpeak", "pm", "offpeak", "offpeak"]


def _weights(am, pm=(1.0, 1.0, 1.0), offpeak=(1.0, 1.0, 1.0)):
    return {"am": np.array(am), "pm": np.array(pm), "offpeak": np.array(offpeak)}


def _model(**changes):
    base = dict(daily_total=1200.0, codes=(3, 1, 2), beta_per_km=0.0,
                profiles={"weekday": DayProfile(share=[0, 0, 1, 1, 2, 0, 0], periods=(("am", 1800.0, 2700.0),)),
                          "weekend": DayProfile(share=[0, 0, 0, 0, 1, 1, 0])},
                # in the model's order (3, 1, 2): in the am, all trips start at station 1 and end at 2 or 3
                production=_weights([0.0, 2.0, 0.0]), attraction=_weights([3.0, 0.0, 1.0]))
    base.update(changes)
    return DemandModel(**base)


def test_build_demand_on_a_tiny_line_worked_by_hand():
    line = make_line((1000.0, 2000.0, 3000.0))
    d = build_demand(line, _model())
    # bins 2-4 of the day carry 1/4, 1/4 and 2/4 of 1200 passengers: start at 2 × 900 s
    assert (d.codes, d.start_s, d.bin_s, d.n_bins, d.end_s) == ((1, 2, 3), 1800.0, 900.0, 3, 4500.0)
    assert_allclose(d.bin_starts_s, [1800, 2700, 3600])
    assert d.label == "weekday model, 1,200 passengers/day"
    # bins 2 and 3 start at 1800 and 2700 s: bin 2 is am (1800-2700), bins 3 and 4 offpeak
    # am: station 1 produces all; attraction (line order 1, 2, 3) = (0, 1, 3)/4: row 1 = (0, 1/4, 3/4)
    # offpeak: equal weights, no deterrence: every off-diagonal cell 1/6
    am = np.array([[0, 1, 3], [0, 0, 0], [0, 0, 0]]) / 4
    off = (np.ones((3, 3)) - np.eye(3)) / 6
    assert_allclose(d.trips, [300 * am, 300 * off, 600 * off], rtol=1e-9, atol=1e-12)
    assert d.total == pytest.approx(1200, rel=1e-12)
    assert_allclose(d.per_bin, [300, 300, 600], rtol=1e-12)
    assert_allclose(d.od_total, 300 * am + 900 * off, rtol=1e-9, atol=1e-12)
    assert_allclose(d.boardings, [[300, 0, 0], [100, 100, 100], [200, 200, 200]], rtol=1e-9, atol=1e-9)
    assert_allclose(d.alightings, [[0, 75, 225], [100, 100, 100], [200, 200, 200]], rtol=1e-9, atol=1e-9)
    # another day, another total, a demand factor
    w = build_demand(line, _model(), day="weekend", daily=500.0, demand_factor=1.5)
    assert (w.start_s, w.n_bins, w.total) == (3600.0, 2, pytest.approx(750.0, rel=1e-12))
    assert w.label == "weekend model, 750 passengers/day"


def test_build_demand_with_deterrence_on_four_stations():
    # the four-station answer above (adjacent factor 1/2) as a model: its margins as weights, one 30-min bin
    expected = np.array([[0, 2, 4, 1], [8, 0, 8, 4], [4, 2, 0, 2], [4, 4, 8, 0]], dtype=float)  # 51 trips
    O, D = expected.sum(axis=1), expected.sum(axis=0)
    weights = {p: O for p in ("am", "pm", "offpeak")}, {p: D for p in ("am", "pm", "offpeak")}
    model = DemandModel(daily_total=51.0, codes=(1, 2, 3, 4), beta_per_km=math.log(2), adjacent_factor=0.5,
                        profiles={"weekday": DayProfile(share=[0, 0, 1], bin_s=1800.0)},
                        production=weights[0], attraction=weights[1])
    d = build_demand(make_line((1000.0, 2000.0, 3000.0, 4000.0)), model)
    assert (d.start_s, d.bin_s, d.n_bins) == (3600.0, 1800.0, 1)
    assert_allclose(d.trips[0], expected, rtol=1e-9, atol=1e-9 * 51)


def test_model_weights_are_floats_of_their_own():
    production = _weights([0, 2, 0])  # integers
    model = _model(production=production, daily_total=0.5)  # any positive total
    production["am"][1] = 7
    assert model.production["am"].dtype == float and list(model.production["am"]) == [0.0, 2.0, 0.0]
    assert Demand(codes=(1, 2), trips=np.zeros((1, 2, 2)), start_s=0.0, bin_s=0.5).bin_s == 0.5  # any positive bin


def test_build_demand_refuses_a_day_or_a_total_it_cannot_build():
    line = make_line((1000.0, 2000.0, 3000.0))
    with pytest.raises(ValueError, match="day 'holiday' is not one of weekday, weekend"):
        build_demand(line, _model(), day="holiday")
    with pytest.raises(ValueError, match="daily total × demand factor must be positive, got 0"):
        build_demand(line, _model(), demand_factor=0.0)
    with pytest.raises(ValueError, match="got -5"):
        build_demand(line, _model(), daily=-5.0)
    with pytest.raises(InputError, match=r"demand model: weights: no weights for station 3, expected weights "
                                         r"for every station of test line"):
        build_demand(line, _model(codes=(1, 2, 2)))
    with pytest.raises(InputError, match=r"demand model: weights.4: station 4 is not on test line, expected a "
                                         r"station code of the line \(1-3\)"):
        build_demand(line, _model(codes=(4, 1, 2)))


def test_model_validation_names_what_is_wrong():
    for changes in ({"daily_total": 0.0}, {"beta_per_km": -0.1}, {"adjacent_factor": -1.0}):
        with pytest.raises(ValueError, match="daily_total must be positive, beta_per_km and adjacent_factor >= 0"):
            _model(**changes)
    _model(beta_per_km=0.0, adjacent_factor=0.0)  # zero is allowed
    with pytest.raises(ValueError, match="a demand model needs at least one day profile"):
        _model(profiles={})
    bad = {"am": np.ones(3), "pm": np.ones(3)}
    with pytest.raises(ValueError, match=r"production must be given for the periods \('am', 'pm', 'offpeak'\), "
                                         r"got \['am', 'pm'\]"):
        _model(production=bad)
    for weights in (_weights([1.0, 1.0]), _weights([1.0, -1.0, 1.0]), _weights([0.0, 0.0, 0.0]),
                    _weights([1.0, float("nan"), 1.0])):
        with pytest.raises(ValueError, match="attraction am must be 3 finite values >= 0 with a positive sum"):
            _model(attraction=weights)
    m = _model()
    assert m.initial_daily == 0.0 and m.adjacent_factor == 1.0 and m.source == "demand model"
    with pytest.raises(ValueError):
        m.production["am"][0] = 5.0  # read-only


@pytest.mark.parametrize("trips, start_s, bin_s, message", [
    (np.zeros((2, 3)), 0.0, 900.0, r"trips must have the shape \(n_bins, 3, 3\), got \(2, 3\)"),
    (np.zeros((1, 3, 2)), 0.0, 900.0, r"got \(1, 3, 2\)"),
    (np.full((1, 3, 3), -1.0), 0.0, 900.0, "trips must be finite and >= 0"),
    (np.full((1, 3, 3), np.inf), 0.0, 900.0, "trips must be finite and >= 0"),
    (np.ones((1, 3, 3)), 0.0, 900.0, "trips from a station to itself must be zero"),
    (np.zeros((1, 3, 3)), -1.0, 900.0, "bin_s must be positive and start_s >= 0"),
    (np.zeros((1, 3, 3)), 0.0, 0.0, "bin_s must be positive and start_s >= 0"),
])
def test_demand_validation(trips, start_s, bin_s, message):
    with pytest.raises(ValueError, match=message):
        Demand(codes=(1, 2, 3), trips=trips, start_s=start_s, bin_s=bin_s)


def test_demand_at_the_start_of_the_day_is_read_only():
    trips = np.zeros((1, 3, 3))
    d = Demand(codes=(1, 2, 3), trips=trips, start_s=0.0)
    trips[0, 0, 1] = 5.0
    assert d.total == 0.0 and d.bin_s == 900.0 and d.label == ""
    with pytest.raises(ValueError):
        d.trips[0, 0, 1] = 1.0


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
    lam, n = demand.total, counts.size
    sigma_of_mean = math.sqrt(lam / n)   # Poisson: variance = mean
    assert abs(counts.mean() - lam) < 3 * sigma_of_mean
    # the sample variance is the mean too (not a fixed count); its standard error from the Poisson's
    # fourth central moment lam + 3 lam²: Var(s²) = (mu4 - (n - 3)/(n - 1) lam²) / n
    se_var = math.sqrt((lam + 3 * lam**2 - (n - 3) / (n - 1) * lam**2) / n)
    assert abs(counts.var(ddof=1) - lam) < 3 * se_var


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
    expected_origin = runs * demand.boardings.sum(axis=0)
    assert np.all(np.abs(by_origin - expected_origin) < 4 * np.sqrt(expected_origin))  # Poisson: sd = sqrt(mean)


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
    # Poisson counts: within 4 standard errors (sqrt of the mean) of 500 and 300
    assert abs(up.sum() - 500) < 4 * math.sqrt(500) and abs((~up).sum() - 300) < 4 * math.sqrt(300)
    # uniform within the bin: mean offset 450 s, standard deviation 900 / sqrt(12) s, each within 4
    # standard errors (of the standard deviation: sqrt(0.8 / n) / 2 relative, as mu4 = 900⁴/80)
    for mask, start in ((up, 7 * 3600 + 900), (~up, 7 * 3600 + 1800)):
        offset = a.time_s[mask] - start
        assert abs(offset.mean() - 450) < 4 * 900 / math.sqrt(12 * mask.sum())
        assert offset.std() == pytest.approx(900 / math.sqrt(12), rel=4 * math.sqrt(0.8 / mask.sum()) / 2)
    assert a.codes == (1, 2, 3) and len(a) == a.time_s.size == a.origin.size == a.destination.size
    assert a.origin.dtype == a.destination.dtype == np.int64 and a.time_s.dtype == float
    assert not (a.time_s.flags.writeable or a.origin.flags.writeable or a.destination.flags.writeable)


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
    with pytest.raises(InputError, match=r"demand\.toml: weights\.113\.am: \d+% of the am trips start and \d+% end "
                                         r"at this station, expected shares that leave trips for the other "
                                         r"stations \(together well below 100 %\)$"):
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


# --- issue 14: the survivors of mutation testing ---------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda: DayProfile(share=[0.0, 0.0]), "a profile needs finite shares >= 0 with a positive sum"),
    (lambda: _model(daily_total=0.0), "daily_total must be positive, beta_per_km and adjacent_factor >= 0"),
    (lambda: _model(profiles={}), "a demand model needs at least one day profile"),
    (lambda: Demand(codes=(1, 2), trips=-np.ones((1, 2, 2)), start_s=0.0), "trips must be finite and >= 0"),
    (lambda: Demand(codes=(1, 2), trips=np.ones((1, 2, 2)), start_s=0.0),
     "trips from a station to itself must be zero"),
    (lambda: Demand(codes=(1, 2), trips=np.zeros((1, 2, 2)), start_s=-1.0), "bin_s must be positive and start_s >= 0"),
    (lambda: gravity_od([1, 1, 1], [1, 1, 1], KM3, -0.1),
     "productions, attractions, distances, beta and adjacent_factor must be >= 0"),
    (lambda: gravity_od([8, 1, 1], [8, 1, 1], KM3, 0.1, max_iter=200),
     "Furness balancing did not converge: the station totals cannot be met without same-station trips "
     "(a station with more than half of all trips?)"),
    (lambda: gravity_od(np.ones((2, 2)), np.ones(4), np.zeros((4, 4)), 0.1),
     "productions and attractions must be (n,) and distance_m (n, n); got (2, 2), (4,), (4, 4)"),
])
def test_refusals_say_exactly_what_is_wrong(make, message):
    # the library's own callers (scripts, notebooks) see these words: the whole message, not a part of it
    with pytest.raises(ValueError) as e:
        make()
    assert str(e.value) == message


def test_gravity_with_an_adjacent_factor_of_zero():
    # f = 0 between neighbours: on three stations only 1 <-> 3 is left.  O = D = (1, 0, 1): the one trip
    # from station 1 goes to 3 and back, whatever beta
    T = gravity_od([1.0, 0.0, 1.0], [1.0, 0.0, 1.0], KM3, 0.1, adjacent_factor=0.0)
    assert_allclose(T, [[0, 0, 1], [0, 0, 0], [1, 0, 0]], rtol=1e-12, atol=0)


def test_a_day_of_one_passenger_and_weights_that_sum_to_less_than_one():
    # any positive total builds (1 passenger, 0.5 passenger), and weights are relative: (0, 0.5, 0) is
    # the same model as (0, 2, 0).  The am bin carries 1/4 of the day: row 1 = (0, 1/4, 3/4) of it
    line = make_line((1000.0, 2000.0, 3000.0))
    halves = _model(production=_weights([0.0, 0.5, 0.0], pm=(0.2, 0.3, 0.5), offpeak=(0.1, 0.1, 0.1)))
    for daily in (1.0, 0.5):
        d = build_demand(line, halves, daily=daily)
        assert d.total == pytest.approx(daily, rel=1e-12)
        assert_allclose(d.trips[0], daily / 4 * np.array([[0, 1, 3], [0, 0, 0], [0, 0, 0]]) / 4, rtol=1e-9, atol=1e-15)
        assert_allclose(d.trips, build_demand(line, _model(), daily=daily).trips, rtol=1e-9, atol=1e-15)


class _Drawn:
    """A stub generator: Poisson counts equal to their means, uniform draws given in advance."""

    def __init__(self, uniforms):
        self.uniforms = np.asarray(uniforms, dtype=float)

    def poisson(self, lam):
        return np.rint(lam).astype(int)

    def random(self, size):
        assert size == self.uniforms.size
        return self.uniforms


def test_arrivals_at_the_same_time_keep_the_draw_order():
    # one bin from 07:00, 10 passengers on each of the six OD pairs, drawn pair by pair in the matrix's order
    # (1->2, 1->3, 2->1, 2->3, 3->1, 3->2), the pairs at 07:07:30, 07:00:00 in turn: sorted by time, ties in
    # draw order
    trips = np.full((1, 3, 3), 10.0) * (1 - np.eye(3))
    demand = Demand(codes=(1, 2, 3), trips=trips, start_s=7 * 3600.0)
    a = arrivals(demand, _Drawn(np.repeat([0.5, 0.0, 0.5, 0.0, 0.5, 0.0], 10)))
    assert_allclose(a.time_s, [7 * 3600.0] * 30 + [7 * 3600.0 + 450] * 30, rtol=0, atol=0)
    assert a.origin.tolist() == np.repeat([0, 1, 2, 0, 1, 2], 10).tolist()
    assert a.destination.tolist() == np.repeat([2, 2, 1, 1, 0, 0], 10).tolist()


class _TwoMoments:
    """A generator whose Poisson counts are the expectations and whose uniforms are 0.5, 0.25, 0.5, 0.25 ...:
    the passengers of a bin arrive at two moments only."""

    def poisson(self, lam):
        return np.rint(lam).astype(np.int64)

    def random(self, n):
        return np.resize([0.5, 0.25], n)


def test_passengers_arriving_at_the_same_moment_keep_the_draw_order():
    # one bin of 900 s from 6:00, three stations: 40 passengers 0->1, 30 0->2, 25 1->2, drawn in that order
    # (origin-major); the odd draws arrive at 6:03:45, the even ones at 6:07:30, and ties keep the draw order
    trips = np.zeros((1, 3, 3))
    trips[0, 0, 1], trips[0, 0, 2], trips[0, 1, 2] = 40, 30, 25
    a = arrivals(Demand(codes=(1, 2, 3), trips=trips, start_s=6 * 3600.0, bin_s=900.0), _TwoMoments())
    drawn = [(0, 1)] * 40 + [(0, 2)] * 30 + [(1, 2)] * 25
    expected = [drawn[k] for k in range(1, 95, 2)] + [drawn[k] for k in range(0, 95, 2)]
    assert a.time_s.tolist() == [6 * 3600.0 + 225.0] * 47 + [6 * 3600.0 + 450.0] * 48
    assert list(zip(a.origin.tolist(), a.destination.tolist())) == expected
