"""The bad-input corpus, part 1: options, usage, output paths, and the line, train, weather, faults,
demand and pattern files.  Each case is one change to a copy of the shipped data; each refusal is one
line ``error: <file or option>: <where>: <found>, expected <what>``, exit 2, nothing on stdout and
no output written.  Timetable folders and GTFS feeds: tests/test_bad_input_timetables.py.
"""

from __future__ import annotations

import json

import pytest
from badinput import copy_of, edit, refused

import lrt.io.line
from lrt.cli import main
from lrt.paths import shipped, shipped_network, shipped_rolling_stock, shipped_timetable

# --- numbers and times on the command line (checked while parsing: nothing is read) ----------------

OPTIONS = [
    (["simulate", "--daily", "inf"], "--daily", "inf, expected a finite number of passengers a day from 1 to 2,000,000"),
    (["simulate", "--daily", "nan"], "--daily", "nan, expected a finite number of passengers a day"),
    (["simulate", "--daily", "1e12"], "--daily", "1000000000000, expected"),
    (["simulate", "--daily", "-5"], "--daily", "-5, expected"),
    (["simulate", "--daily", "0"], "--daily", "0, expected"),
    (["simulate", "--daily", "lots"], "--daily", "'lots', expected"),
    (["simulate", "--seed", "-1"], "--seed", "-1, expected a whole number from 0 to 4,294,967,295"),
    (["simulate", "--seed", str(2**32)], "--seed", "4294967296, expected a whole number"),
    (["simulate", "--seed", "1.5"], "--seed", "'1.5', expected a whole number"),
    (["simulate", "--load-standard", "0"], "--load-standard", "0, expected design, crush or a whole number of "
                                                             "passengers from 1 to 2,000"),
    (["simulate", "--load-standard", "5000"], "--load-standard", "5000, expected"),
    (["simulate", "--load-standard", "lots"], "--load-standard", "'lots', expected"),
    (["compare", "--seeds", "0"], "--seeds", "0, expected a whole number of seeds from 1 to 1,000"),
    (["compare", "--seeds", "1001"], "--seeds", "1001, expected"),
    (["compare", "--seed", "nan"], "--seed", "'nan', expected a whole number"),
    (["compare", "--daily", "3000000"], "--daily", "3000000, expected a finite number of passengers a day"),
    (["demand", "--daily=-inf"], "--daily", "-inf, expected"),
    (["runtime", "--load-factor", "nan"], "--load-factor", "nan, expected a share of the design load from 0 to 2"),
    (["runtime", "--load-factor", "3"], "--load-factor", "3, expected"),
    (["runtime", "--adhesion", "0"], "--adhesion", "0, expected an adhesion coefficient above 0 and at most 1"),
    (["runtime", "--adhesion", "inf"], "--adhesion", "inf, expected"),
    (["runtime", "--allowance", "51"], "--allowance", "51, expected a running-time margin in % from 0 to 50"),
    (["runtime", "--dwell", "-1"], "--dwell", "-1, expected a dwell in seconds from 0 to 600"),
    (["runtime", "--dwell", "1e6"], "--dwell", "1e6, expected"),
    (["headway", "--dwell", "nan"], "--dwell", "nan, expected"),
    (["headway", "--reserve", "-1"], "--reserve", "-1, expected a whole number of trains from 0 to 1,000"),
    (["headway", "--adhesion", "2"], "--adhesion", "2, expected"),
    (["timetable", "check", "--reserve", "x"], "--reserve", "'x', expected a whole number of trains"),
    (["timetable", "plot", "-o", "x.png", "--from", "25:99"], "--from", "'25:99', expected a time HH:MM from 00:00 to 30:00"),
    (["timetable", "plot", "-o", "x.png", "--to", "31:00"], "--to", "'31:00', expected a time HH:MM"),
]


