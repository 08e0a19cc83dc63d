"""Reading demand inputs: the gravity model file and a measured OD table.  Every check on both sides of its
limit, each refusal as the exact line the user reads after ``error: `` (``lrt demand`` prints
``str(InputError)``; tests/test_bad_input.py shows it through the command), and the values as typed.
"""

from __future__ import annotations

import numpy as np
import pytest
from badinput import copy_of, edit

from lrt.errors import InputError
from lrt.io.demand import read_demand_model, read_measured_od
from lrt.paths import shipped_network


@pytest.fixture()
def model(tmp_path):
    return copy_of(shipped_network() / "demand.toml", tmp_path / "demand.toml")


def _refusal(read, path, *args) -> str:
    with pytest.raises(InputError) as exc:
        read(path, *args)
    return str(exc.value)


ZEROS = "     0,  0,  0,  0,   # 00:00\n"  # the first row of both profiles
MODEL = [
    ("schema_version = 1", "schema_version = 2", "schema_version: 2, expected 1"),
    ("daily_total = { value = 92000,", "daily_total = { value = 0,", "daily_total: 0 passengers, expected a positive value"),
    ("daily_total = { value = 92000,", "daily_total = { value = 2100000,",
     "daily_total: 2.1e+06 passengers, expected at most 2,000,000 passengers a day"),
    ("initial_daily = { value = 25000,", "initial_daily = { value = -1,", "initial_daily: -1 passengers, expected a value >= 0"),
    ("initial_daily = { value = 25000,", "initial_daily = { value = 3000000,",
     "initial_daily: 3e+06 passengers, expected at most 2,000,000 passengers a day"),
    ("deterrence_length = { value = 12.5,", "deterrence_length = { value = 0,",
     "gravity.deterrence_length: 0 km, expected a positive value"),
    ("adjacent_factor = { value = 0.3,", "adjacent_factor = { value = -0.1,",
     "gravity.adjacent_factor: -0.1 1, expected a value >= 0"),
    ("[profiles.weekday]", "[profiles.workday]",
     "profiles.weekday: missing, expected a [profiles.weekday] table (and usually [profiles.weekend])"),
    ("share = [", "shares = [", "profiles.weekday.share: missing, expected an array of numbers"),
    ("share = [", "share = 1\nx = [", "profiles.weekday.share: 1, expected an array of numbers"),
    (ZEROS, "", "profiles.weekday.share: 92 values, expected 96 values"),
    (ZEROS, "     0,  0,  0, -1,\n", "profiles.weekday.share[3]: -1, expected a number >= 0"),
    (ZEROS, "     0,  0,  0, nan,\n", "profiles.weekday.share[3]: nan, expected a number >= 0"),
    (ZEROS, '     0,  0,  0, "4",\n', "profiles.weekday.share[3]: '4', expected a number >= 0"),
    (ZEROS, "     0,  0,  0, true,\n", "profiles.weekday.share[3]: True, expected a number >= 0"),
    ('am_period = { start = "06:00"', 'am_period = { start = "6h"', "profiles.weekday.am_period.start: '6h', expected a "
                                                                    "time HH:MM"),
    ('am_period = { start = "06:00"', 'am_period = { start = "06:10"',
     "profiles.weekday.am_period.start: '06:10', expected a time between 00:00 and 24:00 on a 15-min boundary"),
    ('pm_period = { start = "16:00", end = "20:00"', 'pm_period = { start = "16:00", end = "24:15"',
     "profiles.weekday.pm_period.end: '24:15', expected a time between 00:00 and 24:00 on a 15-min boundary"),
    ('end = "10:00"', 'end = "06:00"', "profiles.weekday.am_period.end: 06:00, expected a time after start (06:00)"),
    ('end = "10:00"', 'end = "16:15"', "profiles.weekday.pm_period: a window that overlaps am_period, expected am and pm "
                                       "windows that do not overlap"),
    ("\n101 = {", "\nabc = {", "weights.abc: key 'abc', expected a station code such as 101"),
    ("\n102 = {", '\n"0101" = {', "weights.0101: station 101 given twice, expected one entry per station"),
    ("101 = { am = [ 5,  3]", "101 = { am = [ 5,  3, 1]", "weights.101.am: 3 values, expected 2 values"),
    ("101 = { am = [ 5,  3]", "101 = { am = [ 5,  -3]", "weights.101.am[1]: -3, expected a number >= 0"),
]


@pytest.mark.parametrize("old, new, message", MODEL, ids=[c[2][:50] for c in MODEL])
def test_each_check_of_the_demand_model_refuses_with_its_exact_message(model, old, new, message):
    edit(model, old, new)
    assert _refusal(read_demand_model, model) == f"{model}: {message}"


def _weights(model, rows: str):
    """The model with its [weights] table replaced by ``rows``."""
    text = model.read_text(encoding="utf-8")
    model.write_text(text[:text.index("[weights]")] + "[weights]\n" + rows, encoding="utf-8")


