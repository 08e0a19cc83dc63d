"""The bad-input corpus, part 2: timetable folders (every file), timetables that fail the check on every
command that reads them, and GTFS feeds (bad tables, decompression bombs, lying zip headers).
Part 1 (options, outputs, line, train, weather, faults, demand, patterns): tests/test_bad_input.py.
"""

from __future__ import annotations

import struct
import zipfile

import pytest
from badinput import copy_of, edit, refused

import lrt.io.gtfs
from lrt.cli import main
from lrt.io.timetable import read_timetable
from lrt.paths import shipped_network, shipped_timetable
from lrt.timetable.check import check_timetable
from lrt.timetable.model import Timetable, Trip
from lrt.units import format_clock, parse_clock

# --- every file of a timetable folder, read through `timetable export-gtfs` (which reads with the line) --

FOLDER = [
    ("meta.toml", "schema_version = 1", "schema_version = 2", "meta.toml", "schema_version: 2, expected 1"),
    ("meta.toml", 'name = "Weekday"', 'name = " "', "meta.toml", "name: an empty string, expected a name"),
    ("meta.toml", "reserve_trains = 2", 'reserve_trains = "two"', "meta.toml", "reserve_trains: 'two', expected an integer"),
    ("meta.toml", "reserve_trains = 2", "reserve_trains = 19", "meta.toml", "reserve_trains: 19, expected 0 to 18 trains"),
    ("meta.toml", 'pattern_file = "weekday.toml"', 'pattern_file = "../../x.toml"', "meta.toml",
     "pattern_file: '../../x.toml', expected the file name of a shipped service pattern"),
    ("meta.toml", 'built_by = "lrt timetable build"', "built_by = [1, 2]", "meta.toml",
     "built_by: list [1, 2], expected a string or a number (a note)"),
    ("stops.csv", "102,Atameken,", "101,Atameken,", "stops.csv", "stop_id: '101', expected a stop listed once"),
    ("stops.csv", "118,Nurly Zhol,", "999,Nurly Zhol,", "stops.csv", "stop_id: unknown stop '999', expected a station of "
                                                                       "Astana LRT Line 1"),
    ("stops.csv", "101,Airport,51.027950,", "101,Airport,123.0,", "stops.csv", "stop_lat: 123, expected a latitude"),
    ("stops.csv", "101,Airport,51.027950,71.458704", "101,Airport,51.027950,inf", "stops.csv",
     "stop_lon: 'inf', expected a finite number"),
    ("stops.csv", "101,Airport,51.027950,71.458704", "101,Airport,,71.458704", "stops.csv",
     "stop_lat: empty, expected a latitude and a longitude, or neither"),
    ("stops.csv", "101,Airport,", "101,Nurly Zhol,", "stops.csv",
     "stop_name: 'Nurly Zhol' is station 118, expected a name of station 101"),
    ("stops.csv", "105,Astana Zhuldyzy,51.075124,71.397898\n", "", "stop_times.csv",
     "stop_id: '105' is not in stops.csv, expected a stop listed"),
    ("routes.csv", "L1,1,", "L2,1,", "trips.csv", "route_id: 'L1', expected a route of routes.csv (L2)"),
    ("routes.csv", "Line 1,0", "Line 1,tram", "routes.csv", "route_type: 'tram', expected a GTFS route_type number"),
    ("trips.csv", "L1,weekday,U002,0,T06", "L1,weekday,U001,0,T06", "trips.csv", "trip_id: 'U001', expected a trip id "
                                                                                  "used once"),
    ("trips.csv", "L1,weekday,U002,0,T06", "L1,weekday,U002,2,T06", "trips.csv", "direction_id: '2', expected 0 (up"),
    ("trips.csv", "L1,weekday,U002,0,T06", "L1,holiday,U002,0,T06", "trips.csv",
     "service_id: 'holiday', expected a service of calendar.csv (weekday)"),
    ("trips.csv", "L1,weekday,U002,0,T06,", "L1,weekday,U002,0,,", "trips.csv", "block_id: empty, expected a value"),
    ("calendar.csv", "weekday,1,", "weekday,2,", "calendar.csv", "monday: '2', expected 0 or 1"),
    ("calendar.csv", "20260101,20261231", "20260230,20261231", "calendar.csv",
     "start_date: '20260230', expected a date YYYYMMDD that exists"),
    ("calendar.csv", "20260101,20261231", "20270101,20261231", "calendar.csv",
     "end_date: 20261231, expected a date not before start_date 20270101"),
    ("calendar.csv", "20261231\n", "20261231\nweekday,1,1,1,1,1,0,0,20260101,20261231\n", "calendar.csv",
     "service_id: 'weekday', expected a service listed once"),
    ("operations.csv", "T05,pull_out,101,05:55:00", "T99,pull_out,101,05:55:00", "operations.csv",
     "block_id: 'T99', expected a block (train) of trips.csv"),
    ("operations.csv", ",,U001\n", ",,U999\n", "operations.csv", "to_trip: 'U999', expected a trip listed in trips.csv"),
    ("operations.csv", ",,U001\n", ",,U002\n", "operations.csv", "to_trip: 'U002' of train T06, expected a trip of train T05"),
    ("operations.csv", "T05,pull_out,", "T05,nap,", "operations.csv", "event: 'nap', expected pull_out or pull_in"),
    ("operations.csv", "05:55:00,06:00:00,,U001", "06:55:00,06:00:00,,U001", "operations.csv",
     "end_time: 06:00:00, expected a time not before start_time 06:55:00"),
    ("operations.csv", "05:55:00,06:00:00,,U001", "35:55:00,36:00:00,,U001", "operations.csv",
     "start_time: '35:55:00', expected a time no later than 30:00:00 (the end of the service day)"),
    ("stop_times.csv", "U001,06:02:21,", "U001,31:02:21,", "stop_times.csv",
     "arrival_time: '31:02:21', expected a time no later than 30:00:00"),
    ("stop_times.csv", "U001,06:02:21,", "U001,6h02:21,", "stop_times.csv", "arrival_time: '6h02:21', expected a time "
                                                                            "HH:MM:SS"),
    ("stop_times.csv", "U001,06:02:21,06:03:06,102,2", "U001,06:02:21,06:03:06,102,1", "stop_times.csv",
     "stop_sequence: 1, expected a stop_sequence used once per trip"),
    ("stop_times.csv", "U001,06:02:21,06:03:06,102,2", "U001,06:02:21,06:03:06,102,-2", "stop_times.csv",
     "stop_sequence: '-2', expected a whole number >= 0"),
    ("stop_times.csv", "U001,06:02:21,", "U999,06:02:21,", "stop_times.csv", "trip_id: 'U999', expected a trip listed"),
    ("stop_times.csv", "U001,06:02:21,06:03:06,102,", "U001,06:02:21,06:03:06,Nowhere,", "stop_times.csv",
     "stop_id: unknown stop 'Nowhere', expected a station of Astana LRT Line 1"),
    ("stop_times.csv", "stop_id,stop_sequence", "stop_id,seq", "stop_times.csv",
     "header: columns ['trip_id', 'arrival_time', 'departure_time', 'stop_id', 'seq'], expected also the column(s) "
     "stop_sequence"),
]