@pytest.mark.parametrize("argv, option, text", OPTIONS, ids=[" ".join(c[0]) for c in OPTIONS])
def test_a_bad_number_is_refused_before_anything_is_read(capsys, monkeypatch, argv, option, text):
    monkeypatch.setattr(lrt.io.line, "read_line", _no_reading)
    refused(capsys, argv, option, f"{option}: command line: {text}")


def _no_reading(*args, **kwargs):
    raise AssertionError("an input was read before the command line was judged")


@pytest.mark.parametrize("argv, option, text", [
    (["headway", "--reserve", "19"], "--reserve", "19, expected 0 to 18 trains"),
    (["timetable", "check", "--reserve", "19"], "--reserve", "19, expected 0 to 18 trains"),
    (["timetable", "plot", "-o", "x.png", "--from", "10:00", "--to", "09:00"], "--to", "09:00:00, expected a time "
                                                                                "after --from 10:00:00"),
])
def test_numbers_whose_range_depends_on_the_line_or_each_other(capsys, argv, option, text):
    refused(capsys, argv, option, text)


# --- usage: argparse's own errors take the same form ------------------------------------------------

USAGE = [
    ([], "COMMAND", "missing, expected one of simulate, batch, compare, exercise, runtime, headway, timetable, demand"),
    (["fly"], "COMMAND", "'fly', expected one of simulate, batch"),
    (["simulate", "--bogus"], "--bogus", "an unknown option, expected an option that lrt simulate --help lists"),
    (["headway", "extra"], "extra", "an unexpected argument 'extra'"),
    (["simulate", "a.toml", "extra"], "extra", "an unexpected argument 'extra'"),
    (["timetable"], "ACTION", "missing, expected one of build, check, plot, export-gtfs, import-gtfs"),
    (["timetable", "build"], "PATTERN", "missing, expected PATTERN (service pattern"),
    (["timetable", "build", "p.toml"], "-o/--out", "missing, expected DIR (timetable folder to write)"),
    (["simulate", "--daily"], "--daily", "no value, expected a value after it (N; one that starts with - is "
                                         "written --daily=VALUE)"),
    (["simulate", "--no-variability=1"], "--no-variability", "'1', expected no value (a switch)"),
    (["simulate", "--d", "5"], "--d", "an abbreviation of several options, expected one of --daily, --day"),
    (["simulate", "--day", "sunday"], "--day", "'sunday', expected one of weekday, weekend"),
    (["runtime", "--direction", "sideways"], "--direction", "'sideways', expected one of up, down, both"),
    (["runtime", "--format", "xml"], "--format", "'xml', expected one of table, json, csv"),
    (["timetable", "import-gtfs", "feed.zip", "--out"], "-o/--out", "no value"),
]


@pytest.mark.parametrize("argv, option, text", USAGE, ids=[" ".join(c[0]) or "(nothing)" for c in USAGE])
def test_usage_errors_are_one_line_too(capsys, argv, option, text):
    refused(capsys, argv, option, f"{option}: command line: {text}")


@pytest.mark.parametrize("argv", [["--help"], ["simulate", "--help"], ["timetable", "build", "--help"], ["--version"]])
def test_help_and_version_still_work(capsys, argv):
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out and not err


def test_weather_names_are_options_too(capsys):
    refused(capsys, ["runtime", "--weather", "blizzard"], "--weather", "unknown preset 'blizzard', expected one of cold")
    refused(capsys, ["compare", "--weather", "normal,blizzard"], "--weather", "unknown preset 'blizzard'")
    refused(capsys, ["compare", "--weather", "cold,cold"], "--weather", "'cold' given twice, expected each preset once")


def test_the_weather_demand_factor_cannot_push_a_day_past_the_limit(tmp_path, capsys):
    preset = copy_of(shipped("scenarios", "weather", "normal.toml"), tmp_path / "crowd.toml")
    edit(preset, 'demand_factor = { value = 1.0', 'demand_factor = { value = 3.0')
    refused(capsys, ["simulate", "--weather", preset, "--daily", "900000"], "weekday.toml (with --weather, --daily)",
            "demand.daily: 2,700,000 passengers a day after the weather's demand factor 3, expected at most 2,000,000")


