"""GTFS export and import: exact round trip, independent consumers (gtfs-guru, gtfs-kit), stop matching, errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lrt.errors import InputError
from lrt.io.gtfs import export_gtfs, import_gtfs
from lrt.io.line import read_line
from lrt.paths import shipped_network
from lrt.timetable.model import BlockEvent, Timetable, Trip

VALIDATION_DATE = "2026-06-01"  # inside the calendar, so the result does not depend on today's date


@pytest.fixture(scope="module")
def line():
    return read_line(shipped_network())


def _hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _trip(line, trip_id, block, direction, start_s, stops=None) -> Trip:
    """A trip at 12.5 m/s between stations with 30 s dwells; whole seconds, as a published timetable has."""
    codes = list(stops) if stops else list(line.codes if direction == "up" else reversed(line.codes))
    chain = {s.code: s.chainage_m for s in line.stations}
    t, arr, dep = start_s, [], []
    for i, code in enumerate(codes):
        if i:
            t += round(abs(chain[code] - chain[codes[i - 1]]) / 12.5)
        arr.append(float(t))
        t += 30 if 0 < i < len(codes) - 1 else 0
        dep.append(float(t))
    return Trip(trip_id=trip_id, block_id=block, direction=direction, stops=tuple(codes), arrival_s=tuple(arr),
                departure_s=tuple(dep), service_id="weekday")


def _timetable(line) -> Timetable:
    """Two trains, both directions, a short turn, and the last trips running past midnight."""
    h = 3600
    trips = [
        _trip(line, "U01", "T1", "up", 5 * h + 30 * 60),
        _trip(line, "D01", "T1", "down", 6 * h + 25 * 60),
        _trip(line, "U02", "T2", "up", 5 * h + 45 * 60),
        _trip(line, "D02", "T2", "down", 6 * h + 40 * 60, stops=(118, 117, 116, 115, 114, 113, 112, 111, 110, 109)),
        _trip(line, "U03", "T1", "up", 23 * h + 10 * 60),
        _trip(line, "D03", "T1", "down", 23 * h + 58 * 60),  # 23:58 -> about 24:35
        _trip(line, "U04", "T2", "up", 23 * h + 40 * 60),  # ends after midnight
    ]
    ops = (BlockEvent(block_id="T1", event="pull_out", stop=101, start_s=5 * h + 25 * 60, end_s=5 * h + 30 * 60),)
    return Timetable(name="Test day", service_id="weekday", trips=tuple(sorted(trips, key=lambda t: t.start_s)),
                     operations=ops, days=("monday", "tuesday", "wednesday", "thursday", "friday"),
                     start_date="20260101", end_date="20261231")


def test_round_trip_preserves_every_trip_block_direction_stop_and_time(line, tmp_path):
    tt = _timetable(line)
    assert max(t.end_s for t in tt.trips) > 24 * 3600  # the case GTFS writes as 24:xx:xx
    export_gtfs(tt, line, tmp_path / "feed.zip")
    back = import_gtfs(tmp_path / "feed.zip", line)
    assert [t.trip_id for t in back.trips] == [t.trip_id for t in tt.trips]
    for ours, theirs in zip(tt.trips, back.trips):
        assert (theirs.block_id, theirs.direction, theirs.service_id, theirs.route_id) == \
               (ours.block_id, ours.direction, ours.service_id, ours.route_id)
        assert theirs.stops == ours.stops
        assert theirs.arrival_s == ours.arrival_s and theirs.departure_s == ours.departure_s
    assert back.trips == tt.trips
    assert (back.name, back.service_id, back.days, back.start_date, back.end_date) == \
           ("Test day", "weekday", tt.days, "20260101", "20261231")
    assert back.operations == ()  # GTFS has no depot moves
    with zipfile.ZipFile(tmp_path / "feed.zip") as z:
        assert "24:" in z.read("stop_times.txt").decode()


def test_round_trip_of_the_shipped_weekday_timetable(line, tmp_path):
    from lrt.io.timetable import read_timetable
    from lrt.paths import shipped_timetable

    tt = read_timetable(shipped_timetable("weekday"), line)
    export_gtfs(tt, line, tmp_path / "weekday.zip")
    assert import_gtfs(tmp_path / "weekday.zip", line).trips == tt.trips


def test_export_passes_the_gtfs_guru_validator(line, tmp_path):
    import gtfs_guru  # test dependency gtfs-guru: a port of the MobilityData canonical validator
    tt = _timetable(line)
    export_gtfs(tt, line, tmp_path / "feed.zip")
    result = gtfs_guru.validate(str(tmp_path / "feed.zip"), country_code="KZ", date=VALIDATION_DATE)
    assert [(n.code, n.file, n.message) for n in result.notices if n.severity in ("ERROR", "WARNING")] == []
    counts = result.to_dict()["summary"]["counts"]
    assert (counts["Trips"], counts["Blocks"], counts["Stops"], counts["Routes"]) == (7, 2, 18, 1)


def test_the_validator_is_live_it_refuses_a_bad_zone(line, tmp_path):
    import gtfs_guru  # test dependency gtfs-guru: a port of the MobilityData canonical validator
    export_gtfs(_timetable(line), line, tmp_path / "feed.zip", timezone="Asia/Astana")  # not an IANA zone
    result = gtfs_guru.validate(str(tmp_path / "feed.zip"), date=VALIDATION_DATE)
    assert [n.code for n in result.notices if n.severity == "ERROR"] == ["invalid_timezone"]


def test_gtfs_kit_reads_the_same_trips_stops_and_times(line, tmp_path):
    import gtfs_kit as gk  # test dependency gtfs-kit
    tt = _timetable(line)
    export_gtfs(tt, line, tmp_path / "feed.zip")
    feed = gk.read_feed(tmp_path / "feed.zip", dist_units="km")
    assert len(feed.trips) == len(tt.trips)
    assert len(feed.stop_times) == sum(len(t.stops) for t in tt.trips)
    assert feed.agency["agency_timezone"].tolist() == ["Asia/Almaty"]
    assert feed.routes["route_type"].tolist() == [0]  # light rail
    stats = gk.compute_trip_stats(feed).set_index("trip_id")
    for t in tt.trips:
        row = stats.loc[t.trip_id]
        assert (row["block_id"], int(row["direction_id"]), int(row["num_stops"])) == \
               (t.block_id, 0 if t.direction == "up" else 1, len(t.stops))
        assert (row["start_time"], row["end_time"]) == (_hms(t.departure_s[0]), _hms(t.arrival_s[-1]))
        calls = feed.stop_times[feed.stop_times["trip_id"] == t.trip_id].sort_values("stop_sequence")
        assert calls["stop_id"].tolist() == [str(c) for c in t.stops]
        assert calls["arrival_time"].tolist() == [_hms(a) for a in t.arrival_s]
        assert calls["departure_time"].tolist() == [_hms(d) for d in t.departure_s]


# --- importing feeds written by others ------------------------------------------------------------------

CALENDAR = "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" \
           "wd,1,1,1,1,1,0,0,20260301,20260630\n"


def _feed(path: Path, stops: str, trips: str, stop_times: str, **more: str) -> Path:
    """A zip with the given tables (CSV text); ``more`` adds or replaces files, "" drops one."""
    files = {"stops.txt": stops, "trips.txt": trips, "stop_times.txt": stop_times, "calendar.txt": CALENDAR}
    files.update({f"{k}.txt": v for k, v in more.items()})
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            if text:
                z.writestr(name, text)
    return path


NAMED_STOPS = ("stop_id,stop_name,stop_lat,stop_lon,parent_station\n"
               "AIR,Airport,51.03,71.46,\n"
               "AIR-1,Platform 1,51.03,71.46,AIR\n"  # a platform: matched through its parent station
               "ATA,Атамекен,51.04,71.44,\n"        # Russian name
               "YES,есіл,51.05,71.43,\n")           # Kazakh name, other case
TRIPS = "route_id,service_id,trip_id\nR,wd,A\nR,wd,B\n"
STOP_TIMES = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
              "A,6:00:00,6:00:00,AIR-1,1\nA,06:03:00,06:03:30,ATA,2\nA,06:06:00,06:06:00,YES,3\n"
              "B,24:10:00,24:10:00,YES,10\nB,24:14:00,24:14:40,ATA,20\nB,24:18:05,,AIR,30\n")


def test_stops_match_by_name_in_any_language_and_through_parent_stations(line, tmp_path):
    tt = import_gtfs(_feed(tmp_path / "city.zip", NAMED_STOPS, TRIPS, STOP_TIMES), line)
    a, b = tt.trip("A"), tt.trip("B")
    assert (a.stops, a.direction, a.block_id, a.route_id) == ((101, 102, 103), "up", "A", "R")
    assert (b.stops, b.direction, b.block_id) == ((103, 102, 101), "down", "B")  # no direction_id: stop order
    assert a.arrival_s == (21600.0, 21780.0, 21960.0) and a.departure_s == (21600.0, 21810.0, 21960.0)
    assert b.arrival_s[-1] == b.departure_s[-1] == 24 * 3600 + 18 * 60 + 5  # an empty time: the other one
    assert (tt.name, tt.service_id, tt.days, tt.start_date, tt.end_date) == \
           ("city", "wd", ("monday", "tuesday", "wednesday", "thursday", "friday"), "20260301", "20260630")


def test_an_unknown_stop_is_one_line_naming_file_line_and_stop(line, tmp_path):
    stops = NAMED_STOPS + "XYZ,Nowhere,51.0,71.0,\n"
    times = STOP_TIMES + "B,24:22:00,24:22:00,XYZ,40\n"
    feed = _feed(tmp_path / "feed.zip", stops, TRIPS, times)
    with pytest.raises(InputError) as err:
        import_gtfs(feed, line)
    assert str(err.value) == (
        f"{feed}/stops.txt: line 6 (stop XYZ): stop_id: unknown stop 'XYZ' named 'Nowhere', expected a station of "
        "Astana LRT Line 1: a code 101-118 or a name such as 'Airport' (English, Russian or Kazakh) "
        "in stop_id or stop_name")


@pytest.mark.parametrize("change, where, found", [
    (dict(stop_times=STOP_TIMES.replace("ATA,20", "QQQ,20")), "stop_times.txt: line 6 (trip B): stop_id",
     "'QQQ' is not in stops.txt"),
    (dict(stops=NAMED_STOPS.replace("ATA,", "101,"), stop_times=STOP_TIMES.replace("ATA", "101")),
     "stops.txt: line 4 (stop 101): stop_name",
     "'Атамекен' is station 102 but stop_id '101' is station 101"),
    (dict(stop_times=STOP_TIMES.replace("06:03:30", "06:63:30")), "stop_times.txt: line 3 (trip A): departure_time",
     "'06:63:30'"),
    (dict(stop_times=STOP_TIMES.replace("24:14:00,24:14:40", ",")), "stop_times.txt: line 6 (trip B): arrival_time",
     "empty"),
    (dict(stop_times=STOP_TIMES.replace("A,06:06:00,06:06:00,YES,3", "A,06:06:00,06:06:00,YES,2")),
     "stop_times.txt: line 4 (trip A): stop_sequence", "2"),
    (dict(stop_times=STOP_TIMES + "C,07:00:00,07:00:00,AIR,1\n"), "stop_times.txt: line 8 (trip C): trip_id", "'C'"),
    (dict(trips=TRIPS + "R,wd,C\n"), "trips.txt: line 4 (trip C): trip_id", "0 stop time(s)"),
    (dict(trips=TRIPS + "R,we,C\n"), "trips.txt: service_id", "2 services (wd, we)"),
    (dict(stop_times=STOP_TIMES.replace("stop_sequence", "seq")), "stop_times.txt: header", "columns"),
    (dict(stop_times=""), "stop_times.txt", "missing"),
    (dict(calendar=CALENDAR.replace("wd,", "xx,")), "calendar", "no calendar.txt or calendar_dates.txt entry"),
])
def test_each_bad_feed_gives_one_input_error(line, tmp_path, change, where, found):
    tables = dict(stops=NAMED_STOPS, trips=TRIPS, stop_times=STOP_TIMES)
    tables.update({k: v for k, v in change.items() if k in tables})
    more = {k: v for k, v in change.items() if k not in tables}
    feed = _feed(tmp_path / "feed.zip", **tables, **more)
    with pytest.raises(InputError) as err:
        import_gtfs(feed, line)
    message = str(err.value)
    assert message.startswith((f"{feed}/{where}: {found}", f"{feed}: {where}: {found}")), message
    assert "\n" not in message


def test_not_a_zip_and_no_such_feed(line, tmp_path):
    (tmp_path / "feed.zip").write_text("stop_id,stop_name\n")
    with pytest.raises(InputError, match=r"feed\.zip: file: not a zip archive, expected a GTFS feed"):
        import_gtfs(tmp_path / "feed.zip", line)
    with pytest.raises(InputError, match="no such file or folder"):
        import_gtfs(tmp_path / "nothing.zip", line)


def test_a_folder_of_txt_files_and_calendar_dates_and_a_chosen_service(line, tmp_path):
    folder = tmp_path / "gtfs"
    folder.mkdir()
    (folder / "stops.txt").write_text("\ufeff" + NAMED_STOPS, encoding="utf-8")  # a byte-order mark, as many feeds
    (folder / "trips.txt").write_text(TRIPS + "R,hol,H\n", encoding="utf-8")
    (folder / "stop_times.txt").write_text(STOP_TIMES + "H,09:00:00,09:00:00,AIR,1\nH,09:04:00,09:04:00,YES,2\n",
                                           encoding="utf-8")
    (folder / "calendar_dates.txt").write_text("service_id,date,exception_type\nhol,20260322,1\nhol,20260321,1\n"
                                               "wd,20260101,1\n", encoding="utf-8")
    tt = import_gtfs(folder, line, service_id="hol")
    assert [t.trip_id for t in tt.trips] == ["H"] and tt.trips[0].stops == (101, 103)
    assert (tt.service_id, tt.days, tt.start_date, tt.end_date) == ("hol", (), "20260321", "20260322")
    with pytest.raises(InputError, match=r"service_id: no trips of service 'sat', expected one of hol, wd"):
        import_gtfs(folder, line, service_id="sat")


def test_export_refuses_a_stop_that_is_not_on_the_line(line, tmp_path):
    bad = Trip(trip_id="X", block_id="T", direction="up", stops=(101, 999), arrival_s=(0.0, 60.0),
               departure_s=(0.0, 60.0))
    tt = Timetable(name="bad", service_id="weekday", trips=(bad,))
    with pytest.raises(InputError, match=r"bad: trip X: stop 999, expected a station of Astana LRT Line 1"):
        export_gtfs(tt, line, tmp_path / "feed.zip")
    assert not (tmp_path / "feed.zip").exists()