def test_the_weights_must_cover_the_line_and_have_something_in_every_period(model, astana):
    line, _ = astana
    edit(model, "\n118 = {", "\n119 = {")
    assert _refusal(read_demand_model, model, line) == (
        f"{model}: weights.119: station 119 is not on Astana LRT Line 1, expected a station code of the line (101-118)")
    edit(model, "\n119 = {", "\n# 118 = {")
    assert _refusal(read_demand_model, model, line) == (
        f"{model}: weights: no weights for station 118, expected weights for every station of Astana LRT Line 1")
    assert read_demand_model(model).codes == tuple(range(101, 118))  # without a line: 17 stations are a model
    _weights(model, "101 = { am = [1, 1], pm = [1, 1], offpeak = [1, 1] }\n")
    assert _refusal(read_demand_model, model) == (
        f"{model}: weights: 1 station(s), expected weights for at least two stations")
    _weights(model, "101 = { am = [0, 1], pm = [1, 1], offpeak = [1, 1] }\n102 = { am = [0, 1], pm = [1, 1], offpeak = [1, 1] }\n")
    assert _refusal(read_demand_model, model) == (
        f"{model}: weights: every am production is zero, expected at least one positive weight per period")
    _weights(model, "101 = { am = [1, 1], pm = [1, 1], offpeak = [1, 0] }\n102 = { am = [1, 1], pm = [1, 1], offpeak = [1, 0] }\n")
    assert _refusal(read_demand_model, model) == (
        f"{model}: weights: every offpeak attraction is zero, expected at least one positive weight per period")
    _weights(model, "101 = { am = [1, 0], pm = [2, 3], offpeak = [0, 5] }\n102 = { am = [0, 4], pm = [0, 0], offpeak = [6, 0] }\n")
    m = read_demand_model(model)  # two stations, each period with something produced and attracted
    assert m.codes == (101, 102)
    assert {p: list(v) for p, v in m.production.items()} == {"am": [1, 0], "pm": [2, 0], "offpeak": [0, 6]}
    assert {p: list(v) for p, v in m.attraction.items()} == {"am": [0, 4], "pm": [3, 0], "offpeak": [5, 0]}


def test_a_profile_of_zeros_is_refused(model):
    text = model.read_text(encoding="utf-8")
    start = text.index("share = [", text.index("[profiles.weekend]"))
    end = text.index("]", start)
    model.write_text(text[:start] + "share = [" + ", ".join(["0"] * 96) + text[end:], encoding="utf-8")
    assert _refusal(read_demand_model, model) == (
        f"{model}: profiles.weekend.share: all zero, expected some positive shares (they are normalised to sum 1)")


def test_one_passenger_over_the_limit_is_refused(model):
    edit(model, "daily_total = { value = 92000,", "daily_total = { value = 2000001,")
    message = _refusal(read_demand_model, model)
    # (the found value prints with 6 significant digits: "2e+06")
    assert message.startswith(f"{model}: daily_total: ") and message.endswith(", expected at most 2,000,000 passengers a day")


def test_values_exactly_at_their_limits_are_accepted(model):
    edit(model, "daily_total = { value = 92000,", "daily_total = { value = 2000000,")
    edit(model, "initial_daily = { value = 25000,", "initial_daily = { value = 0,")
    edit(model, "adjacent_factor = { value = 0.3,", "adjacent_factor = { value = 0,")
    edit(model, 'am_period = { start = "06:00", end = "10:00" }', 'am_period = { start = "00:00", end = "16:00" }')
    edit(model, 'pm_period = { start = "16:00", end = "20:00" }', 'pm_period = { start = "16:00", end = "24:00" }')
    edit(model, ZEROS, "     0,  0,  0,  0.5,\n")
    m = read_demand_model(model)
    assert (m.daily_total, m.initial_daily, m.adjacent_factor) == (2_000_000, 0, 0)
    assert m.profiles["weekday"].periods == (("am", 0, 16 * 3600), ("pm", 16 * 3600, 24 * 3600))  # touching windows


def test_the_shipped_model_as_typed(astana):
    line, _ = astana
    path = shipped_network() / "demand.toml"
    m = read_demand_model(path, line)
    assert (m.daily_total, m.initial_daily, m.adjacent_factor) == (92_000, 25_000, 0.3)
    assert m.source.endswith("network/astana-line1/demand.toml")  # as the user would name it (display_path)
    assert m.beta_per_km == pytest.approx(1 / 12.5, rel=1e-15)  # 1 / deterrence length 12.5 km
    assert m.codes == line.codes and set(m.profiles) == {"weekday", "weekend"}
    weekday, weekend = m.profiles["weekday"], m.profiles["weekend"]
    assert weekday.periods == (("am", 6 * 3600, 10 * 3600), ("pm", 16 * 3600, 20 * 3600)) and weekend.periods == ()
    assert weekday.bin_s == 900 and weekday.share.size == 96
    # 07:45-08:00 is the 32nd bin; its 31 per mille of the day's 1,000 (the weekday rows sum to 1,000)
    assert weekday.share[31] == pytest.approx(31 / 1000, rel=1e-12)
    assert list(m.production["am"][:3]) == [5, 9, 9] and list(m.attraction["pm"][-2:]) == [4, 5]
    assert list(m.production["offpeak"][11:13]) == [7, 6] and list(m.attraction["offpeak"][11:13]) == [7, 6]