# --- output paths: judged before anything is read or computed --------------------------------------


def _outputs(tmp_path):
    """Cases (argv, option, text, path that must stay as it was)."""
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("mine")
    users = tmp_path / "users"
    users.mkdir()
    (users / "notes.txt").write_text("mine")
    png_dir = tmp_path / "chart.png"
    png_dir.mkdir()
    zip_dir = tmp_path / "feed.zip"
    zip_dir.mkdir()
    pattern = shipped("timetables", "patterns", "weekday.toml")
    return [
        (["simulate", "--out", a_file], "--out", "a-file.txt' is a file, expected a folder", a_file),
        (["simulate", "--out", a_file / "run"], "--out", "a-file.txt' in ", a_file),
        (["simulate", "--out", "/proc/lrt-run"], "--out", "'/proc' cannot be written", None),
        (["simulate", "--out", users], "--out", "exists and is not an lrt output folder, expected a new folder", users),
        (["compare", "--out", a_file], "--out", "is a file", a_file),
        (["compare", "--out", users], "--out", "exists and is not an lrt compare output folder", users),
        (["timetable", "build", pattern, "-o", users], "-o", "exists and is not a timetable folder", users),
        (["timetable", "build", pattern, "-o", a_file / "tt"], "-o", "a-file.txt' in ", a_file),
        (["timetable", "import-gtfs", "feed.zip", "-o", users], "-o", "exists and is not a timetable folder", users),
        (["timetable", "plot", "-o", png_dir], "-o", "chart.png' is a folder, expected a file name", png_dir),
        (["timetable", "plot", "-o", tmp_path / "nowhere" / "x.png"], "-o", "does not exist, expected an existing folder",
         None),
        (["timetable", "plot", "-o", "/proc/lrt.png"], "-o", "folder '/proc' cannot be written", None),
        (["timetable", "export-gtfs", "-o", tmp_path / "feed.txt"], "-o", "feed.txt', expected a file name ending in .zip",
         None),
        (["timetable", "export-gtfs", "-o", zip_dir], "-o", "feed.zip' is a folder", zip_dir),
        (["runtime", "--plot", a_file / "speed.png"], "--plot", "a-file.txt' in ", a_file),
        (["runtime", "--plot", "speed.bmp"], "--plot", "'speed.bmp', expected a file name ending in .png, .svg, .pdf", None),
    ]


@pytest.mark.parametrize("case", range(16))
def test_a_bad_output_path_is_refused_before_any_work(tmp_path, capsys, monkeypatch, case):
    argv, option, text, keep = _outputs(tmp_path)[case]
    before = _state(keep)
    monkeypatch.setattr(lrt.io.line, "read_line", _no_reading)  # nothing is loaded, let alone computed
    refused(capsys, argv, option, text)
    assert _state(keep) == before


def _state(path):
    if path is None:
        return None
    if path.is_file():
        return path.read_bytes()
    return sorted((p.name, p.read_bytes()) for p in path.iterdir())


# --- the line folder, the train, the weather preset ------------------------------------------------

