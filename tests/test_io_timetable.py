"""Reading and writing a timetable folder (lrt/io/timetable.py) on a tiny folder written here by hand: every
check of the reader on both sides of its limit, each refusal as the exact line the user reads after
``error: `` (the commands print ``str(InputError)``; tests/test_bad_input_timetables.py shows it through
them on the shipped weekday), the trips read back with their times worked out by hand, and the files the
writer makes compared byte for byte with the text a planner would type.
"""

from __future__ import annotations

import math

import pytest
from badinput import edit

from lrt.errors import InputError
from lrt.io.timetable import read_timetable, write_timetable
from lrt.network import Line, Operations, Station
from lrt.timetable.model import BlockEvent, Timetable, Trip

DAYS = "monday,tuesday,wednesday,thursday,friday,saturday,sunday"
TINY = {
    "meta.toml": 'schema_version = 1\nname = "Tiny"\nservice_id = "wd"\nreserve_trains = 2\n'
                 'running_time_load_factor = 0.5\npattern_file = "weekday.toml"\nbuilt_by = "hand"\n',
    "stops.csv": "stop_id,stop_name,stop_lat,stop_lon\n101,Airport,51.027950,71.458704\n102,Atameken,51.041307,71.442196\n"
                 "103,Yesil,,\n",
    "routes.csv": "route_id,route_short_name,route_long_name,route_type\nL1,1,Line 1,0\n",
    "calendar.csv": f"service_id,{DAYS},start_date,end_date\nwd,1,1,1,1,1,0,0,20260105,20260109\n",
    "trips.csv": "route_id,service_id,trip_id,direction_id,block_id,trip_headsign\nL1,wd,U1,0,T1,Yesil\n"
                 ",,D1,1,T1,Airport\n",
    # D1's rows are written last stop first, numbered from 0: the reader orders them by stop_sequence
    "stop_times.csv": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nU1,06:00:00,06:00:00,101,1\n"
                      "U1,06:03:00,06:03:45,102,2\nU1,06:06:00,06:06:00,103,3\nD1,06:16:00,06:16:00,101,20\n"
                      "D1,06:13:00,06:13:45,Atameken,10\nD1,06:10:00,06:10:00,103,0\n",
    "operations.csv": "block_id,event,stop_id,start_time,end_time,from_trip,to_trip\nT1,pull_in,101,06:16:00,06:21:00,D1,\n"
                      "T1,turnback,103,06:06:00,06:10:00,U1,D1\nT1,pull_out,101,05:55:00,06:00:00,,U1\n",
}


@pytest.fixture()
def tiny(tmp_path):
    folder = tmp_path / "tt"
    folder.mkdir()
    for name, text in TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def line(astana):
    return astana[0]


def _refusal(folder, line=None) -> str:
    with pytest.raises(InputError) as exc:
        read_timetable(folder, line)
    return str(exc.value)


H = 3600
U1 = Trip(trip_id="U1", block_id="T1", direction="up", stops=(101, 102, 103), service_id="wd", route_id="L1",
          arrival_s=(6 * H, 6 * H + 180, 6 * H + 360), departure_s=(6 * H, 6 * H + 225, 6 * H + 360))
D1 = Trip(trip_id="D1", block_id="T1", direction="down", stops=(103, 102, 101), service_id="wd", route_id="L1",
          arrival_s=(6 * H + 600, 6 * H + 780, 6 * H + 960), departure_s=(6 * H + 600, 6 * H + 825, 6 * H + 960))
OPERATIONS = (
    BlockEvent(block_id="T1", event="pull_out", stop=101, start_s=5 * H + 55 * 60, end_s=6 * H, to_trip="U1"),
    BlockEvent(block_id="T1", event="turnback", stop=103, start_s=6 * H + 360, end_s=6 * H + 600, from_trip="U1",
               to_trip="D1"),
    BlockEvent(block_id="T1", event="pull_in", stop=101, start_s=6 * H + 960, end_s=6 * H + 1260, from_trip="D1"),
)


