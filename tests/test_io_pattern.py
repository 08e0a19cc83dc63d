"""Reading a service pattern: every check on both sides of its limit, each refusal as the exact line the user
reads after ``error: `` (``lrt timetable build`` prints ``str(InputError)``; tests/test_bad_input.py shows it
through the command), and the shipped weekday pattern read field by field.
"""

from __future__ import annotations

import pytest
from badinput import copy_of, edit, refused

from lrt.errors import InputError
from lrt.io.pattern import read_pattern
from lrt.paths import shipped
from lrt.timetable.pattern import Band


@pytest.fixture()
def pattern(tmp_path):
    return copy_of(shipped("timetables", "patterns", "weekday.toml"), tmp_path / "p.toml")


def _edited(path, line, *changes):
    for old, new in changes:
        edit(path, old, new)
    return read_pattern(path, line)


REFUSED = [
    ("schema_version = 1", "schema_version = 2", "schema_version: 2, expected 1"),
    ('days = ["monday",', 'days = ["funday",', "days: ['funday', 'tuesday', 'wednesday', 'thursday', 'friday'], "
                                               "expected a list of day names from monday, tuesday, wednesday, "
                                               "thursday, friday, saturday, sunday"),
    ('days = ["monday", "tuesday", "wednesday", "thursday", "friday"]', "days = []",
     "days: [], expected a list of day names from monday, tuesday, wednesday, thursday, friday, saturday, sunday"),
    ('days = ["monday", "tuesday", "wednesday", "thursday", "friday"]', 'days = "monday"',
     "days: 'monday', expected a list of day names from monday, tuesday, wednesday, thursday, friday, saturday, sunday"),
    ('start = "06:00"', 'start = "6h"', "bands[0].start: '6h', expected a time HH:MM or HH:MM:SS (may pass 24:00)"),
    ('end = "23:30"', 'end = "30:00:01"',
     "bands[5].end: '30:00:01', expected a time no later than 30:00:00 (the end of the service day)"),
    ('start = "06:00"\nend = "07:00"', 'start = "06:00"\nend = "06:00"', "bands[0].end: 06:00, expected a time after "
                                                                         "start (06:00)"),
    ('start = "07:00"\nend = "09:30"', 'start = "07:01"\nend = "09:30"',
     "bands[1].start: 07:01, expected the end of the previous band (bands are contiguous)"),
    ('headway = "fleet"', 'headway = "often"', "bands[1].headway: 'often', expected \"fleet\" or { value = .., unit = \"min\" }"),
    ('headway = { value = 10, unit = "min"', 'headway = { value = 0, unit = "min"',
     "bands[0].headway: 0 min, expected a positive value"),
    ('headway = { value = 10, unit = "min"', 'headway = { value = 59, unit = "s"',
     "bands[0].headway: 59 s, expected a headway of at least 60 s"),
    ('default = { value = 45,', 'default = { value = -1,', "dwell.default: -1 s, expected a value >= 0"),
    ('default = { value = 45,', 'default = { value = 600.5,', "dwell.default: 600.5 s, expected a dwell of at most 600 s"),
    ('"112" = { value = 50,', '"112" = { value = 601,', "dwell.stations.112: 601 s, expected a dwell of at most 600 s"),
    ('"112" = { value = 50,', '"Nowhere" = { value = 50,', "dwell.stations.Nowhere: unknown station 'Nowhere', "
                                                         "expected a station of Astana LRT Line 1 (code or name)"),
    ('"112" = { value = 50,', '"999" = { value = 50,', "dwell.stations.999: unknown station '999', "
                                                     "expected a station of Astana LRT Line 1 (code or name)"),
    ("[dwell]", "[dwells]", 'dwell.default: missing, expected { value = .., unit = "s" }'),  # [dwell.stations] remains
    ("reserve_trains = 2", "reserve_trains = -1", "reserve_trains: -1, expected an integer >= 0"),
    ("reserve_trains = 2", "reserve_trains = 19", "reserve_trains: 19, expected fewer than the fleet (19)"),
    ("load_factor = 0.5", "load_factor = -0.1", "load_factor: -0.1, expected a value >= 0"),
    ("load_factor = 0.5", "load_factor = 1.51", "load_factor: 1.51, expected a share of the design load between 0 and 1.5"),
    ("far_end_stabling = 4", "far_end_stabling = -1", "far_end_stabling: -1, expected an integer >= 0"),
    ("far_end_stabling = 4", "far_end_stabling = 18", "far_end_stabling: 18, expected at most the trains in service (17)"),
    ('start_date = "20260101"', 'start_date = "20260230"', "start_date: '20260230', expected a date YYYYMMDD that exists"),
    ('end_date = "20261231"', 'end_date = "2026-12-31"', "end_date: '2026-12-31', expected a date YYYYMMDD that exists"),
    ('end_date = "20261231"', 'end_date = "20251231"', "end_date: 20251231, expected a date not before start_date 20260101"),
    ('turnback_min = { value = 180,', 'turnback_min = { value = -1,', "turnback_min: -1 s, expected a value >= 0"),
    ('service_id = "weekday"', "service_id = 7", "service_id: 7, expected a string"),
]