LINE = [
    ("line.toml", "schema_version = 1", "schema_version = 2", "line.toml", "schema_version: 2, expected 1"),
    ("line.toml", 'length = { value = 22401, unit = "m"', 'length = { value = -1, unit = "m"', "line.toml",
     "length: -1 m, expected a positive value"),
    ("line.toml", '[files]', '[files', "line.toml", "syntax: "),
    ("stations.csv", "103,Yesil,", "102,Yesil,", "stations.csv", "code: 102, expected a code not already used"),
    ("stations.csv", "103,Yesil,Есиль", "103,Atameken,Есиль", "stations.csv",
     "name_en: 'Atameken', already the name of station 102, expected a name of one station only"),
    ("stations.csv", "103,Yesil,Есиль", "103,Yesil,Аэропорт", "stations.csv",
     "name_ru: 'Аэропорт', already the name of station 101"),
    ("stations.csv", "103,Yesil,Есиль,Есіл,", "103,Yesil,Есиль,105,", "stations.csv",
     "name_kk: '105', expected a name with letters"),
    ("stations.csv", ",51.049019,71.429829,", ",95.049019,71.429829,", "stations.csv",
     "lat: 95.049, expected a latitude from -90 to 90 degrees"),
    ("stations.csv", ",51.049019,71.429829,", ",51.049019,nan,", "stations.csv", "lon: 'nan', expected a finite number"),
    ("stations.csv", ",51.049019,71.429829,3750.9", ",51.049019,71.429829,3750.9,extra,cells", "stations.csv",
     "cells, expected 8 (as in the header)"),
    ("speed_limits.csv", "855,1005,55", "855,99005,55", "speed_limits.csv", "end_m: 99005, expected a chainage within"),
    ("gradients.csv", "725,2431,-2.0", "725,2431,-90", "gradients.csv", "gradient_permille: -90, expected a gradient"),
    ("curves.csv", "855,1005,235", "855,1005,5", "curves.csv", "radius_m: 5, expected a number >= 20"),
]


@pytest.mark.parametrize("file, old, new, source, text", LINE, ids=[c[4][:40] for c in LINE])
def test_bad_line_folder(tmp_path, capsys, file, old, new, source, text):
    net = copy_of(shipped_network(), tmp_path / "net")
    edit(net / file, old, new)
    refused(capsys, ["runtime", "--network", net], source, text)


def test_line_file_that_is_not_utf8(tmp_path, capsys):
    net = copy_of(shipped_network(), tmp_path / "net")
    (net / "stations.csv").write_bytes((net / "stations.csv").read_text().encode("utf-16"))
    refused(capsys, ["runtime", "--network", net], "stations.csv", "encoding: bytes that are not UTF-8")


TRAIN = [
    ("[braking]", "[brakes]", "braking: missing, expected a table"),
    ('tare = { value = 120, unit = "t"', 'tare = { value = -120, unit = "t"', "mass.tare: -120 t, expected a positive"),
    ('tare = { value = 120, unit = "t"', 'tare = { value = 120, unit = "km"', "mass.tare.unit: 'km' (a length)"),
    ('emergency = { value = 1.25', 'emergency = { value = 0.5', "braking.emergency: 0.5 m/s2, expected at least"),
]


@pytest.mark.parametrize("old, new, text", TRAIN, ids=[c[2][:30] for c in TRAIN])
def test_bad_rolling_stock(tmp_path, capsys, old, new, text):
    train = copy_of(shipped_rolling_stock(), tmp_path / "train.toml")
    edit(train, old, new)
    refused(capsys, ["runtime", "--rolling-stock", train], "train.toml", text)


WEATHER = [
    ('traction = { value = 0.20, unit = "1"', 'traction = { value = "wet", unit = "1"', "adhesion.traction"),
    ("schema_version = 1", "schema_version = 9", "schema_version: 9, expected 1"),
    ("[fleet]\navailability = { value = 0.95", "[fleet]\navailability = { value = 1.5", "fleet.availability"),
]


@pytest.mark.parametrize("old, new, text", WEATHER, ids=[c[2][:30] for c in WEATHER])
def test_bad_weather_preset(tmp_path, capsys, old, new, text):
    preset = copy_of(shipped("scenarios", "weather", "cold.toml"), tmp_path / "mine.toml")
    edit(preset, old, new)
    refused(capsys, ["runtime", "--weather", preset], "mine.toml", text)
    refused(capsys, ["runtime", "--weather", tmp_path / "none.toml"], "none.toml", "file: no such file, expected a TOML")


# --- scripted faults, the demand model, a measured OD table ----------------------------------------