def test_the_tiny_folder_is_read_with_its_times_worked_out_by_hand(tiny, line):
    # U1 leaves 06:00:00 = 21,600 s, reaches Atameken at 06:03:00 (+180 s), leaves at 06:03:45 (+225 s) ...
    tt = read_timetable(tiny, line)
    assert tt == Timetable(name="Tiny", service_id="wd", trips=(U1, D1), operations=OPERATIONS,
                           days=("monday", "tuesday", "wednesday", "thursday", "friday"),
                           start_date="20260105", end_date="20260109")
    assert tt.notes == {"reserve_trains": 2, "running_time_load_factor": 0.5, "pattern_file": "weekday.toml",
                        "built_by": "hand"}


def test_without_a_line_stop_ids_must_be_codes(tiny):
    assert _refusal(tiny) == f"{tiny / 'stop_times.csv'}: line 6 (trip D1): stop_id: 'Atameken', expected a station code"
    edit(tiny / "stop_times.csv", "Atameken", "102")
    edit(tiny / "stops.csv", "103,Yesil", "999,Nowhere")  # unknown to any line, kept without one
    edit(tiny / "stop_times.csv", "06:06:00,103,", "06:06:00,999,")
    edit(tiny / "stop_times.csv", "06:10:00,103,", "06:10:00,999,")
    edit(tiny / "operations.csv", "T1,turnback,103,", "T1,turnback,999,")
    tt = read_timetable(tiny)
    assert tt.trip("U1").stops == (101, 102, 999) and tt.operations[1].stop == 999


def test_optional_files_may_be_left_out(tiny, line):
    for name in ("stops.csv", "routes.csv", "calendar.csv", "operations.csv"):
        (tiny / name).unlink()
    edit(tiny / "trips.csv", "L1,wd,U1,", ",,U1,")
    tt = read_timetable(tiny, line)
    assert tt.trips == (U1, D1) and tt.operations == ()
    assert (tt.days, tt.start_date, tt.end_date) == (("monday", "tuesday", "wednesday", "thursday", "friday"),
                                                     "20260101", "20261231")


def test_the_meta_service_must_have_a_calendar_row(tiny, line):
    edit(tiny / "calendar.csv", "\nwd,", "\nsat,")
    edit(tiny / "trips.csv", "L1,wd,U1,", "L1,sat,U1,")
    edit(tiny / "trips.csv", ",,D1,", ",sat,D1,")
    assert _refusal(tiny, line) == (f"{tiny / 'calendar.csv'}: service_id: no row for 'wd', expected the service_id "
                                    "named in meta.toml")


def test_a_trip_needs_two_stop_times(tiny, line):
    text = (tiny / "stop_times.csv").read_text(encoding="utf-8")
    (tiny / "stop_times.csv").write_text(text.replace("U1,06:03:00,06:03:45,102,2\nU1,06:06:00,06:06:00,103,3\n", ""),
                                         encoding="utf-8")
    assert _refusal(tiny, line) == f"{tiny / 'stop_times.csv'}: trip U1: 1 stop time(s), expected at least two stops per trip"
    (tiny / "stop_times.csv").write_text(text, encoding="utf-8")
    edit(tiny / "trips.csv", "\n,,D1", "\nL1,wd,X1,0,T1,Yesil\n,,D1")  # a trip with no stop times at all
    assert _refusal(tiny, line) == f"{tiny / 'stop_times.csv'}: trip X1: 0 stop time(s), expected at least two stops per trip"


def test_a_missing_folder(tmp_path):
    assert _refusal(tmp_path / "nowhere") == (f"{tmp_path / 'nowhere'}: folder: no such folder, expected a timetable "
                                              "folder with meta.toml")