@pytest.mark.parametrize("file, old, new, source, text", FOLDER, ids=[f"{c[0]}: {c[4][:30]}" for c in FOLDER])
def test_bad_timetable_folder(tmp_path, capsys, file, old, new, source, text):
    folder = copy_of(shipped_timetable("weekday"), tmp_path / "tt")
    edit(folder / file, old, new)
    out = tmp_path / "feed.zip"
    refused(capsys, ["timetable", "export-gtfs", folder, "-o", out], source, text)
    assert not out.exists()


def test_missing_files_and_folders(tmp_path, capsys):
    refused(capsys, ["simulate", "--timetable", tmp_path / "nowhere"], "nowhere", "folder: no such folder")
    folder = copy_of(shipped_timetable("weekday"), tmp_path / "tt")
    (folder / "trips.csv").unlink()
    refused(capsys, ["timetable", "check", folder], "trips.csv", "file: no such file, expected a CSV file")


# --- a timetable that `lrt timetable check` rejects is refused by every command that reads it --------


def _shift(folder, trip_id, seconds):
    """Move every stop time of one trip by ``seconds``."""
    path = folder / "stop_times.csv"
    lines = path.read_text().splitlines()
    for i, row in enumerate(lines):
        cells = row.split(",")
        if cells[0] == trip_id:
            cells[1:3] = [format_clock(parse_clock(c) + seconds) for c in cells[1:3]]
            lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")