FAULTS = [
    ('kind = "door"', 'kind = "meteor"', "faults[0].kind: 'meteor', expected one of"),
    ('time = "07:42"', 'time = "31:00"', "faults[0].time: '31:00', expected a time no later than 30:00:00"),
    ('time = "07:42"', 'time = "7h42"', "faults[0].time: '7h42', expected a time HH:MM"),
    ('train = "T07"', 'train = "T99"', "faults[0].train: 'T99', expected a train (block) of the timetable"),
    ('duration = { value = 4, unit = "min" }', 'duration = { value = 2000, unit = "min" }',
     "faults[0].duration: 2000 min from 07:42, expected a fault that ends by the end of the service day"),
    ('end = "08:45"', 'end = "07:45"', "faults[1].end: 07:45, expected a time after 08:00"),
]


@pytest.mark.parametrize("old, new, text", FAULTS, ids=[c[2][:30] for c in FAULTS])
def test_bad_faults_file(tmp_path, capsys, old, new, text):
    faults = copy_of(shipped("scenarios", "disruptions", "am-peak.toml"), tmp_path / "faults.toml")
    edit(faults, old, new)
    out = tmp_path / "run"
    refused(capsys, ["simulate", "--daily", "1000", "--faults", faults, "--out", out], "faults.toml", text)
    assert not out.exists()


DEMAND_MODEL = [
    ("daily_total = { value = 92000", "daily_total = { value = 1e9", "daily_total: 1e+09 passengers, expected at most "
                                                                     "2,000,000 passengers a day"),
    ("     0,  0,  0,  0,   # 00:00\n", "", "profiles.weekday.share: 92 values, expected 96 values"),
    ("schema_version = 1", "schema_version = 0", "schema_version: 0, expected 1"),
]


@pytest.mark.parametrize("old, new, text", DEMAND_MODEL, ids=[c[2][:30] for c in DEMAND_MODEL])
def test_bad_demand_model(tmp_path, capsys, old, new, text):
    model = copy_of(shipped_network() / "demand.toml", tmp_path / "demand.toml")
    edit(model, old, new)
    refused(capsys, ["demand", "--demand-model", model], "demand.toml", text)


OD_HEADER = "bin_start,origin,destination,passengers\n"
OD = [
    ("30:00,101,113,5\n", "line 2: bin_start: '30:00', expected a bin that ends by the end of the service day "
                          "(at most 29:45)"),
    ("29:45,101,113,5\n29:59,101,113,5\n", "line 3: bin_start: '29:59', expected a time on a 15-min boundary"),
    ("99:00,101,113,5\n", "line 2: bin_start: '99:00', expected a time no later than 30:00:00"),
    ("-01:00,101,113,5\n", "line 2: bin_start: '-01:00', expected a time HH:MM or HH:MM:SS"),
    ("07:00,101,Nowhere,5\n", "line 2: destination: 'Nowhere', expected a station code or name"),
    ("07:00,101,101,5\n", "line 2: destination: '101', the same station as the origin"),
    ("07:00,101,113,-1\n", "line 2: passengers: -1, expected a number >= 0"),
    ("07:00,101,113,nan\n", "line 2: passengers: 'nan', expected a finite number"),
    ("07:00,101,113,1500000\n07:15,101,113,1500000\n", "line 3: passengers: 1.5e+06, making 3,000,000 in the table "
                                                      "so far, expected at most 2,000,000 passengers"),
    ("07:00,101,113,5\n07:00,Airport,113,5\n", "line 3: origin: a second row for 07:00 Airport → 113"),
]


@pytest.mark.parametrize("rows, text", OD, ids=[c[1][:40] for c in OD])
def test_bad_measured_od(tmp_path, capsys, rows, text):
    od = tmp_path / "od.csv"
    od.write_text(OD_HEADER + rows, encoding="utf-8")
    refused(capsys, ["demand", "--od", od], "od.csv", text)


# --- service patterns (timetable build) -------------------------------------------------------------