LONG = "[" + ", ".join(str(i) for i in range(30)) + "]"
REFUSED = [
    ("meta.toml", "schema_version = 1", "schema_version = 2", "schema_version: 2, expected 1"),
    ("meta.toml", 'name = "Tiny"', 'name = "  "', "name: an empty string, expected a name"),
    ("meta.toml", 'service_id = "wd"', 'service_id = ""', "service_id: an empty string, expected a name"),
    ("meta.toml", 'built_by = "hand"', "built_by = true", "built_by: bool True, expected a string or a number (a note)"),
    ("meta.toml", 'built_by = "hand"', f"built_by = {LONG}",
     f"built_by: {('list ' + LONG)[:60]}, expected a string or a number (a note)"),
    ("meta.toml", "reserve_trains = 2", "reserve_trains = -1", "reserve_trains: -1, expected an integer >= 0"),
    ("meta.toml", "reserve_trains = 2", "reserve_trains = 2.5", "reserve_trains: 2.5, expected an integer"),
    ("meta.toml", "running_time_load_factor = 0.5", "running_time_load_factor = -0.5",
     "running_time_load_factor: -0.5, expected a value >= 0"),
    ("meta.toml", "running_time_load_factor = 0.5", 'running_time_load_factor = "half"',
     "running_time_load_factor: 'half', expected a number"),
    ("meta.toml", 'pattern_file = "weekday.toml"', "pattern_file = 7",
     "pattern_file: 7, expected the file name of a shipped service pattern, e.g. weekday.toml"),
    ("meta.toml", 'pattern_file = "weekday.toml"', 'pattern_file = "p/weekday.toml"',
     "pattern_file: 'p/weekday.toml', expected the file name of a shipped service pattern, e.g. weekday.toml"),
    ("meta.toml", 'pattern_file = "weekday.toml"', "pattern_file = 'p\\weekday.toml'",
     "pattern_file: 'p\\\\weekday.toml', expected the file name of a shipped service pattern, e.g. weekday.toml"),
    ("meta.toml", 'pattern_file = "weekday.toml"', 'pattern_file = "weekday.txt"',
     "pattern_file: 'weekday.txt', expected the file name of a shipped service pattern, e.g. weekday.toml"),
    ("stops.csv", "\n102,Atameken,", "\n101,Atameken,", "line 3 (stop 101): stop_id: '101', expected a stop listed once "
                                                        "(first on line 2)"),
    ("stops.csv", "\n102,Atameken,", "\nAirport,Atameken,", "line 3 (stop Airport): stop_id: 'Airport', expected a stop "
                                                            "listed once (first on line 2)"),
    ("stops.csv", "\n102,Atameken,", "\n999,Atameken,", "line 3 (stop 999): stop_id: unknown stop '999', expected a "
                                                        "station of Astana LRT Line 1 (101-118 or a name)"),
    ("stops.csv", "\n102,Atameken,", "\n102,Nurly Zhol,", "line 3 (stop 102): stop_name: 'Nurly Zhol' is station 118, "
                                                          "expected a name of station 102"),
    ("stops.csv", "\n102,Atameken,", "\n102,,", "line 3 (stop 102): stop_name: empty, expected a value"),
    ("stops.csv", "103,Yesil,,", "103,Yesil,51.0,", "line 4 (stop 103): stop_lon: empty, expected a latitude and a "
                                                    "longitude, or neither"),
    ("stops.csv", "103,Yesil,,", "103,Yesil,,71.0", "line 4 (stop 103): stop_lat: empty, expected a latitude and a "
                                                    "longitude, or neither"),
    ("stops.csv", "103,Yesil,,", "103,Yesil,-90.001,71.0", "line 4 (stop 103): stop_lat: -90.001, expected a latitude "
                                                           "from -90 to 90 degrees"),
    ("stops.csv", "103,Yesil,,", "103,Yesil,51.0,180.001", "line 4 (stop 103): stop_lon: 180.001, expected a longitude "
                                                           "from -180 to 180 degrees"),
    ("routes.csv", "\nL1,1,", "\nL1,1,Line 1,0\nL1,1,", "line 3 (route L1): route_id: 'L1', expected a route listed once "
                                                        "(first on line 2)"),
    ("routes.csv", "Line 1,0", "Line 1,LRT", "line 2 (route L1): route_type: 'LRT', expected a GTFS route_type number "
                                             "(0: light rail)"),
    ("calendar.csv", "\nwd,1,1,1,1,1,0,0,", "\nwd,1,1,1,1,1,0,yes,", "line 2 (service wd): sunday: 'yes', expected 0 or 1"),
    ("calendar.csv", "20260109\n", "20260109\nwd,0,0,0,0,0,1,1,20260101,20260102\n",
     "line 3 (service wd): service_id: 'wd', expected a service listed once"),
    ("trips.csv", ",,D1,1,", ",,U1,1,", "line 3 (trip U1): trip_id: 'U1', expected a trip id used once"),
    ("trips.csv", ",,D1,1,", ",,D1,down,", "line 3 (trip D1): direction_id: 'down', expected 0 (up, Airport → Nurly Zhol) "
                                           "or 1 (down)"),
    ("trips.csv", ",,D1,1,", ",sat,D1,1,", "line 3 (trip D1): service_id: 'sat', expected a service of calendar.csv (wd)"),
    ("trips.csv", ",,D1,1,", "L2,,D1,1,", "line 3 (trip D1): route_id: 'L2', expected a route of routes.csv (L1)"),
    ("trips.csv", ",,D1,1,T1,", ",,D1,1,,", "line 3 (trip D1): block_id: empty, expected a value"),
    ("stop_times.csv", "\nU1,06:03:00,", "\nU2,06:03:00,", "line 3 (trip U2): trip_id: 'U2', expected a trip listed in "
                                                           "trips.csv"),
    ("stop_times.csv", "06:03:45,102,2", "06:03:45,104,2", "line 3 (trip U1): stop_id: '104' is not in stops.csv, "
                                                           "expected a stop listed in stops.csv"),
    ("stop_times.csv", "06:03:45,102,2", "06:03:45,Atlantis,2", "line 3 (trip U1): stop_id: unknown stop 'Atlantis', "
                                                                "expected a station of Astana LRT Line 1 (101-118 or a name)"),
    ("stop_times.csv", "U1,06:03:00,", "U1,6h03,", "line 3 (trip U1): arrival_time: '6h03', expected a time HH:MM:SS"),
    ("stop_times.csv", "06:03:45,102,2", "30:00:01,102,2", "line 3 (trip U1): departure_time: '30:00:01', expected a time "
                                                           "no later than 30:00:00 (the end of the service day)"),
    ("stop_times.csv", "06:03:45,102,2", "06:03:45,102,1", "line 3 (trip U1): stop_sequence: 1, expected a stop_sequence "
                                                           "used once per trip"),
    ("stop_times.csv", "06:03:45,102,2", "06:03:45,102,2.0", "line 3 (trip U1): stop_sequence: '2.0', expected a whole "
                                                             "number >= 0"),
    ("operations.csv", "\nT1,pull_in,", "\nT2,pull_in,", "line 2 (block T2): block_id: 'T2', expected a block (train) of "
                                                         "trips.csv (T1)"),
    ("operations.csv", "\nT1,pull_in,", "\nT1,nap,", "line 2 (block T1): event: 'nap', expected pull_out or pull_in or "
                                                     "turnback"),
    ("operations.csv", "06:16:00,06:21:00,", "06:16:00,06:15:59,", "line 2 (block T1): end_time: 06:15:59, expected a "
                                                                   "time not before start_time 06:16:00"),
    ("operations.csv", "06:16:00,06:21:00,", "06:16:00,6h21,", "line 2 (block T1): end_time: '6h21', expected a time "
                                                               "HH:MM:SS"),
    ("operations.csv", "06:21:00,D1,", "06:21:00,D9,", "line 2 (block T1): from_trip: 'D9', expected a trip listed in "
                                                       "trips.csv"),
    ("operations.csv", ",U1,D1\n", ",U1,D9\n", "line 3 (block T1): to_trip: 'D9', expected a trip listed in trips.csv"),
    ("operations.csv", "T1,pull_in,101,", "T1,pull_in,104,", "line 2 (block T1): stop_id: '104' is not in stops.csv, "
                                                             "expected a stop listed in stops.csv"),
]