def _violations(tmp_path):
    """Cases (folder, command, where, found, expected) with one violation each, on five commands."""
    tt = lambda name: copy_of(shipped_timetable("weekday"), tmp_path / name)  # noqa: E731
    backwards, dwell, order, overlap, fast = tt("backwards"), tt("dwell"), tt("order"), tt("overlap"), tt("fast")
    edit(backwards / "stop_times.csv", "U005,06:42:", "U005,05:42:")
    edit(dwell / "stop_times.csv", "U001,06:02:21,06:03:06", "U001,06:02:21,06:01:06")
    edit(order / "stop_times.csv", "U001,06:02:21,06:03:06,102,2\nU001,06:04:35,06:05:20,103,3",
         "U001,06:02:21,06:03:06,103,2\nU001,06:04:35,06:05:20,102,3")
    _shift(overlap, "D001", -300)  # T05 leaves Nurly Zhol before its up trip arrives
    edit(fast / "stop_times.csv", "U001,06:02:21,", "U001,06:00:30,")
    out = tmp_path / "out"
    return [
        (["simulate", "--daily", "1000", "--timetable", backwards, "--out", out], backwards,
         "trip U005 (train T09) at Atameken", "time order at 06:40:00: arrives 05:42:21, not after the departure",
         "times that increase along the trip"),
        (["demand", "--timetable", dwell], dwell, "trip U001 (train T05) at Atameken",
         "time order at 06:02:21: departs 06:01:06 before it arrives 06:02:21",
         "a departure not before the arrival (a dwell >= 0)"),
        (["timetable", "plot", order, "-o", tmp_path / "marey.png"], order, "trip U001 (train T05) at Atameken",
         "stop order at 06:00:00: Atameken does not follow Yesil in the up direction",
         "stops in line order in the up direction"),
        (["compare", "--seeds", "1", "--timetable", overlap, "--out", out], overlap,
         "trip D001 (train T05) at Nurly Zhol", "train in two places at 06:37:07: starts 06:37:07 before trip U001 ends",
         "each of a train's trips to start where and after the previous one ended"),
        (["timetable", "export-gtfs", fast, "-o", tmp_path / "feed.zip"], fast, "trip U001 (train T05) at Airport → "
         "Atameken", "run time at 06:00:00: scheduled 30 s, below the technical minimum", "at least the technical minimum"),
    ]


@pytest.mark.parametrize("case", range(5), ids=["simulate", "demand", "plot", "compare", "export-gtfs"])
def test_a_timetable_with_violations_is_refused_by_every_command(tmp_path, capsys, case):
    argv, folder, where, found, expected = _violations(tmp_path)[case]
    line = refused(capsys, argv, folder.name, f"{folder}: {where}: {found}", f"expected {expected}",
                   f"run `lrt timetable check {folder}`")
    assert "more" not in line  # one violation: no count
    assert not (tmp_path / "out").exists() and not (tmp_path / "marey.png").exists()
    assert not (tmp_path / "feed.zip").exists()