@pytest.mark.parametrize("old, new, message", REFUSED, ids=[c[2][:50] for c in REFUSED])
def test_each_check_of_a_pattern_refuses_with_its_exact_message(pattern, astana, old, new, message):
    edit(pattern, old, new)
    with pytest.raises(InputError) as exc:
        read_pattern(pattern, astana[0])
    assert str(exc.value) == f"{pattern}: {message}"


def test_a_pattern_without_bands_is_refused_in_one_line(pattern, tmp_path, capsys):
    text = pattern.read_text(encoding="utf-8")
    pattern.write_text(text[:text.index("[[bands]]")].replace("[dwell]", "bands = []\n\n[dwell]"), encoding="utf-8")
    refused(capsys, ["timetable", "build", pattern, "-o", tmp_path / "tt"], "p.toml",
            f"{pattern}: bands: [], expected at least one [[bands]] table")


def test_values_exactly_at_their_limits_are_accepted(pattern, astana):
    p = _edited(pattern, astana[0],
                ('headway = { value = 10, unit = "min"', 'headway = { value = 60, unit = "s"'),
                ('default = { value = 45,', 'default = { value = 600,'),
                ('"112" = { value = 50,', '"112" = { value = 0,'),
                ("reserve_trains = 2", "reserve_trains = 18"),       # fleet - 1
                ("load_factor = 0.5", "load_factor = 1.5"),
                ("far_end_stabling = 4", "far_end_stabling = 1"),    # the one train in service
                ('end_date = "20261231"', 'end_date = "20260101"'),  # a one-day calendar
                ('turnback_min = { value = 180,', 'turnback_min = { value = 0,'),
                ('end = "23:30"', 'end = "30:00"'))
    assert p.bands[0].headway_s == 60 and (p.dwell_s, p.station_dwell_s[112]) == (600, 0)
    assert (p.reserve_trains, p.load_factor, p.far_end_stabling) == (18, 1.5, 1)
    assert (p.start_date, p.end_date, p.turnback_min_s, p.bands[-1].end_s) == ("20260101", "20260101", 0, 30 * 3600)
    p = _edited(pattern, astana[0], ("reserve_trains = 18", "reserve_trains = 0"), ("load_factor = 1.5", "load_factor = 0"),
                ("far_end_stabling = 1", "far_end_stabling = 0"), ('default = { value = 600,', 'default = { value = 0,'))
    assert (p.reserve_trains, p.load_factor, p.far_end_stabling, p.dwell_s) == (0, 0, 0, 0)
    p = _edited(pattern, astana[0], ("far_end_stabling = 0", "far_end_stabling = 19"))  # no reserve: all 19 in service
    assert p.far_end_stabling == 19


def test_omitted_keys_take_the_line_s_values_and_the_documented_defaults(pattern, astana):
    line, _ = astana
    text = pattern.read_text(encoding="utf-8")
    for key in ("days", "start_date", "end_date", "reserve_trains", "load_factor", "far_end_stabling", "turnback_min"):
        text = text.replace(f"\n{key} = ", f"\n# {key} = ", 1)
    pattern.write_text(text.replace("[dwell.stations]", "[unused]"), encoding="utf-8")
    p = read_pattern(pattern, line)
    assert p.days == ("monday", "tuesday", "wednesday", "thursday", "friday")
    assert (p.start_date, p.end_date) == ("20260101", "20261231")
    assert (p.reserve_trains, p.turnback_min_s) == (line.operations.reserve_trains, line.operations.turnback_min_s) == (2, 180)
    assert (p.load_factor, p.far_end_stabling, p.station_dwell_s) == (0.5, 0, {})


def test_stations_are_named_by_code_or_by_name_in_any_language(pattern, astana):
    p = _edited(pattern, astana[0], ('"112" = { value = 50,', '"Бәйтерек" = { value = 55,'),
                ('"113" = { value = 50,', '"house of ministries" = { value = 40,'))
    assert p.station_dwell_s == {112: 55, 113: 40}


def test_the_shipped_weekday_pattern_field_by_field(astana):
    """Each value as typed in timetables/patterns/weekday.toml, converted by hand."""
    path = shipped("timetables", "patterns", "weekday.toml")
    p = read_pattern(path, astana[0])
    assert (p.name, p.service_id, p.source) == ("Weekday", "weekday", str(path))
    assert p.days == ("monday", "tuesday", "wednesday", "thursday", "friday")
    assert (p.start_date, p.end_date, p.reserve_trains, p.load_factor, p.far_end_stabling) == (
        "20260101", "20261231", 2, 0.5, 4)
    assert (p.turnback_min_s, p.dwell_s, p.station_dwell_s) == (180, 45, {112: 50, 113: 50})
    h = 3600
    assert p.bands == (
        Band(name="early shoulder", start_s=6 * h, end_s=7 * h, headway_s=600),
        Band(name="AM peak", start_s=7 * h, end_s=9.5 * h, headway_s=None),
        Band(name="base", start_s=9.5 * h, end_s=16.5 * h, headway_s=450),
        Band(name="PM peak", start_s=16.5 * h, end_s=19.5 * h, headway_s=None),
        Band(name="evening", start_s=19.5 * h, end_s=22 * h, headway_s=480),
        Band(name="late shoulder", start_s=22 * h, end_s=23.5 * h, headway_s=720),
    )