@pytest.mark.parametrize("file, old, new, message", REFUSED, ids=[f"{c[0]}: {c[3][:45]}" for c in REFUSED])
def test_each_check_of_the_folder_refuses_with_its_exact_message(tiny, line, file, old, new, message):
    edit(tiny / file, old, new)
    assert _refusal(tiny, line) == f"{tiny / file}: {message}"


def test_a_linked_trip_must_belong_to_the_same_train(tiny, line):
    edit(tiny / "trips.csv", ",,D1,1,T1,", ",,D1,1,T2,")
    edit(tiny / "operations.csv", "\nT1,pull_in,", "\nT2,pull_in,")
    assert _refusal(tiny, line) == (f"{tiny / 'operations.csv'}: line 3 (block T1): to_trip: 'D1' of train T2, expected "
                                    "a trip of train T1")


def test_values_exactly_at_their_limits_are_accepted(tiny, line):
    edit(tiny / "meta.toml", "reserve_trains = 2", "reserve_trains = 0")
    edit(tiny / "meta.toml", "running_time_load_factor = 0.5", "running_time_load_factor = 0")
    edit(tiny / "stops.csv", "103,Yesil,,", "103,Yesil,-90,180")
    edit(tiny / "stops.csv", "101,Airport,", "101,аэропорт,")          # a name of the same station, another language
    edit(tiny / "operations.csv", "06:16:00,06:21:00,", "06:16:00,06:16:00,")  # a move that takes no time
    edit(tiny / "stop_times.csv", "U1,06:06:00,06:06:00", "U1,30:00:00,30:00:00")  # the end of the service day
    edit(tiny / "routes.csv", "Line 1,0", "Line 1,")                  # route_type may be empty
    tt = read_timetable(tiny, line)
    assert tt.notes["reserve_trains"] == 0 and tt.notes["running_time_load_factor"] == 0
    assert tt.operations[-1].start_s == tt.operations[-1].end_s == 6 * H + 960
    assert tt.trip("U1").arrival_s[-1] == 30 * H