# --- a measured OD table ----------------------------------------------------------------------------

HEADER = "bin_start,origin,destination,passengers\n"


def _od(tmp_path, rows: str):
    path = tmp_path / "od.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


OD = [
    ("07:00,101,113,5\n07:00,101,113,1\n", "line 3: origin: a second row for 07:00 101 → 113, expected one row per bin "
                                           "and OD pair (first on line 2)"),
    ("07:00,101,113,5\n07:00:00,Airport,дом министерств,1\n",
     "line 3: origin: a second row for 07:00:00 Airport → дом министерств, expected one row per bin and OD pair "
     "(first on line 2)"),
    ("07:00,101,Nowhere,5\n", "line 2: destination: 'Nowhere', expected a station code or name of Astana LRT Line 1"),
    ("07:00,Nowhere,101,5\n", "line 2: origin: 'Nowhere', expected a station code or name of Astana LRT Line 1"),
    ("07:00,113,Дом министерств,5\n", "line 2: destination: 'Дом министерств', the same station as the origin, "
                                      "expected a station other than the origin"),
    ("07:05,101,113,5\n", "line 2: bin_start: '07:05', expected a time on a 15-min boundary (HH:00, HH:15, HH:30 or HH:45)"),
    ("7h,101,113,5\n", "line 2: bin_start: '7h', expected a time HH:MM or HH:MM:SS"),
    ("30:00,101,113,5\n", "line 2: bin_start: '30:00', expected a bin that ends by the end of the service day "
                          "(at most 29:45)"),
    ("07:00,101,113,-0.5\n", "line 2: passengers: -0.5, expected a number >= 0"),
    ("07:00,101,113,\n", "line 2: passengers: empty, expected a number"),
    ("07:00,101,113,2000000\n07:15,101,113,1\n", "line 3: passengers: 1, making 2,000,001 in the table so far, "
                                                 "expected at most 2,000,000 passengers in the whole table (a day)"),
]


@pytest.mark.parametrize("rows, message", OD, ids=[c[1][:50] for c in OD])
def test_each_check_of_a_measured_od_table_refuses_with_its_exact_message(tmp_path, astana, rows, message):
    path = _od(tmp_path, rows)
    assert _refusal(read_measured_od, path, astana[0]) == f"{path}: {message}"


def test_an_od_table_without_rows_is_refused(tmp_path, astana):
    path = _od(tmp_path, "")
    assert _refusal(read_measured_od, path, astana[0]) == f"{path}: rows: no data rows, expected one row per 15-min bin " \
                                                          "and OD pair"


def test_an_od_table_at_its_limits_is_read_cell_by_cell(tmp_path, astana):
    line, _ = astana
    # the last bin of the day (29:45) and exactly the day's limit of passengers, zeros allowed
    path = _od(tmp_path, "29:45,118,101,1999999\n29:00,101,102,0\n29:15,Nurly Zhol,Airport,1\n")
    d = read_measured_od(path, line)
    assert (d.start_s, d.bin_s, d.codes, d.label) == (29 * 3600, 900, line.codes, f"measured OD {path}")
    expected = np.zeros((4, 18, 18))  # bins 29:00, 29:15, 29:30, 29:45
    expected[3, 17, 0] = 1_999_999
    expected[1, 17, 0] = 1
    np.testing.assert_array_equal(d.trips, expected)


def test_a_model_without_initial_daily_and_a_profile_of_fractions(model):
    # initial_daily may be left out (0: for reference only); shares need a positive sum, not a sum above 1:
    # the weekend as a single quarter-hour of 0.5 (all the day's trips from 00:00 to 00:15) is normalised to 1
    text = model.read_text(encoding="utf-8")
    text = "\n".join(row for row in text.splitlines() if not row.startswith("initial_daily ="))
    start = text.index("share = [", text.index("[profiles.weekend]"))
    end = text.index("]", start)
    model.write_text(text[:start] + "share = [0.5" + ", 0" * 95 + text[end:], encoding="utf-8")
    m = read_demand_model(model)
    assert m.initial_daily == 0.0 and m.daily_total == 92000
    weekend = m.profiles["weekend"]
    assert (weekend.share[0], weekend.share[1:].sum(), weekend.bin_s) == (1.0, 0.0, 900.0)