PATTERN = [
    ('headway = "fleet"', 'headway = "often"', "bands[1].headway: 'often', expected \"fleet\" or"),
    ('start = "07:00"\nend = "09:30"', 'start = "07:00"\nend = "06:30"', "bands[1].end: 06:30, expected a time after"),
    ('end = "23:30"', 'end = "31:00"', "bands[5].end: '31:00', expected a time no later than 30:00:00"),
    ('start_date = "20260101"', 'start_date = "20261340"', "start_date: '20261340', expected a date YYYYMMDD that exists"),
    ('end_date = "20261231"', 'end_date = "20251231"', "end_date: 20251231, expected a date not before start_date"),
    ('default = { value = 45, unit = "s"', 'default = { value = 4500, unit = "s"', "dwell.default: 4500 s, expected a "
                                                                                  "dwell of at most 600 s"),
    ("far_end_stabling = 4", "far_end_stabling = 40", "far_end_stabling: 40, expected at most the trains in service"),
    ("reserve_trains = 2", "reserve_trains = 19", "reserve_trains: 19, expected fewer than the fleet (19)"),
    ('"112" = { value = 50', '"Nowhere" = { value = 50', "dwell.stations.Nowhere: unknown station 'Nowhere'"),
]


@pytest.mark.parametrize("old, new, text", PATTERN, ids=[c[2][:30] for c in PATTERN])
def test_bad_service_pattern(tmp_path, capsys, old, new, text):
    pattern = copy_of(shipped("timetables", "patterns", "weekday.toml"), tmp_path / "p.toml")
    edit(pattern, old, new)
    out = tmp_path / "tt"
    refused(capsys, ["timetable", "build", pattern, "-o", out], "p.toml", text)
    assert not out.exists()


# --- accepted inputs: CRLF, a byte-order mark, Russian and Kazakh names -----------------------------