def test_the_refusal_counts_the_other_violations(tmp_path, capsys):
    net = copy_of(shipped_network(), tmp_path / "net")
    edit(net / "line.toml", "turnback_min = { value = 180,", "turnback_min = { value = 600,")
    main(["timetable", "check", "--network", str(net)])
    n = int(capsys.readouterr().out.rstrip().rsplit(": ", 1)[1].split()[0])
    assert n > 100
    refused(capsys, ["simulate", "--network", net], "weekday", f"(and {n - 1} more: run `lrt timetable check ")


def test_weather_findings_do_not_refuse_a_timetable(capsys):
    assert main(["timetable", "check", "--weather", "severe"]) == 1  # 5,338 runs shorter than the slowed minimum
    assert "run time" in capsys.readouterr().out
    assert main(["simulate", "--weather", "severe", "--daily", "1000", "--no-variability", "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


def test_check_flags_times_outside_the_service_day_and_backwards_times_both_ways(astana):
    line, train = astana
    up = read_timetable(shipped_timetable("weekday"), line).trip("U001")
    early = Trip(trip_id="E", block_id="X", direction="up", stops=up.stops[:2], arrival_s=(-60.0, 60.0),
                 departure_s=(-60.0, 60.0))
    late = Trip(trip_id="L", block_id="Y", direction="down", stops=(102, 101), arrival_s=(30 * 3600.0, 30 * 3600 + 200.0),
                departure_s=(30 * 3600.0, 30 * 3600 + 200.0))
    back = Trip(trip_id="B", block_id="Z", direction="down", stops=(103, 102, 101), arrival_s=(7200.0, 7500.0, 7400.0),
                departure_s=(7200.0, 7460.0, 7400.0))  # departs 102 before arriving, reaches 101 before leaving 102
    found = check_timetable(Timetable(name="t", service_id="t", trips=(early, late, back)), line, train)
    # times outside the day come first (they have no place on the clock), the rest in time order
    assert [(v.kind, v.trip) for v in found if v.kind in ("service day", "time order")] == [
        ("service day", "E"), ("service day", "L"), ("time order", "B"), ("time order", "B")]
    assert str(found[0]) == "--:--:--  service day  trip E  train X: a time of -60 s"
    assert str(found[1]) == "--:--:--  service day  trip L  train Y: a time of 108200 s"
    assert found[1].expected == "times from 00:00:00 to 30:00:00 (the service day)"
    messages = [v.message for v in found if v.trip == "B"]
    assert sorted(messages) == ["arrives 02:03:20, not after the departure from Atameken at 02:04:20",
                                "departs 02:04:20 before it arrives 02:05:00"]


# --- GTFS feeds ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feed_tables(tmp_path_factory):
    """The shipped weekday as GTFS tables (name -> text)."""
    path = tmp_path_factory.mktemp("gtfs") / "weekday.zip"
    assert main(["timetable", "export-gtfs", "-o", str(path)]) == 0
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode() for name in z.namelist()}


def _zip(path, tables, **replace):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**tables, **replace}.items():
            if text is not None:
                z.writestr(name, text.encode() if isinstance(text, str) else text)
    return path


FEEDS = [
    ("stops.txt", "101,Airport,51.027950", "101,Airport,200.0", "stop_lat: 200, expected a latitude"),
    ("stops.txt", "102,Atameken,", "101,Atameken,", "stop_id: '101', expected a stop id used once"),
    ("calendar.txt", ",20260101,", ",20261301,", "start_date: '20261301', expected a date YYYYMMDD that exists"),
    ("calendar.txt", ",20260101,20261231", ",20270101,20261231", "end_date: 20261231, expected a date not before"),
    ("calendar.txt", "weekday,1,", "weekday,x,", "monday: 'x', expected 0 or 1"),
    ("stop_times.txt", "U001,06:02:21,", "U001,31:02:21,", "arrival_time: '31:02:21', expected a time no later than "
                                                           "30:00:00"),
    ("stop_times.txt", "U001,06:02:21,06:03:06,102,2", "U001,06:02:21,06:03:06,102,x", "stop_sequence: 'x', expected "
                                                                                       "a whole number >= 0"),
    ("trips.txt", "L1,weekday,U001,", "L9,weekday,U001,", "route_id: 'L9', expected a route of routes.txt (L1)"),
    ("routes.txt", "route_type\n", "route_type\nL1,LRT,1,x,0\n", "route_id: 'L1', expected a route id used once"),
]


