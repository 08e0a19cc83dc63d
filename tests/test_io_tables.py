"""The rules shared by timetable folders and GTFS feeds (lrt/io/tables.py), one by one on single rows,
each limit from both sides; the refusals as the exact text the user reads after ``error: ``."""

from __future__ import annotations

import math

import pytest

from lrt.errors import InputError
from lrt.io.files import Row
from lrt.io.tables import (
    DATE_EXPECTED,
    calendar_entry,
    check_position,
    listed,
    real_date,
    station_of_name,
    stop_position,
    stop_sequence,
    yyyymmdd,
)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _row(**values) -> Row:
    return Row({k: str(v) for k, v in values.items()}, "f.csv", 7)


def _refusal(call, *args) -> str:
    with pytest.raises(InputError) as exc:
        call(*args)
    return str(exc.value)


@pytest.mark.parametrize("text", ["20260101", "20241231", "20240229", "00010101"])
def test_real_dates_pass_as_written(text):
    assert yyyymmdd(text) == text


@pytest.mark.parametrize("text", ["20250229", "20261301", "20260132", "20260100", "00000101", "2026010", "202601011",
                                  "2026-1-01", "2026O101", ""])
def test_dates_that_do_not_exist_or_are_not_yyyymmdd_are_refused(text):
    with pytest.raises(ValueError):
        yyyymmdd(text)


def test_a_date_column_names_the_row_on_refusal():
    assert real_date(_row(date="20260101"), "date") == "20260101"
    assert _refusal(real_date, _row(date="20260230"), "date") == f"f.csv: line 7: date: '20260230', expected {DATE_EXPECTED}"
    assert DATE_EXPECTED == "a date YYYYMMDD that exists"


def _calendar(flags="1,1,1,1,1,0,0", start="20260105", end="20260109", service="wd"):
    return _row(service_id=service, **dict(zip(DAYS, flags.split(","))), start_date=start, end_date=end)


def test_a_calendar_row_gives_its_days_and_dates():
    assert calendar_entry(_calendar()) == ("wd", DAYS[:5], "20260105", "20260109")
    assert calendar_entry(_calendar("0,0,0,0,0,0,1", "20260111", "20260111")) == ("wd", ("sunday",), "20260111", "20260111")
    assert calendar_entry(_calendar("0,0,0,0,0,0,0")) == ("wd", (), "20260105", "20260109")


@pytest.mark.parametrize("row, message", [
    (_calendar("1,1,1,1,1,0,2"), "sunday: '2', expected 0 or 1"),
    (_calendar("1,1,1,1,1,0,"), "sunday: empty, expected a value"),
    (_calendar("yes,1,1,1,1,0,0"), "monday: 'yes', expected 0 or 1"),
    (_calendar(start="20260230"), "start_date: '20260230', expected a date YYYYMMDD that exists"),
    (_calendar(end="2026-01-09"), "end_date: '2026-01-09', expected a date YYYYMMDD that exists"),
    (_calendar(start="20260110"), "end_date: 20260109, expected a date not before start_date 20260110"),
    (_calendar(start="20270101", end="20261231"), "end_date: 20261231, expected a date not before start_date 20270101"),
])
def test_a_bad_calendar_row_is_refused_with_its_exact_message(row, message):
    assert _refusal(calendar_entry, row) == f"f.csv: line 7 (service wd): {message}"


def test_a_stop_position_is_both_coordinates_or_neither():
    assert stop_position(_row(stop_lat="51.5", stop_lon="-71.25")) == (51.5, -71.25)
    assert stop_position(_row(stop_lat="90", stop_lon="-180")) == (90, -180)
    assert stop_position(_row(stop_lat="-90", stop_lon="180")) == (-90, 180)
    lat, lon = stop_position(_row(stop_lat="", stop_lon=" "))
    assert math.isnan(lat) and math.isnan(lon)
    lat, lon = stop_position(_row())  # columns absent (GTFS: optional for some location types)
    assert math.isnan(lat) and math.isnan(lon)


@pytest.mark.parametrize("lat, lon, message", [
    ("51", "", "stop_lon: empty, expected a latitude and a longitude, or neither"),
    ("", "71", "stop_lat: empty, expected a latitude and a longitude, or neither"),
    ("90.001", "0", "stop_lat: 90.001, expected a latitude from -90 to 90 degrees"),
    ("-90.001", "0", "stop_lat: -90.001, expected a latitude from -90 to 90 degrees"),
    ("0", "180.001", "stop_lon: 180.001, expected a longitude from -180 to 180 degrees"),
    ("0", "-180.001", "stop_lon: -180.001, expected a longitude from -180 to 180 degrees"),
    ("north", "0", "stop_lat: 'north', expected a number"),
])
def test_a_bad_stop_position_is_refused_with_its_exact_message(lat, lon, message):
    assert _refusal(stop_position, _row(stop_lat=lat, stop_lon=lon)) == f"f.csv: line 7: {message}"


def test_check_position_lets_unknown_coordinates_pass_and_names_the_columns():
    def error(column, found, expected):
        return InputError("x", column, found, expected)

    check_position(float("nan"), float("nan"), error, ("a", "b"))
    check_position(90.0, -180.0, error, ("a", "b"))
    with pytest.raises(InputError, match="^x: b: 181, expected a longitude from -180 to 180 degrees$"):
        check_position(float("nan"), 181.0, error, ("a", "b"))
    with pytest.raises(InputError, match="^x: a: -91, expected a latitude from -90 to 90 degrees$"):
        check_position(-91.0, float("nan"), error, ("a", "b"))


def test_stop_sequences_are_whole_numbers_used_once_per_trip():
    seen: set = set()
    assert stop_sequence(_row(stop_sequence="0"), seen, "U1") == 0
    assert stop_sequence(_row(stop_sequence="17"), seen, "U1") == 17
    assert stop_sequence(_row(stop_sequence="0"), seen, "U2") == 0  # another trip may use it
    assert seen == {("U1", 0), ("U1", 17), ("U2", 0)}
    assert _refusal(stop_sequence, _row(stop_sequence="17"), seen, "U1") == (
        "f.csv: line 7: stop_sequence: 17, expected a stop_sequence used once per trip")
    for raw in ("-1", "1.5", "x", " "):
        assert _refusal(stop_sequence, _row(stop_sequence=raw), set(), "U1") == (
            f"f.csv: line 7: stop_sequence: {raw.strip()!r}, expected a whole number >= 0"
            if raw.strip() else "f.csv: line 7: stop_sequence: empty, expected a value")


def test_a_stop_name_means_a_station_in_any_language_but_a_number_is_not_a_name(astana):
    line, _ = astana
    assert [station_of_name(line, n) for n in ("Baiterek", "БӘЙТЕРЕК", "байтерек", "112", "", "Atlantis")] == [
        112, 112, 112, None, None, None]


def test_listed_shows_at_most_five_values():
    assert listed([]) == ""
    assert listed(["a"]) == "a"
    assert listed(list("abcde")) == "a, b, c, d, e"
    assert listed(list("abcdef")) == "a, b, c, d, e, ..."
