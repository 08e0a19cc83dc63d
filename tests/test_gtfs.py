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
    (folder / "calendar_dates.txt").write_text("service_id,date,exception_type\nhol,20260322,1\nhol,20260325,1\n"
                                               "hol,20260321,1\nwd,20260101,1\n", encoding="utf-8")
    tt = import_gtfs(folder, line, service_id="hol")
    assert [t.trip_id for t in tt.trips] == ["H"] and tt.trips[0].stops == (101, 103)
    # three dates in no order: from the first to the last of them
    assert (tt.service_id, tt.days, tt.start_date, tt.end_date) == ("hol", (), "20260321", "20260325")
    with pytest.raises(InputError, match=r"service_id: no trips of service 'sat', expected one of hol, wd"):
        import_gtfs(folder, line, service_id="sat")


def test_export_refuses_a_stop_that_is_not_on_the_line(line, tmp_path):
    bad = Trip(trip_id="X", block_id="T", direction="up", stops=(101, 999), arrival_s=(0.0, 60.0),
               departure_s=(0.0, 60.0))
    tt = Timetable(name="bad", service_id="weekday", trips=(bad,))
    with pytest.raises(InputError, match=r"bad: trip X: stop 999, expected a station of Astana LRT Line 1"):
        export_gtfs(tt, line, tmp_path / "feed.zip")
    assert not (tmp_path / "feed.zip").exists()


# --- the export, file by file, as a planner would type it ---------------------------------------------


def _tiny_line(positions=None):
    """Three stations 1 km apart; ``positions`` overrides (lat, lon) by code."""
    from lrt.network import Line, Operations, Station

    where = {1: (51.5, 71.25), 2: (51.505, 71.2625), 3: (-0.1234567, -179.5), **(positions or {})}
    return Line(name="Tiny line", start_m=0.0, end_m=4000.0, line_speed_ms=20.0, platform_length_m=70.0,
                stations=tuple(Station(code=c, name_en=f"S{c}", lat=where[c][0], lon=where[c][1], chainage_m=1000.0 * c)
                               for c in (1, 2, 3)),
                operations=Operations(acceleration_ms2=1.0, braking_ms2=1.0, dwell_s=30.0, allowance=0.0,
                                      turnback_min_s=180.0, fleet=2, reserve_trains=0),
                source="net/tiny")


def _tiny_timetable():
    h = 3600
    up = Trip(trip_id="U1", block_id="T1", direction="up", stops=(1, 2, 3), arrival_s=(6 * h, 6 * h + 100, 6 * h + 200),
              departure_s=(6 * h, 6 * h + 130, 6 * h + 200), service_id="wd", route_id="L1")
    late = Trip(trip_id="D1", block_id="T2", direction="down", stops=(3, 1), arrival_s=(24 * h + 59.6, 24 * h + 300),
                departure_s=(24 * h + 59.6, 24 * h + 300), service_id="fri", route_id="N")
    return Timetable(name="Tiny day", service_id="wd", trips=(late, up), days=("monday", "friday"),
                     start_date="20260105", end_date="20260109",
                     operations=(BlockEvent(block_id="T1", event="pull_out", stop=1, start_s=0.0, end_s=60.0),))