@pytest.mark.parametrize("member, old, new, text", FEEDS, ids=[f"{c[0]}: {c[3][:30]}" for c in FEEDS])
def test_bad_gtfs_table(tmp_path, capsys, feed_tables, member, old, new, text):
    assert old in feed_tables[member], old
    feed = _zip(tmp_path / "feed.zip", feed_tables, **{member: feed_tables[member].replace(old, new, 1)})
    out = tmp_path / "tt"
    refused(capsys, ["timetable", "import-gtfs", feed, "-o", out], f"feed.zip/{member}", text)
    assert not out.exists()


def test_bad_gtfs_files(tmp_path, capsys, feed_tables):
    out = tmp_path / "tt"
    (tmp_path / "text.zip").write_text("stop_id\n")
    refused(capsys, ["timetable", "import-gtfs", tmp_path / "text.zip", "-o", out], "text.zip",
            "file: not a zip archive, expected a GTFS feed")
    feed = _zip(tmp_path / "feed.zip", feed_tables, **{"stop_times.txt": None})
    refused(capsys, ["timetable", "import-gtfs", feed, "-o", out], "feed.zip",
            "stop_times.txt: missing, expected a GTFS feed with stop_times.txt")
    feed = _zip(tmp_path / "utf16.zip", feed_tables, **{"stops.txt": feed_tables["stops.txt"].encode("utf-16")})
    refused(capsys, ["timetable", "import-gtfs", feed, "-o", out], "utf16.zip/stops.txt",
            "encoding: bytes that are not UTF-8")
    dates = "service_id,date,exception_type\nweekday,20260105,3\n"
    feed = _zip(tmp_path / "dates.zip", feed_tables, **{"calendar.txt": None, "calendar_dates.txt": dates})
    refused(capsys, ["timetable", "import-gtfs", feed, "-o", out], "dates.zip/calendar_dates.txt",
            "exception_type: '3', expected 1 (service added) or 2 (service removed)")
    assert not out.exists()


def test_a_decompression_bomb_is_refused_before_it_is_read(tmp_path, capsys, feed_tables, monkeypatch):
    # 8 MB of one repeated row compress about 500 times: a small feed that claims to grow beyond all proportion
    bomb = feed_tables["stop_times.txt"] + "U001,06:00:00,06:00:00,101,99\n" * 250_000
    feed = _zip(tmp_path / "bomb.zip", feed_tables, **{"stop_times.txt": bomb})
    assert feed.stat().st_size < 200_000
    opened, original = [], zipfile.ZipFile.open

    def open_member(self, member, *args, **kwargs):
        opened.append(getattr(member, "filename", member))
        return original(self, member, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_member)
    refused(capsys, ["timetable", "import-gtfs", feed, "-o", tmp_path / "tt"], "bomb.zip/stop_times.txt",
            "size: ", "bytes that expand", "expected a compression ratio of at most 100")
    assert "stops.txt" in opened and "stop_times.txt" not in opened  # refused on its headers alone


def _patch_central_directory(path, member, **fields):
    """Rewrite a member's sizes or flags in the zip's central directory, as a forged feed would."""
    offsets = {"flags": (8, "<H"), "file_size": (24, "<I")}
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")  # the first central directory record
    while True:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len].decode() == member:
            break
        at = data.index(b"PK\x01\x02", at + 46)
    for field, value in fields.items():
        offset, fmt = offsets[field]
        struct.pack_into(fmt, data, at + offset, value)
    path.write_bytes(bytes(data))