# --- writing ----------------------------------------------------------------------------------------


def test_the_writer_makes_the_files_a_planner_would_type(tmp_path):
    line = Line(name="Tiny line", start_m=0.0, end_m=3000.0, line_speed_ms=20.0, platform_length_m=70.0,
                stations=(Station(code=101, name_en="Airport", lat=51.02795, lon=71.4587041, chainage_m=500.0),
                          Station(code=102, name_en="Atameken", lat=51.041307, chainage_m=1500.0),  # no lon
                          Station(code=103, name_en="Yesil", lat=-0.5, lon=-1.25, chainage_m=2500.0)),
                operations=Operations(acceleration_ms2=1.0, braking_ms2=1.0, dwell_s=30.0, allowance=0.0,
                                      turnback_min_s=180.0, fleet=2, reserve_trains=0))
    tt = Timetable(name='Tiny "A" \\ B', service_id="wd", trips=(U1, D1), operations=OPERATIONS,
                   days=("monday", "wednesday", "sunday"), start_date="20260105", end_date="20260109",
                   notes={"reserve_trains": 2, "running_time_load_factor": 0.5, "built_by": "hand", "flag": True})
    folder = tmp_path / "out"
    write_timetable(tt, line, folder)
    files = {p.name: p.read_bytes().decode("utf-8") for p in sorted(folder.iterdir())}  # as written: "\n" ends
    assert files == {
        "meta.toml": 'schema_version = 1\nname = "Tiny \\"A\\" \\\\ B"\nservice_id = "wd"\nreserve_trains = 2\n'
                     'running_time_load_factor = 0.5\nbuilt_by = "hand"\nflag = "True"\n',
        "stops.csv": "stop_id,stop_name,stop_lat,stop_lon\n101,Airport,51.027950,71.458704\n102,Atameken,,\n"
                     "103,Yesil,-0.500000,-1.250000\n",
        "routes.csv": "route_id,route_short_name,route_long_name,route_type\nL1,1,Tiny line,0\n",
        "trips.csv": "route_id,service_id,trip_id,direction_id,block_id,trip_headsign\nL1,wd,U1,0,T1,Yesil\n"
                     "L1,wd,D1,1,T1,Airport\n",
        "stop_times.csv": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nU1,06:00:00,06:00:00,101,1\n"
                          "U1,06:03:00,06:03:45,102,2\nU1,06:06:00,06:06:00,103,3\nD1,06:10:00,06:10:00,103,1\n"
                          "D1,06:13:00,06:13:45,102,2\nD1,06:16:00,06:16:00,101,3\n",
        "calendar.csv": f"service_id,{DAYS},start_date,end_date\nwd,1,0,1,0,0,0,1,20260105,20260109\n",
        "operations.csv": "block_id,event,stop_id,start_time,end_time,from_trip,to_trip\n"
                          "T1,pull_out,101,05:55:00,06:00:00,,U1\nT1,turnback,103,06:06:00,06:10:00,U1,D1\n"
                          "T1,pull_in,101,06:16:00,06:21:00,D1,\n",
    }
    back = read_timetable(folder, line)
    assert back == tt and back.name == 'Tiny "A" \\ B'
    assert math.isnan(line.station(102).lon)  # a latitude alone is no position: both columns empty