def test_the_export_writes_the_tables_a_planner_would_type(tmp_path):
    path = tmp_path / "feed.zip"
    export_gtfs(_tiny_timetable(), _tiny_line(), path)
    with zipfile.ZipFile(path) as z:
        assert [(i.filename, i.date_time, i.compress_type) for i in z.infolist()] == [
            (name, (1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED) for name in
            ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt", "feed_info.txt")]
        files = {name: z.read(name).decode("utf-8") for name in z.namelist()}
    days = "monday,tuesday,wednesday,thursday,friday,saturday,sunday"
    url = "https://example.invalid/astana-lrt"
    assert files == {
        "agency.txt": f"agency_id,agency_name,agency_url,agency_timezone\nLRT,Astana LRT,{url},Asia/Almaty\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type\n1,S1,51.500000,71.250000,0\n"
                     "2,S2,51.505000,71.262500,0\n3,S3,-0.123457,-179.500000,0\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\nL1,LRT,1,Tiny line,0\n"
                      "N,LRT,1,Tiny line,0\n",
        # trips in time order: U1 at 06:00, then D1 after midnight; the headsign is the last stop's name
        "trips.txt": "route_id,service_id,trip_id,trip_headsign,direction_id,block_id\nL1,wd,U1,S3,0,T1\n"
                     "N,fri,D1,S1,1,T2\n",
        # whole seconds (24:00:59.6 rounds to 24:01:00), numbered from 1
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nU1,06:00:00,06:00:00,1,1\n"
                          "U1,06:01:40,06:02:10,2,2\nU1,06:03:20,06:03:20,3,3\nD1,24:01:00,24:01:00,3,1\n"
                          "D1,24:05:00,24:05:00,1,2\n",
        # every service of the day gets the timetable's calendar, in name order
        "calendar.txt": f"service_id,{days},start_date,end_date\nfri,1,0,0,0,1,0,0,20260105,20260109\n"
                        "wd,1,0,0,0,1,0,0,20260105,20260109\n",
        "feed_info.txt": "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version,"
                         f"feed_contact_url\nAstana LRT,{url},en,20260105,20260109,Tiny day,{url}\n",
    }


def test_the_export_takes_the_agency_it_is_given_and_is_reproducible(tmp_path):
    export_gtfs(_tiny_timetable(), _tiny_line(), tmp_path / "a.zip", agency_name="City", agency_url="https://c.kz",
                timezone="Asia/Qostanay")
    export_gtfs(_tiny_timetable(), _tiny_line(), tmp_path / "b.zip", agency_name="City", agency_url="https://c.kz",
                timezone="Asia/Qostanay")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert z.read("agency.txt").decode() == ("agency_id,agency_name,agency_url,agency_timezone\n"
                                                 "LRT,City,https://c.kz,Asia/Qostanay\n")
        assert z.read("feed_info.txt").decode().splitlines()[1] == "City,https://c.kz,en,20260105,20260109,Tiny day," \
                                                                     "https://c.kz"


def test_the_export_needs_every_station_s_position_and_accepts_the_extremes(tmp_path):
    export_gtfs(_tiny_timetable(), _tiny_line({1: (90.0, -180.0), 2: (-90.0, 180.0)}), tmp_path / "ok.zip")
    for code, (lat, lon), shown in [(2, (float("nan"), 71.0), "lat nan, lon 71.0"), (3, (90.5, 0.0), "lat 90.5, lon 0.0"),
                                    (1, (-90.5, 0.0), "lat -90.5, lon 0.0"), (2, (0.0, 180.5), "lat 0.0, lon 180.5"),
                                    (3, (0.0, -180.5), "lat 0.0, lon -180.5"), (1, (0.0, float("nan")), "lat 0.0, lon nan")]:
        with pytest.raises(InputError) as err:
            export_gtfs(_tiny_timetable(), _tiny_line({code: (lat, lon)}), tmp_path / "bad.zip")
        assert str(err.value) == f"net/tiny: station {code}: {shown}, expected coordinates (GTFS requires stop_lat and " \
                                 "stop_lon)"
    assert not (tmp_path / "bad.zip").exists()


def test_the_export_names_a_trip_with_a_stop_off_the_line(tmp_path):
    bad = Trip(trip_id="X", block_id="T", direction="up", stops=(1, 9), arrival_s=(0.0, 60.0), departure_s=(0.0, 60.0))
    with pytest.raises(InputError) as err:
        export_gtfs(Timetable(name="bad", service_id="wd", trips=(bad,)), _tiny_line(), tmp_path / "feed.zip")
    assert str(err.value) == "bad: trip X: stop 9, expected a station of Tiny line (1-3)"


# --- the import: every rule on both sides, exact messages ------------------------------------------------


def _refusal(feed, line, **kwargs) -> str:
    with pytest.raises(InputError) as err:
        import_gtfs(feed, line, **kwargs)
    return str(err.value)


def _tables(**change):
    tables = dict(stops=NAMED_STOPS, trips=TRIPS, stop_times=STOP_TIMES)
    tables.update(change)
    return tables


IMPORT_REFUSED = [
    (dict(stop_times=STOP_TIMES.replace("ATA,20", "QQQ,20")),
     "stop_times.txt: line 6 (trip B): stop_id: 'QQQ' is not in stops.txt, expected a stop_id listed in stops.txt"),
    (dict(stops=NAMED_STOPS.replace("ATA,", "101,"), stop_times=STOP_TIMES.replace("ATA", "101")),
     "stops.txt: line 4 (stop 101): stop_name: 'Атамекен' is station 102 but stop_id '101' is station 101, expected a "
     "stop_id and stop_name of the same station"),
    (dict(stops=NAMED_STOPS + "ATA,Again,51.0,71.0,\n"), "stops.txt: line 6 (stop ATA): stop_id: 'ATA', expected a stop "
                                                         "id used once"),
    (dict(stops=NAMED_STOPS.replace("ATA,Атамекен,51.04,71.44", "ATA,Атамекен,51.04,")),
     "stops.txt: line 4 (stop ATA): stop_lon: empty, expected a latitude and a longitude, or neither"),
    (dict(stop_times=STOP_TIMES.replace("24:14:00,24:14:40", ",")),
     "stop_times.txt: line 6 (trip B): arrival_time: empty, expected a time HH:MM:SS at every stop (lrt does not "
     "interpolate)"),
    (dict(stop_times=STOP_TIMES.replace("06:03:30", "06:63:30")),
     "stop_times.txt: line 3 (trip A): departure_time: '06:63:30', expected a time HH:MM:SS"),
    (dict(stop_times=STOP_TIMES.replace("6:00:00,6:00:00", "6:00:00,30:00:01")),
     "stop_times.txt: line 2 (trip A): departure_time: '30:00:01', expected a time no later than 30:00:00 (the end of "
     "the service day)"),
    (dict(stop_times=STOP_TIMES + "C,07:00:00,07:00:00,AIR,1\n"),
     "stop_times.txt: line 8 (trip C): trip_id: 'C', expected a trip listed in trips.txt"),
    (dict(stop_times=STOP_TIMES.replace("A,06:06:00,06:06:00,YES,3", "A,06:06:00,06:06:00,YES,2")),
     "stop_times.txt: line 4 (trip A): stop_sequence: 2, expected a stop_sequence used once per trip"),
    (dict(trips=TRIPS + "R,wd,C\n"), "trips.txt: line 4 (trip C): trip_id: 0 stop time(s) in stop_times.txt, expected "
                                     "at least two stops per trip"),
    (dict(stop_times=STOP_TIMES.replace("A,06:03:00,06:03:30,ATA,2\nA,06:06:00,06:06:00,YES,3\n", "")),
     "trips.txt: line 2 (trip A): trip_id: 1 stop time(s) in stop_times.txt, expected at least two stops per trip"),
    (dict(trips=TRIPS + "R,wd,A\n"), "trips.txt: line 4 (trip A): trip_id: 'A', expected a trip id used once"),
    (dict(trips="route_id,service_id,trip_id\n"), "trips.txt: trips: none, expected at least one trip"),
    (dict(trips=TRIPS.replace("R,wd,B", "Q,wd,B"), routes="route_id\nR\nS\n"),
     "trips.txt: line 3 (trip B): route_id: 'Q', expected a route of routes.txt (R, S)"),
    (dict(routes="route_id\nR\nR\n"), "routes.txt: line 3: route_id: 'R', expected a route id used once"),
    (dict(trips=TRIPS + "R,we,C\n"), "trips.txt: service_id: 2 services (wd, we), expected one service per timetable "
                                     "(choose one with service_id)"),
    (dict(calendar=CALENDAR + "wd,1,1,1,1,1,0,0,20260101,20260102\n"),
     "calendar.txt: line 3 (service wd): service_id: 'wd', expected a service listed once"),
    (dict(calendar=CALENDAR.replace("wd,", "xx,")), "calendar: no calendar.txt or calendar_dates.txt entry for service "
                                                    "'wd', expected the service's days in calendar.txt (or its dates in "
                                                    "calendar_dates.txt)"),
    (dict(calendar="", calendar_dates="service_id,date,exception_type\nwd,20260230,1\n"),
     "calendar_dates.txt: line 2: date: '20260230', expected a date YYYYMMDD that exists"),
    (dict(calendar="", calendar_dates="service_id,date,exception_type\nwd,20260105,2\nxx,20260106,1\n"),
     "calendar: no calendar.txt or calendar_dates.txt entry for service 'wd', expected the service's days in "
     "calendar.txt (or its dates in calendar_dates.txt)"),
    (dict(calendar="", calendar_dates="service_id,date,exception_type\nwd,20260105,0\n"),
     "calendar_dates.txt: line 2: exception_type: '0', expected 1 (service added) or 2 (service removed)"),
    (dict(stop_times=STOP_TIMES.replace("B,24:10:00,24:10:00,YES,10", "B,24:10:00,24:10:00,AIR,10")
          .replace("stop_sequence\n", "stop_sequence\n", 1)),
     "trips.txt: line 3 (trip B): direction_id: empty for a trip that starts and ends at station 101, expected 0 (up, "
     "Airport → Nurly Zhol) or 1 (down)"),
    (dict(trips=TRIPS.replace("trip_id\n", "trip_id,direction_id\n").replace("R,wd,B", "R,wd,B,2"),
          stop_times=STOP_TIMES.replace("B,24:10:00,24:10:00,YES,10", "B,24:10:00,24:10:00,AIR,10")),
     "trips.txt: line 3 (trip B): direction_id: 2 for a trip that starts and ends at station 101, expected 0 (up, "
     "Airport → Nurly Zhol) or 1 (down)"),
]


@pytest.mark.parametrize("change, message", IMPORT_REFUSED, ids=[c[1][:50] for c in IMPORT_REFUSED])
def test_each_check_of_the_import_refuses_with_its_exact_message(line, tmp_path, change, message):
    tables = _tables(**{k: v for k, v in change.items() if k in ("stops", "trips", "stop_times")})
    feed = _feed(tmp_path / "feed.zip", **tables, **{k: v for k, v in change.items() if k not in tables})
    expected = f"{feed}: {message}" if message.startswith("calendar:") else f"{feed}/{message}"  # the feed, or a member
    assert _refusal(feed, line) == expected


def test_feed_level_refusals(line, tmp_path):
    feed = _feed(tmp_path / "feed.zip", **_tables(stop_times=""))
    assert _refusal(feed, line) == f"{feed}: stop_times.txt: missing, expected a GTFS feed with stop_times.txt"
    assert _refusal(tmp_path / "none.zip", line) == (f"{tmp_path / 'none.zip'}: file: no such file or folder, expected "
                                                     "a GTFS feed (.zip or folder)")
    (tmp_path / "text.zip").write_text("stop_id\n")
    assert _refusal(tmp_path / "text.zip", line) == (f"{tmp_path / 'text.zip'}: file: not a zip archive, expected a GTFS "
                                                     "feed: a .zip of .txt files or a folder of them")
    feed = _feed(tmp_path / "feed.zip", **_tables())
    assert _refusal(feed, line, service_id="sat") == f"{feed}/trips.txt: service_id: no trips of service 'sat', " \
                                                     "expected one of wd"


def test_a_feed_may_be_as_large_as_the_limit_and_no_larger(line, tmp_path, monkeypatch):
    import lrt.io.gtfs

    feed = _feed(tmp_path / "feed.zip", **_tables())
    size = feed.stat().st_size
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_FEED_BYTES", size)
    assert len(import_gtfs(feed, line).trips) == 2
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_FEED_BYTES", size - 1)
    assert _refusal(feed, line) == (f"{feed}: file: {size:,} bytes, expected a feed of at most {size - 1:,} bytes (cut it "
                                    "down to the line)")


def test_a_member_may_be_as_large_as_the_limit_and_no_larger(line, tmp_path, monkeypatch):
    import lrt.io.gtfs

    feed = _feed(tmp_path / "feed.zip", **_tables())
    size = len(STOP_TIMES.encode())
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_MEMBER_BYTES", size)
    assert len(import_gtfs(feed, line).trips) == 2
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_MEMBER_BYTES", size - 1)
    assert _refusal(feed, line) == (f"{feed}/stop_times.txt: size: {size:,} bytes uncompressed, expected a file of at "
                                    f"most {size - 1:,} bytes (cut the feed down to the line)")
    folder = tmp_path / "gtfs"
    folder.mkdir()
    for name, text in {"stops": NAMED_STOPS, "trips": TRIPS, "stop_times": STOP_TIMES, "calendar": CALENDAR}.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    assert _refusal(folder, line) == (f"{folder}/stop_times.txt: size: {size:,} bytes, expected a file of at most "
                                      f"{size - 1:,} bytes (cut the feed down to the line)")
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_MEMBER_BYTES", size)
    assert len(import_gtfs(folder, line).trips) == 2


def test_the_compression_ratio_is_judged_only_on_large_members(line, tmp_path, monkeypatch):
    import lrt.io.gtfs

    # stop_times.txt of a feed padded with blank lines: large, and it compresses very well
    padded = STOP_TIMES + "\n" * 400_000
    feed = tmp_path / "feed.zip"
    with zipfile.ZipFile(feed, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {"stops": NAMED_STOPS, "trips": TRIPS, "stop_times": padded, "calendar": CALENDAR}.items():
            z.writestr(f"{name}.txt", text)
    with zipfile.ZipFile(feed) as z:
        info = z.getinfo("stop_times.txt")
    ratio = info.file_size / info.compress_size
    assert ratio > 100
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_RATIO_FROM_BYTES", info.file_size)  # not above the threshold: read
    assert len(import_gtfs(feed, line).trips) == 2
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_RATIO_FROM_BYTES", info.file_size - 1)
    assert _refusal(feed, line) == (f"{feed}/stop_times.txt: size: {info.compress_size:,} bytes that expand {ratio:,.0f} "
                                    "times, expected a compression ratio of at most 100 (a decompression bomb?)")
    monkeypatch.setattr(lrt.io.gtfs, "GTFS_MAX_RATIO", int(ratio) + 1)
    assert len(import_gtfs(feed, line).trips) == 2


def test_members_in_a_folder_inside_the_zip_and_the_shallowest_wins(line, tmp_path):
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("gtfs/", "")
        for name, text in {"stops": NAMED_STOPS, "trips": TRIPS, "stop_times": STOP_TIMES, "calendar": CALENDAR}.items():
            z.writestr(f"gtfs/{name}.txt", text)
        z.writestr("trips.txt", "service_id,trip_id,block_id\nwd,A,TOP\nwd,B,TOP\n")  # at the top: this one is read
        z.writestr("gtfs/old/trips.txt", "service_id,trip_id,block_id\nwd,A,DEEP\nwd,B,DEEP\n")
        z.writestr("gtfs/readme.md", "not a table")
    tt = import_gtfs(path, line)
    assert [(t.trip_id, t.block_id) for t in tt.trips] == [("A", "TOP"), ("B", "TOP")]


def test_an_imported_timetable_takes_its_name_and_defaults_from_the_feed(line, tmp_path):
    info = "feed_publisher_name,feed_version\nCity,v2026-03\n"
    tt = import_gtfs(_feed(tmp_path / "named.zip", **_tables(), feed_info=info), line)
    assert (tt.name, tt.notes, tt.operations) == ("v2026-03", {"imported_from": "named.zip"}, ())
    tt = import_gtfs(_feed(tmp_path / "unnamed.zip", **_tables(), feed_info="feed_publisher_name,feed_version\nCity,\n"),
                     line)
    assert tt.name == "unnamed"
    blocks = "service_id,trip_id,block_id,route_id\nwd,A,T9,\nwd,B,,R2\n"
    tt = import_gtfs(_feed(tmp_path / "b.zip", **_tables(trips=blocks)), line)
    assert [(t.trip_id, t.block_id, t.route_id) for t in tt.trips] == [("A", "T9", "L1"), ("B", "B", "R2")]


def test_times_one_of_which_stands_for_both(line, tmp_path):
    times = STOP_TIMES.replace("A,06:03:00,06:03:30,", "A,,06:03:30,").replace("A,06:06:00,06:06:00,", "A,06:06:00,,")
    a = import_gtfs(_feed(tmp_path / "feed.zip", **_tables(stop_times=times)), line).trip("A")
    assert a.arrival_s == (21600, 21810, 21960) and a.departure_s == (21600, 21810, 21960)


def test_a_trip_that_ends_where_it_starts_follows_its_direction_id(line, tmp_path):
    trips = TRIPS.replace("trip_id\n", "trip_id,direction_id\n").replace("R,wd,A", "R,wd,A,1").replace("R,wd,B", "R,wd,B,0")
    times = STOP_TIMES.replace("A,06:06:00,06:06:00,YES,3", "A,06:06:00,06:06:00,AIR,3").replace(
        "B,24:10:00,24:10:00,YES,10", "B,24:10:00,24:10:00,AIR,10")
    tt = import_gtfs(_feed(tmp_path / "loop.zip", **_tables(trips=trips, stop_times=times)), line)
    assert [(t.trip_id, t.direction) for t in tt.trips] == [("A", "down"), ("B", "up")]


def test_stops_are_matched_through_two_parent_stations_at_most(line, tmp_path):
    stops = NAMED_STOPS + "P1,Platform,51.0,71.0,P2\nP2,Hall,51.0,71.0,AIR\nQ1,Platform,51.0,71.0,Q2\n" \
                          "Q2,Entrance,51.0,71.0,Q3\nQ3,Hall,51.0,71.0,AIR\n"
    times = STOP_TIMES.replace("A,6:00:00,6:00:00,AIR-1,1", "A,6:00:00,6:00:00,P1,1")
    assert import_gtfs(_feed(tmp_path / "two.zip", **_tables(stops=stops, stop_times=times)), line).trip("A").stops[0] == 101
    feed = _feed(tmp_path / "three.zip", **_tables(stops=stops, stop_times=times.replace(",P1,1", ",Q1,1")))
    assert _refusal(feed, line) == (
        f"{feed}/stops.txt: line 10 (stop Q3): stop_id: unknown stop 'Q3' named 'Hall', expected a station of Astana LRT "
        "Line 1: a code 101-118 or a name such as 'Airport' (English, Russian or Kazakh) in stop_id or stop_name")


def test_an_unknown_stop_without_a_name(line, tmp_path):
    stops = NAMED_STOPS + "XYZ,,,,\n"
    feed = _feed(tmp_path / "feed.zip", **_tables(stops=stops, stop_times=STOP_TIMES + "B,24:22:00,24:22:00,XYZ,40\n"))
    assert _refusal(feed, line) == (
        f"{feed}/stops.txt: line 6 (stop XYZ): stop_id: unknown stop 'XYZ', expected a station of Astana LRT Line 1: a "
        "code 101-118 or a name such as 'Airport' (English, Russian or Kazakh) in stop_id or stop_name")


def test_stop_ids_may_be_codes_or_names(line, tmp_path):
    stops = "stop_id,stop_name\n101,\nBaiterek,\n118,Nurly Zhol\n"
    times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nA,06:00:00,06:00:00,101,1\n" \
            "A,06:30:00,06:30:00,Baiterek,2\nA,06:50:00,06:50:00,118,3\nB,07:00:00,07:00:00,118,1\n" \
            "B,07:30:00,07:30:00,101,2\n"
    tt = import_gtfs(_feed(tmp_path / "feed.zip", **_tables(stops=stops, stop_times=times)), line)
    assert [t.stops for t in tt.trips] == [(101, 112, 118), (118, 101)]


def test_a_calendar_found_in_calendar_dates_when_calendar_txt_lacks_the_service(line, tmp_path):
    dates = "service_id,date,exception_type\nwd,20260310,1\nwd,20260302,1\nwd,20260305,2\nwe,20260301,1\n"
    tt = import_gtfs(_feed(tmp_path / "feed.zip", **_tables(), calendar=CALENDAR.replace("wd,", "xx,"),
                           calendar_dates=dates), line)
    assert (tt.days, tt.start_date, tt.end_date) == ((), "20260302", "20260310")
    tt = import_gtfs(_feed(tmp_path / "both.zip", **_tables(), calendar_dates=dates), line)  # calendar.txt first
    assert (tt.days, tt.start_date, tt.end_date) == (("monday", "tuesday", "wednesday", "thursday", "friday"),
                                                     "20260301", "20260630")


def test_trips_of_another_service_are_left_out_but_their_stop_times_checked(line, tmp_path):
    trips = TRIPS + "R,we,W\n"
    times = STOP_TIMES + "W,10:00:00,10:00:00,AIR,1\nW,10:05:00,10:05:00,YES,2\n"
    tt = import_gtfs(_feed(tmp_path / "feed.zip", **_tables(trips=trips, stop_times=times),
                           calendar=CALENDAR + "we,0,0,0,0,0,1,1,20260301,20260630\n"), line, service_id="we")
    assert [t.trip_id for t in tt.trips] == ["W"] and tt.days == ("saturday", "sunday") and tt.service_id == "we"


def _lie(path, member, **fields):
    """Rewrite a member's flags or size in the zip's central directory, as a forged feed would."""
    import struct

    offsets = {"flags": (8, "<H"), "file_size": (24, "<I")}
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")
    while data[at + 46:at + 46 + struct.unpack_from("<H", data, at + 28)[0]].decode() != member:
        at = data.index(b"PK\x01\x02", at + 46)
    for field, value in fields.items():
        struct.pack_into(offsets[field][1], data, at + offsets[field][0], value)
    path.write_bytes(bytes(data))


def test_a_member_whose_headers_lie_is_unreadable_not_larger(line, tmp_path):
    feed = _feed(tmp_path / "short.zip", **_tables())
    _lie(feed, "stop_times.txt", file_size=100)  # claims less than it holds: the CRC check fails at the claimed end
    message = _refusal(feed, line)
    assert message.startswith(f"{feed}/stop_times.txt: file: unreadable (") and message.endswith(
        "), expected a readable file")
    feed = _feed(tmp_path / "locked.zip", **_tables())
    _lie(feed, "trips.txt", flags=1)  # "encrypted"
    message = _refusal(feed, line)  # (the middle is zipfile's own words, which vary between Python versions)
    assert message.startswith(f"{feed}/trips.txt: file: unreadable (File <ZipInfo filename='trips.txt'") and \
        message.endswith("> is encrypted, password required for extraction), expected a readable file")


def test_a_member_that_is_not_utf8(line, tmp_path):
    feed = _feed(tmp_path / "latin.zip", **_tables(stops=NAMED_STOPS.encode().replace(b"Airport", "Aéroport".encode("latin-1"))))
    assert _refusal(feed, line) == f"{feed}/stops.txt: encoding: bytes that are not UTF-8, expected a UTF-8 text file"