def test_zip_headers_that_lie_cannot_exhaust_memory(tmp_path, capsys, feed_tables):
    out = tmp_path / "tt"
    huge = _zip(tmp_path / "huge.zip", feed_tables)
    _patch_central_directory(huge, "stop_times.txt", file_size=5 * 2**30 // 2)  # claims 2.5 GB
    refused(capsys, ["timetable", "import-gtfs", huge, "-o", out], "huge.zip/stop_times.txt",
            "size: 2,684,354,560 bytes uncompressed, expected a file of at most 33,554,432 bytes")
    small = _zip(tmp_path / "small.zip", feed_tables)
    _patch_central_directory(small, "stop_times.txt", file_size=1000)  # claims less than it holds: read stops there
    refused(capsys, ["timetable", "import-gtfs", small, "-o", out], "small.zip/stop_times.txt", "file: unreadable (")
    locked = _zip(tmp_path / "locked.zip", feed_tables)
    _patch_central_directory(locked, "trips.txt", flags=1)  # "encrypted"
    refused(capsys, ["timetable", "import-gtfs", locked, "-o", out], "locked.zip/trips.txt", "file: unreadable (")
    assert not out.exists()


def test_a_feed_folder_with_a_file_over_the_limit(tmp_path, capsys, feed_tables, monkeypatch):
    folder = tmp_path / "gtfs"
    folder.mkdir()
    for name, text in feed_tables.items():
        (folder / name).write_text(text)
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_MEMBER_BYTES", 100_000)  # stop_times.txt is about 250 kB
    refused(capsys, ["timetable", "import-gtfs", folder, "-o", tmp_path / "tt"], "gtfs/stop_times.txt",
            "size: ", "bytes, expected a file of at most 100,000 bytes")


# --- accepted: CRLF, a byte-order mark, station names in Russian and Kazakh ---------------------------


def _windows(folder):
    for p in sorted(folder.iterdir()):
        p.write_bytes(b"\xef\xbb\xbf" + p.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))


def test_a_timetable_folder_with_bom_crlf_and_names_exports_the_same_feed(tmp_path, capsys):
    assert main(["timetable", "export-gtfs", "-o", str(tmp_path / "plain.zip")]) == 0
    folder = copy_of(shipped_timetable("weekday"), tmp_path / "tt")
    text = (folder / "stop_times.csv").read_text(encoding="utf-8")
    (folder / "stop_times.csv").write_text(text.replace(",112,", ",Бәйтерек,").replace(",113,", ",Дом министерств,"),
                                           encoding="utf-8")
    _windows(folder)
    assert main(["timetable", "export-gtfs", str(folder), "-o", str(tmp_path / "windows.zip")]) == 0
    capsys.readouterr()
    assert (tmp_path / "windows.zip").read_bytes() == (tmp_path / "plain.zip").read_bytes()


def test_a_feed_with_bom_crlf_and_russian_stop_ids_imports_the_same_timetable(tmp_path, capsys, feed_tables):
    assert main(["timetable", "import-gtfs", str(_zip(tmp_path / "plain.zip", feed_tables)), "-o",
                 str(tmp_path / "plain")]) == 0
    russian = {name: "\ufeff" + text.replace(",112,", ",Байтерек,").replace("112,Baiterek,", "Байтерек,Baiterek,")
               .replace("\n", "\r\n") for name, text in feed_tables.items()}
    assert "Байтерек" in russian["stop_times.txt"] and "Байтерек" in russian["stops.txt"]
    assert main(["timetable", "import-gtfs", str(_zip(tmp_path / "plain.zip", russian)), "-o",
                 str(tmp_path / "russian")]) == 0
    capsys.readouterr()
    for name in ("stop_times.csv", "trips.csv", "stops.csv", "calendar.csv"):
        assert (tmp_path / "russian" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