def _windows(path):
    """Rewrite a text file (or every file of a folder) the way a Windows editor saves it: BOM and CRLF."""
    for p in [path] if path.is_file() else sorted(path.iterdir()):
        text = p.read_text(encoding="utf-8")
        p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def _json(capsys, argv):
    assert main([str(a) for a in argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_line_train_and_weather_files_with_bom_and_crlf_give_the_same_result(tmp_path, capsys):
    net = copy_of(shipped_network(), tmp_path / "net")
    train = copy_of(shipped_rolling_stock(), tmp_path / "train.toml")
    preset = copy_of(shipped("scenarios", "weather", "cold.toml"), tmp_path / "cold.toml")
    plain = _json(capsys, ["runtime", "--format", "json", "--network", net, "--rolling-stock", train,
                           "--weather", preset])
    for path in (net, train, preset):
        _windows(path)
    assert (net / "stations.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert _json(capsys, ["runtime", "--format", "json", "--network", net, "--rolling-stock", train,
                          "--weather", preset]) == plain


def test_measured_od_with_bom_crlf_and_station_names_in_three_languages(tmp_path, capsys):
    codes = tmp_path / "codes.csv"
    codes.write_text(OD_HEADER + "07:00,101,113,120\n07:15,118,112,80\n08:00,102,103,40\n", encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_bytes(b"\xef\xbb\xbf" + (OD_HEADER + "07:00,Airport,House of Ministries,120\n"
                                          "07:15,Нұрлы жол,Байтерек,80\n08:00,АТАМЕКЕН,есіл,40\n")
                      .replace("\n", "\r\n").encode("utf-8"))
    by_name = _json(capsys, ["demand", "--format", "json", "--od", names])
    by_code = _json(capsys, ["demand", "--format", "json", "--od", codes])
    assert by_name.pop("label").endswith("names.csv") and by_code.pop("label").endswith("codes.csv")
    assert by_name == by_code and by_code["daily"] == 240


def test_faults_demand_model_and_pattern_with_bom_and_crlf(tmp_path, capsys):
    model = copy_of(shipped_network() / "demand.toml", tmp_path / "demand.toml")
    plain = _json(capsys, ["demand", "--format", "json", "--demand-model", model])
    _windows(model)
    assert _json(capsys, ["demand", "--format", "json", "--demand-model", model]) == plain
    pattern = copy_of(shipped("timetables", "patterns", "weekday.toml"), tmp_path / "p.toml")
    _windows(pattern)
    assert main(["timetable", "build", str(pattern), "-o", str(tmp_path / "tt")]) == 0
    capsys.readouterr()
    for name in ("stop_times.csv", "operations.csv", "trips.csv"):  # the same timetable as the shipped one
        assert (tmp_path / "tt" / name).read_bytes() == (shipped_timetable("weekday") / name).read_bytes()
    faults = copy_of(shipped("scenarios", "disruptions", "am-peak.toml"), tmp_path / "faults.toml")
    edit(faults, 'station = "Baiterek"', 'station = "Бәйтерек"')  # Kazakh
    _windows(faults)
    run = _json(capsys, ["simulate", "--daily", "1000", "--no-variability", "--format", "json", "--faults", faults])
    assert run["kpis"]["faults"] >= 2


# --- limits from both sides, through the commands: the whole error line, exactly --------------------

EDGES = [  # (shipped file, old, new, command, the line after "error: <path>: ")
    ("network/astana-line1/gradients.csv", "725,2431,-2.0,", "725,2431,80.001,", ["runtime", "--network", "{dir}"],
     "line 2 (gradient): gradient_permille: 80.001, expected a gradient within ±80 ‰"),
    ("network/astana-line1/curves.csv", "855,1005,235,", "855,1005,19.99,", ["runtime", "--network", "{dir}"],
     "line 2 (curve): radius_m: 19.99, expected a number >= 20"),
    ("network/astana-line1/stations.csv", "71.442196,2530.7,", "71.442196,625.0,", ["runtime", "--network", "{dir}"],
     "line 3 (station 102): chainage_m: 625 is not after station 101 (625), expected stations in line order"),
    ("network/astana-line1/line.toml", "allowance = { value = 7,", "allowance = { value = 50.001,",
     ["runtime", "--network", "{dir}"], "operations.allowance: 50.001 %, expected a running-time margin of at most 50 %"),
    ("network/astana-line1/line.toml", "reserve_trains = { value = 2,", "reserve_trains = { value = 19,",
     ["runtime", "--network", "{dir}"], "operations.reserve_trains: 19, expected fewer than the fleet (19)"),
    ("network/rolling-stock/crrc-tangshan-4car.toml", "emergency = { value = 1.25,", "emergency = { value = 0.99,",
     ["runtime", "--rolling-stock", "{file}"], "braking.emergency: 0.99 m/s2, expected at least the service rate (1 m/s2)"),
    ("scenarios/weather/severe.toml", "braking = { value = 0.10,", "braking = { value = 0.501,",
     ["runtime", "--weather", "{file}"], "adhesion.braking: 0.501, expected an adhesion coefficient between 0 and 0.5"),
    ("timetables/patterns/weekday.toml", 'headway = { value = 10, unit = "min"', 'headway = { value = 59, unit = "s"',
     ["timetable", "build", "{file}", "-o", "{tmp}/tt"], "bands[0].headway: 59 s, expected a headway of at least 60 s"),
]


@pytest.mark.parametrize("shipped_file, old, new, argv, text", EDGES, ids=[c[4][:40] for c in EDGES])
def test_a_value_just_past_its_limit_is_refused_in_exactly_one_line(tmp_path, capsys, shipped_file, old, new, argv, text):
    source = shipped(*shipped_file.split("/"))
    copy = copy_of(source.parent if source.parent.name == "astana-line1" else source,
                   tmp_path / ("net" if source.parent.name == "astana-line1" else source.name))
    edited = copy / source.name if copy.is_dir() else copy
    edit(edited, old, new)
    argv = [a.format(dir=copy, file=copy, tmp=tmp_path) for a in argv]
    line = refused(capsys, argv, source.name, text)
    assert line == f"error: {edited}: {text}"