def test_a_stop_or_depot_move_may_name_its_station(tiny, line):
    # operations.csv, like stop_times.csv, takes a station's name for its code
    edit(tiny / "operations.csv", "T1,pull_in,101,", "T1,pull_in,Airport,")
    assert read_timetable(tiny, line).operations == OPERATIONS


def test_a_stop_without_an_id_is_refused_on_its_line(tiny, line):
    edit(tiny / "stops.csv", "103,Yesil,,", ",Yesil,,")
    assert _refusal(tiny, line) == f"{tiny / 'stops.csv'}: line 4 (stop ): stop_id: empty, expected a value"


def test_the_files_are_utf_8_in_any_locale(tmp_path):
    # Kazakh names written while the locale's encoding is ASCII (LC_CTYPE=C, Python's UTF-8 mode off, in a
    # process of its own): the files are UTF-8 all the same
    import os
    import subprocess
    import sys

    code = f"""
import locale
from pathlib import Path
from lrt.io.timetable import write_timetable
from lrt.network import Line, Operations, Station
from lrt.timetable.model import Timetable
line = Line(name="L", start_m=0.0, end_m=3000.0, line_speed_ms=20.0, platform_length_m=70.0,
            stations=(Station(code=1, name_en="Ақ Орда", chainage_m=500.0),
                      Station(code=2, name_en="Бәйтерек", chainage_m=1500.0)),
            operations=Operations(acceleration_ms2=1.0, braking_ms2=1.0, dwell_s=30.0, allowance=0.0,
                                  turnback_min_s=180.0, fleet=2, reserve_trains=0))
locale.setlocale(locale.LC_CTYPE, "C")
assert locale.getencoding() in ("ANSI_X3.4-1968", "ascii", "US-ASCII"), locale.getencoding()
write_timetable(Timetable(name="Жұмыс күні", service_id="wd", trips=()), line, Path({str(tmp_path / "out")!r}))
"""
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    script = tmp_path / "write.py"  # (a file: a command line in an ASCII locale cannot carry the names)
    script.write_text(code, encoding="utf-8")
    subprocess.run([sys.executable, "-X", "utf8=0", str(script)], env=env, check=True)
    assert (tmp_path / "out" / "meta.toml").read_bytes().decode("utf-8").startswith(
        'schema_version = 1\nname = "Жұмыс күні"\n')
    assert (tmp_path / "out" / "stops.csv").read_bytes().decode("utf-8") == (
        "stop_id,stop_name,stop_lat,stop_lon\n1,Ақ Орда,,\n2,Бәйтерек,,\n")
